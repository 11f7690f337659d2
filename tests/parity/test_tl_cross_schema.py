"""Objects of one schema encoded by another: the same bytes when the constructor is there with
the same id and fields, else a ``TLEncodeError`` that says which of them differs; the same
outcome, bytes or message, on both backends.

The other schema is a small file in the shape of layer 201, where inline buttons were
``keyboardButtonCallback`` & co. and ``replyInlineMarkup`` had no flags (its id differs from
layer 229's). Its ids are the CRC32s of their lines (the codec checks them)."""

# ruff: noqa: E501  # the fixture's declarations are one line each, as in a schema file

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from oxigram.errors import TLEncodeError
from oxigram.tl import Schema
from tl_support import load_codec_module, shipped

LAYER_201 = """\
// LAYER 201
inputPeerUser#dde8a54c user_id:long access_hash:long = InputPeer;
peerUser#59511722 user_id:long = Peer;
keyboardButtonUrl#258aff05 text:string url:string = KeyboardButton;
keyboardButtonCallback#35bbdb6b flags:# requires_password:flags.0?true text:string data:bytes = KeyboardButton;
keyboardButtonGame#50f41ccf text:string = KeyboardButton;
keyboardButtonRow#77608b83 buttons:Vector<KeyboardButton> = KeyboardButtonRow;
replyKeyboardHide#a03e5b85 flags:# = ReplyMarkup;
replyInlineMarkup#48a30254 rows:Vector<KeyboardButtonRow> = ReplyMarkup;
updatesTooLong#e317af7e = Updates;
---functions---
messages.sendMessage#df67a3e0 flags:# peer:InputPeer message:string random_id:long reply_markup:flags.2?ReplyMarkup = Updates;
"""

MODULES = ["oxigram._pure.tl", "oxigram._native"]


@cache
def layer_201(module: str, *, layer_line: bool = True) -> Schema:
    text = LAYER_201 if layer_line else LAYER_201.split("\n", 1)[1]
    return Schema(text, codec=load_codec_module(module))


def outcome(schema: Schema, obj: Any) -> tuple[str, Any]:
    try:
        return "ok", schema.dumps(obj)
    except TLEncodeError as exc:
        return "error", str(exc)


def send(schema: Schema, peer: Any, markup: Any = None) -> Any:
    return schema["messages.sendMessage"](
        peer=peer, message="pick", random_id=1, reply_markup=markup
    )


def cases(module: str) -> dict[str, tuple[Schema, Any]]:
    """What each case encodes, and with which schema: objects of the shipped layer (229)
    given to the layer-201 codec and the reverse, alone and nested in the other's objects."""
    old, new = layer_201(module), shipped(module)
    peer = new["inputPeerUser"](user_id=5, access_hash=6)
    old_callback = old["keyboardButtonCallback"](text="Yes", data=b"yes")
    new_row = new["keyboardButtonRow"](buttons=[old_callback])  # same line at both layers
    inline = new["keyboardInlineButton"](
        text="Yes", type=new["inlineButtonTypeCallback"](data=b"yes")
    )

    class Sub(new["inputPeerUser"]):  # type: ignore[misc]
        pass

    return {
        "same_alone": (old, new["peerUser"](user_id=5)),
        "same_nested": (old, send(old, peer, old["replyKeyboardHide"]())),
        "same_holding_own": (old, old["replyInlineMarkup"](rows=[new_row])),
        "reverse": (new, old["keyboardButtonRow"](buttons=[])),
        "other_id": (old, send(old, peer, new["replyInlineMarkup"](rows=[]))),
        "other_fields": (old, send(old, peer, new["replyKeyboardHide"](selective=True))),
        "not_here": (old, old["keyboardButtonRow"](buttons=[inline])),
        "not_here_alone": (old, inline),
        "not_here_no_layer": (layer_201(module, layer_line=False), inline),
        "wrong_type_still": (old, send(old, new["peerUser"](user_id=5))),
        "subclass_refused": (old, send(old, Sub(user_id=5, access_hash=6))),
    }


@pytest.mark.parametrize("module", MODULES)
def test_same_id_and_fields_give_the_same_bytes(module: str) -> None:
    old, new = layer_201(module), shipped(module)
    found = {name: outcome(*case) for name, case in cases(module).items()}
    assert found["same_alone"] == ("ok", old.dumps(old["peerUser"](user_id=5)))
    assert found["same_alone"] == ("ok", new.dumps(new["peerUser"](user_id=5)))
    own_peer = old["inputPeerUser"](user_id=5, access_hash=6)
    assert found["same_nested"] == (
        "ok",
        old.dumps(send(old, own_peer, old["replyKeyboardHide"]())),
    )
    own_row = old["keyboardButtonRow"](
        buttons=[old["keyboardButtonCallback"](text="Yes", data=b"yes")]
    )
    assert found["same_holding_own"] == ("ok", old.dumps(old["replyInlineMarkup"](rows=[own_row])))
    assert found["reverse"] == ("ok", new.dumps(new["keyboardButtonRow"](buttons=[])))


@pytest.mark.parametrize("module", MODULES)
def test_the_error_says_what_differs(module: str) -> None:
    found = {name: outcome(*case) for name, case in cases(module).items()}
    path = "messages.sendMessage.reply_markup"
    assert found["other_id"] == (
        "error",
        f"{path}: replyInlineMarkup has id 0x48a30254 in this schema and 0xb2b15770 in the "
        "object's schema",
    )
    assert found["other_fields"] == (
        "error",
        f"{path}: replyKeyboardHide (0xa03e5b85) fields differ: (flags:#) in this schema, "
        "(flags:# selective:flags.2?true) in the object's schema",
    )
    assert found["not_here"] == (
        "error",
        "keyboardButtonRow.buttons: constructor keyboardInlineButton (0x11c1a322) is not in "
        "this schema (layer 201)",
    )
    assert found["not_here_alone"] == (
        "error",
        "value: constructor keyboardInlineButton (0x11c1a322) is not in this schema (layer 201)",
    )
    assert found["not_here_no_layer"] == (
        "error",
        "value: constructor keyboardInlineButton (0x11c1a322) is not in this schema",
    )
    # Taken over, an object is checked like one of this schema: a Peer is no InputPeer.
    assert found["wrong_type_still"] == (
        "error",
        "messages.sendMessage.peer: expected InputPeer, got peerUser",
    )
    # Only a class a schema made is taken over: a subclass is refused as before.
    assert found["subclass_refused"] == (
        "error",
        "messages.sendMessage.peer: expected InputPeer, got Sub",
    )


def test_both_backends_give_the_same_outcome() -> None:
    pure, native = ({n: outcome(*c) for n, c in cases(m).items()} for m in MODULES)
    assert pure == native
