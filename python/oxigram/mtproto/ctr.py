"""AES-256-CTR for obfuscated2, behind a one-method interface.

``CtrCipher.update`` keeps the counter and the unused keystream between calls, because an
obfuscated2 connection runs one CTR stream per direction for its whole life. The default
factory, :data:`DEFAULT_CIPHER`, is ``oxigram.crypto.AesCtr256`` of the selected backend (the
Rust one when it loads); the ``cipher`` factory parameters of :mod:`.obfuscated2` and
:mod:`.transports` can replace it (the tests pass ``oxigram._pure.ctr.AesCtr256`` and the
native class explicitly).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .. import crypto

__all__ = ["DEFAULT_CIPHER", "CipherFactory", "CtrCipher"]


class CtrCipher(Protocol):
    """A running AES-256-CTR stream: ``update`` encrypts (or decrypts, the same thing)."""

    def update(self, data: bytes) -> bytes: ...


#: ``factory(key, iv)`` -> a fresh CTR stream (key 32 bytes, iv the 16-byte initial counter).
CipherFactory = Callable[[bytes, bytes], CtrCipher]

#: The selected backend's ``AesCtr256`` (128-bit big-endian counter, as OpenSSL and tgcrypto).
DEFAULT_CIPHER: CipherFactory = crypto.AesCtr256
