"""Issue 15, the compiler half: no crash, no hang, no module that fails later.

Each test is a case the hostile-spec generator found (each failed before the fix),
and each class of problem has its defence named:

- YAML values: one resolver table (YAML 1.2 core) whose constructors check every
  value, explicitly tagged or not, and bound the length of numbers (load.py);
- nesting and size: the scanner refuses nesting beyond ``MAX_DEPTH`` as it meets it,
  and a spec beyond ``MAX_SPEC_CHARS`` is refused before it is parsed;
- text no file or URL can hold: lone surrogates refused at load (pairs joined),
  control characters refused in every URL (wire_rules.py);
- names: every name the spec makes is checked against the names the rendered
  module defines (clashes.py);
- anything left: the pipeline's guard turns an unexpected exception in a stage into
  a located internal-error diagnostic, which the fuzz tests treat as a failure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from compiler import (
    SpecError,
    auth_field_rules,
    checking,
    compile_spec,
    connector_rules,
    generate,
    method_rules,
    paging_rules,
    validate_spec,
)
from compiler import load as load_module
from compiler import names as names_module
from compiler import semantics as semantics_module
from compiler.load import MAX_DEPTH, MAX_NUMBER_DIGITS, MAX_SPEC_CHARS, load_text
from compiler.pipeline import INTERNAL_ERROR
from compiler.validate import PATTERN_FALLBACK, _no_match, schema
from tests.hostile import HOSTILE_VALUES, put_value
from tests.support import SPECS, compile_text

MINIMAL = """\
SpecVersion: 1
Name: Example
BaseUrl: https://api.example.com
Authentication:
  AuthType: None
Methods:
  - Name: List Items
    HttpMethod: GET
    EndPoint: /items
"""


def _errors(text: str, tmp_path: Path, name: str = "spec.yaml") -> list[str]:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    with pytest.raises(SpecError) as caught:
        compile_spec(path, name)
    return [d.headline for d in caught.value.diagnostics]


def _load_errors(text: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_text(text, "x.yaml")
    return [d.headline for d in caught.value.diagnostics]


# -- YAML 1.2 core: how plain values read --------------------------------------------


def test_plain_values_follow_the_yaml_1_2_core_schema() -> None:
    text = (
        "int: [010, 0o10, 0x1F, -7, +3]\n"
        "text: [1:30, 1_000, 0b101, 2024-01-31, yes, On, off, '=', =, 0x_1]\n"
        "float: [1.5, -.5, 1e3, .inf, -.Inf, 1.]\n"
        "nulls: [null, Null, NULL, ~]\n"
        "empty:\n"
        "bools: [true, True, TRUE, false, False, FALSE]\n"
    )
    data = load_text(text, "x.yaml").data
    assert data["int"] == [10, 8, 31, -7, 3]
    assert all(isinstance(v, int) for v in data["int"])
    assert data["text"] == [
        "1:30", "1_000", "0b101", "2024-01-31", "yes", "On", "off", "=", "=", "0x_1"
    ]  # fmt: skip
    assert data["float"][:3] == [1.5, -0.5, 1000.0]
    assert data["float"][3:5] == [float("inf"), float("-inf")]
    assert data["float"][5] == 1.0 and isinstance(data["float"][5], float)
    assert data["nulls"] == [None] * 4
    assert data["empty"] is None
    assert data["bools"] == [True] * 3 + [False] * 3


def test_nan_reads_as_a_float() -> None:
    [nan] = load_text("a: [.nan]\n", "x.yaml").data["a"]
    assert nan != nan


def test_leading_zero_values_generate_what_an_editor_shows(tmp_path: Path) -> None:
    """YAML 1.1 read ``[010, 011]`` as 8 and 9."""
    spec = MINIMAL + (
        "    Parameters:\n"
        "      - { TargetType: QueryString, TargetName: n, DataType: Integer,\n"
        "          Values: [010, 011] }\n"
    )
    module = compile_text(spec, tmp_path)
    source = (tmp_path / "example.py").read_text("utf-8")
    assert "Literal[10, 11]" in source
    assert module.__all__


# -- explicit tags and numbers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!float I", "'I' is not a number"),
        ('!!int "a:"', "'a:' is not a whole number"),
        ("!!int ''", "'' is not a whole number"),
        ("!!float ''", "'' is not a number"),
        ("!!bool x", "'x' is not true or false"),
        ("!!bool yes", "'yes' is not true or false"),
        ("!!null x", "'x' is not null"),
        ("!!seq x", "the tag '!!seq' does not fit a plain value"),
        ("!!map x", "the tag '!!map' does not fit a plain value"),
        ("!!int [1]", "the tag '!!int' does not fit a list"),
        ("!!str {a: 1}", "the tag '!!str' does not fit a mapping"),
        ("!!timestamp 2001-12-14", "the tag '!!timestamp' is not allowed"),
    ],
)
def test_a_tag_on_a_value_it_cannot_take_is_located(value: str, message: str) -> None:
    [error] = _load_errors(f"a: 1\nb: {value}\n")
    assert error.startswith(f"x.yaml:2:4: {message}"), error


def test_every_error_of_the_file_is_reported_together() -> None:
    errors = _load_errors("a: !!int x\nb: !!float y\nc: !!bool z\n")
    assert [e.split(":")[1] for e in errors] == ["1", "2", "3"]


@pytest.mark.parametrize(
    "number",
    ["9" * 4301, "-" + "9" * 5000, "0x" + "f" * 4001, "1" * 101, "1." + "0" * 100],
)
def test_a_number_too_long_is_located(number: str) -> None:
    [error] = _load_errors(f"a: 1\nb: {number}\n")
    assert error.startswith("x.yaml:2:4: a number of "), error
    assert error.endswith(
        f"write at most {MAX_NUMBER_DIGITS} digits, or quote it to make it text"
    )


def test_a_long_number_in_quotes_is_text() -> None:
    assert load_text(f"a: '{'9' * 5000}'\n", "x.yaml").data == {"a": "9" * 5000}


# -- size and depth --------------------------------------------------------------------


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_where_it_passes_the_bound(opener: str) -> None:
    levels = 2000 if opener != "- " else 200
    text = (
        "a: " + opener * levels
        if opener != "- "
        else "a:\n" + "".join(" " * (2 * i) + "-\n" for i in range(levels))
    )
    [error] = _load_errors(text)
    assert f"the spec nests more than {MAX_DEPTH} levels deep" in error


def test_nesting_at_the_bound_is_still_read() -> None:
    text = "a: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "\n"
    assert load_text(text, "x.yaml").data["a"] is not None


def test_a_spec_beyond_the_size_bound_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(*args: Any) -> None:
        raise AssertionError("the spec was parsed")

    monkeypatch.setattr(load_module.SpecLoader, "__init__", never)
    [error] = _load_errors("a: " + "x" * MAX_SPEC_CHARS)
    assert error.startswith("x.yaml:1:1: the spec has 2,000,003 characters, ")


def _paged_spec(methods: int) -> str:
    text = MINIMAL.split("Methods:\n")[0] + "Methods:\n"
    for i in range(methods):
        text += (
            f"  - Name: List {i}\n    HttpMethod: GET\n    EndPoint: /items\n"
            "    Paging: { Style: NextUrl, NextUrlPath: next }\n"
        )
    return text


def test_checking_paged_methods_grows_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each paged method's check looped over every method: 400 paged methods took
    seconds. Counted in calls, not timed: twice the methods, about twice the work."""
    calls = 0
    real = names_module.python_name

    def counting(entry: dict[str, Any], source: str) -> str:
        nonlocal calls
        calls += 1
        return real(entry, source)

    # Every module of the semantic checks that makes Python names.
    areas = (checking, connector_rules, method_rules, auth_field_rules, paging_rules)
    for module in areas:
        monkeypatch.setattr(module, "python_name", counting)
    counts = []
    for n in (50, 100):
        calls = 0
        semantics_module.semantic_errors(load_text(_paged_spec(n), "x.yaml"))
        counts.append(calls)
    assert counts[1] <= 2.2 * counts[0], counts


def test_snake_case_is_cached() -> None:
    assert names_module.snake_case.cache_info().maxsize


# -- text no file or URL can hold ------------------------------------------------------


def test_a_lone_surrogate_is_located(tmp_path: Path) -> None:
    text = MINIMAL.replace("Name: List Items", 'Name: "List \\ud800Items"')
    assert _errors(text, tmp_path) == [
        "spec.yaml:7:11: the text holds a lone UTF-16 surrogate (U+D800), which is "
        "not a character; write the character itself, or both halves of its "
        "surrogate pair"
    ]


@pytest.mark.parametrize("escaped", ['"\\udfff"', '"a\\udc0d\\ud83d"', '"\\ud83d"'])
def test_every_lone_surrogate_is_refused_in_keys_too(escaped: str) -> None:
    [error] = _load_errors(f"{escaped}: 1\n")
    assert "lone UTF-16 surrogate" in error


def test_a_surrogate_pair_is_joined_into_its_character(tmp_path: Path) -> None:
    """JSON writes an emoji as two escapes; the module must hold the character."""
    text = MINIMAL.replace(
        "Name: Example", 'Name: Example\nDescription: "Snake \\ud83d\\udc0d"'
    )
    module = compile_text(text, tmp_path)
    assert "Snake \U0001f40d" in (module.__doc__ or "")
    assert load_text('"\\ud83d\\udc0d": x\n', "x.yaml").data == {"\U0001f40d": "x"}


OAUTH2 = """\
SpecVersion: 1
Name: Example
BaseUrl: https://api.example.com
Authentication:
  AuthType: OAuth2
  OAuth2Type: AuthorisationCode
  AuthoriseUrl: https://auth.example.com/authorise
  AccessTokenUrl: https://auth.example.com/token
  RefreshUrl: https://auth.example.com/refresh
Methods:
  - Name: List Items
    HttpMethod: GET
    EndPoint: /items
"""


@pytest.mark.parametrize("key", ["AuthoriseUrl", "AccessTokenUrl", "RefreshUrl"])
@pytest.mark.parametrize("control", ["\\0", "\\x01", "\\x7f", "\\t"])
def test_a_control_character_in_an_oauth2_url_is_located(
    key: str, control: str, tmp_path: Path
) -> None:
    line = next(i for i, t in enumerate(OAUTH2.splitlines(), 1) if key in t)
    text = re.sub(rf"{key}: (\S+)", lambda m: f'{key}: "{m.group(1)}{control}"', OAUTH2)
    errors = _errors(text, tmp_path)
    assert len(errors) == 1 and errors[0].startswith(f"spec.yaml:{line}:"), errors
    assert f"{key} holds the control character U+00" in errors[0]


# -- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "name", "clash"),
    [
        ("spotify", "OAuth2", "OAuth2Error"),
        ("google_calendar", "State Mismatch", "StateMismatchError"),
    ],
)
def test_a_connector_name_cannot_make_a_module_name_twice(
    spec: str, name: str, clash: str, tmp_path: Path
) -> None:
    text = re.sub(
        r"^Name: .*$", f"Name: {name}", (SPECS / f"{spec}.yaml").read_text("utf-8"),
        count=1, flags=re.M,
    )  # fmt: skip
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    for check in (validate_spec, compile_spec):
        with pytest.raises(SpecError) as caught:
            check(path, "spec.yaml")
        assert [d.headline for d in caught.value.diagnostics] == [
            f"spec.yaml:3:7: Name '{name}' would name the error class {clash}, a "
            "name the generated module already defines; choose another name"
        ]


def test_non_ascii_names_are_transliterated_or_located(tmp_path: Path) -> None:
    module = compile_text(
        MINIMAL.replace("Name: List Items", "Name: Ñame Ünïcödé"), tmp_path
    )
    assert callable(module.ExampleClient.name_unicode)
    assert _errors(MINIMAL.replace("Name: List Items", "Name: 名前"), tmp_path) == [
        "spec.yaml:7:11: method '名前' has no letters or digits to make a Python "
        "name of; give it a PythonName, such as 'method_1'"
    ]


NAME_SPOTS = [
    ("Name: Example", "Name: {}"),
    ("  - Name: List Items", "  - Name: {}"),
    ("    EndPoint: /items", "    EndPoint: /items\n    Parameters:\n"
     "      - {{ TargetType: QueryString, TargetName: {} }}"),
]  # fmt: skip
NAMES = [
    "ñame", "名前", "N\u0430me", "\uff2e\uff41\uff4d\uff45", "\ufb01le", "x\u00b2",
    "\u2168", "a\u0301b", "\u0130x", "\u01c5x", "\u200bName", "_", "1name", "class",
]  # fmt: skip


@pytest.mark.parametrize("spot", NAME_SPOTS, ids=["connector", "method", "parameter"])
@pytest.mark.parametrize("name", NAMES)
def test_hostile_names_compile_or_are_located(
    spot: tuple[str, str], name: str, tmp_path: Path
) -> None:
    text = MINIMAL.replace(spot[0], spot[1].format(f'"{name}"'))
    try:
        compile_text(text, tmp_path)
    except SpecError as error:
        for diagnostic in error.diagnostics:
            assert diagnostic.line > 1, diagnostic.headline
            assert not diagnostic.message.startswith(INTERNAL_ERROR)


# -- schema patterns -------------------------------------------------------------------


def _patterned_keys(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            if isinstance(value, dict) and "pattern" in value:
                found.add(key)
        for value in node.values():
            _patterned_keys(value, found)
    elif isinstance(node, list):
        for item in node:
            _patterned_keys(item, found)
    return found


def test_xml_root_breaking_its_pattern_is_located(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "HttpMethod: GET", "HttpMethod: POST\n    RequestFormat: Xml\n    XmlRoot: a b"
    )
    assert _errors(text, tmp_path) == [
        "spec.yaml:10:14: Methods[0].XmlRoot must be an XML element name, not 'a b'; "
        "use letters, digits, _, - and . (a letter or _ first), as in 'Request'"
    ]


@pytest.mark.parametrize("key", sorted(_patterned_keys(schema(), {"NewKey"})))
def test_every_pattern_has_a_message(key: str) -> None:
    """The message table is total: a key without an entry gets the fallback."""
    spec = load_text("a: 1\n", "x.yaml")
    diagnostic = _no_match(spec, ("Methods", 0, key), "a b", {"pattern": "^x$"})
    assert diagnostic.message.startswith(f"Methods[0].{key} ")
    assert diagnostic.hint
    if key == "NewKey":
        assert PATTERN_FALLBACK in diagnostic.message


# -- the last guard ------------------------------------------------------------------


def test_an_unexpected_exception_in_a_stage_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> list[Any]:
        raise ValueError("a check met a value it did not expect")

    monkeypatch.setattr("compiler.validate.semantic_errors", broken)
    spec = tmp_path / "spec.yaml"
    spec.write_text(MINIMAL, encoding="utf-8")
    output = tmp_path / "out"
    [result] = generate([spec], output)
    assert [d.headline for d in result.diagnostics] == [
        f"{result.spec}:1:1: {INTERNAL_ERROR} while checking the spec: ValueError: "
        "a check met a value it did not expect; this is a bug: please report it "
        "with the spec"
    ]
    assert result.output is None and not output.exists()


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
def test_hostile_values_never_reach_the_guard(value: str, tmp_path: Path) -> None:
    """Every hostile shape at a few places of a real spec: compiled or located."""
    base = (SPECS / "mailchimp.yaml").read_text("utf-8")
    for spot in (2, 5, 11, 30, 60):
        text = put_value(base, spot, value)
        try:
            compile_text(text, tmp_path)
        except SpecError as error:
            for diagnostic in error.diagnostics:
                assert not diagnostic.message.startswith(INTERNAL_ERROR), (
                    diagnostic.headline
                )


@pytest.mark.parametrize("field", ["a\u0301b", "\u00e1b", "\ufb01le", "\u00f1"])
def test_a_non_ascii_response_field_keeps_its_exact_json_key(
    field: str, tmp_path: Path
) -> None:
    """Found by the fuzz: 'áb' (a + combining accent) was emitted as a class
    attribute, refused as an identifier; Python would also have normalised it."""
    text = MINIMAL + f'    ResponseFields:\n      - {{ Name: "{field}" }}\n'
    module = compile_text(text, tmp_path)
    assert list(module.ListItemsResponse.__annotations__) == [field]


def test_a_method_hiding_a_client_member_is_found_in_the_module_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """method_rules.py knows the client's own methods by list; should the templates
    add one the list lacks, the rendered module itself still shows the clash."""
    monkeypatch.setattr(method_rules, "AUTH_METHODS", {})
    text = (
        (SPECS / "twitter.yaml")
        .read_text("utf-8")
        .replace("  - Name: Verify Credentials", "  - Name: Fetch Access Token")
    )
    line = text.splitlines().index("  - Name: Fetch Access Token") + 1
    assert _errors(text, tmp_path) == [
        f"spec.yaml:{line}:11: method 'Fetch Access Token' would be the client's "
        "fetch_access_token(), a name the client class already defines; rename it "
        "or give it a PythonName"
    ]
