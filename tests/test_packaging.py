"""Packaging: a wheel built from this tree works when installed somewhere else.

The wheel is built from a copy of the project (so the tree gets no build/ folder) with
the current environment's setuptools, and installed without its dependencies into a
fresh virtual environment that borrows the current one's site-packages through a
``.pth`` line: no network, a few seconds. ``connectorc`` then runs from a folder that
holds nothing of the project's, so it can only find its templates and schema inside
the installed package.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from compiler import __version__
from compiler.model import (
    AUTHLIB_REQUIREMENT,
    HTTPX_REQUIREMENT,
    JOSERFC_REQUIREMENT,
)
from tests.support import GENERATED, ROOT, SPECS

PROJECT_FILES = ("pyproject.toml", "README.md", "compiler", "templates", "schemas")


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh venv with connectorc installed from a wheel."""
    base = tmp_path_factory.mktemp("packaging")
    source = base / "source"
    source.mkdir()
    for name in PROJECT_FILES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(
                origin, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(origin, source / name)
    wheels = base / "wheels"
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        wheels,
        source,
        cwd=base,
    )
    [wheel] = wheels.glob("connectorc-*.whl")
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    python = venv / "bin" / "python"
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=base,
    )
    # Dependencies (jinja2, jsonschema, ruff, ...) from this environment; a .pth line
    # adds the folder without running its .pth files, so the editable install of
    # this tree stays out of sight.
    site = Path(
        _run(
            python,
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
            cwd=base,
        ).stdout.strip()
    )
    (site / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv / "bin"


@pytest.mark.slow
def test_installed_wheel_finds_its_templates_and_schema(
    installed: Path, tmp_path: Path
) -> None:
    where = _run(
        installed / "python",
        "-c",
        "import connectorc.resources as r; "
        "print(r.TEMPLATES_PATH); print(r.SCHEMA_PATH)",
        cwd=tmp_path,
    ).stdout.split()
    assert all(str(ROOT) not in path for path in where), where
    assert all("site-packages" in path for path in where), where

    spec = tmp_path / "mailchimp.yaml"
    shutil.copy2(SPECS / "mailchimp.yaml", spec)
    _run(installed / "connectorc", "validate", spec.name, cwd=tmp_path)
    _run(installed / "connectorc", "generate", spec.name, "-o", "out", cwd=tmp_path)
    # The same bytes as the tree's own compiler makes, but for the spec's path.
    assert (tmp_path / "out" / "mailchimp.py").read_bytes() == (
        GENERATED / "mailchimp.py"
    ).read_bytes()


@pytest.mark.slow
def test_installed_version(installed: Path, tmp_path: Path) -> None:
    done = _run(installed / "connectorc", "--version", cwd=tmp_path)
    assert done.stdout.strip() == f"connectorc {__version__}"


@pytest.mark.slow
def test_installed_import_name_is_distinctive(installed: Path, tmp_path: Path) -> None:
    """The wheel installs `connectorc`, not a `compiler` package anyone may have."""
    done = _run(installed / "python", "-m", "connectorc", "--version", cwd=tmp_path)
    assert done.stdout.strip() == f"connectorc {__version__}"
    probe = "import importlib.util as u; print(u.find_spec('compiler'))"
    assert _run(installed / "python", "-c", probe, cwd=tmp_path).stdout.strip() == (
        "None"
    )
    # Subpackages come along: `connectorc import` needs connectorc.openapi.
    done = _run(
        installed / "python", "-m", "connectorc", "import", "--help", cwd=tmp_path
    )
    assert "OpenAPI" in done.stdout


@pytest.mark.slow
def test_pip_install_brings_what_generated_modules_need(installed: Path) -> None:
    """`pip install .` alone gives httpx and authlib: the wheel requires them."""
    [metadata] = (installed.parent / "lib").glob(
        "python*/site-packages/connectorc-*/METADATA"
    )
    requires = [
        line.removeprefix("Requires-Dist: ")
        for line in metadata.read_text().splitlines()
        if line.startswith("Requires-Dist: ") and "extra ==" not in line
    ]

    def normal(requirement: str) -> tuple[str, list[str]]:
        """Name and sorted specifiers: the METADATA may order them differently."""
        text = requirement.lower().replace(" ", "")
        start = min(text.index(c) for c in "<>=" if c in text)
        return text[:start], sorted(text[start:].split(","))

    assert normal(HTTPX_REQUIREMENT) in [normal(r) for r in requires]
    assert normal(AUTHLIB_REQUIREMENT) in [normal(r) for r in requires]


def test_version_is_the_projects() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == __version__


def test_modules_state_the_client_extra() -> None:
    """REQUIRES in every module is what pyproject's `client` extra installs."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    client = project["optional-dependencies"]["client"]
    assert [r.lower() for r in client] == [
        HTTPX_REQUIREMENT,
        AUTHLIB_REQUIREMENT,
        JOSERFC_REQUIREMENT,
    ]
    for path in sorted(GENERATED.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        header = text.split("\n")[2]
        assert header.startswith(f"# Requires: {HTTPX_REQUIREMENT}"), path.name
        uses_authlib = "import authlib" in text or "from authlib" in text
        assert (AUTHLIB_REQUIREMENT in header) == uses_authlib, path.name
        uses_joserfc = "from joserfc" in text
        assert (JOSERFC_REQUIREMENT in header) == uses_joserfc, path.name
