"""The examples run in process (their own local DC and a pressing user) and exit 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

pytest.importorskip("oxigram.server")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("toast_alert_bot.py", "Warn: alert 'Are you sure?'"),
        ("typed_data_bot.py", "message now reads: Poll 7: 1 yes, 0 no"),
        ("press_buttons.py", "Sleepy: the bot got the press but did not answer"),
    ],
)
def test_example_runs(name: str, expected: str) -> None:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=90,
        env=dict(os.environ),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert expected in proc.stdout
