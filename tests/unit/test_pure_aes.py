"""The pure backend's own AES: FIPS-197 known answers and the tables built at import.

These test internals of ``oxigram._pure`` (the block cipher and the any-key-size IGE loop),
so they import it directly; the public ``ige256_*`` functions are covered with every backend
by the vector and parity tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from oxigram._pure import aes
from oxigram._pure.ige import ige_decrypt, ige_encrypt

PLAINTEXT = bytes.fromhex("00112233445566778899aabbccddeeff")

# FIPS-197 appendix C.1 (AES-128), C.2 (AES-192), C.3 (AES-256).
FIPS197_C = [
    (
        "000102030405060708090a0b0c0d0e0f",
        "69c4e0d86a7b0430d8cdb78070b4c55a",
    ),
    (
        "000102030405060708090a0b0c0d0e0f1011121314151617",
        "dda97ca4864cdfe06eaf70a0ec0d7191",
    ),
    (
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "8ea2b7ca516745bfeafc49904b496089",
    ),
]

# FIPS-197 appendix A: the last word of each expanded key.
FIPS197_A = [
    ("2b7e151628aed2a6abf7158809cf4f3c", 0xB6630CA6),
    ("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", 0x01002202),
    ("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", 0x706C631E),
]


def _xtime(b: int) -> int:
    b <<= 1
    return b ^ 0x11B if b & 0x100 else b


@pytest.mark.parametrize(
    ("key_hex", "ciphertext_hex"), FIPS197_C, ids=["aes128", "aes192", "aes256"]
)
def test_fips197_appendix_c(key_hex: str, ciphertext_hex: str) -> None:
    round_keys = aes.expand_key(bytes.fromhex(key_hex))
    ciphertext = aes.encrypt_block(round_keys, PLAINTEXT)
    assert ciphertext.hex() == ciphertext_hex
    assert aes.decrypt_block(aes.inverse_round_keys(round_keys), ciphertext) == PLAINTEXT


@pytest.mark.parametrize(("key_hex", "last_word"), FIPS197_A, ids=["aes128", "aes192", "aes256"])
def test_fips197_appendix_a_key_expansion(key_hex: str, last_word: int) -> None:
    round_keys = aes.expand_key(bytes.fromhex(key_hex))
    assert len(round_keys) == 4 * (len(key_hex) // 8 + 7)
    assert round_keys[-1] == last_word


def test_sbox_known_entries_and_inverse() -> None:
    # FIPS-197 figure 7 entries and the fixed points of its definition.
    assert (aes.SBOX[0x00], aes.SBOX[0x01], aes.SBOX[0x53], aes.SBOX[0xFF]) == (
        0x63,
        0x7C,
        0xED,
        0x16,
    )
    assert sorted(aes.SBOX) == list(range(256))
    assert all(aes.INV_SBOX[aes.SBOX[x]] == x for x in range(256))


def test_t_tables_are_rotations_of_mixcolumns() -> None:
    for x in range(256):
        s = aes.SBOX[x]
        column = (_xtime(s) << 24) | (s << 16) | (s << 8) | (_xtime(s) ^ s)
        assert aes.TE[0][x] == column
        for k in range(1, 4):
            rotated = ((column >> (8 * k)) | (column << (32 - 8 * k))) & 0xFFFFFFFF
            assert aes.TE[k][x] == rotated
        for k in range(4):
            assert aes.SBOX_SHIFTED[k][x] == s << (24 - 8 * k)
            assert aes.INV_SBOX_SHIFTED[k][x] == aes.INV_SBOX[x] << (24 - 8 * k)
    # Td(S(x)) undoes Te's MixColumns: InvMixColumns(MixColumns(col)) == col.
    td0, td1, td2, td3 = aes.TD
    for x in range(256):
        w = aes.TE[0][aes.INV_SBOX[x]]  # MixColumns of the column (x, 0, 0, 0)
        back = (
            td0[aes.SBOX[w >> 24]]
            ^ td1[aes.SBOX[(w >> 16) & 255]]
            ^ td2[aes.SBOX[(w >> 8) & 255]]
            ^ td3[aes.SBOX[w & 255]]
        )
        assert back == x << 24


def test_bad_key_size() -> None:
    with pytest.raises(ValueError, match="16, 24 or 32 bytes, not 20"):
        aes.expand_key(bytes(20))


@pytest.mark.parametrize("key_len", [16, 24, 32])
@pytest.mark.parametrize("blocks", [1, 2, 7])
def test_ige_inlined_loop_matches_block_cipher(key_len: int, blocks: int) -> None:
    key, iv, data = os.urandom(key_len), os.urandom(32), os.urandom(16 * blocks)
    round_keys = aes.expand_key(key)
    prev_c, prev_p = iv[:16], iv[16:]
    expected = b""
    for i in range(0, len(data), 16):
        p = data[i : i + 16]
        x = aes.encrypt_block(round_keys, bytes(a ^ b for a, b in zip(p, prev_c, strict=True)))
        c = bytes(a ^ b for a, b in zip(x, prev_p, strict=True))
        expected += c
        prev_c, prev_p = c, p
    assert ige_encrypt(data, key, iv) == expected
    assert ige_decrypt(expected, key, iv) == data


def test_ige_aes128_openssl_vectors(vectors: Callable[[str], dict[str, Any]]) -> None:
    for v in vectors("aes_ige")["vectors"]:
        if v["key_bits"] != 128:
            continue
        key, iv = bytes.fromhex(v["key_hex"]), bytes.fromhex(v["iv_hex"])
        plain, cipher = bytes.fromhex(v["plaintext_hex"]), bytes.fromhex(v["ciphertext_hex"])
        assert ige_encrypt(plain, key, iv) == cipher, v["name"]
        assert ige_decrypt(cipher, key, iv) == plain, v["name"]
