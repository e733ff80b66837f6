"""``AuthType: OAuth1``: https URLs without {{Field}}s, no PLAINTEXT signature in
a query, a Realm that can stand between quotes in the Authorization header."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from .checking import MERGE_FIELD, Context
from .diagnostics import Diagnostic
from .load import JsonPath
from .wire_rules import splits

__all__ = ["LOOPBACK_HOSTS", "check_oauth1"]

# Hosts that may be reached over plain http: the machine itself.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def check_oauth1(ctx: Context) -> Iterator[Diagnostic]:
    auth: dict[str, Any] = ctx.data["Authentication"]
    if auth["AuthType"] != "OAuth1":
        return
    for key in ("RequestTokenUrl", "AuthorizeUrl", "AccessTokenUrl"):
        url: str = auth[key]
        path: JsonPath = ("Authentication", key)
        if MERGE_FIELD.search(url):
            yield ctx.error(
                path,
                f"{key} uses a {{{{Field}}}}, which OAuth1 URLs do not support yet",
                "write the provider's URL in full",
            )
            continue
        if not splits(url):
            continue  # said by wire_rules.check_wire_text
        parts = urlsplit(url)
        if parts.scheme != "https" and parts.hostname not in LOOPBACK_HOSTS:
            yield ctx.error(
                path,
                f"{key} must be an https URL: OAuth 1.0a sends credentials there",
                "use https (http is allowed only for localhost, 127.0.0.1 and [::1])",
            )
    if (
        auth.get("SignatureMethod") == "PLAINTEXT"
        and auth.get("SignatureLocation") == "Query"
    ):
        yield ctx.error(
            ("Authentication", "SignatureLocation"),
            "PLAINTEXT signatures are the secrets themselves, and URLs end up in logs",
            "use SignatureLocation Header or Body, or an HMAC SignatureMethod",
        )
    realm = auth.get("Realm")
    if isinstance(realm, str) and any(
        c in '"\\' or not (c.isascii() and c.isprintable()) for c in realm
    ):
        yield ctx.error(
            ("Authentication", "Realm"),
            "Realm must be printable ASCII without a double quote or a backslash",
            "it is written as it is, between quotes, in the Authorization header",
        )
