"""The bookkeeping behind the local DC's connection limits: which connection makes room at a
cap, the unfinished-bytes total, the descriptor cap, and lines written once per interval."""

from __future__ import annotations

import logging

import pytest

from oxigram.server.limits import Admission, ConnectionLimits, fd_cap
from oxigram.server.ratelog import RateLimitedLog


class Conn:
    def __init__(self, address: str, buffered: int = 0) -> None:
        self.address = address
        self.buffered = buffered
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_at_the_total_cap_the_oldest_without_an_encrypted_message_makes_room() -> None:
    adm = Admission(ConnectionLimits(max_connections=3))
    a, b, c = Conn("1.1.1.1"), Conn("2.2.2.2"), Conn("3.3.3.3")
    for conn in (a, b, c):
        assert adm.make_room(conn.address) == (True, None)
        adm.add(conn)
    adm.proven(a)
    assert adm.make_room("4.4.4.4") == (True, b)  # a sent an encrypted message: b goes
    adm.add(Conn("4.4.4.4"))
    adm.proven(c)
    ok, victim = adm.make_room("5.5.5.5")
    assert ok and victim is not None and victim.address == "4.4.4.4"
    adm.add(d := Conn("5.5.5.5"))
    adm.proven(d)
    assert adm.make_room("6.6.6.6") == (False, None)  # every one proven: refused
    assert len(adm) == 3


def test_the_per_address_cap_makes_room_among_that_address_only() -> None:
    adm = Admission(ConnectionLimits(max_per_address=2))
    other = Conn("9.9.9.9")
    adm.add(other)
    first, second = Conn("1.1.1.1"), Conn("1.1.1.1")
    adm.add(first)
    adm.add(second)
    adm.proven(first)
    assert adm.make_room("1.1.1.1") == (True, second)
    adm.add(third := Conn("1.1.1.1"))
    adm.proven(third)
    assert adm.make_room("1.1.1.1") == (False, None)
    assert adm.make_room("9.9.9.9") == (True, None)


def test_removal_is_idempotent_and_keeps_the_totals() -> None:
    before = Admission.process_open()
    adm = Admission(ConnectionLimits(max_buffered=100))
    a, b = Conn("1.1.1.1", buffered=70), Conn("1.1.1.1", buffered=40)
    adm.add(a)
    adm.add(b)
    adm.buffered = 110
    assert Admission.process_open() == before + 2
    assert adm.over_buffer() is a  # the one holding the most
    adm.remove(a)
    adm.remove(a)
    assert adm.buffered == 40 and adm.over_buffer() is None
    assert Admission.process_open() == before + 1
    adm.remove(b)
    assert Admission.process_open() == before and len(adm) == 0 and adm.buffered == 0


def test_the_descriptor_cap_follows_the_limit() -> None:
    resource = pytest.importorskip("resource")
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY:
        assert fd_cap(100) == max(1, soft - 100)
    adm = Admission(ConnectionLimits(max_connections=10**9))
    assert adm.cap == fd_cap(ConnectionLimits().fd_reserve)


def test_a_kind_is_logged_once_per_interval_with_the_count_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    log = RateLimitedLog(logging.getLogger("oxigram.test"), 10.0, clock=lambda: now[0])
    caplog.set_level(logging.INFO, logger="oxigram.test")
    assert log.log(logging.INFO, "a", "first %d", 1)
    for _ in range(5):
        assert not log.log(logging.INFO, "a", "more")
    assert log.log(logging.INFO, "b", "another kind")
    now[0] = 10.0
    assert log.log(logging.INFO, "a", "later %d", 2)
    assert [r.getMessage() for r in caplog.records] == [
        "first 1",
        "another kind",
        "later 2 (5 more not logged in the 10 s before)",
    ]
    caplog.clear()
    assert not log.log(logging.DEBUG, "c", "below the level: not counted either")
    assert caplog.records == []
