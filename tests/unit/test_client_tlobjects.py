"""client/tlobjects.py: the builders make objects of the schema they are bound to (either
codec, the shipped schema or a full layer loaded at run time), every name the module uses
is the one its attribute says, and the predicates match by name across schemas."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from oxigram import tl
from oxigram.client import tlobjects
from oxigram.client.tlobjects import Builders, isa
from oxigram.tl import types
from oxigram.tl._model import shipped_text
from tl_support import SHARED_TL, codec_modules, shipped


def snake(tl_name: str) -> str:
    """``messages.setBotCallbackAnswer`` -> ``messages_set_bot_callback_answer`` (and
    ``inputMessageID`` -> ``input_message_id``, ``inputCheckPasswordSRP`` -> ``..._srp``)."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", tl_name)
    return words.replace(".", "_").lower()


BOUND = {k: v for k, v in vars(Builders).items() if isinstance(v, tlobjects._Bound)}
NAMES = {
    k: v
    for k, v in vars(tlobjects).items()
    if k.isupper() and not k.endswith("_TYPE") and isinstance(v, str)
}
TYPES = {k: v for k, v in vars(tlobjects).items() if k.endswith("_TYPE")}


@cache
def full_layer() -> tl.Schema:
    """The full layer-229 file, loaded as a user would (``tl.load_schema``)."""
    return tl.load_schema(SHARED_TL / "main_api.tl")


def test_snake_rule() -> None:
    assert snake("messages.setBotCallbackAnswer") == "messages_set_bot_callback_answer"
    assert snake("inputMessageID") == "input_message_id"
    assert snake("inputCheckPasswordSRP") == "input_check_password_srp"


@pytest.mark.parametrize("attr", sorted(BOUND))
def test_builder_attribute_is_the_constructor_it_says(attr: str) -> None:
    name = BOUND[attr].tl_name
    assert snake(name) == attr
    assert name in tl.schema


@pytest.mark.parametrize("const", sorted(NAMES))
def test_name_constant_is_the_constructor_it_says(const: str) -> None:
    name = NAMES[const]
    assert snake(name).upper() == const
    assert name in tl.schema and not tl.schema[name]._tl_is_function


@pytest.mark.parametrize("const", sorted(TYPES))
def test_type_constant_is_the_type_it_says(const: str) -> None:
    tl_type = TYPES[const]
    assert snake(tl_type).upper() + "_TYPE" == const
    assert any(tl.schema[n]._tl_type == tl_type for n in tl.schema.names())


def test_name_sets_hold_their_names() -> None:
    assert {"chat", "chatForbidden"} == tlobjects.CHATS
    assert {"channel", "channelForbidden"} == tlobjects.CHANNELS
    assert {"message", "messageService", "messageEmpty"} == tlobjects.MESSAGES
    assert {"updates", "updatesCombined"} == tlobjects.UPDATES_WITH_LISTS
    # Every kind of press (issue 16): chat, inline, business, ephemeral.
    assert {
        "updateBotCallbackQuery",
        "updateInlineBotCallbackQuery",
        "updateBusinessBotCallbackQuery",
        "updateEphemeralBotCallbackQuery",
    } == tlobjects.CALLBACK_QUERIES


@pytest.mark.parametrize("codec", codec_modules())
def test_builders_make_objects_of_their_schema(codec: str) -> None:
    schema = shipped(codec)
    make = Builders(schema)
    peer = make.input_peer_user(user_id=5, access_hash=-7)
    assert type(peer) is schema["inputPeerUser"]
    assert peer._tl_schema is schema and peer.to_dict() == {
        "_": "inputPeerUser",
        "user_id": 5,
        "access_hash": -7,
    }
    answer = make.messages_set_bot_callback_answer(query_id=1, cache_time=0, message="hi")
    # The same bytes as the shipped classes of the selected backend give.
    expected = tl.functions.messages.SetBotCallbackAnswer(query_id=1, cache_time=0, message="hi")
    assert bytes(answer) == bytes(expected)


@pytest.mark.parametrize("codec", codec_modules())
def test_every_builder_builds_on_either_codec(codec: str) -> None:
    schema = shipped(codec)
    make = Builders(schema)
    for attr, bound in BOUND.items():
        cls = getattr(make, attr)
        assert cls is schema[bound.tl_name], attr
        # Built with its required fields, it serializes and decodes back to itself.
        obj = cls(**{f: _sample(schema, cls._tl_field_types[f]) for f in cls._tl_required})
        assert schema.loads(bytes(obj)) == obj, attr


def _sample(schema: tl.Schema, tl_type: str) -> Any:
    """A value of a TL field type, of ``schema`` (a codec encodes only its own classes)."""
    if tl_type.startswith(("Vector<", "vector<")):
        return []
    if tl_type in ("int", "long"):
        return 1
    if tl_type == "double":
        return 1.5
    if tl_type == "string":
        return "s"
    if tl_type == "bytes":
        return b"b"
    if tl_type == "Bool":
        return True
    game = {"_": "inlineButtonTypeGame"}
    default = {
        "!X": {"_": "help.getConfig"},  # invokeWithLayer's and initConnection's query
        "InputPeer": {"_": "inputPeerSelf"},
        "InputChannel": {"_": "inputChannelEmpty"},
        "InputUser": {"_": "inputUserSelf"},
        "InputCheckPasswordSRP": {"_": "inputCheckPasswordEmpty"},
        "ChannelMessagesFilter": {"_": "channelMessagesFilterEmpty"},
        "CodeSettings": {"_": "codeSettings"},
        "Peer": {"_": "peerUser", "user_id": 1},
        "Message": {"_": "messageEmpty", "id": 1},
        "InputBotInlineMessageID": {
            "_": "inputBotInlineMessageID",
            "dc_id": 2,
            "id": 1,
            "access_hash": 3,
        },
        "InputFileLocation": {
            "_": "inputDocumentFileLocation",
            "id": 1,
            "access_hash": 2,
            "file_reference": b"r",
            "thumb_size": "",
        },
        "InlineButtonType": game,
        "KeyboardButton": {"_": "keyboardInlineButton", "text": "t", "type": game},
    }
    return schema.from_dict(default[tl_type])


def test_builders_bind_to_a_layer_loaded_at_run_time() -> None:
    full = full_layer()
    make = Builders(full)
    for attr, bound in BOUND.items():
        cls = getattr(make, attr)
        assert cls._tl_schema is full, attr
        # The stub types the attribute with the shipped fields: the loaded layer has them.
        shipped_cls = tl.schema[bound.tl_name]
        assert (cls._tl_id, cls._tl_fields) == (shipped_cls._tl_id, shipped_cls._tl_fields), attr
    peer = make.peer_user(user_id=3)
    assert type(peer) is not types.PeerUser and bytes(peer) == bytes(types.PeerUser(user_id=3))


def test_a_constructor_is_looked_up_once_and_only_when_used() -> None:
    service_only = tl.Schema(shipped_text().split("---types---")[0])
    make = Builders(service_only)  # no API constructors: binding fails only on use
    with pytest.raises(KeyError):
        _ = make.input_peer_self
    make = Builders(tl.schema)
    first = make.input_peer_self
    assert "input_peer_self" in vars(make)  # cached on the instance
    assert make.input_peer_self is first is types.InputPeerSelf


def test_isa_matches_by_name_across_schemas() -> None:
    full = full_layer()
    ours = full.loads(bytes(types.PeerUser(user_id=4)))
    assert type(ours) is not types.PeerUser
    assert isa(ours, types.PeerUser) and ours.user_id == 4
    assert not isa(ours, types.PeerChat)
    for value in (None, "peerUser", 4, b"peerUser"):
        assert not isa(value, types.PeerUser)
    assert tlobjects.name_of(ours) == "peerUser" and tlobjects.name_of("peerUser") == ""


def test_boxed_type_predicates() -> None:
    full = full_layer()
    assert tlobjects.is_input_peer(types.InputPeerSelf())
    assert tlobjects.is_input_peer(full["inputPeerChat"](chat_id=1))
    assert not tlobjects.is_input_peer(types.InputUserSelf())
    # A constructor whose name starts like an InputPeer's but is another type.
    assert not tlobjects.is_input_peer(full["inputPeerNotifySettings"]())
    assert tlobjects.is_peer(types.PeerChannel(channel_id=1))
    assert not tlobjects.is_peer(full["peerSettings"]())
    assert not tlobjects.is_peer("peerUser")
    assert tlobjects.is_update_or_updates(types.UpdateShort(update=_an_update(), date=1))
    assert tlobjects.is_update_or_updates(_an_update())
    assert not tlobjects.is_update_or_updates(tl.functions.updates.GetState())
    assert not tlobjects.is_update_or_updates(None)
    # A function is a request for its type, not one of its constructors.
    assert tlobjects.boxed_type(tl.functions.messages.GetMessages(id=[])) is None
    assert tlobjects.boxed_type(types.PeerUser(user_id=1)) == "Peer"
    assert tlobjects.boxed_type("Peer") is None
    # Every Updates constructor and nothing else, at the shipped layer and the loaded one.
    updates = {
        "updatesTooLong",
        "updateShortMessage",
        "updateShortChatMessage",
        "updateShort",
        "updatesCombined",
        "updates",
        "updateShortSentMessage",
    }
    for schema in (tl.schema, full):
        classes = [schema[n] for n in schema.names()]
        # Bare instances, as the codecs make them (no __init__).
        found = {c._tl_name for c in classes if tlobjects.is_updates(c.__new__(c))}
        assert found == updates


def _an_update() -> Any:
    return types.UpdateNewMessage(message=types.MessageEmpty(id=1), pts=1, pts_count=1)
