"""The command line: ``connectorc validate|generate [SPEC...]``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .diagnostics import SpecError
from .pipeline import VERSION, display_path, generate, validate_spec
from .render import RenderError

__all__ = ["main"]

DEFAULT_SPECS = Path("specs")
DEFAULT_OUTPUT = Path("generated")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 spec errors, 2 usage)."""
    parser = _parser()
    args = parser.parse_args(argv)
    specs, problem = _specs(args.specs)
    if problem:
        print(f"connectorc: {problem}", file=sys.stderr)
        return 2
    try:
        if args.command == "validate":
            return _validate(specs)
        return _generate(specs, args.output, prune=not args.specs)
    except RenderError as exc:
        print(f"connectorc: internal error: {exc}", file=sys.stderr)
        return 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="connectorc",
        description="Compile connector specs (YAML) into standalone Python clients.",
    )
    parser.add_argument("--version", action="version", version=f"connectorc {VERSION}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    spec_help = "spec files (default: every specs/*.yaml)"
    check = commands.add_parser("validate", help="check specs without writing anything")
    check.add_argument("specs", nargs="*", type=Path, metavar="SPEC", help=spec_help)
    build = commands.add_parser("generate", help="compile specs into Python modules")
    build.add_argument("specs", nargs="*", type=Path, metavar="SPEC", help=spec_help)
    build.add_argument(
        "--output",
        "-o",
        type=Path,
        default=DEFAULT_OUTPUT,
        metavar="DIR",
        help="folder for the modules (default: generated/)",
    )
    return parser


def _specs(given: list[Path]) -> tuple[list[Path], str]:
    if given:
        return given, ""
    found = sorted(DEFAULT_SPECS.glob("*.yaml"))
    if not found:
        return [], f"no specs given and none found in {DEFAULT_SPECS}/"
    return found, ""


def _validate(specs: list[Path]) -> int:
    failed = 0
    for path in specs:
        try:
            validate_spec(path, display_path(path))
        except SpecError as exc:
            failed += 1
            _report(exc)
    ok = len(specs) - failed
    print(
        f"{ok} valid, {failed} with errors", file=sys.stderr if failed else sys.stdout
    )
    return 1 if failed else 0


def _generate(specs: list[Path], output: Path, *, prune: bool) -> int:
    started = time.perf_counter()
    results = generate(specs, output, prune=prune)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "removed": 0}
    failed = 0
    for result in results:
        if not result.ok:
            failed += 1
            _report(SpecError(result.diagnostics))
            continue
        assert result.outcome is not None
        counts[result.outcome] += 1
        if result.outcome != "unchanged":
            print(f"{result.outcome} {result.output}")
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    print(f"{summary or 'nothing to do'}, {failed} failed ({elapsed:.2f}s)")
    return 1 if failed else 0


def _report(error: SpecError) -> None:
    for diagnostic in error.diagnostics:
        print(diagnostic.render(), file=sys.stderr)
