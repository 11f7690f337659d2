"""The micro-benchmark table: crypto rows (:mod:`oxigram.benchtable`) plus TL rows, and the
JSON form of a measured table. Every implementation's output is checked before it is timed
(:func:`oxigram.benchtable.measure`)."""

from __future__ import annotations

import operator
import platform
import re
from collections.abc import Iterator
from functools import partial
from typing import Any

from .. import __version__, benchtable
from ..benchtable import Row
from . import difference
from . import tl_objects as tlo

__all__ = ["DIFFERENCE_ROW", "all_rows", "ige_throughput", "table_json", "tl_rows"]

#: Column name in the table -> implementation name in :mod:`.tl_objects`.
_TL_IMPLS = {
    "native": "oxigram-native",
    "pure": "oxigram-pure",
    "Telethon": "telethon",
    "kurigram": "kurigram",
}


def _available(impl: str) -> bool:
    try:
        tlo.decoder(impl)
    except ImportError:
        return False
    return True


#: The name of the row of :mod:`.difference` (``benches/bench_difference.py``'s case).
DIFFERENCE_ROW = "TL decode updates.difference (100 messages)"


def tl_rows() -> Iterator[Row]:
    """Encode the callback requests, decode the answer, a 100-update batch and a realistic
    ``updates.difference`` (:mod:`.difference`: every column checked against the objects the
    payload was built from)."""
    impls = {col: impl for col, impl in _TL_IMPLS.items() if _available(impl)}
    for which, label in (("set", "setBotCallbackAnswer"), ("get", "getBotCallbackAnswer+SRP")):
        yield Row(
            f"TL encode {label}",
            {col: tlo.encoder(impl, which) for col, impl in impls.items()},
            partial(operator.eq, tlo.reference_bytes(which)),
        )
    for name, data, check in (
        ("TL decode botCallbackAnswer", tlo.answer_bytes(), tlo.check_answer),
        ("TL decode 100 callback updates", tlo.updates_bytes(), tlo.check_updates),
    ):
        yield Row(
            name, {col: partial(tlo.decoder(impl), data) for col, impl in impls.items()}, check
        )
    data = difference.difference_bytes()
    yield Row(
        DIFFERENCE_ROW,
        {col: partial(tlo.decoder(impl), data) for col, impl in impls.items()},
        _is_the_difference,
    )


def _is_the_difference(obj: Any) -> bool:
    return difference.summary(obj) == difference.expected_summary()


def all_rows() -> list[Row]:
    """Crypto rows then TL rows."""
    return [*benchtable.rows(), *tl_rows()]


_IGE = re.compile(r"^IGE (encrypt|decrypt) (\d+) (B|KiB|MiB)$")
_UNITS = {"B": 1, "KiB": 1024, "MiB": 1 << 20}


def ige_throughput(table: list[Row]) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """direction -> implementation -> [(payload bytes, MB/s)] from the measured IGE rows."""
    out: dict[str, dict[str, list[tuple[int, float]]]] = {}
    for row in table:
        match = _IGE.match(row.name)
        if match is None:
            continue
        size = int(match.group(2)) * _UNITS[match.group(3)]
        for impl, seconds in row.seconds.items():
            if seconds > 0:
                out.setdefault(match.group(1), {}).setdefault(impl, []).append(
                    (size, size / seconds / 1e6)
                )
    return out


def table_json(table: list[Row]) -> dict[str, Any]:
    """The measured table as JSON-able data: seconds per call, and ratios to native."""
    return {
        "oxigram": __version__,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "machine": platform.machine(),
        "rows": [
            {
                "name": row.name,
                "seconds": dict(row.seconds),
                "x_vs_native": {
                    k: v / row.seconds["native"]
                    for k, v in row.seconds.items()
                    if k != "native" and row.seconds.get("native")
                },
            }
            for row in table
        ],
    }
