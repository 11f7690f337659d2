"""Auth-key creation (core.telegram.org/mtproto/auth_key; protocol.md 3.1) as two sans-IO
state machines exchanging unencrypted messages.

Client: ``hs = ClientHandshake(keys)``; send ``hs.start()``; for each packet received, send
``hs.receive(packet)`` until it returns ``None``; then ``hs.result``. Server: for each packet
received, send ``hs.receive(packet)``; ``hs.result`` is set once ``dh_gen_ok`` went out.
Every random value can be fixed (:class:`ClientRandom`, :class:`ServerRandom`) so the docs'
sample exchange replays step by step.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .. import crypto, tl
from ..crypto import TELEGRAM_DH_PRIME
from ..errors import (
    DHSecurityError,
    HandshakeError,
    HandshakeSecurityError,
    RSASecurityError,
    TLDecodeError,
    UnknownFingerprintError,
)
from ..tl import functions, types
from .msgid import Clock, MsgIds
from .rsa_keys import RsaPrivateKey, RsaPublicKey

__all__ = [
    "TELEGRAM_DH_PRIME",
    "AuthKeyResult",
    "ClientHandshake",
    "ClientRandom",
    "ServerHandshake",
    "ServerRandom",
    "pack_plain",
    "unpack_plain",
]

_MARGIN = 1 << (2048 - 64)
_INNER_DATA = (
    types.P_q_inner_data,
    types.P_q_inner_data_dc,
    types.P_q_inner_data_temp,
    types.P_q_inner_data_temp_dc,
)
#: What each answer to set_client_DH_params carries: new_nonce_hash<number> in <field>.
_DH_GEN: dict[type[tl.TLObject], tuple[int, str]] = {
    types.Dh_gen_ok: (1, "new_nonce_hash1"),
    types.Dh_gen_retry: (2, "new_nonce_hash2"),
    types.Dh_gen_fail: (3, "new_nonce_hash3"),
}
RandomBytes = Callable[[int], bytes]
T = TypeVar("T", bound=tl.TLObject)


@dataclass(frozen=True)
class AuthKeyResult:
    """What a finished exchange gives both sides."""

    auth_key: bytes
    auth_key_id: bytes  # SHA1(auth_key)[12:20], as on the wire
    server_salt: int  # first salt, as the signed int64 a message header carries
    time_offset: int  # server time - local time, seconds (0 on the server side)
    dc_id: int | None = None  # from p_q_inner_data_dc (server side)
    expires_in: int | None = None  # temporary keys (p_q_inner_data_temp*)


@dataclass(frozen=True)
class ClientRandom:
    """Fixed values for a deterministic client; anything left ``None`` is random."""

    nonce: bytes | None = None
    new_nonce: bytes | None = None
    rsa_padding: bytes | None = None
    temp_keys: Sequence[bytes] = ()
    dh_secrets: Sequence[bytes] = ()  # b, one per attempt (dh_gen_retry draws the next)
    dh_padding: bytes | None = None  # padding after SHA1 + client_DH_inner_data


@dataclass(frozen=True)
class ServerRandom:
    """Fixed values for a deterministic server; anything left ``None`` is random."""

    server_nonce: bytes | None = None
    pq_factors: tuple[int, int] | None = None
    dh_secret: bytes | None = None
    answer_padding: bytes | None = None


# --------------------------------------------------------------------- unencrypted messages


def pack_plain(msg_id: int, body: bytes) -> bytes:
    """auth_key_id = 0 | msg_id | length | body."""
    return struct.pack("<qqi", 0, msg_id, len(body)) + body


def unpack_plain(packet: bytes) -> tuple[int, bytes]:
    """``(msg_id, body)`` of an unencrypted message; up to 15 trailing bytes (padded
    intermediate) are ignored."""
    if len(packet) < 24:
        raise HandshakeError(f"unencrypted message of {len(packet)} bytes is too short")
    key_id, msg_id, length = struct.unpack_from("<qqi", packet)
    if key_id != 0:
        raise HandshakeError("not an unencrypted message (auth_key_id is not 0)")
    if not 0 < length <= len(packet) - 20 or len(packet) - 20 - length > 15 or length % 4:
        raise HandshakeError(f"unencrypted message length {length} does not fit {len(packet)}")
    return msg_id, bytes(packet[20 : 20 + length])


# ---------------------------------------------------------------------------------- helpers


def _wire(value: Any, size: int) -> bytes:
    """An int128/int256 field as its wire bytes (the codec decodes them to signed ints)."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return int(value).to_bytes(size, "little", signed=True)


def _long(data: bytes) -> int:
    return int.from_bytes(data, "little", signed=True)


def _minimal(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


# The exchange is decoded with the shipped schema (mtproto.tl is the same at every layer), so
# objects are checked by their class (mtproto/service.py states the rule).


def _decode(body: bytes, expected: tuple[type[tl.TLObject], ...], what: str) -> Any:
    try:
        obj = tl.loads(body)
    except TLDecodeError as exc:
        raise HandshakeError(f"cannot decode {what}: {exc}") from exc
    if not isinstance(obj, expected):
        name = getattr(obj, "_tl_name", type(obj).__name__)
        names = " or ".join(cls._tl_name for cls in expected)
        raise HandshakeError(f"expected {names}, got {name}")
    return obj


def _check_nonces(obj: Any, nonce: bytes, server_nonce: bytes | None) -> None:
    if not hmac.compare_digest(_wire(obj.nonce, 16), nonce):
        raise HandshakeSecurityError(f"{obj._tl_name}: nonce mismatch")
    if server_nonce is not None and not hmac.compare_digest(
        _wire(obj.server_nonce, 16), server_nonce
    ):
        raise HandshakeSecurityError(f"{obj._tl_name}: server_nonce mismatch")


def _check_public(value: bytes, prime: bytes, name: str) -> None:
    """1 < x < p - 1 and 2^1984 <= x <= p - 2^1984 (security guidelines)."""
    x = int.from_bytes(value, "big")
    p = int.from_bytes(prime, "big")
    if not (1 < x < p - 1 and _MARGIN <= x <= p - _MARGIN):
        raise DHSecurityError(f"{name} is out of range")


def _with_hash(data: bytes, padding: bytes | None, random_bytes: RandomBytes) -> bytes:
    """SHA1(data) | data | padding to a multiple of 16 (answer and client_DH_inner_data)."""
    need = -(20 + len(data)) % 16
    if padding is None:
        padding = random_bytes(need)
    elif len(padding) != need:
        raise HandshakeError(f"padding must be {need} bytes, not {len(padding)}")
    return hashlib.sha1(data).digest() + data + padding


def _open_with_hash(decrypted: bytes, cls: type[T]) -> T:
    """Parses SHA1 | object | 0..15 padding and checks the SHA1 over the parsed object."""
    expected = cls._tl_name
    try:
        obj, end = tl.loads_prefix(decrypted, 20)
    except TLDecodeError as exc:
        raise HandshakeSecurityError(f"cannot decode {expected}: {exc}") from exc
    if not hmac.compare_digest(hashlib.sha1(decrypted[20:end]).digest(), decrypted[:20]):
        raise HandshakeSecurityError(f"SHA1 mismatch on {expected}")
    if len(decrypted) - end > 15:
        raise HandshakeSecurityError(f"{len(decrypted) - end} padding bytes after {expected}")
    if not isinstance(obj, cls):
        raise HandshakeSecurityError(f"expected {expected}, got {type(obj).__name__}")
    return obj


def _nonce_hash_ok(received: Any, new_nonce: bytes, number: int, auth_key: bytes) -> bool:
    expected = crypto.new_nonce_hash(new_nonce, number, auth_key)
    return hmac.compare_digest(_wire(received, 16), expected)


def _aux_hash(auth_key: bytes) -> int:
    return _long(hashlib.sha1(auth_key).digest()[:8])


# ----------------------------------------------------------------------------------- client


class ClientHandshake:
    """The client role. ``rsa_keys``: the server keys we trust, as keys (fingerprint
    computed) or a ``{fingerprint: key}`` mapping. ``dc_id`` goes into
    ``p_q_inner_data_dc`` (add 10000 for test DCs); ``legacy`` sends ``p_q_inner_data`` with
    the SHA1 padding instead of RSA_PAD. ``expires_in`` asks for a temporary key."""

    def __init__(
        self,
        rsa_keys: Iterable[RsaPublicKey] | Mapping[int, RsaPublicKey],
        *,
        dc_id: int = 2,
        legacy: bool = False,
        expires_in: int | None = None,
        clock: Clock = time.time,
        random_bytes: RandomBytes = os.urandom,
        fixed: ClientRandom | None = None,
        max_retries: int = 5,
    ) -> None:
        if isinstance(rsa_keys, Mapping):
            self._keys = dict(rsa_keys)
        else:
            self._keys = {key.fingerprint: key for key in rsa_keys}
        self.dc_id = dc_id
        self.legacy = legacy
        self.expires_in = expires_in
        self._clock = clock
        self._msg_ids = MsgIds("client", clock=clock)
        self._random = random_bytes
        self._fixed = fixed or ClientRandom()
        self._max_retries = max_retries
        self._state = "new"
        self._nonce = b""
        self._server_nonce = b""
        self._new_nonce = b""
        self._attempt = 0
        self._retry_id = 0
        self._dh: tuple[int, bytes, bytes] | None = None  # g, dh_prime, g_a
        self._auth_key = b""
        self._time_offset = 0
        self._result: AuthKeyResult | None = None
        #: The last p_q_inner_data* serialization (for tests and diagnostics).
        self.inner_data = b""
        #: The RSA key fingerprint picked from resPQ.
        self.fingerprint = 0

    @property
    def done(self) -> bool:
        return self._result is not None

    @property
    def result(self) -> AuthKeyResult:
        if self._result is None:
            raise HandshakeError("the handshake has not finished")
        return self._result

    def _send(self, obj: Any) -> bytes:
        return pack_plain(self._msg_ids.next(), tl.dumps(obj))

    def start(self) -> bytes:
        """The ``req_pq_multi`` packet (a new exchange each call)."""
        self._nonce = self._fixed.nonce or self._random(16)
        self._state = "res_pq"
        self._attempt = 0
        self._retry_id = 0
        self._result = None
        return self._send(functions.Req_pq_multi(nonce=self._nonce))

    def receive(self, packet: bytes) -> bytes | None:
        """Handles one server packet; returns the packet to send next, ``None`` when done."""
        _, body = unpack_plain(packet)
        if self._state == "res_pq":
            return self._on_res_pq(_decode(body, (types.ResPQ,), "resPQ"))
        if self._state == "dh_params":
            answer = _decode(
                body,
                (types.Server_DH_params_ok, types.Server_DH_params_fail),
                "server_DH_params",
            )
            return self._on_dh_params(answer)
        if self._state == "dh_gen":
            return self._on_dh_gen(_decode(body, tuple(_DH_GEN), "dh_gen answer"))
        raise HandshakeError(f"unexpected packet in state {self._state!r}")

    def _on_res_pq(self, res: Any) -> bytes:
        _check_nonces(res, self._nonce, None)
        self._server_nonce = _wire(res.server_nonce, 16)
        offered = [int(f) for f in res.server_public_key_fingerprints]
        key = next((self._keys[f] for f in offered if f in self._keys), None)
        if key is None:
            raise UnknownFingerprintError("the server offers no RSA key we know", tuple(offered))
        self.fingerprint = next(f for f in offered if f in self._keys)
        pq_bytes = bytes(res.pq)
        p, q = crypto.factorize(int.from_bytes(pq_bytes, "big"))
        self._new_nonce = self._fixed.new_nonce or self._random(32)
        fields: dict[str, Any] = {
            "pq": pq_bytes,
            "p": _minimal(p),
            "q": _minimal(q),
            "nonce": self._nonce,
            "server_nonce": self._server_nonce,
            "new_nonce": self._new_nonce,
        }
        inner: type[tl.TLObject]
        temp = self.expires_in is not None
        if self.legacy:
            inner = types.P_q_inner_data_temp if temp else types.P_q_inner_data
        else:
            inner = types.P_q_inner_data_temp_dc if temp else types.P_q_inner_data_dc
            fields["dc"] = self.dc_id
        if temp:
            fields["expires_in"] = self.expires_in
        self.inner_data = tl.dumps(inner(**fields))
        if self.legacy:
            encrypted = crypto.rsa_encrypt_legacy(
                self.inner_data, key.n, key.e, random_padding=self._fixed.rsa_padding
            )
        else:
            encrypted = crypto.rsa_pad_encrypt(
                self.inner_data,
                key.n,
                key.e,
                random_padding=self._fixed.rsa_padding,
                temp_keys=list(self._fixed.temp_keys) or None,
            )
        self._state = "dh_params"
        request = functions.Req_DH_params(
            nonce=self._nonce,
            server_nonce=self._server_nonce,
            p=_minimal(p),
            q=_minimal(q),
            public_key_fingerprint=self.fingerprint,
            encrypted_data=encrypted,
        )
        return self._send(request)

    def _on_dh_params(self, answer: Any) -> bytes:
        _check_nonces(answer, self._nonce, self._server_nonce)
        if isinstance(answer, types.Server_DH_params_fail):
            raise HandshakeError("the server refused req_DH_params (server_DH_params_fail)")
        encrypted = bytes(answer.encrypted_answer)
        if not encrypted or len(encrypted) % 16:
            raise HandshakeSecurityError(f"encrypted_answer of {len(encrypted)} bytes")
        key, iv = crypto.tmp_aes_key_iv(self._new_nonce, self._server_nonce)
        decrypted = crypto.ige256_decrypt(encrypted, key, iv)
        inner = _open_with_hash(decrypted, types.Server_DH_inner_data)
        _check_nonces(inner, self._nonce, self._server_nonce)
        dh_prime = bytes(inner.dh_prime)
        crypto.check_dh_prime(dh_prime, inner.g)
        g_a = bytes(inner.g_a)
        _check_public(g_a, dh_prime, "g_a")
        self._time_offset = int(inner.server_time) - int(self._clock())
        self._dh = (int(inner.g), dh_prime, g_a)
        return self._client_dh_params()

    def _client_dh_params(self) -> bytes:
        assert self._dh is not None
        g, dh_prime, g_a = self._dh
        secrets = self._fixed.dh_secrets
        given = secrets[self._attempt] if self._attempt < len(secrets) else None
        b, g_b = crypto.dh_keypair(g, dh_prime, given)
        self._auth_key = crypto.dh_shared_key(g_a, b, dh_prime)
        data = tl.dumps(
            types.Client_DH_inner_data(
                nonce=self._nonce, server_nonce=self._server_nonce, retry_id=self._retry_id, g_b=g_b
            )
        )
        padding = self._fixed.dh_padding if self._attempt == 0 else None
        key, iv = crypto.tmp_aes_key_iv(self._new_nonce, self._server_nonce)
        encrypted = crypto.ige256_encrypt(_with_hash(data, padding, self._random), key, iv)
        self._state = "dh_gen"
        request = functions.Set_client_DH_params(
            nonce=self._nonce, server_nonce=self._server_nonce, encrypted_data=encrypted
        )
        return self._send(request)

    def _on_dh_gen(self, answer: Any) -> bytes | None:
        _check_nonces(answer, self._nonce, self._server_nonce)
        number, field = _DH_GEN[type(answer)]
        if not _nonce_hash_ok(getattr(answer, field), self._new_nonce, number, self._auth_key):
            raise HandshakeSecurityError(f"{answer._tl_name}: {field} mismatch")
        if isinstance(answer, types.Dh_gen_fail):
            raise HandshakeError("the server answered dh_gen_fail")
        if isinstance(answer, types.Dh_gen_retry):
            self._attempt += 1
            if self._attempt > self._max_retries:
                raise HandshakeError(f"dh_gen_retry more than {self._max_retries} times")
            self._retry_id = _aux_hash(self._auth_key)
            return self._client_dh_params()
        self._state = "done"
        self._result = AuthKeyResult(
            auth_key=self._auth_key,
            auth_key_id=crypto.auth_key_id(self._auth_key),
            server_salt=_long(crypto.server_salt(self._new_nonce, self._server_nonce)),
            time_offset=self._time_offset,
            dc_id=self.dc_id if not self.legacy else None,
            expires_in=self.expires_in,
        )
        return None


# ----------------------------------------------------------------------------------- server


def _is_prime_u32(n: int) -> bool:
    """Deterministic Miller-Rabin for n < 2^32 (bases 2, 7, 61)."""
    if n < 2 or n % 2 == 0:
        return n == 2
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in (2, 7, 61):
        if a % n == 0:
            continue
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _random_pq_prime(random_bytes: RandomBytes) -> int:
    # 31-bit primes keep pq below 2^62: Telethon reads pq as a signed int64.
    while True:
        n = int.from_bytes(random_bytes(4), "big") | 0xC0000001
        n &= 0x7FFFFFFF
        if _is_prime_u32(n):
            return n


_RESTART: tuple[type[tl.TLObject], ...] = (functions.Req_pq_multi, functions.Req_pq)
#: The requests a server accepts in each state, by constructor id (a client may start over
#: at any step).
_SERVER_STEPS: dict[str, dict[int, type[tl.TLObject]]] = {
    state: {cls._tl_id: cls for cls in (*_RESTART, *step)}
    for state, step in (
        ("req_pq", ()),
        ("req_dh_params", (functions.Req_DH_params,)),
        ("set_client_dh_params", (functions.Set_client_DH_params,)),
        ("done", ()),
        ("failed", ()),
    )
}
_STEPS: tuple[type[tl.TLObject], ...] = (functions.Req_DH_params, functions.Set_client_DH_params)
_SERVER_REQUESTS: dict[int, str] = {cls._tl_id: cls._tl_name for cls in (*_RESTART, *_STEPS)}


def _request_name(body: bytes) -> str:
    cid = int.from_bytes(body[:4], "little")
    return _SERVER_REQUESTS.get(cid, f"constructor {cid:08x}")


class ServerHandshake:
    """The server role for one connection (it may run several exchanges in a row).

    ``key_id_taken(auth_key_id)`` lets the server refuse a colliding key: the client is
    answered ``dh_gen_retry`` and comes back with ``retry_id`` = auth_key_aux_hash.
    Identical repeated requests get the identical answer (a client may resend one).
    """

    def __init__(
        self,
        rsa_key: RsaPrivateKey,
        *,
        dh_prime: bytes = TELEGRAM_DH_PRIME,
        g: int = 3,
        clock: Clock = time.time,
        random_bytes: RandomBytes = os.urandom,
        fixed: ServerRandom | None = None,
        key_id_taken: Callable[[bytes], bool] = lambda key_id: False,
        max_retries: int = 5,
    ) -> None:
        self._key = rsa_key
        self.fingerprint = rsa_key.fingerprint
        self._dh_prime = dh_prime
        self._g = g
        self._clock = clock
        self._msg_ids = MsgIds("server", clock=clock)
        self._random = random_bytes
        self._fixed = fixed or ServerRandom()
        self._key_id_taken = key_id_taken
        self._max_retries = max_retries
        self._replies: dict[bytes, bytes] = {}
        self._reset()

    def _reset(self) -> None:
        self._state = "req_pq"
        self._nonce = b""
        self._server_nonce = b""
        self._new_nonce = b""
        self._pq = (0, 0)
        self._a = b""
        self._retries = 0
        self._retry_id = 0
        self._dc_id: int | None = None
        self._expires_in: int | None = None
        self._result: AuthKeyResult | None = None
        self._replies.clear()
        #: Which RSA scheme the client used: "rsa_pad" or "legacy".
        self.scheme = ""

    @property
    def done(self) -> bool:
        return self._result is not None

    @property
    def result(self) -> AuthKeyResult:
        if self._result is None:
            raise HandshakeError("the handshake has not finished")
        return self._result

    def _reply(self, request: bytes, obj: Any) -> bytes:
        packet = pack_plain(self._msg_ids.next(response=True), tl.dumps(obj))
        self._replies[request] = packet
        return packet

    def receive(self, packet: bytes) -> bytes:
        """Handles one client packet and returns the answer to send.

        Errors (the I/O layer answers them with transport error -404 and closes):
        ``HandshakeError`` and subclasses, ``DHSecurityError``, ``RSASecurityError``.
        """
        _, body = unpack_plain(packet)
        cached = self._replies.get(body)
        if cached is not None:
            return cached
        # Only what this step expects is decoded, picked by its first four bytes: any other
        # constructor (a Vector, a gzip_packed, ...) is refused before the codec sees it.
        cls = _SERVER_STEPS[self._state].get(int.from_bytes(body[:4], "little"))
        if cls is None:
            raise HandshakeError(f"unexpected {_request_name(body)} in state {self._state!r}")
        obj = _decode(body, (cls,), "request")
        if isinstance(obj, (functions.Req_pq_multi, functions.Req_pq)):
            # Also mid-exchange: clients restart on the same connection after a failure.
            self._reset()
            return self._on_req_pq(body, obj)
        if isinstance(obj, functions.Req_DH_params):
            return self._on_req_dh_params(body, obj)
        return self._on_set_client_dh_params(body, obj)

    def _on_req_pq(self, body: bytes, req: Any) -> bytes:
        self._nonce = _wire(req.nonce, 16)
        self._server_nonce = self._fixed.server_nonce or self._random(16)
        if self._fixed.pq_factors is not None:
            p, q = sorted(self._fixed.pq_factors)
        else:
            p = q = _random_pq_prime(self._random)
            while q == p:
                q = _random_pq_prime(self._random)
            p, q = min(p, q), max(p, q)
        self._pq = (p, q)
        self._state = "req_dh_params"
        res = types.ResPQ(
            nonce=self._nonce,
            server_nonce=self._server_nonce,
            pq=_minimal(p * q),
            server_public_key_fingerprints=[self.fingerprint],
        )
        return self._reply(body, res)

    def _open_inner_data(self, encrypted: bytes) -> Any:
        """RSA_PAD first, then the legacy SHA1 scheme."""
        n, d = self._key.n, self._key.d
        try:
            data = crypto.rsa_pad_decrypt(encrypted, n, d)
            obj, _ = tl.loads_prefix(data)
        except (RSASecurityError, TLDecodeError):
            pass
        else:
            self.scheme = "rsa_pad"
            return obj
        raw = crypto.rsa_decrypt(encrypted, n, d)
        try:
            obj, end = tl.loads_prefix(raw, 21)
        except TLDecodeError as exc:
            raise HandshakeSecurityError("encrypted_data decrypts to nothing we know") from exc
        if raw[0] != 0 or not hmac.compare_digest(hashlib.sha1(raw[21:end]).digest(), raw[1:21]):
            raise HandshakeSecurityError("encrypted_data: legacy SHA1 mismatch")
        self.scheme = "legacy"
        return obj

    def _on_req_dh_params(self, body: bytes, req: Any) -> bytes:
        _check_nonces(req, self._nonce, self._server_nonce)
        if int(req.public_key_fingerprint) != self.fingerprint:
            raise UnknownFingerprintError(
                "the client picked an RSA key this server does not have",
                (int(req.public_key_fingerprint),),
            )
        p, q = self._pq
        if bytes(req.p) != _minimal(p) or bytes(req.q) != _minimal(q):
            raise HandshakeSecurityError("req_DH_params: wrong p, q")
        inner = self._open_inner_data(bytes(req.encrypted_data))
        if not isinstance(inner, _INNER_DATA):
            raise HandshakeSecurityError(f"encrypted_data holds {type(inner).__name__}")
        _check_nonces(inner, self._nonce, self._server_nonce)
        if (bytes(inner.pq), bytes(inner.p), bytes(inner.q)) != (
            _minimal(p * q),
            _minimal(p),
            _minimal(q),
        ):
            raise HandshakeSecurityError("p_q_inner_data: wrong pq, p or q")
        self._new_nonce = _wire(inner.new_nonce, 32)
        self._dc_id = getattr(inner, "dc", None)
        self._expires_in = getattr(inner, "expires_in", None)
        self._a, g_a = crypto.dh_keypair(self._g, self._dh_prime, self._fixed.dh_secret)
        answer = tl.dumps(
            types.Server_DH_inner_data(
                nonce=self._nonce,
                server_nonce=self._server_nonce,
                g=self._g,
                dh_prime=self._dh_prime,
                g_a=g_a,
                server_time=int(self._clock()),
            )
        )
        key, iv = crypto.tmp_aes_key_iv(self._new_nonce, self._server_nonce)
        plain = _with_hash(answer, self._fixed.answer_padding, self._random)
        self._state = "set_client_dh_params"
        ok = types.Server_DH_params_ok(
            nonce=self._nonce,
            server_nonce=self._server_nonce,
            encrypted_answer=crypto.ige256_encrypt(plain, key, iv),
        )
        return self._reply(body, ok)

    def _on_set_client_dh_params(self, body: bytes, req: Any) -> bytes:
        _check_nonces(req, self._nonce, self._server_nonce)
        encrypted = bytes(req.encrypted_data)
        if not encrypted or len(encrypted) % 16:
            raise HandshakeSecurityError(f"encrypted_data of {len(encrypted)} bytes")
        key, iv = crypto.tmp_aes_key_iv(self._new_nonce, self._server_nonce)
        decrypted = crypto.ige256_decrypt(encrypted, key, iv)
        inner = _open_with_hash(decrypted, types.Client_DH_inner_data)
        _check_nonces(inner, self._nonce, self._server_nonce)
        if int(inner.retry_id) != self._retry_id:
            raise HandshakeSecurityError(
                f"retry_id {int(inner.retry_id)}, expected {self._retry_id}"
            )
        g_b = bytes(inner.g_b)
        _check_public(g_b, self._dh_prime, "g_b")
        auth_key = crypto.dh_shared_key(g_b, self._a, self._dh_prime)
        auth_key_id = crypto.auth_key_id(auth_key)
        nonces = {"nonce": self._nonce, "server_nonce": self._server_nonce}
        if self._key_id_taken(auth_key_id):
            self._retries += 1
            self._retry_id = _aux_hash(auth_key)
            if self._retries > self._max_retries:
                self._state = "failed"
                hash3 = crypto.new_nonce_hash(self._new_nonce, 3, auth_key)
                return self._reply(body, types.Dh_gen_fail(**nonces, new_nonce_hash3=hash3))
            hash2 = crypto.new_nonce_hash(self._new_nonce, 2, auth_key)
            return self._reply(body, types.Dh_gen_retry(**nonces, new_nonce_hash2=hash2))
        self._state = "done"
        self._result = AuthKeyResult(
            auth_key=auth_key,
            auth_key_id=auth_key_id,
            server_salt=_long(crypto.server_salt(self._new_nonce, self._server_nonce)),
            time_offset=0,
            dc_id=self._dc_id,
            expires_in=self._expires_in,
        )
        hash1 = crypto.new_nonce_hash(self._new_nonce, 1, auth_key)
        return self._reply(body, types.Dh_gen_ok(**nonces, new_nonce_hash1=hash1))
