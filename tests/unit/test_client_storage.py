"""Session storage: SQLite and memory, crash safety (SIGKILL mid-write) and the file lock."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from oxigram.client.storage import (
    SCHEMA_VERSION,
    DcAddress,
    DcInfo,
    DcKey,
    Entity,
    MemorySession,
    SessionStorage,
    SQLiteSession,
    UpdateState,
)
from oxigram.errors import SessionLockedError, SessionStorageError

ADDRESSES = (
    DcAddress(2, "127.0.0.1", 4430),
    DcAddress(4, "127.0.0.4", 443),
    DcAddress(2, "::1", 4430, ipv6=True),
    DcAddress(1, "127.0.0.2", 80),
)


def _fill(s: SessionStorage) -> None:
    s.set_dc(DcInfo(2, "127.0.0.1", 4430, b"\x01" * 256, salt=5, time_offset=1.5))
    s.set_salt(99)
    s.set_time_offset(-2.0)
    s.set_dc_addresses(ADDRESSES, 1700003600)
    s.set_self(777, True)
    s.set_update_state(UpdateState(pts=10, qts=2, date=1700000000, seq=3))
    s.set_channel_pts(1234, 55)
    s.put_entities(
        [
            Entity(1, "user", 111, "Alice", "15550001"),
            Entity(2, "channel", 222, "news"),
            Entity(3, "chat"),
        ]
    )
    # A min constructor (no hash) never erases a known hash.
    s.put_entities([Entity(1, "user", 0, "alice2")])


def _check(s: SessionStorage) -> None:
    assert s.dc == DcInfo(2, "127.0.0.1", 4430, b"\x01" * 256, salt=99, time_offset=-2.0)
    assert s.dc_addresses == ADDRESSES  # in the order the server listed them
    assert s.dc_addresses_expire == 1700003600
    assert s.self_user == (777, True)
    assert s.update_state == UpdateState(10, 2, 1700000000, 3)
    assert s.channel_pts(1234) == 55
    assert s.channel_pts(1) is None
    assert s.entity(1) == Entity(1, "user", 111, "alice2", None)
    assert s.entity_by_username("NEWS") == Entity(2, "channel", 222, "news")
    assert s.entity_by_username("nobody") is None
    assert s.entity(3) == Entity(3, "chat")
    assert s.entity_count == 3


def test_memory_session() -> None:
    s = MemorySession()
    assert s.dc is None and s.update_state is None and s.self_user is None
    _fill(s)
    _check(s)
    s.forget_auth_key()
    assert s.dc is not None and s.dc.auth_key is None and s.self_user is None


def test_sqlite_round_trip(tmp_path: Path) -> None:
    s = SQLiteSession(tmp_path / "bot")
    assert s.path.endswith("bot.session")
    _fill(s)
    _check(s)
    s.close()
    t = SQLiteSession(tmp_path / "bot.session")
    _check(t)
    assert t.entity_by_phone("+15550001") is None  # the later put cleared the phone
    t.forget_auth_key()
    t.close()
    u = SQLiteSession(tmp_path / "bot")
    assert u.dc is not None and u.dc.auth_key is None and u.dc.port == 4430
    with sqlite3.connect(u.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    u.close()


def test_dc_addresses_are_replaced_whole_and_outlive_the_key(tmp_path: Path) -> None:
    for s in (MemorySession(), SQLiteSession(tmp_path / "addr")):
        assert s.dc_addresses == () and s.dc_addresses_expire == 0  # never asked
        _fill(s)
        s.set_dc_addresses([DcAddress(3, "127.0.0.3", 443)], 1700007200)
        s.forget_auth_key()
        assert s.dc_addresses == (DcAddress(3, "127.0.0.3", 443),)
        assert s.dc_addresses_expire == 1700007200
        s.close()
    t = SQLiteSession(tmp_path / "addr")
    assert t.dc_addresses == (DcAddress(3, "127.0.0.3", 443),)
    assert t.dc_addresses_expire == 1700007200
    t.close()


def test_a_version_1_file_is_upgraded_in_place(tmp_path: Path) -> None:
    # A file as version 1 wrote it: the same tables without dc_address (nor dc_key), version 1.
    s = SQLiteSession(tmp_path / "old")
    _fill(s)
    s.close()
    with sqlite3.connect(tmp_path / "old.session") as db:
        db.execute("DROP TABLE dc_address")
        db.execute("DROP TABLE dc_key")
        db.execute("DELETE FROM meta WHERE key = 'dc_address_expires'")
        db.execute("UPDATE meta SET value = 1 WHERE key = 'version'")
    db.close()
    t = SQLiteSession(tmp_path / "old")
    assert t.dc == DcInfo(2, "127.0.0.1", 4430, b"\x01" * 256, salt=99, time_offset=-2.0)
    assert t.self_user == (777, True) and t.entity_count == 3
    assert t.dc_addresses == () and t.dc_addresses_expire == 0
    t.set_dc_addresses(ADDRESSES, 1700003600)
    t.close()
    with sqlite3.connect(tmp_path / "old.session") as db:
        version = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0]
    db.close()
    assert version == SCHEMA_VERSION == 3
    u = SQLiteSession(tmp_path / "old")
    _check(u)
    u.close()


def test_a_version_2_file_keeps_its_key_as_the_home_dcs(tmp_path: Path) -> None:
    # Version 2 kept one key (the home DC's) and no dc_key table.
    s = SQLiteSession(tmp_path / "v2")
    _fill(s)
    s.close()
    with sqlite3.connect(tmp_path / "v2.session") as db:
        db.execute("DROP TABLE dc_key")
        db.execute("UPDATE meta SET value = 2 WHERE key = 'version'")
    db.close()
    t = SQLiteSession(tmp_path / "v2")
    assert t.dc == DcInfo(2, "127.0.0.1", 4430, b"\x01" * 256, salt=99, time_offset=-2.0)
    assert t.dc_keys == {}
    t.set_dc_key(DcKey(4, b"\x04" * 256, salt=5, time_offset=1.5, authorized=True))
    t.close()
    u = SQLiteSession(tmp_path / "v2")
    assert u.dc_key(4) == DcKey(4, b"\x04" * 256, salt=5, time_offset=1.5, authorized=True)
    with sqlite3.connect(tmp_path / "v2.session") as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0] == 3
    db.close()
    u.close()


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_other_dcs_keys_are_kept_per_dc(tmp_path: Path, kind: str) -> None:
    s: SessionStorage = MemorySession() if kind == "memory" else SQLiteSession(tmp_path / "k")
    _fill(s)
    s.set_dc_key(DcKey(4, b"\x04" * 256, salt=1, authorized=True))
    s.set_dc_key(DcKey(5, b"\x05" * 256, salt=2))
    s.set_dc_key(DcKey(4, b"\x04" * 256, salt=3, authorized=True))  # a new salt
    s.forget_dc_key(5)
    assert s.dc_keys == {4: DcKey(4, b"\x04" * 256, salt=3, authorized=True)}
    s.forget_auth_key()  # the login is gone: no DC key is authorized any more
    assert s.dc_key(4) == DcKey(4, b"\x04" * 256, salt=3, authorized=False)
    if isinstance(s, SQLiteSession):
        s.close()
        t = SQLiteSession(tmp_path / "k")
        assert t.dc_keys == {4: DcKey(4, b"\x04" * 256, salt=3, authorized=False)}
        t.close()


def test_second_opener_gets_a_typed_error(tmp_path: Path) -> None:
    s = SQLiteSession(tmp_path / "one")
    with pytest.raises(SessionLockedError) as info:
        SQLiteSession(tmp_path / "one")
    assert info.value.owner == os.getpid()
    s.set_self(1, False)  # the first holder is unaffected
    s.close()
    SQLiteSession(tmp_path / "one").close()  # free again once closed


def test_lock_is_held_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "shared.session"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from oxigram.client.storage import SQLiteSession; "
            f"s = SQLiteSession({str(path)!r}); print('ok', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(SessionLockedError) as info:
            SQLiteSession(path)
        assert info.value.owner == holder.pid
    finally:
        holder.kill()
        holder.wait(timeout=10)
    SQLiteSession(path).close()  # the OS released the dead process's lock


def test_not_a_session_file(tmp_path: Path) -> None:
    bad = tmp_path / "junk.session"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(SessionStorageError):
        SQLiteSession(bad)
    bad.unlink()
    SQLiteSession(bad).close()  # the failed open released its lock


_WRITER = textwrap.dedent(
    """
    import sys
    from oxigram.client.storage import SQLiteSession, UpdateState, Entity, DcInfo
    s = SQLiteSession(sys.argv[1])
    i = (s.update_state.pts if s.update_state else 0)
    print("ready", flush=True)
    while True:
        i += 1
        with s.transaction():
            s.set_update_state(UpdateState(pts=i, qts=i, date=i, seq=i))
            s.put_entities([Entity(i, "user", i * 7, f"u{i}")])
            s.set_dc(DcInfo(2, "h", i, bytes([i % 256]) * 256, salt=i))
    """
)


def test_sigkill_mid_write_leaves_a_usable_file(tmp_path: Path) -> None:
    path = tmp_path / "crash.session"
    for _round in range(3):
        child = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(0.15)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        s = SQLiteSession(path)  # opens (lock released by the OS), nothing torn
        with sqlite3.connect(s.path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        st = s.update_state
        assert st is not None and st.pts > 0
        assert st == UpdateState(st.pts, st.pts, st.pts, st.pts)  # one transaction, all or none
        assert s.dc is not None and s.dc.port == st.pts and s.dc.salt == st.pts
        assert s.entity(st.pts) == Entity(st.pts, "user", st.pts * 7, f"u{st.pts}")
        assert s.entity(st.pts + 1) is None
        s.close()
