"""Stage 1: read a spec file into plain data plus the source position of every node."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, SpecError, describe
from .records import record

__all__ = [
    "FAST_LOADER",
    "JsonPath",
    "LoadedSpec",
    "Position",
    "SpecLoader",
    "load_spec",
    "load_text",
    "load_text_with",
]

JsonPath = tuple[str | int, ...]


@record()
class Position:
    """1-based line and column of a node in the spec's text."""

    line: int
    column: int


@record()
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
        self,
        path: JsonPath,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        span: tuple[str, int] | None = None,
    ) -> Diagnostic:
        """A diagnostic located at ``path`` (at its key when ``key`` is true).

        ``span`` is ``(value, index)``: the column moves to ``index`` in the value's
        text, such as a ``{{Field}}`` in an EndPoint, when the value stands on one
        line as it is written.
        """
        pos = self.position(path, key=key)
        if span is not None:
            pos = _column_in(*span, self.text, pos)
        return Diagnostic(
            file=self.file,
            line=pos.line,
            column=pos.column,
            message=message,
            hint=hint,
            json_path=path,
            source_line=source_line(self.text, pos.line),
        )


def _column_in(value: str, index: int, text: str, start: Position) -> Position:
    """The column of ``value[index]`` in the source, if ``value`` is written as it
    is on its first line (plain, or quoted without escapes), else ``start``."""
    found = source_line(text, start.line).find(value, start.column - 1)
    return Position(start.line, found + index + 1) if found >= 0 else start


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
        raise SpecError([_not_utf8(exc, raw, name)]) from None
    return load_text(text, name)


def _not_utf8(exc: UnicodeDecodeError, raw: bytes, file: str) -> Diagnostic:
    line_start = raw.rfind(b"\n", 0, exc.start) + 1
    line_end = raw.find(b"\n", exc.start)
    text_before = raw[line_start : exc.start].decode("utf-8", "replace")
    shown = raw[line_start : line_end if line_end >= 0 else len(raw)]
    return Diagnostic(
        file,
        raw[: exc.start].count(b"\n") + 1,
        len(text_before) + 1,
        f"the spec is not valid UTF-8 (byte 0x{raw[exc.start]:02X})",
        "save the file as UTF-8",
        source_line=shown.decode("utf-8", "replace"),
    )


EMPTY_HINT = (
    "start from an example in specs/ (SpecVersion, Name, BaseUrl, Authentication, "
    "Methods)"
)
# A real spec has a few thousand nodes; aliases can multiply a small file into
# billions (the "billion laughs"), so expansion stops well before that hurts.
MAX_NODES = 100_000
CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map")
)


# Bounds that keep compile time proportional to an ordinary spec (issue 15): PyYAML's
# pure-Python scanner does work quadratic in the nesting depth, and a file of a few
# megabytes takes seconds to read. The largest example spec is about 10 KB and nests
# 7 levels deep.
MAX_SPEC_CHARS = 2_000_000
MAX_DEPTH = 64
# Python refuses to turn an integer of more than 4,300 digits into text, and no spec
# needs a number of even 100: longer ones are refused where they are written.
MAX_NUMBER_DIGITS = 100


class BadScalar(yaml.MarkedYAMLError):
    """A value its tag cannot take (``!!int a``), or a number too long to hold."""

    def __init__(self, node: yaml.Node, message: str, hint: str) -> None:
        super().__init__(problem=message, problem_mark=node.start_mark)
        self.message = message
        self.hint = hint


class TooDeep(yaml.MarkedYAMLError):
    """Nesting beyond ``MAX_DEPTH``, found by the scanner before it gets slow."""


# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1023-core-schema), the one
# table of how a plain (unquoted) value is read, as editors (yaml-language-server) and
# the spec reference read it: `010` is 10, `0o10` is 8, `1:30`, `1_000`, `yes`, `on`,
# `2024-01-31` and `=` are text. Each entry: the tag, the pattern a plain value must
# match in full, the characters such a value can start with (PyYAML's index), and the
# constructor, which also checks an explicitly tagged value (`!!int a` is an error,
# not a traceback). The order matters: `10` is an int before it is a float. A loader
# class gets the table from `use_core_schema`, so a faster loader class (libyaml's
# CSafeLoader) can take the same resolvers and constructors.
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")


def _scalar_text(loader: yaml.SafeLoader, node: yaml.Node, kind: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise BadScalar(
            node,
            f"the tag '!!{kind}' is on a list or a mapping",
            "remove the tag",
        )
    return str(loader.construct_scalar(node))


def _digits(node: yaml.Node, text: str) -> None:
    if sum(char.isalnum() for char in text) > MAX_NUMBER_DIGITS:
        raise BadScalar(
            node,
            f"a number of {len(text)} characters, more than a spec can hold",
            f"write at most {MAX_NUMBER_DIGITS} digits, or quote it to make it text",
        )


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    text = _scalar_text(loader, node, "int")
    if not _INT.fullmatch(text):
        raise BadScalar(
            node,
            f"{text!r} is not a whole number",
            "write digits (or 0x.. / 0o..), or remove the !!int tag",
        )
    _digits(node, text)
    if text.startswith(("0x", "0o")):
        return int(text[2:], 16 if text[1] == "x" else 8)
    return int(text, 10)


def _construct_float(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    text = _scalar_text(loader, node, "float")
    if not (_FLOAT.fullmatch(text) or _INT.fullmatch(text)):
        raise BadScalar(
            node,
            f"{text!r} is not a number",
            "write a number such as 1.5, or remove the !!float tag",
        )
    _digits(node, text)
    lowered = text.lower()
    if lowered.endswith((".inf", ".nan")):
        return float(lowered.replace(".", ""))
    if lowered.startswith(("0x", "0o")):
        return float(_construct_int(loader, node))
    return float(text)


def _construct_bool(loader: yaml.SafeLoader, node: yaml.Node) -> bool:
    text = _scalar_text(loader, node, "bool")
    if not _BOOL.fullmatch(text):
        raise BadScalar(node, f"{text!r} is not true or false", "write true or false")
    return text.lower() == "true"


def _construct_null(loader: yaml.SafeLoader, node: yaml.Node) -> None:
    text = _scalar_text(loader, node, "null")
    if not _NULL.fullmatch(text):
        raise BadScalar(
            node, f"{text!r} is not null", "write null, or remove the !!null tag"
        )


CORE_SCHEMA: tuple[tuple[str, re.Pattern[str], str, Any], ...] = (
    ("null", _NULL, "~nN", _construct_null),
    ("bool", _BOOL, "tTfF", _construct_bool),
    ("int", _INT, "-+0123456789", _construct_int),
    ("float", _FLOAT, "-+.0123456789", _construct_float),
)


def use_core_schema(loader: type[yaml.SafeLoader]) -> None:
    """Give ``loader`` the YAML 1.2 core schema of ``CORE_SCHEMA``, and merge keys.

    Merge keys (``<<: *defaults``) are not in the core schema; PyYAML and editors
    both read them, and specs use them to share parameters."""
    loader.yaml_implicit_resolvers = {}
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"]
    )
    for kind, pattern, first, construct in CORE_SCHEMA:
        tag = f"tag:yaml.org,2002:{kind}"
        whole = re.compile(f"^(?:{pattern.pattern})$")
        starts: list[str | None] = list(first)
        if kind == "null":
            starts.append("")  # an empty plain value is null
        loader.add_implicit_resolver(tag, whole, starts)
        loader.add_constructor(tag, construct)


class SpecLoader(yaml.SafeLoader):
    """PyYAML's safe loader, reading plain values as YAML 1.2 (and editors) do.

    PyYAML follows YAML 1.1, where ``yes``, ``no``, ``on`` and ``off`` are booleans,
    ``010`` is 8, ``1:30`` is 90, ``2024-01-31`` is a date and ``=`` a special value.
    yaml-language-server, which checks specs in editors through the modeline, reads
    them as YAML 1.2 core; the compiler must agree with it, or ``Values: [010, 011]``
    would be two different lists in the editor and here.

    The scanner also refuses nesting deeper than ``MAX_DEPTH`` as it meets it: beyond
    that, PyYAML's work grows with the square of the depth."""

    def fetch_flow_collection_start(self, token_class: Any) -> None:
        self._check_depth()
        super().fetch_flow_collection_start(token_class)

    def add_indent(self, column: int) -> bool:
        added: bool = super().add_indent(column)
        if added:
            self._check_depth()
        return added

    def _check_depth(self) -> None:
        depth: int = self.flow_level + len(self.indents)
        if depth >= MAX_DEPTH:
            raise TooDeep(
                problem=f"the spec nests more than {MAX_DEPTH} levels deep",
                problem_mark=self.get_mark(),
            )


use_core_schema(SpecLoader)


def _with_libyaml(loader: type[SpecLoader]) -> type[SpecLoader] | None:
    """``loader`` reading through libyaml's parser, or None without libyaml.

    Only the parser changes: the resolvers and constructors are ``loader``'s own
    (inherited), so both read every value alike, and libyaml's marks count
    characters as PyYAML's do, so positions agree too (tests/test_load_speed.py
    compares the two on every spec of the corpus)."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        return None
    # The loader's constructor and resolver classes (not the loader, which is both).
    parts = [c for c in loader.__mro__ if not issubclass(c, yaml.reader.Reader)]
    constructor = next(
        c for c in parts if issubclass(c, yaml.constructor.BaseConstructor)
    )
    resolver = next(c for c in parts if issubclass(c, yaml.resolver.BaseResolver))

    class LibyamlSpecLoader(CParser, loader):  # type: ignore[misc,valid-type]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            constructor.__init__(self)
            resolver.__init__(self)

    return LibyamlSpecLoader


# PyYAML's C parser is about five times as fast as its Python one. It words syntax
# errors its own way, so a spec it cannot read is read again by the Python parser,
# whose errors the messages below explain. It accepts some tabs and explicit keys
# ('? ') that PyYAML refuses, so text with either goes to the Python parser straight
# away (test_load_speed.py fuzzes both parsers to find such differences).
FAST_LOADER = _with_libyaml(SpecLoader)
_PYTHON_ONLY = re.compile(r"\t|\ufeff|\?(?:[ \r\n]|$)")


def load_text(text: str, file: str) -> LoadedSpec:
    """Parse YAML text, keeping a position for every node; duplicate keys are errors."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if len(text) > MAX_SPEC_CHARS:
        raise SpecError(
            [
                Diagnostic(
                    file,
                    1,
                    1,
                    f"the spec has {len(text):,} characters, more than the "
                    f"{MAX_SPEC_CHARS:,} a spec may have",
                    "split the API into several specs",
                )
            ]
        )
    if FAST_LOADER is not None and not _PYTHON_ONLY.search(text):
        try:
            return load_text_with(FAST_LOADER, text, file)
        except Exception:  # the Python parser says what is wrong
            pass
    return load_text_with(SpecLoader, text, file)


def load_text_with(loader_class: type[SpecLoader], text: str, file: str) -> LoadedSpec:
    """``load_text`` with one given loader (``text`` without a byte-order mark)."""
    try:
        # The reader checks every character when it is built, so this can fail too.
        loader = loader_class(text)
    except yaml.reader.ReaderError as exc:
        raise SpecError([_reader_error(exc, file, text)]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise SpecError([Diagnostic(file, 1, 1, "the spec is empty", EMPTY_HINT)])
        walker = _Walker(loader, file, text)
        data = walker.build(node, ())
    except TooDeep as exc:
        at = _mark(exc.problem_mark) or Position(1, 1)
        raise SpecError(
            [
                Diagnostic(
                    file,
                    at.line,
                    at.column,
                    str(exc.problem),
                    "flatten it: a spec needs only a few levels",
                    source_line=source_line(text, at.line),
                )
            ]
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise SpecError([_yaml_error(exc, file, text)]) from None
    except RecursionError:
        raise SpecError(
            [Diagnostic(file, 1, 1, "the spec nests too deeply", "flatten it")]
        ) from None
    finally:
        loader.dispose()
    if walker.errors:
        raise SpecError(walker.errors)
    return LoadedSpec(file, text, data, walker.values, walker.keys)


def _reader_error(exc: yaml.reader.ReaderError, file: str, text: str) -> Diagnostic:
    line = text.count("\n", 0, exc.position) + 1
    column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
    code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "?"
    return Diagnostic(
        file,
        line,
        column,
        f"invalid YAML: a control character ({code}) that YAML does not allow",
        "remove it, or write it as an escape such as \\x07 inside double quotes",
        source_line=source_line(text, line),
    )


def _yaml_error(exc: yaml.MarkedYAMLError, file: str, text: str) -> Diagnostic:
    at, message, hint = _explain(exc, text)
    return Diagnostic(
        file,
        at.line,
        at.column,
        f"invalid YAML: {message}",
        hint,
        source_line=source_line(text, at.line),
    )


def _explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[Position, str, str]:
    """Where a PyYAML error is, and what it means in an author's words.

    PyYAML words its errors for the parser's author ("expected <block end>"); these
    are the mistakes people make in specs, each pointed at the place to fix."""
    problem, context = exc.problem or "", exc.context or ""
    at = _mark(exc.problem_mark) or _mark(exc.context_mark) or Position(1, 1)
    opened = _mark(exc.context_mark) or at
    if "'\\t'" in problem:
        return at, *_tab(source_line(text, at.line), at)
    unclosed = _unclosed(problem, context, at)
    if unclosed is not None:
        return opened, *unclosed
    return at, *_misread(problem, context, opened)


def _unclosed(problem: str, context: str, at: Position) -> tuple[str, str] | None:
    """Errors found far from their cause, which is where something was opened."""
    if "quoted scalar" in context and "end of stream" in problem:
        return "a quoted value that is never closed", "add the closing quote"
    if "flow sequence" in context or "flow mapping" in context:
        pair = "[]" if "sequence" in context else "{}"
        return (
            f"the '{pair[0]}' here is not closed before line {at.line}, column "
            f"{at.column}",
            f"close it with '{pair[1]}' and separate items with commas, or quote the "
            "value if the brackets are text",
        )
    if "could not find expected ':'" in problem:
        return (
            "a line that is neither 'Key: value' nor '- item'",
            "add the ':' after the key, or indent the line if it continues the value "
            "above",
        )
    return None


def _misread(problem: str, context: str, opened: Position) -> tuple[str, str]:
    """Errors found where they are: what YAML read there instead of a value."""
    found = problem.rsplit("but found ", 1)[-1]
    if problem.startswith("expected <block end>"):
        return _misplaced(found)
    if problem == "mapping values are not allowed here":
        return (
            "a ': ' where no key can start",
            "quote the value if the ': ' is part of it, or check the indentation",
        )
    if problem == "sequence entries are not allowed here":
        return (
            "a list item ('- ') on the line of its key",
            "start the list on the next line, indented, or quote the value if the "
            "'-' is text",
        )
    if problem.startswith("expected the node content"):
        if found == "'<stream end>'":
            return "the file ends where a value was expected", "finish the value"
        return (
            f"a {found} where a value was expected",
            f"quote the value if the {found} is text",
        )
    if "anchor" in context or "alias" in context:
        sign = "&" if "anchor" in context else "*"
        return (
            f"a '{sign}' with no name after it",
            f"quote the value if the '{sign}' is text",
        )
    if "block scalar" in context:
        return (
            "text after the '|' or '>' that starts a block of text",
            "put the text on the lines below, or quote the value if it starts with "
            "'|' or '>'",
        )
    if problem.startswith("found undefined alias"):
        name = problem.split("'")[1]
        return (
            f"'*{name}' refers to no anchor",
            f"define '&{name}' before it, or quote the value if the '*' is text",
        )
    if "another document" in problem or "<document start>" in problem:
        return (
            "a second document in the file",
            "a spec is one YAML document: remove the '---' or '...' and what follows",
        )
    if "unknown escape character" in problem:
        return (
            f"an unknown escape in a double-quoted value ({problem.split()[-1]})",
            "write \\\\ for a backslash, or use single quotes",
        )
    if "that cannot start any token" in problem:
        return f"a value cannot start with {problem.split()[2]}", "quote the value"
    where = f" ({context} at line {opened.line})" if context else ""
    return f"{problem or context}{where}", "fix the YAML syntax"


def _tab(src: str, at: Position) -> tuple[str, str]:
    if src[: at.column - 1].strip(" \t"):
        return "a tab character where YAML does not allow one", "use spaces instead"
    return (
        "a tab character in the indentation",
        "replace the tab with spaces: YAML indents with spaces only",
    )


def _misplaced(found: str) -> tuple[str, str]:
    """The ``expected <block end>`` family: something where a key should be."""
    if found == "'-'":
        return (
            "a list item ('- ') where a key was expected",
            "put the list under its key (such as Methods:), its items indented alike",
        )
    if found == "'<scalar>'":
        return (
            "more text after a quoted or bracketed value",
            "quote the whole value: a value that starts with a quote, '[' or '{' "
            "ends where it closes",
        )
    return (
        "this line is not indented like the keys around it",
        "indent the keys of one mapping by the same number of spaces",
    )


def _mark(mark: yaml.Mark | None) -> Position | None:
    return Position(mark.line + 1, mark.column + 1) if mark is not None else None


class _EmptyScalar(Exception):
    """The fast loader met what it may not read as the Python loader does (an empty
    value, whose position it may not agree on; nesting near ``MAX_DEPTH``, which only
    the Python scanner refuses): the spec is read again by the Python loader."""


class _Walker:
    """Turns a composed YAML node tree into Python data, recording positions."""

    def __init__(self, loader: yaml.SafeLoader, file: str, text: str) -> None:
        self.loader = loader
        self.file = file
        self.text = text
        self.values: dict[JsonPath, Position] = {}
        self.keys: dict[JsonPath, Position] = {}
        self.errors: list[Diagnostic] = []
        self.count = 0
        # Nodes being built: meeting one again means an alias refers to itself.
        self.open: set[int] = set()
        # Nodes built so far: meeting one again means an alias (or a merge) repeats
        # it, which the message about too many values then says.
        self.built: set[int] = set()
        self.repeats = False
        # libyaml places some empty values (`Key:` with nothing after it) a column
        # away from where PyYAML does: the fast loader gives such a spec up.
        self.unsure_of_empty = type(loader) is FAST_LOADER

    def build(self, node: yaml.Node, path: JsonPath) -> Any:
        if self.unsure_of_empty and len(path) >= MAX_DEPTH - 2:
            raise _EmptyScalar
        self.values[path] = _pos(node)
        self.count += 1
        if id(node) in self.built:
            self.repeats = True
        else:
            self.built.add(id(node))
        if self.count > MAX_NODES:
            raise SpecError([self._too_many(node)])
        if id(node) in self.open:
            raise SpecError(
                [
                    self._diagnostic(
                        node,
                        "this anchored value contains an alias to itself",
                        "an alias (*name) cannot stand inside the value its anchor "
                        "(&name) marks",
                    )
                ]
            )
        if node.tag not in CORE_TAGS:
            self._error(node, *_tag_error(node.tag))
            return None
        if node.tag != KIND_TAGS.get(type(node), node.tag) and not isinstance(
            node, yaml.ScalarNode
        ):
            self._error(node, *_kind_error(node))
            return None
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [
                    self.build(item, (*path, i)) for i, item in enumerate(node.value)
                ]
            assert isinstance(node, yaml.ScalarNode)
            if self.unsure_of_empty and not node.value and not node.style:
                raise _EmptyScalar
            value = self.scalar(node)
            return None if value is _REFUSED else value
        finally:
            self.open.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: JsonPath) -> dict[str, Any]:
        # Keys written in this mapping must be unique; keys merged in with '<<' are
        # defaults that a written key overrides, as YAML defines merges.
        written = {id(key) for key, _ in node.value}
        self.loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        first: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, node)
            if key is None:
                continue
            if id(key_node) in written:
                if key in first:
                    line = _pos(first[key]).line
                    self._error(
                        key_node,
                        f"duplicate key '{key}' (first at line {line})",
                        "remove one of the two",
                    )
                    continue
                first[key] = key_node
            self.keys[(*path, key)] = _pos(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result

    def key(self, key_node: yaml.Node, mapping: yaml.MappingNode) -> str | None:
        """The key's text, or None after recording why it cannot be a key."""
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag in CORE_TAGS:
            key = self.scalar(key_node)
            if key is _REFUSED:
                return None
            if isinstance(key, str):
                return key
            self._error(
                key_node,
                f"a key must be text, not {describe(key)}",
                "write a name such as Description, or quote the key if it is text",
            )
        elif key_node.tag not in CORE_TAGS:
            self._error(key_node, *_tag_error(key_node.tag))
        elif self.text[mapping.start_mark.index :].startswith("{{"):
            # `Default: {{Id}}` reads as a mapping whose key is a mapping.
            written = self.text[mapping.start_mark.index : mapping.end_mark.index]
            self._error(
                mapping,
                "a value that starts with '{{' is read as a YAML mapping",
                f"quote the value: '{written}'",
            )
        else:
            self._error(
                key_node,
                "a key must be text, not a list or a mapping",
                "write keys as names such as Description",
            )
        return None

    def scalar(self, node: yaml.Node) -> Any:
        """The value of a scalar node; ``_REFUSED`` after recording why it has none.

        A tag on a value that cannot take it, a number too long, and text that no
        file can hold (a lone UTF-16 surrogate such as "\\ud800") are located
        errors here. A surrogate pair written as two escapes, as JSON writes an emoji
        ("\\ud83d\\udc0d"), is the one character it stands for."""
        if node.tag in COLLECTION_TAGS:
            self._error(node, *_kind_error(node))
            return _REFUSED
        try:
            value = self.loader.construct_object(node, deep=True)
        except BadScalar as exc:
            self._error(node, exc.message, exc.hint)
            return _REFUSED
        if isinstance(value, str) and (lone := SURROGATE.search(value)):
            try:
                return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
            except UnicodeDecodeError:
                self._error(
                    node,
                    f"the text holds a lone UTF-16 surrogate "
                    f"(U+{ord(lone.group()):04X}), which is not a character",
                    "write the character itself, or both halves of its surrogate pair",
                )
                return _REFUSED
        return value

    def _too_many(self, node: yaml.Node) -> Diagnostic:
        """Over ``MAX_NODES`` values: said of aliases only when some were repeated."""
        if self.repeats:
            return self._diagnostic(
                node,
                f"the spec holds over {MAX_NODES:,} values once its aliases are "
                "expanded",
                "repeat fewer aliases (*name), or fewer levels of them",
            )
        return self._diagnostic(
            node,
            f"the spec holds over {MAX_NODES:,} values",
            "split it into several specs, or shorten its lists",
        )

    def _diagnostic(self, node: yaml.Node, message: str, hint: str = "") -> Diagnostic:
        pos = _pos(node)
        return Diagnostic(
            self.file,
            pos.line,
            pos.column,
            message,
            hint,
            source_line=source_line(self.text, pos.line),
        )

    def _error(self, node: yaml.Node, message: str, hint: str = "") -> None:
        self.errors.append(self._diagnostic(node, message, hint))


_REFUSED = object()
SURROGATE = re.compile("[\ud800-\udfff]")
KIND_TAGS: dict[type[yaml.Node], str] = {
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}
COLLECTION_TAGS = frozenset(KIND_TAGS.values())


def _kind_error(node: yaml.Node) -> tuple[str, str]:
    shown = node.tag.replace("tag:yaml.org,2002:", "!!")
    kind = "a plain value"
    if isinstance(node, yaml.SequenceNode):
        kind = "a list"
    elif isinstance(node, yaml.MappingNode):
        kind = "a mapping"
    return f"the tag '{shown}' does not fit {kind}", "remove the tag"


def _tag_error(tag: str) -> tuple[str, str]:
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    return (
        f"the tag '{shown}' is not allowed in a spec",
        "remove it: a spec holds only text, numbers, true or false, lists and mappings",
    )


def _pos(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)
