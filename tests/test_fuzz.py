"""Property-based tests: a mutated spec compiles to working code or to located errors.

Hypothesis mutates the example specs in ``specs/``: it drops keys, changes a value's
type, replaces text with arbitrary text, inserts unknown keys, duplicates methods and
parameters, copies names onto other names, swaps an allowed word for another (AuthType,
DataType, ...), edits the YAML text itself, and puts hostile YAML values
(tests/hostile.py) where values stand; it also tries arbitrary text. Whatever
comes out, the compiler must either emit a module that parses, compiles and imports, or
raise ``SpecError`` whose every diagnostic points inside the file (and is not the
pipeline's internal-error guard). Any other exception (a traceback) fails the test,
and hypothesis shrinks it to a small example. ``make fuzz`` runs the same shapes
100,000 times (tests/fuzz.py).

A handful of the modules that compiled, distinct from each other and from the
committed ones (at most ``TYPE_CHECKED``), are then checked with ruff and
``mypy --strict`` in one run each: checking every example would take minutes.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler import SpecError, compile_spec
from compiler.pipeline import INTERNAL_ERROR
from tests.hostile import HOSTILE_VALUES, put_value
from tests.support import GENERATED, SPECS, import_file
from tests.test_generated_quality import RUFF_RULES

SPEC_TEXTS = {
    path.name: path.read_text("utf-8") for path in sorted(SPECS.glob("*.yaml"))
}
SPEC_DATA = {name: yaml.safe_load(text) for name, text in SPEC_TEXTS.items()}
# A deeper search: CONNECTORC_FUZZ_EXAMPLES=5000 CONNECTORC_FUZZ_TYPECHECK=200 pytest
EXAMPLES = int(os.environ.get("CONNECTORC_FUZZ_EXAMPLES", "150"))
TYPE_CHECKED = int(os.environ.get("CONNECTORC_FUZZ_TYPECHECK", "6"))
BIN = Path(sys.executable).parent
# PyYAML counts these as line breaks when it gives a line number.
YAML_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")

Path_ = tuple[str | int, ...]

# Text that means something to the compiler, the templates or HTTP.
MEANINGFUL = [
    "",
    " ",
    "class",
    "self",
    "response",
    "httpx",
    "base_url",
    "_private",
    "1st",
    "Name",
    "Base URL",
    "api_key",
    "{{Dc}}",
    "{{Nope}}",
    "{ApiKey}",
    "Bearer {ApiKey}",
    "/items/{{ListId}}",
    "/a#b",
    "/a?b=1",
    "https://example.com/{{Dc}}",
    "https://example.com/a b",
    "ApiKey",
    "Basic",
    "None",
    "AuthFields",
    "OAuth2",
    "Json",
    "Form",
    "PlainText",
    "Text",
    "Integer",
    "Decimal",
    "Float",
    "Boolean",
    "DateTime",
    "File",
    "HttpHeader",
    "MergeField",
    "QueryString",
    "Body",
    "GET",
    "POST",
    "2024-05-01T12:00:00+02:00",
    "12.50",
    "nan",
    'x"""y',
    "a\nb",
    "\\",
    "X-Request-Id",
    "Authorization",
]
TEXT = st.one_of(st.sampled_from(MEANINGFUL), st.text(max_size=24))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)
# Keys whose value is one of a few words: changed to another word that is allowed,
# a mutant stays valid and takes another path through the templates.
ENUMS: dict[str, list[Any]] = {
    "AuthType": ["ApiKey", "Basic", "None", "AuthFields"],
    "DataType": ["Text", "Integer", "Decimal", "Float", "Boolean", "DateTime"],
    "Type": ["Text", "Integer", "Decimal", "Float", "Boolean", "DateTime"],
    "TargetType": ["HttpHeader", "MergeField", "QueryString", "Body"],
    "HttpMethod": ["GET", "POST", "PUT", "PATCH", "DELETE"],
    "RequestFormat": ["Json", "Form"],
    "ResponseFormat": ["Json", "PlainText"],
    "IsOptional": [True, False],
    "Sensitive": [True, False],
}
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(TEXT, SCALARS, max_size=3),
)


def _paths(node: Any, path: Path_ = ()) -> list[Path_]:
    """Every path below ``node`` (the root excluded), in document order."""
    found: list[Path_] = []
    items: list[tuple[str | int, Any]] = []
    if isinstance(node, dict):
        items = list(node.items())
    elif isinstance(node, list):
        items = list(enumerate(node))
    for key, value in items:
        found.append((*path, key))
        found += _paths(value, (*path, key))
    return found


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _parent_and_key(data: Any, path: Path_) -> tuple[Any, str | int]:
    return _get(data, path[:-1]), path[-1]


@st.composite
def _mutated_data(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(SPEC_DATA[draw(st.sampled_from(sorted(SPEC_DATA)))])
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(data)
        if not paths:
            break
        kind = draw(
            st.sampled_from(
                ["drop", "retype", "text", "unknown", "duplicate", "copy_name", "enum"]
            )
        )
        if kind == "drop":
            parent, key = _parent_and_key(data, draw(st.sampled_from(paths)))
            del parent[key]
        elif kind == "retype":
            parent, key = _parent_and_key(data, draw(st.sampled_from(paths)))
            parent[key] = draw(VALUES)
        elif kind == "text":
            texts = [p for p in paths if isinstance(_get(data, p), str)]
            if texts:
                parent, key = _parent_and_key(data, draw(st.sampled_from(texts)))
                parent[key] = draw(TEXT)
        elif kind == "unknown":
            mappings = [p for p in [(), *paths] if isinstance(_get(data, p), dict)]
            target = _get(data, draw(st.sampled_from(mappings)))
            target[draw(TEXT)] = draw(VALUES)
        elif kind == "enum":
            choices = [p for p in paths if p[-1] in ENUMS]
            if choices:
                path = draw(st.sampled_from(choices))
                parent, key = _parent_and_key(data, path)
                parent[key] = draw(st.sampled_from(ENUMS[str(path[-1])]))
        elif kind == "duplicate":
            lists = [p for p in paths if isinstance(_get(data, p), list)]
            if lists:
                items = _get(data, draw(st.sampled_from(lists)))
                if items:
                    items.append(copy.deepcopy(draw(st.sampled_from(items))))
        else:  # copy one name onto another: clashes as an author makes them
            names = [
                p
                for p in paths
                if p[-1] in ("Name", "TargetName", "Key", "PythonName")
                and isinstance(_get(data, p), str)
            ]
            if len(names) >= 2:
                source, target = draw(st.permutations(names))[:2]
                parent, key = _parent_and_key(data, target)
                parent[key] = _get(data, source)
    return data


@st.composite
def _edited_text(draw: st.DrawFn) -> str:
    """Random edits of a spec's YAML text."""
    text = SPEC_TEXTS[draw(st.sampled_from(sorted(SPEC_TEXTS)))]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        position = draw(st.integers(min_value=0, max_value=len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "duplicate_line", "tab"]))
        if kind == "delete":
            end = draw(st.integers(min_value=position, max_value=len(text)))
            text = text[:position] + text[min(end, position + 40) :]
        elif kind == "insert":
            extra = draw(
                st.one_of(TEXT, st.sampled_from([":", "- ", "\n", "&a", "*a"]))
            )
            text = text[:position] + extra + text[position:]
        else:
            start = text.rfind("\n", 0, position) + 1
            end = text.find("\n", position)
            end = len(text) if end < 0 else end + 1
            line = text[start:end]
            if kind == "tab":
                line = "\t" + line.lstrip(" ")
                text = text[:start] + line + text[end:]
            else:
                text = text[:end] + line + text[end:]
    return text


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def _hostile_text(draw: st.DrawFn) -> str:
    """A spec with hostile YAML values where values stand (tests/hostile.py): odd
    tags, huge integers, YAML 1.1 forms, merge keys, non-ASCII and look-alike
    names, deep nesting, lone surrogates and control characters."""
    text = SPEC_TEXTS[draw(st.sampled_from(sorted(SPEC_TEXTS)))]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        spot = draw(st.integers(min_value=0, max_value=500))
        text = put_value(text, spot, draw(st.sampled_from(HOSTILE_VALUES)))
    return text


SPEC_SOURCES = st.one_of(
    _mutated_data().map(_dump),
    _edited_text(),
    _hostile_text(),
    st.text(max_size=60),
)


def _inside(line: int, column: int, lines: list[str]) -> bool:
    if not 1 <= line <= len(lines) + 1 or column < 1:
        return False
    return line > len(lines) or column <= len(lines[line - 1]) + 1


def _check_located(error: SpecError, text: str, display: str) -> None:
    """Every diagnostic names the file and a place in it.

    The place may count lines as editors do (at ``\\n``) or as PyYAML does (also at
    ``\\r``, U+0085, U+2028 and U+2029); either is inside the file.
    """
    assert error.diagnostics, "a SpecError without diagnostics"
    text = text.removeprefix("\ufeff")
    by_newline, by_yaml = text.split("\n"), YAML_LINE_BREAK.split(text)
    for diagnostic in error.diagnostics:
        where = diagnostic.headline
        assert diagnostic.file == display, where
        place = (diagnostic.line, diagnostic.column)
        assert _inside(*place, by_newline) or _inside(*place, by_yaml), where
        assert diagnostic.message.strip(), where
        # The pipeline's last guard turns a crash into this diagnostic: it must not
        # fire, each cause is fixed in its stage.
        assert not diagnostic.message.startswith(INTERNAL_ERROR), where


class _Outcome:
    """What the examples did, for the summary checks at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        self.errors = 0
        self.compiled: dict[str, Path] = {}
        # Module bodies already checked by test_generated_quality.
        self.seen = {_body(p.read_text("utf-8")) for p in GENERATED.glob("*.py")}


def _compile_one(text: str, outcome: _Outcome) -> None:
    outcome.count += 1
    folder = outcome.folder / f"example{outcome.count}"
    folder.mkdir()
    if (SPECS / "scripts").is_dir():  # the hook scripts some specs name
        shutil.copytree(SPECS / "scripts", folder / "scripts")
    spec = folder / "spec.yaml"
    spec.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        connector, module_text = compile_spec(spec)
    except SpecError as error:
        outcome.errors += 1
        _check_located(error, text, spec.as_posix())
        return
    ast.parse(module_text)
    compile(module_text, spec.as_posix(), "exec", dont_inherit=True)
    module_path = folder / f"{connector.module_name}.py"
    module_path.write_text(module_text, encoding="utf-8")
    module = import_file(module_path)
    assert module.__all__, "the module exports nothing"
    body = _body(module_text)
    if len(outcome.compiled) < TYPE_CHECKED and body not in outcome.seen:
        outcome.seen.add(body)
        outcome.compiled[body] = module_path


def _body(module_text: str) -> str:
    """The module without its header (which names the spec and its hash)."""
    return module_text.split("\n", 2)[2]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, cwd=cwd)


def test_mutated_specs_compile_or_fail_with_located_errors(tmp_path: Path) -> None:
    outcome = _Outcome(tmp_path)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(SPEC_SOURCES)
    def compile_mutant(text: str) -> None:
        _compile_one(text, outcome)

    compile_mutant()
    print(f"{outcome.count} mutants, {outcome.errors} with errors")
    assert outcome.errors, "no mutant failed: the mutations are too gentle"
    if not outcome.compiled:
        return
    # Type-check and lint a few of the modules that compiled, one tool run each.
    checked = tmp_path / "checked"
    checked.mkdir()
    for i, path in enumerate(outcome.compiled.values()):
        (checked / f"mutant_{i}.py").write_bytes(path.read_bytes())
    files = sorted(p.name for p in checked.glob("*.py"))
    ruff = _run(
        str(BIN / "ruff"), "check", "--isolated", "--target-version", "py311",
        "--output-format", "concise", *RUFF_RULES, *files, cwd=checked,
    )  # fmt: skip
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    mypy = _run(
        str(BIN / "mypy"), "--strict", "--config-file", "", "--python-version",
        "3.11", "--cache-dir", str(tmp_path / "mypy_cache"), *files, cwd=checked,
    )  # fmt: skip
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


def test_unmutated_specs_compile(tmp_path: Path) -> None:
    """The starting points are valid, so the mutants are one step from valid specs."""
    outcome = _Outcome(tmp_path)
    for text in SPEC_TEXTS.values():
        _compile_one(text, outcome)
        _compile_one(_dump(yaml.safe_load(text)), outcome)
    assert outcome.errors == 0
