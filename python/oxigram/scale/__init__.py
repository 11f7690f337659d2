"""Scale-out: callback presses shared across processes and machines through Redis Streams
(``pip install oxigram[redis]``; ARCHITECTURE.md, "Decisions that still hold: Scale-out").

* :class:`Front` holds the bot's update stream and XADDs every callback query;
* :class:`Worker` (any number, any machine) reads them through a consumer group, runs the
  same ``@on_callback_query`` handlers (a :class:`Handlers` registry, or the examples'
  ``setup(bot)`` functions) and answers over its own MTProto session of the bot;
* one answer per press: a claim per query id in Redis, XACK after the server accepted.
"""

from __future__ import annotations

from typing import Any

from .common import Handlers, ScaleConfig, as_handlers, load_handlers

__all__ = [
    "Front",
    "Handlers",
    "ScaleConfig",
    "Worker",
    "as_handlers",
    "ensure_group",
    "load_handlers",
]


def __getattr__(name: str) -> Any:
    # Front and Worker need the ``redis`` package; the rest (and the CLI) does not.
    if name in ("Front", "ensure_group"):
        from . import front

        return getattr(front, name)
    if name == "Worker":
        from .worker import Worker

        return Worker
    raise AttributeError(name)
