"""Stage 4: render a connector model into the text of a Python module.

The one escaping point is ``_emit``, Jinja's ``finalize``: every ``{{ value }}`` in a
template becomes a Python literal unless it is an ``Identifier`` (checked when the model
was built) or ``Code`` made by a filter here. Docstrings and comments go through
``doc`` and ``comment``. So no spec value can become code.
"""

from __future__ import annotations

import ast
import math
import subprocess
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from .incremental import inputs_sha256, ruff_binary, seal
from .model import PYTHON_TYPES, Connector, Credential, Identifier, Parameter, Property
from .resources import TEMPLATES_PATH
from .scripts import check_module_names, hooks, script_imports, scripts

__all__ = [
    "TEMPLATES_PATH",
    "RenderError",
    "format_modules",
    "literal",
    "render_module",
    "render_text",
]


class RenderError(Exception):
    """The compiler produced code it cannot stand behind (a compiler bug)."""


class Code(str):
    """Text that is already code; a filter made it safe."""

    __slots__ = ()


def literal(value: object) -> str:
    """A Python literal for ``value``, quoted as ``ruff format`` would quote it."""
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        # repr gives `inf` and `nan`, which are names, not literals.
        return repr(value) if math.isfinite(value) else f'float("{value}")'
    if isinstance(value, Decimal):
        return f"Decimal({literal(str(value))})"
    if isinstance(value, str):
        quote = "'" if value.count('"') > value.count("'") else '"'
        # Backslashes first, then the quote, then each non-printable character
        # (whose escape is not escaped again).
        text = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
        return quote + _printable(text) + quote
    if isinstance(value, tuple | list):
        items = ", ".join(literal(v) for v in value)
        return (
            f"({items},)"
            if isinstance(value, tuple) and len(value) == 1
            else (f"({items})" if isinstance(value, tuple) else f"[{items}]")
        )
    raise TypeError(f"no literal for {type(value).__name__}")


def _printable(text: str) -> str:
    """``text`` with each non-printable character as its escape (as ``repr`` writes
    it); the rest as it is."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _emit(value: Any) -> str:
    if isinstance(value, Code | Identifier):
        return str(value)
    if isinstance(value, jinja2.Undefined):  # pragma: no cover - StrictUndefined raises
        raise TypeError("undefined value in a template")
    return literal(value)


def _doc(text: str, indent: int = 0) -> Code:
    """Text safe inside a triple-quoted docstring, continuation lines indented.

    Lines lose their trailing whitespace (as a formatter would, and so CRLF reads as
    LF); every other character comes back exactly when the docstring is read.
    """
    text = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    lines = [_printable(line) for line in text.split("\n")]
    pad = " " * indent
    return Code(
        "\n".join([lines[0], *(pad + line if line else "" for line in lines[1:])])
    )


def _clause(text: str, indent: int = 12) -> Code:
    """Docstring text without its final full stop, so the template can go on.

    ``indent`` is that of an Args entry's continuation lines: 12 in a class
    docstring, 16 in a method's.
    """
    return _doc(text.strip().rstrip("."), indent)


def _comment(text: str) -> Code:
    """Text safe on one comment line."""
    return Code("".join(c if c.isprintable() else repr(c)[1:-1] for c in text))


def _code(text: str) -> Code:
    """Mark template-made text as code (only for text built from identifiers)."""
    return Code(text)


def _annotation(param: Parameter | Property | Credential) -> Code:
    """The type of an argument: a Literal of its Values, or its data type."""
    values = getattr(param, "values", ())
    if values:
        text = f"Literal[{', '.join(literal(v) for v in values)}]"
    else:
        text = PYTHON_TYPES[param.data_type]
    if getattr(param, "may_be_none", False):
        text += " | None"
    return Code(text)


def _default(param: Parameter | Property) -> Code:
    """The default of an optional argument, as code."""
    if not param.has_default:
        return Code("None")
    values = getattr(param, "values", ())
    if values:
        # The argument's type is a Literal of the Values, so its default is the one
        # of them it equals (as written there: 1, not Decimal("1") or 1.0).
        return Code(literal(next((v for v in values if v == param.default), None)))
    if param.data_type == "Decimal":
        return Code(f"Decimal({literal(str(param.default))})")
    if param.data_type == "Float" and isinstance(param.default, int | float):
        return Code(literal(float(param.default)))
    if param.data_type == "DateTime" and isinstance(param.default, str):
        return _datetime(datetime.fromisoformat(param.default))
    return Code(literal(param.default))


def _datetime(value: datetime) -> Code:
    """A datetime as a constructor call, which ruff's B008 accepts in a default.

    ``datetime.fromisoformat(...)`` would be flagged; ``Connector.datetime_imports``
    names what the call uses.
    """
    fields = [value.year, value.month, value.day]
    clock = [value.hour, value.minute, value.second, value.microsecond]
    while clock and not clock[-1]:
        clock.pop()
    args = [str(n) for n in (*fields, *clock)]
    offset = value.utcoffset()
    if offset == timedelta(0):
        args.append("tzinfo=UTC")
    elif offset is not None:
        seconds = offset.total_seconds()
        amount = repr(int(seconds)) if seconds.is_integer() else repr(seconds)
        args.append(f"tzinfo=timezone(timedelta(seconds={amount}))")
    return Code(f"datetime({', '.join(args)})")


def _env_expression(item: Credential | Property) -> Code:
    """The expression ``from_env()`` passes for a credential or property."""
    variable = literal(item.env_var)
    required = not item.optional
    if isinstance(item, Credential) and item.may_be_empty:
        text = f"_env_set(env, {variable}, {literal(str(item.python_name))})"
    elif required:
        text = f"_env_required(env, {variable}, {literal(str(item.python_name))})"
    else:
        text = f"_env_optional(env, {variable})"
    if item.data_type == "Text":
        if isinstance(item, Property) and item.has_default:
            text += f" or {_default(item)}"
        return Code(text)
    default = (
        _default(item) if isinstance(item, Property) and item.has_default else None
    )
    args = f"{variable}, {text}, {literal(item.data_type)}"
    return Code(f"_parse({args}, {default})" if default else f"_parse({args})")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_PATH),
        undefined=jinja2.StrictUndefined,
        finalize=_emit,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Compiling the templates is most of a one-spec run: Jinja keeps the compiled
        # code in a folder of the user's own under the temporary directory, checked
        # against each template's source, the Python and the Jinja version.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )
    env.filters["doc"] = _doc
    env.filters["comment"] = _comment
    env.filters["clause"] = _clause
    env.filters["code"] = _code
    env.filters["identifier"] = Identifier
    env.filters["text"] = str  # an identifier as a string literal ("Name")
    env.filters["annotation"] = _annotation
    env.filters["default"] = _default
    env.filters["env_expression"] = _env_expression
    env.globals["hooks"] = hooks
    env.globals["scripts"] = scripts
    return env


def render_module(connector: Connector, compiler_version: str) -> str:
    """The formatted text of the module for ``connector``."""
    return format_modules(
        [(connector.spec_file, *render_text(connector, compiler_version))]
    )[0]


def render_text(connector: Connector, compiler_version: str) -> tuple[str, bool]:
    """The module's text before formatting, and whether its imports need sorting.

    ``format_modules`` finishes it; a batch of modules is formatted by one ruff run.
    """
    template = _environment().get_template("module.py.j2")
    version = Code(compiler_version)
    inputs = inputs_sha256(
        compiler_version,
        connector.spec_sha256,
        [(script.path, script.sha256) for script in scripts(connector)],
    )
    context = {"c": connector, "compiler_version": version, "inputs_sha256": inputs}
    text = template.render(context, script_imports=())
    if not connector.has_scripts:
        return text, False
    # Again with the scripts' imports the module does not make already.
    imports = [Code(line) for line in script_imports(connector, text)]
    text = template.render(context, script_imports=imports)
    check_module_names(connector, text)
    return text, True


def format_modules(modules: Sequence[tuple[str, str, bool]]) -> list[str]:
    """Each (spec file, text, sort imports) formatted, by one ruff process per step.

    Imports are sorted where asked (isort's order: a script's imports join the
    module's own), then everything is formatted with fixed settings, so a user's
    config cannot change the output, and the build hash is sealed in. ``ruff
    format`` refuses code that does not parse: that is a compiler bug, reported with
    the spec it came from.

    One module goes through ruff's standard input and output; a batch goes through
    files in a temporary folder, so one ruff process takes them all.
    """
    if not modules:
        return []
    if len(modules) == 1:
        spec_file, text, sort = modules[0]
        if sort:
            text = _run_ruff(_SORT, text, "sort the imports").stdout
        result = _run_ruff(_FORMAT, text, "", check=False)
        if result.returncode != 0:
            raise RenderError(_format_failure(result, [(spec_file, text)]))
        return [seal(result.stdout)]
    import tempfile

    with tempfile.TemporaryDirectory(prefix="connectorc-") as folder:
        files = [Path(folder) / f"m{index}.py" for index in range(len(modules))]
        for file, (_, text, _) in zip(files, modules, strict=True):
            file.write_text(text, encoding="utf-8", newline="")
        to_sort = [f for f, (_, _, s) in zip(files, modules, strict=True) if s]
        if to_sort:
            _run_ruff(_SORT, to_sort, "sort the imports")
        result = _run_ruff(_FORMAT, files, "", check=False)
        if result.returncode != 0:
            texts = [
                (spec_file, file.read_text(encoding="utf-8"))
                for (spec_file, _, _), file in zip(modules, files, strict=True)
            ]
            raise RenderError(_format_failure(result, texts))
        return [seal(file.read_bytes().decode("utf-8")) for file in files]


_SORT = ("check", "--isolated", "--select", "I", "--fix", "--exit-zero")
_FORMAT = ("format", "--isolated", "--line-length", "88")


def _format_failure(
    result: subprocess.CompletedProcess[str], texts: Sequence[tuple[str, str]]
) -> str:
    """Why ruff could not format: the first module (spec file, text) that does not
    parse, else what ruff said."""
    for spec_file, text in texts:
        try:
            ast.parse(text, spec_file)
        except SyntaxError as exc:
            return (
                f"generated code for {spec_file} does not parse "
                f"(line {exc.lineno}: {exc.msg}); this is a compiler bug"
            )
    return f"ruff could not format the generated code: {result.stderr}"


def _run_ruff(
    arguments: tuple[str, ...],
    source: str | Sequence[Path],
    what: str,
    *,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """ruff for Python 3.11 on ``source``, the text of one module (given on its
    standard input; the result is its output) or files; a failure to ``what`` is a
    compiler bug."""
    # --no-cache: the files are new in a new temporary folder each run, so ruff's
    # cache (a .ruff_cache in the working folder) never hits; it only grew by an
    # entry a run, and writing it cost more than it saved (issue 12).
    if isinstance(source, str):
        where, data = ["--stdin-filename", "module.py", "-"], source.encode("utf-8")
    else:
        where, data = ["--", *map(str, source)], None
    # Bytes both ways: text mode would turn "\n" into "\r\n" on Windows.
    result = subprocess.run(
        [ruff_binary(), *arguments, "--no-cache", "--target-version", "py311", *where],
        input=data,
        capture_output=True,
        check=False,
    )
    done = subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8"),
        result.stderr.decode("utf-8", "replace"),
    )
    if check and done.returncode != 0:
        raise RenderError(f"ruff could not {what}: {done.stderr}")
    return done
