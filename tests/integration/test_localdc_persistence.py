"""State in SQLite survives a restart; ``oxigram serve`` starts a DC and prints its identity."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mtclient import RawClient, login_bot, run

from oxigram.mtproto.rsa_keys import RsaPrivateKey, public_key_from_pem
from oxigram.server import Button, LocalDC


def test_auth_keys_accounts_messages_and_pts_survive_restarts(
    rsa_key: RsaPrivateKey, tmp_path: Path
) -> None:
    db = tmp_path / "dc.sqlite"

    async def first() -> tuple[bytes, int, int, int, str]:
        async with LocalDC(rsa_key=rsa_key, db=db) as dc:
            bot = dc.add_bot("persist_bot")
            user = dc.add_user("15558000", "P", password="pw")
            async with RawClient(dc.port, dc.rsa_public_key) as c:  # a real handshake
                await login_bot(c, bot.token)
                mid = dc.send_message(bot.id, user.id, "kept", buttons=[Button.callback("k", b"k")])
                pts = (await c.call("updates.getState")).pts
                assert c.auth_key is not None
                key = c.auth_key
            # restart in place: same port, same file
            port = dc.port
            await dc.restart()
            assert dc.port == port
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as c:
                assert (await c.call("updates.getState")).pts == pts
            return key, bot.id, mid, pts, user.phone

    key, bot_id, mid, pts, phone = run(first())

    async def second() -> None:
        # a new process would do exactly this: a new DC object on the same file
        async with (
            LocalDC(rsa_key=rsa_key, db=db) as dc,
            RawClient(dc.port, dc.rsa_public_key, auth_key=key) as c,
        ):
            state = await c.call("updates.getState")
            assert state.pts == pts
            (me,) = await c.call("users.getUsers", id=[{"_": "inputUserSelf"}])
            assert me.id == bot_id and me.bot
            stored = dc.get_message(mid)
            assert stored is not None and stored.text == "kept"
            account = dc.store.by_phone(phone)
            assert account is not None and account.secret is not None
            # new ids continue after the stored ones
            assert dc.send_message(bot_id, account.id, "next") == mid + 1

    run(second())


def test_oxigram_serve_prints_its_identity(tmp_path: Path) -> None:
    pem = tmp_path / "dc.pem"
    db = tmp_path / "serve.sqlite"
    cmd = [sys.executable, "-m", "oxigram.cli", "serve", "--db", str(db), "--pem", str(pem),
           "--bot", "cli_bot:1:tok", "--user", "15559000:Cli:pw", "--duration", "0.2"]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env, check=True)
    lines = out.stdout.splitlines()
    assert lines[0].startswith("oxigram local DC 2 listening on 127.0.0.1:")
    fingerprint = int(lines[1].split(": ")[1])
    assert public_key_from_pem(pem.read_text()).fingerprint == fingerprint
    assert "bot @cli_bot" in out.stdout and "token=1:tok" in out.stdout
    assert "login code=12345 (2FA password set)" in out.stdout
    # a second run on the same file keeps the key and the accounts
    out2 = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env, check=True)
    assert f"fingerprint: {fingerprint}" in out2.stdout
    assert "(existing)" in out2.stdout
