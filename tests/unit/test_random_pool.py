"""The pooled OS randomness used for padding and query ids."""

from __future__ import annotations

import os

import pytest

from oxigram.mtproto import random_pool
from oxigram.mtproto.random_pool import RandomPool

_urandom = os.urandom


@pytest.fixture
def urandom_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes asked of ``os.urandom`` during the test."""
    calls: list[int] = []

    def urandom(n: int) -> bytes:
        calls.append(n)
        return _urandom(n)

    monkeypatch.setattr(random_pool.os, "urandom", urandom)
    return calls


def test_slices_come_from_one_block_per_call(urandom_calls: list[int]) -> None:
    pool = RandomPool(block=64)
    parts = [pool(12) for _ in range(5)]  # 60 bytes: one block
    assert urandom_calls == [64]
    assert all(len(p) == 12 for p in parts)
    assert len(set(parts)) == 5
    assert len(pool(12)) == 12  # 72 > 64: a new block, the 4 left over are skipped
    assert urandom_calls == [64, 64]


def test_large_requests_bypass_the_pool(urandom_calls: list[int]) -> None:
    pool = RandomPool(block=64)
    assert len(pool(100)) == 100
    assert urandom_calls == [100]


def test_no_byte_is_handed_out_twice() -> None:
    pool = RandomPool(block=32)
    seen = b"".join(pool(8) for _ in range(64))
    # 512 bytes of output in 8-byte slices: all distinct slices (a repeat would be 2^-64)
    chunks = {seen[i : i + 8] for i in range(0, len(seen), 8)}
    assert len(chunks) == 64
    assert -(2**63) <= pool.int64() < 2**63
