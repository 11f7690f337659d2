"""Fault injection for tests: answers delayed or withheld, errors or raw results injected,
decided by the test. One set per engine (a fault is injected at one DC)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import InvalidInputError

__all__ = ["Faults"]


@dataclass
class _Rule:
    method: str | None
    count: int
    delay: float = 0.0
    withhold: bool = False


@dataclass
class _ErrorRule:
    method: str
    count: int
    code: int
    message: str


@dataclass
class _ResultRule:
    method: str
    count: int
    data: bytes


def _check_count(count: int) -> None:
    if count < 1:
        raise InvalidInputError(f"count must be at least 1, not {count}")


class Faults:
    def __init__(self) -> None:
        self._rules: list[_Rule] = []
        self._errors: list[_ErrorRule] = []
        self._results: list[_ResultRule] = []

    def delay(self, seconds: float, method: str | None = None, count: int = 1) -> None:
        if not (math.isfinite(seconds) and seconds >= 0):
            raise InvalidInputError(f"a delay is 0 or more seconds, not {seconds}")
        _check_count(count)
        self._rules.append(_Rule(method, count, delay=seconds))

    def withhold(self, method: str | None = None, count: int = 1) -> None:
        _check_count(count)
        self._rules.append(_Rule(method, count, withhold=True))

    def inject_error(self, method: str, code: int, message: str, count: int = 1) -> None:
        _check_count(count)
        if not message:
            raise InvalidInputError("an injected error needs a message")
        self._errors.append(_ErrorRule(method, count, code, message))

    def inject_result(self, method: str, data: bytes, count: int = 1) -> None:
        _check_count(count)
        if len(data) < 4 or len(data) % 4:
            raise InvalidInputError(
                f"a serialized result is a multiple of 4 bytes (4 or more), not {len(data)}"
            )
        self._results.append(_ResultRule(method, count, bytes(data)))

    def clear(self) -> None:
        self._rules.clear()
        self._errors.clear()
        self._results.clear()

    def take_error(self, method: str) -> tuple[int, str] | None:
        """The (code, message) to answer ``method`` with instead of running it, if any;
        consumes one use of the first matching rule."""
        for rule in self._errors:
            if rule.method == method:
                rule.count -= 1
                if rule.count <= 0:
                    self._errors.remove(rule)
                return rule.code, rule.message
        return None

    def take_result(self, method: str) -> bytes | None:
        """The serialized result to answer ``method`` with instead of running it, if any;
        consumes one use of the first matching rule."""
        for rule in self._results:
            if rule.method == method:
                rule.count -= 1
                if rule.count <= 0:
                    self._results.remove(rule)
                return rule.data
        return None

    def take(self, method: str) -> tuple[float, bool]:
        """(delay, withhold) for the answer to ``method``; consumes the first matching rule."""
        for rule in self._rules:
            if rule.method is None or rule.method == method:
                rule.count -= 1
                if rule.count <= 0:
                    self._rules.remove(rule)
                return rule.delay, rule.withhold
        return 0.0, False
