"""``oxigram bench``: the micro table, optionally the end-to-end run, JSON and charts."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from .. import __version__

__all__ = ["Progress", "add_arguments", "run"]

QUICK_KS = (1, 10)
FULL_KS = (1, 10, 100, 1000)


class Progress:
    """A one-line progress bar on stderr (``[#####.....] 12/40 label``), no dependency.

    It rewrites its line with ``\\r`` and an erase-line escape, so it is drawn only when the
    stream is a terminal: a file or a pipe gets nothing."""

    def __init__(self, total: int, *, enabled: bool = True, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and self.stream.isatty()

    def step(self, label: str) -> None:
        self.done = min(self.done + 1, self.total)
        self.show(label)

    def show(self, label: str) -> None:
        if not self.enabled:
            return
        width = 24
        filled = width * self.done // self.total
        bar = "#" * filled + "." * (width - filled)
        line = f"\r\033[K[{bar}] {self.done}/{self.total} {label}"
        print(line[:120], end="", file=self.stream, flush=True)

    def clear(self) -> None:
        if self.enabled:
            print("\r\033[K", end="", file=self.stream, flush=True)


#: Where the results go by default, by what was run, so one run never overwrites another's.
RESULTS = Path("bench-results")
DEFAULT_JSON = {"micro": "micro.json", "e2e": "e2e.json", "both": "micro-e2e.json"}


def default_json(args: argparse.Namespace) -> Path:
    """``bench-results/micro.json``, ``e2e.json`` (``--e2e-only``) or ``micro-e2e.json``
    (``--e2e``)."""
    mode = "e2e" if args.e2e_only else "both" if args.e2e else "micro"
    return RESULTS / DEFAULT_JSON[mode]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--budget", type=float, default=0.2, metavar="SECONDS", help="time per measurement"
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar (none off a terminal either)"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the results here (default: bench-results/micro.json; e2e.json with "
        "--e2e-only, micro-e2e.json with --e2e)",
    )
    parser.add_argument(
        "--charts",
        type=Path,
        default=RESULTS,
        metavar="DIR",
        help="directory for the PNG charts (ige-throughput.png, e2e-latency.png)",
    )
    parser.add_argument("--no-charts", action="store_true", help="draw no charts")
    parser.add_argument(
        "--e2e", action="store_true", help="also run the end-to-end bot benchmark (local DC)"
    )
    parser.add_argument("--e2e-only", action="store_true", help="only the end-to-end benchmark")
    parser.add_argument(
        "--ks",
        type=lambda s: tuple(int(x) for x in s.split(",")),
        default=None,
        metavar="K,K,...",
        help="e2e: users pressing at once (default: 1,10,100,1000; with --quick 1,10)",
    )
    parser.add_argument(
        "--presses",
        type=int,
        default=None,
        metavar="N",
        help="e2e: presses per level (default: 3000; with --quick 200)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        metavar="N",
        help="e2e: rounds per bot and K, the best kept (default: 2; with --quick 1)",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes and budgets, for CI")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        metavar="DIR",
        help="e2e: write cProfile files (of K=100, or of the largest K) here",
    )


def _micro(args: argparse.Namespace, out: dict[str, Any]) -> list[Any] | None:
    try:
        from .. import benchtable
        from . import micro
    except ImportError as exc:  # the table compares against native, which must load
        print(f"oxigram bench needs the native module: {exc}", file=sys.stderr)
        return None
    table = micro.all_rows()
    total = sum(len(r.impls) + len(r.external) for r in table)
    bar = Progress(total, enabled=not args.quiet)
    budget = min(args.budget, 0.02) if args.quick else args.budget
    benchtable.measure(table, budget=budget, progress=bar.step)
    bar.clear()
    print(benchtable.format_table(table))
    out["micro"] = micro.table_json(table)
    out["ige_throughput"] = {
        d: {impl: [list(p) for p in pts] for impl, pts in by.items()}
        for d, by in micro.ige_throughput(table).items()
    }
    return table


def _e2e(args: argparse.Namespace, out: dict[str, Any]) -> bool:
    from . import e2e

    ks = args.ks or (QUICK_KS if args.quick else FULL_KS)
    presses = args.presses or (200 if args.quick else 3000)
    rounds = args.rounds or (1 if args.quick else 2)
    bots = len(e2e.BOTS)
    bar = Progress(len(ks) * (rounds * bots + 2) + bots + 1, enabled=not args.quiet)
    config = e2e.E2EConfig(
        ks=ks,
        presses=presses,
        rounds=rounds,
        progress=bar.step,
        profile_dir=args.profile,
        profile_k=100 if 100 in ks else max(ks),
    )
    started = time.perf_counter()
    result = e2e.run_sync(config)
    bar.clear()
    print(f"\nEnd to end ({time.perf_counter() - started:.0f} s): K users pressing one bot")
    print(e2e.format_table(result))
    out["e2e"] = result.as_dict()
    return all(level.errors == 0 for level in result.levels)


def _charts(args: argparse.Namespace, out: dict[str, Any]) -> list[Path]:
    from . import charts

    made: list[Path] = []
    try:
        if "ige_throughput" in out:
            throughput = {
                d: {impl: [(int(s), float(v)) for s, v in pts] for impl, pts in by.items()}
                for d, by in out["ige_throughput"].items()
            }
            made.append(charts.ige_chart(throughput, args.charts / "ige-throughput.png"))
        if "e2e" in out:
            made.append(charts.e2e_chart(out["e2e"]["levels"], args.charts / "e2e-latency.png"))
    except charts.MatplotlibMissingError as exc:
        print(f"charts skipped: {exc}", file=sys.stderr)
    return made


def run(args: argparse.Namespace, *, say: Callable[[str], None] = print) -> int:
    """Runs what ``args`` asks for; 0 when every check passed."""
    out: dict[str, Any] = {
        "oxigram": __version__,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "machine": platform.machine(),
    }
    say(f"oxigram {__version__} on {out['python']}")
    ok = True
    if not args.e2e_only and _micro(args, out) is None:
        return 1
    if args.e2e or args.e2e_only:
        ok = _e2e(args, out)
    path: Path = args.json if args.json is not None else default_json(args)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1) + "\n")
    say(f"\nresults: {path}")
    if not args.no_charts:
        for path in _charts(args, out):
            say(f"chart: {path}")
    if not ok:
        print("some presses were not answered with the expected text", file=sys.stderr)
    return 0 if ok else 1
