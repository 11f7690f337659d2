"""oxigram's pytest plugin as a user meets it: a separate pytest process in an empty folder
runs the complete example test (examples/test_toast_alert_bot.py) without pytest-asyncio,
under pytest-asyncio in strict and in auto mode, and the README's test as written; the
plugin is inert in a run that does not use it, and a hanging test fails after
``oxigram_timeout``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PLUGIN = "oxigram.testing.plugin"

pytest.importorskip("oxigram.server")


def plugin_args() -> list[str]:
    """Installed, the package's entry point loads the plugin; from a source tree, ``-p``."""
    installed = any(ep.value == PLUGIN for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", PLUGIN]


def run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *plugin_args(), *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=240,
        env=dict(os.environ),
        check=False,
    )


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The example test and the two examples it imports, alone in a folder."""
    for name in ("test_toast_alert_bot.py", "toast_alert_bot.py", "press_buttons.py"):
        shutil.copy(EXAMPLES / name, tmp_path)
    shutil.copy(EXAMPLES / "_connect.py", tmp_path)
    return tmp_path


def test_the_entry_point_names_the_plugin() -> None:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["pytest11"] == {"oxigram": PLUGIN}
    assert "pytest" not in " ".join(project.get("dependencies", []))  # not a dependency


def test_the_example_passes_without_pytest_asyncio(example: Path) -> None:
    proc = run_pytest(example, "-p", "no:asyncio", "--strict-markers")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "6 passed" in proc.stdout


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_the_example_passes_under_pytest_asyncio(example: Path, mode: str) -> None:
    pytest.importorskip("pytest_asyncio")
    proc = run_pytest(
        example,
        "-o",
        f"asyncio_mode={mode}",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        "--strict-markers",
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert f"asyncio: mode={mode}" in proc.stdout.lower().replace("mode.", "")
    assert "6 passed" in proc.stdout


INERT = """
import sys
import threading


def test_nothing_was_started_or_imported(request):
    assert request.config.pluginmanager.get_plugin("oxigram") or (
        request.config.pluginmanager.get_plugin("oxigram.testing.plugin")
    )
    loaded = [m for m in ("oxigram.client", "oxigram.server", "oxigram.testing.sandbox")
              if m in sys.modules]
    assert loaded == []
    assert threading.active_count() == 1


async def test_an_async_test_without_its_fixtures_is_left_alone():
    pass
"""


def test_the_plugin_is_inert_when_unused(tmp_path: Path) -> None:
    (tmp_path / "test_inert.py").write_text(INERT)
    proc = run_pytest(tmp_path, "-p", "no:asyncio", "-rA")
    out = proc.stdout
    assert "PASSED test_inert.py::test_nothing_was_started_or_imported" in out, out[-3000:]
    # not oxigram's to run: pytest's own verdict on an async test without a plugin
    assert "FAILED test_inert.py::test_an_async_test_without_its_fixtures_is_left_alone" in out
    assert "async def functions are not natively supported" in out


HANGS = """
import asyncio

import pytest


async def test_hangs(local_dc):
    await asyncio.sleep(30)


async def test_times_out_on_its_own(local_dc):
    with pytest.raises(asyncio.TimeoutError) as info:
        await asyncio.wait_for(asyncio.sleep(30), 0.01)
    assert "oxigram_timeout" not in str(info.value)
"""


def test_a_hanging_test_fails_after_the_timeout(tmp_path: Path) -> None:
    (tmp_path / "test_hangs.py").write_text(HANGS)
    proc = run_pytest(tmp_path, "-p", "no:asyncio", "-o", "oxigram_timeout=1", "-rA")
    assert proc.returncode == 1
    failed = "FAILED test_hangs.py::test_hangs - TimeoutError: did not finish within 1 s"
    assert failed in proc.stdout, proc.stdout[-3000:]
    assert "PASSED test_hangs.py::test_times_out_on_its_own" in proc.stdout


def readme_test() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Testing your bot", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


@pytest.mark.parametrize("asyncio_plugin", ["none", "pytest-asyncio auto mode"])
def test_the_readme_test_passes_as_written(tmp_path: Path, asyncio_plugin: str) -> None:
    (tmp_path / "test_readme.py").write_text(readme_test())
    if asyncio_plugin == "none":
        proc = run_pytest(tmp_path, "-p", "no:asyncio")
    else:
        pytest.importorskip("pytest_asyncio")
        proc = run_pytest(tmp_path, "-o", "asyncio_mode=auto")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "1 passed" in proc.stdout
