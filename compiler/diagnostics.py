"""Located errors: every problem in a spec is reported as ``file:line:col: message``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import field
from typing import Any

from .records import record

__all__ = [
    "Diagnostic",
    "SpecError",
    "closest",
    "describe",
    "did_you_mean",
    "format_json_path",
]


@record(order=True)
class Diagnostic:
    """One problem in one spec, with where it is and what to do about it.

    ``line`` and ``column`` are 1-based, as editors and ``file:line:col`` links count.
    """

    file: str
    line: int
    column: int
    message: str
    hint: str = ""
    json_path: tuple[str | int, ...] = field(default=(), compare=False)
    source_line: str = field(default="", compare=False)

    @property
    def headline(self) -> str:
        """The one line that tools and people grep for."""
        text = f"{self.file}:{self.line}:{self.column}: {self.message}"
        return f"{text}; {self.hint}" if self.hint else text

    def render(self) -> str:
        """The headline, then the source line with a caret under the column."""
        lines = [self.headline]
        if self.source_line:
            gutter = f"{self.line:>5} | "
            lines.append(f"{gutter}{self.source_line.rstrip()}")
            lines.append(" " * (len(gutter) - 2) + "| " + self._caret_padding() + "^")
        if self.json_path:
            lines.append(f"      at {format_json_path(self.json_path)}")
        return "\n".join(lines)

    def _caret_padding(self) -> str:
        # Tabs are copied, not replaced by a space, so that the caret lands under the
        # column however wide the terminal draws a tab.
        before = self.source_line[: self.column - 1]
        return "".join("\t" if char == "\t" else " " for char in before)


class SpecError(Exception):
    """Raised when a spec cannot be compiled; carries every problem found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(d.headline for d in self.diagnostics))


def format_json_path(path: Iterable[str | int]) -> str:
    """``('Methods', 0, 'Name')`` -> ``$.Methods[0].Name``."""
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, or the empty string when none is close."""
    match = closest(word, choices)
    return f"did you mean '{match}'?" if match else ""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice ``word`` most likely misspells: same letters in another case first."""
    options = sorted(set(choices))
    by_case = {c.lower(): c for c in options}
    if word.lower() in by_case:
        return by_case[word.lower()]
    import difflib  # only a spec with errors asks: a valid compile does without it

    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return matches[0] if matches else None


def describe(value: Any) -> str:
    """A value as an author would name it: ``the number 404``, ``a list``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a value of type {type(value).__name__}"
