"""Public keys in both PEM forms: PKCS#1 ``RSA PUBLIC KEY`` and X.509 ``PUBLIC KEY`` read to the
same key and fingerprint, agree byte for byte with an independent writer, read a key Telegram
published in X.509 form, and refuse malformed input with a typed error."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from oxigram.errors import InvalidInputError, InvalidTypeError
from oxigram.mtproto.rsa_keys import RsaPublicKey, public_key_from_pem, public_key_to_pem

# A production key as Telegram Desktop published it in X.509 form, in kPublicRSAKeys of
# Telegram/SourceFiles/mtproto/mtproto_dc_options.cpp (github.com/telegramdesktop/tdesktop,
# commits 273ac5eaf120 (2017) to c0c10689a1c6 (2021), the second entry).
TDESKTOP_SPKI_KEY = """\
-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAruw2yP/BCcsJliRoW5eB
VBVle9dtjJw+OYED160Wybum9SXtBBLXriwt4rROd9csv0t0OHCaTmRqBcQ0J8fx
hN6/cpR1GWgOZRUAiQxoMnlt0R93LCX/j1dnVa/gVbCjdSxpbrfY2g2L4frzjJvd
l84Kd9ORYjDEAyFnEA7dD556OptgLQQ2e2iVNq8NZLYTzLp5YpOdO1doK+ttrltg
gTCy5SrKeLoCPPbOgGsdxJxyz5KKcZnSLj16yE5HvJQn0CNpRdENvRUXe6tBP78O
39oJ8BTHp9oIjd6XWXAsp2CvK45Ol8wFXGF710w9lwCGNbmNxNYhtIkdqfsEcwR5
JwIDAQAB
-----END PUBLIC KEY-----
"""
# Its fingerprint as the docs' sample server lists it first in resPQ (wire bytes, TL long):
# core.telegram.org/mtproto/samples-auth_key, step 2.
TDESKTOP_SPKI_FINGERPRINT = int.from_bytes(bytes.fromhex("A5B7F709355FC30B"), "little", signed=True)


def tlv(tag: int, body: bytes) -> bytes:
    """A DER element with a short or two-byte long length (enough for these tests)."""
    if len(body) < 0x80:
        return bytes([tag, len(body)]) + body
    return bytes([tag, 0x82]) + len(body).to_bytes(2, "big") + body


def pem(label: str, der: bytes) -> str:
    return f"-----BEGIN {label}-----\n{base64.b64encode(der).decode()}\n-----END {label}-----\n"


RSA_OID = tlv(0x06, bytes.fromhex("2a864886f70d010101"))
NULL = b"\x05\x00"


def der_ints(*values: int) -> bytes:
    """``SEQUENCE { INTEGER ... }`` with two's-complement (signed) integers."""
    return tlv(
        0x30,
        b"".join(
            tlv(0x02, v.to_bytes(v.bit_length() // 8 + 1, "big", signed=True)) for v in values
        ),
    )


def pkcs1_der(n: int, e: int) -> bytes:
    return der_ints(n, e)


def spki_der(pkcs1: bytes, *, algorithm: bytes = RSA_OID + NULL, unused_bits: int = 0) -> bytes:
    return tlv(0x30, tlv(0x30, algorithm) + tlv(0x03, bytes([unused_bits]) + pkcs1))


@pytest.fixture(scope="module")
def key(rsa_key: Any) -> RsaPublicKey:
    return RsaPublicKey(rsa_key.n, rsa_key.e)


def test_both_forms_of_one_key_give_one_key_and_fingerprint(key: RsaPublicKey) -> None:
    pkcs1 = public_key_to_pem(key)
    spki = public_key_to_pem(key, spki=True)
    assert pkcs1.startswith("-----BEGIN RSA PUBLIC KEY-----\n")
    assert spki.startswith("-----BEGIN PUBLIC KEY-----\n")
    assert spki.endswith("-----END PUBLIC KEY-----\n")
    from_pkcs1, from_spki = public_key_from_pem(pkcs1), public_key_from_pem(spki)
    assert from_pkcs1 == from_spki == key
    assert from_spki.fingerprint == from_pkcs1.fingerprint == key.fingerprint
    # The DER written by the test's own encoder reads the same, str or bytes.
    assert public_key_from_pem(pem("PUBLIC KEY", spki_der(pkcs1_der(key.n, key.e)))) == key
    assert public_key_from_pem(spki.encode()) == key


def test_absent_rsa_parameters_are_accepted(key: RsaPublicKey) -> None:
    # RFC 3279 asks for NULL, but some writers leave the parameters out.
    assert (
        public_key_from_pem(pem("PUBLIC KEY", spki_der(pkcs1_der(key.n, key.e), algorithm=RSA_OID)))
        == key
    )


def test_the_first_public_block_is_read_whatever_surrounds_it(key: RsaPublicKey) -> None:
    other = RsaPublicKey(key.n - 2, 3)
    text = "a comment\n" + public_key_to_pem(key, spki=True) + public_key_to_pem(other)
    assert public_key_from_pem(text) == key
    assert public_key_from_pem("junk " + public_key_to_pem(other) + " more") == other


def test_same_bytes_as_an_independent_writer(key: RsaPublicKey) -> None:
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    theirs = serialization.load_pem_public_key(public_key_to_pem(key).encode())
    assert (theirs.public_numbers().n, theirs.public_numbers().e) == (key.n, key.e)
    pem_format = serialization.Encoding.PEM
    spki = theirs.public_bytes(pem_format, serialization.PublicFormat.SubjectPublicKeyInfo)
    pkcs1 = theirs.public_bytes(pem_format, serialization.PublicFormat.PKCS1)
    assert spki.decode() == public_key_to_pem(key, spki=True)
    assert pkcs1.decode() == public_key_to_pem(key)


def test_a_key_telegram_published_in_spki_form() -> None:
    key = public_key_from_pem(TDESKTOP_SPKI_KEY)
    assert key.n.bit_length() == 2048 and key.e == 65537
    assert key.fingerprint == TDESKTOP_SPKI_FINGERPRINT
    assert public_key_from_pem(public_key_to_pem(key, spki=True)) == key
    assert public_key_to_pem(key, spki=True) == TDESKTOP_SPKI_KEY
    # Telethon carries the same key in PKCS#1 form among its built-in keys.
    telethon_rsa = pytest.importorskip("telethon.crypto.rsa")
    assert TDESKTOP_SPKI_FINGERPRINT in telethon_rsa._server_keys
    assert telethon_rsa._server_keys[TDESKTOP_SPKI_FINGERPRINT][0].n == key.n


def _bad_inputs() -> list[Any]:
    n, e = (1 << 511) | 0x1235, 65537
    pkcs1 = pkcs1_der(n, e)
    good = spki_der(pkcs1)
    ec_oid = tlv(0x06, bytes.fromhex("2a8648ce3d0201")) + tlv(
        0x06, bytes.fromhex("2a8648ce3d030107")
    )
    cases = {
        "no block": "nothing here",
        "labels do not pair": pem("PUBLIC KEY", good).replace("END PUBLIC", "END RSA PUBLIC"),
        "bad base64": "-----BEGIN PUBLIC KEY-----\nMII*\n-----END PUBLIC KEY-----",
        "empty block": "-----BEGIN PUBLIC KEY-----\n\n-----END PUBLIC KEY-----",
        "not ascii": b"-----BEGIN PUBLIC KEY-----\n\xff\n-----END PUBLIC KEY-----",
        "pkcs1 under the spki label": pem("PUBLIC KEY", pkcs1),
        "spki under the pkcs1 label": pem("RSA PUBLIC KEY", good),
        "not an rsa key": pem("PUBLIC KEY", spki_der(pkcs1, algorithm=ec_oid)),
        "parameters not null": pem(
            "PUBLIC KEY", spki_der(pkcs1, algorithm=RSA_OID + tlv(0x02, b"\x01"))
        ),
        "unused bits": pem("PUBLIC KEY", spki_der(pkcs1, unused_bits=1)),
        "empty bit string": pem(
            "PUBLIC KEY", tlv(0x30, tlv(0x30, RSA_OID + NULL) + tlv(0x03, b""))
        ),
        "truncated": pem("PUBLIC KEY", good[:-5]),
        "trailing bytes": pem("PUBLIC KEY", good + b"\x00"),
        "extra element": pem(
            "PUBLIC KEY", tlv(0x30, tlv(0x30, RSA_OID + NULL) + tlv(0x03, b"\x00" + pkcs1) + NULL)
        ),
        "three integers": pem("PUBLIC KEY", spki_der(der_ints(n, e, 3))),
        "negative modulus": pem("RSA PUBLIC KEY", der_ints(-n, e)),
        "zero exponent": pem("PUBLIC KEY", spki_der(der_ints(n, 0))),
        "not a sequence of integers": pem("RSA PUBLIC KEY", tlv(0x30, tlv(0x02, b"\x05") + NULL)),
    }
    return [pytest.param(value, id=name) for name, value in cases.items()]


@pytest.mark.parametrize("text", _bad_inputs())
def test_malformed_public_keys_raise_a_typed_error(text: str | bytes) -> None:
    with pytest.raises(InvalidInputError):
        public_key_from_pem(text)


def test_error_messages_name_the_problem(key: RsaPublicKey) -> None:
    with pytest.raises(InvalidInputError, match="no 'RSA PUBLIC KEY' or 'PUBLIC KEY' PEM block"):
        public_key_from_pem("-----BEGIN RSA PRIVATE KEY-----\nMAA=\n-----END RSA PRIVATE KEY-----")
    ec = tlv(0x06, bytes.fromhex("2a8648ce3d0201")) + NULL
    with pytest.raises(InvalidInputError, match="not an RSA key"):
        public_key_from_pem(pem("PUBLIC KEY", spki_der(pkcs1_der(key.n, key.e), algorithm=ec)))
    with pytest.raises(InvalidTypeError, match="str or bytes"):
        public_key_from_pem(None)  # type: ignore[arg-type]


def test_the_small_primes_sieved_at_import_are_the_odd_primes_below_2000() -> None:
    """Key generation's trial divisors: the sieve gives what trial division gave."""
    from oxigram.mtproto import rsa_keys

    expected = tuple(
        n for n in range(3, 2000, 2) if all(n % d for d in range(3, int(n**0.5) + 1, 2))
    )
    assert expected == rsa_keys._SMALL_PRIMES
    assert rsa_keys._odd_primes_below(12) == (3, 5, 7, 11)
    assert rsa_keys._odd_primes_below(3) == ()
