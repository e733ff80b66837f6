"""Helpers the tests share: compile spec text and import the module it generates."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from compiler import compile_spec

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"

__all__ = [
    "GENERATED",
    "ROOT",
    "SPECS",
    "compile_text",
    "import_file",
    "import_generated",
]


def import_file(path: Path, name: str | None = None) -> ModuleType:
    """Import a Python file as a fresh module (not cached in sys.modules)."""
    module_name = name or f"_connectorc_test_{path.stem}_{abs(hash(path))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and typing look modules up here
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(module_name, None)
    return module


def import_generated(stem: str) -> ModuleType:
    """The committed module ``generated/<stem>.py``."""
    return import_file(GENERATED / f"{stem}.py")


def compile_text(
    text: str, directory: Path, file_name: str = "spec.yaml"
) -> ModuleType:
    """Write ``text`` as a spec in ``directory``, compile it, import the module."""
    spec_path = directory / file_name
    spec_path.write_text(text, encoding="utf-8")
    connector, module_text = compile_spec(spec_path)
    out = directory / f"{connector.module_name}.py"
    out.write_text(module_text, encoding="utf-8")
    return import_file(out)
