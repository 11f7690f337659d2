"""Memory of a client's entity cache per distinct user (the issue's "per million users").

    python scripts/entity_cache_memory.py [USERS] [--batch N]

A bot learns a user from every press (``remember_entities``: id, access hash, username). This
puts ``USERS`` distinct users into an :class:`~oxigram.client.storage.SQLiteSession` through
the same entry point, ``batch`` per call, then opens the file again in a new process (a
restarted bot), and prints the resident memory (RSS) growth of each, per million users, and
the times.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from oxigram.client.storage import Entity, SQLiteSession


def rss_mb() -> float:
    """Resident memory of this process, MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def user(n: int) -> Entity:
    return Entity(1_000_000 + n, "user", (n * 0x9E3779B97F4A7C15) % (1 << 63), f"user{n}", None)


def open_again(path: Path, users: int) -> None:
    """In a fresh process: RSS growth (MB) and time (s) to open the session and use it."""
    gc.collect()
    base = rss_mb()
    start = time.perf_counter()
    session = SQLiteSession(path)
    assert session.entity(1_000_000 + users // 2) is not None
    took = time.perf_counter() - start
    gc.collect()
    print(rss_mb() - base, took)
    session.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("users", type=int, nargs="?", default=1_000_000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--open", metavar="PATH", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.open:
        open_again(Path(args.open), args.users)
        return
    per_million = 1_000_000 / args.users
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bot.session"
        gc.collect()
        base = rss_mb()
        start = time.perf_counter()
        session = SQLiteSession(path)
        for first in range(0, args.users, args.batch):
            session.put_entities(user(n) for n in range(first, min(first + args.batch, args.users)))
        gc.collect()
        grown = rss_mb() - base
        took = time.perf_counter() - start
        assert session.entity(1_000_000) is not None  # the oldest is still known
        assert session.entity_by_username(f"user{args.users - 1}") is not None
        session.close()
        reopen = subprocess.run(
            [sys.executable, __file__, "--open", str(path), str(args.users)],
            check=True,
            capture_output=True,
            text=True,
        )
        reopened, opened = (float(x) for x in reopen.stdout.split())
    print(f"{args.users:,} distinct users, {args.batch} per call, {took:.1f} s")
    print(f"  after learning them: +{grown:.0f} MB RSS ({grown * per_million:.0f} MB per million)")
    print(
        f"  after reopening the session: +{reopened:.0f} MB RSS "
        f"({reopened * per_million:.0f} MB per million), "
        f"open and first lookup {opened * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
