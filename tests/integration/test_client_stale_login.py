"""A stored login the server no longer knows (AUTH_KEY_UNREGISTERED when the client resumes
it) is dropped with one warning, on a new auth key, and the login that follows works like
one on a new session. (The README's bot after `oxigram serve` restarts without --db is in
test_callbacks_readme.py.)"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest
from cbsupport import run, wait_until

from oxigram.client import Client, MemorySession
from oxigram.client.storage import DcInfo
from oxigram.network.sender import SenderConfig

server = pytest.importorskip("oxigram.server")
LocalDC = server.LocalDC


def client(dc: Any, session: Any) -> Client:
    config = SenderConfig(backoff_base=0.05, request_timeout=10.0)
    return Client(
        session, 1, "hash", server=(dc.host, dc.port), rsa_keys=[dc.public_key_pem], config=config
    )


def test_a_logged_out_key_is_replaced_and_the_login_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def main() -> None:
        async with LocalDC(port=0) as dc:
            bot_acc = dc.add_bot("stale_bot")
            key = os.urandom(256)
            dc.import_auth_key(key)  # the DC knows the key, bound to no account
            session = MemorySession()
            session.set_dc(DcInfo(dc.dc_id, dc.host, dc.port, key))
            session.set_self(bot_acc.id, True)
            with caplog.at_level(logging.WARNING, logger="oxigram.client.client"):
                async with client(dc, session) as bot:
                    assert session.self_user is None
                    assert session.dc is not None and session.dc.auth_key not in (None, key)
                    me = await bot.login_bot(bot_acc.token)
                    assert me.id == bot_acc.id and session.self_user == (bot_acc.id, True)
            (record,) = [r for r in caplog.records if r.name == "oxigram.client.client"]
            assert "AUTH_KEY_UNREGISTERED" in record.getMessage()

    run(main)


def test_updates_flow_after_a_restart_without_state(tmp_path: Path) -> None:
    """The update state stored for the old server (its pts) is dropped with the login: the
    bot's update handlers see the new server's messages."""
    path = tmp_path / "bot.session"

    seen: list[str] = []

    async def on_update(update: Any) -> None:
        message = getattr(update, "message", None)
        if message is not None:
            seen.append(message.message)

    async def main() -> None:
        async with LocalDC(port=0) as dc:
            bot_acc = dc.add_bot("stale_bot")
            user_acc = dc.add_user("15550601", "Uma")
            async with client(dc, path) as bot:
                bot.on_update(on_update)
                await bot.login_bot(bot_acc.token)
                for n in range(5):  # the stored pts moves well ahead of a new server's
                    dc.send_message(user_acc.id, bot_acc.id, f"hello {n}")
                await wait_until(lambda: len(seen) == 5)
                assert bot.storage is not None and bot.storage.update_state is not None
                assert bot.storage.update_state.pts > 5
            port = dc.port
        async with LocalDC(port=port) as dc:
            bot_acc = dc.add_bot("stale_bot")
            user_acc = dc.add_user("15550601", "Uma")
            async with client(dc, path) as bot:
                bot.on_update(on_update)
                await bot.login_bot(bot_acc.token)
                dc.send_message(user_acc.id, bot_acc.id, "after the restart")
                await wait_until(lambda: "after the restart" in seen)

    run(main)
