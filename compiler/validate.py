"""Stage 2: check a spec against the JSON Schema, then make the checks it cannot."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from .auth_methods import auth_method_errors
from .control_text import control_text_errors
from .diagnostics import Diagnostic, SpecError, closest, describe
from .leaks import find_leaks, leak_diagnostics, not_secrets, redact
from .load import JsonPath, LoadedSpec
from .names import IDENTIFIER, snake_case
from .resources import SCHEMA_PATH
from .semantics import semantic_errors

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError

__all__ = ["SCHEMA_PATH", "schema", "validate"]


# Keys that would hold a secret or a client credential; the schema forbids them and
# the message says where the value goes instead.
RUN_TIME_VALUES = {
    "ClientId": ("client_id", "the client id"),
    "ClientSecret": ("client_secret", "the client secret"),
    "ApiKey": ("api_key", "the API key"),
    "Username": ("username", "the username"),
    "Password": ("password", "the password"),
    "AccessToken": ("access_token", "the access token"),
    "RefreshToken": ("refresh_token", "the refresh token"),
    "Token": ("token", "the token"),
    "Secret": ("secret", "the secret"),
    "TokenSecret": ("token_secret", "the token secret"),
    "RsaKey": ("rsa_key", "the RSA private key"),
    "Value": ("the field's argument", "an authentication field's value"),
}

# The two spellings Cyclr uses: OAuth2 says AuthoriseUrl, OAuth1 says AuthorizeUrl.
SPELLINGS = {
    ("OAuth2", "AuthorizeUrl"): ("AuthoriseUrl", "with an s"),
    ("OAuth1", "AuthoriseUrl"): ("AuthorizeUrl", "with a z"),
}

URL_KEYS = frozenset(
    {
        "BaseUrl",
        "RequestTokenUrl",
        "AuthorizeUrl",
        "AccessTokenUrl",
        "AuthoriseUrl",
        "RefreshUrl",
        "CallbackUrl",
        "LoginUrl",
    }
)

PATTERN_MESSAGES = {
    "BaseUrl": "must be an absolute http:// or https:// URL without spaces",
    "EndPoint": "must be a path that starts with /",
    "PythonName": "must be a snake_case Python identifier (a-z, 0-9, _)",
    "Header": "is not a valid HTTP header name",
    "Format": "must contain {ApiKey}, which stands for the key",
    "Script": "must be a relative path to a .py file",
    # AuthType Session and Jwt (compiler/session_jwt.py has their other checks).
    "TokenFormat": "must contain {Token}, which stands for the token",
    "TokenHeader": "is not a valid HTTP header name",
    "TokenCookie": "is not a valid cookie name",
    "XmlRoot": "must be an XML element name",
    # An entry of a list Authentication (compiler/auth_methods.py).
    "Name": "must be lower_snake (a-z, 0-9 and _, a letter first)",
}
# Said of a value that breaks a pattern no entry above names: the lookup is total, so
# a pattern added to the schema later is an error message, never a KeyError.
PATTERN_FALLBACK = "is not written in the form it needs"

TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}

TYPE_HINTS = {
    "string": "quote it to make it text",
    "integer": "write a whole number, without quotes",
    "number": "write a number, without quotes",
    "boolean": "write true or false, without quotes",
    "array": "write a list: one '- ' item a line, or [a, b]",
    "object": "write a mapping: one 'Key: value' a line",
}

# A missing key's hint is the first sentence of its description, unless that says
# too little to act on.
ADD_HINTS = {
    "Fields": "add Fields: a list of entries with Name, Key and Type",
}


@cache
def schema() -> dict[str, Any]:
    """The connector JSON Schema, read once."""
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


@cache
def _validator() -> Draft202012Validator:
    # jsonschema is imported when a spec has errors to word (or the fast path is
    # missing): a run over valid specs does not pay for its import.
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


@cache
def _fast_validator() -> Any:
    """jsonschema-rs's validator of the schema, or None when it is not installed."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - it is a dependency; jsonschema remains
        return None
    return jsonschema_rs.Draft202012Validator(schema(), offline=True)


# Characters on which Python's re and the Rust regex engine of jsonschema-rs might
# read a pattern differently (``\s`` takes U+001C-U+001F in Python, not in Rust, and
# U+FEFF in ECMA-262, not in Python): text with any non-printable character other
# than these whitespace ones goes to jsonschema, so that a spec is never accepted by
# one validator and refused by the other (tests/test_validate_speed.py compares them).
_PLAIN_CONTROLS = frozenset("\t\n\r\x0b\x0c")


def _plain(value: object) -> bool:
    """True when every value in ``value`` reads the same to both validators: JSON
    types only, string keys, finite numbers, and no character of uncertain class."""
    if isinstance(value, str):
        return value.isprintable() or all(
            c.isprintable() or c in _PLAIN_CONTROLS for c in value
        )
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -(2**63) <= value < 2**64
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and _plain(k) and _plain(v) for k, v in value.items()
        )
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return False


def schema_valid_fast(data: object) -> bool:
    """True when jsonschema-rs finds ``data`` valid and its verdict is certain to
    be jsonschema's; False means "ask jsonschema" (which words the errors)."""
    fast = _fast_validator()
    if fast is None or not _plain(data):
        return False
    try:
        return bool(fast.is_valid(data))
    except Exception:  # a value it cannot take: jsonschema decides
        return False


def validate(spec: LoadedSpec) -> None:
    """Raise ``SpecError`` with every problem found in ``spec``."""
    if not isinstance(spec.data, dict):
        raise SpecError(
            [
                spec.diagnostic(
                    (),
                    f"the spec must be a mapping of keys, not {describe(spec.data)}",
                    "start from an example in specs/ (SpecVersion, Name, BaseUrl, "
                    "Authentication, Methods)",
                )
            ]
        )
    # Secrets pasted as values are found on the raw data, so they are reported with
    # schema errors too; every message is then masked so none prints one back.
    found = find_leaks(spec.data)
    # A random-looking value marked '# connectorc: not-a-secret' is no leak.
    passed = not_secrets(spec, found)
    leaks = [leak for leak in found if leak not in passed]
    controls = control_text_errors(spec)
    errors = _schema_errors(spec)
    if not errors:
        errors = auth_method_errors(spec, semantic_errors)
    # A control character is the one error of its text, and of what is under a key
    # that holds one (a pattern, a URL or header check would say it again).
    errors = controls + [d for d in errors if not _under(d.json_path, controls)]
    # A check by key name (a sensitive property's Default) may have said it already.
    said = {d.json_path for d in errors if "secret" in f"{d.message} {d.hint}"}
    errors += [d for d in leak_diagnostics(spec, leaks) if d.json_path not in said]
    if errors:
        raise SpecError(redact(errors, leaks))


def _under(path: JsonPath, controls: list[Diagnostic]) -> bool:
    """Whether ``path`` is a text or key that ``controls`` already reports."""
    return any(path[: len(c.json_path)] == c.json_path for c in controls)


def _schema_errors(spec: LoadedSpec) -> list[Diagnostic]:
    """Every schema error of ``spec`` as a located diagnostic, one per mistake.

    A wrong or misspelt AuthType does not hide the rest of the authentication
    block (issue 15): the block is checked again as the AuthType that was meant
    (the did-you-mean one), and its errors replace those that only said that no
    AuthType matched."""
    found = _diagnostics(spec)
    meant = _meant_auth(spec)
    if meant is None:
        return found
    corrected, own_keys = meant
    kept = [d for d in found if not _in_auth(d) or d.json_path in own_keys]
    again = [d for d in _diagnostics(corrected) if _in_auth(d)]
    return kept + [d for d in again if d.json_path not in own_keys]


def _diagnostics(spec: LoadedSpec) -> list[Diagnostic]:
    if schema_valid_fast(spec.data):
        return []
    errors = list(_validator().iter_errors(spec.data))
    misspelt = _misspellings(spec, errors)
    found: dict[tuple[int, int, str], Diagnostic] = {}
    for error in errors:
        for diagnostic in _from_schema_error(spec, error, misspelt):
            found.setdefault(
                (diagnostic.line, diagnostic.column, diagnostic.message), diagnostic
            )
    return list(found.values())


def _in_auth(diagnostic: Diagnostic) -> bool:
    return diagnostic.json_path[:1] == ("Authentication",)


def _meant_auth(spec: LoadedSpec) -> tuple[LoadedSpec, set[JsonPath]] | None:
    """The spec with the AuthType that was meant, when the written one is unknown
    or its key misspelt; with the paths whose errors still come from the spec as
    written (the AuthType value, or the misspelt key, and the block itself when
    the key is missing)."""
    auth = spec.data.get("Authentication")
    if not isinstance(auth, dict):
        return None
    written = auth.get("AuthType")
    if "AuthType" in auth:
        meant = closest(written, _auth_types()) if isinstance(written, str) else None
        if meant is None or meant == written:
            return None
        fixed = {**auth, "AuthType": meant}
        own: set[JsonPath] = {("Authentication", "AuthType")}
    else:
        # A key of its own (OAuth2Type) is not a misspelt AuthType.
        keys = [
            k
            for k in auth
            if k not in _all_properties() and closest(k, ["AuthType"]) == "AuthType"
        ]
        value = auth[keys[0]] if len(keys) == 1 else None
        meant = closest(value, _auth_types()) if isinstance(value, str) else None
        if meant is None:
            return None
        fixed = {k: v for k, v in auth.items() if k != keys[0]}
        fixed["AuthType"] = meant
        own = {("Authentication", keys[0]), ("Authentication", "AuthType")}
        if meant != value:
            own.add(("Authentication", keys[0]))
    corrected = replace(spec, data={**spec.data, "Authentication": fixed})
    return corrected, own


def _misspellings(
    spec: LoadedSpec, errors: list[ValidationError]
) -> set[tuple[JsonPath, str]]:
    """``(mapping path, key)`` for each required key that is there, but misspelt.

    ``Endpoint`` for ``EndPoint`` is one mistake: the unknown key's did-you-mean says
    all there is to say, so the missing key is not reported as well."""
    meant: set[tuple[JsonPath, str]] = set()
    for error in errors:
        if error.validator in ("additionalProperties", "unevaluatedProperties"):
            path: JsonPath = tuple(error.absolute_path)
            for key, allowed in _unknown_keys(error):
                intended = _intended_key(spec, path, key, allowed)
                if intended:
                    meant.add((path, intended))
    return meant


def _from_schema_error(
    spec: LoadedSpec, error: ValidationError, misspelt: set[tuple[JsonPath, str]]
) -> Iterator[Diagnostic]:
    path: JsonPath = tuple(error.absolute_path)
    where = _where(path)
    kind = error.validator
    expected: Any = error.validator_value
    subschema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    if kind == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        properties = _then_properties(subschema)
        for key in expected:
            if key not in present and (path, key) not in misspelt:
                yield spec.diagnostic(
                    path,
                    f"{where} {_needs(spec, path)}'{key}'",
                    _add_hint(key, properties.get(key, {})),
                )
    elif kind in ("additionalProperties", "unevaluatedProperties"):
        for key, allowed in _unknown_keys(error):
            diagnostic = _unknown_key(spec, path, key, allowed)
            if diagnostic is not None:
                yield diagnostic
    elif (
        kind in ("not", "enum")
        and path
        and path[-1] in RUN_TIME_VALUES
        and (kind == "not" or subschema.get("doNotSuggest"))
    ):
        # RunTimeSecret: `enum: []` with an errorMessage, which the YAML language
        # server shows (it shows none for `not`).
        yield _run_time_value(spec, path)
    elif kind == "not":
        # The only other `not` in the schema: ApiKey's Header and QueryParameter.
        yield spec.diagnostic(
            (*path, "QueryParameter"),
            "ApiKey authentication gives both Header and QueryParameter",
            "the key goes in one place: remove Header or QueryParameter",
            key=True,
        )
    elif kind == "enum":
        yield _bad_choice(spec, path, error.instance, expected)
    elif kind == "const":
        yield spec.diagnostic(
            path,
            f"{where} must be {error.validator_value!r}, not {error.instance!r}",
            f"write {path[-1]}: {error.validator_value}",
        )
    elif kind == "type":
        yield _wrong_type(spec, path, error.instance, expected)
    elif kind == "pattern":
        yield _no_match(spec, path, error.instance, subschema)
    elif kind == "minItems":
        yield spec.diagnostic(path, f"{where} is empty", "list at least one entry")
    elif kind == "minLength":
        yield spec.diagnostic(path, f"{where} is empty", "give it a value")
    elif kind == "uniqueItems":
        items = error.instance if isinstance(error.instance, list) else []
        yield _repeated_item(spec, path, items)
    elif kind == "minimum":
        yield spec.diagnostic(
            path,
            f"{where} must be at least {expected}, not {error.instance}",
            f"use {expected} or more",
        )
    elif kind == "exclusiveMinimum":
        yield spec.diagnostic(
            path,
            f"{where} must be more than {expected}, not {error.instance}",
            f"use a number above {expected}",
        )
    else:  # pragma: no cover - every keyword the schema uses is handled above
        yield spec.diagnostic(path, f"{where}: {error.message}", "see the schema")


def _unknown_keys(error: ValidationError) -> Iterator[tuple[str, set[str]]]:
    """The keys an unknown-key error is about, each with the keys allowed there."""
    instance = error.instance if isinstance(error.instance, dict) else {}
    subschema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    allowed = _allowed_keys(subschema, instance)
    for key in sorted(k for k in instance if k not in allowed):
        yield key, allowed


def _unknown_key(
    spec: LoadedSpec, path: JsonPath, key: str, allowed: set[str]
) -> Diagnostic | None:
    auth_type = _auth_type(spec, path) if _last_key(path) == "Authentication" else None
    if path == ("Authentication",):
        # Name and Description belong to the entries of a list (auth_methods.py).
        allowed = allowed - {"Name", "Description"}
    intended = _intended_key(spec, path, key, allowed)
    # Without a known AuthType no key but AuthType is allowed. The AuthType error says
    # what to fix; only when AuthType is missing may a key misspell it.
    unknown_auth = (
        _last_key(path) == "Authentication" and auth_type not in _auth_types()
    )
    if unknown_auth and (intended != "AuthType" or auth_type is not None):
        return None
    place = f"{auth_type} authentication" if auth_type else _where(path)
    if (auth_type, key) in SPELLINGS:
        spelling, how = SPELLINGS[(auth_type or "", key)]
        hint = f"{auth_type} spells it {spelling} ({how})"
    elif intended:
        hint = f"did you mean '{intended}'?"
    else:
        choices = sorted(k for k in allowed if k not in RUN_TIME_VALUES)
        hint = (
            f"the keys allowed here are {', '.join(choices)}"
            if len(choices) > 1
            else "remove it: this authentication takes no other keys"
        )
    return spec.diagnostic(
        (*path, key), f"unknown key '{key}' in {place}", hint, key=True
    )


def _intended_key(
    spec: LoadedSpec, path: JsonPath, key: str, allowed: set[str]
) -> str | None:
    """The allowed key that ``key`` misspells, if one is close enough to say so."""
    if _last_key(path) == "Authentication":
        spelling = SPELLINGS.get((_auth_type(spec, path) or "", key))
        if spelling:
            return spelling[0]
    return closest(key, (k for k in allowed if k not in RUN_TIME_VALUES))


def _run_time_value(spec: LoadedSpec, path: JsonPath) -> Diagnostic:
    key = str(path[-1])
    argument, what = RUN_TIME_VALUES[key]
    if key == "Value":
        hint = "remove it: the user supplies the value when creating the client"
    else:
        hint = (
            f"remove it: {what} is supplied at run time, as the client's "
            f"{argument}= argument or through from_env()"
        )
    return spec.diagnostic(path, f"{key} must not be written in a spec", hint, key=True)


def _bad_choice(
    spec: LoadedSpec, path: JsonPath, value: Any, choices: list[Any]
) -> Diagnostic:
    key = _last_key(path) or "value"
    names = [str(c) for c in choices]
    if key == "Algorithm" and _auth_type(spec, path) == "OAuth2":
        hmac = _hmac_assertion_algorithm(spec, path, value, names)
        if hmac:
            return hmac
    match = closest(value, names) if isinstance(value, str) else None
    return spec.diagnostic(
        path,
        f"unknown {key} {value!r}",
        f"did you mean '{match}'?" if match else f"use one of {', '.join(names)}",
    )


def _hmac_assertion_algorithm(
    spec: LoadedSpec, path: JsonPath, value: Any, names: list[str]
) -> Diagnostic | None:
    """An HMAC ``Algorithm`` (HS256...) for a client assertion: ClientSecretJwt's.

    The schema's closest name (RS256 for HS256) would send the author to a private
    key they may not have; the secret-signed assertion is another ClientAuthentication.
    """
    if not (isinstance(value, str) and value.upper().startswith("HS")):
        return None
    auth = _auth_block(spec, path)
    method = auth.get("ClientAuthentication") if isinstance(auth, dict) else None
    message = (
        f"Algorithm {value!r} is an HMAC algorithm: a client assertion signed with "
        "a shared secret is ClientSecretJwt's, not PrivateKeyJwt's"
    )
    if method == "ClientSecretJwt":
        hint = "remove Algorithm: ClientSecretJwt always signs HS256"
    else:
        keys = f"{', '.join(names[:-1])} or {names[-1]}"
        hint = (
            "to sign with the client secret write ClientAuthentication: "
            f"ClientSecretJwt (always HS256) without Algorithm, or use {keys} "
            "with a private key"
        )
    return spec.diagnostic(path, message, hint)


def _wrong_type(
    spec: LoadedSpec, path: JsonPath, value: Any, expected: str | list[str]
) -> Diagnostic:
    kinds = expected if isinstance(expected, list) else [expected]
    words = " or ".join(TYPE_WORDS[kind] for kind in kinds)
    if len(kinds) == 1:
        hint = TYPE_HINTS.get(kinds[0], "")
    else:
        hint = f"write {', '.join(TYPE_WORDS[kind] for kind in kinds[:-1])}"
        hint += f" or {TYPE_WORDS[kinds[-1]]}"
    return spec.diagnostic(
        path, f"{_where(path)} must be {words}, not {describe(value)}", hint
    )


def _no_match(
    spec: LoadedSpec, path: JsonPath, value: Any, subschema: Mapping[str, Any]
) -> Diagnostic:
    """A value that breaks its pattern: what the key needs, and how to write it."""
    key = "BaseUrl" if _last_key(path) in URL_KEYS else _last_key(path)
    if key == "Format" and path[:1] == ("Authentication",):
        auth = _auth_block(spec, path)
        if isinstance(auth, dict) and auth.get("AuthType") in ("Session", "Jwt"):
            key = "TokenFormat"
    text = PATTERN_MESSAGES.get(key, PATTERN_FALLBACK)
    if key not in PATTERN_MESSAGES:
        hint = str(subschema.get("patternErrorMessage", "")) or (
            f"write it to match the pattern {subschema.get('pattern', '')}"
        )
    elif key == "BaseUrl" and " " in value:
        hint = "remove the spaces (write %20 for a space in a path)"
    elif key == "BaseUrl" and "://" not in value:
        hint = f"write the scheme too, as in 'https://{value}'"
    elif key == "BaseUrl":
        hint = "start it with https:// (or http://)"
    elif key == "EndPoint":
        hint = f"write '/{value}'"
    elif key == "PythonName" and IDENTIFIER.match(snake_case(value)):
        hint = f"write '{snake_case(value)}'"
    elif key == "PythonName":
        hint = "use lower-case letters, digits and _, not starting with a digit"
    elif key == "Header":
        hint = "use letters, digits and '-', as in 'X-Api-Key'"
    elif key == "Script":
        hint = "write the path relative to the spec, as in 'scripts/hooks.py'"
    elif key == "TokenFormat":
        hint = "put {Token} where the token goes, as in 'Bearer {Token}'"
    elif key in ("TokenPath", "ExpiresInPath"):
        hint = "write a path such as 'data.token', without empty parts"
    elif key in ("TokenHeader", "TokenCookie"):
        hint = "use letters, digits and '-' or '_', as in 'X-Subject-Token'"
    elif key == "Name" and re.fullmatch("[a-z][a-z0-9_]*", value.lower()):
        hint = f"write '{value.lower()}'"
    elif key == "Name" and re.fullmatch("[a-z][a-z0-9_]*", snake_case(value)):
        hint = f"write '{snake_case(value)}'"
    elif key == "Name":
        hint = "use lower-case letters, digits and _, a letter first, as in 'oauth2'"
    elif key == "XmlRoot":
        hint = "use letters, digits, _, - and . (a letter or _ first), as in 'Request'"
    else:
        hint = "put {ApiKey} where the key goes, as in 'Bearer {ApiKey}'"
    return spec.diagnostic(path, f"{_where(path)} {text}, not {value!r}", hint)


def _repeated_item(spec: LoadedSpec, path: JsonPath, items: list[Any]) -> Diagnostic:
    """Point at the second of two equal items (``1`` and ``true`` are not equal)."""
    seen: list[Any] = []
    for index, item in enumerate(items):
        if any(type(item) is type(other) and item == other for other in seen):
            return spec.diagnostic(
                (*path, index),
                f"{_where(path)} lists {item!r} twice",
                "remove the repeat",
            )
        seen.append(item)
    return spec.diagnostic(  # pragma: no cover - jsonschema found a repeat
        path, f"{_where(path)} lists a value twice", "remove the repeat"
    )


def _needs(spec: LoadedSpec, path: JsonPath) -> str:
    """The verb of a missing-key message, naming the AuthType that needs the key."""
    if _last_key(path) == "Authentication":
        auth = _auth_block(spec, path)
        grant = auth.get("OAuth2Type") if isinstance(auth, dict) else None
        if grant in _grant_types() and auth.get("AuthType") == "OAuth2":
            return f"(OAuth2 {grant}) is missing "
        auth_type = _auth_type(spec, path)
        if auth_type:
            return f"({auth_type}) is missing "
    return "is missing "


def _add_hint(key: str, subschema: Mapping[str, Any]) -> str:
    if key in ADD_HINTS:
        return ADD_HINTS[key]
    description = str(subschema.get("description", "")).split(". ")[0].rstrip(".")
    return f"add {key}: {description}" if description else f"add {key}"


def _then_properties(subschema: Mapping[str, Any]) -> dict[str, Any]:
    """The property schemas an error can name: the local ones, then any other."""
    properties = subschema.get("properties", {})
    local = dict(properties) if isinstance(properties, dict) else {}
    return {**_all_properties(), **local}


@cache
def _all_properties() -> dict[str, Any]:
    """Every property schema in the schema by key (the first wins), for hints."""
    found: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.get("properties", {}).items():
                if isinstance(value, dict) and "description" in value:
                    found.setdefault(key, value)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema())
    return found


def _allowed_keys(
    subschema: Mapping[str, Any], instance: Mapping[str, Any]
) -> set[str]:
    """Keys that ``subschema`` evaluates for ``instance``.

    Those are its properties and those of every ``if``/``then`` branch whose condition
    holds: the only composition the schema uses."""
    allowed = set(subschema.get("properties", {}))
    for branch in subschema.get("allOf", []):
        condition = branch.get("if")
        if condition is not None and _validator().evolve(schema=condition).is_valid(
            instance
        ):
            allowed |= _allowed_keys(branch.get("then", {}), instance)
    return allowed


@cache
def _auth_types() -> frozenset[str]:
    values: list[str] = schema()["$defs"]["Authentication"]["properties"]["AuthType"][
        "enum"
    ]
    return frozenset(values)


@cache
def _grant_types() -> frozenset[str]:
    values: list[str] = _all_properties()["OAuth2Type"]["enum"]
    return frozenset(values)


def _auth_block(spec: LoadedSpec, path: JsonPath = ()) -> Any:
    """The authentication block at ``path``: the mapping, or an entry of a list."""
    auth = spec.data.get("Authentication") if isinstance(spec.data, dict) else None
    if isinstance(auth, list):
        i = path[1] if len(path) > 1 else None
        return auth[i] if isinstance(i, int) and 0 <= i < len(auth) else None
    return auth


def _auth_type(spec: LoadedSpec, path: JsonPath = ()) -> str | None:
    auth = _auth_block(spec, path)
    value = auth.get("AuthType") if isinstance(auth, dict) else None
    return value if isinstance(value, str) else None


def _last_key(path: JsonPath) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return ""


def _where(path: JsonPath) -> str:
    """A readable name for a place: ``Methods[2].Parameters[0].TargetType``."""
    if not path:
        return "the spec"
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
