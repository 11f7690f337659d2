"""A stand-in for Windows' ``msvcrt.locking`` on Linux, so the Windows branch of the session
lock runs in CI (which has no Windows).

Linux's open-file-description locks (``F_OFD_SETLK``) behave like Windows' byte-range locks
in every way that branch relies on: a lock belongs to one open file (a second open in the
same process conflicts), covers bytes from the file position, and is dropped when the file is
closed or its process dies. Windows is also strict about unlocking (the range must be one
that is locked), and so is this stand-in. What it cannot show is that Windows locks are
mandatory (a locked byte cannot be read by anyone else): the tests check instead that the
locked byte lies past everything the lock file holds.
"""

from __future__ import annotations

import errno
import fcntl
import os
import struct

# The values of Windows' msvcrt module.
LK_UNLCK, LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK = 0, 1, 2, 3, 4

#: Ranges this process holds, by file descriptor: (start, length).
held: dict[int, set[tuple[int, int]]] = {}


def available() -> bool:
    return hasattr(fcntl, "F_OFD_SETLK")


def _flock(kind: int, start: int, length: int) -> bytes:
    # struct flock on Linux: l_type, l_whence, l_start, l_len, l_pid (0 for OFD locks).
    return struct.pack("hhqqi4x", kind, os.SEEK_SET, start, length, 0)


def locking(fd: int, mode: int, nbytes: int) -> None:
    """``msvcrt.locking``: locks or unlocks ``nbytes`` from the file position, once (the
    non-blocking modes only; the blocking ones retry for 10 s on Windows, unused here)."""
    start = os.lseek(fd, 0, os.SEEK_CUR)
    ranges = held.setdefault(fd, set())
    if mode == LK_UNLCK:
        if (start, nbytes) not in ranges:
            raise PermissionError(errno.EACCES, "unlocking a range that is not locked")
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, _flock(fcntl.F_UNLCK, start, nbytes))
        ranges.discard((start, nbytes))
        return
    if mode not in (LK_NBLCK, LK_NBRLCK):
        raise ValueError(f"mode {mode} is not emulated")
    kind = fcntl.F_WRLCK if mode == LK_NBLCK else fcntl.F_RDLCK
    try:
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, _flock(kind, start, nbytes))
    except OSError as exc:  # Windows reports a held lock as EACCES too
        raise PermissionError(errno.EACCES, "Permission denied") from exc
    ranges.add((start, nbytes))
