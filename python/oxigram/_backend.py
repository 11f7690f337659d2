"""The one place that picks the implementation: the native module or the pure-Python twin.

Chosen once, at import. ``OXIGRAM_BACKEND=native`` or ``python`` forces one; otherwise native
is used when it loads and the pure twin when it does not. Every other module imports the
functions from here and never from ``_native`` or ``_pure`` directly.
"""

from __future__ import annotations

import os
from types import ModuleType

from .errors import BackendUnavailableError, InvalidInputError

__all__ = ["backend", "impl"]

_ENV = "OXIGRAM_BACKEND"


def _load() -> tuple[str, ModuleType]:
    wanted = os.environ.get(_ENV, "").strip().lower()
    if wanted not in ("", "native", "python"):
        raise InvalidInputError(f"{_ENV} must be 'native' or 'python', not {wanted!r}")
    if wanted == "python":
        from . import _pure

        return "python", _pure
    try:
        from . import _native
    except ImportError as exc:
        if wanted == "native":
            raise BackendUnavailableError(
                f"{_ENV}=native but oxigram._native cannot be imported: {exc}"
            ) from exc
        from . import _pure

        return "python", _pure
    return "native", _native


backend, impl = _load()
