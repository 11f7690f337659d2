"""Pure-Python TL codec: the twin of ``oxigram_core::tl`` plus ``oxigram._native.TLCodec``.

A :class:`TLCodec` is built from schema text. Per constructor it compiles (on first use) a
small Python decode function and an encode function from the schema, so a message is walked
by straight-line code instead of an interpreter loop. Encoding has a second, checked path
(:meth:`TLCodec._slow_body`): when the fast path fails on a bad value, the checked path runs and
raises the :class:`~oxigram.errors.TLEncodeError` whose message the native codec gives too.
"""

from __future__ import annotations

import keyword
import struct
import sys
import zlib
from collections.abc import Callable
from typing import Any

from ..._schema_index import Header, SchemaIndex, find_index
from ...errors import (
    InvalidInputError,
    InvalidTypeError,
    LimitExceededError,
    TLDecodeError,
    TLEncodeError,
    TLSchemaError,
    TrailingBytesError,
    UnexpectedEndError,
    UnknownConstructorError,
    WrongTypeError,
)
from .schema import CtorDesc, FieldDesc, SchemaDesc, parse_schema

__all__ = ["MAX_DEPTH", "MAX_ELEMENTS", "MAX_INFLATED", "TLCodec"]

#: Deepest nesting of objects (boxed or bare, gzip_packed included) a decode accepts.
MAX_DEPTH = 64
#: Most ``#`` flag words one constructor may have.
MAX_FLAG_WORDS = 8
# The decode budget of one message (the twin of `oxigram_core::tl::codec::Limits`, where the
# defaults are reasoned out): what all of it may unpack and build, charged as the input is
# read. A decode's budget is a list `b`: [elements left, inflated bytes left, max_elements,
# max_inflated]; an object costs one plus its constructor's fields (flag words excepted),
# charged before its body is read, a vector item one, charged with the count.
#: Default of ``max_inflated``: bytes all of a message's gzip_packed may unpack to, together.
MAX_INFLATED = 16 * 1024 * 1024
#: Default of ``max_elements``: elements one decode may build.
MAX_ELEMENTS = 1_000_000
#: Budgets beyond this are no limit (the native codec's ``usize``).
_NO_LIMIT = (1 << 64) - 1

ID_BOOL_TRUE = 0x997275B5
ID_BOOL_FALSE = 0xBC799737
ID_VECTOR = 0x1CB5C415
ID_GZIP = 0x3072CFA1

_u32 = struct.Struct("<I").unpack_from
_i32 = struct.Struct("<i").unpack_from
_i64 = struct.Struct("<q").unpack_from
_f64 = struct.Struct("<d").unpack_from
_pack_u32 = struct.Struct("<I").pack
_pack_i32 = struct.Struct("<i").pack
_pack_i64 = struct.Struct("<q").pack
_pack_f64 = struct.Struct("<d").pack
_TRUE_BYTES = _pack_u32(ID_BOOL_TRUE)
_FALSE_BYTES = _pack_u32(ID_BOOL_FALSE)
_VECTOR_BYTES = _pack_u32(ID_VECTOR)
_new = object.__new__

# Fixed-size wire types: (size, struct code).
_FIXED = {"int": (4, "i"), "long": (8, "q"), "double": (8, "d"), "#": (4, "I")}
_MIN_SIZE = {"long": 8, "double": 8, "int128": 16, "int256": 32}
_INT_RANGE = {"int": (-(1 << 31), 1 << 31), "long": (-(1 << 63), 1 << 63)}

#: Reads a value: ``(data, pos, depth, budget) -> (value, next pos)``; ``budget`` is the
#: decode's :data:`Budget`.
Reader = Callable[[Any, int, int, list[int]], tuple[Any, int]]
#: Writes a primitive value: ``(out, value)``.
Writer = Callable[[bytearray, Any], None]
#: Writes an object or a vector, nested ``depth`` levels deep: ``(out, value, depth)``.
NestedWriter = Callable[[bytearray, Any, int], None]


# ----------------------------------------------------------------------------- decode errors


def _end(pos: int, need: int, n: int) -> UnexpectedEndError:
    return UnexpectedEndError(
        f"unexpected end of data at offset {pos}: {need} bytes needed, {max(n - pos, 0)} left"
    )


def _end_run(pos: int, n: int, sizes: tuple[int, ...]) -> UnexpectedEndError:
    for size in sizes:
        if pos + size > n:
            return _end(pos, size, n)
        pos += size
    raise AssertionError("run fits")  # pragma: no cover


def _deep(pos: int) -> LimitExceededError:
    return LimitExceededError(f"nesting deeper than {MAX_DEPTH} levels at offset {pos}")


def _over_budget(name: str, pos: int, b: list[int]) -> LimitExceededError:
    return LimitExceededError(
        f"{name} at offset {pos} exceeds the decode budget of {b[2]} elements"
    )


def _unknown(cid: int, pos: int) -> UnknownConstructorError:
    return UnknownConstructorError(f"unknown constructor id 0x{cid:08x} at offset {pos}", cid, pos)


# ------------------------------------------------------------------------- primitive reads


def _read_raw(data: Any, pos: int, n: int) -> tuple[bytes, int]:
    if pos >= n:
        raise _end(pos, 1, n)
    length = data[pos]
    if length < 254:
        start = pos + 1
        total = (length + 4) & ~3
    elif length == 254:
        if pos + 4 > n:
            raise _end(pos, 4, n)
        length = data[pos + 1] | data[pos + 2] << 8 | data[pos + 3] << 16
        start = pos + 4
        total = (length + 7) & ~3
    else:
        raise TLDecodeError(f"bad string length prefix 0xff at offset {pos}")
    if start + length > n:
        raise LimitExceededError(
            f"string of {length} bytes at offset {pos} exceeds the {n - start} bytes left"
        )
    if pos + total > n:
        raise _end(pos, total, n)
    return bytes(data[start : start + length]), pos + total


def _read_bytes(data: Any, pos: int, depth: int, b: list[int]) -> tuple[bytes, int]:
    return _read_raw(data, pos, len(data))


def _read_string(data: Any, pos: int, depth: int, b: list[int]) -> tuple[str, int]:
    raw, pos = _read_raw(data, pos, len(data))
    return raw.decode("utf-8", "replace"), pos


def _read_int(data: Any, pos: int, depth: int, b: list[int]) -> tuple[int, int]:
    if pos + 4 > len(data):
        raise _end(pos, 4, len(data))
    return _i32(data, pos)[0], pos + 4


def _read_long(data: Any, pos: int, depth: int, b: list[int]) -> tuple[int, int]:
    if pos + 8 > len(data):
        raise _end(pos, 8, len(data))
    return _i64(data, pos)[0], pos + 8


def _read_double(data: Any, pos: int, depth: int, b: list[int]) -> tuple[float, int]:
    if pos + 8 > len(data):
        raise _end(pos, 8, len(data))
    return _f64(data, pos)[0], pos + 8


def _big_reader(size: int) -> Reader:
    def read(data: Any, pos: int, depth: int, b: list[int]) -> tuple[int, int]:
        if pos + size > len(data):
            raise _end(pos, size, len(data))
        return int.from_bytes(data[pos : pos + size], "little", signed=True), pos + size

    return read


_PRIMITIVE_READERS: dict[str, Reader] = {
    "int": _read_int,
    "long": _read_long,
    "double": _read_double,
    "string": _read_string,
    "bytes": _read_bytes,
    "int128": _big_reader(16),
    "int256": _big_reader(32),
}


# ------------------------------------------------------------------------ primitive writes


def _write_raw(out: bytearray, raw: Any) -> None:
    length = len(raw)
    if length < 254:
        out.append(length)
        out += raw
        out += b"\0" * (-(length + 1) & 3)
    else:
        out += _pack_u32(254 | length << 8)
        out += raw
        out += b"\0" * (-length & 3)


def _write_bytes(out: bytearray, value: Any) -> None:
    if isinstance(value, str):
        value = value.encode("utf-8")
    if len(value) >= 1 << 24:
        raise ValueError("too long")
    _write_raw(out, value)


def _write_big(size: int) -> Writer:
    bits = size * 8

    def write(out: bytearray, value: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            if not -(1 << (bits - 1)) <= value < 1 << bits:
                raise ValueError("out of range")
            out += (value & ((1 << bits) - 1)).to_bytes(size, "little")
        elif isinstance(value, (bytes, bytearray, memoryview)) and len(value) == size:
            out += value
        else:
            raise TypeError("bad int128/int256")

    return write


def _write_int(out: bytearray, value: Any) -> None:
    out += _pack_i32(value)


def _write_long(out: bytearray, value: Any) -> None:
    out += _pack_i64(value)


def _write_double(out: bytearray, value: Any) -> None:
    if not isinstance(value, (int, float)):
        raise TypeError("not a number")
    out += _pack_f64(value)


def _write_bool(out: bytearray, value: Any) -> None:
    if value is True:
        out += _TRUE_BYTES
    elif value is False:
        out += _FALSE_BYTES
    else:
        raise TypeError("not a bool")


_PRIMITIVE_WRITERS: dict[str, Writer] = {
    "int": _write_int,
    "long": _write_long,
    "double": _write_double,
    "string": _write_bytes,
    "bytes": _write_bytes,
    "int128": _write_big(16),
    "int256": _write_big(32),
    "Bool": _write_bool,
}


def _type_name(value: object) -> str:
    return type(value).__name__


def _fields_text(fields: list[Any]) -> str:
    """Arguments as a declaration writes them: ``name:type``, ``name:flags.N?type``."""
    return " ".join(
        f"{name}:{flag}.{bit}?{ty}" if flag else f"{name}:{ty}" for name, ty, flag, bit in fields
    )


def _data_arg(data: Any) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TLDecodeError(f"data must be bytes, bytearray or memoryview, not {_type_name(data)}")
    return data if isinstance(data, bytes) else bytes(data)


def _budget_arg(value: Any, name: str) -> int:
    if not isinstance(value, int):
        raise InvalidTypeError(f"{name} must be int, not {_type_name(value)}")
    if value < 0:
        raise InvalidInputError(f"{name} must be >= 0, not {value}")
    return min(value, _NO_LIMIT)


# -------------------------------------------------------------------------------- the codec


class _Ctor:
    """A constructor and its compiled functions. Its fields are read from the schema when
    first needed (``fields``): a codec of the whole layer meets few of its constructors."""

    __slots__ = (
        "_fields",
        "_schema",
        "body_reader",
        "body_writer",
        "id",
        "id_bytes",
        "index",
        "is_function",
        "name",
        "result",
    )

    def __init__(self, index: int, header: Header, schema: SchemaIndex | None) -> None:
        self.index = index
        self.id, self.name, self.is_function, self.result = header
        self.id_bytes = _pack_u32(self.id)
        self._schema = schema
        self._fields: list[FieldDesc] | None = None
        self.body_reader: Reader | None = None
        self.body_writer: Callable[[Any, bytearray, int], None] | None = None

    @property
    def fields(self) -> list[FieldDesc]:
        found = self._fields
        if found is None:
            assert self._schema is not None  # set when the fields were not given
            found = self._fields = self._schema.declaration(self.index)[3]
        return found


class TLCodec:
    """A TL codec over one schema (the pure twin of ``_native.TLCodec``).

    ``TLCodec(text)`` parses and checks the schema; :meth:`bind` gives it a class factory
    (``factory(i)`` makes the class of constructor ``i``, in :meth:`constructors` order, on
    first use), after which :meth:`decode` builds instances of those classes and
    :meth:`encode` accepts them.
    """

    def __init__(self, text: str) -> None:
        # The shipped schema's text is read lazily through its index (checked when the
        # index was written); any other text is parsed and checked here, in full.
        index = find_index(text)
        if index is not None:
            self._layer = index.layer
            self._schema: SchemaIndex | list[CtorDesc] = index
            self._ctors = [_Ctor(i, h, index) for i, h in enumerate(index.headers)]
        else:
            self._layer, descs = parse_schema(text)
            self._schema = descs
            self._ctors = []
            for i, d in enumerate(descs):
                ctor = _Ctor(i, (d[0], d[1], d[2], d[4]), None)
                ctor._fields = d[3]
                self._ctors.append(ctor)
        self._by_id: dict[int, _Ctor] = {c.id: c for c in self._ctors}
        self._by_name: dict[str, _Ctor] = {c.name: c for c in self._ctors}
        self._by_type: dict[str, dict[int, _Ctor]] = {}
        for c in self._ctors:
            if not c.is_function:
                self._by_type.setdefault(c.result, {})[c.id] = c
        self._factory: Callable[[int], type] | None = None
        self._classes: list[type | None] = []
        self._class_index: dict[type, _Ctor] = {}
        self._readers: dict[str, Reader] = {}
        self._writers: dict[str, Writer | NestedWriter] = {}
        self._any_table: dict[int, _Ctor] = dict(self._by_id)
        if index is None:
            self._check_fields()

    def _check_fields(self) -> None:
        """Every constructor's flag words and field types (an index's were checked when
        it was written)."""
        known: set[str] = set()  # types already found valid outside generic constructors
        for c in self._ctors:
            if sum(1 for f in c.fields if f[1] == "#") > MAX_FLAG_WORDS:
                raise TLSchemaError(f"{c.name}: more than {MAX_FLAG_WORDS} # fields")
            generics = {f[1][1:] for f in c.fields if f[1].startswith("!")}
            for fname, ftype, _, _ in c.fields:
                if ftype != "#" and (generics or ftype not in known):
                    self._check_type(c.name, fname, ftype, generics)
                    if not generics:
                        known.add(ftype)

    # ---------------------------------------------------------------- schema information

    @staticmethod
    def parse_schema(text: str) -> SchemaDesc:
        """Parses ``.tl`` text into ``(layer, constructors)`` without compiling a codec."""
        return parse_schema(text)

    @property
    def layer(self) -> int:
        """The ``// LAYER N`` of the schema text, or -1."""
        return self._layer

    def constructors(self) -> list[CtorDesc]:
        """The parsed constructors: ``(id, name, is_function, fields, result)``."""
        return [self.constructor(i) for i in range(len(self._ctors))]

    def headers(self) -> list[tuple[int, str, bool, str]]:
        """``(id, name, is_function, result)`` of each constructor, in :meth:`constructors`
        order: an index of the schema without the fields."""
        return [(c.id, c.name, c.is_function, c.result) for c in self._ctors]

    def constructor(self, index: int) -> CtorDesc:
        """Constructor ``index``, as in :meth:`constructors`."""
        if not 0 <= index < len(self._ctors):
            raise TLSchemaError(f"no constructor {index} in a schema of {len(self._ctors)}")
        if isinstance(self._schema, SchemaIndex):
            return self._schema.declaration(index)
        return self._schema[index]

    def bind(self, factory: Callable[[int], type]) -> None:
        """Gives the codec its class factory (once): ``factory(i)`` makes the class of
        constructor ``i``, in :meth:`constructors` order; it is called once per constructor,
        on first use."""
        if self._factory is not None:
            raise TLSchemaError("the codec's classes are already bound")
        if not callable(factory):
            raise TLSchemaError(f"bind needs a class factory, not {_type_name(factory)}")
        self._factory = factory
        self._classes = [None] * len(self._ctors)

    def class_of(self, index: int) -> type:
        """The class of constructor ``index`` (in :meth:`constructors` order), made by the
        factory on first use."""
        if self._factory is None:
            raise TLSchemaError("the codec has no classes bound")
        if not 0 <= index < len(self._classes):
            raise TLSchemaError(f"no constructor {index} in a schema of {len(self._classes)}")
        cls = self._classes[index]
        if cls is None:
            made = self._factory(index)
            if not isinstance(made, type):
                raise TLSchemaError(f"the class factory returned no class for constructor {index}")
            cls = self._classes[index]
            if cls is None:  # a factory that re-entered for this constructor set it first
                cls = self._classes[index] = made
                self._class_index[made] = self._ctors[index]
        return cls

    # ------------------------------------------------------------------ type resolution

    def _check_type(self, cname: str, fname: str, ty: str, generics: set[str]) -> None:
        kind = self._kind(ty, generics)
        if kind == "vector":
            if ty[7:-1] == "true":
                raise TLSchemaError(f"{cname}.{fname}: unknown type {ty}")
            self._check_type(cname, fname, ty[7:-1], generics)
        elif kind == "unknown":
            raise TLSchemaError(f"{cname}.{fname}: unknown type {ty}")

    def _kind(self, ty: str, generics: set[str] | None = None) -> str:
        if ty in _PRIMITIVE_READERS or ty in ("Bool", "true"):
            return ty
        if ty.startswith(("Vector<", "vector<")) and ty.endswith(">"):
            return "vector"
        if ty.startswith("!") or ty in ("Object", "Type") or (generics and ty in generics):
            return "any"
        if ty.startswith("%"):
            cands = self._by_type.get(ty[1:], {})
            return "bare" if len(cands) == 1 else "unknown"
        last = ty.rsplit(".", 1)[-1]
        if last[:1].islower():
            c = self._by_name.get(ty)
            return "bare" if c is not None and not c.is_function else "unknown"
        if ty in self._by_type:
            return "boxed"
        if len(ty) == 1 and generics is None:
            return "any"
        return "unknown"

    def _bare_ctor(self, ty: str) -> _Ctor:
        if ty.startswith("%"):
            return next(iter(self._by_type[ty[1:]].values()))
        return self._by_name[ty]

    # ---------------------------------------------------------------------------- decode

    def _reader(self, ty: str) -> Reader:
        """The reader of a value of ``ty`` (cached per type string)."""
        found = self._readers.get(ty)
        if found is not None:
            return found
        reader = self._make_reader(ty)
        self._readers[ty] = reader
        return reader

    def _make_reader(self, ty: str) -> Reader:
        prim = _PRIMITIVE_READERS.get(ty)
        if prim is not None:
            return prim
        kind = self._kind(ty)
        if kind == "Bool":
            return self._read_bool
        if kind == "vector":
            return self._vector_reader(ty, ty.startswith("V"), ty[7:-1])
        if kind == "bare":
            ctor = self._bare_ctor(ty)

            def read_bare(data: Any, pos: int, depth: int, b: list[int]) -> tuple[Any, int]:
                if depth >= MAX_DEPTH:
                    raise _deep(pos)
                body = ctor.body_reader or self._compile_reader(ctor)
                return body(data, pos, depth + 1, b)

            return read_bare
        table = self._any_table if kind == "any" else self._by_type[ty]
        expected = None if kind == "any" else ty

        def read_boxed(data: Any, pos: int, depth: int, b: list[int]) -> tuple[Any, int]:
            if pos + 4 > len(data):
                raise _end(pos, 4, len(data))
            ctor = table.get(_u32(data, pos)[0])
            if ctor is None:
                return self._read_special(data, pos, depth, expected, b)
            if depth >= MAX_DEPTH:
                raise _deep(pos)
            body = ctor.body_reader or self._compile_reader(ctor)
            return body(data, pos + 4, depth + 1, b)

        return read_boxed

    def _read_special(
        self, data: Any, pos: int, depth: int, expected: str | None, b: list[int]
    ) -> tuple[Any, int]:
        """A boxed value whose id is not in the expected table: gzip_packed, Bool or Vector
        in an ``Object`` position, or an error."""
        cid = _u32(data, pos)[0]
        if cid == ID_GZIP:
            if depth >= MAX_DEPTH:
                raise _deep(pos)
            raw, end = _read_raw(data, pos + 4, len(data))
            inner = self._gunzip(raw, pos, b)
            value, used = self._reader(expected or "Object")(inner, 0, depth + 1, b)
            if used != len(inner):
                raise TrailingBytesError(
                    f"{len(inner) - used} trailing bytes after the object at offset {used}"
                )
            return value, end
        if expected is None:
            if cid in (ID_BOOL_TRUE, ID_BOOL_FALSE):
                return cid == ID_BOOL_TRUE, pos + 4
            if cid == ID_VECTOR:
                # a vector in an Object position nests like an object (it can hold itself)
                if depth >= MAX_DEPTH:
                    raise _deep(pos)
                return self._reader("Vector<Object>")(data, pos, depth + 1, b)
        known = self._by_id.get(cid)
        if known is None:
            if cid == ID_VECTOR:
                raise WrongTypeError(
                    f"constructor vector (0x{cid:08x}) at offset {pos} is not of type {expected}"
                )
            if cid in (ID_BOOL_TRUE, ID_BOOL_FALSE):
                name = "boolTrue" if cid == ID_BOOL_TRUE else "boolFalse"
                raise WrongTypeError(
                    f"constructor {name} (0x{cid:08x}) at offset {pos} is not of type {expected}"
                )
            raise _unknown(cid, pos)
        raise WrongTypeError(
            f"constructor {known.name} (0x{cid:08x}) at offset {pos} is not of type {expected}"
        )

    @staticmethod
    def _gunzip(raw: bytes, pos: int, b: list[int]) -> bytes:
        left = b[1]
        d = zlib.decompressobj(31)
        try:
            out = d.decompress(raw, min(left, sys.maxsize - 1) + 1)
        except zlib.error:
            raise TLDecodeError(f"gzip_packed at offset {pos} holds bad compressed data") from None
        if len(out) > left:
            raise LimitExceededError(
                f"gzip_packed at offset {pos} unpacks past the decode budget of {b[3]} bytes"
            )
        if not d.eof:
            raise TLDecodeError(f"gzip_packed at offset {pos} holds bad compressed data")
        b[1] -= len(out)
        return out

    def _read_bool(self, data: Any, pos: int, depth: int, b: list[int]) -> tuple[bool, int]:
        if pos + 4 > len(data):
            raise _end(pos, 4, len(data))
        cid = _u32(data, pos)[0]
        if cid == ID_BOOL_TRUE:
            return True, pos + 4
        if cid == ID_BOOL_FALSE:
            return False, pos + 4
        if cid == ID_GZIP:
            return self._read_special(data, pos, depth, "Bool", b)
        known = self._by_id.get(cid)
        if known is None and cid != ID_VECTOR:
            raise _unknown(cid, pos)
        name = "vector" if known is None else known.name
        raise WrongTypeError(
            f"constructor {name} (0x{cid:08x}) at offset {pos} is not of type Bool"
        )

    def _vector_reader(self, ty: str, boxed: bool, elem: str) -> Reader:
        min_size = _MIN_SIZE.get(elem, 4)
        fixed = _FIXED.get(elem)
        elem_reader = None if fixed is not None else self._reader(elem)
        code = fixed[1] if fixed is not None else ""

        def read_vector(data: Any, pos: int, depth: int, b: list[int]) -> tuple[list[Any], int]:
            n = len(data)
            if boxed:
                if pos + 4 > n:
                    raise _end(pos, 4, n)
                cid = _u32(data, pos)[0]
                if cid != ID_VECTOR:
                    if cid == ID_GZIP:
                        return self._read_special(data, pos, depth, ty, b)
                    known = self._by_id.get(cid)
                    if known is None and cid not in (ID_BOOL_TRUE, ID_BOOL_FALSE):
                        raise _unknown(cid, pos)
                    name = (
                        known.name
                        if known is not None
                        else ("boolTrue" if cid == ID_BOOL_TRUE else "boolFalse")
                    )
                    raise WrongTypeError(
                        f"constructor {name} (0x{cid:08x}) at offset {pos} is not of type {ty}"
                    )
                pos += 4
            if pos + 4 > n:
                raise _end(pos, 4, n)
            count = _i32(data, pos)[0]
            left = n - pos - 4
            if count < 0 or count * min_size > left:
                raise LimitExceededError(
                    f"vector of {count} elements at offset {pos} exceeds the {left} bytes left"
                )
            if count > b[0]:
                raise LimitExceededError(
                    f"vector of {count} elements at offset {pos} exceeds the decode budget of "
                    f"{b[2]} elements"
                )
            b[0] -= count
            pos += 4
            if elem_reader is None:
                items = list(struct.unpack_from(f"<{count}{code}", data, pos))
                return items, pos + count * min_size
            items = []
            append = items.append
            for _ in range(count):
                item, pos = elem_reader(data, pos, depth, b)
                append(item)
            return items, pos

        return read_vector

    def _compile_reader(self, ctor: _Ctor) -> Reader:
        """Compiles the body decoder of ``ctor`` (after its id) into a Python function."""
        ns: dict[str, Any] = {
            "_cls": self.class_of(ctor.index),
            "_new": _new,
            "_end": _end,
            "_end_run": _end_run,
            "_u32": _u32,
            "_over": _over_budget,
        }
        # The element budget is charged first, for the whole constructor (see `Budget`).
        cost = 1 + sum(1 for f in ctor.fields if f[1] != "#")
        lines = [
            "def _body(data, pos, depth, b):",
            f"    b[0] -= {cost}",
            f"    if b[0] < 0: raise _over({ctor.name!r}, pos, b)",
            "    n = len(data)",
            "    o = _new(_cls)",
        ]
        run: list[tuple[str, str]] = []  # pending unconditional fixed fields (target, code)

        def flush() -> None:
            if not run:
                return
            sizes = tuple(_FIXED[t][0] for _, t in run)
            total = sum(sizes)
            fmt = "<" + "".join(_FIXED[t][1] for _, t in run)
            ns[f"_s{len(ns)}"] = struct.Struct(fmt).unpack_from
            unpack = f"_s{len(ns) - 1}"
            lines.append(f"    if pos + {total} > n: raise _end_run(pos, n, {sizes!r})")
            names = ", ".join(t for t, _ in run)
            lines.append(f"    {names}, = {unpack}(data, pos)")
            lines.append(f"    pos += {total}")
            run.clear()

        assigns: list[str] = []
        for i, (fname, ftype, flag, bit) in enumerate(ctor.fields):
            var = f"f_{fname}"
            if ftype == "#" or (not flag and ftype in _FIXED):
                run.append((var, ftype))
                if ftype != "#":
                    assigns.append(fname)
                continue
            flush()
            if ftype == "true":
                lines.append(f"    if f_{flag} & {1 << bit}: {var} = True")
                lines.append(f"    else: {var} = False")
                assigns.append(fname)
                continue
            reader = f"_r{i}"
            ns[reader] = self._reader(ftype)
            if flag:
                lines.append(f"    if f_{flag} & {1 << bit}:")
                lines.append(f"        {var}, pos = {reader}(data, pos, depth, b)")
                lines.append(f"    else: {var} = None")
            else:
                lines.append(f"    {var}, pos = {reader}(data, pos, depth, b)")
            assigns.append(fname)
        flush()
        for fname in assigns:
            if keyword.iskeyword(fname):
                lines.append(f"    setattr(o, {fname!r}, f_{fname})")
            else:
                lines.append(f"    o.{fname} = f_{fname}")
        lines.append("    return o, pos")
        exec("\n".join(lines), ns)
        body: Reader = ns["_body"]
        ctor.body_reader = body
        return body

    def decode(
        self,
        data: Any,
        exact: bool = True,
        *,
        max_inflated: int = MAX_INFLATED,
        max_elements: int = MAX_ELEMENTS,
    ) -> Any:
        """Decodes one boxed value (an object, a Bool or a vector) from ``data``, within the
        decode budget (``LimitExceededError`` beyond it).

        With ``exact`` (the default), bytes left after the value raise ``TrailingBytesError``.
        """
        data = _data_arg(data)
        value, pos = self._decode(data, 0, max_inflated, max_elements)
        if exact and pos != len(data):
            raise TrailingBytesError(
                f"{len(data) - pos} trailing bytes after the object at offset {pos}"
            )
        return value

    def decode_prefix(
        self,
        data: Any,
        offset: int = 0,
        *,
        max_inflated: int = MAX_INFLATED,
        max_elements: int = MAX_ELEMENTS,
    ) -> tuple[Any, int]:
        """Decodes one boxed value starting at ``offset``; returns it and the offset after it.
        An ``offset`` outside the data, however large, is a ``TLDecodeError``."""
        data = _data_arg(data)
        if not isinstance(offset, int):
            raise InvalidTypeError(f"offset must be int, not {_type_name(offset)}")
        if not 0 <= offset <= len(data):
            raise TLDecodeError(f"offset {offset} is outside the data")
        return self._decode(data, offset, max_inflated, max_elements)

    def _decode(
        self, data: bytes, offset: int, max_inflated: int, max_elements: int
    ) -> tuple[Any, int]:
        if max_inflated is MAX_INFLATED and max_elements is MAX_ELEMENTS:  # the common call
            budget = [MAX_ELEMENTS, MAX_INFLATED, MAX_ELEMENTS, MAX_INFLATED]
        else:
            inflated = _budget_arg(max_inflated, "max_inflated")
            elements = _budget_arg(max_elements, "max_elements")
            budget = [elements, inflated, elements, inflated]
        return self._reader("Object")(data, offset, 0, budget)

    # ---------------------------------------------------------------------------- encode

    def bytes_method(self) -> Callable[[Any], bytes]:
        """The ``__bytes__`` to install on the bound classes: encodes the object with this
        codec (``_native.TLCodec.bytes_method`` is the same without a Python frame)."""
        encode = self.encode

        def __bytes__(obj: Any) -> bytes:  # noqa: N807  # installed as a method
            """The boxed serialization (constructor id first, flags computed)."""
            return encode(obj)

        return __bytes__

    def encode(self, obj: Any) -> bytes:
        """Encodes ``obj`` boxed: its constructor id, then its fields (flags computed).

        Objects of another schema's classes leave the fast path for the checked one, which
        takes them over by name when id and fields match (:meth:`_adopt`)."""
        out = bytearray()
        try:
            self._nested_writer("Object")(out, obj, 0)
        except TLEncodeError:
            raise
        except Exception:
            out = bytearray()
            self._slow("Object", obj, out, "value", 0)
        return bytes(out)

    def _nested_writer(self, ty: str) -> NestedWriter:
        writer: Any = self._writer(ty)
        return writer  # type: ignore[no-any-return]

    def _writer(self, ty: str) -> Writer | NestedWriter:
        """The writer of ``ty``: a :data:`Writer` for primitives, else a :data:`NestedWriter`."""
        found = self._writers.get(ty)
        if found is not None:
            return found
        writer = self._make_writer(ty)
        self._writers[ty] = writer
        return writer

    def _make_writer(self, ty: str) -> Writer | NestedWriter:
        prim = _PRIMITIVE_WRITERS.get(ty)
        if prim is not None:
            return prim
        kind = self._kind(ty)
        if kind == "vector":
            boxed = ty.startswith("V")
            elem: Any = self._writer(ty[7:-1])
            nested = ty[7:-1] not in _PRIMITIVE_WRITERS

            def write_vector(out: bytearray, value: Any, depth: int) -> None:
                if not isinstance(value, (list, tuple)):
                    raise TypeError("not a list")
                if boxed:
                    out += _VECTOR_BYTES
                out += _pack_i32(len(value))
                if nested:
                    for item in value:
                        elem(out, item, depth)
                else:
                    for item in value:
                        elem(out, item)

            return write_vector
        index = self._class_index
        if kind == "bare":
            want = self._bare_ctor(ty)

            def write_bare(out: bytearray, value: Any, depth: int) -> None:
                ctor = index.get(type(value))
                if ctor is not want or depth >= MAX_DEPTH:
                    raise TypeError("wrong constructor or too deep")
                (want.body_writer or self._compile_writer(want))(value, out, depth + 1)

            return write_bare
        expected = None if kind == "any" else ty

        def write_boxed(out: bytearray, value: Any, depth: int) -> None:
            ctor = index.get(type(value))
            if ctor is None:
                if expected is None and isinstance(value, bool):
                    out += _TRUE_BYTES if value else _FALSE_BYTES
                    return
                if expected is None and isinstance(value, (list, tuple)) and depth < MAX_DEPTH:
                    self._nested_writer("Vector<Object>")(out, value, depth + 1)
                    return
                raise TypeError("not a TL object")
            if expected is not None and (ctor.is_function or ctor.result != expected):
                raise TypeError("wrong type")
            if depth >= MAX_DEPTH:
                raise TypeError("too deep")
            out += ctor.id_bytes
            (ctor.body_writer or self._compile_writer(ctor))(value, out, depth + 1)

        return write_boxed

    def _compile_writer(self, ctor: _Ctor) -> Callable[[Any, bytearray, int], None]:
        ns: dict[str, Any] = {"_pack": {}}
        lines = ["def _body(o, out, depth):"]
        flag_bits: dict[str, list[tuple[str, int, bool]]] = {}
        for fname, ftype, flag, bit in ctor.fields:
            if ftype == "#":
                flag_bits[fname] = []
                continue
            get = f"getattr(o, {fname!r})" if keyword.iskeyword(fname) else f"o.{fname}"
            lines.append(f"    v_{fname} = {get}")
            if flag:
                flag_bits[flag].append((fname, bit, ftype == "true"))
        for word, bits in flag_bits.items():
            terms = [
                f"({1 << b} if v_{f} else 0)"
                if is_true
                else f"({1 << b} if v_{f} is not None else 0)"
                for f, b, is_true in bits
            ]
            lines.append(f"    w_{word} = {' | '.join(terms) or '0'}")
        run: list[tuple[str, str]] = []

        def flush() -> None:
            if not run:
                return
            fmt = "<" + "".join(_FIXED[t][1] for _, t in run)
            name = f"_s{len(ns)}"
            ns[name] = struct.Struct(fmt).pack
            lines.append(f"    out += {name}({', '.join(v for v, _ in run)})")
            run.clear()

        for i, (fname, ftype, flag, bit) in enumerate(ctor.fields):
            if ftype == "#":
                run.append((f"w_{fname}", "#"))
                continue
            if ftype == "true":
                continue
            if not flag and ftype in _FIXED:
                run.append((f"v_{fname}", ftype))
                continue
            flush()
            writer = f"_w{i}"
            ns[writer] = self._writer(ftype)
            call = f"{writer}(out, v_{fname}{'' if ftype in _PRIMITIVE_WRITERS else ', depth'})"
            if flag:
                lines.append(f"    if w_{flag} & {1 << bit}: {call}")
            else:
                lines.append(f"    {call}")
        flush()
        lines.append("    return None")
        exec("\n".join(lines), ns)
        body: Callable[[Any, bytearray, int], None] = ns["_body"]
        ctor.body_writer = body
        return body

    # The checked encoder: slow, and the source of TLEncodeError messages (the native codec
    # checks in the same order and words its errors the same way).

    def _slow(self, ty: str, value: Any, out: bytearray, path: str, depth: int) -> None:
        kind = self._kind(ty)
        if kind in ("int", "long"):
            if not isinstance(value, int):
                raise TLEncodeError(f"{path}: expected {ty}, got {_type_name(value)}")
            lo, hi = _INT_RANGE[kind]
            if not lo <= value < hi:
                raise TLEncodeError(f"{path}: value out of range for {ty}")
            out += _pack_i32(value) if kind == "int" else _pack_i64(value)
        elif kind == "double":
            if not isinstance(value, (int, float)):
                raise TLEncodeError(f"{path}: expected {ty}, got {_type_name(value)}")
            try:
                out += _pack_f64(value)
            except OverflowError:
                raise TLEncodeError(f"{path}: value out of range for {ty}") from None
        elif kind in ("int128", "int256"):
            size = 16 if kind == "int128" else 32
            if isinstance(value, int) and not isinstance(value, bool):  # no bool nonces
                if not -(1 << (size * 8 - 1)) <= value < 1 << (size * 8):
                    raise TLEncodeError(f"{path}: value out of range for {ty}")
            elif isinstance(value, (bytes, bytearray, memoryview)):
                if len(value) != size:
                    raise TLEncodeError(f"{path}: expected {size} bytes for {ty}, got {len(value)}")
            else:
                raise TLEncodeError(f"{path}: expected {ty}, got {_type_name(value)}")
            _PRIMITIVE_WRITERS[kind](out, value)
        elif kind in ("string", "bytes"):
            if isinstance(value, str):
                try:
                    value = value.encode("utf-8")
                except UnicodeEncodeError:
                    raise TLEncodeError(f"{path}: string is not valid UTF-8") from None
            elif not isinstance(value, (bytes, bytearray, memoryview)):
                raise TLEncodeError(f"{path}: expected {ty}, got {_type_name(value)}")
            if len(value) >= 1 << 24:
                raise TLEncodeError(f"{path}: {len(value)} bytes is too long for {ty}")
            _write_raw(out, value)
        elif kind == "Bool":
            if not isinstance(value, bool):
                raise TLEncodeError(f"{path}: expected Bool, got {_type_name(value)}")
            out += _TRUE_BYTES if value else _FALSE_BYTES
        elif kind == "vector":
            if not isinstance(value, (list, tuple)):
                raise TLEncodeError(f"{path}: expected {ty}, got {_type_name(value)}")
            if ty.startswith("V"):
                out += _VECTOR_BYTES
            out += _pack_i32(len(value))
            for item in value:
                self._slow(ty[7:-1], item, out, path, depth)
        else:
            ctor = self._class_index.get(type(value)) or self._adopt(value, path)
            if ctor is None:
                if kind == "any" and isinstance(value, bool):
                    out += _TRUE_BYTES if value else _FALSE_BYTES
                    return
                if kind == "any" and isinstance(value, (list, tuple)):
                    if depth >= MAX_DEPTH:
                        raise TLEncodeError(f"{path}: nesting deeper than {MAX_DEPTH} levels")
                    self._slow("Vector<Object>", value, out, path, depth + 1)
                    return
                want = "Object" if kind == "any" else ty
                raise TLEncodeError(f"{path}: expected {want}, got {_type_name(value)}")
            if kind == "bare":
                if ctor is not self._bare_ctor(ty):
                    raise TLEncodeError(f"{path}: expected {ty}, got {ctor.name}")
            elif kind == "boxed" and (ctor.is_function or ctor.result != ty):
                raise TLEncodeError(f"{path}: expected {ty}, got {ctor.name}")
            if depth >= MAX_DEPTH:
                raise TLEncodeError(f"{path}: nesting deeper than {MAX_DEPTH} levels")
            if kind != "bare":
                out += ctor.id_bytes
            self._slow_body(ctor, value, out, depth + 1)

    def _adopt(self, value: Any, path: str) -> _Ctor | None:
        """This schema's constructor for ``value`` when it is an object of another schema's
        classes: the one of the same name, with the same id and fields (a ``TLEncodeError``
        says which differs); ``None`` for any other value. The twin of ``Codec::adopt``."""
        # A class made by a schema holds its declaration in its own namespace (a subclass
        # only inherits it, and is refused like any other class).
        declared = vars(type(value)).get("_tl_declaration")
        if declared is None:
            return None
        try:
            cid, name, _, declared_fields, _ = declared
            fields = [tuple(f) for f in declared_fields]
        except (TypeError, ValueError):
            return None
        ctor = self._by_name.get(name)
        if ctor is None:
            layer = "" if self._layer == -1 else f" (layer {self._layer})"
            raise TLEncodeError(
                f"{path}: constructor {name} (0x{cid:08x}) is not in this schema{layer}"
            )
        if ctor.id != cid:
            raise TLEncodeError(
                f"{path}: {name} has id 0x{ctor.id:08x} in this schema and 0x{cid:08x} in "
                f"the object's schema"
            )
        ours = [tuple(f) for f in ctor.fields]
        if ours != fields:
            raise TLEncodeError(
                f"{path}: {name} (0x{cid:08x}) fields differ: ({_fields_text(ours)}) in this "
                f"schema, ({_fields_text(fields)}) in the object's schema"
            )
        return ctor

    def _slow_body(self, ctor: _Ctor, obj: Any, out: bytearray, depth: int) -> None:
        values: dict[str, Any] = {}
        missing = object()
        for fname, ftype, _, _ in ctor.fields:
            if ftype != "#":
                values[fname] = getattr(obj, fname, missing)
        words: dict[str, int] = {}
        for fname, ftype, flag, bit in ctor.fields:
            if ftype == "#":
                words[fname] = 0
            elif flag:
                v = values[fname]
                present = (
                    (v is not missing and bool(v))
                    if ftype == "true"
                    else (v is not missing and v is not None)
                )
                if present:
                    words[flag] |= 1 << bit
        for fname, ftype, flag, bit in ctor.fields:
            if ftype == "#":
                out += _pack_u32(words[fname])
                continue
            if ftype == "true" or (flag and not words[flag] >> bit & 1):
                continue
            v = values[fname]
            path = f"{ctor.name}.{fname}"
            if v is missing:
                raise TLEncodeError(f"{path}: required field is missing")
            if flag and v is None:
                # another field on the same bit is present: this one must be too
                raise TLEncodeError(f"{path}: required field is missing")
            self._slow(ftype, v, out, path, depth)
