"""Incremental and batch generate: skip what is up to date, and nothing else.

A module's header seals the hash of everything it was made from (compiler, templates,
schema, ruff, spec, scripts) together with its own text. ``generate`` skips a spec
whose module is exactly what its inputs make, without parsing it; ``--force``, a
changed input or an edited module compiles again. Many specs compile in worker
processes and are formatted by one ruff run, with the output and the errors of the
one-by-one way, in the same order.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

import compiler.incremental
import compiler.pipeline
from compiler.cli import main
from compiler.pipeline import CompileResult, generate
from compiler.resources import TEMPLATES_PATH
from tests.support import SPECS
from tests.synthetic_specs import write_specs

SPEC_FILES = sorted(SPECS.glob("*.yaml"))


@pytest.fixture(autouse=True)
def _in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The examples compile in this process, where the counters below see them (from
    PARALLEL_FROM specs on, worker processes would); the parallel test sets its own."""
    monkeypatch.setattr(compiler.pipeline, "PARALLEL_FROM", 10**9)


def _copy_specs(folder: Path) -> list[Path]:
    specs = folder / "specs"
    shutil.copytree(SPECS, specs)
    return sorted(specs.glob("*.yaml"))


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in sorted(folder.iterdir())
    }


def _outcomes(results: list[CompileResult]) -> dict[str, str | None]:
    return {r.spec.rsplit("/", 1)[-1]: r.outcome for r in results}


class _Counter:
    """Counts the specs that are parsed (every compile starts by loading one)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        import compiler.load

        real = compiler.load.load_spec

        def counting(path: Path, display: str | None = None) -> object:
            self.calls.append(path.name)
            return real(path, display)

        monkeypatch.setattr(compiler.load, "load_spec", counting)


def test_a_no_op_run_parses_nothing_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    first = generate(specs, out, prune=True)
    assert {r.outcome for r in first} == {"created"}
    before = _snapshot(out)
    counter = _Counter(monkeypatch)
    again = generate(specs, out, prune=True)
    assert counter.calls == []
    assert [(r.spec, r.outcome, r.output) for r in again] == [
        (r.spec, "unchanged", r.output) for r in first
    ]
    assert _snapshot(out) == before


def test_an_up_to_date_module_is_trusted_without_reading_the_spec(
    tmp_path: Path,
) -> None:
    """Proof that the skip does not parse: PyYAML is made to fail, and nothing
    notices; with --force the same run fails."""
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    assert all(r.ok for r in generate(specs, out))
    import yaml

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the spec was parsed")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yaml.SafeLoader, "get_single_node", broken)
        patch.setattr("compiler.load.FAST_LOADER", None)
        assert {r.outcome for r in generate(specs, out)} == {"unchanged"}
        # With --force the spec is parsed, and the stage guard reports the failure.
        forced = generate(specs, out, force=True)
        messages = [d.message for r in forced for d in r.diagnostics]
        assert len(messages) == len(specs)
        assert all("the spec was parsed" in message for message in messages)


def test_force_compiles_every_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    generate(specs, out)
    counter = _Counter(monkeypatch)
    results = generate(specs, out, force=True)
    assert sorted(counter.calls) == sorted(p.name for p in specs)
    assert {r.outcome for r in results} == {"unchanged"}  # the same bytes again


def test_a_changed_spec_compiles_only_that_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    generate(specs, out)
    spec = specs[3]
    with spec.open("a", encoding="utf-8") as handle:
        handle.write("# one more comment\n")
    counter = _Counter(monkeypatch)
    outcomes = _outcomes(generate(specs, out))
    assert counter.calls == [spec.name]
    assert outcomes.pop(spec.name) == "updated"
    assert set(outcomes.values()) == {"unchanged"}


def test_a_touched_script_rebuilds_its_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    first = generate(specs, out)
    [with_script] = [
        r for r in first if r.output and "# Script sha256: " in r.output.read_text()
    ]
    script = next((tmp_path / "specs" / "scripts").glob("*.py"))
    with script.open("a", encoding="utf-8") as handle:
        handle.write("\n# a new last line\n")
    counter = _Counter(monkeypatch)
    outcomes = _outcomes(generate(specs, out))
    name = with_script.spec.rsplit("/", 1)[-1]
    assert counter.calls == [name]
    assert outcomes.pop(name) == "updated"
    assert set(outcomes.values()) == {"unchanged"}
    assert with_script.output is not None
    digest = hashlib.sha256(script.read_bytes()).hexdigest()
    assert f"# Script sha256: {digest}\n" in with_script.output.read_text()
    # A script that is gone is an error again, not a module kept as it was.
    script.unlink()
    (failed,) = [r for r in generate(specs, out) if not r.ok]
    assert failed.spec.endswith(name)


def test_a_changed_template_rebuilds_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    generate(specs, out)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_PATH, templates)
    client = templates / "client.py.j2"
    client.write_text(
        client.read_text(encoding="utf-8") + "{# a comment #}\n", encoding="utf-8"
    )
    monkeypatch.setattr(compiler.incremental, "TEMPLATES_PATH", templates)
    compiler.incremental.fingerprint.cache_clear()
    counter = _Counter(monkeypatch)
    try:
        results = generate(specs, out)
    finally:
        compiler.incremental.fingerprint.cache_clear()
    assert sorted(counter.calls) == sorted(p.name for p in specs)
    assert {r.outcome for r in results} == {"updated"}  # a new hash in each header


def test_the_compiler_fingerprint_is_kept_until_a_file_of_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """The hash of the compiler's files is kept (keyed by their size, time and
    inode) and trusted without reading them; an edit, or a damaged or unwritable
    copy, means hashing again, to the same value as from scratch."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_PATH, templates)
    kept = tmp_path / "kept" / "fingerprint.txt"
    monkeypatch.setattr(compiler.incremental, "TEMPLATES_PATH", templates)
    monkeypatch.setattr(compiler.incremental, "_kept_file", lambda _: str(kept))
    fingerprint = compiler.incremental.fingerprint
    request.addfinalizer(fingerprint.cache_clear)

    def fresh() -> str:
        fingerprint.cache_clear()
        return fingerprint("1.0")

    first = fresh()
    key, value = kept.read_text().split()
    assert value == first and re.fullmatch("[0-9a-f]{64}", key)

    # Kept: the files are not read again (ruff's version is not even asked).
    def asked() -> str:
        raise AssertionError("hashed again")

    real_version = compiler.incremental._ruff_version
    monkeypatch.setattr(compiler.incremental, "_ruff_version", asked)
    assert fresh() == first
    monkeypatch.setattr(compiler.incremental, "_ruff_version", real_version)

    # A template changes: a new hash, the one a run without the kept copy makes.
    client = templates / "client.py.j2"
    client.write_text(client.read_text() + "{# a comment #}\n")
    changed = fresh()
    assert changed != first
    kept.unlink()
    assert fresh() == changed

    # A damaged copy is hashed past and replaced; an unwritable one is only skipped.
    kept.write_text("not a key\n")
    assert fresh() == changed
    assert kept.read_text().split()[1] == changed
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setattr(
        compiler.incremental, "_kept_file", lambda _: str(blocked / "fingerprint.txt")
    )
    assert fresh() == changed


def test_a_new_compiler_version_rebuilds_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    generate(specs, out)
    monkeypatch.setattr(compiler.pipeline, "VERSION", "99.0.0")
    counter = _Counter(monkeypatch)
    results = generate(specs, out)
    assert sorted(counter.calls) == sorted(p.name for p in specs)
    assert {r.outcome for r in results} == {"updated"}
    assert all(
        r.output.read_text().startswith("# Generated by connectorc 99.0.0 ")
        for r in results
        if r.output
    )


def test_a_module_from_another_folder_with_the_same_spec_name_is_not_reused(
    tmp_path: Path,
) -> None:
    """The same spec in two folders makes one module: the second is still a clash."""
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    generate(specs[:1], out)
    other = tmp_path / "other"
    other.mkdir()
    twin = other / specs[0].name
    shutil.copy2(specs[0], twin)
    first, second = generate([specs[0], twin], out)
    assert first.outcome == "unchanged"
    (clash,) = second.diagnostics
    assert "generates" in clash.message and clash.line > 1


def test_pruning_still_removes_stale_modules(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    generate(specs, out, prune=True)
    gone = specs.pop()
    results = generate(specs, out, prune=True)
    removed = [r for r in results if r.outcome == "removed"]
    assert len(removed) == 1 and removed[0].output is not None
    assert not removed[0].output.exists()
    assert {r.outcome for r in results if r.outcome != "removed"} == {"unchanged"}
    assert gone.exists()


def test_cli_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    specs = _copy_specs(tmp_path)
    out = tmp_path / "out"
    arguments = ["generate", "-q", "-o", str(out), *map(str, specs)]
    assert main(arguments) == 0
    counter = _Counter(monkeypatch)
    assert main(arguments) == 0
    assert counter.calls == []
    assert main([*arguments, "--force"]) == 0
    assert len(counter.calls) == len(specs)


def _broken_copies(folder: Path, specs: list[Path]) -> list[Path]:
    """Every third spec made wrong in a different way: a YAML error, an unknown key,
    a name two specs share."""
    first_name = re.search(r"^Name: .*$", specs[0].read_text(), re.MULTILINE)
    assert first_name is not None
    for index, spec in enumerate(specs):
        text = spec.read_text(encoding="utf-8")
        if index % 9 == 2:
            spec.write_text(text.replace("Methods:\n", "Methods:\n - [\n", 1))
        elif index % 9 == 5:
            spec.write_text(
                text.replace("SpecVersion: 1\n", "SpecVersion: 1\nNmae: x\n")
            )
        elif index % 9 == 8:
            spec.write_text(
                re.sub(r"^Name: .*$", first_name[0], text, count=1, flags=re.M)
            )
    return specs


def test_a_large_batch_is_the_same_in_parallel_as_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Output bytes, outcomes and errors (their order too) do not depend on the
    worker processes; and the batch matches compiling each spec on its own."""
    monkeypatch.setattr(compiler.pipeline, "PARALLEL_FROM", 24)
    count = 2 * compiler.pipeline.PARALLEL_FROM + 3
    specs = _broken_copies(tmp_path, write_specs(tmp_path / "specs", count))
    seen: list[tuple[int, int, str]] = []
    parallel = generate(
        specs, tmp_path / "parallel", progress=lambda *step: seen.append(step)
    )
    # Progress goes up by one per spec, in order, while the workers compile.
    assert [(done, total) for done, total, _ in seen] == [
        (n, count) for n in range(1, count + 1)
    ]
    assert [name for _, _, name in seen] == [r.spec for r in parallel]
    monkeypatch.setattr(compiler.pipeline, "PARALLEL_FROM", 10**9)
    serial = generate(specs, tmp_path / "serial")
    assert [(r.spec, r.outcome, r.diagnostics) for r in parallel] == [
        (r.spec, r.outcome, r.diagnostics) for r in serial
    ]
    assert sum(not r.ok for r in parallel) >= count // 3
    for result in parallel:
        if result.output is not None:
            serial_module = tmp_path / "serial" / result.output.name
            assert result.output.read_bytes() == serial_module.read_bytes()
    one = next(r for r in parallel if r.ok and r.output is not None)
    alone = generate([tmp_path / "specs" / Path(one.spec).name], tmp_path / "alone")
    assert alone[0].output is not None and one.output is not None
    assert alone[0].output.read_bytes() == one.output.read_bytes()


@pytest.mark.parametrize("count", [1, 2], ids=["one module (stdin)", "a batch (files)"])
def test_generated_code_that_does_not_parse_is_a_clear_compiler_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    """ruff format refuses it; the message names the spec, not a temporary file,
    whether the module went to ruff alone or in a batch."""
    import compiler.render

    real = compiler.render.render_text

    def broken(connector: object, version: str) -> tuple[str, bool]:
        text, sort = real(connector, version)  # type: ignore[arg-type]
        return text + "\ndef oops(:\n", sort

    monkeypatch.setattr(compiler.render, "render_text", broken)
    with pytest.raises(compiler.render.RenderError) as caught:
        generate(SPEC_FILES[:count], tmp_path / "out")
    message = str(caught.value)
    assert f"generated code for {SPEC_FILES[0].name} does not parse (line" in message
    assert "compiler bug" in message
    assert not (tmp_path / "out").exists()
