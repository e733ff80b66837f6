"""Semantic checks of the authentication extras of issue 11: connector-wide and
per-method ``Headers``, and an ApiKey connector's several ``Keys``.

Kept apart from semantics.py (which calls ``auth_extra_errors`` from its run) so that
each area's checks stand in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .diagnostics import Diagnostic
from .load import JsonPath, LoadedSpec
from .names import python_name

__all__ = [
    "api_key_names",
    "api_key_targets",
    "auth_extra_errors",
    "header_credentials",
    "secret_credentials",
]

# Headers the client sets itself from the request.
_OWN_HEADERS = frozenset(
    {"content-type", "content-length", "host", "transfer-encoding"}
)
# Header names that carry credentials: a fixed value there is a secret in the spec.
_SECRET_NAME = re.compile(r"authorization|api[-_]?key|token|secret|password", re.I)


def api_key_names(auth: dict[str, Any]) -> list[tuple[str, JsonPath]]:
    """The constructor arguments of an ApiKey connector's ``Keys``."""
    return [
        (python_name(key, key["Name"]), ("Authentication", "Keys", i, "Name"))
        for i, key in enumerate(auth["Keys"])
    ]


# The credentials a header may carry, by their {{Name}}, for their constructor argument.
_HEADER_CREDENTIALS = {
    "api_key": "ApiKey",
    "client_id": "ClientId",
    "username": "Username",
}
# The secrets the authentication keeps to itself, by their {{Name}}.
_SECRET_CREDENTIALS = {
    "client_secret": ("ClientSecret", "the client secret"),
    "password": ("Password", "the password"),
    "private_key": ("PrivateKey", "the client's private key"),
    "key": ("Key", "the signing key"),
    "rsa_key": ("RsaKey", "the RSA private key"),
    "token": ("Token", "the OAuth 1 access token"),
    "token_secret": ("TokenSecret", "the token secret"),
    "service_account_key": ("ServiceAccountKey", "the service account key"),
}


def header_credentials(auth: dict[str, Any]) -> dict[str, str]:
    """The credentials a Headers value may hold as ``{{Name}}`` (an ApiKey connector's
    key or Keys, a client id, a username), each with its constructor argument."""
    from .semantics import credential_names

    if auth["AuthType"] == "ApiKey" and "Keys" in auth:
        return {
            key["Name"]: name
            for key, (name, _) in zip(auth["Keys"], api_key_names(auth), strict=True)
        }
    return {
        _HEADER_CREDENTIALS[name]: name
        for name, _ in credential_names(auth)
        if name in _HEADER_CREDENTIALS
    }


def secret_credentials(auth: dict[str, Any]) -> dict[str, str]:
    """The secrets of the authentication a header must not hold, by ``{{Name}}``, with
    what they are; an AuthFields field is one too."""
    from .semantics import credential_names

    if auth["AuthType"] == "AuthFields":
        return {field["Name"]: "an AuthFields field" for field in auth["Fields"]}
    return dict(
        _SECRET_CREDENTIALS[name]
        for name, _ in credential_names(auth)
        if name in _SECRET_CREDENTIALS
    )


def api_key_targets(auth: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Where each of the ``Keys`` goes, keyed as parameters are (headers in lower
    case), with who puts it there."""
    targets: dict[tuple[str, str], str] = {}
    for key in auth["Keys"]:
        who = f"the ApiKey authentication (key '{key['Name']}')"
        if "QueryParameter" in key:
            targets[("QueryString", key["QueryParameter"])] = who
        elif "Header" in key:
            targets[("HttpHeader", key["Header"].lower())] = who
    return targets


def auth_extra_errors(spec: LoadedSpec) -> Iterator[Diagnostic]:
    """Every problem of a schema-valid spec's Headers and ApiKey Keys."""
    # Imported here: checking imports this module.
    from .checking import Context as _Checker
    from .checking import auth_targets as _auth_targets

    checker = _Checker(spec)
    data: dict[str, Any] = spec.data
    auth: dict[str, Any] = data["Authentication"]
    targets = _auth_targets(auth)
    properties = {p["Name"]: p for p in data.get("Properties", [])}
    connector: dict[str, str] = data.get("Headers", {})
    yield from _header_errors(
        checker, ("Headers",), connector, properties, targets, None, auth
    )
    sent = {name.lower() for name in connector}
    for i, method in enumerate(data["Methods"]):
        if "Headers" not in method:
            continue
        path: JsonPath = ("Methods", i, "Headers")
        yield from _header_errors(
            checker, path, method["Headers"], properties, targets, method, auth
        )
        for name, value in method["Headers"].items():
            if value is None and name.lower() not in sent:
                yield spec.diagnostic(
                    (*path, name),
                    f"Headers leaves out '{name}', which the connector's Headers "
                    "do not send",
                    "remove it, or add the header to the connector's Headers",
                    key=True,
                )
    if auth["AuthType"] == "ApiKey" and "Keys" in auth:
        yield from _key_errors(checker, auth)
    if auth["AuthType"] == "OAuth2":
        yield from _token_request_errors(checker, auth, properties)
        yield from _assertion_errors(spec, auth, properties)


# The keys of a PrivateKeyJwt client assertion's signature and headers.
_ASSERTION_KEYS = ("Algorithm", "KeyId", "CertificateThumbprint")
_THUMBPRINT = re.compile(r"(?:[0-9A-Fa-f]{2}:?){19}[0-9A-Fa-f]{2}|[A-Za-z0-9_-]{27}")


def _assertion_errors(
    spec: LoadedSpec, auth: dict[str, Any], properties: dict[str, dict[str, Any]]
) -> Iterator[Diagnostic]:
    """Algorithm, KeyId and CertificateThumbprint of an OAuth 2 connector."""
    from .checking import MERGE_FIELD
    from .session_jwt import _check_merge_fields

    client_auth = auth.get("ClientAuthentication", "Basic")
    for key in _ASSERTION_KEYS:
        if key not in auth:
            continue
        if client_auth != "PrivateKeyJwt":
            yield spec.diagnostic(
                ("Authentication", key),
                f"{key} without ClientAuthentication PrivateKeyJwt, the client "
                "authentication that signs an assertion with the client's key",
                "remove it, or use ClientAuthentication PrivateKeyJwt",
                key=True,
            )
            continue
        if key == "Algorithm":
            continue
        value: str = auth[key]
        yield from _check_merge_fields(
            spec, ("Authentication", key), key, value, properties
        )
        if (
            key == "CertificateThumbprint"
            and not MERGE_FIELD.search(value)
            and not _THUMBPRINT.fullmatch(value.strip())
        ):
            yield spec.diagnostic(
                ("Authentication", key),
                f"CertificateThumbprint {value!r} is not a SHA-1 thumbprint",
                "write the certificate's thumbprint as 40 hex digits (as the Azure "
                "portal shows it) or in base64url (27 characters), or a "
                "{{Property}} that holds it",
            )


def _header_errors(
    checker: Any,
    path: JsonPath,
    headers: Mapping[str, str | None],
    properties: dict[str, dict[str, Any]],
    targets: dict[tuple[str, str], str],
    method: dict[str, Any] | None,
    auth: dict[str, Any],
) -> Iterator[Diagnostic]:
    from .checking import MERGE_FIELD, property_field_errors
    from .wire_rules import HEADER_NAME
    from .wire_rules import header_value_problem as _header_value_problem

    spec: LoadedSpec = checker.spec
    credentials = header_credentials(auth)
    secrets = secret_credentials(auth)
    seen: dict[str, str] = {}
    parameters = {
        p["TargetName"].lower()
        for p in (method or {}).get("Parameters", [])
        if p["TargetType"] == "HttpHeader"
    }
    for name, value in headers.items():
        where: JsonPath = (*path, name)
        lower = name.lower()
        if not HEADER_NAME.fullmatch(name):
            yield spec.diagnostic(
                where,
                f"header {name!r} is not a valid HTTP header name",
                "a header name has letters, digits and !#$%&'*+-.^_`|~ only",
                key=True,
            )
        if lower in seen:
            yield spec.diagnostic(
                where,
                f"header '{name}' is given twice (as '{seen[lower]}'); header names "
                "do not depend on case",
                "keep one of them",
                key=True,
            )
        seen.setdefault(lower, name)
        if ("HttpHeader", lower) in targets:
            yield spec.diagnostic(
                where,
                f"header '{name}' is set by {targets[('HttpHeader', lower)]}",
                "remove it here: the authentication sends it",
                key=True,
            )
        if lower in _OWN_HEADERS:
            yield spec.diagnostic(
                where,
                f"header '{name}' is set by the client from each request",
                "remove it: RequestFormat decides the Content-Type",
                key=True,
            )
        if lower in parameters:
            yield spec.diagnostic(
                where,
                f"header '{name}' is also an HttpHeader parameter of this method",
                "keep one of them: the parameter, with a Default, or the header",
                key=True,
            )
        if value is None:
            continue
        yield from checker.check_template(where, value)
        fields = [m for m in MERGE_FIELD.finditer(value) if m.group(1).strip()]
        for match in fields:
            field = match.group(1).strip()
            span = (value, match.start())
            if field not in properties and field in credentials:
                continue
            if field not in properties and field in secrets:
                yield spec.diagnostic(
                    where,
                    f"header '{name}' uses {{{{{field}}}}}, {secrets[field]}, a "
                    "secret the authentication sends only where its protocol puts it",
                    _secret_hint(credentials),
                    span=span,
                )
            else:
                yield from property_field_errors(
                    spec,
                    where,
                    f"header '{name}'",
                    field,
                    properties,
                    declared=[*properties, *credentials],
                    span=span,
                )
        problem = _header_value_problem(MERGE_FIELD.sub("x", value))
        if problem:
            yield spec.diagnostic(
                where,
                f"header '{name}' has a value that cannot be sent in HTTP: {problem}",
                "a header value is visible ASCII text, with spaces only between words",
            )
        elif not fields and _SECRET_NAME.search(name):
            yield spec.diagnostic(
                where,
                f"header '{name}' has a fixed value, which would be a secret written "
                "in the spec",
                "declare a Sensitive property and write its {{Name}} here, so the "
                "value is supplied at run time",
            )


def _secret_hint(credentials: dict[str, str]) -> str:
    allowed = ", ".join("{{" + name + "}}" for name in credentials)
    return (
        "remove it; "
        + (f"a header may carry {allowed}, or " if allowed else "a header may carry ")
        + "a Sensitive property's {{Name}} for a second secret"
    )


def _key_errors(checker: Any, auth: dict[str, Any]) -> Iterator[Diagnostic]:
    from .checking import CONSTRUCTOR_ARGUMENTS
    from .wire_rules import header_value_problem as _header_value_problem

    spec: LoadedSpec = checker.spec
    for single in ("Header", "QueryParameter", "Format"):
        if single in auth:
            yield spec.diagnostic(
                ("Authentication", single),
                f"{single} beside Keys",
                f"give each key its own {single} under Keys, and remove this one",
                key=True,
            )
    names: dict[str, int] = {}
    targets: dict[tuple[str, str], str] = {}
    for i, key in enumerate(auth["Keys"]):
        path: JsonPath = ("Authentication", "Keys", i)
        name = python_name(key, key["Name"])
        yield from checker.check_identifier(path, key, name, "key")
        if name in names:
            yield checker.clash(path, "key", names[name], name)
        elif name in CONSTRUCTOR_ARGUMENTS:
            yield spec.diagnostic(
                (*path, "Name"),
                f"key '{key['Name']}' would be the argument '{name}', which "
                f"{CONSTRUCTOR_ARGUMENTS[name]}",
                "rename it or give it a PythonName",
            )
        names.setdefault(name, i)
        if "Header" in key and "QueryParameter" in key:
            yield spec.diagnostic(
                (*path, "QueryParameter"),
                f"key '{key['Name']}' has both a Header and a QueryParameter",
                "keep one: a key is sent in one place",
                key=True,
            )
        elif "Header" not in key and "QueryParameter" not in key:
            yield spec.diagnostic(
                (*path, "Name"),
                f"key '{key['Name']}' says neither Header nor QueryParameter",
                "add Header: <the header that carries it>, or QueryParameter",
            )
        else:
            target = (
                ("HttpHeader", key["Header"].lower())
                if "Header" in key
                else ("QueryString", key["QueryParameter"])
            )
            where = "Header" if "Header" in key else "QueryParameter"
            if target in targets:
                yield spec.diagnostic(
                    (*path, where),
                    f"key '{key['Name']}' goes in the same {where} as key "
                    f"'{targets[target]}'",
                    "give each key its own header or query parameter",
                )
            targets.setdefault(target, key["Name"])
        placeholder = "{" + key["Name"] + "}"
        if "Format" in key:
            if placeholder not in key["Format"]:
                yield spec.diagnostic(
                    (*path, "Format"),
                    f"Format of key '{key['Name']}' does not hold {placeholder}",
                    f"write {placeholder} where the key goes, as in "
                    f"'Bearer {placeholder}'",
                )
            elif "Header" in key and (problem := _header_value_problem(key["Format"])):
                yield spec.diagnostic(
                    (*path, "Format"),
                    f"Format {key['Format']!r} cannot be sent in an HTTP header: "
                    f"{problem}",
                    "a header value is visible ASCII text, with spaces only between "
                    "words",
                )


def _token_request_errors(
    checker: Any, auth: dict[str, Any], properties: dict[str, dict[str, Any]]
) -> Iterator[Diagnostic]:
    """OAuth 2 TokenParameters and AuthoriseParameters fields, TokenRequestNames."""
    from .checking import MERGE_FIELD, property_field_errors
    from .oauth2 import RESERVED_TOKEN_PARAMETERS

    spec: LoadedSpec = checker.spec
    for key in ("AuthoriseParameters", "TokenParameters"):
        for name, value in auth.get(key, {}).items():
            where: JsonPath = ("Authentication", key, name)
            yield from checker.check_template(where, value)
            for match in MERGE_FIELD.finditer(value):
                field = match.group(1).strip()
                span = (value, match.start())
                if field:
                    yield from property_field_errors(
                        spec, where, f"{key} '{name}'", field, properties, span=span
                    )
    response: dict[str, Any] = auth.get("TokenResponse", {})
    instance = response.get("InstanceUrl")
    defaults = {
        "AccessToken": "access_token",
        "RefreshToken": "refresh_token",
        "ExpiresIn": "expires_in",
        "RefreshTokenExpiresIn": "refresh_token_expires_in",
    }
    for key, default in defaults.items():
        if instance is not None and _same_path(response.get(key, default), instance):
            yield spec.diagnostic(
                ("Authentication", "TokenResponse", "InstanceUrl"),
                f"InstanceUrl names the field '{instance}', which is the {key} field",
                "write the field that holds the API's address, such as instance_url",
            )
    names: dict[str, str] = auth.get("TokenRequestNames", {})
    client_auth = auth.get("ClientAuthentication", "Basic")
    for key, value in names.items():
        where = ("Authentication", "TokenRequestNames", key)
        if key == "ClientSecret" and client_auth != "Body":
            yield spec.diagnostic(
                where,
                f"TokenRequestNames names the ClientSecret field, but "
                f"ClientAuthentication {client_auth} sends no secret in the body",
                "remove it, or use ClientAuthentication Body",
                key=True,
            )
        elif key in ("Username", "Password") and (
            auth["OAuth2Type"] != "PasswordCredentials"
        ):
            yield spec.diagnostic(
                where,
                f"TokenRequestNames names the {key} field, but OAuth2Type "
                f"{auth['OAuth2Type']} sends no {key.lower()}",
                "remove it: only PasswordCredentials sends the user's username and "
                "password",
                key=True,
            )
        elif key == "ClientId" and client_auth not in ("Body", "None"):
            yield spec.diagnostic(
                where,
                f"TokenRequestNames names the ClientId field, but "
                f"ClientAuthentication {client_auth} sends the id in a header",
                "remove it, or use ClientAuthentication Body",
                key=True,
            )
        elif value in RESERVED_TOKEN_PARAMETERS - {_DEFAULT_NAMES[key]}:
            yield spec.diagnostic(
                where,
                f"TokenRequestNames {key} '{value}' is a field the token request "
                "already has",
                "write the name the provider gives the credential",
            )
        elif value in auth.get("TokenParameters", {}):
            yield spec.diagnostic(
                where,
                f"TokenRequestNames {key} '{value}' is also a TokenParameters name",
                "remove that TokenParameters entry: the credential is sent there",
            )
    if len(set(names.values())) < len(names):
        yield spec.diagnostic(
            ("Authentication", "TokenRequestNames"),
            "TokenRequestNames gives two credentials the same name",
            "give each credential its own field",
            key=True,
        )


# The token request fields TokenRequestNames renames, by its keys.
_DEFAULT_NAMES = {
    "ClientId": "client_id",
    "ClientSecret": "client_secret",
    "Username": "username",
    "Password": "password",
}


def _same_path(first: str, second: str) -> bool:
    """True when two TokenResponse fields name the same place (a bad path, which is
    reported by itself, is compared as written)."""
    from .fieldpath import PathError, token_path

    try:
        return token_path(first) == token_path(second)
    except PathError:
        return first == second
