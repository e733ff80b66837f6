"""Checks of several authentication methods per connector (issue 11, item 3).

``Authentication`` may be a list of named entries. Each entry is checked by the
existing checks as if it were the spec's only authentication (a view of the spec),
so every rule of a single block applies per entry; this module adds the rules of
the list itself (names, kinds that can share a client, ``AuthMethods``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from .checking import MERGE_FIELD
from .diagnostics import Diagnostic, closest, did_you_mean
from .load import JsonPath, LoadedSpec
from .names import python_name
from .semantics import credential_names

__all__ = ["auth_method_errors", "entry_views"]

# Kinds whose client keeps an auth object of its own (tokens, signing, a login):
# one client class carries the code of one of them (see model.STATEFUL_AUTH_TYPES).
STATEFUL = ("OAuth1", "OAuth2", "Session", "Jwt")


def auth_method_errors(
    spec: LoadedSpec, checks: Callable[[LoadedSpec], list[Diagnostic]]
) -> list[Diagnostic]:
    """Every problem of a schema-valid spec: ``checks`` (the single-auth semantic
    checks) on each entry's view, and the rules of the list itself."""
    auth = spec.data["Authentication"]
    if isinstance(auth, dict):
        return checks(spec) + list(_single_errors(spec))
    found: dict[str, Diagnostic] = {}
    held = list(_header_credentials(spec))
    flagged = {d.json_path for d in held}
    for i, view in entry_views(spec):
        for diagnostic in checks(view):
            path = diagnostic.json_path
            if path in flagged:
                continue  # a credential in a header: said once, below
            if path[:1] == ("Authentication",):
                diagnostic = replace(
                    diagnostic, json_path=("Authentication", i, *path[1:])
                )
            found.setdefault(diagnostic.headline, diagnostic)
    for diagnostic in [*held, *_list_errors(spec)]:
        found.setdefault(diagnostic.headline, diagnostic)
    return list(found.values())


def _header_credentials(spec: LoadedSpec) -> Iterator[Diagnostic]:
    """A ``{{Credential}}`` in connector or method Headers: with several methods the
    credential exists only when its entry is picked, so the header is refused (each
    entry's view would call it undeclared)."""
    from .auth_checks import header_credentials, secret_credentials

    entries: list[dict[str, Any]] = spec.data["Authentication"]
    owners: dict[str, str] = {}
    for entry in entries:
        for name in [*header_credentials(entry), *secret_credentials(entry)]:
            owners.setdefault(name, entry["Name"])
    properties = {p["Name"] for p in spec.data.get("Properties", [])}
    blocks: list[tuple[JsonPath, Any]] = [(("Headers",), spec.data.get("Headers"))]
    blocks += [
        (("Methods", i, "Headers"), m.get("Headers"))
        for i, m in enumerate(spec.data["Methods"])
    ]
    for where, headers in blocks:
        if not isinstance(headers, dict):
            continue
        for name, value in headers.items():
            if not isinstance(value, str):
                continue
            for match in MERGE_FIELD.finditer(value):
                field = match.group(1).strip()
                if field in owners and field not in properties:
                    yield spec.diagnostic(
                        (*where, name),
                        f"header '{name}' uses {{{{{field}}}}}, a credential of the "
                        f"'{owners[field]}' authentication method; with several "
                        "methods a header cannot hold a credential",
                        "declare a property for the value (Sensitive for a secret), "
                        "or use a single Authentication block",
                        span=(value, match.start()),
                    )
                    break


def entry_views(spec: LoadedSpec) -> Iterator[tuple[int, LoadedSpec]]:
    """Each entry of a list Authentication as the spec's only authentication, with
    its positions, so that a check made on the view points into the list."""
    entries: list[dict[str, Any]] = spec.data["Authentication"]
    arguments = [{name for name, _ in credential_names(e)} for e in entries]
    properties = _property_arguments(spec)
    variables: dict[str, str] = spec.data.get("EnvironmentVariables", {})
    for i, entry in enumerate(entries):
        block = {k: v for k, v in entry.items() if k not in ("Name", "Description")}
        # The view checks the variables of its own arguments and the properties;
        # _variables() those of the list (any entry's arguments, once each).
        own = {k: v for k, v in variables.items() if k in arguments[i] | properties}
        data = {**spec.data, "Authentication": block}
        if "EnvironmentVariables" in spec.data:
            data["EnvironmentVariables"] = own
        yield (
            i,
            replace(
                spec,
                data=data,
                values=_view_table(spec.values, i),
                keys=_view_table(spec.keys, i),
            ),
        )


def _view_table(table: dict[JsonPath, Any], i: int) -> dict[JsonPath, Any]:
    view: dict[JsonPath, Any] = {}
    for path, position in table.items():
        if path[:1] != ("Authentication",) or len(path) == 1:
            view[path] = position
        elif path[1] == i:
            view[("Authentication", *path[2:])] = position
    return view


def _single_errors(spec: LoadedSpec) -> Iterator[Diagnostic]:
    """A single block takes no list keys, and no method names an entry."""
    for key in ("Name", "Description"):
        if key in spec.data["Authentication"]:
            yield spec.diagnostic(
                ("Authentication", key),
                f"{key} names an entry of a list of authentication methods, but "
                "Authentication is a single block",
                f"remove {key}, or make Authentication a list of named entries",
                key=True,
            )
    for i, method in enumerate(spec.data["Methods"]):
        if "AuthMethods" in method:
            yield spec.diagnostic(
                ("Methods", i, "AuthMethods"),
                "AuthMethods names authentication entries, but Authentication is a "
                "single block",
                "remove AuthMethods, or make Authentication a list of named entries",
                key=True,
            )


def _list_errors(spec: LoadedSpec) -> Iterator[Diagnostic]:
    entries: list[dict[str, Any]] = spec.data["Authentication"]
    if len(entries) == 1:
        yield spec.diagnostic(
            ("Authentication",),
            "Authentication lists a single method",
            "write it as a block without Name, or list another method",
        )
    names: dict[str, int] = {}
    kinds: dict[str, int] = {}
    stateful: tuple[int, str] | None = None
    for i, entry in enumerate(entries):
        name, kind = entry["Name"], entry["AuthType"]
        where: JsonPath = ("Authentication", i)
        if name in names:
            yield spec.diagnostic(
                (*where, "Name"),
                f"Name {name!r} is used by two authentication entries (first at line "
                f"{_line(spec, names[name], 'Name')})",
                "give each entry its own Name",
            )
        names.setdefault(name, i)
        if kind == "AuthFields":
            yield spec.diagnostic(
                (*where, "AuthType"),
                "AuthType AuthFields cannot be one of several authentication methods "
                "(its fields are in every request body)",
                "use a single Authentication block for AuthFields",
            )
        elif kind in kinds:
            yield spec.diagnostic(
                (*where, "AuthType"),
                f"AuthType {kind} is used by two authentication entries (first at line "
                f"{_line(spec, kinds[kind], 'AuthType')})",
                f"keep one {kind} entry: a client has one {kind} authentication",
            )
        elif kind in STATEFUL and stateful is not None:
            yield spec.diagnostic(
                (*where, "AuthType"),
                f"AuthType {kind} with {stateful[1]} (line "
                f"{_line(spec, stateful[0], 'AuthType')}) in one list: a client "
                "keeps the state of one of OAuth1, OAuth2, Session and Jwt",
                "keep one of them; the others may be ApiKey, Basic or None",
            )
        kinds.setdefault(kind, i)
        if kind in STATEFUL and stateful is None:
            stateful = (i, kind)
        yield from _query_keys(spec, i, entry)
        yield from _auth_argument(spec, i, entry)
    yield from _scripts(spec)
    yield from _variables(spec)
    yield from _auth_property(spec)
    yield from _method_names(spec, names)


def _line(spec: LoadedSpec, i: int, key: str) -> int:
    return spec.position(("Authentication", i, key)).line


def _query_keys(
    spec: LoadedSpec, i: int, entry: dict[str, Any]
) -> Iterator[Diagnostic]:
    """An API key in the query is masked in URLs by code a list does not carry."""
    if entry["AuthType"] != "ApiKey":
        return
    places: list[JsonPath] = []
    if "QueryParameter" in entry:
        places.append(("Authentication", i, "QueryParameter"))
    for j, key in enumerate(entry.get("Keys", [])):
        if "QueryParameter" in key:
            places.append(("Authentication", i, "Keys", j, "QueryParameter"))
    for path in places:
        yield spec.diagnostic(
            path,
            "an API key in a query parameter is not supported in a list of "
            "authentication methods",
            "send it in a Header, or use a single Authentication block",
            key=True,
        )


def _auth_argument(
    spec: LoadedSpec, i: int, entry: dict[str, Any]
) -> Iterator[Diagnostic]:
    """No entry's argument may be called ``auth``: that argument picks the entry."""
    for name, path in credential_names(entry):
        if name == "auth":
            yield spec.diagnostic(
                ("Authentication", i, *path[1:]),
                "the argument 'auth' would clash with the client's auth= argument, "
                "which picks the authentication method",
                "give it another Name or PythonName",
            )


def _property_arguments(spec: LoadedSpec) -> set[str]:
    return {python_name(p, p["Name"]) for p in spec.data.get("Properties", [])}


def _variables(spec: LoadedSpec) -> Iterator[Diagnostic]:
    """EnvironmentVariables of a list: each names an argument of some entry or a
    property, and no variable serves two (said as semantics.py says it within one
    view, so that it is said once)."""
    arguments = {
        name
        for entry in spec.data["Authentication"]
        for name, _ in credential_names(entry)
    }
    arguments |= _property_arguments(spec)
    seen: dict[str, str] = {}
    for argument, variable in spec.data.get("EnvironmentVariables", {}).items():
        if argument not in arguments:
            yield spec.diagnostic(
                ("EnvironmentVariables", argument),
                f"EnvironmentVariables names '{argument}', which is not an "
                "argument of the client",
                did_you_mean(argument, arguments)
                or f"name one of {', '.join(sorted(arguments))}",
                key=True,
            )
        if variable in seen:
            yield spec.diagnostic(
                ("EnvironmentVariables", argument),
                f"the variable '{variable}' is already the one of '{seen[variable]}'",
                "give each argument its own variable",
            )
        else:
            seen[variable] = argument


def _auth_property(spec: LoadedSpec) -> Iterator[Diagnostic]:
    for i, prop in enumerate(spec.data.get("Properties", [])):
        if python_name(prop, prop["Name"]) == "auth":
            yield spec.diagnostic(
                ("Properties", i, "PythonName" if "PythonName" in prop else "Name"),
                "property 'auth' would clash with the client's auth= argument, which "
                "picks the authentication method",
                "give the property another PythonName",
            )


def _scripts(spec: LoadedSpec) -> Iterator[Diagnostic]:
    """Hooks get one auth value (Cyclr's method_auth_value), which a list has not."""
    places: list[JsonPath] = [("Script",)] if "Script" in spec.data else []
    places += [
        ("Methods", i, "Script")
        for i, method in enumerate(spec.data["Methods"])
        if "Script" in method
    ]
    for path in places:
        yield spec.diagnostic(
            path,
            "Script cannot be used with several authentication methods (hooks get "
            "one auth value)",
            "remove Script, or use a single Authentication block",
            key=True,
        )


def _method_names(spec: LoadedSpec, names: dict[str, int]) -> Iterator[Diagnostic]:
    for i, method in enumerate(spec.data["Methods"]):
        for j, name in enumerate(method.get("AuthMethods", [])):
            if name in names:
                continue
            meant = closest(name, names)
            yield spec.diagnostic(
                ("Methods", i, "AuthMethods", j),
                f"AuthMethods names {name!r}, which is no Authentication entry",
                f"did you mean {meant!r}?"
                if meant
                else "use one of " + ", ".join(repr(n) for n in sorted(names)),
            )
