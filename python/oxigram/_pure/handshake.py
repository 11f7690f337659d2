"""Key derivations of the auth-key handshake (core.telegram.org/mtproto/auth_key, 6-9)."""

from __future__ import annotations

import hashlib

from ..errors import InvalidInputError
from ._args import as_buffer, as_int, check_len

__all__ = ["new_nonce_hash", "server_salt", "tmp_aes_key_iv"]


def _nonces(new_nonce: object, server_nonce: object) -> tuple[bytes, bytes]:
    new = check_len(as_buffer(new_nonce, "new_nonce"), "new_nonce", 32)
    server = check_len(as_buffer(server_nonce, "server_nonce"), "server_nonce", 16)
    return new, server


def tmp_aes_key_iv(new_nonce: object, server_nonce: object) -> tuple[bytes, bytes]:
    new, server = _nonces(new_nonce, server_nonce)
    new_server = hashlib.sha1(new + server).digest()
    server_new = hashlib.sha1(server + new).digest()
    new_new = hashlib.sha1(new + new).digest()
    key = new_server + server_new[:12]
    iv = server_new[12:20] + new_new + new[:4]
    return key, iv


def new_nonce_hash(new_nonce: object, number: object, auth_key: object) -> bytes:
    new = check_len(as_buffer(new_nonce, "new_nonce"), "new_nonce", 32)
    which = as_int(number, "number")
    if which not in (1, 2, 3):
        raise InvalidInputError(f"number must be 1, 2 or 3, not {which}")
    key = check_len(as_buffer(auth_key, "auth_key"), "auth_key", 256)
    aux_hash = hashlib.sha1(key).digest()[:8]
    return hashlib.sha1(new + bytes([which]) + aux_hash).digest()[4:20]


def server_salt(new_nonce: object, server_nonce: object) -> bytes:
    new, server = _nonces(new_nonce, server_nonce)
    return bytes(a ^ b for a, b in zip(new[:8], server[:8], strict=True))
