"""Control characters in spec text: refused everywhere but in prose (issue 15).

A control character in a name, key, default or value is never what an author meant:
it is invisible in an editor, it can make text read differently from what it is
(bidirectional overrides, the "Trojan Source" trick), and it breaks what the text
becomes (a header, a URL, a docstring line). So every text in a spec, and every key,
is refused when it holds one of:

- C0 controls (U+0000-U+001F) and DEL (U+007F);
- C1 controls (U+0080-U+009F), U+0085 (NEXT LINE) among them;
- U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR;
- bidirectional controls: U+202A-U+202E (embeddings and overrides), U+2066-U+2069
  (isolates), U+200E/U+200F (marks) and U+061C (ARABIC LETTER MARK).

Prose may run over several lines: a ``Description`` (anywhere in the spec) and the
``Default`` of a body parameter (a text body field) may hold TAB, LF and CR, and
nothing else of the list above.

One diagnostic per text, however many such characters it holds, naming the first;
it replaces any other diagnostic at the same place (a BaseUrl pattern, a header
check), so one mistake gives one error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .diagnostics import Diagnostic
from .load import JsonPath, LoadedSpec

__all__ = ["control_text_errors", "first_control"]

_ALWAYS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
)
# In a text that may not run over lines, TAB, LF and CR are refused too.
LINE_TEXT = re.compile(f"[{_ALWAYS}\t\n\r]")
PROSE = re.compile(f"[{_ALWAYS}]")

# unicodedata has no names for C0 and C1 controls; these are the ones an author meets.
_NAMES = {
    "\x00": "NUL",
    "\t": "TAB",
    "\n": "LINE FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u061c": "ARABIC LETTER MARK",
}
_BREAKS = frozenset("\t\n\r")


def first_control(text: str, *, prose: bool = False) -> str | None:
    """The first character of ``text`` a spec may not hold there, if any."""
    match = (PROSE if prose else LINE_TEXT).search(text)
    return match.group() if match else None


def _shown(char: str) -> str:
    code = f"U+{ord(char):04X}"
    name = _NAMES.get(char)
    return f"{code} ({name})" if name else code


def _is_prose(spec: LoadedSpec, path: JsonPath) -> bool:
    """Text that may run over lines: a Description, or a body parameter's Default."""
    if not path or path[-1] not in ("Description", "Default"):
        return False
    if path[-1] == "Description":
        return True
    parent: Any = spec.data
    for step in path[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return False
    return (
        len(path) >= 3
        and path[-3] == "Parameters"
        and isinstance(parent, dict)
        and parent.get("TargetType") == "Body"
    )


def _texts(data: Any, path: JsonPath) -> Iterator[tuple[JsonPath, str, bool]]:
    """Every text of ``data``: (path, text, whether it is a key)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield (*path, key), key, True
            yield from _texts(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _texts(item, (*path, index))
    elif isinstance(data, str):
        yield path, data, False


def control_text_errors(spec: LoadedSpec) -> list[Diagnostic]:
    """One diagnostic for each text or key holding a character it may not hold."""
    errors: list[Diagnostic] = []
    for path, text, is_key in _texts(spec.data, ()):
        prose = not is_key and _is_prose(spec, path)
        char = first_control(text, prose=prose)
        if char is None:
            continue
        count = len((PROSE if prose else LINE_TEXT).findall(text))
        what = "this key" if is_key else "the text"
        if not is_key and path and isinstance(path[-1], str):
            what = path[-1]
        more = f", and {count - 1} more" if count > 1 else ""
        if char in _BREAKS:
            hint = (
                "write it on one line: only a Description or a body parameter's "
                "Default may run over several lines"
            )
        else:
            hint = (
                f"remove {'them' if count > 1 else 'it'}: a spec's text may not hold "
                "control characters, which are invisible in an editor"
            )
        errors.append(
            spec.diagnostic(
                path,
                f"{what} holds the control character {_shown(char)}{more}",
                hint,
                key=is_key,
            )
        )
    return errors
