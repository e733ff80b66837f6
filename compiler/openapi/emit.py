"""Writing the imported spec as YAML text, with comments where the author should look.

PyYAML's emitter cannot place comments, and the spec is read by people first, so the
text is written here: block mappings and lists, one-line flow mappings for
parameters and response fields, scalars plain when YAML reads them back as the same
string and JSON-quoted otherwise (a JSON string is a YAML double-quoted scalar).
Output depends only on the input: no timestamps, no set iteration.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = ["Block", "Entry", "Flow", "Item", "emit", "plain_data"]

# Plain scalars this writer allows: words, digits, spaces and a few signs, which
# neither a block nor a flow context reads as anything but text.
_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_ ./()+-]*")
_NOT_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Entry:
    """``key: value`` with comment lines above it and an optional one after it."""

    key: str
    value: Any
    comments: list[str] = field(default_factory=list)
    trailing: str = ""


@dataclass
class Block:
    """A block mapping: entries in order."""

    entries: list[Entry] = field(default_factory=list)

    def add(self, key: str, value: Any, *comments: str, trailing: str = "") -> Block:
        self.entries.append(Entry(key, value, list(comments), trailing))
        return self


@dataclass
class Flow:
    """A mapping written on one line: ``{ A: 1, B: x }``."""

    pairs: dict[str, Any]


@dataclass
class Item:
    """A list item with comment lines above it."""

    value: Any
    comments: list[str] = field(default_factory=list)


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return json.dumps(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and _reads_back(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    # JSON leaves some characters raw that YAML does not accept raw (DEL, the C1
    # controls, U+FFFE/U+FFFF) or reads as line breaks (U+0085, U+2028, U+2029).
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted)


def _reads_back(text: str) -> bool:
    try:
        return bool(yaml.load(text, Loader=_Loader) == text)
    except yaml.YAMLError:
        return False


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def _flow(flow: Flow) -> str:
    inner = ", ".join(f"{scalar(k)}: {_inline(v)}" for k, v in flow.pairs.items())
    return "{ " + inner + " }" if inner else "{}"


def _inline(value: Any) -> str:
    if isinstance(value, Flow):
        return _flow(value)
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return scalar(value)


def _lines(block: Block, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for entry in block.entries:
        out.extend(f"{pad}# {_comment(c)}" if c else f"{pad}#" for c in entry.comments)
        after = f"  # {_comment(entry.trailing)}" if entry.trailing else ""
        key = scalar(entry.key)
        value = entry.value
        if isinstance(value, Block):
            out.append(f"{pad}{key}:{after}")
            out.extend(_lines(value, indent + 2))
        elif (
            isinstance(value, list) and value and not all(_is_inline(v) for v in value)
        ):
            out.append(f"{pad}{key}:{after}")
            out.extend(_list(value, indent + 2))
        else:
            out.append(f"{pad}{key}: {_inline(value)}{after}")
    return out


def _is_inline(value: Any) -> bool:
    return not isinstance(value, (Block, Item, Flow, list))


def _list(items: list[Any], indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for item in items:
        value = item
        if isinstance(item, Item):
            out.extend(f"{pad}# {_comment(c)}" for c in item.comments)
            value = item.value
        if isinstance(value, Block):
            inner = _lines(value, indent + 2)
            first = next(
                i for i, line in enumerate(inner) if not line.lstrip().startswith("#")
            )
            out.extend(inner[:first])
            out.append(f"{pad}- {inner[first][indent + 2 :]}")
            out.extend(inner[first + 1 :])
        else:
            out.append(f"{pad}- {_inline(value)}")
    return out


def emit(block: Block, header: list[str]) -> str:
    """The whole text: ``header`` lines (the modeline, comments), then ``block``."""
    return "\n".join([*header, *_lines(block, 0)]) + "\n"


def plain_data(value: Any) -> Any:
    """What YAML reads back from the emitted ``value`` (for the tests)."""
    if isinstance(value, Block):
        return {e.key: plain_data(e.value) for e in value.entries}
    if isinstance(value, Flow):
        return {k: plain_data(v) for k, v in value.pairs.items()}
    if isinstance(value, Item):
        return plain_data(value.value)
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    return value
