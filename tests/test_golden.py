"""Golden output: ``generated/`` is exactly what the specs compile to; writing is calm.

Regenerating every ``specs/*.yaml`` into a temporary folder must give the committed
``generated/`` byte for byte, so any change in output shows in review. Writing is
idempotent (a second run touches nothing), deterministic (same bytes whatever the hash
seed or working folder), prunes only modules it wrote itself, and never replaces a good
module because its spec broke.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from compiler.cli import main
from compiler.incremental import inputs_sha256
from compiler.pipeline import VERSION, CompileResult, generate
from compiler.write import HEADER_PREFIX
from tests.support import GENERATED, SPECS

SPEC_FILES = sorted(SPECS.glob("*.yaml"))
HINT = "run `make generate` and commit generated/"


def _modules(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.py"))}


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's (inode, mtime in ns): a rewrite changes one or the other."""
    return {
        path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in sorted(folder.iterdir())
    }


def _failures(results: list[CompileResult]) -> str:
    return "\n".join(d.headline for r in results for d in r.diagnostics)


def _copy_specs(folder: Path) -> Path:
    specs = folder / "specs"
    specs.mkdir()
    for path in SPEC_FILES:
        shutil.copy2(path, specs / path.name)
    scripts = SPEC_FILES[0].parent / "scripts"  # the hook scripts some specs name
    if scripts.is_dir():
        shutil.copytree(scripts, specs / "scripts")
    return specs


def test_there_are_specs() -> None:
    assert SPEC_FILES, "no specs/*.yaml: the golden test would prove nothing"


def test_generated_matches_specs(tmp_path: Path) -> None:
    results = generate(SPEC_FILES, tmp_path, prune=True)
    assert all(r.ok for r in results), _failures(results)
    expected, committed = _modules(tmp_path), _modules(GENERATED)
    missing = sorted(expected.keys() - committed.keys())
    extra = sorted(committed.keys() - expected.keys())
    assert not missing and not extra, (
        f"generated/ is out of step with specs/: missing {missing}, "
        f"not from any spec {extra}; {HINT}"
    )
    diffs: list[str] = []
    for name in sorted(expected):
        if expected[name] != committed[name]:
            diffs.extend(
                difflib.unified_diff(
                    committed[name].decode("utf-8").splitlines(keepends=True),
                    expected[name].decode("utf-8").splitlines(keepends=True),
                    f"generated/{name} (committed)",
                    f"generated/{name} (from specs/)",
                )
            )
    assert not diffs, f"generated/ differs from its specs; {HINT}:\n" + "".join(diffs)


def test_every_committed_module_has_the_header() -> None:
    for path in sorted(GENERATED.glob("*.py")):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first.startswith(HEADER_PREFIX), f"{path.name}: {first!r}"
        assert b"\r" not in path.read_bytes(), f"{path.name} has CR line endings"


def test_second_generate_changes_nothing(tmp_path: Path) -> None:
    first = generate(SPEC_FILES, tmp_path, prune=True)
    assert {r.outcome for r in first} == {"created"}, _failures(first)
    before = _snapshot(tmp_path)
    second = generate(SPEC_FILES, tmp_path, prune=True)
    assert [(r.spec, r.outcome) for r in second] == [
        (r.spec, "unchanged") for r in first
    ]
    assert _snapshot(tmp_path) == before  # not rewritten, not even with equal bytes
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temps


def test_a_changed_module_is_updated_and_only_it(tmp_path: Path) -> None:
    generate(SPEC_FILES, tmp_path)
    victim = sorted(tmp_path.glob("*.py"))[0]
    good = victim.read_bytes()
    victim.write_bytes(good + b"# edited by hand\n")
    before = _snapshot(tmp_path)
    results = generate(SPEC_FILES, tmp_path)
    outcomes = {r.output.name: r.outcome for r in results if r.output}
    assert outcomes.pop(victim.name) == "updated"
    assert set(outcomes.values()) == {"unchanged"}
    assert victim.read_bytes() == good
    after = _snapshot(tmp_path)
    assert {n for n in after if after[n] != before[n]} == {victim.name}


def test_output_is_deterministic(tmp_path: Path) -> None:
    """Same bytes from another process, hash seed and working folder."""
    in_process = tmp_path / "a"
    generate(SPEC_FILES, in_process)
    outputs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"seed{seed}"
        specs = [str(p) for p in SPEC_FILES]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "connectorc", "generate", "-o", str(out), *specs],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        outputs.append(_modules(out))
    assert outputs[0] == outputs[1] == _modules(in_process)


def test_stale_module_is_pruned_but_hand_written_code_is_kept(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    assert generate(sorted(specs.glob("*.yaml")), out, prune=True)
    hand_written = out / "helpers.py"
    hand_written.write_text("# my own code, no connectorc header\nX = 1\n")
    removed_spec = sorted(specs.glob("*.yaml"))[0]
    before = set(_modules(out))
    removed_spec.unlink()

    # Some specs named: nothing is pruned, the stale module stays.
    generate(sorted(specs.glob("*.yaml")), out, prune=False)
    assert set(_modules(out)) == before

    results = generate(sorted(specs.glob("*.yaml")), out, prune=True)
    removed = [r.output.name for r in results if r.outcome == "removed" and r.output]
    assert len(removed) == 1
    assert set(_modules(out)) == before - set(removed)
    assert hand_written.read_text().startswith("# my own code")


def test_cli_prunes_only_when_it_compiles_every_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = _copy_specs(tmp_path)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "generated"
    assert main(["generate"]) == 0
    stale = out / "gone_api.py"
    shutil.copy2(sorted(out.glob("*.py"))[0], stale)
    first_spec = sorted(specs.glob("*.yaml"))[0]

    assert main(["generate", str(first_spec)]) == 0  # named specs: no pruning
    assert stale.exists()

    broken = specs / "zz_broken.yaml"
    broken.write_text("SpecVersion: 1\nName: [\n", encoding="utf-8")
    assert main(["generate"]) == 1  # a spec failed: nothing is pruned
    assert stale.exists()

    broken.unlink()
    capsys.readouterr()
    assert main(["generate"]) == 0
    assert not stale.exists()
    assert f"removed {Path('generated') / stale.name}" in capsys.readouterr().out


def test_spec_with_errors_leaves_its_module_untouched(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    spec = sorted(specs.glob("*.yaml"))[0]
    (result,) = generate([spec], out)
    assert result.ok and result.output is not None
    module = result.output
    good, before = module.read_bytes(), _snapshot(out)

    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("Methods:", "Methods: 7\nMethodz:", 1), "utf-8")
    (failed,) = generate([spec], out, prune=True)
    assert not failed.ok and failed.output is None and failed.outcome is None
    assert all(d.line > 1 for d in failed.diagnostics)  # located, not at 1:1
    assert module.read_bytes() == good
    assert _snapshot(out) == before


def test_any_spec_change_shows_in_the_module(tmp_path: Path) -> None:
    """The header carries the hash of the spec's text (among the module's other
    inputs): even a new comment updates the module."""
    specs = _copy_specs(tmp_path)
    spec = sorted(specs.glob("*.yaml"))[0]
    (result,) = generate([spec], tmp_path / "out")
    assert result.output is not None
    with spec.open("a", encoding="utf-8") as handle:
        handle.write("# a comment at the end\n")
    (changed,) = generate([spec], tmp_path / "out")
    assert changed.outcome == "updated"
    digest = hashlib.sha256(spec.read_bytes()).hexdigest()
    first, _, rest = result.output.read_text(encoding="utf-8").split("\n", 2)
    unsealed = f"{first}\n# Build sha256: {inputs_sha256(VERSION, digest, ())}\n{rest}"
    sealed = hashlib.sha256(unsealed.encode("utf-8")).hexdigest()
    assert result.output.read_text(encoding="utf-8").startswith(
        f"{first}\n# Build sha256: {sealed}\n"
    )


def test_two_specs_for_one_module_is_a_located_error(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    first = sorted(specs.glob("*.yaml"))[0]
    twin = specs / "zz_twin.yaml"
    text = first.read_text(encoding="utf-8")
    twin.write_text("# the same Name again\n" + text, encoding="utf-8")
    good, clash = generate([first, twin], tmp_path / "out")
    assert good.ok and good.output is not None
    (diagnostic,) = clash.diagnostics
    name_line = text.split("\n").index(
        next(line for line in text.split("\n") if line.startswith("Name:"))
    )
    assert (diagnostic.line, diagnostic.column) == (name_line + 2, 7)
    assert f"generates {good.output.name}" in diagnostic.message
    assert clash.output is None
    assert _modules(tmp_path / "out").keys() == {good.output.name}
