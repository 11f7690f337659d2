"""A worker: reads presses from the stream through the consumer group, runs the handlers and
answers over its own MTProto session of the bot.

Exactly one answer per press, through the router's public :class:`AnswerGate` hook:

* the first ``answer()`` (handler, auto or deadline) takes the query's claim in Redis
  (``SET oxigram:answer:<id> sending:<consumer> NX PX <time left>``) before it sends;
  no claim, no send;
* after the server accepted the answer the claim becomes ``done`` and the entry is
  acknowledged (XACK); ``QUERY_ID_INVALID`` (someone answered already) counts as done;
* a worker that dies leaves its entries pending; after ``min_idle`` another worker takes them
  (XAUTOCLAIM) and, by the time left: runs the handler again (deadline not reached), sends
  the deadline answer (inside the answer window), or acknowledges them as expired;
* an entry whose claim is ``done`` is acknowledged without running anything; one whose claim
  is ``sending:<other>`` is left pending (looked at again after ``min_idle``).

Updates: a worker's client is meant to be built with ``receive_updates=False`` (what
``oxigram worker`` does): its requests go in ``invokeWithoutUpdates`` and Telegram never
gives it the bot's updates, which all go to the front's session. A worker whose client takes
updates anyway puts every press Telegram gives it on the stream, as the front does (an
embedded :class:`Front`, ``Worker.intake``): Telegram does not promise a bot's update to
every one of its sessions, so a press pushed to a worker is not lost (docs/scale-out.md).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections import Counter
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from ..client.callbacks import CallbackConfig, CallbackQuery, CallbackRouter
from ..client.client import Client
from ..errors import OxigramError, QueryIdInvalidError
from .common import Entry, Handlers, ScaleConfig, decode_entry
from .front import Front, ensure_group

__all__ = ["Worker"]

log = logging.getLogger(__name__)

_REDIS_ERRORS = (RedisError, OSError, asyncio.TimeoutError)


class _ClaimGate:
    """The worker's :class:`~oxigram.client.callbacks.AnswerGate`: an answer is sent only
    under the query's Redis claim; "done" and XACK after the server accepted it."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker

    async def claim(self, query: CallbackQuery) -> float | None:
        cfg = self.worker.config
        now = asyncio.get_running_loop().time()
        left = max(0.5, query.received + cfg.deadline + cfg.answer_grace - now)
        left = min(left, cfg.claim_ttl)
        return left if await self.worker.claim(query.query_id, left) else None

    def sent(self, query: CallbackQuery) -> None:
        self.worker.done(query.query_id)

    def refused(self, query: CallbackQuery, error: OxigramError) -> bool:
        if isinstance(error, QueryIdInvalidError):  # somebody answered it: done
            self.worker.stats["already_answered"] += 1
            self.worker.done(query.query_id)
            return True
        self.worker.release(query.query_id)
        return False

    def finished(self, query: CallbackQuery) -> None:
        self.worker._finished(query.query_id)


class Worker:
    """``Worker(client, redis, handlers, config)``; ``await worker.run(stop_event)``.
    ``client`` is logged in as the bot (its own session); ``handlers`` a :class:`Handlers`."""

    def __init__(
        self,
        client: Client,
        redis: Redis,
        handlers: Handlers,
        config: ScaleConfig | None = None,
        *,
        name: str | None = None,
    ) -> None:
        self.client = client
        self.redis = redis
        self.config = config or ScaleConfig()
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"
        cfg = self.config
        self.router = CallbackRouter(
            client,
            CallbackConfig(
                deadline=cfg.deadline,
                deadline_answer=cfg.deadline_answer,
                max_concurrent=cfg.max_concurrent,
            ),
            gate=_ClaimGate(self),
        )
        handlers.install(self.router)
        self.stats: Counter[str] = Counter()
        self._entries: dict[int, list[str]] = {}  # query id -> its entry ids, while running
        self._to_ack: list[tuple[int, list[str]]] = []
        self._ack_wake = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        #: Puts the presses pushed to this worker's own session on the stream (only when
        #: its client takes updates); it takes them from now on, ``run`` publishes them.
        self.intake: Front | None = None
        if client.receive_updates:
            self.intake = Front(client, redis, cfg)
            self.intake.take()

    @property
    def callback_stats(self) -> Any:
        return self.router.stats

    # ------------------------------------------------------------------ claims

    async def claim(self, query_id: int, left: float) -> bool:
        """Takes the answer claim; retries while Redis is away, until ``left`` runs out."""
        key = self.config.claim_key(query_id)
        value = f"sending:{self.name}".encode()
        end = time.monotonic() + left
        while True:
            try:
                got = await asyncio.wait_for(
                    self.redis.set(key, value, nx=True, px=int(left * 1000)), 2
                )
            except _REDIS_ERRORS as exc:
                if time.monotonic() + 0.1 >= end:
                    self.stats["claim_failed"] += 1
                    log.warning("query %d: no claim (Redis: %r)", query_id, exc)
                    return False
                await asyncio.sleep(0.1)
                continue
            if got:
                return True
            try:  # our own SET may have landed with its reply lost (Redis restarting)
                if await asyncio.wait_for(self.redis.get(key), 2) == value:
                    return True
            except _REDIS_ERRORS:
                pass
            self.stats["claimed_elsewhere"] += 1
            return False

    def release(self, query_id: int) -> None:
        """The answer failed: let another worker (or the front's deadline) try."""
        task = asyncio.get_running_loop().create_task(self._release(query_id))
        self._bg.add(task)
        task.add_done_callback(self._bg.discard)

    async def _release(self, query_id: int) -> None:
        key = self.config.claim_key(query_id)
        try:
            if await self.redis.get(key) == f"sending:{self.name}".encode():
                await self.redis.delete(key)
        except _REDIS_ERRORS as exc:
            log.debug("release of %d failed: %r", query_id, exc)

    def done(self, query_id: int) -> None:
        """The server accepted (or already had) the answer: mark done and XACK (batched)."""
        ids = self._entries.pop(query_id, [])
        self._to_ack.append((query_id, ids))
        self._ack_wake.set()
        self._room_check()

    def _finished(self, query_id: int) -> None:
        # The router is done with the press without an answer of ours: leave its entries
        # pending; XAUTOCLAIM brings them back after min_idle.
        if query_id in self._entries:
            del self._entries[query_id]
            self.stats["left_pending"] += 1
            self._room_check()

    def _room_check(self) -> None:
        if len(self._entries) < 2 * self.config.max_concurrent:
            self._room.set()
        else:
            self._room.clear()

    async def _acker(self) -> None:
        cfg = self.config
        while True:
            if not self._to_ack:
                self._ack_wake.clear()
                try:
                    await asyncio.wait_for(self._ack_wake.wait(), 0.5)
                except asyncio.TimeoutError:
                    continue
            batch = self._to_ack[:256]
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for qid, ids in batch:
                        pipe.set(cfg.claim_key(qid), b"done", px=int(cfg.done_ttl * 1000))
                        if ids:
                            pipe.xack(cfg.stream, cfg.group, *ids)
                    await asyncio.wait_for(pipe.execute(), 5)
            except _REDIS_ERRORS as exc:
                log.warning("XACK of %d presses failed (%r); retrying", len(batch), exc)
                await asyncio.sleep(0.1)
                continue
            del self._to_ack[: len(batch)]
            self.stats["acked"] += len(batch)

    # ------------------------------------------------------------------ reading

    async def _handle(self, entries: list[Entry]) -> None:
        cfg = self.config
        fresh: list[Entry] = []
        # Other entries of a press: an XADD retried, or the same press put on the stream by
        # two sessions (a worker that takes updates, docs/scale-out.md). They go with it.
        twins: dict[int, list[str]] = {}
        for e in entries:
            ids = self._entries.get(e.query_id)
            if ids is not None:  # running here
                ids.append(e.entry_id)
            elif e.query_id in twins:  # earlier in this batch
                twins[e.query_id].append(e.entry_id)
            else:
                twins[e.query_id] = []
                fresh.append(e)
        if not fresh:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for e in fresh:
                pipe.get(cfg.claim_key(e.query_id))
            claims = await asyncio.wait_for(pipe.execute(), 5)
        loop = asyncio.get_running_loop()
        now_wall, now_loop = time.time(), loop.time()
        expired: list[str] = []
        for e, claim in zip(fresh, claims, strict=True):
            if claim == b"done":
                self.stats["done_elsewhere"] += 1
                expired += [e.entry_id, *twins[e.query_id]]
                continue
            age = now_wall - e.received
            if age > cfg.deadline + cfg.answer_grace:
                self.stats["expired"] += 1
                log.warning(
                    "query %d: %.1f s old, past its answer window: dropped", e.query_id, age
                )
                expired += [e.entry_id, *twins[e.query_id]]
                continue
            if claim is not None:
                self.stats["busy_elsewhere"] += 1  # being answered; looked at again later
                continue
            update, users, chats = e.decode()
            self.client.remember_entities(users, chats)
            self._entries[e.query_id] = [e.entry_id, *twins[e.query_id]]
            received = now_loop - age
            self.stats["handled"] += 1
            if age > cfg.deadline:
                self.stats["deadline_path"] += 1
                task = loop.create_task(self.router.answer_late(update, received))
                self._bg.add(task)
                task.add_done_callback(self._bg.discard)
            else:
                self.router.forget(e.query_id)  # a take-over may repeat a press
                self.router.feed(update, received)
        self._room_check()
        if expired:
            await self.redis.xack(cfg.stream, cfg.group, *expired)

    async def _read_loop(self, stop: asyncio.Event) -> None:
        cfg = self.config
        next_claim = 0.0
        backoff = 0.05
        while not stop.is_set():
            try:
                await asyncio.wait_for(self._room.wait(), 1)
            except asyncio.TimeoutError:
                continue
            try:
                now = time.monotonic()
                if now >= next_claim:
                    next_claim = now + cfg.min_idle / 2
                    res: Any = await asyncio.wait_for(
                        self.redis.xautoclaim(
                            cfg.stream,
                            cfg.group,
                            self.name,
                            int(cfg.min_idle * 1000),
                            "0-0",
                            count=cfg.batch,
                        ),
                        5,
                    )
                    claimed = [decode_entry(i, f) for i, f in res[1] if f]
                    if claimed:
                        self.stats["taken_over"] += len(claimed)
                        log.info("took over %d idle presses", len(claimed))
                        await self._handle(claimed)
                got: Any = await asyncio.wait_for(
                    self.redis.xreadgroup(
                        cfg.group,
                        self.name,
                        {cfg.stream: ">"},
                        count=cfg.batch,
                        block=int(cfg.block * 1000),
                    ),
                    cfg.block + 5,
                )
                backoff = 0.05
                for _stream, items in got or []:
                    await self._handle([decode_entry(i, f) for i, f in items if f])
            except _REDIS_ERRORS as exc:
                log.warning("reading the stream failed (%r); retrying in %.2f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(1.0, backoff * 2)

    # ------------------------------------------------------------------ life cycle

    _bg: set[asyncio.Task[Any]]

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Works until ``stop`` is set (or forever); then lets running handlers finish
        (up to the deadline) and flushes the acknowledgements."""
        stop = stop or asyncio.Event()
        self._bg = set()
        while True:
            try:
                await ensure_group(self.redis, self.config)
                if self.intake is not None:
                    await self.intake.start()  # its first step is ensure_group: retried here
                break
            except _REDIS_ERRORS as exc:
                log.warning("cannot reach Redis (%r); retrying", exc)
                await asyncio.sleep(0.5)
        acker = asyncio.get_running_loop().create_task(self._acker(), name="oxigram-acker")
        try:
            await self._read_loop(stop)
            end = time.monotonic() + self.config.deadline + self.config.answer_grace
            while (self._entries or self._to_ack) and time.monotonic() < end:
                await asyncio.sleep(0.05)
        finally:
            if self.intake is not None:
                await self.intake.stop()
            acker.cancel()
            await self.router.stop()
            await asyncio.wait([acker, *self._bg], timeout=5)
