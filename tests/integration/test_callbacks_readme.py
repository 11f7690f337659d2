"""The README's "A bot in 20 lines" runs as written (against an in-process DC on a port and
key file it expects) and answers presses."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from cbsupport import logged_in, run, wait_until

README = Path(__file__).resolve().parents[2] / "README.md"
server = pytest.importorskip("oxigram.server")


def readme_bot() -> str:
    text = README.read_text(encoding="utf-8")
    code = text.split("## A bot in 20 lines", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) < 20
    return code


def test_readme_bot_answers(tmp_path: Path) -> None:
    code = readme_bot()

    async def main() -> None:
        async with server.LocalDC(port=0) as dc:
            bot_acc = dc.add_bot("demo_bot")
            user_acc = dc.add_user("15550501", "Rita")
            (tmp_path / "dc.pem").write_text(dc.public_key_pem)
            src = code.replace("8443", str(dc.port)).replace('"TOKEN"', repr(bot_acc.token))
            src = src.replace("asyncio.run(main())", "")
            namespace: dict[str, Any] = {}
            exec(compile(src, "README.md", "exec"), namespace)
            task = asyncio.create_task(namespace["main"]())
            try:
                msg_id = dc.send_message(
                    bot_acc.id,
                    user_acc.id,
                    "hi",
                    [
                        [
                            server.Button.callback("L", b"like:42"),
                            server.Button.callback("H", b"like:7!"),
                        ]
                    ],
                )
                async with logged_in(dc, user_acc.id, bot=False) as user:
                    bot = namespace["bot"]
                    await wait_until(lambda: bot.storage is not None and bot.storage.self_user)
                    a = await user.request_callback_answer("@demo_bot", msg_id, b"like:42")
                    assert a.message == "Thanks for liking #42!"
                    h = await user.request_callback_answer("@demo_bot", msg_id, b"like:7!")
                    assert h.alert and h.message == "Thanks for liking #7!!"
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                await namespace["bot"].close()

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        run(main)
    finally:
        os.chdir(cwd)
