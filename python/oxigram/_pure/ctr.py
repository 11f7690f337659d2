"""AES-256-CTR as a stateful stream, as obfuscated2 uses it (OpenSSL's and tgcrypto's convention).

The 16-byte IV is the first counter block, a 128-bit big-endian integer incremented by one per
block (wrapping at 2^128). The keystream continues across :meth:`AesCtr256.update` calls,
partial blocks included.

Speed: the keystream of a whole chunk is generated in one function with the T-table rounds of
:mod:`.aes` inlined on four int locals per block and packed once with :func:`struct.pack`; the
xor is one big-int operation over the whole chunk. Counter blocks share their first 120 bits
for runs of up to 256 blocks, and only one byte changing means the first round changes one
column (one lookup per block) and the second round one lookup per column (four per block):
the other 27 lookups of those two rounds are done once per run (Bernstein and Schwabe's
counter-mode caching), so a block costs 197 lookups instead of 224.
"""

from __future__ import annotations

import struct

from ._args import as_buffer, check_len
from .aes import SBOX_SHIFTED, TE, RoundKeys, expand_key

__all__ = ["AesCtr256", "ctr_keystream"]

_MASK32 = 0xFFFFFFFF
_MASK128 = (1 << 128) - 1


def ctr_keystream(round_keys: RoundKeys, counter: int, nblocks: int) -> bytes:
    """``nblocks`` keystream blocks: AES of counter blocks ``counter``, ``counter + 1``, ...
    (mod 2^128) under ``round_keys`` (any AES key size)."""
    te0, te1, te2, te3 = TE
    f0, f1, f2, f3 = SBOX_SHIFTED
    k0, k1, k2, k3, e0, e1, e2, e3 = round_keys[:8]
    g0, g1, g2, g3, h0, h1, h2, h3 = round_keys[8:16]
    l0, l1, l2, l3 = round_keys[-4:]
    # Rounds 4..rounds-1, two at a time (their number is even for every key size).
    pairs = tuple(tuple(round_keys[r : r + 8]) for r in range(16, len(round_keys) - 4, 8))
    out = [0] * (4 * nblocks)
    i = 0
    while nblocks:
        low = counter & 255
        run = min(nblocks, 256 - low)  # blocks before the low byte wraps
        a0 = (counter >> 96) ^ k0
        a1 = (counter >> 64 & _MASK32) ^ k1
        a2 = (counter >> 32 & _MASK32) ^ k2
        a3 = (counter & _MASK32) ^ k3
        # Round 1: ShiftRows puts the low byte of a3 (the only one changing in this run) in
        # column 0 alone; columns 1..3 are constant.
        p0 = te0[a0 >> 24] ^ te1[a1 >> 16 & 255] ^ te2[a2 >> 8 & 255] ^ e0
        t1 = te0[a1 >> 24] ^ te1[a2 >> 16 & 255] ^ te2[a3 >> 8 & 255] ^ te3[a0 & 255] ^ e1
        t2 = te0[a2 >> 24] ^ te1[a3 >> 16 & 255] ^ te2[a0 >> 8 & 255] ^ te3[a1 & 255] ^ e2
        t3 = te0[a3 >> 24] ^ te1[a0 >> 16 & 255] ^ te2[a1 >> 8 & 255] ^ te3[a2 & 255] ^ e3
        # Round 2: each column takes one byte of column 0 and three constant ones.
        q0 = te1[t1 >> 16 & 255] ^ te2[t2 >> 8 & 255] ^ te3[t3 & 255] ^ g0
        q1 = te0[t1 >> 24] ^ te1[t2 >> 16 & 255] ^ te2[t3 >> 8 & 255] ^ g1
        q2 = te0[t2 >> 24] ^ te1[t3 >> 16 & 255] ^ te3[t1 & 255] ^ g2
        q3 = te0[t3 >> 24] ^ te2[t1 >> 8 & 255] ^ te3[t2 & 255] ^ g3
        k3_low = k3 & 255
        for x in range(low, low + run):
            t0 = p0 ^ te3[x ^ k3_low]
            b0 = q0 ^ te0[t0 >> 24]
            b1 = q1 ^ te3[t0 & 255]
            b2 = q2 ^ te2[t0 >> 8 & 255]
            b3 = q3 ^ te1[t0 >> 16 & 255]
            s0 = te0[b0 >> 24] ^ te1[b1 >> 16 & 255] ^ te2[b2 >> 8 & 255] ^ te3[b3 & 255] ^ h0
            s1 = te0[b1 >> 24] ^ te1[b2 >> 16 & 255] ^ te2[b3 >> 8 & 255] ^ te3[b0 & 255] ^ h1
            s2 = te0[b2 >> 24] ^ te1[b3 >> 16 & 255] ^ te2[b0 >> 8 & 255] ^ te3[b1 & 255] ^ h2
            s3 = te0[b3 >> 24] ^ te1[b0 >> 16 & 255] ^ te2[b1 >> 8 & 255] ^ te3[b2 & 255] ^ h3
            for r0, r1, r2, r3, r4, r5, r6, r7 in pairs:
                b0 = te0[s0 >> 24] ^ te1[s1 >> 16 & 255] ^ te2[s2 >> 8 & 255] ^ te3[s3 & 255] ^ r0
                b1 = te0[s1 >> 24] ^ te1[s2 >> 16 & 255] ^ te2[s3 >> 8 & 255] ^ te3[s0 & 255] ^ r1
                b2 = te0[s2 >> 24] ^ te1[s3 >> 16 & 255] ^ te2[s0 >> 8 & 255] ^ te3[s1 & 255] ^ r2
                b3 = te0[s3 >> 24] ^ te1[s0 >> 16 & 255] ^ te2[s1 >> 8 & 255] ^ te3[s2 & 255] ^ r3
                s0 = te0[b0 >> 24] ^ te1[b1 >> 16 & 255] ^ te2[b2 >> 8 & 255] ^ te3[b3 & 255] ^ r4
                s1 = te0[b1 >> 24] ^ te1[b2 >> 16 & 255] ^ te2[b3 >> 8 & 255] ^ te3[b0 & 255] ^ r5
                s2 = te0[b2 >> 24] ^ te1[b3 >> 16 & 255] ^ te2[b0 >> 8 & 255] ^ te3[b1 & 255] ^ r6
                s3 = te0[b3 >> 24] ^ te1[b0 >> 16 & 255] ^ te2[b1 >> 8 & 255] ^ te3[b2 & 255] ^ r7
            out[i] = f0[s0 >> 24] ^ f1[s1 >> 16 & 255] ^ f2[s2 >> 8 & 255] ^ f3[s3 & 255] ^ l0
            out[i + 1] = f0[s1 >> 24] ^ f1[s2 >> 16 & 255] ^ f2[s3 >> 8 & 255] ^ f3[s0 & 255] ^ l1
            out[i + 2] = f0[s2 >> 24] ^ f1[s3 >> 16 & 255] ^ f2[s0 >> 8 & 255] ^ f3[s1 & 255] ^ l2
            out[i + 3] = f0[s3 >> 24] ^ f1[s0 >> 16 & 255] ^ f2[s1 >> 8 & 255] ^ f3[s2 & 255] ^ l3
            i += 4
        counter = (counter + run) & _MASK128
        nblocks -= run
    return struct.pack(f">{len(out)}I", *out)


class AesCtr256:
    """A running AES-256-CTR stream; see ``oxigram/_native.pyi``."""

    __slots__ = ("_counter", "_keystream", "_round_keys")

    def __init__(self, key: object, iv: object) -> None:
        key_bytes = check_len(as_buffer(key, "key"), "key", 32)
        iv_bytes = check_len(as_buffer(iv, "iv"), "iv", 16)
        self._round_keys = expand_key(key_bytes)
        self._counter = int.from_bytes(iv_bytes, "big")  # the next block to generate
        self._keystream = b""  # unused bytes of the last generated block (< 16)

    def update(self, data: object) -> bytes:
        """Encrypts (or decrypts) the next ``len(data)`` bytes of the stream."""
        buf = as_buffer(data, "data")
        n = len(buf)
        if n == 0:
            return b""
        stream = self._keystream
        if len(stream) < n:
            nblocks = (n - len(stream) + 15) // 16
            stream += ctr_keystream(self._round_keys, self._counter, nblocks)
            self._counter = (self._counter + nblocks) & _MASK128
        self._keystream = stream[n:]
        # One big-int xor over the whole chunk instead of a per-byte loop.
        mixed = int.from_bytes(buf, "little") ^ int.from_bytes(stream[:n], "little")
        return mixed.to_bytes(n, "little")
