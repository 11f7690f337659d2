"""The local DC's API methods, by area; ``HANDLERS`` maps a TL method name to its handler
and ``PUBLIC`` names the methods allowed before login.

A handler is ``async def handler(ctx: Context, req: functions.area.Method) -> result``: it
reads and changes the shared state through ``ctx.state``, learns about the DC that received
the request (and logs the caller's key in or out) through ``ctx.dc``, raises ``RpcError``
to answer with an error, and returns a TL object. Each module's ``HANDLERS`` is collected
here.
"""

from __future__ import annotations

from ..context import Handler
from . import auth, callbacks, ephemeral, help, messages, updates, upload, users

__all__ = ["HANDLERS", "PUBLIC"]

HANDLERS: dict[str, Handler] = {}
PUBLIC: set[str] = set()
for _area in (auth, callbacks, ephemeral, help, messages, updates, upload, users):
    HANDLERS.update(_area.HANDLERS)
    PUBLIC |= _area.PUBLIC
