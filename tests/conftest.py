"""Shared test configuration: the vector files, the backend report and hypothesis profiles.

The vectors live outside the project, in ``<checkout>/../shared/vectors`` (never copied in);
``OXIGRAM_VECTORS`` may point elsewhere. Tests get them in two ways:

* the ``vectors`` fixture: ``vectors("auth_key_sample")`` returns one parsed file;
* ``pytest_generate_tests`` below: a test that asks for a fixture named in ``PARAMETRIZED``
  (``aes_ige_vector``, ``mtproto_vector``, ...) runs once per vector, with the vector's name
  as the test id, so a failure names the vector.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

import oxigram
from terminal import Terminal

REPO = Path(__file__).resolve().parents[1]
DEFAULT_VECTORS = REPO.parent / "shared" / "vectors"

Vector = dict[str, Any]

# ----------------------------------------------------------------------------- hypothesis

# "ci" bounds the work so the whole suite stays fast; "dev" digs deeper when asked for
# (HYPOTHESIS_PROFILE=dev). Tests that are expensive per example set their own max_examples.
settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# ------------------------------------------------------------------------------- vectors


def vectors_dir() -> Path:
    """The folder holding the shared vector files; a clear error when it is missing."""
    override = os.environ.get("OXIGRAM_VECTORS")
    path = Path(override).resolve() if override else DEFAULT_VECTORS.resolve()
    if not (path / "aes_ige.json").is_file():
        raise pytest.UsageError(
            f"test vectors not found in {path}: the suite reads the shared vector files from "
            f"<checkout>/../shared/vectors (or from $OXIGRAM_VECTORS); they are not part of "
            f"the project and must not be copied into it"
        )
    return path


@cache
def load_vectors(name: str) -> dict[str, Any]:
    """One vector file, parsed (``name`` without ``.json``)."""
    with open(vectors_dir() / f"{name}.json", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@pytest.fixture(scope="session")
def vectors() -> Callable[[str], dict[str, Any]]:
    """``vectors("srp")`` -> the parsed ``srp.json``."""
    vectors_dir()
    return load_vectors


def _pq_id(v: Vector) -> str:
    return f"pq_{v['pq']}"


def _select(
    file: str, key: str, keep: Callable[[Vector], bool], ident: Callable[[Vector], str]
) -> tuple[list[Vector], list[str]]:
    items = [v for v in load_vectors(file)[key] if keep(v)]
    if not items:
        raise pytest.UsageError(f"{file}.json has no usable '{key}' entries")
    return items, [ident(v) for v in items]


def _name(v: Vector) -> str:
    return str(v["name"])


def _all(v: Vector) -> bool:
    return True


# fixture name -> (file, list key, filter, id)
PARAMETRIZED: dict[str, tuple[str, str, Callable[[Vector], bool], Callable[[Vector], str]]] = {
    "aes_ige_vector": ("aes_ige", "vectors", lambda v: v["key_bits"] == 256, _name),
    "aes128_vector": ("aes_ige", "vectors", lambda v: v["key_bits"] != 256, _name),
    "mtproto_vector": ("mtproto_msg", "vectors", _all, _name),
    "srp_vector": ("srp", "vectors", _all, _name),
    "srp_vector_with_b": ("srp", "vectors", lambda v: "b_hex" in v, _name),
    "ph2_vector": (
        "srp",
        "ph2_vectors",
        _all,
        lambda v: f"ph2_{v['password_utf8']!r}_{v['salt1_hex'][:8]}_{v['salt2_hex'][:8]}",
    ),
    "pq_vector": ("pq", "vectors", _all, _pq_id),
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for fixture, (file, key, keep, ident) in PARAMETRIZED.items():
        if fixture in metafunc.fixturenames:
            items, ids = _select(file, key, keep, ident)
            metafunc.parametrize(fixture, items, ids=ids)


# ----------------------------------------------------------------------------- key material


@pytest.fixture(scope="session")
def telegram_prime(vectors: Callable[[str], dict[str, Any]]) -> bytes:
    """The 2048-bit safe prime Telegram uses for DH and SRP (from srp.json), 256 bytes."""
    p = bytes.fromhex(vectors("srp")["vectors"][0]["p_hex"])
    assert len(p) == 256
    return p


_SMALL_PRIMES = [n for n in range(3, 2000) if all(n % d for d in range(2, int(n**0.5) + 1))]


def _probable_prime(n: int, rng: random.Random) -> bool:
    if any(n % sp == 0 for sp in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(24):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime_1024(rng: random.Random) -> int:
    while True:
        c = rng.getrandbits(1024) | (3 << 1022) | 1
        if c % 65537 != 1 and _probable_prime(c, rng):
            return c


@dataclass(frozen=True)
class RSAKey:
    n: int
    e: int
    d: int


@pytest.fixture(scope="session")
def rsa_key() -> RSAKey:
    """A deterministic 2048-bit RSA key (for the server-role decryption functions)."""
    rng = random.Random(0x0C1A)
    p = _prime_1024(rng)
    q = _prime_1024(rng)
    e = 65537
    n = p * q
    assert n.bit_length() == 2048
    return RSAKey(n=n, e=e, d=pow(e, -1, (p - 1) * (q - 1)))


@pytest.fixture(scope="session")
def rsa_key_near_top() -> RSAKey:
    """A 2048-bit RSA key with n just below 2**2048: RSA_PAD's "key_aes_encrypted < n" retry
    practically never triggers, so given temp_keys make rsa_pad_encrypt deterministic."""
    rng = random.Random(0x70B)
    e = 65537
    primes: list[int] = []
    c = 2**1024 - 1
    while len(primes) < 2:
        if c % e != 1 and _probable_prime(c, rng):
            primes.append(c)
        c -= 2
    p, q = primes
    return RSAKey(n=p * q, e=e, d=pow(e, -1, (p - 1) * (q - 1)))


# ------------------------------------------------------------------------- pytest plugin


def pytest_configure(config: pytest.Config) -> None:
    """oxigram's pytest plugin comes with the package's ``pytest11`` entry point; a source
    tree used without that install (PYTHONPATH) registers it here, under the same name."""
    from oxigram.testing import plugin

    if not config.pluginmanager.is_registered(plugin):
        config.pluginmanager.register(plugin, "oxigram")


# ----------------------------------------------------------------------------- terminal


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    """A stream that is a terminal, for output drawn only on one (progress bars)."""
    term = Terminal()
    try:
        yield term
    finally:
        term.output()


# -------------------------------------------------------------------------------- report


def pytest_report_header(config: pytest.Config) -> list[str]:
    try:
        where = str(vectors_dir())
    except pytest.UsageError:
        where = "MISSING"
    forced = os.environ.get("OXIGRAM_BACKEND", "")
    return [
        f"oxigram backend: {oxigram.backend} (OXIGRAM_BACKEND={forced!r})",
        f"oxigram vectors: {where}",
    ]
