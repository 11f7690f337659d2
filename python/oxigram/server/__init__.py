"""The local DC: an MTProto 2.0 server for tests and demos (ARCHITECTURE.md, "Local DC" under
"Decisions that still hold").

``engine.Engine`` runs the protocol for one DC id (connections, sessions, pushes) over a
``state.State`` (accounts, messages, logins, callback queries) that several engines may
share; ``methods/`` holds the handlers, which get both through their ``context.Context``;
``LocalDC`` (dc.py) is one engine over its own state plus the test API.

>>> async with LocalDC(answer_timeout=1.0) as dc:          # doctest: +SKIP
...     bot = dc.add_bot("demo_bot")
...     user = dc.add_user("15550001", "Alice", password="hunter2")
...     dc.send_message(bot.id, user.id, "pick", buttons=[[Button.callback("Yes", b"yes")]])
"""

from __future__ import annotations

from .business import BusinessConnection
from .dc import LocalDC, default_rsa_key
from .model import LOGIN_CODE, Bot, Button, InlineMessage, StoredFile, User

__all__ = [
    "LOGIN_CODE",
    "Bot",
    "BusinessConnection",
    "Button",
    "InlineMessage",
    "LocalDC",
    "StoredFile",
    "User",
    "default_rsa_key",
]
