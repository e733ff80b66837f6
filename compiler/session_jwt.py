"""Checks of ``AuthType: Session`` and ``AuthType: Jwt`` that the JSON Schema cannot
make (part of stage 2, validation).

Kept apart from ``semantics`` (which calls ``session_jwt_errors`` once) so that a
reader finds every check of these two AuthTypes in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .checking import MERGE_FIELD, property_field_errors
from .diagnostics import Diagnostic, did_you_mean
from .fieldpath import PathError, session_path
from .load import JsonPath, LoadedSpec
from .oauth2 import _check_reserved_names as _check_client_names
from .oauth2 import _check_url

__all__ = [
    "JWT_ARGUMENTS",
    "JWT_BEARER_ARGUMENTS",
    "SESSION_ARGUMENTS",
    "session_jwt_errors",
]

# Constructor arguments and client attributes the generated clients add.
SESSION_ARGUMENTS = frozenset({"token_store", "on_token", "leeway", "login_url"})
JWT_ARGUMENTS = frozenset({"key_id", "leeway"})
JWT_BEARER_ARGUMENTS = frozenset({"subject"})
CLIENT_METHODS = {
    "Session": frozenset({"token"}),
    "Jwt": frozenset(),
    "OAuth2": frozenset(),  # compiler/oauth2.py checks the OAuth 2 client's names
}
# The KeyFormats each Algorithm can use: HMAC takes a secret, the others a PEM key.
KEY_FORMATS = {
    "HS256": ("Text", "Hex", "IdColonHex"),
    "RS256": ("Pem",),
    "ES256": ("Pem",),
}
CLIENT_CLAIMS = {"iat": "Backdate", "exp": "Lifetime"}
TOKEN_KEYS = ("TokenPath", "TokenHeader", "TokenCookie")
LOGIN_PLACEHOLDERS = ("Username", "Password")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# Body fields whose value is a credential: a literal one is a secret in the spec.
SECRET_FIELD = re.compile(r"password|passwd|secret|token|api[-_]?key", re.I)


def session_jwt_errors(spec: LoadedSpec) -> Iterator[Diagnostic]:
    """Every Session or Jwt problem of a schema-valid spec (nothing for others)."""
    auth: dict[str, Any] = spec.data["Authentication"]
    if auth["AuthType"] == "Session":
        yield from _session_errors(spec, auth)
    if auth["AuthType"] == "Jwt":
        yield from _jwt_errors(spec, auth)
    if auth.get("OAuth2Type") == "JwtBearer" and "ClientAuthentication" in auth:
        yield spec.diagnostic(
            ("Authentication", "ClientAuthentication"),
            "ClientAuthentication with OAuth2Type JwtBearer, whose signed assertion "
            "is the client's credential",
            "remove ClientAuthentication: the service account's key signs the grant",
            key=True,
        )
    if auth.get("OAuth2Type") == "JwtBearer":
        yield from _check_reserved_names(spec, spec.data, JWT_BEARER_ARGUMENTS)


def _jwt_errors(spec: LoadedSpec, auth: dict[str, Any]) -> Iterator[Diagnostic]:
    data: dict[str, Any] = spec.data
    properties = {p["Name"]: p for p in data.get("Properties", [])}
    algorithm: str = auth["Algorithm"]
    key_format = auth.get("KeyFormat")
    if key_format is not None and key_format not in KEY_FORMATS[algorithm]:
        yield spec.diagnostic(
            ("Authentication", "KeyFormat"),
            f"KeyFormat {key_format} does not fit Algorithm {algorithm}",
            f"use KeyFormat {' or '.join(KEY_FORMATS[algorithm])} with {algorithm}"
            + (", which signs with a private key" if algorithm != "HS256" else ""),
        )
    if key_format == "IdColonHex" and "KeyId" in auth:
        yield spec.diagnostic(
            ("Authentication", "KeyId"),
            "KeyId with KeyFormat IdColonHex, whose key names its own id",
            "remove KeyId: the id before ':' in the key becomes the kid header",
            key=True,
        )
    if "KeyId" in auth:
        yield from _check_merge_fields(
            spec, ("Authentication", "KeyId"), "KeyId", auth["KeyId"], properties
        )
    for name, value in auth.get("Claims", {}).items():
        path: JsonPath = ("Authentication", "Claims", name)
        if name in CLIENT_CLAIMS:
            yield spec.diagnostic(
                path,
                f"Claims sets '{name}', which the client sets when it signs a token",
                f"remove it; {CLIENT_CLAIMS[name]} says how it is set",
                key=True,
            )
        elif isinstance(value, str):
            yield from _check_merge_fields(
                spec, path, f"claim '{name}'", value, properties
            )
    lifetime, backdate = auth.get("Lifetime", 300), auth.get("Backdate", 0)
    if backdate >= lifetime:
        yield spec.diagnostic(
            ("Authentication", "Backdate"),
            f"Backdate ({backdate} s) is not less than the Lifetime ({lifetime} s): "
            "every token would have expired when it is signed",
            "make Backdate smaller than Lifetime",
        )
    yield from _check_reserved_names(spec, data, JWT_ARGUMENTS)


def _check_merge_fields(
    spec: LoadedSpec,
    path: JsonPath,
    what: str,
    text: str,
    properties: dict[str, Any],
) -> Iterator[Diagnostic]:
    for name in MERGE_FIELD.findall(text):
        yield from property_field_errors(spec, path, what, name.strip(), properties)


def _session_errors(spec: LoadedSpec, auth: dict[str, Any]) -> Iterator[Diagnostic]:
    data: dict[str, Any] = spec.data
    properties = {p["Name"]: p for p in data.get("Properties", [])}
    yield from _check_url(spec, "LoginUrl", auth["LoginUrl"], properties)
    given = [key for key in TOKEN_KEYS if key in auth]
    if not given:
        yield spec.diagnostic(
            ("Authentication", "AuthType"),
            "Session authentication does not say where the login response carries "
            "the token",
            "add TokenPath (a JSON field, such as 'token'), TokenHeader or TokenCookie",
        )
    for key in given[1:]:
        yield spec.diagnostic(
            ("Authentication", key),
            f"{key} and {given[0]} both say where the token is",
            "keep one of TokenPath, TokenHeader and TokenCookie",
            key=True,
        )
    for key in ("TokenPath", "ExpiresInPath"):
        text = auth.get(key)
        if text is None:
            continue
        try:
            session_path(text)
        except PathError as exc:
            yield spec.diagnostic(
                ("Authentication", key),
                f"{key} '{text}': {exc.message}",
                exc.hint,
                span=(text, exc.index),
            )
    login_format = auth.get("LoginFormat", "Json")
    fields: dict[str, str] | None = auth.get("LoginFields")
    if fields is not None and login_format == "Basic":
        yield spec.diagnostic(
            ("Authentication", "LoginFields"),
            "LoginFields with LoginFormat Basic, which sends no body",
            "remove LoginFields (Basic sends the username and password in the "
            "Authorization header), or use LoginFormat Json or Form",
            key=True,
        )
    elif fields is not None:
        yield from _check_login_fields(spec, fields, properties)
    yield from _check_reserved_names(spec, data, SESSION_ARGUMENTS)


def _check_login_fields(
    spec: LoadedSpec, fields: dict[str, str], properties: dict[str, Any]
) -> Iterator[Diagnostic]:
    used: set[str] = set()
    for name, value in fields.items():
        path: JsonPath = ("Authentication", "LoginFields", name)
        # {{Property}} fields, filled in from the client's properties (issue 11).
        merged = MERGE_FIELD.findall(value)
        yield from _check_merge_fields(
            spec, path, f"LoginFields '{name}'", value, properties
        )
        placeholders = PLACEHOLDER.findall(MERGE_FIELD.sub("", value))
        for placeholder in placeholders:
            if placeholder in LOGIN_PLACEHOLDERS:
                used.add(placeholder)
                continue
            yield spec.diagnostic(
                path,
                f"LoginFields value of '{name}' uses {{{placeholder}}}, which is "
                "not a credential",
                f"write {{{{{placeholder}}}}}, with two braces, for the property's "
                "value"
                if placeholder in properties
                else did_you_mean(placeholder, list(LOGIN_PLACEHOLDERS))
                or "use {Username} or {Password}; other values are written as they are",
            )
        if not placeholders and not merged and SECRET_FIELD.search(name):
            yield spec.diagnostic(
                path,
                f"LoginFields '{name}' holds a literal value, which would be a "
                "secret written in the spec",
                "write '{Password}' and pass the password at run time (argument "
                "password= or from_env())",
            )
    if not used:
        yield spec.diagnostic(
            ("Authentication", "LoginFields"),
            "LoginFields send neither {Username} nor {Password}",
            "put {Username} and {Password} in the fields the login expects, such as "
            "email: '{Username}'",
            key=True,
        )


def _check_reserved_names(
    spec: LoadedSpec, data: dict[str, Any], arguments: frozenset[str]
) -> Iterator[Diagnostic]:
    kind = data["Authentication"]["AuthType"]
    yield from _check_client_names(spec, data, arguments, CLIENT_METHODS[kind], kind)
