"""When to ask for the difference again after a failure, and when to stop asking (sans-IO:
time is read from the clock it is given).

An ``updates.getDifference`` fails in one of two ways:

- **No answer** (a timeout, a lost connection, a 5xx, a flood wait): asking later works, and
  a later difference recovers everything missed, so it is retried with back-off and never
  given up on.
- **An answer that cannot be used**: it does not decode with the loaded layer, is not a
  difference, or the server refuses the request (400). Asking again gets the same answer
  (Telegram returns the same content), so after ``max_failures`` of them in a row the update
  machine gives up on the difference and resynchronises with ``updates.getState``: one update
  the client cannot read must not stall the stream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import BadRequestError, TLDecodeError

__all__ = ["DifferenceRetry", "RetryPolicy", "is_unusable"]


@dataclass(frozen=True)
class RetryPolicy:
    #: Unusable answers in a row before the machine resynchronises.
    max_failures: int = 3
    #: Back-off before the first retry, doubled after each failure up to ``max_delay``.
    first_delay: float = 0.5
    max_delay: float = 30.0


def is_unusable(error: BaseException) -> bool:
    """An answer that asking again will not change (see the module docs); ``TypeError`` is
    what the machine raises for an answer of the wrong type."""
    return isinstance(error, (TLDecodeError, BadRequestError, TypeError))


class DifferenceRetry:
    """The failures of the difference (or of the resync after it) since its last success."""

    def __init__(self, policy: RetryPolicy, clock: Callable[[], float]) -> None:
        self.policy = policy
        self._clock = clock
        self.failures = 0  # any kind, for the back-off
        self.unusable = 0  # unusable answers, for giving up
        self.last_error: BaseException | None = None
        self._not_before = 0.0

    def wait(self) -> float:
        """Seconds before the next request may go (0: now)."""
        return max(0.0, self._not_before - self._clock())

    def failed(self, error: BaseException) -> bool:
        """Records a failure; True exactly once, when it is the unusable answer that ends the
        tries (the resync then goes at once; its own failures back off like any other)."""
        self.failures += 1
        self.last_error = error
        if is_unusable(error):
            self.unusable += 1
            if self.unusable == self.policy.max_failures:
                self._not_before = 0.0
                return True
        policy = self.policy
        # (the exponent is capped so that hours of failures cannot overflow the float)
        delay = min(policy.max_delay, policy.first_delay * 2 ** min(self.failures - 1, 32))
        self._not_before = self._clock() + delay
        return False

    def succeeded(self) -> None:
        self.failures = self.unusable = 0
        self.last_error = None
        self._not_before = 0.0
