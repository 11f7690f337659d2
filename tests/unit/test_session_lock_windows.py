"""The Windows branch of the session lock (``msvcrt.locking``), run here against a stand-in
with Windows' locking semantics (``msvcrt_standin``): the same promises as on POSIX (one
opener at a time, in or across processes; the second opener learns the holder's pid; the
lock goes when the holder closes or dies) and Windows' own rules (unlock what was locked,
before closing; never lock the bytes the second opener must read)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import msvcrt_standin
import pytest

from oxigram.client import storage
from oxigram.client.storage import SQLiteSession
from oxigram.errors import SessionLockedError

pytestmark = pytest.mark.skipif(
    not msvcrt_standin.available(), reason="needs Linux's open file description locks"
)


@pytest.fixture(autouse=True)
def windows_lock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Not sys.modules["msvcrt"]: the standard library takes that module's presence to mean
    # Windows (subprocess does).
    monkeypatch.setattr(storage, "_msvcrt", lambda: msvcrt_standin)
    monkeypatch.setattr(storage, "_PlatformLock", storage._MsvcrtLock)
    msvcrt_standin.held.clear()
    yield
    assert not any(msvcrt_standin.held.values()), "a lock was left held"


def test_second_opener_gets_the_holders_pid(tmp_path: Path) -> None:
    s = SQLiteSession(tmp_path / "one")
    with pytest.raises(SessionLockedError) as info:
        SQLiteSession(tmp_path / "one")
    assert info.value.owner == os.getpid()
    s.set_self(1, False)  # the holder is unaffected
    s.close()
    SQLiteSession(tmp_path / "one").close()  # free again once closed


def test_the_locked_byte_is_past_everything_the_file_holds(tmp_path: Path) -> None:
    # Windows locks are mandatory: were the pid inside the locked range, the second opener
    # could not read it.
    s = SQLiteSession(tmp_path / "two")
    lock_file = Path(s.path + ".lock")
    assert lock_file.read_bytes() == str(os.getpid()).encode()
    assert [(start, n) for ranges in msvcrt_standin.held.values() for start, n in ranges] == [
        (storage._MsvcrtLock.OFFSET, 1)
    ]
    assert lock_file.stat().st_size <= storage._MsvcrtLock.OFFSET
    s.close()
    assert lock_file.read_bytes() == b""  # no stale pid once released


_HOLDER = """
import sys, time
sys.path.insert(0, sys.argv[2])
import msvcrt_standin
from oxigram.client import storage
storage._msvcrt = lambda: msvcrt_standin
storage._PlatformLock = storage._MsvcrtLock
s = storage.SQLiteSession(sys.argv[1])
print("ok", flush=True)
time.sleep(60)
"""


def test_lock_is_held_across_processes_and_dies_with_its_holder(tmp_path: Path) -> None:
    path = tmp_path / "shared.session"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path), str(Path(__file__).parent)],
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
