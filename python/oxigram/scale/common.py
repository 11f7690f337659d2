"""What the front and the workers share: settings, the stream entry format, the claim keys,
and the handler registry."""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import tl
from ..client.callback_data import CallbackData, CallbackDataFilter
from ..client.callbacks import Answer, CallbackHandler, CallbackRouter, Predicate

__all__ = [
    "Handlers",
    "ScaleConfig",
    "decode_entry",
    "encode_entry",
    "load_handlers",
]


@dataclass
class ScaleConfig:
    """Settings shared by a front and its workers (they must agree on the names)."""

    stream: str = "oxigram:callbacks"
    group: str = "oxigram-workers"
    #: Presses waiting (not yet delivered + delivered but unacknowledged) at most; above it
    #: the front answers new presses with ``overload_answer`` at once and counts them.
    max_backlog: int = 10_000
    #: Seconds after the press when the default answer is sent (the worker's deadline timer,
    #: then the front's sweep ``front_grace`` later if no worker did it).
    deadline: float = 8.0
    deadline_answer: Answer = field(default_factory=Answer)
    overload_answer: Answer = field(default_factory=lambda: Answer("Busy, try again"))
    #: After ``deadline + answer_grace`` nobody tries to answer (Telegram's window is over).
    answer_grace: float = 2.0
    front_grace: float = 0.5
    #: Pending entries idle this long are taken over by another worker (XAUTOCLAIM).
    min_idle: float = 1.5
    #: Entries read per XREADGROUP / XAUTOCLAIM, and the block time of a read.
    batch: int = 64
    block: float = 0.2
    #: Presses a worker runs at once (its router's semaphore) and holds unacknowledged.
    max_concurrent: int = 64
    claim_prefix: str = "oxigram:answer:"
    #: Life of a "sending" claim, and the timeout of the answer it covers: a worker that
    #: dies after claiming blocks the press this long at most.
    claim_ttl: float = 3.0
    #: How long the "done" mark of an answered query is kept.
    done_ttl: float = 120.0

    @property
    def trim_len(self) -> int:
        """XADD MAXLEN ~ bound: the backlog bound plus room for acknowledged entries."""
        return 2 * self.max_backlog

    def claim_key(self, query_id: int) -> str:
        return f"{self.claim_prefix}{query_id}"


# ----------------------------------------------------------------------------- entries


def encode_entry(
    update: Any, received: float, users: list[Any], chats: list[Any]
) -> dict[str, bytes]:
    """A stream entry: the update's TL bytes, the wall-clock receive time, the query id and
    the users/chats of the ``Updates`` object (so the worker can resolve peers)."""
    return {
        "q": str(update.query_id).encode(),
        "t": repr(received).encode(),
        "u": tl.dumps(update),
        "p": b"".join(tl.dumps(x) for x in users),
        "c": b"".join(tl.dumps(x) for x in chats),
    }


def _many(data: bytes) -> list[Any]:
    out: list[Any] = []
    offset = 0
    while offset < len(data):
        obj, offset = tl.loads_prefix(data, offset)
        out.append(obj)
    return out


@dataclass
class Entry:
    entry_id: str
    query_id: int
    received: float  # wall clock (time.time()) at the front
    raw: dict[bytes, bytes]

    def decode(self) -> tuple[Any, list[Any], list[Any]]:
        return (
            tl.loads(self.raw[b"u"]),
            _many(self.raw.get(b"p", b"")),
            _many(self.raw.get(b"c", b"")),
        )

    def age(self) -> float:
        return time.time() - self.received


def decode_entry(entry_id: bytes | str, fields: dict[bytes, bytes]) -> Entry:
    eid = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return Entry(eid, int(fields[b"q"]), float(fields[b"t"]), fields)


# ---------------------------------------------------------------------------- handlers


@dataclass
class _Registered:
    handler: CallbackHandler
    kwargs: dict[str, Any]


class Handlers:
    """A handler registry with the client's decorator, so the same module serves a
    single-process bot (``handlers.install(client)``) and workers (``Worker(handlers=...)``)::

        handlers = Handlers()

        @handlers.on_callback_query(data=b"hello")
        async def hello(q): await q.answer("Hello!")
    """

    def __init__(self) -> None:
        self._registered: list[_Registered] = []

    def on_callback_query(
        self,
        *,
        data: bytes | str | None = None,
        prefix: bytes | str | None = None,
        regex: str | bytes | re.Pattern[bytes] | None = None,
        predicate: Predicate | None = None,
        cls: type[CallbackData] | CallbackDataFilter[Any] | None = None,
        deadline: float | bool | None = False,
    ) -> Callable[[CallbackHandler], CallbackHandler]:
        kwargs: dict[str, Any] = {
            "data": data,
            "prefix": prefix,
            "regex": regex,
            "predicate": predicate,
            "cls": cls,
            "deadline": deadline,
        }

        def register(handler: CallbackHandler) -> CallbackHandler:
            self._registered.append(_Registered(handler, kwargs))
            return handler

        return register

    def install(self, target: Any) -> None:
        """Registers every handler on ``target``: a Client or a :class:`CallbackRouter`."""
        for r in self._registered:
            if isinstance(target, CallbackRouter):
                target.add(r.handler, **r.kwargs)
            else:
                target.on_callback_query(**r.kwargs)(r.handler)

    def __len__(self) -> int:
        return len(self._registered)


def as_handlers(obj: Any) -> Handlers:
    """``obj``: a :class:`Handlers`, or a ``setup(bot)`` function that registers handlers
    with ``@bot.on_callback_query`` (the examples' style)."""
    if isinstance(obj, Handlers):
        return obj
    if callable(obj):
        handlers = Handlers()
        obj(handlers)
        return handlers
    raise TypeError(f"expected Handlers or a setup(bot) function, got {type(obj).__name__}")


def load_handlers(spec: str) -> Handlers:
    """``module:attr`` or ``path/to/file.py:attr`` -> :class:`Handlers`."""
    where, sep, attr = spec.rpartition(":")
    if not sep or not where or not attr:
        raise ValueError(f"--handlers wants module:attr, got {spec!r}")
    if where.endswith(".py"):
        path = Path(where).resolve()
        sys.path.insert(0, str(path.parent))  # the examples import their helpers
        loaded = importlib.util.spec_from_file_location(path.stem, path)
        if loaded is None or loaded.loader is None:
            raise ImportError(f"cannot load {where}")
        module = importlib.util.module_from_spec(loaded)
        loaded.loader.exec_module(module)
    else:
        module = importlib.import_module(where)
    return as_handlers(getattr(module, attr))
