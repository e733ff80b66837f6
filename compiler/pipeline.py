"""The stages joined: a spec file in, a module (or located errors) out."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .clashes import name_clashes
from .diagnostics import Diagnostic, SpecError
from .incremental import read_built, unchanged_module
from .records import record
from .write import WriteOutcome, is_generated, write_module

if TYPE_CHECKING:
    from .load import LoadedSpec
    from .model import Connector

# The stages that parse and render (PyYAML, jsonschema, Jinja) are imported when a
# spec is compiled, so a run that finds every module up to date does without them.

__all__ = [
    "VERSION",
    "CompileResult",
    "compile_spec",
    "display_path",
    "generate",
    "validate_spec",
]

VERSION = "0.1.0"


@record()
class CompileResult:
    """What happened to one spec."""

    spec: str
    diagnostics: tuple[Diagnostic, ...] = ()
    output: Path | None = None
    outcome: WriteOutcome | None = None

    @property
    def ok(self) -> bool:
        return not self.diagnostics


INTERNAL_ERROR = "internal error in connectorc"


@contextmanager
def _stage(name: str, path: Path, display: str | None) -> Iterator[None]:
    """Run one stage; any exception but ``SpecError`` becomes a located diagnostic.

    The last line of defence (issue 15): a bug in a stage (a check that meets a
    value it did not expect) is reported like every other problem, at the spec,
    with nothing written, never as a traceback. Each cause found is fixed in its
    stage; the fuzz test fails when this guard fires."""
    from .render import RenderError

    try:
        yield
    except (SpecError, RenderError):
        raise  # RenderError: generated code that does not parse, exit status 3
    except Exception as exc:  # turned into a located error
        file = display if display is not None else path.as_posix()
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise SpecError(
            [
                Diagnostic(
                    file,
                    1,
                    1,
                    f"{INTERNAL_ERROR} while {name}: {type(exc).__name__}"
                    + (f": {detail}" if detail else ""),
                    "this is a bug: please report it with the spec",
                )
            ]
        ) from exc


def validate_spec(path: Path, display: str | None = None) -> Connector:
    """Load, validate and model one spec; raises ``SpecError`` with every problem."""
    spec, connector = _modelled(path, display)
    _checked_text(spec, connector, path, display)
    return connector


def _modelled(path: Path, display: str | None) -> tuple[LoadedSpec, Connector]:
    """The spec loaded, validated and modelled; raises ``SpecError``."""
    from .load import load_spec
    from .model import build_connector
    from .scripts import attach_scripts
    from .validate import validate

    with _stage("reading the spec", path, display):
        spec = load_spec(path, display)
    with _stage("checking the spec", path, display):
        validate(spec)
    with _stage("building the model", path, display):
        connector = attach_scripts(build_connector(spec, path.name), spec, path)
    return spec, connector


def _checked_text(
    spec: LoadedSpec, connector: Connector, path: Path, display: str | None
) -> tuple[str, bool]:
    """The module's text before formatting (see ``render_text``), once no name the
    spec makes clashes with a name the module defines; raises ``SpecError``."""
    from .render import render_text

    with _stage("rendering the module", path, display):
        text, sort_imports = render_text(connector, VERSION)
    with _stage("checking the module's names", path, display):
        clashes = name_clashes(spec, connector, text)
    if clashes:
        raise SpecError(clashes)
    return text, sort_imports


def compile_spec(path: Path, display: str | None = None) -> tuple[Connector, str]:
    """The model and the module text of one spec; raises ``SpecError``."""
    from .render import format_modules

    spec, connector = _modelled(path, display)
    text, sort_imports = _checked_text(spec, connector, path, display)
    return connector, format_modules([(connector.spec_file, text, sort_imports)])[0]


# Below this many specs to compile, worker processes cost more than they save.
PARALLEL_FROM = 24


def generate(
    specs: Sequence[Path],
    output: Path,
    *,
    prune: bool = False,
    force: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[CompileResult]:
    """Compile every spec into ``output``; a spec with errors writes nothing.

    A spec whose module in ``output`` records the hash of the spec's current inputs
    (see ``incremental``) is skipped without being parsed; ``force`` compiles every
    spec. Many specs compile in parallel on every core; results and errors come in
    the order of ``specs`` all the same. With ``prune``, generated modules in
    ``output`` whose spec is not among ``specs`` are removed, so the folder stays in
    step with the specs. ``progress`` is called with (specs done, specs in all,
    spec) as each spec is done.
    """
    displays = [display_path(path) for path in specs]
    finished = 0

    def done(display: str) -> None:
        nonlocal finished
        finished += 1
        if progress is not None:
            progress(finished, len(specs), display)

    built = {} if force else read_built(output)
    skipped: dict[int, Path] = {}
    taken: set[Path] = set()
    for index, path in enumerate(specs):
        module = unchanged_module(path, built, VERSION, taken) if built else None
        if module is not None:
            skipped[index] = module
            taken.add(module)
            done(displays[index])
    todo = [i for i in range(len(specs)) if i not in skipped]
    jobs = [(specs[i], displays[i]) for i in todo]
    compiled = dict(zip(todo, _compile_all(jobs, done), strict=True))
    ready = [i for i in todo if compiled[i].ok]
    texts = dict(
        zip(
            ready,
            _format([compiled[i].formatting for i in ready]),
            strict=True,
        )
    )
    results: list[CompileResult] = []
    modules: dict[str, str] = {}
    for index, path in enumerate(specs):
        display = displays[index]
        if index in skipped:
            module = skipped[index]
            if module.stem not in modules:
                modules[module.stem] = display
                results.append(
                    CompileResult(display, output=module, outcome="unchanged")
                )
                continue
            # Another spec made this module in this run: compile this one to say so.
            compiled[index] = _compile_one(path, display)
        result = compiled[index]
        if not result.ok:
            results.append(CompileResult(display, result.diagnostics))
            continue
        target = output / f"{result.module_name}.py"
        if result.module_name in modules:
            # Located at the Name that makes the clash (the spec loaded again: it is
            # valid, and this is rare).
            from .load import load_spec

            clash = load_spec(path, display).diagnostic(
                ("Name",),
                f"Name {result.name!r} generates {target.name}, as "
                f"{modules[result.module_name]} does",
                "give one of the two specs another Name",
            )
            results.append(CompileResult(display, (clash,)))
            continue
        modules[result.module_name] = display
        try:
            text = texts.get(index) or _format([result.formatting])[0]
            outcome = write_module(target, text)
        except OSError as exc:
            # A full disk or a read-only folder is not the spec's fault, but it is
            # reported the same way: located at the spec, nothing half written.
            failed = Diagnostic(
                display,
                1,
                1,
                f"cannot write {target.as_posix()}: {exc.strerror or exc}",
                "check that the output folder exists and can be written",
            )
            results.append(CompileResult(display, (failed,)))
            continue
        results.append(CompileResult(display, output=target, outcome=outcome))
    if prune and all(result.ok for result in results):
        for stale in sorted(output.glob("*.py")):
            if stale.stem not in modules and is_generated(stale):
                stale.unlink()
                results.append(
                    CompileResult(display_path(stale), output=stale, outcome="removed")
                )
    return results


@record()
class _Compiled:
    """One spec compiled up to formatting (what a worker process sends back)."""

    spec_file: str = ""
    module_name: str = ""
    name: str = ""
    text: str = ""
    sort_imports: bool = False
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.diagnostics

    @property
    def formatting(self) -> tuple[str, str, bool]:
        """What ``format_modules`` takes."""
        return self.spec_file, self.text, self.sort_imports


def _compile_one(path: Path, display: str) -> _Compiled:
    try:
        spec, connector = _modelled(path, display)
        text, sort_imports = _checked_text(spec, connector, path, display)
    except SpecError as exc:
        return _Compiled(diagnostics=tuple(exc.diagnostics))
    return _Compiled(
        connector.spec_file,
        str(connector.module_name),
        connector.name,
        text,
        sort_imports,
    )


def _format(modules: list[tuple[str, str, bool]]) -> list[str]:
    if not modules:
        return []
    from .render import format_modules

    return format_modules(modules)


def _compile_pair(job: tuple[Path, str]) -> _Compiled:
    return _compile_one(*job)


def _compile_all(
    jobs: list[tuple[Path, str]], done: Callable[[str], None]
) -> list[_Compiled]:
    """Each job compiled, in order: in worker processes when there are many.
    ``done`` is called with each job's spec (in order) once it is compiled."""
    workers = min(len(os.sched_getaffinity(0)), len(jobs) // (PARALLEL_FROM // 2))
    results: list[_Compiled] = []
    if len(jobs) < PARALLEL_FROM or workers < 2:
        for job in jobs:
            results.append(_compile_one(*job))
            done(job[1])
        return results
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(jobs) // (workers * 8))
    with ProcessPoolExecutor(workers) as pool:
        for job, result in zip(
            jobs, pool.map(_compile_pair, jobs, chunksize=chunk), strict=True
        ):
            results.append(result)
            done(job[1])
    return results


def display_path(path: Path) -> str:
    """The path as errors show it: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
