"""AesCtr256: native == pure for random streams cut into random chunks (each backend cut its own
way), and the same exception class and message for bad arguments."""

from __future__ import annotations

import array
import itertools
import threading
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oxigram import _pure as pure

native: ModuleType = pytest.importorskip(
    "oxigram._native", reason="oxigram._native is not importable (build it with maturin develop)"
)


def chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


@given(
    data=st.binary(max_size=5000),
    native_cuts=st.lists(st.integers(0, 5000), max_size=10),
    pure_cuts=st.lists(st.integers(0, 5000), max_size=10),
    key=st.binary(min_size=32, max_size=32),
    iv=st.binary(min_size=16, max_size=16),
    kind=st.sampled_from(["bytes", "bytearray", "memoryview"]),
)
def test_same_stream_any_chunking(
    data: bytes, native_cuts: list[int], pure_cuts: list[int], key: bytes, iv: bytes, kind: str
) -> None:
    def wrap(b: bytes) -> bytes | bytearray | memoryview:
        return b if kind == "bytes" else bytearray(b) if kind == "bytearray" else memoryview(b)

    a = native.AesCtr256(wrap(key), wrap(iv))
    b = pure.AesCtr256(key, iv)
    got_native = b"".join(a.update(wrap(c)) for c in chunks(data, native_cuts))
    got_pure = b"".join(b.update(c) for c in chunks(data, pure_cuts))
    assert got_native == got_pure
    # decrypting with the other backend gives the data back
    assert pure.AesCtr256(key, iv).update(got_native) == data


def test_large_chunk_releases_the_gil_and_agrees() -> None:
    key, iv = bytes(range(32)), bytes(range(16))
    data = bytes(range(256)) * 1024  # 256 KiB: above the native GIL-release threshold
    a, b = native.AesCtr256(key, iv), pure.AesCtr256(key, iv)
    assert a.update(data[:3]) == b.update(data[:3])
    assert a.update(data[3:]) == b.update(data[3:])


def outcome(fn: Any, *args: Any) -> tuple[Any, ...]:
    try:
        return ("ok", fn(*args))
    except Exception as exc:
        return ("err", type(exc), str(exc))


JUNK = st.one_of(
    st.binary(max_size=40),
    st.builds(bytearray, st.binary(max_size=40)),
    st.builds(memoryview, st.binary(max_size=40)),
    st.builds(lambda n: memoryview(array.array("I", range(n))), st.integers(0, 10)),
    st.text(max_size=3),
    st.integers(),
    st.none(),
    st.lists(st.integers(0, 255), max_size=3),
)
EXACT_KEY = st.binary(min_size=32, max_size=32)
EXACT_IV = st.binary(min_size=16, max_size=16)


@given(key=st.one_of(EXACT_KEY, JUNK), iv=st.one_of(EXACT_IV, JUNK), data=JUNK)
def test_same_errors(key: Any, iv: Any, data: Any) -> None:
    made = outcome(native.AesCtr256, key, iv), outcome(pure.AesCtr256, key, iv)
    assert made[0][0] == made[1][0]
    if made[0][0] == "err":
        assert made[0] == made[1]
        return
    assert outcome(made[0][1].update, data) == outcome(made[1][1].update, data)


@pytest.mark.parametrize("size", [1000, 70_000])  # below and above the GIL-release threshold
def test_concurrent_updates_each_get_their_own_keystream(size: int) -> None:
    key, iv = bytes(range(32)), bytes(range(16))
    threads, calls = 4, 6
    shared = native.AesCtr256(key, iv)
    results: list[bytes] = []

    def work() -> None:
        for _ in range(calls):
            results.append(shared.update(bytes(size)))

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    stream = pure.AesCtr256(key, iv).update(bytes(size * threads * calls))
    segments = {stream[i : i + size] for i in range(0, len(stream), size)}
    assert len(results) == threads * calls
    assert set(results) == segments  # no keystream reused, none skipped
