"""AES-256-CTR for obfuscated2, behind a one-method interface.

``CtrCipher.update`` keeps the counter and the unused keystream between calls, because an
obfuscated2 connection runs one CTR stream per direction for its whole life. The pure
implementation here reuses the block cipher of :mod:`oxigram._pure.aes`; a native
``aes256_ctr`` can replace it through the ``cipher`` factory parameters of
:mod:`.obfuscated2`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .._pure.aes import encrypt_block, expand_key
from ..errors import InvalidInputError

__all__ = ["CipherFactory", "CtrCipher", "PureAesCtr"]


class CtrCipher(Protocol):
    """A running AES-256-CTR stream: ``update`` encrypts (or decrypts, the same thing)."""

    def update(self, data: bytes) -> bytes: ...


#: ``factory(key, iv)`` -> a fresh CTR stream (key 32 bytes, iv the 16-byte initial counter).
CipherFactory = Callable[[bytes, bytes], CtrCipher]

_MASK128 = (1 << 128) - 1


class PureAesCtr:
    """AES-256-CTR with a 128-bit big-endian counter (OpenSSL's and tgcrypto's convention)."""

    __slots__ = ("_counter", "_keystream", "_round_keys")

    def __init__(self, key: bytes, iv: bytes) -> None:
        if len(key) != 32:
            raise InvalidInputError(f"key must be 32 bytes, not {len(key)}")
        if len(iv) != 16:
            raise InvalidInputError(f"iv must be 16 bytes, not {len(iv)}")
        self._round_keys = expand_key(bytes(key))
        self._counter = int.from_bytes(iv, "big")
        self._keystream = b""

    def update(self, data: bytes) -> bytes:
        n = len(data)
        if n == 0:
            return b""
        stream = self._keystream
        if len(stream) < n:
            blocks = [stream]
            rk = self._round_keys
            counter = self._counter
            for _ in range((n - len(stream) + 15) // 16):
                blocks.append(encrypt_block(rk, counter.to_bytes(16, "big")))
                counter = (counter + 1) & _MASK128
            self._counter = counter
            stream = b"".join(blocks)
        self._keystream = stream[n:]
        # One big-int xor instead of a per-byte loop.
        mixed = int.from_bytes(data, "little") ^ int.from_bytes(stream[:n], "little")
        return mixed.to_bytes(n, "little")
