"""The checks a JSON Schema cannot make, run on a spec the schema has accepted."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from .diagnostics import Diagnostic, did_you_mean
from .load import JsonPath, LoadedSpec
from .names import is_identifier, shadowed_module, snake_case

__all__ = [
    "AUTH_METHODS",
    "BODYLESS_METHODS",
    "LOOPBACK_HOSTS",
    "MERGE_FIELD",
    "RESERVED_ARGUMENTS",
    "RESERVED_METHODS",
    "credential_names",
    "python_name",
    "semantic_errors",
]

MERGE_FIELD = re.compile(r"\{\{(.*?)\}\}")
BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
# Names the generated client itself uses; a spec method or argument may not take them.
RESERVED_METHODS = frozenset({"close", "aclose", "from_env", "request"})
RESERVED_ARGUMENTS = frozenset({"self", "cls", "base_url", "timeout", "transport"})
# Methods a client gets from its AuthType, which spec methods may not take either.
AUTH_METHODS = {
    "OAuth1": frozenset(
        {"fetch_request_token", "authorization_url", "fetch_access_token", "token"}
    ),
}
# Hosts that may be reached over plain http: the machine itself.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Header and query names that carry credentials: a Default there is a literal secret.
SECRET_NAME = re.compile(r"authorization|api[-_]?key|token|secret|password", re.I)


def python_name(entry: dict[str, Any], source: str) -> str:
    """The Python name of a spec entry: its PythonName, else ``source`` cleaned."""
    given = entry.get("PythonName")
    return given if isinstance(given, str) else snake_case(source)


def credential_names(auth: dict[str, Any]) -> list[tuple[str, JsonPath]]:
    """Constructor arguments the AuthType adds, with the spec path that defines them."""
    auth_type = auth["AuthType"]
    if auth_type == "ApiKey":
        return [("api_key", ("Authentication", "AuthType"))]
    if auth_type in ("Basic",):
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
    if auth_type in ("OAuth1", "OAuth2"):
        names: list[tuple[str, JsonPath]] = [
            ("client_id", ("Authentication", "AuthType")),
            ("client_secret", ("Authentication", "AuthType")),
        ]
        if auth.get("OAuth2Type") == "PasswordCredentials":
            names += [
                ("username", ("Authentication", "AuthType")),
                ("password", ("Authentication", "AuthType")),
            ]
        return names
    return []


def semantic_errors(spec: LoadedSpec) -> list[Diagnostic]:
    """Every problem of a schema-valid spec that the schema cannot see."""
    return list(_Checker(spec).run())


class _Checker:
    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.data: dict[str, Any] = spec.data

    def error(
        self, path: JsonPath, message: str, hint: str = "", *, key: bool = False
    ) -> Diagnostic:
        return self.spec.diagnostic(path, message, hint, key=key)

    def run(self) -> Iterator[Diagnostic]:
        yield from self.check_name()
        properties = self.data.get("Properties", [])
        yield from self.check_properties(properties)
        yield from self.check_base_url(properties)
        yield from self.check_methods(properties)
        yield from self.check_oauth1()

    # -- the connector ------------------------------------------------------------

    def check_name(self) -> Iterator[Diagnostic]:
        name = self.data["Name"]
        module = snake_case(name)
        if not module or not module[0].isalpha():
            yield self.error(
                ("Name",),
                f"Name {name!r} gives no usable module name",
                "start it with a letter, as in 'Mailchimp'",
            )
        elif keyword.iskeyword(module):
            yield self.error(
                ("Name",), f"Name {name!r} is a Python keyword", "choose another name"
            )
        elif shadowed := shadowed_module(module):
            yield self.error(
                ("Name",),
                f"Name {name!r} would generate {module}.py, which hides Python's "
                f"'{shadowed}' module",
                f"choose a more specific name, such as '{name} API'",
            )

    def check_properties(
        self, properties: list[dict[str, Any]]
    ) -> Iterator[Diagnostic]:
        reserved = {
            name: path for name, path in credential_names(self.data["Authentication"])
        }
        seen: dict[str, int] = {}
        for i, prop in enumerate(properties):
            path: JsonPath = ("Properties", i)
            name = python_name(prop, prop["Name"])
            yield from self.check_identifier(path, prop, name, "property")
            if name in seen:
                yield self.error(
                    (*path, "Name"),
                    f"property '{prop['Name']}' has the same Python name '{name}' as "
                    f"Properties[{seen[name]}]",
                    "rename one of them or give it a PythonName",
                )
            elif name in reserved or name in RESERVED_ARGUMENTS:
                yield self.error(
                    (*path, "Name"),
                    f"property '{prop['Name']}' would be the argument '{name}', which "
                    "the client already has",
                    "rename it or give it a PythonName",
                )
            seen.setdefault(name, i)
            if prop.get("Sensitive") and "Default" in prop:
                yield self.error(
                    (*path, "Default"),
                    f"sensitive property '{prop['Name']}' has a Default",
                    "a secret is supplied at run time, never written in a spec; "
                    "remove Default",
                    key=True,
                )
            yield from self.check_value_type(path, prop, "Default")

    def check_base_url(self, properties: list[dict[str, Any]]) -> Iterator[Diagnostic]:
        url: str = self.data["BaseUrl"]
        declared = {p["Name"]: p for p in properties}
        for field in MERGE_FIELD.findall(url):
            name = field.strip()
            if name not in declared:
                yield self.error(
                    ("BaseUrl",),
                    f"BaseUrl uses {{{{{name}}}}}, which is not a declared property",
                    _declare_hint(name, list(declared), "Properties"),
                )
            elif _may_be_missing(declared[name]):
                yield self.error(
                    ("BaseUrl",),
                    f"BaseUrl uses {{{{{name}}}}}, but that property is optional "
                    "and has no Default",
                    "make the property required or give it a Default",
                )
        parts = urlsplit(MERGE_FIELD.sub("x", url))
        if parts.username or parts.password:
            yield self.error(
                ("BaseUrl",),
                "BaseUrl carries credentials before the host",
                "remove them: credentials are supplied at run time",
            )
        if parts.query or parts.fragment:
            yield self.error(
                ("BaseUrl",),
                "BaseUrl has a query or a fragment",
                "give query values as QueryString parameters or an ApiKey "
                "QueryParameter",
            )

    # -- methods ------------------------------------------------------------------

    def check_methods(self, properties: list[dict[str, Any]]) -> Iterator[Diagnostic]:
        auth_type = self.data["Authentication"]["AuthType"]
        request_format = self.data.get("RequestFormat", "Json")
        seen: dict[str, int] = {}
        for i, method in enumerate(self.data["Methods"]):
            path: JsonPath = ("Methods", i)
            name = python_name(method, method["Name"])
            yield from self.check_identifier(path, method, name, "method")
            if name in seen:
                yield self.error(
                    (*path, "Name"),
                    f"method '{method['Name']}' has the same Python name '{name}' as "
                    f"Methods[{seen[name]}]",
                    "rename one of them or give it a PythonName",
                )
            elif (
                name in RESERVED_METHODS
                or name in AUTH_METHODS.get(auth_type, ())
                or name.startswith("_")
            ):
                yield self.error(
                    (*path, "Name"),
                    f"method '{method['Name']}' would be '{name}', which the client "
                    "uses itself",
                    "rename it or give it a PythonName",
                )
            seen.setdefault(name, i)
            http_method = method["HttpMethod"]
            if auth_type == "AuthFields" and http_method in BODYLESS_METHODS:
                yield self.error(
                    (*path, "HttpMethod"),
                    f"method '{method['Name']}' is a {http_method}, but AuthFields "
                    "authentication is sent in the request body",
                    "use POST, PUT or PATCH for an API that authenticates in the body",
                )
            if method.get("RequestFormat", request_format) not in ("Json", "Form"):
                continue  # pragma: no cover - the schema allows only these two
            yield from self.check_parameters(path, method, properties)

    def check_parameters(
        self, path: JsonPath, method: dict[str, Any], properties: list[dict[str, Any]]
    ) -> Iterator[Diagnostic]:
        params: list[dict[str, Any]] = method.get("Parameters", [])
        declared_props = {p["Name"]: p for p in properties}
        merge_params = {
            p["TargetName"]: i
            for i, p in enumerate(params)
            if p["TargetType"] == "MergeField"
        }
        endpoint: str = method["EndPoint"]
        used = [f.strip() for f in MERGE_FIELD.findall(endpoint)]
        for name in used:
            if name in merge_params and name in declared_props:
                yield self.error(
                    (*path, "EndPoint"),
                    f"EndPoint uses {{{{{name}}}}}, which is both a property and a "
                    "MergeField parameter",
                    "rename one of them",
                )
            elif name in declared_props and _may_be_missing(declared_props[name]):
                yield self.error(
                    (*path, "EndPoint"),
                    f"EndPoint uses {{{{{name}}}}}, but that property is optional "
                    "and has no Default",
                    "make the property required or give it a Default",
                )
            elif name not in merge_params and name not in declared_props:
                yield self.error(
                    (*path, "EndPoint"),
                    f"EndPoint uses {{{{{name}}}}}, which is neither a MergeField "
                    "parameter of this method nor a property",
                    _declare_hint(
                        name,
                        [*merge_params, *declared_props],
                        "Parameters as a MergeField",
                    ),
                )
        seen_python: dict[str, int] = {}
        seen_target: dict[tuple[str, str], int] = {}
        for j, param in enumerate(params):
            ppath: JsonPath = (*path, "Parameters", j)
            target_type, target = param["TargetType"], param["TargetName"]
            name = python_name(param, target)
            yield from self.check_identifier(
                ppath, param, name, "parameter", source_key="TargetName"
            )
            if name in seen_python:
                yield self.error(
                    (*ppath, "TargetName"),
                    f"parameter '{target}' has the same Python name '{name}' as "
                    f"Parameters[{seen_python[name]}]",
                    "give one of them a PythonName",
                )
            elif name in RESERVED_ARGUMENTS:
                yield self.error(
                    (*ppath, "TargetName"),
                    f"parameter '{target}' would be the argument '{name}', which "
                    "Python or the client reserves",
                    "give it a PythonName",
                )
            seen_python.setdefault(name, j)
            target_key = (
                target_type,
                target.lower() if target_type == "HttpHeader" else target,
            )
            if target_key in seen_target:
                yield self.error(
                    (*ppath, "TargetName"),
                    f"{target_type} '{target}' is declared twice in this method "
                    f"(first as Parameters[{seen_target[target_key]}])",
                    "remove one of them",
                )
            seen_target.setdefault(target_key, j)
            if target_type == "MergeField":
                if target not in used:
                    yield self.error(
                        (*ppath, "TargetName"),
                        f"MergeField '{target}' does not appear in the EndPoint",
                        f"write {{{{{target}}}}} in the EndPoint or make it a "
                        "QueryString parameter",
                    )
                if param.get("IsOptional") and "Default" not in param:
                    yield self.error(
                        (*ppath, "IsOptional"),
                        f"MergeField '{target}' is optional, but the path needs it",
                        "make it required or give it a Default",
                        key=True,
                    )
            if target_type == "Body" and method["HttpMethod"] in BODYLESS_METHODS:
                yield self.error(
                    (*ppath, "TargetType"),
                    f"Body parameter '{target}' on a {method['HttpMethod']} method, "
                    "which sends no body",
                    "make it a QueryString parameter or use POST, PUT or PATCH",
                )
            if (
                target_type in ("HttpHeader", "QueryString")
                and "Default" in param
                and SECRET_NAME.search(target)
            ):
                yield self.error(
                    (*ppath, "Default"),
                    f"{target_type} '{target}' has a Default, which would be a secret "
                    "written in the spec",
                    "remove Default; credentials come from the Authentication "
                    "section, supplied at run time",
                    key=True,
                )
            yield from self.check_values(ppath, param)

    # -- OAuth 1.0a -----------------------------------------------------------------

    def check_oauth1(self) -> Iterator[Diagnostic]:
        auth: dict[str, Any] = self.data["Authentication"]
        if auth["AuthType"] != "OAuth1":
            return
        for key in ("RequestTokenUrl", "AuthorizeUrl", "AccessTokenUrl"):
            url: str = auth[key]
            path: JsonPath = ("Authentication", key)
            if MERGE_FIELD.search(url):
                yield self.error(
                    path,
                    f"{key} uses a {{{{Field}}}}, which OAuth1 URLs do not support yet",
                    "write the provider's URL in full",
                )
                continue
            parts = urlsplit(url)
            if parts.scheme != "https" and parts.hostname not in LOOPBACK_HOSTS:
                yield self.error(
                    path,
                    f"{key} must be an https URL: OAuth 1.0a sends credentials there",
                    "use https (http is allowed only for localhost, 127.0.0.1 and "
                    "[::1])",
                )
        if (
            auth.get("SignatureMethod") == "PLAINTEXT"
            and auth.get("SignatureLocation") == "Query"
        ):
            yield self.error(
                ("Authentication", "SignatureLocation"),
                "PLAINTEXT signatures are the secrets themselves, and URLs end up in "
                "logs",
                "use SignatureLocation Header or Body, or an HMAC SignatureMethod",
            )
        realm = auth.get("Realm")
        if isinstance(realm, str) and any(
            c in '"\\' or not (c.isascii() and c.isprintable()) for c in realm
        ):
            yield self.error(
                ("Authentication", "Realm"),
                "Realm must be printable ASCII without a double quote or a backslash",
                "it is written as it is, between quotes, in the Authorization header",
            )

    # -- values -------------------------------------------------------------------

    def check_values(
        self, path: JsonPath, param: dict[str, Any]
    ) -> Iterator[Diagnostic]:
        yield from self.check_value_type(path, param, "Default")
        values = param.get("Values")
        if values is None:
            return
        for k, value in enumerate(values):
            yield from self.check_value_type((*path, "Values", k), param, None, value)
        if "Default" in param and param["Default"] not in values:
            yield self.error(
                (*path, "Default"),
                f"Default {param['Default']!r} is not one of the Values",
                f"use one of {', '.join(repr(v) for v in values)}",
            )

    def check_value_type(
        self, path: JsonPath, entry: dict[str, Any], key: str | None, value: Any = None
    ) -> Iterator[Diagnostic]:
        if key is not None:
            if key not in entry:
                return
            value, path = entry[key], (*path, key)
        data_type = entry.get("DataType", "Text")
        expected = {
            "Text": (str,),
            "Integer": (int,),
            "Decimal": (int, float, str),
            "Float": (int, float),
            "Boolean": (bool,),
            "DateTime": (str,),
            "File": (),
        }[data_type]
        is_bool = isinstance(value, bool)
        if (is_bool and data_type != "Boolean") or not isinstance(value, expected):
            yield self.error(
                path,
                f"{value!r} is not a {data_type} value",
                f"change the value or the DataType ({data_type})",
            )

    def check_identifier(
        self,
        path: JsonPath,
        entry: dict[str, Any],
        name: str,
        what: str,
        source_key: str = "Name",
    ) -> Iterator[Diagnostic]:
        if "PythonName" in entry:
            if keyword.iskeyword(name):
                yield self.error(
                    (*path, "PythonName"),
                    f"PythonName '{name}' is a Python keyword",
                    f"use '{name}_'",
                )
            return
        source = entry[source_key]
        if not name or (not is_identifier(name) and not keyword.iskeyword(name)):
            yield self.error(
                (*path, source_key),
                f"{what} {source!r} gives no Python name (cleaned: {name!r})",
                "give it a PythonName, such as 'value_1'",
            )
        elif keyword.iskeyword(name):
            yield self.error(
                (*path, source_key),
                f"{what} {source!r} would be named '{name}', a Python keyword",
                f"give it a PythonName, such as '{name}_'",
            )


def _may_be_missing(prop: dict[str, Any]) -> bool:
    return bool(prop.get("IsOptional")) and "Default" not in prop


def _declare_hint(name: str, declared: list[str], where: str) -> str:
    return did_you_mean(name, declared) or f"declare '{name}' under {where}"
