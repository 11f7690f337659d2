"""A server-side MTProto session: the sans-IO ``Session`` plus the connection it answers on.

Sessions belong to the DC, not to a connection: a client may come back on another TCP
connection with the same session_id, and answers and pushes follow it there.

:class:`AnswerCache` keeps the last answers of each session so that a request re-sent with
its msg_id (what a client does after a reconnect for requests that must not run twice) is
answered again with the stored result instead of being dropped as a replay.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import TYPE_CHECKING, Any

from ..mtproto.session import Session
from .model import AuthKeyRecord

if TYPE_CHECKING:
    from .connection import Connection

__all__ = ["AnswerCache", "ServerSession"]

#: Answers kept per session for re-sent requests.
ANSWERS_PER_SESSION = 64
#: Bytes of stored answers, DC-wide (oldest forgotten first).
ANSWER_BYTES = 16 * 1024 * 1024

SessionKey = tuple[bytes, int]


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
        if len(answer) > self.max_bytes:
            return
        key = (session, msg_id)
        if key in self._items:
            return
        self._items[key] = answer
        self.bytes += len(answer)
        ids = self._by_session.setdefault(session, deque())
        ids.append(msg_id)
        if len(ids) > self.per_session:
            self._drop((session, ids[0]))
        while self.bytes > self.max_bytes:
            self._drop(next(iter(self._items)))

    def _drop(self, key: tuple[SessionKey, int]) -> None:
        answer = self._items.pop(key, None)
        if answer is not None:
            self.bytes -= len(answer)
        ids = self._by_session.get(key[0])
        if ids is not None:
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


class ServerSession:
    def __init__(self, record: AuthKeyRecord, session_id: int, salt: int) -> None:
        self.record = record
        self.session = Session(record.key, role="server", session_id=session_id, salt=salt)
        if record.first_salt is not None:
            self.session.accepted_salts.add(record.first_salt)
        self.conn: Connection | None = None
        #: msg_ids of requests being executed (a re-sent copy waits for their answer).
        self.running: set[int] = set()

    @property
    def key(self) -> tuple[bytes, int]:
        return self.record.key_id, self.session.session_id

    @property
    def live(self) -> bool:
        return self.conn is not None and not self.conn.closed

    def send(self, *bodies: Any) -> bool:
        """Packs ``bodies`` (with anything queued) and writes them to the current connection;
        False when the session has none (the client will resend or fetch the difference)."""
        conn = self.conn
        if conn is None or conn.closed:
            return False
        conn.send_payload(self.session.pack(*bodies).packet)
        return True

    def flush(self) -> None:
        conn = self.conn
        if conn is None or conn.closed:
            return
        packed = self.session.flush()
        if packed is not None:
            conn.send_payload(packed.packet)

    def set_salt(self, salt: int, *, keep_old: bool) -> None:
        old = self.session.salt
        self.session.salt = salt
        self.session.accepted_salts.clear()
        if keep_old:
            self.session.accepted_salts.add(old)
