"""Every kind of press reaches the same handlers (issue 16, point 3), through the real local
DC over TCP: a button on a message a bot sent for a business account
(``updateBusinessBotCallbackQuery``; edits in ``invokeWithBusinessConnection``) and one on
an ephemeral message (``updateEphemeralBotCallbackQuery``; pressed with
``ephemeral.getCallbackAnswer``, edited with ``ephemeral.editMessage``), beside a chat one:
answered, edited with the edit visible to the user, and routed, typed, auto-answered,
deadline-answered, deduplicated and counted alike."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from cbsupport import wait_until

from oxigram import errors
from oxigram.client import Client, Message
from oxigram.client.callback_data import CallbackData
from oxigram.client.callbacks import CallbackQuery
from oxigram.testing import self_id
from oxigram.tl import types

server = pytest.importorskip("oxigram.server")
LocalDC, SB = server.LocalDC, server.Button
MakeClient = Callable[..., Awaitable[Client]]


class Pick(CallbackData, prefix="pk"):
    item: int
    kind: str


async def as_user_sees(user: Client, msg_id: int) -> Any:
    """The message as ``user`` fetches it (which also teaches it the chat's users)."""
    message = await user.get_message(msg_id)
    assert message is not None
    return message.raw


def ephemeral_inbox(user: Client) -> dict[int, Any]:
    """The user's ephemeral messages by id, as the updates bring and edit them."""
    inbox: dict[int, Any] = {}

    @user.on_update
    async def seen(update: Any) -> None:
        if isinstance(update, (types.UpdateNewEphemeralMessage, types.UpdateEditEphemeralMessage)):
            inbox[update.message.id] = update.message

    return inbox


async def test_business_press_answered_and_edited_through_the_connection(
    local_dc: LocalDC, make_bot: MakeClient, make_user: MakeClient
) -> None:
    dc = local_dc
    bot = await make_bot("shop_bot")
    owner = await make_user("Bea")  # the business account
    customer = await make_user("Carl")
    bot_id, owner_id, customer_id = self_id(bot), self_id(owner), self_id(customer)
    conn = dc.add_business_connection(bot_id, owner_id)
    seen: list[CallbackQuery] = []

    @bot.on_callback_query(data=b"buy")
    async def buy(q: CallbackQuery) -> None:
        seen.append(q)
        assert q.kind == "business" and q.business_connection_id == conn.connection_id
        assert q.message is not None and q.message.message == "Our menu"
        assert await q.get_message() is q.message  # carried by the update: no request
        await q.edit("Sold", buttons=[[SB.callback("Again", b"buy").to_tl()]])
        await q.answer("Thanks!")

    msg_id = dc.send_business_message(
        conn.connection_id, customer_id, "Our menu", [SB.callback("Buy", b"buy")]
    )
    menu = await customer.get_message(msg_id)
    assert menu is not None and menu.raw.via_business_bot_id == bot_id
    answer = await menu.click(data=b"buy")
    assert answer.message == "Thanks!"
    q = seen[0]
    assert (q.user_id, q.msg_id, q.peer.user_id) == (customer_id, msg_id, customer_id)
    # The edit is the customer's to see, and the business account's.
    for client in (customer, owner):
        edited = await client.get_message(msg_id)
        assert edited is not None and edited.text == "Sold" and edited.raw.edit_date
    assert bot.callback_stats.by_kind == {"business": 1}

    # The connection is the bot's only: another bot cannot act through it, and without it
    # the bot is no party to the chat.
    other = await make_bot("other_bot")
    make = other.make
    peer = await bot.get_input_peer(customer_id)
    edit = make.messages_edit_message(peer=peer, id=msg_id, message="hijack")
    with pytest.raises(errors.RPCError, match="BUSINESS_CONNECTION_INVALID"):
        await other.invoke(
            make.invoke_with_business_connection(connection_id=conn.connection_id, query=edit)
        )
    with pytest.raises(errors.RPCError, match="MESSAGE_ID_INVALID"):
        await bot.invoke(edit)
    # A message the owner wrote themself is not the bot's to edit.
    own_id = dc.send_message(owner_id, customer_id, "hello from Bea")
    own_edit = make.messages_edit_message(peer=peer, id=own_id, message="x")
    with pytest.raises(errors.RPCError, match="MESSAGE_AUTHOR_REQUIRED"):
        await bot.invoke(
            bot.make.invoke_with_business_connection(
                connection_id=conn.connection_id, query=own_edit
            )
        )


async def test_bot_sends_for_the_business_account_and_a_disconnected_bot_gets_no_press(
    local_dc: LocalDC, make_bot: MakeClient, make_user: MakeClient
) -> None:
    dc = local_dc
    bot = await make_bot("desk_bot")
    owner = await make_user("Bea")
    customer = await make_user("Carl")
    bot_id, owner_id, customer_id = self_id(bot), self_id(owner), self_id(customer)
    conn = dc.add_business_connection(bot_id, owner_id)

    @bot.on_callback_query(prefix=b"t:")
    async def ticket(q: CallbackQuery) -> None:
        await q.answer(f"{q.kind} {q.data!r}")

    # The customer wrote to the business first; the bot replies as the business account.
    dc.send_message(customer_id, owner_id, "help?")
    make = bot.make
    customer_peer = make.input_peer_user(
        user_id=customer_id, access_hash=dc.store.accounts[customer_id].access_hash
    )
    sent = await bot.invoke(
        make.invoke_with_business_connection(
            connection_id=conn.connection_id,
            query=make.messages_send_message(
                peer=customer_peer,
                message="Ticket opened",
                random_id=7,
                reply_markup=make.reply_inline_markup(
                    rows=[
                        make.keyboard_inline_button_row(
                            buttons=[SB.callback("Status", b"t:1").to_tl()]
                        )
                    ]
                ),
            ),
        )
    )
    msg_id = next(u.message.id for u in sent.updates if hasattr(u, "message"))
    stored = dc.get_message(msg_id)
    assert (stored.from_id, stored.to_id, stored.via_business_bot_id) == (
        owner_id,
        customer_id,
        bot_id,
    )
    assert (await customer.request_callback_answer(owner_id, msg_id, b"t:1")).message == (
        "business b't:1'"
    )
    # Reconnecting makes a new connection id; the old one no longer works.
    new = dc.add_business_connection(bot_id, owner_id)
    assert new.connection_id != conn.connection_id
    with pytest.raises(errors.RPCError, match="BUSINESS_CONNECTION_INVALID"):
        await bot.invoke(
            make.invoke_with_business_connection(
                connection_id=conn.connection_id,
                query=make.messages_edit_message(peer=customer_peer, id=msg_id, message="x"),
            )
        )
    dc.state.business.by_id.clear()  # the owner disconnected the bot
    with pytest.raises(errors.RPCError, match="DATA_INVALID"):
        await customer.request_callback_answer(owner_id, msg_id, b"t:1")


async def test_ephemeral_press_answered_and_edited_for_its_receiver(
    local_dc: LocalDC, make_bot: MakeClient, make_user: MakeClient
) -> None:
    dc = local_dc
    bot = await make_bot("quiz_bot")
    user = await make_user("Alice")
    other = await make_user("Bob")
    bot_id, user_id = self_id(bot), self_id(user)
    inbox = ephemeral_inbox(user)
    other_inbox = ephemeral_inbox(other)
    seen: list[CallbackQuery] = []

    @bot.on_callback_query(data=b"reveal")
    async def reveal(q: CallbackQuery) -> None:
        seen.append(q)
        assert q.kind == "ephemeral" and q.msg_id == eph_id and q.message is not None
        await q.edit("The answer is 42")
        await q.answer("shh", alert=True)

    eph_id = dc.send_ephemeral_message(
        bot_id, user_id, "Only you see this", [SB.callback("Reveal", b"reveal")]
    )
    await wait_until(lambda: eph_id in inbox)
    message = Message(user, inbox[eph_id])
    assert message.ephemeral and [b.data for b in message.buttons] == [b"reveal"]
    answer = await message.click(data=b"reveal")
    assert (answer.message, answer.alert) == ("shh", True)
    await wait_until(lambda: inbox[eph_id].message == "The answer is 42")
    assert dc.get_ephemeral_message(eph_id).text == "The answer is 42"
    assert other_inbox == {}  # nobody else ever saw it
    assert seen[0].peer.user_id == user_id and seen[0].user_id == user_id
    assert seen[0].message.message == "Only you see this"  # as it was when pressed

    # The same press through request_callback_answer; only its receiver may press it.
    again = await user.request_callback_answer("@quiz_bot", eph_id, b"reveal", ephemeral=True)
    assert again.message == "shh" and seen[1].message.message == "The answer is 42"
    with pytest.raises(errors.RPCError, match="MESSAGE_ID_INVALID"):
        await other.request_callback_answer("@quiz_bot", eph_id, b"reveal", ephemeral=True)
    with pytest.raises(errors.RPCError, match="DATA_INVALID"):
        await user.request_callback_answer("@quiz_bot", eph_id, b"nope", ephemeral=True)
    with pytest.raises(errors.InvalidInputError):
        await user.request_callback_answer("@quiz_bot", eph_id, None, ephemeral=True)
    # A normal press on that id is another message (the ids are their own sequence).
    with pytest.raises(errors.RPCError, match="MESSAGE_ID_INVALID"):
        await user.request_callback_answer("@quiz_bot", eph_id, b"reveal")
    assert bot.callback_stats.by_kind == {"ephemeral": 2}


KINDS = ("chat", "inline", "business", "ephemeral")


@pytest.mark.parametrize("kind", KINDS)
async def test_routing_typed_data_auto_deadline_dedupe_edit_and_stats_per_kind(
    kind: str, local_dc: LocalDC, make_bot: MakeClient, make_user: MakeClient
) -> None:
    dc = local_dc
    bot = await make_bot("kinds_bot")
    user = await make_user("Alice")
    owner = await make_user("Bea")  # the business account, or who sent the inline message
    bot_id, user_id, owner_id = self_id(bot), self_id(user), self_id(owner)
    inbox = ephemeral_inbox(user)
    config = bot.callbacks.config
    config.deadline = 0.5
    config.deadline_answer.text = "later"
    kinds: list[str] = []

    @bot.on_callback_query(cls=Pick)
    async def typed(q: CallbackQuery) -> None:
        assert isinstance(q.typed, Pick)
        await q.answer(f"{q.typed.kind}:{q.typed.item}")

    @bot.on_callback_query(regex=rb"^r:(\d+)$")
    async def numbered(q: CallbackQuery) -> None:
        assert q.match is not None
        await q.answer(f"r{int(q.match.group(1))}")

    @bot.on_callback_query(predicate=lambda q: q.data == b"edit")
    async def edit(q: CallbackQuery) -> None:
        kinds.append(q.kind)
        await q.edit(f"edited {q.kind}")
        await q.answer("edited")

    @bot.on_callback_query(data=b"dup")
    async def dup(q: CallbackQuery) -> None:
        bot.callbacks.feed(q.update, q.received)  # delivered twice: run once
        await q.answer("once")

    @bot.on_callback_query(data=b"quiet")
    async def quiet(q: CallbackQuery) -> None:
        return None  # auto answer

    @bot.on_callback_query(data=b"slow")
    async def slow(q: CallbackQuery) -> None:
        await asyncio.sleep(1.0)  # past the deadline: the deadline answer goes

    datas = [Pick(3, kind).pack(), b"r:12", b"edit", b"dup", b"quiet", b"slow", b"nobody"]
    buttons = [[SB.callback(str(i), d)] for i, d in enumerate(datas)]
    if kind == "chat":
        msg_id = dc.send_message(bot_id, user_id, "menu", buttons)
        peer: Any = "@kinds_bot"
    elif kind == "inline":
        msg_id = dc.add_inline_message(bot_id, owner_id, user_id, "menu", buttons).msg_id
        peer = await as_user_sees(user, msg_id)
    elif kind == "business":
        conn = dc.add_business_connection(bot_id, owner_id)
        msg_id = dc.send_business_message(conn.connection_id, user_id, "menu", buttons)
        peer = await as_user_sees(user, msg_id)
    else:
        msg_id = dc.send_ephemeral_message(bot_id, user_id, "menu", buttons)
        peer = "@kinds_bot"

    async def press(data: bytes) -> str | None:
        answer = await user.request_callback_answer(
            peer, msg_id, data, ephemeral=kind == "ephemeral"
        )
        return answer.message

    assert await press(datas[0]) == f"{kind}:3"
    assert await press(b"r:12") == "r12"
    assert await press(b"edit") == "edited" and kinds == [kind]
    assert await press(b"dup") == "once"
    assert await press(b"quiet") is None
    assert await press(b"slow") == "later"
    assert await press(b"nobody") is None
    if kind == "ephemeral":
        await wait_until(lambda: msg_id in inbox and inbox[msg_id].message == f"edited {kind}")
    else:
        seen = await user.get_message(msg_id)
        assert seen is not None and seen.text == f"edited {kind}"
    stats = bot.callback_stats
    assert stats.by_kind == {kind: 8} and stats.received == 8 and stats.duplicates == 1
    assert (stats.by_handler, stats.auto, stats.deadline) == (4, 2, 1)


async def test_a_bot_sends_and_edits_ephemeral_messages_and_the_checks_hold(
    local_dc: LocalDC, make_bot: MakeClient, make_user: MakeClient
) -> None:
    dc = local_dc
    bot = await make_bot("note_bot")
    other_bot = await make_bot("spy_bot")
    user = await make_user("Alice")
    bot_id, user_id = self_id(bot), self_id(user)
    inbox = ephemeral_inbox(user)
    account = dc.store.accounts[user_id]
    make = bot.make
    receiver = make.input_user(user_id=user_id, access_hash=account.access_hash)
    chat = make.input_peer_user(user_id=user_id, access_hash=account.access_hash)
    sent = await bot.ephemeral.sendMessage(
        peer=chat, receiver_id=receiver, message="note", random_id=1
    )
    (new,) = sent.updates
    assert isinstance(new, types.UpdateNewEphemeralMessage) and new.message.out
    eph_id = new.message.id
    await wait_until(lambda: eph_id in inbox and not inbox[eph_id].out)
    assert inbox[eph_id].message == "note" and inbox[eph_id].receiver_id == user_id
    edited = await bot.invoke(
        make.ephemeral_edit_message(receiver_id=receiver, id=eph_id, message="v2")
    )
    assert edited.updates[0].message.message == "v2"
    await wait_until(lambda: inbox[eph_id].message == "v2")

    # Only the bot that sent it edits it, only for its receiver; users send none.
    for client, req, error in [
        (
            other_bot,
            make.ephemeral_edit_message(receiver_id=receiver, id=eph_id, message="x"),
            "MESSAGE_ID_INVALID",
        ),
        (
            bot,
            make.ephemeral_edit_message(receiver_id=receiver, id=eph_id + 1, message="x"),
            "MESSAGE_ID_INVALID",
        ),
        (
            user,
            make.ephemeral_edit_message(receiver_id=receiver, id=eph_id, message="x"),
            "USER_BOT_REQUIRED",
        ),
    ]:
        with pytest.raises(errors.RPCError, match=error):
            await client.invoke(req)
    other = make.input_peer_user(user_id=bot_id, access_hash=dc.store.accounts[bot_id].access_hash)
    with pytest.raises(errors.RPCError, match="PEER_ID_INVALID"):  # not the receiver's chat
        await bot.invoke(make.ephemeral_edit_message(peer=other, receiver_id=receiver, id=eph_id))
    assert dc.get_ephemeral_message(eph_id).text == "v2"

    # The test API refuses what makes no sense.
    with pytest.raises(errors.InvalidInputError):
        dc.send_ephemeral_message(user_id, bot_id, "users send no ephemeral messages")
    with pytest.raises(errors.InvalidInputError):
        dc.add_business_connection(user_id, bot_id)
    with pytest.raises(errors.InvalidInputError):
        dc.send_business_message("no-such-connection", user_id, "x")
