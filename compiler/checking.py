"""What every area of the semantic checks shares: the ``Context`` of the spec being
checked (its data, ``error()`` to make a located diagnostic, ``line_of()``,
``data_at()``, ``clash()`` for two entries with one Python name, ``method_indexes()``),
and the tables and helpers more than one area needs (the ``{{Field}}`` syntax, the
constructor and method argument names a spec may not take, the credentials and
request parts each AuthType adds).

The areas themselves are modules of their own, run in order by semantics.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .auth_checks import api_key_names, api_key_targets
from .diagnostics import Diagnostic, did_you_mean
from .load import JsonPath, LoadedSpec
from .names import python_name

__all__ = [
    "CONSTRUCTOR_ARGUMENTS",
    "MERGE_FIELD",
    "METHOD_ARGUMENTS",
    "RESERVED_ARGUMENTS",
    "Context",
    "auth_targets",
    "credential_names",
    "declare_hint",
    "may_be_missing",
    "property_field_errors",
]

MERGE_FIELD = re.compile(r"\{\{(.*?)\}\}")
# Argument names the generated client itself uses, which a spec may not take
# (``httpx`` too: the constructor calls httpx.Client, which an argument would hide.)
RESERVED_ARGUMENTS = frozenset(
    {
        "self",
        "cls",
        "base_url",
        "timeout",
        "transport",
        "httpx",
        "max_attempts",
        "backoff",
        "max_backoff",
        "max_response_bytes",
    }
)
# Argument names a spec may not take, each with the end of the sentence saying why.
_TAKEN = {
    **{name: "the client already has" for name in RESERVED_ARGUMENTS},
    "self": "Python reserves for the client itself",
    "cls": "Python reserves for the class",
    "httpx": "would hide the httpx module from the generated code",
}
# Constructor arguments (properties, authentication fields) may not hide the
# builtins its body annotates with (`self._properties: dict[str, object]`): mypy
# would take the annotation to mean the argument.
CONSTRUCTOR_ARGUMENTS = {
    **_TAKEN,
    **{
        name: "would hide the builtin the generated constructor uses"
        for name in ("dict", "str", "object")
    },
}
# A method's arguments: `response` is the local that holds the answer, and mypy
# refuses to give an argument another type.
METHOD_ARGUMENTS = {
    **_TAKEN,
    "response": "the generated method uses for the API's answer",
}


def credential_names(auth: dict[str, Any]) -> list[tuple[str, JsonPath]]:
    """Constructor arguments the AuthType adds, with the spec path that defines them."""
    auth_type = auth["AuthType"]
    if auth_type == "ApiKey" and "Keys" in auth:
        return api_key_names(auth)
    if auth_type == "ApiKey":
        return [("api_key", ("Authentication", "AuthType"))]
    if auth_type == "Jwt":
        return [("key", ("Authentication", "AuthType"))]
    if auth_type in ("Basic", "Session"):
        return [
            ("username", ("Authentication", "AuthType")),
            ("password", ("Authentication", "AuthType")),
        ]
    if auth_type == "AuthFields":
        return [
            (python_name(field, field["Name"]), ("Authentication", "Fields", i, "Name"))
            for i, field in enumerate(auth["Fields"])
        ]
    if auth_type == "OAuth1":
        # RSA-SHA1 signs with a private key instead of the consumer secret; the token
        # and its secret are optional (they come from the flow or a dashboard).
        rsa = auth.get("SignatureMethod") == "RSA-SHA1"
        secret = ("rsa_key", ("Authentication", "SignatureMethod"))
        return [
            ("client_id", ("Authentication", "AuthType")),
            secret if rsa else ("client_secret", ("Authentication", "AuthType")),
            ("token", ("Authentication", "AuthType")),
            ("token_secret", ("Authentication", "AuthType")),
        ]
    if auth.get("OAuth2Type") == "JwtBearer":
        return [("service_account_key", ("Authentication", "OAuth2Type"))]
    if auth_type in ("OAuth1", "OAuth2"):
        names: list[tuple[str, JsonPath]] = [
            ("client_id", ("Authentication", "AuthType")),
            ("client_secret", ("Authentication", "AuthType")),
        ]
        if auth.get("ClientAuthentication") == "None":
            names.pop()  # a public client has no secret
        elif auth.get("ClientAuthentication") == "PrivateKeyJwt":
            names[-1] = ("private_key", ("Authentication", "ClientAuthentication"))
        if auth.get("OAuth2Type") == "PasswordCredentials":
            names += [
                ("username", ("Authentication", "AuthType")),
                ("password", ("Authentication", "AuthType")),
            ]
        return names
    return []


def auth_targets(auth: dict[str, Any]) -> dict[tuple[str, str], str]:
    """What the authentication puts in each request, keyed as parameters are
    (header names in lower case), with who puts it there."""
    auth_type = auth["AuthType"]
    who = f"the {auth_type} authentication"
    if auth_type == "ApiKey" and "Keys" in auth:
        return api_key_targets(auth)
    if auth_type == "ApiKey" and "QueryParameter" in auth:
        return {("QueryString", auth["QueryParameter"]): who}
    if auth_type == "ApiKey":
        return {("HttpHeader", auth.get("Header", "Authorization").lower()): who}
    if auth_type == "OAuth2" and auth.get("TokenPlacement") == "Query":
        return {("QueryString", "access_token"): who}
    if auth_type in ("Basic", "OAuth2") or (
        auth_type == "OAuth1" and auth.get("SignatureLocation", "Header") == "Header"
    ):
        return {("HttpHeader", "authorization"): who}
    if auth_type == "AuthFields":
        return {
            ("Body", field["Key"]): f"authentication field '{field['Name']}'"
            for field in auth["Fields"]
        }
    return {}


def may_be_missing(prop: dict[str, Any]) -> bool:
    return bool(prop.get("IsOptional")) and "Default" not in prop


def declare_hint(name: str, declared: list[str], where: str) -> str:
    return did_you_mean(name, declared) or f"declare '{name}' under {where}"


def property_field_errors(
    spec: LoadedSpec,
    path: JsonPath,
    what: str,
    field: str,
    properties: dict[str, Any],
    *,
    declared: list[str] | None = None,
    span: tuple[str, int] | None = None,
) -> Iterator[Diagnostic]:
    """``what`` uses ``{{field}}``: a declared property that always has a value.

    ``declared`` are the names a misspelling may be taken for (the properties unless
    given); ``span`` moves the column to the field in the value's text.
    """
    if field not in properties:
        yield spec.diagnostic(
            path,
            f"{what} uses {{{{{field}}}}}, which is not a declared property",
            declare_hint(
                field, list(properties) if declared is None else declared, "Properties"
            ),
            span=span,
        )
    elif may_be_missing(properties[field]):
        yield spec.diagnostic(
            path,
            f"{what} uses {{{{{field}}}}}, but that property is optional and has "
            "no Default",
            "make the property required or give it a Default",
            span=span,
        )


class Context:
    """One spec being checked: its data, and the ways to point at a place in it.

    Every area's checks take the context as their first argument; the entry point
    (semantics.semantic_errors) makes one per spec and runs the areas in turn.
    """

    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.data: dict[str, Any] = spec.data
        self.auth_targets = auth_targets(self.data["Authentication"])
        self._method_indexes: dict[str, list[int]] | None = None

    def error(
        self,
        path: JsonPath,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        span: tuple[str, int] | None = None,
    ) -> Diagnostic:
        return self.spec.diagnostic(path, message, hint, key=key, span=span)

    def line_of(self, path: JsonPath) -> int:
        return self.spec.position(path).line

    def data_at(self, path: JsonPath) -> Any:
        value: Any = self.data
        for part in path:
            value = value[part]
        return value

    def clash(
        self,
        path: JsonPath,
        what: str,
        first: int,
        name: str,
        source_key: str = "Name",
    ) -> Diagnostic:
        """The entry at ``path`` has the Python name ``name``, as its sibling
        number ``first`` (in the same list) has."""
        entries: list[dict[str, Any]] = self.data_at(path[:-1])
        source = self.data_at((*path, source_key))
        first_source = entries[first][source_key]
        first_line = self.line_of((*path[:-1], first))
        # Two parameters may share a TargetName under two TargetTypes; only the
        # Python name is then the same.
        if source == first_source and source_key == "Name":
            return self.error(
                (*path, source_key),
                f"{what} '{source}' is declared twice (first at line {first_line})",
                "remove one of them, or rename it",
            )
        # A TargetName is the API's; only a Name is the author's to change.
        return self.error(
            (*path, source_key),
            f"{what} '{source}' has the same Python name '{name}' as {what} "
            f"'{first_source}' (line {first_line})",
            "rename one of them or give it a PythonName"
            if source_key == "Name"
            else "give one of them a PythonName",
        )

    def method_indexes(self) -> dict[str, list[int]]:
        """The indexes of the methods by Python name, computed once."""
        if self._method_indexes is None:
            self._method_indexes = {}
            for k, other in enumerate(self.data["Methods"]):
                name = python_name(other, other["Name"])
                self._method_indexes.setdefault(name, []).append(k)
        return self._method_indexes

    # auth_checks.py calls these two shared checks as methods of its context.
    # (Imported here: their modules import this one.)

    def check_identifier(
        self,
        path: JsonPath,
        entry: dict[str, Any],
        name: str,
        what: str,
        source_key: str = "Name",
    ) -> Iterator[Diagnostic]:
        """identifier_rules.check_identifier for this spec."""
        from .identifier_rules import check_identifier

        return check_identifier(self, path, entry, name, what, source_key)

    def check_template(self, path: JsonPath, text: str) -> Iterator[Diagnostic]:
        """url_rules.check_template for this spec."""
        from .url_rules import check_template

        return check_template(self, path, text)
