"""``check-jsonschema`` (PyPI), a validator independent of ours, judges the broken-spec
corpus as our schema step does.

A case is for the schema alone to judge when our loader reads it (so it is YAML that
any reader takes the same way) and the case's verdict is the schema's: our schema
step finds errors (check-jsonschema must reject it too), or it finds none and only the
later, semantic checks fail (check-jsonschema must accept it, as the schema does).
Which stage decides is computed here, not listed by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from compiler import SpecError
from compiler.load import load_spec
from compiler.validate import _diagnostics
from tests.support import ROOT, SPECS

BROKEN = ROOT / "tests" / "broken"
SCHEMA = ROOT / "schemas" / "connector.schema.json"
CHECK = Path(sys.executable).parent / "check-jsonschema"


def _our_verdicts() -> dict[str, set[str]]:
    """For each readable case: the JSON paths our schema step reports (empty: none)."""
    verdicts: dict[str, set[str]] = {}
    for case in sorted(BROKEN.glob("*.yaml")):
        try:
            spec = load_spec(case, case.relative_to(ROOT).as_posix())
        except SpecError:
            continue  # not YAML our loader accepts: the loader decides, not the schema
        if not isinstance(spec.data, dict):
            continue
        # The schema's own pass: not the second one that checks a block with a
        # mistaken AuthType as the AuthType meant, which no schema can do.
        verdicts[case.relative_to(ROOT).as_posix()] = {
            _dotted(d.json_path) for d in _diagnostics(spec)
        }
    return verdicts


def _dotted(path: tuple[str | int, ...]) -> str:
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _theirs(files: list[str]) -> dict[str, set[str]]:
    done = subprocess.run(
        [str(CHECK), "--schemafile", str(SCHEMA), "-o", "json", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stdout)
    assert not report.get("parse_errors"), report["parse_errors"]
    found: dict[str, set[str]] = {name: set() for name in files}
    for error in report["errors"]:
        found[error["filename"]].add(error["path"])
    return found


@pytest.mark.slow
def test_check_jsonschema_agrees_on_the_corpus() -> None:
    ours = _our_verdicts()
    schema_cases = [name for name, paths in ours.items() if paths]
    semantic_cases = [name for name, paths in ours.items() if not paths]
    # The corpus exercises both stages; the split is computed, so say what it is.
    assert len(schema_cases) >= 20, schema_cases
    assert len(semantic_cases) >= 10, semantic_cases
    theirs = _theirs(sorted(ours))
    disagree = {
        name: (sorted(ours[name]), sorted(theirs[name]))
        for name in ours
        if bool(ours[name]) != bool(theirs[name])
    }
    assert not disagree, f"valid/invalid verdicts differ: {disagree}"
    # Where both reject, each place we report is one check-jsonschema reports, or
    # inside one (it reports a failed branch at the mapping; we at the key).
    unplaced = {
        name: sorted(
            path
            for path in ours[name]
            if not any(path == p or path.startswith(p) for p in theirs[name])
        )
        for name in schema_cases
    }
    assert not any(unplaced.values()), unplaced


@pytest.mark.slow
def test_check_jsonschema_accepts_every_spec() -> None:
    files = [p.relative_to(ROOT).as_posix() for p in sorted(SPECS.glob("*.yaml"))]
    assert all(not paths for paths in _theirs(files).values())
