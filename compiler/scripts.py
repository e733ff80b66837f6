"""Scripts: Python files of hooks named after Cyclr's events, checked and inlined.

A spec (``Script:`` at the top level) and a method (``Script:`` in the method) may name
a Python file, relative to the spec and inside its folder tree. The file is parsed with
``ast`` (never imported or run) and must hold only imports (standard library, httpx,
authlib), functions and constants. A public function is a hook and must be named after
an event with the signature below; helpers start with ``_``.

    def before_action(
        request: httpx.Request, auth_value: str | None, context: dict[str, Any]
    ) -> bool | None: ...

``before_*`` hooks get the ``httpx.Request`` about to be sent, the others the
``httpx.Response``; ``auth_value`` is the credential the AuthType sends (Cyclr's
``method_auth_value``); ``context`` is one dict per call shared by all its hooks
(Cyclr's ``action_data``). Returning ``False`` aborts the call with ``HookAborted``.

The file's code is the author's by design and is copied into the module as written,
except that its imports move to the top of the module and each hook is renamed to a
private name per level (``_connector_before_action``, ``_list_members_after_action``),
so that two scripts cannot clash. Spec values never become code: the path reaches the
module only as a string literal.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from .diagnostics import Diagnostic, SpecError, did_you_mean
from .incremental import ruff_binary
from .load import JsonPath, LoadedSpec, source_line
from .model import Connector, Identifier, Method
from .records import record

__all__ = [
    "ACTION_EVENTS",
    "EVENTS",
    "TOKEN_EVENTS",
    "Hook",
    "Script",
    "attach_scripts",
    "check_module_names",
    "hooks",
    "import_lines",
    "script_imports",
    "scripts",
]

ACTION_EVENTS = ("before_action", "after_action", "after_error")
TOKEN_EVENTS = (
    "before_oauth2_token",
    "after_oauth2_token",
    "before_oauth2_refresh",
    "after_oauth2_refresh",
)
EVENTS = (*ACTION_EVENTS, *TOKEN_EVENTS)
DEF = re.compile(r"def\s+(\w+)")
# Packages a script may import besides the standard library: what the module needs.
ALLOWED_PACKAGES = frozenset({"httpx", "authlib"})

# Accepted annotations, after imported aliases are resolved to dotted names.
_REQUEST = frozenset({"httpx.Request"})
_RESPONSE = frozenset({"httpx.Response"})
_AUTH_VALUE = frozenset({"str | None", "None | str", "typing.Optional[str]"})
_CONTEXT = frozenset(
    f"{container}[str, {value}]"
    for container in (
        "dict",
        "typing.Dict",
        "typing.MutableMapping",
        "collections.abc.MutableMapping",
        "typing.Mapping",
        "collections.abc.Mapping",
    )
    for value in ("typing.Any", "object")
)
_RETURNS = frozenset(
    {"None", "bool", "bool | None", "None | bool", "typing.Optional[bool]"}
)
SIGNATURE = "(request: httpx.Request, auth_value: str | None, context: dict[str, Any])"
RESPONSE_SIGNATURE = SIGNATURE.replace(
    "request: httpx.Request", "response: httpx.Response"
)
# ruff on a script: the rules generated modules meet (tests/test_generated_quality.py),
# less import order (its imports move into the module's).
LINT = (
    *("check", "--isolated", "--no-cache", "--output-format", "json"),
    *("--target-version", "py311"),
    *("--select", "E,F,W,B,UP,SIM,RUF", "--ignore", "E501,RUF001,RUF002,RUF003"),
)


def signature(event: str) -> str:
    """The signature an event's hook is written with, as the errors show it."""
    head = SIGNATURE if event.startswith("before_") else RESPONSE_SIGNATURE
    return f"def {event}{head} -> bool | None"


@record()
class Hook:
    """One hook function of a script, under the private name it gets in the module."""

    event: str
    function: Identifier
    script: str  # the script's path relative to the spec, for messages

    @property
    def label(self) -> str:
        return f"{self.event} in {self.script}"


ImportLine = tuple[str, str, str]


@record()
class Script:
    """A checked script: its imports and its code, ready to inline."""

    path: str  # relative to the spec, as written
    display: str  # as diagnostics name it
    level: str  # "connector" or the method's Python name
    sha256: str
    # One statement per imported name: (what it binds, where from, the statement).
    imports: tuple[ImportLine, ...]
    code: str
    hooks: tuple[Hook, ...]
    # Top-level names the script binds, with their (line, column) in the script.
    names: tuple[tuple[str, int, int], ...]
    text: str

    def hook(self, event: str) -> Hook | None:
        return next((h for h in self.hooks if h.event == event), None)


def attach_scripts(
    connector: Connector, spec: LoadedSpec, spec_path: Path
) -> Connector:
    """The connector with its scripts read, checked and attached; raises SpecError."""
    data: dict[str, Any] = spec.data
    errors: list[Diagnostic] = []
    connector_script = None
    if "Script" in data:
        connector_script = _load(
            spec, spec_path, ("Script",), "connector", data, errors
        )
    seen: dict[str, Script] = {}
    if connector_script is not None:
        seen[connector_script.path] = connector_script
    methods = []
    for i, (method, method_data) in enumerate(
        zip(connector.methods, data["Methods"], strict=True)
    ):
        script = None
        if "Script" in method_data:
            path = str(method_data["Script"])
            if connector_script is not None and path == connector_script.path:
                errors.append(
                    spec.diagnostic(
                        ("Methods", i, "Script"),
                        f"{path} is already the connector's script, so its hooks run "
                        "for every method",
                        "remove the method's Script, or give the method its own file",
                    )
                )
            elif path in seen:
                script = seen[path]  # shared by several methods: inlined once
            else:
                script = _load(
                    spec,
                    spec_path,
                    ("Methods", i, "Script"),
                    str(method.python_name),
                    data,
                    errors,
                )
                if script is not None:
                    seen[path] = script
        methods.append(replace(method, script=script))
    if errors:
        raise SpecError(errors)
    return replace(connector, script=connector_script, methods=tuple(methods))


def _load(
    spec: LoadedSpec,
    spec_path: Path,
    where: JsonPath,
    level: str,
    data: dict[str, Any],
    errors: list[Diagnostic],
) -> Script | None:
    written = str(_get(data, where))
    relative = PurePosixPath(written)
    if (
        relative.is_absolute()
        or "\\" in written
        or ".." in relative.parts
        or not written.endswith(".py")
    ):
        errors.append(
            spec.diagnostic(
                where,
                f"Script {written!r} must be a relative path to a .py file inside the "
                "spec's folder",
                "write a path such as scripts/my_hooks.py, relative to the spec, "
                "without .. or a leading /",
            )
        )
        return None
    folder = spec_path.resolve().parent
    try:
        file = (folder / relative).resolve()
    except (OSError, ValueError):  # a NUL in the path, a symbolic link loop
        file = folder / relative
    if not file.is_relative_to(folder):  # a symbolic link out of the folder
        errors.append(
            spec.diagnostic(
                where,
                f"Script {written!r} leads out of the spec's folder",
                "keep the script inside the spec's folder tree",
            )
        )
        return None
    display = (PurePosixPath(spec.file).parent / relative).as_posix()
    try:
        raw = file.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        reason = exc.strerror if isinstance(exc, OSError) else None
        errors.append(
            spec.diagnostic(
                where,
                f"cannot read the script {written!r}: {reason or exc}",
                "check the path; it is relative to the spec",
            )
        )
        return None
    except UnicodeDecodeError:
        errors.append(
            Diagnostic(
                display, 1, 1, "the script is not UTF-8 text", "save it as UTF-8"
            )
        )
        return None
    checker = _Checker(text, display, level, written, data["Authentication"], where)
    script = checker.run()
    errors.extend(checker.errors)
    return script


def _get(data: Any, path: JsonPath) -> Any:
    for part in path:
        data = data[part]
    return data


class _Checker:
    """Checks one script's text and builds the Script to inline."""

    def __init__(
        self,
        text: str,
        display: str,
        level: str,
        path: str,
        auth: dict[str, Any],
        where: JsonPath,
    ) -> None:
        self.text = text.replace("\r\n", "\n")
        self.lines = self.text.split("\n")
        self.display = display
        self.level = level
        self.path = path
        self.auth = auth
        self.where = where
        self.errors: list[Diagnostic] = []
        self.aliases: dict[str, str] = {}

    def error(self, node: ast.AST | tuple[int, int], message: str, hint: str) -> None:
        if isinstance(node, tuple):
            line, column = node
        else:
            line = getattr(node, "lineno", 1)
            column = getattr(node, "col_offset", 0) + 1
        self.errors.append(
            Diagnostic(
                self.display,
                line,
                column,
                message,
                hint,
                source_line=source_line(self.text, line),
            )
        )

    def run(self) -> Script | None:
        try:
            tree = ast.parse(self.text, self.display, type_comments=False)
        except SyntaxError as exc:
            line = exc.lineno or 1
            column = exc.offset or 1
            self.error(
                (line, column),
                f"the script does not parse: {exc.msg}",
                "fix the Python syntax",
            )
            return None
        body = list(tree.body)
        if body and _is_docstring(body[0]):
            body = body[1:]  # the module docstring is dropped; the path says where
        imports: list[ast.stmt] = []
        functions: list[ast.FunctionDef] = []
        names: list[tuple[str, int, int]] = []
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                if self.check_import(node):
                    imports.append(node)
                for bound, _, _ in import_lines(node):
                    names.append((bound, node.lineno, node.col_offset + 1))
            elif isinstance(node, ast.AsyncFunctionDef):
                self.error(
                    node,
                    f"{node.name} is async; hooks and helpers are plain functions, "
                    "called from both the sync and the async client",
                    "write def instead of async def",
                )
            elif isinstance(node, ast.FunctionDef):
                functions.append(node)
                names.append((node.name, node.lineno, node.col_offset + 1))
            elif isinstance(node, ast.Assign | ast.AnnAssign) and self.check_constant(
                node
            ):
                targets = (
                    node.targets if isinstance(node, ast.Assign) else [node.target]
                )
                for target in targets:
                    assert isinstance(target, ast.Name)
                    names.append((target.id, target.lineno, target.col_offset + 1))
            elif not isinstance(node, ast.Assign | ast.AnnAssign):
                self.error(
                    node,
                    f"a script may hold only imports, functions and constants, not "
                    f"{_statement(node)}",
                    "move this code into a function",
                )
        hooks = [self.check_function(f) for f in functions]
        found = [h for h in hooks if h is not None]
        self.check_hook_references(tree, {h.event for h in found})
        if not self.errors:
            self.lint()
        if self.errors:
            return None
        return Script(
            path=self.path,
            display=self.display,
            level=self.level,
            sha256=hashlib.sha256(self.text.encode("utf-8")).hexdigest(),
            imports=tuple(line for node in imports for line in import_lines(node)),
            code=self.code(body, found),
            hooks=tuple(found),
            names=tuple(names),
            text=self.text,
        )

    # -- statements ---------------------------------------------------------------

    def check_import(self, node: ast.Import | ast.ImportFrom) -> bool:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                self.error(
                    node,
                    "a script cannot import relatively: it is inlined into one module",
                    "import from the standard library, httpx or authlib only",
                )
                return False
            module = node.module or ""
            if module == "__future__":
                if any(a.name != "annotations" for a in node.names):
                    self.error(
                        node,
                        "only 'from __future__ import annotations' may be imported "
                        "from __future__",
                        "remove the other __future__ imports",
                    )
                    return False
                return True
            for alias in node.names:
                if alias.name == "*":
                    self.error(
                        node,
                        f"'from {module} import *' hides which names the script uses",
                        "import the names one by one",
                    )
                    return False
                self.aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
            modules = [module]
        else:
            modules = [a.name for a in node.names]
            for alias in node.names:
                if alias.asname:
                    self.aliases[alias.asname] = alias.name
        ok = True
        for module in modules:
            top = module.split(".")[0]
            if top not in sys.stdlib_module_names and top not in ALLOWED_PACKAGES:
                self.error(
                    node,
                    f"the script imports {module!r}, which the generated module cannot "
                    "rely on",
                    "import only from the standard library, httpx or authlib: the "
                    "module must stay standalone",
                )
                ok = False
        return ok

    def check_constant(self, node: ast.Assign | ast.AnnAssign) -> bool:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not all(isinstance(t, ast.Name) for t in targets) or node.value is None:
            self.error(
                node,
                'a constant must be one name given a value, such as HEADER = "X-Sig"',
                "assign to a single name at the top level",
            )
            return False
        for child in ast.walk(node.value):
            if isinstance(
                child,
                ast.Call
                | ast.Lambda
                | ast.Await
                | ast.Yield
                | ast.YieldFrom
                | ast.NamedExpr
                | ast.ListComp
                | ast.SetComp
                | ast.DictComp
                | ast.GeneratorExp,
            ):
                self.error(
                    child,
                    f"a constant's value is computed when the module is imported "
                    f"({_expression(child)})",
                    "compute it in a helper function, or write the value itself",
                )
                return False
        return True

    def check_function(self, node: ast.FunctionDef) -> Hook | None:
        if node.name.startswith("_"):
            return None  # a helper
        if node.name not in EVENTS:
            hint = did_you_mean(node.name, EVENTS)
            self.error(
                (node.lineno, node.col_offset + 5),
                f"unknown event {node.name!r}: a public function of a script is a hook",
                (hint + " " if hint else "")
                + "events are "
                + ", ".join(EVENTS)
                + "; start a helper's name with _",
            )
            return None
        if not self.check_level(node):
            return None
        if not self.check_signature(node):
            return None
        prefix = "connector" if self.level == "connector" else self.level
        return Hook(node.name, Identifier(f"_{prefix}_{node.name}"), self.path)

    def check_level(self, node: ast.FunctionDef) -> bool:
        if node.name in ACTION_EVENTS:
            return True
        where = (node.lineno, node.col_offset + 5)
        if self.level != "connector":
            self.error(
                where,
                f"{node.name} runs for the connector's token requests, not for a "
                "method",
                "move it to the script named by the spec's top-level Script",
            )
            return False
        if self.auth.get("AuthType") != "OAuth2":
            self.error(
                where,
                f"{node.name} runs only with AuthType OAuth2, and this spec's is "
                f"{self.auth.get('AuthType')}",
                "remove it, or use before_action / after_action",
            )
            return False
        if (
            "refresh" in node.name
            and self.auth.get("OAuth2Type") == "ClientCredentials"
        ):
            self.error(
                where,
                f"{node.name} never runs: ClientCredentials tokens are fetched again, "
                "not refreshed",
                f"use {node.name.replace('refresh', 'token')}",
            )
            return False
        return True

    def check_signature(self, node: ast.FunctionDef) -> bool:
        expected = signature(node.name)
        hint = f"write it as {expected}"
        if node.decorator_list:
            self.error(
                node.decorator_list[0],
                f"hook {node.name} has a decorator, which could change its signature",
                "remove the decorator",
            )
            return False
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        if args.vararg or args.kwarg or args.kwonlyargs or len(positional) != 3:
            self.error(
                (node.lineno, node.col_offset + 5),
                f"hook {node.name} must take three arguments (the "
                f"{'request' if node.name.startswith('before_') else 'response'}, "
                "the auth value and the context)",
                hint,
            )
            return False
        message = _REQUEST if node.name.startswith("before_") else _RESPONSE
        wanted = [
            (message, "httpx." + ("Request" if message is _REQUEST else "Response")),
            (_AUTH_VALUE, "str | None"),
            (_CONTEXT, "dict[str, Any]"),
        ]
        ok = True
        for arg, (accepted, shown) in zip(positional, wanted, strict=True):
            if arg.annotation is None:
                self.error(
                    arg,
                    f"argument {arg.arg!r} of hook {node.name} has no type annotation, "
                    "which mypy --strict needs in the generated module",
                    f"annotate it: {arg.arg}: {shown}",
                )
                ok = False
            elif self.resolve(arg.annotation) not in accepted:
                self.error(
                    arg.annotation,
                    f"argument {arg.arg!r} of hook {node.name} is annotated "
                    f"{ast.unparse(arg.annotation)}, but the client passes {shown}",
                    f"annotate it: {arg.arg}: {shown}",
                )
                ok = False
        if node.returns is None:
            self.error(
                (node.lineno, node.col_offset + 5),
                f"hook {node.name} has no return annotation, which mypy --strict "
                "needs in the generated module",
                "add -> bool | None (return False to abort the call) or -> None",
            )
            ok = False
        elif self.resolve(node.returns) not in _RETURNS:
            self.error(
                node.returns,
                f"hook {node.name} returns {ast.unparse(node.returns)}; a hook returns "
                "False to abort the call, or nothing",
                "annotate the return as -> bool | None or -> None",
            )
            ok = False
        return ok

    def resolve(self, annotation: ast.expr) -> str:
        """The annotation's text with imported aliases written out in full."""
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            written: str = annotation.value
            try:
                annotation = ast.parse(written, mode="eval").body
            except SyntaxError:
                return written
        aliases = self.aliases

        class Expand(ast.NodeTransformer):
            def visit_Name(self, node: ast.Name) -> ast.AST:
                full = aliases.get(node.id)
                if full is None:
                    return node
                return ast.parse(full, mode="eval").body

        expanded = Expand().visit(ast.parse(ast.unparse(annotation), mode="eval"))
        return ast.unparse(expanded)

    def check_hook_references(self, tree: ast.Module, events: set[str]) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in events:
                self.error(
                    node,
                    f"the script uses hook {node.id} itself; the client calls hooks, "
                    "and in the module it has another name",
                    "move the shared code into a helper function (named with a "
                    "leading _) and call that",
                )

    def lint(self) -> None:
        """ruff's findings in the script, with the rules the generated modules meet
        (import order aside: the imports move), so the inlined code passes too."""
        result = subprocess.run(
            [ruff_binary(), *LINT, "--stdin-filename", "script.py", "-"],
            input=self.text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
        try:
            findings: list[dict[str, Any]] = json.loads(result.stdout)
        except ValueError:
            findings = []
        for finding in findings:
            where = finding.get("location") or {}
            self.error(
                (int(where.get("row", 1)), int(where.get("column", 1))),
                f"ruff {finding.get('code')}: {finding.get('message')}",
                "fix it in the script: its code goes into the generated module as it "
                "is, which must pass ruff check",
            )

    # -- the code to inline ---------------------------------------------------------

    def code(self, body: list[ast.stmt], hooks: list[Hook]) -> str:
        """The script's statements as written, less imports, hooks renamed."""
        renamed = {h.event: h.function for h in hooks}
        chunks: list[str] = []
        previous_end = 0
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                continue
            start = node.lineno
            if isinstance(node, ast.FunctionDef) and node.decorator_list:
                start = node.decorator_list[0].lineno
            # Comments just above a statement go with it.
            while start > 1 and self.lines[start - 2].lstrip().startswith("#"):
                start -= 1
            end = node.end_lineno or node.lineno
            lines = self.lines[start - 1 : end]
            if isinstance(node, ast.FunctionDef) and node.name in renamed:
                index = node.lineno - start
                line = lines[index]
                at = _char_column(line, node.col_offset)
                found = DEF.match(line, at)
                assert found is not None and found.group(1) == node.name
                column = found.start(1)
                lines[index] = (
                    line[:column] + renamed[node.name] + line[column + len(node.name) :]
                )
            if chunks:
                # The blank lines the author left (at most two), not those of
                # imports taken out from between.
                gap = start - previous_end - 1
                between = self.lines[previous_end : start - 1]
                blank = min(2, gap, sum(1 for line in between if not line.strip()))
                chunks.append("\n" * blank)
            chunks.append("\n".join(lines) + "\n")
            previous_end = end
        return "".join(chunks)


def import_lines(node: ast.stmt) -> list[ImportLine]:
    """An import as one statement per name: (name bound, its source, the statement)."""
    lines: list[ImportLine] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            statement = ast.unparse(ast.Import(names=[alias]))
            lines.append((bound, f"import {alias.name}", statement))
    elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
        for alias in node.names:
            bound = alias.asname or alias.name
            single = ast.ImportFrom(module=node.module, names=[alias], level=0)
            statement = ast.unparse(single)
            lines.append((bound, f"{node.module}.{alias.name}", statement))
    return lines


def _char_column(line: str, byte_offset: int) -> int:
    """ast counts columns in UTF-8 bytes; the text counts characters."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8"))


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _statement(node: ast.stmt) -> str:
    words = {
        ast.ClassDef: "a class",
        ast.If: "an if statement",
        ast.For: "a for loop",
        ast.While: "a while loop",
        ast.Try: "a try statement",
        ast.With: "a with statement",
        ast.Expr: "an expression",
        ast.AugAssign: "an augmented assignment",
        ast.Delete: "a del statement",
        ast.Global: "a global statement",
    }
    return words.get(type(node), f"a {type(node).__name__} statement")


def _expression(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."


def check_module_names(connector: Connector, module_text: str) -> None:
    """Refuse a script's top-level name that the module (or another script) binds too.

    ``module_text`` is the rendered module; a name bound twice at its top level would
    make one definition hide the other.
    """
    tree = ast.parse(module_text)
    counts: dict[str, int] = {}
    for node in tree.body:
        for name in _bound(node):
            counts[name] = counts.get(name, 0) + 1
    errors = []
    for script in scripts(connector):
        for name, line, column in script.names:
            if counts.get(name, 0) > 1:
                errors.append(
                    Diagnostic(
                        script.display,
                        line,
                        column,
                        f"{name!r} is also a name of the generated module (or of "
                        "another script of this spec)",
                        "rename it in the script, for instance with a leading _ and a "
                        "word of your own",
                        source_line=source_line(script.text, line),
                    )
                )
    if errors:
        raise SpecError(errors)


def scripts(connector: Connector) -> list[Script]:
    """The connector's scripts, each once: the connector's first, then the methods'."""
    found: dict[str, Script] = {}
    for script in [connector.script, *(m.script for m in connector.methods)]:
        if script is not None:
            found.setdefault(script.path, script)
    return list(found.values())


def _bound(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    if isinstance(node, ast.Import | ast.ImportFrom):
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            return []
        return [a.asname or a.name.split(".")[0] for a in node.names]
    return []


def hooks(connector: Connector, event: str, method: Method | None = None) -> list[Hook]:
    """The hooks that run for ``event``, in Cyclr's order: before_* hooks method-level
    then connector-level, the others connector-level then method-level."""
    levels = [connector.script, None if method is None else method.script]
    if event.startswith("before_"):
        levels.reverse()
    found = [script.hook(event) for script in levels if script is not None]
    return [hook for hook in found if hook is not None]


def script_imports(connector: Connector, module_text: str) -> list[str]:
    """The scripts' import statements that the module does not already make."""
    made: set[tuple[str, str]] = set()
    for node in ast.parse(module_text).body:
        made |= {(bound, source) for bound, source, _ in import_lines(node)}
    kept: list[str] = []
    for script in scripts(connector):
        for bound, source, statement in script.imports:
            if (bound, source) not in made:
                made.add((bound, source))
                if source.startswith(("authlib.", "import authlib")):
                    # authlib ships no type information; the module's own authlib
                    # imports say the same.
                    statement += "  # type: ignore[import-untyped, unused-ignore]"
                kept.append(statement)
    return kept
