"""Several DCs: a local cluster (one state, DCs 1-5 each on its own port with its own keys)
and clients that reach every DC of it. A press on an inline message living on another DC
than the bot's, edited there (and seen by the user on that DC); the inline DC being home;
an account moved after login; a file on another DC; a dropped connection to a second DC;
a restart reusing every DC's key; concurrent first requests sharing one export/import; the
exported bytes single-use and expiring. Every test runs on both backends, with real
handshakes wherever the client meets a DC for the first time."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cbsupport import run, wait_until

from oxigram import crypto, errors
from oxigram.cli import parse_dc_ids
from oxigram.client import CallbackQuery, Client, MemorySession, SQLiteSession
from oxigram.client.storage import DcInfo, SessionStorage
from oxigram.network.sender import SenderConfig
from oxigram.server import Button, LocalDC
from oxigram.server import default_rsa_key as _key

CLUSTER = (1, 2, 3, 4, 5)


def _cluster(**kw: Any) -> LocalDC:
    return LocalDC(rsa_key=_key(), dcs=CLUSTER, answer_timeout=5.0, **kw)


def _client_on(
    dc: LocalDC,
    account_id: int,
    *,
    bot: bool,
    session: SessionStorage | None = None,
    **kw: Any,
) -> Client:
    """A client logged in as ``account_id`` on the account's home DC (its key imported
    there: no handshake, no login; other DCs are met for real)."""
    home = dc.home_dc(account_id)
    assert home is not None
    key = os.urandom(256)
    dc.import_auth_key(key, account_id, dc_id=home)
    host, port = dc.address(home)
    session = session if session is not None else MemorySession()
    session.set_dc(DcInfo(home, host, port, key))
    session.set_self(account_id, bot)
    kw.setdefault("config", SenderConfig(backoff_base=0.05, request_timeout=10.0))
    return Client(
        session, 1, "hash", server=(host, port), dc_id=home, rsa_keys=[dc.public_key_pem], **kw
    )


def _handshakes(dc: LocalDC, dc_id: int) -> int:
    return sum(dc.engine_for(dc_id).handshake_dc_ids.values())


def _edits_seen(client: Client) -> list[str]:
    seen: list[str] = []

    @client.on_update
    async def on_update(update: Any) -> None:
        if update._tl_name == "updateEditMessage":
            seen.append(update.message.message)

    return seen


def test_the_cluster_names_every_dc_and_homes_accounts() -> None:
    async def main() -> None:
        async with _cluster() as dc:
            assert dc.dc_ids == list(CLUSTER) and dc.dc_id == 2
            ports = {port for _, port in dc.addresses.values()}
            assert len(ports) == len(CLUSTER)
            bot = dc.add_bot("home_bot", dc_id=4)
            assert dc.home_dc(bot.id) == 4 and dc.home_dc(dc.add_user("1555", "U").id) == 2
            async with _client_on(dc, bot.id, bot=True) as client:
                config = await client.invoke(client.make.help_get_config())
                assert config.this_dc == 4
                assert {o.id: o.port for o in config.dc_options} == {
                    i: dc.address(i)[1] for i in CLUSTER
                }
                # the keys are DC 4's: DC 2 does not know this client's key
                assert len(dc.engine_for(4).keys) == 1 and len(dc.engine_for(2).keys) == 0
            with pytest.raises(errors.InvalidInputError, match="not one of"):
                dc.add_bot("nowhere_bot", dc_id=9)

    run(main)


@pytest.mark.parametrize("inline_dc", [4, 2], ids=["inline-dc-4", "inline-dc-is-home"])
def test_an_inline_press_is_edited_on_the_dc_the_message_lives_on(inline_dc: int) -> None:
    """A bot homed on DC 2, a user homed on DC 4, an inline message living on
    ``inline_dc``: the press is answered and the message edited there (over a new,
    authorized connection to DC 4, or over home when it is home: kurigram #74), and the
    user sees the edit on DC 4."""

    async def main() -> None:
        async with _cluster() as dc:
            bot_acc = dc.add_bot("inline_dc_bot", dc_id=2)
            user_acc = dc.add_user("15558001", "Ada", dc_id=4)
            peer_acc = dc.add_user("15558002", "Bo", dc_id=4)
            bot = _client_on(dc, bot_acc.id, bot=True)
            user = _client_on(dc, user_acc.id, bot=False)
            seen = _edits_seen(user)
            pressed: list[int] = []

            @bot.on_callback_query(data=b"go")
            async def go(q: CallbackQuery) -> None:
                pressed.append(q.inline_message_id.dc_id)
                await q.answer("done")
                assert await q.edit("edited on its DC") is True

            async with bot, user:
                inline = dc.add_inline_message(
                    bot_acc.id,
                    user_acc.id,
                    peer_acc.id,
                    "inline",
                    [Button.callback("Go", b"go")],
                    dc_id=inline_dc,
                )
                assert inline.input_id.dc_id == inline_dc
                before = _handshakes(dc, 4)
                msg = await user.get_message(inline.msg_id)
                assert msg is not None
                answer = await msg.click(data=b"go")
                assert answer.message == "done" and pressed == [inline_dc]
                await wait_until(lambda: dc.get_message(inline.msg_id).text == "edited on its DC")
                await wait_until(lambda: "edited on its DC" in seen)  # on the user's DC 4
                if inline_dc == bot.dc_id:
                    assert 4 not in bot.dcs and not bot.dcs.imports
                else:
                    assert 4 in bot.dcs and bot.dcs.imports == {4: 1}
                    assert _handshakes(dc, 4) == before + 1  # the bot's new key on DC 4
                    assert dc.state.exports.imported == 1
                    # every request there went in invokeWithoutUpdates: only home carries
                    # the bot's updates
                    assert not dc.engine_for(4).sessions.subscribers(bot_acc.id)
                    assert dc.engine_for(2).sessions.subscribers(bot_acc.id)
                # a second press, the bot connected to both DCs: handled once, edited over
                # the connection made for the first
                answer = await msg.click(data=b"go")
                assert answer.message == "done" and pressed == [inline_dc, inline_dc]
                assert bot.callback_stats.count == 2
                assert dc.state.exports.imported == (0 if inline_dc == 2 else 1)

    run(main)


def test_an_edit_sent_to_the_wrong_dc_is_refused_as_on_telegram() -> None:
    async def main() -> None:
        async with _cluster() as dc:
            bot_acc = dc.add_bot("wrong_dc_bot", dc_id=2)
            user_acc = dc.add_user("15558003", "Cy", dc_id=2)
            inline = dc.add_inline_message(bot_acc.id, user_acc.id, bot_acc.id, "x", dc_id=4)
            async with _client_on(dc, bot_acc.id, bot=True) as bot:
                edit = bot.make.messages_edit_inline_bot_message(id=inline.input_id, message="y")
                with pytest.raises(errors.BadRequestError, match="MESSAGE_ID_INVALID"):
                    await bot.invoke(edit, dc_id=3)  # not where it lives (tdlib/td #971)
                with pytest.raises(errors.BadRequestError, match="MESSAGE_ID_INVALID"):
                    await bot.invoke(edit)  # home (DC 2) does not have it either
                assert await bot.invoke(edit, dc_id=4) is True  # where its id says
                assert dc.get_message(inline.msg_id).text == "y"

    run(main)


def test_a_user_moved_after_login_stays_logged_in() -> None:
    """USER_MIGRATE_4 on a logged-in session: the client exports its authorization to
    DC 4, makes it home, keeps its updates flowing from there, and repeats the request."""

    async def main() -> None:
        async with _cluster() as dc:
            user_acc = dc.add_user("15558004", "Dee", dc_id=2)
            bot_acc = dc.add_bot("moved_bot", dc_id=2)
            user = _client_on(dc, user_acc.id, bot=False)
            news: list[str] = []

            @user.on_update
            async def on_update(update: Any) -> None:
                if update._tl_name == "updateNewMessage":
                    news.append(update.message.message)

            async with user:
                assert (await user.get_me()).id == user_acc.id
                dc.move_account(user_acc.id, 4)
                with pytest.raises(errors.UserMigrateError):  # what the old key gets now
                    await user.sender.invoke(  # type: ignore[union-attr]
                        user.make.users_get_users(id=[user.make.input_user_self()])
                    )
                me = await user.get_me()  # USER_MIGRATE_4 -> home is DC 4, still logged in
                assert me.id == user_acc.id
                assert user.dc_id == 4 and user.server == dc.address(4)
                assert user.storage is not None and user.storage.dc is not None
                assert user.storage.dc.dc_id == 4 and user.storage.self_user == (
                    user_acc.id,
                    False,
                )
                assert dc.state.exports.imported == 1
                dc.send_message(bot_acc.id, user_acc.id, "after the move")
                await wait_until(lambda: "after the move" in news)

    run(main)


def test_network_migrate_moves_the_home_too() -> None:
    async def main() -> None:
        async with _cluster() as dc:
            user_acc = dc.add_user("15558005", "Eve", dc_id=2)
            async with _client_on(dc, user_acc.id, bot=False) as user:
                dc.inject_error("users.getUsers", 303, "NETWORK_MIGRATE_3", dc_id=2)
                assert (await user.get_me()).id == user_acc.id
                assert user.dc_id == 3 and dc.state.exports.imported == 1

    run(main)


def test_a_migrate_error_from_another_dc_moves_the_home_there() -> None:
    """USER_MIGRATE_4 answered by DC 4 to a request sent there (not home): the home moves
    to DC 4 over that connection, already authorized, and the request is repeated."""

    async def main() -> None:
        async with _cluster() as dc:
            user_acc = dc.add_user("15558013", "Max", dc_id=2)
            async with _client_on(dc, user_acc.id, bot=False) as user:
                get_me = user.make.users_get_users(id=[user.make.input_user_self()])
                assert (await user.invoke(get_me, dc_id=4))[0].id == user_acc.id
                dc.inject_error("users.getUsers", 303, "USER_MIGRATE_4", dc_id=4)
                assert (await user.invoke(get_me, dc_id=4))[0].id == user_acc.id
                assert user.dc_id == 4 and 4 not in user.dcs
                assert dc.state.exports.imported == 1  # the connection made for the first
                assert (await user.get_me()).id == user_acc.id  # over the new home

    run(main)


def test_a_file_on_another_dc_is_downloaded_there() -> None:
    async def main() -> None:
        async with _cluster() as dc:
            user_acc = dc.add_user("15558006", "Fay", dc_id=2)
            data = os.urandom(300 * 1024 + 17)
            stored = dc.add_file(data, dc_id=3)
            async with _client_on(dc, user_acc.id, bot=False) as user:
                req = user.make.upload_get_file(
                    location=stored.input_location, offset=0, limit=1024 * 1024
                )
                with pytest.raises(errors.FileMigrateError) as info:
                    await user.sender.invoke(req)  # type: ignore[union-attr]
                assert info.value.dc_id == 3
                part = await user.invoke(req)  # FILE_MIGRATE_3 followed to DC 3
                assert bytes(part.bytes) == data
                assert await user.download_file(stored.input_location) == data
                assert (
                    await user.download_file(stored.input_location, dc_id=3, part_size=64 * 1024)
                    == data
                )
                assert user.dcs.imports == {3: 1}  # one export/import for all of it

    run(main)


def test_a_dropped_connection_to_the_second_dc_is_recovered() -> None:
    async def main() -> None:
        async with _cluster() as dc:
            bot_acc = dc.add_bot("drop_bot", dc_id=2)
            user_acc = dc.add_user("15558007", "Gus", dc_id=4)
            inline = dc.add_inline_message(bot_acc.id, user_acc.id, bot_acc.id, "a", dc_id=4)
            async with _client_on(dc, bot_acc.id, bot=True) as bot:
                edit = bot.make.messages_edit_inline_bot_message
                assert await bot.invoke(edit(id=inline.input_id, message="one"), dc_id=4)
                assert dc.drop_connections(dc_id=4) == 1
                assert await bot.invoke(edit(id=inline.input_id, message="two"), dc_id=4)
                assert dc.get_message(inline.msg_id).text == "two"
                assert bot.dcs.imports == {4: 1} and _handshakes(dc, 4) == 1

    run(main)


def test_a_restart_reuses_every_dcs_key(tmp_path: Path) -> None:
    """A bot's SQLite session after talking to DCs 2 and 4, a restart of the cluster (its
    database keeps every DC's keys) and of the client: no handshake on any DC, no new
    export, and the edit on DC 4 works at once."""

    async def main() -> None:
        dc = _cluster(db=tmp_path / "cluster.db")
        await dc.start()
        try:
            bot_acc = dc.add_bot("restart_bot", dc_id=2)
            user_acc = dc.add_user("15558008", "Hal", dc_id=4)
            inline = dc.add_inline_message(bot_acc.id, user_acc.id, bot_acc.id, "a", dc_id=4)
            session = SQLiteSession(tmp_path / "bot")
            async with _client_on(dc, bot_acc.id, bot=True, session=session) as bot:
                edit = bot.make.messages_edit_inline_bot_message(id=inline.input_id, message="1")
                assert await bot.invoke(edit, dc_id=4)
            session.close()  # (a storage passed in is the caller's to close)
            await dc.restart()
            handshakes = sum(dc.handshake_dc_ids.values())
            exported = dc.state.exports.exported
            host, port = dc.address(2)
            again = Client(
                tmp_path / "bot", 1, "hash", server=(host, port), rsa_keys=[dc.public_key_pem]
            )
            async with again:
                assert again.storage is not None and again.storage.dc_key(4) is not None
                edit = again.make.messages_edit_inline_bot_message(id=inline.input_id, message="2")
                assert await again.invoke(edit, dc_id=4)
                assert dc.get_message(inline.msg_id).text == "2"
                assert (await again.get_me()).id == bot_acc.id
            assert sum(dc.handshake_dc_ids.values()) == handshakes  # on no DC
            assert dc.state.exports.exported == exported and not again.dcs.imports
        finally:
            await dc.stop()

    run(main)


def test_concurrent_first_requests_share_one_export_import() -> None:
    async def main() -> None:
        async with _cluster() as dc:
            bot_acc = dc.add_bot("many_bot", dc_id=2)
            user_acc = dc.add_user("15558009", "Ida", dc_id=5)
            inlines = [
                dc.add_inline_message(bot_acc.id, user_acc.id, bot_acc.id, f"m{i}", dc_id=5)
                for i in range(8)
            ]
            async with _client_on(dc, bot_acc.id, bot=True) as bot:
                edit = bot.make.messages_edit_inline_bot_message
                results = await asyncio.gather(
                    *(bot.invoke(edit(id=m.input_id, message="x"), dc_id=5) for m in inlines)
                )
                assert results == [True] * len(inlines)
                assert dc.state.exports.exported == 1 and dc.state.exports.imported == 1
                assert bot.dcs.imports == {5: 1} and _handshakes(dc, 5) == 1

    run(main)


def test_an_idle_connection_to_another_dc_is_closed_and_reopened() -> None:
    async def main() -> None:
        async with _cluster() as dc:
            bot_acc = dc.add_bot("idle_bot", dc_id=2)
            user_acc = dc.add_user("15558010", "Jo", dc_id=4)
            inline = dc.add_inline_message(bot_acc.id, user_acc.id, bot_acc.id, "a", dc_id=4)
            async with _client_on(dc, bot_acc.id, bot=True, dc_idle_timeout=0.2) as bot:
                edit = bot.make.messages_edit_inline_bot_message
                assert await bot.invoke(edit(id=inline.input_id, message="1"), dc_id=4)
                assert 4 in bot.dcs
                await wait_until(lambda: 4 not in bot.dcs)
                await wait_until(lambda: dc.engine_for(4).connections == 0)
                assert await bot.invoke(edit(id=inline.input_id, message="2"), dc_id=4)
                assert bot.dcs.imports == {4: 1} and _handshakes(dc, 4) == 1  # same key

    run(main)


def test_exported_bytes_are_single_use_and_expire() -> None:
    async def main() -> None:
        async with _cluster() as dc:
            user_acc = dc.add_user("15558011", "Kit", dc_id=2)
            async with _client_on(dc, user_acc.id, bot=False) as user:
                make = user.make
                exported = await user.invoke(make.auth_export_authorization(dc_id=4))
                assert exported.id == user_acc.id and len(exported.bytes) >= 32
                with pytest.raises(errors.BadRequestError, match="DC_ID_INVALID"):
                    await user.invoke(make.auth_export_authorization(dc_id=2))  # its own DC
                with pytest.raises(errors.BadRequestError, match="DC_ID_INVALID"):
                    await user.invoke(make.auth_export_authorization(dc_id=9))
                host, port = dc.address(4)
                async with (
                    Client(
                        None, 1, "h", server=(host, port), dc_id=4, rsa_keys=[dc.public_key_pem]
                    ) as first,
                    Client(
                        None, 1, "h", server=(host, port), dc_id=4, rsa_keys=[dc.public_key_pem]
                    ) as second,
                ):
                    imp = make.auth_import_authorization(id=exported.id, bytes=exported.bytes)
                    auth = await first.invoke(imp)
                    assert auth.user.id == user_acc.id
                    assert (await first.get_me()).id == user_acc.id  # logged in on DC 4
                    with pytest.raises(errors.BadRequestError, match="AUTH_BYTES_INVALID"):
                        await second.invoke(imp)  # used once already
                    dc.export_ttl = 0.2
                    late = await user.invoke(make.auth_export_authorization(dc_id=4))
                    await asyncio.sleep(0.3)
                    with pytest.raises(errors.BadRequestError, match="AUTH_BYTES_INVALID"):
                        await second.invoke(
                            make.auth_import_authorization(id=late.id, bytes=late.bytes)
                        )
                    dc.export_ttl = 60.0
                    other = await user.invoke(make.auth_export_authorization(dc_id=3))
                    with pytest.raises(errors.BadRequestError, match="AUTH_BYTES_INVALID"):
                        await second.invoke(  # bytes for DC 3 are no good on DC 4
                            make.auth_import_authorization(id=other.id, bytes=other.bytes)
                        )
                    with pytest.raises(errors.AuthKeyUnregisteredError):
                        await second.get_me()

    run(main)


def test_a_login_on_another_dc_than_home_is_sent_home() -> None:
    """A bot living on DC 4 logging in at DC 2: USER_MIGRATE_4, a new key on DC 4 (its
    address from help.getConfig) and the login there."""

    async def main() -> None:
        async with _cluster() as dc:
            bot_acc = dc.add_bot("far_bot", dc_id=4)
            host, port = dc.address(2)
            async with Client(
                None, 1, "h", server=(host, port), rsa_keys=[dc.public_key_pem]
            ) as bot:
                me = await bot.login_bot(bot_acc.token)
                assert me.id == bot_acc.id and bot.dc_id == 4
                assert (await bot.get_me()).id == bot_acc.id

    run(main)


def test_the_database_keeps_every_dcs_keys_and_salt(tmp_path: Path) -> None:
    async def main() -> None:
        dc = _cluster(db=tmp_path / "keys.db")
        await dc.start()
        user = dc.add_user("15558012", "Lu", dc_id=4)
        k2, k4 = os.urandom(256), os.urandom(256)
        id2 = dc.import_auth_key(k2, dc_id=2)
        id4 = dc.import_auth_key(k4, user.id, dc_id=4)
        salt4 = dc.rotate_salt(dc_id=4)
        await dc.stop()
        again = _cluster(db=tmp_path / "keys.db")
        await again.start()
        try:
            assert set(again.engine_for(2).keys.records) == {id2}
            assert set(again.engine_for(4).keys.records) == {id4}
            assert again.engine_for(4).keys.records[id4].user_id == user.id
            assert again.engine_for(4).keys.salt == salt4  # a rotated salt is DC 4's alone
            assert again.engine_for(2).keys.salt != salt4
            assert again.home_dc(user.id) == 4
        finally:
            await again.stop()

    run(main)


def test_a_database_of_the_one_dc_format_keeps_its_keys_as_the_first_dcs(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    key = os.urandom(256)
    with sqlite3.connect(path) as db:  # the tables as the one-DC format wrote them
        db.executescript(
            """
            CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE accounts (
                id INTEGER PRIMARY KEY, access_hash INTEGER NOT NULL, first_name TEXT NOT NULL,
                bot INTEGER NOT NULL, username TEXT, phone TEXT, token TEXT, password TEXT,
                salt1 BLOB, salt2 BLOB, v BLOB);
            CREATE TABLE auth_keys (
                key_id BLOB PRIMARY KEY, key BLOB NOT NULL, user_id INTEGER,
                layer INTEGER NOT NULL);
            CREATE TABLE messages (
                id INTEGER PRIMARY KEY, from_id INTEGER NOT NULL, to_id INTEGER NOT NULL,
                text TEXT NOT NULL, date INTEGER NOT NULL, markup BLOB, edit_date INTEGER,
                via_bot_id INTEGER, inline_id INTEGER, inline_hash INTEGER, game TEXT);
            """
        )
        db.execute(
            "INSERT INTO accounts VALUES (100000, 7, 'Old', 0, NULL, '1555', NULL, NULL, "
            "NULL, NULL, NULL)"
        )
        db.execute(
            "INSERT INTO auth_keys VALUES (?, ?, 100000, 229)", (crypto.auth_key_id(key), key)
        )
        db.execute(
            "INSERT INTO messages VALUES (1, 100000, 100000, 'hi', 1, NULL, NULL, "
            "NULL, NULL, NULL, NULL)"
        )
    db.close()

    async def main() -> None:
        async with LocalDC(rsa_key=_key(), db=path) as dc:
            record = dc.engine.keys.records[crypto.auth_key_id(key)]
            assert record.key == key and record.user_id == 100000 and not record.imported
            assert dc.home_dc(100000) is None and dc.get_message(1).inline_dc is None  # type: ignore[union-attr]

    run(main)


def test_oxigram_serve_dcs_prints_every_dcs_client_line(tmp_path: Path) -> None:
    assert parse_dc_ids("1-5") == [1, 2, 3, 4, 5] and parse_dc_ids("4,1-2") == [1, 2, 4]
    for bad in ("0-2", "3-1", "x"):
        with pytest.raises(Exception, match="DC ids"):
            parse_dc_ids(bad)
    pem = tmp_path / "dc.pem"
    cmd = [sys.executable, "-m", "oxigram.cli", "serve", "--dcs", "1-3", "--pem", str(pem),
           "--bot", "far_cli_bot", "--duration", "0.2"]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True).stdout
    ports = {
        int(m[1]): int(m[2]) for m in re.finditer(r"local DC (\d) listening on [\d.]+:(\d+)", out)
    }
    assert sorted(ports) == [1, 2, 3] and len(set(ports.values())) == 3
    assert "accounts live on DC 2" in out
    for dc_id, port in ports.items():
        line = f'server=("127.0.0.1", {port}), dc_id={dc_id}, rsa_keys=[open('
        assert line in out, out
