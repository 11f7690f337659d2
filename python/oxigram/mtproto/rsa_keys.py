"""RSA keys for the handshake: generation (server role), fingerprints, PKCS#1 PEM.

Standard library only. PKCS#1 is what Telegram publishes and what Telethon's ``add_key``
reads: ``RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`` (RFC 8017
A.1.1), and for the private key the nine-field ``RSAPrivateKey`` (A.1.2).
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from .. import crypto
from ..errors import InvalidInputError

__all__ = [
    "RsaPrivateKey",
    "RsaPublicKey",
    "generate_rsa_key",
    "private_key_from_pem",
    "private_key_to_pem",
    "public_key_from_pem",
    "public_key_to_pem",
]


@dataclass(frozen=True)
class RsaPublicKey:
    n: int
    e: int

    @property
    def fingerprint(self) -> int:
        """Telegram's fingerprint (signed 64-bit, as TL ``long`` carries it)."""
        return crypto.rsa_fingerprint(self.n, self.e)


@dataclass(frozen=True)
class RsaPrivateKey:
    n: int
    e: int
    d: int
    p: int = 0
    q: int = 0

    @property
    def public(self) -> RsaPublicKey:
        return RsaPublicKey(self.n, self.e)

    @property
    def fingerprint(self) -> int:
        return self.public.fingerprint


# ------------------------------------------------------------------------------ generation

_SMALL_PRIMES = tuple(
    n for n in range(3, 2000, 2) if all(n % d for d in range(3, int(n**0.5) + 1, 2))
)


def _is_probable_prime(n: int, random_bytes: Callable[[int], bytes], rounds: int = 40) -> bool:
    for sp in _SMALL_PRIMES:
        if n % sp == 0:
            return n == sp
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    size = (n.bit_length() + 7) // 8
    for _ in range(rounds):
        a = 2 + int.from_bytes(random_bytes(size), "big") % (n - 3)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _random_prime(bits: int, e: int, random_bytes: Callable[[int], bytes]) -> int:
    while True:
        # Top two bits set so that p * q has exactly 2 * bits bits.
        candidate = int.from_bytes(random_bytes(bits // 8), "big") | (3 << (bits - 2)) | 1
        if candidate % e != 1 and _is_probable_prime(candidate, random_bytes):
            return candidate


def generate_rsa_key(
    bits: int = 2048, *, e: int = 65537, random_bytes: Callable[[int], bytes] = os.urandom
) -> RsaPrivateKey:
    """A fresh RSA key of ``bits`` bits (the handshake needs 2048)."""
    if bits < 256 or bits % 16:
        raise InvalidInputError(f"bits must be a multiple of 16 and at least 256, not {bits}")
    while True:
        p = _random_prime(bits // 2, e, random_bytes)
        q = _random_prime(bits // 2, e, random_bytes)
        if p != q:
            break
    if p < q:
        p, q = q, p
    d = pow(e, -1, (p - 1) * (q - 1))
    return RsaPrivateKey(n=p * q, e=e, d=d, p=p, q=q)


# ------------------------------------------------------------------------------------- DER


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _der_int(value: int) -> bytes:
    # Minimal two's complement: a leading zero byte keeps a set top bit positive.
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return b"\x02" + _der_length(len(raw)) + raw


def _der_sequence(values: list[int]) -> bytes:
    body = b"".join(_der_int(v) for v in values)
    return b"\x30" + _der_length(len(body)) + body


def _read_tlv(data: bytes, pos: int, tag: int) -> tuple[bytes, int]:
    if pos + 2 > len(data) or data[pos] != tag:
        raise InvalidInputError(f"bad DER: expected tag 0x{tag:02x} at offset {pos}")
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise InvalidInputError("bad DER length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise InvalidInputError("bad DER: truncated")
    return data[pos : pos + length], pos + length


def _der_read_sequence(der: bytes) -> list[int]:
    body, end = _read_tlv(der, 0, 0x30)
    if end != len(der):
        raise InvalidInputError("bad DER: trailing bytes")
    values: list[int] = []
    pos = 0
    while pos < len(body):
        raw, pos = _read_tlv(body, pos, 0x02)
        values.append(int.from_bytes(raw, "big", signed=True))
    return values


# ------------------------------------------------------------------------------------- PEM

_PUBLIC = "RSA PUBLIC KEY"
_PRIVATE = "RSA PRIVATE KEY"


def _pem(label: str, der: bytes) -> str:
    b64 = base64.b64encode(der).decode("ascii")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def _unpem(label: str, pem: str | bytes) -> bytes:
    text = pem.decode("ascii") if isinstance(pem, bytes) else pem
    match = re.search(rf"-----BEGIN {label}-----(.*?)-----END {label}-----", text, re.S)
    if match is None:
        raise InvalidInputError(f"no '{label}' PEM block found")
    try:
        return base64.b64decode("".join(match.group(1).split()), validate=True)
    except ValueError:
        raise InvalidInputError("bad base64 in PEM block") from None


def public_key_to_pem(key: RsaPublicKey | RsaPrivateKey) -> str:
    """PKCS#1 ``-----BEGIN RSA PUBLIC KEY-----`` (what Telethon's ``rsa.add_key`` takes)."""
    return _pem(_PUBLIC, _der_sequence([key.n, key.e]))


def public_key_from_pem(pem: str | bytes) -> RsaPublicKey:
    values = _der_read_sequence(_unpem(_PUBLIC, pem))
    if len(values) != 2 or min(values) <= 0:
        raise InvalidInputError("an RSA public key has two positive integers")
    return RsaPublicKey(n=values[0], e=values[1])


def private_key_to_pem(key: RsaPrivateKey) -> str:
    if not (key.p and key.q):
        raise InvalidInputError("PKCS#1 needs the primes p and q of the key")
    fields = [0, key.n, key.e, key.d, key.p, key.q]
    fields += [key.d % (key.p - 1), key.d % (key.q - 1), pow(key.q, -1, key.p)]
    return _pem(_PRIVATE, _der_sequence(fields))


def private_key_from_pem(pem: str | bytes) -> RsaPrivateKey:
    values = _der_read_sequence(_unpem(_PRIVATE, pem))
    if len(values) != 9 or values[0] != 0:
        raise InvalidInputError("not a two-prime PKCS#1 RSA private key")
    _, n, e, d, p, q = values[:6]
    if p * q != n:
        raise InvalidInputError("RSA private key: p * q != n")
    return RsaPrivateKey(n=n, e=e, d=d, p=p, q=q)
