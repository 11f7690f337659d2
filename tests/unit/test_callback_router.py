"""The callback router on the client port alone (no Client, no connection): routing, the
answer path (one claim, limits, a disconnected port), deadlines, duplicates, the scale-out
hooks (answer gate, diversion, forget, answer_late), message fetch and edit."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from oxigram import tl
from oxigram.client.callback_data import CallbackData
from oxigram.client.callbacks import CallbackConfig, CallbackQuery, CallbackRouter
from oxigram.errors import (
    AnswerTooLongError,
    FloodWaitError,
    NotConnectedError,
    OxigramError,
    rpc_error_from,
)
from port_support import RecordingPort, callback_update, updates_of

ANSWER = "messages.setBotCallbackAnswer"


def run(fn: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(fn(), 10))


async def settle(router: CallbackRouter) -> None:
    """Until every handler task and deadline answer of the router finished."""
    for _ in range(100):
        await asyncio.sleep(0)
        if not router._tasks:
            return
        await asyncio.wait(list(router._tasks), timeout=5)


def press(router: CallbackRouter, query_id: int, data: bytes | None = b"go", **kw: Any) -> None:
    router.feed(callback_update(query_id, data, **kw), asyncio.get_running_loop().time())


class Pick(CallbackData, prefix="p"):
    n: int


# ----------------------------------------------------------------------------- routing


def test_first_matching_route_runs_and_answers_once() -> None:
    async def main() -> None:
        port = RecordingPort()
        router = CallbackRouter(port)
        ran: list[str] = []
        results: list[bool] = []

        async def on(name: str, q: CallbackQuery) -> None:
            ran.append(name)
            results.append(await q.answer(name, cache_time=3))
            results.append(await q.answer("again"))

        router.add(lambda q: on("exact", q), data=b"menu")
        router.add(lambda q: on("prefix", q), prefix="sub:")
        router.add(lambda q: on("regex", q), regex=rb"^n(\d+)$")
        router.add(lambda q: on("typed", q), cls=Pick)
        router.add(lambda q: on("never", q), data=b"menu")  # shadowed by the first

        for i, data in enumerate([b"menu", b"sub:x", b"n42", Pick(7).pack()], start=1):
            press(router, i, data)
            await settle(router)
        assert ran == ["exact", "prefix", "regex", "typed"]
        assert results == [True, False] * 4
        answers = port.sent(ANSWER)
        assert [(c.request.query_id, c.request.message) for c in answers] == [
            (1, "exact"),
            (2, "prefix"),
            (3, "regex"),
            (4, "typed"),
        ]
        assert all(c.request.cache_time == 3 for c in answers)
        assert router.stats.by_handler == 4 and router.stats.count == 4

    run(main)


def test_answer_limits_time_and_floods_to_the_deadline() -> None:
    async def main() -> None:
        port = RecordingPort()
        router = CallbackRouter(port, CallbackConfig(deadline=3.0))
        got: list[Any] = []

        @router.add
        async def handler(q: CallbackQuery) -> None:
            with pytest.raises(AnswerTooLongError):
                await q.answer("x" * 201)  # rejected before any network
            assert port.calls == []
            got.append(await q.answer("ok", alert=True, url="https://t.me/b?start=1"))

        press(router, 1)
        await settle(router)
        (call,) = port.calls
        assert got == [True]
        assert call.request == tl.functions.messages.SetBotCallbackAnswer(
            query_id=1, alert=True, message="ok", url="https://t.me/b?start=1", cache_time=0
        )
        # the time left before deadline + 2 s grace bounds both the wait and flood sleeps
        assert call.timeout == call.flood_sleep_threshold
        assert call.timeout is not None and 4.5 < call.timeout <= 5.0

    run(main)


def test_no_match_no_answer_or_a_failing_handler_get_the_auto_answer() -> None:
    async def main() -> None:
        port = RecordingPort()
        router = CallbackRouter(port)

        async def failing(q: CallbackQuery) -> None:
            raise RuntimeError("boom")

        async def silent(q: CallbackQuery) -> None:
            assert q.data != b"x"

        router.add(failing, data=b"x")
        router.add(silent, prefix=b"g")
        press(router, 1, b"go")  # answered by nobody
        press(router, 2, b"x")  # the handler raised
        press(router, 3, None)  # a game press has no data: no filter matches it
        await settle(router)
        assert [(c.request.query_id, c.request.message) for c in port.sent(ANSWER)] == [
            (1, None),
            (2, None),
            (3, None),
        ]
        assert router.stats.auto == 3

    run(main)


# ----------------------------------------------------------------------------- deadlines


def test_deadline_answer_goes_first_and_a_late_answer_is_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def main() -> None:
        port = RecordingPort()
        config = CallbackConfig(deadline=0.05)
        config.deadline_answer.text = "working"
        router = CallbackRouter(port, config)
        late: list[bool] = []

        @router.add
        async def slow(q: CallbackQuery) -> None:
            await asyncio.sleep(0.2)
            late.append(await q.answer("too late"))

        with caplog.at_level(logging.WARNING, logger="oxigram.client.callbacks"):
            press(router, 1)
            await asyncio.sleep(0.3)
            await settle(router)
        assert late == [False]
        assert [c.request.message for c in port.sent(ANSWER)] == ["working"]
        assert router.stats.deadline == 1 and router.stats.late_answers == 1
        assert "after the deadline answer" in caplog.text

    run(main)


def test_per_route_deadline_none_leaves_the_query_to_the_handler() -> None:
    async def main() -> None:
        port = RecordingPort()
        router = CallbackRouter(port, CallbackConfig(deadline=0.02, auto_answer=False))
        router.add(lambda q: asyncio.sleep(0.1), deadline=None)
        press(router, 1)
        await asyncio.sleep(0.15)
        await settle(router)
        assert port.calls == []  # no deadline answer, no auto answer

    run(main)


# ----------------------------------------------------------------------------- not connected


def test_an_answer_meeting_a_disconnected_port_leaves_the_query_open() -> None:
    async def main() -> None:
        port = RecordingPort(connected=False)
        router = CallbackRouter(port)
        seen: list[Any] = []

        @router.add
        async def handler(q: CallbackQuery) -> None:
            with pytest.raises(NotConnectedError):
                await q.answer("lost")
            seen.append((q.answered, q.answered_by))
            port.connected = True  # the client is back
            seen.append(await q.answer("back"))

        press(router, 1)
        await settle(router)
        assert seen == [(False, None), True]
        assert [c.request.message for c in port.sent(ANSWER)] == ["back"]
        assert router.stats.by_handler == 1 and router.stats.failed == 1

    run(main)


def test_the_deadline_answer_still_goes_after_the_auto_answer_met_no_connection() -> None:
    async def main() -> None:
        port = RecordingPort(connected=False)
        config = CallbackConfig(deadline=0.1)
        config.deadline_answer.text = "sorry"
        router = CallbackRouter(port, config)
        router.add(lambda q: asyncio.sleep(0))  # returns without answering

        press(router, 1)
        await settle(router)
        assert port.calls == [] and router.stats.failed == 1  # auto answer: not connected
        port.connected = True
        await asyncio.sleep(0.15)
        await settle(router)
        assert [c.request.message for c in port.sent(ANSWER)] == ["sorry"]
        assert router.stats.deadline == 1

    run(main)


# ----------------------------------------------------------------------------- failures


def test_a_failed_answer_raises_from_the_handler_and_is_counted() -> None:
    async def main() -> None:
        port = RecordingPort()
        port.replies[ANSWER] = rpc_error_from(420, "FLOOD_WAIT_30", ANSWER)
        router = CallbackRouter(port)
        raised: list[type[BaseException]] = []

        @router.add
        async def handler(q: CallbackQuery) -> None:
            try:
                await q.answer("x")
            except OxigramError as exc:
                raised.append(type(exc))
            assert q.answered  # it was sent: never a second answer

        press(router, 1)
        await settle(router)
        assert raised == [FloodWaitError]
        assert len(port.calls) == 1 and router.stats.failed == 1 and router.stats.count == 0

    run(main)


# ----------------------------------------------------------------------------- duplicates


def test_a_query_seen_before_runs_nothing_until_forgotten() -> None:
    async def main() -> None:
        port = RecordingPort()
        router = CallbackRouter(port)
        ran: list[int] = []

        @router.add
        async def handler(q: CallbackQuery) -> None:
            ran.append(q.query_id)

        obj = updates_of(callback_update(9))
        router.on_raw(obj)
        router.on_raw(obj)  # delivered again
        await settle(router)
        assert ran == [9] and router.stats.duplicates == 1
        router.forget(9)
        router.on_raw(obj)
        await settle(router)
        assert ran == [9, 9]

    run(main)


def test_on_raw_remembers_the_entities_of_callback_updates_only() -> None:
    async def main() -> None:
        port = RecordingPort()
        router = CallbackRouter(port)
        user = tl.types.User(id=100, first_name="Ann", access_hash=5)
        other = tl.types.UpdateUserTyping(user_id=100, action=tl.types.SendMessageTypingAction())
        router.on_raw(updates_of(other, users=[user]))
        router.on_raw(updates_of(callback_update(1), users=[user]))
        router.on_raw(tl.types.UpdateShort(update=callback_update(2), date=0))
        await settle(router)
        assert port.remembered == [([user], [])]
        assert {c.request.query_id for c in port.sent(ANSWER)} == {1, 2}

    run(main)


# ----------------------------------------------------------------------------- hooks


class RecordingGate:
    """An AnswerGate that claims with a fixed budget (None: refuses) and records events."""

    def __init__(self, budget: float | None = 1.5, *, answered_elsewhere: bool = False) -> None:
        self.budget = budget
        self.answered_elsewhere = answered_elsewhere
        self.events: list[tuple[str, int]] = []

    async def claim(self, query: CallbackQuery) -> float | None:
        assert query.answered  # claimed locally first
        self.events.append(("claim", query.query_id))
        await asyncio.sleep(0)
        return self.budget

    def sent(self, query: CallbackQuery) -> None:
        self.events.append(("sent", query.query_id))

    def refused(self, query: CallbackQuery, error: OxigramError) -> bool:
        self.events.append((type(error).__name__, query.query_id))
        return self.answered_elsewhere

    def finished(self, query: CallbackQuery) -> None:
        self.events.append(("finished", query.query_id))


def test_the_gate_claims_every_answer_with_its_own_budget() -> None:
    async def main() -> None:
        port = RecordingPort()
        gate = RecordingGate(1.5)
        router = CallbackRouter(port, gate=gate)
        router.add(lambda q: q.answer("hi"))
        press(router, 1)
        await settle(router)
        (call,) = port.calls
        assert (call.timeout, call.flood_sleep_threshold) == (1.5, 1.5)
        assert gate.events == [("claim", 1), ("sent", 1), ("finished", 1)]

    run(main)


def test_a_gate_that_refuses_sends_nothing_and_keeps_the_claim() -> None:
    async def main() -> None:
        port = RecordingPort()
        gate = RecordingGate(None)
        router = CallbackRouter(port, CallbackConfig(deadline=0.05), gate=gate)
        got: list[Any] = []

        @router.add
        async def handler(q: CallbackQuery) -> None:
            got.append(await q.answer("hi"))
            got.append(q.answered)

        press(router, 1)
        await asyncio.sleep(0.1)  # past the deadline: no deadline answer either
        await settle(router)
        assert got == [False, True] and port.calls == []
        assert gate.events == [("claim", 1), ("finished", 1)]

    run(main)


def test_the_gate_decides_whether_a_failure_means_answered_elsewhere() -> None:
    async def main() -> None:
        port = RecordingPort()
        port.replies[ANSWER] = rpc_error_from(400, "QUERY_ID_INVALID", ANSWER)
        gate = RecordingGate(answered_elsewhere=True)
        router = CallbackRouter(port, gate=gate)
        got: list[Any] = []

        @router.add
        async def handler(q: CallbackQuery) -> None:
            got.append(await q.answer("hi"))  # quietly False: not raised, not counted

        press(router, 1)
        await settle(router)
        assert got == [False] and router.stats.failed == 0
        assert ("QueryIdInvalidError", 1) in gate.events

        gate.answered_elsewhere = False  # any other failure: raised and counted
        press(router, 2)
        await settle(router)
        assert got == [False] and router.stats.failed == 1
        assert gate.events[-2:] == [("QueryIdInvalidError", 2), ("finished", 2)]

    run(main)


def test_answer_late_sends_the_deadline_answer_without_a_handler() -> None:
    async def main() -> None:
        port = RecordingPort()
        config = CallbackConfig()
        config.deadline_answer.text = "late"
        gate = RecordingGate()
        router = CallbackRouter(port, config, gate=gate)
        router.add(lambda q: pytest.fail("no handler runs"))
        loop = asyncio.get_running_loop()
        assert await router.answer_late(callback_update(4), loop.time() - 9) is True
        assert [c.request.message for c in port.sent(ANSWER)] == ["late"]
        assert gate.events == [("claim", 4), ("sent", 4), ("finished", 4)]
        assert router.stats.deadline == 1
        press(router, 4)  # it counts as seen
        await settle(router)
        assert router.stats.duplicates == 1

    run(main)


def test_divert_hands_presses_elsewhere_untouched() -> None:
    async def main() -> None:
        port = RecordingPort()
        router = CallbackRouter(port)
        router.add(lambda q: pytest.fail("diverted presses run no handler"))
        taken: list[tuple[int, list[Any], list[Any]]] = []

        def take(update: Any, users: Any, chats: Any) -> None:
            taken.append((update.query_id, list(users), list(chats)))

        user = tl.types.User(id=100, first_name="Ann", access_hash=5)
        typing = tl.types.UpdateUserTyping(user_id=100, action=tl.types.SendMessageTypingAction())
        assert router.divert(take) is None
        router.on_raw(updates_of(callback_update(1), typing, callback_update(1), users=[user]))
        router.on_raw(tl.types.UpdateShort(update=callback_update(2), date=0))
        router.on_raw(tl.types.UpdateShort(update=typing, date=0))
        await settle(router)
        assert taken == [(1, [user], []), (1, [user], []), (2, [], [])]  # no dedupe here
        assert port.calls == [] and port.remembered == [] and router.stats.received == 0
        assert router.divert(None) is take

    run(main)


# ----------------------------------------------------------------------------- the message


def test_get_message_and_edit_go_through_the_port() -> None:
    async def main() -> None:
        port = RecordingPort(dc_id=2)
        msg = tl.types.Message(
            id=5, peer_id=tl.types.PeerChannel(channel_id=77), date=0, message="hi"
        )
        port.replies["channels.getMessages"] = tl.types.messages.Messages(
            messages=[msg], topics=[], chats=[], users=[]
        )
        router = CallbackRouter(port)
        got: list[Any] = []

        @router.add
        async def handler(q: CallbackQuery) -> None:
            got.append(await q.get_message())
            got.append(await q.get_message())  # fetched once
            await q.edit("new")
            await q.answer()

        press(router, 1, peer=tl.types.PeerChannel(channel_id=77))
        await settle(router)
        assert got == [msg, msg]
        fetch, edit, _ = port.calls
        assert fetch.request.channel == tl.types.InputChannel(channel_id=77, access_hash=539)
        assert [m.id for m in fetch.request.id] == [5]
        assert edit.request == tl.functions.messages.EditMessage(
            peer=tl.types.InputPeerChannel(channel_id=77, access_hash=539), id=5, message="new"
        )

    run(main)


def test_an_inline_message_is_edited_on_the_dc_its_id_names() -> None:
    async def main() -> None:
        port = RecordingPort(dc_id=2)
        router = CallbackRouter(port)

        @router.add
        async def handler(q: CallbackQuery) -> None:
            assert q.is_inline and await q.get_message() is None
            assert await q.edit("here") is True
            await q.answer()

        loop = asyncio.get_running_loop()
        for dc_id in (4, 2):
            ident = tl.types.InputBotInlineMessageID(dc_id=dc_id, id=3, access_hash=1)
            update = tl.types.UpdateInlineBotCallbackQuery(
                query_id=dc_id, user_id=100, msg_id=ident, chat_instance=1, data=b"i"
            )
            router.feed(update, loop.time())
            await settle(router)
        edits = [c for c in port.calls if c.name == "messages.editInlineBotMessage"]
        assert [c.dc_id for c in edits] == [4, 2]  # the DC of each message, home included
        assert [c.request.id.dc_id for c in edits] == [4, 2]
        assert [c.name for c in port.calls] == [
            "messages.editInlineBotMessage",
            ANSWER,
            "messages.editInlineBotMessage",
            ANSWER,
        ]

    run(main)


def test_concurrency_is_bounded() -> None:
    async def main() -> None:
        port = RecordingPort()
        router = CallbackRouter(port, CallbackConfig(max_concurrent=2))
        running: list[int] = []
        peak: list[int] = []

        @router.add
        async def handler(q: CallbackQuery) -> None:
            running.append(q.query_id)
            peak.append(len(running))
            await asyncio.sleep(0.01)
            running.remove(q.query_id)
            await q.answer()

        for i in range(6):
            press(router, i + 1)
        await settle(router)
        assert max(peak) == 2 and router.stats.by_handler == 6
        assert router.stats.p50 is not None

    run(main)


def test_query_id_invalid_without_a_gate_is_a_plain_failure() -> None:
    async def main() -> None:
        port = RecordingPort()
        port.replies[ANSWER] = rpc_error_from(400, "QUERY_ID_INVALID", ANSWER)
        router = CallbackRouter(port)
        press(router, 1)  # no route: the auto answer fails, logged and counted
        await settle(router)
        assert router.stats.failed == 1 and router.stats.auto == 0

    run(main)
