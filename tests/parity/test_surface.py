"""``oxigram._native``, its stub ``_native.pyi`` and ``oxigram._pure`` expose the same names with
the same signatures (parameter names, kinds and defaults)."""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import oxigram
from oxigram import _pure, crypto

PYI = Path(oxigram.__file__).with_name("_native.pyi")

# (name, kind, default) with default as source text, or None when there is no default
Param = tuple[str, str, str | None]

KINDS = {
    "posonly": inspect.Parameter.POSITIONAL_ONLY.name,
    "args": inspect.Parameter.POSITIONAL_OR_KEYWORD.name,
    "vararg": inspect.Parameter.VAR_POSITIONAL.name,
    "kwonly": inspect.Parameter.KEYWORD_ONLY.name,
    "kwarg": inspect.Parameter.VAR_KEYWORD.name,
}


def _pyi_tree() -> ast.Module:
    assert PYI.is_file(), f"missing stub {PYI}"
    return ast.parse(PYI.read_text(encoding="utf-8"), filename=str(PYI))


def pyi_functions() -> dict[str, list[Param]]:
    """Public functions of the stub and their parameters, from its syntax tree."""
    out: dict[str, list[Param]] = {}
    for node in _pyi_tree().body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            a = node.args
            params: list[Param] = []
            positional = a.posonlyargs + a.args
            defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults))
            defaults += list(a.defaults)
            for i, arg in enumerate(positional):
                kind = KINDS["posonly"] if i < len(a.posonlyargs) else KINDS["args"]
                d = defaults[i]
                params.append((arg.arg, kind, None if d is None else ast.unparse(d)))
            if a.vararg:
                params.append((a.vararg.arg, KINDS["vararg"], None))
            for arg, kd in zip(a.kwonlyargs, a.kw_defaults, strict=True):
                params.append((arg.arg, KINDS["kwonly"], None if kd is None else ast.unparse(kd)))
            if a.kwarg:
                params.append((a.kwarg.arg, KINDS["kwarg"], None))
            out[node.name] = params
    return out


def pyi_public_names() -> set[str]:
    names: set[str] = set()
    for node in _pyi_tree().body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return {n for n in names if not n.startswith("_")}


def runtime_params(fn: Callable[..., Any]) -> list[Param]:
    sig = inspect.signature(fn)
    return [
        (
            p.name,
            p.kind.name,
            None if p.default is inspect.Parameter.empty else repr(p.default),
        )
        for p in sig.parameters.values()
    ]


def public_functions(module: ModuleType) -> set[str]:
    return {
        name
        for name in dir(module)
        if not name.startswith("_")
        and callable(getattr(module, name))
        and not inspect.isclass(getattr(module, name))
        and not inspect.ismodule(getattr(module, name))
    }


def load_native() -> ModuleType:
    try:
        return importlib.import_module("oxigram._native")
    except ImportError as exc:
        pytest.skip(f"oxigram._native is not importable (not built?): {exc}")


STUB = pyi_functions()


def test_stub_is_not_empty() -> None:
    assert len(STUB) >= 22
    assert STUB["encrypt_message"] == [
        ("auth_key", "POSITIONAL_OR_KEYWORD", None),
        ("payload", "POSITIONAL_OR_KEYWORD", None),
        ("sender", "KEYWORD_ONLY", None),
        ("padding", "KEYWORD_ONLY", "None"),
    ]


def test_crypto_all_matches_stub() -> None:
    assert sorted(crypto.__all__) == sorted(STUB)
    for name in STUB:
        assert getattr(crypto, name) is getattr(oxigram._backend.impl, name)


def test_pure_names_match_stub() -> None:
    assert sorted(_pure.__all__) == sorted(STUB)
    assert public_functions(_pure) == set(STUB), "public functions of oxigram._pure"


@pytest.mark.parametrize("name", sorted(STUB))
def test_pure_signature_matches_stub(name: str) -> None:
    assert runtime_params(getattr(_pure, name)) == STUB[name]


def test_native_names_match_stub() -> None:
    native = load_native()
    assert public_functions(native) == set(STUB)
    extra = {n for n in dir(native) if not n.startswith("_")} - pyi_public_names()
    assert not extra, f"oxigram._native exposes names the stub does not declare: {sorted(extra)}"


@pytest.mark.parametrize("name", sorted(STUB))
def test_native_signature_matches_stub(name: str) -> None:
    native = load_native()
    fn = getattr(native, name, None)
    assert fn is not None, f"oxigram._native has no {name}"
    assert getattr(fn, "__text_signature__", None), (
        f"oxigram._native.{name} has no __text_signature__"
    )
    assert runtime_params(fn) == STUB[name]
