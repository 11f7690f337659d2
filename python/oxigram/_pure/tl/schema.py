"""Pure-Python reader of ``.tl`` schema text: the twin of ``oxigram_core::tl::schema``.

The output of :func:`parse_schema` is plain data (tuples of str/int), identical for both
backends, so the object model can be built from either. Every declaration's constructor id is
checked against the CRC32 of its normalized text (protocol.md 1.4).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

from ..._schema_index import CtorDesc, FieldDesc, Span
from ...errors import TLSchemaError

__all__ = [
    "BUILTIN_IDS",
    "WHITELISTED_IDS",
    "CtorDesc",
    "FieldDesc",
    "SchemaDesc",
    "Span",
    "declaration_crc",
    "parse_schema",
    "parse_schema_spans",
]

# (layer or -1, constructors in file order)
SchemaDesc = tuple[int, list[CtorDesc]]

#: Published ids that do not follow the CRC32 rule (Telethon and tdesktop whitelist them).
WHITELISTED_IDS: frozenset[tuple[str, int]] = frozenset(
    {
        ("ipPortSecret", 0x37982646),
        ("accessPointRule", 0x4679B65F),
        ("help.configSimple", 0x5A592A6C),
    }
)

#: Constructors the codec implements itself; their declarations are checked and skipped.
#: boolFalse, boolTrue, true, vector, gzip_packed, msg_container, message (service), msg_copy.
BUILTIN_IDS: frozenset[int] = frozenset(
    {
        0xBC799737,
        0x997275B5,
        0x3FEDD339,
        0x1CB5C415,
        0x3072CFA1,
        0x73F1F8DC,
        0x5BB8E511,
        0xE06046B2,
    }
)

_NAME = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TRUE_FLAG = re.compile(r"^[A-Za-z0-9_]+:[A-Za-z0-9_]+\.[0-9]+\?true$")
_HEAD = re.compile(r"^([A-Za-z0-9_.]+)(?:#([0-9a-fA-F]{1,8}))?$")
_FLAG = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\.([0-9]+)\?(.+)$")
_TYPE = re.compile(r"^[A-Za-z0-9_.<>%!#]+$")
# The CRC rules on the arguments, applied to the whole text after the name at once (a layer
# has ~2,500 declarations, parsed at import): true-flags dropped, a final `bytes` read as
# `string`, `<` a space, `>{}` dropped.
_TRUE_ARG = re.compile(r" [A-Za-z0-9_]+:[A-Za-z0-9_]+\.[0-9]+\?true(?= |$)")
_BYTES_ARG = re.compile(r"([?:])bytes(?= |$)")
# A well-formed field, the common case: name, flag word, bit, type.
_FIELD = re.compile(
    r"([A-Za-z_][A-Za-z0-9_]*):(?:([A-Za-z_][A-Za-z0-9_]*)\.([0-9]+)\?)?([A-Za-z0-9_.<>%!#]+)"
)


def _normalize(tokens: list[str]) -> str:
    rest = " " + " ".join(tokens[1:])  # tokens separated by single spaces
    if "?true" in rest:
        rest = _TRUE_ARG.sub("", rest)
    if "bytes" in rest:
        rest = _BYTES_ARG.sub(r"\1string", rest)
    if "<" in rest:
        rest = rest.replace("<", " ").replace(">", "")
    if "{" in rest:
        rest = rest.replace("{", "").replace("}", "")
    return " ".join((tokens[0].split("#", 1)[0] + rest).split())


def declaration_crc(declaration: str) -> int:
    """CRC32 of a declaration normalized by the rules of protocol.md 1.4.

    ``declaration`` is one schema declaration with or without its ``#id`` and final ``;``.
    """
    text = declaration.strip()
    if text.endswith(";"):
        text = text[:-1]
    return zlib.crc32(_normalize(text.split()).encode("utf-8")) & 0xFFFFFFFF


def _err(lineno: int, message: str) -> TLSchemaError:
    return TLSchemaError(f"line {lineno}: {message}")


def _check_type(lineno: int, ty: str) -> None:
    if not _TYPE.match(ty) or ty.count("<") != ty.count(">"):
        raise _err(lineno, f"bad type '{ty}'")


def _simple_field(
    tok: str, names: set[str], nat_fields: set[str], generics: set[str]
) -> FieldDesc | None:
    """``tok`` as a field when it is well formed (the common case, checked in one go);
    ``None`` sends it through the checks one by one, which name the fault."""
    m = _FIELD.fullmatch(tok)
    if m is None:
        return None
    fname, word, bit_text, ftype = m.groups()
    if fname in names:
        return None
    if word is None:
        if ftype == "true":
            return None
        bit = -1
    else:
        bit = int(bit_text)
        if word not in nat_fields or bit > 31 or ftype == "#":
            return None
    if ftype[0] == "!" and ftype[1:] not in generics:
        return None
    if ("<" in ftype or ">" in ftype) and ftype.count("<") != ftype.count(">"):
        return None
    return (fname, ftype, word or "", bit)


def _parse_declaration(lineno: int, text: str, is_function: bool) -> CtorDesc | None:
    tokens = text.split()
    head = _HEAD.match(tokens[0])
    if head is None or not _NAME.match(head.group(1)):
        raise _err(lineno, f"bad constructor name '{tokens[0]}'")
    name = head.group(1)
    crc = zlib.crc32(_normalize(tokens).encode("utf-8")) & 0xFFFFFFFF
    if head.group(2) is None:
        cid = crc
    else:
        cid = int(head.group(2), 16)
        if cid != crc and (name, cid) not in WHITELISTED_IDS:
            raise _err(
                lineno,
                f"constructor id 0x{cid:08x} of {name} does not match the CRC32 0x{crc:08x} "
                f"of its declaration",
            )
    if cid in BUILTIN_IDS:
        return None
    try:
        eq = tokens.index("=")
    except ValueError:
        raise _err(lineno, f"{name}: missing '='") from None
    result = " ".join(tokens[eq + 1 :])
    if not result or " " in result:
        raise _err(lineno, f"{name}: bad result type '{result}'")
    _check_type(lineno, result)
    generics: set[str] = set()
    fields: list[FieldDesc] = []
    names: set[str] = set()
    nat_fields: set[str] = set()
    for tok in tokens[1:eq]:
        if tok.startswith("{"):
            if not tok.endswith("}") or ":" not in tok:
                raise _err(lineno, f"{name}: bad generic parameter '{tok}'")
            gname, gtype = tok[1:-1].split(":", 1)
            if not _IDENT.match(gname) or gtype != "Type":
                raise _err(lineno, f"{name}: bad generic parameter '{tok}'")
            generics.add(gname)
            continue
        field = _simple_field(tok, names, nat_fields, generics)
        if field is not None:
            names.add(field[0])
            if field[1] == "#":
                nat_fields.add(field[0])
            fields.append(field)
            continue
        # anything else: the checks one by one, for the error that names the fault
        if ":" not in tok:
            raise _err(lineno, f"{name}: unsupported argument '{tok}'")
        fname, ftype = tok.split(":", 1)
        if not _IDENT.match(fname):
            raise _err(lineno, f"{name}: bad field name '{fname}'")
        if fname in names:
            raise _err(lineno, f"{name}: duplicate field '{fname}'")
        names.add(fname)
        flag, bit = "", -1
        m = _FLAG.match(ftype)
        if m is not None:
            flag, bit, ftype = m.group(1), int(m.group(2)), m.group(3)
            if flag not in nat_fields:
                raise _err(
                    lineno, f"{name}: {fname} uses '{flag}', which is not an earlier # field"
                )
            if bit > 31:
                raise _err(lineno, f"{name}: {fname} uses bit {bit} of {flag}")
        elif ftype == "true":
            raise _err(lineno, f"{name}: {fname}:true must be conditional")
        if ftype == "#":
            if flag:
                raise _err(lineno, f"{name}: {fname} is a conditional # field")
            nat_fields.add(fname)
        else:
            _check_type(lineno, ftype)
            if ftype.startswith("!") and ftype[1:] not in generics:
                raise _err(lineno, f"{name}: {ftype} names no generic parameter")
        fields.append((fname, ftype, flag, bit))
    return (cid, name, is_function, fields, result)


def parse_schema(text: str) -> SchemaDesc:
    """Parses ``.tl`` text into ``(layer, constructors)``.

    Comments (``//`` to the end of a line) are ignored except ``// LAYER N``; a declaration
    may span lines until its ``;``. Raises :class:`~oxigram.errors.TLSchemaError` naming the
    line on syntax errors, CRC mismatches and duplicate ids or names.
    """
    layer, out, _ = parse_schema_spans(text)
    return layer, out


def parse_schema_spans(text: str) -> tuple[int, list[CtorDesc], list[Span]]:
    """:func:`parse_schema`, and where each constructor's declaration is in ``text``
    (what the index of the shipped schema records: ``oxigram._schema_index``)."""
    if not isinstance(text, str):
        raise TLSchemaError(f"schema text must be str, not {type(text).__name__}")
    statements = _Statements(text)
    out: list[CtorDesc] = []
    spans: list[Span] = []
    by_id: dict[int, CtorDesc] = {}
    by_name: dict[str, int] = {}
    for span, is_function, decl in statements:
        start = span[0]
        ctor = _parse_declaration(start, decl, is_function)
        if ctor is None:
            continue
        old = by_id.get(ctor[0])
        if old is not None:
            if old[1:] == ctor[1:]:
                continue
            raise _err(start, f"constructor id 0x{ctor[0]:08x} of {ctor[1]} is also {old[1]}")
        if ctor[1] in by_name:
            raise _err(start, f"duplicate constructor name {ctor[1]}")
        by_id[ctor[0]] = ctor
        by_name[ctor[1]] = ctor[0]
        out.append(ctor)
        spans.append(span)
    return statements.layer, out, spans


class _Statements:
    """The declarations of ``text``, in order, found as the iteration reaches them (so a
    fault in a declaration is reported before a fault further on, as a reader reading the
    file would): where each is, whether it is in the functions section, and its code
    without the ``;``. ``layer`` is the ``// LAYER N`` seen so far (or -1)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.layer = -1

    def __iter__(self) -> Iterator[tuple[Span, bool, str]]:
        is_function = False
        pending: list[str] = []
        start = begin = 0
        offset = 0
        for lineno, raw in enumerate(self.text.splitlines(keepends=True), 1):
            line_start = offset
            offset += len(raw)
            code, sep, comment = raw.partition("//")
            if sep:
                words = comment.split()
                if len(words) == 2 and words[0] == "LAYER" and words[1].isdigit():
                    self.layer = int(words[1])
            code = code.strip()
            if not code:
                continue
            if not pending:
                if code == "---functions---":
                    is_function = True
                    continue
                if code == "---types---":
                    is_function = False
                    continue
                start, begin = lineno, line_start
            pending.append(code)
            joined = " ".join(pending)
            if ";" not in joined:
                continue
            pending = []
            decl, _, rest = joined.partition(";")
            if rest.strip():
                raise _err(start, "text after ';'")
            yield (start, begin, offset), is_function, decl
        if pending:
            raise _err(start, "declaration without ';'")
