"""Rendering was made cheaper without changing a byte (issue 12): the escaping of
literals and docstrings replaces whole runs instead of going character by character,
and the connector's throttle questions are answered once (cached_property). These
tests hold the new code to the per-character originals, kept here as references."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.render import _doc, literal
from tests.support import SPECS


def _literal_reference(value: str) -> str:
    quote = "'" if value.count('"') > value.count("'") else '"'
    out = []
    for char in value:
        if char == "\\":
            out.append("\\\\")
        elif char == quote:
            out.append("\\" + quote)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(repr(char)[1:-1])
    return quote + "".join(out) + quote


def _doc_reference(text: str, indent: int = 0) -> str:
    text = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    escaped = []
    for char in text:
        if char == "\\":
            escaped.append("\\\\")
        elif char == '"':
            escaped.append('\\"')
        elif char == "\n" or char.isprintable():
            escaped.append(char)
        else:
            escaped.append(repr(char)[1:-1])
    lines = "".join(escaped).split("\n")
    pad = " " * indent
    return "\n".join([lines[0], *(pad + line if line else "" for line in lines[1:])])


TEXT = (
    st.text(
        alphabet=st.sampled_from("ab \"'\\\n\r\t\x00\x1c\x7f\x85\xa0\u2028\ufeff\u00e9")
    )
    | st.text()
)


@settings(max_examples=500, deadline=None)
@given(value=TEXT, indent=st.sampled_from([0, 4, 8, 12, 16]))
def test_escaping_is_what_it_was(value: str, indent: int) -> None:
    assert literal(value) == _literal_reference(value)
    assert _doc(value, indent) == _doc_reference(value, indent)


def test_escaping_is_what_it_was_on_the_corpus_text() -> None:
    for path in SPECS.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            assert literal(line) == _literal_reference(line)
        assert _doc(text, 8) == _doc_reference(text, 8)


def test_throttle_answers_are_cached_and_right(tmp_path: object) -> None:
    from compiler.pipeline import validate_spec

    for path in SPECS.glob("*.yaml"):
        connector = validate_spec(path)
        fresh = type(connector).__dict__
        expected = any(
            fresh["throttle_of"](connector, m) is not None for m in connector.methods
        )
        assert connector.rate_limited is expected
        assert "rate_limited" in vars(connector)  # asked once, then remembered
