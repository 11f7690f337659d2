"""Testing bots against a real MTProto server, offline: the local DC, logged-in bots and
users, and helpers that send a message with buttons and press them.

* :class:`Sandbox` and the helpers (:func:`press`, :func:`send_buttons`,
  :func:`start_chat`, :func:`self_id`) work in any asyncio code;
* :mod:`oxigram.testing.plugin` is the pytest plugin (fixtures ``local_dc``, ``bot``,
  ``user``, ``make_bot``, ``make_user``), registered through the ``pytest11`` entry point.

Importing this package loads nothing else: the client and the server are imported when one
of the names below is first used, so pytest loading the plugin costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .sandbox import Sandbox, press, self_id, send_buttons, start_chat

__all__ = ["Sandbox", "press", "self_id", "send_buttons", "start_chat"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'oxigram.testing' has no attribute {name!r}")
    from . import sandbox

    value = getattr(sandbox, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
