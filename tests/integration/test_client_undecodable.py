"""No update can stall the stream: pushes and results the client cannot decode, driven
through the local DC, which sends a session any bytes (``push_raw``) and answers a method with
any bytes (``inject_result``).

The unknown constructor is a made-up id that no layer has, so these tests keep meaning the
same whichever layer the package ships."""

from __future__ import annotations

import logging
import struct
import time
from typing import Any

import pytest
from cbsupport import logged_in, run, wait_until

from oxigram import tl
from oxigram.client import Client, MemorySession
from oxigram.client.callbacks import CallbackQuery
from oxigram.errors import UndecodableResultError
from oxigram.tl import TLObject, types

server = pytest.importorskip("oxigram.server")
LocalDC, SB = server.LocalDC, server.Button

UNKNOWN_ID = 0x0BADC0DE  # in no layer
LAYER = tl.schema.layer


def unknown_update(pts: int, pts_count: int = 1) -> bytes:
    """An update of a newer layer, as far as this client can tell: an unknown id, then
    fields (here pts and pts_count)."""
    return struct.pack("<Iii", UNKNOWN_ID, pts, pts_count)


def spliced(obj: TLObject, placeholder: TLObject, raw: bytes) -> bytes:
    """``obj`` serialized, with the bytes of ``placeholder`` (which occur once in it)
    replaced by ``raw``."""
    data, mark = tl.dumps(obj), tl.dumps(placeholder)
    assert data.count(mark) == 1
    return data.replace(mark, raw)


# Field-less objects, replaced by the unknown bytes once serialized.
PLACEHOLDER = types.UpdateConfig()
MEDIA_PLACEHOLDER = types.MessageMediaEmpty()


def updates_with(updates: list[TLObject], raw: bytes) -> bytes:
    """An ``updates`` push whose ``PLACEHOLDER`` element is ``raw``."""
    obj = types.Updates(updates=updates, users=[], chats=[], date=int(time.time()), seq=0)
    return spliced(obj, PLACEHOLDER, raw)


def difference_with(
    pts: int, new_messages: list[Any], other: list[Any], placeholder: TLObject, raw: bytes
) -> bytes:
    """An ``updates.difference`` up to ``pts`` with ``raw`` in place of ``placeholder``."""
    state = types.updates.State(pts=pts, qts=0, date=int(time.time()), seq=0, unread_count=0)
    diff = types.updates.Difference(
        new_messages=new_messages,
        new_encrypted_messages=[],
        other_updates=other,
        chats=[],
        users=[],
        state=state,
    )
    return spliced(diff, placeholder, raw)


def new_message(msg_id: int, bot_id: int, text: str, pts: int) -> types.UpdateNewMessage:
    """The ``updateNewMessage`` a user gets for ``text`` from the bot."""
    peer = types.PeerUser(user_id=bot_id)
    message = types.Message(id=msg_id, peer_id=peer, from_id=peer, date=0, message=text)
    return types.UpdateNewMessage(message=message, pts=pts, pts_count=1)


def texts(got: list[Any]) -> list[str]:
    return [u.message.message for u in got if hasattr(u, "message")]


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def names_the_constructor(line: str) -> bool:
    return f"0x{UNKNOWN_ID:08x}" in line and f"layer {LAYER}" in line and "load_schema" in line


async def listening(dc: Any, user_id: int, **kw: Any) -> tuple[Client, list[Any]]:
    """A connected user client (updates started) and the updates its handler gets."""
    client = logged_in(dc, user_id, bot=False, **kw)
    got: list[Any] = []

    @client.on_update
    async def handler(update: Any) -> None:
        got.append(update)

    await client.connect()
    d = client.updates_dispatcher
    assert d is not None and d.enabled and d.machine.state is not None
    return client, got


def test_known_unknown_known_in_one_updates_is_a_gap_recovered(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The unknown update cannot be skipped (TL has no lengths), so the whole push is lost:
    # a gap, recovered with getDifference, which returns the two messages it held.
    async def main() -> None:
        async with LocalDC(port=0) as dc:
            bot = dc.add_bot("raw_bot")
            user = dc.add_user("15550101", "Ann")
            u, got = await listening(dc, user.id)
            async with u:
                d = u.updates_dispatcher
                assert d is not None
                caplog.set_level(logging.INFO, logger="oxigram")
                one = dc.send_message(bot.id, user.id, "one", push=False)
                pts_one = dc.pts(user.id)
                pts_unknown = dc.advance_pts(user.id)
                two = dc.send_message(bot.id, user.id, "two", push=False)
                push = updates_with(
                    [
                        new_message(one, bot.id, "one", pts_one),
                        PLACEHOLDER,
                        new_message(two, bot.id, "two", dc.pts(user.id)),
                    ],
                    unknown_update(pts_unknown),
                )
                assert dc.push_raw(user.id, push) == 1
                await wait_until(lambda: len(got) >= 2)
                await d.idle()
                assert texts(got) == ["one", "two"]
                stats = u.update_stats
                assert (stats.undecodable, stats.resyncs, stats.skipped) == (1, 0, 0)
                assert d.differences == 1
                (warning,) = warnings(caplog)
                assert names_the_constructor(warning) and "updates" in warning

                # An updateShort holds one update and no pts: only it is lost, no difference.
                short = spliced(
                    types.UpdateShort(update=PLACEHOLDER, date=int(time.time())),
                    PLACEHOLDER,
                    unknown_update(0),
                )
                dc.push_raw(user.id, short)
                dc.send_message(bot.id, user.id, "three")
                await wait_until(lambda: len(got) >= 3)
                await d.idle()
                assert texts(got) == ["one", "two", "three"]
                assert (stats.undecodable, d.differences) == (2, 1)
                assert len(warnings(caplog)) == 1  # the same constructor: logged at INFO
                assert d.machine.state is not None
                assert d.machine.state.pts == dc.pts(user.id)

                # A method's Updates result that does not decode: its caller gets the typed
                # error, and the pts it carried are fetched again with getDifference.
                own = updates_with([PLACEHOLDER], unknown_update(dc.pts(user.id) + 1))
                dc.inject_result("messages.sendMessage", own)
                with pytest.raises(UndecodableResultError) as info:
                    await u.send_message("@raw_bot", "hi")
                assert info.value.request == "messages.sendMessage"
                await wait_until(lambda: d.differences == 2)
                await d.idle()
                assert stats.resyncs == 0 and texts(got) == ["one", "two", "three"]

    run(main)


def test_unknown_pts_update_whose_difference_repeats_it_is_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Telegram's getDifference returns the update again: after a bounded number of tries the
    # client resynchronises (getState), counts the update skipped and delivers what follows;
    # the stored state moved past it, so a restart is not stuck on it either.
    async def main() -> None:
        async with LocalDC(port=0) as dc:
            bot = dc.add_bot("raw_bot")
            user = dc.add_user("15550102", "Bob")
            u, got = await listening(dc, user.id)
            session = u.storage
            assert isinstance(session, MemorySession)
            async with u:
                d = u.updates_dispatcher
                assert d is not None
                caplog.set_level(logging.INFO, logger="oxigram")
                pts = dc.advance_pts(user.id)
                again = difference_with(pts, [], [PLACEHOLDER], PLACEHOLDER, unknown_update(pts))
                dc.inject_result("updates.getDifference", again, count=50)
                dc.push_raw(user.id, updates_with([PLACEHOLDER], unknown_update(pts)))
                dc.send_message(bot.id, user.id, "after")  # held behind the gap meanwhile
                await wait_until(lambda: len(got) >= 1, timeout=15)
                await d.idle(timeout=15)
                assert texts(got) == ["after"]
                stats = u.update_stats
                assert (stats.undecodable, stats.resyncs, stats.skipped) == (1, 1, 1)
                assert d.differences == 3 == stats.difference_failures  # bounded
                first, gave_up = warnings(caplog)
                assert names_the_constructor(first)
                assert "1 update(s) skipped" in gave_up and "getState" in gave_up
                # what follows flows with no difference at all
                dc.send_message(bot.id, user.id, "later")
                await wait_until(lambda: len(got) >= 2)
                await d.idle()
                assert texts(got) == ["after", "later"]
                assert d.differences == 3
                stored = session.update_state
                assert stored is not None and stored.pts == dc.pts(user.id)
            # A restart starts from the stored state (past the unknown update).
            dc.clear_faults()
            again_u = Client(
                session, 1, "hash", server=(dc.host, dc.port), rsa_keys=[dc.public_key_pem]
            )
            restarted: list[Any] = []
            again_u.on_update(lambda update: _append(restarted, update))
            async with again_u:
                dc.send_message(bot.id, user.id, "restarted")
                await wait_until(lambda: len(restarted) >= 1)
                assert texts(restarted) == ["restarted"]
                assert again_u.update_stats.skipped == 0

    run(main)


def test_unknown_media_in_a_message_whose_button_is_then_pressed() -> None:
    # A message with media of a newer layer: its push and every answer that holds it fail
    # to decode. The stream goes on past it, fetching the message raises a typed error that
    # names the method, and the user can still press its button.
    async def main() -> None:
        async with LocalDC(port=0) as dc:
            bot_account = dc.add_bot("media_bot")
            user = dc.add_user("15550103", "Cy")
            bot = logged_in(dc, bot_account.id, bot=True)

            @bot.on_callback_query(data=b"go")
            async def go(q: CallbackQuery) -> None:
                await q.answer("pressed")

            async with bot:
                u, got = await listening(dc, user.id)
                async with u:
                    d = u.updates_dispatcher
                    assert d is not None
                    rows = [[SB.callback("Go", b"go")]]
                    msg_id = dc.send_message(bot_account.id, user.id, "menu", rows, push=False)
                    pts = dc.pts(user.id)
                    peer = types.PeerUser(user_id=bot_account.id)
                    message = types.Message(
                        id=msg_id,
                        peer_id=peer,
                        from_id=peer,
                        date=int(time.time()),
                        message="menu",
                        media=MEDIA_PLACEHOLDER,
                    )
                    media = struct.pack("<Iq", UNKNOWN_ID, 42)
                    update = types.UpdateNewMessage(message=message, pts=pts, pts_count=1)
                    push = spliced(
                        types.Updates(updates=[update], users=[], chats=[], date=0, seq=0),
                        MEDIA_PLACEHOLDER,
                        media,
                    )
                    dc.inject_result(
                        "updates.getDifference",
                        difference_with(pts, [message], [], MEDIA_PLACEHOLDER, media),
                        count=50,
                    )
                    fetched = spliced(
                        types.messages.Messages(messages=[message], topics=[], chats=[], users=[]),
                        MEDIA_PLACEHOLDER,
                        media,
                    )
                    dc.inject_result("messages.getMessages", fetched)
                    dc.push_raw(user.id, push)
                    await wait_until(lambda: u.update_stats.resyncs == 1, timeout=15)
                    assert u.update_stats.skipped == 1

                    with pytest.raises(UndecodableResultError) as info:
                        await u.get_message(msg_id)
                    err = info.value
                    assert err.request == "messages.getMessages"
                    assert (err.constructor_id, err.layer) == (UNKNOWN_ID, LAYER)
                    assert err.offset == fetched.index(struct.pack("<I", UNKNOWN_ID))
                    assert f"0x{UNKNOWN_ID:08x}" in str(err) and "messages.getMessages" in str(err)

                    answer = await u.request_callback_answer("@media_bot", msg_id, b"go")
                    assert answer.message == "pressed"
                    dc.send_message(bot_account.id, user.id, "after")
                    await wait_until(lambda: texts(got) == ["after"])

    run(main)


async def _append(box: list[Any], item: Any) -> None:
    box.append(item)
