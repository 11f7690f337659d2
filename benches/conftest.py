"""Fixtures of the benchmark suite: the shared vectors folder and the oxigram backends."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def vectors_dir() -> Path:
    override = os.environ.get("OXIGRAM_VECTORS")
    path = Path(override) if override else REPO.parent / "shared" / "vectors"
    if not (path / "srp.json").is_file():
        raise pytest.UsageError(
            f"test vectors not found in {path.resolve()}: the benchmarks read "
            f"<checkout>/../shared/vectors (or $OXIGRAM_VECTORS)"
        )
    return path


@pytest.fixture(scope="session")
def telegram_prime() -> bytes:
    """Telegram's 2048-bit DH/SRP prime, from srp.json."""
    with open(vectors_dir() / "srp.json", encoding="utf-8") as fh:
        p = bytes.fromhex(json.load(fh)["vectors"][0]["p_hex"])
    assert len(p) == 256
    return p


@pytest.fixture(scope="session")
def docs_pq() -> tuple[int, int, int]:
    """The pq of the docs' auth-key sample and its factors."""
    with open(vectors_dir() / "auth_key_sample.json", encoding="utf-8") as fh:
        sample = json.load(fh)
    return sample["pq"], sample["p"], sample["q"]
