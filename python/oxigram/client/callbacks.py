"""Bot side of callback queries: routing, answering, deadlines, statistics.

``@client.on_callback_query(data=..., prefix=..., regex=..., predicate=..., cls=...)``
registers a handler for ``updateBotCallbackQuery`` and ``updateInlineBotCallbackQuery``. The
first handler whose filters all match runs; it gets a :class:`CallbackQuery`.

Rules (ARCHITECTURE.md, "Callback API"):

* Never a spinner: a handler that returns without answering gets an empty answer at once;
  no matching handler: an empty answer at once; at ``deadline`` seconds after the update
  arrived (default 8 s, below Telegram's ~10-15 s) the configured default answer is sent and
  the handler's own later ``answer()`` returns False with a log line.
* One answer per query: the first ``answer()`` claims the query synchronously; later calls
  return False without network.
* Answers go straight to the sender with ``timeout`` and ``flood_sleep_threshold`` equal to
  the time left before the deadline, so a flood wait never pushes an answer past it.
* A query_id seen before (bounded LRU) is not handled again.
* Handlers run as tasks, at most ``max_concurrent`` at once, optionally one at a time per
  chat (``ordered_per_chat``); the deadline timer starts when the update arrives, so a
  query waiting for a slot is still answered in time.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import AnswerTooLongError, ClientError, OxigramError
from .buttons import check_data, inline_markup
from .callback_data import CallbackData, CallbackDataFilter
from .callback_stats import CallbackStats

if TYPE_CHECKING:
    from .client import Client

__all__ = [
    "MAX_ANSWER_TEXT",
    "CallbackConfig",
    "CallbackQuery",
    "CallbackRouter",
    "check_answer_text",
]

log = logging.getLogger(__name__)

#: Telegram shows at most 200 characters of a callback answer.
MAX_ANSWER_TEXT = 200
_CALLBACK_UPDATES = ("updateBotCallbackQuery", "updateInlineBotCallbackQuery")

CallbackHandler = Callable[["CallbackQuery"], Awaitable[Any]]
Predicate = Callable[["CallbackQuery"], "bool | Awaitable[bool]"]


def check_answer_text(text: str | None) -> None:
    if text is not None and len(text) > MAX_ANSWER_TEXT:
        raise AnswerTooLongError(
            f"callback answer text is {len(text)} characters, over the {MAX_ANSWER_TEXT}-"
            f"character limit (one answer per query: it cannot be split)"
        )


@dataclass
class Answer:
    """An answer: what ``answer()`` sends."""

    text: str | None = None
    alert: bool = False
    url: str | None = None
    cache_time: int = 0

    def request(self, schema: Any, query_id: int) -> Any:
        """The ``messages.setBotCallbackAnswer`` that sends this answer to ``query_id``."""
        return schema["messages.setBotCallbackAnswer"](
            query_id=query_id,
            alert=self.alert or None,
            message=self.text,
            url=self.url,
            cache_time=self.cache_time,
        )


@dataclass
class CallbackConfig:
    """Bot-side settings (``client.callbacks.config``)."""

    #: Seconds after arrival when the default answer is sent (None: never).
    deadline: float | None = 8.0
    deadline_answer: Answer = field(default_factory=Answer)
    #: Answer (empty) when a handler returns without answering, or nothing matches.
    auto_answer: bool = True
    max_concurrent: int = 64
    ordered_per_chat: bool = False
    #: How many recent query ids are remembered to drop duplicates.
    dedupe_size: int = 4096


@dataclass
class _Route:
    handler: CallbackHandler
    data: bytes | None
    prefix: bytes | None
    regex: re.Pattern[bytes] | None
    predicate: Predicate | None
    typed: CallbackDataFilter[Any] | None
    deadline: float | bool | None  # False: use the config's


class CallbackQuery:
    """One press, as the bot sees it."""

    def __init__(self, router: CallbackRouter, update: Any, received: float) -> None:
        self._router = router
        self.update = update
        self.received = received
        self.query_id: int = update.query_id
        self.user_id: int = update.user_id
        self.chat_instance: int = update.chat_instance
        self.data: bytes | None = getattr(update, "data", None)
        self.game_short_name: str | None = getattr(update, "game_short_name", None)
        inline = update._tl_name == "updateInlineBotCallbackQuery"
        self.inline_message_id: Any | None = update.msg_id if inline else None
        self.msg_id: int | None = None if inline else update.msg_id
        self.peer: Any | None = None if inline else update.peer
        self.match: re.Match[bytes] | None = None
        self.typed: Any = None  # the CallbackData object when routed by class
        self.answered_by: str | None = None  # "handler", "auto", "deadline"
        self.latency: float | None = None
        self._claimed = False
        self._message: Any = None

    @property
    def sender_id(self) -> int:
        return self.user_id

    @property
    def is_inline(self) -> bool:
        return self.inline_message_id is not None

    @property
    def answered(self) -> bool:
        return self._claimed

    def __repr__(self) -> str:
        where = f"inline={self.inline_message_id!r}" if self.is_inline else f"msg={self.msg_id}"
        return f"<CallbackQuery {self.query_id} from {self.user_id} {where} data={self.data!r}>"

    async def answer(
        self,
        text: str | None = None,
        *,
        alert: bool = False,
        url: str | None = None,
        cache_time: int = 0,
    ) -> bool:
        """Answers the press (toast, or alert with ``alert=True``; ``url`` for games and bot
        deep links). True when sent; False when the query was already answered (second call,
        or the deadline answer went first)."""
        check_answer_text(text)
        return await self._router.send_answer(self, Answer(text, alert, url, cache_time), "handler")

    async def get_message(self) -> Any | None:
        """The message with the button (fetched on the first call; None for inline ones)."""
        if self.msg_id is None:
            return None
        if self._message is None:
            client = self._router.client
            s = client.schema
            ids = [s["inputMessageID"](id=self.msg_id)]
            if getattr(self.peer, "_tl_name", "") == "peerChannel":
                assert client.peers is not None
                channel = await client.peers.convert("InputChannel", self.peer)
                res = await client.invoke(s["channels.getMessages"](channel=channel, id=ids))
            else:
                res = await client.invoke(s["messages.getMessages"](id=ids))
            msgs = [m for m in res.messages if getattr(m, "_tl_name", "") == "message"]
            self._message = msgs[0] if msgs else None
        return self._message

    async def edit(
        self, text: str | None = None, *, buttons: Any = None, reply_markup: Any = None
    ) -> Any:
        """Edits the message with the button (``messages.editMessage``), or the inline
        message (``messages.editInlineBotMessage`` on the DC its id names)."""
        client = self._router.client
        markup = reply_markup if reply_markup is not None else None
        if buttons is not None:
            markup = inline_markup(buttons)
        s = client.schema
        if self.inline_message_id is not None:
            ident = self.inline_message_id
            if ident.dc_id != client.dc_id:
                raise ClientError(
                    f"inline message {ident.id} lives on DC {ident.dc_id}; this client is "
                    f"connected to DC {client.dc_id} only (multi-DC is not implemented)"
                )
            return await client.invoke(
                s["messages.editInlineBotMessage"](id=ident, message=text, reply_markup=markup)
            )
        peer = await client.get_input_peer(self.peer)
        return await client.invoke(
            s["messages.editMessage"](peer=peer, id=self.msg_id, message=text, reply_markup=markup)
        )


class CallbackRouter:
    """One per client (``client.callbacks``): receives callback updates as they arrive."""

    def __init__(self, client: Client, config: CallbackConfig | None = None) -> None:
        self.client = client
        self.config = config or CallbackConfig()
        self.stats = CallbackStats()
        self._routes: list[_Route] = []
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._sem: asyncio.Semaphore | None = None
        self._chat_locks: dict[Any, asyncio.Lock] = {}
        self._timers: dict[int, asyncio.TimerHandle] = {}

    # ------------------------------------------------------------------ registration

    def add(
        self,
        handler: CallbackHandler,
        *,
        data: bytes | str | None = None,
        prefix: bytes | str | None = None,
        regex: str | bytes | re.Pattern[bytes] | None = None,
        predicate: Predicate | None = None,
        cls: type[CallbackData] | CallbackDataFilter[Any] | None = None,
        deadline: float | bool | None = False,
    ) -> CallbackHandler:
        if isinstance(regex, str):
            regex = regex.encode()
        typed = cls.filter() if isinstance(cls, type) else cls
        self._routes.append(
            _Route(
                handler,
                None if data is None else check_data(data),
                prefix.encode() if isinstance(prefix, str) else prefix,
                re.compile(regex) if isinstance(regex, bytes) else regex,
                predicate,
                typed,
                deadline,
            )
        )
        return handler

    # ------------------------------------------------------------------ arrival

    def on_raw(self, obj: Any) -> None:
        """Called by the client for every incoming ``Updates`` object, before the update
        machine (callback updates carry no pts, so nothing orders them)."""
        name = getattr(obj, "_tl_name", "")
        if name == "updateShort":
            updates = [obj.update]
        elif name in ("updates", "updatesCombined"):
            updates = [u for u in obj.updates if u._tl_name in _CALLBACK_UPDATES]
            if updates and self.client.peers is not None:
                self.client.peers.remember(obj.users, obj.chats)
        else:
            return
        now = asyncio.get_running_loop().time()
        for u in updates:
            if getattr(u, "_tl_name", "") in _CALLBACK_UPDATES:
                self.feed(u, now)

    def feed(self, update: Any, received: float) -> None:
        self.stats.received += 1
        if update.query_id in self._seen:
            self.stats.duplicates += 1
            log.debug("query %d delivered again: ignored", update.query_id)
            return
        self._seen[update.query_id] = None
        while len(self._seen) > self.config.dedupe_size:
            self._seen.popitem(last=False)
        q = CallbackQuery(self, update, received)
        if self.config.deadline is not None:
            self._arm(q, self.config.deadline)
        task = asyncio.create_task(self._run(q), name=f"oxigram-callback-{q.query_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _arm(self, q: CallbackQuery, deadline: float) -> None:
        old = self._timers.pop(q.query_id, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_running_loop()
        delay = max(0.0, q.received + deadline - loop.time())
        self._timers[q.query_id] = loop.call_later(delay, self._deadline_hit, q)

    def _deadline_hit(self, q: CallbackQuery) -> None:
        self._timers.pop(q.query_id, None)
        if q._claimed:
            return
        log.warning("query %d: deadline reached, sending the default answer", q.query_id)
        task = asyncio.create_task(self.send_answer(q, self.config.deadline_answer, "deadline"))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ routing

    async def _match(self, q: CallbackQuery) -> _Route | None:
        for r in self._routes:
            data = q.data
            if r.data is not None and data != r.data:
                continue
            if r.prefix is not None and (data is None or not data.startswith(r.prefix)):
                continue
            match = None
            if r.regex is not None:
                match = r.regex.search(data) if data is not None else None
                if match is None:
                    continue
            typed = None
            if r.typed is not None:
                typed = r.typed.check(data)
                if typed is None:
                    continue
            if r.predicate is not None:
                q.match, q.typed = match, typed
                ok = r.predicate(q)
                if inspect.isawaitable(ok):
                    ok = await ok
                if not ok:
                    continue
            q.match, q.typed = match, typed
            return r
        return None

    def _lock_for(self, q: CallbackQuery) -> contextlib.AbstractAsyncContextManager[Any]:
        if not self.config.ordered_per_chat:
            return contextlib.nullcontext()
        key = ("inline", q.user_id) if q.peer is None else q.peer.to_dict().__repr__()
        lock = self._chat_locks.get(key)
        if lock is None:
            if len(self._chat_locks) >= 4096:  # forget idle chats, keep busy ones
                for k in [k for k, v in self._chat_locks.items() if not v.locked()]:
                    del self._chat_locks[k]
            lock = self._chat_locks[key] = asyncio.Lock()
        return lock

    async def _run(self, q: CallbackQuery) -> None:
        if self._sem is None:
            self._sem = asyncio.Semaphore(self.config.max_concurrent)
        try:
            async with self._lock_for(q), self._sem:
                route = await self._match(q)
                if route is None:
                    log.debug("query %d: no handler matches %r", q.query_id, q.data)
                elif route.deadline is not False:
                    self._cancel_timer(q)
                    if isinstance(route.deadline, (int, float)) and route.deadline is not True:
                        self._arm(q, float(route.deadline))
                if route is not None:
                    try:
                        await route.handler(q)
                    except asyncio.CancelledError:
                        raise
                    except Exception:
                        log.exception("callback handler %r failed on %r", route.handler, q)
            if not q._claimed and self.config.auto_answer:
                await self.send_answer(q, Answer(), "auto")
        finally:
            if q._claimed:
                self._cancel_timer(q)

    def _cancel_timer(self, q: CallbackQuery) -> None:
        timer = self._timers.pop(q.query_id, None)
        if timer is not None:
            timer.cancel()

    # ------------------------------------------------------------------ answering

    async def send_answer(self, q: CallbackQuery, answer: Answer, source: str) -> bool:
        if q._claimed:
            if source == "handler" and q.answered_by == "deadline":
                self.stats.late_answers += 1
                log.warning(
                    "query %d: answer() after the deadline answer was sent: ignored", q.query_id
                )
            return False
        q._claimed = True
        q.answered_by = source
        self._cancel_timer(q)
        client = self.client
        sender = client.sender
        loop = asyncio.get_running_loop()
        deadline = self.config.deadline
        left = 10.0 if deadline is None else max(0.5, q.received + deadline + 2.0 - loop.time())
        req = answer.request(client.schema, q.query_id)
        if sender is None:
            self.stats.failed += 1
            raise ClientError("the client is not connected")
        try:
            await sender.invoke(req, timeout=left, flood_sleep_threshold=left)
        except OxigramError as exc:
            self.stats.failed += 1
            log.warning("query %d: answer (%s) failed: %r", q.query_id, source, exc)
            if source == "handler":
                raise
            return False
        q.latency = loop.time() - q.received
        self.stats.record(source, q.latency)
        return True

    # ------------------------------------------------------------------ life cycle

    async def stop(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
