"""How ``oxigram`` picks its backend when the native module is missing or broken: one
``RuntimeWarning`` naming the loader's error and the two ways out, no warning when the pure
twin was asked for, and an error when native was.

Each case imports a copy of the package (without the built module, or with a corrupt one)
in a fresh interpreter, so the import-time choice really runs."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import oxigram
from oxigram import crypto

PACKAGE = Path(oxigram.__file__).resolve().parent

# Imports the copy under sys.argv[1] with every warning recorded, and reports what happened.
_PROBE = textwrap.dedent(
    """
    import importlib, json, sys, warnings
    sys.path.insert(0, sys.argv[1])
    report = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            import oxigram
            from oxigram import crypto
        except Exception as exc:
            report["error"] = [type(exc).__name__, str(exc)]
        else:
            report["file"] = oxigram.__file__
            report["backend"] = oxigram.backend
            report["works"] = crypto.ige256_encrypt(bytes(16), bytes(32), bytes(32)).hex()
    report["warnings"] = [[w.category.__name__, str(w.message), w.filename] for w in caught]
    try:
        importlib.import_module("oxigram._native")
    except ImportError as exc:
        report["native_error"] = str(exc)
    print(json.dumps(report))
    """
)


def _copy_package(dest: Path, native: bytes | None) -> Path:
    """A copy of the package under ``dest`` with no built module, or ``native`` as one."""
    shutil.copytree(
        PACKAGE,
        dest / "oxigram",
        ignore=shutil.ignore_patterns("_native*.so", "_native*.pyd", "__pycache__"),
    )
    if native is not None:
        (dest / "oxigram" / "_native.abi3.so").write_bytes(native)
    return dest


def _probe(root: Path, backend: str | None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in ("OXIGRAM_BACKEND", "PYTHONWARNINGS")}
    if backend is not None:
        env["OXIGRAM_BACKEND"] = backend
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(root)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report: dict[str, Any] = json.loads(out.stdout)
    if "file" in report:  # the copy was imported, not the package this test runs from
        assert Path(report["file"]).is_relative_to(root)
    return report


@pytest.fixture(scope="module")
def without_native(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy_package(tmp_path_factory.mktemp("no-native"), None)


@pytest.fixture(scope="module")
def broken_native(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy_package(tmp_path_factory.mktemp("broken-native"), b"not a shared library")


@pytest.mark.parametrize("case", ["without_native", "broken_native"])
def test_fallback_warns_once_with_the_reason_and_the_way_out(
    case: str, request: pytest.FixtureRequest
) -> None:
    report = _probe(request.getfixturevalue(case), None)
    assert report["backend"] == "python"
    assert report["works"] == crypto.ige256_encrypt(bytes(16), bytes(32), bytes(32)).hex()
    assert len(report["warnings"]) == 1, report["warnings"]
    category, message, where = report["warnings"][0]
    assert category == "RuntimeWarning"
    assert where == "<string>"  # points at the code that imported oxigram
    assert report["native_error"] in message  # the loader's own words
    assert "OXIGRAM_BACKEND=python" in message
    assert "OXIGRAM_BACKEND=native" in message


def test_forcing_python_is_silent(without_native: Path) -> None:
    report = _probe(without_native, "python")
    assert report["backend"] == "python"
    assert report["warnings"] == []


def test_forcing_native_without_it_is_an_error(broken_native: Path) -> None:
    report = _probe(broken_native, "native")
    assert report["error"][0] == "BackendUnavailableError"
    assert report["native_error"] in report["error"][1]
    assert report["warnings"] == []


@pytest.mark.skipif(
    importlib.util.find_spec("oxigram._native") is None, reason="the native module is not built"
)
def test_a_loadable_native_module_is_used_silently() -> None:
    report = _probe(PACKAGE.parent, None)
    assert report["backend"] == "native"
    assert report["warnings"] == []
