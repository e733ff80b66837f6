"""The command line as a user meets it: exit statuses, summaries, failures to write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from compiler.cli import main
from tests.support import ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "connectorc", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("connectorc ")


def test_validate_every_spec_by_default() -> None:
    result = run("validate")
    specs = len(list((ROOT / "specs").glob("*.yaml")))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{specs} valid, 0 with errors"


def test_no_specs_found_is_a_usage_error(tmp_path: Path) -> None:
    result = run("generate", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "connectorc: no specs given and none found in specs/"
    )


def test_an_unwritable_output_is_a_located_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    status = main(
        ["generate", "specs/mailchimp.yaml", "--output", str(blocker / "out")]
    )
    err = capsys.readouterr().err
    assert status == 1
    target = f"{blocker.as_posix()}/out/mailchimp.py"
    assert err.startswith(
        f"specs/mailchimp.yaml:1:1: cannot write {target}: Not a directory; "
        "check that the output folder exists and can be written"
    )
    assert "Traceback" not in err


def test_generate_reports_created_then_unchanged(tmp_path: Path) -> None:
    first = run("generate", "specs/mailchimp.yaml", "--output", str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == f"created {tmp_path / 'mailchimp.py'}"
    second = run("generate", "specs/mailchimp.yaml", "--output", str(tmp_path))
    assert second.stdout.startswith("1 unchanged, 0 failed (")


# What a compile of valid specs does without (issue 12: a one-spec run is mostly
# imports): the schema reference writer, jsonschema (it words errors only) and
# importlib.resources (the package's data folders are plain files beside it) and
# difflib (did-you-mean hints).
NOT_FOR_A_VALID_COMPILE = (
    "compiler.docs",
    "difflib",
    "importlib.resources",
    "jsonschema",
)


def test_a_valid_generate_does_not_import_what_it_does_not_need(
    tmp_path: Path,
) -> None:
    code = (
        "import sys\n"
        "from compiler.cli import main\n"
        f"status = main(['generate', '-q', '--force', '-o', {str(tmp_path)!r}, "
        "'specs/github.yaml', 'specs/mailchimp.yaml'])\n"
        "assert status == 0, status\n"
        f"print(sorted(m for m in {NOT_FOR_A_VALID_COMPILE!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["github.py", "mailchimp.py"]


def test_generate_leaves_no_ruff_cache_in_the_working_folder(tmp_path: Path) -> None:
    spec = tmp_path / "mailchimp.yaml"
    spec.write_bytes((ROOT / "specs" / "mailchimp.yaml").read_bytes())
    result = run("generate", "-q", "-o", "out", spec.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mailchimp.yaml", "out"]


def _exits(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``connectorc COMMAND`` as the console script runs it, in a process with an
    exit handler of its own that says whether the interpreter's exit ran."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('interpreter exit', file=sys.stderr))\n"
        f"sys.argv = ['connectorc', *{command.split()!r}]\n"
        "from connectorc.__main__ import main\n"
        "sys.exit(main())\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True
    )


def test_generate_and_validate_end_the_process_at_once_with_all_output(
    tmp_path: Path,
) -> None:
    """They skip the interpreter's teardown (issue 12), and lose no output or
    status for it; other commands exit as usual."""
    specs = sorted((ROOT / "specs").glob("*.yaml"))
    done = _exits(
        f"generate -v -o {tmp_path / 'out'} {' '.join(map(str, specs))}", ROOT
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.startswith("created ") for line in lines) == len(specs)
    assert lines[-1].startswith(f"{len(specs)} created, 0 failed (")
    assert "interpreter exit" not in done.stderr

    broken = tmp_path / "broken.yaml"
    broken.write_text("SpecVersion: 1\nName: x\n", encoding="utf-8")
    refused = _exits("validate broken.yaml", tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.startswith("broken.yaml:1:1: the spec is missing ")
    assert refused.stderr.endswith("\n0 valid, 1 with errors\n")
    assert "interpreter exit" not in refused.stderr

    version = _exits("--version", tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("connectorc ")
    assert "interpreter exit" in version.stderr
