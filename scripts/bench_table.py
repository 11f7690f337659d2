"""Turns a pytest-benchmark JSON file into the README's performance table.

    pytest benches/ --benchmark-enable --benchmark-json=bench.json
    python scripts/bench_table.py bench.json

One row per benchmark group; each column is an implementation's minimum time per call, and
every other implementation is also given as a ratio to oxigram native (``3.2x`` = native is
3.2 times faster), all taken from that one run.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

NATIVE = "oxigram-native"


def _impl(bench: dict[str, object]) -> str:
    params = bench.get("params") or {}
    assert isinstance(params, dict)
    impl = params.get("impl")
    if isinstance(impl, str):
        return impl
    match = re.search(r"\[(?:.*-)?([^\[\]-]+(?:-[a-z]+)?)\]$", str(bench["name"]))
    return match.group(1) if match else str(bench["name"])


def _fmt(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def table(data: dict[str, object]) -> str:
    groups: dict[str, dict[str, float]] = defaultdict(dict)
    benchmarks = data["benchmarks"]
    assert isinstance(benchmarks, list)
    e2e: list[str] = []
    for bench in benchmarks:
        extra = bench.get("extra_info") or {}
        if "e2e" in extra:  # benches/bench_e2e.py: its own table, not a time per call
            e2e.append(str(extra.get("table", "")))
            continue
        stats = bench["stats"]
        groups[str(bench["group"])][_impl(bench)] = float(stats["min"])
    columns: list[str] = []
    for impls in groups.values():
        for name in impls:
            if name != NATIVE and name not in columns:
                columns.append(name)
    head = ["benchmark (min per call)", NATIVE, *columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for group, impls in groups.items():
        native = impls.get(NATIVE)
        cells = [group, _fmt(native) if native else ""]
        for name in columns:
            other = impls.get(name)
            if other is None:
                cells.append("")
            elif native:
                cells.append(f"{_fmt(other)} ({other / native:.2f}x)")
            else:
                cells.append(_fmt(other))
        lines.append("| " + " | ".join(cells) + " |")
    for text in e2e:
        lines += ["", "End to end (benches/bench_e2e.py):", "", text]
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    print(table(json.loads(Path(sys.argv[1]).read_text())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
