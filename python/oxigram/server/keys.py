"""The auth keys of one DC and its server salt.

Keys belong to a DC, not to the state its DCs share: a client has one key per DC, and a
cluster of local DCs shares accounts, messages and updates but not keys or salts. Where
they are written, if anywhere, is the sink's business (the store, for the DC whose keys
it keeps).
"""

from __future__ import annotations

import os
from typing import Protocol

from .model import AuthKeyRecord

__all__ = ["AuthKeys", "KeySink", "random_salt"]


def random_salt() -> int:
    return int.from_bytes(os.urandom(8), "little", signed=True)


class KeySink(Protocol):
    """Where an :class:`AuthKeys` writes its changes (``Store``: its SQLite file)."""

    def save_auth_key(self, record: AuthKeyRecord) -> None: ...

    def save_salt(self, salt: int) -> None: ...


class _Memory:
    def save_auth_key(self, record: AuthKeyRecord) -> None:
        pass

    def save_salt(self, salt: int) -> None:
        pass


class AuthKeys:
    def __init__(self, sink: KeySink | None = None) -> None:
        #: Records by auth_key_id (read per packet: a dict, not a method).
        self.records: dict[bytes, AuthKeyRecord] = {}
        #: The salt of new sessions (one per DC; the handshake's own is also accepted).
        self.salt = random_salt()
        self._sink: KeySink = sink if sink is not None else _Memory()

    def __contains__(self, key_id: object) -> bool:
        return key_id in self.records

    def __len__(self) -> int:
        return len(self.records)

    def add(self, key: bytes, key_id: bytes, first_salt: int | None = None) -> AuthKeyRecord:
        """A new key, logged in as nobody (``first_salt``: the handshake's salt, in memory)."""
        record = AuthKeyRecord(key, key_id, None, 0, first_salt)
        self.records[key_id] = record
        self._sink.save_auth_key(record)
        return record

    def bind(self, record: AuthKeyRecord, user_id: int | None, *, imported: bool = False) -> None:
        """Logs the key in as ``user_id`` (``None``: out); ``imported``: by
        ``auth.importAuthorization``, not by a login."""
        record.user_id = user_id
        record.imported = imported and user_id is not None
        self._sink.save_auth_key(record)

    def set_layer(self, record: AuthKeyRecord, layer: int) -> None:
        if record.layer != layer:
            record.layer = layer
            self._sink.save_auth_key(record)

    def set_salt(self, salt: int) -> None:
        self.salt = salt
        self._sink.save_salt(salt)

    def reset(self) -> None:
        """Forgets every key and picks a new salt (before loading them again)."""
        self.records.clear()
        self.salt = random_salt()
