"""Server-side MTProto sessions: the sans-IO ``Session`` plus the connection it answers on,
and :class:`SessionTable`, an engine's sessions with who is logged in on them.

Sessions belong to the engine (one DC), not to a connection: a client may come back on
another TCP connection with the same session_id, and answers and pushes follow it there.

:class:`AnswerCache` keeps the last answers of each session so that a request re-sent with
its msg_id (what a client does after a reconnect for requests that must not run twice) is
answered again with the stored result instead of being dropped as a replay.
"""

from __future__ import annotations

import itertools
import time
import weakref
from collections import OrderedDict, deque
from typing import Any, Protocol

from ..mtproto.session import Session
from .keys import AuthKeys
from .model import AuthKeyRecord
from .tlobjects import types

__all__ = ["AnswerCache", "Outlet", "ServerSession", "SessionTable"]

#: One outgoing container holds at most this many queued bodies / about this many bytes
#: (a larger body goes alone, as before batching).
BATCH_BODIES = 256
BATCH_BYTES = 64 * 1024
#: Answers kept per session for re-sent requests.
ANSWERS_PER_SESSION = 64
#: Bytes of stored answers, DC-wide (oldest forgotten first).
ANSWER_BYTES = 16 * 1024 * 1024
#: Sessions kept per DC; past it the least recently used that is not live is forgotten.
MAX_SESSIONS = 8192
#: A session used within this many seconds counts as live, connected or not (a client
#: between two connections keeps its session).
RECENT = 60.0
#: Sessions examined, oldest use first, to find one to forget (a bound on the work per new
#: session; the protected ones met are moved to the back).
EVICTION_SCAN = 64

SessionKey = tuple[bytes, int]

#: Orders requests DC-wide (``ServerSession.last_request``): cheaper than a clock, no ties.
_request_order = itertools.count(1)


class AnswerCache:
    """Serialized answers (``rpc_result``) by (auth_key_id, session_id) and request msg_id,
    bounded by a count per session and a DC-wide byte budget."""

    def __init__(
        self, per_session: int = ANSWERS_PER_SESSION, max_bytes: int = ANSWER_BYTES
    ) -> None:
        self.per_session = per_session
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[SessionKey, int], bytes] = OrderedDict()
        self._by_session: dict[SessionKey, deque[int]] = {}
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, session: SessionKey, msg_id: int) -> bytes | None:
        return self._items.get((session, msg_id))

    def put(self, session: SessionKey, msg_id: int, answer: bytes) -> None:
        items = self._items
        key = (session, msg_id)
        if key in items or len(answer) > self.max_bytes:
            return
        items[key] = answer
        self.bytes += len(answer)
        ids = self._by_session.get(session)
        if ids is None:
            ids = self._by_session[session] = deque()
        ids.append(msg_id)
        if len(ids) > self.per_session:
            self._drop((session, ids[0]))
        while self.bytes > self.max_bytes:
            self._drop(next(iter(items)))

    def _drop(self, key: tuple[SessionKey, int]) -> None:
        answer = self._items.pop(key, None)
        if answer is not None:
            self.bytes -= len(answer)
        ids = self._by_session.get(key[0])
        if ids is not None:
            # The oldest, once a session is full (every put): popleft, not a search.
            if ids and ids[0] == key[1]:
                ids.popleft()
            else:
                ids.remove(key[1])  # at most per_session long
            if not ids:
                del self._by_session[key[0]]

    def forget(self, session: SessionKey) -> None:
        for msg_id in self._by_session.pop(session, ()):
            answer = self._items.pop((session, msg_id), None)
            if answer is not None:
                self.bytes -= len(answer)

    def clear(self) -> None:
        self._items.clear()
        self._by_session.clear()
        self.bytes = 0


class Outlet(Protocol):
    """The connection a session answers on, as the session sees it (``Connection``)."""

    closed: bool

    def want_flush(self, ss: ServerSession, /) -> None:
        """``ss`` queued bodies: pack and write them with the connection's next flush."""


class ServerSession:
    def __init__(self, record: AuthKeyRecord, session_id: int, salt: int) -> None:
        self.record = record
        self.session = Session(record.key, role="server", session_id=session_id, salt=salt)
        if record.first_salt is not None:
            self.session.accepted_salts.add(record.first_salt)
        self.conn: Outlet | None = None
        #: ``time.monotonic()`` of the last packet received in this session.
        self.last_used = time.monotonic()
        #: msg_ids of requests being executed (a re-sent copy waits for their answer).
        self.running: set[int] = set()
        #: Bodies waiting for the connection's next flush, and that connection.
        self._queue: list[Any] = []
        self._flush_on: Outlet | None = None
        #: Takes pushed updates: set by the first request not wrapped in
        #: ``invokeWithoutUpdates``, never unset (see :meth:`requested`).
        self.subscribed = False
        #: When the session last sent a request (DC-wide order; 0: never).
        self.last_request = 0

    def requested(self, *, without_updates: bool) -> None:
        """The session sent a request; one not wrapped in ``invokeWithoutUpdates`` subscribes
        it to updates ("Invoke a request without subscribing the used connection for
        updates", core.telegram.org/api/invoking#disabling-updates; here the subscription
        belongs to the MTProto session, which pushes follow from connection to connection)."""
        self.last_request = next(_request_order)
        if not without_updates:
            self.subscribed = True

    @property
    def key(self) -> tuple[bytes, int]:
        return self.record.key_id, self.session.session_id

    @property
    def live(self) -> bool:
        return self.conn is not None and not self.conn.closed

    def send(self, *bodies: Any) -> bool:
        """Queues ``bodies`` for the current connection; False when the session has none (the
        client will resend or fetch the difference). What a session is sent during one
        event-loop iteration goes out as one packet (a container): at load a bot session gets
        many pushes and answers per iteration, and each packet costs an encryption, a header
        and acks (see docs/benchmarks.md)."""
        conn = self.conn
        if conn is None or conn.closed:
            return False
        self._queue.extend(bodies)
        if self._flush_on is not conn:
            self._flush_on = conn
            conn.want_flush(self)
        return True

    def flush(self) -> None:
        """Sends what the session queued itself (pongs, notifications) with the next batch."""
        conn = self.conn
        if conn is None or conn.closed:
            return
        if self._flush_on is not conn:
            self._flush_on = conn
            conn.want_flush(self)

    def release(self, conn: Outlet) -> None:
        """``conn`` closed before it could flush us: what is queued stays queued and goes
        out on the connection the client uses next (it asks for a flush when it does)."""
        if self._flush_on is conn:
            self._flush_on = None

    def take_packets(self, conn: Outlet) -> list[bytes]:
        """The encrypted packets of everything queued, for ``conn`` to write now (called by
        the connection this session asked to flush it)."""
        if self._flush_on is not conn:
            return []  # re-attached since: the new connection flushes it
        self._flush_on = None
        queue, self._queue = self._queue, []
        session = self.session
        packets: list[bytes] = []
        start = 0
        while start < len(queue):
            end, size = start, 0
            while end < len(queue) and end - start < BATCH_BODIES:
                body = queue[end]
                n = len(body) if isinstance(body, bytes) else 0
                if end > start and size + n > BATCH_BYTES:
                    break
                size += n
                end += 1
            packets.append(session.pack(*queue[start:end]).packet)
            start = end
        if not packets:  # only acks or service messages, if anything
            packed = session.flush()
            if packed is not None:
                packets.append(packed.packet)
        while session.needs_flush:  # more service messages than the containers held
            packets.append(session.pack().packet)
        return packets

    def set_salt(self, salt: int, *, keep_old: bool) -> None:
        old = self.session.salt
        self.session.salt = salt
        self.session.accepted_salts.clear()
        if keep_old:
            self.session.accepted_salts.add(old)


class SessionTable:
    """An engine's sessions by (auth_key_id, session_id), the answers they were given (for
    re-sent requests) and an index of who is logged in on them, for :meth:`push`.

    Past ``max_sessions`` the least recently used session that is not live is forgotten:
    first one idle for ``RECENT`` s with no open connection, then one with no open
    connection, then one that is not the newest session of its connection. The newest
    session of an open connection is never forgotten (an idle bot's included: it would miss
    every press until it next sent something), so the table exceeds its cap only by the
    connections open, which the connection caps bound.
    """

    def __init__(self, keys: AuthKeys, max_sessions: int = MAX_SESSIONS) -> None:
        self._keys = keys
        self.max_sessions = max_sessions
        #: Least recently used first.
        self._sessions: OrderedDict[SessionKey, ServerSession] = OrderedDict()
        #: The session each open connection last received a packet in.
        self._newest: weakref.WeakKeyDictionary[Outlet, ServerSession] = weakref.WeakKeyDictionary()
        self.evicted = 0
        #: user id -> its sessions, for push(); rebuilt after any change to the sessions or
        #: to which account a key is bound (a scan of every session per press was the DC's
        #: cost growing with K, docs/benchmarks.md).
        self._by_user: dict[int, list[ServerSession]] | None = None
        self.answers = AnswerCache()

    def __len__(self) -> int:
        return len(self._sessions)

    def session_for(self, record: AuthKeyRecord, session_id: int) -> ServerSession:
        """The session of a packet just received (created if new): its most recent use."""
        key = (record.key_id, session_id)
        ss = self._sessions.get(key)
        if ss is not None:
            ss.last_used = time.monotonic()
            self._sessions.move_to_end(key)
            return ss
        ss = ServerSession(record, session_id, self._keys.salt)
        self._sessions[key] = ss
        self._by_user = None
        if len(self._sessions) > self.max_sessions:
            self._evict(len(self._sessions) - self.max_sessions)
        return ss

    def attach(self, ss: ServerSession, conn: Outlet) -> None:
        """``conn`` received a packet in ``ss``: answers and pushes go there now."""
        self._newest[conn] = ss
        if ss.conn is not conn:
            ss.conn = conn
            ss.flush()  # what was queued for its previous connection, if anything

    def _rank(self, ss: ServerSession, now: float) -> int:
        """How readily ``ss`` is forgotten: 3 idle and unconnected, 2 unconnected, 1
        connected but not its connection's newest session, 0 never."""
        conn = ss.conn
        if conn is None or conn.closed:
            return 3 if now - ss.last_used >= RECENT else 2
        return 0 if self._newest.get(conn) is ss else 1

    def _evict(self, count: int) -> None:
        now = time.monotonic()
        sessions = self._sessions
        rounds = len(sessions) // EVICTION_SCAN + 1  # every session examined at most once
        while count > 0 and rounds > 0:
            best: SessionKey | None = None
            best_rank = 0
            for key, ss in itertools.islice(sessions.items(), EVICTION_SCAN):
                rank = self._rank(ss, now)
                if rank > best_rank:
                    best, best_rank = key, rank
                    if rank == 3:
                        break
            if best is None:  # the oldest are all protected: look further next round
                for key in list(itertools.islice(sessions, EVICTION_SCAN)):
                    sessions.move_to_end(key)
                rounds -= 1
                continue
            del sessions[best]
            self.answers.forget(best)
            self.evicted += 1
            count -= 1

    def logins_changed(self) -> None:
        """A key was bound to another account (or none): the push index is stale."""
        self._by_user = None

    def _logged_in(self, user_id: int) -> list[ServerSession]:
        if self._by_user is None:
            index: dict[int, list[ServerSession]] = {}
            for each in self._sessions.values():
                if each.record.user_id is not None:
                    index.setdefault(each.record.user_id, []).append(each)
            self._by_user = index
        return self._by_user.get(user_id, [])

    def subscribers(
        self, user_id: int, *, skip: ServerSession | None = None
    ) -> list[ServerSession]:
        """The live sessions logged in as ``user_id`` and subscribed to updates, but
        ``skip``, in creation order."""
        return [
            ss
            for ss in self._logged_in(user_id)
            if ss is not skip and ss.subscribed and ss.record.user_id == user_id and ss.live
        ]

    def push(
        self, user_id: int, updates: types.Updates | bytes, *, skip: ServerSession | None = None
    ) -> int:
        """Sends ``updates`` to every live session logged in as ``user_id`` and subscribed to
        updates; returns how many."""
        sent = 0
        for ss in self.subscribers(user_id, skip=skip):
            if ss.send(updates):
                sent += 1
        return sent

    def set_salt(self, salt: int, *, keep_old: bool) -> None:
        """Every session's salt becomes ``salt`` (``keep_old``: the old one still accepted)."""
        for ss in self._sessions.values():
            ss.set_salt(salt, keep_old=keep_old)

    def clear(self) -> None:
        """Forgets every session and its answers (clients get ``new_session_created``)."""
        self._sessions.clear()
        self._newest.clear()
        self._by_user = None
        self.answers.clear()
