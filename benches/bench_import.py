"""Import time, each in a fresh interpreter: ``import oxigram.client`` (the whole of layer 229
ships as its schema) side by side with ``import telethon`` and kurigram's ``import pyrogram``.

Run: ``pytest benches/bench_import.py --benchmark-enable --benchmark-columns=min,median``.
Issue 15's target: oxigram.client (native) at most half of Telethon's wall time.

Each round is one ``python -c "import ..."`` process, so the figures include the interpreter's
start-up (the ``python`` row: ``import sys``). Installed packages import from bytecode; a
checkout run with ``PYTHONDONTWRITEBYTECODE`` would time the compiler instead, so the
processes write and read bytecode under a temporary ``PYTHONPYCACHEPREFIX`` and a first,
untimed import fills it (and checks what the import gives: the whole layer, the backend).
With ``--benchmark-disable`` each import runs once, as a check.

Side by side (what the README's import table comes from): ``python benches/bench_import.py
--rounds 21`` runs the imports in turns, one fresh process each per round, so a change in the
machine's load falls on every column alike, and prints the median wall time (and the median
CPU time of the child, steadier on a shared machine) with the ratio to Telethon's.
``--before DIR`` adds the two oxigram columns once more from another checkout's ``python``
folder (an older commit, with its ``_native`` module), for before/after in one run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

#: impl -> (module, environment, check code printed by the untimed first import, its output)
IMPORTS: dict[str, tuple[str, dict[str, str], str, str]] = {
    "python": ("sys", {}, "print('ok')", "ok"),
    "oxigram-native": (
        "oxigram.client",
        {"OXIGRAM_BACKEND": "native"},
        "import oxigram; from oxigram import tl; "
        "print(oxigram.backend, tl.LAYER, len(tl.schema.names()))",
        "native 229 2517",
    ),
    "oxigram-pure": (
        "oxigram.client",
        {"OXIGRAM_BACKEND": "python"},
        "import oxigram; from oxigram import tl; "
        "print(oxigram.backend, tl.LAYER, len(tl.schema.names()))",
        "python 229 2517",
    ),
    "telethon": ("telethon", {}, "from telethon.tl.alltlobjects import LAYER; print(LAYER)", ""),
    "kurigram": ("pyrogram", {}, "from pyrogram.raw.all import layer; print(layer)", ""),
}


@pytest.fixture(scope="module")
def pycache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pycache")


def _env(pycache: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.update(extra)
    return env


@pytest.mark.parametrize("impl", list(IMPORTS))
def test_import(benchmark: Any, impl: str, pycache: Path) -> None:
    module, extra, check, expected = IMPORTS[impl]
    if impl in ("telethon", "kurigram"):
        pytest.importorskip(module, reason=f"{module} (a bench extra) is not installed")
    env = _env(pycache, extra)
    first = subprocess.run(
        [sys.executable, "-c", f"import {module}\n{check}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    printed = first.stdout.strip()
    if expected:
        assert printed == expected
    elif impl in ("telethon", "kurigram"):
        assert printed == "229"  # the same layer as ours
    benchmark.group = "import in a fresh interpreter (start-up included)"
    argv = [sys.executable, "-c", f"import {module}"]

    def run() -> int:
        return subprocess.run(argv, env=env, check=True).returncode

    assert benchmark.pedantic(run, rounds=15, iterations=1, warmup_rounds=1) == 0


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def side_by_side(rounds: int, before: Path | None = None) -> dict[str, tuple[float, float]]:
    """column -> (median wall seconds, median child CPU seconds) over ``rounds`` turns."""
    columns = {impl: (module, extra) for impl, (module, extra, _, _) in IMPORTS.items()}
    if before is not None:
        for impl in ("oxigram-native", "oxigram-pure"):
            module, extra = columns[impl]
            columns[f"{impl} (before)"] = (module, {**extra, "PYTHONPATH": str(before)})
    for impl, module in (("telethon", "telethon"), ("kurigram", "pyrogram")):
        if subprocess.run([sys.executable, "-c", f"import {module}"], check=False).returncode:
            del columns[impl]  # a bench extra that is not installed
    with tempfile.TemporaryDirectory() as pycache:
        argvs = {c: [sys.executable, "-c", f"import {m}"] for c, (m, _) in columns.items()}
        envs = {c: _env(Path(pycache), extra) for c, (_, extra) in columns.items()}
        for column, argv in argvs.items():  # untimed: fills the bytecode cache
            subprocess.run(argv, env=envs[column], check=True)
        wall: dict[str, list[float]] = {c: [] for c in columns}
        cpu: dict[str, list[float]] = {c: [] for c in columns}
        for _ in range(rounds):
            for column, argv in argvs.items():
                cpu_start, start = _child_cpu(), time.perf_counter()
                subprocess.run(argv, env=envs[column], check=True)
                wall[column].append(time.perf_counter() - start)
                cpu[column].append(_child_cpu() - cpu_start)
    return {c: (statistics.median(wall[c]), statistics.median(cpu[c])) for c in columns}


def _main() -> None:
    parser = argparse.ArgumentParser(description="Import times side by side, in turns.")
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--before", type=Path, help="another checkout's python folder")
    args = parser.parse_args()
    medians = side_by_side(args.rounds, args.before)
    anchor = medians.get("telethon")
    print(f"| import ({args.rounds} rounds, median) | wall | CPU | wall / Telethon's |")
    print("|---|---|---|---|")
    for column, (wall, cpu) in medians.items():
        ratio = f"{wall / anchor[0]:.2f}x" if anchor else ""
        print(f"| {column} | {wall * 1e3:.0f} ms | {cpu * 1e3:.0f} ms | {ratio} |")


if __name__ == "__main__":
    _main()
