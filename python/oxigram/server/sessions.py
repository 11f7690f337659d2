"""A server-side MTProto session: the sans-IO ``Session`` plus the connection it answers on.

Sessions belong to the DC, not to a connection: a client may come back on another TCP
connection with the same session_id, and answers and pushes follow it there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..mtproto.session import Session
from .model import AuthKeyRecord

if TYPE_CHECKING:
    from .connection import Connection

__all__ = ["ServerSession"]


class ServerSession:
    def __init__(self, record: AuthKeyRecord, session_id: int, salt: int) -> None:
        self.record = record
        self.session = Session(record.key, role="server", session_id=session_id, salt=salt)
        if record.first_salt is not None:
            self.session.accepted_salts.add(record.first_salt)
        self.conn: Connection | None = None

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
