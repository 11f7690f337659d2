#!/usr/bin/env python3
"""Writes python/oxigram/tl/api.tl: the whole API layer, in the package's own form, and
python/oxigram/tl/shipped_schema.index: the index the shipped schema is read through.

Run by hand when the layer or mtproto.tl changes (then ``python scripts/gen_tl_stubs.py``):

    python scripts/gen_tl_schema.py [path/to/main_api.tl]   # --check: compare only

The reference defaults to ``<checkout>/../shared/tl/main_api.tl``. Every live declaration of
it is kept, in its order, normalized: comments dropped, one declaration per line, single
spaces, the id as 8 lowercase hex digits. Each id is checked against the CRC32 of its line
(protocol.md 1.4) before anything is written; the header records the source, its SHA-256 and
the layer. ``tests/unit/test_tl_schema_files.py`` checks that the shipped file is exactly this
script's output and agrees with the reference declaration for declaration.

The index (``oxigram._schema_index``) is written from the full parse of the shipped schema
text, ``mtproto.tl``, a newline and ``api.tl``, as ``oxigram.tl`` loads it; it is used only
for exactly that text (its SHA-256 is in the index).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = ROOT.parent / "shared" / "tl" / "main_api.tl"
OUTPUT = ROOT / "python" / "oxigram" / "tl" / "api.tl"
SERVICE = OUTPUT.with_name("mtproto.tl")
INDEX = OUTPUT.with_name("shipped_schema.index")
#: Where the reference comes from (its own first lines name the upstream files).
SOURCE = [
    "main_api.tl of kurigram 2.2.26 (PyPI, compiler/api/source/),",
    "itself from Telegram Desktop's api.tl and TDLib's telegram_api.tl.",
]


@functools.cache
def _crc_rules() -> tuple[object, frozenset[tuple[str, int]], frozenset[int]]:
    sys.path.insert(0, str(ROOT / "python"))
    try:
        from oxigram._pure.tl.schema import BUILTIN_IDS, WHITELISTED_IDS, declaration_crc
    finally:
        sys.path.pop(0)
    return declaration_crc, WHITELISTED_IDS, BUILTIN_IDS


def render_index(api: str) -> str:
    """The content of the index of the shipped schema with ``api`` as its ``api.tl``: the
    text is parsed and checked in full first (declarations, ids, field types), so a faulty
    schema is never indexed."""
    sys.path.insert(0, str(ROOT / "python"))
    try:
        from oxigram import _schema_index as index
        from oxigram._pure.tl import TLCodec
        from oxigram._pure.tl.schema import parse_schema_spans
    finally:
        sys.path.pop(0)
    text = SERVICE.read_text(encoding="utf-8") + "\n" + api  # as oxigram.tl loads it
    # A text the index does not name (one more newline) is parsed and checked in full.
    TLCodec(text + "\n")
    layer, descs, spans = parse_schema_spans(text)
    columns = {
        "ids": " ".join(f"{d[0]:08x}" for d in descs),
        "functions": "".join("f" if d[2] else "t" for d in descs),
        "names": " ".join(d[1] for d in descs),
        "results": " ".join(d[4] for d in descs),
        "lines": " ".join(f"{s[0]:08x}" for s in spans),
        "starts": " ".join(f"{s[1]:08x}" for s in spans),
        "ends": " ".join(f"{s[2]:08x}" for s in spans),
    }
    assert tuple(columns) == index.COLUMNS
    lines = [
        "# The index of the shipped schema (oxigram._schema_index): the header of each",
        "# constructor and where its declaration is, so that importing oxigram.tl reads a",
        "# declaration only when it is first used. Written by scripts/gen_tl_schema.py from",
        "# oxigram/tl/mtproto.tl, a newline and oxigram/tl/api.tl; do not edit by hand.",
        f"sha256 {index.digest(text)}",
        f"layer {layer}",
        f"count {len(descs)}",
        *(f"{key} {value}" for key, value in columns.items()),
        "",
    ]
    return "\n".join(lines)


def declarations(text: str) -> tuple[int, list[tuple[int, str, str]]]:
    """``(layer, [(line number, section, declaration without ';'), ...])`` of ``.tl`` text:
    comments dropped, a declaration spanning lines joined, whitespace collapsed."""
    layer = -1
    section = "types"
    out: list[tuple[int, str, str]] = []
    pending: list[str] = []
    start = 0
    for lineno, raw in enumerate(text.splitlines(), 1):
        code, sep, comment = raw.partition("//")
        words = comment.split()
        if sep and len(words) == 2 and words[0] == "LAYER" and words[1].isdigit():
            layer = int(words[1])
        code = code.strip()
        if not code:
            continue
        if not pending and code in ("---types---", "---functions---"):
            section = code.strip("-")
            continue
        if not pending:
            start = lineno
        pending.append(code)
        joined = " ".join(pending)
        if ";" in joined:
            decl, _, rest = joined.partition(";")
            if rest.strip():
                raise SystemExit(f"line {start}: text after ';'")
            out.append((start, section, " ".join(decl.split())))
            pending = []
    if pending:
        raise SystemExit(f"line {start}: declaration without ';'")
    return layer, out


def normalize(lineno: int, decl: str) -> str | None:
    """The package's form of one declaration (``None`` for the codec's built-ins), after
    checking its id against the CRC32 of its text."""
    declaration_crc, whitelisted, builtin = _crc_rules()
    head, _, rest = decl.partition(" ")
    name, hashmark, hex_id = head.partition("#")
    crc = declaration_crc(decl)  # type: ignore[operator]
    cid = int(hex_id, 16) if hashmark else crc
    if cid != crc and (name, cid) not in whitelisted:
        raise SystemExit(f"line {lineno}: id {cid:08x} of {name} is not the CRC32 {crc:08x}")
    if cid in builtin:
        return None
    return f"{name}#{cid:08x} {rest};"


def render(text: str) -> str:
    """The content of ``api.tl`` for the reference ``text``."""
    layer, decls = declarations(text)
    if layer < 0:
        raise SystemExit("the reference has no '// LAYER N' line")
    sections: dict[str, list[str]] = {"types": [], "functions": []}
    for lineno, section, decl in decls:
        line = normalize(lineno, decl)
        if line is not None:
            sections[section].append(line)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    n = len(sections["types"]) + len(sections["functions"])
    lines = [
        f"// Telegram's API at layer {layer}: every constructor and method of the layer ({n}).",
        "// Written by scripts/gen_tl_schema.py; do not edit by hand. Every id was checked",
        "// against the CRC32 of its line, and tests/unit/test_tl_schema_files.py checks every",
        "// line against the source.",
        f"// Source: {SOURCE[0]}",
        *(f"//   {line}" for line in SOURCE[1:]),
        f"// Source SHA-256: {digest}",
        f"// LAYER {layer}",
        "",
        "---types---",
        "",
        *sections["types"],
        "",
        "---functions---",
        "",
        *sections["functions"],
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reference", nargs="?", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = parser.parse_args(argv)
    text = render(args.reference.read_text(encoding="utf-8"))
    index = render_index(text)
    outputs = [(OUTPUT, text), (INDEX, index)]
    if args.check:
        stale = [path for path, content in outputs if _read(path) != content]
        for path, _ in outputs:
            print(f"{path.name} is {'stale' if path in stale else 'current'}")
        return 1 if stale else 0
    for path, content in outputs:
        path.write_text(content, encoding="utf-8")
    count = sum(1 for line in text.splitlines() if line.endswith(";"))
    print(f"{OUTPUT.relative_to(ROOT)}: {count} declarations")
    print(f"{INDEX.relative_to(ROOT)}: the index of mtproto.tl and {OUTPUT.name}")
    return 0


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


if __name__ == "__main__":
    raise SystemExit(main())
