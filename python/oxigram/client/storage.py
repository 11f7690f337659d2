"""Session storage: what a client keeps between runs.

The auth key and its DC (id, host, port), the server salt and clock offset, the keys of the
other DCs the client talked to (:class:`DcKey`: key, salt, clock offset, whether the account's
authorization was imported there), the addresses of
every DC as ``help.getConfig`` last named them (:class:`DcAddress`), the update state
(pts, qts, date, seq, and a pts per channel), who we are (user id, bot or not) and the entity
cache (id -> access_hash, username, phone, type). :class:`SQLiteSession` keeps them in one
SQLite file (WAL journal, one transaction per change: a crash at any point leaves the last
committed state); :class:`MemorySession` keeps them in memory with the same interface.

One file serves one client at a time: opening it takes an exclusive lock on ``<file>.lock``
(``flock``, or ``msvcrt.locking`` on Windows; the OS drops it when the process dies, even by
SIGKILL), and a second opener gets :class:`~oxigram.errors.SessionLockedError` instead of two
clients sharing one auth key.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import sqlite3
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import SessionLockedError, SessionStorageError

__all__ = [
    "DcAddress",
    "DcInfo",
    "DcKey",
    "Entity",
    "MemorySession",
    "SQLiteSession",
    "SessionStorage",
    "UpdateState",
]

log = logging.getLogger(__name__)

#: 2 added the ``dc_address`` table, 3 the ``dc_key`` table (an older file gets them when
#: opened: its one key stays the home DC's).
SCHEMA_VERSION = 3


@dataclass(frozen=True)
class DcInfo:
    """The DC the auth key belongs to, and the key itself (``None`` before the handshake)."""

    dc_id: int
    host: str
    port: int
    auth_key: bytes | None = None
    salt: int = 0
    time_offset: float = 0.0


@dataclass(frozen=True)
class DcKey:
    """The auth key of DC ``dc_id``, a DC other than home; ``authorized``: the account's
    authorization was imported there (``auth.importAuthorization``), so a restart reuses
    the key with no new handshake and no new export."""

    dc_id: int
    auth_key: bytes
    salt: int = 0
    time_offset: float = 0.0
    authorized: bool = False


@dataclass(frozen=True)
class DcAddress:
    """Where DC ``dc_id`` listens (an IPv6 address when ``ipv6``)."""

    dc_id: int
    host: str
    port: int
    ipv6: bool = False


@dataclass(frozen=True)
class UpdateState:
    """The common update sequence (``updates.state``)."""

    pts: int = 0
    qts: int = 0
    date: int = 0
    seq: int = 0


@dataclass(frozen=True)
class Entity:
    """A cached peer: ``type`` is ``"user"``, ``"bot"``, ``"chat"`` or ``"channel"``; ``id``
    is the TL id (positive; chats and channels are not marked)."""

    id: int
    type: str
    access_hash: int = 0
    username: str | None = None
    phone: str | None = None


class SessionStorage:
    """The interface both storages implement (and the in-memory behaviour)."""

    def __init__(self) -> None:
        self._dc: DcInfo | None = None
        self._dc_keys: dict[int, DcKey] = {}
        self._addresses: tuple[DcAddress, ...] = ()
        self._addresses_expire = 0
        self._state: UpdateState | None = None
        self._channels: dict[int, int] = {}
        self._entities: dict[int, Entity] = {}
        self._self: tuple[int, bool] | None = None
        self._closed = False

    # ------------------------------------------------------------------ DC and key

    @property
    def dc(self) -> DcInfo | None:
        return self._dc

    def set_dc(self, dc: DcInfo) -> None:
        self._dc = dc
        self._save_dc()

    def set_salt(self, salt: int) -> None:
        if self._dc is not None and self._dc.salt != salt:
            self._dc = replace(self._dc, salt=salt)
            self._save_dc()

    def set_time_offset(self, offset: float) -> None:
        if self._dc is not None and self._dc.time_offset != offset:
            self._dc = replace(self._dc, time_offset=offset)
            self._save_dc()

    def forget_auth_key(self) -> None:
        """Drops the key (the server forgot it, or it is dead); the addresses stay, and so
        do the other DCs' keys, no longer authorized (the login they came from is gone)."""
        if self._dc is not None:
            self._dc = replace(self._dc, auth_key=None, salt=0)
            self._save_dc()
        self._self = None
        self._save_self()
        for key in list(self._dc_keys.values()):
            if key.authorized:
                self.set_dc_key(replace(key, authorized=False))

    # ------------------------------------------------------------------ other DCs' keys

    @property
    def dc_keys(self) -> dict[int, DcKey]:
        """The keys of the DCs other than home, by DC id (a copy)."""
        return dict(self._dc_keys)

    def dc_key(self, dc_id: int) -> DcKey | None:
        return self._dc_keys.get(dc_id)

    def set_dc_key(self, key: DcKey) -> None:
        if self._dc_keys.get(key.dc_id) != key:
            self._dc_keys[key.dc_id] = key
            self._save_dc_key(key.dc_id)

    def forget_dc_key(self, dc_id: int) -> None:
        if self._dc_keys.pop(dc_id, None) is not None:
            self._save_dc_key(dc_id)

    @property
    def dc_addresses(self) -> tuple[DcAddress, ...]:
        """Every DC's address as the server last named them (empty: never asked)."""
        return self._addresses

    @property
    def dc_addresses_expire(self) -> int:
        """Unix time after which :attr:`dc_addresses` should be asked for again."""
        return self._addresses_expire

    def set_dc_addresses(self, addresses: Iterable[DcAddress], expires: int) -> None:
        """Replaces the addresses (``help.getConfig``'s, valid until ``expires``)."""
        new = tuple(addresses)
        if (new, expires) != (self._addresses, self._addresses_expire):
            self._addresses, self._addresses_expire = new, expires
            self._save_addresses()

    # ------------------------------------------------------------------ who we are

    @property
    def self_user(self) -> tuple[int, bool] | None:
        """``(user_id, is_bot)`` once logged in."""
        return self._self

    def set_self(self, user_id: int, is_bot: bool) -> None:
        self._self = (user_id, is_bot)
        self._save_self()

    # ------------------------------------------------------------------ update state

    @property
    def update_state(self) -> UpdateState | None:
        return self._state

    def set_update_state(self, state: UpdateState) -> None:
        if state != self._state:
            self._state = state
            self._save_state()

    def channel_pts(self, channel_id: int) -> int | None:
        return self._channels.get(channel_id)

    def set_channel_pts(self, channel_id: int, pts: int) -> None:
        if self._channels.get(channel_id) != pts:
            self._channels[channel_id] = pts
            self._save_channel(channel_id, pts)

    # ------------------------------------------------------------------ entities

    def put_entities(self, entities: Iterable[Entity]) -> None:
        """Adds or refreshes entities; an entity without an access hash never replaces a
        known hash (``min`` constructors)."""
        changed: list[Entity] = []
        for ent in entities:
            old = self._entities.get(ent.id)
            if old is not None and not ent.access_hash and old.access_hash:
                ent = replace(ent, access_hash=old.access_hash)
            if old != ent:
                self._entities[ent.id] = ent
                changed.append(ent)
        if changed:
            self._save_entities(changed)

    def entity(self, entity_id: int) -> Entity | None:
        return self._entities.get(entity_id)

    def entity_by_username(self, username: str) -> Entity | None:
        name = username.lower()
        for ent in self._entities.values():
            if ent.username is not None and ent.username.lower() == name:
                return ent
        return None

    def entity_by_phone(self, phone: str) -> Entity | None:
        digits = phone.lstrip("+")
        for ent in self._entities.values():
            if ent.phone is not None and ent.phone.lstrip("+") == digits:
                return ent
        return None

    @property
    def entity_count(self) -> int:
        return len(self._entities)

    # ------------------------------------------------------------------ life cycle

    def close(self) -> None:
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    # Persistence hooks (no-ops in memory).
    def _save_dc(self) -> None:
        pass

    def _save_addresses(self) -> None:
        pass

    def _save_dc_key(self, dc_id: int) -> None:
        pass

    def _save_self(self) -> None:
        pass

    def _save_state(self) -> None:
        pass

    def _save_channel(self, channel_id: int, pts: int) -> None:
        pass

    def _save_entities(self, entities: list[Entity]) -> None:
        pass


class MemorySession(SessionStorage):
    """Everything in memory: lost when the process ends."""


_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS dc (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    dc_id INTEGER NOT NULL, host TEXT NOT NULL, port INTEGER NOT NULL,
    auth_key BLOB, salt INTEGER NOT NULL, time_offset REAL NOT NULL);
CREATE TABLE IF NOT EXISTS self (
    id INTEGER PRIMARY KEY CHECK (id = 0), user_id INTEGER NOT NULL, bot INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS update_state (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    pts INTEGER NOT NULL, qts INTEGER NOT NULL, date INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS channel_state (channel_id INTEGER PRIMARY KEY, pts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entity (
    id INTEGER PRIMARY KEY, type TEXT NOT NULL, access_hash INTEGER NOT NULL,
    username TEXT, phone TEXT);
CREATE INDEX IF NOT EXISTS entity_username ON entity (username COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS dc_address (
    dc_id INTEGER NOT NULL, ipv6 INTEGER NOT NULL, host TEXT NOT NULL, port INTEGER NOT NULL,
    PRIMARY KEY (dc_id, ipv6, host, port));
CREATE TABLE IF NOT EXISTS dc_key (
    dc_id INTEGER PRIMARY KEY, auth_key BLOB NOT NULL, salt INTEGER NOT NULL,
    time_offset REAL NOT NULL, authorized INTEGER NOT NULL);
"""


class _FileLock:
    """An exclusive, non-blocking lock on ``path`` held until :meth:`release`; the file holds
    the owner's pid (at offset 0) so a second opener can say who has it. The OS drops the
    lock when the holder dies, even by SIGKILL. Subclasses take and drop the OS's lock."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, session_path: str) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
        try:
            self._take(fd)
        except OSError:
            owner = _read_owner(fd)
            os.close(fd)
            raise SessionLockedError(session_path, owner) from None
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            with contextlib.suppress(OSError):
                self._drop(fd)
            os.close(fd)  # closing drops the lock in any case

    def _take(self, fd: int) -> None:
        raise NotImplementedError

    def _drop(self, fd: int) -> None:
        raise NotImplementedError


def _read_owner(fd: int) -> int | None:
    """The pid the holder wrote, if it can be read."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


class _FlockLock(_FileLock):
    """POSIX: ``flock``, held by this open file (a second open in the same process conflicts
    too, unlike ``fcntl`` record locks)."""

    def _take(self, fd: int) -> None:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _drop(self, fd: int) -> None:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


class _MsvcrtLock(_FileLock):
    """Windows: ``msvcrt.locking`` of one byte far past the pid. Windows locks are mandatory
    (nobody else may read a locked byte), so locking the pid itself would hide it from the
    second opener; a range past the end of the file is allowed and never written."""

    #: Where the locked byte lives (far past any pid).
    OFFSET = 1 << 20

    def _take(self, fd: int) -> None:
        msvcrt = _msvcrt()
        os.lseek(fd, self.OFFSET, os.SEEK_SET)  # locking() starts at the file position
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # one try, OSError when held

    def _drop(self, fd: int) -> None:
        msvcrt = _msvcrt()
        os.lseek(fd, self.OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # Windows asks for unlocking before closing


def _msvcrt() -> Any:
    # Looked up at run time: typeshed declares msvcrt's functions for Windows only (and the
    # tests replace this function to run the Windows branch on Linux).
    return importlib.import_module("msvcrt")


#: The lock SQLiteSession takes on ``<file>.lock``.
_PlatformLock: type[_FileLock] = _MsvcrtLock if sys.platform == "win32" else _FlockLock


class SQLiteSession(SessionStorage):
    """A session kept in an SQLite file (``.session`` is appended when the name has no
    suffix). Every change is its own transaction; WAL keeps readers and a crash safe."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        p = Path(path)
        if not p.suffix:
            p = p.with_suffix(".session")
        self.path = str(p)
        self._lock = _PlatformLock(self.path + ".lock")
        self._lock.acquire(self.path)
        self._mutex = threading.RLock()
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=2000")
            self._db.executescript("BEGIN IMMEDIATE;" + _TABLES + "COMMIT;")
            self._load()
        except sqlite3.DatabaseError as exc:
            self._lock.release()
            raise SessionStorageError(f"{self.path}: {exc}") from exc
        except BaseException:
            self._lock.release()
            raise

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        if self._closed:
            raise SessionStorageError(f"session {self.path!r} is closed")
        with self._mutex:
            if self._db.in_transaction:
                yield self._db
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _load(self) -> None:
        db = self._db
        row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if row is None:
            with self._tx():
                db.execute("INSERT INTO meta VALUES ('version', ?)", (SCHEMA_VERSION,))
        elif row[0] > SCHEMA_VERSION:
            raise SessionStorageError(f"{self.path}: format {row[0]} is newer than this library")
        elif row[0] < SCHEMA_VERSION:
            # Every change so far only added tables, which _TABLES has just created (3:
            # dc_key, empty: the one key of an older file stays the home DC's, in dc).
            with self._tx():
                db.execute("UPDATE meta SET value = ? WHERE key = 'version'", (SCHEMA_VERSION,))
            log.info("session %s: format %d upgraded to %d", self.path, row[0], SCHEMA_VERSION)
        r = db.execute("SELECT dc_id, host, port, auth_key, salt, time_offset FROM dc").fetchone()
        if r is not None:
            self._dc = DcInfo(r[0], r[1], r[2], bytes(r[3]) if r[3] is not None else None, *r[4:])
        self._addresses = tuple(
            DcAddress(dc_id, host, port, bool(ipv6))
            for dc_id, ipv6, host, port in db.execute(
                "SELECT dc_id, ipv6, host, port FROM dc_address ORDER BY rowid"
            )
        )
        for dc_id, key, salt, offset, authorized in db.execute(
            "SELECT dc_id, auth_key, salt, time_offset, authorized FROM dc_key"
        ):
            self._dc_keys[dc_id] = DcKey(dc_id, bytes(key), salt, offset, bool(authorized))
        r = db.execute("SELECT value FROM meta WHERE key = 'dc_address_expires'").fetchone()
        self._addresses_expire = r[0] if r is not None else 0
        r = db.execute("SELECT user_id, bot FROM self").fetchone()
        if r is not None:
            self._self = (r[0], bool(r[1]))
        r = db.execute("SELECT pts, qts, date, seq FROM update_state").fetchone()
        if r is not None:
            self._state = UpdateState(*r)
        self._channels = dict(db.execute("SELECT channel_id, pts FROM channel_state").fetchall())
        for eid, etype, ahash, username, phone in db.execute(
            "SELECT id, type, access_hash, username, phone FROM entity"
        ):
            self._entities[eid] = Entity(eid, etype, ahash, username, phone)
        log.debug("loaded session %s (%d entities)", self.path, len(self._entities))

    def _save_dc(self) -> None:
        with self._tx() as db:
            if self._dc is None:
                db.execute("DELETE FROM dc")
                return
            d = self._dc
            db.execute(
                "INSERT OR REPLACE INTO dc VALUES (0, ?, ?, ?, ?, ?, ?)",
                (d.dc_id, d.host, d.port, d.auth_key, d.salt, d.time_offset),
            )

    def _save_addresses(self) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM dc_address")
            db.executemany(
                "INSERT OR IGNORE INTO dc_address VALUES (?, ?, ?, ?)",
                [(a.dc_id, a.ipv6, a.host, a.port) for a in self._addresses],
            )
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('dc_address_expires', ?)",
                (self._addresses_expire,),
            )

    def _save_dc_key(self, dc_id: int) -> None:
        with self._tx() as db:
            key = self._dc_keys.get(dc_id)
            if key is None:
                db.execute("DELETE FROM dc_key WHERE dc_id = ?", (dc_id,))
                return
            db.execute(
                "INSERT OR REPLACE INTO dc_key VALUES (?, ?, ?, ?, ?)",
                (dc_id, key.auth_key, key.salt, key.time_offset, int(key.authorized)),
            )

    def _save_self(self) -> None:
        with self._tx() as db:
            if self._self is None:
                db.execute("DELETE FROM self")
            else:
                db.execute("INSERT OR REPLACE INTO self VALUES (0, ?, ?)", self._self)

    def _save_state(self) -> None:
        s = self._state
        if s is None:
            return
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO update_state VALUES (0, ?, ?, ?, ?)",
                (s.pts, s.qts, s.date, s.seq),
            )

    def _save_channel(self, channel_id: int, pts: int) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO channel_state VALUES (?, ?)", (channel_id, pts))

    def _save_entities(self, entities: list[Entity]) -> None:
        with self._tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO entity VALUES (?, ?, ?, ?, ?)",
                [(e.id, e.type, e.access_hash, e.username, e.phone) for e in entities],
            )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Groups several changes into one transaction (all or nothing on a crash)."""
        with self._tx():
            yield

    def close(self) -> None:
        if self._closed:
            return
        with self._mutex:
            self._closed = True
            try:
                self._db.close()
            finally:
                self._lock.release()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()
