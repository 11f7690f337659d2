"""oxigram: Telegram MTProto with a Rust core, built around inline-button callback queries.

``oxigram.Client``, ``oxigram.LocalDC`` and ``__version__`` are looked up on first use (module
``__getattr__``), so ``import oxigram`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
from ._backend import backend

if TYPE_CHECKING:
    from .client import Client
    from .server import LocalDC

__version__: str  # read from the installed metadata on first access (importlib.metadata is slow)

__all__ = ["Client", "LocalDC", "__version__", "backend", "errors"]

_LAZY = {"Client": "oxigram.client", "LocalDC": "oxigram.server"}


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("oxigram")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = value = _installed_version()
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'oxigram' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | {"__version__"})
