"""Bot side of callback queries: routing, answering, deadlines, statistics.

``@client.on_callback_query(data=..., prefix=..., regex=..., predicate=..., cls=...)``
registers a handler for every kind of press: ``updateBotCallbackQuery`` (a chat message),
``updateInlineBotCallbackQuery`` (an inline message), ``updateBusinessBotCallbackQuery`` (a
message the bot sent for a business account) and ``updateEphemeralBotCallbackQuery`` (an
ephemeral message). The first handler whose filters all match runs; it gets a
:class:`CallbackQuery`, whose ``kind`` says which it was; answering is the same for all, and
``edit()`` uses the method the kind needs.

Rules (ARCHITECTURE.md, "Decisions that still hold: Callback API"):

* Never a spinner: a handler that returns without answering gets an empty answer at once;
  no matching handler: an empty answer at once; at ``deadline`` seconds after the update
  arrived (default 8 s, below Telegram's ~10-15 s) the configured default answer is sent and
  the handler's own later ``answer()`` returns False with a log line.
* One answer per query: the first ``answer()`` claims the query synchronously; later calls
  return False without network.
* Answers go through the client port's ``invoke`` with ``timeout`` and
  ``flood_sleep_threshold`` equal to the time left before the deadline, so a flood wait never
  pushes an answer past it. A query is claimed only when its answer can be sent: an answer
  that meets a disconnected client leaves the query open (the deadline answer, or a later
  ``answer()``, can still go).
* Scale-out plugs in through public hooks, not subclasses: an :class:`AnswerGate` claims
  every answer from an outside authority (the worker's Redis claim);
  :meth:`CallbackRouter.divert` hands arriving presses to someone else (the front's stream).
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
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from ..errors import AnswerTooLongError, NotConnectedError, OxigramError
from ..tl import functions, types
from .buttons import check_data, inline_markup
from .callback_data import CallbackData, CallbackDataFilter
from .callback_stats import CallbackStats
from .port import ClientPort
from .tlobjects import (
    CALLBACK_QUERIES,
    UPDATE_BOT_CALLBACK_QUERY,
    UPDATE_BUSINESS_BOT_CALLBACK_QUERY,
    UPDATE_EPHEMERAL_BOT_CALLBACK_QUERY,
    UPDATE_INLINE_BOT_CALLBACK_QUERY,
    UPDATE_SHORT,
    UPDATES_WITH_LISTS,
    Builders,
    isa,
)

__all__ = [
    "MAX_ANSWER_TEXT",
    "Answer",
    "AnswerGate",
    "CallbackConfig",
    "CallbackQuery",
    "CallbackRouter",
    "Diversion",
    "PressKind",
    "check_answer_text",
]

log = logging.getLogger(__name__)

#: Telegram shows at most 200 characters of a callback answer.
MAX_ANSWER_TEXT = 200

CallbackHandler = Callable[["CallbackQuery"], Awaitable[Any]]
Predicate = Callable[["CallbackQuery"], "bool | Awaitable[bool]"]
#: ``divert(update, users, chats)``: takes a press instead of the router (see ``divert``).
Diversion = Callable[[Any, Sequence[Any], Sequence[Any]], None]


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

    def request(self, make: Builders, query_id: int) -> functions.messages.SetBotCallbackAnswer:
        """The ``messages.setBotCallbackAnswer`` that sends this answer to ``query_id``, of
        the schema of ``make`` (the client's ``make``)."""
        return make.messages_set_bot_callback_answer(
            query_id=query_id,
            alert=self.alert,
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


class AnswerGate(Protocol):
    """An outside authority over a router's answers (``CallbackRouter(port, gate=...)``).

    The scale-out worker's gate is a Redis claim per query, so that "one answer per press"
    holds across processes. The router calls it, on the event loop, around every answer it
    sends (handler, auto and deadline alike) and when it is done with a press.
    """

    async def claim(self, query: CallbackQuery) -> float | None:
        """Claims the right to answer ``query`` from the outside authority; called after the
        router claimed it locally (its answer can be sent), before sending. Returns the
        seconds the answer may take, or None to send nothing (somebody else answers it;
        ``answer()`` returns False)."""
        ...

    def sent(self, query: CallbackQuery) -> None:
        """The server accepted the answer."""
        ...

    def refused(self, query: CallbackQuery, error: OxigramError) -> bool:
        """Sending failed with ``error``. True: the failure means the query was answered
        elsewhere (``QUERY_ID_INVALID``), so ``answer()`` returns False quietly; False: the
        router counts, logs and (for a handler's ``answer()``) raises it as usual."""
        ...

    def finished(self, query: CallbackQuery) -> None:
        """The router is done with ``query``: its handler ran and any automatic answer was
        sent or failed (a deadline answer may still follow), or ``answer_late`` returned."""
        ...


@dataclass
class _Route:
    handler: CallbackHandler
    data: bytes | None
    prefix: bytes | None
    regex: re.Pattern[bytes] | None
    predicate: Predicate | None
    typed: CallbackDataFilter[Any] | None
    deadline: float | bool | None  # False: use the config's


#: Where the pressed button is: a chat message, an inline message (sent in inline mode),
#: a message the bot sent for a business account, or an ephemeral message.
PressKind = Literal["chat", "inline", "business", "ephemeral"]

_KIND_OF: dict[str, PressKind] = {
    UPDATE_BOT_CALLBACK_QUERY: "chat",
    UPDATE_INLINE_BOT_CALLBACK_QUERY: "inline",
    UPDATE_BUSINESS_BOT_CALLBACK_QUERY: "business",
    UPDATE_EPHEMERAL_BOT_CALLBACK_QUERY: "ephemeral",
}


class CallbackQuery:
    """One press, as the bot sees it. ``kind`` says where the button is (:data:`PressKind`);
    ``answer()``, ``edit()``, ``get_message()`` and ``message`` work for every kind."""

    def __init__(self, router: CallbackRouter, update: Any, received: float) -> None:
        self._router = router
        self.update = update
        self.received = received
        self.kind: PressKind = _KIND_OF[update._tl_name]
        self.query_id: int = update.query_id
        self.user_id: int = update.user_id
        self.chat_instance: int | None = update.chat_instance  # an ephemeral press may lack it
        self.data: bytes | None = getattr(update, "data", None)
        self.game_short_name: str | None = getattr(update, "game_short_name", None)
        #: The business connection the message was sent through (business presses).
        self.business_connection_id: str | None = None
        self.inline_message_id: Any | None = None
        self.msg_id: int | None = None
        self.peer: Any | None = None
        self._message: Any = None
        kind = self.kind
        if kind == "inline":
            self.inline_message_id = update.msg_id
        elif kind == "chat":
            self.msg_id, self.peer = update.msg_id, update.peer
        elif kind == "business":  # the message, as the business account sees it, comes along
            self._message = update.message
            self.msg_id, self.peer = update.message.id, update.message.peer_id
            self.business_connection_id = update.connection_id
        else:  # ephemeral: the message comes along; its chat is the presser's with the bot
            self._message = update.message
            self.msg_id = update.msg_id
            self.peer = update.peer or router.port.make.peer_user(user_id=update.user_id)
        self.match: re.Match[bytes] | None = None
        self.typed: Any = None  # the CallbackData object when routed by class
        self.answered_by: str | None = None  # "handler", "auto", "deadline"
        self.latency: float | None = None
        self._claimed = False

    @property
    def sender_id(self) -> int:
        return self.user_id

    @property
    def is_inline(self) -> bool:
        return self.inline_message_id is not None

    @property
    def message(self) -> Any | None:
        """The message with the button, when known without a request: business and
        ephemeral presses carry it (a ``message`` / an ``ephemeralMessage``), a chat press
        has it once :meth:`get_message` fetched it; None otherwise (and for inline ones)."""
        return self._message

    @property
    def answered(self) -> bool:
        return self._claimed

    def __repr__(self) -> str:
        where = f"inline={self.inline_message_id!r}" if self.is_inline else f"msg={self.msg_id}"
        return (
            f"<CallbackQuery {self.kind} {self.query_id} from {self.user_id} {where} "
            f"data={self.data!r}>"
        )

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
        return await self._router.answer(self, Answer(text, alert, url, cache_time), "handler")

    async def get_message(self) -> Any | None:
        """The message with the button (fetched on the first call for a chat press; the one
        the update carried for business and ephemeral presses; None for inline ones)."""
        if self.msg_id is None:
            return None
        if self._message is None:
            port = self._router.port
            make = port.make
            ids = [make.input_message_id(id=self.msg_id)]
            if isa(self.peer, types.PeerChannel):
                channel = await port.get_input_channel(self.peer)
                res = await port.invoke(make.channels_get_messages(channel=channel, id=ids))
            else:
                res = await port.invoke(make.messages_get_messages(id=ids))
            msgs = [m for m in res.messages if isa(m, types.Message)]
            self._message = msgs[0] if msgs else None
        return self._message

    async def edit(
        self, text: str | None = None, *, buttons: Any = None, reply_markup: Any = None
    ) -> Any:
        """Edits the message with the button, as its kind wants: ``messages.editMessage``
        (in ``invokeWithBusinessConnection`` for a business press), the inline message
        (``messages.editInlineBotMessage`` on the DC its id names: the home DC's connection
        when it names home, else that DC's, authorized by export/import), or the ephemeral
        one (``ephemeral.editMessage``)."""
        port = self._router.port
        markup = reply_markup if reply_markup is not None else None
        if buttons is not None:
            markup = inline_markup(buttons, schema=port.schema)
        make = port.make
        if self.kind == "business":
            return await self._edit_business(text, markup)
        if self.kind == "ephemeral":
            return await self._edit_ephemeral(text, markup)
        if self.inline_message_id is not None:
            ident = self.inline_message_id
            return await port.invoke(
                make.messages_edit_inline_bot_message(id=ident, message=text, reply_markup=markup),
                dc_id=ident.dc_id,
            )
        assert self.msg_id is not None  # not inline: the update has the message id
        peer = await port.get_input_peer(self.peer)
        return await port.invoke(
            make.messages_edit_message(peer=peer, id=self.msg_id, message=text, reply_markup=markup)
        )

    async def _edit_business(self, text: str | None, markup: Any) -> Any:
        """``messages.editMessage`` as the business account, inside
        ``invokeWithBusinessConnection`` (the peer: the chat as that account sees it)."""
        port = self._router.port
        make = port.make
        assert self.msg_id is not None and self.business_connection_id is not None
        edit = make.messages_edit_message(
            peer=await port.get_input_peer(self.peer),
            id=self.msg_id,
            message=text,
            reply_markup=markup,
        )
        return await port.invoke(
            make.invoke_with_business_connection(
                connection_id=self.business_connection_id, query=edit
            )
        )

    async def _edit_ephemeral(self, text: str | None, markup: Any) -> Any:
        """``ephemeral.editMessage`` of the message for its receiver, the presser."""
        port = self._router.port
        make = port.make
        assert self.msg_id is not None
        receiver = await port.get_input_peer(make.peer_user(user_id=self.user_id))
        chat = self.update.peer
        return await port.invoke(
            make.ephemeral_edit_message(
                peer=await port.get_input_peer(chat) if chat is not None else None,
                receiver_id=make.input_user(
                    user_id=receiver.user_id, access_hash=receiver.access_hash
                ),
                id=self.msg_id,
                message=text,
                reply_markup=markup,
            )
        )


class CallbackRouter:
    """One per client (``client.callbacks``): receives callback updates as they arrive, runs
    the handlers and answers through the client port.

    Public hooks for scale-out: ``gate`` (an :class:`AnswerGate`) claims every answer from
    an outside authority; :meth:`divert` sends arriving presses elsewhere; :meth:`forget`
    lets a press seen before run again; :meth:`answer_late` answers a press that is past its
    deadline without running a handler.
    """

    def __init__(
        self,
        port: ClientPort,
        config: CallbackConfig | None = None,
        *,
        gate: AnswerGate | None = None,
    ) -> None:
        self.port = port
        self.config = config or CallbackConfig()
        self.stats = CallbackStats()
        self._gate = gate
        self._diversion: Diversion | None = None
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

    def divert(self, to: Diversion | None) -> Diversion | None:
        """From now on every arriving callback update goes to ``to(update, users, chats)``
        (the users and chats of its ``Updates`` object) instead of this router: nothing is
        deduplicated, remembered, run or answered here. ``None`` ends the diversion. Returns
        the previous diversion. The scale-out front puts presses on its stream this way."""
        previous, self._diversion = self._diversion, to
        return previous

    def on_raw(self, obj: Any) -> None:
        """Called by the client for every incoming ``Updates`` object, before the update
        machine (callback updates carry no pts, so nothing orders them)."""
        name = getattr(obj, "_tl_name", "")  # every update passes here: no function call
        if self._diversion is not None:
            self._divert(obj, name)
            return
        if name == UPDATE_SHORT:
            updates = [obj.update]
        elif name in UPDATES_WITH_LISTS:
            updates = [u for u in obj.updates if u._tl_name in CALLBACK_QUERIES]
            if updates:
                self.port.remember_entities(obj.users, obj.chats)
        else:
            return
        now = asyncio.get_running_loop().time()
        for u in updates:
            if getattr(u, "_tl_name", "") in CALLBACK_QUERIES:
                self.feed(u, now)

    def _divert(self, obj: Any, name: str) -> None:
        assert self._diversion is not None
        if name == UPDATE_SHORT:
            updates, users, chats = [obj.update], (), ()
        elif name in UPDATES_WITH_LISTS:
            updates, users, chats = obj.updates, obj.users, obj.chats
        else:
            return
        for u in updates:
            if getattr(u, "_tl_name", "") in CALLBACK_QUERIES:
                self._diversion(u, users, chats)

    def feed(self, update: Any, received: float) -> None:
        """Handles one callback update that arrived at ``received`` (event loop time):
        dropped when its query id was seen before, else its deadline timer starts and its
        handler runs in a task."""
        self.stats.received += 1
        by_kind, kind = self.stats.by_kind, _KIND_OF.get(update._tl_name, "?")
        by_kind[kind] = by_kind.get(kind, 0) + 1
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

    def forget(self, query_id: int) -> None:
        """Forgets that ``query_id`` was seen, so :meth:`feed` handles it again (a worker
        taking over a press another worker dropped)."""
        self._seen.pop(query_id, None)

    async def answer_late(self, update: Any, received: float) -> bool:
        """Sends the deadline answer to a press that is already past its deadline, without
        running a handler (a worker taking over an old press); the press counts as seen.
        True when the answer was sent."""
        q = CallbackQuery(self, update, received)
        self._seen[q.query_id] = None
        try:
            return await self.answer(q, self.config.deadline_answer, "deadline")
        finally:
            if self._gate is not None:
                self._gate.finished(q)

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
        task = asyncio.create_task(self.answer(q, self.config.deadline_answer, "deadline"))
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
        # A business chat is the business account's: the same customer in two is two chats.
        key = (
            ("inline", q.user_id)
            if q.peer is None
            else (q.business_connection_id, q.peer.to_dict().__repr__())
        )
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
                await self.answer(q, Answer(), "auto")
        finally:
            if q._claimed:
                self._cancel_timer(q)
            if self._gate is not None:
                self._gate.finished(q)

    def _cancel_timer(self, q: CallbackQuery) -> None:
        timer = self._timers.pop(q.query_id, None)
        if timer is not None:
            timer.cancel()

    # ------------------------------------------------------------------ answering

    async def answer(self, q: CallbackQuery, answer: Answer, source: str) -> bool:
        """Sends ``answer`` to ``q`` once: ``source`` is ``"handler"`` (``q.answer()``),
        ``"auto"`` or ``"deadline"``. False when ``q`` was answered already, the gate
        refused, or (auto and deadline answers) the answer failed; a handler's answer raises
        its failure. Without a connection nothing is claimed, so ``q`` stays answerable:
        a handler's answer raises :class:`~oxigram.errors.NotConnectedError`, the others
        return False (the deadline answer may still go once the client is back)."""
        if q._claimed:
            if source == "handler" and q.answered_by == "deadline":
                self.stats.late_answers += 1
                log.warning(
                    "query %d: answer() after the deadline answer was sent: ignored", q.query_id
                )
            return False
        port = self.port
        if not port.is_connected():
            self.stats.failed += 1
            log.warning("query %d: answer (%s) not sent: not connected", q.query_id, source)
            if source == "handler":
                raise NotConnectedError("the client is not connected; the query is still open")
            return False
        # Claimed before the first await: a concurrent second answer() sees it.
        q._claimed = True
        q.answered_by = source
        self._cancel_timer(q)
        loop = asyncio.get_running_loop()
        gate = self._gate
        if gate is None:
            deadline = self.config.deadline
            left = 10.0 if deadline is None else max(0.5, q.received + deadline + 2.0 - loop.time())
        else:
            claimed = await gate.claim(q)
            if claimed is None:
                return False
            left = claimed
        req = answer.request(port.make, q.query_id)
        try:
            await port.invoke(req, timeout=left, flood_sleep_threshold=left)
        except OxigramError as exc:
            if gate is not None and gate.refused(q, exc):
                return False
            self.stats.failed += 1
            log.warning("query %d: answer (%s) failed: %r", q.query_id, source, exc)
            if source == "handler":
                raise
            return False
        q.latency = loop.time() - q.received
        self.stats.record(source, q.latency)
        if gate is not None:
            gate.sent(q)
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
