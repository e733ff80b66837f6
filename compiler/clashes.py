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
import keyword
import re

from .diagnostics import Diagnostic
from .load import JsonPath, LoadedSpec
from .model import Connector

__all__ = ["name_clashes"]


def name_clashes(
    spec: LoadedSpec, connector: Connector, module_text: str
) -> list[Diagnostic]:
    """A located error for each spec-made name that the module binds more than once."""
    classes = (connector.class_name, connector.async_class_name)
    found = None if connector.has_scripts else scan_bindings(module_text, classes)
    if found is None or _any_clash(connector, *found):
        # The text scan is the fast path; the syntax tree has the last word (and
        # reads modules with inlined scripts, whose code the scan does not know).
        found = tree_bindings(module_text, classes)
        if found is None:
            # A compiler bug, not the spec's: formatting reports it (RenderError).
            return []
    counts, members = found
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
    for made_name, path, what in made:
        if counts.get(made_name, 0) > 1:
            errors.append(
                spec.diagnostic(
                    path,
                    f"{what} {made_name}, a name the generated module already defines",
                    "choose another name",
                )
            )
    return errors


Bindings = tuple[dict[str, int], dict[str, int]]
"""``(counts, members)``: how often the module binds each top-level name, and for
each name a client class binds more than once, how many times over."""


def _any_clash(
    connector: Connector, counts: dict[str, int], members: dict[str, int]
) -> bool:
    made = [connector.class_name, connector.async_class_name, connector.error_name]
    made += [m.shape_name for m in connector.methods if m.shape_name]
    return any(counts.get(name, 0) > 1 for name in made) or any(
        members.get(name)
        for m in connector.methods
        for name in (m.python_name, m.iter_name)
    )


def tree_bindings(module_text: str, classes: tuple[str, ...]) -> Bindings | None:
    """The bindings read from the module's syntax tree (None: it does not parse)."""
    counts: dict[str, int] = {}
    members: dict[str, int] = {}
    try:
        tree = ast.parse(module_text)
    except SyntaxError:
        return None
    for node in tree.body:
        for name in _bound(node):
            counts[name] = counts.get(name, 0) + 1
        if isinstance(node, ast.ClassDef) and node.name in classes:
            # A member bound twice in one class: a method hides the client's own.
            seen: set[str] = set()
            for item in node.body:
                for name in _bound(item):
                    if name in seen:
                        members[name] = members.get(name, 0) + 1
                    seen.add(name)
    return counts, members


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


# The text scan: what ``tree_bindings`` finds, from the text alone, for the modules
# the templates make (an ``ast.parse`` of a module cost more than rendering it).
# Strings and comments are blanked first, so that no text in them reads as code;
# then each logical line (brackets and backslashes joined) is one statement, whose
# indentation says where it stands. Anything the scan does not expect (a ``;``
# between statements, a tab in an indentation, brackets that do not balance, a
# string it cannot end) gives None, and the syntax tree is read instead.
_NOISE = re.compile(
    r"#[^\n]*"
    r'|"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    r"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|'[^'\\\n]*(?:\\.[^'\\\n]*)*'",
    re.DOTALL,
)
_HEAD = re.compile(r"(?:async\s+)?(?:def|class)\s+(\w+)")
_IMPORT = re.compile(
    r"(?:import|from\s+[\w.]+\s+import)\b\s*\(?(.*?)\)?\s*\Z", re.DOTALL
)
_OPENING = re.compile(r"[(\[{]")
_TARGET = re.compile(r"(\w+)\s*\Z")
_ANNOTATED = re.compile(r"(\w+)\s*:(?!=)")
_ASSIGN = re.compile(r"(?<![=!<>:+\-*/%&|^@~])=(?!=)")


def _blank(match: re.Match[str]) -> str:
    # A comment goes; a string (its prefix, if any, stays as a name) becomes 0.
    return "" if match.group().startswith("#") else "0"


def scan_bindings(module_text: str, classes: tuple[str, ...]) -> Bindings | None:
    """The bindings ``tree_bindings`` would find, from a scan of the text; None
    when the text has something the scan does not read (then parse it)."""
    code = _NOISE.sub(_blank, module_text)
    if any(c in code for c in ("'", '"', ";", "\t", "\\", "\f")):
        return None
    return _scan_statements(code, classes)


def _statements(code: str) -> list[tuple[int, str]] | None:
    """``(indentation, text)`` of each logical line of ``code`` (strings blanked)."""
    out: list[tuple[int, str]] = []
    depth = 0
    current: list[str] = []
    indent = 0
    for line in code.split("\n"):
        if not current:
            stripped = line.lstrip(" ")
            if not stripped:
                continue
            indent = len(line) - len(stripped)
            line = stripped
        current.append(line)
        depth += line.count("(") + line.count("[") + line.count("{")
        depth -= line.count(")") + line.count("]") + line.count("}")
        if depth <= 0:
            if depth:
                return None
            out.append((indent, " ".join(current)))
            current = []
    if current:
        return None
    return out


def _names(statement: str) -> list[str] | None:
    """The names one statement binds, as ``_bound`` reads them."""
    head = _HEAD.match(statement)
    if head:
        return [head.group(1)]
    if statement.startswith(("import ", "from ")):
        match = _IMPORT.match(statement)
        if match is None:
            return None
        names = []
        for part in match.group(1).split(","):
            words = part.split()
            if not words:
                continue
            alias = len(words) == 3 and words[1] == "as"
            names.append(words[2] if alias else words[0].split(".")[0])
        return names
    first = statement.split(None, 1)[0] if statement.split() else ""
    if keyword.iskeyword(first.rstrip(":")) or first.startswith("@"):
        return []
    # Targets are what stands before each top-level "=" (not "==", "+=", ...).
    flat = _flatten(statement)
    annotated = _ANNOTATED.match(flat)
    if annotated:
        return [annotated.group(1)]
    parts = _ASSIGN.split(flat)
    names = []
    for target in parts[:-1]:
        match = _TARGET.fullmatch(target.strip())
        if match and not keyword.iskeyword(match.group(1)):
            names.append(match.group(1))
    return names


def _flatten(statement: str) -> str:
    """``statement`` with what is inside each outer bracket pair left out."""
    if not _OPENING.search(statement):
        return statement
    out = []
    depth = 0
    for char in statement:
        if char in "([{":
            depth += 1
            if depth == 1:
                out.append("(")
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                out.append(")")
        elif depth == 0:
            out.append(char)
    return "".join(out)


def _scan_statements(code: str, classes: tuple[str, ...]) -> Bindings | None:
    statements = _statements(code)
    if statements is None:
        return None
    counts: dict[str, int] = {}
    members: dict[str, int] = {}
    in_class: int | None = None  # the indentation of a client class's members
    opened = False
    seen: set[str] = set()
    for indent, statement in statements:
        if in_class is not None:
            if opened:
                if indent == 0:
                    return None  # a class without a body
                in_class, opened = indent, False
            if indent >= in_class:
                if indent == in_class:
                    names = _names(statement)
                    if names is None:
                        return None
                    for name in names:
                        if name in seen:
                            members[name] = members.get(name, 0) + 1
                        seen.add(name)
                continue
            if indent:
                return None  # a dedent that stops inside the class
            in_class = None
        if indent:
            continue
        names = _names(statement)
        if names is None:
            return None
        for name in names:
            counts[name] = counts.get(name, 0) + 1
        head = _HEAD.match(statement)
        if head and head.group(1) in classes and statement.startswith("class"):
            if not statement.rstrip().endswith(":"):
                return None  # a body on the class line itself
            in_class, opened, seen = 1, True, set()
    return counts, members
