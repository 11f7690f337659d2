"""TL, Telegram's Type Language: schema loading, the object model and the codec.

The schema is data: ``mtproto.tl`` and ``api.tl`` ship with the package (layer 229, the subset
oxigram uses) and are parsed at import time by the selected backend; :func:`load_schema` reads
a user's full layer file the same way.

    >>> from oxigram import tl
    >>> obj = tl.from_dict({"_": "messages.setBotCallbackAnswer", "query_id": 1, "cache_time": 0})
    >>> tl.loads(tl.dumps(obj)) == obj
    True
"""

from __future__ import annotations

import gzip as _gzip
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from . import functions, types
from ._model import Schema, TLObject, python_name, shipped_schema

__all__ = [
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

#: The shipped schema (MTProto service layer + the API subset at layer 229).
schema: Schema = shipped_schema()
#: The API layer of the shipped schema.
LAYER: int = schema.layer
# ``types`` (``types.messages.BotCallbackAnswer``) and ``functions``
# (``functions.messages.SetBotCallbackAnswer``) are the classes of the shipped schema, typed by
# the generated stubs ``types/*.pyi`` and ``functions/*.pyi`` (scripts/gen_tl_stubs.py).

#: Payloads at least this long are worth trying to gzip (Telethon uses 512 too).
GZIP_THRESHOLD = 512
_GZIP_ID = b"\xa1\xcf\x72\x30"


def load_schema(path: str | PathLike[str], *, mtproto: bool = True) -> Schema:
    """Loads a full layer from a ``.tl`` file (e.g. Telegram Desktop's ``api.tl``).

    With ``mtproto`` (the default) the shipped service schema is loaded with it, as a server
    connection needs both. Every constructor id is checked against its CRC32.
    """
    text = Path(path).read_text(encoding="utf-8")
    if mtproto:
        text = (
            (Path(__file__).resolve().parent / "mtproto.tl").read_text(encoding="utf-8")
            + "\n"
            + text
        )
    return Schema(text)


def dumps(obj: TLObject) -> bytes:
    """``bytes(obj)``: the boxed serialization, with the object's own schema."""
    if not isinstance(obj, TLObject):
        return schema.dumps(obj)
    return type(obj)._tl_encode(obj)


def loads(data: bytes | bytearray | memoryview, *, exact: bool = True) -> Any:
    """Decodes one boxed value with the shipped schema; ``gzip_packed`` is unpacked."""
    return schema.loads(data, exact=exact)


def loads_prefix(data: bytes | bytearray | memoryview, offset: int = 0) -> tuple[Any, int]:
    """Decodes one boxed value at ``offset``; returns it and the offset after it."""
    return schema.loads_prefix(data, offset)


def from_dict(d: Mapping[str, Any]) -> TLObject:
    """An object of the shipped schema from ``{"_": name, ...}``."""
    return schema.from_dict(d)


def gzip_packed(data: bytes, *, threshold: int = GZIP_THRESHOLD) -> bytes:
    """Wraps serialized ``data`` in ``gzip_packed#3072cfa1`` when it is at least
    ``threshold`` bytes long and the packed form is smaller; otherwise returns ``data``."""
    if len(data) < threshold:
        return data
    packed = _gzip.compress(data, mtime=0)
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
