"""`make lsp` on a machine with Node.js but no npm registry (issue 15).

Not in test_language_server.py, which is skipped as a whole where the language
server cannot run: this test needs neither, only make and a shell.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.lsp import node_problem
from tests.support import ROOT

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or os.name != "posix", reason="needs make and sh"
)


def test_failing_npm_ci_skips_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make lsp` with node and npm but no registry: make goes on, the test skips."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    for name, script in (
        ("node", "exit 0"),
        ("npm", "echo 'npm ERR! code ENOTFOUND registry.npmjs.org' >&2; exit 1"),
    ):
        (bin_folder / name).write_text(f"#!/bin/sh\n{script}\n")
        (bin_folder / name).chmod(0o755)
    project = tmp_path / "project"
    (project / ".tools").mkdir(parents=True)
    shutil.copy2(ROOT / "Makefile", project / "Makefile")
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(ROOT / ".tools" / name, project / ".tools" / name)
    done = subprocess.run(
        ["make", "--no-print-directory", "lsp"],
        cwd=project,
        env={**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "npm ci failed: the yaml-language-server test will be skipped" in done.stdout
    monkeypatch.setenv("PATH", str(bin_folder))  # its node: the test needs no real one
    reason = node_problem(project)
    assert reason is not None
    assert reason.startswith("`npm ci` failed in .tools")
    assert reason.endswith("npm ERR! code ENOTFOUND registry.npmjs.org")
