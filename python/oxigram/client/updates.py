"""Updates, asyncio side: feeds the :class:`~.update_state.UpdateMachine`, fetches the
difference when it reports a gap (or resynchronises when the machine gives up on it), waits
the machine's back-off between failed tries, persists the state and runs the handlers
concurrently (bounded by a semaphore)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from ..errors import OxigramError
from ..mtproto.events import UndecodableUpdate
from .storage import SessionStorage
from .update_state import Applied, UpdateMachine

__all__ = ["Handler", "UpdateDispatcher"]

log = logging.getLogger(__name__)

Handler = Callable[[Any], Awaitable[Any]]
Invoke = Callable[[Any], Awaitable[Any]]


class UpdateDispatcher:
    """One per client. ``push(obj)`` (synchronous, from the sender) queues an ``Updates``
    object, ``push_undecodable(event)`` a push that did not decode; a task processes them in
    arrival order."""

    def __init__(
        self,
        machine: UpdateMachine,
        storage: SessionStorage,
        invoke: Invoke,
        *,
        remember: Callable[[Any, Any], None],
        input_channel: Callable[[int], Any | None],
        max_concurrent: int = 16,
        gap_timeout: float = 0.5,
        difference_timeout: float = 30.0,
    ) -> None:
        self.machine = machine
        self.storage = storage
        self._invoke = invoke
        self._remember = remember
        self._input_channel = input_channel
        self.handlers: list[Handler] = []
        self._sem = asyncio.Semaphore(max_concurrent)
        # Updates objects, undecodable pushes, and None: "look at the machine again".
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._gap_timeout = gap_timeout
        self._difference_timeout = difference_timeout
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()
        self._gap_timer: asyncio.TimerHandle | None = None
        self._retry_timer: asyncio.TimerHandle | None = None
        self.differences = 0  # getDifference calls made (tests)
        self.enabled = False

    # ------------------------------------------------------------------ life cycle

    def start(self) -> None:
        if self._task is None:
            self.enabled = True
            self._task = asyncio.create_task(self._run(), name="oxigram-updates")

    async def stop(self) -> None:
        self.enabled = False
        for timer in (self._gap_timer, self._retry_timer):
            if timer is not None:
                timer.cancel()
        self._gap_timer = self._retry_timer = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(self._task, timeout=5)
            self._task = None
        for task in list(self._running):
            task.cancel()
        if self._running:
            await asyncio.wait(self._running, timeout=5)

    async def idle(self, timeout: float = 10.0) -> None:
        """Waits until queued updates are processed and running handlers returned."""

        async def drained() -> None:
            while not self._queue.empty() or self._running or self.machine.need_difference:
                await asyncio.sleep(0.01)

        await asyncio.wait_for(drained(), timeout=timeout)

    # ------------------------------------------------------------------ input

    def push(self, obj: Any) -> None:
        self._queue.put_nowait(obj)

    def push_undecodable(self, event: UndecodableUpdate) -> None:
        """A push that did not decode, in its place among the others (it may be a gap)."""
        self._queue.put_nowait(event)

    def request_difference(self) -> None:
        """E.g. after ``new_session_created``: updates may have been lost (ignored until
        the dispatcher runs: starting fetches the state anyway)."""
        if not self.enabled:
            return
        self.machine.need_difference = True
        self._queue.put_nowait(None)

    # ------------------------------------------------------------------ processing

    async def _run(self) -> None:
        m = self.machine
        while True:
            obj = await self._queue.get()
            try:
                if isinstance(obj, UndecodableUpdate):
                    m.undecodable(obj.container, obj.error)
                elif obj is not None:
                    self._dispatch(m.feed(obj))
                await self._catch_up()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("update processing failed")
            self._save()
            # Held updates get the gap timeout to fill their gap before a difference is
            # asked for; a difference already due needs no timer (or has its retry timer).
            if m.holds_updates and not m.need_difference and self._gap_timer is None:
                loop = asyncio.get_running_loop()
                self._gap_timer = loop.call_later(self._gap_timeout, self._gap_expired)

    def _gap_expired(self) -> None:
        self._gap_timer = None
        if self.machine.has_gap:
            self.machine.gap_expired()
            self._queue.put_nowait(None)

    def _retry_due(self) -> None:
        self._retry_timer = None
        self._queue.put_nowait(None)

    async def _catch_up(self) -> None:
        m = self.machine
        while m.need_difference and m.state is not None:
            wait = m.difference_wait()
            if wait > 0:  # after a failure: the retry timer brings us back
                if self._retry_timer is None:
                    loop = asyncio.get_running_loop()
                    self._retry_timer = loop.call_later(wait, self._retry_due)
                return
            if m.need_resync:
                await self._resync()
            else:
                await self._difference()
        for channel_id in sorted(m.need_channel):
            channel = self._input_channel(channel_id)
            if channel is None:
                log.warning("channel %d: no access hash, no difference", channel_id)
                m.need_channel.discard(channel_id)
                continue
            more = True
            while more:
                try:
                    diff = await asyncio.wait_for(
                        self._invoke(m.channel_difference_request(channel, channel_id)),
                        self._difference_timeout,
                    )
                except (OxigramError, asyncio.TimeoutError) as exc:
                    log.warning("getChannelDifference(%d) failed: %r", channel_id, exc)
                    m.need_channel.discard(channel_id)
                    break
                applied, more = m.apply_channel_difference(channel_id, diff)
                self._dispatch(applied)

    async def _difference(self) -> None:
        """One ``updates.getDifference`` (a slice leaves ``need_difference`` set)."""
        m = self.machine
        self.differences += 1
        req = m.difference_request()
        log.info("fetching the difference from pts %d", req.pts)
        try:
            diff = await asyncio.wait_for(self._invoke(req), self._difference_timeout)
            applied, _more = m.apply_difference(diff)
        except (OxigramError, asyncio.TimeoutError, TypeError) as exc:
            m.difference_failed(exc)
            return
        self._dispatch(applied)
        self._save()

    async def _resync(self) -> None:
        """``updates.getState`` after the difference failed for good: the machine jumps."""
        m = self.machine
        try:
            state = await asyncio.wait_for(
                self._invoke(m.resync_request()), self._difference_timeout
            )
            applied = m.apply_resync(state)
        except (OxigramError, asyncio.TimeoutError, TypeError) as exc:
            m.difference_failed(exc)
            return
        self._dispatch(applied)
        self._save()

    def _save(self) -> None:
        if self.machine.state is not None:
            self.storage.set_update_state(self.machine.state)
        for cid, pts in self.machine.channels.items():
            self.storage.set_channel_pts(cid, pts)

    def _dispatch(self, applied: list[Applied]) -> None:
        for a in applied:
            if a.users or a.chats:
                self._remember(a.users, a.chats)
            for handler in self.handlers:
                task = asyncio.create_task(self._call(handler, a.update))
                self._running.add(task)
                task.add_done_callback(self._running.discard)

    async def _call(self, handler: Handler, update: Any) -> None:
        async with self._sem:
            try:
                await handler(update)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("update handler %r failed", handler)
