"""The Python names a spec gives (methods, parameters, properties, authentication
fields, ApiKey keys): each must be a snake_case identifier that is not a keyword,
whether written as a PythonName or made from the Name."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from typing import Any

from .checking import Context
from .diagnostics import Diagnostic
from .load import JsonPath
from .names import is_identifier

__all__ = ["PYTHON_NAME", "check_identifier", "digits_last"]

PYTHON_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def check_identifier(
    ctx: Context,
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
            yield ctx.error(
                (*path, "PythonName"),
                f"PythonName {name!r} is not a snake_case Python identifier",
                "use a-z, 0-9 and _ only",
            )
        elif keyword.iskeyword(name):
            yield ctx.error(
                (*path, "PythonName"),
                f"PythonName '{name}' is a Python keyword",
                f"use '{name}_'",
            )
        elif name.startswith("_") and what != "method":
            yield ctx.error(
                (*path, "PythonName"),
                f"PythonName '{name}' starts with an underscore",
                "the generated module keeps those names for its own helpers: "
                f"use '{name.lstrip('_') or 'value'}'",
            )
        return
    source = entry[source_key]
    if not name:
        yield ctx.error(
            (*path, source_key),
            f"{what} {source!r} has no letters or digits to make a Python name of",
            f"give it a PythonName, such as '{what.split()[-1]}_1'",
        )
    elif not is_identifier(name) and not keyword.iskeyword(name):
        yield ctx.error(
            (*path, source_key),
            f"{what} {source!r} would be named '{name}', which starts with a digit",
            f"give it a PythonName, such as '{_python_name_for(name, what)}'",
        )
    elif keyword.iskeyword(name):
        yield ctx.error(
            (*path, source_key),
            f"{what} {source!r} would be named '{name}', a Python keyword",
            f"give it a PythonName, such as '{name}_'",
        )


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
