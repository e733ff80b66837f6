"""The schema as editors see it (descriptions, examples, snippets), and the reference
docs generated from it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from compiler import compile_spec
from compiler.docs import reference_markdown
from compiler.validate import schema
from tests.support import ROOT

DOCS = ROOT / "docs" / "spec-reference.md"
PLACEHOLDER = re.compile(r"\$\{\d+:((?:[^}\\]|\\.)*)\}")


def _properties(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property schema (not those inside an `if`, which only test a value)."""
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            if isinstance(value, dict):
                yield f"{path}/properties/{key}", value
        for key, value in node.items():
            if key != "if":
                yield from _properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _properties(value, f"{path}/{index}")


def _unique(found: Iterator[tuple[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return dict(found)


PROPERTIES = _unique(_properties(schema()))


def _validator(subschema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator({**subschema, "$defs": schema()["$defs"]})


def _fill(value: Any) -> Any:
    """A snippet body with each ${1:text} placeholder replaced by its text."""
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: m.group(1).replace("\\}", "}"), value)
    if isinstance(value, list):
        return [_fill(v) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v) for k, v in value.items()}
    return value


def test_every_property_has_a_description() -> None:
    assert len(PROPERTIES) > 60
    missing = [
        path for path, value in PROPERTIES.items() if not value.get("description")
    ]
    assert not missing, missing


@pytest.mark.parametrize("path", sorted(PROPERTIES))
def test_examples_are_valid_values(path: str) -> None:
    value = PROPERTIES[path]
    validator = _validator(value)
    for example in value.get("examples", []):
        errors = [e.message for e in validator.iter_errors(example)]
        assert not errors, f"{path}: example {example!r}: {errors}"


def test_most_properties_have_examples() -> None:
    allowed = [
        p for p, v in PROPERTIES.items() if "RunTimeSecret" not in v.get("$ref", "")
    ]
    without = [p for p in allowed if not PROPERTIES[p].get("examples")]
    assert not without, without


def _spec_text(data: dict[str, Any]) -> str:
    return "# yaml-language-server: $schema=x\n" + json.dumps(data, indent=2) + "\n"


def test_new_spec_snippet_compiles(tmp_path: Path) -> None:
    [snippet] = schema()["defaultSnippets"]
    spec = tmp_path / "snippet.yaml"
    spec.write_text(_spec_text(_fill(snippet["body"])), encoding="utf-8")
    compile_spec(spec)


AUTH_SNIPPETS = schema()["$defs"]["Authentication"]["defaultSnippets"]


def test_a_snippet_for_every_auth_type_and_grant() -> None:
    auth = schema()["$defs"]["Authentication"]
    kinds = set(auth["properties"]["AuthType"]["enum"])
    assert {s["body"]["AuthType"] for s in AUTH_SNIPPETS} == kinds
    [oauth2] = [
        b["then"]
        for b in auth["allOf"]
        if "OAuth2Type" in json.dumps(b) and "not" not in b["if"]  # not: fallback
    ]
    grants = set(oauth2["properties"]["OAuth2Type"]["enum"])
    assert {s["body"].get("OAuth2Type") for s in AUTH_SNIPPETS} - {None} == grants


@pytest.mark.parametrize(
    "snippet", AUTH_SNIPPETS, ids=[s["label"] for s in AUTH_SNIPPETS]
)
def test_auth_snippets_compile(snippet: dict[str, Any], tmp_path: Path) -> None:
    [new_spec] = schema()["defaultSnippets"]
    data = _fill(new_spec["body"])
    data["Authentication"] = _fill(snippet["body"])
    # AuthFields authenticate in the body, so their spec has no GET method.
    if snippet["body"]["AuthType"] == "AuthFields":
        data["Methods"].clear()
    data["Methods"].append(
        {
            "Name": "Create",
            "HttpMethod": "POST",
            "EndPoint": "/items",
            "Parameters": [{"TargetType": "Body", "TargetName": "title"}],
        }
    )
    spec = tmp_path / "snippet.yaml"
    spec.write_text(_spec_text(data), encoding="utf-8")
    compile_spec(spec)


@pytest.mark.parametrize(
    "definition", ["Method", "Parameter"], ids=["Method", "Parameter"]
)
def test_method_and_parameter_snippets_are_valid(definition: str) -> None:
    node = schema()["$defs"][definition]
    validator = _validator(node)
    for snippet in node["defaultSnippets"]:
        assert not list(validator.iter_errors(_fill(snippet["body"])))


def test_reference_docs_are_up_to_date() -> None:
    """docs/spec-reference.md is exactly what the schema gives."""
    assert DOCS.read_text(encoding="utf-8") == reference_markdown(schema()), (
        "docs/spec-reference.md is stale: run `make docs` and commit it"
    )


def test_reference_names_every_key() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for path in PROPERTIES:
        key = path.rsplit("/", 1)[1]
        assert f"`{key}`" in text, key


def test_docs_command_check(tmp_path: Path) -> None:
    target = tmp_path / "ref.md"
    command = [sys.executable, "-m", "compiler", "docs", "-o", str(target)]
    stale = subprocess.run([*command, "--check"], capture_output=True, text=True)
    assert stale.returncode == 1
    assert "is stale" in stale.stderr
    written = subprocess.run(command, capture_output=True, text=True)
    assert written.returncode == 0
    assert target.read_text(encoding="utf-8") == DOCS.read_text(encoding="utf-8")
    again = subprocess.run(command, capture_output=True, text=True)
    assert again.stdout.startswith("unchanged")
    checked = subprocess.run([*command, "--check"], capture_output=True, text=True)
    assert checked.returncode == 0


def test_every_spec_carries_the_modeline() -> None:
    modeline = "# yaml-language-server: $schema=../schemas/connector.schema.json"
    for spec in sorted((ROOT / "specs").glob("*.yaml")):
        first = spec.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == modeline, spec.name
