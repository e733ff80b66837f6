"""Methods and their parameters: names the client does not use itself, HTTP methods
that can carry what is declared, {{Field}}s that a MergeField or a property fills,
targets declared once and not also set by the authentication, no secret Defaults."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .checking import (
    MERGE_FIELD,
    METHOD_ARGUMENTS,
    Context,
    declare_hint,
    may_be_missing,
)
from .diagnostics import Diagnostic, closest
from .identifier_rules import check_identifier
from .load import JsonPath
from .names import python_name
from .url_rules import check_template
from .value_rules import check_values

__all__ = [
    "AUTH_METHODS",
    "BODYLESS_METHODS",
    "RESERVED_METHODS",
    "SECRET_NAME",
    "check_methods",
    "check_parameters",
]

BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
# Method names the generated client itself uses, which a spec method may not take.
RESERVED_METHODS = frozenset({"close", "aclose", "from_env", "request"})
# Methods a client gets from its AuthType, which spec methods may not take either.
AUTH_METHODS = {
    "OAuth1": frozenset(
        {"fetch_request_token", "authorization_url", "fetch_access_token", "token"}
    ),
}
# Header and query names that carry credentials: a Default there is a literal secret.
SECRET_NAME = re.compile(r"authorization|api[-_]?key|token|secret|password", re.I)


def check_methods(
    ctx: Context, properties: list[dict[str, Any]]
) -> Iterator[Diagnostic]:
    auth_type = ctx.data["Authentication"]["AuthType"]
    seen: dict[str, int] = {}
    for i, method in enumerate(ctx.data["Methods"]):
        path: JsonPath = ("Methods", i)
        name = python_name(method, method["Name"])
        yield from check_identifier(ctx, path, method, name, "method")
        if name in seen:
            yield ctx.clash(path, "method", seen[name], name)
        elif (
            name in RESERVED_METHODS
            or name in AUTH_METHODS.get(auth_type, ())
            or name.startswith("_")
        ):
            yield ctx.error(
                (*path, "Name"),
                f"method '{method['Name']}' would be '{name}', which the client "
                "uses itself",
                "rename it or give it a PythonName",
            )
        seen.setdefault(name, i)
        http_method = method["HttpMethod"]
        if auth_type == "AuthFields" and http_method in BODYLESS_METHODS:
            yield ctx.error(
                (*path, "HttpMethod"),
                f"method '{method['Name']}' is a {http_method}, but AuthFields "
                "authentication is sent in the request body",
                "use POST, PUT or PATCH for an API that authenticates in the body",
            )
        yield from check_parameters(ctx, path, method, properties)


def check_parameters(
    ctx: Context,
    path: JsonPath,
    method: dict[str, Any],
    properties: list[dict[str, Any]],
) -> Iterator[Diagnostic]:
    params: list[dict[str, Any]] = method.get("Parameters", [])
    declared_props = {p["Name"]: p for p in properties}
    merge_params = {
        p["TargetName"]: i
        for i, p in enumerate(params)
        if p["TargetType"] == "MergeField"
    }
    endpoint: str = method["EndPoint"]
    yield from check_template(ctx, (*path, "EndPoint"), endpoint)
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
            yield ctx.error(
                (*path, "EndPoint"),
                f"EndPoint uses {{{{{name}}}}}, which is both a property and a "
                "MergeField parameter",
                "rename one of them",
                span=span,
            )
        elif name in declared_props and may_be_missing(declared_props[name]):
            yield ctx.error(
                (*path, "EndPoint"),
                f"EndPoint uses {{{{{name}}}}}, but that property is optional "
                "and has no Default",
                "make the property required or give it a Default",
                span=span,
            )
        elif name not in merge_params and name not in declared_props:
            candidates = [*merge_params, *declared_props]
            meant.add(closest(name, candidates))
            yield ctx.error(
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
        yield from check_identifier(
            ctx, ppath, param, name, "parameter", source_key="TargetName"
        )
        target_key = (
            target_type,
            target.lower() if target_type == "HttpHeader" else target,
        )
        if name in seen_python and target_key not in seen_target:
            # A target declared twice is reported below, once, as a duplicate.
            yield ctx.clash(ppath, "parameter", seen_python[name], name, "TargetName")
        elif name in METHOD_ARGUMENTS:
            yield ctx.error(
                (*ppath, "TargetName"),
                f"parameter '{target}' would be the argument '{name}', which "
                f"{METHOD_ARGUMENTS[name]}",
                f"give it a PythonName, such as '{name}_value'",
            )
        seen_python.setdefault(name, j)
        if target_key in seen_target:
            line = ctx.line_of((*path, "Parameters", seen_target[target_key]))
            yield ctx.error(
                (*ppath, "TargetName"),
                f"{target_type} '{target}' is declared twice in this method "
                f"(first at line {line})",
                "remove one of them",
            )
        seen_target.setdefault(target_key, j)
        if target_key in ctx.auth_targets:
            yield ctx.error(
                (*ppath, "TargetName"),
                f"{target_type} parameter '{target}' is also set by "
                f"{ctx.auth_targets[target_key]}, which would overwrite it",
                "remove the parameter: the authentication fills it in",
            )
        if target_type == "MergeField":
            if target not in used and target not in meant:
                yield ctx.error(
                    (*ppath, "TargetName"),
                    f"MergeField '{target}' does not appear in the EndPoint",
                    f"write {{{{{target}}}}} in the EndPoint or make it a "
                    "QueryString parameter",
                )
            if param.get("IsOptional") and "Default" not in param:
                yield ctx.error(
                    (*ppath, "IsOptional"),
                    f"MergeField '{target}' is optional, but the path needs it",
                    "make it required or give it a Default",
                    key=True,
                )
        if target_type == "Body" and method["HttpMethod"] in BODYLESS_METHODS:
            yield ctx.error(
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
            yield ctx.error(
                (*ppath, "Default"),
                f"{target_type} '{target}' has a Default, which would be a secret "
                "written in the spec",
                "remove Default: credentials come from the Authentication "
                "section, supplied at run time",
                key=True,
            )
        yield from check_values(ctx, ppath, param)
