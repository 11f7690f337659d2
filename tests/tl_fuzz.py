"""Differential fuzzing of the TL decoders: the native and the pure codec must give the same
value, or the same exception class, message and attributes, for any input.

Inputs are random bytes and mutations of valid encodings (the shared vectors) and of
``gzip_packed`` around them: bytes flipped, set, cut, inserted or repeated, in the TL and in
the gzip header, deflate data and trailer (with the CRC recomputed, so inflate itself is
compared), decoded whole, as a prefix at an offset, and under small decode budgets. Used by
``tests/parity/test_tl_fuzz_parity.py`` (a few seconds) and ``scripts/fuzz_parity.py`` (as
long as wanted). Seeded: a disagreement is reported with its seed and its input as hex.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tl_support import load_codec_module, shipped, tl_vectors

GZIP_ID = struct.pack("<I", 0x3072CFA1)
VECTOR_ID = struct.pack("<I", 0x1CB5C415)


@dataclass(frozen=True)
class Case:
    """One decode: the input and how it is decoded."""

    data: bytes
    offset: int | None = None  # decode_prefix at this offset; None: loads
    exact: bool = True
    max_inflated: int | None = None
    max_elements: int | None = None

    def describe(self) -> str:
        how = "loads" if self.offset is None else f"loads_prefix(offset={self.offset})"
        budget = ""
        if self.max_inflated is not None or self.max_elements is not None:
            budget = f" max_inflated={self.max_inflated} max_elements={self.max_elements}"
        return f"{how} exact={self.exact}{budget} data={self.data.hex()}"


def outcome(schema: Any, case: Case) -> tuple[str, Any]:
    """What a decode gives: ``("ok", value)`` or the exception's class, message and
    attributes."""
    budget: dict[str, int] = {}
    if case.max_inflated is not None:
        budget["max_inflated"] = case.max_inflated
    if case.max_elements is not None:
        budget["max_elements"] = case.max_elements
    try:
        if case.offset is None:
            value = schema.loads(case.data, exact=case.exact, **budget)
        else:
            value, end = schema.loads_prefix(case.data, case.offset, **budget)
            value = (value, end)
    except Exception as exc:  # the class, message and attributes are compared
        return type(exc).__name__, (
            str(exc),
            getattr(exc, "constructor_id", None),
            getattr(exc, "offset", None),
        )
    return "ok", _plain(value)


def _plain(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def both() -> tuple[Any, Any]:
    """The shipped schema over the pure and over the native codec."""
    load_codec_module("oxigram._native")
    return shipped("oxigram._pure.tl"), shipped("oxigram._native")


class DisagreementError(AssertionError):
    """The backends disagree on a case."""


def check(case: Case, pure: Any, native: Any) -> None:
    a, b = outcome(pure, case), outcome(native, case)
    if a != b:
        raise DisagreementError(f"{case.describe()}\n  pure:   {a!r}\n  native: {b!r}")


# ------------------------------------------------------------------------------ inputs


def tl_bytes(raw: bytes) -> bytes:
    """``raw`` as a TL ``bytes`` (length prefix, padding)."""
    n = len(raw)
    head = bytes([n]) if n < 254 else struct.pack("<I", 254 | n << 8)
    out = head + raw
    return out + b"\0" * (-len(out) % 4)


def gzip_member(payload: bytes, rng: random.Random) -> bytes:
    """``payload`` as a gzip member, with a random level and header fields."""
    flags = rng.choice([0, 0, 0, 2, 4, 8, 16, 8 | 16 | 2])
    header = bytearray(b"\x1f\x8b\x08" + bytes([flags]) + bytes(4) + b"\x00\x03")
    if flags & 4:
        extra = rng.randbytes(rng.randint(0, 6))
        header += struct.pack("<H", len(extra)) + extra
    if flags & 8:
        header += b"name\0"
    if flags & 16:
        header += b"comment\0"
    if flags & 2:
        header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
    deflater = zlib.compressobj(rng.choice([0, 1, 6, 9]), zlib.DEFLATED, -15)
    raw = deflater.compress(payload) + deflater.flush()
    trailer = struct.pack("<II", zlib.crc32(payload), len(payload) & 0xFFFFFFFF)
    return bytes(header) + raw + trailer


def packed(payload: bytes, rng: random.Random) -> bytes:
    return GZIP_ID + tl_bytes(gzip_member(payload, rng))


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few random edits of ``data``."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        if op == 0 and buf:  # flip a bit
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1 and buf:  # set a byte, often to an edge value
            edge = [0, 1, 0x7F, 0x80, 0xFE, 0xFF, rng.randrange(256)]
            buf[rng.randrange(len(buf))] = rng.choice(edge)
        elif op == 2:  # cut
            buf = buf[: rng.randint(0, len(buf))]
        elif op == 3:  # insert random bytes
            i = rng.randint(0, len(buf))
            buf[i:i] = rng.randbytes(rng.choice([1, 4, 8]))
        elif op == 4 and len(buf) >= 4:  # repeat a chunk
            i = rng.randrange(len(buf))
            j = rng.randint(i, min(len(buf), i + 64))
            buf[j:j] = buf[i:j]
        elif op == 5 and len(buf) >= 8:  # a 32-bit word set to an edge value
            i = rng.randrange(len(buf) - 3)
            buf[i : i + 4] = struct.pack("<I", rng.choice([0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 254]))
    return bytes(buf)


def mutate_gzip(payload: bytes, rng: random.Random) -> bytes:
    """A ``gzip_packed`` of ``payload`` with its member mutated: in the header, the deflate
    data (trailer recomputed, so the inflaters are compared) or the trailer."""
    member = bytearray(gzip_member(payload, rng))
    where = rng.randrange(3)
    if where == 0:
        member[:16] = mutate(bytes(member[:16]), rng)
    elif where == 1:
        header_len = 10
        body = mutate(bytes(member[header_len:-8]), rng)
        try:
            inflated = zlib.decompress(body, -15)
        except zlib.error:
            inflated = payload
        trailer = struct.pack("<II", zlib.crc32(inflated), len(inflated) & 0xFFFFFFFF)
        member = bytearray(member[:header_len] + body + trailer)
    else:
        member[-8:] = mutate(bytes(member[-8:]), rng)
    return GZIP_ID + tl_bytes(bytes(member))


def valid_inputs() -> list[bytes]:
    return [bytes.fromhex(v["hex"]) for v in tl_vectors()["vectors"]]


def cases(seed: int) -> Iterator[Case]:
    """Endless cases from ``seed``."""
    rng = random.Random(seed)
    valid = valid_inputs()
    while True:
        kind = rng.randrange(8)
        base = rng.choice(valid)
        if kind == 0:
            data = rng.randbytes(rng.randint(0, 64))
        elif kind in (1, 2):
            data = mutate(base, rng)
        elif kind == 3:
            data = packed(base, rng)
        elif kind == 4:
            data = mutate_gzip(base, rng)
        elif kind == 5:
            data = mutate(packed(base, rng), rng)
        elif kind == 6:  # gzip_packed copies in a vector, as the breadth bomb is built
            one = packed(base, rng)
            data = VECTOR_ID + struct.pack("<i", rng.randint(1, 4)) + one * rng.randint(1, 4)
        else:  # a random deflate stream in a valid gzip member
            noise = rng.randbytes(rng.randint(0, 40))
            trailer = struct.pack("<II", rng.getrandbits(32), rng.randint(0, 64))
            header = b"\x1f\x8b\x08\x00" + bytes(4) + b"\x00\x03"
            data = GZIP_ID + tl_bytes(header + noise + trailer)
        offset = None
        if rng.random() < 0.15:
            offset = rng.choice([0, rng.randint(0, len(data)), len(data) + 1, -1, 2**63])
        exact = rng.random() < 0.8
        max_inflated = max_elements = None
        if rng.random() < 0.2:
            max_inflated = rng.choice([0, 1, 16, rng.randint(0, 4096)])
            max_elements = rng.choice([0, 1, 2, 5, rng.randint(0, 200)])
        yield Case(data, offset, exact, max_inflated, max_elements)
