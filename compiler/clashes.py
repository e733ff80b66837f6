"""Names the spec makes, checked against every name the generated module defines.

A connector's classes (``<Name>Client``, ``Async<Name>Client``, ``<Name>Error``) and
its methods' TypedDicts are named from the spec; the module defines names of its own
(``OAuth2Error``, ``StateMismatchError``, ``Token``, ``BASE_URL``, ...), and which
ones depends on the spec's authentication and features. Instead of a list of
reserved words that would drift from the templates, the rendered module itself is
read: any top-level name it binds twice, or any member a client class binds twice,
is a clash, located at the spec entry whose name makes it (issue 15: a connector
named ``OAuth2`` or ``State Mismatch``). semantics.py refuses the clashes it knows of
with more specific words first; this check follows the templates wherever they go.
"""

from __future__ import annotations

import ast

from .diagnostics import Diagnostic
from .load import JsonPath, LoadedSpec
from .model import Connector

__all__ = ["name_clashes"]


def name_clashes(
    spec: LoadedSpec, connector: Connector, module_text: str
) -> list[Diagnostic]:
    """A located error for each spec-made name that the module binds more than once."""
    counts: dict[str, int] = {}
    members: dict[str, int] = {}
    try:
        tree = ast.parse(module_text)
    except SyntaxError:
        # A compiler bug, not the spec's: formatting reports it (RenderError).
        return []
    for node in tree.body:
        for name in _bound(node):
            counts[name] = counts.get(name, 0) + 1
        if isinstance(node, ast.ClassDef) and node.name in (
            connector.class_name,
            connector.async_class_name,
        ):
            # A member bound twice in one class: a method hides the client's own.
            seen: set[str] = set()
            for item in node.body:
                for name in _bound(item):
                    if name in seen:
                        members[name] = members.get(name, 0) + 1
                    seen.add(name)
    named = f"Name {connector.name!r}"
    made: list[tuple[str, JsonPath, str]] = [
        (connector.class_name, ("Name",), f"{named} would name the client class"),
        (connector.async_class_name, ("Name",), f"{named} would name the async client"),
        (connector.error_name, ("Name",), f"{named} would name the error class"),
    ]
    for i, method in enumerate(connector.methods):
        if method.shape_name:
            made.append(
                (
                    method.shape_name,
                    ("Methods", i, "Name"),
                    f"method {method.name!r} would name its response TypedDict",
                )
            )
    errors = []
    for i, method in enumerate(connector.methods):
        for name in (method.python_name, method.iter_name):
            if members.get(name):
                errors.append(
                    spec.diagnostic(
                        ("Methods", i, "Name"),
                        f"method {method.name!r} would be the client's {name}(), a "
                        "name the client class already defines",
                        "rename it or give it a PythonName",
                    )
                )
    for name, path, what in made:
        if counts.get(name, 0) > 1:
            errors.append(
                spec.diagnostic(
                    path,
                    f"{what} {name}, a name the generated module already defines",
                    "choose another name",
                )
            )
    return errors


def _bound(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [a.asname or a.name.split(".")[0] for a in node.names]
    return []
