"""Press-to-answer statistics of a bot (``client.callback_stats``)."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

__all__ = ["CallbackStats", "percentile"]


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of ``values`` (``None`` when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class CallbackStats:
    """Counters since the client started, and latencies (seconds) of the last ``window``
    answers, from the update's arrival to the server's acknowledgement of the answer."""

    received: int = 0
    duplicates: int = 0
    by_handler: int = 0
    auto: int = 0
    deadline: int = 0
    late_answers: int = 0  # answer() calls refused because the deadline answer went first
    failed: int = 0  # answers the server refused or that timed out
    window: int = 10_000
    latencies: deque[float] = field(default_factory=deque)
    #: Presses received (duplicates included) by kind: "chat", "inline", "business",
    #: "ephemeral" (``CallbackQuery.kind``).
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """Queries answered (by handler, automatically or at the deadline)."""
        return self.by_handler + self.auto + self.deadline

    def record(self, source: str, latency: float) -> None:
        if source == "handler":
            self.by_handler += 1
        elif source == "auto":
            self.auto += 1
        else:
            self.deadline += 1
        self.latencies.append(latency)
        while len(self.latencies) > self.window:
            self.latencies.popleft()

    @property
    def p50(self) -> float | None:
        return percentile(list(self.latencies), 50)

    @property
    def p99(self) -> float | None:
        return percentile(list(self.latencies), 99)

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "received": self.received,
            "count": self.count,
            "by_handler": self.by_handler,
            "auto": self.auto,
            "deadline": self.deadline,
            "duplicates": self.duplicates,
            "late_answers": self.late_answers,
            "failed": self.failed,
            "p50": self.p50,
            "p99": self.p99,
            **{f"received_{kind}": n for kind, n in sorted(self.by_kind.items())},
        }
