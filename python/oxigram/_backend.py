"""The one place that picks the implementation: the native module or the pure-Python twin.

Chosen once, at import. ``OXIGRAM_BACKEND=native`` or ``python`` forces one; otherwise native
is used when it loads and the pure twin when it does not, with one ``RuntimeWarning`` saying
why (the pure twin is hundreds of times slower, which nobody should find out by accident).
Every other module imports the functions from here and never from ``_native`` or ``_pure``
directly.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from types import ModuleType

from .errors import BackendUnavailableError, InvalidInputError

__all__ = ["backend", "impl"]

_ENV = "OXIGRAM_BACKEND"


def _warn_fallback(exc: ImportError) -> None:
    warnings.warn(
        f"oxigram: the native module cannot be loaded ({exc}); falling back to the pure-Python "
        f"backend, whose crypto is hundreds of times slower. Set {_ENV}=python to choose it and "
        f"silence this warning, or {_ENV}=native to make this an error.",
        RuntimeWarning,
        stacklevel=_importer_level(),
    )


def _importer_level() -> int:
    """The ``stacklevel`` that points the warning at the code that imported oxigram: this
    package's frames count, the import machinery's do not (``warnings`` skips those)."""
    level, frame = 1, sys._getframe(2)  # level 1 is _warn_fallback, frame 2 is _load
    while True:
        name = frame.f_code.co_filename
        if not ("importlib" in name and "_bootstrap" in name):
            level += 1
            if frame.f_globals.get("__name__", "").partition(".")[0] != "oxigram":
                return level
        if frame.f_back is None:
            return 1
        frame = frame.f_back


def _load() -> tuple[str, ModuleType]:
    wanted = os.environ.get(_ENV, "").strip().lower()
    if wanted not in ("", "native", "python"):
        raise InvalidInputError(f"{_ENV} must be 'native' or 'python', not {wanted!r}")
    if wanted == "python":
        from . import _pure

        return "python", _pure
    try:
        # Not `from . import _native`: when the file is missing, that names a circular import.
        _native = importlib.import_module(f"{__package__}._native")
    except ImportError as exc:
        if wanted == "native":
            raise BackendUnavailableError(
                f"{_ENV}=native but oxigram._native cannot be imported: {exc}"
            ) from exc
        _warn_fallback(exc)
        from . import _pure

        return "python", _pure
    return "native", _native


backend, impl = _load()
