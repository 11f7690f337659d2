"""End to end under pytest-benchmark: K users press one bot's buttons through a Local DC
(a child process) over TCP; an oxigram bot, a Telethon bot and a framework-free raw bot in
the same run on the same DC (``oxigram.bench.e2e``, docs/benchmarks.md).

Run: ``pytest benches/bench_e2e.py --benchmark-enable`` (K = 1, 10, 100, 1000; about a
minute). With ``--benchmark-disable`` (CI) it runs once at K = 1 and 5 (1 and 3 on the pure
backend) and checks that every press was answered with the expected text.
"""

from __future__ import annotations

from typing import Any

from oxigram import _backend
from oxigram.bench import e2e


def _config(enabled: bool) -> e2e.E2EConfig:
    if enabled:
        return e2e.E2EConfig(ks=(1, 10, 100, 1000), presses=3000)
    pure = _backend.backend != "native"
    return e2e.E2EConfig(
        ks=(1, 3) if pure else (1, 5),
        rounds=1,
        presses=6 if pure else 30,
        min_each=2,
        warmup=2,
        phase_timeout=60.0,
    )


def test_e2e_presses_answered(benchmark: Any) -> None:
    benchmark.group = "e2e"
    config = _config(not benchmark.disabled)
    result = benchmark.pedantic(e2e.run_sync, args=(config,), rounds=1, iterations=1)
    bots = [b for b in config.bots if b not in result.skipped]
    assert "oxigram" in bots and "raw" in bots
    assert len(result.levels) == len(bots) * len(config.ks)
    for level in result.levels:
        each = max(config.min_each, -(-config.presses // level.k))
        assert level.errors == 0, level
        assert level.presses == level.k * each, level  # every press answered, text checked
        assert 0 < level.p50_ms <= level.p99_ms
    benchmark.extra_info["e2e"] = result.as_dict()
    benchmark.extra_info["table"] = e2e.format_table(result)
