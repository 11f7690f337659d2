"""``oxigram bench``: every implementation's output is checked before it is timed, and the
table names each column with a ratio to native."""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import re
import sys
from pathlib import Path

import pytest

from oxigram import benchtable, cli
from oxigram.bench import command, difference, micro
from terminal import Terminal


def test_bench_prints_a_checked_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = ["bench", "--budget", "0.001", "--quiet", "--json", str(tmp_path / "r.json")]
    assert cli.main([*argv, "--charts", str(tmp_path / "charts")]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("| operation"))
    assert "native" in header and "x vs pure" in header
    rows = [line for line in out.splitlines() if line.startswith("| ") and line is not header]
    names = {row.split("|")[1].strip() for row in rows}
    assert {"IGE encrypt 1 MiB", "encrypt_message 208 B", "srp_answer", "powmod 2048-bit"} <= names
    assert {"IGE decrypt 256 B", "TL encode setBotCallbackAnswer"} <= names
    assert {"TL decode 100 callback updates", "factorize pq"} <= names
    assert micro.DIFFERENCE_ROW in names
    ratios = re.findall(r"\| (\d+\.\d\d) ", out)
    assert ratios and all(float(r) > 0 for r in ratios)
    data = json.loads((tmp_path / "r.json").read_text())
    by_name = {row["name"]: row for row in data["micro"]["rows"]}
    assert by_name.keys() == names - {"operation"}
    assert by_name["TL decode 100 callback updates"]["x_vs_native"]["pure"] > 0
    sizes = [size for size, _ in data["ige_throughput"]["encrypt"]["native"]]
    assert sizes == sorted(sizes) and sizes[0] == 256 and sizes[-1] == 1 << 20
    if importlib.util.find_spec("matplotlib") is not None:
        png = (tmp_path / "charts" / "ige-throughput.png").read_bytes()
        assert png.startswith(b"\x89PNG")


def test_without_matplotlib_charts_are_skipped_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import raises ImportError
    out = {"ige_throughput": {"encrypt": {"native": [[256, 100.0], [1024, 200.0]]}}}
    args = argparse.Namespace(charts=tmp_path)
    assert command._charts(args, out) == []
    assert "charts skipped: matplotlib is not installed" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_progress_bar_is_one_rewritten_stderr_line(terminal: Terminal) -> None:
    bar = command.Progress(4, stream=terminal.stream)
    for label in "abcd":
        bar.step(label)
    bar.clear()
    text = terminal.output()
    assert "\n" not in text and text.count("\r") == 5
    assert "[######..................] 1/4 a" in text and "4/4 d" in text


def test_progress_bar_stays_out_of_files_and_pipes(tmp_path: Path) -> None:
    read, write = os.pipe()
    with open(write, "w") as pipe, open(tmp_path / "log", "w") as file:
        for stream in (pipe, file, io.StringIO()):
            bar = command.Progress(4, stream=stream)
            bar.step("a")
            bar.clear()
            assert not bar.enabled
    with open(read) as pipe:
        assert pipe.read() == ""
    assert (tmp_path / "log").read_text() == ""


def test_each_mode_has_its_own_results_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Micro, end to end, both: three default files, so one run never overwrites another."""
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    paths = {
        mode: command.default_json(parser.parse_args(flags))
        for mode, flags in {"micro": [], "e2e": ["--e2e-only"], "both": ["--e2e"]}.items()
    }
    assert paths == {
        "micro": Path("bench-results/micro.json"),
        "e2e": Path("bench-results/e2e.json"),
        "both": Path("bench-results/micro-e2e.json"),
    }
    monkeypatch.chdir(tmp_path)  # the default is relative to the working directory
    assert cli.main(["bench", "--budget", "0.001", "--quiet", "--no-charts"]) == 0
    assert json.loads((tmp_path / "bench-results" / "micro.json").read_text())["micro"]
    assert sorted(p.name for p in (tmp_path / "bench-results").iterdir()) == ["micro.json"]


def test_e2e_quick_run_answers_every_press(tmp_path: Path) -> None:
    """``oxigram bench --e2e-only --quick``: the DC in a child process, every bot pressed,
    every press answered with the expected text (the command fails otherwise), JSON and chart
    written."""
    argv = ["bench", "--e2e-only", "--quick", "--quiet", "--ks", "1,2", "--presses", "6"]
    code = cli.main([*argv, "--json", str(tmp_path / "r.json"), "--charts", str(tmp_path)])
    assert code == 0
    levels = json.loads((tmp_path / "r.json").read_text())["e2e"]["levels"]
    assert {(lvl["bot"], lvl["k"]) for lvl in levels} >= {("oxigram", 1), ("oxigram", 2)}
    assert all(lvl["errors"] == 0 and lvl["presses"] == 6 for lvl in levels)
    if importlib.util.find_spec("matplotlib") is not None:
        assert (tmp_path / "e2e-latency.png").read_bytes().startswith(b"\x89PNG")


def test_a_wrong_implementation_is_refused() -> None:
    row = benchtable.Row("bad", {"native": lambda: b"x"}, lambda out: out == b"y")
    with pytest.raises(AssertionError, match="native gives a wrong answer for bad"):
        benchtable.measure([row], budget=0.001)


def test_the_difference_row_decodes_one_checked_payload_in_every_column() -> None:
    """The updates.difference row of ``oxigram bench`` is ``benches/bench_difference.py``'s
    case: the same bytes, decoded by native and pure, and by Telethon and kurigram when they
    are installed, each result checked against the objects the payload was built from."""
    row = next(r for r in micro.tl_rows() if r.name == micro.DIFFERENCE_ROW)
    expected = {"native", "pure"}
    for column, module in (("Telethon", "telethon"), ("kurigram", "pyrogram")):
        if importlib.util.find_spec(module) is not None:
            expected.add(column)
    assert set(row.impls) == expected
    for column, decode in row.impls.items():
        obj = decode()
        assert len(obj.new_messages) == difference.N_MESSAGES, column
        assert row.check(obj), column
    # a decode that lost anything is refused, so it cannot enter the table
    wrong = row.impls["pure"]()
    wrong.new_messages.pop()
    assert not row.check(wrong)
    benchtable.measure([row], budget=0.001)
    table = benchtable.format_table([row])
    assert f"| {micro.DIFFERENCE_ROW} |" in table
    assert all(row.seconds[c] > 0 for c in expected)
