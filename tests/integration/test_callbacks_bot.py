"""Bot side of the callback API against the local DC over TCP: routing, answers, limits,
auto/deadline answers, duplicates, concurrency, flood waits, edits, statistics."""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from cbsupport import wait_until

from oxigram import errors
from oxigram.client import Client
from oxigram.client.callback_data import CallbackData
from oxigram.client.callbacks import CallbackQuery
from oxigram.testing import self_id

server = pytest.importorskip("oxigram.server")
LocalDC, SB = server.LocalDC, server.Button
MakeClient = Callable[..., Awaitable[Client]]


class Choice(enum.Enum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class Vote(CallbackData, prefix="v"):
    poll: int
    choice: Choice
    note: str = ""
    raw: bytes = b""
    ok: bool = False


async def test_routing_answers_and_limits(
    caplog: pytest.LogCaptureFixture, local_dc: LocalDC, make_bot: MakeClient, user: Client
) -> None:
    seen: list[str] = []
    dc = local_dc
    dc.answer_timeout = 3.0
    bot = await make_bot("cb_bot")
    bot_id, user_id = self_id(bot), self_id(user)
    bot.callbacks.config.deadline = 0.6
    bot.callbacks.config.deadline_answer.text = "working"

    @bot.on_callback_query(data=b"exact")
    async def exact(q: CallbackQuery) -> None:
        seen.append("exact")
        assert q._message is None  # nothing fetched before asked
        msg = await q.get_message()
        assert msg.message == "menu" and msg.id == q.msg_id
        with pytest.raises(errors.AnswerTooLongError):
            await q.answer("x" * 201)  # rejected before any network
        assert await q.answer("hi", cache_time=5) is True
        assert await q.answer("again") is False

    @bot.on_callback_query(cls=Vote.filter(choice=Choice.NO))
    async def vote_no(q: CallbackQuery) -> None:
        seen.append(f"no:{q.typed.poll}")
        await q.answer("no noted", alert=True)

    @bot.on_callback_query(cls=Vote)
    async def vote(q: CallbackQuery) -> None:
        assert isinstance(q.typed, Vote)
        seen.append(f"vote:{q.typed.poll}:{q.typed.choice.name}:{q.typed.note}")
        await q.answer(f"{q.typed.choice.value}")

    @bot.on_callback_query(regex=rb"^page:(\d+)$")
    async def page(q: CallbackQuery) -> None:
        assert q.match is not None
        await q.answer(f"page {int(q.match.group(1))}")

    async def is_even(q: CallbackQuery) -> bool:
        await asyncio.sleep(0)
        return q.data is not None and q.data.startswith(b"n:") and int(q.data[2:]) % 2 == 0

    @bot.on_callback_query(predicate=is_even)
    async def even(q: CallbackQuery) -> None:
        await q.answer("even")

    @bot.on_callback_query(prefix=b"n:")
    async def odd(q: CallbackQuery) -> None:
        return None  # never answers: an empty answer is sent at once

    @bot.on_callback_query(data=b"boom")
    async def boom(q: CallbackQuery) -> None:
        raise RuntimeError("handler bug")

    @bot.on_callback_query(data=b"slow")
    async def slow(q: CallbackQuery) -> None:
        await asyncio.sleep(1.0)
        seen.append(f"late:{await q.answer('too late')}")

    @bot.on_callback_query(predicate=lambda q: q.game_short_name is not None)
    async def game(q: CallbackQuery) -> None:
        assert q.data is None
        await q.answer(url=f"https://example.org/{q.game_short_name}")

    yes = Vote(7, Choice.YES, note="é").pack()
    no = Vote(8, Choice.NO).pack()
    msg_id = dc.send_message(
        bot_id,
        user_id,
        "menu",
        [
            [SB.callback("e", b"exact"), SB.callback("y", yes), SB.callback("n", no)],
            [SB.callback("p", b"page:12"), SB.callback("2", b"n:2")],
            [SB.callback("3", b"n:3"), SB.callback("x", b"boom")],
            [SB.callback("s", b"slow"), SB.callback("?", b"nobody")],
            [SB.game("g", short_name="snake")],
        ],
    )
    press = user.request_callback_answer
    a = await press("@cb_bot", msg_id, b"exact")
    assert (a.message, a.alert, a.cache_time) == ("hi", False, 5)
    assert (await press("@cb_bot", msg_id, yes)).message == "yes"
    a = await press("@cb_bot", msg_id, no)
    assert (a.message, a.alert) == ("no noted", True)
    assert (await press("@cb_bot", msg_id, b"page:12")).message == "page 12"
    assert (await press("@cb_bot", msg_id, b"n:2")).message == "even"
    assert (await press("@cb_bot", msg_id, b"n:3")).message is None  # auto
    assert (await press("@cb_bot", msg_id, b"boom")).message is None  # auto
    assert (await press("@cb_bot", msg_id, b"nobody")).message is None  # unmatched
    a = await press("@cb_bot", msg_id, None, game=True)
    assert (a.url, a.has_url) == ("https://example.org/snake", True)
    with caplog.at_level(logging.WARNING, logger="oxigram.client.callbacks"):
        a = await press("@cb_bot", msg_id, b"slow")
        assert a.message == "working"  # the deadline answer
        await wait_until(lambda: any(s.startswith("late:") for s in seen))
    assert "late:False" in seen
    assert any("after the deadline" in r.getMessage() for r in caplog.records)
    with pytest.raises(errors.CallbackDataTooLongError):
        await press("@cb_bot", msg_id, b"x" * 65)

    stats = bot.callback_stats
    assert stats.by_handler == 6 and stats.auto == 3 and stats.deadline == 1
    assert stats.count == stats.received == 10 and stats.late_answers == 1
    assert stats.p50 is not None and stats.p99 is not None
    assert 0 < stats.p50 <= stats.p99
    assert seen[:3] == ["exact", "vote:7:YES:é", "no:8"]


async def test_duplicates_concurrency_order_flood_edit_inline(
    local_dc: LocalDC, make_bot: MakeClient, make_user: MakeClient
) -> None:
    dc = local_dc
    dc.answer_timeout = 5.0
    bot = await make_bot("cb2_bot")
    u1, u2 = await make_user("Ann"), await make_user("Bob")
    bot_id, ann_id, bob_id = self_id(bot), self_id(u1), self_id(u2)
    cfg = bot.callbacks.config
    cfg.max_concurrent = 2
    running: list[int] = []
    peak = {"all": 0}
    calls: list[int] = []

    @bot.on_callback_query(data=b"work")
    async def work(q: CallbackQuery) -> None:
        calls.append(q.query_id)
        running.append(q.user_id)
        peak["all"] = max(peak["all"], len(running))
        await asyncio.sleep(0.15)
        running.remove(q.user_id)
        await q.answer("done")

    m1 = dc.send_message(bot_id, ann_id, "w", [SB.callback("w", b"work")])
    m2 = dc.send_message(bot_id, bob_id, "w", [SB.callback("w", b"work")])
    presses = [u1.request_callback_answer("@cb2_bot", m1, b"work") for _ in range(3)]
    presses += [u2.request_callback_answer("@cb2_bot", m2, b"work") for _ in range(3)]
    answers = await asyncio.gather(*presses)
    assert all(a.message == "done" for a in answers)
    assert peak["all"] == 2  # the bound held

    # ordered per chat: never two of the same chat at once, chats in parallel
    cfg.max_concurrent = 10
    cfg.ordered_per_chat = True
    bot.callbacks._sem = None
    peak["all"] = 0
    per_chat_peak: dict[int, int] = {}
    orig = work

    @bot.on_callback_query(data=b"ordered")
    async def ordered(q: CallbackQuery) -> None:
        running.append(q.user_id)
        per_chat_peak[q.user_id] = max(per_chat_peak.get(q.user_id, 0), running.count(q.user_id))
        peak["all"] = max(peak["all"], len(running))
        await asyncio.sleep(0.1)
        running.remove(q.user_id)
        await q.answer("in order")

    del orig
    m1 = dc.send_message(bot_id, ann_id, "o", [SB.callback("o", b"ordered")])
    m2 = dc.send_message(bot_id, bob_id, "o", [SB.callback("o", b"ordered")])
    presses = [u1.request_callback_answer("@cb2_bot", m1, b"ordered") for _ in range(3)]
    presses += [u2.request_callback_answer("@cb2_bot", m2, b"ordered") for _ in range(3)]
    await asyncio.gather(*presses)
    assert per_chat_peak == {ann_id: 1, bob_id: 1}
    assert peak["all"] == 2

    # the same query_id delivered twice: one handler run
    n_before = len(calls)
    delivered: list[Any] = []
    real_on_raw = bot.callbacks.on_raw

    def twice(obj: Any) -> None:
        delivered.append(obj)
        real_on_raw(obj)
        real_on_raw(obj)  # a retransmitted copy

    bot.callbacks.on_raw = twice  # type: ignore[method-assign]
    m3 = dc.send_message(bot_id, ann_id, "d", [SB.callback("w", b"work")])
    assert (await u1.request_callback_answer("@cb2_bot", m3, b"work")).message == "done"
    await asyncio.sleep(0.2)
    assert len(calls) == n_before + 1
    assert bot.callback_stats.duplicates >= 1
    bot.callbacks.on_raw = real_on_raw  # type: ignore[method-assign]

    # flood waits: a short one is slept through, a long one is never waited for
    sender = bot.sender
    assert sender is not None
    real_once = sender._invoke_once
    floods = {"n": 0, "seconds": 1}

    async def flood_once(body: Any, timeout: Any, **kw: Any) -> Any:
        if body._tl_name == "messages.setBotCallbackAnswer" and floods["n"] == 0:
            floods["n"] += 1
            raise errors.rpc_error_from(420, f"FLOOD_WAIT_{floods['seconds']}", body._tl_name)
        return await real_once(body, timeout, **kw)

    sender._invoke_once = flood_once  # type: ignore[method-assign]
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    assert (await u1.request_callback_answer("@cb2_bot", m3, b"work")).message == "done"
    assert 1.0 <= loop.time() - t0 < 4.0
    floods.update(n=0, seconds=30)
    dc.answer_timeout = 1.0
    t0 = loop.time()
    with pytest.raises(errors.RPCError):  # nobody answers; the press times out
        await u1.request_callback_answer("@cb2_bot", m3, b"work")
    assert loop.time() - t0 < 3.0  # never slept 30 s
    assert bot.callback_stats.failed >= 1
    sender._invoke_once = real_once  # type: ignore[method-assign]

    # edits: normal and inline messages
    @bot.on_callback_query(data=b"edit")
    async def edit(q: CallbackQuery) -> None:
        await q.answer()
        if q.is_inline:
            assert q.inline_message_id.dc_id == dc.dc_id
            assert await q.get_message() is None
            assert await q.edit("inline edited") is True
        else:
            await q.edit("edited")

    m4 = dc.send_message(bot_id, ann_id, "before", [SB.callback("e", b"edit")])
    await u1.request_callback_answer("@cb2_bot", m4, b"edit")
    await wait_until(lambda: dc.get_message(m4).text == "edited")
    inline = dc.add_inline_message(bot_id, ann_id, bob_id, "inline", [SB.callback("e", b"edit")])
    seen_by_bob = await u2.get_message(inline.msg_id)
    assert seen_by_bob is not None
    await seen_by_bob.click(data=b"edit")
    await wait_until(lambda: dc.get_message(inline.msg_id).text == "inline edited")


async def test_a_press_meeting_a_disconnected_client_stays_answerable(
    local_dc: LocalDC, make_bot: MakeClient, user: Client
) -> None:
    """A query is claimed only when its answer can be sent: an answer that meets the client
    between connections (no sender, as while it moves to another DC) raises
    NotConnectedError and leaves the query open, for the handler's next answer or, failing
    that, the deadline answer once the client is back."""
    dc = local_dc
    dc.answer_timeout = 3.0
    bot = await make_bot("cb_gone_bot")
    bot_id, ann_id = self_id(bot), self_id(user)
    bot.callbacks.config.deadline_answer.text = "back later"
    outcome: dict[str, Any] = {}

    @bot.on_callback_query(data=b"retry")
    async def retry(q: CallbackQuery) -> None:
        sender, bot.sender = bot.sender, None
        try:
            with pytest.raises(errors.NotConnectedError):
                await q.answer("lost")
            outcome["open"] = not q.answered
        finally:
            bot.sender = sender
        outcome["sent"] = await q.answer("back")

    @bot.on_callback_query(data=b"silent", deadline=0.5)
    async def silent(q: CallbackQuery) -> None:
        # the automatic answer after this handler meets no connection
        sender, bot.sender = bot.sender, None
        asyncio.get_running_loop().call_later(0.2, setattr, bot, "sender", sender)

    m = dc.send_message(bot_id, ann_id, "m", [SB.callback("r", b"retry")])
    answer = await user.request_callback_answer("@cb_gone_bot", m, b"retry")
    assert answer.message == "back"
    assert outcome == {"open": True, "sent": True}

    m = dc.send_message(bot_id, ann_id, "m", [SB.callback("s", b"silent")])
    answer = await user.request_callback_answer("@cb_gone_bot", m, b"silent")
    assert answer.message == "back later"
    assert bot.callback_stats.deadline == 1
