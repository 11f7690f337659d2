"""PeerResolver, sans network: every kind of peer a user may pass, turned into input objects
of the resolver's own schema (the shipped one, or a full layer loaded at run time), from
objects of either schema."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from functools import cache
from typing import Any, TypeVar

import pytest

from oxigram import tl
from oxigram.client.peers import CHANNEL_OFFSET, PeerResolver, entities_of
from oxigram.client.storage import Entity, MemorySession
from oxigram.errors import PeerNotFoundError
from tl_support import SHARED_TL

T = TypeVar("T")
ME, ALICE, GROUP, NEWS = 1, 10, 30, 20
ALICE_HASH, NEWS_HASH = 100, 200


@cache
def full_layer() -> tl.Schema:
    return tl.load_schema(SHARED_TL / "main_api.tl")


SCHEMAS = {"shipped": lambda: tl.schema, "loaded": full_layer}


@pytest.fixture(params=sorted(SCHEMAS))
def schema(request: pytest.FixtureRequest) -> tl.Schema:
    return SCHEMAS[request.param]()


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


class World:
    """A resolver with a cache holding us, Alice and a channel; ``@carol`` resolves once."""

    def __init__(self, schema: tl.Schema) -> None:
        self.schema = schema
        self.storage = MemorySession()
        self.storage.set_self(ME, False)
        self.storage.put_entities(
            [
                Entity(ALICE, "user", ALICE_HASH, "alice"),
                Entity(NEWS, "channel", NEWS_HASH, "news"),
            ]
        )
        self.resolved: list[str] = []
        self.peers = PeerResolver(self.storage, self._resolve, schema=schema)

    async def _resolve(self, username: str) -> Any:
        self.resolved.append(username)
        if username != "carol":
            raise PeerNotFoundError(f"no one is called @{username}")
        return self.schema.from_dict(
            {
                "_": "contacts.resolvedPeer",
                "peer": {"_": "peerUser", "user_id": 40},
                "chats": [],
                "users": [{"_": "user", "id": 40, "access_hash": 400, "username": "carol"}],
            }
        )

    def input_peer(self, peer: Any) -> dict[str, Any]:
        result = run(self.peers.input_peer(peer))
        assert type(result)._tl_schema is self.schema  # built from the resolver's schema
        return result.to_dict()

    def obj(self, d: dict[str, Any], schema: tl.Schema | None = None) -> Any:
        return (schema or self.schema).from_dict(d)


SELF = {"_": "inputPeerSelf"}
ALICE_PEER = {"_": "inputPeerUser", "user_id": ALICE, "access_hash": ALICE_HASH}
NEWS_PEER = {"_": "inputPeerChannel", "channel_id": NEWS, "access_hash": NEWS_HASH}


def test_strings_and_bot_api_ids(schema: tl.Schema) -> None:
    w = World(schema)
    assert w.input_peer("me") == w.input_peer(" self ") == w.input_peer(ME) == SELF
    assert w.input_peer(ALICE) == w.input_peer(str(ALICE)) == ALICE_PEER
    assert w.input_peer("@alice") == w.input_peer("alice") == ALICE_PEER
    assert w.input_peer(-GROUP) == {"_": "inputPeerChat", "chat_id": GROUP}
    assert w.input_peer(-(CHANNEL_OFFSET + NEWS)) == NEWS_PEER
    assert w.input_peer("@news") == NEWS_PEER
    assert w.resolved == []
    carol = {"_": "inputPeerUser", "user_id": 40, "access_hash": 400}
    assert w.input_peer("@carol") == w.input_peer("carol") == carol
    assert w.resolved == ["carol"]  # cached after the first resolution
    for bad in ("@nobody_here", 0, 999, "not a peer!", -(CHANNEL_OFFSET + 99), True):
        with pytest.raises(PeerNotFoundError):
            w.input_peer(bad)


@pytest.mark.parametrize("source", ["same", "other"])
def test_tl_objects_from_either_schema(schema: tl.Schema, source: str) -> None:
    w = World(schema)
    other = full_layer() if schema is tl.schema else tl.schema
    src = schema if source == "same" else other

    def peer(d: dict[str, Any]) -> dict[str, Any]:
        return w.input_peer(w.obj(d, src))

    # Input objects: an InputPeer as it is (even of another schema), the others converted.
    given = w.obj(ALICE_PEER, src)
    assert run(w.peers.input_peer(given)) is given
    assert peer({"_": "inputUserSelf"}) == SELF
    assert peer({"_": "inputUser", "user_id": ALICE, "access_hash": ALICE_HASH}) == ALICE_PEER
    assert peer({"_": "inputChannel", "channel_id": NEWS, "access_hash": NEWS_HASH}) == NEWS_PEER
    # Peers, users, chats (remembered on the way).
    assert peer({"_": "peerUser", "user_id": ALICE}) == ALICE_PEER
    assert peer({"_": "peerChat", "chat_id": GROUP}) == {"_": "inputPeerChat", "chat_id": GROUP}
    assert peer({"_": "peerChannel", "channel_id": NEWS}) == NEWS_PEER
    assert peer({"_": "user", "id": ME, "self": True}) == SELF
    dave = {"_": "user", "id": 50, "access_hash": 500, "username": "dave"}
    assert peer(dave) == {"_": "inputPeerUser", "user_id": 50, "access_hash": 500}
    assert w.input_peer("@dave")["user_id"] == 50
    chat = {"_": "chatForbidden", "id": GROUP, "title": "g"}
    assert peer(chat) == {"_": "inputPeerChat", "chat_id": GROUP}
    room = {"_": "channelForbidden", "id": 60, "access_hash": 600, "title": "r"}
    assert peer(room) == {"_": "inputPeerChannel", "channel_id": 60, "access_hash": 600}
    # Messages and updates that name a chat.
    message = {"_": "message", "id": 1, "peer_id": {"_": "peerUser", "user_id": ALICE}}
    assert peer({**message, "date": 1, "message": "hi"}) == ALICE_PEER
    assert peer({"_": "messageEmpty", "id": 1, "peer_id": {"_": "peerChat", "chat_id": 3}}) == {
        "_": "inputPeerChat",
        "chat_id": 3,
    }
    with pytest.raises(PeerNotFoundError, match="without a peer_id"):
        peer({"_": "messageEmpty", "id": 1})
    # An ephemeral message is in the chat with its bot: peer_id, else its sender.
    ephemeral = {"_": "ephemeralMessage", "id": 1, "receiver_id": ME, "date": 1, "message": ""}
    from_alice = {**ephemeral, "from_id": {"_": "peerUser", "user_id": ALICE}}
    assert peer(from_alice) == ALICE_PEER
    in_news = {**from_alice, "peer_id": {"_": "peerChannel", "channel_id": NEWS}}
    assert peer(in_news) == NEWS_PEER
    new = {"_": "updateNewEphemeralMessage", "message": from_alice}
    assert peer(new) == ALICE_PEER
    press = {
        "_": "updateBotCallbackQuery",
        "query_id": 1,
        "user_id": ME,
        "peer": {"_": "peerChannel", "channel_id": NEWS},
        "msg_id": 2,
        "chat_instance": 3,
    }
    assert peer(press) == NEWS_PEER
    short = {
        "_": "updateShortMessage",
        "id": 1,
        "user_id": ALICE,
        "message": "hi",
        "pts": 1,
        "pts_count": 1,
        "date": 1,
    }
    assert peer(short) == ALICE_PEER
    with pytest.raises(PeerNotFoundError, match="names no peer"):
        peer({"_": "updatesTooLong"})
    # An input object carries its access hash: no cache needed.
    assert peer({"_": "inputChannel", "channel_id": 99, "access_hash": 1})["channel_id"] == 99
    # What is not a peer.
    for bad in (
        {"_": "inputUserEmpty"},
        {"_": "peerUser", "user_id": 999},
        {"_": "help.getConfig"},
    ):
        with pytest.raises(PeerNotFoundError):
            peer(bad)


def test_a_name_that_only_looks_like_an_input_peer_is_refused() -> None:
    # inputPeerNotifySettings starts like an InputPeer's name but is another type.
    w = World(full_layer())
    with pytest.raises(PeerNotFoundError):
        w.input_peer(full_layer().from_dict({"_": "inputPeerNotifySettings"}))


def test_convert_to_the_parameter_type(schema: tl.Schema) -> None:
    w = World(schema)

    def convert(tl_type: str, value: Any) -> Any:
        result = run(w.peers.convert(tl_type, value))
        return result.to_dict() if hasattr(result, "to_dict") else result

    assert convert("InputPeer", ALICE) == ALICE_PEER
    assert convert("InputUser", "me") == {"_": "inputUserSelf"}
    assert convert("InputUser", "@alice") == {
        "_": "inputUser",
        "user_id": ALICE,
        "access_hash": ALICE_HASH,
    }
    assert convert("InputChannel", -(CHANNEL_OFFSET + NEWS)) == {
        "_": "inputChannel",
        "channel_id": NEWS,
        "access_hash": NEWS_HASH,
    }
    own = w.obj({"_": "inputUserSelf"})
    assert run(w.peers.convert("InputUser", own)) is own  # already the type: as it is
    assert convert("long", 5) == 5 and convert("string", "me") == "me"  # not a peer type
    with pytest.raises(PeerNotFoundError, match="is not a user"):
        convert("InputUser", "@news")
    with pytest.raises(PeerNotFoundError, match="is not a channel"):
        convert("InputChannel", ALICE)


def test_entities_of(schema: tl.Schema) -> None:
    users = [
        {"_": "user", "id": 7, "access_hash": 70, "username": "u", "phone": "1"},
        {"_": "user", "id": 8, "access_hash": 80, "bot": True, "min": True},
        {"_": "userEmpty", "id": 9},
    ]
    chats = [
        {"_": "chatForbidden", "id": 3, "title": "c"},
        {"_": "channelForbidden", "id": 4, "access_hash": 40, "title": "d"},
        {"_": "chatEmpty", "id": 5},
    ]
    got = entities_of([schema.from_dict(u) for u in users], [schema.from_dict(c) for c in chats])
    assert got == [
        Entity(7, "user", 70, "u", "1"),
        Entity(8, "bot", 0, None, None),
        Entity(3, "chat"),
        Entity(4, "channel", 40, None),
    ]
