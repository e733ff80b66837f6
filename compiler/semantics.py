"""The checks a JSON Schema cannot make, run on a spec the schema has accepted."""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import SplitResult, urlsplit

from .auth_checks import auth_extra_errors
from .checking import (
    CONSTRUCTOR_ARGUMENTS,
    MERGE_FIELD,
    METHOD_ARGUMENTS,
    RESERVED_ARGUMENTS,
    Context,
    auth_targets,
    credential_names,
    declare_hint,
    may_be_missing,
)
from .diagnostics import Diagnostic, closest, did_you_mean
from .load import JsonPath, LoadedSpec
from .names import is_identifier, python_name, shadowed_module, snake_case
from .oauth2 import oauth2_errors
from .paging_rules import paging_errors
from .retry_rules import retry_errors
from .session_jwt import session_jwt_errors

__all__ = [
    "AUTH_METHODS",
    "BODYLESS_METHODS",
    "CONSTRUCTOR_ARGUMENTS",
    "LOOPBACK_HOSTS",
    "MERGE_FIELD",
    "METHOD_ARGUMENTS",
    "RESERVED_ARGUMENTS",
    "RESERVED_METHODS",
    "SECRET_NAME",
    "credential_names",
    "semantic_errors",
]

BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
# Names the generated client itself uses; a spec method or argument may not take them.
RESERVED_METHODS = frozenset({"close", "aclose", "from_env", "request"})
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
# What HTTP can carry (RFC 9110 5.1, 5.5): a header name is a token; httpx refuses
# ASCII control characters anywhere in a URL.
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
URL_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
AUTH_URL_KEYS = (
    "AuthoriseUrl",
    "AccessTokenUrl",
    "RefreshUrl",
    "RequestTokenUrl",
    "AuthorizeUrl",
    "CallbackUrl",
)
MAX_MODULE_NAME = 100
PYTHON_NAME = re.compile(r"[a-z_][a-z0-9_]*")
# What to write instead of a value that does not fit its DataType.
VALUE_EXAMPLES = {
    "Text": "quote it to make it text",
    "Integer": "write a whole number, such as 10",
    "Decimal": "write a number, such as 12.5, or quoted digits, such as '12.50'",
    "Float": "write a number, such as 1.5",
    "Boolean": "write true or false, without quotes",
    "DateTime": "write a quoted ISO 8601 date-time, such as '2024-05-01T12:00:00Z'",
}
# The keys each paging Style needs (FirstPage, PageSize and SizeParameter are
# optional with PageNumber and Offset; PageSize also bounds the others' pages).
PAGING_KEYS = {
    "PageNumber": ("PageParameter",),
    "Offset": ("OffsetParameter",),
    "NextUrl": ("NextUrlPath",),
    "Cursor": ("CursorPath", "CursorParameter"),
    "LinkHeader": (),
}
PAGING_STYLE_KEYS = frozenset(k for keys in PAGING_KEYS.values() for k in keys)
PAGING_KEY_EXAMPLES = {
    "PageParameter": "page",
    "OffsetParameter": "offset",
    "NextUrlPath": "links.next",
    "CursorPath": "meta.next_cursor",
    "CursorParameter": "cursor",
}
# An XML element name (the ASCII subset of XML 1.0's Name, without namespaces).
XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
# A strftime directive that writes part of a date (not %% or %n).
STRFTIME_DIRECTIVE = re.compile(r"%[-#]?[aAwdbBmyYHIpMSfzZjUWcxXGuVeFTsDRr]")
# Arguments an iter_<method>() takes besides the method's own.
PAGED_ARGUMENTS = ("max_pages", "max_items")
# An environment variable's name, as POSIX shells accept one.
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SINGLE_BRACES = re.compile(r"\{\s*([A-Za-z_][\w ]*?)\s*\}")


def semantic_errors(spec: LoadedSpec) -> list[Diagnostic]:
    """Every problem of a schema-valid spec that the schema cannot see."""
    return list(_Checker(spec).run())


class _Checker(Context):
    def run(self) -> Iterator[Diagnostic]:
        yield from self.check_name()
        properties = self.data.get("Properties", [])
        yield from self.check_properties(properties)
        yield from self.check_base_url(properties)
        yield from self.check_methods(properties)
        yield from self.check_property_names(properties)
        yield from self.check_environment_variables(properties)
        yield from self.check_auth_fields()
        yield from self.check_wire_text()
        yield from oauth2_errors(self.spec)
        yield from paging_errors(self.spec)
        yield from retry_errors(self.spec)
        yield from session_jwt_errors(self.spec)
        yield from auth_extra_errors(self.spec)  # Headers, ApiKey Keys (issue 11)
        yield from self.check_oauth1()
        yield from self.check_rate_limits(("RateLimits",))
        for i, method in enumerate(self.data["Methods"]):
            yield from self.check_rate_limits(("Methods", i, "RateLimits"))
            yield from self.check_paging(("Methods", i), method)
            yield from self.check_formats(("Methods", i), method)
            if method.get("RetrySafe") is not None and method["HttpMethod"] not in (
                "POST",
                "PATCH",
            ):
                yield self.error(
                    ("Methods", i, "RetrySafe"),
                    f"RetrySafe on a {method['HttpMethod']} method, which is always "
                    "retried",
                    "remove it: only POST and PATCH need to be marked safe",
                    key=True,
                )

    def check_name(self) -> Iterator[Diagnostic]:
        name = self.data["Name"]
        module = snake_case(name)
        if not module:
            yield self.error(
                ("Name",),
                f"Name {name!r} has no letters or digits to make a module name of",
                "use a name such as 'Mailchimp'",
            )
        elif not module[0].isalpha():
            yield self.error(
                ("Name",),
                f"Name {name!r} would generate {module}.py, which cannot be imported "
                "(it starts with a digit)",
                f"start the Name with a letter, as in '{_module_name_for(name)}'",
            )
        elif keyword.iskeyword(module):
            yield self.error(
                ("Name",),
                f"Name {name!r} would generate {module}.py, which cannot be imported "
                f"('{module}' is a Python keyword)",
                f"choose a more specific name, such as '{name} API'",
            )
        elif shadowed := shadowed_module(module):
            yield self.error(
                ("Name",),
                f"Name {name!r} would generate {module}.py, which hides Python's "
                f"'{shadowed}' module",
                f"choose a more specific name, such as '{name} API'",
            )
        elif len(module) > MAX_MODULE_NAME:
            # File systems allow 255 bytes; the writer's temporary file adds some.
            yield self.error(
                ("Name",),
                f"Name gives a module name of {len(module)} characters, too long "
                "for a file name",
                f"shorten the Name to at most {MAX_MODULE_NAME} letters and digits",
            )

    def check_environment_variables(
        self, properties: list[dict[str, Any]]
    ) -> Iterator[Diagnostic]:
        """EnvironmentVariables: each names an argument of the client, a variable
        name, and no variable serves two arguments."""
        arguments = [name for name, _ in credential_names(self.data["Authentication"])]
        arguments += [python_name(p, p["Name"]) for p in properties]
        seen: dict[str, str] = {}
        for argument, variable in self.data.get("EnvironmentVariables", {}).items():
            path: JsonPath = ("EnvironmentVariables", argument)
            if argument not in arguments:
                hint = did_you_mean(argument, arguments) or (
                    f"name one of {', '.join(sorted(arguments))}"
                    if arguments
                    else "remove it: the client takes no credentials or properties"
                )
                yield self.error(
                    path,
                    f"EnvironmentVariables names '{argument}', which is not an "
                    "argument of the client",
                    hint,
                    key=True,
                )
            if not ENV_NAME.fullmatch(variable):
                yield self.error(
                    path,
                    f"{variable!r} is not an environment variable name",
                    "use letters, digits and _, not starting with a digit, as in "
                    "'STRIPE_API_KEY'",
                )
            elif variable in seen:
                yield self.error(
                    path,
                    f"the variable '{variable}' is already the one of "
                    f"'{seen[variable]}'",
                    "give each argument its own variable",
                )
            else:
                seen[variable] = argument

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
                yield self.clash(path, "property", seen[name], name)
            elif name in reserved or name in CONSTRUCTOR_ARGUMENTS:
                why = CONSTRUCTOR_ARGUMENTS.get(name, "the client already has")
                yield self.error(
                    (*path, "Name"),
                    f"property '{prop['Name']}' would be the argument '{name}', which "
                    f"{why}",
                    "rename it or give it a PythonName",
                )
            seen.setdefault(name, i)
            if prop.get("Sensitive") and "Default" in prop:
                yield self.error(
                    (*path, "Default"),
                    f"sensitive property '{prop['Name']}' has a Default",
                    "remove Default: a secret is supplied at run time, never written "
                    "in a spec",
                    key=True,
                )
            yield from self.check_value_type(path, prop, "Default")

    def check_base_url(self, properties: list[dict[str, Any]]) -> Iterator[Diagnostic]:
        url: str = self.data["BaseUrl"]
        declared = {p["Name"]: p for p in properties}
        yield from self.check_template(("BaseUrl",), url)
        for match in MERGE_FIELD.finditer(url):
            name, span = match.group(1).strip(), (url, match.start())
            if not name:
                continue  # check_template reports an empty field
            if name not in declared:
                yield self.error(
                    ("BaseUrl",),
                    f"BaseUrl uses {{{{{name}}}}}, which is not a declared property",
                    declare_hint(name, list(declared), "Properties"),
                    span=span,
                )
            elif may_be_missing(declared[name]):
                yield self.error(
                    ("BaseUrl",),
                    f"BaseUrl uses {{{{{name}}}}}, but that property is optional "
                    "and has no Default",
                    "make the property required or give it a Default",
                    span=span,
                )
        try:
            parts = urlsplit(MERGE_FIELD.sub("x", url))
        except ValueError:  # urllib's only complaint: a bracket without its pair
            yield self.error(
                ("BaseUrl",),
                "BaseUrl has a '[' or ']' that does not enclose an IPv6 address",
                "remove it: brackets belong only around an IPv6 host, as in "
                "https://[::1]:8080/",
            )
            return
        yield from self.check_host(parts)
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

    def check_host(self, parts: SplitResult) -> Iterator[Diagnostic]:
        try:
            parts.port  # noqa: B018 - urllib checks the port only when it is read
        except ValueError:
            yield self.error(
                ("BaseUrl",),
                "BaseUrl has a port that is not a number from 0 to 65535",
                "write the port as a number after the host, as in "
                "https://api.example.com:8443/v1",
            )
        if not parts.hostname:
            yield self.error(
                ("BaseUrl",),
                "BaseUrl has no host",
                "write the host after the scheme, as in https://api.example.com/v1",
            )

    def check_template(self, path: JsonPath, text: str) -> Iterator[Diagnostic]:
        """``{{Field}}`` syntax in a BaseUrl or EndPoint: anything else is a typo.

        A brace left in the URL would be sent as it is, so ``/items/{Id}`` (the
        notation of many API docs) would request a path that does not exist."""
        where = str(path[-1])
        for match in MERGE_FIELD.finditer(text):
            if not match.group(1).strip():
                yield self.error(
                    path,
                    f"{where} has an empty field {match.group(0)}",
                    "write the name of a property or MergeField inside, as in {{Id}}",
                    span=(text, match.start()),
                )
        rest = MERGE_FIELD.sub(lambda m: " " * len(m.group(0)), text)
        if single := SINGLE_BRACES.search(rest):
            yield self.error(
                path,
                f"{where} has {single.group(0)} in single braces",
                f"fields are written in double braces: {{{{{single.group(1)}}}}}",
                span=(text, single.start()),
            )
        elif stray := re.search(r"[{}]+", rest):
            yield self.error(
                path,
                f"{where} has a '{stray.group(0)}' that belongs to no {{{{Field}}}}",
                "write fields as {{Name}}, or %7B and %7D for braces the API expects",
                span=(text, stray.start()),
            )

    def check_methods(self, properties: list[dict[str, Any]]) -> Iterator[Diagnostic]:
        auth_type = self.data["Authentication"]["AuthType"]
        seen: dict[str, int] = {}
        for i, method in enumerate(self.data["Methods"]):
            path: JsonPath = ("Methods", i)
            name = python_name(method, method["Name"])
            yield from self.check_identifier(path, method, name, "method")
            if name in seen:
                yield self.clash(path, "method", seen[name], name)
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
        yield from self.check_template((*path, "EndPoint"), endpoint)
        fields: dict[str, int] = {}
        for match in MERGE_FIELD.finditer(endpoint):
            fields.setdefault(match.group(1).strip(), match.start())
        used = [name for name in fields if name]
        # A MergeField that an undefined {{Field}} misspells is one mistake, reported
        # once: at the EndPoint, with the did-you-mean.
        meant: set[str | None] = set()
        for name, start in fields.items():
            span = (endpoint, start)
            if not name:
                continue  # check_template reports an empty field
            if name in merge_params and name in declared_props:
                yield self.error(
                    (*path, "EndPoint"),
                    f"EndPoint uses {{{{{name}}}}}, which is both a property and a "
                    "MergeField parameter",
                    "rename one of them",
                    span=span,
                )
            elif name in declared_props and may_be_missing(declared_props[name]):
                yield self.error(
                    (*path, "EndPoint"),
                    f"EndPoint uses {{{{{name}}}}}, but that property is optional "
                    "and has no Default",
                    "make the property required or give it a Default",
                    span=span,
                )
            elif name not in merge_params and name not in declared_props:
                candidates = [*merge_params, *declared_props]
                meant.add(closest(name, candidates))
                yield self.error(
                    (*path, "EndPoint"),
                    f"EndPoint uses {{{{{name}}}}}, which is neither a MergeField "
                    "parameter of this method nor a property",
                    declare_hint(name, candidates, "Parameters as a MergeField"),
                    span=span,
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
            target_key = (
                target_type,
                target.lower() if target_type == "HttpHeader" else target,
            )
            if name in seen_python and target_key not in seen_target:
                # A target declared twice is reported below, once, as a duplicate.
                yield self.clash(
                    ppath, "parameter", seen_python[name], name, "TargetName"
                )
            elif name in METHOD_ARGUMENTS:
                yield self.error(
                    (*ppath, "TargetName"),
                    f"parameter '{target}' would be the argument '{name}', which "
                    f"{METHOD_ARGUMENTS[name]}",
                    f"give it a PythonName, such as '{name}_value'",
                )
            seen_python.setdefault(name, j)
            if target_key in seen_target:
                line = self.line_of((*path, "Parameters", seen_target[target_key]))
                yield self.error(
                    (*ppath, "TargetName"),
                    f"{target_type} '{target}' is declared twice in this method "
                    f"(first at line {line})",
                    "remove one of them",
                )
            seen_target.setdefault(target_key, j)
            if target_key in self.auth_targets:
                yield self.error(
                    (*ppath, "TargetName"),
                    f"{target_type} parameter '{target}' is also set by "
                    f"{self.auth_targets[target_key]}, which would overwrite it",
                    "remove the parameter: the authentication fills it in",
                )
            if target_type == "MergeField":
                if target not in used and target not in meant:
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
                    "remove Default: credentials come from the Authentication "
                    "section, supplied at run time",
                    key=True,
                )
            yield from self.check_values(ppath, param)

    def check_rate_limits(self, path: JsonPath) -> Iterator[Diagnostic]:
        """Each limit is MaxRequests with Per, or TimeBetweenRequests alone."""
        try:
            limits: list[dict[str, Any]] = self.data_at(path)
        except (KeyError, IndexError):
            return
        frames: dict[str, int] = {}
        for i, limit in enumerate(limits):
            lpath: JsonPath = (*path, i)
            if "TimeBetweenRequests" in limit and len(limit) > 1:
                yield self.error(
                    lpath,
                    "a rate limit gives TimeBetweenRequests with MaxRequests or Per",
                    "write TimeBetweenRequests as a limit of its own",
                )
            elif "Per" in limit and "PerSeconds" in limit:
                yield self.error(
                    (*lpath, "PerSeconds"),
                    "a rate limit gives both Per and PerSeconds",
                    "keep one: PerSeconds for a time frame of any length",
                    key=True,
                )
            elif "PerSeconds" in limit and "MaxRequests" not in limit:
                yield self.error(
                    lpath,
                    "a rate limit gives PerSeconds without MaxRequests",
                    "add MaxRequests: the most requests allowed in that many seconds",
                )
            elif "PerSeconds" in limit:
                frame = f"{limit['PerSeconds']} seconds"
                if frame in frames:
                    line = self.line_of((*path, frames[frame]))
                    yield self.error(
                        lpath,
                        f"two rate limits for the same time frame ({frame}; first "
                        f"at line {line})",
                        "keep the stricter one",
                    )
                frames.setdefault(frame, i)
            elif "MaxRequests" in limit and "Per" not in limit:
                yield self.error(
                    lpath,
                    "a rate limit gives MaxRequests without Per",
                    "add Per: Second, Minute, Hour or Day (or PerSeconds: 10)",
                )
            elif "Per" in limit and "MaxRequests" not in limit:
                yield self.error(
                    lpath,
                    "a rate limit gives Per without MaxRequests",
                    "add MaxRequests: the most requests allowed per "
                    f"{str(limit['Per']).lower()}",
                )
            elif not limit:
                yield self.error(
                    lpath,
                    "a rate limit is empty",
                    "give MaxRequests with Per, or TimeBetweenRequests",
                )
            else:
                frame = limit.get("Per", "TimeBetweenRequests")
                if frame in frames:
                    line = self.line_of((*path, frames[frame]))
                    yield self.error(
                        lpath,
                        f"two rate limits for the same time frame ({frame}; first "
                        f"at line {line})",
                        "keep the stricter one",
                    )
                frames.setdefault(frame, i)

    def check_paging(
        self, path: JsonPath, method: dict[str, Any]
    ) -> Iterator[Diagnostic]:
        paging: dict[str, Any] | None = method.get("Paging")
        if paging is None:
            return
        ppath: JsonPath = (*path, "Paging")
        style = paging["Style"]
        if method["HttpMethod"] not in ("GET", "POST"):
            yield self.error(
                (*ppath, "Style"),
                f"Paging on a {method['HttpMethod']} method",
                "paging is generated for GET and POST methods only",
            )
        needed = PAGING_KEYS[style]
        for key in needed:
            if key not in paging:
                yield self.error(
                    ppath,
                    f"Paging with Style {style} needs '{key}'",
                    f"add {key}: {PAGING_KEY_EXAMPLES[key]}",
                )
        for key in paging:
            if key in PAGING_STYLE_KEYS and key not in needed and key != "FirstPage":
                users = [s for s, keys in PAGING_KEYS.items() if key in keys]
                yield self.error(
                    (*ppath, key),
                    f"{key} is not used with Style {style}",
                    f"remove it, or use Style {users[0]}",
                    key=True,
                )
        if "FirstPage" in paging and style != "PageNumber":
            yield self.error(
                (*ppath, "FirstPage"),
                f"FirstPage is not used with Style {style}",
                "remove it, or use Style PageNumber",
                key=True,
            )
        if "SizeParameter" in paging and "PageSize" not in paging:
            yield self.error(
                (*ppath, "SizeParameter"),
                "SizeParameter is given without PageSize",
                "add PageSize: the number of items to ask for",
                key=True,
            )
        query = {
            p["TargetName"]: p
            for p in method.get("Parameters", [])
            if p["TargetType"] == "QueryString"
        }
        for key in ("PageParameter", "OffsetParameter", "CursorParameter"):
            name = paging.get(key)
            if name in query and not (
                query[name].get("IsOptional") or "Default" in query[name]
            ):
                yield self.error(
                    (*ppath, key),
                    f"{key} '{name}' is a required QueryString parameter",
                    "make the parameter optional: paging sets it from the second "
                    "page on",
                )
        taken = {p: "" for p in PAGED_ARGUMENTS}
        for j, param in enumerate(method.get("Parameters", [])):
            name = python_name(param, param["TargetName"])
            if name in taken:
                yield self.error(
                    (*path, "Parameters", j, "TargetName"),
                    f"parameter '{param['TargetName']}' would be the argument "
                    f"'{name}', which iter_{python_name(method, method['Name'])}() "
                    "has already",
                    f"give it a PythonName, such as '{name}_value'",
                )
        iter_name = f"iter_{python_name(method, method['Name'])}"
        # Looked up in a table of every method's name, built once: a loop over the
        # methods here made a spec of many paged methods quadratic (issue 15).
        for k in self.method_indexes().get(iter_name, ()):
            other = self.data["Methods"][k]
            yield self.error(
                ("Methods", k, "Name"),
                f"method '{other['Name']}' would be '{iter_name}', which the "
                f"paging of method '{method['Name']}' uses",
                "rename it or give it a PythonName",
            )

    def check_formats(
        self, path: JsonPath, method: dict[str, Any]
    ) -> Iterator[Diagnostic]:
        """Request and response formats, date formats and response fields."""
        request_format = method.get(
            "RequestFormat", self.data.get("RequestFormat", "Json")
        )
        response_format = method.get("ResponseFormat", "Json")
        params: list[dict[str, Any]] = method.get("Parameters", [])
        body = [(j, p) for j, p in enumerate(params) if p["TargetType"] == "Body"]
        where = (*path, "RequestFormat") if "RequestFormat" in method else path
        if request_format == "PlainText" and len(body) != 1:
            yield self.error(
                where,
                f"method '{method['Name']}' sends PlainText, which needs exactly one "
                f"Body parameter, not {len(body)}",
                "declare the text as the one Body parameter",
            )
        if request_format == "PlainText":
            for j, param in body:
                if param.get("IsOptional") and "Default" not in param:
                    yield self.error(
                        (*path, "Parameters", j, "IsOptional"),
                        f"Body parameter '{param['TargetName']}' is optional, but "
                        "it is the whole PlainText body",
                        "make it required or give it a Default",
                        key=True,
                    )
        if request_format == "Xml":
            for j, param in body:
                if not XML_NAME.fullmatch(param["TargetName"]):
                    yield self.error(
                        (*path, "Parameters", j, "TargetName"),
                        f"Body parameter '{param['TargetName']}' cannot be the name "
                        "of an XML element",
                        "use letters, digits, _, - and . (not first)",
                    )
        elif "XmlRoot" in method:
            yield self.error(
                (*path, "XmlRoot"),
                f"XmlRoot on a method that sends {request_format}",
                "remove it, or add RequestFormat: Xml",
                key=True,
            )
        auth_type = self.data["Authentication"]["AuthType"]
        if auth_type == "AuthFields" and request_format not in ("Json", "Form"):
            yield self.error(
                where,
                f"method '{method['Name']}' sends {request_format}, but AuthFields "
                "authentication goes into a Json or Form body",
                "use RequestFormat Json or Form",
            )
        for key in ("Paging", "ResponseFields"):
            if key in method and response_format != "Json":
                yield self.error(
                    (*path, key),
                    f"{key} on a method whose ResponseFormat is {response_format}",
                    "these describe a Json response: remove one or the other",
                    key=True,
                )
        for j, param in enumerate(params):
            if "Format" not in param:
                continue
            fpath: JsonPath = (*path, "Parameters", j, "Format")
            if param.get("DataType") != "DateTime":
                yield self.error(
                    fpath,
                    f"Format on parameter '{param['TargetName']}', which is no "
                    "DateTime",
                    "remove it, or add DataType: DateTime",
                    key=True,
                )
            elif not STRFTIME_DIRECTIVE.search(param["Format"]):
                yield self.error(
                    fpath,
                    f"Format '{param['Format']}' writes no part of the date",
                    "use strftime directives, such as %Y-%m-%d",
                )
        seen: dict[str, int] = {}
        for j, response_field in enumerate(method.get("ResponseFields", [])):
            name = response_field["Name"]
            if name in seen:
                line = self.line_of((*path, "ResponseFields", seen[name]))
                yield self.error(
                    (*path, "ResponseFields", j, "Name"),
                    f"response field '{name}' is declared twice (first at line {line})",
                    "remove one of them",
                )
            seen.setdefault(name, j)

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
            if not splits(url):
                continue  # said by check_wire_text
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

    def check_values(
        self, path: JsonPath, param: dict[str, Any]
    ) -> Iterator[Diagnostic]:
        yield from self.check_value_type(path, param, "Default")
        values = param.get("Values")
        if values is None:
            return
        if param.get("DataType") == "File":
            yield self.error(
                (*path, "Values"), "DataType File takes no Values", "remove Values"
            )
            return
        for k, value in enumerate(values):
            yield from self.check_value_type((*path, "Values", k), param, None, value)
        if "Default" in param and param["Default"] not in values:
            yield self.error(
                (*path, "Default"),
                f"Default {_shown(param['Default'])} is not one of the Values",
                f"use one of {', '.join(_shown(v) for v in values)}",
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
        what = f"{key} {_shown(value)}" if key else f"the value {_shown(value)}"
        if data_type == "File":
            yield self.error(
                path, f"DataType File takes no {key}", f"remove {key}", key=True
            )
        elif (is_bool and data_type != "Boolean") or not isinstance(value, expected):
            yield self.error(
                path,
                f"{what} does not fit DataType {data_type}",
                f"{VALUE_EXAMPLES[data_type]}, or change the DataType",
            )
        elif problem := _value_problem(value, data_type):
            yield self.error(path, f"{what} does not fit DataType {data_type}", problem)

    def check_identifier(
        self,
        path: JsonPath,
        entry: dict[str, Any],
        name: str,
        what: str,
        source_key: str = "Name",
    ) -> Iterator[Diagnostic]:
        if "PythonName" in entry:
            if not PYTHON_NAME.fullmatch(name):
                # The schema's pattern ends in `$`, which Python's re (unlike
                # ECMA 262) lets match before a final line break.
                yield self.error(
                    (*path, "PythonName"),
                    f"PythonName {name!r} is not a snake_case Python identifier",
                    "use a-z, 0-9 and _ only",
                )
            elif keyword.iskeyword(name):
                yield self.error(
                    (*path, "PythonName"),
                    f"PythonName '{name}' is a Python keyword",
                    f"use '{name}_'",
                )
            elif name.startswith("_") and what != "method":
                yield self.error(
                    (*path, "PythonName"),
                    f"PythonName '{name}' starts with an underscore",
                    "the generated module keeps those names for its own helpers: "
                    f"use '{name.lstrip('_') or 'value'}'",
                )
            return
        source = entry[source_key]
        if not name:
            yield self.error(
                (*path, source_key),
                f"{what} {source!r} has no letters or digits to make a Python name of",
                f"give it a PythonName, such as '{what.split()[-1]}_1'",
            )
        elif not is_identifier(name) and not keyword.iskeyword(name):
            yield self.error(
                (*path, source_key),
                f"{what} {source!r} would be named '{name}', which starts with a digit",
                f"give it a PythonName, such as '{_python_name_for(name, what)}'",
            )
        elif keyword.iskeyword(name):
            yield self.error(
                (*path, source_key),
                f"{what} {source!r} would be named '{name}', a Python keyword",
                f"give it a PythonName, such as '{name}_'",
            )

    def check_property_names(
        self, properties: list[dict[str, Any]]
    ) -> Iterator[Diagnostic]:
        """A Name twice (with different PythonNames): {{Name}} would be ambiguous."""
        first: dict[str, int] = {}
        for i, prop in enumerate(properties):
            name = prop["Name"]
            if name in first:
                other = properties[first[name]]
                if python_name(prop, name) != python_name(other, name):
                    line = self.line_of(("Properties", first[name]))
                    yield self.error(
                        ("Properties", i, "Name"),
                        f"property '{name}' is declared twice (first at line {line})",
                        "remove one of them",
                    )
            first.setdefault(name, i)

    def check_auth_fields(self) -> Iterator[Diagnostic]:
        """Each AuthFields field becomes a constructor argument and a body key."""
        auth = self.data["Authentication"]
        if auth["AuthType"] != "AuthFields":
            return
        names: dict[str, int] = {}
        keys: dict[str, int] = {}
        for i, field in enumerate(auth["Fields"]):
            path: JsonPath = ("Authentication", "Fields", i)
            name = python_name(field, field["Name"])
            problems = list(
                self.check_identifier(path, field, name, "authentication field")
            )
            yield from problems
            if not problems and name in names:
                yield self.clash(path, "authentication field", names[name], name)
            elif not problems and name in CONSTRUCTOR_ARGUMENTS:
                yield self.error(
                    (*path, "Name"),
                    f"authentication field '{field['Name']}' would be the argument "
                    f"'{name}', which {CONSTRUCTOR_ARGUMENTS[name]}",
                    "rename it or give it a PythonName",
                )
            names.setdefault(name, i)
            key = field["Key"]
            if key in keys:
                line = self.line_of(("Authentication", "Fields", keys[key]))
                yield self.error(
                    (*path, "Key"),
                    f"Key '{key}' is used by two authentication fields (first at "
                    f"line {line})",
                    "give each field its own Key",
                )
            keys.setdefault(key, i)

    def check_wire_text(self) -> Iterator[Diagnostic]:
        """Spec text that goes on the wire as it is must be text HTTP can carry.

        Caught here, a located error; missed, httpx or h11 would raise at run time
        (or a fragment would silently never be sent).
        """
        if control := URL_CONTROL.search(self.data["BaseUrl"]):
            yield self.error(
                ("BaseUrl",),
                f"BaseUrl has the control character {control.group()!r}",
                "remove it: a URL cannot carry it",
            )
        auth = self.data["Authentication"]
        # Every URL of the authentication too (issue 15: a NUL in AccessTokenUrl
        # compiled, and the client failed when it was created).
        for key in AUTH_URL_KEYS:
            url = auth.get(key)
            if isinstance(url, str) and (control := URL_CONTROL.search(url)):
                yield self.error(
                    ("Authentication", key),
                    f"{key} has the control character {control.group()!r}",
                    "remove it: a URL cannot carry it",
                )
            elif isinstance(url, str) and not splits(url):
                yield self.error(
                    ("Authentication", key),
                    f"{key} is not a URL that can be sent: a '[' without its ']', "
                    "or a port that is not a number from 0 to 65535",
                    "write the host as in https://auth.example.com/token, and a port "
                    "as a number after it",
                )
        header = auth.get("Header") if auth["AuthType"] == "ApiKey" else None
        if isinstance(header, str) and not HEADER_NAME.fullmatch(header):
            # The schema's pattern lets a final line break through (see PYTHON_NAME).
            yield self.error(
                ("Authentication", "Header"),
                f"Header {header!r} is not a valid HTTP header name",
                "a header name has letters, digits and !#$%&'*+-.^_`|~ only",
            )
        if auth["AuthType"] == "ApiKey" and "QueryParameter" not in auth:
            yield from self.check_header_value(
                ("Authentication", "Format"), auth.get("Format"), "Format"
            )
        for i, method in enumerate(self.data["Methods"]):
            path: JsonPath = ("Methods", i)
            params: list[dict[str, Any]] = method.get("Parameters", [])
            yield from self.check_endpoint_text(path, method["EndPoint"], params)
            for j, param in enumerate(params):
                if param["TargetType"] == "HttpHeader":
                    yield from self.check_header_parameter(
                        (*path, "Parameters", j), param
                    )

    def check_endpoint_text(
        self, path: JsonPath, endpoint: str, params: list[dict[str, Any]]
    ) -> Iterator[Diagnostic]:
        literal_text = MERGE_FIELD.sub("", endpoint)
        if control := URL_CONTROL.search(endpoint):
            yield self.error(
                (*path, "EndPoint"),
                f"EndPoint has the control character {control.group()!r}",
                "remove it: a URL cannot carry it",
            )
        if "#" in literal_text:
            yield self.error(
                (*path, "EndPoint"),
                "EndPoint has a fragment (#...), which is never sent",
                "remove it, or write %23 for a '#' the API expects in the path",
            )
        elif "?" in literal_text and any(
            p["TargetType"] == "QueryString" for p in params
        ):
            yield self.error(
                (*path, "EndPoint"),
                "EndPoint has a query (?...), which this method's QueryString "
                "parameters would replace",
                "declare the fixed values as QueryString parameters with a Default",
            )

    def check_header_parameter(
        self, path: JsonPath, param: dict[str, Any]
    ) -> Iterator[Diagnostic]:
        target = param["TargetName"]
        if not HEADER_NAME.fullmatch(target):
            yield self.error(
                (*path, "TargetName"),
                f"HttpHeader {target!r} is not a valid HTTP header name",
                "a header name has letters, digits and !#$%&'*+-.^_`|~ only",
            )
        if "Default" in param:
            yield from self.check_header_value(
                (*path, "Default"), param["Default"], "Default"
            )
        for k, value in enumerate(param.get("Values", ())):
            yield from self.check_header_value((*path, "Values", k), value, "value")

    def check_header_value(
        self, path: JsonPath, value: Any, what: str
    ) -> Iterator[Diagnostic]:
        problem = header_value_problem(value) if isinstance(value, str) else ""
        if problem:
            yield self.error(
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


def _value_problem(value: Any, data_type: str) -> str:
    """Why a value of the right JSON type still cannot be a ``data_type`` value."""
    if isinstance(value, float) and not math.isfinite(value):
        return "write a finite number (JSON cannot carry infinity or NaN)"
    if data_type == "Decimal" and isinstance(value, str):
        try:
            finite = Decimal(value).is_finite()
        except InvalidOperation:
            finite = False
        if not finite:
            return "write a finite number, such as '12.50'"
    if data_type == "DateTime" and isinstance(value, str):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return "write an ISO 8601 date-time, such as '2024-05-01T12:00:00+00:00'"
    if data_type == "Float" and isinstance(value, int) and not isinstance(value, bool):
        try:
            float(value)
        except OverflowError:
            return "the number is too large for a Float"
    return ""


def digits_last(words: list[str]) -> list[str]:
    """Words that start with a digit moved from the front to the end, so that a
    suggested name can start with a letter: ``2 Step Verify`` -> ``Step Verify 2``."""
    lead = next((i for i, w in enumerate(words) if w[:1].isalpha()), len(words))
    return words[lead:] + words[:lead]


def _python_name_for(name: str, what: str) -> str:
    """A PythonName to suggest for ``name``, which starts with a digit."""
    words = digits_last(name.split("_"))
    if not words[0][:1].isalpha():
        words = [what.split()[-1], *words]
    return "_".join(words)


def _module_name_for(name: str) -> str:
    """A connector Name to suggest for ``name``, which starts with a digit."""
    words = digits_last(name.split())
    return " ".join(words if words[0][:1].isalpha() else ["API", *words])


def _shown(value: Any) -> str:
    """A value as the spec writes it: ``'three'``, ``2.5``, ``true``."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and not math.isfinite(value):
        return {"inf": ".inf", "-inf": "-.inf"}.get(str(value), ".nan")
    return repr(value)


def splits(url: str) -> bool:
    """True when urllib (and so httpx) can take ``url`` apart, its port included."""
    try:
        urlsplit(MERGE_FIELD.sub("x", url)).port  # noqa: B018 - read to check it
    except ValueError:
        return False
    return True


# auth_checks.py imports these by their former names.
_auth_targets = auth_targets
_header_value_problem = header_value_problem
