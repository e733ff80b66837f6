"""Stage 2: check a spec against the JSON Schema, then make the checks it cannot."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from .diagnostics import Diagnostic, SpecError, did_you_mean
from .load import JsonPath, LoadedSpec
from .semantics import semantic_errors

__all__ = ["SCHEMA_PATH", "schema", "validate"]

SCHEMA_PATH = (
    Path(__file__).resolve().parent.parent / "schemas" / "connector.schema.json"
)

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
    ("OAuth2", "AuthorizeUrl"): "OAuth2 spells it AuthoriseUrl (with an s)",
    ("OAuth1", "AuthoriseUrl"): "OAuth1 spells it AuthorizeUrl (with a z)",
}

PATTERN_MESSAGES = {
    "BaseUrl": "must be an absolute http:// or https:// URL without spaces",
    "EndPoint": "must be a path that starts with /",
    "PythonName": "must be a snake_case Python identifier (a-z, 0-9, _)",
    "Header": "is not a valid HTTP header name",
    "Format": "must contain {ApiKey}, which stands for the key",
}

TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


@cache
def schema() -> dict[str, Any]:
    """The connector JSON Schema, read once."""
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def validate(spec: LoadedSpec) -> None:
    """Raise ``SpecError`` with every problem found in ``spec``."""
    if not isinstance(spec.data, dict):
        raise SpecError(
            [
                spec.diagnostic(
                    (),
                    f"the spec must be a mapping of keys, not {_describe(spec.data)}",
                    "start from an example in specs/ (SpecVersion, Name, BaseUrl, "
                    "Authentication, Methods)",
                )
            ]
        )
    found: dict[tuple[int, int, str], Diagnostic] = {}
    for error in _validator().iter_errors(spec.data):
        for diagnostic in _from_schema_error(spec, error):
            found.setdefault(
                (diagnostic.line, diagnostic.column, diagnostic.message), diagnostic
            )
    if found:
        raise SpecError(list(found.values()))
    errors = semantic_errors(spec)
    if errors:
        raise SpecError(errors)


def _from_schema_error(
    spec: LoadedSpec, error: ValidationError
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
            if key not in present:
                yield spec.diagnostic(
                    path,
                    f"{where} {_needs(spec, path)}'{key}'",
                    _add_hint(key, properties.get(key, {})),
                )
    elif kind in ("additionalProperties", "unevaluatedProperties"):
        instance = error.instance if isinstance(error.instance, dict) else {}
        allowed = _allowed_keys(subschema, instance)
        for key in sorted(k for k in instance if k not in allowed):
            yield _unknown_key(spec, path, key, allowed)
    elif kind == "not" and path and path[-1] in RUN_TIME_VALUES:
        yield _run_time_value(spec, path)
    elif kind == "not":
        yield spec.diagnostic(
            path,
            f"{where} gives both Header and QueryParameter",
            "the key goes in one place: keep one of the two",
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
        words = (
            " or ".join(TYPE_WORDS[t] for t in expected)
            if isinstance(expected, list)
            else TYPE_WORDS[expected]
        )
        yield spec.diagnostic(
            path,
            f"{where} must be {words}, not {_describe(error.instance)}",
            "quote it to make it text" if expected == "string" else "",
        )
    elif kind == "pattern":
        key = _last_key(path)
        text = PATTERN_MESSAGES.get(key, f"does not match {error.validator_value}")
        if key in (
            "RequestTokenUrl",
            "AuthorizeUrl",
            "AccessTokenUrl",
            "AuthoriseUrl",
            "RefreshUrl",
            "CallbackUrl",
        ):
            text = PATTERN_MESSAGES["BaseUrl"]
        yield spec.diagnostic(path, f"{where} {text}, not {error.instance!r}")
    elif kind == "minItems":
        yield spec.diagnostic(path, f"{where} is empty", "list at least one entry")
    elif kind == "minLength":
        yield spec.diagnostic(path, f"{where} is empty", "give it a value")
    elif kind == "uniqueItems":
        yield spec.diagnostic(path, f"{where} lists a value twice", "remove the repeat")
    elif kind == "minimum":
        yield spec.diagnostic(
            path,
            f"{where} must be at least {error.validator_value}, not {error.instance}",
        )
    else:  # pragma: no cover - every keyword the schema uses is handled above
        yield spec.diagnostic(path, f"{where}: {error.message}")


def _unknown_key(
    spec: LoadedSpec, path: JsonPath, key: str, allowed: set[str]
) -> Diagnostic:
    auth_type = _auth_type(spec) if _last_key(path) == "Authentication" else None
    place = f"{auth_type} authentication" if auth_type else _where(path)
    hint = SPELLINGS.get((auth_type or "", key), "")
    choices = sorted(k for k in allowed if k not in RUN_TIME_VALUES)
    hint = hint or did_you_mean(key, choices)
    if not hint:
        hint = (
            f"the keys allowed here are {', '.join(choices)}"
            if choices
            else "this authentication takes no other keys"
        )
    return spec.diagnostic(
        (*path, key), f"unknown key '{key}' in {place}", hint, key=True
    )


def _run_time_value(spec: LoadedSpec, path: JsonPath) -> Diagnostic:
    key = str(path[-1])
    argument, what = RUN_TIME_VALUES[key]
    if key == "Value":
        hint = "the user supplies it when creating the client; remove Value"
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
    hint = did_you_mean(str(value), names) if isinstance(value, str) else ""
    return spec.diagnostic(
        path,
        f"unknown {key} {value!r}",
        hint or f"use one of {', '.join(names)}",
    )


def _needs(spec: LoadedSpec, path: JsonPath) -> str:
    """The verb of a missing-key message, naming the AuthType that needs the key."""
    if _last_key(path) == "Authentication":
        auth = spec.data.get("Authentication", {})
        grant = auth.get("OAuth2Type") if isinstance(auth, dict) else None
        if isinstance(grant, str) and auth.get("AuthType") == "OAuth2":
            return f"(OAuth2 {grant}) is missing "
        auth_type = _auth_type(spec)
        if auth_type:
            return f"({auth_type}) is missing "
    return "is missing "


def _add_hint(key: str, subschema: Mapping[str, Any]) -> str:
    description = str(subschema.get("description", "")).split(". ")[0].rstrip(".")
    return f"add {key}: {description}" if description else f"add {key}"


def _then_properties(subschema: Mapping[str, Any]) -> dict[str, Any]:
    """The property schemas an error can name: local ones, then any in the schema."""
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


def _auth_type(spec: LoadedSpec) -> str | None:
    auth = spec.data.get("Authentication") if isinstance(spec.data, dict) else None
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


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return re.sub(r"^<class '(.*)'>$", r"\1", str(type(value)))
