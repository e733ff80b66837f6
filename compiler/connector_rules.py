"""The connector's own names: its Name (the module's), its Properties (constructor
arguments and {{Field}}s) and its EnvironmentVariables."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from typing import Any

from .checking import CONSTRUCTOR_ARGUMENTS, Context, credential_names
from .diagnostics import Diagnostic, did_you_mean
from .identifier_rules import check_identifier, digits_last
from .load import JsonPath
from .names import python_name, shadowed_module, snake_case
from .value_rules import check_value_type

__all__ = [
    "check_environment_variables",
    "check_name",
    "check_properties",
    "check_property_names",
]

MAX_MODULE_NAME = 100
# An environment variable's name, as POSIX shells accept one.
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def check_name(ctx: Context) -> Iterator[Diagnostic]:
    name = ctx.data["Name"]
    module = snake_case(name)
    if not module:
        yield ctx.error(
            ("Name",),
            f"Name {name!r} has no letters or digits to make a module name of",
            "use a name such as 'Mailchimp'",
        )
    elif not module[0].isalpha():
        yield ctx.error(
            ("Name",),
            f"Name {name!r} would generate {module}.py, which cannot be imported "
            "(it starts with a digit)",
            f"start the Name with a letter, as in '{_module_name_for(name)}'",
        )
    elif keyword.iskeyword(module):
        yield ctx.error(
            ("Name",),
            f"Name {name!r} would generate {module}.py, which cannot be imported "
            f"('{module}' is a Python keyword)",
            f"choose a more specific name, such as '{name} API'",
        )
    elif shadowed := shadowed_module(module):
        yield ctx.error(
            ("Name",),
            f"Name {name!r} would generate {module}.py, which hides Python's "
            f"'{shadowed}' module",
            f"choose a more specific name, such as '{name} API'",
        )
    elif len(module) > MAX_MODULE_NAME:
        # File systems allow 255 bytes; the writer's temporary file adds some.
        yield ctx.error(
            ("Name",),
            f"Name gives a module name of {len(module)} characters, too long "
            "for a file name",
            f"shorten the Name to at most {MAX_MODULE_NAME} letters and digits",
        )


def check_environment_variables(
    ctx: Context, properties: list[dict[str, Any]]
) -> Iterator[Diagnostic]:
    """EnvironmentVariables: each names an argument of the client, a variable
    name, and no variable serves two arguments."""
    arguments = [name for name, _ in credential_names(ctx.data["Authentication"])]
    arguments += [python_name(p, p["Name"]) for p in properties]
    seen: dict[str, str] = {}
    for argument, variable in ctx.data.get("EnvironmentVariables", {}).items():
        path: JsonPath = ("EnvironmentVariables", argument)
        if argument not in arguments:
            hint = did_you_mean(argument, arguments) or (
                f"name one of {', '.join(sorted(arguments))}"
                if arguments
                else "remove it: the client takes no credentials or properties"
            )
            yield ctx.error(
                path,
                f"EnvironmentVariables names '{argument}', which is not an "
                "argument of the client",
                hint,
                key=True,
            )
        if not ENV_NAME.fullmatch(variable):
            yield ctx.error(
                path,
                f"{variable!r} is not an environment variable name",
                "use letters, digits and _, not starting with a digit, as in "
                "'STRIPE_API_KEY'",
            )
        elif variable in seen:
            yield ctx.error(
                path,
                f"the variable '{variable}' is already the one of '{seen[variable]}'",
                "give each argument its own variable",
            )
        else:
            seen[variable] = argument


def check_properties(
    ctx: Context, properties: list[dict[str, Any]]
) -> Iterator[Diagnostic]:
    reserved = {
        name: path for name, path in credential_names(ctx.data["Authentication"])
    }
    seen: dict[str, int] = {}
    for i, prop in enumerate(properties):
        path: JsonPath = ("Properties", i)
        name = python_name(prop, prop["Name"])
        yield from check_identifier(ctx, path, prop, name, "property")
        if name in seen:
            yield ctx.clash(path, "property", seen[name], name)
        elif name in reserved or name in CONSTRUCTOR_ARGUMENTS:
            why = CONSTRUCTOR_ARGUMENTS.get(name, "the client already has")
            yield ctx.error(
                (*path, "Name"),
                f"property '{prop['Name']}' would be the argument '{name}', which "
                f"{why}",
                "rename it or give it a PythonName",
            )
        seen.setdefault(name, i)
        if prop.get("Sensitive") and "Default" in prop:
            yield ctx.error(
                (*path, "Default"),
                f"sensitive property '{prop['Name']}' has a Default",
                "remove Default: a secret is supplied at run time, never written "
                "in a spec",
                key=True,
            )
        yield from check_value_type(ctx, path, prop, "Default")


def check_property_names(
    ctx: Context, properties: list[dict[str, Any]]
) -> Iterator[Diagnostic]:
    """A Name twice (with different PythonNames): {{Name}} would be ambiguous."""
    first: dict[str, int] = {}
    for i, prop in enumerate(properties):
        name = prop["Name"]
        if name in first:
            other = properties[first[name]]
            if python_name(prop, name) != python_name(other, name):
                line = ctx.line_of(("Properties", first[name]))
                yield ctx.error(
                    ("Properties", i, "Name"),
                    f"property '{name}' is declared twice (first at line {line})",
                    "remove one of them",
                )
        first.setdefault(name, i)


def _module_name_for(name: str) -> str:
    """A connector Name to suggest for ``name``, which starts with a digit."""
    words = digits_last(name.split())
    return " ".join(words if words[0][:1].isalpha() else ["API", *words])
