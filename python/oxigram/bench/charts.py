"""PNG charts of a benchmark run (matplotlib, from the ``bench`` extra)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["MatplotlibMissingError", "e2e_chart", "ige_chart"]


class MatplotlibMissingError(RuntimeError):
    """matplotlib is not installed (``pip install oxigram[bench]``)."""


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise MatplotlibMissingError(
            "matplotlib is not installed: pip install 'oxigram[bench]'"
        ) from exc
    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    return plt


def _size_label(size: int) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1024)):
        if size >= scale:
            return f"{size // scale} {unit}"
    return f"{size} B"


def ige_chart(
    throughput: Mapping[str, Mapping[str, Sequence[tuple[int, float]]]], path: Path
) -> Path:
    """AES-256-IGE throughput (MB/s) by payload size, one panel per direction."""
    plt = _pyplot()
    directions = sorted(throughput)
    fig, axes = plt.subplots(1, len(directions), figsize=(5 * len(directions), 3.6), squeeze=False)
    for ax, direction in zip(axes[0], directions, strict=True):
        sizes: set[int] = set()
        for impl, points in throughput[direction].items():
            pts = sorted(points)
            sizes.update(s for s, _ in pts)
            ax.plot([s for s, _ in pts], [v for _, v in pts], marker="o", label=impl)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ticks = sorted(sizes)
        ax.set_xticks(ticks, [_size_label(s) for s in ticks], fontsize=7)
        ax.set_title(f"AES-256-IGE {direction}")
        ax.set_xlabel("payload")
        ax.set_ylabel("MB/s")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def e2e_chart(levels: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """End to end by load K: presses per second, and p50/p99 press-to-answer latency."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    bots = list(dict.fromkeys(str(lvl["bot"]) for lvl in levels))
    for bot in bots:
        rows = sorted((lvl for lvl in levels if lvl["bot"] == bot), key=lambda r: int(r["k"]))
        ks = [int(r["k"]) for r in rows]
        (line,) = left.plot(ks, [float(r["pps"]) for r in rows], marker="o", label=bot)
        color = line.get_color()
        right.plot(
            ks, [float(r["p50_ms"]) for r in rows], marker="o", color=color, label=f"{bot} p50"
        )
        right.plot(
            ks,
            [float(r["p99_ms"]) for r in rows],
            marker="^",
            linestyle="--",
            color=color,
            label=f"{bot} p99",
        )
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_xlabel("K users pressing at once")
        ax.grid(True, which="both", alpha=0.3)
    left.set_ylabel("presses answered per second")
    left.set_title("throughput by load")
    right.set_yscale("log")
    right.set_ylabel("press -> answer, ms (user side)")
    right.set_title("latency by load")
    left.legend(fontsize=7)
    right.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path
