"""Field paths: where a value is in a JSON document, parsed once at compile time.

One syntax for every path a spec writes (ItemsPath, CursorPath, NextUrlPath,
HasMorePath, TotalPath, a nested Body TargetName, ...)::

    members                 the key "members" of the top-level object
    data.items              the key "items" of the object at "data"
    data[-1].id             "id" of the last element of the list at "data"
    [0]                     the first element of a top-level list
    ["@odata.nextLink"]     a key with characters a bare name cannot hold (. @ space)
    value[0]["first name"]  the two, mixed

A bare name is letters, digits, ``_``, ``-`` and ``$`` and is not a whole number (a
number is an index: write ``[2]``, or ``["2"]`` for a key named 2). A quoted key is a
JSON string in brackets (``\\"`` and ``\\\\`` escape). Anything else is refused with the
column it is at, so a path never silently means something else: ``@odata.nextLink``
would otherwise be two keys, and ``data.-1.id`` a key named ``-1``.

The result is a tuple of keys (str) and indexes (int) that templates write as a
literal; generated code never splits a path at run time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

__all__ = [
    "PathError",
    "Segment",
    "key_path",
    "parse_path",
    "path_text",
    "session_path",
    "store_key",
    "token_path",
]

Segment = str | int

_NAME = re.compile(r"[\w$-]+")
_INTEGER = re.compile(r"-?[0-9]+")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_PATH_MARKS = re.compile(r'[.\[\]"]')
_SESSION_MARKS = re.compile(r'[\[\]"]')


@dataclass(frozen=True)
class PathError(Exception):
    """A path that cannot be read: ``message`` and ``hint`` about ``text[index]``."""

    message: str
    hint: str
    index: int


def parse_path(text: str) -> tuple[Segment, ...]:
    """The keys and indexes ``text`` names, in order; PathError when it is not a
    path."""
    segments: list[Segment] = []
    position = 0
    if not text:
        raise PathError("the path is empty", "name a field, such as data.items", 0)
    while position < len(text):
        char = text[position]
        if char == "[":
            segment, position = _bracket(text, position)
            segments.append(segment)
        elif char == "." and segments:
            position += 1
            if position >= len(text) or text[position] in ".[":
                raise PathError(
                    "the path has an empty field name",
                    "write field names joined by single dots, such as data.items",
                    position - 1,
                )
            segment, position = _name(text, position)
            segments.append(segment)
        elif not segments:
            segment, position = _name(text, position)
            segments.append(segment)
        else:
            raise PathError(
                f"the path cannot hold {char!r} in a bare field name",
                "join field names with dots, write indexes in brackets and quote a "
                'key that holds other characters, such as data[0]["first name"]',
                position,
            )
    return tuple(segments)


def _name(text: str, position: int) -> tuple[str, int]:
    match = _NAME.match(text, position)
    if match is None:
        rest = text[position:]
        raise PathError(
            f"the path cannot hold {text[position]!r} in a bare field name",
            f"quote a key that holds other characters: [{json.dumps(rest)}]"
            if "[" not in rest
            else 'quote a key that holds other characters, such as ["@odata.count"]',
            position,
        )
    name = match.group()
    if _INTEGER.fullmatch(name):
        raise PathError(
            f"'{name}' in a path is a number, not a field name",
            f'write [{name}] for an item of a list, or ["{name}"] for a key named so',
            position,
        )
    return name, match.end()


def _bracket(text: str, position: int) -> tuple[Segment, int]:
    inner = position + 1
    integer = _INTEGER.match(text, inner)
    quoted = _QUOTED.match(text, inner)
    if integer is not None and text.startswith("]", integer.end()):
        return int(integer.group()), integer.end() + 1
    if quoted is not None and text.startswith("]", quoted.end()):
        try:
            key = json.loads(quoted.group())
        except json.JSONDecodeError:
            raise PathError(
                "the quoted key has a bad escape",
                'escape only \\" and \\\\ (JSON string escapes)',
                inner,
            ) from None
        return str(key), quoted.end() + 1
    raise PathError(
        "a bracket holds neither an index nor a quoted key",
        "write an index such as [0] or [-1], or a quoted key such as "
        '["@odata.nextLink"]',
        position,
    )


def key_path(text: str) -> tuple[str, ...] | None:
    """The keys a JSON Body TargetName nests its value in, when it is written as a
    path of two or more keys (ticket.subject, ["a.b"].c, or one quoted key such as
    ["a.b"]); None when it is one key as written (a name with spaces or quotes stays
    the single key it always was)."""
    if "." not in text and "[" not in text:
        return None
    try:
        segments = parse_path(text)
    except PathError:
        return None
    if any(isinstance(s, int) for s in segments):
        return None
    return tuple(str(s) for s in segments)


def token_path(text: str) -> tuple[Segment, ...]:
    """Where an OAuth 2 TokenResponse field is: parse_path's path, except that a
    non-empty name holding none of ``. [ ] "`` stays the one key it always was (a
    name with ``@`` or a space, or a number such as ``0``), so every spec written
    before these were paths keeps its meaning. A dotted name is a path (``data.token``
    is "token" inside "data"); ``["a.b"]`` is the key a.b."""
    if text and not _PATH_MARKS.search(text):
        try:
            return parse_path(text)
        except PathError:
            return (text,)
    return parse_path(text)


def session_path(text: str) -> tuple[Segment, ...]:
    """Where a Session TokenPath or ExpiresInPath is: parse_path's path, except that a
    value holding none of ``[ ] "`` keeps the meaning it had before these were paths:
    names joined by dots, a whole number picking a list item (``data.0.token`` is
    ``data[0].token``), other characters part of a name (``@token``, ``-1``)."""
    if text and not _SESSION_MARKS.search(text):
        parts = text.split(".")
        if all(parts):
            return tuple(
                int(part) if part.isascii() and part.isdigit() else part
                for part in parts
            )
    return parse_path(text)


def store_key(segments: tuple[Segment, ...]) -> str:
    """The name a value read at ``segments`` is kept under in a token: the key itself
    for one key (as before paths), else the path as written back."""
    if len(segments) == 1 and isinstance(segments[0], str):
        return segments[0]
    return path_text(segments)


def path_text(segments: tuple[Segment, ...]) -> str:
    """The path written back in the spec's syntax (for messages)."""
    parts: list[str] = []
    for segment in segments:
        if isinstance(segment, int):
            parts.append(f"[{segment}]")
        elif _NAME.fullmatch(segment) and not _INTEGER.fullmatch(segment):
            parts.append(f".{segment}" if parts else segment)
        else:
            parts.append(f"[{json.dumps(segment)}]")
    return "".join(parts)
