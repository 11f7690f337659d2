"""The front: holds the bot's update stream and puts every callback query on a Redis stream.

It is an oxigram :class:`~oxigram.client.Client` logged in as the bot whose callback router
is diverted to :class:`Front` (``CallbackRouter.divert``): every press, of any kind (chat,
inline, business, ephemeral: ``tlobjects.CALLBACK_QUERIES``), becomes one XADD (batched,
retried while Redis is away), and a worker's handler edits it as its kind wants.
The front never drops a press silently:

* backlog at its bound (``ScaleConfig.max_backlog``, measured as XINFO GROUPS lag + pending
  and counted up between polls): the press is answered at once with ``overload_answer`` and
  counted in ``stats["shed"]`` (logged);
* not yet on the stream at its deadline (Redis down): answered with ``deadline_answer``;
* on the stream but not answered by ``deadline + front_grace``: the front takes the query's
  claim (SET NX) and sends ``deadline_answer`` (``stats["deadline"]``).
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from ..client.callbacks import Answer
from ..client.client import Client
from ..errors import OxigramError, QueryIdInvalidError
from .common import ScaleConfig, encode_entry

__all__ = ["Front", "ensure_group"]

log = logging.getLogger(__name__)


async def ensure_group(redis: Redis, config: ScaleConfig) -> None:
    """Creates the stream and its consumer group (both exist afterwards)."""
    try:
        await redis.xgroup_create(config.stream, config.group, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def _ignore(update: Any, users: Sequence[Any], chats: Sequence[Any]) -> None:
    log.debug("front stopped: press %d not taken", update.query_id)


class Front:
    """``Front(client, redis, config)``; ``await front.start()`` after the client logged in
    as the bot, ``await front.stop()`` before closing it."""

    def __init__(self, client: Client, redis: Redis, config: ScaleConfig | None = None) -> None:
        self.client = client
        self.redis = redis
        self.config = config or ScaleConfig()
        self.stats: Counter[str] = Counter()
        self._intake = self._arrived  # one bound method: stop() recognises its diversion
        self._outbox: deque[tuple[int, dict[str, bytes]]] = deque()
        self._unpublished: dict[int, float] = {}  # query id -> wall receive time
        self._published: set[int] = set()
        self._updates: dict[int, Any] = {}  # query id -> update (for direct answers)
        self._received: dict[int, float] = {}
        self._heap: list[tuple[float, int]] = []  # (deadline, query id)
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []
        self._answer_tasks: set[asyncio.Task[Any]] = set()
        self._backlog_polled = 0
        self._added_since_poll = 0
        self._last_lag: int | None = 0
        self._last_pending = 0

    # ------------------------------------------------------------------ figures

    @property
    def lag(self) -> int:
        """Presses waiting: stream entries no worker has read yet + entries read and not yet
        acknowledged (XINFO GROUPS, polled every 50 ms) + presses not yet on the stream."""
        return self._backlog() + len(self._unpublished)

    def _backlog(self) -> int:
        return (self._last_lag or 0) + self._last_pending + self._added_since_poll

    # ------------------------------------------------------------------ life cycle

    def take(self) -> None:
        """Presses arriving from now on come to this front (``start`` does it too); those
        taken before ``start`` wait in its outbox."""
        self.client.callbacks.divert(self._intake)

    async def start(self) -> None:
        await ensure_group(self.redis, self.config)
        self.take()
        loop = asyncio.get_running_loop()
        for coro, name in (
            (self._publisher(), "publisher"),
            (self._sweeper(), "sweeper"),
            (self._poller(), "poller"),
        ):
            self._tasks.append(loop.create_task(coro, name=f"oxigram-front-{name}"))

    async def stop(self) -> None:
        # Presses that still arrive are not put on the stream, nor handled by the client's
        # own router (it would auto-answer them empty): the front simply stops taking them.
        router = self.client.callbacks
        previous = router.divert(_ignore)
        if previous is not self._intake:  # somebody diverted after us: theirs stays
            router.divert(previous)
        for task in self._tasks:
            task.cancel()
        pending = self._tasks + list(self._answer_tasks)
        if pending:
            await asyncio.wait(pending, timeout=5)

    async def __aenter__(self) -> Front:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ arrival

    def _arrived(self, update: Any, users: Sequence[Any], chats: Sequence[Any]) -> None:
        self.accept(update, time.time(), users, chats)

    def accept(
        self, update: Any, received: float, users: Sequence[Any], chats: Sequence[Any]
    ) -> None:
        """One press that arrived at ``received`` (wall clock), with the users and chats of
        its ``Updates``: shed, or queued for the stream with its deadline."""
        qid: int = update.query_id
        self.stats["received"] += 1
        if qid in self._seen:
            self.stats["duplicates"] += 1
            return
        self._seen[qid] = None
        if len(self._seen) > 65_536:
            self._seen.popitem(last=False)
        if self.lag >= self.config.max_backlog:
            self.stats["shed"] += 1
            if self.stats["shed"] % 100 == 1:
                log.warning(
                    "backlog %d at its bound %d: answering presses with the overload answer "
                    "(%d so far)",
                    self.lag,
                    self.config.max_backlog,
                    self.stats["shed"],
                )
            self._answer_direct(update, received, self.config.overload_answer, "shed")
            return
        self._outbox.append((qid, encode_entry(update, received, list(users), list(chats))))
        self._unpublished[qid] = received
        self._updates[qid] = update
        self._received[qid] = received
        heapq.heappush(self._heap, (received + self.config.deadline + self.config.front_grace, qid))
        self._wake.set()

    # ------------------------------------------------------------------ publishing

    async def _publisher(self) -> None:
        backoff = 0.05
        while True:
            if not self._outbox:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), 0.5)
                except asyncio.TimeoutError:
                    continue
            batch = list(self._outbox)[: 4 * self.config.batch]
            live = [(q, f) for q, f in batch if q in self._unpublished]
            try:
                if live:
                    async with self.redis.pipeline(transaction=False) as pipe:
                        for _, fields in live:
                            pipe.xadd(
                                self.config.stream,
                                fields,  # type: ignore[arg-type]
                                maxlen=self.config.trim_len,
                                approximate=True,
                            )
                        await asyncio.wait_for(pipe.execute(), 10)
            except (RedisError, OSError, asyncio.TimeoutError) as exc:
                self.stats["publish_retries"] += 1
                log.warning(
                    "XADD of %d presses failed (%r); retrying in %.2f s", len(live), exc, backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(1.0, backoff * 2)
                continue
            backoff = 0.05
            for _ in batch:
                self._outbox.popleft()
            for qid, _ in live:
                self._unpublished.pop(qid, None)
                self._published.add(qid)
            self.stats["published"] += len(live)
            self._added_since_poll += len(live)

    async def _poller(self) -> None:
        while True:
            try:
                groups = await asyncio.wait_for(self.redis.xinfo_groups(self.config.stream), 5)
                added = self._added_since_poll
                for g in groups:
                    name = g["name"]
                    if (name.decode() if isinstance(name, bytes) else name) == self.config.group:
                        lag = g.get("lag")
                        if lag is None:  # undeterminable (deleted entries): be conservative
                            lag = await self.redis.xlen(self.config.stream)
                        self._last_lag = int(lag)
                        self._last_pending = int(g["pending"])
                        self._added_since_poll -= added
            except (RedisError, OSError, asyncio.TimeoutError) as exc:
                log.debug("XINFO GROUPS failed: %r", exc)
            await asyncio.sleep(0.05)

    # ------------------------------------------------------------------ deadlines

    async def _sweeper(self) -> None:
        cfg = self.config
        while True:
            await asyncio.sleep(0.1)
            now = time.time()
            due: list[int] = []
            while self._heap and self._heap[0][0] <= now:
                _, qid = heapq.heappop(self._heap)
                due.append(qid)
            if not due:
                continue
            claim: list[int] = []
            for qid in due:
                if qid in self._unpublished:  # never reached Redis: nobody else can answer
                    received = self._unpublished.pop(qid)
                    self._answer_direct(
                        self._updates.pop(qid), received, cfg.deadline_answer, "deadline"
                    )
                elif qid in self._published:
                    claim.append(qid)
            if not claim:
                continue
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for qid in claim:
                        pipe.set(
                            cfg.claim_key(qid),
                            b"sending:front",
                            nx=True,
                            px=int((cfg.answer_grace + 1) * 1000),
                        )
                    got = await asyncio.wait_for(pipe.execute(), 5)
            except (RedisError, OSError, asyncio.TimeoutError) as exc:
                log.warning("deadline claims failed (%r); retrying", exc)
                retry = now + 0.2
                for qid in claim:
                    if now < self._window_end(qid):
                        heapq.heappush(self._heap, (retry, qid))
                    else:
                        self._forget(qid)
                        self.stats["expired"] += 1
                continue
            held = [q for q, ok in zip(claim, got, strict=True) if not ok]
            try:  # a claim still "sending" may belong to a worker that died: look again
                values = (
                    await asyncio.wait_for(self.redis.mget([cfg.claim_key(q) for q in held]), 5)
                    if held
                    else []
                )
            except (RedisError, OSError, asyncio.TimeoutError):
                values = [None] * len(held)
            again = {q for q, v in zip(held, values, strict=True) if v != b"done"}
            for qid, ok in zip(claim, got, strict=True):
                update = self._updates.get(qid)
                if ok and update is not None:
                    self._published.discard(qid)
                    self._answer_direct(update, now, cfg.deadline_answer, "deadline", claimed=True)
                elif qid in again and now + 0.25 < self._window_end(qid):
                    heapq.heappush(self._heap, (now + 0.25, qid))
                else:
                    self._forget(qid)

    def _window_end(self, qid: int) -> float:
        received = self._received.get(qid, 0.0)
        return received + self.config.deadline + self.config.answer_grace

    def _forget(self, qid: int) -> None:
        self._updates.pop(qid, None)
        self._received.pop(qid, None)
        self._published.discard(qid)
        self._unpublished.pop(qid, None)

    # ------------------------------------------------------------------ direct answers

    def _answer_direct(
        self, update: Any, received: float, answer: Answer, why: str, *, claimed: bool = False
    ) -> None:
        task = asyncio.get_running_loop().create_task(
            self._send(update, answer, why, claimed), name=f"oxigram-front-{why}"
        )
        self._answer_tasks.add(task)
        task.add_done_callback(self._answer_tasks.discard)

    async def _send(self, update: Any, answer: Answer, why: str, claimed: bool) -> None:
        qid: int = update.query_id
        self._forget(qid)
        req = answer.request(self.client.make, qid)
        try:
            await self.client.invoke(req, timeout=self.config.answer_grace + 1)
        except OxigramError as exc:
            if isinstance(exc, QueryIdInvalidError):
                self.stats[f"{why}_already_answered"] += 1
            else:
                self.stats[f"{why}_failed"] += 1
                log.warning("query %d: %s answer failed: %r", qid, why, exc)
            return
        if why != "shed":  # a shed press was counted when it came in
            self.stats[why] += 1
        if claimed:
            try:
                await self.redis.set(
                    self.config.claim_key(qid), b"done", px=int(self.config.done_ttl * 1000)
                )
            except (RedisError, OSError) as exc:
                log.debug("marking %d done failed: %r", qid, exc)
