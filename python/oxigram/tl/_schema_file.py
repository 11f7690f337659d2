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
from typing import NamedTuple

from .._pure.tl.schema import CtorDesc, declaration_crc, parse_schema
from ..errors import TLSchemaError

__all__ = ["prepare"]

#: Names of the types the codec implements itself (``int ? = Int;``, ``bytes = Bytes;``,
#: ``int128 4*[ int ] = Int128;``): their declarations are not constructors.
_BUILTIN_TYPE_NAMES = frozenset({"int", "long", "double", "string", "bytes", "int128", "int256"})


class _Decl(NamedTuple):
    first: int  # first line (1-based)
    last: int  # last line
    is_function: bool
    text: str  # without the final ';', whitespace collapsed
    name: str
    cid: int  # the written id, or the CRC32 when there is none


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
            cid = int(hex_id, 16) if mark else declaration_crc(text)
        except ValueError:
            cid = -1  # a malformed id: the parser names the line
        yield _Decl(first, lineno, is_function, text, name, cid)
    if pending:
        raise TLSchemaError(f"line {first}: declaration without ';'")


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
    if decl.is_function or not decl.name.endswith("Legacy"):
        return False
    unsuffixed = decl.name[: -len("Legacy")] + decl.text[len(decl.name) :]
    return declaration_crc(unsuffixed) == decl.cid


def _service_conflict(decl: _Decl, service: dict[str, CtorDesc], ids: dict[int, str]) -> str:
    """Why ``decl`` clashes with the service schema ("" when it does not, or repeats one of its
    declarations exactly)."""
    other = service.get(decl.name) or service.get(ids.get(decl.cid, ""))
    if other is None:
        return ""
    try:
        _, mine = parse_schema(("---functions---\n" if decl.is_function else "") + decl.text + ";")
    except TLSchemaError:
        return ""  # the parser reports it at its line
    if mine and mine[0] == other:
        return ""
    return f"{decl.name}#{decl.cid:08x} differs from the service schema's {other[1]}"


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
    functions = {d.name: d.cid for d in decls if d.is_function}
    service_by_name: dict[str, CtorDesc] = {}
    service_ids: dict[int, str] = {}
    if service is not None:
        service_by_name = {c[1]: c for c in parse_schema(service)[1]}
        service_ids = {c[0]: c[1] for c in service_by_name.values()}
    drop: list[_Decl] = []
    for d in decls:
        if d.name in _BUILTIN_TYPE_NAMES or _is_legacy_copy(d):
            drop.append(d)
        elif d.is_function and d.name.endswith("Prefix") and d.cid >= 0:
            if functions.get(d.name[: -len("Prefix")]) == d.cid:
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
