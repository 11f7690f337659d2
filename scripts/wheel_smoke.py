"""Checks an installed oxigram wheel on the machine it runs on: the native backend loads
(and no fallback warning is raised), it agrees with the pure twin, the session file's lock
works with this OS's locking, the pytest plugin is declared (and ``oxigram.testing`` imports
without pytest), and a bot answers a user's press through a local DC over TCP.

Run it with the installed package, from outside the checkout (``python scripts/
wheel_smoke.py`` puts ``scripts/`` first on sys.path, not the checkout's ``python/``).
scripts/wheel-check runs it in a fresh virtualenv; .github/workflows/release.yml on every
platform it builds a wheel for.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import os
import platform
import sys
import tempfile
import warnings

warnings.simplefilter("error", RuntimeWarning)  # the native module must load: no fallback

import oxigram  # noqa: E402
from oxigram import _pure, crypto  # noqa: E402
from oxigram.client import Button, CallbackQuery, Client, SQLiteSession  # noqa: E402
from oxigram.errors import SessionLockedError  # noqa: E402
from oxigram.server import LocalDC  # noqa: E402


def check_backend() -> None:
    assert oxigram.backend == "native", oxigram.backend
    args = (bytes(range(48)), bytes(32), bytes(32))
    assert crypto.ige256_encrypt(*args) == _pure.ige256_encrypt(*args)


def check_session_lock() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "smoke")
        first = SQLiteSession(path)
        try:
            SQLiteSession(path)
        except SessionLockedError as exc:
            assert exc.owner == os.getpid(), exc.owner
        else:
            raise AssertionError("a second opener of a session file was not refused")
        first.close()
        SQLiteSession(path).close()  # free again


def check_pytest_plugin() -> None:
    plugins = [
        e.value for e in importlib.metadata.entry_points(group="pytest11") if e.name == "oxigram"
    ]
    assert plugins == ["oxigram.testing.plugin"], plugins
    from oxigram.testing import Sandbox

    assert Sandbox.__name__ == "Sandbox"
    assert "pytest" not in sys.modules  # the helpers work without pytest installed


async def press() -> str | None:
    async with LocalDC() as dc:
        bot_account = dc.add_bot("smoke_bot")
        user_account = dc.add_user("15550001", "Una", username="smoke_user")

        def connect() -> Client:
            return Client(None, 1, "smoke", server=(dc.host, dc.port), rsa_keys=[dc.public_key_pem])

        async with connect() as bot, connect() as user:
            await bot.login_bot(bot_account.token)

            @bot.on_callback_query(data=b"x")
            async def answer(q: CallbackQuery) -> None:
                await q.answer("pressed")

            await user.login_user(user_account.phone, user_account.login_code)
            keyboard = [[Button.callback("X", b"x")]]
            sent = await bot.send_message("@smoke_user", "hi", buttons=keyboard)
            msg_id = next(u.message.id for u in sent.updates if hasattr(u, "message"))
            message = await user.get_message(msg_id)
            assert message is not None
            return (await message.click(0)).message


def main() -> None:
    check_backend()
    check_session_lock()
    check_pytest_plugin()
    assert asyncio.run(asyncio.wait_for(press(), 60)) == "pressed"
    print(
        f"oxigram {oxigram.__version__} ({oxigram.__file__}): native backend, session lock, "
        f"pytest plugin entry point and a press through a local DC work on "
        f"{platform.platform()} / Python {sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()
