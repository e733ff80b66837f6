"""Reading an OpenAPI or Swagger document: parsing, ``$ref`` resolution, locations.

JSON documents are parsed with :mod:`json` and YAML ones with PyYAML's C loader when
it is there: GitHub's document is 13 MB, and a parser that keeps a position for every
node would take most of the import's time. Positions are found only when an error
needs one, by composing the text again (JSON is YAML) and walking to the node.

``$ref`` resolution is `referencing`'s (already a dependency of jsonschema): the
document is one resource, a file next to it another, retrieved on first use.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from referencing import Registry, Resource, Specification
from referencing.exceptions import Unresolvable

from ..diagnostics import Diagnostic, SpecError
from ..load import source_line

__all__ = ["Document", "read_document"]

JsonPath = tuple[str | int, ...]
# An OpenAPI document is no JSON Schema dialect; ``$ref`` is all it shares with one,
# and an opaque resource resolves JSON pointers without looking for ``$id``s.
OPAQUE: Specification[Any] = Specification.OPAQUE
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_REF_DEPTH = 64


def _parse(text: str, file: str) -> Any:
    """The document's data; a located ``SpecError`` when it is neither JSON nor YAML."""
    if text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise _error(
                file, text, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}"
            ) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "not valid YAML"
        raise _error(file, text, line, column, f"not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise _error(file, text, 1, 1, f"not valid YAML: {exc}") from None


def _error(
    file: str, text: str, line: int, column: int, message: str, hint: str = ""
) -> SpecError:
    return SpecError(
        [Diagnostic(file, line, column, message, hint, (), source_line(text, line))]
    )


class Document:
    """A parsed document, the file it came from, and a resolver for its ``$ref``s."""

    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SpecError(
                [Diagnostic(display, 1, 1, f"cannot read: {exc.strerror or exc}")]
            ) from None
        try:
            self.text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SpecError(
                [Diagnostic(display, 1, 1, "not UTF-8 text", "save it as UTF-8")]
            ) from None
        self.data = _parse(self.text, display)
        self.uri = path.resolve().as_uri()
        registry: Registry[Any] = Registry(retrieve=self._retrieve)  # type: ignore[call-arg]
        registry = registry.with_resource(self.uri, OPAQUE.create_resource(self.data))
        self._resolver = registry.resolver(base_uri=self.uri)
        self._composed: yaml.Node | None = None

    @staticmethod
    def _retrieve(uri: str) -> Resource[Any]:
        # Only files: a document that refers to the network is not fetched.
        if not uri.startswith("file://"):
            raise Unresolvable(uri)
        from urllib.parse import unquote, urlsplit

        file = Path(unquote(urlsplit(uri).path))
        try:
            data = _parse(file.read_text(encoding="utf-8-sig"), str(file))
        except (OSError, UnicodeDecodeError, SpecError):
            raise Unresolvable(uri) from None
        return OPAQUE.create_resource(data)

    def resolve(self, node: Any, path: JsonPath = ()) -> Any:
        """``node`` with its own ``$ref`` followed (not those inside it)."""
        seen = 0
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            seen += 1
            if seen > MAX_REF_DEPTH:
                raise self.error(path, "a $ref that refers to itself")
            ref = node["$ref"]
            try:
                resolved = self._resolver.lookup(ref)
            except (Unresolvable, LookupError, ValueError, TypeError):
                raise self.error(
                    (*path, "$ref"),
                    f"$ref {ref!r} points at nothing",
                    "check the pointer, or that the file it names exists",
                ) from None
            node = resolved.contents
            base = _base_uri(ref, self.uri)
            if base != self.uri:
                # A node from another file: its own refs are relative to that file,
                # so they are made absolute before anyone follows them.
                node = _absolute_refs(node, base)
        return node

    def error(self, path: JsonPath, message: str, hint: str = "") -> SpecError:
        """A ``SpecError`` at the node ``path`` leads to (or its nearest parent)."""
        line, column = self.position(path)
        return _error(self.display, self.text, line, column, message, hint)

    def position(self, path: JsonPath) -> tuple[int, int]:
        """1-based line and column of the node at ``path`` (else its nearest parent)."""
        if self._composed is None:
            try:
                self._composed = yaml.compose(self.text, Loader=_Loader)
            except yaml.YAMLError:
                return (1, 1)
        node: yaml.Node | None = self._composed
        for step in path:
            if node is None:
                break
            child = _child(node, step)
            if child is None:
                break
            node = child
        if node is None:
            return (1, 1)
        return (node.start_mark.line + 1, node.start_mark.column + 1)


def _base_uri(ref: str, document: str) -> str:
    from urllib.parse import urldefrag, urljoin

    return urldefrag(urljoin(document, ref)).url or document


def _absolute_refs(node: Any, base: str) -> Any:
    from urllib.parse import urljoin

    if isinstance(node, dict):
        return {
            k: urljoin(base, v)
            if k == "$ref" and isinstance(v, str)
            else _absolute_refs(v, base)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_absolute_refs(v, base) for v in node]
    return node


def _child(node: yaml.Node, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                return value  # type: ignore[no-any-return]
    elif (
        isinstance(node, yaml.SequenceNode)
        and isinstance(step, int)
        and 0 <= step < len(node.value)
    ):
        return node.value[step]  # type: ignore[no-any-return]
    return None


def read_document(path: Path, display: str | None = None) -> Document:
    """Parse ``path`` and check that it is an OpenAPI 3.x or Swagger 2.0 document."""
    document = Document(path, display or path.as_posix())
    data = document.data
    if not isinstance(data, dict):
        raise document.error((), "an OpenAPI document is a mapping at the top")
    version = data.get("openapi", data.get("swagger"))
    if version is None:
        raise document.error(
            (),
            "neither 'openapi' nor 'swagger' at the top: not an OpenAPI document",
            "an OpenAPI 3 document starts with openapi: 3.0.3 (or 3.1.0), a "
            "Swagger one with swagger: '2.0'",
        )
    key = "openapi" if "openapi" in data else "swagger"
    if not str(version).startswith(("3.", "2.")):
        raise document.error(
            (key,),
            f"{key} version {version!r} is not one this importer reads",
            "OpenAPI 3.0, 3.1 and Swagger 2.0 are read",
        )
    paths = data.get("paths", {})
    if paths is None:
        paths = {}
    if not isinstance(paths, dict):
        raise document.error(("paths",), "'paths' is not a mapping of paths")
    for name, item in paths.items():
        # Keys starting with x- are extensions (OpenAPI 4.8.1), not paths.
        if not isinstance(item, dict) and not str(name).startswith("x-"):
            raise document.error(("paths", name), f"path {name!r} is not a mapping")
    return document


def walk(data: Any) -> Iterator[Any]:
    """Every node under ``data`` (used to count what a document holds)."""
    stack = [data]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
