"""``oxigram demo`` runs end to end (in process, small burst) and prints every answer."""

from __future__ import annotations

import sys

import pytest

from oxigram.cli import main
from terminal import Terminal

pytest.importorskip("oxigram.server")


def test_demo_runs_and_prints_every_press(
    capsys: pytest.CaptureFixture[str], terminal: Terminal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stderr", terminal.stream)  # the progress bar needs a terminal
    assert main(["demo", "--presses", "60", "--users", "2"]) == 0
    out = capsys.readouterr().out
    err = terminal.output()
    for line in (
        "toast button               -> toast 'Hello from the bot!'",
        "alert button               -> alert ",
        "url button                 -> opens https://example.org",
        "deep-link button           -> url https://t.me/demo_bot?start=from_button",
        "game button                -> url https://example.org/games/snake",
        "password (right)           -> alert 'Password checked",
        "password (wrong)           -> PASSWORD_HASH_INVALID",
        "slow handler (deadline)    -> toast 'Still working on it...'",
        "unanswered                 -> BOT_RESPONSE_TIMEOUT: delivered to the bot",
        "burst: 60 presses in ",
    ):
        assert line in out, line
    assert "presses/s; press round trip p50 " in out
    assert "bot: 66 answered (handler 65, auto 0, deadline 1)" in out
    assert "60/60" in err  # the progress bar reached the end


def test_demo_draws_no_progress_bar_into_a_file_or_pipe(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--presses", "20", "--users", "1"]) == 0
    out, err = capsys.readouterr()  # both captured: not terminals
    assert "burst: 20 presses in " in out
    assert "\r" not in out + err and "\x1b" not in out + err
    assert "burst [" not in err
