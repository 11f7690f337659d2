"""RSA keys for the handshake: generation (server role), fingerprints, PEM in and out.

Standard library only, with a small DER reader of its own. PKCS#1 is what Telegram publishes
today and what Telethon's ``add_key`` reads: ``RSAPublicKey ::= SEQUENCE { modulus INTEGER,
publicExponent INTEGER }`` (RFC 8017 A.1.1), and for the private key the nine-field
``RSAPrivateKey`` (A.1.2). Public keys are also read (and written on request) in the X.509
``SubjectPublicKeyInfo`` form, ``-----BEGIN PUBLIC KEY-----`` (RFC 5280 4.1.2.7), which is what
``openssl rsa -pubout`` prints and what Telegram Desktop shipped for some keys until 2021.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from .. import crypto
from ..errors import InvalidInputError, InvalidTypeError

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


def _odd_primes_below(n: int) -> tuple[int, ...]:
    """The odd primes below ``n``, by the sieve of Eratosthenes (it runs at import, where
    trial division of each number took a few milliseconds)."""
    sieve = bytearray([1]) * n
    for k in range(3, int(n**0.5) + 1, 2):
        if sieve[k]:
            sieve[k * k :: 2 * k] = bytes(len(range(k * k, n, 2 * k)))
    return tuple(k for k in range(3, n, 2) if sieve[k])


_SMALL_PRIMES = _odd_primes_below(2000)


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


def _der_tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(body)) + body


def _der_int(value: int) -> bytes:
    # Minimal two's complement: a leading zero byte keeps a set top bit positive.
    return _der_tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _der_sequence(values: list[int]) -> bytes:
    return _der_tlv(0x30, b"".join(_der_int(v) for v in values))


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


# rsaEncryption, OID 1.2.840.113549.1.1.1 (RFC 8017 A.1), as the body of its DER encoding.
_RSA_ENCRYPTION = bytes.fromhex("2a864886f70d010101")
_DER_NULL = b"\x05\x00"


def _spki_wrap(pkcs1: bytes) -> bytes:
    """``SEQUENCE { SEQUENCE { rsaEncryption, NULL }, BIT STRING { pkcs1 } }``."""
    algorithm = _der_tlv(0x30, _der_tlv(0x06, _RSA_ENCRYPTION) + _DER_NULL)
    return _der_tlv(0x30, algorithm + _der_tlv(0x03, b"\x00" + pkcs1))


def _spki_unwrap(der: bytes) -> bytes:
    """The PKCS#1 ``RSAPublicKey`` inside a ``SubjectPublicKeyInfo`` (the inverse of
    ``_spki_wrap``); any other algorithm is refused."""
    info, end = _read_tlv(der, 0, 0x30)
    if end != len(der):
        raise InvalidInputError("bad DER: trailing bytes")
    algorithm, pos = _read_tlv(info, 0, 0x30)
    bits, pos = _read_tlv(info, pos, 0x03)
    if pos != len(info):
        raise InvalidInputError("bad DER: trailing bytes in SubjectPublicKeyInfo")
    oid, pos = _read_tlv(algorithm, 0, 0x06)
    if oid != _RSA_ENCRYPTION:
        raise InvalidInputError("not an RSA key: the SubjectPublicKeyInfo names another algorithm")
    # RFC 3279 2.3.1 asks for NULL parameters; some writers leave them out.
    if algorithm[pos:] not in (b"", _DER_NULL):
        raise InvalidInputError("bad DER: rsaEncryption takes NULL parameters")
    if not bits:
        raise InvalidInputError("bad DER: the key's BIT STRING is empty")
    if bits[0] != 0:
        raise InvalidInputError("bad DER: the key's BIT STRING must have no unused bits")
    return bits[1:]


# ------------------------------------------------------------------------------------- PEM

_PUBLIC = "RSA PUBLIC KEY"
_SPKI = "PUBLIC KEY"
_PRIVATE = "RSA PRIVATE KEY"


def _pem(label: str, der: bytes) -> str:
    b64 = base64.b64encode(der).decode("ascii")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def _unpem(pem: str | bytes, *labels: str) -> tuple[str, bytes]:
    """The label and the DER bytes of the first PEM block carrying one of ``labels``."""
    if isinstance(pem, bytes):
        try:
            text = pem.decode("ascii")
        except UnicodeDecodeError:
            raise InvalidInputError("a PEM block is ASCII text") from None
    elif isinstance(pem, str):
        text = pem
    else:
        raise InvalidTypeError(f"a PEM block is str or bytes, not {type(pem).__name__}")
    names = "|".join(re.escape(label) for label in labels)
    match = re.search(rf"-----BEGIN ({names})-----(.*?)-----END \1-----", text, re.S)
    if match is None:
        wanted = " or ".join(f"'{label}'" for label in labels)
        raise InvalidInputError(f"no {wanted} PEM block found")
    try:
        return match.group(1), base64.b64decode("".join(match.group(2).split()), validate=True)
    except ValueError:
        raise InvalidInputError("bad base64 in PEM block") from None


def public_key_to_pem(key: RsaPublicKey | RsaPrivateKey, *, spki: bool = False) -> str:
    """PKCS#1 ``-----BEGIN RSA PUBLIC KEY-----`` (what Telethon's ``rsa.add_key`` takes), or
    with ``spki=True`` the X.509 ``-----BEGIN PUBLIC KEY-----`` form of the same key."""
    pkcs1 = _der_sequence([key.n, key.e])
    return _pem(_SPKI, _spki_wrap(pkcs1)) if spki else _pem(_PUBLIC, pkcs1)


def public_key_from_pem(pem: str | bytes) -> RsaPublicKey:
    """The first public key in ``pem``: PKCS#1 (``RSA PUBLIC KEY``) or X.509
    ``SubjectPublicKeyInfo`` (``PUBLIC KEY``). Malformed input raises ``InvalidInputError``."""
    label, der = _unpem(pem, _PUBLIC, _SPKI)
    values = _der_read_sequence(_spki_unwrap(der) if label == _SPKI else der)
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
    _, der = _unpem(pem, _PRIVATE)
    values = _der_read_sequence(der)
    if len(values) != 9 or values[0] != 0:
        raise InvalidInputError("not a two-prime PKCS#1 RSA private key")
    _, n, e, d, p, q = values[:6]
    if p * q != n:
        raise InvalidInputError("RSA private key: p * q != n")
    return RsaPrivateKey(n=n, e=e, d=d, p=p, q=q)
