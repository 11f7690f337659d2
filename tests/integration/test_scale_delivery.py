"""The scale-out when the DC gives each press of the bot to one of its sessions, as Telegram
may (tdlib/telegram-bot-api#151), against a real redis-server and the local DC.

* Workers built as ``oxigram worker`` builds them (``receive_updates=False``: every request in
  ``invokeWithoutUpdates``) are never given a press, even when the DC prefers the session
  that sent the last request (``recent``, the workers': they answer): the front gets them all.
* Workers whose sessions take updates are given presses (``recent``: almost all of them;
  ``random``: a share; ``all``: every one, as the front is); each one they get goes on the
  stream (``Worker.intake``) and still reaches exactly one handler, answered once.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from cbsupport import logged_in, run
from scale_handlers import handlers
from scalesupport import redis_server

from oxigram.crypto import auth_key_id
from oxigram.scale import Front, ScaleConfig, Worker
from oxigram.server import Button, LocalDC

PRESSES = 40
USERS = 2
WORKERS = 2


def key_of(client: object) -> bytes:
    storage = getattr(client, "storage", None)
    assert storage is not None and storage.dc is not None and storage.dc.auth_key is not None
    return auth_key_id(storage.dc.auth_key)


@pytest.mark.parametrize(
    ("delivery", "worker_updates"),
    [("recent", False), ("recent", True), ("random", True), ("all", True)],
    ids=[
        "recent-workers-without-updates",
        "recent-workers-with-updates",
        "random-workers-with-updates",
        "all-workers-with-updates",
    ],
)
def test_every_press_answered_once_whichever_session_gets_it(
    delivery: str, worker_updates: bool
) -> None:
    with redis_server() as rs:

        async def main() -> None:
            from redis.asyncio import Redis

            async with LocalDC(answer_timeout=15.0, delivery=delivery, delivery_seed=5) as dc:
                bot_acc = dc.add_bot("delivery_bot")
                accounts = [dc.add_user(f"1559000{i}", f"U{i}") for i in range(USERS)]
                msgs = [
                    dc.send_message(bot_acc.id, u.id, "press", [[Button.callback("P", b"press")]])
                    for u in accounts
                ]
                cfg = ScaleConfig(deadline=6.0, min_idle=1.0)
                redis = Redis.from_url(rs.url, socket_timeout=5, socket_connect_timeout=5)
                users = [logged_in(dc, u.id, bot=False) for u in accounts]
                bot = logged_in(dc, bot_acc.id, bot=True)
                worker_bots = [
                    logged_in(dc, bot_acc.id, bot=True, receive_updates=worker_updates)
                    for _ in range(WORKERS)
                ]
                stop = asyncio.Event()
                try:
                    for c in [bot, *worker_bots, *users]:
                        await c.connect()
                    workers = [
                        Worker(wb, redis, handlers, cfg, name=f"w{i}")
                        for i, wb in enumerate(worker_bots)
                    ]
                    assert all((w.intake is not None) == worker_updates for w in workers)
                    runs = [asyncio.create_task(w.run(stop)) for w in workers]
                    async with Front(bot, redis, cfg) as front:
                        clickable = [
                            await c.get_message(m) for c, m in zip(users, msgs, strict=True)
                        ]

                        async def press(i: int) -> str:
                            m = clickable[i % USERS]
                            assert m is not None
                            return str((await m.click(data=b"press", timeout=20)).message)

                        texts = await asyncio.gather(*(press(i) for i in range(PRESSES)))
                    stop.set()
                    await asyncio.wait_for(asyncio.gather(*runs), 20)
                finally:
                    stop.set()
                    for c in [*users, *worker_bots, bot]:
                        await c.close()
                    await redis.aclose()
                assert all(t.startswith("ok ") for t in texts), Counter(texts)  # handlers'
                # exactly once, counted on the DC
                hub = dc.callbacks
                assert hub.timed_out == 0 and hub.answered == PRESSES
                assert len(hub.accepted) == PRESSES and set(hub.accepted.values()) == {1}
                # not even a refused second answer
                assert sum(hub.answer_calls.values()) == PRESSES, hub.answer_calls.most_common(3)
                if delivery == "all":  # every session got every press, each put it on the stream
                    assert front.stats["received"] == PRESSES
                    assert [w.intake.stats["received"] for w in workers if w.intake] == [
                        PRESSES
                    ] * WORKERS
                    return
                # each press was pushed to exactly one session of the bot: which ones
                pushed = dc.delivery.to_key
                to_front = pushed[key_of(bot)]
                to_workers = sum(pushed[key_of(wb)] for wb in worker_bots)
                assert to_front + to_workers == sum(pushed.values()) == PRESSES
                assert front.stats["received"] == to_front
                if worker_updates:
                    # the presses the DC gave the workers went on the stream from there
                    assert to_workers > 0
                    took = sum(w.intake.stats["received"] for w in workers if w.intake)
                    assert took == to_workers
                else:
                    assert to_workers == 0  # invokeWithoutUpdates: never subscribed

        run(main, timeout=60)
