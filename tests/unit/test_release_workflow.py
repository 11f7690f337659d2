"""The release workflow cannot run here (it needs GitHub's runners); this checks its shape:
a wheel for every platform the README promises, each one tested on its own platform, the
sdist built and tested, and publishing gated on all of it with trusted publishing."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")  # PyYAML comes with mkdocs (test extra)

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"

PLATFORMS = {
    "wheel-linux-x86_64-2014",
    "wheel-linux-aarch64-2014",
    "wheel-linux-x86_64-musllinux_1_2",
    "wheel-linux-aarch64-musllinux_1_2",
    "wheel-macos-x86_64",
    "wheel-macos-aarch64",
    "wheel-windows-x64",
}


@pytest.fixture(scope="module")
def jobs() -> dict[str, Any]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    assert triggers["push"]["tags"] == ["v*"]
    assert workflow["permissions"] == {"contents": "read"}
    result: dict[str, Any] = workflow["jobs"]
    return result


def _matrix_rows(job: dict[str, Any]) -> list[dict[str, str]]:
    matrix = job.get("strategy", {}).get("matrix", {})
    if "include" in matrix:
        return [dict(row) for row in matrix["include"]]
    keys = list(matrix)
    return [
        dict(zip(keys, map(str, values), strict=True))
        for values in itertools.product(*matrix.values())
    ]


def _expand(template: str, row: dict[str, str]) -> str:
    return re.sub(r"\$\{\{\s*matrix\.(\w+)\s*\}\}", lambda m: row[m.group(1)], template)


def _uploads(job: dict[str, Any]) -> set[str]:
    names = set()
    for step in job["steps"]:
        if step.get("uses", "").startswith("actions/upload-artifact@"):
            for row in _matrix_rows(job) or [{}]:
                names.add(_expand(step["with"]["name"], row))
    return names


def test_a_wheel_for_every_platform(jobs: dict[str, Any]) -> None:
    built = set().union(*(_uploads(jobs[name]) for name in ("linux", "macos", "windows")))
    assert built == PLATFORMS
    for name in ("linux", "macos", "windows"):
        maturin = [
            s for s in jobs[name]["steps"] if s.get("uses", "").startswith("PyO3/maturin-action@")
        ]
        assert len(maturin) == 1 and "--release" in maturin[0]["with"]["args"]


def test_every_wheel_is_tested_on_its_own_platform(jobs: dict[str, Any]) -> None:
    tested = {row["wheel"]: row["runner"] for row in _matrix_rows(jobs["test"])}
    tested |= {row["wheel"]: row["runner"] for row in _matrix_rows(jobs["test-musllinux"])}
    assert set(tested) == PLATFORMS
    for wheel, runner in tested.items():
        arm = "aarch64" in wheel
        if "linux" in wheel:
            assert runner.startswith("ubuntu") and runner.endswith("-arm") == arm, wheel
        elif "macos" in wheel:
            assert runner.startswith("macos") and runner.endswith("-intel") != arm, wheel
        else:
            assert runner.startswith("windows"), wheel
    for name in ("test", "test-musllinux", "sdist"):
        commands = " ".join(s.get("run", "") for s in jobs[name]["steps"])
        assert "scripts/wheel_smoke.py" in commands, name
    assert (ROOT / "scripts" / "wheel_smoke.py").is_file()


def test_publishing_waits_for_every_test_and_uses_trusted_publishing(
    jobs: dict[str, Any],
) -> None:
    publish = jobs["publish"]
    assert set(publish["needs"]) == {"sdist", "test", "test-musllinux"}
    assert publish["if"] == "startsWith(github.ref, 'refs/tags/v')"
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    uses = [s.get("uses", "") for s in publish["steps"]]
    assert uses[-1] == "pypa/gh-action-pypi-publish@release/v1"
    checks = " ".join(s.get("run", "") for s in publish["steps"])
    assert f"-eq {len(PLATFORMS)}" in checks  # every wheel, not just the ones that arrived
