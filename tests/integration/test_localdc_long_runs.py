"""Long runs hold: past its session cap the DC forgets the least recently used session that is
not live, never the newest session of an open connection (an idle bot's); and the bot's
default deadline answer comes before the DC's default wait for it."""

from __future__ import annotations

import asyncio
import os

from cbsupport import logged_in, run
from mtclient import RawClient

from oxigram import cli
from oxigram.client.callbacks import CallbackConfig, CallbackQuery
from oxigram.server import Button, LocalDC
from oxigram.server.callbacks import DEADLINE_MARGIN, DEFAULT_ANSWER_TIMEOUT

CAP = 16  # the DC's session cap, lowered from 8,192 so that churn passes it many times
WAVES = 8
WAVE = 12  # users connecting at once, each pressing once and leaving


def test_the_bots_default_deadline_comes_before_the_dcs_default_wait() -> None:
    deadline = CallbackConfig().deadline
    assert deadline is not None
    assert deadline + DEADLINE_MARGIN <= DEFAULT_ANSWER_TIMEOUT
    assert LocalDC().answer_timeout == DEFAULT_ANSWER_TIMEOUT
    serve = cli.parser().parse_args(["serve"])
    assert serve.answer_timeout == DEFAULT_ANSWER_TIMEOUT


def test_users_churning_past_the_session_cap_lose_no_press() -> None:
    async def main() -> None:
        async with LocalDC(answer_timeout=5.0) as dc:
            table = dc.engine.sessions
            table.max_sessions = CAP
            bot_acc = dc.add_bot("churn_bot")
            accounts = [dc.add_user(f"1888{n:06d}", f"C{n}") for n in range(WAVES * WAVE)]
            keys = [os.urandom(256) for _ in accounts]
            for acc, key in zip(accounts, keys, strict=True):
                dc.import_auth_key(key, acc.id)
            msg_ids = [
                dc.send_message(bot_acc.id, a.id, "churn", [[Button.callback("Go", b"go")]])
                for a in accounts
            ]
            peer = {"_": "inputPeerUser", "user_id": bot_acc.id, "access_hash": bot_acc.access_hash}
            handled: list[int] = []

            async def visit(i: int, *, press: bool) -> str:
                """User ``i`` connects (a new session), maybe presses, and leaves."""
                async with RawClient(dc.port, dc.rsa_public_key, auth_key=keys[i]) as c:
                    if not press:
                        await c.call("updates.getState")
                        return ""
                    answer = await c.call(
                        "messages.getBotCallbackAnswer", peer=peer, msg_id=msg_ids[i], data=b"go"
                    )
                    return str(answer.message)

            async with logged_in(dc, bot_acc.id, bot=True) as bot:

                @bot.on_callback_query(data=b"go")
                async def go(q: CallbackQuery) -> None:
                    handled.append(q.user_id)
                    await q.answer(f"hi {q.user_id}")

                await bot.get_me()
                # the bot idles while three times the cap of sessions come and go
                for wave in range(3 * CAP // WAVE + 1):
                    users = range(wave * WAVE, (wave + 1) * WAVE)
                    await asyncio.gather(*(visit(i % len(accounts), press=False) for i in users))
                assert table.evicted >= 2 * CAP
                # then users churn while pressing: every press reaches the bot and is answered
                for wave in range(WAVES):
                    users = range(wave * WAVE, (wave + 1) * WAVE)
                    answers = await asyncio.gather(*(visit(i, press=True) for i in users))
                    assert answers == [f"hi {accounts[i].id}" for i in users]
                    assert len(table) <= CAP + dc.connections
            assert sorted(handled) == sorted(a.id for a in accounts)
            print(
                f"\n{len(accounts)} presses from users churning past a cap of {CAP} sessions: "
                f"{len(handled)} answered, {table.evicted} sessions forgotten"
            )

    run(main, timeout=120)
