"""Typed callback data: declare fields, pack to at most 64 bytes, unpack, filter.

    class Choice(enum.Enum):
        YES = "yes"
        NO = "no"

    class Vote(CallbackData, prefix="v"):
        poll: int
        choice: Choice
        note: str = ""

    data = Vote(poll=3, choice=Choice.YES).pack()      # b"v:\\x06\\x00\\x00"
    Vote.unpack(data) == Vote(poll=3, choice=Choice.YES)

Fields may be ``int`` (signed 64-bit), ``str``, ``bytes``, ``bool`` or an ``enum.Enum``
subclass (stored as the member's index). The codec is native (``oxigram._native``) with a
pure twin; see ``callback_data_pack`` in ``_native.pyi`` for the layout and errors.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import inspect
import typing
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from .._backend import impl
from ..errors import CallbackDataError

__all__ = ["CallbackData", "CallbackDataFilter"]

T = TypeVar("T", bound="CallbackData")

_KINDS: dict[type, str] = {int: "i", str: "s", bytes: "b", bool: "?"}


class CallbackData:
    """Base class of typed callback data (subclass with ``prefix="..."``)."""

    __prefix__: ClassVar[str]
    __spec__: ClassVar[str]
    __fields_info__: ClassVar[tuple[tuple[str, type], ...]]

    def __init_subclass__(cls, *, prefix: str, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        hints = typing.get_type_hints(cls)
        own = [n for n in inspect.get_annotations(cls) if not n.startswith("__")]
        parts: list[str] = []
        info: list[tuple[str, type]] = []
        for name in own:
            tp = hints[name]
            if isinstance(tp, type) and issubclass(tp, enum.Enum):
                kind = f"e{len(tp)}"
            elif tp in _KINDS:
                kind = _KINDS[tp]
            else:
                raise TypeError(
                    f"{cls.__name__}.{name}: callback data fields are int, str, bytes, bool "
                    f"or an Enum, not {tp!r}"
                )
            parts.append(f"{name}:{kind}")
            info.append((name, tp))
        cls.__prefix__ = prefix
        cls.__spec__ = ",".join(parts)
        cls.__fields_info__ = tuple(info)
        # checks the prefix and spec now (InvalidInputError), not at the first press
        with contextlib.suppress(CallbackDataError):
            impl.callback_data_unpack(prefix, cls.__spec__, b"")
        dataclasses.dataclass(frozen=True)(cls)

    # ------------------------------------------------------------------ codec

    def pack(self) -> bytes:
        """The compact bytes (``CallbackDataTooLongError`` names the overflow)."""
        values: list[object] = []
        for name, tp in self.__fields_info__:
            v = getattr(self, name)
            if isinstance(tp, type) and issubclass(tp, enum.Enum):
                if not isinstance(v, tp):
                    raise TypeError(f"{name} must be {tp.__name__}, not {type(v).__name__}")
                v = list(tp).index(v)
            values.append(v)
        data: bytes = impl.callback_data_pack(self.__prefix__, self.__spec__, values)
        return data

    @classmethod
    def unpack(cls: type[T], data: bytes | bytearray | memoryview) -> T:
        """The instance packed in ``data`` (``CallbackDataError`` if it does not decode)."""
        raw = impl.callback_data_unpack(cls.__prefix__, cls.__spec__, data)
        kwargs: dict[str, Any] = {}
        for (name, tp), v in zip(cls.__fields_info__, raw, strict=True):
            if isinstance(tp, type) and issubclass(tp, enum.Enum):
                v = list(tp)[int(v)]  # type: ignore[call-overload,unused-ignore]
            kwargs[name] = v
        return cls(**kwargs)

    @classmethod
    def try_unpack(cls: type[T], data: bytes | None) -> T | None:
        """The instance, or ``None`` when ``data`` is not this class's data."""
        if data is None or not data.startswith(cls.__prefix__.encode() + b":"):
            return None
        try:
            return cls.unpack(data)
        except CallbackDataError:
            return None

    @classmethod
    def filter(
        cls: type[T], predicate: Callable[[T], bool] | None = None, **equals: Any
    ) -> CallbackDataFilter[T]:
        """A filter for ``on_callback_query``: the data unpacks as this class, every
        ``field=value`` matches, and ``predicate(obj)`` (if given) is true."""
        names = {n for n, _ in cls.__fields_info__}
        unknown = set(equals) - names
        if unknown:
            raise TypeError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
        return CallbackDataFilter(cls, predicate, equals)


class CallbackDataFilter(typing.Generic[T]):
    """Made by :meth:`CallbackData.filter`; ``check(data)`` returns the object or None."""

    def __init__(
        self, cls: type[T], predicate: Callable[[T], bool] | None, equals: dict[str, Any]
    ) -> None:
        self.cls = cls
        self.predicate = predicate
        self.equals = equals

    def check(self, data: bytes | None) -> T | None:
        obj = self.cls.try_unpack(data)
        if obj is None:
            return None
        if any(getattr(obj, k) != v for k, v in self.equals.items()):
            return None
        if self.predicate is not None and not self.predicate(obj):
            return None
        return obj
