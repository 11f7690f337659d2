"""Native == pure: the same bytes for the same deterministic arguments, and for bad arguments
the same exception class with the same message. Also decrypt(encrypt(x)) == x on both.

Imports ``oxigram._native`` and ``oxigram._pure`` directly; skipped as a whole only when the
native module cannot be imported.
"""

from __future__ import annotations

import array
import hashlib
import struct
from collections.abc import Callable
from types import ModuleType
from typing import Any, Literal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from oxigram import _pure as pure
from oxigram.errors import OxigramError

native: ModuleType = pytest.importorskip(
    "oxigram._native", reason="oxigram._native is not importable (build it with maturin develop)"
)

BACKENDS = [pytest.param(native, id="native"), pytest.param(pure, id="pure")]

Outcome = tuple[Any, ...]


def outcome(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
    """("ok", value) or ("err", class, message). A panic (BaseException) is an error too."""
    try:
        return ("ok", fn(*args, **kwargs))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        return ("err", type(exc), str(exc))


def same(name: str, *args: Any, **kwargs: Any) -> Outcome:
    """Calls native and pure with the same arguments and asserts they agree."""
    got_native = outcome(getattr(native, name), *args, **kwargs)
    got_pure = outcome(getattr(pure, name), *args, **kwargs)
    assert got_native == got_pure, f"{name}: native {got_native!r} != pure {got_pure!r}"
    if got_native[0] == "err":
        assert issubclass(got_native[1], OxigramError), f"{name} raised {got_native}"
    return got_native


# ------------------------------------------------------------------------------ strategies

Buffer = bytes | bytearray | memoryview


def wrap(kind: str, data: bytes) -> Buffer:
    if kind == "bytes":
        return data
    if kind == "bytearray":
        return bytearray(data)
    return memoryview(data)


def buf(n: int, max_extra: int = 16) -> st.SearchStrategy[Buffer]:
    """Mostly exactly ``n`` bytes, sometimes another length; in one of the three buffer types."""
    exact = st.binary(min_size=n, max_size=n)
    other = st.binary(min_size=0, max_size=n + max_extra)
    return st.builds(
        wrap,
        st.sampled_from(["bytes", "bytearray", "memoryview"]),
        st.one_of(exact, exact, exact, other),
    )


JUNK: st.SearchStrategy[Any] = st.one_of(
    st.text(max_size=4),
    st.integers(-5, 2**70),
    st.none(),
    st.booleans(),
    st.lists(st.integers(0, 255), max_size=3),
    st.floats(allow_nan=False),
    st.builds(lambda b: memoryview(b)[::2], st.binary(min_size=2, max_size=64)),
    st.builds(lambda n: memoryview(array.array("I", range(n))), st.integers(0, 16)),
)


def maybe(s: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A valid-looking value most of the time, junk of any type otherwise."""
    return st.one_of(s, s, s, JUNK)


INTS: st.SearchStrategy[int] = st.one_of(
    st.integers(-(2**70), 2**70), st.integers(0, 2**2100), st.sampled_from([0, 1, 2, 3, 4, 7, -1])
)

P_TELEGRAM = b""  # filled from the vectors by the fixture below
P_INT = 0


@pytest.fixture(autouse=True, scope="module")
def _prime(telegram_prime: bytes) -> None:
    global P_TELEGRAM, P_INT
    P_TELEGRAM = telegram_prime
    P_INT = int.from_bytes(telegram_prime, "big")


KEY_STRAT = st.binary(min_size=256, max_size=256)
SENDERS = st.one_of(
    st.sampled_from(["client", "server"]), st.sampled_from(["", "Client", "bot"]), JUNK
)


# ------------------------------------------------------------------------------- AES-IGE


@given(
    data=st.binary(min_size=1, max_size=4096).map(lambda b: b + bytes(-len(b) % 16)),
    key=st.binary(min_size=32, max_size=32),
    iv=st.binary(min_size=32, max_size=32),
    kind=st.sampled_from(["bytes", "bytearray", "memoryview"]),
)
def test_ige_same_bytes_and_roundtrip(data: bytes, key: bytes, iv: bytes, kind: str) -> None:
    ct = same("ige256_encrypt", wrap(kind, data), wrap(kind, key), wrap(kind, iv))
    assert ct[0] == "ok" and len(ct[1]) == len(data)
    pt = same("ige256_decrypt", wrap(kind, ct[1]), key, iv)
    assert pt == ("ok", data)
    assert same("ige256_decrypt", data, key, iv)[0] == "ok"


@given(data=maybe(buf(32, 40)), key=maybe(buf(32)), iv=maybe(buf(32)))
def test_ige_bad_inputs(data: Any, key: Any, iv: Any) -> None:
    same("ige256_encrypt", data, key, iv)
    same("ige256_decrypt", data, key, iv)


# ----------------------------------------------------------------------- MTProto messages


def make_payload(body: bytes, header: bytes) -> bytes:
    return header[:16] + header[16:24] + header[24:28] + struct.pack("<I", len(body)) + body


PAYLOADS = st.builds(
    make_payload,
    st.binary(max_size=600).map(lambda b: b[: len(b) - len(b) % 4]),
    st.binary(min_size=28, max_size=28),
)


@given(auth_key=maybe(buf(256)))
def test_auth_key_id(auth_key: Any) -> None:
    same("auth_key_id", auth_key)


@given(auth_key=maybe(buf(256)), msg_key=maybe(buf(16)), sender=SENDERS)
def test_message_kdf(auth_key: Any, msg_key: Any, sender: Any) -> None:
    same("message_kdf", auth_key, msg_key, sender=sender)


@given(
    auth_key=KEY_STRAT,
    payload=PAYLOADS,
    sender=st.sampled_from(["client", "server"]),
    extra_blocks=st.integers(0, 63),
    seed=st.binary(min_size=1024, max_size=1024),
)
def test_encrypt_message_same_bytes(
    auth_key: bytes, payload: bytes, sender: str, extra_blocks: int, seed: bytes
) -> None:
    pad_len = 12 + (-(len(payload) + 12) % 16) + 16 * extra_blocks
    assume(pad_len <= 1024)
    padding = seed[:pad_len]
    packet = same("encrypt_message", auth_key, payload, sender=sender, padding=padding)
    assert packet[0] == "ok"
    assert same("decrypt_message", auth_key, packet[1], sender=sender) == ("ok", payload)
    other = "server" if sender == "client" else "client"
    bad = same("decrypt_message", auth_key, packet[1], sender=other)
    if auth_key[88:120] != auth_key[96:128]:  # else x = 0 and x = 8 read the same key bytes
        assert bad[0] == "err" and bad[2] == "msg_key mismatch"


@given(auth_key=KEY_STRAT, payload=PAYLOADS, sender=st.sampled_from(["client", "server"]))
def test_encrypt_message_random_padding_cross(auth_key: bytes, payload: bytes, sender: str) -> None:
    # random padding: each backend decrypts what the other encrypted
    for enc, dec in ((native, pure), (pure, native)):
        packet = enc.encrypt_message(auth_key, payload, sender=sender)
        pad = len(packet) - 24 - len(payload)
        assert pad == 12 + (-(len(payload) + 12) % 16), "padding=None uses the shortest padding"
        assert dec.decrypt_message(auth_key, packet, sender=sender) == payload


@given(
    auth_key=maybe(buf(256)),
    payload=maybe(st.one_of(PAYLOADS, st.binary(max_size=80))),
    sender=SENDERS,
    padding=st.one_of(st.none(), buf(12, 40), JUNK),
)
def test_encrypt_message_bad_inputs(auth_key: Any, payload: Any, sender: Any, padding: Any) -> None:
    got = outcome(native.encrypt_message, auth_key, payload, sender=sender, padding=padding)
    if padding is None and got[0] == "ok":
        # random padding: compare by decrypting with the other backend
        assert pure.decrypt_message(auth_key, got[1], sender=sender) == bytes(payload)
        return
    same("encrypt_message", auth_key, payload, sender=sender, padding=padding)


def craft(auth_key: bytes, plaintext: bytes, sender: Literal["client", "server"]) -> bytes:
    x = 0 if sender == "client" else 8
    msg_key = hashlib.sha256(auth_key[88 + x : 120 + x] + plaintext).digest()[8:24]
    aes_key, aes_iv = pure.message_kdf(auth_key, msg_key, sender=sender)
    return pure.auth_key_id(auth_key) + msg_key + pure.ige256_encrypt(plaintext, aes_key, aes_iv)


@given(
    auth_key=KEY_STRAT,
    blocks=st.integers(2, 70),
    length=st.one_of(st.integers(-(2**31), 2**31 - 1), st.integers(-8, 1100)),
    fill=st.binary(min_size=16, max_size=16),
    sender=st.sampled_from(["client", "server"]),
)
def test_decrypt_crafted_length_and_padding(
    auth_key: bytes, blocks: int, length: int, fill: bytes, sender: Literal["client", "server"]
) -> None:
    # a valid msg_key over a plaintext whose length field says anything
    total = 16 * blocks
    header = fill + fill[:12] + struct.pack("<i", length)
    plaintext = header + (fill * blocks)[: total - 32]
    assert len(plaintext) == total
    same("decrypt_message", auth_key, craft(auth_key, plaintext, sender), sender=sender)


@given(
    auth_key=maybe(buf(256)),
    packet=maybe(st.binary(max_size=200)),
    sender=SENDERS,
)
def test_decrypt_message_bad_inputs(auth_key: Any, packet: Any, sender: Any) -> None:
    same("decrypt_message", auth_key, packet, sender=sender)


@given(
    auth_key=KEY_STRAT,
    payload=PAYLOADS,
    pos=st.integers(0, 10_000),
    flip=st.integers(1, 255),
    cut=st.integers(0, 40),
)
def test_decrypt_message_tampered(
    auth_key: bytes, payload: bytes, pos: int, flip: int, cut: int
) -> None:
    packet = bytearray(pure.encrypt_message(auth_key, payload, sender="server"))
    packet[pos % len(packet)] ^= flip
    got = same("decrypt_message", auth_key, bytes(packet), sender="server")
    assert got[0] == "err"
    same("decrypt_message", auth_key, bytes(packet[: len(packet) - cut]), sender="server")


# ----------------------------------------------------------------------------------- SRP


@settings(max_examples=4)
@given(
    password=st.one_of(st.text(max_size=20), st.binary(max_size=20)),
    salt1=st.binary(max_size=40),
    salt2=st.binary(max_size=20),
    g=st.sampled_from([3, 4, 7]),
    a=st.integers(2**2040, 2**2047).map(lambda x: x.to_bytes(256, "big")),
    b=st.integers(2**2040, 2**2047),
)
def test_srp_answer_same(
    password: str | bytes, salt1: bytes, salt2: bytes, g: int, a: bytes, b: int
) -> None:
    B = pow(g, b, P_INT).to_bytes(256, "big")
    got = same("srp_answer", password, salt1, salt2, g, P_TELEGRAM, B, a)
    if got[0] == "ok":
        assert got[1][0] == pow(g, int.from_bytes(a, "big"), P_INT).to_bytes(256, "big")
    else:  # only a valid rejection may happen here
        assert got[2] == "B - k*v is out of range"


@settings(max_examples=3)
@given(
    password=st.one_of(st.text(max_size=20), st.binary(max_size=20)),
    salt1=st.binary(max_size=40),
    salt2=st.binary(max_size=20),
)
def test_srp_password_hash_and_verifier_same(
    password: str | bytes, salt1: bytes, salt2: bytes
) -> None:
    same("srp_password_hash", password, salt1, salt2)
    same("srp_verifier", password, salt1, salt2, 3, P_TELEGRAM)


@settings(max_examples=12)
@given(
    p=st.one_of(st.just("telegram"), st.binary(max_size=258)),
    g=st.one_of(st.integers(-2, 9), JUNK),
    srp_B=maybe(
        st.one_of(st.binary(max_size=258), st.sampled_from([b"\x00", b"\x01", b"\xff" * 256]))
    ),
    a=st.one_of(st.none(), buf(256), JUNK),
    password=maybe(st.text(max_size=4)),
)
def test_srp_bad_inputs(p: Any, g: Any, srp_B: Any, a: Any, password: Any) -> None:
    p_value = P_TELEGRAM if p == "telegram" else p
    got = outcome(native.srp_answer, password, b"s1", b"s2", g, p_value, srp_B, a)
    if a is None and got[0] == "ok":
        return  # random a: nothing to compare byte for byte
    same("srp_answer", password, b"s1", b"s2", g, p_value, srp_B, a)


# ------------------------------------------------------------------------- pq and powmod


def _is_prime(n: int) -> bool:
    if n < 2:
        return False
    for sp in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % sp == 0:
            return n == sp
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for base in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):  # deterministic below 3.3e24
        x = pow(base, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _next_prime(n: int) -> int:
    while not _is_prime(n):
        n += 1
    return n


SEMIPRIMES = st.builds(
    lambda a, b: _next_prime(a) * _next_prime(b), st.integers(2, 2**32 - 1), st.integers(2, 2**31)
)


@settings(max_examples=25)
@given(
    pq=st.one_of(
        st.integers(4, 2**64 - 1), SEMIPRIMES, st.integers(2**60, 2**64 - 1).map(_next_prime)
    )
)
def test_factorize_same(pq: int) -> None:
    assume(pq < 2**64)
    got = same("factorize", pq)
    if got[0] == "ok":
        p, q = got[1]
        assert p * q == pq and 1 < p <= q
        assert all(p % d for d in range(2, min(p, 10_000)))  # p has no smaller factor below 10^4
    else:
        assert _is_prime(pq) and got[2] == f"pq = {pq} is prime"


@given(pq=st.one_of(st.integers(-(2**70), 3), st.integers(2**64, 2**80), JUNK))
def test_factorize_bad_inputs(pq: Any) -> None:
    got = same("factorize", pq)
    if not isinstance(pq, int) or not 4 <= pq < 2**64:
        assert got[0] == "err"


@given(base=INTS, exp=INTS, mod=INTS)
def test_powmod_same(base: int, exp: int, mod: int) -> None:
    got = same("powmod", base, exp, mod)
    if base >= 0 and exp >= 0 and mod >= 1:
        assert got == ("ok", pow(base, exp, mod))


@given(base=maybe(INTS), exp=maybe(INTS), mod=maybe(INTS))
def test_powmod_bad_types(base: Any, exp: Any, mod: Any) -> None:
    same("powmod", base, exp, mod)


@settings(max_examples=20)
@given(
    base=st.integers(0, 2**2048 - 1),
    exp=st.integers(0, 2**2048 - 1),
    mod=st.one_of(
        st.integers(1, 2**2048).map(lambda m: m | 1),
        st.integers(1, 2**2048),
        st.just(0).map(lambda _: P_INT),
    ),
)
def test_powmod_2048(base: int, exp: int, mod: int) -> None:
    assert same("powmod", base, exp, mod) == ("ok", pow(base, exp, mod))


# ------------------------------------------------------------------------------------ DH


@settings(max_examples=20)
@given(
    p=st.one_of(
        st.just("telegram"), st.binary(min_size=256, max_size=256), st.binary(max_size=300)
    ),
    g=st.one_of(st.integers(-1, 9), JUNK),
)
def test_check_dh_prime_same(p: Any, g: Any) -> None:
    same("check_dh_prime", P_TELEGRAM if p == "telegram" else p, g)


@given(
    g=st.sampled_from([3, 4, 7, 2, 5]),
    secret=st.one_of(buf(256), st.integers(0, 2**2048 - 1).map(lambda x: x.to_bytes(256, "big"))),
)
def test_dh_keypair_same(g: int, secret: Buffer) -> None:
    same("dh_keypair", g, P_TELEGRAM, secret)


@given(g=st.sampled_from([3, 4, 7]))
def test_dh_keypair_random_secret(g: int) -> None:
    for mod in (native, pure):
        secret, public = mod.dh_keypair(g, P_TELEGRAM)
        assert pure.powmod(g, int.from_bytes(secret, "big"), P_INT) == int.from_bytes(public, "big")


@given(
    peer=st.one_of(
        buf(256, 4),
        st.integers(0, 2**2048 - 1).map(lambda x: x.to_bytes(256, "big")),
        st.sampled_from([b"", b"\x01"]),
        JUNK,
    ),
    secret=maybe(buf(256)),
    dh_prime=st.one_of(st.just("telegram"), buf(256), JUNK),
)
def test_dh_shared_key_same(peer: Any, secret: Any, dh_prime: Any) -> None:
    same("dh_shared_key", peer, secret, P_TELEGRAM if dh_prime == "telegram" else dh_prime)


# ----------------------------------------------------------------------------------- RSA


@given(n=maybe(st.integers(-10, 2**2100)), e=maybe(st.integers(-10, 2**70)))
def test_rsa_fingerprint_same(n: Any, e: Any) -> None:
    same("rsa_fingerprint", n, e)


@given(
    data=maybe(st.binary(max_size=240)),
    pad_delta=st.sampled_from([0, 0, 0, -1, 1]),
    fill=st.binary(min_size=240, max_size=240),
    junk_n=st.booleans(),
)
def test_rsa_encrypt_legacy_same(
    rsa_key: Any, data: Any, pad_delta: int, fill: bytes, junk_n: bool
) -> None:
    k = len(data) if isinstance(data, bytes) else 0
    need = max(0, 235 - k + pad_delta)
    got = same("rsa_encrypt_legacy", data, rsa_key.n, rsa_key.e, random_padding=fill[:need])
    if got[0] == "ok":
        m = pow(int.from_bytes(got[1], "big"), rsa_key.d, rsa_key.n).to_bytes(255, "big")
        assert m == hashlib.sha1(data).digest() + data + fill[:need]


@given(
    data=maybe(st.binary(max_size=150)),
    pad_delta=st.sampled_from([0, 0, 0, -1, 1]),
    fill=st.binary(min_size=192, max_size=192),
    keys=st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=3),
    bad_key=st.one_of(st.none(), buf(32, 8), JUNK),
)
def test_rsa_pad_encrypt_same(
    rsa_key_near_top: Any, data: Any, pad_delta: int, fill: bytes, keys: list[bytes], bad_key: Any
) -> None:
    key = rsa_key_near_top
    k = len(data) if isinstance(data, bytes) else 0
    temp_keys: list[Any] = list(keys) if bad_key is None else [bad_key, *keys]
    padding = fill[: max(0, 192 - k + pad_delta)]
    got = same("rsa_pad_encrypt", data, key.n, key.e, random_padding=padding, temp_keys=temp_keys)
    if got[0] == "ok":
        assert same("rsa_pad_decrypt", got[1], key.n, key.d) == ("ok", bytes(data) + padding)


@settings(max_examples=10)
@given(data=st.binary(max_size=144), keys=st.lists(st.binary(min_size=32, max_size=32), max_size=4))
def test_rsa_pad_encrypt_retry_path(rsa_key: Any, data: bytes, keys: list[bytes]) -> None:
    # with an ordinary n some temp keys are rejected; whatever key wins, both backends' output
    # decrypts on both to data | padding
    padding = bytes(192 - len(data))
    for mod in (native, pure):
        out = mod.rsa_pad_encrypt(
            data, rsa_key.n, rsa_key.e, random_padding=padding, temp_keys=keys
        )
        assert same("rsa_pad_decrypt", out, rsa_key.n, rsa_key.d) == ("ok", data + padding)


@given(
    encrypted=maybe(
        st.one_of(buf(256, 4), st.integers(0, 2**2048 - 1).map(lambda x: x.to_bytes(256, "big")))
    )
)
def test_rsa_decrypt_same(rsa_key: Any, encrypted: Any) -> None:
    same("rsa_decrypt", encrypted, rsa_key.n, rsa_key.d)
    same("rsa_pad_decrypt", encrypted, rsa_key.n, rsa_key.d)


@given(n=maybe(st.integers(-3, 2**2048)), d=maybe(st.integers(-3, 2**2048)))
def test_rsa_decrypt_odd_keys(n: Any, d: Any) -> None:
    same("rsa_decrypt", bytes(255) + b"\x02", n, d)


ODD_MODULI = [0, 1, -5, 3, 2**1000 + 1, 2**2047 - 1, 2**2048 + 1, 2**4096 + 1]


def disagreements(name: str, calls: list[tuple[Any, ...]]) -> list[str]:
    """Runs every argument tuple on both backends; describes each disagreement."""
    out = []
    for args in calls:
        got_native = outcome(getattr(native, name), *args)
        got_pure = outcome(getattr(pure, name), *args)
        if got_native != got_pure or (
            got_native[0] == "err" and not issubclass(got_native[1], OxigramError)
        ):
            shown = [
                f"~2**{a.bit_length() - 1}" if isinstance(a, int) and a > 2**64 else a
                for a in args
                if not isinstance(a, bytes)
            ]
            out.append(
                f"{name}({shown}): native {got_native[1:]!r:.120} / pure {got_pure[1:]!r:.120}"
            )
    return out


def test_rsa_encrypt_legacy_odd_keys_same() -> None:
    calls = [(b"data", n, e) for n in ODD_MODULI for e in (65537, 3, 1, 0, -3)]
    assert not (bad := disagreements("rsa_encrypt_legacy", calls)), "\n".join(bad)


def test_rsa_fingerprint_odd_keys_same() -> None:
    calls = [(n, e) for n in ODD_MODULI for e in (65537, 3, 1, 0, -3)]
    assert not (bad := disagreements("rsa_fingerprint", calls)), "\n".join(bad)


@pytest.mark.parametrize("name", ["rsa_decrypt", "rsa_pad_decrypt"])
def test_rsa_decrypt_odd_keys_same(name: str) -> None:
    calls = [(bytes(255) + b"\x02", n, d) for n in ODD_MODULI for d in (3, 0, -3, None)]
    assert not (bad := disagreements(name, calls)), "\n".join(bad)


def test_rsa_pad_encrypt_small_modulus_terminates() -> None:
    # RSA_PAD retries until key_aes_encrypted < n: with a small n that never happens, so an
    # implementation must reject the modulus instead of looping. Each backend runs in a child
    # process so that a hang fails this test instead of the suite.
    import subprocess
    import sys

    results = {}
    for name in ("_native", "_pure"):
        code = (
            f"from oxigram import {name} as m\n"
            "for n in (2**1000 + 1, 3):\n"
            "    try:\n"
            "        m.rsa_pad_encrypt(b'x', n, 65537, random_padding=bytes(191),"
            " temp_keys=[bytes(32)])\n"
            "        print('ok')\n"
            "    except Exception as exc:\n"
            "        print(type(exc).__name__, exc)\n"
        )
        try:
            run = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, timeout=10
            )
            results[name] = run.stdout.strip() or run.stderr.strip()[-200:]
        except subprocess.TimeoutExpired:
            results[name] = "did not terminate within 10 s"
    assert results["_native"] == results["_pure"], results
    assert "did not terminate" not in results["_native"]


# ---------------------------------------------------------------------- handshake helpers


@given(
    new_nonce=maybe(buf(32)),
    server_nonce=maybe(buf(16)),
    number=maybe(st.integers(-1, 5)),
    auth_key=maybe(buf(256)),
)
def test_handshake_helpers_same(
    new_nonce: Any, server_nonce: Any, number: Any, auth_key: Any
) -> None:
    same("tmp_aes_key_iv", new_nonce, server_nonce)
    same("server_salt", new_nonce, server_nonce)
    same("new_nonce_hash", new_nonce, number, auth_key)


# ------------------------------------------------------------------- unusual buffer objects


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(memoryview(bytes(64))[::2], id="non_contiguous"),
        pytest.param(memoryview(array.array("I", range(8))), id="uint32_items"),
        pytest.param(memoryview(bytes(32)).cast("B", (4, 8)), id="2d"),
        pytest.param(memoryview(bytes(32))[:0], id="empty"),
        pytest.param(type("B", (bytes,), {})(bytes(32)), id="bytes_subclass"),
        pytest.param(type("BA", (bytearray,), {})(bytes(32)), id="bytearray_subclass"),
    ],
)
def test_unusual_buffers_same(value: Any) -> None:
    same("ige256_encrypt", bytes(32), value, bytes(32))
    same("ige256_encrypt", value, bytes(32), bytes(32))
    same("tmp_aes_key_iv", value, bytes(16))
