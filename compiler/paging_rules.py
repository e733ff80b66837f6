"""The checks of paging and of field paths, which a JSON Schema cannot make: the keys
each paging Style needs and takes, the methods and parameters paging works with
(``check_paging``), and the paging keys of issue 10 (has-more flags, totals, page
sizes, cursors in a POST body).

Every path a spec writes is parsed here with ``fieldpath.parse_path``, so a path that
cannot mean what it says is a located error, never a silent split at run time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .checking import Context
from .diagnostics import Diagnostic
from .fieldpath import PathError, Segment, key_path, parse_path, path_text
from .load import JsonPath, LoadedSpec
from .names import python_name

__all__ = ["PAGED_ARGUMENTS", "PATH_KEYS", "check_paging", "paging_errors"]

# Paging keys whose value is a field path in the response.
PATH_KEYS = ("ItemsPath", "NextUrlPath", "CursorPath", "HasMorePath", "TotalPath")
# The styles a has-more flag makes sense with: the others end where the next link does.
HAS_MORE_STYLES = ("PageNumber", "Offset", "Cursor")
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
# Arguments an iter_<method>() takes besides the method's own.
PAGED_ARGUMENTS = ("max_pages", "max_items")


def paging_errors(spec: LoadedSpec) -> Iterator[Diagnostic]:
    """Every path, and the paging keys added for real APIs, of every method."""
    default_format = spec.data.get("RequestFormat", "Json")
    for i, method in enumerate(spec.data["Methods"]):
        path: JsonPath = ("Methods", i)
        request_format = method.get("RequestFormat", default_format)
        yield from _body_paths(spec, path, method, request_format)
        paging = method.get("Paging")
        if isinstance(paging, dict):
            yield from _paging(spec, (*path, "Paging"), method, paging, request_format)


def _path(spec: LoadedSpec, where: JsonPath, text: str) -> Diagnostic | None:
    try:
        parse_path(text)
    except PathError as exc:
        key = where[-1]
        return spec.diagnostic(
            where, f"{key} '{text}': {exc.message}", exc.hint, span=(text, exc.index)
        )
    return None


def _paging(
    spec: LoadedSpec,
    where: JsonPath,
    method: dict[str, Any],
    paging: dict[str, Any],
    request_format: str,
) -> Iterator[Diagnostic]:
    style = paging["Style"]
    if method["HttpMethod"] == "POST" and request_format == "File":
        yield spec.diagnostic(
            (*where, "Style"),
            "Paging on a POST with RequestFormat File: its multipart body cannot be "
            "sent again with every page",
            "page a POST with a Json or Form body",
        )
    for key in PATH_KEYS:
        value = paging.get(key)
        if isinstance(value, str) and (error := _path(spec, (*where, key), value)):
            yield error
    if "HasMorePath" in paging and style not in HAS_MORE_STYLES:
        yield spec.diagnostic(
            (*where, "HasMorePath"),
            f"HasMorePath is not used with Style {style}: its last page is the one "
            "without a next link",
            "remove it, or use Style Cursor with CursorPath",
            key=True,
        )
    cursor_in = paging.get("CursorIn")
    if cursor_in is not None and style != "Cursor":
        yield spec.diagnostic(
            (*where, "CursorIn"),
            f"CursorIn is not used with Style {style}",
            "remove it, or use Style Cursor",
            key=True,
        )
    elif cursor_in == "Body" and (
        method["HttpMethod"] != "POST" or request_format != "Json"
    ):
        yield spec.diagnostic(
            (*where, "CursorIn"),
            f"CursorIn Body needs a POST with a JSON body, not a "
            f"{method['HttpMethod']} with RequestFormat {request_format}",
            "use HttpMethod POST and RequestFormat Json, or CursorIn Query",
        )
    if cursor_in == "Body" and style == "Cursor":
        taken = {
            paging.get("CursorParameter"): "CursorParameter",
            paging.get("SizeParameter"): "SizeParameter",
        }
        for j, param in enumerate(method.get("Parameters", [])):
            name = param["TargetName"]
            if param["TargetType"] != "Body" or not isinstance(name, str):
                continue
            first = (
                name.split(".")[0].split("[")[0] if request_format == "Json" else name
            )
            if first in taken:
                yield spec.diagnostic(
                    ("Methods", *where[1:2], "Parameters", j, "TargetName"),
                    f"Body parameter '{name}' would be overwritten by the paging's "
                    f"{taken[first]} '{first}' in the same body",
                    f"remove the parameter, or rename the paging's {taken[first]}",
                )
    if "NextEndPoint" in paging:
        endpoint = paging["NextEndPoint"]
        if cursor_in != "Body":
            yield spec.diagnostic(
                (*where, "NextEndPoint"),
                "NextEndPoint is used only with CursorIn Body",
                "add CursorIn: Body, or remove NextEndPoint",
                key=True,
            )
        elif (
            not endpoint.startswith("/")
            or "{{" in endpoint
            or "?" in endpoint
            or "#" in endpoint
        ):
            yield spec.diagnostic(
                (*where, "NextEndPoint"),
                f"NextEndPoint '{endpoint}' must be a plain path from /: no merge "
                "fields, query or fragment",
                "write the path the following pages are asked from, such as "
                "/files/list_folder/continue",
            )
    if "MaxPageSize" in paging:
        yield from _max_page_size(spec, where, method, paging)


def _max_page_size(
    spec: LoadedSpec, where: JsonPath, method: dict[str, Any], paging: dict[str, Any]
) -> Iterator[Diagnostic]:
    most = paging["MaxPageSize"]
    if "SizeParameter" not in paging:
        yield spec.diagnostic(
            (*where, "MaxPageSize"),
            "MaxPageSize is given without SizeParameter",
            "add SizeParameter: the parameter the page size is sent in",
            key=True,
        )
    size = paging.get("PageSize")
    if isinstance(size, int) and isinstance(most, int) and size > most:
        yield spec.diagnostic(
            (*where, "PageSize"),
            f"PageSize {size} is more than MaxPageSize {most}",
            f"ask for at most {most} items per page",
        )
    size_name = paging.get("SizeParameter")
    for j, param in enumerate(method.get("Parameters", [])):
        if param["TargetName"] == size_name and param["TargetType"] in (
            "QueryString",
            "Body",
        ):
            yield spec.diagnostic(
                ("Methods", *where[1:2], "Parameters", j, "TargetName"),
                f"parameter '{size_name}' is also the SizeParameter, which the "
                "page_size= argument of MaxPageSize sets",
                "remove the parameter: page_size= sends it",
            )
        elif python_name(param, param["TargetName"]) == "page_size":
            yield spec.diagnostic(
                ("Methods", *where[1:2], "Parameters", j, "TargetName"),
                f"parameter '{param['TargetName']}' would be the argument "
                "'page_size', which MaxPageSize adds",
                "give it a PythonName, such as 'page_size_value'",
            )


def _body_paths(
    spec: LoadedSpec, where: JsonPath, method: dict[str, Any], request_format: str
) -> Iterator[Diagnostic]:
    """No two JSON Body fields overlap (ticket and ticket.subject cannot both be
    sent). A TargetName that is not a path of keys is one key, as it always was."""
    if request_format != "Json":
        return
    seen: dict[tuple[Segment, ...], str] = {}
    for j, param in enumerate(method.get("Parameters", [])):
        name = param["TargetName"]
        if param["TargetType"] != "Body" or not isinstance(name, str):
            continue
        ppath: JsonPath = (*where, "Parameters", j, "TargetName")
        segments: tuple[Segment, ...] = key_path(name) or (name,)
        for other, other_name in seen.items():
            if len(other) == 1 and len(segments) == 1:
                continue  # two flat fields: the duplicate check's business
            shorter = min(len(other), len(segments))
            if other[:shorter] == segments[:shorter]:
                yield spec.diagnostic(
                    ppath,
                    f"Body field '{name}' overlaps Body field '{other_name}': both "
                    f"would set {path_text(segments[:shorter])}",
                    "send each value under a key of its own",
                )
                break
        seen[segments] = name


def check_paging(
    ctx: Context, path: JsonPath, method: dict[str, Any]
) -> Iterator[Diagnostic]:
    """The keys a method's paging Style needs and takes, and the HTTP method, query
    parameters and method names its paging works with."""
    paging: dict[str, Any] | None = method.get("Paging")
    if paging is None:
        return
    ppath: JsonPath = (*path, "Paging")
    style = paging["Style"]
    if method["HttpMethod"] not in ("GET", "POST"):
        yield ctx.error(
            (*ppath, "Style"),
            f"Paging on a {method['HttpMethod']} method",
            "paging is generated for GET and POST methods only",
        )
    needed = PAGING_KEYS[style]
    for key in needed:
        if key not in paging:
            yield ctx.error(
                ppath,
                f"Paging with Style {style} needs '{key}'",
                f"add {key}: {PAGING_KEY_EXAMPLES[key]}",
            )
    for key in paging:
        if key in PAGING_STYLE_KEYS and key not in needed and key != "FirstPage":
            users = [s for s, keys in PAGING_KEYS.items() if key in keys]
            yield ctx.error(
                (*ppath, key),
                f"{key} is not used with Style {style}",
                f"remove it, or use Style {users[0]}",
                key=True,
            )
    if "FirstPage" in paging and style != "PageNumber":
        yield ctx.error(
            (*ppath, "FirstPage"),
            f"FirstPage is not used with Style {style}",
            "remove it, or use Style PageNumber",
            key=True,
        )
    if "SizeParameter" in paging and "PageSize" not in paging:
        yield ctx.error(
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
            yield ctx.error(
                (*ppath, key),
                f"{key} '{name}' is a required QueryString parameter",
                "make the parameter optional: paging sets it from the second page on",
            )
    taken = {p: "" for p in PAGED_ARGUMENTS}
    for j, param in enumerate(method.get("Parameters", [])):
        name = python_name(param, param["TargetName"])
        if name in taken:
            yield ctx.error(
                (*path, "Parameters", j, "TargetName"),
                f"parameter '{param['TargetName']}' would be the argument "
                f"'{name}', which iter_{python_name(method, method['Name'])}() "
                "has already",
                f"give it a PythonName, such as '{name}_value'",
            )
    iter_name = f"iter_{python_name(method, method['Name'])}"
    # Looked up in a table of every method's name, built once: a loop over the
    # methods here made a spec of many paged methods quadratic (issue 15).
    for k in ctx.method_indexes().get(iter_name, ()):
        other = ctx.data["Methods"][k]
        yield ctx.error(
            ("Methods", k, "Name"),
            f"method '{other['Name']}' would be '{iter_name}', which the "
            f"paging of method '{method['Name']}' uses",
            "rename it or give it a PythonName",
        )
