"""The examples run in process (their own local DC and a pressing user) and exit 0, and the
bot and user examples work together against a real `oxigram serve`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
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


def _wait_for(path: Path, text: str, proc: subprocess.Popen[str], timeout: float = 60) -> str:
    """The file a process writes to, once it contains ``text``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = path.read_text() if path.exists() else ""
        if text in out:
            return out
        if proc.poll() is not None:
            raise AssertionError(f"exited with {proc.returncode}:\n{out}")
        time.sleep(0.05)
    raise AssertionError(f"no {text!r} within {timeout} s:\n{path.read_text()}")


def test_the_example_pair_against_oxigram_serve(tmp_path: Path) -> None:
    """As the examples' docstrings say: `oxigram serve` with a bot and a user, the bot
    running toast_alert_bot.py --server, the user running press_buttons.py --server (it
    sends /start, the bot answers with its keyboard, the user presses every button)."""
    started: list[subprocess.Popen[str]] = []

    def start(args: list[str], log: Path) -> subprocess.Popen[str]:
        with log.open("w") as out:
            proc = subprocess.Popen(
                [sys.executable, *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                cwd=tmp_path,
            )
        started.append(proc)
        return proc

    try:
        serve_log = tmp_path / "serve.log"
        serve = start(
            [
                "-m",
                "oxigram.cli",
                "serve",
                "--port",
                "0",
                "--pem",
                "dc.pem",
                "--bot",
                "demo_bot",
                "--user",
                "15550001:Alice",
            ],
            serve_log,
        )
        out = _wait_for(serve_log, "login code=", serve)
        address = re.search(r"listening on (\S+)", out)
        token = re.search(r"token=(\S+)", out)
        code = re.search(r"login code=(\d+)", out)
        assert address and token and code, out
        server = ["--server", address.group(1), "--pem", "dc.pem"]
        bot_log = tmp_path / "bot.log"
        bot = start(
            [str(EXAMPLES / "toast_alert_bot.py"), *server, "--token", token.group(1)], bot_log
        )
        _wait_for(bot_log, "running", bot)
        user = subprocess.run(
            [
                sys.executable,
                str(EXAMPLES / "press_buttons.py"),
                *server,
                "--phone",
                "15550001",
                "--code",
                code.group(1),
            ],
            capture_output=True,
            text=True,
            timeout=90,
            cwd=tmp_path,
            check=False,
        )
        assert user.returncode == 0, user.stdout + user.stderr
        assert "@demo_bot sent 'Pick one:' with 2 buttons" in user.stdout
        assert "Hello: Hello!" in user.stdout
        assert "Warn: Are you sure?" in user.stdout
    finally:
        for proc in started:
            proc.terminate()
        for proc in started:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
