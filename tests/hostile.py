"""Hostile YAML shapes, shared by the hypothesis fuzz (tests/test_fuzz.py) and the
long standalone run (``make fuzz``, tests/fuzz.py).

Each shape is YAML text that stands where a value stands in a spec (``Key: <here>``):
what a generator of hostile specs tried and what crashed the compiler before (issue
15): explicit tags with values they cannot take, integers beyond Python's 4,300-digit
limit, YAML 1.1 forms (timestamps, sexagesimal and octal numbers, yes/no), merge keys,
non-ASCII and look-alike names, deep nesting, odd tags, lone surrogates and control
characters written as escapes.
"""

from __future__ import annotations

import re

__all__ = ["HOSTILE_VALUES", "VALUE_SPOT", "deep", "huge_int", "put_value"]


def huge_int(digits: int, hexadecimal: bool = False) -> str:
    return ("0x" + "f" * digits) if hexadecimal else "9" * digits


def deep(levels: int, opener: str = "[") -> str:
    return opener * levels


HOSTILE_VALUES: list[str] = [
    # explicit tags with values they cannot take
    "!!float I",
    '!!int "a:"',
    "!!int ''",
    "!!float ''",
    "!!bool x",
    "!!bool yes",
    "!!null x",
    "!!seq x",
    "!!map x",
    "!!str [a]",
    "!!int [1]",
    "!!binary aGVsbG8=",
    "!!timestamp 2001-12-14",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!python/object:os.system x",
    "!foo bar",
    "! bar",
    "!<tag:example.com,2000:x> y",
    # numbers
    huge_int(4301),
    huge_int(5000),
    huge_int(4001, hexadecimal=True),
    "-" + huge_int(200),
    "1e400",
    "-.inf",
    ".NaN",
    "0o777",
    "0x_1f",
    "0b101",
    "010",
    "1:30",
    "1_000",
    "+.5e-3",
    # YAML 1.1 forms
    "2001-12-14t21:59:43.10-05:00",
    "2024-01-31",
    "yes",
    "Off",
    "=",
    "~",
    # merge keys
    "{<<: *nope}",
    "&m {a: 1}",
    "{<<: 1}",
    "{<<: [1, 2]}",
    "{<<: {Name: x}, Name: y}",
    "[&a x, *a, *a]",
    # names: non-ASCII, look-alikes, combining marks, ligatures
    "ñame",
    "Ñame Ünïcödé",
    "名前",
    "N\u0430me",  # Cyrillic a
    "\uff2e\uff41\uff4d\uff45",  # fullwidth
    "ﬁle",
    "x²",
    "Ⅸ",
    "a\u0301b",
    "İstanbul",
    "ǅemal",
    "\u200bName",
    '"\\u202eName"',
    "_",
    "1name",
    "class",
    "OAuth2",
    "State Mismatch",
    "Token",
    # surrogates and control characters as escapes
    '"\\ud800"',
    '"a\\udfffb"',
    '"\\ud83d\\udc0d"',
    '"\\udc0d\\ud83d"',
    '"https://example.com/\\0"',
    '"x\\0y"',
    '"https://auth.example.com/token\\x01"',
    '"\\e[31m"',
    '"https://[auth.example.com/token"',
    '"https://auth.example.com:99999/token"',
    '"\\x85"',
    '"\\u2028"',
    # nesting
    deep(70),
    deep(2000),
    deep(300, "{a: "),
    "[" * 10 + "]" * 10,
]

# Where a value stands: `Key: value` alone on a line (block), or inside a flow
# mapping `{ Key: value, ... }`.
VALUE_SPOT = re.compile(
    r"(?:^(?P<block>[ ]*(?:- )?[A-Za-z0-9]+: )(?P<line>\S[^\n]*)$)"
    r"|(?P<flow>[{,] ?[A-Za-z0-9]+: )(?P<item>[^,}\n#]+)",
    re.M,
)


def put_value(text: str, spot: int, value: str) -> str:
    """``text`` with the value at its ``spot``-th place (modulo the count) replaced."""
    spots = list(VALUE_SPOT.finditer(text))
    if not spots:
        return text
    found = spots[spot % len(spots)]
    head = found["block"] if found["block"] is not None else found["flow"]
    return text[: found.start()] + head + value + text[found.end() :]
