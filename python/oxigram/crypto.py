"""MTProto cryptography over the selected backend (see :mod:`oxigram._backend`).

The functions (and the ``AesCtr256`` class) are the backend's own objects, so a call costs
exactly one crossing into Rust (or one pure-Python call); their documentation and exact error
messages are in ``oxigram/_native.pyi``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._backend import impl

__all__ = [
    "AesCtr256",
    "auth_key_id",
    "callback_data_pack",
    "callback_data_unpack",
    "check_dh_prime",
    "decrypt_message",
    "dh_keypair",
    "dh_shared_key",
    "encrypt_message",
    "factorize",
    "ige256_decrypt",
    "ige256_encrypt",
    "message_kdf",
    "new_nonce_hash",
    "powmod",
    "rsa_decrypt",
    "rsa_encrypt_legacy",
    "rsa_fingerprint",
    "rsa_pad_decrypt",
    "rsa_pad_encrypt",
    "server_salt",
    "srp_answer",
    "srp_password_hash",
    "srp_verifier",
    "tmp_aes_key_iv",
]

if TYPE_CHECKING:
    from ._native import (
        AesCtr256,
        auth_key_id,
        callback_data_pack,
        callback_data_unpack,
        check_dh_prime,
        decrypt_message,
        dh_keypair,
        dh_shared_key,
        encrypt_message,
        factorize,
        ige256_decrypt,
        ige256_encrypt,
        message_kdf,
        new_nonce_hash,
        powmod,
        rsa_decrypt,
        rsa_encrypt_legacy,
        rsa_fingerprint,
        rsa_pad_decrypt,
        rsa_pad_encrypt,
        server_salt,
        srp_answer,
        srp_password_hash,
        srp_verifier,
        tmp_aes_key_iv,
    )
else:
    globals().update({name: getattr(impl, name) for name in __all__})
