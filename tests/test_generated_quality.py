"""Generated code as a careful engineer would write it: linted, formatted, typed, lean.

Every committed module in ``generated/`` passes ``ruff check``, ``ruff format --check``
and ``mypy --strict`` with no configuration of ours (``--isolated``: what a user who
copies the file into a project would see), imports nothing outside the standard
library, httpx and authlib, and imports in a process where the compiler's own
dependencies cannot be found.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import GENERATED, import_file

MODULES = sorted(GENERATED.glob("*.py"))
BIN = Path(sys.executable).parent
ALLOWED_IMPORTS = frozenset(sys.stdlib_module_names) | {
    "__future__",
    "httpx",
    "authlib",
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


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*args], capture_output=True, text=True, check=False, cwd=GENERATED
    )


def _names(paths: list[Path]) -> list[str]:
    return [path.name for path in paths]


def test_there_are_generated_modules() -> None:
    assert MODULES, "generated/ is empty; run `make generate`"


def test_ruff_check() -> None:
    done = _run(
        str(BIN / "ruff"),
        "check",
        "--isolated",
        "--target-version",
        "py311",
        "--output-format",
        "concise",
        *RUFF_RULES,
        *_names(MODULES),
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_check_with_ruff_defaults() -> None:
    done = _run(str(BIN / "ruff"), "check", "--isolated", *_names(MODULES))
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format() -> None:
    done = _run(
        str(BIN / "ruff"), "format", "--isolated", "--check", "--diff", *_names(MODULES)
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_mypy_strict(tmp_path: Path) -> None:
    """One mypy run over every module (mypy is slow to start), without our config."""
    done = _run(
        str(BIN / "mypy"),
        "--strict",
        "--config-file",
        "",
        "--cache-dir",
        str(tmp_path / "mypy_cache"),
        "--python-version",
        "3.11",
        *_names(MODULES),
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", MODULES, ids=_names(MODULES))
def test_imports_only_stdlib_httpx_and_authlib(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
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
