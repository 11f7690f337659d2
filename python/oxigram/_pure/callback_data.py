"""Pure twin of the native typed callback-data codec (``rust/core/src/callback_data.rs``).

Layout: ``prefix | ':' | field*``; ``i`` zigzag varint (signed 64-bit), ``e<N>`` unsigned
varint index below N, ``s``/``b`` varint length then UTF-8/raw bytes, ``?`` one byte 0 or 1.
Varints must be minimal. Same bytes and same error messages as the native code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import (
    CallbackDataError,
    CallbackDataTooLongError,
    InvalidInputError,
    InvalidTypeError,
)

__all__ = ["callback_data_pack", "callback_data_unpack"]

MAX_DATA = 64
MAX_PREFIX = 32
MAX_ENUM = 1_000_000
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ENUM = re.compile(r"e([0-9]{1,7})")

Field = tuple[str, str, int]  # (name, kind letter, enum size or 0)


def _str_arg(obj: object, name: str) -> str:
    if not isinstance(obj, str):
        raise InvalidTypeError(f"{name} must be str, not {type(obj).__name__}")
    return obj


def _parse_spec(prefix: object, spec: object) -> tuple[bytes, list[Field]]:
    p = _str_arg(prefix, "prefix")
    s = _str_arg(spec, "spec")
    raw = p.encode()
    if not raw or len(raw) > MAX_PREFIX or ":" in p:
        raise InvalidInputError(f"prefix must be 1 to {MAX_PREFIX} bytes without ':'")
    fields: list[Field] = []
    if s:
        for i, item in enumerate(s.split(",")):
            name, sep, kind = item.partition(":")
            size = 0
            ok = bool(sep) and _NAME.fullmatch(name) is not None and name.isascii()
            if ok and kind not in ("i", "s", "b", "?"):
                m = _ENUM.fullmatch(kind)
                ok = m is not None and 1 <= int(m.group(1)) <= MAX_ENUM
                if m is not None:
                    size, kind = int(m.group(1)), "e"
            if not ok:
                raise InvalidInputError(
                    f"spec field {i} must be name:kind with kind i, e<N> (N in 1..{MAX_ENUM}),"
                    " s, b or ?"
                )
            if any(f[0] == name for f in fields):
                raise InvalidInputError(f"spec field {i}: duplicate name {name}")
            fields.append((name, kind, size))
    return raw, fields


def _varint(v: int) -> bytes:
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def _encode(field: Field, value: object) -> bytes:
    name, kind, size = field
    tname = type(value).__name__
    if kind in ("i", "e"):
        if not isinstance(value, int):
            raise InvalidTypeError(f"{name} must be int, not {tname}")
        v = int(value)
        if kind == "i":
            if not -(2**63) <= v < 2**63:
                raise InvalidInputError(f"{name} does not fit in a signed 64-bit int")
            return _varint(((v << 1) ^ (v >> 63)) & 0xFFFFFFFFFFFFFFFF)
        if not 0 <= v < size:
            raise InvalidInputError(f"{name} must be in 0..{size - 1}")
        return _varint(v)
    if kind == "s":
        if not isinstance(value, str):
            raise InvalidTypeError(f"{name} must be str, not {tname}")
        b = value.encode()
        return _varint(len(b)) + b
    if kind == "b":
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise InvalidTypeError(f"{name} must be bytes, bytearray or memoryview, not {tname}")
        b = bytes(value)
        return _varint(len(b)) + b
    if not isinstance(value, bool):
        raise InvalidTypeError(f"{name} must be bool, not {tname}")
    return b"\x01" if value else b"\x00"


def callback_data_pack(prefix: str, spec: str, values: Sequence[object]) -> bytes:
    """Packs ``values`` under ``prefix`` and ``spec`` into at most 64 bytes."""
    raw_prefix, fields = _parse_spec(prefix, spec)
    if not isinstance(values, (tuple, list)):
        raise InvalidTypeError(f"values must be tuple or list, not {type(values).__name__}")
    if len(values) != len(fields):
        raise InvalidInputError(f"expected {len(fields)} values, got {len(values)}")
    parts = [_encode(f, v) for f, v in zip(fields, values, strict=True)]
    head = raw_prefix + b":"
    data = head + b"".join(parts)
    if len(data) > MAX_DATA:
        named = zip(fields, parts, strict=True)
        sizes = [f"prefix {len(head)}"] + [f"{f[0]} {len(p)}" for f, p in named]
        raise CallbackDataTooLongError(
            f"callback data is {len(data)} bytes, {len(data) - MAX_DATA} over the "
            f"{MAX_DATA}-byte limit ({', '.join(sizes)})"
        )
    return data


class _Reader:
    def __init__(self, data: bytes, pos: int) -> None:
        self.data = data
        self.pos = pos

    def varint(self, name: str) -> int:
        value = 0
        for i in range(10):
            if self.pos >= len(self.data):
                raise CallbackDataError(f"data ends inside field {name}")
            byte = self.data[self.pos]
            self.pos += 1
            bits = byte & 0x7F
            if i == 9 and bits > 1:
                raise CallbackDataError(f"field {name}: varint overflows 64 bits")
            value |= bits << (7 * i)
            if not byte & 0x80:
                if i > 0 and byte == 0:
                    raise CallbackDataError(f"field {name}: varint is not minimal")
                return value
        raise CallbackDataError(f"field {name}: varint overflows 64 bits")

    def take(self, n: int, name: str) -> bytes:
        if n > len(self.data) - self.pos:
            raise CallbackDataError(f"data ends inside field {name}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


def callback_data_unpack(prefix: str, spec: str, data: bytes) -> tuple[object, ...]:
    """Unpacks ``data`` made by :func:`callback_data_pack` with the same prefix and spec."""
    raw_prefix, fields = _parse_spec(prefix, spec)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InvalidTypeError(
            f"data must be bytes, bytearray or memoryview, not {type(data).__name__}"
        )
    buf = bytes(data)
    head = raw_prefix + b":"
    if not buf.startswith(head):
        raise CallbackDataError(f"data does not start with '{prefix}:'")
    r = _Reader(buf, len(head))
    out: list[object] = []
    for name, kind, size in fields:
        if kind == "i":
            v = r.varint(name)
            out.append((v >> 1) ^ -(v & 1))
        elif kind == "e":
            v = r.varint(name)
            if v >= size:
                raise CallbackDataError(f"field {name}: {v} is not in 0..{size - 1}")
            out.append(v)
        elif kind == "s":
            raw = r.take(r.varint(name), name)
            try:
                out.append(raw.decode())
            except UnicodeDecodeError:
                raise CallbackDataError(f"field {name} is not valid UTF-8") from None
        elif kind == "b":
            out.append(r.take(r.varint(name), name))
        else:
            b = r.take(1, name)[0]
            if b > 1:
                raise CallbackDataError(f"field {name}: bool byte must be 0 or 1, not {b}")
            out.append(b == 1)
    left = len(buf) - r.pos
    if left:
        raise CallbackDataError(f"{left} trailing bytes after the last field")
    return tuple(out)
