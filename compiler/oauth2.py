"""OAuth 2 checks that the JSON Schema cannot make (part of stage 2, validation).

Kept apart from ``semantics`` because they only concern ``AuthType: OAuth2``: where
tokens and secrets travel (https only, except loopback), which keys apply to which
grant, and which names the generated OAuth 2 client reserves for itself.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from .checking import MERGE_FIELD, property_field_errors
from .diagnostics import Diagnostic
from .fieldpath import PathError, path_text, token_path
from .load import JsonPath, LoadedSpec
from .names import python_name

__all__ = [
    "AUTHORISE_ONLY_KEYS",
    "OAUTH2_ARGUMENTS",
    "OAUTH2_METHODS",
    "is_loopback",
    "oauth2_errors",
]


# Keys that only mean something for the redirect (AuthorisationCode) grant.
AUTHORISE_ONLY_KEYS = ("AuthoriseUrl", "AuthoriseParameters", "Pkce", "PkceMethod")

# Parameters the generated client sets itself; a spec may not set them again.
RESERVED_AUTHORISE_PARAMETERS = frozenset(
    {
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    }
)
RESERVED_TOKEN_PARAMETERS = frozenset(
    {
        "grant_type",
        "client_id",
        "client_secret",
        "client_assertion",
        "client_assertion_type",
        "code",
        "code_verifier",
        "redirect_uri",
        "refresh_token",
        "username",
        "password",
        "scope",
    }
)

# Constructor arguments and methods the generated OAuth 2 client adds.
OAUTH2_ARGUMENTS = frozenset(
    {
        "token_store",
        "on_token",
        "scopes",
        "leeway",
        "pkce",
        "authorization_endpoint",
        "token_endpoint",
        "refresh_endpoint",
    }
)
OAUTH2_METHODS = frozenset({"authorization_url", "fetch_token", "token"})


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def oauth2_errors(spec: LoadedSpec) -> Iterator[Diagnostic]:
    """Every OAuth 2 problem of a schema-valid spec (nothing for other AuthTypes)."""
    data: dict[str, Any] = spec.data
    auth: dict[str, Any] = data["Authentication"]
    if auth["AuthType"] != "OAuth2":
        return
    grant: str = auth["OAuth2Type"]
    properties = {p["Name"]: p for p in data.get("Properties", [])}
    for key in ("AuthoriseUrl", "AccessTokenUrl", "RefreshUrl"):
        if key in auth:
            yield from _check_url(spec, key, auth[key], properties)
    if grant != "AuthorisationCode":
        for key in AUTHORISE_ONLY_KEYS:
            if key in auth:
                yield spec.diagnostic(
                    ("Authentication", key),
                    f"{key} applies only to OAuth2Type AuthorisationCode, not {grant}",
                    "remove it: this grant sends no one to an authorisation page",
                    key=True,
                )
    if grant == "ClientCredentials" and auth.get("ClientAuthentication") == "None":
        yield spec.diagnostic(
            ("Authentication", "ClientAuthentication"),
            "ClientCredentials needs a confidential client, but ClientAuthentication "
            "is None",
            "use Basic or Body (RFC 6749 4.4: only confidential clients use this "
            "grant)",
        )
    public = auth.get("ClientAuthentication") == "None"
    if grant == "AuthorisationCode" and public and auth.get("Pkce") in ("Off", False):
        yield spec.diagnostic(
            ("Authentication", "Pkce"),
            "a public client (ClientAuthentication None) with Pkce Off",
            "use Pkce Required or Optional: without it, whoever intercepts the code "
            "can redeem it (RFC 9700 2.1.1)",
        )
    if auth.get("Pkce") in ("Off", False) and "PkceMethod" in auth:
        yield spec.diagnostic(
            ("Authentication", "PkceMethod"),
            "PkceMethod is given, but Pkce is Off",
            "remove PkceMethod or turn Pkce on",
            key=True,
        )
    yield from _check_parameters(
        spec, auth, "AuthoriseParameters", RESERVED_AUTHORISE_PARAMETERS
    )
    yield from _check_parameters(
        spec, auth, "TokenParameters", RESERVED_TOKEN_PARAMETERS
    )
    yield from _check_scopes(spec, auth)
    yield from _check_reserved_names(spec, data)
    yield from _check_token_response(spec, auth)


TOKEN_RESPONSE_PATHS = (
    "AccessToken",
    "RefreshToken",
    "ExpiresIn",
    "RefreshTokenExpiresIn",
    "InstanceUrl",
)


STANDARD_NAMES = {
    "AccessToken": "access_token",
    "RefreshToken": "refresh_token",
    "ExpiresIn": "expires_in",
    "RefreshTokenExpiresIn": "refresh_token_expires_in",
    "InstanceUrl": "instance_url",
}


def _check_token_response(
    spec: LoadedSpec, auth: dict[str, Any]
) -> Iterator[Diagnostic]:
    """TokenResponse fields are field paths (compiler/fieldpath.py), parsed here so
    that a bad one is a located error, never a silent split at run time."""
    response: dict[str, Any] = auth.get("TokenResponse", {})
    paths: dict[str, tuple[str | int, ...]] = {
        "AccessToken": ("access_token",),
        "RefreshToken": ("refresh_token",),
        "ExpiresIn": ("expires_in",),
        "RefreshTokenExpiresIn": ("refresh_token_expires_in",),
    }
    for key in TOKEN_RESPONSE_PATHS:
        text = response.get(key)
        if not isinstance(text, str):
            continue
        where = ("Authentication", "TokenResponse", key)
        try:
            path = token_path(text)
        except PathError as exc:
            yield spec.diagnostic(
                where,
                f"TokenResponse {key} '{text}': {exc.message}",
                exc.hint,
                span=(text, exc.index),
            )
            paths.pop(key, None)
            continue
        if isinstance(path[0], int):
            yield spec.diagnostic(
                where,
                f"TokenResponse {key} '{text}' starts with a list index, but a token "
                "response is a JSON object",
                "start with the field that holds the list, such as data[0].token",
            )
            paths.pop(key, None)
            continue
        paths[key] = path
    for key, path in paths.items():
        for other, outer in paths.items():
            if len(outer) < len(path) and path[: len(outer)] == outer:
                yield spec.diagnostic(
                    ("Authentication", "TokenResponse", key),
                    f"TokenResponse {key} '{path_text(path)}' is inside the "
                    f"{other} field '{path_text(outer)}', which cannot hold both",
                    f"point {other} at the field inside '{path_text(outer)}' that "
                    f"holds it, such as {path_text((*outer, STANDARD_NAMES[other]))}",
                )


def _check_url(
    spec: LoadedSpec, key: str, url: str, properties: dict[str, Any]
) -> Iterator[Diagnostic]:
    path: JsonPath = ("Authentication", key)
    fields = [name.strip() for name in MERGE_FIELD.findall(url)]
    for name in fields:
        yield from property_field_errors(spec, path, key, name, properties)
    try:
        parts = urlsplit(MERGE_FIELD.sub("x", url))
    except ValueError:  # a bracket without its pair: wire_rules.py says so
        return
    host = parts.hostname or ""
    if parts.username or parts.password:
        yield spec.diagnostic(
            path,
            f"{key} carries credentials before the host",
            "remove them: client credentials are supplied at run time",
        )
    if parts.fragment:
        yield spec.diagnostic(path, f"{key} has a fragment", "remove the #fragment")
    loopback = parts.scheme == "http" and not fields and is_loopback(host)
    if parts.scheme != "https" and not loopback:
        yield spec.diagnostic(
            path,
            f"{key} must be an https URL (http only for a loopback address such as "
            "127.0.0.1)",
            "client secrets and tokens travel to this URL; write https://",
        )


def _check_parameters(
    spec: LoadedSpec, auth: dict[str, Any], key: str, reserved: frozenset[str]
) -> Iterator[Diagnostic]:
    for name in sorted(auth.get(key, {})):
        if name in reserved:
            yield spec.diagnostic(
                ("Authentication", key, name),
                f"{key} sets '{name}', which the client sets itself",
                "remove it; secrets and credentials are supplied at run time"
                if name in ("client_secret", "password", "refresh_token", "code")
                else "remove it",
                key=True,
            )


def _check_scopes(spec: LoadedSpec, auth: dict[str, Any]) -> Iterator[Diagnostic]:
    separator: str = auth.get("ScopeSeparator", " ")
    seen: dict[str, int] = {}
    for i, scope in enumerate(auth.get("Scopes", [])):
        path: JsonPath = ("Authentication", "Scopes", i)
        if separator in scope:
            yield spec.diagnostic(
                path,
                f"scope {scope!r} contains the ScopeSeparator {separator!r}",
                "list each scope as its own entry",
            )
        if scope in seen:
            yield spec.diagnostic(
                path,
                f"scope {scope!r} is listed twice (first as Scopes[{seen[scope]}])",
                "remove the repeat",
            )
        seen.setdefault(scope, i)


def _check_reserved_names(
    spec: LoadedSpec,
    data: dict[str, Any],
    arguments: frozenset[str] = OAUTH2_ARGUMENTS,
    methods: frozenset[str] = OAUTH2_METHODS,
    client: str = "OAuth 2",
) -> Iterator[Diagnostic]:
    """Properties and methods whose Python names the ``client`` takes itself (the
    Session and Jwt clients' too: session_jwt.py)."""
    for i, prop in enumerate(data.get("Properties", [])):
        name = python_name(prop, prop["Name"])
        if name in arguments:
            yield spec.diagnostic(
                ("Properties", i, "Name"),
                f"property '{prop['Name']}' would be the argument '{name}', which "
                f"the {client} client already has",
                "rename it or give it a PythonName",
            )
    for i, method in enumerate(data["Methods"]):
        name = python_name(method, method["Name"])
        if name in methods:
            yield spec.diagnostic(
                ("Methods", i, "Name"),
                f"method '{method['Name']}' would be '{name}', which the {client} "
                "client uses itself",
                "rename it or give it a PythonName",
            )
