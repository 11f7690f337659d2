"""``tl.load_schema``: the layer it announces, the shapes of Telegram Desktop's and TDLib's
files (each rule of its docstring), and errors that name the file's own lines. The fixtures
are small files written here in the shapes of those projects' files."""

# ruff: noqa: E501  # the fixtures' declarations are one line each, as in those files

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from oxigram import _backend, tl
from oxigram.errors import BackendUnavailableError, TLSchemaError
from oxigram.tl._model import Schema
from oxigram.tl._schema_file import prepare

SHIPPED = Path(tl.__file__).resolve().parent

# TDLib's telegram_api.tl: built-in types first, no '// LAYER' line, the service schema's
# ipPort & co., an older constructor kept as *Legacy and *Prefix functions that reuse the ids
# of the wrappers they prefix.
TDLIB = """\
int ? = Int;
long ? = Long;
double ? = Double;
string ? = String;

bytes = Bytes;

true#3fedd339 = True;

boolFalse#bc799737 = Bool;
boolTrue#997275b5 = Bool;

vector#1cb5c415 {t:Type} # [ t ] = Vector t;

error#c4b9f9bb code:int text:string = Error;

ipPort#d433ad73 ipv4:int port:int = IpPort;
ipPortSecret#37982646 ipv4:int port:int secret:bytes = IpPort;
accessPointRule#4679b65f phone_prefix_rules:string dc_id:int ips:vector<IpPort> = AccessPointRule;
help.configSimple#5a592a6c date:int expires:int rules:vector<AccessPointRule> = help.ConfigSimple;

inputPeerPhotoFileLocationLegacy#27d69997 flags:# big:flags.0?true peer:InputPeer volume_id:long local_id:int = InputFileLocation;

---functions---

test.useConfigSimple = help.ConfigSimple;

invokeWithBusinessConnectionPrefix#dd289f8e connection_id:string = Error;
invokeWithGooglePlayIntegrityPrefix#1df92984 nonce:string token:string = Error;

---types---

inputPeerEmpty#7f3b18ea = InputPeer;
inputPeerSelf#7da07ec9 = InputPeer;

inputPeerPhotoFileLocation#37257e99 flags:# big:flags.0?true peer:InputPeer photo_id:long = InputFileLocation;

---functions---

invokeWithBusinessConnection#dd289f8e {X:Type} connection_id:string query:!X = X;
invokeWithGooglePlayIntegrity#1df92984 {X:Type} nonce:string token:string query:!X = X;
"""

# Telegram Desktop: mtproto.tl's built-in lines (no ids, int128/int256), a service constructor
# it shares with ours, then api.tl's Bool/true/vector/error/null preamble and '// LAYER N'.
TDESKTOP = """\
int ? = Int;
long ? = Long;
double ? = Double;
string ? = String;

vector {t:Type} # [ t ] = Vector t;

int128 4*[ int ] = Int128;
int256 8*[ int ] = Int256;

resPQ#05162463 nonce:int128 server_nonce:int128 pq:bytes server_public_key_fingerprints:Vector<long> = ResPQ;

///////////////////////////////
///////// Main application API
///////////////////////////////

boolFalse#bc799737 = Bool;
boolTrue#997275b5 = Bool;

true#3fedd339 = True;

vector#1cb5c415 {t:Type} # [ t ] = Vector t;

error#c4b9f9bb code:int text:string = Error;

null#56730bcc = Null;

inputPeerEmpty#7f3b18ea = InputPeer;
inputPeerSelf#7da07ec9 = InputPeer;

---functions---

invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;

// LAYER 229
"""


def write(tmp_path: Path, text: str, name: str = "api.tl") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ the layer


def test_the_layer_comes_from_the_file_or_the_argument(tmp_path: Path) -> None:
    bare = write(tmp_path, "inputPeerEmpty#7f3b18ea = InputPeer;\n")
    with pytest.raises(TLSchemaError, match=r"no '// LAYER N' line: pass the layer"):
        tl.load_schema(bare)
    assert tl.load_schema(bare, layer=228).layer == 228
    marked = write(tmp_path, "inputPeerEmpty#7f3b18ea = InputPeer;\n// LAYER 228\n", "m.tl")
    assert tl.load_schema(marked).layer == 228
    assert tl.load_schema(marked, layer=228).layer == 228
    with pytest.raises(TLSchemaError, match=r"layer=229, but the file says '// LAYER 228'"):
        tl.load_schema(marked, layer=229)


@pytest.mark.parametrize("bad", [0, -1])
def test_the_layer_is_positive(tmp_path: Path, bad: int) -> None:
    bare = write(tmp_path, "inputPeerEmpty#7f3b18ea = InputPeer;\n")
    with pytest.raises(TLSchemaError, match=f"layer must be positive, not {bad}"):
        tl.load_schema(bare, layer=bad)


def test_the_layer_is_an_int(tmp_path: Path) -> None:
    bare = write(tmp_path, "inputPeerEmpty#7f3b18ea = InputPeer;\n")
    for bad in (True, "229", 229.0):
        with pytest.raises(TLSchemaError, match="layer must be an int"):
            tl.load_schema(bare, layer=bad)  # type: ignore[arg-type]


def test_the_shipped_layer_loads_as_a_file() -> None:
    loaded = tl.load_schema(SHIPPED / "api.tl")
    assert loaded.layer == tl.LAYER == 229
    assert sorted(loaded.names()) == sorted(tl.schema.names())
    send = loaded["messages.sendMedia"]
    assert send._tl_id == tl.schema["messages.sendMedia"]._tl_id
    assert send is not tl.schema["messages.sendMedia"]  # another schema, its own classes


# ------------------------------------------------------------------ TDLib and Desktop files


def test_tdlib_file(tmp_path: Path) -> None:
    loaded = tl.load_schema(write(tmp_path, TDLIB), layer=229)
    names = set(loaded.names())
    # built-in type lines and the codec's own constructors are no classes
    assert not names & {"int", "long", "double", "string", "bytes", "true", "vector"}
    assert not names & {"boolFalse", "boolTrue"}
    # the older form kept under *Legacy and the *Prefix functions are left out
    assert "inputPeerPhotoFileLocationLegacy" not in names
    assert "invokeWithBusinessConnectionPrefix" not in names
    assert "invokeWithGooglePlayIntegrityPrefix" not in names
    # the rest is there: error, id-less test functions, the wrappers, the service schema
    assert {"error", "test.useConfigSimple", "inputPeerPhotoFileLocation"} <= names
    assert {"invokeWithBusinessConnection", "invokeWithGooglePlayIntegrity"} <= names
    assert {"ipPort", "ipPortSecret", "accessPointRule", "help.configSimple", "ping"} <= names
    # a service declaration the file repeats is loaded once, as the service schema has it
    assert loaded.names().count("ipPort") == 1
    port = loaded["ipPortSecret"](ipv4=1, port=2, secret=b"s")
    assert loaded.loads(loaded.dumps(port)) == port
    assert loaded["invokeWithBusinessConnection"]._tl_id == 0xDD289F8E


def test_tdesktop_file(tmp_path: Path) -> None:
    loaded = tl.load_schema(write(tmp_path, TDESKTOP))
    assert loaded.layer == 229
    names = set(loaded.names())
    assert not names & {"int", "long", "double", "string", "int128", "int256", "vector"}
    assert {"error", "null", "inputPeerEmpty", "invokeWithLayer", "resPQ"} <= names
    assert loaded.names().count("resPQ") == 1


def test_both_backends_load_the_same_schema(tmp_path: Path) -> None:
    try:
        native = _backend.load("native").tl
    except BackendUnavailableError:
        pytest.skip("the native backend is not built")
    service = (SHIPPED / "mtproto.tl").read_text(encoding="utf-8")
    for text, layer in ((TDLIB, 229), (TDESKTOP, None)):
        prepared = prepare(text, layer=layer, service=service)
        pure, nat = (Schema(prepared, codec=c) for c in (_backend.load("python").tl, native))
        assert pure.layer == nat.layer == 229
        assert pure._codec.constructors() == nat._codec.constructors()


# ----------------------------------------------------------------------------- the rules


def test_a_legacy_or_prefix_line_with_another_id_is_an_error(tmp_path: Path) -> None:
    legacy = TDLIB.replace("Legacy#27d69997", "Legacy#27d69998")
    line = 1 + legacy.splitlines().index(
        next(x for x in legacy.splitlines() if x.startswith("inputPeerPhotoFileLocationLegacy"))
    )
    with pytest.raises(TLSchemaError, match=rf"^line {line}: constructor id 0x27d69998 of "):
        tl.load_schema(write(tmp_path, legacy), layer=229)
    # without the function it prefixes, a *Prefix line is checked like any other
    orphan = TDLIB.replace(
        "invokeWithBusinessConnection#dd289f8e {X:Type} connection_id:string query:!X = X;", ""
    )
    line = 1 + orphan.splitlines().index(
        next(x for x in orphan.splitlines() if x.startswith("invokeWithBusinessConnectionPrefix"))
    )
    with pytest.raises(TLSchemaError, match=rf"^line {line}: constructor id 0xdd289f8e of "):
        tl.load_schema(write(tmp_path, orphan), layer=229)


def test_a_service_declaration_that_differs_is_an_error(tmp_path: Path) -> None:
    # same name, another field (its id is then the CRC32 of its own line)
    text = "inputPeerEmpty#7f3b18ea = InputPeer;\n\nipPort ipv4:int port:long = IpPort;\n"
    with pytest.raises(TLSchemaError, match=r"^line 3: ipPort#[0-9a-f]{8} differs from the "):
        tl.load_schema(write(tmp_path, text), layer=229)
    # same id and text, but declared as a function
    text = "---functions---\nipPort#d433ad73 ipv4:int port:int = IpPort;\n"
    with pytest.raises(TLSchemaError, match=r"^line 2: ipPort#d433ad73 differs from the service"):
        tl.load_schema(write(tmp_path, text), layer=229)
    # without the service schema there is nothing to differ from
    assert "ipPort" in tl.load_schema(write(tmp_path, text), layer=229, mtproto=False)


# ------------------------------------------------------------------------- line numbers


def error_line(tmp_path: Path, text: str, **kw: Any) -> str:
    with pytest.raises(TLSchemaError) as info:
        tl.load_schema(write(tmp_path, text), **kw)
    return str(info.value)


@pytest.mark.parametrize("mtproto", [True, False])
def test_errors_name_the_files_own_lines(tmp_path: Path, mtproto: bool) -> None:
    # a bad id after the preamble (whose lines are dropped) and a multi-line declaration
    bad_id = TDESKTOP.replace("inputPeerSelf#7da07ec9", "inputPeerSelf#7da07ec8")
    line = 1 + bad_id.splitlines().index("inputPeerSelf#7da07ec8 = InputPeer;")
    assert error_line(tmp_path, bad_id, mtproto=mtproto).startswith(f"line {line}: ")
    split = "// a file\n\n---types---\npeerUser#59511722\n  user_id:long\n  = Peer\n  x;\n"
    assert error_line(tmp_path, split, layer=1, mtproto=mtproto).startswith(
        "line 4: constructor id 0x59511722 of peerUser does not match the CRC32"
    )
    assert "peerUser" in tl.load_schema(
        write(tmp_path, split.replace("  x;", ";")), layer=1, mtproto=mtproto
    )
    broken = "inputPeerEmpty#7f3b18ea = InputPeer;\n\npeerUser#59511722 user_id:long = Peer\n"
    assert error_line(tmp_path, broken, layer=1, mtproto=mtproto) == (
        "line 3: declaration without ';'"
    )
    syntax = "// LAYER 1\ninputPeerEmpty#7f3b18ea = InputPeer;\na x:int = A B;\n"
    assert error_line(tmp_path, syntax, mtproto=mtproto).startswith("line 3: a: bad result type")
