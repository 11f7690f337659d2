"""``examples/telegram_bot.py`` cannot reach Telegram here; everything it uses runs against the
local DC instead, built by the example's own ``make_client`` from the same environment
variables, with only the DC table replaced (``dc_table=``)."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cbsupport import logged_in, run, wait_until

from oxigram import tl
from oxigram.client.dc_table import DcTable
from oxigram.client.storage import DcAddress
from oxigram.network.sender import SenderConfig
from oxigram.server import LocalDC

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "telegram_bot.py"
FAST = SenderConfig(backoff_base=0.05, request_timeout=10.0)


def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("telegram_bot", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_telegram_example_answers_presses_on_the_local_dc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ex = example()

    async def main() -> None:
        async with LocalDC(answer_timeout=5.0) as dc:
            bot_acc = dc.add_bot("example_bot")
            user_acc = dc.add_user("15550801", "Eve")
            env = {
                "OXIGRAM_API_ID": "12345",
                "OXIGRAM_API_HASH": "0123456789abcdef",
                "OXIGRAM_BOT_TOKEN": bot_acc.token,
                "OXIGRAM_SESSION": str(tmp_path / "bot"),
            }
            table = DcTable((DcAddress(2, dc.host, dc.port),), (dc.rsa_public_key,))
            bot = ex.make_client(env, dc_table=table, config=FAST)
            ex.setup(bot)
            seen: list[Any] = []

            @bot.on_update
            async def keep(update: Any) -> None:
                if update._tl_name == "updateNewMessage":
                    seen.append(update)

            task = asyncio.create_task(ex.run(bot, env["OXIGRAM_BOT_TOKEN"]))
            try:
                await wait_until(lambda: "is running" in capsys.readouterr().out, 20)

                def keyboards() -> list[int]:
                    return [
                        m.id
                        for m in dc.store.messages.values()
                        if m.from_id == bot_acc.id and m.markup is not None
                    ]

                async with logged_in(dc, user_acc.id, bot=False, config=FAST) as user:
                    await user.send_message("@example_bot", "/start")
                    await wait_until(lambda: len(keyboards()) == 1, 10)
                    msg = await user.get_message(keyboards()[0])
                    assert msg is not None
                    toast = await msg.click(text="Toast")
                    assert (toast.message, toast.alert) == ("Hello from oxigram!", False)
                    alert = await msg.click(text="Alert")
                    assert alert.alert and alert.message == "An alert: dismiss it to go on."
                    assert (await msg.click(text="Pressed 0 times")).message == "1!"
                    edited = await user.get_message(msg.id)
                    assert edited is not None
                    assert (await edited.click(text="Pressed 1 times")).message == "2!"

                    # A bot session that never saw the user (as after a short update):
                    # greet() learns the user from the difference and still replies.
                    assert seen
                    async with logged_in(dc, bot_acc.id, bot=True, config=FAST) as fresh:
                        assert fresh.storage is not None
                        assert fresh.storage.entity(user_acc.id) is None
                        await ex.greet(fresh, seen[0])
                    await wait_until(lambda: len(keyboards()) == 2, 10)
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            # the session file kept the login: a second run does not log in again
            again = ex.make_client(env, dc_table=table, config=FAST)
            task = asyncio.create_task(ex.run(again, env["OXIGRAM_BOT_TOKEN"]))
            try:
                await wait_until(lambda: "is running" in capsys.readouterr().out, 20)
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            assert dc.stats["handshakes"] == 1

    run(main)


def test_the_telegram_example_says_what_it_needs() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OXIGRAM_")}
    env["OXIGRAM_BACKEND"] = os.environ.get("OXIGRAM_BACKEND", "native")
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 1
    assert "set OXIGRAM_API_ID, OXIGRAM_API_HASH, OXIGRAM_BOT_TOKEN" in proc.stderr


def test_the_example_defaults_to_telegram() -> None:
    ex = example()
    env = {"OXIGRAM_API_ID": "1", "OXIGRAM_API_HASH": "h", "OXIGRAM_BOT_TOKEN": "t"}
    for test in (False, True):
        bot = ex.make_client({**env, "OXIGRAM_TEST_DC": "1" if test else "0"})
        assert bot.test_mode is test and bot.server is None
        assert bot.dc_table.address(2) == (
            ("149.154.167.40", 443) if test else ("149.154.167.51", 443)
        )
    layer = Path(tl.__file__).parent / "api.tl"  # any api.tl: the shipped one will do
    loaded = ex.make_client({**env, "OXIGRAM_SCHEMA": str(layer)})
    assert loaded.schema is not tl.schema and loaded.schema.layer == tl.schema.layer
