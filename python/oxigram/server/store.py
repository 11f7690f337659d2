"""The local DC's records: accounts, messages and per-account pts, and the auth keys of
every DC of the cluster (``keys`` for the first DC, ``keys_for(dc_id)`` for each: a DC's
keys and salt are its own, see keys.py).

Memory is the source of truth; with a database path every change is also written to SQLite
(stdlib ``sqlite3``) and :meth:`Store.open` reads it back, so a restart keeps auth keys,
logins, messages and pts.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .keys import AuthKeys
from .model import Account, AuthKeyRecord, StoredFile, StoredMessage
from .srp import PasswordSecret

__all__ = ["LogEntry", "Store"]

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY, access_hash INTEGER NOT NULL, first_name TEXT NOT NULL,
    bot INTEGER NOT NULL, username TEXT, phone TEXT, token TEXT, password TEXT,
    salt1 BLOB, salt2 BLOB, v BLOB, home_dc INTEGER);
CREATE TABLE IF NOT EXISTS dc_auth_keys (
    dc_id INTEGER NOT NULL, key_id BLOB NOT NULL, key BLOB NOT NULL, user_id INTEGER,
    layer INTEGER NOT NULL, imported INTEGER NOT NULL, PRIMARY KEY (dc_id, key_id));
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY, from_id INTEGER NOT NULL, to_id INTEGER NOT NULL,
    text TEXT NOT NULL, date INTEGER NOT NULL, markup BLOB, edit_date INTEGER,
    via_bot_id INTEGER, inline_id INTEGER, inline_hash INTEGER, game TEXT, inline_dc INTEGER);
CREATE TABLE IF NOT EXISTS updates_log (
    user_id INTEGER NOT NULL, pts INTEGER NOT NULL, kind TEXT NOT NULL,
    msg_id INTEGER NOT NULL, PRIMARY KEY (user_id, pts));
"""

#: Columns added since the first format (``ALTER TABLE`` when a file lacks them).
_ADDED_COLUMNS = (("accounts", "home_dc", "INTEGER"), ("messages", "inline_dc", "INTEGER"))


def _upgrade(db: sqlite3.Connection, dc_id: int) -> None:
    """Brings a file of an older format up to this one: the added columns, and the keys of
    the one-DC table ``auth_keys`` moved to ``dc_auth_keys`` as DC ``dc_id``'s."""
    for table, column, kind in _ADDED_COLUMNS:
        names = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in names:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    old = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='auth_keys'")
    if old.fetchone() is not None:
        db.execute(
            "INSERT OR IGNORE INTO dc_auth_keys "
            "SELECT ?, key_id, key, user_id, layer, 0 FROM auth_keys",
            (dc_id,),
        )
        db.execute("DROP TABLE auth_keys")


@dataclass(frozen=True)
class LogEntry:
    """One pts step of an account: a new message, an edit, or a step a test took."""

    pts: int
    kind: str  # "new" | "edit" | "raw" (a step a test took, nothing to return)
    msg_id: int


def _rand63() -> int:
    return int.from_bytes(os.urandom(8), "little") >> 1 or 1


class _DcKeySink:
    """Where DC ``dc_id``'s :class:`AuthKeys` write: the store's file, under its DC id."""

    def __init__(self, store: Store, dc_id: int) -> None:
        self._store = store
        self._dc_id = dc_id

    def save_auth_key(self, record: AuthKeyRecord) -> None:
        self._store.save_auth_key(record, self._dc_id)

    def save_salt(self, salt: int) -> None:
        self._store.save_salt(salt, self._dc_id)


class Store:
    """``dc_id``: the first DC (its keys are :attr:`keys`; a file of the one-DC format holds
    its keys)."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, dc_id: int = 2) -> None:
        self.path = Path(path) if path is not None else None
        self.dc_id = dc_id
        self.accounts: dict[int, Account] = {}
        self.dc_keys: dict[int, AuthKeys] = {}
        self.keys = self.keys_for(dc_id)
        #: Documents by id (memory only: a test makes them for the run).
        self.files: dict[int, StoredFile] = {}
        self.messages: dict[int, StoredMessage] = {}
        self.pts: dict[int, int] = {}
        self.log: dict[int, list[LogEntry]] = {}
        self.next_user_id = 100_000
        self.next_msg_id = 1
        self._db: sqlite3.Connection | None = None

    # -------------------------------------------------------------------- persistence

    def open(self) -> None:
        """Opens (and loads) the database, if any."""
        if self.path is None or self._db is not None:
            return
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.executescript(_SCHEMA)
        _upgrade(self._db, self.dc_id)
        self._load(self._db)

    def reload(self) -> None:
        """With a database, replaces what is in memory by what the file has, as a new store
        would (a restart); without one, does nothing (memory is the only copy)."""
        if self.path is None:
            return
        self.close()
        self.accounts.clear()
        for keys in self.dc_keys.values():
            keys.reset()
        self.messages.clear()
        self.pts.clear()
        self.log.clear()
        self.next_user_id = 100_000
        self.next_msg_id = 1
        self.open()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _write(self, sql: str, args: tuple[object, ...]) -> None:
        if self._db is not None:
            self._db.execute(sql, args)

    def _load(self, db: sqlite3.Connection) -> None:
        for name, value in db.execute("SELECT name, value FROM meta"):
            if name == "salt":
                self.keys.salt = value
            elif name.startswith("salt_"):
                self.keys_for(int(name[5:])).salt = value
        for row in db.execute(
            "SELECT id, access_hash, first_name, bot, username, phone, token, password, "
            "salt1, salt2, v, home_dc FROM accounts"
        ):
            (uid, ah, first, bot, username, phone, token, password, s1, s2, v, home) = row
            secret = PasswordSecret(s1, s2, v) if v is not None else None
            self.accounts[uid] = Account(
                uid, ah, first, bool(bot), username, phone, token, password, secret, home
            )
            self.next_user_id = max(self.next_user_id, uid + 1)
        for dc_id, key_id, key, user_id, layer, imported in db.execute(
            "SELECT dc_id, key_id, key, user_id, layer, imported FROM dc_auth_keys"
        ):
            record = AuthKeyRecord(bytes(key), bytes(key_id), user_id, layer, None, bool(imported))
            self.keys_for(dc_id).records[record.key_id] = record
        for row in db.execute(
            "SELECT id, from_id, to_id, text, date, markup, edit_date, via_bot_id, inline_id, "
            "inline_hash, game, inline_dc FROM messages"
        ):
            msg = StoredMessage(*row)
            self.messages[msg.id] = msg
            self.next_msg_id = max(self.next_msg_id, msg.id + 1)
        for user_id, pts, kind, msg_id in db.execute(
            "SELECT user_id, pts, kind, msg_id FROM updates_log ORDER BY user_id, pts"
        ):
            self.log.setdefault(user_id, []).append(LogEntry(pts, kind, msg_id))
            self.pts[user_id] = max(self.pts.get(user_id, 1), pts)
        log.info(
            "loaded %d accounts, %d auth keys, %d messages from %s",
            len(self.accounts),
            sum(len(keys) for keys in self.dc_keys.values()),
            len(self.messages),
            self.path,
        )

    # ----------------------------------------------------------------------- accounts

    def add_account(self, account: Account) -> Account:
        self.accounts[account.id] = account
        secret = account.secret
        self._write(
            "INSERT OR REPLACE INTO accounts VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                account.id,
                account.access_hash,
                account.first_name,
                int(account.bot),
                account.username,
                account.phone,
                account.token,
                account.password,
                secret.salt1 if secret else None,
                secret.salt2 if secret else None,
                secret.v if secret else None,
                account.home_dc,
            ),
        )
        return account

    def move_account(self, account: Account, dc_id: int) -> None:
        """Makes DC ``dc_id`` the account's home (Telegram moves accounts between DCs)."""
        account.home_dc = dc_id
        self._write("UPDATE accounts SET home_dc = ? WHERE id = ?", (dc_id, account.id))

    def new_account_id(self) -> tuple[int, int]:
        uid = self.next_user_id
        self.next_user_id += 1
        return uid, _rand63()

    def by_username(self, username: str) -> Account | None:
        name = username.lower().lstrip("@")
        for account in self.accounts.values():
            if account.username and account.username.lower() == name:
                return account
        return None

    def by_phone(self, phone: str) -> Account | None:
        digits = "".join(c for c in phone if c.isdigit())
        for account in self.accounts.values():
            if not account.bot and account.phone == digits:
                return account
        return None

    def by_token(self, token: str) -> Account | None:
        for account in self.accounts.values():
            if account.bot and account.token == token:
                return account
        return None

    # ------------------------------------------------------------ auth keys, per DC

    def keys_for(self, dc_id: int) -> AuthKeys:
        """DC ``dc_id``'s auth keys and salt (made empty on first use)."""
        keys = self.dc_keys.get(dc_id)
        if keys is None:
            keys = self.dc_keys[dc_id] = AuthKeys(_DcKeySink(self, dc_id))
        return keys

    def save_auth_key(self, record: AuthKeyRecord, dc_id: int) -> None:
        self._write(
            "INSERT OR REPLACE INTO dc_auth_keys VALUES (?,?,?,?,?,?)",
            (dc_id, record.key_id, record.key, record.user_id, record.layer, int(record.imported)),
        )

    def save_salt(self, salt: int, dc_id: int) -> None:
        name = "salt" if dc_id == self.dc_id else f"salt_{dc_id}"
        self._write("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, salt))

    # ------------------------------------------------------------------------ messages

    def add_message(self, msg: StoredMessage) -> StoredMessage:
        self.messages[msg.id] = msg
        self._save_message(msg)
        return msg

    def new_message_id(self) -> int:
        mid = self.next_msg_id
        self.next_msg_id += 1
        return mid

    def _save_message(self, msg: StoredMessage) -> None:
        self._write(
            "INSERT OR REPLACE INTO messages VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                msg.id,
                msg.from_id,
                msg.to_id,
                msg.text,
                msg.date,
                msg.markup,
                msg.edit_date,
                msg.via_bot_id,
                msg.inline_id,
                msg.inline_hash,
                msg.game,
                msg.inline_dc,
            ),
        )

    def edit_message(self, msg: StoredMessage, text: str | None, markup: bytes | None) -> None:
        if text is not None:
            msg.text = text
        if markup is not None:
            msg.markup = markup
        msg.edit_date = int(time.time())
        self._save_message(msg)

    def inline_message(self, inline_id: int, access_hash: int) -> StoredMessage | None:
        for msg in self.messages.values():
            if msg.inline_id == inline_id and msg.inline_hash == access_hash:
                return msg
        return None

    # ----------------------------------------------------------------------------- pts

    def current_pts(self, user_id: int) -> int:
        return self.pts.get(user_id, 1)

    def bump_pts(self, user_id: int, kind: str, msg_id: int) -> int:
        pts = self.current_pts(user_id) + 1
        self.pts[user_id] = pts
        self.log.setdefault(user_id, []).append(LogEntry(pts, kind, msg_id))
        self._write(
            "INSERT OR REPLACE INTO updates_log VALUES (?,?,?,?)", (user_id, pts, kind, msg_id)
        )
        return pts

    def entries_after(self, user_id: int, pts: int) -> list[LogEntry]:
        return [e for e in self.log.get(user_id, []) if e.pts > pts]
