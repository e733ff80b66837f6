"""The name-clash check reads the rendered module's bindings from a text scan (an
``ast.parse`` cost more than rendering the module); the syntax tree keeps the last
word. These tests hold the scan to the tree: on every module the corpus renders, on
modules whose spec text is hostile (quotes, ``#``, triple quotes, newlines, backslashes
and code-looking lines in every free-text field), and on hand-written snippets. The
scan may give up (None: the tree is read instead), but it never disagrees.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.clashes import scan_bindings, tree_bindings
from compiler.diagnostics import SpecError
from compiler.load import load_text
from compiler.model import build_connector
from compiler.pipeline import VERSION, _modelled
from compiler.render import render_text
from compiler.validate import validate
from tests.support import ROOT, SPECS
from tests.synthetic_specs import synthetic_spec

CORPUS = sorted(SPECS.glob("*.yaml"))
BROKEN = sorted((ROOT / "tests" / "broken").glob("*.yaml"))


def _rendered(path: Path) -> tuple[str, tuple[str, str]] | None:
    try:
        _, connector = _modelled(path, str(path))
    except SpecError:
        return None
    text, _ = render_text(connector, VERSION)
    return text, (connector.class_name, connector.async_class_name)


def _agree(text: str, classes: tuple[str, ...]) -> bool:
    """The scan agrees with the tree; True when it did not give up."""
    scanned = scan_bindings(text, classes)
    if scanned is None:
        return False
    assert scanned == tree_bindings(text, classes)
    return True


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_scan_and_tree_agree_on_the_corpus(path: Path) -> None:
    rendered = _rendered(path)
    assert rendered is not None
    text, classes = rendered
    # Every module the templates make (script code aside) is read by the scan.
    assert _agree(text, classes) or "# -- hooks of the" in text


def test_scan_and_tree_agree_on_the_broken_specs_that_render() -> None:
    rendered = [r for r in map(_rendered, BROKEN) if r is not None]
    assert rendered
    for text, classes in rendered:
        _agree(text, classes)


def test_scan_and_tree_agree_on_synthetic_specs(tmp_path: Path) -> None:
    for index in range(0, 200, 7):
        path = tmp_path / f"s{index}.yaml"
        path.write_text(synthetic_spec(index), encoding="utf-8")
        rendered = _rendered(path)
        assert rendered is not None
        assert _agree(*rendered)


PIECES = [
    *"aZ _=:;#'\"\\\n\t()[]{}.,@\r\u2028\x00",
    *('"""', "'''", "\nclass X:", "\ndef f(", "\nx = 1", "\n    y = 2", "\\\n"),
]
HOSTILE = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


def _spec(name: str, texts: list[str]) -> str:
    data = {
        "SpecVersion": 1,
        "Name": name,
        "Description": texts[0],
        "BaseUrl": "https://api.example.com",
        "Properties": [
            {"Name": "Region", "Description": texts[1], "Default": texts[2]}
        ],
        "Authentication": {"AuthType": "ApiKey", "Header": "X-Key"},
        "Methods": [
            {
                "Name": "List Items",
                "Description": texts[3],
                "HttpMethod": "GET",
                "EndPoint": "/items",
                "Parameters": [
                    {
                        "TargetType": "QueryString",
                        "TargetName": "q",
                        "Description": texts[4],
                        "IsOptional": True,
                        "Default": texts[5],
                    }
                ],
            }
        ],
    }
    return json.dumps(data)  # JSON is YAML


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(["Acme", "OAuth2", "Token", "Client", "Async Acme"]),
    texts=st.lists(HOSTILE, min_size=6, max_size=6),
)
def test_scan_and_tree_agree_on_hostile_text(name: str, texts: list[str]) -> None:
    try:
        spec = load_text(_spec(name, texts), "hostile.yaml")
        validate(spec)
        connector = build_connector(spec, "hostile.yaml")
    except SpecError:
        return
    text, _ = render_text(connector, VERSION)
    _agree(text, (connector.class_name, connector.async_class_name))


SNIPPETS = [
    "a = b = 1\nc: int = 2\nd: int\ne += 1\nf == g\nx.y = 3\nz[0] = 4\nh, i = 5, 6\n",
    "import a.b as c, d\nfrom e import (f,\n    g as h,\n)\nfrom .i import j\n",
    "def f(x=1,\n      y=2):\n    pass\nasync def g(): pass\nclass C(Base): pass\n",
    'class K:\n    """Doc\nclass Fake:\ndef fake():\n"""\n    a = 1\n    a = 2\n'
    "    def b(self): ...\n    async def b(self): ...\n",
    "class K:\n    x: int = 1\n    if True:\n        x = 2\n    x = 3\n"
    "class L: pass\nclass K:\n    pass\n",
    "v = {\n'k':\n1}\nw = lambda q=1: q\n@decorator\ndef v(): ...\n"
    "if x:\n    v = 1\nelse:\n    v = 2\n",
    "s = '''\nt = 1\n'''\nu = \"#\"  # a = 1\nm = f\"{a!r}\" r'\\'' '\\''\n",
    "x = 1; y = 2\n",
    "x = (\\\n  1)\n",
]


@pytest.mark.parametrize("text", SNIPPETS)
def test_scan_and_tree_agree_on_snippets(text: str) -> None:
    _agree(text, ("K",))


def test_the_scan_gives_up_on_what_it_does_not_read() -> None:
    assert scan_bindings("x = 1; y = 2\n", ()) is None
    assert scan_bindings("x = (\n", ()) is None
    assert scan_bindings("s = 'open\n", ()) is None


def test_a_clash_is_still_found(tmp_path: Path) -> None:
    case = ROOT / "tests" / "broken" / "name_clash_module.yaml"
    with pytest.raises(SpecError, match="a name the generated module already defines"):
        from compiler.pipeline import validate_spec

        validate_spec(case)
