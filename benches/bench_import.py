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
"""

from __future__ import annotations

import os
import subprocess
import sys
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
