"""User side of the callback API against the local DC over TCP: pressing by peer kinds,
click(), passwords (SRP), timeouts that are never re-sent, typed errors, raw calls."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from cbsupport import wait_until

from oxigram import errors
from oxigram.client import Client
from oxigram.client.callbacks import CallbackQuery
from oxigram.client.pressing import CallbackAnswer
from oxigram.testing import self_id

server = pytest.importorskip("oxigram.server")
LocalDC, SB = server.LocalDC, server.Button
MakeClient = Callable[..., Awaitable[Client]]


async def test_pressing_peers_click_passwords_errors(
    local_dc: LocalDC, make_bot: MakeClient, make_user: MakeClient
) -> None:
    dc = local_dc
    dc.answer_timeout = 1.0
    bot = await make_bot("press_bot")
    user = await make_user("Ann", password="s3cret")
    bob_c = await make_user("Bob")
    bot_id, ann_id, bob_id = self_id(bot), self_id(user), self_id(bob_c)
    presses: list[bytes | None] = []
    updates: list[Any] = []
    user.on_update(lambda u: _append(updates, u))

    @bot.on_callback_query(data=b"silent", deadline=None)
    async def silent(q: CallbackQuery) -> None:
        presses.append(q.data)
        await asyncio.sleep(1.6)  # answers after the DC gave up

    @bot.on_callback_query()
    async def any_press(q: CallbackQuery) -> None:
        presses.append(q.data)
        await q.answer(f"got {q.data!r}")

    rows = [
        [SB.callback("A", b"a"), SB.callback("B", b"b")],
        [SB.url("Site", "https://example.org"), SB.game("G", short_name="g")],
        [SB.callback("Secret", b"pw", requires_password=True)],
        [SB.callback("Silent", b"silent")],
    ]
    msg_id = dc.send_message(bot_id, ann_id, "menu", rows)
    await wait_until(lambda: any(getattr(u, "message", None) for u in updates))
    new_msg = next(u for u in updates if getattr(u, "message", None))

    # peer as username, Bot-API id, Update, Message, InputPeer
    input_peer = await user.get_input_peer("@press_bot")
    for peer in ("@press_bot", bot_id, new_msg, new_msg.message, input_peer):
        a = await user.request_callback_answer(peer, msg_id, b"a")
        assert isinstance(a, CallbackAnswer) and a.message == "got b'a'"
        assert a.latency > 0

    # click by position, by index, by text, by data
    m = await user.get_message(msg_id)
    assert m is not None
    assert (await m.click(0, 1)).message == "got b'b'"
    assert (await m.click(0)).message == "got b'a'"
    assert (await m.click(text="B")).message == "got b'b'"
    assert (await m.click(data=b"a")).message == "got b'a'"
    assert (await m.click(text="G")).message == "got None"  # game press
    with pytest.raises(errors.NoSuchButtonError):
        await m.click(text="nope")
    with pytest.raises(errors.NoSuchButtonError):
        await m.click(text="Site")  # a url button opens a link, no callback
    assert m.find(text="Site").url == "https://example.org"

    # 2FA buttons: str password -> SRP, a ready proof passes through
    with pytest.raises(errors.InvalidInputError):
        await m.click(text="Secret")
    assert (await m.click(text="Secret", password="s3cret")).message == "got b'pw'"
    with pytest.raises(errors.PasswordHashInvalidError):
        await m.click(text="Secret", password="wrong")
    proof = await user.password_check("s3cret")
    a = await user.request_callback_answer("@press_bot", msg_id, b"pw", password=proof)
    assert a.message == "got b'pw'"
    bob_msg = dc.send_message(bot_id, bob_id, "m", rows)
    with pytest.raises(errors.PasswordMissingError):
        await bob_c.request_callback_answer("@press_bot", bob_msg, b"pw", password="anything")

    # never re-sent: BOT_RESPONSE_TIMEOUT says delivered; the bot saw one press
    n = presses.count(b"silent")
    with pytest.raises(errors.BotResponseTimeoutError) as info:
        await m.click(text="Silent")
    assert "delivered" in str(info.value)
    assert presses.count(b"silent") == n + 1
    dc.answer_timeout = 3.0
    with pytest.raises(errors.CallbackAnswerTimeoutError) as tinfo:
        await m.click(text="Silent", timeout=0.5)
    assert "not re-sent" in str(tinfo.value)
    await asyncio.sleep(1.5)
    assert presses.count(b"silent") == n + 2

    # -503 Timeout is raised, never retried
    sender = user.sender
    assert sender is not None
    real_once = sender._invoke_once
    calls = {"n": 0}

    async def timeout_503(body: Any, timeout: Any, **kw: Any) -> Any:
        if body._tl_name == "messages.getBotCallbackAnswer":
            calls["n"] += 1
            raise errors.rpc_error_from(-503, "Timeout", body._tl_name)
        return await real_once(body, timeout, **kw)

    sender._invoke_once = timeout_503  # type: ignore[method-assign]
    with pytest.raises(errors.RPCTimeoutError):
        await m.click(0)
    assert calls["n"] == 1
    sender._invoke_once = real_once  # type: ignore[method-assign]

    # errors named by the server, and limits checked before the network
    with pytest.raises(errors.DataInvalidError):
        await user.request_callback_answer("@press_bot", msg_id, b"nope")
    with pytest.raises(errors.MessageIdInvalidError):
        await user.request_callback_answer("@press_bot", 99999, b"a")
    with pytest.raises(errors.CallbackDataTooLongError):
        await user.request_callback_answer("@press_bot", msg_id, b"z" * 65)


async def _append(out: list[Any], u: Any) -> None:
    out.append(u)


async def test_raw_calls_madelineproto_style(
    local_dc: LocalDC, make_bot: MakeClient, user: Client
) -> None:
    local_dc.answer_timeout = 3.0
    bot = await make_bot("raw_bot")

    async def on_update(u: Any) -> None:
        if u._tl_name == "updateBotCallbackQuery":
            ok = await bot.messages.setBotCallbackAnswer(
                alert=True, query_id=u.query_id, message="raw", cache_time=0
            )
            assert ok is True
            with pytest.raises(errors.QueryIdInvalidError):
                await bot.messages.setBotCallbackAnswer(
                    query_id=u.query_id, message="twice", cache_time=0
                )

    bot.on_update(on_update)
    msg_id = local_dc.send_message(self_id(bot), self_id(user), "raw", [SB.callback("r", b"r")])
    a = await user.messages.getBotCallbackAnswer(
        game=False, peer="@raw_bot", msg_id=msg_id, data=b"r", password=None
    )
    assert (a.message, a.alert) == ("raw", True)
    with pytest.raises(errors.UserBotRequiredError):
        await user.messages.setBotCallbackAnswer(query_id=1, cache_time=0)


def test_every_issue_error_is_typed() -> None:
    cases = {
        (400, "BOT_RESPONSE_TIMEOUT"): errors.BotResponseTimeoutError,
        (400, "CHANNEL_INVALID"): errors.ChannelInvalidError,
        (400, "CHANNEL_PRIVATE"): errors.ChannelPrivateError,
        (400, "DATA_INVALID"): errors.DataInvalidError,
        (400, "INPUT_FETCH_FAIL"): errors.InputFetchFailError,
        (400, "MESSAGE_ID_INVALID"): errors.MessageIdInvalidError,
        (400, "PEER_ID_INVALID"): errors.PeerIdInvalidError,
        (-3002, "All workers are busy. Active_queries = 7"): errors.WorkersBusyError,
        (406, "AUTH_KEY_DUPLICATED"): errors.AuthKeyDuplicatedError,
        (-503, "Timeout"): errors.RPCTimeoutError,
        (400, "QUERY_ID_INVALID"): errors.QueryIdInvalidError,
        (400, "MESSAGE_TOO_LONG"): errors.MessageTooLongError,
        (400, "URL_INVALID"): errors.UrlInvalidError,
        (400, "USER_BOT_REQUIRED"): errors.UserBotRequiredError,
        (400, "PASSWORD_HASH_INVALID"): errors.PasswordHashInvalidError,
        (400, "PASSWORD_MISSING"): errors.PasswordMissingError,
        (400, "SRP_ID_INVALID"): errors.SrpIdInvalidError,
        (400, "SRP_PASSWORD_CHANGED"): errors.SrpPasswordChangedError,
        (420, "FLOOD_WAIT_12"): errors.FloodWaitError,
    }
    for (code, message), cls in cases.items():
        exc = errors.rpc_error_from(code, message, "messages.getBotCallbackAnswer")
        assert type(exc) is cls, (code, message)
    assert errors.rpc_error_from(420, "FLOOD_WAIT_12").value == 12
