"""Which exceptions a peer's bytes can be blamed for.

Decoding what a peer sent can raise anything: our typed errors, ``MemoryError``, or a
``BaseException`` that is no ``Exception`` (pyo3's ``PanicException``). Each of them ends that
connection only, and the program goes on (the DC serving its other clients, the client
reconnecting). Only the exceptions that stop a task or the program are passed on.
"""

from __future__ import annotations

import asyncio

__all__ = ["NOT_THE_PEERS", "blame_peer"]

#: Raised to stop a task or the program, never because of what a peer sent.
NOT_THE_PEERS: tuple[type[BaseException], ...] = (
    asyncio.CancelledError,
    KeyboardInterrupt,
    SystemExit,
    GeneratorExit,
)


def blame_peer(exc: BaseException) -> bool:
    """Whether ``exc``, raised while handling a peer's bytes, ends only that connection."""
    return not isinstance(exc, NOT_THE_PEERS)
