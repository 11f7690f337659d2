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


def _params(a: ast.arguments, *, drop_first: bool = False) -> list[Param]:
    """The parameters of a stub signature (without ``self`` when ``drop_first``)."""
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
    return params[1:] if drop_first else params


def pyi_functions() -> dict[str, list[Param]]:
    """Public functions of the stub and their parameters, from its syntax tree."""
    return {
        node.name: _params(node.args)
        for node in _pyi_tree().body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    }


# A stub method: its parameters (without self), or None for a property.
Method = list[Param] | None


def pyi_classes() -> dict[str, dict[str, Method]]:
    """Public classes of the stub: their public methods and ``__init__``, with parameters."""
    out: dict[str, dict[str, Method]] = {}
    for node in _pyi_tree().body:
        if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
            continue
        methods: dict[str, Method] = {}
        for item in node.body:
            if not isinstance(item, ast.FunctionDef):
                continue
            if item.name.startswith("_") and item.name != "__init__":
                continue
            decorators = {ast.unparse(d) for d in item.decorator_list}
            if "property" in decorators:
                methods[item.name] = None
            else:
                methods[item.name] = _params(item.args, drop_first="staticmethod" not in decorators)
        out[node.name] = methods
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


def pyi_constants() -> dict[str, str]:
    """Public constants of the stub (``NAME: type``, not type aliases) and their types."""
    return {
        node.target.id: ast.unparse(node.annotation)
        for node in _pyi_tree().body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and not node.target.id.startswith("_")
        and ast.unparse(node.annotation) != "TypeAlias"
    }


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


def public_classes(module: ModuleType) -> set[str]:
    return {
        name
        for name in dir(module)
        if not name.startswith("_") and inspect.isclass(getattr(module, name))
    }


def class_params(cls: type, method: str, stub: Method) -> Method:
    """Runtime parameters of ``cls.method`` in the stub's terms: ``__init__`` read from the
    class's own signature (``self`` excluded), ``self`` dropped from plain methods."""
    attr = inspect.getattr_static(cls, method)
    if stub is None:
        assert isinstance(attr, property) or inspect.isdatadescriptor(attr), (
            f"{cls.__name__}.{method} is not a property"
        )
        return None
    if method == "__init__":
        return runtime_params(cls)
    params = runtime_params(getattr(cls, method))
    return params if isinstance(attr, staticmethod) else params[1:]


def load_native() -> ModuleType:
    try:
        return importlib.import_module("oxigram._native")
    except ImportError as exc:
        pytest.skip(f"oxigram._native is not importable (not built?): {exc}")


STUB = pyi_functions()
CLASSES = pyi_classes()
CONSTANTS = pyi_constants()
# Where the pure twin of each stub class lives; ``oxigram._pure`` (and ``oxigram.crypto``)
# unless listed here.
PURE_CLASS_HOME = {"TLCodec": "oxigram._pure.tl"}
PURE_TOP_CLASSES = {c for c in CLASSES if c not in PURE_CLASS_HOME}


def test_stub_is_not_empty() -> None:
    assert len(STUB) >= 22
    assert STUB["encrypt_message"] == [
        ("auth_key", "POSITIONAL_OR_KEYWORD", None),
        ("payload", "POSITIONAL_OR_KEYWORD", None),
        ("sender", "KEYWORD_ONLY", None),
        ("padding", "KEYWORD_ONLY", "None"),
    ]


def test_stub_classes_are_parsed() -> None:
    assert CLASSES["AesCtr256"] == {
        "__init__": [
            ("key", "POSITIONAL_OR_KEYWORD", None),
            ("iv", "POSITIONAL_OR_KEYWORD", None),
        ],
        "update": [("data", "POSITIONAL_OR_KEYWORD", None)],
    }
    assert "TLCodec" in CLASSES and CLASSES["TLCodec"]["layer"] is None


def test_crypto_all_matches_stub() -> None:
    assert sorted(crypto.__all__) == sorted(set(STUB) | PURE_TOP_CLASSES | set(CONSTANTS))
    for name in crypto.__all__:
        assert getattr(crypto, name) is getattr(oxigram._backend.impl, name)


def test_pure_names_match_stub() -> None:
    assert sorted(_pure.__all__) == sorted(set(STUB) | PURE_TOP_CLASSES | set(CONSTANTS))
    assert public_functions(_pure) == set(STUB), "public functions of oxigram._pure"
    assert public_classes(_pure) == PURE_TOP_CLASSES, "public classes of oxigram._pure"


def pure_class(name: str) -> type:
    home = importlib.import_module(PURE_CLASS_HOME.get(name, "oxigram._pure"))
    cls = getattr(home, name, None)
    assert inspect.isclass(cls), f"{home.__name__} has no class {name}"
    return cls


@pytest.mark.parametrize(
    ("name", "method"), [(c, m) for c in sorted(CLASSES) for m in sorted(CLASSES[c])]
)
def test_pure_class_matches_stub(name: str, method: str) -> None:
    cls = pure_class(name)
    assert cls.__name__ == name
    assert class_params(cls, method, CLASSES[name][method]) == CLASSES[name][method]


@pytest.mark.parametrize(
    ("name", "method"), [(c, m) for c in sorted(CLASSES) for m in sorted(CLASSES[c])]
)
def test_native_class_matches_stub(name: str, method: str) -> None:
    native = load_native()
    cls = getattr(native, name, None)
    assert inspect.isclass(cls), f"oxigram._native has no class {name}"
    assert cls.__name__ == name
    if method == "__init__":
        assert getattr(cls, "__text_signature__", None), f"{name} has no __text_signature__"
    assert class_params(cls, method, CLASSES[name][method]) == CLASSES[name][method]


@pytest.mark.parametrize("name", sorted(STUB))
def test_pure_signature_matches_stub(name: str) -> None:
    assert runtime_params(getattr(_pure, name)) == STUB[name]


def test_native_names_match_stub() -> None:
    native = load_native()
    assert public_functions(native) == set(STUB)
    assert public_classes(native) == set(CLASSES)
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


def test_stub_constants_are_parsed() -> None:
    assert CONSTANTS == {"TELEGRAM_DH_PRIME": "bytes"}


@pytest.mark.parametrize("name", sorted(CONSTANTS))
def test_constants_match_stub(name: str) -> None:
    native = load_native()
    kind = {"bytes": bytes}[CONSTANTS[name]]
    assert type(getattr(_pure, name)) is kind
    assert type(getattr(native, name)) is kind
    assert getattr(native, name) == getattr(_pure, name)
