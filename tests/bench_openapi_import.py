"""Importing GitHub's full OpenAPI document (about 1,000 operations) and compiling it.

The document (npm ``@octokit/openapi``, pinned) is fetched into ``.bench/`` on first
use. Timed: reading and mapping the document, then the spec's compile (load,
validate, model, render, ruff), which is the same work ``make generate`` does for
the spec. The baseline, measured in the same run, is compiling the imported spec on
its own, so the ratio shows what the import adds on top of a compile. The issue's
target is under 10 s for the whole, on 2 cores.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from compiler.openapi import import_document
from compiler.pipeline import compile_spec
from compiler.resources import SCHEMA_PATH
from tests.openapi_packages import GITHUB, fetch

ROUNDS = 3


def main() -> None:
    document = fetch(GITHUB)
    if document is None:
        print("  skipped: npm is not available to fetch @octokit/openapi")
        return
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "github.yaml"
        whole: list[float] = []
        mapping: list[float] = []
        compile_only: list[float] = []
        methods = 0
        for _ in range(ROUNDS):  # interleaved: whole import, then the compile alone
            started = time.perf_counter()
            result = import_document(document, spec, schema=SCHEMA_PATH)
            whole.append(time.perf_counter() - started)
            started = time.perf_counter()
            import_document(document, spec, schema=SCHEMA_PATH, check=False)
            mapping.append(time.perf_counter() - started)
            spec.write_text(result.text, encoding="utf-8")
            started = time.perf_counter()
            compile_spec(spec)
            compile_only.append(time.perf_counter() - started)
            methods = result.methods
    total, alone = statistics.median(whole), statistics.median(compile_only)
    print(f"  GitHub's document: {methods} methods, {document.stat().st_size >> 20} MB")
    print(f"  {'import + compile (target < 10 s)':<40} {total:8.2f} s")
    print(
        f"  {'  of which reading and mapping':<40} {statistics.median(mapping):8.2f} s"
    )
    print(
        f"  {'compile of the imported spec alone':<40} {alone:8.2f} s   "
        f"ratio {total / alone:5.2f}"
    )
