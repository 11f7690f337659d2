"""The README's "A bot in 20 lines" runs as written (against an in-process DC on a port and
key file it expects) and answers presses, also after the DC restarted without its state
under the bot's live session file."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cbsupport import logged_in, run, wait_until

from oxigram.mtproto.rsa_keys import generate_rsa_key

README = Path(__file__).resolve().parents[2] / "README.md"
server = pytest.importorskip("oxigram.server")


def readme_bot() -> str:
    text = README.read_text(encoding="utf-8")
    code = text.split("## A bot in 20 lines", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) < 20
    return code


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    """The README's bot reads dc.pem and keeps its session file ("bot") in the cwd."""
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(cwd)


async def run_readme_bot(dc: Any, code: str, *, press: bool = True) -> None:
    """Runs the README's bot against ``dc`` (as ``@demo_bot``, a new token) until it is
    logged in, then presses its two buttons as a user (``press``)."""
    bot_acc = dc.add_bot("demo_bot")
    user_acc = dc.add_user("15550501", "Rita")
    Path("dc.pem").write_text(dc.public_key_pem)
    src = code.replace("8443", str(dc.port)).replace('"TOKEN"', repr(bot_acc.token))
    src = src.replace("asyncio.run(main())", "")
    namespace: dict[str, Any] = {}
    exec(compile(src, "README.md", "exec"), namespace)
    bot = namespace["bot"]
    login_bot, logged = bot.login_bot, asyncio.Event()

    async def login_and_tell(token: str) -> Any:
        me = await login_bot(token)
        logged.set()
        return me

    bot.login_bot = login_and_tell  # main() calls it after `async with bot:`
    task = asyncio.create_task(namespace["main"]())

    def logged_in_or_failed() -> bool:
        if task.done():
            task.result()  # the bot's main() failed: raise its error here
        return logged.is_set()

    try:
        await wait_until(logged_in_or_failed)
        if not press:
            return
        msg_id = dc.send_message(
            bot_acc.id,
            user_acc.id,
            "hi",
            [[server.Button.callback("L", b"like:42"), server.Button.callback("H", b"like:7!")]],
        )
        async with logged_in(dc, user_acc.id, bot=False) as user:
            a = await user.request_callback_answer("@demo_bot", msg_id, b"like:42")
            assert a.message == "Thanks for liking #42!"
            h = await user.request_callback_answer("@demo_bot", msg_id, b"like:7!")
            assert h.alert and h.message == "Thanks for liking #7!!"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await bot.close()


def test_readme_bot_answers(in_tmp: Path) -> None:
    code = readme_bot()

    async def main() -> None:
        async with server.LocalDC(port=0) as dc:
            await run_readme_bot(dc, code)

    run(main)


def test_readme_bot_after_the_dc_restarts_without_its_state(
    in_tmp: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`oxigram serve` without --db forgets every key and account when it restarts (and
    makes a new RSA key); the bot's session file still holds the old key and login. The
    client drops them with one warning and logs in again."""
    code = readme_bot()

    async def main() -> None:
        async with server.LocalDC(port=0) as dc:
            await run_readme_bot(dc, code, press=False)  # logged in, then stopped
            port = dc.port
        assert (in_tmp / "bot.session").is_file()  # the live session: key and login
        with caplog.at_level(logging.WARNING, logger="oxigram.client.client"):
            async with server.LocalDC(port=port, rsa_key=generate_rsa_key()) as dc:
                await run_readme_bot(dc, code)
        warned = [r for r in caplog.records if r.name == "oxigram.client.client"]
        assert len(warned) == 1, [r.getMessage() for r in warned]
        assert "no longer knows this session's login (AUTH_KEY_UNREGISTERED)" in (
            warned[0].getMessage()
        )
        assert "\n" not in warned[0].getMessage()

    run(main)
