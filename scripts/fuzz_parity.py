#!/usr/bin/env python3
"""Differential fuzzing of the TL decoders, for as long as wanted: the native and the pure
codec must agree (same value, or same exception class, message and attributes) on random
and mutated inputs, gzip_packed included (``tests/tl_fuzz.py`` makes the cases).

    python scripts/fuzz_parity.py --seconds 600 [--seed N]

Stops at the first disagreement and prints it (the input as hex, how it was decoded, both
outcomes); exits 1 then, 0 when the time is up.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from tl_fuzz import DisagreementError, both, cases, check, outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="first seed")
    args = parser.parse_args()
    pure, native = both()
    deadline = time.monotonic() + args.seconds
    seen: collections.Counter[str] = collections.Counter()
    n = 0
    seed = args.seed
    while time.monotonic() < deadline:
        for case in cases(seed):
            n += 1
            try:
                check(case, pure, native)
            except DisagreementError as exc:
                print(f"disagreement after {n} cases (seed {seed}):\n{exc}")
                return 1
            seen[outcome(pure, case)[0]] += 1
            if n % 1000 == 0:
                break
        seed += 1
    print(f"{n} cases from seed {args.seed} to {seed}, no disagreement; outcomes: {dict(seen)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
