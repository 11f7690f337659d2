"""MTProto cryptography over the selected backend (see :mod:`oxigram._backend`).

The functions (and the ``AesCtr256`` class) are the backend's own objects, so a call costs
exactly one crossing into Rust (or one pure-Python call); their documentation and exact error
messages are in ``oxigram/_native.pyi``. ``TELEGRAM_DH_PRIME`` is Telegram's 2048-bit prime as
the backend defines it (the DH handshake and 2FA SRP take it from here).
"""

from __future__ import annotations

from ._backend import impl

__all__ = [
    "TELEGRAM_DH_PRIME",
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

# Bound once: each name is the backend's own object (for mypy, the stub's).
TELEGRAM_DH_PRIME = impl.TELEGRAM_DH_PRIME
AesCtr256 = impl.AesCtr256
auth_key_id = impl.auth_key_id
callback_data_pack = impl.callback_data_pack
callback_data_unpack = impl.callback_data_unpack
check_dh_prime = impl.check_dh_prime
decrypt_message = impl.decrypt_message
dh_keypair = impl.dh_keypair
dh_shared_key = impl.dh_shared_key
encrypt_message = impl.encrypt_message
factorize = impl.factorize
ige256_decrypt = impl.ige256_decrypt
ige256_encrypt = impl.ige256_encrypt
message_kdf = impl.message_kdf
new_nonce_hash = impl.new_nonce_hash
powmod = impl.powmod
rsa_decrypt = impl.rsa_decrypt
rsa_encrypt_legacy = impl.rsa_encrypt_legacy
rsa_fingerprint = impl.rsa_fingerprint
rsa_pad_decrypt = impl.rsa_pad_decrypt
rsa_pad_encrypt = impl.rsa_pad_encrypt
server_salt = impl.server_salt
srp_answer = impl.srp_answer
srp_password_hash = impl.srp_password_hash
srp_verifier = impl.srp_verifier
tmp_aes_key_iv = impl.tmp_aes_key_iv
