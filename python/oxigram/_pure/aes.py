"""AES (FIPS-197) block cipher for 128/192/256-bit keys, as 32-bit T-tables.

Everything here is built at import from the S-box, which is itself computed from its
definition (multiplicative inverse in GF(2^8) followed by the affine map), so no table is
typed in. Blocks are handled as four big-endian 32-bit ints: that is what lets the IGE loop
in :mod:`.ige` work on whole buffers converted once with :func:`struct.unpack`.

Encryption tables: ``TE[k][x]`` is column ``(2s, s, s, 3s)`` of ``MixColumns(SubBytes(x))``
rotated right by ``8k`` bits, so one round column is four lookups and four xors.
Decryption uses the equivalent inverse cipher (FIPS-197 section 5.3.5): ``TD`` tables of
``(14, 9, 13, 11) * InvS(x)`` and round keys passed through InvMixColumns.
``SBOX_SHIFTED[k][x] = S(x) << (24 - 8k)`` (and ``INV_SBOX_SHIFTED``) serve the last round,
which has no MixColumns.
"""

from __future__ import annotations

import struct

__all__ = [
    "INV_SBOX",
    "INV_SBOX_SHIFTED",
    "SBOX",
    "SBOX_SHIFTED",
    "TD",
    "TE",
    "RoundKeys",
    "decrypt_block",
    "encrypt_block",
    "expand_key",
    "inverse_round_keys",
]

# Round keys as a flat tuple of 32-bit words, 4 * (rounds + 1) of them.
RoundKeys = tuple[int, ...]

_ROUNDS_BY_KEY_LEN = {16: 10, 24: 12, 32: 14}


def _xtime(b: int) -> int:
    """Multiplies by x (i.e. 2) in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1."""
    b <<= 1
    return b ^ 0x11B if b & 0x100 else b


def _gf_mul(a: int, b: int) -> int:
    result = 0
    while b:
        if b & 1:
            result ^= a
        a = _xtime(a)
        b >>= 1
    return result


def _build_sboxes() -> tuple[tuple[int, ...], tuple[int, ...]]:
    # Walk the powers of the generator 3 to get exp/log tables, hence inverses.
    exp = [0] * 255
    log = [0] * 256
    value = 1
    for power in range(255):
        exp[power] = value
        log[value] = power
        value ^= _xtime(value)  # value * 3
    sbox = [0] * 256
    for x in range(256):
        inv = 0 if x == 0 else exp[(255 - log[x]) % 255]
        # Affine map: b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63.
        s = inv
        for shift in range(1, 5):
            s ^= ((inv << shift) | (inv >> (8 - shift))) & 0xFF
        sbox[x] = s ^ 0x63
    inv_sbox = [0] * 256
    for x, s in enumerate(sbox):
        inv_sbox[s] = x
    return tuple(sbox), tuple(inv_sbox)


def _rotations(column: list[int]) -> tuple[tuple[int, ...], ...]:
    """The table and its three right rotations by 8, 16 and 24 bits."""
    return tuple(
        tuple(((w >> (8 * k)) | (w << (32 - 8 * k))) & 0xFFFFFFFF for w in column) for k in range(4)
    )


SBOX, INV_SBOX = _build_sboxes()

TE = _rotations([(_gf_mul(s, 2) << 24) | (s << 16) | (s << 8) | _gf_mul(s, 3) for s in SBOX])
TD = _rotations(
    [
        (_gf_mul(s, 14) << 24) | (_gf_mul(s, 9) << 16) | (_gf_mul(s, 13) << 8) | _gf_mul(s, 11)
        for s in INV_SBOX
    ]
)
SBOX_SHIFTED = tuple(tuple(s << (24 - 8 * k) for s in SBOX) for k in range(4))
INV_SBOX_SHIFTED = tuple(tuple(s << (24 - 8 * k) for s in INV_SBOX) for k in range(4))


def _sub_word(w: int) -> int:
    return (
        (SBOX[w >> 24] << 24)
        | (SBOX[(w >> 16) & 0xFF] << 16)
        | (SBOX[(w >> 8) & 0xFF] << 8)
        | SBOX[w & 0xFF]
    )


def expand_key(key: bytes) -> RoundKeys:
    """The encryption round keys of a 16/24/32-byte key (FIPS-197 section 5.2)."""
    rounds = _ROUNDS_BY_KEY_LEN.get(len(key))
    if rounds is None:
        raise ValueError(f"AES key must be 16, 24 or 32 bytes, not {len(key)}")
    nk = len(key) // 4
    words = list(struct.unpack(f">{nk}I", key))
    rcon = 1
    for i in range(nk, 4 * (rounds + 1)):
        temp = words[i - 1]
        if i % nk == 0:
            temp = _sub_word(((temp << 8) | (temp >> 24)) & 0xFFFFFFFF) ^ (rcon << 24)
            rcon = _xtime(rcon)
        elif nk > 6 and i % nk == 4:
            temp = _sub_word(temp)
        words.append(words[i - nk] ^ temp)
    return tuple(words)


def inverse_round_keys(round_keys: RoundKeys) -> RoundKeys:
    """The decryption keys of the equivalent inverse cipher (FIPS-197 section 5.3.5): the
    encryption keys last round first, InvMixColumns applied to all but the outer two."""
    td0, td1, td2, td3 = TD
    rounds = len(round_keys) // 4 - 1
    dec: list[int] = []
    for r in range(rounds, -1, -1):
        block = round_keys[4 * r : 4 * r + 4]
        if 0 < r < rounds:
            # Td(x) is InvMixColumns of InvS(x); feeding it S(x) leaves InvMixColumns alone.
            block = tuple(
                td0[SBOX[w >> 24]]
                ^ td1[SBOX[(w >> 16) & 0xFF]]
                ^ td2[SBOX[(w >> 8) & 0xFF]]
                ^ td3[SBOX[w & 0xFF]]
                for w in block
            )
        dec.extend(block)
    return tuple(dec)


def encrypt_block(round_keys: RoundKeys, block: bytes) -> bytes:
    """Encrypts one 16-byte block (reference path; the IGE loop inlines this)."""
    te0, te1, te2, te3 = TE
    s0, s1, s2, s3 = struct.unpack(">4I", block)
    rk = round_keys
    s0 ^= rk[0]
    s1 ^= rk[1]
    s2 ^= rk[2]
    s3 ^= rk[3]
    last = len(rk) - 4
    for r in range(4, last, 4):
        s0, s1, s2, s3 = (
            te0[s0 >> 24] ^ te1[s1 >> 16 & 255] ^ te2[s2 >> 8 & 255] ^ te3[s3 & 255] ^ rk[r],
            te0[s1 >> 24] ^ te1[s2 >> 16 & 255] ^ te2[s3 >> 8 & 255] ^ te3[s0 & 255] ^ rk[r + 1],
            te0[s2 >> 24] ^ te1[s3 >> 16 & 255] ^ te2[s0 >> 8 & 255] ^ te3[s1 & 255] ^ rk[r + 2],
            te0[s3 >> 24] ^ te1[s0 >> 16 & 255] ^ te2[s1 >> 8 & 255] ^ te3[s2 & 255] ^ rk[r + 3],
        )
    f0, f1, f2, f3 = SBOX_SHIFTED
    return struct.pack(
        ">4I",
        f0[s0 >> 24] ^ f1[s1 >> 16 & 255] ^ f2[s2 >> 8 & 255] ^ f3[s3 & 255] ^ rk[last],
        f0[s1 >> 24] ^ f1[s2 >> 16 & 255] ^ f2[s3 >> 8 & 255] ^ f3[s0 & 255] ^ rk[last + 1],
        f0[s2 >> 24] ^ f1[s3 >> 16 & 255] ^ f2[s0 >> 8 & 255] ^ f3[s1 & 255] ^ rk[last + 2],
        f0[s3 >> 24] ^ f1[s0 >> 16 & 255] ^ f2[s1 >> 8 & 255] ^ f3[s2 & 255] ^ rk[last + 3],
    )


def decrypt_block(round_keys: RoundKeys, block: bytes) -> bytes:
    """Decrypts one 16-byte block with keys from :func:`inverse_round_keys`."""
    td0, td1, td2, td3 = TD
    s0, s1, s2, s3 = struct.unpack(">4I", block)
    rk = round_keys
    s0 ^= rk[0]
    s1 ^= rk[1]
    s2 ^= rk[2]
    s3 ^= rk[3]
    last = len(rk) - 4
    # InvShiftRows takes column j's row-k byte from column (j - k) mod 4.
    for r in range(4, last, 4):
        s0, s1, s2, s3 = (
            td0[s0 >> 24] ^ td1[s3 >> 16 & 255] ^ td2[s2 >> 8 & 255] ^ td3[s1 & 255] ^ rk[r],
            td0[s1 >> 24] ^ td1[s0 >> 16 & 255] ^ td2[s3 >> 8 & 255] ^ td3[s2 & 255] ^ rk[r + 1],
            td0[s2 >> 24] ^ td1[s1 >> 16 & 255] ^ td2[s0 >> 8 & 255] ^ td3[s3 & 255] ^ rk[r + 2],
            td0[s3 >> 24] ^ td1[s2 >> 16 & 255] ^ td2[s1 >> 8 & 255] ^ td3[s0 & 255] ^ rk[r + 3],
        )
    f0, f1, f2, f3 = INV_SBOX_SHIFTED
    return struct.pack(
        ">4I",
        f0[s0 >> 24] ^ f1[s3 >> 16 & 255] ^ f2[s2 >> 8 & 255] ^ f3[s1 & 255] ^ rk[last],
        f0[s1 >> 24] ^ f1[s0 >> 16 & 255] ^ f2[s3 >> 8 & 255] ^ f3[s2 & 255] ^ rk[last + 1],
        f0[s2 >> 24] ^ f1[s1 >> 16 & 255] ^ f2[s0 >> 8 & 255] ^ f3[s3 & 255] ^ rk[last + 2],
        f0[s3 >> 24] ^ f1[s2 >> 16 & 255] ^ f2[s1 >> 8 & 255] ^ f3[s0 & 255] ^ rk[last + 3],
    )
