"""``oxigram.crypto`` against independent implementations installed as test extras: tgcrypto and
cryptg (AES-IGE), Telethon 1.45.0 (SRP, MTProto 2.0 messages, factorization, legacy RSA, the
handshake key helpers). Each group is skipped, with the reason, only when its package is not
importable."""

from __future__ import annotations

import logging
import struct
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oxigram import crypto


def need(module: str) -> Any:
    return pytest.importorskip(module, reason=f"{module} (a test extra) is not installed")


@contextmanager
def fixed_urandom(module: Any, *chunks: bytes) -> Iterator[list[int]]:
    """Replaces ``module.os`` by a namespace whose urandom returns ``chunks`` in order (the
    size asked must match); the yielded list records the sizes asked for."""
    queue = list(chunks)
    asked: list[int] = []

    def urandom(n: int) -> bytes:
        asked.append(n)
        assert queue, f"unexpected os.urandom({n})"
        chunk = queue.pop(0)
        assert len(chunk) == n, f"os.urandom({n}) but the fixed chunk has {len(chunk)} bytes"
        return chunk

    fake_os = types.SimpleNamespace(urandom=urandom)
    with mock.patch.object(module, "os", fake_os):
        yield asked


KEYS = st.binary(min_size=32, max_size=32)
DATA = st.binary(min_size=1, max_size=2048).map(lambda b: b + bytes(-len(b) % 16))


# ---------------------------------------------------------------------------- AES-IGE


@given(data=DATA, key=KEYS, iv=KEYS)
def test_ige_vs_tgcrypto(data: bytes, key: bytes, iv: bytes) -> None:
    tgcrypto = need("tgcrypto")
    expected = tgcrypto.ige256_encrypt(data, key, iv)
    assert crypto.ige256_encrypt(data, key, iv) == expected
    assert crypto.ige256_decrypt(data, key, iv) == tgcrypto.ige256_decrypt(data, key, iv)
    assert crypto.ige256_decrypt(expected, key, iv) == data


@given(data=DATA, key=KEYS, iv=KEYS)
def test_ige_vs_cryptg(data: bytes, key: bytes, iv: bytes) -> None:
    cryptg = need("cryptg")
    expected = cryptg.encrypt_ige(data, key, iv)
    assert crypto.ige256_encrypt(bytearray(data), key, memoryview(iv)) == expected
    assert crypto.ige256_decrypt(memoryview(data), key, iv) == cryptg.decrypt_ige(data, key, iv)


@settings(max_examples=3)
@given(key=KEYS, iv=KEYS, seed=st.binary(min_size=16, max_size=16))
def test_ige_large_vs_tgcrypto(key: bytes, iv: bytes, seed: bytes) -> None:
    tgcrypto = need("tgcrypto")
    import oxigram

    n = 256 * 1024 if oxigram.backend == "native" else 16 * 1024
    data = (seed * (n // 16))[:n]
    assert crypto.ige256_encrypt(data, key, iv) == tgcrypto.ige256_encrypt(data, key, iv)


# ---------------------------------------------------------------------------------- SRP


def telethon_algo(salt1: bytes, salt2: bytes, g: int, p: bytes) -> Any:
    types_ = need("telethon.tl.types")
    return types_.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
        salt1=salt1, salt2=salt2, g=g, p=p
    )


@settings(max_examples=4)
@given(
    password=st.text(max_size=24),
    salt1=st.binary(min_size=8, max_size=40),
    salt2=st.binary(min_size=16, max_size=16),
    g=st.sampled_from([3, 4, 7]),
    a=st.integers(2**2040, 2**2047),
    b=st.integers(2**2040, 2**2047),
)
def test_srp_answer_vs_telethon_compute_check(
    telegram_prime: bytes, password: str, salt1: bytes, salt2: bytes, g: int, a: int, b: int
) -> None:
    tpassword = need("telethon.password")
    ttypes = need("telethon.tl.types")
    p = int.from_bytes(telegram_prime, "big")
    B = pow(g, b, p).to_bytes(256, "big")
    algo = telethon_algo(salt1, salt2, g, telegram_prime)
    request = ttypes.account.Password(
        new_algo=algo,
        new_secure_algo=ttypes.SecurePasswordKdfAlgoUnknown(),
        secure_random=b"",
        has_password=True,
        current_algo=algo,
        srp_B=B,
        srp_id=1234,
    )
    a_bytes = a.to_bytes(256, "big")
    try:
        with fixed_urandom(tpassword, a_bytes) as asked:
            check = tpassword.compute_check(request, password)
    except ValueError as exc:  # Telethon rejects B - k*v out of range as "bad g_b"
        assert str(exc) == "bad g_b"
        with pytest.raises(crypto_errors().SRPSecurityError, match="B - k\\*v is out of range"):
            crypto.srp_answer(password, salt1, salt2, g, telegram_prime, B, a_bytes)
        return
    assert asked == [256]
    A, M1 = crypto.srp_answer(password, salt1, salt2, g, telegram_prime, B, a_bytes)
    assert (A, M1) == (check.A, check.M1)
    # the same with the password as UTF-8 bytes, and a short srp_B (left-padded by the spec)
    assert crypto.srp_answer(password.encode(), salt1, salt2, g, telegram_prime, B, a_bytes) == (
        A,
        M1,
    )


def crypto_errors() -> Any:
    from oxigram import errors

    return errors


@settings(max_examples=3)
@given(
    password=st.text(max_size=24),
    salt1=st.binary(max_size=40),
    salt2=st.binary(max_size=20),
    g=st.sampled_from([3, 4, 7]),
)
def test_srp_hash_and_verifier_vs_telethon(
    telegram_prime: bytes, password: str, salt1: bytes, salt2: bytes, g: int
) -> None:
    tpassword = need("telethon.password")
    algo = telethon_algo(salt1, salt2, g, telegram_prime)
    assert crypto.srp_password_hash(password, salt1, salt2) == tpassword.compute_hash(
        algo, password
    )
    assert crypto.srp_verifier(
        password, salt1, salt2, g, telegram_prime
    ) == tpassword.compute_digest(algo, password)


def test_srp_short_B_vs_telethon(telegram_prime: bytes) -> None:
    # find a b whose B = g^b mod p has a leading zero byte, then send it unpadded
    tpassword = need("telethon.password")
    ttypes = need("telethon.tl.types")
    p = int.from_bytes(telegram_prime, "big")
    b = 2**2040 + 1
    g_b = pow(3, b, p)
    while g_b >= 2**2040:  # one step of g^(b+1) = g^b * g at a time
        b, g_b = b + 1, g_b * 3 % p
    assert g_b == pow(3, b, p)
    B_short = g_b.to_bytes(255, "big")
    algo = telethon_algo(b"s" * 40, b"t" * 16, 3, telegram_prime)
    request = ttypes.account.Password(
        new_algo=algo,
        new_secure_algo=ttypes.SecurePasswordKdfAlgoUnknown(),
        secure_random=b"",
        current_algo=algo,
        srp_B=B_short,
        srp_id=1,
    )
    a = (2**2045 + 77).to_bytes(256, "big")
    with fixed_urandom(tpassword, a):
        check = tpassword.compute_check(request, "pw")
    assert crypto.srp_answer("pw", b"s" * 40, b"t" * 16, 3, telegram_prime, B_short, a) == (
        check.A,
        check.M1,
    )
    assert crypto.srp_answer(
        "pw", b"s" * 40, b"t" * 16, 3, telegram_prime, b"\x00" + B_short, a
    ) == (check.A, check.M1)


# ------------------------------------------------------------------- MTProto 2.0 messages


class _Loggers(dict[str, logging.Logger]):
    def __missing__(self, key: str) -> logging.Logger:
        return logging.getLogger(key)


def telethon_state(auth_key: bytes) -> Any:
    mtprotostate = need("telethon.network.mtprotostate")
    authkey = need("telethon.crypto.authkey")
    state = mtprotostate.MTProtoState(authkey.AuthKey(auth_key), _Loggers())
    return state


@given(
    auth_key=st.binary(min_size=256, max_size=256),
    body=st.binary(max_size=600).map(lambda b: b[: len(b) - len(b) % 4]),
    salt=st.integers(-(2**63), 2**63 - 1),
    msg_id=st.integers(0, 2**63 - 1),
    seq_no=st.integers(0, 2**31 - 1),
    pad_seed=st.binary(min_size=28, max_size=28),
)
def test_client_packet_from_telethon(
    auth_key: bytes, body: bytes, salt: int, msg_id: int, seq_no: int, pad_seed: bytes
) -> None:
    mtprotostate = need("telethon.network.mtprotostate")
    state = telethon_state(auth_key)
    state.salt = salt
    data = struct.pack("<qiI", msg_id, seq_no, len(body)) + body
    pad_len = -(len(data) + 16 + 12) % 16 + 12
    with fixed_urandom(mtprotostate, pad_seed[:pad_len]):
        packet = state.encrypt_message_data(data)
    payload = struct.pack("<qq", salt, state.id) + data
    assert crypto.decrypt_message(auth_key, packet, sender="client") == payload
    # and ours, with the same padding, is byte for byte Telethon's packet
    assert (
        crypto.encrypt_message(auth_key, payload, sender="client", padding=pad_seed[:pad_len])
        == packet
    )


def pong_body(msg_id: int, ping_id: int) -> bytes:
    """pong#347773c5 msg_id:long ping_id:long."""
    return struct.pack("<Iqq", 0x347773C5, msg_id, ping_id)


def rpc_error_body(message: str) -> bytes:
    """rpc_error#2144ca19 error_code:int error_message:string, a TL object Telethon can read."""
    raw = message.encode()
    assert len(raw) < 254
    s = bytes([len(raw)]) + raw
    s += bytes(-len(s) % 4)
    return struct.pack("<Ii", 0x2144CA19, 400) + s


@given(
    auth_key=st.binary(min_size=256, max_size=256),
    salt=st.binary(min_size=8, max_size=8),
    offset=st.integers(0, 2**20).map(lambda x: 2 * x + 1),
    body=st.one_of(
        st.builds(pong_body, st.integers(0, 2**63 - 1), st.integers(-(2**63), 2**63 - 1)),
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ_", max_size=200).map(rpc_error_body),
    ),
    extra_blocks=st.integers(0, 62),
)
def test_server_packet_to_telethon(
    auth_key: bytes, salt: bytes, offset: int, body: bytes, extra_blocks: int
) -> None:
    state = telethon_state(auth_key)
    msg_id = (int(time.time()) << 32) | offset
    payload = salt + struct.pack("<q", state.id) + struct.pack("<qiI", msg_id, 3, len(body)) + body
    padding = bytes(range(256)) * 4
    pad_len = 12 + (-(len(payload) + 12) % 16) + 16 * extra_blocks
    packet = crypto.encrypt_message(auth_key, payload, sender="server", padding=padding[:pad_len])
    message = state.decrypt_message_data(packet)
    assert message is not None
    assert message.msg_id == msg_id and message.seq_no == 3
    assert bytes(message.obj) == body
    # random padding: Telethon still reads it
    state2 = telethon_state(auth_key)
    payload2 = payload[:8] + struct.pack("<q", state2.id) + payload[16:]
    assert (
        state2.decrypt_message_data(crypto.encrypt_message(auth_key, payload2, sender="server"))
        is not None
    )


@given(auth_key=st.binary(min_size=256, max_size=256), msg_key=st.binary(min_size=16, max_size=16))
def test_message_kdf_vs_telethon(auth_key: bytes, msg_key: bytes) -> None:
    mtprotostate = need("telethon.network.mtprotostate")
    calc = mtprotostate.MTProtoState._calc_key
    assert crypto.message_kdf(auth_key, msg_key, sender="client") == calc(auth_key, msg_key, True)
    assert crypto.message_kdf(auth_key, msg_key, sender="server") == calc(auth_key, msg_key, False)
    authkey = need("telethon.crypto.authkey")
    assert crypto.auth_key_id(auth_key) == struct.pack("<Q", authkey.AuthKey(auth_key).key_id)


# ------------------------------------------------------------------------- handshake


@given(
    new_nonce=st.binary(min_size=32, max_size=32),
    server_nonce=st.binary(min_size=16, max_size=16),
    auth_key=st.binary(min_size=256, max_size=256),
    number=st.sampled_from([1, 2, 3]),
)
def test_handshake_helpers_vs_telethon(
    new_nonce: bytes, server_nonce: bytes, auth_key: bytes, number: int
) -> None:
    helpers = need("telethon.helpers")
    authkey = need("telethon.crypto.authkey")
    nn = int.from_bytes(new_nonce, "little", signed=True)
    sn = int.from_bytes(server_nonce, "little", signed=True)
    assert crypto.tmp_aes_key_iv(new_nonce, server_nonce) == helpers.generate_key_data_from_nonce(
        sn, nn
    )
    expected = authkey.AuthKey(auth_key).calc_new_nonce_hash(nn, number)
    assert crypto.new_nonce_hash(new_nonce, number, auth_key) == expected.to_bytes(
        16, "little", signed=True
    )


def _primes_near(n: int, count: int) -> list[int]:
    out: list[int] = []
    c = n | 1
    while len(out) < count:
        if all(c % d for d in range(3, int(c**0.5) + 1, 2)):
            out.append(c)
        c += 2
    return out


SMALL_PRIMES = _primes_near(2**20, 8) + _primes_near(3_000_000_000, 3)


@settings(max_examples=20)
@given(p=st.sampled_from(SMALL_PRIMES), q=st.sampled_from(SMALL_PRIMES))
def test_factorize_vs_telethon(p: int, q: int) -> None:
    factorization = need("telethon.crypto.factorization")
    pq = p * q
    assert (
        crypto.factorize(pq) == factorization.Factorization.factorize(pq) == (min(p, q), max(p, q))
    )


def test_factorize_vs_telethon_vectors(vectors: Callable[[str], dict[str, Any]]) -> None:
    factorization = need("telethon.crypto.factorization")
    for v in vectors("pq")["vectors"]:
        assert crypto.factorize(v["pq"]) == factorization.Factorization.factorize(v["pq"])


def telethon_rsa_keys() -> list[tuple[int, Any, bool]]:
    trsa = need("telethon.crypto.rsa")
    return [(fp, key, old) for fp, (key, old) in trsa._server_keys.items()]


def test_rsa_fingerprint_vs_telethon() -> None:
    keys = telethon_rsa_keys()
    assert len(keys) >= 4
    for fp, key, _ in keys:
        assert crypto.rsa_fingerprint(key.n, key.e) == fp


@settings(max_examples=10)
@given(
    data=st.binary(max_size=235),
    seed=st.binary(min_size=235, max_size=235),
    which=st.integers(0, 100),
)
def test_rsa_encrypt_legacy_vs_telethon(data: bytes, seed: bytes, which: int) -> None:
    trsa = need("telethon.crypto.rsa")
    keys = telethon_rsa_keys()
    fp, key, _ = keys[which % len(keys)]
    padding = seed[: 235 - len(data)]
    with fixed_urandom(trsa, padding):
        expected = trsa.encrypt(fp, data, use_old=True)
    assert crypto.rsa_encrypt_legacy(data, key.n, key.e, random_padding=padding) == expected
