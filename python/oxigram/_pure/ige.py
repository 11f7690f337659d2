"""AES-IGE as Telegram and OpenSSL's ``AES_ige_encrypt`` use it.

``iv[:16]`` is the previous ciphertext block and ``iv[16:]`` the previous plaintext block:
``c_i = E(p_i ^ c_{i-1}) ^ p_{i-1}`` and ``p_i = D(c_i ^ p_{i-1}) ^ c_{i-1}``.

Both directions are chained, so nothing can run in parallel; speed comes from doing the whole
buffer in one function: one ``struct.unpack`` in, the AES rounds inlined on four 32-bit
locals per block (no call per block), one ``struct.pack`` out. The loops take the first
middle round on its own and the rest two at a time: every key size (10, 12, 14 rounds) has
an odd number of middle rounds, and pairing them saves the state-tuple shuffle per round.
:func:`ige_encrypt`/:func:`ige_decrypt` take any AES key size and assume ``len(data) % 16 == 0``,
``len(iv) == 32`` and a 16/24/32-byte key;
the public ``ige256_*`` functions check the arguments first.
"""

from __future__ import annotations

import struct

from ..errors import InvalidInputError
from ._args import as_buffer
from .aes import INV_SBOX_SHIFTED, SBOX_SHIFTED, TD, TE, RoundKeys, expand_key, inverse_round_keys

__all__ = ["ige256_decrypt", "ige256_encrypt", "ige_decrypt", "ige_encrypt"]


def _round_pairs(round_keys: RoundKeys) -> tuple[tuple[int, ...], ...]:
    """Round keys 2..rounds-1 grouped eight words (two rounds) at a time."""
    last = len(round_keys) - 4
    return tuple(tuple(round_keys[r : r + 8]) for r in range(8, last, 8))


def ige_encrypt(data: bytes, key: bytes, iv: bytes) -> bytes:
    rk = expand_key(key)
    te0, te1, te2, te3 = TE
    f0, f1, f2, f3 = SBOX_SHIFTED
    k0, k1, k2, k3, e0, e1, e2, e3 = rk[:8]
    l0, l1, l2, l3 = rk[-4:]
    pairs = _round_pairs(rk)
    n = len(data) // 4
    words = struct.unpack(f">{n}I", data)
    c0, c1, c2, c3, p0, p1, p2, p3 = struct.unpack(">8I", iv)
    out = [0] * n
    for i in range(0, n, 4):
        x0 = words[i]
        x1 = words[i + 1]
        x2 = words[i + 2]
        x3 = words[i + 3]
        a0 = x0 ^ c0 ^ k0
        a1 = x1 ^ c1 ^ k1
        a2 = x2 ^ c2 ^ k2
        a3 = x3 ^ c3 ^ k3
        s0 = te0[a0 >> 24] ^ te1[a1 >> 16 & 255] ^ te2[a2 >> 8 & 255] ^ te3[a3 & 255] ^ e0
        s1 = te0[a1 >> 24] ^ te1[a2 >> 16 & 255] ^ te2[a3 >> 8 & 255] ^ te3[a0 & 255] ^ e1
        s2 = te0[a2 >> 24] ^ te1[a3 >> 16 & 255] ^ te2[a0 >> 8 & 255] ^ te3[a1 & 255] ^ e2
        s3 = te0[a3 >> 24] ^ te1[a0 >> 16 & 255] ^ te2[a1 >> 8 & 255] ^ te3[a2 & 255] ^ e3
        for r0, r1, r2, r3, r4, r5, r6, r7 in pairs:
            a0 = te0[s0 >> 24] ^ te1[s1 >> 16 & 255] ^ te2[s2 >> 8 & 255] ^ te3[s3 & 255] ^ r0
            a1 = te0[s1 >> 24] ^ te1[s2 >> 16 & 255] ^ te2[s3 >> 8 & 255] ^ te3[s0 & 255] ^ r1
            a2 = te0[s2 >> 24] ^ te1[s3 >> 16 & 255] ^ te2[s0 >> 8 & 255] ^ te3[s1 & 255] ^ r2
            a3 = te0[s3 >> 24] ^ te1[s0 >> 16 & 255] ^ te2[s1 >> 8 & 255] ^ te3[s2 & 255] ^ r3
            s0 = te0[a0 >> 24] ^ te1[a1 >> 16 & 255] ^ te2[a2 >> 8 & 255] ^ te3[a3 & 255] ^ r4
            s1 = te0[a1 >> 24] ^ te1[a2 >> 16 & 255] ^ te2[a3 >> 8 & 255] ^ te3[a0 & 255] ^ r5
            s2 = te0[a2 >> 24] ^ te1[a3 >> 16 & 255] ^ te2[a0 >> 8 & 255] ^ te3[a1 & 255] ^ r6
            s3 = te0[a3 >> 24] ^ te1[a0 >> 16 & 255] ^ te2[a1 >> 8 & 255] ^ te3[a2 & 255] ^ r7
        c0 = f0[s0 >> 24] ^ f1[s1 >> 16 & 255] ^ f2[s2 >> 8 & 255] ^ f3[s3 & 255] ^ l0 ^ p0
        c1 = f0[s1 >> 24] ^ f1[s2 >> 16 & 255] ^ f2[s3 >> 8 & 255] ^ f3[s0 & 255] ^ l1 ^ p1
        c2 = f0[s2 >> 24] ^ f1[s3 >> 16 & 255] ^ f2[s0 >> 8 & 255] ^ f3[s1 & 255] ^ l2 ^ p2
        c3 = f0[s3 >> 24] ^ f1[s0 >> 16 & 255] ^ f2[s1 >> 8 & 255] ^ f3[s2 & 255] ^ l3 ^ p3
        out[i] = c0
        out[i + 1] = c1
        out[i + 2] = c2
        out[i + 3] = c3
        p0 = x0
        p1 = x1
        p2 = x2
        p3 = x3
    return struct.pack(f">{n}I", *out)


def ige_decrypt(data: bytes, key: bytes, iv: bytes) -> bytes:
    rk = inverse_round_keys(expand_key(key))
    td0, td1, td2, td3 = TD
    f0, f1, f2, f3 = INV_SBOX_SHIFTED
    k0, k1, k2, k3, e0, e1, e2, e3 = rk[:8]
    l0, l1, l2, l3 = rk[-4:]
    pairs = _round_pairs(rk)
    n = len(data) // 4
    words = struct.unpack(f">{n}I", data)
    c0, c1, c2, c3, p0, p1, p2, p3 = struct.unpack(">8I", iv)
    out = [0] * n
    # InvShiftRows: output column j takes row k from column (j - k) mod 4.
    for i in range(0, n, 4):
        x0 = words[i]
        x1 = words[i + 1]
        x2 = words[i + 2]
        x3 = words[i + 3]
        a0 = x0 ^ p0 ^ k0
        a1 = x1 ^ p1 ^ k1
        a2 = x2 ^ p2 ^ k2
        a3 = x3 ^ p3 ^ k3
        s0 = td0[a0 >> 24] ^ td1[a3 >> 16 & 255] ^ td2[a2 >> 8 & 255] ^ td3[a1 & 255] ^ e0
        s1 = td0[a1 >> 24] ^ td1[a0 >> 16 & 255] ^ td2[a3 >> 8 & 255] ^ td3[a2 & 255] ^ e1
        s2 = td0[a2 >> 24] ^ td1[a1 >> 16 & 255] ^ td2[a0 >> 8 & 255] ^ td3[a3 & 255] ^ e2
        s3 = td0[a3 >> 24] ^ td1[a2 >> 16 & 255] ^ td2[a1 >> 8 & 255] ^ td3[a0 & 255] ^ e3
        for r0, r1, r2, r3, r4, r5, r6, r7 in pairs:
            a0 = td0[s0 >> 24] ^ td1[s3 >> 16 & 255] ^ td2[s2 >> 8 & 255] ^ td3[s1 & 255] ^ r0
            a1 = td0[s1 >> 24] ^ td1[s0 >> 16 & 255] ^ td2[s3 >> 8 & 255] ^ td3[s2 & 255] ^ r1
            a2 = td0[s2 >> 24] ^ td1[s1 >> 16 & 255] ^ td2[s0 >> 8 & 255] ^ td3[s3 & 255] ^ r2
            a3 = td0[s3 >> 24] ^ td1[s2 >> 16 & 255] ^ td2[s1 >> 8 & 255] ^ td3[s0 & 255] ^ r3
            s0 = td0[a0 >> 24] ^ td1[a3 >> 16 & 255] ^ td2[a2 >> 8 & 255] ^ td3[a1 & 255] ^ r4
            s1 = td0[a1 >> 24] ^ td1[a0 >> 16 & 255] ^ td2[a3 >> 8 & 255] ^ td3[a2 & 255] ^ r5
            s2 = td0[a2 >> 24] ^ td1[a1 >> 16 & 255] ^ td2[a0 >> 8 & 255] ^ td3[a3 & 255] ^ r6
            s3 = td0[a3 >> 24] ^ td1[a2 >> 16 & 255] ^ td2[a1 >> 8 & 255] ^ td3[a0 & 255] ^ r7
        p0 = f0[s0 >> 24] ^ f1[s3 >> 16 & 255] ^ f2[s2 >> 8 & 255] ^ f3[s1 & 255] ^ l0 ^ c0
        p1 = f0[s1 >> 24] ^ f1[s0 >> 16 & 255] ^ f2[s3 >> 8 & 255] ^ f3[s2 & 255] ^ l1 ^ c1
        p2 = f0[s2 >> 24] ^ f1[s1 >> 16 & 255] ^ f2[s0 >> 8 & 255] ^ f3[s3 & 255] ^ l2 ^ c2
        p3 = f0[s3 >> 24] ^ f1[s2 >> 16 & 255] ^ f2[s1 >> 8 & 255] ^ f3[s0 & 255] ^ l3 ^ c3
        out[i] = p0
        out[i + 1] = p1
        out[i + 2] = p2
        out[i + 3] = p3
        c0 = x0
        c1 = x1
        c2 = x2
        c3 = x3
    return struct.pack(f">{n}I", *out)


def _ige256_args(data: object, key: object, iv: object) -> tuple[bytes, bytes, bytes]:
    buf = as_buffer(data, "data")
    if not buf or len(buf) % 16:
        raise InvalidInputError(f"data length must be a positive multiple of 16, not {len(buf)}")
    key_bytes = as_buffer(key, "key")
    if len(key_bytes) != 32:
        raise InvalidInputError(f"key must be 32 bytes, not {len(key_bytes)}")
    iv_bytes = as_buffer(iv, "iv")
    if len(iv_bytes) != 32:
        raise InvalidInputError(f"iv must be 32 bytes, not {len(iv_bytes)}")
    return buf, key_bytes, iv_bytes


def ige256_encrypt(data: object, key: object, iv: object) -> bytes:
    return ige_encrypt(*_ige256_args(data, key, iv))


def ige256_decrypt(data: object, key: object, iv: object) -> bytes:
    return ige_decrypt(*_ige256_args(data, key, iv))
