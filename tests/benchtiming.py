"""Shared timing for benchmarks: interleaved rounds, median per-call cost, and ratio."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def _samples(
    cases: dict[str, Callable[[], object]], calls: int, rounds: int
) -> dict[str, list[float]]:
    """Seconds per call of each case in each round; the cases take turns within a
    round, in reverse order every other round (so neither always runs first)."""
    for run in cases.values():  # warm up connections, caches, lazy imports
        for _ in range(50):
            run()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    order = list(cases.items())
    for number in range(rounds):
        for name, run in order if number % 2 == 0 else reversed(order):
            started = time.perf_counter()
            for _ in range(calls):
                run()
            samples[name].append((time.perf_counter() - started) / calls)
    return samples


def compare(
    cases: dict[str, Callable[[], object]], *, calls: int = 700, rounds: int = 21
) -> dict[str, float]:
    """Median seconds per call of each case, rounds interleaved so drift hits all.

    Many short rounds rather than a few long ones, for the same work: the median is
    steadier (eight runs of the client request ratio spread over 0.10 with 7 rounds of
    2,000 calls, over 0.01 with 21 of 700)."""
    samples = _samples(cases, calls, rounds)
    return {name: statistics.median(values) for name, values in samples.items()}


def paired_ratios(
    cases: dict[str, Callable[[], object]],
    baseline: str,
    *,
    calls: int = 100,
    rounds: int = 101,
) -> tuple[dict[str, float], dict[str, float]]:
    """Median seconds per call of each case, and each case's ratio to ``baseline``:
    the median over rounds of its time over the baseline's in the same round.

    A ratio taken within a round is untouched by the machine's speed drifting from
    one round to the next, which a ratio of medians is not. Six runs of the NextUrl
    paging ratio, one after the other (targets are 1.05, so a few per cent matter):
    paired, 101 rounds of 20 calls, from 1.010 to 1.021; ratio of medians, 21 rounds
    of 100, from 1.010 to 1.032 (and the LinkHeader ratio from 0.88 to 1.08 in three
    runs of the ratio of medians earlier the same day)."""
    samples = _samples(cases, calls, rounds)
    base = samples[baseline]
    medians = {name: statistics.median(values) for name, values in samples.items()}
    ratios = {
        name: statistics.median(
            [mine / theirs for mine, theirs in zip(values, base, strict=True)]
        )
        for name, values in samples.items()
    }
    return medians, ratios


def report(
    results: dict[str, float],
    baseline: str,
    ratios: dict[str, float] | None = None,
) -> None:
    """One line per case: its median cost per call and its ratio to ``baseline``
    (the paired ratios when given, else the ratio of the medians)."""
    base = results[baseline]
    for name, seconds in results.items():
        ratio = seconds / base if ratios is None else ratios[name]
        print(f"  {name:<40} {seconds * 1e6:8.1f} us/call   ratio {ratio:5.2f}")
