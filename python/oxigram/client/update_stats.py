"""Counters of a client's update stream (``client.update_stats``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["UpdateStats"]


@dataclass
class UpdateStats:
    """Counts since the client was made (they survive reconnects)."""

    #: Updates handed to the ``on_update`` handlers.
    applied: int = 0
    #: Updates dropped because they were applied already (pts, qts or seq behind ours).
    duplicates: int = 0
    #: Pushed messages that did not decode with the loaded layer (each lost whole).
    undecodable: int = 0
    #: ``updates.getDifference`` requests made, and those that failed.
    differences: int = 0
    difference_failures: int = 0
    #: Times the client gave up on ``getDifference`` and jumped to ``updates.getState``.
    resyncs: int = 0
    #: pts and qts steps those jumps passed over without reading them: updates lost.
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)
