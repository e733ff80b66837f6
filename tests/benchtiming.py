"""Shared timing for benchmarks: interleaved rounds, median per-call cost, and ratio."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def compare(
    cases: dict[str, Callable[[], object]], *, calls: int = 700, rounds: int = 21
) -> dict[str, float]:
    """Median seconds per call of each case, rounds interleaved so drift hits all.

    Many short rounds rather than a few long ones, for the same work: the median is
    steadier (eight runs of the client request ratio spread over 0.10 with 7 rounds of
    2,000 calls, over 0.01 with 21 of 700)."""
    for run in cases.values():  # warm up connections, caches, lazy imports
        for _ in range(50):
            run()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, run in cases.items():
            started = time.perf_counter()
            for _ in range(calls):
                run()
            samples[name].append((time.perf_counter() - started) / calls)
    return {name: statistics.median(values) for name, values in samples.items()}


def report(results: dict[str, float], baseline: str) -> None:
    base = results[baseline]
    for name, seconds in results.items():
        print(
            f"  {name:<40} {seconds * 1e6:8.1f} us/call   ratio {seconds / base:5.2f}"
        )
