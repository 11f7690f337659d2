"""The typed callback-data codec: native == pure (same bytes, same errors) and round trips."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oxigram import _pure, errors

SPEC = "poll:i,choice:e3,note:s,raw:b,ok:?"


def native() -> ModuleType:
    try:
        return importlib.import_module("oxigram._native")
    except ImportError as exc:
        pytest.skip(f"oxigram._native is not importable: {exc}")


def outcome(fn: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    try:
        return "ok", fn(*args)
    except Exception as exc:  # the class and message are what we compare
        return type(exc).__name__, str(exc)


def both(name: str, *args: Any) -> tuple[str, Any]:
    a = outcome(getattr(native(), name), *args)
    b = outcome(getattr(_pure, name), *args)
    assert a == b
    return a


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
values = st.tuples(
    st.integers(min_value=-(2**64), max_value=2**64),
    st.integers(min_value=-2, max_value=4),
    text,
    st.binary(max_size=40),
    st.booleans(),
)


def test_vector() -> None:
    data = b"v:\x05\x02\x03h\xc3\xa9\x02\x00\xff\x01"
    assert both("callback_data_pack", "v", SPEC, (-3, 2, "hé", b"\x00\xff", True)) == ("ok", data)
    assert both("callback_data_unpack", "v", SPEC, data) == ("ok", (-3, 2, "hé", b"\x00\xff", True))


@given(values)
def test_pack_same_bytes_or_errors_and_round_trip(vals: tuple[Any, ...]) -> None:
    kind, data = both("callback_data_pack", "v", SPEC, vals)
    if kind == "ok":
        assert len(data) <= 64
        assert both("callback_data_unpack", "v", SPEC, data) == ("ok", vals)


@given(st.binary(max_size=70))
def test_unpack_any_bytes_same_outcome(tail: bytes) -> None:
    kind, _ = both("callback_data_unpack", "v", SPEC, b"v:" + tail)
    assert kind in ("ok", "CallbackDataError")
    both("callback_data_unpack", "v", SPEC, tail)


@given(st.text(max_size=12), st.text(max_size=30))
def test_any_spec_same_outcome(prefix: str, spec: str) -> None:
    both("callback_data_pack", prefix, spec, ())
    both("callback_data_unpack", prefix, spec, b"x")


@pytest.mark.parametrize(
    ("args", "cls", "message"),
    [
        (
            ("v", SPEC, (1, 0, "x" * 70, b"", False)),
            errors.CallbackDataTooLongError,
            "callback data is 77 bytes, 13 over the 64-byte limit "
            "(prefix 2, poll 1, choice 1, note 71, raw 1, ok 1)",
        ),
        (("v", SPEC, (1, 0, "", b"", 1)), errors.InvalidTypeError, "ok must be bool, not int"),
        (
            ("v", SPEC, ("1", 0, "", b"", True)),
            errors.InvalidTypeError,
            "poll must be int, not str",
        ),
        (
            ("v", SPEC, (2**63, 0, "", b"", True)),
            errors.InvalidInputError,
            "poll does not fit in a signed 64-bit int",
        ),
        (("v", SPEC, (1, 3, "", b"", True)), errors.InvalidInputError, "choice must be in 0..2"),
        (("v", SPEC, (1,)), errors.InvalidInputError, "expected 5 values, got 1"),
        (("v", SPEC, 5), errors.InvalidTypeError, "values must be tuple or list, not int"),
        (("a:b", "", ()), errors.InvalidInputError, "prefix must be 1 to 32 bytes without ':'"),
        (("v", "x:i,x:s", ()), errors.InvalidInputError, "spec field 1: duplicate name x"),
    ],
)
def test_pack_errors(args: tuple[Any, ...], cls: type[Exception], message: str) -> None:
    for impl in (native(), _pure):
        with pytest.raises(cls) as info:
            impl.callback_data_pack(*args)
        assert str(info.value) == message


def test_unpack_errors_name_the_field() -> None:
    for impl in (native(), _pure):
        with pytest.raises(errors.CallbackDataError, match="data ends inside field note"):
            impl.callback_data_unpack("v", SPEC, b"v:\x00\x00\x05ab")
        with pytest.raises(errors.CallbackDataError, match="does not start with 'v:'"):
            impl.callback_data_unpack("v", SPEC, b"w:")
