"""A user's ``.tl`` file made ready for the codec (``load_schema``).

Telegram Desktop's ``api.tl`` and TDLib's ``telegram_api.tl`` carry lines the codec has no use
for, or that do not follow the CRC32 rule; :func:`prepare` settles each kind by one rule
(listed in :func:`oxigram.tl.load_schema`) in Python, before either backend's parser sees the
text, so both backends load the same schema and raise the same errors. Lines it drops become
empty lines and the service schema goes after the file, so every line keeps its number and the
parser's ``line N:`` errors name the file's own lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from .. import _backend
from ..errors import TLSchemaError

__all__ = ["prepare"]

#: (id, name, is_function, fields, result), as the backend's reader gives it.
CtorDesc = tuple[int, str, bool, list[tuple[str, str, str, int]], str]

#: Names of the types the codec implements itself (``int ? = Int;``, ``bytes = Bytes;``,
#: ``int128 4*[ int ] = Int128;``): their declarations are not constructors.
_BUILTIN_TYPE_NAMES = frozenset({"int", "long", "double", "string", "bytes", "int128", "int256"})


class _Decl(NamedTuple):
    first: int  # first line (1-based)
    last: int  # last line
    is_function: bool
    text: str  # without the final ';', whitespace collapsed
    name: str
    cid: int | None  # the written id; None when there is none (or it is not hex)


def _declarations(lines: list[str]) -> Iterator[_Decl]:
    """The declarations of a file, read by the parser's rules (``//`` comments, sections, a
    declaration spanning lines up to its ``;``)."""
    is_function = False
    pending: list[str] = []
    first = 0
    for lineno, raw in enumerate(lines, 1):
        code = raw.partition("//")[0].strip()
        if not code:
            continue
        if not pending:
            if code in ("---types---", "---functions---"):
                is_function = code == "---functions---"
                continue
            first = lineno
        pending.append(code)
        joined = " ".join(pending)
        if ";" not in joined:
            continue
        pending = []
        text = " ".join(joined.partition(";")[0].split())
        head = text.split(" ", 1)[0] if text else ""
        name, mark, hex_id = head.partition("#")
        try:
            cid = int(hex_id, 16) if mark else None
        except ValueError:
            cid = None  # a malformed id: the parser names the line
        yield _Decl(first, lineno, is_function, text, name, cid)
    if pending:
        raise TLSchemaError(f"line {first}: declaration without ';'")


def _parse(text: str) -> tuple[int, list[CtorDesc]]:
    reader: Any = _backend.selected.tl.TLCodec  # the same reader the codec uses
    return reader.parse_schema(text)  # type: ignore[no-any-return]


def _read_one(decl: _Decl, *, name: str | None = None, with_id: bool = True) -> CtorDesc | None:
    """``decl`` as the reader sees it (renamed to ``name``; without its id, which is then the
    CRC32 of the line), or ``None`` if it reads as nothing or not at all (the parser reports
    a faulty line at its number, later)."""
    rest = decl.text[len(decl.text.split(" ", 1)[0]) :]
    head = (name or decl.name) + (f"#{decl.cid:x}" if with_id and decl.cid is not None else "")
    section = "---functions---\n" if decl.is_function else ""
    try:
        found = _parse(f"{section}{head}{rest};")[1]
    except TLSchemaError:
        return None
    return found[0] if found else None


def _id(decl: _Decl) -> int | None:
    """The constructor id of ``decl``: the written one, or the CRC32 of its line."""
    if decl.cid is not None:
        return decl.cid
    read = _read_one(decl)
    return read[0] if read else None


def file_layer(lines: list[str]) -> int | None:
    """The last ``// LAYER N`` of the file (the parser's rule), or ``None``."""
    found = None
    for raw in lines:
        words = raw.partition("//")[2].split()
        if len(words) == 2 and words[0] == "LAYER" and words[1].isdigit():
            found = int(words[1])
    return found


def _is_legacy_copy(decl: _Decl) -> bool:
    """TDLib keeps older forms of a few constructors under a ``Legacy`` suffix, with the id of
    the line without the suffix (``inputPeerPhotoFileLocationLegacy#27d69997``)."""
    if decl.is_function or not decl.name.endswith("Legacy") or decl.cid is None:
        return False
    original = _read_one(decl, name=decl.name[: -len("Legacy")], with_id=False)
    return original is not None and original[0] == decl.cid


def _service_conflict(decl: _Decl, service: dict[str, CtorDesc], ids: dict[int, str]) -> str:
    """Why ``decl`` clashes with the service schema ("" when it does not, or repeats one of its
    declarations exactly)."""
    other = service.get(decl.name)
    if other is None:
        cid = _id(decl)
        other = service.get(ids.get(cid, "")) if cid is not None else None
    if other is None:
        return ""
    mine = _read_one(decl)
    if mine is None or mine == other:
        return ""  # a faulty line is the parser's to report, at its number
    return f"{mine[1]}#{mine[0]:08x} differs from the service schema's {other[1]}"


def prepare(text: str, *, layer: int | None, service: str | None) -> str:
    """The text to hand the codec for a user's schema ``text``: the file with the lines the
    rules drop emptied, ``service`` (the service schema, or ``None``) after it, and a
    ``// LAYER`` line when the file has none. Raises :class:`TLSchemaError` for a missing or
    contradictory layer and for declarations that clash with the service schema."""
    lines = text.splitlines()
    written = file_layer(lines)
    if layer is not None and (isinstance(layer, bool) or not isinstance(layer, int)):
        raise TLSchemaError(f"layer must be an int, not {type(layer).__name__}")
    if layer is not None and layer <= 0:
        raise TLSchemaError(f"layer must be positive, not {layer}")
    if layer is None and written is None:
        raise TLSchemaError("the file has no '// LAYER N' line: pass the layer (layer=N)")
    if layer is not None and written is not None and layer != written:
        raise TLSchemaError(f"layer={layer}, but the file says '// LAYER {written}'")
    decls = list(_declarations(lines))
    functions = {d.name: d for d in decls if d.is_function}
    service_by_name: dict[str, CtorDesc] = {}
    service_ids: dict[int, str] = {}
    if service is not None:
        service_by_name = {c[1]: c for c in _parse(service)[1]}
        service_ids = {c[0]: c[1] for c in service_by_name.values()}
    drop: list[_Decl] = []
    for d in decls:
        if d.name in _BUILTIN_TYPE_NAMES or _is_legacy_copy(d):
            drop.append(d)
        elif d.is_function and d.name.endswith("Prefix") and d.cid is not None:
            prefixed = functions.get(d.name[: -len("Prefix")])
            if prefixed is not None and _id(prefixed) == d.cid:
                drop.append(d)
        elif service is not None:
            conflict = _service_conflict(d, service_by_name, service_ids)
            if conflict:
                raise TLSchemaError(f"line {d.first}: {conflict}")
    for d in drop:
        for i in range(d.first - 1, d.last):
            _, sep, comment = lines[i].partition("//")
            lines[i] = sep + comment  # the comment stays (it may be the // LAYER line)
    if written is None:
        lines.append(f"// LAYER {layer}")
    if service is not None:
        lines.append(service)
    return "\n".join(lines)
