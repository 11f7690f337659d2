"""oxigram: Telegram MTProto with a Rust core, built around inline-button callback queries."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import errors
from ._backend import backend

try:
    __version__: str = version("oxigram")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__", "backend", "errors"]
