"""The checks a JSON Schema cannot make, run on a spec the schema has accepted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from .auth_checks import auth_extra_errors
from .auth_field_rules import check_auth_fields
from .checking import (
    CONSTRUCTOR_ARGUMENTS,
    MERGE_FIELD,
    METHOD_ARGUMENTS,
    RESERVED_ARGUMENTS,
    Context,
    auth_targets,
    credential_names,
)
from .connector_rules import (
    check_environment_variables,
    check_name,
    check_properties,
    check_property_names,
)
from .diagnostics import Diagnostic
from .load import JsonPath, LoadedSpec
from .method_rules import (
    AUTH_METHODS,
    BODYLESS_METHODS,
    RESERVED_METHODS,
    SECRET_NAME,
    check_methods,
)
from .names import python_name
from .oauth2 import oauth2_errors
from .paging_rules import paging_errors
from .retry_rules import retry_errors
from .session_jwt import session_jwt_errors
from .url_rules import check_base_url

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

# Hosts that may be reached over plain http: the machine itself.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
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


def semantic_errors(spec: LoadedSpec) -> list[Diagnostic]:
    """Every problem of a schema-valid spec that the schema cannot see."""
    return list(_Checker(spec).run())


class _Checker(Context):
    def run(self) -> Iterator[Diagnostic]:
        yield from check_name(self)
        properties = self.data.get("Properties", [])
        yield from check_properties(self, properties)
        yield from check_base_url(self, properties)
        yield from check_methods(self, properties)
        yield from check_property_names(self, properties)
        yield from check_environment_variables(self, properties)
        yield from check_auth_fields(self)
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
