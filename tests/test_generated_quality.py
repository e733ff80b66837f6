"""Generated code as a careful engineer would write it: linted, formatted, typed, lean.

Every committed module in ``generated/`` passes ``ruff check``, ``ruff format --check``
and ``mypy --strict`` with no configuration of ours (``--isolated``: what a user who
copies the file into a project would see), imports nothing outside the standard
library, httpx and authlib, and imports in a process where the compiler's own
dependencies cannot be found. So do modules compiled from specs made to take every
branch of the templates (each AuthType and request format, each DataType as a
required, optional and defaulted property and as every kind of parameter, with and
without Values), since the example specs take only some.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from compiler import compile_spec
from tests.support import GENERATED, ROOT, import_file

MODULES = sorted(GENERATED.glob("*.py"))
BIN = Path(sys.executable).parent
ALLOWED_IMPORTS = frozenset(sys.stdlib_module_names) | {
    "__future__",
    "httpx",
    "authlib",
    "joserfc",  # authlib's JOSE library (since authlib 1.6), for Jwt and RFC 7523
}
# The project's own rule set, more than ruff's defaults. Left out: E501, because
# docstrings carry the spec's prose unwrapped, and RUF001-003 (look-alike characters
# such as a typographic apostrophe), because that prose is the spec author's text.
RUFF_RULES = [
    "--select",
    "E,F,W,I,B,UP,SIM,RUF",
    "--ignore",
    "E501,RUF001,RUF002,RUF003",
]
# What a generated module must never import, even indirectly: the compiler and its
# dependencies.
COMPILER_ONLY = ("compiler", "yaml", "jinja2", "jsonschema")


def _run(*args: str, cwd: Path = GENERATED) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*args], capture_output=True, text=True, check=False, cwd=cwd)


def _names(paths: list[Path]) -> list[str]:
    return [path.name for path in paths]


def _ruff_check(folder: Path, files: list[str], *rules: str) -> str:
    """Findings of ``ruff check`` (empty when clean)."""
    done = _run(
        str(BIN / "ruff"), "check", "--isolated", "--target-version", "py311",
        "--output-format", "concise", *rules, *files, cwd=folder,
    )  # fmt: skip
    return "" if done.returncode == 0 else done.stdout + done.stderr


def _ruff_format(folder: Path, files: list[str]) -> str:
    done = _run(
        str(BIN / "ruff"), "format", "--isolated", "--check", "--diff", *files,
        cwd=folder,
    )  # fmt: skip
    return "" if done.returncode == 0 else done.stdout + done.stderr


def _mypy(folder: Path, files: list[str], cache: Path) -> str:
    """One ``mypy --strict`` run (mypy is slow to start), without our config."""
    done = _run(
        str(BIN / "mypy"), "--strict", "--config-file", "", "--python-version",
        "3.11", "--cache-dir", str(cache), *files, cwd=folder,
    )  # fmt: skip
    return "" if done.returncode == 0 else done.stdout + done.stderr


def test_there_are_generated_modules() -> None:
    assert MODULES, "generated/ is empty; run `make generate`"


def test_ruff_check() -> None:
    assert _ruff_check(GENERATED, _names(MODULES), *RUFF_RULES) == ""


def test_ruff_check_with_ruff_defaults() -> None:
    assert _ruff_check(GENERATED, _names(MODULES)) == ""


def test_ruff_check_under_the_projects_configuration() -> None:
    """`ruff check generated/` from the repository, as a newcomer runs it: the
    project's pyproject.toml exempts exactly the rules RUFF_RULES ignores."""
    done = _run(str(BIN / "ruff"), "check", "--output-format", "concise", "generated/",
                cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]
    ignored = config["lint"]["per-file-ignores"]["generated/*"]
    assert ",".join(ignored) == RUFF_RULES[RUFF_RULES.index("--ignore") + 1]


def test_ruff_format() -> None:
    assert _ruff_format(GENERATED, _names(MODULES)) == ""


@pytest.mark.slow
def test_mypy_strict(tmp_path: Path) -> None:
    assert _mypy(GENERATED, _names(MODULES), tmp_path / "mypy_cache") == ""


@pytest.mark.parametrize("path", MODULES, ids=_names(MODULES))
def test_imports_only_stdlib_httpx_and_authlib(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        # The optional redis package, imported there only when a Redis class is made
        # (test_shared_state.py imports every module with redis blocked).
        if isinstance(node, ast.FunctionDef) and node.name == "_import_redis":
            node.body = []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"relative import at line {node.lineno}"
            assert node.module is not None
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("__import__", "eval", "exec"), node.lineno
    assert found - ALLOWED_IMPORTS == set()
    assert "httpx" in found


@pytest.mark.parametrize("path", MODULES, ids=_names(MODULES))
def test_module_is_standalone(path: Path) -> None:
    """Imported in a fresh interpreter where the compiler's packages cannot load."""
    blocker = "; ".join(f"sys.modules[{name!r}] = None" for name in COMPILER_ONLY)
    code = (
        f"import sys; {blocker}; import runpy; "
        f"ns = runpy.run_path({str(path)!r}); "
        "missing = [n for n in ns['__all__'] if n not in ns]; "
        "assert not missing, missing"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("path", MODULES, ids=_names(MODULES))
def test_module_exports_what_it_promises(path: Path) -> None:
    module = import_file(path)
    exported = set(module.__all__)
    assert "BASE_URL" in exported
    clients = [n for n in exported if n.endswith("Client")]
    assert len(clients) == 2 and any(n.startswith("Async") for n in clients)
    for name in exported:
        value = getattr(module, name)
        assert name == "BASE_URL" or value.__doc__, f"{name} has no docstring"
    # Nothing public besides __all__ (imports and private helpers aside).
    public = {
        n
        for n, v in vars(module).items()
        if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__
    }
    assert public <= exported


# -- every path through the templates, not only those the example specs take -------

DATA_TYPES = ["Text", "Integer", "Decimal", "Float", "Boolean", "DateTime"]
SAMPLES: dict[str, list[Any]] = {  # a default, then Values
    "Text": ["plain", ["a", "b"]],
    "Integer": [3, [1, 3]],
    "Decimal": ["12.50", [-1, 0, 1]],
    "Float": [2, [1, 2]],
    "Boolean": [True, [True]],
    "DateTime": ["2024-05-01T12:00:00+02:00", ["2024-05-01"]],
}
DATE_TIMES = ["2024-05-01", "2024-05-01T12:00:00Z", "2024-05-01T12:00:00.5-03:30"]
AUTHS: dict[str, dict[str, Any]] = {
    "none": {"AuthType": "None"},
    "basic": {"AuthType": "Basic"},
    "bearer": {"AuthType": "ApiKey", "Format": "Bearer {ApiKey}"},
    "query_key": {"AuthType": "ApiKey", "QueryParameter": "key"},
    "fields": {
        "AuthType": "AuthFields",
        "Fields": [
            {"Name": f"Field {t}", "Key": f"f_{t.lower()}", "Type": t}
            for t in DATA_TYPES
        ],
    },
}


def _feature_spec(auth: str, request_format: str) -> dict[str, Any]:
    """A spec that takes every template branch it can for one AuthType."""
    properties: list[dict[str, Any]] = []
    parameters: list[dict[str, Any]] = []
    for t in DATA_TYPES:
        default, values = SAMPLES[t]
        properties += [
            {"Name": f"Required{t}", "DataType": t},
            {"Name": f"Optional{t}", "DataType": t, "IsOptional": True},
            {"Name": f"Default{t}", "DataType": t, "Default": default},
        ]
        parameters += [
            {"TargetType": "MergeField", "TargetName": f"m{t}", "DataType": t},
            {"TargetType": "QueryString", "TargetName": f"q{t}", "DataType": t,
             "IsOptional": True},
            {"TargetType": "QueryString", "TargetName": f"v{t}", "DataType": t,
             "Values": values, "Default": values[-1]},
            {"TargetType": "HttpHeader", "TargetName": f"X-{t}", "DataType": t},
            {"TargetType": "Body", "TargetName": f"b{t}", "DataType": t,
             "Default": default},
            {"TargetType": "Body", "TargetName": f"c{t}", "DataType": t,
             "Values": values, "IsOptional": True},
        ]  # fmt: skip
    properties += [
        {"Name": f"When {i}", "DataType": "DateTime", "Default": value}
        for i, value in enumerate(DATE_TIMES)
    ]
    endpoint = "/do/" + "/".join(f"{{{{m{t}}}}}" for t in DATA_TYPES)
    methods: list[dict[str, Any]] = [
        {"Name": "Do", "Description": "Everything at once.", "HttpMethod": "POST",
         "EndPoint": endpoint + "/{{DefaultText}}", "Parameters": parameters},
        {"Name": "Text", "HttpMethod": "PUT", "EndPoint": "/text",
         "ResponseFormat": "PlainText", "RequestFormat": "Json"},
        {"Name": "Bare", "HttpMethod": "PATCH", "EndPoint": "/bare"},
    ]  # fmt: skip
    if auth != "fields":
        no_body = [p for p in parameters if p["TargetType"] != "Body"]
        methods.append(
            {"Name": "Fetch", "HttpMethod": "GET", "EndPoint": endpoint,
             "Parameters": no_body}
        )  # fmt: skip
    return {
        "SpecVersion": 1,
        "Name": f"Features {auth} {request_format}",
        "Description": "Every branch of the templates.",
        "BaseUrl": "https://{{RequiredText}}.example.com/{{DefaultInteger}}/v1",
        "RequestFormat": request_format,
        "Properties": properties,
        "Authentication": AUTHS[auth],
        "Methods": methods,
    }


@pytest.fixture(scope="module")
def feature_modules(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("features")
    paths = []
    for auth in AUTHS:
        for request_format in ("Json", "Form"):
            spec = folder / f"{auth}_{request_format.lower()}.yaml"
            spec.write_text(yaml.safe_dump(_feature_spec(auth, request_format)))
            connector, text = compile_spec(spec)
            module = folder / f"{connector.module_name}.py"
            module.write_text(text, encoding="utf-8")
            paths.append(module)
    return paths


def test_feature_modules_import(feature_modules: list[Path]) -> None:
    for path in feature_modules:
        assert import_file(path).__all__


def test_feature_modules_pass_ruff(feature_modules: list[Path]) -> None:
    folder, files = feature_modules[0].parent, _names(feature_modules)
    assert _ruff_check(folder, files, *RUFF_RULES) == ""
    assert _ruff_format(folder, files) == ""


@pytest.mark.slow
def test_feature_modules_pass_mypy_strict(
    feature_modules: list[Path], tmp_path: Path
) -> None:
    folder = feature_modules[0].parent
    assert _mypy(folder, _names(feature_modules), tmp_path / "cache") == ""
