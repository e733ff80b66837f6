"""A method's formats: the request body a RequestFormat can carry (PlainText, Xml,
AuthFields' Json or Form), a Json response for Paging and ResponseFields, DateTime
Formats and response field names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .checking import Context
from .diagnostics import Diagnostic
from .load import JsonPath

__all__ = ["check_formats"]

# An XML element name (the ASCII subset of XML 1.0's Name, without namespaces).
XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
# A strftime directive that writes part of a date (not %% or %n).
STRFTIME_DIRECTIVE = re.compile(r"%[-#]?[aAwdbBmyYHIpMSfzZjUWcxXGuVeFTsDRr]")


def check_formats(
    ctx: Context, path: JsonPath, method: dict[str, Any]
) -> Iterator[Diagnostic]:
    """Request and response formats, date formats and response fields."""
    request_format = method.get("RequestFormat", ctx.data.get("RequestFormat", "Json"))
    response_format = method.get("ResponseFormat", "Json")
    params: list[dict[str, Any]] = method.get("Parameters", [])
    body = [(j, p) for j, p in enumerate(params) if p["TargetType"] == "Body"]
    where = (*path, "RequestFormat") if "RequestFormat" in method else path
    if request_format == "PlainText" and len(body) != 1:
        yield ctx.error(
            where,
            f"method '{method['Name']}' sends PlainText, which needs exactly one "
            f"Body parameter, not {len(body)}",
            "declare the text as the one Body parameter",
        )
    if request_format == "PlainText":
        for j, param in body:
            if param.get("IsOptional") and "Default" not in param:
                yield ctx.error(
                    (*path, "Parameters", j, "IsOptional"),
                    f"Body parameter '{param['TargetName']}' is optional, but "
                    "it is the whole PlainText body",
                    "make it required or give it a Default",
                    key=True,
                )
    if request_format == "Xml":
        for j, param in body:
            if not XML_NAME.fullmatch(param["TargetName"]):
                yield ctx.error(
                    (*path, "Parameters", j, "TargetName"),
                    f"Body parameter '{param['TargetName']}' cannot be the name "
                    "of an XML element",
                    "use letters, digits, _, - and . (not first)",
                )
    elif "XmlRoot" in method:
        yield ctx.error(
            (*path, "XmlRoot"),
            f"XmlRoot on a method that sends {request_format}",
            "remove it, or add RequestFormat: Xml",
            key=True,
        )
    auth_type = ctx.data["Authentication"]["AuthType"]
    if auth_type == "AuthFields" and request_format not in ("Json", "Form"):
        yield ctx.error(
            where,
            f"method '{method['Name']}' sends {request_format}, but AuthFields "
            "authentication goes into a Json or Form body",
            "use RequestFormat Json or Form",
        )
    for key in ("Paging", "ResponseFields"):
        if key in method and response_format != "Json":
            yield ctx.error(
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
            yield ctx.error(
                fpath,
                f"Format on parameter '{param['TargetName']}', which is no DateTime",
                "remove it, or add DataType: DateTime",
                key=True,
            )
        elif not STRFTIME_DIRECTIVE.search(param["Format"]):
            yield ctx.error(
                fpath,
                f"Format '{param['Format']}' writes no part of the date",
                "use strftime directives, such as %Y-%m-%d",
            )
    seen: dict[str, int] = {}
    for j, response_field in enumerate(method.get("ResponseFields", [])):
        name = response_field["Name"]
        if name in seen:
            line = ctx.line_of((*path, "ResponseFields", seen[name]))
            yield ctx.error(
                (*path, "ResponseFields", j, "Name"),
                f"response field '{name}' is declared twice (first at line {line})",
                "remove one of them",
            )
        seen.setdefault(name, j)
