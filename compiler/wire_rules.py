"""Spec text that goes on the wire as it is: URLs without control characters that
urllib can take apart, header names that are tokens, header values HTTP can carry,
EndPoints without a fragment or a query that parameters would replace."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from .checking import MERGE_FIELD, Context
from .diagnostics import Diagnostic
from .leaks import URL_KEYS
from .load import JsonPath

__all__ = [
    "AUTH_URL_KEYS",
    "HEADER_NAME",
    "URL_CONTROL",
    "check_wire_text",
    "header_value_problem",
    "splits",
]

# What HTTP can carry (RFC 9110 5.1, 5.5): a header name is a token; httpx refuses
# ASCII control characters anywhere in a URL.
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
URL_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
AUTH_URL_KEYS = URL_KEYS  # the authentication URLs (leaks.py reads them too)


def check_wire_text(ctx: Context) -> Iterator[Diagnostic]:
    """Spec text that goes on the wire as it is must be text HTTP can carry.

    Caught here, a located error; missed, httpx or h11 would raise at run time
    (or a fragment would silently never be sent).
    """
    if control := URL_CONTROL.search(ctx.data["BaseUrl"]):
        yield ctx.error(
            ("BaseUrl",),
            f"BaseUrl has the control character {control.group()!r}",
            "remove it: a URL cannot carry it",
        )
    auth = ctx.data["Authentication"]
    # Every URL of the authentication too (issue 15: a NUL in AccessTokenUrl
    # compiled, and the client failed when it was created).
    for key in AUTH_URL_KEYS:
        url = auth.get(key)
        if isinstance(url, str) and (control := URL_CONTROL.search(url)):
            yield ctx.error(
                ("Authentication", key),
                f"{key} has the control character {control.group()!r}",
                "remove it: a URL cannot carry it",
            )
        elif isinstance(url, str) and not splits(url):
            yield ctx.error(
                ("Authentication", key),
                f"{key} is not a URL that can be sent: a '[' without its ']', "
                "or a port that is not a number from 0 to 65535",
                "write the host as in https://auth.example.com/token, and a port "
                "as a number after it",
            )
    header = auth.get("Header") if auth["AuthType"] == "ApiKey" else None
    if isinstance(header, str) and not HEADER_NAME.fullmatch(header):
        # The schema's pattern lets a final line break through (see PYTHON_NAME in
        # identifier_rules).
        yield ctx.error(
            ("Authentication", "Header"),
            f"Header {header!r} is not a valid HTTP header name",
            "a header name has letters, digits and !#$%&'*+-.^_`|~ only",
        )
    if auth["AuthType"] == "ApiKey" and "QueryParameter" not in auth:
        yield from check_header_value(
            ctx, ("Authentication", "Format"), auth.get("Format"), "Format"
        )
    for i, method in enumerate(ctx.data["Methods"]):
        path: JsonPath = ("Methods", i)
        params: list[dict[str, Any]] = method.get("Parameters", [])
        yield from check_endpoint_text(ctx, path, method["EndPoint"], params)
        for j, param in enumerate(params):
            if param["TargetType"] == "HttpHeader":
                yield from check_header_parameter(ctx, (*path, "Parameters", j), param)


def check_endpoint_text(
    ctx: Context, path: JsonPath, endpoint: str, params: list[dict[str, Any]]
) -> Iterator[Diagnostic]:
    literal_text = MERGE_FIELD.sub("", endpoint)
    if control := URL_CONTROL.search(endpoint):
        yield ctx.error(
            (*path, "EndPoint"),
            f"EndPoint has the control character {control.group()!r}",
            "remove it: a URL cannot carry it",
        )
    if "#" in literal_text:
        yield ctx.error(
            (*path, "EndPoint"),
            "EndPoint has a fragment (#...), which is never sent",
            "remove it, or write %23 for a '#' the API expects in the path",
        )
    elif "?" in literal_text and any(p["TargetType"] == "QueryString" for p in params):
        yield ctx.error(
            (*path, "EndPoint"),
            "EndPoint has a query (?...), which this method's QueryString "
            "parameters would replace",
            "declare the fixed values as QueryString parameters with a Default",
        )


def check_header_parameter(
    ctx: Context, path: JsonPath, param: dict[str, Any]
) -> Iterator[Diagnostic]:
    target = param["TargetName"]
    if not HEADER_NAME.fullmatch(target):
        yield ctx.error(
            (*path, "TargetName"),
            f"HttpHeader {target!r} is not a valid HTTP header name",
            "a header name has letters, digits and !#$%&'*+-.^_`|~ only",
        )
    if "Default" in param:
        yield from check_header_value(
            ctx, (*path, "Default"), param["Default"], "Default"
        )
    for k, value in enumerate(param.get("Values", ())):
        yield from check_header_value(ctx, (*path, "Values", k), value, "value")


def check_header_value(
    ctx: Context, path: JsonPath, value: Any, what: str
) -> Iterator[Diagnostic]:
    problem = header_value_problem(value) if isinstance(value, str) else ""
    if problem:
        yield ctx.error(
            path,
            f"{what} {value!r} cannot be sent in an HTTP header: {problem}",
            "a header value is visible ASCII text, with spaces only between words",
        )


def header_value_problem(value: str) -> str:
    """Why ``value`` cannot be a header value as it is, or the empty string.

    httpx encodes header values given as text in ASCII; h11 refuses line breaks,
    other control characters and whitespace around the value (RFC 9110 5.5).
    """
    for char in value:
        if char in "\r\n":
            return "it has a line break"
        if not char.isascii():
            return f"{char!r} is not ASCII"
        if (char < " " and char != "\t") or char == "\x7f":
            return f"it has the control character {char!r}"
    if value != value.strip(" \t"):
        return "it starts or ends with whitespace, which HTTP drops"
    return ""


def splits(url: str) -> bool:
    """True when urllib (and so httpx) can take ``url`` apart, its port included."""
    try:
        urlsplit(MERGE_FIELD.sub("x", url)).port  # noqa: B018 - read to check it
    except ValueError:
        return False
    return True
