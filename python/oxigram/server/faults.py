"""Fault injection for tests: answers delayed or withheld, decided by the test."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Faults"]


@dataclass
class _Rule:
    method: str | None
    count: int
    delay: float = 0.0
    withhold: bool = False


class Faults:
    def __init__(self) -> None:
        self._rules: list[_Rule] = []

    def delay(self, seconds: float, method: str | None = None, count: int = 1) -> None:
        self._rules.append(_Rule(method, count, delay=seconds))

    def withhold(self, method: str | None = None, count: int = 1) -> None:
        self._rules.append(_Rule(method, count, withhold=True))

    def clear(self) -> None:
        self._rules.clear()

    def take(self, method: str) -> tuple[float, bool]:
        """(delay, withhold) for the answer to ``method``; consumes the first matching rule."""
        for rule in self._rules:
            if rule.method is None or rule.method == method:
                rule.count -= 1
                if rule.count <= 0:
                    self._rules.remove(rule)
                return rule.delay, rule.withhold
        return 0.0, False
