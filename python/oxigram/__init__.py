"""oxigram: Telegram MTProto with a Rust core, built around inline-button callback queries.

``oxigram.Client`` and ``oxigram.LocalDC`` are imported on first use (module
``__getattr__``), so ``import oxigram`` stays light.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from . import errors
from ._backend import backend

if TYPE_CHECKING:
    from .client import Client
    from .server import LocalDC

try:
    __version__: str = version("oxigram")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["Client", "LocalDC", "__version__", "backend", "errors"]

_LAZY = {"Client": "oxigram.client", "LocalDC": "oxigram.server"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'oxigram' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
