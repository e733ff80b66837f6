"""The command line: ``connectorc validate|generate [SPEC...]``, ``new``, ``schema``,
``docs``, ``login``, ``call`` and ``methods``."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .diagnostics import SpecError
from .names import snake_case
from .pipeline import VERSION, display_path, generate, validate_spec
from .report import FORMATS, Reporter, Verbosity
from .resources import SCHEMA_PATH
from .scaffold import AUTH_TYPES, GRANTS, auth_types, starter_path, starter_spec
from .trycli import TRY_COMMANDS, add_try_commands, run_try_command

__all__ = ["main"]

DEFAULT_SPECS = Path("specs")
DEFAULT_OUTPUT = Path("generated")
DEFAULT_DOCS = Path("docs") / "spec-reference.md"


def main(argv: Sequence[str] | None = None, *, exit_fast: bool = False) -> int:
    """Run the command line; returns the exit status (0 ok, 1 spec errors, 2 usage).

    With ``exit_fast`` (the ``connectorc`` command), ``validate`` and ``generate``
    end the process themselves once their output is flushed (see ``_exit_now``).
    """
    parser = _parser()
    args = parser.parse_args(argv)
    status = _run(args)
    if exit_fast and args.command in ("validate", "generate"):
        _exit_now(status)
    return status


def _exit_now(status: int) -> None:
    """End the process with ``status`` without tearing the interpreter down, as
    mypy does: freeing every module and object at exit was ~17 ms of a one-spec
    ``generate``'s ~147 (issue 12). These commands run no one else's code (a spec's
    scripts are read, never run), leave no thread and no file open, and have written
    everything through ``os.replace``; only stdout and stderr need flushing. When
    that fails (a closed pipe), the interpreter's usual exit reports it."""
    import threading

    if threading.active_count() > 1:  # pragma: no cover - nothing starts one
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(status)


def _run(args: argparse.Namespace) -> int:
    if args.command == "new":
        return _new(args.name, args.auth, args.grant, args.output, force=args.force)
    if args.command == "docs":
        return _docs(args.output, check=args.check)
    if args.command in TRY_COMMANDS:
        return run_try_command(args)
    if args.command == "schema":
        return _schema(args.folder / SCHEMA_PATH.name)
    if args.command == "import":
        return _import(args)
    specs, problem = _specs(args.specs)
    if problem:
        print(f"connectorc: {problem}", file=sys.stderr)
        return 2
    verbosity: Verbosity = (
        "quiet" if args.quiet else "verbose" if args.verbose else "normal"
    )
    reporter = Reporter(format=args.format, verbosity=verbosity)
    try:
        if args.command == "validate":
            return _validate(specs, reporter)
        return _generate(
            specs, args.output, reporter, prune=not args.specs, force=args.force
        )
    except Exception as exc:
        # Imported here: the renderer (Jinja) is not needed when nothing is compiled.
        from .render import RenderError

        if not isinstance(exc, RenderError):
            raise
        print(f"connectorc: internal error: {exc}", file=sys.stderr)
        return 3
    finally:
        reporter.finish()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="connectorc",
        description="Compile connector specs (YAML) into standalone Python clients.",
    )
    parser.add_argument("--version", action="version", version=f"connectorc {VERSION}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    spec_help = "spec files (default: every specs/*.yaml)"
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text for people (default); json: a list of diagnostics on stdout; "
        "github: workflow commands that become annotations in GitHub Actions",
    )
    loudness = output.add_mutually_exclusive_group()
    loudness.add_argument(
        "--quiet", "-q", action="store_true", help="print errors only, no summary"
    )
    loudness.add_argument(
        "--verbose", "-v", action="store_true", help="also name every spec that passed"
    )
    check = commands.add_parser(
        "validate", parents=[output], help="check specs without writing anything"
    )
    check.add_argument("specs", nargs="*", type=Path, metavar="SPEC", help=spec_help)
    build = commands.add_parser(
        "generate", parents=[output], help="compile specs into Python modules"
    )
    build.add_argument("specs", nargs="*", type=Path, metavar="SPEC", help=spec_help)
    build.add_argument(
        "--output",
        "-o",
        type=Path,
        default=DEFAULT_OUTPUT,
        metavar="DIR",
        help="folder for the modules (default: generated/)",
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="compile every spec, even those whose module records the same inputs",
    )
    new = commands.add_parser(
        "new", help="write a commented starter spec for an AuthType (or several)"
    )
    new.add_argument("name", metavar="NAME", help="the connector's name, e.g. 'Acme'")
    new.add_argument(
        "--auth",
        type=_auth_argument,
        default="ApiKey",
        metavar="AUTHTYPE[,AUTHTYPE...]",
        help=f"one of {', '.join(AUTH_TYPES)} (default: ApiKey); several joined by "
        "commas, such as OAuth2,ApiKey, make a list of methods the user picks from",
    )
    new.add_argument(
        "--grant",
        choices=GRANTS,
        help="the OAuth2Type, with --auth OAuth2 (default: AuthorisationCode)",
    )
    new.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="where to write it (default: specs/<name>.yaml)",
    )
    new.add_argument(
        "--force", action="store_true", help="overwrite the file if it exists"
    )
    schema_command = commands.add_parser(
        "schema",
        help="write the connector schema beside your specs, for editors' modelines",
    )
    schema_command.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=DEFAULT_SPECS,
        metavar="FOLDER",
        help="where to write connector.schema.json (default: specs/)",
    )
    docs = commands.add_parser(
        "docs", help="write the spec reference (Markdown) from the schema"
    )
    docs.add_argument(
        "--output",
        "-o",
        type=Path,
        default=DEFAULT_DOCS,
        metavar="FILE",
        help="default: docs/spec-reference.md",
    )
    docs.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when the file is not what the schema gives",
    )
    add_try_commands(commands)
    _import_parser(commands)
    return parser


def _docs(output: Path, *, check: bool) -> int:
    # Imported here: a compile needs neither the reference writer nor jsonschema.
    from .docs import reference_markdown
    from .validate import schema

    text = reference_markdown(schema())
    try:
        current = output.read_text(encoding="utf-8")
    except FileNotFoundError:
        current = None
    if check:
        if current == text:
            return 0
        print(
            f"connectorc: {output.as_posix()} is stale; run `make docs` and commit it",
            file=sys.stderr,
        )
        return 1
    if current == text:
        print(f"unchanged {output.as_posix()}")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(text.encode("utf-8"))
    print(f"{'created' if current is None else 'updated'} {output.as_posix()}")
    return 0


def _schema(target: Path) -> int:
    """Write the connector schema to ``target`` unless it is already that."""
    text = SCHEMA_PATH.read_bytes()
    try:
        current: bytes | None = target.read_bytes()
    except FileNotFoundError:
        current = None
    if current == text:
        print(f"unchanged {target.as_posix()}")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text)
    print(f"{'created' if current is None else 'updated'} {target.as_posix()}")
    return 0


def _auth_argument(text: str) -> str:
    """``--auth``: one AuthType, or several that may stand together in a list."""
    try:
        return ",".join(auth_types(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _new(
    name: str, auth: str, grant: str | None, output: Path | None, *, force: bool
) -> int:
    if grant is not None and "OAuth2" not in auth.split(","):
        print("connectorc: --grant goes with --auth OAuth2 only", file=sys.stderr)
        return 2
    if not snake_case(name):
        print(
            f"connectorc: {name!r} has no letters or digits to name a module by",
            file=sys.stderr,
        )
        return 2
    path = output or starter_path(name, DEFAULT_SPECS)
    if path.exists() and not force:
        print(
            f"connectorc: {path.as_posix()} exists; pass --force to overwrite it",
            file=sys.stderr,
        )
        return 2
    # The modeline points at this repository's schema when there is one here; else
    # at a copy beside the spec (connectorc schema), a relative path that still holds
    # when the user's repository is cloned elsewhere (the installed package's copy
    # would not: it lies in one machine's site-packages).
    local = Path("schemas") / SCHEMA_PATH.name
    schema = local if local.is_file() else path.parent / SCHEMA_PATH.name
    if schema != local:
        _schema(schema)
    text = starter_spec(name, auth, grant, spec=path, schema=schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"created {path.as_posix()}")
    # The starter compiles for any AuthType; only the name can make it fail (a name
    # that hides a standard module, say), and the author should hear it now.
    try:
        validate_spec(path, display_path(path))
    except SpecError as exc:
        Reporter().diagnostics(exc.diagnostics)
        return 1
    return 0


def _specs(given: list[Path]) -> tuple[list[Path], str]:
    if given:
        return given, ""
    found = sorted(DEFAULT_SPECS.glob("*.yaml"))
    if not found:
        return [], f"no specs given and none found in {DEFAULT_SPECS}/"
    return found, ""


def _validate(specs: list[Path], reporter: Reporter) -> int:
    started = time.perf_counter()
    failed = 0
    for index, path in enumerate(specs):
        display = display_path(path)
        reporter.progress(index + 1, len(specs), display)
        try:
            validate_spec(path, display)
        except SpecError as exc:
            failed += 1
            reporter.diagnostics(exc.diagnostics)
            continue
        reporter.outcome(f"valid {display}", detail=True)
    ok = len(specs) - failed
    summary = f"{ok} valid, {failed} with errors"
    if reporter.verbosity == "verbose":
        summary += f" ({time.perf_counter() - started:.2f}s)"
    reporter.summary(summary, failed=bool(failed), on_stderr=bool(failed))
    return 1 if failed else 0


def _generate(
    specs: list[Path], output: Path, reporter: Reporter, *, prune: bool, force: bool
) -> int:
    started = time.perf_counter()
    results = generate(
        specs, output, prune=prune, force=force, progress=reporter.progress
    )
    counts = {"created": 0, "updated": 0, "unchanged": 0, "removed": 0}
    failed = 0
    for result in results:
        if not result.ok:
            failed += 1
            reporter.diagnostics(result.diagnostics)
            continue
        assert result.outcome is not None
        counts[result.outcome] += 1
        reporter.outcome(
            f"{result.outcome} {result.output}", detail=result.outcome == "unchanged"
        )
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    reporter.summary(
        f"{summary or 'nothing to do'}, {failed} failed ({elapsed:.2f}s)",
        failed=bool(failed),
    )
    return 1 if failed else 0


# -- connectorc import (issue 14) ------------------------------------------------------


def _import_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "import",
        help="start a spec from an OpenAPI 3.x or Swagger 2.0 document",
        description="Write a connector spec from an OpenAPI 3.0/3.1 or Swagger 2.0 "
        "document (YAML or JSON). What cannot be mapped is listed in comments.",
    )
    parser.add_argument("document", type=Path, metavar="DOCUMENT")
    parser.add_argument("--name", help="the connector's Name (default: info.title)")
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="where to write the spec (default: specs/<name>.yaml)",
    )
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="T",
        help="only operations with this tag (repeatable)",
    )
    parser.add_argument(
        "--operation",
        action="append",
        default=[],
        metavar="ID",
        help="only the operation with this operationId (repeatable)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite the spec if it exists"
    )


def _import(args: argparse.Namespace) -> int:
    from .openapi import import_document, summary

    document: Path = args.document
    if not document.is_file():
        print(f"connectorc: {document.as_posix()}: no such file", file=sys.stderr)
        return 2
    local = Path("schemas") / SCHEMA_PATH.name
    schema = local if local.is_file() else SCHEMA_PATH
    given: Path | None = args.output
    if given is not None and given.exists() and not args.force:
        return _exists(given)
    # Without --output the file is named after the connector, known once imported.
    output = given or DEFAULT_SPECS / "imported.yaml"
    try:
        result = import_document(
            document,
            output,
            schema=schema,
            name=args.name,
            tags=args.tag,
            operations=args.operation,
            display=display_path(document),
        )
    except SpecError as exc:
        Reporter().diagnostics(exc.diagnostics)
        return 1
    if given is None:
        output = starter_path(result.name, DEFAULT_SPECS)
        if output.exists() and not args.force:
            return _exists(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    temp = output.with_name(f".{output.name}.tmp")
    temp.write_text(result.text, encoding="utf-8")
    temp.replace(output)
    print(f"created {output.as_posix()} ({result.methods} methods)")
    left = summary(result.notes)
    if left:
        print("not mapped or to check (see the comments in the spec):", file=sys.stderr)
        for line in left:
            print(f"  {line}", file=sys.stderr)
    return 0


def _exists(output: Path) -> int:
    print(
        f"connectorc: {output.as_posix()} exists; pass --force to overwrite it "
        "(edits made to it would be lost)",
        file=sys.stderr,
    )
    return 2
