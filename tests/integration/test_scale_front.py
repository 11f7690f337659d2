"""The front's own paths, against a real redis-server and the local DC: back-pressure
(``max_backlog`` -> an immediate "busy" answer, counted and logged), the deadline answer when
no worker exists, the ``lag`` figure, and ``oxigram front`` / ``oxigram worker`` started from
the command line. Every press gets exactly one answer, counted on the DC."""

from __future__ import annotations

import ast
import asyncio
import logging
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cbsupport import logged_in, run, wait_until
from scale_handlers import handlers
from scalesupport import front_process, redis_server, workers

from oxigram.client import Client
from oxigram.scale import Front, ScaleConfig, Worker
from oxigram.server import Button, LocalDC

USERS = 2


@dataclass
class Setup:
    dc: LocalDC
    pem: Path
    bot_id: int
    token: str
    users: list[Client]
    messages: list[Any]  # one clickable message per user

    async def press(self, i: int, timeout: float = 30.0) -> str:
        """Presses user ``i % USERS``'s button; the answer's text ("" for none)."""
        ans = await self.messages[i % USERS].click(data=b"press", timeout=timeout)
        return str(ans.message or "")

    def assert_answered_once(self, presses: int) -> None:
        hub = self.dc.callbacks
        assert hub.timed_out == 0
        assert hub.answered == presses
        assert len(hub.accepted) == presses and set(hub.accepted.values()) == {1}
        # not even a refused second setBotCallbackAnswer
        assert sum(hub.answer_calls.values()) == presses, hub.answer_calls.most_common(3)


@asynccontextmanager
async def local_dc(tmp_path: Path, answer_timeout: float) -> AsyncIterator[Setup]:
    """A local DC with a bot, ``USERS`` connected users and a button message for each."""
    async with LocalDC(answer_timeout=answer_timeout) as dc:
        pem = tmp_path / "dc.pem"
        pem.write_text(dc.public_key_pem)
        bot = dc.add_bot("scale_front_bot")
        accounts = [dc.add_user(f"1556000{i}", f"U{i}") for i in range(USERS)]
        msgs = [
            dc.send_message(bot.id, u.id, "press", [[Button.callback("P", b"press")]])
            for u in accounts
        ]
        clients = [logged_in(dc, u.id, bot=False) for u in accounts]
        try:
            for c in clients:
                await c.connect()
            clickable = [await c.get_message(m) for c, m in zip(clients, msgs, strict=True)]
            assert all(m is not None for m in clickable)
            yield Setup(dc, pem, bot.id, bot.token, clients, clickable)
        finally:
            for c in clients:
                await c.close()


def redis_client(url: str) -> Any:
    from redis.asyncio import Redis

    return Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def test_overload_answers_busy_at_once_and_counts_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With ``max_backlog`` presses waiting (no worker), every further press is answered
    "Busy" at once (long before the deadline), counted in ``stats["shed"]`` and logged; the
    waiting ones get the deadline answer: every press exactly one answer."""
    backlog, extra = 5, 7
    caplog.set_level(logging.WARNING, logger="oxigram.scale.front")
    with redis_server() as rs:

        async def main() -> None:
            async with local_dc(tmp_path, answer_timeout=10.0) as s:
                redis = redis_client(rs.url)
                cfg = ScaleConfig(max_backlog=backlog, deadline=2.0)
                bot = logged_in(s.dc, s.bot_id, bot=True)
                async with bot, Front(bot, redis, cfg) as front:
                    waiting = [asyncio.create_task(s.press(i)) for i in range(backlog)]
                    await wait_until(
                        lambda: front.stats["published"] == backlog and front.lag == backlog
                    )
                    assert front.stats["shed"] == 0
                    t0 = time.monotonic()
                    busy = await asyncio.gather(*(s.press(i, timeout=5) for i in range(extra)))
                    shed_time = time.monotonic() - t0
                    assert busy == [cfg.overload_answer.text] * extra
                    assert shed_time < cfg.deadline / 2, shed_time  # at once, not at the deadline
                    assert front.stats["shed"] == extra, (front.stats, s.dc.callbacks.answer_calls)
                    assert front.lag == backlog  # shed presses are not queued
                    assert not any(t.done() for t in waiting)
                    late = await asyncio.wait_for(asyncio.gather(*waiting), 10)
                    assert late == [""] * backlog  # the deadline answer (no text)
                    await wait_until(lambda: front.stats["deadline"] == backlog)
                    assert front.stats["received"] == backlog + extra
                    assert front.stats["published"] == backlog
                s.assert_answered_once(backlog + extra)
                await redis.aclose()

        run(main, timeout=40)
    logged = [r.getMessage() for r in caplog.records if "at its bound" in r.getMessage()]
    assert logged, "shedding was not logged"
    assert f"at its bound {backlog}" in logged[0]


def test_front_deadline_answers_when_there_are_no_workers(tmp_path: Path) -> None:
    """No worker at all: the front answers every press with the deadline answer, once."""
    presses = 10
    with redis_server() as rs:

        async def main() -> None:
            async with local_dc(tmp_path, answer_timeout=10.0) as s:
                redis = redis_client(rs.url)
                cfg = ScaleConfig(deadline=1.0)
                bot = logged_in(s.dc, s.bot_id, bot=True)
                async with bot, Front(bot, redis, cfg) as front:
                    t0 = time.monotonic()
                    texts = await asyncio.gather(*(s.press(i) for i in range(presses)))
                    elapsed = time.monotonic() - t0
                    assert texts == [""] * presses
                    assert cfg.deadline <= elapsed < cfg.deadline + cfg.answer_grace + 1, elapsed
                    await wait_until(lambda: front.stats["deadline"] == presses)
                    assert front.stats["shed"] == 0
                    assert front.stats["deadline_already_answered"] == 0
                    assert front.stats["deadline_failed"] == 0
                    # the deadline answers hold "done" claims: a late worker will not answer
                    keys = [cfg.claim_key(q) for q in s.dc.callbacks.accepted]
                    for _ in range(100):
                        claims = await redis.mget(keys)
                        if claims == [b"done"] * presses:
                            break
                        await asyncio.sleep(0.02)
                    assert claims == [b"done"] * presses
                s.assert_answered_once(presses)
                await redis.aclose()

        run(main, timeout=30)


def test_lag_grows_without_workers_and_drains_to_zero(tmp_path: Path) -> None:
    """``front.lag`` counts each waiting press while no worker runs and stays there; a worker
    started later answers them all (the handler's answer, not the deadline's) and the lag
    goes back to 0."""
    presses = 6
    with redis_server() as rs:

        async def main() -> None:
            async with local_dc(tmp_path, answer_timeout=30.0) as s:
                redis = redis_client(rs.url)
                cfg = ScaleConfig(deadline=20.0)
                bot = logged_in(s.dc, s.bot_id, bot=True)
                async with bot, Front(bot, redis, cfg) as front:
                    assert front.lag == 0
                    seen: list[int] = []
                    waiting: list[asyncio.Task[str]] = []
                    for i in range(presses):
                        waiting.append(asyncio.create_task(s.press(i)))
                        await wait_until(lambda n=i + 1: front.lag == n)
                        seen.append(front.lag)
                    assert seen == list(range(1, presses + 1))
                    await asyncio.sleep(0.3)  # several polls of XINFO GROUPS: still there
                    assert front.lag == presses
                    info = await redis.xinfo_groups(cfg.stream)
                    assert info[0]["lag"] == presses and info[0]["pending"] == 0
                    assert not any(t.done() for t in waiting)

                    worker_bot = logged_in(s.dc, s.bot_id, bot=True)  # its own session
                    async with worker_bot:
                        worker = Worker(worker_bot, redis, handlers, cfg, name="late")
                        stop = asyncio.Event()
                        run_task = asyncio.create_task(worker.run(stop))
                        try:
                            texts = await asyncio.wait_for(asyncio.gather(*waiting), 10)
                            assert all(t.startswith("ok ") for t in texts), texts
                            await wait_until(lambda: front.lag == 0)
                        finally:
                            stop.set()
                            await asyncio.wait_for(run_task, 15)
                    assert worker.stats["handled"] == presses
                    assert front.stats["deadline"] == 0
                    info = await redis.xinfo_groups(cfg.stream)
                    assert info[0]["lag"] == 0 and info[0]["pending"] == 0
                s.assert_answered_once(presses)
                await redis.aclose()

        run(main, timeout=40)


def test_front_and_worker_from_the_command_line(tmp_path: Path) -> None:
    """``oxigram front`` and ``oxigram worker`` as subprocesses (``--redis --server --pem
    --token``, worker ``--handlers``): users' presses answered by the worker's handler."""
    presses = 6
    with redis_server() as rs:

        async def main() -> None:
            async with local_dc(tmp_path, answer_timeout=15.0) as s:
                args = (rs.url, s.dc, s.token, s.pem)
                async with (
                    front_process(*args, "--deadline", "8", "--max-backlog", "100") as front,
                    workers(1, *args, "--deadline", "8") as procs,
                ):
                    texts = [await s.press(i) for i in range(presses)]
                    assert texts == [f"ok {procs[0].pid}"] * presses
                    front.send_signal(signal.SIGTERM)
                    assert front.stdout is not None
                    out = (await asyncio.wait_for(front.stdout.read(), 15)).decode()
                    assert await asyncio.wait_for(front.wait(), 15) == 0
                last = [ln for ln in out.splitlines() if ln.startswith("front: {")]
                assert last, out
                stats = ast.literal_eval(last[-1].removeprefix("front: "))
                assert stats["received"] == presses and stats["published"] == presses, stats
                assert stats.get("shed", 0) == 0 and stats.get("deadline", 0) == 0, stats
                s.assert_answered_once(presses)

        run(main, timeout=60)
