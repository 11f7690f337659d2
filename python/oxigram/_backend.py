"""The one place that picks the implementation: the native module or the pure-Python twin.

Chosen once, at import. ``OXIGRAM_BACKEND=native`` or ``python`` forces one; otherwise native
is used when it loads and the pure twin when it does not, with one ``RuntimeWarning`` saying
why (the pure twin is hundreds of times slower, which nobody should find out by accident).
Every other module imports the implementation from here and never from ``_native`` or
``_pure`` directly; code that compares the two (the benchmarks) asks for each one by name with
:func:`load`.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import warnings
from types import ModuleType
from typing import TYPE_CHECKING, Literal

from .errors import BackendUnavailableError, InvalidInputError

__all__ = ["Implementation", "backend", "impl", "load", "selected"]

_ENV = "OXIGRAM_BACKEND"

Name = Literal["native", "python"]


class Implementation:
    """One backend.

    ``crypto`` is the module with every function and class of ``_native.pyi`` except
    ``TLCodec`` (``oxigram._native`` or ``oxigram._pure``); ``tl`` is the module with
    ``TLCodec`` (``oxigram._native`` or ``oxigram._pure.tl``, imported on first use: the pure
    codec takes ~13 ms to import and not every program decodes TL).
    """

    def __init__(self, name: Name, crypto: ModuleType) -> None:
        self.name: Name = name
        self.crypto = crypto

    @functools.cached_property
    def tl(self) -> ModuleType:
        if self.name == "native":
            return self.crypto
        from ._pure import tl

        return tl

    def __repr__(self) -> str:
        return f"<oxigram backend {self.name!r}>"


@functools.cache
def load(name: Name) -> Implementation:
    """The backend called ``name``, whichever is selected. ``load("native")`` raises
    :class:`~oxigram.errors.BackendUnavailableError` (an ``ImportError``) when the native
    module cannot be imported."""
    if name == "python":
        from . import _pure

        return Implementation("python", _pure)
    if name != "native":
        raise InvalidInputError(f"backend must be 'native' or 'python', not {name!r}")
    try:
        # Not `from . import _native`: when the file is missing, that names a circular import.
        native = importlib.import_module(f"{__package__}._native")
    except ImportError as exc:
        raise BackendUnavailableError(f"oxigram._native cannot be imported: {exc}") from exc
    return Implementation("native", native)


def _warn_fallback(reason: BaseException | None) -> None:
    warnings.warn(
        f"oxigram: the native module cannot be loaded ({reason}); falling back to the "
        f"pure-Python backend, whose crypto is hundreds of times slower. Set {_ENV}=python to "
        f"choose it and silence this warning, or {_ENV}=native to make this an error.",
        RuntimeWarning,
        stacklevel=_importer_level(),
    )


def _importer_level() -> int:
    """The ``stacklevel`` that points the warning at the code that imported oxigram: this
    package's frames count, the import machinery's do not (``warnings`` skips those)."""
    level, frame = 1, sys._getframe(2)  # level 1 is _warn_fallback, frame 2 is _select
    while True:
        name = frame.f_code.co_filename
        if not ("importlib" in name and "_bootstrap" in name):
            level += 1
            if frame.f_globals.get("__name__", "").partition(".")[0] != "oxigram":
                return level
        if frame.f_back is None:
            return 1
        frame = frame.f_back


def _select() -> Implementation:
    wanted = os.environ.get(_ENV, "").strip().lower()
    if wanted not in ("", "native", "python"):
        raise InvalidInputError(f"{_ENV} must be 'native' or 'python', not {wanted!r}")
    if wanted == "python":
        return load("python")
    try:
        return load("native")
    except BackendUnavailableError as exc:
        if wanted == "native":
            raise BackendUnavailableError(
                f"{_ENV}=native but oxigram._native cannot be imported: {exc.__cause__}"
            ) from exc.__cause__
        _warn_fallback(exc.__cause__)
        return load("python")


#: The backend picked at import.
selected = _select()
#: Its name, ``"native"`` or ``"python"`` (also ``oxigram.backend``).
backend: Name = selected.name
if TYPE_CHECKING:
    # For the type checker the crypto module is the stub: the contract both backends keep.
    from . import _native as impl
else:
    #: Its crypto module (``oxigram.crypto`` re-exports every name of it).
    impl = selected.crypto
