"""The shipped schema is read lazily, with the same outcome as reading it in full.

``oxigram.tl.Schema`` and the pure codec take the shipped schema's headers from
``tl/shipped_schema.index`` (written by scripts/gen_tl_schema.py) and read a declaration only
when it is first used; the schema compiles its codec on the first encode or decode; a class is
found by name without indexing every namespace. All of it only skips work: these tests check
that what it gives is what the full reading gives, that the index is current, and that any
other text is still parsed and checked in full, with the same errors.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from oxigram import _schema_index as index
from oxigram import tl
from oxigram._pure.tl import TLCodec
from oxigram._pure.tl.schema import parse_schema, parse_schema_spans
from oxigram.errors import TLSchemaError
from oxigram.tl._model import Namespace, Schema, python_name, shipped_text

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> Any:
    script = ROOT / "scripts" / "gen_tl_schema.py"
    spec = importlib.util.spec_from_file_location("gen_tl_schema", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_index_is_current() -> None:
    """tl/shipped_schema.index is exactly what scripts/gen_tl_schema.py writes for the
    shipped mtproto.tl and api.tl (run it after changing either)."""
    api = (ROOT / "python" / "oxigram" / "tl" / "api.tl").read_text(encoding="utf-8")
    assert index.INDEX_FILE.read_text(encoding="utf-8") == _generator().render_index(api), (
        "run: python scripts/gen_tl_schema.py"
    )
    assert index.find_index(shipped_text()) is not None


def _fields_read(codec: Any) -> int:
    """How many declarations the pure codec has read (all, when it parsed its text)."""
    if isinstance(codec._schema, index.SchemaIndex):
        return codec._schema.read()
    return len(codec._schema)


def test_the_lazy_codec_gives_what_the_full_parse_gives() -> None:
    text = shipped_text()
    layer, descs = parse_schema(text)
    lazy = TLCodec(text)
    assert _fields_read(lazy) == 0  # nothing read yet
    assert lazy.layer == layer == 229
    assert lazy.headers() == [(d[0], d[1], d[2], d[4]) for d in descs]
    i = next(i for i, d in enumerate(descs) if d[1] == "messages.setBotCallbackAnswer")
    assert lazy.constructor(i) == descs[i]
    assert _fields_read(lazy) == 1
    assert lazy.constructors() == descs
    full = TLCodec(text + "\n")  # another text: parsed and checked in full
    assert _fields_read(full) == len(descs)
    assert full.constructors() == descs


def test_only_the_shipped_text_uses_the_index() -> None:
    text = shipped_text()
    assert index.find_index(text + "\n") is None
    assert index.find_index(text.replace("LAYER 229", "LAYER 230")) is None
    # a changed declaration is an error, as it always was: the index is not consulted
    broken = text.replace(
        "inputPeerSelf#7da07ec9 = InputPeer;", "inputPeerSelf#7da07ec8 = InputPeer;"
    )
    line = text[: text.index("inputPeerSelf#")].count("\n") + 1
    with pytest.raises(TLSchemaError, match=f"^line {line}: constructor id 0x7da07ec8 "):
        TLCodec(broken)


def test_the_lazy_codec_encodes_and_decodes_as_the_full_one() -> None:
    text = shipped_text()
    lazy, full = Schema(text, codec=_pure_tl()), Schema(text + "\n", codec=_pure_tl())
    assert _fields_read(lazy._codec) == 0
    d = {
        "_": "messages.setBotCallbackAnswer",
        "query_id": 7,
        "message": "hi",
        "alert": True,
        "cache_time": 0,
    }
    data = full.dumps(full.from_dict(d))
    assert lazy.dumps(lazy.from_dict(d)) == data
    assert lazy.loads(data).to_dict() == full.loads(data).to_dict() == d


def _pure_tl() -> Any:
    from oxigram._pure import tl as pure_tl

    return pure_tl


SPANNED = (
    "// a comment\r\n"
    "---types---\n"
    "a#{a} x:int = A; // trailing\n"
    "\n"
    "b  y:long // the rest of b\n"
    "   z:string\n"
    "  = B;\n"
    "// LAYER 3\n"
    "---functions---\n"
    "c q:A = B;\n"
)


def test_each_span_reads_back_its_declaration() -> None:
    text = SPANNED.replace("{a}", f"{_crc('a x:int = A'):08x}")
    layer, descs, spans = parse_schema_spans(text)
    assert layer == 3
    assert [d[1] for d in descs] == ["a", "b", "c"]
    assert [s[0] for s in spans] == [3, 5, 10]
    for desc, span in zip(descs, spans, strict=True):
        assert index.read_declaration(text, span, (desc[0], desc[1], desc[2], desc[4])) == desc


def _crc(decl: str) -> int:
    from oxigram._pure.tl.schema import declaration_crc

    return declaration_crc(decl)


def test_the_first_fault_in_the_file_is_the_one_reported() -> None:
    """Reading declaration by declaration: a bad id on line 1 is reported before text after
    a ';' on line 2, and before a missing ';' at the end."""
    with pytest.raises(TLSchemaError, match=r"^line 1: constructor id"):
        parse_schema("a#00000001 = B;\nc = D; e\nf = G")
    with pytest.raises(TLSchemaError, match=r"^line 2: text after ';'"):
        parse_schema("a = B;\nc = D; e\nf = G")
    with pytest.raises(TLSchemaError, match=r"^line 3: declaration without ';'"):
        parse_schema("a = B;\nc = D;\nf = G")


def test_the_schema_compiles_its_codec_on_first_use() -> None:
    """``Schema`` of the shipped text: classes made before the codec are the ones the codec
    decodes into, and get the codec's own encoder once it is compiled."""
    for module in ("oxigram._pure.tl", "oxigram._native"):
        codec = pytest.importorskip(module)
        schema = Schema(shipped_text(), codec=codec)
        assert "_codec" not in schema.__dict__
        answer = schema.types.messages.BotCallbackAnswer
        query = schema.functions.messages.SetBotCallbackAnswer
        assert "_codec" not in schema.__dict__
        data = bytes(answer(cache_time=3, message="x", alert=True))  # compiles the codec
        assert "_codec" in schema.__dict__
        assert answer.__bytes__ is schema._bytes and query._tl_encode is schema._encode
        decoded = schema.loads(data)
        assert type(decoded) is answer and decoded == answer(cache_time=3, message="x", alert=True)
        # made after the codec: the codec's encoder from the start
        assert schema.types.PeerUser.__bytes__ is schema._bytes
        assert bytes(query(query_id=1, cache_time=0)) == tl.dumps(
            tl.functions.messages.SetBotCallbackAnswer(query_id=1, cache_time=0)
        )


def test_every_indexed_declaration_is_the_native_codec_s() -> None:
    native = pytest.importorskip("oxigram._native")
    text = shipped_text()
    lazy = index.find_index(text)
    assert lazy is not None
    compiled = native.TLCodec(text)
    assert compiled.layer == lazy.layer and compiled.headers() == lazy.headers
    for i in range(len(lazy.headers)):
        assert compiled.constructor(i) == lazy.declaration(i)


def test_a_damaged_index_is_an_error_that_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    content = index.INDEX_FILE.read_text(encoding="utf-8")
    damaged = tmp_path / "shipped_schema.index"
    damaged.write_text(content.replace("\ncount ", "\ncount 1"), encoding="utf-8")
    monkeypatch.setattr(index, "INDEX_FILE", damaged)
    index._index_fields.cache_clear()
    try:
        with pytest.raises(TLSchemaError, match=r"is damaged .*run scripts/gen_tl_schema\.py"):
            index.find_index(shipped_text())
    finally:
        index._index_fields.cache_clear()


def _full_index_lookup(space: Namespace, name: str) -> str | None:
    """The TL name the namespace index gives for class ``name`` (what the lookup gave
    before it guessed)."""
    return space._schema._space(space._is_function, space._ns).classes.get(name)


@pytest.mark.parametrize("is_function", [False, True])
def test_a_class_found_by_name_is_the_one_the_index_names(is_function: bool) -> None:
    schema = tl.schema
    for name in schema.names():
        ns, pyname = python_name(name)
        space = Namespace(schema, is_function, ns)
        expected = _full_index_lookup(space, pyname)
        assert schema._class_name(is_function, ns, pyname) == expected, name
        # and names that are not classes here are left to the index
        assert schema._class_name(is_function, ns, pyname[:1].lower() + pyname[1:]) is None
    assert schema._class_name(False, "", "messages.botCallbackAnswer") is None
    assert schema._class_name(False, "", "Messages") is None


def test_two_tl_names_for_one_class_name_pick_the_later_one() -> None:
    """``fooBar`` and ``FooBar`` are both the class ``FooBar``; the later declaration wins,
    in the lookup by name as in the namespace index."""
    text = "fooBar = T;\nFooBar x:int = T;\n// LAYER 1\n"
    for module in ("oxigram._pure.tl", "oxigram._native"):
        codec = pytest.importorskip(module)
        schema = Schema(text, codec=codec)
        assert schema._class_name(False, "", "FooBar") == "FooBar"
        assert schema.types.FooBar._tl_name == "FooBar"
        assert _full_index_lookup(schema.types, "FooBar") == "FooBar"
