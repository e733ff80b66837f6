"""How the command line reports: diagnostics in three formats, and output for people.

``text`` is for people: each diagnostic with its source line and a caret, per-spec
lines, a summary; colour only when the stream is a terminal and ``NO_COLOR`` is unset;
a one-line progress display on a terminal when a batch is large. ``json`` prints one
JSON list of diagnostics on stdout and nothing else there. ``github`` prints workflow
commands (``::error file=...,line=...,col=...,title=...::message``) that GitHub Actions
turns into annotations on the pull request.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, TextIO

from .diagnostics import Diagnostic, format_json_path

__all__ = [
    "FORMATS",
    "PROGRESS_THRESHOLD",
    "Format",
    "Reporter",
    "Verbosity",
    "diagnostic_json",
    "github_command",
    "use_colour",
]

Format = Literal["text", "json", "github"]
FORMATS: tuple[Format, ...] = ("text", "json", "github")
Verbosity = Literal["quiet", "normal", "verbose"]

# A batch at least this large shows a progress line on a terminal.
PROGRESS_THRESHOLD = 20

_RED, _GREEN, _BOLD, _DIM, _RESET = (
    "\x1b[31m",
    "\x1b[32m",
    "\x1b[1m",
    "\x1b[2m",
    "\x1b[0m",
)


def use_colour(stream: TextIO) -> bool:
    """Colour on a terminal only, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, object]:
    """One diagnostic as the ``json`` format prints it."""
    return {
        "file": diagnostic.file,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
        "json_path": format_json_path(diagnostic.json_path)
        if diagnostic.json_path
        else None,
    }


def _escape_data(text: str) -> str:
    # GitHub's workflow-command rules (actions/toolkit, command.ts escapeData).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # Property values also escape the separators ':' and ',' (escapeProperty).
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(diagnostic: Diagnostic) -> str:
    """``::error file=...,line=...,col=...,title=...::message; hint``."""
    properties = ",".join(
        f"{key}={_escape_property(value)}"
        for key, value in (
            ("file", diagnostic.file),
            ("line", str(diagnostic.line)),
            ("col", str(diagnostic.column)),
            ("title", "connectorc: invalid spec"),
        )
    )
    message = diagnostic.message
    if diagnostic.hint:
        message += f"; {diagnostic.hint}"
    return f"::error {properties}::{_escape_data(message)}"


@dataclass
class Reporter:
    """Everything the command line prints, in one of the formats."""

    format: Format = "text"
    verbosity: Verbosity = "normal"
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    collected: list[Diagnostic] = field(default_factory=list)
    _progress_shown: bool = False

    # -- diagnostics -----------------------------------------------------------------

    def diagnostics(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Report one spec's problems (json collects them until ``finish``)."""
        self._clear_progress()
        for diagnostic in diagnostics:
            if self.format == "json":
                self.collected.append(diagnostic)
            elif self.format == "github":
                print(github_command(diagnostic), file=self.out)
            else:
                print(self._text(diagnostic), file=self.err)

    def _text(self, diagnostic: Diagnostic) -> str:
        text = diagnostic.render()
        if not use_colour(self.err):
            return text
        head, _, rest = text.partition("\n")
        where = f"{diagnostic.file}:{diagnostic.line}:{diagnostic.column}:"
        message = head[len(where) :]
        coloured = f"{_BOLD}{where}{_RESET}{_RED}{message}{_RESET}"
        return f"{coloured}\n{_DIM}{rest}{_RESET}" if rest else coloured

    # -- lines for people ------------------------------------------------------------

    def outcome(self, line: str, *, detail: bool = False) -> None:
        """A line about one spec; ``detail`` lines show only with --verbose."""
        if self.verbosity == "quiet" or (detail and self.verbosity != "verbose"):
            return
        self._clear_progress()
        # json keeps stdout for the document; github may print anything on stdout.
        print(line, file=self.err if self.format == "json" else self.out)

    def summary(self, line: str, *, failed: bool, on_stderr: bool = False) -> None:
        """The batch's summary line; in red on a terminal when something failed."""
        if self.verbosity == "quiet":
            return
        self._clear_progress()
        stream = self.err if on_stderr or self.format == "json" else self.out
        if use_colour(stream):
            line = f"{_RED if failed else _GREEN}{line}{_RESET}"
        print(line, file=stream)

    def progress(self, done: int, total: int, name: str) -> None:
        """``[done/total] name`` on one line that rewrites itself, for large batches."""
        if (
            total < PROGRESS_THRESHOLD
            or self.verbosity != "normal"
            or self.format != "text"
            or not self.err.isatty()
        ):
            return
        width = 60
        label = name if len(name) <= width else "..." + name[-(width - 3) :]
        self.err.write(f"\r\x1b[K[{done}/{total}] {label}")
        self.err.flush()
        self._progress_shown = True

    def _clear_progress(self) -> None:
        if self._progress_shown:
            self.err.write("\r\x1b[K")
            self.err.flush()
            self._progress_shown = False

    def finish(self) -> None:
        """Print what the format keeps to the end (the json document)."""
        self._clear_progress()
        if self.format == "json":
            document = [diagnostic_json(d) for d in self.collected]
            print(json.dumps(document, indent=2, ensure_ascii=False), file=self.out)
