"""The index of the shipped schema, so that importing it does not parse all of layer 229.

Parsing and checking the ~2,500 declarations of the shipped schema takes ~11 ms in the native
codec and tens of milliseconds in the pure one, at every ``import oxigram.tl``. The package
therefore ships ``tl/shipped_schema.index``, written by ``scripts/gen_tl_schema.py`` from the
full parse of the shipped schema text (``mtproto.tl``, a newline, ``api.tl``): that text's
SHA-256, its layer and, per constructor, the header (id, name, section, result) and where its
declaration is in the text. Given exactly that text, :func:`find_index` returns a
:class:`SchemaIndex`, which has the headers at once and reads a declaration's fields only when
asked; ``oxigram.tl.Schema`` makes its classes from it and compiles its codec on first encode
or decode, and the pure codec reads its declarations through it. Any other text gets ``None``
and is parsed and checked in full, as before. The index is a cache of the full parse, never a
second source: ``tests/unit/test_tl_lazy_schema.py`` checks that it is current and that every
declaration read through it equals the full parse, on both backends.

A leaf module (the standard library and :mod:`oxigram.errors` only), like ``errors``: the
backends and ``tl`` both use it.

The file is line-oriented text: ``#`` comments, then ``key value`` lines; the columns hold one
space-separated entry per constructor (``functions`` one character each; the span columns 8
hex digits each, so that one entry is read by slicing); the headers read in under a
millisecond.
"""

from __future__ import annotations

import functools
import hashlib
import struct
from pathlib import Path

from .errors import TLSchemaError

__all__ = [
    "COLUMNS",
    "INDEX_FILE",
    "CtorDesc",
    "FieldDesc",
    "Header",
    "SchemaIndex",
    "Span",
    "declaration_code",
    "digest",
    "find_index",
    "read_declaration",
]

INDEX_FILE = Path(__file__).resolve().parent / "tl" / "shipped_schema.index"

# (field name, type, flag word name or "", flag bit or -1)
FieldDesc = tuple[str, str, str, int]
# (constructor id, name, is_function, fields, result type)
CtorDesc = tuple[int, str, bool, list[FieldDesc], str]
# (constructor id, name, is_function, result type): what is needed of every constructor at once.
Header = tuple[int, str, bool, str]
# Where a declaration is in the schema text: (first line number, offset of that line, offset
# after its last line).
Span = tuple[int, int, int]

_SPAN_COLUMNS = ("lines", "starts", "ends")
#: The span columns' entries are 8 hex digits and a space each.
_WIDTH = 9
#: The columns of the file, in order.
COLUMNS = ("ids", "functions", "names", "results", *_SPAN_COLUMNS)


def digest(text: str) -> str:
    """The SHA-256 that names a schema text in its index."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def declaration_code(lines: str) -> str:
    """The declaration (without its ``;``) that starts on the first of ``lines`` and ends on
    the last: comments dropped, the lines' code joined by single spaces, as a reader of the
    file sees it."""
    codes = (line.partition("//")[0].strip() for line in lines.splitlines())
    return " ".join(code for code in codes if code).partition(";")[0]


def read_declaration(text: str, span: Span, header: Header) -> CtorDesc:
    """The constructor with ``header`` declared at ``span`` of ``text``, a text whose every
    declaration was parsed and checked when its index was written: only the fields are read,
    without the checks (a few microseconds instead of ~35)."""
    tokens = declaration_code(text[span[1] : span[2]]).split()
    fields: list[FieldDesc] = []
    for tok in tokens[1 : tokens.index("=")]:
        if tok[0] == "{":  # a generic parameter is not a field
            continue
        # name:type or name:word.bit?type (a checked text has no other form, and no ':' or
        # '?' inside a type)
        fname, colon, ftype = tok.partition(":")
        if not colon:
            raise TLSchemaError(f"line {span[0]}: {header[1]}: unsupported argument '{tok}'")
        condition, question, conditional_type = ftype.partition("?")
        if question:
            word, _, bit = condition.partition(".")
            fields.append((fname, conditional_type, word, int(bit)))
        else:
            fields.append((fname, ftype, "", -1))
    return (header[0], header[1], header[2], fields, header[3])


class SchemaIndex:
    """One schema text, read lazily: the headers at once, each declaration on first use."""

    def __init__(
        self, text: str, layer: int, headers: list[Header], span_columns: dict[str, str]
    ) -> None:
        self.layer = layer
        self.headers = headers
        self._text = text
        # Fixed-width entries: constructor i's span is read by slicing, nothing up front.
        self._lines, self._starts, self._ends = (span_columns[k] for k in _SPAN_COLUMNS)
        self._descs: list[CtorDesc | None] = [None] * len(headers)

    def declaration(self, index: int) -> CtorDesc:
        """Constructor ``index`` (in header order), as the full parse gives it."""
        if not 0 <= index < len(self._descs):
            raise TLSchemaError(f"no constructor {index} in a schema of {len(self._descs)}")
        desc = self._descs[index]
        if desc is None:
            desc = read_declaration(self._text, self.span(index), self.headers[index])
            self._descs[index] = desc
        return desc

    def span(self, index: int) -> Span:
        """Where constructor ``index`` is declared in the text."""
        at = slice(_WIDTH * index, _WIDTH * index + _WIDTH - 1)
        return (int(self._lines[at], 16), int(self._starts[at], 16), int(self._ends[at], 16))

    def read(self) -> int:
        """How many declarations have been read so far (the tests' measure of laziness)."""
        return sum(d is not None for d in self._descs)


def _damaged(what: str) -> TLSchemaError:
    return TLSchemaError(f"{INDEX_FILE.name} is damaged ({what}): run scripts/gen_tl_schema.py")


@functools.cache
def _index_fields() -> dict[str, str]:
    """The ``key value`` lines of the shipped index (empty when the file is missing)."""
    try:
        content = INDEX_FILE.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    fields: dict[str, str] = {}
    for line in content.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition(" ")
            fields[key] = value
    return fields


def find_index(text: object) -> SchemaIndex | None:
    """The lazy reading of ``text`` when the shipped index is the index of exactly this text;
    ``None`` otherwise (the caller parses the text in full)."""
    fields = _index_fields()
    if not isinstance(text, str) or not fields or fields.get("sha256") != digest(text):
        return None
    try:
        hex_ids = fields["ids"].replace(" ", "")
        ids = list(struct.unpack(f">{len(hex_ids) // 8}I", bytes.fromhex(hex_ids)))
        functions = [c == "f" for c in fields["functions"]]
        names = fields["names"].split()
        results = fields["results"].split()
        count = int(fields["count"])
        layer = int(fields["layer"])
        span_columns = {k: fields[k] for k in _SPAN_COLUMNS}
    except (KeyError, ValueError, struct.error) as exc:
        raise _damaged(f"{exc!r}") from None
    lengths = {len(ids), len(functions), len(names), len(results), count}
    lengths.update((len(span_columns[k]) + 1) // _WIDTH for k in _SPAN_COLUMNS)
    if len(lengths) != 1:
        raise _damaged("its columns differ in length")
    headers = list(zip(ids, names, functions, results, strict=True))
    return SchemaIndex(text, layer, headers, span_columns)
