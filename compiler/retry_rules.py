"""The checks of the retry and rate-limit keys of issue 10 (RetryWhen, ResetHeader,
RemainingHeader, RetryAfterBody, ErrorInBody) and of a method's RetrySafe, that a
JSON Schema cannot make."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .checking import Context
from .diagnostics import Diagnostic
from .fieldpath import PathError, parse_path
from .load import JsonPath, LoadedSpec
from .wire_rules import HEADER_NAME

__all__ = ["check_retry_safe", "retry_errors"]

# The longest wait a client waits out (the generated _MAX_RETRY_AFTER).
MAX_WAIT = 600


def retry_errors(spec: LoadedSpec) -> Iterator[Diagnostic]:
    """The connector's Retries and ErrorInBody, and every method's Retries."""
    retries = spec.data.get("Retries")
    if isinstance(retries, dict):
        yield from _rules(spec, ("Retries",), retries)
    for i, method in enumerate(spec.data["Methods"]):
        own = method.get("Retries")
        if isinstance(own, dict):
            merged = {**(retries or {}), **own}
            yield from _rules(spec, ("Methods", i, "Retries"), own, merged)
    error = spec.data.get("ErrorInBody")
    if isinstance(error, dict):
        for key in ("Path", "MessagePath"):
            if isinstance(error.get(key), str):
                yield from _path(spec, ("ErrorInBody", key), error[key])


def _path(spec: LoadedSpec, where: JsonPath, text: str) -> Iterator[Diagnostic]:
    try:
        parse_path(text)
    except PathError as exc:
        yield spec.diagnostic(
            where,
            f"{where[-1]} '{text}': {exc.message}",
            exc.hint,
            span=(text, exc.index),
        )


def _rules(
    spec: LoadedSpec,
    where: JsonPath,
    rules: dict[str, Any],
    merged: dict[str, Any] | None = None,
) -> Iterator[Diagnostic]:
    effective = rules if merged is None else merged
    headers: list[tuple[JsonPath, Any]] = [
        ((*where, "RemainingHeader"), rules.get("RemainingHeader")),
        ((*where, "ResetHeader", "Name"), (rules.get("ResetHeader") or {}).get("Name")),
    ]
    headers += [
        ((*where, "RetryWhen", j, "Header"), when.get("Header"))
        for j, when in enumerate(rules.get("RetryWhen", ()))
        if isinstance(when, dict)
    ]
    for hpath, name in headers:
        if isinstance(name, str) and not HEADER_NAME.fullmatch(name):
            yield spec.diagnostic(
                hpath,
                f"'{name}' cannot be the name of an HTTP header",
                "use letters, digits and '-', as in 'x-ratelimit-reset'",
            )
    wait = rules.get("WaitAfter429")
    if isinstance(wait, int | float) and wait > MAX_WAIT:
        yield spec.diagnostic(
            (*where, "WaitAfter429"),
            f"WaitAfter429 {wait} is more than {MAX_WAIT} seconds, which a client "
            "does not wait out (it raises the 429 instead)",
            f"wait at most {MAX_WAIT} seconds",
        )
    if "RemainingHeader" in rules and "ResetHeader" not in effective:
        yield spec.diagnostic(
            (*where, "RemainingHeader"),
            "RemainingHeader is given without ResetHeader: the client would not "
            "know how long to hold requests back",
            "add ResetHeader: { Name: x-ratelimit-reset, Unit: EpochSeconds }",
            key=True,
        )
    statuses = set(rules.get("Statuses", ()))
    for j, when in enumerate(rules.get("RetryWhen", ())):
        if isinstance(when, dict) and when.get("Status") in statuses:
            yield spec.diagnostic(
                (*where, "RetryWhen", j, "Status"),
                f"status {when['Status']} is in Statuses and in RetryWhen",
                "remove it from Statuses: RetryWhen decides for it",
            )
    body = rules.get("RetryAfterBody")
    if isinstance(body, dict):
        if isinstance(body.get("Path"), str):
            yield from _path(spec, (*where, "RetryAfterBody", "Path"), body["Path"])
        pattern = body.get("Pattern")
        if isinstance(pattern, str):
            try:
                groups = re.compile(pattern).groups
            except re.error as exc:
                yield spec.diagnostic(
                    (*where, "RetryAfterBody", "Pattern"),
                    f"Pattern is not a regular expression: {exc}",
                    "write a Python regular expression, such as "
                    "'Retry after ([0-9.]+)s'",
                )
            else:
                if groups < 1:
                    yield spec.diagnostic(
                        (*where, "RetryAfterBody", "Pattern"),
                        f"Pattern '{pattern}' has no group for the seconds",
                        "put the number in parentheses, such as "
                        "'Retry after ([0-9.]+)s'",
                    )


def check_retry_safe(
    ctx: Context, path: JsonPath, method: dict[str, Any]
) -> Iterator[Diagnostic]:
    """RetrySafe marks a POST or PATCH safe to retry; the other methods always are."""
    if method.get("RetrySafe") is not None and method["HttpMethod"] not in (
        "POST",
        "PATCH",
    ):
        yield ctx.error(
            (*path, "RetrySafe"),
            f"RetrySafe on a {method['HttpMethod']} method, which is always retried",
            "remove it: only POST and PATCH need to be marked safe",
            key=True,
        )
