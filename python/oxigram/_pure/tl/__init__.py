"""Pure-Python twin of the native TL engine: schema parser and codec."""

from __future__ import annotations

from .codec import TLCodec

__all__ = ["TLCodec"]
