"""The spec reference (docs/spec-reference.md), generated from the JSON Schema.

Everything in the reference comes from the schema that validates specs, so the two
cannot drift apart: `make docs` rewrites the file, and a test fails when the committed
one differs. The walk is generic: a key added to the schema (a new top-level key, a
new ``$defs`` object, a new AuthType branch) shows up without a change here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["reference_markdown"]

Schema = Mapping[str, Any]

TYPE_WORDS = {
    "string": "text",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "null": "null",
}

HEADER = """\
<!-- Generated from schemas/connector.schema.json by `make docs` (connectorc docs);
     do not edit by hand. -->
# Spec reference
"""


def reference_markdown(schema: Schema) -> str:
    """The whole reference, as Markdown text ending in one newline."""
    lines = [HEADER]
    lines.append(_text(schema.get("description", "")))
    lines.append("")
    lines.append(
        "Every spec opens with the modeline that lets editors validate it: "
        "`# yaml-language-server: $schema=../schemas/connector.schema.json`."
    )
    lines.append("")
    lines += _object("Top level", schema, schema, level=2)
    defs = schema.get("$defs", {})
    for name, definition in defs.items():
        if isinstance(definition, dict) and _has_keys(definition):
            lines += _object(name, definition, schema, level=2)
    values = [
        (name, d)
        for name, d in defs.items()
        if isinstance(d, dict) and not _has_keys(d)
    ]
    if values:
        lines += ["## Value types", ""]
        for name, definition in values:
            lines += [f"### {name}", "", _text(_describe(definition))]
            lines.append("")
            kind = _type_of(definition, schema, link=False)
            if kind:
                lines += [f"Type: {kind}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _has_keys(schema: Schema) -> bool:
    return bool(schema.get("properties")) or any(
        isinstance(branch, dict) and isinstance(branch.get("then"), dict)
        for branch in schema.get("allOf", [])
    )


def _object(title: str, node: Schema, root: Schema, *, level: int) -> list[str]:
    hashes = "#" * level
    lines = [f"{hashes} {title}", ""]
    if title != "Top level" and node.get("description"):
        lines += [_text(_describe(node)), ""]
    properties = node.get("properties", {})
    required = set(node.get("required", []))
    forbidden = [k for k, v in properties.items() if _is_forbidden(v, root)]
    allowed = {k: v for k, v in properties.items() if k not in forbidden}
    if allowed:
        lines += _table(allowed, required, root)
    if forbidden:
        names = ", ".join(f"`{k}`" for k in forbidden)
        lines += [
            f"Never written in a spec (supplied at run time instead): {names}.",
            "",
        ]
    for condition, then in _branches(node):
        lines += [f"{hashes}# {condition}", ""]
        if then.get("description"):
            lines += [_text(_describe(then)), ""]
        then_required = set(then.get("required", []))
        if then_required:
            keys = ", ".join(f"`{k}`" for k in sorted(then_required))
            lines += [f"Required: {keys}.", ""]
        if then.get("properties"):
            lines += _table(then["properties"], then_required, root)
        for sub_condition, sub_then in _branches(then):
            needs = ", ".join(f"`{k}`" for k in sub_then.get("required", []))
            if needs:
                lines += [f"With {sub_condition}: {needs} required.", ""]
        lines += _nested(then.get("properties", {}), root, level + 2)
    lines += _nested(allowed, root, level + 1)
    return lines


def _nested(properties: Schema, root: Schema, level: int) -> list[str]:
    """Sections for inline objects with keys of their own (such as TokenResponse)."""
    lines: list[str] = []
    for key, value in properties.items():
        if isinstance(value, dict) and "$ref" not in value and value.get("properties"):
            lines += _object(key, value, root, level=min(level, 6))
    return lines


def _branches(node: Schema) -> Iterator[tuple[str, Schema]]:
    """``(AuthType: ApiKey, then-schema)`` for each if/then branch on a constant."""
    for branch in node.get("allOf", []):
        if not isinstance(branch, dict) or not isinstance(branch.get("then"), dict):
            continue
        if "not" in branch.get("if", {}):
            continue  # the fallback for an unknown AuthType: no keys of its own
        condition = branch.get("if", {}).get("properties", {})
        words = [
            f"{key}: {value['const']}"
            for key, value in condition.items()
            if isinstance(value, dict) and "const" in value
        ]
        yield " and ".join(words) or "Conditional keys", branch["then"]


def _table(properties: Schema, required: set[str], root: Schema) -> list[str]:
    lines = [
        "| Key | Required | Type | Description | Example |",
        "|---|---|---|---|---|",
    ]
    for key, value in properties.items():
        if not isinstance(value, dict):
            continue
        description = _describe(value) or _describe(_resolve(value, root))
        default = value.get("default")
        if default is not None and "Default" not in description:
            description += f" Default {_code(default)}."
        examples = value.get("examples") or _resolve(value, root).get("examples") or []
        cells = [
            f"`{key}`",
            "yes" if key in required else "",
            _type_of(value, root, link=True),
            description,
            _code(examples[0]) if examples else "",
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines.append("")
    return lines


def _describe(node: Schema) -> str:
    """The Markdown description when it fits a table cell, else the plain one."""
    markdown = str(node.get("markdownDescription", ""))
    if markdown and "\n" not in markdown:
        return markdown
    return str(node.get("description", ""))


def _resolve(node: Schema, root: Schema) -> Schema:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        found = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {})
        return found if isinstance(found, dict) else {}
    return {}


def _is_forbidden(node: Any, root: Schema) -> bool:
    if not isinstance(node, dict):
        return False
    target = _resolve(node, root) if "$ref" in node else node
    return target.get("not") == {} or target.get("enum") == []


def _type_of(node: Schema, root: Schema, *, link: bool) -> str:
    then, otherwise = node.get("then"), node.get("else")
    if isinstance(then, dict) and isinstance(otherwise, dict):
        # A value of two shapes (Authentication: one block, or a list of them).
        first = _type_of(otherwise, root, link=link)
        return f"{first}, or {_type_of(then, root, link=link)}"
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.removeprefix("#/$defs/")
        return f"[{name}](#{name.lower()})" if link else name
    if "const" in node:
        return _code(node["const"])
    if "enum" in node:
        return "one of " + ", ".join(_code(v) for v in node["enum"])
    kind = node.get("type")
    if kind == "array":
        items = node.get("items", {})
        inner = _type_of(items, root, link=link) if isinstance(items, dict) else ""
        return f"list of {inner}" if inner else "list"
    if kind == "object":
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and extra.get("type"):
            return f"mapping to {_type_of(extra, root, link=link)}"
        return "mapping"
    if isinstance(kind, str):
        return TYPE_WORDS.get(kind, kind)
    if isinstance(kind, list):  # a value of several kinds: Claims, a method's Headers
        return " or ".join(TYPE_WORDS.get(str(k), str(k)) for k in kind)
    return ""


def _code(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"`{text}`" if "`" not in text else text


def _text(text: str) -> str:
    return text.strip()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")
