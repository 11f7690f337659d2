"""Differential fuzzing of the TL decoders (``tests/tl_fuzz.py``), a few seconds of it: random
bytes, mutated vectors and mutated ``gzip_packed``, whole, as prefixes and under small decode
budgets. ``scripts/fuzz_parity.py`` runs the same for as long as wanted."""

from __future__ import annotations

import itertools
import random

from tl_fuzz import GZIP_ID, Case, both, cases, check, packed, tl_bytes


def test_backends_agree_on_fuzzed_inputs() -> None:
    pure, native = both()
    for seed in range(4):
        for case in itertools.islice(cases(seed), 500):
            check(case, pure, native)


def test_backends_agree_on_the_issue_s_cases() -> None:
    pure, native = both()
    # A deflate back-reference before the start of the output: zlib refuses it.
    far = bytes.fromhex("a1cf72301a1f8b080000000000000353120f8c844900001b4835800c00000000")
    for case in (
        Case(far),
        Case(b"\0" * 8, offset=2**63),
        Case(b"\0" * 8, offset=-(2**63) - 1),
        Case(packed(bytes.fromhex("2217515902f2052a01000000"), random.Random(1)), max_inflated=11),
        Case(GZIP_ID + tl_bytes(b"")),
    ):
        check(case, pure, native)
