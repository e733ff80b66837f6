"""Output formats (text, json, github), --quiet and --verbose, colour, progress."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compiler.cli import main
from compiler.diagnostics import Diagnostic
from compiler.report import PROGRESS_THRESHOLD, Reporter, github_command, use_colour
from tests.support import ROOT, SPECS

BROKEN = ROOT / "tests" / "broken"
CASE = "tests/broken/several_errors.yaml"


def _expected(case: str) -> list[str]:
    return (ROOT / case).with_suffix(".expected").read_text().splitlines()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compiler", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


# -- json --------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "generate"])
def test_json_is_a_list_of_diagnostics_on_stdout(command: str, tmp_path: Path) -> None:
    extra = ["-o", str(tmp_path)] if command == "generate" else []
    done = run(command, "--format", "json", CASE, "specs/mailchimp.yaml", *extra)
    assert done.returncode == 1
    document = json.loads(done.stdout)  # stdout holds the document and nothing else
    assert isinstance(document, list)
    assert all(
        set(item) == {"file", "line", "column", "message", "hint", "json_path"}
        for item in document
    )
    headlines = [
        f"{d['file']}:{d['line']}:{d['column']}: {d['message']}; {d['hint']}"
        for d in document
    ]
    assert headlines == _expected(CASE)
    assert any(d["json_path"] == "$.BaseUrl" for d in document)
    assert "Traceback" not in done.stderr


def test_json_of_good_specs_is_an_empty_list() -> None:
    done = run("validate", "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout) == []


# -- github ------------------------------------------------------------------------


def test_github_prints_one_workflow_command_per_diagnostic() -> None:
    done = run("validate", "--format", "github", CASE)
    assert done.returncode == 1
    commands = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert len(commands) == len(_expected(CASE))
    for command, headline in zip(commands, _expected(CASE), strict=True):
        file, line, col, rest = headline.split(":", 3)
        where = f"file={file},line={line},col={col}"
        assert command.startswith(f"::error {where},title=connectorc%3A invalid spec::")
        assert command.endswith(rest.strip().replace("%", "%25"))


def test_github_escapes_per_the_workflow_command_rules() -> None:
    diagnostic = Diagnostic("specs/a,b:c%.yaml", 3, 7, "50% off\r\nline two", "a: b, c")
    assert github_command(diagnostic) == (
        "::error file=specs/a%2Cb%3Ac%25.yaml,line=3,col=7,"
        "title=connectorc%3A invalid spec::50%25 off%0D%0Aline two; a: b, c"
    )


# -- text, quiet, verbose ----------------------------------------------------------


def test_quiet_prints_errors_only(tmp_path: Path) -> None:
    good = run("generate", "-q", "specs/mailchimp.yaml", "-o", str(tmp_path))
    assert good.returncode == 0
    assert good.stdout == good.stderr == ""
    bad = run("validate", "--quiet", CASE)
    assert bad.returncode == 1
    assert bad.stdout == ""
    headlines = [line for line in bad.stderr.splitlines() if ": " in line[:60]]
    assert _expected(CASE)[0] in headlines
    assert "with errors" not in bad.stderr


def test_verbose_names_every_spec(tmp_path: Path) -> None:
    run("generate", "specs/mailchimp.yaml", "-o", str(tmp_path))
    again = run("generate", "-v", "specs/mailchimp.yaml", "-o", str(tmp_path))
    assert again.stdout.splitlines()[0] == f"unchanged {tmp_path / 'mailchimp.py'}"
    checked = run("validate", "--verbose", "specs/mailchimp.yaml")
    assert checked.stdout.splitlines()[0] == "valid specs/mailchimp.yaml"
    assert checked.stdout.splitlines()[1].startswith("1 valid, 0 with errors (")


def test_quiet_and_verbose_exclude_each_other() -> None:
    done = run("validate", "-q", "-v")
    assert done.returncode == 2


# -- colour and progress -----------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(Terminal())
    assert not use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Terminal())


def test_colour_reaches_a_terminal_but_not_a_pipe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    diagnostic = Diagnostic("x.yaml", 1, 2, "bad", "fix it", ("Name",), "Name: [")
    terminal, pipe = Terminal(), io.StringIO()
    Reporter(err=terminal).diagnostics([diagnostic])
    Reporter(err=pipe).diagnostics([diagnostic])
    assert "\x1b[" in terminal.getvalue()
    assert "\x1b[" not in pipe.getvalue()
    assert pipe.getvalue() == diagnostic.render() + "\n"
    # Piped through a subprocess: no escape codes at all.
    done = run("validate", CASE)
    assert "\x1b" not in done.stdout + done.stderr


def test_progress_on_a_terminal_for_a_large_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (SPECS / "mailchimp.yaml").read_text(encoding="utf-8")
    specs = []
    for index in range(PROGRESS_THRESHOLD):
        path = tmp_path / f"api{index}.yaml"
        data = text.replace("Name: Mailchimp", f"Name: Api {index}", 1)
        assert data != text
        path.write_text(data, encoding="utf-8")
        specs.append(str(path))
    terminal, out = Terminal(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["validate", *specs]) == 0
    shown = terminal.getvalue()
    assert f"\r\x1b[K[1/{len(specs)}] " in shown
    assert f"[{len(specs)}/{len(specs)}] " in shown
    assert shown.endswith("\r\x1b[K")  # cleared before the summary
    assert out.getvalue().strip() == f"{len(specs)} valid, 0 with errors"
    # Not on a pipe, and not for a small batch.
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    assert main(["validate", *specs]) == 0
    assert piped.getvalue() == ""


# -- pre-commit --------------------------------------------------------------------


def test_pre_commit_hook_validates_specs() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "connectorc-validate"
    assert hook["entry"].split() == ["connectorc", "validate"]
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    assert files.search("specs/mailchimp.yaml")
    assert not files.search("generated/mailchimp.py")
    assert not files.search("tests/broken/bad.yaml")
    # What pre-commit runs: the entry with the staged spec files appended.
    binary = Path(sys.executable).parent / "connectorc"
    good = subprocess.run(
        [str(binary), "validate", "specs/mailchimp.yaml"], cwd=ROOT, check=False
    )
    assert good.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("CONNECTORC_NETWORK_TESTS"),
    reason="pre-commit builds the hook's environment from PyPI, and tests reach "
    "nothing beyond 127.0.0.1; set CONNECTORC_NETWORK_TESTS=1 to run it",
)
def test_pre_commit_runs_the_hook_from_this_repository(tmp_path: Path) -> None:
    """The real pre-commit installs this repository as a hook and runs it on the
    staged specs/*.yaml of another repository (and on nothing else). Opt-in: the
    hook's environment is installed from PyPI."""
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    (repo / "other").mkdir()
    shutil.copy2(SPECS / "mailchimp.yaml", repo / "specs" / "mailchimp.yaml")
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    shutil.copy2(BROKEN / "bad_http_method.yaml", repo / "specs" / "bad.yaml")
    shutil.copy2(BROKEN / "bad_target_type.yaml", repo / "other" / "bad.yaml")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "pre-commit"),
            "try-repo",
            str(ROOT),
            "connectorc-validate",
            "--files",
            "specs/mailchimp.yaml",
            "specs/bad.yaml",
            "other/bad.yaml",
        ],
        cwd=repo,
        env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    expected = (BROKEN / "bad_http_method.expected").read_text().splitlines()
    assert expected[0].replace("tests/broken/bad_http_method", "specs/bad") in output
    assert "1 valid, 1 with errors" in output  # other/bad.yaml was not passed
