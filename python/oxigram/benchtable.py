"""A quick side-by-side timing table for ``oxigram bench``.

Each row is one operation; each column one implementation (oxigram native, the pure-Python
twin, and whichever anchors are installed: cryptg, tgcrypto, pyaes, Telethon, gmpy2). Every
implementation's output is checked against native before it is timed, so a fast wrong answer
cannot make the table. Times are the best of several repeats, taken in this one run, and the
ratios compare columns of the same row. The pytest-benchmark suite in ``benches/`` is the
thorough version of the same measurements.
"""

from __future__ import annotations

import logging
import operator
import os
import re
import shutil
import struct
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from types import SimpleNamespace
from typing import Any

from . import _backend
from .crypto import TELEGRAM_DH_PRIME

# The table compares both backends, whichever is selected; importing this module fails (an
# ImportError) when the native one cannot load.
native = _backend.load("native").crypto
pure = _backend.load("python").crypto

__all__ = ["Row", "format_table", "measure", "rows"]


Impl = Callable[[], Any]


@dataclass
class Row:
    """One operation with its implementations (name -> zero-argument callable)."""

    name: str
    impls: dict[str, Impl]
    check: Callable[[Any], bool] = field(default=lambda _: True)
    seconds: dict[str, float] = field(default_factory=dict)
    #: Figures measured outside Python (name -> function returning seconds per call).
    external: dict[str, Callable[[], float | None]] = field(default_factory=dict)


def _best_time(fn: Impl, budget: float) -> float:
    """Best per-call time over repeats, calibrating the loop count to about ``budget / 5``."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= budget / 25 or number >= 1 << 20:
            break
        number *= 4
    best = elapsed / number
    for _ in range(4):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def _ige_rows() -> Iterator[Row]:
    key, iv = os.urandom(32), os.urandom(32)
    anchors: dict[str, Callable[[bytes], bytes]] = {}
    decrypt_anchors: dict[str, Callable[[bytes], bytes]] = {}
    try:
        import cryptg

        anchors["cryptg"] = lambda d: bytes(cryptg.encrypt_ige(d, key, iv))
        decrypt_anchors["cryptg"] = lambda d: bytes(cryptg.decrypt_ige(d, key, iv))
    except ImportError:
        pass
    try:
        import tgcrypto

        anchors["tgcrypto"] = lambda d: bytes(tgcrypto.ige256_encrypt(d, key, iv))
        decrypt_anchors["tgcrypto"] = lambda d: bytes(tgcrypto.ige256_decrypt(d, key, iv))
    except ImportError:
        pass
    for size, label in (
        (256, "256 B"),
        (4096, "4 KiB"),
        (16384, "16 KiB"),
        (65536, "64 KiB"),
        (1 << 18, "256 KiB"),
        (1 << 20, "1 MiB"),
    ):
        data = os.urandom(size)
        encrypted = native.ige256_encrypt(data, key, iv)
        for direction, source, expected, extra in (
            ("encrypt", data, encrypted, anchors),
            ("decrypt", encrypted, data, decrypt_anchors),
        ):
            nat = getattr(native, f"ige256_{direction}")
            pur = getattr(pure, f"ige256_{direction}")
            impls: dict[str, Impl] = {"native": partial(nat, source, key, iv)}
            if size <= 16384:  # the pure twin at 1 MiB takes seconds per call
                impls["pure"] = partial(pur, source, key, iv)
            for name, fn in extra.items():
                impls[name] = partial(fn, source)
            row = Row(f"IGE {direction} {label}", impls, partial(operator.eq, expected))
            if direction == "encrypt" and size == 16384:
                row.external["openssl CBC"] = partial(_openssl_cbc_seconds, size)
            yield row


def _telethon_state(auth_key: bytes) -> Any:
    """Telethon's MTProtoState over ``auth_key`` (None when Telethon is not installed)."""
    try:
        from telethon.crypto.authkey import AuthKey
        from telethon.network.mtprotostate import MTProtoState
    except ImportError:
        return None

    class Loggers(dict[str, logging.Logger]):
        def __missing__(self, key: str) -> logging.Logger:
            return logging.getLogger(key)

    return MTProtoState(AuthKey(auth_key), Loggers())


def _message_rows() -> Iterator[Row]:
    auth_key = os.urandom(256)
    body = os.urandom(208)
    state = _telethon_state(auth_key)
    salt_session = os.urandom(16) if state is None else struct.pack("<qq", state.salt, state.id)
    header = os.urandom(8) + (1).to_bytes(4, "little") + len(body).to_bytes(4, "little")
    payload = salt_session + header + body
    padding = os.urandom(12 + (-(len(payload) + 12) % 16))
    packet = native.encrypt_message(auth_key, payload, sender="client", padding=padding)
    encrypt: dict[str, Impl] = {
        "native": partial(native.encrypt_message, auth_key, payload, sender="client"),
        "pure": partial(pure.encrypt_message, auth_key, payload, sender="client"),
    }
    if state is not None:  # Telethon adds salt and session_id itself
        encrypt["Telethon"] = partial(state.encrypt_message_data, payload[16:])
    yield Row(
        "encrypt_message 208 B",
        encrypt,
        lambda out: native.decrypt_message(auth_key, out, sender="client") == payload,
    )
    yield Row(
        "decrypt_message 208 B",
        {
            "native": partial(native.decrypt_message, auth_key, packet, sender="client"),
            "pure": partial(pure.decrypt_message, auth_key, packet, sender="client"),
        },
        partial(operator.eq, payload),
    )


def _telethon_srp(
    salt1: bytes, salt2: bytes, g: int, srp_b: bytes, a: bytes
) -> Callable[[str], tuple[bytes, bytes]] | None:
    """Telethon's ``compute_check`` with its secret ``a`` fixed, or None without Telethon."""
    try:
        from telethon import password
        from telethon.tl import types
    except ImportError:
        return None
    algo = types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
        salt1=salt1, salt2=salt2, g=g, p=TELEGRAM_DH_PRIME
    )
    request = types.account.Password(
        new_algo=algo,
        new_secure_algo=types.SecurePasswordKdfAlgoUnknown(),
        secure_random=b"",
        current_algo=algo,
        srp_B=srp_b,
        srp_id=1,
    )

    def check(pw: str) -> tuple[bytes, bytes]:
        real_os = password.os
        password.os = SimpleNamespace(urandom=lambda n: a[:n])  # Telethon draws a from it
        try:
            result = password.compute_check(request, pw)
        finally:
            password.os = real_os
        return result.A, result.M1

    return check


def _srp_rows() -> Iterator[Row]:
    salt1, salt2 = os.urandom(40), os.urandom(16)
    g = 3
    p_int = int.from_bytes(TELEGRAM_DH_PRIME, "big")
    b = int.from_bytes(os.urandom(256), "big")
    srp_b = pow(g, b, p_int).to_bytes(256, "big")
    a = os.urandom(256)
    expected = native.srp_answer("hunter2", salt1, salt2, g, TELEGRAM_DH_PRIME, srp_b, a)
    telethon_check = _telethon_srp(salt1, salt2, g, srp_b, a)
    srp_anchor: dict[str, Impl] = {}
    if telethon_check is not None:
        srp_anchor["Telethon"] = partial(telethon_check, "hunter2")
    yield Row(
        "srp_answer",
        {
            "native": lambda: native.srp_answer(
                "hunter2", salt1, salt2, g, TELEGRAM_DH_PRIME, srp_b, a
            ),
            "pure": lambda: pure.srp_answer(
                "hunter2", salt1, salt2, g, TELEGRAM_DH_PRIME, srp_b, a
            ),
        }
        | srp_anchor,
        partial(operator.eq, expected),
    )
    base = int.from_bytes(os.urandom(255), "big")
    exp = int.from_bytes(os.urandom(256), "big")
    want = pow(base, exp, p_int)
    impls: dict[str, Impl] = {
        "native": lambda: native.powmod(base, exp, p_int),
        "pure": lambda: pure.powmod(base, exp, p_int),
    }
    try:
        import gmpy2

        impls["gmpy2"] = lambda: int(gmpy2.powmod(base, exp, p_int))
    except ImportError:
        pass
    yield Row("powmod 2048-bit", impls, lambda out: out == want)
    pq = 1724114033281923457
    factorizers: dict[str, Impl] = {
        "native": partial(native.factorize, pq),
        "pure": partial(pure.factorize, pq),
    }
    try:
        from telethon.crypto.factorization import Factorization

        factorizers["Telethon"] = lambda: tuple(sorted(Factorization.factorize(pq)))
    except ImportError:
        pass
    yield Row("factorize pq", factorizers, partial(operator.eq, (1229739323, 1402015859)))


def rows() -> list[Row]:
    """Every row of the crypto table, anchors included where installed."""
    return [*_ige_rows(), *_message_rows(), *_srp_rows()]


def measure(
    table: list[Row], budget: float = 0.2, progress: Callable[[str], None] | None = None
) -> list[Row]:
    """Checks every implementation's output, then times it; fills ``row.seconds``."""
    for row in table:
        for name, fn in row.impls.items():
            if not row.check(fn()):
                raise AssertionError(f"{name} gives a wrong answer for {row.name}")
            if progress is not None:
                progress(f"{row.name}: {name}")
            row.seconds[name] = _best_time(fn, budget)
        for name, probe in row.external.items():
            if progress is not None:
                progress(f"{row.name}: {name}")
            seconds = probe()
            if seconds is not None:
                row.seconds[name] = seconds
    return table


def _openssl_cbc_seconds(size: int) -> float | None:
    """OpenSSL's AES-256-CBC encryption time for ``size`` bytes: the serial AES limit (CBC
    encryption is a chain, like IGE). None when the ``openssl`` command is missing."""
    exe = shutil.which("openssl")
    if exe is None:
        return None
    cmd = [exe, "speed", "-evp", "aes-256-cbc", "-bytes", str(size), "-seconds", "1"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False).stdout
    match = re.search(r"^aes-256-cbc\s+([\d.]+)k\s*$", out, re.MULTILINE | re.IGNORECASE)
    return None if match is None else size / (float(match.group(1)) * 1000)


def _format_seconds(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_table(table: list[Row]) -> str:
    """Markdown table: time per call of native, and each other column as native's speed-up."""
    columns: list[str] = []
    for row in table:
        for name in row.seconds:
            if name != "native" and name not in columns:
                columns.append(name)
    head = ["operation", "native", *(f"x vs {c}" for c in columns)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in table:
        cells = [row.name, _format_seconds(row.seconds["native"])]
        for column in columns:
            other = row.seconds.get(column)
            cells.append("" if other is None else f"{other / row.seconds['native']:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append(
        "\n(x vs C = C's time / native's time, measured in this run: >1 means native is faster)"
    )
    return "\n".join(lines)
