"""The entity cache is bounded in memory: the least recently used go out, an SQLite session
reads them back from its file on demand and loads none at open. (Memory per million users is
measured by ``scripts/entity_cache_memory.py``, not here.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from oxigram.client.storage import Entity, EntityCache, MemorySession, SQLiteSession


def user(n: int, access_hash: int | None = None) -> Entity:
    ahash = 1000 + n if access_hash is None else access_hash
    return Entity(n, "user", ahash, f"User{n}", f"+1555{n:04d}")


def test_an_sqlite_session_keeps_few_in_memory_and_finds_the_others_in_its_file(
    tmp_path: Path,
) -> None:
    s = SQLiteSession(tmp_path / "bot", max_entities=3)
    for n in range(1, 11):
        s.put_entities([user(n)])
    assert len(s._entities) == 3  # 8, 9, 10
    assert s.entity_count == 10
    assert s.entity(1) == user(1)  # read back from the file, now in memory
    assert s.entity_by_username("user2") == user(2)  # any case, like before
    assert s.entity_by_phone("15550003") == user(3)
    assert len(s._entities) == 3
    assert s.entity(11) is None
    # a min user (no access hash) out of memory keeps the hash the file knows
    s.put_entities([user(5, access_hash=0), user(6, access_hash=0)])
    assert s.entity(5) == user(5) and s.entity(6) == user(6)
    s.put_entities([user(7, access_hash=77)])  # a real change is saved
    s.close()
    s = SQLiteSession(tmp_path / "bot", max_entities=3)
    assert len(s._entities) == 0  # nothing loaded at open
    assert s.entity(7) == user(7, access_hash=77)
    assert [s.entity(n) for n in range(1, 11)] == [
        user(n, access_hash=77 if n == 7 else None) for n in range(1, 11)
    ]
    s.close()


def test_least_recently_used_go_first() -> None:
    s = MemorySession(max_entities=2)
    s.put_entities([user(1), user(2)])
    assert s.entity(1) is not None  # 1 is now the most recent
    s.put_entities([user(3)])
    assert s.entity(2) is None  # a memory session has nowhere else to keep it
    assert s.entity(1) == user(1) and s.entity(3) == user(3)
    unbounded = MemorySession()
    unbounded.put_entities(user(n) for n in range(1, 5001))
    assert unbounded.entity_count == 5000 and unbounded.entity(1) == user(1)


def test_a_cache_holds_at_least_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        EntityCache(0)
