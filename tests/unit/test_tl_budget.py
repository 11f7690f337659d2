"""The decode budget of ``tl.loads`` on the selected backend: hostile messages are refused
fast and in bounded memory, the keywords work as documented, and a decode under an
address-space limit fails with ``MemoryError`` (or the limit error), never a panic, leaving
the process usable."""

from __future__ import annotations

import gzip
import inspect
import json
import os
import struct
import subprocess
import sys
import textwrap

import pytest

from oxigram import _backend, tl
from oxigram.errors import (
    InvalidInputError,
    InvalidTypeError,
    LimitExceededError,
    TLDecodeError,
)

VECTOR = struct.pack("<I", 0x1CB5C415)
TRUE = struct.pack("<I", 0x997275B5)


def packed(payload: bytes) -> bytes:
    raw = gzip.compress(payload, 9, mtime=0)
    return b"\xa1\xcf\x72\x30" + struct.pack("<I", 254 | len(raw) << 8) + raw + bytes(-len(raw) % 4)


def breadth_bomb(copies: int) -> bytes:
    """The issue's bomb: a vector of ``copies`` copies of one 16 KB gzip_packed that
    unpacks to a 16 MiB vector of boolTrue."""
    n = (16 * 1024 * 1024 - 8) // 4
    one = packed(VECTOR + struct.pack("<i", n) + TRUE * n)
    return VECTOR + struct.pack("<i", copies) + one * copies


def run_isolated(code: str, timeout: float = 120) -> dict[str, object]:
    """Runs ``code`` in a fresh interpreter on this backend; returns the JSON it prints last."""
    env = dict(os.environ, OXIGRAM_BACKEND=_backend.backend)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


MEASURE = """
    import gzip, json, struct, time
    from oxigram import tl
    # the issue's bomb, as breadth_bomb() builds it
    n = (16 * 1024 * 1024 - 8) // 4
    payload = struct.pack("<Ii", 0x1CB5C415, n) + struct.pack("<I", 0x997275B5) * n
    raw = gzip.compress(payload, 9, mtime=0)
    one = b"\\xa1\\xcf\\x72\\x30" + struct.pack("<I", 254 | len(raw) << 8) + raw
    one += bytes(-len(raw) % 4)
    data = struct.pack("<Ii", 0x1CB5C415, {copies}) + one * {copies}
    del payload
    started = time.perf_counter()
    try:
        tl.loads(data)
        error = None
    except Exception as exc:
        error = [type(exc).__name__, str(exc)]
    seconds = time.perf_counter() - started
    # VmHWM, not ru_maxrss: after fork + exec that one still counts the parent's peak
    with open("/proc/self/status") as fh:
        peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
    print(json.dumps({{"error": error, "seconds": seconds, "peak_mb": peak, "wire": len(data)}}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="peak memory from /proc")
@pytest.mark.parametrize("copies", [16, 64])
def test_the_breadth_bomb_is_refused_fast_in_bounded_memory(copies: int) -> None:
    # Before the budget: 7.5 s and 601 MB natively for 16 copies (pure 37.6 s, 570 MB),
    # ~50 s and 2.19 GB for 64.
    got = run_isolated(MEASURE.format(copies=copies))
    assert got["wire"] == len(breadth_bomb(copies))
    assert got["error"] == [
        "LimitExceededError",
        "vector of 4194302 elements at offset 4 exceeds the decode budget of 1000000 elements",
    ]
    assert isinstance(got["seconds"], float) and got["seconds"] < 3.0, got
    assert isinstance(got["peak_mb"], float) and got["peak_mb"] < 250, got


def test_defaults_are_the_documented_ones() -> None:
    assert tl.DECODE_MAX_INFLATED == 16 * 1024 * 1024
    assert tl.DECODE_MAX_ELEMENTS == 1_000_000
    for fn in (tl.loads, tl.loads_prefix, tl.schema._codec.decode, tl.schema._codec.decode_prefix):
        params = inspect.signature(fn).parameters
        assert params["max_inflated"].default == tl.DECODE_MAX_INFLATED
        assert params["max_elements"].default == tl.DECODE_MAX_ELEMENTS


def test_the_budget_keywords() -> None:
    users = VECTOR + struct.pack("<i", 2) + bytes(tl.types.PeerUser(user_id=7)) * 2
    # 2 items + 2 objects of 1 + 1 field; the second body starts at 8 + 12 + 4
    assert len(tl.loads(users, max_elements=6)) == 2
    with pytest.raises(LimitExceededError, match=r"^peerUser at offset 24 exceeds the decode"):
        tl.loads(users, max_elements=5)
    with pytest.raises(LimitExceededError, match=r"^vector of 2 elements at offset 4 exceeds"):
        tl.loads_prefix(users, 0, max_elements=1)
    one = packed(users)
    two = VECTOR + struct.pack("<i", 2) + one * 2
    assert len(tl.loads(two, max_inflated=2 * len(users))) == 2
    with pytest.raises(LimitExceededError) as info:
        tl.loads(two, max_inflated=2 * len(users) - 1)
    assert str(info.value) == (
        f"gzip_packed at offset {8 + len(one)} unpacks past the decode budget of "
        f"{2 * len(users) - 1} bytes"
    )
    assert tl.loads(two, max_inflated=2**70, max_elements=2**70)
    with pytest.raises(InvalidTypeError, match=r"^max_inflated must be int, not str$"):
        tl.loads(users, max_inflated="1")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"^max_elements must be >= 0, not -1$"):
        tl.loads(users, max_elements=-1)


def test_offsets_outside_the_data() -> None:
    data = bytes(tl.types.PeerUser(user_id=7))
    for offset in (2**63, 2**100, -1, len(data) + 1):
        with pytest.raises(TLDecodeError, match=rf"^offset {offset} is outside the data$"):
            tl.loads_prefix(data, offset)
    with pytest.raises(InvalidTypeError, match=r"^offset must be int, not float$"):
        tl.loads_prefix(data, 1.0)  # type: ignore[arg-type]


UNDER_LIMIT = """
    import gc, json, resource, struct
    from oxigram import tl

    def vm_bytes():
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024

    # A message within the budget that needs ~100 MB: 330,000 peerUser objects.
    n = (tl.DECODE_MAX_ELEMENTS - 1) // 3
    data = struct.pack("<Ii", 0x1CB5C415, n) + bytes(tl.types.PeerUser(user_id=123456789)) * n
    small = bytes(tl.types.PeerUser(user_id=5))
    tl.loads(small)
    limit = vm_bytes() + 24 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    outcomes = []
    for _ in range(3):
        try:
            tl.loads(data)
            outcomes.append("decoded")
        except BaseException as exc:  # a PanicException is a BaseException
            outcomes.append(type(exc).__name__)
        gc.collect()
    usable = tl.loads(small).user_id == 5
    print(json.dumps({"outcomes": outcomes, "usable": usable}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc: Linux")
def test_a_decode_out_of_memory_is_a_memory_error_and_the_process_goes_on() -> None:
    got = run_isolated(UNDER_LIMIT, timeout=300)
    assert got["usable"] is True
    outcomes = got["outcomes"]
    assert isinstance(outcomes, list)
    assert set(outcomes) <= {"MemoryError", "LimitExceededError"}, outcomes
