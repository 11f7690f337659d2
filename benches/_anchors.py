"""Reference code the benchmarks compare against or check with.

* ``pyaes_ige_encrypt`` / ``pyaes_ige_decrypt``: AES-256-IGE on top of pyaes' pure-Python block
  cipher, the anchor the pure twin must not be slower than.
* ``message_kdf`` / ``build_packet`` / ``open_packet``: MTProto 2.0 written from the spec with
  hashlib and tgcrypto, independent of oxigram, to check what each benchmark returned.
"""

from __future__ import annotations

import hashlib
from typing import Any

__all__ = ["build_packet", "message_kdf", "open_packet", "pyaes_ige_decrypt", "pyaes_ige_encrypt"]


def _xor(a: bytes | list[int], b: bytes | list[int]) -> list[int]:
    return [x ^ y for x, y in zip(a, b, strict=True)]


def pyaes_ige_encrypt(data: bytes, key: bytes, iv: bytes) -> bytes:
    """c_i = E(p_i ^ c_{i-1}) ^ p_{i-1}; iv = c_0 | p_0."""
    import pyaes

    aes = pyaes.AES(key)
    prev_c: bytes | list[int] = iv[:16]
    prev_p: bytes | list[int] = iv[16:]
    out = bytearray()
    for i in range(0, len(data), 16):
        block = data[i : i + 16]
        c = _xor(aes.encrypt(_xor(block, prev_c)), prev_p)
        out += bytes(c)
        prev_c, prev_p = c, block
    return bytes(out)


def pyaes_ige_decrypt(data: bytes, key: bytes, iv: bytes) -> bytes:
    """p_i = D(c_i ^ p_{i-1}) ^ c_{i-1}; iv = c_0 | p_0."""
    import pyaes

    aes = pyaes.AES(key)
    prev_c: bytes | list[int] = iv[:16]
    prev_p: bytes | list[int] = iv[16:]
    out = bytearray()
    for i in range(0, len(data), 16):
        block = data[i : i + 16]
        p = _xor(aes.decrypt(_xor(block, prev_p)), prev_c)
        out += bytes(p)
        prev_c, prev_p = block, p
    return bytes(out)


def message_kdf(auth_key: bytes, msg_key: bytes, x: int) -> tuple[bytes, bytes]:
    """MTProto 2.0 aes_key/aes_iv (core.telegram.org/mtproto/description)."""
    a = hashlib.sha256(msg_key + auth_key[x : x + 36]).digest()
    b = hashlib.sha256(auth_key[40 + x : 76 + x] + msg_key).digest()
    return a[:8] + b[8:24] + a[24:32], b[:8] + a[8:24] + b[24:32]


def build_packet(auth_key: bytes, plaintext: bytes, x: int) -> bytes:
    """auth_key_id | msg_key | IGE(plaintext); plaintext already padded."""
    tgcrypto: Any = __import__("tgcrypto")
    msg_key = hashlib.sha256(auth_key[88 + x : 120 + x] + plaintext).digest()[8:24]
    key, iv = message_kdf(auth_key, msg_key, x)
    key_id = hashlib.sha1(auth_key).digest()[12:20]
    return key_id + msg_key + bytes(tgcrypto.ige256_encrypt(plaintext, key, iv))


def open_packet(auth_key: bytes, packet: bytes, x: int) -> bytes:
    """Decrypts and checks a packet; returns the payload without padding (asserts on failure)."""
    tgcrypto: Any = __import__("tgcrypto")
    assert packet[:8] == hashlib.sha1(auth_key).digest()[12:20], "auth_key_id"
    msg_key = packet[8:24]
    key, iv = message_kdf(auth_key, msg_key, x)
    plaintext = tgcrypto.ige256_decrypt(packet[24:], key, iv)
    assert hashlib.sha256(auth_key[88 + x : 120 + x] + plaintext).digest()[8:24] == msg_key
    length = int.from_bytes(plaintext[28:32], "little")
    assert 12 <= len(plaintext) - 32 - length <= 1024, "padding"
    return bytes(plaintext[: 32 + length])
