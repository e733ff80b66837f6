"""``connectorc import``: a connector spec started from an OpenAPI or Swagger document.

The stages: :mod:`.source` reads the document (located errors, ``$ref``s),
:mod:`.convert` maps it (what cannot be mapped becomes a comment and a note),
:mod:`.emit` writes the YAML text. :func:`import_document` then proves the text
validates and compiles through the real pipeline before anything is written.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..pipeline import compile_spec
from .convert import convert
from .emit import emit
from .source import read_document

__all__ = ["ImportResult", "import_document", "summary"]


@dataclass(frozen=True)
class ImportResult:
    """The spec text, its Name, how many methods it has, and what was left out."""

    text: str
    name: str
    methods: int
    notes: Counter[str]
    module: str = ""


def import_document(
    document: Path,
    output: Path,
    *,
    schema: Path,
    name: str | None = None,
    tags: list[str] | None = None,
    operations: list[str] | None = None,
    display: str | None = None,
    check: bool = True,
) -> ImportResult:
    """The spec for ``document``, checked to compile as if written at ``output``.

    Raises ``SpecError`` (located in the document) when the document cannot be read,
    and ``SpecError`` (located in the spec) if the spec does not compile, which is a
    bug of the importer. Writes nothing.
    """
    source = read_document(document, display)
    conversion = convert(source, name=name, tags=tags, operations=operations)
    if not conversion.methods:
        wanted = " with the --tag/--operation given" if tags or operations else ""
        raise source.error(
            ("paths",),
            f"the document has no operation to import{wanted}",
            "a connector needs at least one method; check the tags and operationIds"
            if wanted
            else "a connector needs at least one method",
        )
    modeline = Path(os.path.relpath(schema.resolve(), output.resolve().parent))
    header = [
        f"# yaml-language-server: $schema={modeline.as_posix()}",
        f"# Imported from {document.name} by `connectorc import`: a starting point",
        "# to edit. Comments mark what the document gives that the spec does not say",
        '# ("Not mapped") and what to check ("TODO").',
        *conversion.header,
    ]
    text = emit(conversion.spec, header)
    module = ""
    if check:
        module = check_compiles(text, output)
    return ImportResult(
        text, conversion.name, conversion.methods, conversion.notes, module
    )


def check_compiles(text: str, output: Path) -> str:
    """Compile ``text`` as if it were at ``output``; the module text, or SpecError.

    The text goes to a private temporary folder (errors still name ``output``), so
    nothing is written where the user looks until it compiles.
    """
    with tempfile.TemporaryDirectory(prefix="connectorc-import-") as folder:
        temp = Path(folder) / output.name
        temp.write_text(text, encoding="utf-8")
        _, module = compile_spec(temp, output.as_posix())
        return module


def summary(notes: Counter[str]) -> list[str]:
    """One line per kind of thing left out, most frequent first."""
    return [
        f"{count} x {kind}"
        for kind, count in sorted(notes.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
