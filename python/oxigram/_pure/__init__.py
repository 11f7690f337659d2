"""Pure-Python twin of ``oxigram._native``: the same names, signatures, bytes and exceptions,
using only the standard library. It is the fallback backend and the reference the native code
is checked against."""

from __future__ import annotations

from .callback_data import callback_data_pack, callback_data_unpack
from .ctr import AesCtr256
from .dh import check_dh_prime, dh_keypair, dh_shared_key
from .handshake import new_nonce_hash, server_salt, tmp_aes_key_iv
from .ige import ige256_decrypt, ige256_encrypt
from .message import auth_key_id, decrypt_message, encrypt_message, message_kdf
from .pq import factorize, powmod
from .primes import TELEGRAM_DH_PRIME
from .rsa import (
    rsa_decrypt,
    rsa_encrypt_legacy,
    rsa_fingerprint,
    rsa_pad_decrypt,
    rsa_pad_encrypt,
)
from .srp import srp_answer, srp_password_hash, srp_verifier

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
