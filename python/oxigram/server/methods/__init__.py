"""The local DC's API methods, by area; ``HANDLERS`` maps a TL method name to its handler
and ``PUBLIC`` names the methods allowed before login."""

from __future__ import annotations

from ..rpc import Handler
from . import auth, help, messages, updates, users

__all__ = ["HANDLERS", "PUBLIC"]

HANDLERS: dict[str, Handler] = {}
PUBLIC: set[str] = set()
for _area in (auth, help, messages, updates, users):
    HANDLERS.update(_area.HANDLERS)
    PUBLIC |= _area.PUBLIC
