"""Stage 1: read a spec file into plain data plus the source position of every node."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, SpecError

__all__ = ["JsonPath", "LoadedSpec", "Position", "load_spec", "load_text"]

JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    """1-based line and column of a node in the spec's text."""

    line: int
    column: int


@dataclass(frozen=True)
class LoadedSpec:
    """A spec's data, and where each value (and each mapping key) stands in the file."""

    file: str
    text: str
    data: Any
    values: dict[JsonPath, Position]
    keys: dict[JsonPath, Position]

    def position(self, path: JsonPath, *, key: bool = False) -> Position:
        """Where ``path`` is, or the nearest enclosing node that exists."""
        table = self.keys if key else self.values
        while path:
            if path in table:
                return table[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), Position(1, 1))

    def diagnostic(
        self, path: JsonPath, message: str, hint: str = "", *, key: bool = False
    ) -> Diagnostic:
        """A diagnostic located at ``path`` (at its key when ``key`` is true)."""
        pos = self.position(path, key=key)
        return Diagnostic(
            file=self.file,
            line=pos.line,
            column=pos.column,
            message=message,
            hint=hint,
            json_path=path,
            source_line=source_line(self.text, pos.line),
        )


def source_line(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def load_spec(path: Path, display: str | None = None) -> LoadedSpec:
    """Read and parse the spec at ``path``; ``display`` is the name used in errors."""
    name = display if display is not None else path.as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise SpecError(
            [
                Diagnostic(
                    name, 1, 1, f"cannot read the spec: {reason}", "check the path"
                )
            ]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecError(
            [
                Diagnostic(
                    name,
                    line,
                    column,
                    "the spec is not valid UTF-8",
                    "save it as UTF-8",
                )
            ]
        ) from None
    return load_text(text, name)


def load_text(text: str, file: str) -> LoadedSpec:
    """Parse YAML text, keeping a position for every node; duplicate keys are errors."""
    if text.startswith("\ufeff"):
        text = text[1:]
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SpecError(
                [
                    Diagnostic(
                        file,
                        1,
                        1,
                        "the spec is empty",
                        "start from an example in specs/ (SpecVersion, Name, "
                        "BaseUrl, Authentication, Methods)",
                    )
                ]
            )
        walker = _Walker(loader, file, text)
        data = walker.build(node, ())
    except yaml.MarkedYAMLError as exc:
        raise SpecError([_yaml_error(exc, file, text)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - pyyaml marks all parse errors
        raise SpecError([Diagnostic(file, 1, 1, f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if walker.errors:
        raise SpecError(walker.errors)
    return LoadedSpec(file, text, data, walker.values, walker.keys)


def _yaml_error(exc: yaml.MarkedYAMLError, file: str, text: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or exc.context or "invalid YAML"
    hint = "fix the YAML syntax"
    src = source_line(text, line)
    if "\t" in problem or "'\\t'" in problem or src[: column - 1].strip(" ") == "\t":
        problem = "a tab character in the indentation"
        hint = "YAML indents with spaces only; replace the tab with spaces"
    elif mark is not None and column - 1 < len(src) and src[column - 1] == "\t":
        problem = "a tab character where YAML does not allow one"
        hint = "YAML indents with spaces only; replace the tab with spaces"
    return Diagnostic(
        file, line, column, f"invalid YAML: {problem}", hint, source_line=src
    )


class _Walker:
    """Turns a composed YAML node tree into Python data, recording positions."""

    def __init__(self, loader: yaml.SafeLoader, file: str, text: str) -> None:
        self.loader = loader
        self.file = file
        self.text = text
        self.values: dict[JsonPath, Position] = {}
        self.keys: dict[JsonPath, Position] = {}
        self.errors: list[Diagnostic] = []

    def build(self, node: yaml.Node, path: JsonPath) -> Any:
        self.values[path] = _pos(node)
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    # Keys are names in this language; a number or a null as a key
                    # is always a mistake, and JSON Schema could not say so.
                    self._error(key_node, f"a key must be text, not {key!r}")
                    continue
                if key in result:
                    first = self.keys[(*path, key)]
                    self._error(
                        key_node,
                        f"duplicate key '{key}' (first at line {first.line})",
                        "remove one of the two",
                    )
                    continue
                self.keys[(*path, key)] = _pos(key_node)
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _error(self, node: yaml.Node, message: str, hint: str = "") -> None:
        pos = _pos(node)
        self.errors.append(
            Diagnostic(
                self.file,
                pos.line,
                pos.column,
                message,
                hint,
                source_line=source_line(self.text, pos.line),
            )
        )


def _pos(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)
