"""Load: 200 concurrent connections and 1,000 presses in flight, no loss, no cross-talk.
Counts, not timings; loopback only; every wait is bounded."""

from __future__ import annotations

import asyncio
import os

from mtclient import RawClient, run

from oxigram import tl
from oxigram.mtproto.rsa_keys import RsaPrivateKey
from oxigram.server import Button, LocalDC

USERS = 200
PRESSES_EACH = 5  # 1,000 presses in flight


def test_200_connections_1000_presses_in_flight(rsa_key: RsaPrivateKey) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key, answer_timeout=60) as dc:
            bot = dc.add_bot("load_bot")
            bot_key = os.urandom(256)
            dc.import_auth_key(bot_key, bot.id)
            users, keys, mids = [], [], []
            buttons = [[Button.callback(str(i), f"d{i}") for i in range(PRESSES_EACH)]]
            for n in range(USERS):
                user = dc.add_user(f"1666{n:06d}", f"U{n}")
                key = os.urandom(256)
                dc.import_auth_key(key, user.id)
                users.append(user)
                keys.append(key)
                mids.append(dc.send_message(bot.id, user.id, "load", buttons=buttons))
            bot_peer = {"_": "inputPeerUser", "user_id": bot.id, "access_hash": bot.access_hash}

            async with RawClient(dc.port, dc.rsa_public_key, auth_key=bot_key) as cb:
                await cb.call("updates.getState")
                seen: dict[int, tuple[int, bytes]] = {}

                async def answer_all() -> None:
                    while len(seen) < USERS * PRESSES_EACH:
                        upd = await cb.next_update(timeout=60)
                        for u in getattr(upd, "updates", []):
                            if u._tl_name != "updateBotCallbackQuery":
                                continue
                            assert u.query_id not in seen
                            seen[u.query_id] = (u.user_id, u.data)
                            body = tl.from_dict(
                                {
                                    "_": "messages.setBotCallbackAnswer",
                                    "query_id": u.query_id,
                                    "message": f"{u.user_id}:{u.data.decode()}",
                                    "cache_time": 0,
                                }
                            )
                            cb.send(body)  # answers pipelined; results checked by count

                answering = asyncio.ensure_future(answer_all())
                clients = [
                    RawClient(dc.port, dc.rsa_public_key, auth_key=k, kind=kind)
                    for k, kind in zip(
                        keys, ["intermediate", "abridged", "full"] * USERS, strict=False
                    )
                ]
                await asyncio.gather(*(c.connect() for c in clients))
                try:
                    await asyncio.gather(*(c.call("updates.getState") for c in clients))
                    assert dc.connections == USERS + 1

                    async def presses(i: int) -> list[str]:
                        futures = clients[i].send(
                            *[
                                tl.from_dict(
                                    {
                                        "_": "messages.getBotCallbackAnswer",
                                        "peer": bot_peer,
                                        "msg_id": mids[i],
                                        "data": f"d{j}".encode(),
                                    }
                                )
                                for j in range(PRESSES_EACH)
                            ]
                        )
                        return [a.message for a in await asyncio.gather(*futures)]

                    results = await asyncio.wait_for(
                        asyncio.gather(*(presses(i) for i in range(USERS))), 120
                    )
                    await asyncio.wait_for(answering, 30)
                finally:
                    await asyncio.gather(*(c.close() for c in clients))
            for user, answers in zip(users, results, strict=True):
                assert answers == [f"{user.id}:d{j}" for j in range(PRESSES_EACH)]
            assert len(seen) == USERS * PRESSES_EACH
            assert dc.callbacks.answered == USERS * PRESSES_EACH
            assert not dc.callbacks.pending

    run(main(), timeout=180)
