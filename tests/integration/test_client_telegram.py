"""The client as it meets Telegram, against the local DC.

``Client(session, api_id, api_hash)`` with nothing else dials Telegram's built-in DC table; here
only that table is replaced (``dc_table=``: the local DC's address and key, the same code path
otherwise). Test mode's handshake DC id, the addresses ``help.getConfig`` names kept in the
session file and used after it is reopened, and the reactions Telegram documents for the errors
of ``messages.getBotCallbackAnswer``'s page (``AUTH_KEY_DUPLICATED``, ``-503 Timeout``,
``-3002``), each injected by the DC."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cbsupport import logged_in, run, wait_until

from oxigram import errors
from oxigram.client import Client, MemorySession, SQLiteSession
from oxigram.client.dc_table import DcTable, telegram_table
from oxigram.client.storage import DcAddress, DcInfo
from oxigram.mtproto.rsa_keys import public_key_from_pem, public_key_to_pem
from oxigram.network.sender import SenderConfig
from oxigram.server import Button, LocalDC

FAST = SenderConfig(backoff_base=0.05, request_timeout=10.0, server_retry_base=0.2)


def table_for(dc: LocalDC, port: int | None = None) -> DcTable:
    """Telegram's table with DC 2 moved to ``dc`` (or ``port``): the DC's key comes as SPKI PEM
    beside Telegram's own key, so the handshake has to pick it by fingerprint."""
    here = DcAddress(dc.dc_id, dc.host, dc.port if port is None else port)
    keys = (
        *telegram_table().rsa_keys,
        public_key_from_pem(public_key_to_pem(dc.rsa_key, spki=True)),
    )
    return DcTable((here,), keys)


@contextlib.asynccontextmanager
async def relay(target: int) -> AsyncIterator[int]:
    """A TCP relay to ``127.0.0.1:target`` on a port of its own, gone when the block ends."""
    writers: list[asyncio.StreamWriter] = []

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
        writer.close()

    async def on_client(cr: asyncio.StreamReader, cw: asyncio.StreamWriter) -> None:
        sr, sw = await asyncio.open_connection("127.0.0.1", target)
        writers.extend((cw, sw))
        await asyncio.gather(pipe(cr, sw), pipe(sr, cw))

    server = await asyncio.start_server(on_client, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for w in writers:
            w.close()


def test_default_client_reaches_the_dc_named_by_the_address_table(tmp_path: Path) -> None:
    async def main() -> None:
        async with LocalDC() as dc:
            bot = dc.add_bot("table_bot")
            path = tmp_path / "bot.session"
            async with Client(path, 1, "hash", dc_table=table_for(dc), config=FAST) as c:
                assert c.dc_id == 2 and c.server == (dc.host, dc.port)
                assert (await c.login_bot(bot.token)).id == bot.id
                assert (await c.get_me()).id == bot.id
            assert dc.handshake_dc_ids == {2: 1}  # a production id, the default home DC
            session = SQLiteSession(path)
            try:
                stored = session.dc
                assert stored is not None and stored.auth_key is not None
                assert (stored.dc_id, stored.host, stored.port) == (2, dc.host, dc.port)
                assert session.dc_addresses == (DcAddress(2, dc.host, dc.port),)
                assert session.self_user == (bot.id, True)
            finally:
                session.close()

    run(main)


def test_default_table_and_keys_are_telegrams() -> None:
    for test, host, fingerprint in (
        (False, "149.154.167.51", 0xD09D1D85DE64FD85),
        (True, "149.154.167.40", 0xB25898DF208D2603),
    ):
        c = Client(None, 1, "hash", test_mode=test)
        assert c.dc_table == telegram_table(test=test)
        assert c._home(None) == (2, (host, 443))
        assert [k.fingerprint % 2**64 for k in c.rsa_keys] == [fingerprint]
    v6 = Client(None, 1, "hash", use_ipv6=True)
    assert v6._home(None) == (2, ("2001:67c:4e8:f002::a", 443))
    # server= and rsa_keys= still point anywhere (the local DC is one argument away)
    local = Client(
        None, 1, "hash", server=("127.0.0.1", 1), rsa_keys=[telegram_table().rsa_keys[0]]
    )
    assert local._home(None) == (2, ("127.0.0.1", 1))
    with pytest.raises(errors.InvalidInputError, match="no address known for DC 9"):
        Client(None, 1, "hash", dc_id=9)._home(None)


def test_test_mode_names_the_shifted_dc_id_and_modes_do_not_mix() -> None:
    async def main() -> None:
        async with LocalDC(test_mode=True) as dc:
            bot = dc.add_bot("test_dc_bot")
            async with Client(
                None, 1, "hash", test_mode=True, dc_table=table_for(dc), config=FAST
            ) as c:
                assert (await c.login_bot(bot.token)).id == bot.id
                assert (await c.help.getConfig()).test_mode is True
            assert dc.handshake_dc_ids == {10002: 1}
            # a production client at a test DC: transport error -444, as Telegram answers
            with pytest.raises(errors.TransportError) as info:
                await Client(None, 1, "hash", dc_table=table_for(dc), config=FAST).connect()
            assert info.value.code == 444
        async with LocalDC() as prod:
            with pytest.raises(errors.TransportError) as info:
                await Client(
                    None, 1, "hash", test_mode=True, dc_table=table_for(prod), config=FAST
                ).connect()
            assert info.value.code == 444
            assert prod.handshake_dc_ids == {10002: 1} and prod.stats["handshakes"] == 0

    run(main)


def test_addresses_from_get_config_are_kept_and_dialled_after_reopening(tmp_path: Path) -> None:
    async def main() -> None:
        async with LocalDC() as dc:
            bot = dc.add_bot("moved_bot")
            path = tmp_path / "bot.session"
            # The table names a relay; the DC's config names the DC itself.
            async with relay(dc.port) as port:
                table = table_for(dc, port)
                async with Client(path, 1, "hash", dc_table=table, config=FAST) as c:
                    assert c.server == (dc.host, port)
                    await c.login_bot(bot.token)
            # The relay is gone: only the address kept in the session file reaches the DC.
            async with Client(path, 1, "hash", dc_table=table, config=FAST) as c:
                assert c.server == (dc.host, dc.port)
                assert (await c.get_me()).id == bot.id
            assert dc.stats["handshakes"] == 1  # the same key both times
            session = SQLiteSession(path)
            try:
                assert session.dc is not None and session.dc.port == dc.port
            finally:
                session.close()

    run(main)


def test_auth_key_duplicated_discards_the_key_and_makes_a_new_one(tmp_path: Path) -> None:
    async def main() -> None:
        async with LocalDC() as dc:
            bot = dc.add_bot("dup_bot")
            path = tmp_path / "bot.session"
            async with Client(path, 1, "hash", dc_table=table_for(dc), config=FAST) as c:
                await c.login_bot(bot.token)
                storage = c.storage
                assert storage is not None and storage.dc is not None
                old_key = storage.dc.auth_key
                dc.inject_error("users.getUsers", 406, "AUTH_KEY_DUPLICATED")
                with pytest.raises(errors.AuthKeyDuplicatedError):
                    await c.get_me()
                # the dead key is gone from the session at once; a new one follows
                assert not await c.is_authorized()
                await wait_until(lambda: dc.stats["handshakes"] == 2)
                await wait_until(lambda: storage.dc is not None and storage.dc.auth_key is not None)
                assert storage.dc is not None and storage.dc.auth_key != old_key
                with pytest.raises(errors.AuthKeyUnregisteredError):
                    await c.get_me()  # the new key is logged in as nobody
                assert (await c.login_bot(bot.token)).id == bot.id
                assert (await c.get_me()).id == bot.id
                new_key = storage.dc.auth_key
            async with Client(path, 1, "hash", dc_table=table_for(dc), config=FAST) as c:
                assert await c.is_authorized()
                assert c.storage is not None and c.storage.dc is not None
                assert c.storage.dc.auth_key == new_key
                assert (await c.get_me()).id == bot.id
            assert dc.stats["handshakes"] == 2

    run(main)


BUSY = [
    (-503, "Timeout", errors.RPCTimeoutError),
    (-3002, "All workers are busy. Active_queries = 7", errors.WorkersBusyError),
]


@pytest.mark.parametrize(("code", "message", "cls"), BUSY)
def test_a_press_meeting_a_busy_server_is_reported_once_never_resent(
    code: int, message: str, cls: type[errors.RPCError]
) -> None:
    async def main() -> None:
        async with LocalDC(answer_timeout=3.0) as dc:
            bot_acc = dc.add_bot("busy_bot")
            user_acc = dc.add_user("15550701", "Una")
            presses: list[bytes] = []
            async with (
                logged_in(dc, bot_acc.id, bot=True, config=FAST) as bot,
                logged_in(dc, user_acc.id, bot=False, config=FAST) as user,
            ):

                @bot.on_callback_query(data=b"go")
                async def go(q: Any) -> None:
                    presses.append(q.data)
                    await q.answer("went")

                msg_id = dc.send_message(
                    bot_acc.id, user_acc.id, "hi", [Button.callback("Go", b"go")]
                )
                msg = await user.get_message(msg_id)
                assert msg is not None
                dc.inject_error("messages.getBotCallbackAnswer", code, message, count=2)
                requests = dc.stats["requests"]
                with pytest.raises(cls) as info:
                    await msg.click(0)
                assert info.value.code == code
                assert info.value.request == "messages.getBotCallbackAnswer"
                assert dc.stats["requests"] == requests + 1  # the DC saw the press once
                with pytest.raises(cls):  # the rule's second use: nothing re-sent took it
                    await msg.click(0)
                assert (await msg.click(0)).message == "went"
                assert presses == [b"go"]

    run(main)


@pytest.mark.parametrize(("code", "message", "cls"), BUSY)
def test_a_read_only_request_meeting_a_busy_server_is_retried_with_back_off(
    code: int, message: str, cls: type[errors.RPCError]
) -> None:
    async def main() -> None:
        async with LocalDC() as dc:
            bot = dc.add_bot("retry_bot")
            user = dc.add_user("15550702", "Ria")
            async with logged_in(dc, bot.id, bot=True, config=FAST) as c:
                loop = asyncio.get_running_loop()
                dc.inject_error("users.getUsers", code, message, count=2)
                requests = dc.stats["requests"]
                start = loop.time()
                assert (await c.get_me()).id == bot.id
                # two pauses: 0.2 s then 0.4 s, each at least half its nominal length
                assert loop.time() - start >= 0.3
                assert dc.stats["requests"] == requests + 3
                # beyond server_retries (3): the error is raised after 4 tries
                dc.inject_error("users.getUsers", code, message, count=4)
                requests = dc.stats["requests"]
                with pytest.raises(cls):
                    await c.get_me()
                assert dc.stats["requests"] == requests + 4
                # a request that changes something is not repeated
                peer = {"_": "inputPeerUser", "user_id": user.id, "access_hash": user.access_hash}
                dc.inject_error("messages.sendMessage", code, message)
                requests = dc.stats["requests"]
                with pytest.raises(cls):
                    await c.messages.sendMessage(peer=peer, message="once?", random_id=1)
                assert dc.stats["requests"] == requests + 1
                assert not [m for m in dc.store.messages.values() if m.text == "once?"]

    run(main)


def test_init_connection_fields_are_settable() -> None:
    c = Client(
        MemorySession(),
        7,
        "hash",
        device_model="Pi 5",
        system_version="Linux 6.6",
        app_version="1.2.3",
        lang_code="de",
        system_lang_code="de-AT",
        lang_pack="android",
    )
    wrapped = c._wrap_first(c.schema["help.getConfig"]())
    assert wrapped._tl_name == "invokeWithLayer" and wrapped.layer == c.schema.layer
    init = wrapped.query
    assert (init.api_id, init.device_model, init.system_version, init.app_version) == (
        7,
        "Pi 5",
        "Linux 6.6",
        "1.2.3",
    )
    assert (init.lang_code, init.system_lang_code, init.lang_pack) == ("de", "de-AT", "android")
    plain = Client(None, 7, "hash", lang_code="fr")._wrap_first(c.schema["help.getConfig"]())
    assert (plain.query.system_lang_code, plain.query.lang_pack) == ("fr", "")


def test_oxigram_serve_prints_the_lines_that_connect_to_it(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "oxigram.cli", "serve", "--bot", "printed_bot:1:tok",
           "--duration", "60"]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("bot @"):
            line = proc.stdout.readline()
            assert line, f"oxigram serve ended early: {lines}"
            lines.append(line.rstrip("\n"))
        text = "\n".join(lines)
        code = text.split("connect with:\n", 1)[1].split("\nbot @", 1)[0]
        namespace: dict[str, Any] = {}
        exec(code, namespace)  # the printed lines, as printed
        client = namespace["client"]
        assert isinstance(client, Client)

        async def main() -> None:
            async with client:
                me = await client.login_bot("1:tok")
                assert me.username == "printed_bot"

        cwd = os.getcwd()
        os.chdir(tmp_path)  # where its session file goes
        try:
            run(main)
        finally:
            os.chdir(cwd)
        assert (tmp_path / "local.session").exists()
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_session_dc_with_its_key_keeps_the_session_there() -> None:
    # A session from a local DC, reopened with no server=: its DC and address win over the
    # table (the table is only for sessions that know nothing).
    async def main() -> None:
        async with LocalDC() as dc:
            bot = dc.add_bot("kept_bot")
            key = os.urandom(256)
            dc.import_auth_key(key, bot.id)
            session = MemorySession()
            session.set_dc(DcInfo(2, dc.host, dc.port, key))
            session.set_self(bot.id, True)
            nowhere = DcTable((DcAddress(2, "127.0.0.1", 9),), telegram_table().rsa_keys)
            async with Client(session, 1, "hash", dc_table=nowhere, config=FAST) as c:
                assert c.server == (dc.host, dc.port)
                assert (await c.get_me()).id == bot.id

    run(main)
