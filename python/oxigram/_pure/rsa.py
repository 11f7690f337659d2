"""RSA of the auth-key handshake: key fingerprints, the legacy SHA1 padding, RSA_PAD
(core.telegram.org/mtproto/auth_key, step 4.1) and the server-side inverses."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from ..errors import InvalidInputError, InvalidTypeError, RSASecurityError
from ._args import as_buffer, as_int, check_len
from .ige import ige_decrypt, ige_encrypt

__all__ = [
    "rsa_decrypt",
    "rsa_encrypt_legacy",
    "rsa_fingerprint",
    "rsa_pad_decrypt",
    "rsa_pad_encrypt",
]

_SIZE = 256
_LEGACY_MAX_DATA = 255 - 20
_PAD_DATA_SIZE = 192
_PAD_MAX_DATA = 144
_ZERO_IV = bytes(32)


def _tl_bytes(data: bytes) -> bytes:
    """TL ``bytes`` serialization: length prefix, data, zero padding to 4 bytes."""
    if len(data) <= 253:
        body = bytes([len(data)]) + data
    else:  # long form: 0xfe, then a 3-byte little-endian length
        body = b"\xfe" + len(data).to_bytes(3, "little") + data
    return body + bytes(-len(body) % 4)


def _minimal_be(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def _random_padding(value: object, need: int) -> bytes:
    if value is None:
        return secrets.token_bytes(need)
    padding = as_buffer(value, "random_padding")
    if len(padding) != need:
        raise InvalidInputError(f"random_padding must be {need} bytes, not {len(padding)}")
    return padding


def _temp_keys(value: object) -> list[bytes]:
    if value is None:
        return []
    if not isinstance(value, Iterable):
        raise InvalidTypeError(f"temp_keys must be a sequence, not {type(value).__name__}")
    return [check_len(as_buffer(key, "temp_key"), "temp_key", 32) for key in value]


def _non_negative(value: object, name: str) -> int:
    number = as_int(value, name)
    if number < 0:
        raise InvalidInputError(f"{name} must be non-negative")
    return number


def _modulus(value: object) -> int:
    # The handshake's RSA blocks are 256 bytes: anything but a 2048-bit n cannot hold them.
    number = as_int(value, "n")
    if number < 0 or number.bit_length() != 2048:
        raise InvalidInputError("n must be a 2048-bit modulus")
    return number


def _exponent(value: object, name: str) -> int:
    number = as_int(value, name)
    if number <= 0:
        raise InvalidInputError(f"{name} must be positive")
    return number


def rsa_fingerprint(n: object, e: object) -> int:
    modulus = _non_negative(n, "n")
    exponent = _non_negative(e, "e")
    serialized = _tl_bytes(_minimal_be(modulus)) + _tl_bytes(_minimal_be(exponent))
    return int.from_bytes(hashlib.sha1(serialized).digest()[12:20], "little", signed=True)


def rsa_encrypt_legacy(
    data: object, n: object, e: object, *, random_padding: object = None
) -> bytes:
    message = as_buffer(data, "data")
    if len(message) > _LEGACY_MAX_DATA:
        raise InvalidInputError(
            f"data must be at most {_LEGACY_MAX_DATA} bytes, not {len(message)}"
        )
    modulus = _modulus(n)
    exponent = _exponent(e, "e")
    padding = _random_padding(random_padding, _LEGACY_MAX_DATA - len(message))
    block = hashlib.sha1(message).digest() + message + padding
    return pow(int.from_bytes(block, "big"), exponent, modulus).to_bytes(_SIZE, "big")


def _rsa_pad_block(data_with_padding: bytes, temp_key: bytes) -> bytes:
    """key_aes_encrypted for one temp_key (before the comparison with n)."""
    data_with_hash = data_with_padding[::-1] + hashlib.sha256(temp_key + data_with_padding).digest()
    aes_encrypted = ige_encrypt(data_with_hash, temp_key, _ZERO_IV)
    aes_hash = hashlib.sha256(aes_encrypted).digest()
    temp_key_xor = bytes(a ^ b for a, b in zip(temp_key, aes_hash, strict=True))
    return temp_key_xor + aes_encrypted


def rsa_pad_encrypt(
    data: object,
    n: object,
    e: object,
    *,
    random_padding: object = None,
    temp_keys: object = None,
) -> bytes:
    message = as_buffer(data, "data")
    if len(message) > _PAD_MAX_DATA:
        raise InvalidInputError(f"data must be at most {_PAD_MAX_DATA} bytes, not {len(message)}")
    modulus = _modulus(n)
    exponent = _exponent(e, "e")
    data_with_padding = message + _random_padding(random_padding, _PAD_DATA_SIZE - len(message))
    given_keys = _temp_keys(temp_keys)
    attempt = 0
    while True:
        # The given keys first, in order, then fresh random ones.
        temp_key = given_keys[attempt] if attempt < len(given_keys) else secrets.token_bytes(32)
        attempt += 1
        value = int.from_bytes(_rsa_pad_block(data_with_padding, temp_key), "big")
        if value < modulus:
            return pow(value, exponent, modulus).to_bytes(_SIZE, "big")


def rsa_decrypt(encrypted: object, n: object, d: object) -> bytes:
    cipher = check_len(as_buffer(encrypted, "encrypted"), "encrypted data", _SIZE, RSASecurityError)
    modulus = _modulus(n)
    private = _exponent(d, "d")
    value = int.from_bytes(cipher, "big")
    if value >= modulus:
        raise RSASecurityError("encrypted value is not below the modulus")
    return pow(value, private, modulus).to_bytes(_SIZE, "big")


def rsa_pad_decrypt(encrypted: object, n: object, d: object) -> bytes:
    key_aes_encrypted = rsa_decrypt(encrypted, n, d)
    temp_key_xor, aes_encrypted = key_aes_encrypted[:32], key_aes_encrypted[32:]
    aes_hash = hashlib.sha256(aes_encrypted).digest()
    temp_key = bytes(a ^ b for a, b in zip(temp_key_xor, aes_hash, strict=True))
    data_with_hash = ige_decrypt(aes_encrypted, temp_key, _ZERO_IV)
    data_with_padding = data_with_hash[:_PAD_DATA_SIZE][::-1]
    expected = hashlib.sha256(temp_key + data_with_padding).digest()
    if not hmac.compare_digest(data_with_hash[_PAD_DATA_SIZE:], expected):
        raise RSASecurityError("RSA_PAD hash mismatch")
    return data_with_padding
