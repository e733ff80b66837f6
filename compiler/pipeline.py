"""The stages joined: a spec file in, a module (or located errors) out."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .clashes import name_clashes
from .diagnostics import Diagnostic, SpecError
from .load import LoadedSpec, load_spec
from .model import Connector, build_connector
from .render import RenderError, draft_module, render_module
from .scripts import attach_scripts
from .validate import validate
from .write import WriteOutcome, is_generated, write_module

__all__ = [
    "VERSION",
    "CompileResult",
    "compile_spec",
    "display_path",
    "generate",
    "validate_spec",
]

VERSION = "0.1.0"


@dataclass(frozen=True)
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
    return _modelled(path, display)[1]


def _modelled(path: Path, display: str | None) -> tuple[LoadedSpec, Connector]:
    with _stage("reading the spec", path, display):
        spec = load_spec(path, display)
    with _stage("checking the spec", path, display):
        validate(spec)
    with _stage("building the model", path, display):
        connector = attach_scripts(build_connector(spec, path.name), spec, path)
    with _stage("checking the module's names", path, display):
        clashes = name_clashes(spec, connector, draft_module(connector, VERSION))
    if clashes:
        raise SpecError(clashes)
    return spec, connector


def compile_spec(path: Path, display: str | None = None) -> tuple[Connector, str]:
    """The model and the module text of one spec; raises ``SpecError``."""
    connector = validate_spec(path, display)
    with _stage("rendering the module", path, display):
        return connector, render_module(connector, VERSION)


def generate(
    specs: Sequence[Path],
    output: Path,
    *,
    prune: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[CompileResult]:
    """Compile every spec into ``output``; a spec with errors writes nothing.

    With ``prune``, generated modules in ``output`` whose spec is not among ``specs``
    are removed, so the folder stays in step with the specs. ``progress`` is called
    with (specs started, specs in all, spec) before each spec.
    """
    results: list[CompileResult] = []
    modules: dict[str, str] = {}
    for index, path in enumerate(specs):
        display = display_path(path)
        if progress is not None:
            progress(index + 1, len(specs), display)
        try:
            connector, text = compile_spec(path, display)
        except SpecError as exc:
            results.append(CompileResult(display, tuple(exc.diagnostics)))
            continue
        target = output / f"{connector.module_name}.py"
        if connector.module_name in modules:
            # Located at the Name that makes the clash (the spec loaded again: it is
            # valid, and this is rare).
            clash = load_spec(path, display).diagnostic(
                ("Name",),
                f"Name {connector.name!r} generates {target.name}, as "
                f"{modules[connector.module_name]} does",
                "give one of the two specs another Name",
            )
            results.append(CompileResult(display, (clash,)))
            continue
        modules[connector.module_name] = display
        try:
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


def display_path(path: Path) -> str:
    """The path as errors show it: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
