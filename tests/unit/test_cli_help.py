"""``oxigram --help`` and every subcommand's: a description, each option explained with its
default, an example, no markup; ``front`` / ``worker`` without the redis package say what to
install in one line."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest

from oxigram import cli

COMMANDS = ("demo", "serve", "bench", "front", "worker")


def help_of(*argv: str) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main([*argv, "--help"])
    assert done.value.code == 0


def subparsers() -> dict[str, argparse.ArgumentParser]:
    top = cli.parser()
    (action,) = [a for a in top._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_top_help_lists_every_command_with_examples(
    capsys: pytest.CaptureFixture[str],
) -> None:
    help_of()
    out = capsys.readouterr().out
    assert "``" not in out and "`" not in out
    assert "Telegram's MTProto for bots that live on inline buttons" in flat(out)
    for name in COMMANDS:
        assert re.search(rf"^    {name} +\S", out, re.M), name  # listed with its summary
    assert "examples:\n  oxigram demo" in out
    assert "oxigram serve --port 8443 --pem dc.pem --bot demo_bot" in out


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_has_a_description_defaults_and_an_example(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    help_of(name)
    out = capsys.readouterr().out
    assert "`" not in out
    usage, description = out.split("\n\n")[:2]
    assert usage.startswith(f"usage: oxigram {name}") and len(description.split()) >= 15
    assert f"example:\n  oxigram {name} " in out
    text = flat(out)
    for action in subparsers()[name]._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        assert action.help, f"{name} {action.option_strings} has no help"
        default = action.default
        if default not in (None, argparse.SUPPRESS) and not isinstance(default, bool):
            assert f"(default: {default})" in text, (name, action.option_strings)


def test_the_scale_options_say_what_they_do(capsys: pytest.CaptureFixture[str]) -> None:
    help_of("worker")
    worker = flat(capsys.readouterr().out)
    help_of("front")
    front = flat(capsys.readouterr().out)
    assert "ATTR being an oxigram.scale.Handlers registry or a setup(bot) function" in worker
    assert "--min-idle SECONDS a press another worker took and left this long" in worker
    assert "--concurrency N presses this worker handles at once (default: 64)" in worker
    assert "--max-backlog N presses waiting for a worker at most" in front
    assert "(default: 10000)" in front
    for text in (front, worker):
        assert "--stream STREAM the Redis stream of presses" in text
        assert "(default: oxigram:callbacks)" in text and "(default: oxigram-workers)" in text
        assert "--deadline SECONDS after this long a press gets the default" in text
        assert "(default: 8.0)" in text
        assert "--redis URL the Redis server (default: redis://127.0.0.1:6379/0)" in text
        assert "pip install 'oxigram[redis]'" in text


# redis made unimportable: a None entry in sys.modules makes `import redis` raise ImportError
WITHOUT_REDIS = "import sys; sys.modules['redis'] = None; from oxigram.cli import main; " + (
    "sys.exit(main(sys.argv[1:]))"
)


@pytest.mark.parametrize("name", ["front", "worker"])
def test_without_redis_one_line_names_the_extra(name: str) -> None:
    argv = [name, "--server", "127.0.0.1:1", "--pem", "missing.pem", "--token", "1:x"]
    if name == "worker":
        argv += ["--handlers", "examples/toast_alert_bot.py:setup"]
    proc = subprocess.run(
        [sys.executable, "-c", WITHOUT_REDIS, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"oxigram {name} needs the redis package: pip install 'oxigram[redis]'"
    ]
