"""Helpers shared by the TL tests: codecs of both backends and tl.json value conversion."""

from __future__ import annotations

import importlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from oxigram.tl import Schema
from oxigram.tl._model import shipped_text

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_TL = SHARED / "tl"


@cache
def tl_vectors() -> dict[str, Any]:
    """../shared/vectors/tl.json (or $OXIGRAM_VECTORS/tl.json)."""
    folder = Path(os.environ.get("OXIGRAM_VECTORS") or SHARED / "vectors")
    with open(folder / "tl.json", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def codec_modules() -> list[Any]:
    """pytest params: the pure codec, and the native one (skipped when not built)."""
    return [
        pytest.param("oxigram._pure.tl", id="python"),
        pytest.param("oxigram._native", id="native"),
    ]


def load_codec_module(name: str) -> Any:
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # pragma: no cover - native not built
        pytest.skip(f"{name} cannot be imported: {exc}")
    if not hasattr(module, "TLCodec"):  # pragma: no cover
        pytest.skip(f"{name} has no TLCodec (extension built without TL)")
    return module


@cache
def shipped(name: str) -> Schema:
    """The shipped schema with the given codec module."""
    return Schema(shipped_text(), codec=load_codec_module(name))


def field_types(schema: Schema) -> dict[str, dict[str, str]]:
    return {c[1]: {f[0]: f[1] for f in c[3]} for c in schema._codec.constructors()}


def from_vector(value: Any) -> Any:
    """tl.json conventions -> Python values: {"$bytes": hex} -> bytes."""
    if isinstance(value, dict):
        if set(value) == {"$bytes"}:
            return bytes.fromhex(value["$bytes"])
        return {k: from_vector(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_vector(v) for v in value]
    return value


def expected_dict(value: Any, types: dict[str, dict[str, str]], ty: str = "") -> Any:
    """Like :func:`from_vector`, then int128/int256 given as wire bytes become ints."""
    if isinstance(value, dict) and "_" in value:
        ftypes = types[value["_"]]
        return {k: expected_dict(v, types, ftypes.get(k, "")) for k, v in value.items()}
    if isinstance(value, list):
        inner = ty[7:-1] if ty.lower().startswith("vector<") else ""
        return [expected_dict(v, types, inner) for v in value]
    value = from_vector(value)
    if ty in ("int128", "int256") and isinstance(value, bytes):
        return int.from_bytes(value, "little", signed=True)
    return value
