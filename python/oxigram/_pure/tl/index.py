"""The index of the shipped schema, so that the pure backend reads it lazily.

Parsing and checking all of layer 229 in Python takes tens of milliseconds, at every
``import oxigram.tl``. The package therefore ships ``shipped_schema.index`` beside this module:
written by ``scripts/gen_tl_schema.py`` from the full parse of the shipped schema text
(``mtproto.tl``, a newline, ``api.tl``), it holds that text's SHA-256, its layer and, per
constructor, the header (id, name, section, result) and where its declaration is. A codec given
exactly that text takes the headers from the index and reads a declaration's fields only when
its class or codec is first needed; any other text is parsed and checked in full, as before.
The index is a cache of the parse, never a second source: the generator checks its text and
``tests/unit/test_tl_schema_index.py`` checks that it is current and that the lazy reading
gives the same constructors as the full one.

The file is line-oriented text: ``#`` comments, then one ``key value`` line per column, the
columns holding one space-separated entry per constructor (``functions`` one character each),
which reads in about a millisecond.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from ...errors import TLSchemaError
from .schema import CtorDesc, Span, parse_schema_spans, read_checked_declaration

__all__ = ["INDEX_FILE", "Header", "SchemaIndex", "find_index", "render_index"]

INDEX_FILE = Path(__file__).resolve().with_name("shipped_schema.index")

# (constructor id, name, is_function, result type): what the codec needs of every constructor
# up front.
Header = tuple[int, str, bool, str]

_SPAN_COLUMNS = ("lines", "starts", "ends")
_COLUMNS = ("ids", "functions", "names", "results", *_SPAN_COLUMNS)


class SchemaIndex:
    """One schema text, read lazily: the headers at once, each declaration on first use."""

    def __init__(self, text: str, layer: int, headers: list[Header], spans: dict[str, str]) -> None:
        self.layer = layer
        self.headers = headers
        self._text = text
        self._span_columns = spans  # read into _spans with the first declaration
        self._spans: list[Span] = []
        self._descs: list[CtorDesc | None] = [None] * len(headers)

    def declaration(self, index: int) -> CtorDesc:
        """Constructor ``index``, as :func:`~.schema.parse_schema` gives it."""
        desc = self._descs[index]
        if desc is None:
            if not self._spans:
                self._spans = _spans(self._span_columns, len(self.headers))
            desc = read_checked_declaration(self._text, self._spans[index], self.headers[index])
            self._descs[index] = desc
        return desc


def _spans(columns: dict[str, str], count: int) -> list[Span]:
    lines, starts, ends = (list(map(int, columns[k].split())) for k in _SPAN_COLUMNS)
    if not len(lines) == len(starts) == len(ends) == count:
        raise TLSchemaError("the schema index is damaged: its columns differ in length")
    return list(zip(lines, starts, ends, strict=True))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def render_index(text: str, source: str) -> str:
    """The index file of schema ``text`` (``source`` says what the text is made of): the text
    is parsed and checked in full first, so a faulty schema is never indexed."""
    layer, descs, spans = parse_schema_spans(text)
    columns = {
        "ids": " ".join(f"{d[0]:08x}" for d in descs),
        "functions": "".join("f" if d[2] else "t" for d in descs),
        "names": " ".join(d[1] for d in descs),
        "results": " ".join(d[4] for d in descs),
        "lines": " ".join(str(s[0]) for s in spans),
        "starts": " ".join(str(s[1]) for s in spans),
        "ends": " ".join(str(s[2]) for s in spans),
    }
    lines = [
        "# The pure backend's index of the shipped schema (oxigram._pure.tl.index): the header",
        "# of each constructor and where its declaration is, so that a declaration is read only",
        "# when it is first used. Written by scripts/gen_tl_schema.py; do not edit by hand.",
        f"# Text: {source}",
        f"sha256 {_digest(text)}",
        f"layer {layer}",
        f"count {len(descs)}",
        *(f"{key} {columns[key]}" for key in _COLUMNS),
        "",
    ]
    return "\n".join(lines)


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


def find_index(text: str) -> SchemaIndex | None:
    """The lazy reading of ``text`` when the shipped index is the index of exactly this text;
    ``None`` otherwise (the caller parses the text in full)."""
    fields = _index_fields()
    if not fields or fields["sha256"] != _digest(text):
        return None
    ids = [int(x, 16) for x in fields["ids"].split()]
    functions = [c == "f" for c in fields["functions"]]
    names = fields["names"].split()
    results = fields["results"].split()
    count = int(fields["count"])
    if not len(ids) == len(functions) == len(names) == len(results) == count:
        raise TLSchemaError("the schema index is damaged: its columns differ in length")
    headers = list(zip(ids, names, functions, results, strict=True))
    spans = {k: fields[k] for k in _SPAN_COLUMNS}
    return SchemaIndex(text, int(fields["layer"]), headers, spans)
