"""What one listener of the local DC allows its connections: deadlines, caps, buffers.

:class:`ConnectionLimits` is the one place these are set (``LocalDC(limits=...)``, ``Engine``,
``oxigram serve --help``); :class:`Admission` applies the caps of one listener. A client that
breaks a rule loses its own connection; the DC never stops serving the others.

The defaults are for a DC on a developer's machine or in CI that may also face a hostile
peer: an honest client sends its first frame at once (the tag goes out with it), pings every
60 s (``ping_delay_disconnect`` 75 s, Telegram's documented default), and finishes a frame of
the 2 MiB maximum in well under 30 s on any link the DC is used over.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from ..errors import InvalidInputError

try:
    import resource
except ImportError:  # Windows: no descriptor limit to read
    resource = None  # type: ignore[assignment]

__all__ = ["MAX_PLAIN_FRAME", "Admission", "ConnectionLimits", "Limited", "fd_cap"]

#: Bound on an unencrypted frame (auth_key_id 0: a handshake message). The largest honest
#: one is set_client_DH_params: 20-byte header + 376-byte body (its encrypted_data is the
#: SHA1 + client_DH_inner_data with a 256-byte g_b, padded to 336 bytes) + up to 15 bytes of
#: padded-intermediate padding, about 410 bytes; req_DH_params is about 340. 4 KiB is ten
#: times that, and one page: a handshake never needs more, and nothing this small can hold
#: a decompression bomb.
MAX_PLAIN_FRAME = 4096


@dataclass(frozen=True)
class ConnectionLimits:
    """Deadlines (seconds) and caps for the connections of one listener.

    * ``hello_timeout``: from accept to the first complete frame (the transport tag
      included); a connection that says nothing, or only its tag, is closed then.
    * ``frame_timeout``: a frame, once its first byte arrived, is complete within this
      (slowloris: a frame drip-fed a byte at a time).
    * ``idle_timeout``: after the first frame, the longest gap between complete frames
      (clients ping every minute or so; see the module docstring).
    * ``max_connections``: open connections of this listener; never more than the process's
      descriptor limit allows (:func:`fd_cap`).
    * ``max_per_address``: open connections from one IP address.
    * ``max_buffered``: bytes of unfinished frames of all connections together; above it the
      connection holding the most is closed (32 MiB: sixteen frames of the 2 MiB maximum at
      once; the local DC has no uploads, its honest frames are a few KB).
    * ``max_plain_frame``: bound on an unencrypted (handshake) frame, :data:`MAX_PLAIN_FRAME`.
    * ``log_interval``: at most one log line per kind of refusal or closing in this many
      seconds (each line says how many were not logged).
    * ``fd_reserve``: descriptors kept free below ``RLIMIT_NOFILE`` for everything else
      (asyncio accepts up to 100 sockets in one go before the DC sees any of them; files,
      the database, clients in the same process).

    At a connection cap a new connection first takes the place of the oldest one that has
    not yet sent an encrypted message (one still in its handshake, or hostile); when every
    connection has, the new one is closed at once.
    """

    hello_timeout: float = 10.0
    frame_timeout: float = 30.0
    idle_timeout: float = 300.0
    max_connections: int = 8192
    max_per_address: int = 1024
    max_buffered: int = 32 * 1024 * 1024
    max_plain_frame: int = MAX_PLAIN_FRAME
    log_interval: float = 10.0
    fd_reserve: int = 160

    def __post_init__(self) -> None:
        for name in ("hello_timeout", "frame_timeout", "idle_timeout", "log_interval"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise InvalidInputError(f"{name} must be more than 0 seconds, not {value}")
        for name in ("max_connections", "max_per_address", "max_buffered", "max_plain_frame"):
            value = getattr(self, name)
            if value < 1:
                raise InvalidInputError(f"{name} must be at least 1, not {value}")
        if self.max_plain_frame < 512:
            raise InvalidInputError(
                f"max_plain_frame below 512 bytes refuses honest handshakes "
                f"({self.max_plain_frame})"
            )
        if self.fd_reserve < 0:
            raise InvalidInputError(f"fd_reserve must be 0 or more, not {self.fd_reserve}")


def fd_cap(reserve: int) -> int:
    """Connections the process can hold: its soft ``RLIMIT_NOFILE`` less ``reserve`` (at
    least 1). Read when a listener starts: a limit raised since is honoured."""
    if resource is None:
        return 1 << 30
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1 << 30
    return max(1, soft - reserve)


class Limited(Protocol):
    """What :class:`Admission` needs of a connection (``connection.Connection``)."""

    @property
    def address(self) -> str: ...

    @property
    def buffered(self) -> int: ...

    def close(self) -> None: ...


class Admission:
    """The caps of one listener over its open connections, in the order they opened.

    Every listener of the process also counts towards one descriptor budget
    (:meth:`process_open` against :func:`fd_cap`), so several DCs in one process cannot
    together run it out of descriptors.
    """

    @staticmethod
    def process_open() -> int:
        """Connections open in the process, all listeners together (a listener dropped
        without being stopped stops counting once it is garbage)."""
        return sum(len(a) for a in _LISTENERS)

    def __init__(self, limits: ConnectionLimits) -> None:
        self.limits = limits
        self._fd_cap = fd_cap(limits.fd_reserve)
        self._open: dict[Limited, None] = {}
        self._unproven: dict[Limited, None] = {}
        self._by_address: dict[str, dict[Limited, None]] = {}
        #: Bytes of unfinished frames of every open connection.
        self.buffered = 0
        _LISTENERS.add(self)

    def started(self) -> None:
        """The listener (re)starts: the descriptor limit is read again."""
        self._fd_cap = fd_cap(self.limits.fd_reserve)

    @property
    def cap(self) -> int:
        """This listener's connection cap: ``max_connections`` within the descriptor cap."""
        return min(self.limits.max_connections, self._fd_cap)

    def __len__(self) -> int:
        return len(self._open)

    def __iter__(self) -> Iterator[Limited]:
        return iter(list(self._open))

    def make_room(self, address: str) -> tuple[bool, Limited | None]:
        """Whether a new connection from ``address`` may open, and the connection closed to
        make room for it, if any (the caller closes it: :meth:`remove` is already done)."""
        victim: Limited | None = None
        same = self._by_address.get(address, {})
        if len(same) >= self.limits.max_per_address:
            victim = next((c for c in same if c in self._unproven), None)
            if victim is None:
                return False, None
        elif len(self._open) >= self.cap or Admission.process_open() >= self._fd_cap:
            victim = next(iter(self._unproven), None)
            if victim is None:
                return False, None
        if victim is not None:
            self.remove(victim)
        return True, victim

    def add(self, conn: Limited) -> None:
        self._open[conn] = None
        self._unproven[conn] = None
        self._by_address.setdefault(conn.address, {})[conn] = None

    def proven(self, conn: Limited) -> None:
        """``conn`` sent an encrypted message with a known key: never closed for room."""
        self._unproven.pop(conn, None)

    def remove(self, conn: Limited) -> None:
        """``conn`` is closed (idempotent)."""
        if self._open.pop(conn, 0) is None:
            self._unproven.pop(conn, None)
            same = self._by_address.get(conn.address)
            if same is not None:
                same.pop(conn, None)
                if not same:
                    del self._by_address[conn.address]
            self.buffered -= conn.buffered

    def over_buffer(self) -> Limited | None:
        """The connection holding the most unfinished bytes, when all of them together are
        above ``max_buffered``."""
        if self.buffered <= self.limits.max_buffered or not self._open:
            return None
        return max(self._open, key=lambda c: c.buffered)


#: Every listener's admission, for the process-wide descriptor budget.
_LISTENERS: weakref.WeakSet[Admission] = weakref.WeakSet()
