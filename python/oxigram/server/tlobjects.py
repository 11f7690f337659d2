"""The one place server code gets TL from: the generated classes and the typed builders.

The local DC speaks only the shipped schema (layer 229; ``invokeWithLayer``'s layer is
recorded, never used to pick another), so it builds and matches TL objects with the schema's
generated classes, ``types.*`` and ``functions.*``, whose ``.pyi`` stubs let mypy check every
field a handler reads or sets: ``isinstance(obj, types.InputPeerSelf)``, not a comparison of
constructor names, and ``types.PeerUser(user_id=1)``, not a lookup by name. The objects made
from the DC's own records (users and messages as one account sees them) are in ``views.py``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ..tl import TLObject, dumps, functions, loads, types

__all__ = [
    "TLObject",
    "dumps",
    "functions",
    "peer_user",
    "reply_markup",
    "types",
    "updates",
]


def peer_user(user_id: int) -> types.PeerUser:
    return types.PeerUser(user_id=user_id)


def updates(updates: Sequence[types.TypeUpdate], users: Sequence[types.TypeUser]) -> types.Updates:
    """``updates{updates, users, chats=[], date=now, seq=0}``: every push of the local DC."""
    return types.Updates(
        updates=list(updates), users=list(users), chats=[], date=int(time.time()), seq=0
    )


def reply_markup(raw: bytes) -> types.TypeReplyMarkup:
    """A stored reply markup (serialized ``ReplyMarkup``) as its TL object."""
    markup = loads(raw)
    if not isinstance(markup, types.TypeReplyMarkup):
        raise TypeError(f"stored markup is a {type(markup).__name__}, not a ReplyMarkup")
    return markup
