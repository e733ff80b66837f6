"""``AuthType: AuthFields``: each field becomes a constructor argument and a key of
the request body."""

from __future__ import annotations

from collections.abc import Iterator

from .checking import CONSTRUCTOR_ARGUMENTS, Context
from .diagnostics import Diagnostic
from .identifier_rules import check_identifier
from .load import JsonPath
from .names import python_name

__all__ = ["check_auth_fields"]


def check_auth_fields(ctx: Context) -> Iterator[Diagnostic]:
    """Each AuthFields field becomes a constructor argument and a body key."""
    auth = ctx.data["Authentication"]
    if auth["AuthType"] != "AuthFields":
        return
    names: dict[str, int] = {}
    keys: dict[str, int] = {}
    for i, field in enumerate(auth["Fields"]):
        path: JsonPath = ("Authentication", "Fields", i)
        name = python_name(field, field["Name"])
        problems = list(
            check_identifier(ctx, path, field, name, "authentication field")
        )
        yield from problems
        if not problems and name in names:
            yield ctx.clash(path, "authentication field", names[name], name)
        elif not problems and name in CONSTRUCTOR_ARGUMENTS:
            yield ctx.error(
                (*path, "Name"),
                f"authentication field '{field['Name']}' would be the argument "
                f"'{name}', which {CONSTRUCTOR_ARGUMENTS[name]}",
                "rename it or give it a PythonName",
            )
        names.setdefault(name, i)
        key = field["Key"]
        if key in keys:
            line = ctx.line_of(("Authentication", "Fields", keys[key]))
            yield ctx.error(
                (*path, "Key"),
                f"Key '{key}' is used by two authentication fields (first at "
                f"line {line})",
                "give each field its own Key",
            )
        keys.setdefault(key, i)
