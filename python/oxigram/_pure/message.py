"""MTProto 2.0 message encryption (core.telegram.org/mtproto/description).

Plaintext = salt(8) | session_id(8) | msg_id(8) | seq_no(4) | length(4, LE) | body | padding;
packet = auth_key_id(8) | msg_key(16) | AES-256-IGE(plaintext, message_kdf(msg_key)).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from ..errors import InvalidInputError, MessageSecurityError
from ._args import as_buffer, as_sender, check_len, sender_offset
from .ige import ige_decrypt, ige_encrypt

__all__ = ["auth_key_id", "decrypt_message", "encrypt_message", "message_kdf"]

_AUTH_KEY_LEN = 256
_HEADER_LEN = 32  # salt, session_id, msg_id, seq_no, length
_MIN_PADDING = 12
_MAX_PADDING = 1024
_MAX_PAYLOAD = 16 * 1024 * 1024


def _auth_key(value: object) -> bytes:
    return check_len(as_buffer(value, "auth_key"), "auth_key", _AUTH_KEY_LEN)


def _key_id(auth_key: bytes) -> bytes:
    return hashlib.sha1(auth_key).digest()[12:20]


def _kdf(auth_key: bytes, msg_key: bytes, x: int) -> tuple[bytes, bytes]:
    sha256_a = hashlib.sha256(msg_key + auth_key[x : x + 36]).digest()
    sha256_b = hashlib.sha256(auth_key[40 + x : 76 + x] + msg_key).digest()
    aes_key = sha256_a[:8] + sha256_b[8:24] + sha256_a[24:32]
    aes_iv = sha256_b[:8] + sha256_a[8:24] + sha256_b[24:32]
    return aes_key, aes_iv


def _msg_key(auth_key: bytes, plaintext: bytes, x: int) -> bytes:
    return hashlib.sha256(auth_key[88 + x : 120 + x] + plaintext).digest()[8:24]


def _length_field(payload: bytes) -> int:
    # message_data_length is a TL int: signed, so a wild value shows up negative.
    return int.from_bytes(payload[28:32], "little", signed=True)


def auth_key_id(auth_key: object) -> bytes:
    return _key_id(_auth_key(auth_key))


def message_kdf(auth_key: object, msg_key: object, *, sender: object) -> tuple[bytes, bytes]:
    key = _auth_key(auth_key)
    mkey = check_len(as_buffer(msg_key, "msg_key"), "msg_key", 16)
    return _kdf(key, mkey, sender_offset(as_sender(sender)))


def _random_padding(payload_len: int) -> bytes:
    # The shortest valid length (12..27): longer padding only costs bandwidth.
    return secrets.token_bytes(_MIN_PADDING + (-(payload_len + _MIN_PADDING)) % 16)


def encrypt_message(
    auth_key: object, payload: object, *, sender: object, padding: object = None
) -> bytes:
    key = _auth_key(auth_key)
    data = as_buffer(payload, "payload")
    if not _HEADER_LEN <= len(data) <= _MAX_PAYLOAD:
        raise InvalidInputError(f"payload must be 32 to 16777216 bytes, not {len(data)}")
    body_len = len(data) - _HEADER_LEN
    declared = _length_field(data)
    if declared != body_len:
        raise InvalidInputError(
            f"payload length field is {declared} but the body is {body_len} bytes"
        )
    if body_len % 4:
        raise InvalidInputError(f"message body length {body_len} is not a multiple of 4")
    x = sender_offset(as_sender(sender))
    if padding is None:
        pad = _random_padding(len(data))
    else:
        pad = as_buffer(padding, "padding")
        if not (_MIN_PADDING <= len(pad) <= _MAX_PADDING and (len(data) + len(pad)) % 16 == 0):
            raise InvalidInputError(
                "padding must be 12 to 1024 bytes making the total a multiple of 16, "
                f"not {len(pad)}"
            )
    plaintext = data + pad
    msg_key = _msg_key(key, plaintext, x)
    aes_key, aes_iv = _kdf(key, msg_key, x)
    return _key_id(key) + msg_key + ige_encrypt(plaintext, aes_key, aes_iv)


def decrypt_message(auth_key: object, packet: object, *, sender: object) -> bytes:
    key = _auth_key(auth_key)
    data = as_buffer(packet, "packet")
    x = sender_offset(as_sender(sender))
    n = len(data)
    if n < 24 + 32:
        raise MessageSecurityError(f"packet length {n} is too short")
    if (n - 24) % 16:
        raise MessageSecurityError(f"packet length {n} is not 24 plus a positive multiple of 16")
    if not hmac.compare_digest(data[:8], _key_id(key)):
        raise MessageSecurityError("auth_key_id mismatch")
    msg_key = data[8:24]
    aes_key, aes_iv = _kdf(key, msg_key, x)
    plaintext = ige_decrypt(data[24:], aes_key, aes_iv)
    if not hmac.compare_digest(msg_key, _msg_key(key, plaintext, x)):
        raise MessageSecurityError("msg_key mismatch")
    size = len(plaintext)
    length = _length_field(plaintext)
    if length < 0 or length > size - _HEADER_LEN:
        raise MessageSecurityError(
            f"message length {length} does not fit in {size} decrypted bytes"
        )
    if length % 4:
        raise MessageSecurityError(f"message length {length} is not a multiple of 4")
    padding = size - _HEADER_LEN - length
    if not _MIN_PADDING <= padding <= _MAX_PADDING:
        raise MessageSecurityError(f"padding of {padding} bytes is outside 12..1024")
    return plaintext[: _HEADER_LEN + length]
