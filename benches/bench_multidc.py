"""Presses on inline messages living on another DC than the bot's home, beside the home-DC
press: a user presses, the bot edits the message on the DC its id names, then answers, so
a press's time includes its edit. Three rows:

- ``home``: the inline message lives on the bot's home DC (the edit goes over home);
- ``first press on a new DC``: it lives on DC 4 and the bot has never talked to DC 4
  (a handshake there, ``auth.exportAuthorization`` on home, ``auth.importAuthorization``
  on DC 4, then the edit); the connection and key are dropped between rounds;
- ``later presses there``: the same, with the DC 4 connection made and authorized.

An in-process cluster (DCs 1-5) and both clients in one event loop, on the chosen backend.
Run: ``pytest benches/bench_multidc.py --benchmark-enable`` (figures: docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from oxigram.client import CallbackQuery, Client, MemorySession
from oxigram.client.storage import DcInfo
from oxigram.server import Button, InlineMessage, LocalDC, default_rsa_key

ROUNDS = 30


@dataclass
class Rig:
    loop: asyncio.AbstractEventLoop
    dc: LocalDC
    bot: Client
    user: Client
    home_msg: InlineMessage
    far_msg: InlineMessage

    def press(self, msg: InlineMessage) -> Any:
        async def one() -> Any:
            found = await self.user.get_message(msg.msg_id)
            assert found is not None
            return await found.click(data=b"go")

        return self.loop.run_until_complete(one())

    def forget_dc4(self) -> None:
        """Back to a bot that never met DC 4: no connection, no key, no import."""

        async def drop() -> None:
            await self.bot.dcs.close()
            assert self.bot.storage is not None
            self.bot.storage.forget_dc_key(4)

        self.loop.run_until_complete(drop())


def _client(dc: LocalDC, account_id: int, *, bot: bool) -> Client:
    home = dc.home_dc(account_id)
    assert home is not None
    key = os.urandom(256)
    dc.import_auth_key(key, account_id, dc_id=home)
    host, port = dc.address(home)
    session = MemorySession()
    session.set_dc(DcInfo(home, host, port, key))
    session.set_self(account_id, bot)
    return Client(session, 1, "hash", server=(host, port), dc_id=home, rsa_keys=[dc.public_key_pem])


@pytest.fixture(scope="module")
def rig() -> Iterator[Rig]:
    loop = asyncio.new_event_loop()
    dc = LocalDC(rsa_key=default_rsa_key(), dcs=(1, 2, 3, 4, 5))
    loop.run_until_complete(dc.start())
    bot_acc = dc.add_bot("bench_dc_bot", dc_id=2)
    user_acc = dc.add_user("15550990", "Bench", dc_id=2)
    bot, user = _client(dc, bot_acc.id, bot=True), _client(dc, user_acc.id, bot=False)

    @bot.on_callback_query(data=b"go")
    async def go(q: CallbackQuery) -> None:
        await q.edit("edited")
        await q.answer("ok")

    loop.run_until_complete(bot.connect())
    loop.run_until_complete(user.connect())
    buttons = [Button.callback("Go", b"go")]
    home_msg = dc.add_inline_message(bot_acc.id, user_acc.id, bot_acc.id, "h", buttons, dc_id=2)
    far_msg = dc.add_inline_message(bot_acc.id, user_acc.id, bot_acc.id, "f", buttons, dc_id=4)
    yield Rig(loop, dc, bot, user, home_msg, far_msg)
    loop.run_until_complete(user.close())
    loop.run_until_complete(bot.close())
    loop.run_until_complete(dc.stop())
    loop.close()


def test_press_edit_on_home_dc(benchmark: Any, rig: Rig) -> None:
    benchmark.group = "multi-DC press (edit + answer)"
    rig.press(rig.home_msg)  # warm
    answer = benchmark.pedantic(rig.press, args=(rig.home_msg,), rounds=ROUNDS, iterations=1)
    assert answer.message == "ok" and 4 not in rig.bot.dcs


def test_first_press_on_a_new_dc(benchmark: Any, rig: Rig) -> None:
    benchmark.group = "multi-DC press (edit + answer)"
    before = rig.dc.state.exports.imported
    answer = benchmark.pedantic(
        rig.press, args=(rig.far_msg,), setup=rig.forget_dc4, rounds=ROUNDS // 3, iterations=1
    )
    assert answer.message == "ok"
    assert rig.dc.state.exports.imported > before  # every round exported and imported


def test_later_presses_on_that_dc(benchmark: Any, rig: Rig) -> None:
    benchmark.group = "multi-DC press (edit + answer)"
    rig.press(rig.far_msg)  # the connection to DC 4 is made and authorized
    imported = rig.dc.state.exports.imported
    answer = benchmark.pedantic(rig.press, args=(rig.far_msg,), rounds=ROUNDS, iterations=1)
    assert answer.message == "ok" and rig.dc.state.exports.imported == imported
