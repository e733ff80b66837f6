"""RateLimits, the connector's and each method's: each limit is MaxRequests with Per
(or PerSeconds), or TimeBetweenRequests alone, and one limit per time frame."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .checking import Context
from .diagnostics import Diagnostic
from .load import JsonPath

__all__ = ["check_rate_limits"]


def check_rate_limits(ctx: Context, path: JsonPath) -> Iterator[Diagnostic]:
    """Each limit is MaxRequests with Per, or TimeBetweenRequests alone."""
    try:
        limits: list[dict[str, Any]] = ctx.data_at(path)
    except (KeyError, IndexError):
        return
    frames: dict[str, int] = {}
    for i, limit in enumerate(limits):
        lpath: JsonPath = (*path, i)
        if "TimeBetweenRequests" in limit and len(limit) > 1:
            yield ctx.error(
                lpath,
                "a rate limit gives TimeBetweenRequests with MaxRequests or Per",
                "write TimeBetweenRequests as a limit of its own",
            )
        elif "Per" in limit and "PerSeconds" in limit:
            yield ctx.error(
                (*lpath, "PerSeconds"),
                "a rate limit gives both Per and PerSeconds",
                "keep one: PerSeconds for a time frame of any length",
                key=True,
            )
        elif "PerSeconds" in limit and "MaxRequests" not in limit:
            yield ctx.error(
                lpath,
                "a rate limit gives PerSeconds without MaxRequests",
                "add MaxRequests: the most requests allowed in that many seconds",
            )
        elif "PerSeconds" in limit:
            frame = f"{limit['PerSeconds']} seconds"
            yield from _one_per_frame(ctx, path, i, frame, frames)
        elif "MaxRequests" in limit and "Per" not in limit:
            yield ctx.error(
                lpath,
                "a rate limit gives MaxRequests without Per",
                "add Per: Second, Minute, Hour or Day (or PerSeconds: 10)",
            )
        elif "Per" in limit and "MaxRequests" not in limit:
            yield ctx.error(
                lpath,
                "a rate limit gives Per without MaxRequests",
                "add MaxRequests: the most requests allowed per "
                f"{str(limit['Per']).lower()}",
            )
        elif not limit:
            yield ctx.error(
                lpath,
                "a rate limit is empty",
                "give MaxRequests with Per, or TimeBetweenRequests",
            )
        else:
            frame = limit.get("Per", "TimeBetweenRequests")
            yield from _one_per_frame(ctx, path, i, frame, frames)


def _one_per_frame(
    ctx: Context, path: JsonPath, i: int, frame: str, frames: dict[str, int]
) -> Iterator[Diagnostic]:
    """Limit ``i`` of ``path`` refused when an earlier one has the same time frame;
    ``frames`` keeps the first limit of each."""
    if frame in frames:
        line = ctx.line_of((*path, frames[frame]))
        yield ctx.error(
            (*path, i),
            f"two rate limits for the same time frame ({frame}; first at line {line})",
            "keep the stricter one",
        )
    frames.setdefault(frame, i)
