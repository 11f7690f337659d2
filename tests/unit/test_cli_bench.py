"""``oxigram bench``: every implementation's output is checked before it is timed, and the
table names each column with a ratio to native."""

from __future__ import annotations

import re

import pytest

from oxigram import benchtable, cli


def test_bench_prints_a_checked_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bench", "--budget", "0.001", "--quiet"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("| operation"))
    assert "native" in header and "x vs pure" in header
    rows = [line for line in out.splitlines() if line.startswith("| ") and line is not header]
    names = {row.split("|")[1].strip() for row in rows}
    assert {"IGE encrypt 1 MiB", "encrypt_message 208 B", "srp_answer", "powmod 2048-bit"} <= names
    ratios = re.findall(r"\| (\d+\.\d\d) ", out)
    assert ratios and all(float(r) > 0 for r in ratios)


def test_a_wrong_implementation_is_refused() -> None:
    row = benchtable.Row("bad", {"native": lambda: b"x"}, lambda out: out == b"y")
    with pytest.raises(AssertionError, match="native gives a wrong answer for bad"):
        benchtable.measure([row], budget=0.001)
