"""The generated ``.pyi`` stubs of ``oxigram.tl.types`` / ``functions``: no drift from the
schema, and ``mypy --strict`` actually checks code that uses the classes."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from oxigram import tl

ROOT = Path(__file__).resolve().parents[2]
TL_DIR = ROOT / "python" / "oxigram" / "tl"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_tl_stubs", ROOT / "scripts/gen_tl_stubs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_committed_stubs_match_the_schema() -> None:
    files: dict[str, str] = _generator().generate()
    committed = {
        f"{p.parent.name}/{p.name}": p.read_text(encoding="utf-8")
        for kind in ("types", "functions")
        for p in sorted((TL_DIR / kind).glob("*.pyi"))
    }
    assert sorted(committed) == sorted(files), "run: python scripts/gen_tl_stubs.py"
    stale = [rel for rel, text in files.items() if committed[rel] != text]
    assert not stale, f"stubs drifted from the schema ({stale}); run scripts/gen_tl_stubs.py"


def test_stubs_name_what_the_runtime_has() -> None:
    """Every class and namespace the stubs declare exists at run time, and back."""
    for name in tl.schema.names():
        cls = tl.schema[name]
        ns, pyname = tl.python_name(name)
        space = tl.functions if cls._tl_is_function else tl.types
        if ns:
            space = getattr(space, ns)
        assert getattr(space, pyname) is cls
        stub = (
            TL_DIR / ("functions" if cls._tl_is_function else "types") / f"{ns or '__init__'}.pyi"
        )
        assert f"\nclass {pyname}(_TLObject):\n" in stub.read_text(encoding="utf-8"), name
    from oxigram.tl.types.messages import BotCallbackAnswer

    assert BotCallbackAnswer is tl.schema["messages.botCallbackAnswer"]
    assert tl.types.messages.TypeBotCallbackAnswer is BotCallbackAnswer
    assert set(tl.types.TypeInputPeer.__args__) == {
        tl.schema[n] for n in tl.schema.names() if tl.schema[n]._tl_type == "InputPeer"
    }
    with pytest.raises(AttributeError):
        _ = tl.types.TypeNoSuchThing


GOOD = """
    from collections.abc import Sequence

    from oxigram import tl
    from oxigram.tl.types import InputPeerUser, TypeInputPeer

    answer = tl.types.messages.BotCallbackAnswer(cache_time=60, alert=True, message="ok")
    text: str | None = answer.message
    flag: bool = answer.native_ui
    peer: TypeInputPeer = InputPeerUser(user_id=1, access_hash=2)
    request = tl.functions.messages.GetBotCallbackAnswer(peer=peer, msg_id=3, data=b"x")
    data: bytes | None = request.data
    ids: Sequence[int] = tl.functions.messages.DeleteMessages(id=[1, 2]).id
"""

BAD = """
    from oxigram import tl

    answer = tl.types.messages.BotCallbackAnswer(cache_time="60")
    missing = tl.types.messages.BotCallbackAnswer(alert=True)
    wrong: int = answer.message
    peer = tl.functions.messages.GetBotCallbackAnswer(peer=b"x", msg_id=3)
"""


def test_mypy_checks_field_types(tmp_path: Path) -> None:
    api = pytest.importorskip("mypy.api", reason="mypy (a test extra) is not installed")
    config = tmp_path / "mypy.ini"
    config.write_text(f"[mypy]\nstrict = True\nmypy_path = {ROOT / 'python'}\n")
    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text(textwrap.dedent(GOOD))
    bad.write_text(textwrap.dedent(BAD))
    cache = ROOT / ".mypy_cache" / "tl-stubs-test"  # ignored by git; keeps reruns ~0.5 s
    common = ["--config-file", str(config), "--cache-dir", str(cache), "--no-error-summary"]
    out, err, status = api.run([*common, str(good)])
    assert status == 0, out + err
    out, err, status = api.run([*common, str(bad)])
    assert status == 1, out + err
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["4", "5", "6", "7"], out
    assert '"cache_time" to "BotCallbackAnswer" has incompatible type "str"' in errors[0]
    assert 'Missing named argument "cache_time"' in errors[1]
    assert '"str | None", variable has type "int"' in errors[2]
    assert 'incompatible type "bytes"' in errors[3]
