"""Crypto benchmarks: oxigram native and pure side by side with independent anchors.

Run: ``pytest benches/ --benchmark-enable --benchmark-columns=min,median,ops``. CI runs the
file with ``--benchmark-disable`` so each benchmark runs once: every benchmark therefore also
checks its result against an independent reference (tgcrypto, hashlib, Python's pow).

Implementations in each group:

=====================  ==========================================================
``oxigram-native``     ``oxigram._native`` (Rust)
``oxigram-pure``       ``oxigram._pure`` (pure Python)
``cryptg``             cryptg 0.6.0 ``encrypt_ige`` / ``decrypt_ige`` (Rust)
``tgcrypto``           tgcrypto 1.2.5 ``ige256_*``, ``ctr256_encrypt`` (C)
``pyaes``              IGE over pyaes' pure-Python AES (``benches/_anchors.py``)
``telethon``           Telethon 1.45.0 (``MTProtoState``, ``password.compute_check``,
                       ``Factorization``), which uses cryptg for AES when installed
``gmpy2``/``python``   ``gmpy2.powmod`` / built-in ``pow``
=====================  ==========================================================
"""

from __future__ import annotations

import logging
import random
import struct
import time
import types
from collections.abc import Callable
from types import ModuleType
from typing import Any
from unittest import mock

import pytest

from _anchors import build_packet, open_packet, pyaes_ige_decrypt, pyaes_ige_encrypt

Fn = Callable[..., Any]


def native_module() -> ModuleType:
    try:
        from oxigram import _native
    except ImportError as exc:
        pytest.skip(f"oxigram._native is not importable: {exc}")
    return _native


def pure_module() -> ModuleType:
    from oxigram import _pure

    return _pure


def need(module: str) -> Any:
    return pytest.importorskip(module, reason=f"{module} (a bench extra) is not installed")


RNG = random.Random(20240208)
KEY = RNG.randbytes(32)
IV = RNG.randbytes(32)

# ------------------------------------------------------------------------------- AES-IGE

SIZES = {"256 B": 256, "16 KiB": 16 * 1024, "1 MiB": 1024 * 1024}
DATA = {label: RNG.randbytes(n) for label, n in SIZES.items()}


def ige_impl(name: str, direction: str) -> Fn:
    if name == "oxigram-native":
        return getattr(native_module(), f"ige256_{direction}")  # type: ignore[no-any-return]
    if name == "oxigram-pure":
        return getattr(pure_module(), f"ige256_{direction}")  # type: ignore[no-any-return]
    if name == "cryptg":
        return getattr(need("cryptg"), f"{direction}_ige")  # type: ignore[no-any-return]
    if name == "tgcrypto":
        return getattr(need("tgcrypto"), f"ige256_{direction}")  # type: ignore[no-any-return]
    need("pyaes")
    return pyaes_ige_encrypt if direction == "encrypt" else pyaes_ige_decrypt


IGE_IMPLS = ["oxigram-native", "oxigram-pure", "cryptg", "tgcrypto", "pyaes"]
TOO_SLOW = pytest.mark.skip(reason="pure-Python AES at 1 MiB takes tens of seconds per round")


def _ige_params() -> list[Any]:
    params = []
    for direction in ("encrypt", "decrypt"):
        for label in SIZES:
            for impl in IGE_IMPLS:
                marks: list[Any] = [pytest.mark.benchmark(group=f"ige256_{direction} {label}")]
                if label == "1 MiB" and impl in ("oxigram-pure", "pyaes"):
                    marks.append(TOO_SLOW)
                params.append(
                    pytest.param(
                        direction,
                        label,
                        impl,
                        marks=marks,
                        id=f"{direction}-{label.replace(' ', '')}-{impl}",
                    )
                )
    return params


@pytest.mark.parametrize(("direction", "label", "impl"), _ige_params())
def test_ige(benchmark: Any, direction: str, label: str, impl: str) -> None:
    tgcrypto = need("tgcrypto")
    fn = ige_impl(impl, direction)
    data = DATA[label]
    expected = getattr(tgcrypto, f"ige256_{direction}")(data, KEY, IV)
    result = benchmark(fn, data, KEY, IV)
    assert result == expected


# ------------------------------------------------------------------------------- AES-CTR

IV16 = IV[:16]
CTR_SIZES = ["16 KiB", "1 MiB"]


def ctr_impl(name: str) -> Fn:
    """One call = a fresh stream over the whole buffer (key expansion included)."""
    if name == "oxigram-native":
        cls = native_module().AesCtr256
        return lambda data: cls(KEY, IV16).update(data)
    if name == "oxigram-pure":
        cls = pure_module().AesCtr256
        return lambda data: cls(KEY, IV16).update(data)
    tgcrypto = need("tgcrypto")
    # tgcrypto overwrites iv and state (its stream position), so each call gets fresh ones.
    return lambda data: tgcrypto.ctr256_encrypt(data, KEY, bytearray(IV16), bytearray(1))


def _ctr_params() -> list[Any]:
    params = []
    for label in CTR_SIZES:
        for impl in ("oxigram-native", "oxigram-pure", "tgcrypto"):
            marks: list[Any] = [pytest.mark.benchmark(group=f"aes256_ctr {label}")]
            if label == "1 MiB" and impl == "oxigram-pure":
                marks.append(TOO_SLOW)
            params.append(
                pytest.param(label, impl, marks=marks, id=f"{label.replace(' ', '')}-{impl}")
            )
    return params


@pytest.mark.parametrize(("label", "impl"), _ctr_params())
def test_ctr(benchmark: Any, label: str, impl: str) -> None:
    tgcrypto = need("tgcrypto")
    data = DATA[label]
    expected = tgcrypto.ctr256_encrypt(data, KEY, bytearray(IV16), bytearray(1))
    result = benchmark(ctr_impl(impl), data)
    assert result == expected
    if impl == "tgcrypto":  # and tgcrypto itself against the pure twin, on a prefix
        assert result[:4096] == pure_module().AesCtr256(KEY, IV16).update(data[:4096])


# ---------------------------------------------------------------------- MTProto messages

AUTH_KEY = RNG.randbytes(256)
BODY_LEN = 208


def _rpc_error_body() -> bytes:
    """rpc_error#2144ca19 with a 199-character message: exactly 208 bytes, readable by Telethon."""
    message = ("BOT_RESPONSE_TIMEOUT_" * 10)[:199].encode()
    body = struct.pack("<Ii", 0x2144CA19, 400) + bytes([len(message)]) + message
    assert len(body) == BODY_LEN
    return body


BODY = _rpc_error_body()
SALT = RNG.randbytes(8)


class _Loggers(dict[str, logging.Logger]):
    def __missing__(self, key: str) -> logging.Logger:
        return logging.getLogger(key)


def telethon_state() -> Any:
    mtprotostate = need("telethon.network.mtprotostate")
    authkey = need("telethon.crypto.authkey")
    state = mtprotostate.MTProtoState(authkey.AuthKey(AUTH_KEY), _Loggers())
    state.salt = struct.unpack("<q", SALT)[0]
    return state


def client_payload(session_id: bytes) -> bytes:
    msg_id = (int(time.time()) << 32) | 4
    return SALT + session_id + struct.pack("<qiI", msg_id, 1, BODY_LEN) + BODY


@pytest.mark.benchmark(group="encrypt_message 208 B body")
@pytest.mark.parametrize("impl", ["oxigram-native", "oxigram-pure", "telethon"])
def test_encrypt_message(benchmark: Any, impl: str) -> None:
    need("tgcrypto")  # for the independent check of the packet
    if impl == "telethon":
        state = telethon_state()
        payload = client_payload(struct.pack("<q", state.id))
        # Telethon takes msg_id | seq_no | length | body and adds salt and session itself
        packet = benchmark(state.encrypt_message_data, payload[16:])
    else:
        module = native_module() if impl == "oxigram-native" else pure_module()
        payload = client_payload(RNG.randbytes(8))
        packet = benchmark(lambda: module.encrypt_message(AUTH_KEY, payload, sender="client"))
    assert open_packet(AUTH_KEY, packet, 0) == payload


def server_packet(session_id: bytes) -> tuple[bytes, bytes]:
    msg_id = (int(time.time()) << 32) | 1
    payload = SALT + session_id + struct.pack("<qiI", msg_id, 2, BODY_LEN) + BODY
    padding = bytes(12 + (-(len(payload) + 12) % 16))
    return payload, build_packet(AUTH_KEY, payload + padding, 8)


@pytest.mark.benchmark(group="decrypt_message 208 B body")
@pytest.mark.parametrize(
    "impl", ["oxigram-native", "oxigram-pure", "telethon", "telethon-crypto-only"]
)
def test_decrypt_message(benchmark: Any, impl: str) -> None:
    need("tgcrypto")
    if impl == "telethon":
        # the whole MTProtoState.decrypt_message_data, TL parse of the rpc_error included; the
        # duplicate-msg_id memory is cleared each call so every round does the full work
        state = telethon_state()
        _, packet = server_packet(struct.pack("<q", state.id))

        def telethon_decrypt() -> Any:
            state._recent_remote_ids.clear()
            state._highest_remote_id = 0
            return state.decrypt_message_data(packet)

        message = benchmark(telethon_decrypt)
        assert message is not None and message.obj.error_message == BODY[9:].decode()
        return
    if impl == "telethon-crypto-only":
        # only the crypto steps of decrypt_message_data, with Telethon's own functions
        mtprotostate = need("telethon.network.mtprotostate")
        aes = need("telethon.crypto").AES
        from hashlib import sha256

        payload, packet = server_packet(RNG.randbytes(8))

        def telethon_steps() -> bytes:
            msg_key = packet[8:24]
            key, iv = mtprotostate.MTProtoState._calc_key(AUTH_KEY, msg_key, False)
            plain: bytes = aes.decrypt_ige(packet[24:], key, iv)
            if sha256(AUTH_KEY[96:128] + plain).digest()[8:24] != msg_key:
                raise AssertionError("msg_key")
            return plain

        assert benchmark(telethon_steps)[: len(payload)] == payload
        return
    module = native_module() if impl == "oxigram-native" else pure_module()
    payload, packet = server_packet(RNG.randbytes(8))
    assert benchmark(lambda: module.decrypt_message(AUTH_KEY, packet, sender="server")) == payload


# ----------------------------------------------------------------------------------- SRP

SRP_PASSWORD = "correct horse battery staple"
SRP_SALT1 = RNG.randbytes(40)
SRP_SALT2 = RNG.randbytes(16)
SRP_A_SECRET = (2**2046 + RNG.getrandbits(2000)).to_bytes(256, "big")


@pytest.mark.benchmark(group="srp_answer")
@pytest.mark.parametrize("impl", ["oxigram-native", "oxigram-pure", "telethon"])
def test_srp_answer(benchmark: Any, impl: str, telegram_prime: bytes) -> None:
    tpassword = need("telethon.password")
    ttypes = need("telethon.tl.types")
    p = int.from_bytes(telegram_prime, "big")
    B = pow(3, 2**2040 + 4321, p).to_bytes(256, "big")
    algo = ttypes.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
        salt1=SRP_SALT1, salt2=SRP_SALT2, g=3, p=telegram_prime
    )
    request = ttypes.account.Password(
        new_algo=algo,
        new_secure_algo=ttypes.SecurePasswordKdfAlgoUnknown(),
        secure_random=b"",
        current_algo=algo,
        srp_B=B,
        srp_id=7,
    )
    fixed_os = types.SimpleNamespace(urandom=lambda n: SRP_A_SECRET[:n])
    with mock.patch.object(tpassword, "os", fixed_os):
        reference = tpassword.compute_check(request, SRP_PASSWORD)
        if impl == "telethon":
            check = benchmark(tpassword.compute_check, request, SRP_PASSWORD)
            assert (check.A, check.M1) == (reference.A, reference.M1)
            return
    module = native_module() if impl == "oxigram-native" else pure_module()
    args = (SRP_PASSWORD, SRP_SALT1, SRP_SALT2, 3, telegram_prime, B, SRP_A_SECRET)
    assert benchmark(module.srp_answer, *args) == (reference.A, reference.M1)


# -------------------------------------------------------------------------------- powmod

POW_BASE = RNG.getrandbits(2048)
POW_EXP = RNG.getrandbits(2048) | (1 << 2047)


@pytest.mark.benchmark(group="powmod 2048-bit")
@pytest.mark.parametrize("impl", ["oxigram-native", "oxigram-pure", "gmpy2", "python-pow"])
def test_powmod(benchmark: Any, impl: str, telegram_prime: bytes) -> None:
    mod = int.from_bytes(telegram_prime, "big")
    expected = pow(POW_BASE, POW_EXP, mod)
    if impl == "gmpy2":
        gmpy2 = need("gmpy2")
        result = int(benchmark(gmpy2.powmod, POW_BASE, POW_EXP, mod))
    elif impl == "python-pow":
        result = benchmark(pow, POW_BASE, POW_EXP, mod)
    else:
        module = native_module() if impl == "oxigram-native" else pure_module()
        result = benchmark(module.powmod, POW_BASE, POW_EXP, mod)
    assert result == expected


# ----------------------------------------------------------------------------- factorize


@pytest.mark.benchmark(group="factorize pq (docs sample)")
@pytest.mark.parametrize("impl", ["oxigram-native", "oxigram-pure", "telethon"])
def test_factorize(benchmark: Any, impl: str, docs_pq: tuple[int, int, int]) -> None:
    pq, p, q = docs_pq
    if impl == "telethon":
        fn = need("telethon.crypto.factorization").Factorization.factorize
    else:
        fn = (native_module() if impl == "oxigram-native" else pure_module()).factorize
    assert benchmark(fn, pq) == (p, q)
