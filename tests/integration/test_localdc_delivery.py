"""Which sessions the local DC pushes an update to (``oxigram.server.delivery``).

A session takes updates from its first request not wrapped in ``invokeWithoutUpdates``
(core.telegram.org/api/invoking, "Disabling updates"), wherever that wrapper sits among the
others; pings and wrapped requests never subscribe it. A bot's updates go to every subscribed
session (``all``, the default) or to one (``recent``: the one whose request came last;
``random``: seeded). A user's go to every subscribed session in every mode.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
from mtclient import RawClient, run

from oxigram import tl
from oxigram.errors import InvalidInputError
from oxigram.mtproto.rsa_keys import RsaPrivateKey
from oxigram.server import LocalDC


def quiet(query: dict[str, Any]) -> Any:
    """``query`` wrapped in ``invokeWithoutUpdates``."""
    return tl.from_dict({"_": "invokeWithoutUpdates", "query": query})


def first_request(query: dict[str, Any]) -> Any:
    """What a client's first request looks like: invokeWithLayer(initConnection(query))."""
    return tl.from_dict(
        {
            "_": "invokeWithLayer",
            "layer": tl.LAYER,
            "query": {
                "_": "initConnection",
                "api_id": 1,
                "device_model": "test",
                "system_version": "1",
                "app_version": "1",
                "system_lang_code": "en",
                "lang_pack": "",
                "lang_code": "en",
                "query": query,
            },
        }
    )


GET_CONFIG = {"_": "help.getConfig"}


async def got(client: RawClient) -> int:
    """How many updates ``client`` was pushed so far (a request first: whatever the DC
    pushed before it answers is in by its answer), emptying its queue."""
    await client.invoke(quiet(GET_CONFIG))
    n = 0
    while not client.updates.empty():
        client.updates.get_nowait()
        n += 1
    return n


def bound_key(dc: LocalDC, account_id: int) -> bytes:
    key = os.urandom(256)
    dc.import_auth_key(key, account_id)
    return key


def test_requests_all_without_updates_never_subscribe_a_session(rsa_key: RsaPrivateKey) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            bot = dc.add_bot("quiet_bot")
            user = dc.add_user("15558100", "Pat")
            key = bound_key(dc, bot.id)
            async with (
                RawClient(dc.port, dc.rsa_public_key, auth_key=key) as loud,
                RawClient(dc.port, dc.rsa_public_key, auth_key=key) as silent,
                RawClient(dc.port, dc.rsa_public_key, auth_key=key) as nested,
                # the DC's salt known: a ping as the first message is not refused for it
                RawClient(
                    dc.port, dc.rsa_public_key, auth_key=key, salt=dc.engine.keys.salt
                ) as pinging,
            ):
                await loud.call("help.getConfig")
                await silent.invoke(quiet({"_": "updates.getState"}))
                # the wrapper counts wherever it sits among the others
                await nested.invoke(
                    first_request({"_": "invokeWithoutUpdates", "query": GET_CONFIG})
                )
                await pinging.ping()
                dc.send_message(user.id, bot.id, "one")
                dc.send_message(user.id, bot.id, "two")
                assert [await got(c) for c in (loud, silent, nested, pinging)] == [2, 0, 0, 0]
                # the first request without the wrapper subscribes, for the session's life
                await silent.call("help.getConfig")
                await nested.invoke(first_request(GET_CONFIG))
                await silent.invoke(quiet(GET_CONFIG))
                dc.send_message(user.id, bot.id, "three")
                assert [await got(c) for c in (loud, silent, nested, pinging)] == [1, 1, 1, 0]
                # the subscription is the session's: it follows it to another connection
                moved = await RawClient(dc.port, dc.rsa_public_key, auth_key=key).connect()
                moved.session = silent.session
                await silent.close()
                try:
                    await moved.ping()  # the DC now knows the new connection; not a request
                    dc.send_message(user.id, bot.id, "four")
                    assert [await got(c) for c in (loud, moved, nested, pinging)] == [1, 1, 1, 0]
                finally:
                    await moved.close()

    run(main())


def test_recent_gives_a_bot_update_to_the_session_that_sent_the_last_request(
    rsa_key: RsaPrivateKey,
) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key, delivery="recent") as dc:
            bot = dc.add_bot("recent_bot")
            user = dc.add_user("15558101", "Pat")
            bot_key, user_key = bound_key(dc, bot.id), bound_key(dc, user.id)
            async with (
                RawClient(dc.port, dc.rsa_public_key, auth_key=bot_key) as a,
                RawClient(dc.port, dc.rsa_public_key, auth_key=bot_key) as b,
                RawClient(dc.port, dc.rsa_public_key, auth_key=user_key) as u1,
                RawClient(dc.port, dc.rsa_public_key, auth_key=user_key) as u2,
            ):
                for c in (a, b, u1, u2):
                    await c.call("help.getConfig")
                dc.send_message(user.id, bot.id, "to b")  # b's request came last
                assert [await got(a), await got(b)] == [0, 1]
                await a.invoke(quiet(GET_CONFIG))  # a wrapped request is a request too
                dc.send_message(user.id, bot.id, "to a")
                assert [await got(b), await got(a)] == [0, 1]
                # a user's updates reach every session of theirs, whatever the mode (each
                # got the two messages the user sent too)
                assert [await got(u1), await got(u2)] == [2, 2]
                dc.send_message(bot.id, user.id, "to both")
                assert [await got(u1), await got(u2)] == [1, 1]
                # the chosen session must be live: a closed one is passed over
                await a.close()
                dc.send_message(user.id, bot.id, "to b again")
                assert await got(b) == 1
                # four bot updates (the bot's own message among them), one session each
                assert list(dc.delivery.to_key.values()) == [4]  # one key: the bot's

    run(main())


def test_random_gives_each_bot_update_to_exactly_one_session_repeatably(
    rsa_key: RsaPrivateKey,
) -> None:
    pushes = 60

    async def choices(seed: int) -> list[int]:
        async with LocalDC(rsa_key=rsa_key, delivery="random", delivery_seed=seed) as dc:
            bot = dc.add_bot("random_bot")
            user = dc.add_user("15558102", "Pat")
            key = bound_key(dc, bot.id)
            clients = [RawClient(dc.port, dc.rsa_public_key, auth_key=key) for _ in range(3)]
            try:
                for c in clients:
                    await c.connect()
                    await c.call("help.getConfig")
                order: list[int] = []
                for i in range(pushes):
                    dc.send_message(user.id, bot.id, f"m{i}")
                    counts = [await got(c) for c in clients]
                    assert sorted(counts) == [0, 0, 1], counts  # exactly one session
                    order.append(counts.index(1))
                assert sum(dc.delivery.to_key.values()) == pushes
                return order
            finally:
                for c in clients:
                    await c.close()

    async def main() -> None:
        first = await choices(7)
        assert await choices(7) == first  # same seed, same choices
        spread = Counter(first)
        assert len(spread) == 3 and min(spread.values()) >= pushes // 10, spread

    run(main())


def test_an_unknown_delivery_mode_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="delivery is one of all, recent, random"):
        LocalDC(delivery="some")


def test_one_session_is_chosen_across_the_dcs_of_a_cluster(rsa_key: RsaPrivateKey) -> None:
    """The choice is made among the bot's subscribed sessions on every DC of the cluster;
    a session on another DC that only sends through invokeWithoutUpdates (what the client
    does on a DC other than home) is never chosen."""
    pushes = 30

    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key, dcs=[2, 4], delivery="random", delivery_seed=3) as dc:
            bot = dc.add_bot("cluster_bot")
            user = dc.add_user("15558103", "Pat")
            home_key, other_key = os.urandom(256), os.urandom(256)
            dc.import_auth_key(home_key, bot.id, dc_id=2)
            dc.import_auth_key(other_key, bot.id, dc_id=4)
            home = RawClient(dc.engine_for(2).port, dc.rsa_public_key, auth_key=home_key)
            other = RawClient(dc.engine_for(4).port, dc.rsa_public_key, auth_key=other_key)
            async with home, other:
                await home.call("help.getConfig")
                await other.invoke(quiet(GET_CONFIG))
                for i in range(pushes // 2):
                    dc.send_message(user.id, bot.id, f"m{i}")
                assert [await got(home), await got(other)] == [pushes // 2, 0]
                await other.call("help.getConfig")  # now subscribed on DC 4 too
                counts = [0, 0]
                for i in range(pushes // 2):
                    dc.send_message(user.id, bot.id, f"n{i}")
                    now = [await got(home), await got(other)]
                    assert sorted(now) == [0, 1], now
                    counts = [a + b for a, b in zip(counts, now, strict=True)]
                assert min(counts) > 0, counts

    run(main())
