"""The schema reader against the reference schema (../shared/tl/): every published id is
reproduced by the CRC32 rule; the shipped api.tl is the whole layer, declaration for
declaration, as scripts/gen_tl_schema.py writes it; mtproto.tl agrees with the reference."""

from __future__ import annotations

import hashlib
import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

from oxigram._pure.tl.schema import (
    BUILTIN_IDS,
    WHITELISTED_IDS,
    declaration_crc,
    parse_schema,
)
from oxigram.errors import TLSchemaError
from tl_support import SHARED_TL

SHIPPED = Path(__file__).resolve().parents[2] / "python" / "oxigram" / "tl"
REFERENCE_FILES = ["main_api.tl", "sys_msgs.tl", "auth_key.tl"]
_DECL = re.compile(r"^([A-Za-z0-9_.]+)#([0-9a-fA-F]+)\s.*;$")


def reference_text(name: str) -> str:
    path = SHARED_TL / name
    if not path.is_file():
        pytest.skip(f"reference schema {path} not found")
    return path.read_text(encoding="utf-8")


def declarations(text: str, *, commented: bool) -> list[str]:
    """Every ``name#id ... ;`` declaration (also those commented out, if asked)."""
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if commented and line.startswith("//") and not line.startswith("///"):
            line = line[2:].strip()
        line = line.split("//", 1)[0].strip()
        if _DECL.match(line):
            out.append(line)
    return out


@pytest.mark.parametrize("name", REFERENCE_FILES)
def test_every_reference_id_matches_its_crc(name: str) -> None:
    text = reference_text(name)
    decls = declarations(text, commented=False)
    assert decls
    for decl in decls:
        head = decl.split()[0]
        tl_name, _, hex_id = head.partition("#")
        cid = int(hex_id, 16)
        if (tl_name, cid) in WHITELISTED_IDS:
            assert declaration_crc(decl) != cid
            continue
        assert declaration_crc(decl) == cid, decl
    # and the parser accepts the whole file (it checks every id itself)
    parse_schema(text)


def test_main_api_counts() -> None:
    layer, ctors = parse_schema(reference_text("main_api.tl"))
    assert layer == 229
    assert len(ctors) == 2465


def test_protocol_examples() -> None:
    assert declaration_crc("user id:int first_name:string last_name:string = User") == 0xD23C81A3
    assert declaration_crc("vector t:Type # [ t ] = Vector t") == 0x1CB5C415
    assert declaration_crc("vector#1cb5c415 {t:Type} # [ t ] = Vector t;") == 0x1CB5C415
    assert declaration_crc("invokeWithLayer X:Type layer:int query:!X = X") == 0xDA9B0D0D
    assert (
        declaration_crc("message msg_id:long seqno:int bytes:int body:Object = Message")
        == 0x5BB8E511
    )
    assert 0x5BB8E511 in BUILTIN_IDS


def test_bad_crc_is_rejected() -> None:
    with pytest.raises(TLSchemaError, match=r"line 2: constructor id 0x00000001 of peerUser"):
        parse_schema("---types---\npeerUser#1 user_id:long = Peer;\n")
    with pytest.raises(TLSchemaError, match="does not match the CRC32 0x59511722"):
        parse_schema("peerUser#1 user_id:long = Peer;")
    # an id may be left out: it is then the CRC32
    assert parse_schema("peerUser user_id:long = Peer;")[1][0][0] == 0x59511722


def test_syntax_errors() -> None:
    for bad in [
        "a#0 x:flags.0?int = A;",  # flags word not declared
        "a b = A;",
        "a x:int",
        "a x:int = A B;",
        "a x:int x:int = A;",
        "a x:true = A;",
        "a f:# x:f.32?int = A;",
    ]:
        with pytest.raises(TLSchemaError):
            parse_schema(bad)


def test_commented_builtin_lines_match_their_crc() -> None:
    """The lines the reference marks "parsed manually" (Bool, vector, containers...)."""
    seen = set()
    for name in REFERENCE_FILES:
        for decl in declarations(reference_text(name), commented=True):
            cid = int(decl.split()[0].split("#")[1], 16)
            if cid in BUILTIN_IDS:
                assert declaration_crc(decl) == cid, decl
                seen.add(cid)
    assert seen == BUILTIN_IDS


def reference_map() -> dict[str, tuple[int, list[tuple[str, str, str, int]], str]]:
    """name -> (id, fields, result) over the reference files; live lines win over lines
    that are commented out (only those whose id checks are taken)."""
    out: dict[str, tuple[int, list[tuple[str, str, str, int]], str]] = {}
    for commented in (True, False):
        for name in REFERENCE_FILES:
            for decl in declarations(reference_text(name), commented=commented):
                if _builtin(decl):
                    continue
                try:
                    _, ctors = parse_schema(decl)
                except TLSchemaError:
                    assert commented, decl
                    continue
                for cid, tl_name, _, fields, result in ctors:
                    out[tl_name] = (cid, fields, result)
    return out


def _builtin(decl: str) -> bool:
    return int(decl.split()[0].split("#")[1], 16) in BUILTIN_IDS


@pytest.mark.parametrize("file", ["mtproto.tl", "api.tl"])
def test_shipped_lines_match_the_reference(file: str) -> None:
    ref = reference_map()
    text = (SHIPPED / file).read_text(encoding="utf-8")
    layer, ctors = parse_schema(text)
    assert ctors
    for cid, name, _, fields, result in ctors:
        assert name in ref, name
        rcid, rfields, rresult = ref[name]
        assert (cid, result) == (rcid, rresult), name
        # the service schema may say string where the reference says bytes (same wire form)
        norm = [(f, "string" if t == "bytes" else t, fl, b) for f, t, fl, b in fields]
        rnorm = [(f, "string" if t == "bytes" else t, fl, b) for f, t, fl, b in rfields]
        assert norm == rnorm, name
    if file == "api.tl":
        assert layer == 229


def _inner(t: str) -> str:
    t = t.lstrip("!%")
    while t.lower().startswith("vector<"):
        t = t[7:-1]
    return t


def test_shipped_schema_is_closed() -> None:
    _ref_layer, ref = parse_schema(reference_text("main_api.tl"))
    ref_by_type: dict[str, set[str]] = {}
    for _, name, is_fn, _, result in ref:
        if not is_fn:
            ref_by_type.setdefault(result, set()).add(name)
    _, ctors = parse_schema((SHIPPED / "api.tl").read_text(encoding="utf-8"))
    names = {c[1] for c in ctors}
    prims = {"int", "long", "double", "string", "bytes", "int128", "int256", "true", "#", "Bool"}
    for _, name, is_fn, fields, result in ctors:
        refs = [_inner(f[1]) for f in fields]
        if is_fn:
            refs.append(_inner(result))
        for t in refs:
            if t in prims or t in ("X", "Object", "Type"):
                continue
            if t in ref_by_type:
                missing = ref_by_type[t] - names
                assert not missing, f"{name} references {t}; missing {sorted(missing)}"
            else:
                assert t in names, f"{name} references {t}"
    for root in [
        "messages.setBotCallbackAnswer",
        "messages.getBotCallbackAnswer",
        "account.getPassword",
        "auth.checkPassword",
        "auth.importBotAuthorization",
        "auth.signIn",
        "contacts.resolveUsername",
        "updates.getDifference",
        "updates.getChannelDifference",
        "help.getConfig",
        "updateBotCallbackQuery",
        "updateInlineBotCallbackQuery",
        "replyInlineMarkup",
    ]:
        assert root in names


def _generator() -> Any:
    script = Path(__file__).resolve().parents[2] / "scripts" / "gen_tl_schema.py"
    spec = importlib.util.spec_from_file_location("gen_tl_schema", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_api_is_the_whole_layer_line_for_line() -> None:
    """Every declaration of the reference, in its order, with the same name, id, section,
    fields and result; the header names the reference by its SHA-256, and the layer."""
    text = reference_text("main_api.tl")
    ref_layer, ref = parse_schema(text)
    shipped = (SHIPPED / "api.tl").read_text(encoding="utf-8")
    layer, ctors = parse_schema(shipped)
    assert (layer, len(ctors)) == (ref_layer, len(ref)) == (229, 2465)
    for mine, theirs in zip(ctors, ref, strict=True):
        assert mine == theirs, mine[1]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert f"// Source SHA-256: {digest}\n" in shipped
    assert "\n// LAYER 229\n" in shipped


def test_generator_output_is_current() -> None:
    """api.tl is exactly what scripts/gen_tl_schema.py writes from the reference."""
    rendered = _generator().render(reference_text("main_api.tl"))
    assert (SHIPPED / "api.tl").read_text(encoding="utf-8") == rendered, (
        "run: python scripts/gen_tl_schema.py"
    )


def test_generator_checks_every_id() -> None:
    gen = _generator()
    good = "---types---\npeerUser#59511722 user_id:long = Peer;\n// LAYER 7\n"
    assert "peerUser#59511722 user_id:long = Peer;" in gen.render(good)
    with pytest.raises(SystemExit, match="line 2: id 59511723 of peerUser is not the CRC32"):
        gen.render(good.replace("59511722", "59511723"))
    with pytest.raises(SystemExit, match="no '// LAYER N' line"):
        gen.render(good.replace("// LAYER 7", ""))
    # ids are written in full (an id-less line gets its CRC32); the codec's own
    # constructors are left out
    assert f"a#{declaration_crc('a = B'):08x} = B;" in gen.render("a = B;\n// LAYER 1")
    assert "inputMediaUploadedDocument#037c9330 " in gen.render(reference_text("main_api.tl"))
    assert "boolTrue" not in gen.render("boolTrue#997275b5 = Bool;\n// LAYER 1")


TRICKY = [
    "a x:Vector<bytes> y:flags.0?bytes flags:# = B;",  # a later flags word: an error
    "a flags:# y:flags.0?bytes z:flags.1?true v:vector<%B> = B;",
    "a {X:Type} flags:# q:!X w:flags.31?Vector<Vector<long>> = X;",
    "---functions---\na {X:Type} q:!X = X;\nb\n  c:int\n  = B;",
    "vector {t:Type} # [ t ] = Vector t;\nint128 4*[ int ] = Int128;",
    "a  b:int  =  B ;",
    "a#00000001 = B;",
    "a x:int> = B;",
    "a x:f.0?int = B;",
    "a f:# x:f.32?int = B;",
    "a f:# x:f.0?# = B;",
    "a x:!Y = B;",
    "a x:true = B;",
    "a x:int x:long = B;",
    "a 1x:int = B;",
    "a {x:Int} = B;",
    "a x = B;",
]


@pytest.mark.parametrize("text", TRICKY)
def test_both_parsers_agree(text: str) -> None:
    """The pure reader and the native one give the same constructors or the same error."""
    native = pytest.importorskip("oxigram._native")

    def outcome(parse: Any) -> Any:
        try:
            return parse(text)
        except TLSchemaError as exc:
            return str(exc)

    assert outcome(parse_schema) == outcome(native.TLCodec.parse_schema)


def test_both_parsers_agree_on_the_layer() -> None:
    native = pytest.importorskip("oxigram._native")
    for text in (reference_text("main_api.tl"), (SHIPPED / "api.tl").read_text("utf-8")):
        assert parse_schema(text) == native.TLCodec.parse_schema(text)
