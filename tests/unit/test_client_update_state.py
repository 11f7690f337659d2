"""The update state machine, sans-IO: synthetic updates with gaps, duplicates, difference."""

from __future__ import annotations

from typing import Any

import pytest

from oxigram import tl
from oxigram.client.difference_retry import RetryPolicy
from oxigram.client.storage import UpdateState
from oxigram.client.update_state import UpdateMachine
from oxigram.errors import RequestTimeoutError, UndecodableResultError, UnknownConstructorError
from tl_support import SHARED_TL

S = tl.schema


def msg(mid: int, text: str = "", channel: int | None = None) -> Any:
    peer = S["peerChannel"](channel_id=channel) if channel else S["peerUser"](user_id=7)
    return S["message"](id=mid, peer_id=peer, date=1000 + mid, message=text or f"m{mid}")


def new_message(pts: int, count: int = 1, mid: int | None = None) -> Any:
    return S["updateNewMessage"](message=msg(mid or pts), pts=pts, pts_count=count)


def container(updates: list[Any], seq: int = 0, date: int = 2000) -> Any:
    return S["updates"](updates=updates, users=[], chats=[], date=date, seq=seq)


def ids(applied: list[Any]) -> list[int]:
    return [a.update.message.id for a in applied]


def machine(pts: int = 10, qts: int = 0, seq: int = 0) -> UpdateMachine:
    return UpdateMachine(UpdateState(pts=pts, qts=qts, date=1000, seq=seq))


def test_in_order_applies_and_duplicates_are_dropped() -> None:
    m = machine()
    assert ids(m.feed(container([new_message(11)]))) == [11]
    assert ids(m.feed(container([new_message(12), new_message(13)]))) == [12, 13]
    assert m.feed(container([new_message(12)])) == []  # already applied
    assert m.duplicates == 1
    assert m.state is not None and m.state.pts == 13
    assert not m.has_gap


def test_gap_filled_by_late_update_needs_no_difference() -> None:
    m = machine()
    assert m.feed(container([new_message(12)])) == []  # 11 missing: held
    assert m.has_gap and not m.need_difference
    assert ids(m.feed(container([new_message(11)]))) == [11, 12]
    assert not m.has_gap
    assert m.state is not None and m.state.pts == 12


def test_gap_recovered_by_get_difference() -> None:
    m = machine()
    m.feed(container([new_message(11)]))
    assert m.feed(container([new_message(14)])) == []  # 12, 13 lost
    m.feed(container([new_message(15)]))  # still behind the gap: held too
    m.gap_expired()
    assert m.need_difference
    req = m.difference_request()
    assert req._tl_name == "updates.getDifference"
    assert (req.pts, req.qts, req.date) == (11, 0, 2000)
    diff = S["updates.difference"](
        new_messages=[msg(12), msg(13), msg(14)],
        new_encrypted_messages=[],
        other_updates=[],
        chats=[],
        users=[],
        state=S["updates.state"](pts=14, qts=0, date=3000, seq=0, unread_count=0),
    )
    applied, more = m.apply_difference(diff)
    assert not more
    # 12-14 come from the difference; the held 14 is dropped (covered); 15 applies after.
    assert ids(applied) == [12, 13, 14, 15]
    assert m.state == UpdateState(pts=15, qts=0, date=3000, seq=0)
    assert not m.has_gap and not m.need_difference


def test_difference_slices_continue() -> None:
    m = machine()
    m.feed(S["updatesTooLong"]())
    assert m.need_difference
    part = S["updates.differenceSlice"](
        new_messages=[msg(11)],
        new_encrypted_messages=[],
        other_updates=[],
        chats=[],
        users=[],
        intermediate_state=S["updates.state"](pts=11, qts=0, date=1, seq=0, unread_count=0),
    )
    applied, more = m.apply_difference(part)
    assert more and ids(applied) == [11]
    assert m.difference_request().pts == 11
    applied, more = m.apply_difference(S["updates.differenceEmpty"](date=5, seq=0))
    assert not more and applied == []
    assert not m.need_difference


def test_seq_gap_and_duplicate() -> None:
    m = machine(seq=5)
    assert ids(m.feed(container([new_message(11)], seq=6))) == [11]
    assert m.feed(container([new_message(12)], seq=6)) == []  # seq already applied
    assert m.feed(container([new_message(13)], seq=8)) == []  # seq 7 missing
    assert m.has_gap
    assert ids(m.feed(container([new_message(12)], seq=7))) == [12, 13]
    assert m.state is not None and m.state.seq == 8


def test_seq_zero_is_unchecked() -> None:
    m = machine(seq=5)
    cbq = S["updateBotCallbackQuery"](
        query_id=1, user_id=7, peer=S["peerUser"](user_id=7), msg_id=3, chat_instance=9
    )
    out = m.feed(container([cbq], seq=0))
    assert [a.update for a in out] == [cbq]
    assert m.state is not None and m.state.seq == 5


def test_qts_sequence() -> None:
    m = machine(qts=3)

    def stopped(qts: int) -> Any:
        return S["updateBotStopped"](user_id=1, date=1, stopped=True, qts=qts)

    assert len(m.feed(container([stopped(4)]))) == 1
    assert m.feed(container([stopped(4)])) == []
    assert m.feed(container([stopped(6)])) == []
    assert [a.update.qts for a in m.feed(container([stopped(5)]))] == [5, 6]


def test_update_short_message_becomes_update_new_message() -> None:
    m = machine()
    short = S["updateShortMessage"](id=42, user_id=7, message="hi", pts=11, pts_count=1, date=1500)
    (applied,) = m.feed(short)
    assert applied.update._tl_name == "updateNewMessage"
    assert applied.update.message.message == "hi"
    assert applied.update.message.peer_id == S["peerUser"](user_id=7)
    # our own send's answer consumes pts without dispatch
    sent = S["updateShortSentMessage"](id=43, pts=12, pts_count=1, date=1501)
    assert m.feed(sent) == []
    assert m.state is not None and m.state.pts == 12
    assert ids(m.feed(container([new_message(13)]))) == [13]


def test_channel_pts_are_separate() -> None:
    m = machine()
    m.channels[100] = 50

    def chan(pts: int) -> Any:
        return S["updateNewChannelMessage"](message=msg(pts, channel=100), pts=pts, pts_count=1)

    assert ids(m.feed(container([chan(51)]))) == [51]
    assert m.feed(container([chan(53)])) == []
    m.gap_expired()
    assert m.need_channel == {100} and not m.need_difference
    req = m.channel_difference_request(S["inputChannel"](channel_id=100, access_hash=1), 100)
    assert req.pts == 51
    diff = S["updates.channelDifference"](
        final=True,
        pts=53,
        new_messages=[msg(52, channel=100)],
        other_updates=[],
        chats=[],
        users=[],
    )
    applied, more = m.apply_channel_difference(100, diff)
    assert not more and ids(applied) == [52]  # the held 53 is covered by pts 53
    assert m.channels[100] == 53 and not m.has_gap
    assert m.state is not None and m.state.pts == 10  # common box untouched


def test_unknown_state_applies_everything() -> None:
    m = UpdateMachine(None)
    assert ids(m.feed(container([new_message(99)]))) == [99]
    assert ids(m.feed(container([new_message(5)]))) == [5]


def test_short_chat_message_and_update_short() -> None:
    m = machine()
    short = S["updateShortChatMessage"](
        id=5, from_id=7, chat_id=3, message="yo", pts=11, pts_count=1, date=1600, silent=True
    )
    (applied,) = m.feed(short)
    message = applied.update.message
    assert message.peer_id == S["peerChat"](chat_id=3)
    assert message.from_id == S["peerUser"](user_id=7)
    assert message.silent and message.date == 1600
    wrapped = S["updateShort"](update=new_message(12), date=1700)
    assert ids(m.feed(wrapped)) == [12]
    assert m.state is not None and m.state.date == 1700
    combined = S["updatesCombined"](
        updates=[new_message(13)], users=[], chats=[], date=1800, seq_start=0, seq=0
    )
    assert ids(m.feed(combined)) == [13]
    assert m.feed(S["updates.state"](pts=1, qts=0, date=1, seq=0, unread_count=0)) == []


def test_too_long_differences() -> None:
    m = machine()
    m.feed(S["updatesTooLong"]())
    assert m.too_long
    applied, more = m.apply_difference(S["updates.differenceTooLong"](pts=90))
    assert applied == [] and not more and not m.too_long
    assert m.state is not None and m.state.pts == 90
    with pytest.raises(TypeError, match=r"not an updates\.Difference: updatesTooLong"):
        m.apply_difference(S["updatesTooLong"]())


def test_channel_too_long_and_its_differences() -> None:
    m = machine()
    too_long = S["updateChannelTooLong"](channel_id=100)
    out = m.feed(container([too_long]))
    assert [a.update for a in out] == [too_long] and m.need_channel == {100}
    empty = S["updates.channelDifferenceEmpty"](pts=60, final=True)
    assert m.apply_channel_difference(100, empty) == ([], False)
    assert m.channels[100] == 60 and not m.need_channel
    dialog = S.from_dict(
        {
            "_": "dialog",
            "peer": {"_": "peerChannel", "channel_id": 100},
            "top_message": 70,
            "read_inbox_max_id": 0,
            "read_outbox_max_id": 0,
            "unread_count": 0,
            "unread_mentions_count": 0,
            "unread_reactions_count": 0,
            "unread_poll_votes_count": 0,
            "notify_settings": {"_": "peerNotifySettings"},
            "pts": 70,
        }
    )
    diff = S["updates.channelDifferenceTooLong"](
        dialog=dialog, messages=[msg(70, channel=100)], chats=[], users=[]
    )
    applied, more = m.apply_channel_difference(100, diff)
    assert more and ids(applied) == [70]
    assert applied[0].update._tl_name == "updateNewChannelMessage"
    assert m.channels[100] == 70
    with pytest.raises(TypeError, match=r"not an updates\.ChannelDifference: updatesTooLong"):
        m.apply_channel_difference(100, S["updatesTooLong"]())


def test_the_machine_builds_from_its_own_schema() -> None:
    full = tl.load_schema(SHARED_TL / "main_api.tl")
    m = UpdateMachine(UpdateState(pts=10, qts=0, date=1000, seq=0), schema=full)
    short = full["updateShortMessage"](id=1, user_id=7, message="hi", pts=11, pts_count=1, date=1)
    (applied,) = m.feed(short)
    assert type(applied.update)._tl_schema is full
    assert type(applied.update.message.peer_id)._tl_schema is full
    assert type(m.difference_request())._tl_schema is full
    channel = full["inputChannel"](channel_id=100, access_hash=1)
    req = m.channel_difference_request(channel, 100)
    assert type(req)._tl_schema is full and type(req.filter)._tl_schema is full
    # Objects decoded with another schema are read all the same.
    assert ids(m.feed(container([new_message(12)]))) == [12]


# ------------------------------------------------------------ undecodable pushes, resync

UNKNOWN = UnknownConstructorError("unknown constructor id 0x0badc0de at offset 24", 0xBADC0DE, 24)
UNUSABLE = UndecodableResultError("updates.getDifference", UNKNOWN, S.layer)
NO_ANSWER = RequestTimeoutError("updates.getDifference: no answer within 30 s")


class Clock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def state(pts: int, qts: int = 0, date: int = 3000) -> Any:
    return S["updates.state"](pts=pts, qts=qts, date=date, seq=0, unread_count=0)


def test_an_undecodable_push_is_a_gap_only_where_it_held_more_than_one_update() -> None:
    m = machine()
    m.undecodable("updateShort", UNKNOWN)  # one update, no pts of its own: lost alone
    assert not m.need_difference and m.stats.undecodable == 1
    for container_name in ("updates", "updatesCombined", "updateShortMessage"):
        m = machine()
        m.undecodable(container_name, UNKNOWN)
        assert m.need_difference and m.stats.undecodable == 1


def test_a_difference_that_keeps_failing_backs_off_then_resyncs() -> None:
    clock = Clock()
    policy = RetryPolicy(max_failures=3, first_delay=0.5, max_delay=30.0)
    m = UpdateMachine(UpdateState(pts=10, qts=0, date=1000, seq=0), clock=clock, retry=policy)
    assert ids(m.feed(container([new_message(11)]))) == [11]
    m.undecodable("updates", UNKNOWN)  # held pts 12 (and more, for all we know)
    assert m.feed(container([new_message(13)])) == []  # behind the gap: held
    assert m.need_difference and m.difference_wait() == 0
    # an unusable answer: back-off 0.5 s, doubling per failure
    m.difference_request()
    m.difference_failed(UNUSABLE)
    assert m.difference_wait() == 0.5 and not m.need_resync
    clock.now += 0.5
    m.difference_request()
    m.difference_failed(UNUSABLE)
    assert m.difference_wait() == 1.0
    clock.now += 0.4
    assert m.difference_wait() == pytest.approx(0.6)
    clock.now += 0.6
    # no answer at all: backs off too, but never counts toward giving up
    m.difference_request()
    m.difference_failed(NO_ANSWER)
    assert m.difference_wait() == 2.0 and not m.need_resync
    clock.now += 2.0
    # the third unusable answer: give up, getState at once
    m.difference_request()
    m.difference_failed(UNUSABLE)
    assert m.need_resync and m.need_difference and m.difference_wait() == 0
    assert m.resync_request()._tl_name == "updates.getState"
    # the getState gets no answer: it backs off like any other try, still a resync
    m.difference_failed(NO_ANSWER)
    assert m.need_resync and m.difference_wait() == 8.0
    clock.now += 8.0
    # held 13 is delivered (received, never handed out), 15 applies after the jump to 14
    assert m.feed(container([new_message(15)])) == []
    applied = m.apply_resync(state(14))
    assert ids(applied) == [13, 15]
    assert m.state == UpdateState(pts=15, qts=0, date=3000, seq=0)
    assert not (m.need_difference or m.need_resync or m.has_gap)
    stats = m.stats
    assert (stats.resyncs, stats.skipped) == (1, 2)  # pts 12 and 14: nobody read them
    assert (stats.differences, stats.difference_failures, stats.undecodable) == (4, 5, 1)
    # a new gap starts counting afresh
    m.undecodable("updates", UNKNOWN)
    m.difference_request()
    m.difference_failed(UNUSABLE)
    assert m.difference_wait() == 0.5 and not m.need_resync


def test_a_difference_that_succeeds_resets_the_tries() -> None:
    clock = Clock()
    m = UpdateMachine(UpdateState(pts=10, qts=0, date=1000, seq=0), clock=clock)
    m.undecodable("updates", UNKNOWN)
    for _ in range(2):
        m.difference_failed(UNUSABLE)
        clock.now += m.difference_wait()
    applied, more = m.apply_difference(S["updates.differenceEmpty"](date=5, seq=0))
    assert (applied, more) == ([], False) and m.difference_wait() == 0
    m.undecodable("updates", UNKNOWN)
    for _ in range(2):  # two more: not three in a row
        m.difference_failed(UNUSABLE)
        clock.now += m.difference_wait()
    assert not m.need_resync
    m.difference_failed(TypeError("not an updates.Difference: updatesTooLong"))  # unusable
    assert m.need_resync and m.stats.resyncs == 0


def test_a_resync_counts_qts_and_unpacks_containers_held_for_their_seq() -> None:
    m = UpdateMachine(UpdateState(pts=10, qts=5, date=1000, seq=3))
    m.undecodable("updates", UNKNOWN)
    m.feed(container([new_message(12)], seq=5))  # seq 4 missing: the container is held
    qts = S["updateNewEncryptedMessage"](
        message=S["encryptedMessageService"](random_id=1, chat_id=2, date=3, bytes=b""), qts=8
    )
    m.feed(container([qts]))  # qts 6, 7 missing: held
    for _ in range(3):
        m.difference_failed(UNUSABLE)
    assert m.need_resync
    with pytest.raises(TypeError, match=r"not an updates\.State: updatesTooLong"):
        m.apply_resync(S["updatesTooLong"]())
    applied = m.apply_resync(state(13, qts=9))
    assert [a.update._tl_name for a in applied] == ["updateNewMessage", "updateNewEncryptedMessage"]
    # pts 11 and 13, qts 6, 7 and 9 were jumped over unread
    assert m.stats.skipped == 5
    assert m.state == UpdateState(pts=13, qts=9, date=3000, seq=0)
