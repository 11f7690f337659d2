"""The local DC: an MTProto 2.0 server for tests and demos (see ARCHITECTURE.md, "Local DC").

>>> async with LocalDC(answer_timeout=1.0) as dc:          # doctest: +SKIP
...     bot = dc.add_bot("demo_bot")
...     user = dc.add_user("15550001", "Alice", password="hunter2")
...     dc.send_message(bot.id, user.id, "pick", buttons=[[Button.callback("Yes", b"yes")]])
"""

from __future__ import annotations

from .dc import LocalDC, default_rsa_key
from .model import LOGIN_CODE, Bot, Button, InlineMessage, User

__all__ = ["LOGIN_CODE", "Bot", "Button", "InlineMessage", "LocalDC", "User", "default_rsa_key"]
