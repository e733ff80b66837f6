"""Values a spec writes for a DataType (a Default, the Values of a parameter): each
must fit its type, and a Default must be one of the Values."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .checking import Context
from .diagnostics import Diagnostic
from .load import JsonPath

__all__ = ["check_value_type", "check_values"]

# What to write instead of a value that does not fit its DataType.
VALUE_EXAMPLES = {
    "Text": "quote it to make it text",
    "Integer": "write a whole number, such as 10",
    "Decimal": "write a number, such as 12.5, or quoted digits, such as '12.50'",
    "Float": "write a number, such as 1.5",
    "Boolean": "write true or false, without quotes",
    "DateTime": "write a quoted ISO 8601 date-time, such as '2024-05-01T12:00:00Z'",
}


def check_values(
    ctx: Context, path: JsonPath, param: dict[str, Any]
) -> Iterator[Diagnostic]:
    yield from check_value_type(ctx, path, param, "Default")
    values = param.get("Values")
    if values is None:
        return
    if param.get("DataType") == "File":
        yield ctx.error(
            (*path, "Values"), "DataType File takes no Values", "remove Values"
        )
        return
    for k, value in enumerate(values):
        yield from check_value_type(ctx, (*path, "Values", k), param, None, value)
    if "Default" in param and param["Default"] not in values:
        yield ctx.error(
            (*path, "Default"),
            f"Default {_shown(param['Default'])} is not one of the Values",
            f"use one of {', '.join(_shown(v) for v in values)}",
        )


def check_value_type(
    ctx: Context,
    path: JsonPath,
    entry: dict[str, Any],
    key: str | None,
    value: Any = None,
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
        yield ctx.error(
            path, f"DataType File takes no {key}", f"remove {key}", key=True
        )
    elif (is_bool and data_type != "Boolean") or not isinstance(value, expected):
        yield ctx.error(
            path,
            f"{what} does not fit DataType {data_type}",
            f"{VALUE_EXAMPLES[data_type]}, or change the DataType",
        )
    elif problem := _value_problem(value, data_type):
        yield ctx.error(path, f"{what} does not fit DataType {data_type}", problem)


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


def _shown(value: Any) -> str:
    """A value as the spec writes it: ``'three'``, ``2.5``, ``true``."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and not math.isfinite(value):
        return {"inf": ".inf", "-inf": "-.inf"}.get(str(value), ".nan")
    return repr(value)
