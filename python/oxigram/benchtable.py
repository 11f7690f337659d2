"""A quick side-by-side timing table for ``oxigram bench``.

Each row is one operation; each column one implementation (oxigram native, the pure-Python
twin, and whichever anchors are installed: cryptg, tgcrypto, pyaes, Telethon, gmpy2). Every
implementation's output is checked against native before it is timed, so a fast wrong answer
cannot make the table. Times are the best of several repeats, taken in this one run, and the
ratios compare columns of the same row. The pytest-benchmark suite in ``benches/`` is the
thorough version of the same measurements.
"""

from __future__ import annotations

import operator
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from . import _native as native
from . import _pure as pure

__all__ = ["Row", "format_table", "measure", "rows"]

# The 2048-bit prime Telegram uses for DH and SRP (core.telegram.org/mtproto/auth_key).
TELEGRAM_PRIME = bytes.fromhex(
    "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f"
    "48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c37"
    "20fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64"
    "2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4"
    "a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754"
    "fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4"
    "e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f"
    "0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b"
)

Impl = Callable[[], Any]


@dataclass
class Row:
    """One operation with its implementations (name -> zero-argument callable)."""

    name: str
    impls: dict[str, Impl]
    check: Callable[[Any], bool] = field(default=lambda _: True)
    seconds: dict[str, float] = field(default_factory=dict)


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
    for size, label in ((256, "256 B"), (16384, "16 KiB"), (1 << 20, "1 MiB")):
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
            yield Row(f"IGE {direction} {label}", impls, partial(operator.eq, expected))


def _message_rows() -> Iterator[Row]:
    auth_key = os.urandom(256)
    body = os.urandom(208)
    header = os.urandom(24) + (1).to_bytes(4, "little") + len(body).to_bytes(4, "little")
    payload = header + body
    padding = os.urandom(12 + (-(len(payload) + 12) % 16))
    packet = native.encrypt_message(auth_key, payload, sender="client", padding=padding)
    yield Row(
        "encrypt_message 208 B",
        {
            "native": lambda: native.encrypt_message(
                auth_key, payload, sender="client", padding=padding
            ),
            "pure": lambda: pure.encrypt_message(
                auth_key, payload, sender="client", padding=padding
            ),
        },
        lambda out: out == packet,
    )
    yield Row(
        "decrypt_message 208 B",
        {
            "native": lambda: native.decrypt_message(auth_key, packet, sender="client"),
            "pure": lambda: pure.decrypt_message(auth_key, packet, sender="client"),
        },
        lambda out: out == payload,
    )


def _srp_rows() -> Iterator[Row]:
    salt1, salt2 = os.urandom(40), os.urandom(16)
    g = 3
    p_int = int.from_bytes(TELEGRAM_PRIME, "big")
    b = int.from_bytes(os.urandom(256), "big")
    srp_b = pow(g, b, p_int).to_bytes(256, "big")
    a = os.urandom(256)
    expected = native.srp_answer("hunter2", salt1, salt2, g, TELEGRAM_PRIME, srp_b, a)
    yield Row(
        "srp_answer",
        {
            "native": lambda: native.srp_answer(
                "hunter2", salt1, salt2, g, TELEGRAM_PRIME, srp_b, a
            ),
            "pure": lambda: pure.srp_answer("hunter2", salt1, salt2, g, TELEGRAM_PRIME, srp_b, a),
        },
        lambda out: out == expected,
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
    yield Row(
        "factorize pq",
        {"native": lambda: native.factorize(pq), "pure": lambda: pure.factorize(pq)},
        lambda out: out == (1229739323, 1402015859),
    )


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
    return table


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
