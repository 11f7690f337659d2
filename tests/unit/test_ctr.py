"""AES-256-CTR (``AesCtr256``) on both backends: NIST SP 800-38A F.5.5, the obfuscated2 stream of
``transports.json``, and a differential test against tgcrypto with random chunk splits."""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oxigram import _backend, _pure, crypto
from oxigram.errors import InvalidInputError, InvalidTypeError

Vectors = Callable[[str], dict[str, Any]]


def _native() -> ModuleType:
    try:
        return importlib.import_module("oxigram._native")
    except ImportError as exc:
        pytest.skip(f"oxigram._native is not importable: {exc}")


BACKENDS = ["native", "pure"]


def backend(name: str) -> ModuleType:
    return _native() if name == "native" else _pure


# NIST SP 800-38A, F.5.5 CTR-AES256.Encrypt (F.5.6 decrypts with the same keystream).
NIST_KEY = bytes.fromhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")
NIST_COUNTER = bytes.fromhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
NIST_PLAIN = bytes.fromhex(
    "6bc1bee22e409f96e93d7e117393172a"
    "ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef"
    "f69f2445df4f9b17ad2b417be66c3710"
)
NIST_CIPHER = bytes.fromhex(
    "601ec313775789a5b7a7f504bbf3d228"
    "f443e3ca4d62b59aca84e990cacaf5c5"
    "2b0930daa23de94ce87017ba2d84988d"
    "dfc9c58db67aada613c2dd08457941a6"
)


def test_crypto_exports_the_backend_class() -> None:
    assert crypto.AesCtr256 is _backend.impl.AesCtr256


@pytest.mark.parametrize("name", BACKENDS)
def test_nist_sp800_38a_f55(name: str) -> None:
    cls = backend(name).AesCtr256
    assert cls(NIST_KEY, NIST_COUNTER).update(NIST_PLAIN) == NIST_CIPHER
    assert cls(NIST_KEY, NIST_COUNTER).update(NIST_CIPHER) == NIST_PLAIN
    # block by block and byte by byte: the counter (f0..feff -> f0..ff00 -> ...) carries
    ctr = cls(bytearray(NIST_KEY), memoryview(NIST_COUNTER))
    assert b"".join(ctr.update(NIST_PLAIN[i : i + 16]) for i in range(0, 64, 16)) == NIST_CIPHER
    ctr = cls(NIST_KEY, NIST_COUNTER)
    assert b"".join(ctr.update(NIST_PLAIN[i : i + 1]) for i in range(64)) == NIST_CIPHER


@pytest.mark.parametrize("name", BACKENDS)
def test_obfuscated2_vector_streams(name: str, vectors: Vectors) -> None:
    (v,) = vectors("transports")["obfuscated2"]
    header = bytearray.fromhex(v["random_64_hex"])
    header[56:60] = bytes.fromhex(v["protocol_tag_hex"])
    wire = bytes.fromhex(v["init_header_hex"] + v["first_frame_wire_hex"])
    key, iv = bytes(header[8:40]), bytes(header[40:56])
    assert key.hex() == v["encrypt_key_hex"]
    # client -> server: the header, then the first frame, through one running stream
    enc = backend(name).AesCtr256(key, iv)
    assert enc.update(header)[56:] == wire[56:64]
    assert enc.update(bytes.fromhex(v["first_frame_plain_hex"])) == wire[64:]
    # the server decrypts the same bytes with the same stream, cut anywhere
    dec = backend(name).AesCtr256(key, iv)
    got = dec.update(header[:7]) + dec.update(wire[7:61]) + dec.update(wire[61:])
    assert got[56:] == bytes(header[56:]) + bytes.fromhex(v["first_frame_plain_hex"])
    # and the stream the server encrypts with is keyed by the reversed header
    rev = bytes(header[::-1])
    assert (rev[8:40].hex(), rev[40:56].hex()) == (v["decrypt_key_hex"], v["decrypt_iv_hex"])


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


COUNTERS = st.one_of(
    st.binary(min_size=16, max_size=16),
    # a few blocks before the 32-, 64- and 128-bit carries
    st.builds(
        lambda top, back: ((1 << top) - back).to_bytes(16, "big"),
        st.sampled_from([8, 32, 64, 128]),
        st.integers(1, 40),
    ),
)


@pytest.mark.parametrize("name", BACKENDS)
@given(
    data=st.binary(min_size=1, max_size=3000),  # tgcrypto refuses empty data
    cuts=st.lists(st.integers(0, 3000), max_size=8),
    key=st.binary(min_size=32, max_size=32),
    iv=COUNTERS,
)
def test_differential_tgcrypto_random_chunks(
    name: str, data: bytes, cuts: list[int], key: bytes, iv: bytes
) -> None:
    tgcrypto = pytest.importorskip("tgcrypto")
    # tgcrypto's convention: ``iv`` is overwritten with the counter block in use and ``state``
    # (1 byte) with the offset into its keystream, even when they are ``bytes`` objects, so
    # it only ever gets fresh bytearrays (never ``bytes(1)``: a cached singleton).
    expected = tgcrypto.ctr256_encrypt(data, key, bytearray(iv), bytearray(1))
    ours = backend(name).AesCtr256(key, iv)
    pieces = split(data, cuts)
    assert b"".join(ours.update(c) for c in pieces) == expected
    # tgcrypto streaming through the same cuts agrees too
    tg_iv, tg_state = bytearray(iv), bytearray(1)
    theirs = b"".join(tgcrypto.ctr256_encrypt(c, key, tg_iv, tg_state) for c in pieces)
    assert theirs == expected
    # tgcrypto's state after the stream: the counter of the block in use and the offset in it
    assert int.from_bytes(tg_iv, "big") == (int.from_bytes(iv, "big") + len(data) // 16) % 2**128
    assert tg_state[0] == len(data) % 16


@pytest.mark.parametrize("name", BACKENDS)
def test_errors(name: str) -> None:
    cls = backend(name).AesCtr256
    key, iv = bytes(32), bytes(16)
    cases: list[tuple[tuple[Any, ...], type[Exception], str]] = [
        (("k", 1), InvalidTypeError, "key must be bytes, bytearray or memoryview, not str"),
        ((bytes(31), 1), InvalidInputError, "key must be 32 bytes, not 31"),
        ((key, None), InvalidTypeError, "iv must be bytes, bytearray or memoryview, not NoneType"),
        ((key, bytes(32)), InvalidInputError, "iv must be 16 bytes, not 32"),
    ]
    for args, exc, message in cases:
        with pytest.raises(exc) as info:
            cls(*args)
        assert str(info.value) == message
    ctr = cls(key, iv)
    with pytest.raises(InvalidTypeError) as info:
        ctr.update([1, 2])
    assert str(info.value) == "data must be bytes, bytearray or memoryview, not list"
    # a rejected call consumes no keystream
    assert ctr.update(b"\0" * 20) == cls(key, iv).update(b"\0" * 20)
    assert ctr.update(b"") == b""
