"""The BaseUrl (its {{Field}}s, host, port, credentials, query) and the
``{{Field}}`` template syntax of a BaseUrl, an EndPoint or a header value."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import SplitResult, urlsplit

from .checking import MERGE_FIELD, Context, declare_hint, may_be_missing
from .diagnostics import Diagnostic
from .load import JsonPath

__all__ = ["check_base_url", "check_host", "check_template"]

SINGLE_BRACES = re.compile(r"\{\s*([A-Za-z_][\w ]*?)\s*\}")


def check_base_url(
    ctx: Context, properties: list[dict[str, Any]]
) -> Iterator[Diagnostic]:
    url: str = ctx.data["BaseUrl"]
    declared = {p["Name"]: p for p in properties}
    yield from check_template(ctx, ("BaseUrl",), url)
    for match in MERGE_FIELD.finditer(url):
        name, span = match.group(1).strip(), (url, match.start())
        if not name:
            continue  # check_template reports an empty field
        if name not in declared:
            yield ctx.error(
                ("BaseUrl",),
                f"BaseUrl uses {{{{{name}}}}}, which is not a declared property",
                declare_hint(name, list(declared), "Properties"),
                span=span,
            )
        elif may_be_missing(declared[name]):
            yield ctx.error(
                ("BaseUrl",),
                f"BaseUrl uses {{{{{name}}}}}, but that property is optional "
                "and has no Default",
                "make the property required or give it a Default",
                span=span,
            )
    try:
        parts = urlsplit(MERGE_FIELD.sub("x", url))
    except ValueError:  # urllib's only complaint: a bracket without its pair
        yield ctx.error(
            ("BaseUrl",),
            "BaseUrl has a '[' or ']' that does not enclose an IPv6 address",
            "remove it: brackets belong only around an IPv6 host, as in "
            "https://[::1]:8080/",
        )
        return
    yield from check_host(ctx, parts)
    if parts.username or parts.password:
        yield ctx.error(
            ("BaseUrl",),
            "BaseUrl carries credentials before the host",
            "remove them: credentials are supplied at run time",
        )
    if parts.query or parts.fragment:
        yield ctx.error(
            ("BaseUrl",),
            "BaseUrl has a query or a fragment",
            "give query values as QueryString parameters or an ApiKey QueryParameter",
        )


def check_host(ctx: Context, parts: SplitResult) -> Iterator[Diagnostic]:
    try:
        parts.port  # noqa: B018 - urllib checks the port only when it is read
    except ValueError:
        yield ctx.error(
            ("BaseUrl",),
            "BaseUrl has a port that is not a number from 0 to 65535",
            "write the port as a number after the host, as in "
            "https://api.example.com:8443/v1",
        )
    if not parts.hostname:
        yield ctx.error(
            ("BaseUrl",),
            "BaseUrl has no host",
            "write the host after the scheme, as in https://api.example.com/v1",
        )


def check_template(ctx: Context, path: JsonPath, text: str) -> Iterator[Diagnostic]:
    """``{{Field}}`` syntax in a BaseUrl or EndPoint: anything else is a typo.

    A brace left in the URL would be sent as it is, so ``/items/{Id}`` (the
    notation of many API docs) would request a path that does not exist."""
    where = str(path[-1])
    for match in MERGE_FIELD.finditer(text):
        if not match.group(1).strip():
            yield ctx.error(
                path,
                f"{where} has an empty field {match.group(0)}",
                "write the name of a property or MergeField inside, as in {{Id}}",
                span=(text, match.start()),
            )
    rest = MERGE_FIELD.sub(lambda m: " " * len(m.group(0)), text)
    if single := SINGLE_BRACES.search(rest):
        yield ctx.error(
            path,
            f"{where} has {single.group(0)} in single braces",
            f"fields are written in double braces: {{{{{single.group(1)}}}}}",
            span=(text, single.start()),
        )
    elif stray := re.search(r"[{}]+", rest):
        yield ctx.error(
            path,
            f"{where} has a '{stray.group(0)}' that belongs to no {{{{Field}}}}",
            "write fields as {{Name}}, or %7B and %7D for braces the API expects",
            span=(text, stray.start()),
        )
