"""The scale-out front and a worker carry every kind of press (issue 16): a press on a
message a bot sent for a business account and one on an ephemeral message go through the
front's Redis stream to a worker, whose handler answers and edits them (inside
``invokeWithBusinessConnection``, with ``ephemeral.editMessage``) over its own session; the
users see the edits and each press gets exactly one answer."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from cbsupport import logged_in, run, wait_until
from scalesupport import redis_server

from oxigram.client import Message
from oxigram.client.callbacks import CallbackQuery
from oxigram.scale import Front, Handlers, ScaleConfig, Worker
from oxigram.server import Button, LocalDC
from oxigram.tl import types


def test_business_and_ephemeral_presses_through_front_and_worker(tmp_path: Path) -> None:
    handlers = Handlers()
    kinds: list[str] = []

    @handlers.on_callback_query(data=b"go")
    async def go(q: CallbackQuery) -> None:
        kinds.append(q.kind)
        await q.edit(f"done {q.kind}")
        await q.answer(f"ok {q.kind}")

    with redis_server() as rs:

        async def main() -> None:
            from redis.asyncio import Redis

            async with LocalDC(answer_timeout=10.0) as dc:
                bot = dc.add_bot("scale_kinds_bot")
                owner = dc.add_user("15570001", "Bea")
                user = dc.add_user("15570002", "Carl")
                conn = dc.add_business_connection(bot.id, owner.id)
                redis = Redis.from_url(rs.url, socket_timeout=5, socket_connect_timeout=5)
                cfg = ScaleConfig(deadline=5.0)
                front_bot = logged_in(dc, bot.id, bot=True)
                worker_bot = logged_in(dc, bot.id, bot=True)
                presser = logged_in(dc, user.id, bot=False)
                inbox: dict[int, Any] = {}

                @presser.on_update
                async def seen(update: Any) -> None:
                    if isinstance(
                        update, (types.UpdateNewEphemeralMessage, types.UpdateEditEphemeralMessage)
                    ):
                        inbox[update.message.id] = update.message

                async with front_bot, worker_bot, presser, Front(front_bot, redis, cfg) as front:
                    worker = Worker(worker_bot, redis, handlers, cfg, name="kinds")
                    stop = asyncio.Event()
                    task = asyncio.create_task(worker.run(stop))
                    try:
                        biz_id = dc.send_business_message(
                            conn.connection_id, user.id, "menu", [Button.callback("Go", b"go")]
                        )
                        menu = await presser.get_message(biz_id)
                        assert menu is not None
                        assert (await menu.click(data=b"go")).message == "ok business"
                        edited = await presser.get_message(biz_id)
                        assert edited is not None and edited.text == "done business"

                        eph_id = dc.send_ephemeral_message(
                            bot.id, user.id, "secret", [Button.callback("Go", b"go")]
                        )
                        await wait_until(lambda: eph_id in inbox)
                        answer = await Message(presser, inbox[eph_id]).click(data=b"go")
                        assert answer.message == "ok ephemeral"
                        await wait_until(lambda: inbox[eph_id].message == "done ephemeral")
                    finally:
                        stop.set()
                        await asyncio.wait_for(task, 15)
                    assert kinds == ["business", "ephemeral"]
                    assert front.stats["published"] == 2 and worker.stats["handled"] == 2
                hub = dc.callbacks
                assert hub.answered == 2 and hub.timed_out == 0
                assert sum(hub.answer_calls.values()) == 2  # one answer each, no refused second
                await redis.aclose()

        run(main, timeout=60)
