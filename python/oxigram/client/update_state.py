"""The update sequence state machine, sans-IO (core.telegram.org/api/updates).

:class:`UpdateMachine` takes every ``Updates`` object the server sends (pushed, or returned by a
method) and decides, by pts / qts / seq, what to apply now, what is already applied (dropped),
and when a gap means the difference must be fetched. It never does I/O: it hands out the
``updates.getDifference`` / ``updates.getChannelDifference`` requests to make and takes their
answers back. Time is a parameter (the gap wait is the I/O layer's timer).

Rules:
- pts (common box; per channel for channel updates): ``local + pts_count == pts`` applies,
  ``local + pts_count > pts`` was applied already, ``<`` is a gap: the update is held until
  the gap fills or the difference is fetched.
- qts: ``local + 1 == qts`` applies, ``>`` applied, ``<`` gap.
- seq (``updates``/``updatesCombined``): ``seq == 0`` is not checked; ``local + 1 ==
  seq_start`` applies, ``local + 1 > seq_start`` applied already, else a gap.
- ``updatesTooLong`` (and ``updateChannelTooLong``) mean: fetch the difference.
- The difference is authoritative: held updates it covers are dropped, the others retried.
- A push that does not decode (:meth:`UpdateMachine.undecodable`) is lost whole; when it held
  lists or pts (``updates``, the short messages) it is a gap: fetch the difference.
- A difference that keeps failing (:mod:`.difference_retry`) ends in a resync: the state of
  ``updates.getState`` is taken, the held updates are delivered, and the steps jumped over
  are counted as skipped (:class:`~.update_stats.UpdateStats`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .. import tl
from ..errors import TLDecodeError, UnknownConstructorError, describe_undecodable
from ..tl import functions, types
from .difference_retry import DifferenceRetry, RetryPolicy
from .storage import UpdateState
from .tlobjects import (
    PEER_CHANNEL,
    UPDATE_CHANNEL_TOO_LONG,
    UPDATE_EDIT_CHANNEL_MESSAGE,
    UPDATE_NEW_CHANNEL_MESSAGE,
    UPDATE_SHORT,
    UPDATE_SHORT_CHAT_MESSAGE,
    UPDATE_SHORT_MESSAGE,
    UPDATE_SHORT_SENT_MESSAGE,
    UPDATES_TOO_LONG,
    UPDATES_WITH_LISTS,
    Builders,
    isa,
    name_of,
)
from .update_stats import UpdateStats

__all__ = ["Applied", "UpdateMachine"]

log = logging.getLogger(__name__)

# Per-update checks compare names with these (one string comparison, no predicate call).
_CHANNEL_MESSAGE = frozenset((UPDATE_NEW_CHANNEL_MESSAGE, UPDATE_EDIT_CHANNEL_MESSAGE))
_SHORT_MESSAGES = frozenset((UPDATE_SHORT_MESSAGE, UPDATE_SHORT_CHAT_MESSAGE))
#: Pushes whose loss is a gap: they hold other updates (lists) or pts steps of their own.
#: ``updateShort`` holds one update and no sequence number: losing it loses only that update
#: (if the update carried pts, the next one shows the gap).
_GAP_IF_LOST = UPDATES_WITH_LISTS | _SHORT_MESSAGES | {UPDATE_SHORT_SENT_MESSAGE}


@dataclass(frozen=True)
class Applied:
    """One update to hand to the handlers, with the users and chats that came with it."""

    update: Any
    users: tuple[Any, ...] = ()
    chats: tuple[Any, ...] = ()


@dataclass
class _Held:
    update: Any
    users: tuple[Any, ...]
    chats: tuple[Any, ...]


@dataclass
class _Box:
    """Held (gap) updates of one pts box, by their pts."""

    held: list[_Held] = field(default_factory=list)


def channel_of(update: Any) -> int | None:
    """The channel whose pts box an update belongs to, if any."""
    cid = getattr(update, "channel_id", None)
    if cid is not None and "pts" in getattr(update, "_tl_fields", ()):
        return int(cid)
    if name_of(update) in _CHANNEL_MESSAGE:
        peer: Any = getattr(update.message, "peer_id", None)
        if name_of(peer) == PEER_CHANNEL:
            return int(peer.channel_id)
    return None


class UpdateMachine:
    """pts/qts/seq bookkeeping for one account. ``state`` ``None`` means unknown: updates
    are applied unchecked until :meth:`set_state` (the client calls ``updates.getState``).

    ``stats`` (kept by the client across connections) gets the counters; ``clock`` and
    ``retry`` time and bound the retries of a failing difference (:mod:`.difference_retry`).
    """

    def __init__(
        self,
        state: UpdateState | None = None,
        *,
        schema: tl.Schema = tl.schema,
        stats: UpdateStats | None = None,
        clock: Callable[[], float] = time.monotonic,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.state = state
        self.channels: dict[int, int] = {}
        self.schema = schema
        self.make = Builders(schema)
        self.stats = stats if stats is not None else UpdateStats()
        self._common = _Box()
        self._qts = _Box()
        self._seq_held: list[Any] = []
        self._channel_boxes: dict[int, _Box] = {}
        #: A getDifference is due (gap, tooLong, new session) / channels that need one.
        self.need_difference = False
        self.need_channel: set[int] = set()
        self.too_long = False
        #: The difference failed for good: ``updates.getState`` is due instead (with
        #: ``need_difference``, which stays set until one of the two succeeds).
        self.need_resync = False
        self._retry = DifferenceRetry(retry or RetryPolicy(), clock)
        self._warned: set[int] = set()  # constructor ids already logged at WARNING

    @property
    def applied(self) -> int:
        return self.stats.applied

    @property
    def duplicates(self) -> int:
        return self.stats.duplicates

    # ================================================================== state

    def set_state(self, state: UpdateState) -> None:
        self.state = state

    @property
    def has_gap(self) -> bool:
        return bool(self.need_difference or self.need_channel or self.holds_updates)

    @property
    def holds_updates(self) -> bool:
        """Updates wait behind a gap (for the gap timer: they may still fill it)."""
        return bool(
            self._common.held
            or self._qts.held
            or self._seq_held
            or any(b.held for b in self._channel_boxes.values())
        )

    def gap_expired(self) -> None:
        """The I/O layer's gap timer ran out: held updates did not fill the gap."""
        if self._common.held or self._qts.held or self._seq_held:
            self.need_difference = True
        for cid, box in self._channel_boxes.items():
            if box.held:
                self.need_channel.add(cid)

    # ================================================================== incoming

    def feed(self, obj: Any) -> list[Applied]:
        """Processes one ``Updates`` object; returns what to apply, in order."""
        name = name_of(obj)
        out: list[Applied] = []
        if name == UPDATES_TOO_LONG:
            self.need_difference = True
            self.too_long = True
        elif name in _SHORT_MESSAGES:
            self._pts_update(self._short_to_update(obj), (), (), out)
            self._set_date(obj.date)
        elif name == UPDATE_SHORT_SENT_MESSAGE:
            # The answer to our own send: consumes pts, nothing to dispatch.
            self._pts_update(obj, (), (), [], dispatch=False)
        elif name == UPDATE_SHORT:
            self._one(obj.update, (), (), out)
            self._set_date(obj.date)
        elif name in UPDATES_WITH_LISTS:
            self._seq_container(obj, out)
        else:
            log.debug("not an Updates object: %s", name or type(obj).__name__)
        return out

    def undecodable(self, container: str, error: TLDecodeError) -> None:
        """A pushed ``container`` (``updates``, ...) that did not decode with the loaded
        schema (``UndecodableUpdate``): lost whole, and a gap when it held more than one
        update or pts of its own (``_GAP_IF_LOST``). One WARNING per unknown constructor
        names it, its offset, the layer and how to load a newer one; repeats log at INFO."""
        self.stats.undecodable += 1
        gap = container in _GAP_IF_LOST
        if gap:
            self.need_difference = True
        cid = error.constructor_id if isinstance(error, UnknownConstructorError) else -1
        level = logging.INFO if cid in self._warned else logging.WARNING
        self._warned.add(cid)
        log.log(
            level,
            "a pushed %s does not decode: %s; %s",
            container,
            describe_undecodable(error, self.schema.layer),
            "fetching the difference for the updates it held"
            if gap
            else "only that update is lost",
        )

    def _seq_container(self, obj: Any, out: list[Applied]) -> None:
        seq = int(obj.seq)
        seq_start = int(getattr(obj, "seq_start", seq) or seq)
        state = self.state
        if seq and state is not None and state.seq:
            expected = state.seq + 1
            if seq_start > expected:
                log.info("seq gap: have %d, got %d", state.seq, seq_start)
                self._seq_held.append(obj)
                return
            if seq_start < expected:
                self.stats.duplicates += 1
                log.debug("seq %d already applied", seq_start)
                return
        users, chats = tuple(obj.users), tuple(obj.chats)
        for upd in obj.updates:
            self._one(upd, users, chats, out)
        if self.state is not None:
            self.state = replace(
                self.state,
                seq=seq if seq else self.state.seq,
                date=max(self.state.date, int(obj.date)),
            )
        self._retry_seq(out)

    def _retry_seq(self, out: list[Applied]) -> None:
        if not self._seq_held or self.state is None:
            return
        held = sorted(self._seq_held, key=lambda o: int(getattr(o, "seq_start", o.seq) or o.seq))
        self._seq_held = []
        for obj in held:
            self._seq_container(obj, out)

    def _one(
        self, upd: Any, users: tuple[Any, ...], chats: tuple[Any, ...], out: list[Applied]
    ) -> None:
        fields = getattr(upd, "_tl_fields", ())
        if name_of(upd) == UPDATE_CHANNEL_TOO_LONG:
            self.need_channel.add(int(upd.channel_id))
            out.append(Applied(upd, users, chats))
            return
        if "pts" in fields:
            self._pts_update(upd, users, chats, out)
        elif "qts" in fields:
            self._qts_update(upd, users, chats, out)
        else:
            self._apply(upd, users, chats, out)

    def _apply(
        self, upd: Any, users: tuple[Any, ...], chats: tuple[Any, ...], out: list[Applied]
    ) -> None:
        self.stats.applied += 1
        out.append(Applied(upd, users, chats))

    # ------------------------------------------------------------------ pts

    def _pts_update(
        self,
        upd: Any,
        users: tuple[Any, ...],
        chats: tuple[Any, ...],
        out: list[Applied],
        *,
        dispatch: bool = True,
    ) -> None:
        pts = int(upd.pts)
        count = int(getattr(upd, "pts_count", 0) or 0)
        channel = channel_of(upd)
        if channel is None:
            local = self.state.pts if self.state is not None else None
        else:
            local = self.channels.get(channel)
        if local is not None and local + count > pts:
            self.stats.duplicates += 1
            log.debug("pts %d (+%d) already applied (local %d)", pts, count, local)
            return
        if local is not None and local + count < pts:
            log.info("pts gap (%s): local %d, update %d-%d", channel or "common", local, pts, count)
            box = self._box(channel)
            box.held.append(_Held(upd if dispatch else _NoDispatch(upd), users, chats))
            return
        self._set_pts(channel, pts)
        if dispatch:
            self._apply(upd, users, chats, out)
        self._retry_box(channel, out)

    def _box(self, channel: int | None) -> _Box:
        if channel is None:
            return self._common
        return self._channel_boxes.setdefault(channel, _Box())

    def _set_pts(self, channel: int | None, pts: int) -> None:
        if channel is None:
            if self.state is not None:
                self.state = replace(self.state, pts=pts)
        else:
            self.channels[channel] = pts

    def _set_date(self, date: int) -> None:
        if self.state is not None and date > self.state.date:
            self.state = replace(self.state, date=int(date))

    def _retry_box(self, channel: int | None, out: list[Applied]) -> None:
        box = self._box(channel)
        if not box.held:
            return
        held = sorted(box.held, key=lambda h: int(_unwrap(h.update).pts))
        box.held = []
        for h in held:
            upd = h.update
            if isinstance(upd, _NoDispatch):
                self._pts_update(upd.update, (), (), out, dispatch=False)
            else:
                self._pts_update(upd, h.users, h.chats, out)

    # ------------------------------------------------------------------ qts

    def _qts_update(
        self, upd: Any, users: tuple[Any, ...], chats: tuple[Any, ...], out: list[Applied]
    ) -> None:
        qts = int(upd.qts)
        local = self.state.qts if self.state is not None else None
        if local is not None and local:
            if local + 1 > qts:
                self.stats.duplicates += 1
                return
            if local + 1 < qts:
                log.info("qts gap: local %d, update %d", local, qts)
                self._qts.held.append(_Held(upd, users, chats))
                return
        if self.state is not None:
            self.state = replace(self.state, qts=qts)
        self._apply(upd, users, chats, out)
        if self._qts.held:
            held = sorted(self._qts.held, key=lambda h: int(h.update.qts))
            self._qts.held = []
            for h in held:
                self._qts_update(h.update, h.users, h.chats, out)

    # ------------------------------------------------------------------ short updates

    def _short_to_update(self, obj: Any) -> types.UpdateNewMessage:
        """``updateShort(Chat)Message`` as the ``updateNewMessage`` it abbreviates."""
        make = self.make
        peer: types.TypePeer
        from_id: types.TypePeer | None
        if isa(obj, types.UpdateShortMessage):
            peer = make.peer_user(user_id=obj.user_id)
            from_id = None if obj.out else peer
        else:
            peer = make.peer_chat(chat_id=obj.chat_id)
            from_id = make.peer_user(user_id=obj.from_id)
        fields: dict[str, Any] = {
            "id": obj.id,
            "peer_id": peer,
            "date": obj.date,
            "message": obj.message,
        }
        for flag in ("out", "mentioned", "media_unread", "silent"):
            if getattr(obj, flag, False):
                fields[flag] = True
        for opt in ("fwd_from", "via_bot_id", "reply_to", "entities", "ttl_period"):
            value = getattr(obj, opt, None)
            if value is not None:
                fields[opt] = value
        if from_id is not None:
            fields["from_id"] = from_id
        message = make.message(**fields)
        return make.update_new_message(message=message, pts=obj.pts, pts_count=obj.pts_count)

    # ================================================================== difference

    def difference_request(self) -> functions.updates.GetDifference:
        """The ``updates.getDifference`` to send now (not before :meth:`difference_wait`)."""
        self.stats.differences += 1
        st = self.state or UpdateState()
        return self.make.updates_get_difference(pts=st.pts, date=st.date, qts=st.qts)

    def difference_wait(self) -> float:
        """Seconds to wait before the next ``getDifference`` (or resync) after a failure."""
        return self._retry.wait()

    def difference_failed(self, error: BaseException) -> None:
        """The ``getDifference`` (or the resync's ``getState``) just sent failed with
        ``error``, or its answer did not apply. Sets :attr:`need_resync` after the last
        unusable answer the policy allows; anything else waits :meth:`difference_wait`."""
        self.stats.difference_failures += 1
        retry = self._retry
        if retry.failed(error) and not self.need_resync:
            self.need_resync = True
            log.info("getDifference failed %d times: resynchronising", retry.unusable)
        else:
            log.info(
                "%s failed (%r); next try in %.1f s",
                "getState" if self.need_resync else "getDifference",
                error,
                retry.wait(),
            )

    def resync_request(self) -> functions.updates.GetState:
        """The ``updates.getState`` to send when :attr:`need_resync` is set."""
        return self.make.updates_get_state()

    def apply_resync(self, new_state: Any) -> list[Applied]:
        """Takes the ``updates.State`` of a resync: jumps there, delivers the held updates
        (received, never delivered: the jump passes over their steps), counts the steps
        nobody read as skipped and logs them once (WARNING)."""
        if not isa(new_state, types.updates.State):
            raise TypeError(f"not an updates.State: {name_of(new_state)}")
        out: list[Applied] = []
        self._unpack_held_seq(out)
        old = self.state or UpdateState()
        pts, qts = int(new_state.pts), int(new_state.qts)
        read = self._deliver_held_up_to(pts, qts, out)
        # qts 0 is "not tracked" (see _qts_update): no qts step is counted from it
        jumped = max(0, pts - old.pts) + (max(0, qts - old.qts) if old.qts else 0)
        skipped = max(0, jumped - read)
        self.stats.resyncs += 1
        self.stats.skipped += skipped
        log.warning(
            "gave up on updates.getDifference after %d failures (last: %s); resynchronised "
            "with updates.getState: %d update(s) skipped (pts %d -> %d, qts %d -> %d)",
            self._retry.failures,
            self._retry.last_error,
            skipped,
            old.pts,
            pts,
            old.qts,
            qts,
        )
        self.state = UpdateState(pts, qts, int(new_state.date), int(new_state.seq))
        self._end_catch_up()
        # What is held beyond the new state is checked against it as usual.
        self._retry_box(None, out)
        held, self._qts.held = self._qts.held, []
        for h in sorted(held, key=lambda h: int(h.update.qts)):
            self._qts_update(h.update, h.users, h.chats, out)
        return out

    def _deliver_held_up_to(self, pts: int, qts: int, out: list[Applied]) -> int:
        """Delivers the held pts updates up to ``pts`` and qts updates up to ``qts`` in
        order, keeps the later ones held; returns the steps the delivered ones account for."""
        read = 0
        later: list[_Held] = []
        for h in sorted(self._common.held, key=lambda h: int(_unwrap(h.update).pts)):
            upd = _unwrap(h.update)
            if int(upd.pts) > pts:
                later.append(h)
                continue
            read += int(getattr(upd, "pts_count", 0) or 0)
            if not isinstance(h.update, _NoDispatch):
                self._apply(upd, h.users, h.chats, out)
        self._common.held = later
        later = []
        for h in sorted(self._qts.held, key=lambda h: int(h.update.qts)):
            if int(h.update.qts) > qts:
                later.append(h)
                continue
            read += 1
            self._apply(h.update, h.users, h.chats, out)
        self._qts.held = later
        return read

    def _end_catch_up(self) -> None:
        self.need_difference = self.need_resync = self.too_long = False
        self._retry.succeeded()

    def _unpack_held_seq(self, out: list[Applied]) -> None:
        """The updates of containers held for their seq, as if seq no longer mattered (it
        does not after a resync, which takes the server's seq): pts and qts ones are checked,
        the others delivered."""
        held_seq, self._seq_held = self._seq_held, []
        for obj in held_seq:
            users, chats = tuple(obj.users), tuple(obj.chats)
            for upd in obj.updates:
                self._one(upd, users, chats, out)

    def apply_difference(self, diff: Any) -> tuple[list[Applied], bool]:
        """Takes a ``updates.Difference``; returns what to apply and whether another
        request is needed (a slice)."""
        out: list[Applied] = []
        more = False
        st = self.state or UpdateState()
        if isa(diff, types.updates.DifferenceEmpty):
            self.state = replace(st, date=int(diff.date), seq=int(diff.seq))
        elif isa(diff, types.updates.DifferenceTooLong):
            log.warning("difference too long: jumping to pts %d", diff.pts)
            self.state = replace(st, pts=int(diff.pts))
        elif isa(diff, types.updates.Difference):
            self._apply_changes(diff, diff.state, out)
        elif isa(diff, types.updates.DifferenceSlice):
            self._apply_changes(diff, diff.intermediate_state, out)
            more = True
        else:
            raise TypeError(f"not an updates.Difference: {name_of(diff)}")
        self._retry.succeeded()
        if not more:
            self._end_catch_up()
            self._drop_covered(out)
        return out, more

    def _apply_changes(
        self,
        diff: types.updates.Difference | types.updates.DifferenceSlice,
        new_state: types.updates.State,
        out: list[Applied],
    ) -> None:
        """A difference's messages and updates (applied unchecked: it is authoritative),
        then its state."""
        users, chats = tuple(diff.users), tuple(diff.chats)
        for msg in diff.new_messages:
            upd = self.make.update_new_message(message=msg, pts=0, pts_count=0)
            self._apply(upd, users, chats, out)
        other: Any  # pts is read where the fields have it
        for other in diff.other_updates:
            channel = channel_of(other)
            if channel is not None and "pts" in getattr(other, "_tl_fields", ()):
                self.channels[channel] = max(self.channels.get(channel, 0), int(other.pts))
            self._apply(other, users, chats, out)
        self.state = UpdateState(
            int(new_state.pts), int(new_state.qts), int(new_state.date), int(new_state.seq)
        )

    def _drop_covered(self, out: list[Applied]) -> None:
        """After the difference: held updates it covered are dropped, the rest retried."""
        held_common, self._common.held = self._common.held, []
        held_qts, self._qts.held = self._qts.held, []
        held_seq, self._seq_held = self._seq_held, []
        for h in sorted(held_common, key=lambda h: int(_unwrap(h.update).pts)):
            if isinstance(h.update, _NoDispatch):
                self._pts_update(h.update.update, (), (), out, dispatch=False)
            else:
                self._pts_update(h.update, h.users, h.chats, out)
        for h in sorted(held_qts, key=lambda h: int(h.update.qts)):
            self._qts_update(h.update, h.users, h.chats, out)
        for obj in held_seq:
            # Their pts/qts updates are checked one by one; seq no longer matters.
            users, chats = tuple(obj.users), tuple(obj.chats)
            for upd in obj.updates:
                fields = getattr(upd, "_tl_fields", ())
                if "pts" in fields or "qts" in fields:
                    self._one(upd, users, chats, out)
                else:
                    self.stats.duplicates += 1  # covered by the difference's other_updates

    def channel_difference_request(
        self, channel: Any, channel_id: int, limit: int = 100
    ) -> functions.updates.GetChannelDifference:
        """The ``updates.getChannelDifference`` for ``channel`` (an InputChannel)."""
        make = self.make
        return make.updates_get_channel_difference(
            channel=channel,
            filter=make.channel_messages_filter_empty(),
            pts=self.channels.get(channel_id, 1),
            limit=limit,
        )

    def apply_channel_difference(self, channel_id: int, diff: Any) -> tuple[list[Applied], bool]:
        out: list[Applied] = []
        users = tuple(getattr(diff, "users", ()))
        chats = tuple(getattr(diff, "chats", ()))
        new_channel_message = self.make.update_new_channel_message
        if isa(diff, types.updates.ChannelDifferenceEmpty):
            self.channels[channel_id] = int(diff.pts)
        elif isa(diff, types.updates.ChannelDifference):
            for msg in diff.new_messages:
                upd = new_channel_message(message=msg, pts=0, pts_count=0)
                self._apply(upd, users, chats, out)
            for other in diff.other_updates:
                self._apply(other, users, chats, out)
            self.channels[channel_id] = int(diff.pts)
        elif isa(diff, types.updates.ChannelDifferenceTooLong):
            pts = getattr(diff.dialog, "pts", None)
            for msg in diff.messages:
                upd = new_channel_message(message=msg, pts=0, pts_count=0)
                self._apply(upd, users, chats, out)
            if pts is not None:
                self.channels[channel_id] = int(pts)
        else:
            raise TypeError(f"not an updates.ChannelDifference: {name_of(diff)}")
        final = bool(getattr(diff, "final", True))
        if final:
            self.need_channel.discard(channel_id)
            box = self._channel_boxes.pop(channel_id, None)
            if box is not None:
                for h in sorted(box.held, key=lambda h: int(_unwrap(h.update).pts)):
                    self._pts_update(h.update, h.users, h.chats, out)
        return out, not final


@dataclass
class _NoDispatch:
    """A held pts-only update (our own updateShortSentMessage): consumes pts, not dispatched."""

    update: Any


def _unwrap(upd: Any) -> Any:
    return upd.update if isinstance(upd, _NoDispatch) else upd
