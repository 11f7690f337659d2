"""Pure-Python twin of ``oxigram._native``: the same names, signatures, bytes and exceptions,
using only the standard library. It is the fallback backend and the reference the native code
is checked against."""

from __future__ import annotations
