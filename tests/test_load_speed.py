"""The fast YAML path (libyaml's parser) reads exactly what the Python parser reads.

``load_text`` parses with PyYAML's C parser when PyYAML has it, and reads a spec again
with the Python parser when the C one fails, so errors are worded as they always were.
That is only right if both give the same data, of the same types, at the same positions
for every spec the Python parser accepts, and if the C parser never accepts what the
Python one refuses. Both run here on every spec of the corpus (specs/ and
tests/broken/) and on edited copies of them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import compiler.load
from compiler.diagnostics import SpecError
from compiler.load import (
    _PYTHON_ONLY,
    FAST_LOADER,
    LoadedSpec,
    SpecLoader,
    load_text,
    load_text_with,
)
from tests.support import SPECS

BROKEN = Path(__file__).parent / "broken"
CORPUS = sorted(SPECS.glob("*.yaml")) + sorted(BROKEN.glob("*.yaml"))

pytestmark = pytest.mark.skipif(FAST_LOADER is None, reason="PyYAML without libyaml")


def _typed(value: Any) -> Any:
    """``value`` with the type of every scalar kept (so 1, 1.0 and True differ)."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value).__name__, value)


def _read(loader: type[SpecLoader], text: str) -> LoadedSpec | Exception:
    try:
        return load_text_with(loader, text, "spec.yaml")
    except Exception as exc:  # the fast path's failures of any kind: read again
        if loader is SpecLoader and not isinstance(exc, SpecError):
            raise
        return exc


def _same(text: str) -> None:
    if text.startswith("\ufeff"):
        text = text[1:]
    if _PYTHON_ONLY.search(text):
        return  # load_text gives such text to the Python parser only
    python = _read(SpecLoader, text)
    assert FAST_LOADER is not None
    fast = _read(FAST_LOADER, text)
    if isinstance(python, SpecError):
        # The C parser may refuse more or word it otherwise (load_text then asks the
        # Python parser), but it must not accept what the Python parser refuses,
        # unless the refusal is the walker's (the same code for both).
        if isinstance(fast, LoadedSpec):
            raise AssertionError(f"only the C parser accepts it: {python}")
        with pytest.raises(SpecError) as caught:
            load_text(text, "spec.yaml")
        assert [d.headline for d in caught.value.diagnostics] == [
            d.headline for d in python.diagnostics
        ]
        return
    if not isinstance(fast, LoadedSpec):
        fast = load_text(text, "spec.yaml")  # given up: the Python parser reads it
    assert _typed(fast.data) == _typed(python.data)
    assert fast.values == python.values
    assert fast.keys == python.keys


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_both_parsers_agree_on_the_corpus(path: Path) -> None:
    _same(_text(path))


def test_the_corpus_is_read_by_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every spec of specs/ loads without the Python parser (which would be slow)."""
    assert len(CORPUS) > 100

    def refuse(*args: object) -> None:
        raise AssertionError("the Python parser was used")

    monkeypatch.setattr(SpecLoader, "__init__", refuse)
    for path in sorted(SPECS.glob("*.yaml")):
        load_text(path.read_text(encoding="utf-8"), path.name)


def test_a_broken_spec_is_worded_by_the_python_parser() -> None:
    """The C parser's words differ; the message is the one the corpus expects."""
    text = "Name: x\nMethods:\n  - Name: a\n - Name: b\n"
    with pytest.raises(SpecError) as caught:
        load_text(text, "spec.yaml")
    assert FAST_LOADER is not None
    with pytest.raises(SpecError) as fast:
        load_text_with(FAST_LOADER, text, "spec.yaml")
    (expected,) = _read_error(text)
    assert [d.headline for d in caught.value.diagnostics] == [expected]
    assert [d.headline for d in fast.value.diagnostics] != [expected]
    assert "neither 'Key: value' nor '- item'" not in str(fast.value)


def _read_error(text: str) -> list[str]:
    result = _read(SpecLoader, text)
    assert isinstance(result, SpecError)
    return [d.headline for d in result.diagnostics]


def _text(path: Path) -> str:
    # A spec that is not UTF-8 is refused before parsing; its text is still YAML.
    return path.read_bytes().decode("utf-8", "replace")


_TEXTS = [_text(p) for p in CORPUS]
_PIECES = [
    "\t", " ", "  ", "\n", ": ", "- ", "[", "]", "{", "}", ",", "'", '"', "#", "&a ",
    "*a", "!!str ", "!!binary ", "<<: ", "? ", "|", ">", "---\n", "...\n",
    "%YAML 1.1\n",
    "\\", "\x07", "\x85", "\u2028", "\ufeff", "é", "😀", "0x1F", "1e3", ".inf", "~",
    "yes", "2024-01-31", "=", "0o17", "1_000", "+1", ":", "@", "`", "%",
]  # fmt: skip


@settings(
    max_examples=int(os.environ.get("CONNECTORC_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_both_parsers_agree_on_edited_specs(data: st.DataObject) -> None:
    """Edits that break YAML in every way people do: still the same reading."""
    text = data.draw(st.sampled_from(_TEXTS))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 3))
        piece = data.draw(st.sampled_from(_PIECES) | st.text(max_size=3))
        text = text[:at] + piece + text[at + cut :]
    _same(text)


def test_the_fast_loader_is_built_from_the_spec_loader() -> None:
    """One resolver and constructor set: the C loader inherits SpecLoader's."""
    assert FAST_LOADER is not None
    assert issubclass(FAST_LOADER, SpecLoader)
    assert FAST_LOADER.yaml_implicit_resolvers is SpecLoader.yaml_implicit_resolvers
    assert compiler.load.load_text_with(FAST_LOADER, "a: yes\n", "f").data == {
        "a": "yes"
    }
