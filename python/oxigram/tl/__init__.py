"""TL, Telegram's Type Language: schema loading, the object model and the codec.

The schema is data: ``mtproto.tl`` (the service schema) and ``api.tl`` (the whole of API
layer 229) ship with the package, with an index of them (``shipped_schema.index``) that import
reads instead of parsing the layer: classes are made on first use from their declarations, and
the selected backend's codec is compiled on the first encode or decode. :func:`load_schema`
reads another layer's file, parsed and checked in full when it is loaded.

    >>> from oxigram import tl
    >>> obj = tl.from_dict({"_": "messages.setBotCallbackAnswer", "query_id": 1, "cache_time": 0})
    >>> tl.loads(tl.dumps(obj)) == obj
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from . import functions, types
from ._model import (
    DECODE_MAX_ELEMENTS,
    DECODE_MAX_INFLATED,
    Schema,
    TLObject,
    python_name,
    shipped_schema,
)

__all__ = [
    "DECODE_MAX_ELEMENTS",
    "DECODE_MAX_INFLATED",
    "GZIP_THRESHOLD",
    "LAYER",
    "Schema",
    "TLObject",
    "dumps",
    "from_dict",
    "functions",
    "gzip_packed",
    "load_schema",
    "loads",
    "loads_prefix",
    "python_name",
    "schema",
    "types",
]

#: The shipped schema (the MTProto service schema + the whole API layer 229).
schema: Schema = shipped_schema()
#: The API layer of the shipped schema.
LAYER: int = schema.layer
# ``types`` (``types.messages.BotCallbackAnswer``) and ``functions``
# (``functions.messages.SetBotCallbackAnswer``) are the classes of the shipped schema, typed by
# the generated stubs ``types/*.pyi`` and ``functions/*.pyi`` (scripts/gen_tl_stubs.py).

#: Payloads at least this long are worth trying to gzip (Telethon uses 512 too).
GZIP_THRESHOLD = 512
_GZIP_ID = b"\xa1\xcf\x72\x30"


def load_schema(
    path: str | PathLike[str], *, layer: int | None = None, mtproto: bool = True
) -> Schema:
    """Loads another layer from a ``.tl`` file: Telegram Desktop's
    ``Telegram/SourceFiles/mtproto/scheme/api.tl`` or TDLib's
    ``td/generate/scheme/telegram_api.tl`` as they are, or a file of one's own.

    The layer (what the client announces in ``invokeWithLayer``) is the file's ``// LAYER N``
    line or ``layer``; one of them is required, and when both are there they must agree.
    With ``mtproto`` (the default) the shipped service schema is loaded with it, as a server
    connection needs both. Every constructor id is checked against the CRC32 of its line, and
    errors (:class:`~oxigram.errors.TLSchemaError`) name the file's own line numbers.

    The files' extra lines are handled by these rules, the same on both backends:

    - declarations of the built-in types (``int ? = Int;``, ``bytes = Bytes;``,
      ``int128 4*[ int ] = Int128;``, any declaration named ``int``, ``long``, ``double``,
      ``string``, ``bytes``, ``int128`` or ``int256``) are skipped: the codec implements
      those types; so are ``vector``, ``boolFalse``/``boolTrue`` and ``true``, whose ids are
      checked first;
    - a declaration the service schema also has (TDLib's ``ipPort``, ``help.configSimple``...)
      is loaded once when it is the same (name, id, fields, result); one that differs is an
      error at its line;
    - a constructor ``XLegacy`` whose id is the CRC32 of its line without the ``Legacy``
      suffix (TDLib keeps older forms of a few constructors that way) is skipped: it is not
      part of the layer; any other id is an error at its line, as usual;
    - a function ``XPrefix`` with the id of function ``X`` of the same file (TDLib writes a
      wrapper's leading fields with them) is skipped: it is ``X`` without its query.
    """
    from ._schema_file import prepare  # only loading another layer needs it

    text = Path(path).read_text(encoding="utf-8")
    service = _service_text() if mtproto else None
    return Schema(prepare(text, layer=layer, service=service))


def _service_text() -> str:
    return (Path(__file__).resolve().parent / "mtproto.tl").read_text(encoding="utf-8")


def dumps(obj: TLObject) -> bytes:
    """``bytes(obj)``: the boxed serialization, with the object's own schema."""
    if not isinstance(obj, TLObject):
        return schema.dumps(obj)
    return type(obj)._tl_encode(obj)


def loads(
    data: bytes | bytearray | memoryview,
    *,
    exact: bool = True,
    max_inflated: int = DECODE_MAX_INFLATED,
    max_elements: int = DECODE_MAX_ELEMENTS,
) -> Any:
    """Decodes one boxed value with the shipped schema; ``gzip_packed`` is unpacked.

    A hostile message cannot cost much: all its ``gzip_packed`` may unpack to
    ``max_inflated`` bytes together, and it may build ``max_elements`` elements (an object
    costs one plus its constructor's fields, a vector item one); beyond either, a
    ``LimitExceededError`` is raised as the input is read. The defaults
    (:data:`DECODE_MAX_INFLATED`, :data:`DECODE_MAX_ELEMENTS`) fit Telegram's largest answers.
    """
    if max_inflated == DECODE_MAX_INFLATED and max_elements == DECODE_MAX_ELEMENTS:
        return schema.loads(data, exact=exact)  # the common call, without keywords
    return schema.loads(data, exact=exact, max_inflated=max_inflated, max_elements=max_elements)


def loads_prefix(
    data: bytes | bytearray | memoryview,
    offset: int = 0,
    *,
    max_inflated: int = DECODE_MAX_INFLATED,
    max_elements: int = DECODE_MAX_ELEMENTS,
) -> tuple[Any, int]:
    """Decodes one boxed value at ``offset``; returns it and the offset after it. The decode
    budget is :func:`loads`'s; an ``offset`` outside the data is a ``TLDecodeError``."""
    return schema.loads_prefix(data, offset, max_inflated=max_inflated, max_elements=max_elements)


def from_dict(d: Mapping[str, Any]) -> TLObject:
    """An object of the shipped schema from ``{"_": name, ...}``."""
    return schema.from_dict(d)


def gzip_packed(data: bytes, *, threshold: int = GZIP_THRESHOLD) -> bytes:
    """Wraps serialized ``data`` in ``gzip_packed#3072cfa1`` when it is at least
    ``threshold`` bytes long and the packed form is smaller; otherwise returns ``data``."""
    if len(data) < threshold:
        return data
    import gzip  # here, not at import: most programs never send a payload this large

    packed = gzip.compress(data, mtime=0)
    out = bytearray(_GZIP_ID)
    n = len(packed)
    if n < 254:
        out.append(n)
        out += packed
        out += b"\0" * (-(n + 1) & 3)
    else:
        out += (254 | n << 8).to_bytes(4, "little")
        out += packed
        out += b"\0" * (-n & 3)
    return bytes(out) if len(out) < len(data) else data
