"""Local DC tests: one RSA key per process (generation takes ~1 s)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from oxigram.mtproto.rsa_keys import RsaPrivateKey
from oxigram.server import default_rsa_key


@pytest.fixture(scope="session")
def rsa_key() -> RsaPrivateKey:
    return default_rsa_key()
