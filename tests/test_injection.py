"""No spec value may become code: hostile text in every field that reaches a template.

Each payload (quotes, triple quotes, backslashes, line breaks, control characters,
Jinja syntax, ``#``, code that would create a canary file, non-ASCII, bidi overrides,
Unicode line separators) goes into every field of a spec that a template renders. The
generated module must then

- compile and import, and run nothing: the canary file does not appear, and the module
  has the same shape (``ast`` with every name and string blanked) and the same
  module-level names as the module of a twin spec holding a harmless word instead;
- give each value back exactly: in module constants (``BASE_URL``, ``ApiKeyAuth``), in
  argument defaults, on the wire (header, query and body names and values, path text
  percent-encoded as httpx encodes it), and in docstrings, modulo the documented
  normalisation (text stripped, trailing whitespace of each line dropped, continuation
  lines indented).

Text that HTTP cannot carry in a given place (a non-ASCII header value, a space in a
URL, a fragment in an EndPoint) is refused instead, with an error at the value's line
and column. So is a literal secret, with a message that says to supply it at run time.

Control characters (C0, DEL, C1, U+2028/U+2029, bidi controls) are refused in every
text and key of a spec, one error per text (``compiler/control_text.py``); only prose (a
Description, a body parameter's Default) may hold TAB, LF and CR. So the payloads go
into one-line fields without those characters (``_line``), and into prose fields with
TAB, LF and CR kept (``_prose``); the refusals have their own tests.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx
import pytest
import yaml

from compiler import SpecError, compile_spec
from tests.support import import_file

CANARY = Path(tempfile.gettempdir()) / f"connectorc-injection-canary-{os.getpid()}"

PAYLOADS: dict[str, str] = {
    "double_quote": 'say "hi"',
    "single_quote": "it's",
    "triple_double": 'a """ b """',
    "triple_single": "a ''' b '''",
    "ends_with_quote": 'ends with "',
    "ends_with_backslash": "ends with \\",
    "escaped_quotes": "esc \\\" and \\' ",
    "escape_sequences": "\\n \\t \\x41 \\u0041 \\N{BULLET} \\\\ \\",
    "newline": "line one\nline two",
    "carriage_returns": "one\r\ntwo\rthree",
    "control_characters": "nul\x00 bell\x07 esc\x1b del\x7f vt\x0b ff\x0c",
    "jinja": "{{ x }} {{x}} {% if true %}yes{% endif %} {# c #} {%- raw %}",
    "hash": "# not a comment",
    "dunder_import": f"__import__('os').system('touch {CANARY}')",
    "break_out_double": f'"); __import__("pathlib").Path("{CANARY}").touch(); ("',
    "break_out_single": f"'); __import__('pathlib').Path('{CANARY}').touch(); ('",
    "break_out_docstring": f'"""\n__import__("pathlib").Path("{CANARY}").touch()\n"""',
    "format_strings": "f'{__import__(\"os\").getcwd()}' {0} {name} {self} %s %(x)s",
    "non_ascii": "emoji 🎉🐍, RTL שלום مرحبا, naïve",
    "bidi_and_invisible": "abc\u202edcba \u2066x\u2069 zero\u200bwidth \ufeffbom",
    "line_separators": "a\u2028b\u2029c\x85d\x1ce",
    "surrounding_space": "  spaced out  \n  ",
}
PAYLOADS["everything"] = " ".join(PAYLOADS.values())

# What a spec may not hold (compiler/control_text.py), written out again here.
_CONTROLS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
)


def _line(text: str) -> str:
    """``text`` as a one-line field may hold it: without any control character."""
    return re.sub(f"[{_CONTROLS}\t\n\r]", "", text)


def _prose(text: str) -> str:
    """``text`` as a Description or a body Default may hold it: TAB, LF, CR kept."""
    return re.sub(f"[{_CONTROLS}]", "", text)


LINE_PAYLOADS = {name: _line(text) for name, text in PAYLOADS.items()}
PROSE_PAYLOADS = {
    name: _prose(text) for name, text in PAYLOADS.items() if re.search("[\t\n\r]", text)
}
HARMLESS = "harmless"
API_KEY = "k3y-value"


# -- building specs ---------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Double quotes for any text beyond printable ASCII.

    PyYAML's plain and single-quoted styles fold some line breaks it emits raw
    (U+0085 comes back as a space); in double quotes they are escaped, so exact.
    """


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None if re.fullmatch(r"[\x20-\x7e]*", value) else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def _dump(spec: dict[str, Any]) -> str:
    text = yaml.dump(
        spec, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000
    )
    assert yaml.safe_load(text) == spec, "the test's YAML does not round-trip"
    return "# yaml-language-server: $schema=../schemas/connector.schema.json\n" + text


def _url_safe(text: str) -> str:
    """``text`` without what a URL path in a spec may not hold (tested separately)."""
    return re.sub(r"[\x00-\x1f\x7f#?{}]", "", text)


def _base_url_safe(text: str) -> str:
    return re.sub(r"\s", "", _url_safe(text))


def _merge_name_safe(text: str) -> str:
    return _url_safe(text).strip()


def _header_safe(text: str) -> str:
    """The part of ``text`` HTTP can carry in a header value."""
    return re.sub(r"[^\x20-\x7e]", "", text).strip(" ")


def _main_spec(p: str, prose: str | None = None) -> dict[str, Any]:
    """Every field that reaches a template, holding ``p`` wherever a spec may (and
    ``prose``, if given, in Descriptions and body Defaults instead)."""
    d = p if prose is None else prose
    return {
        "SpecVersion": 1,
        "Name": f"Evil {p[:80]}",
        "Description": f"Connector {d}",
        "BaseUrl": f"https://api.example.com/v1/{_base_url_safe(p)}/{{{{Region}}}}",
        "Properties": [
            {"Name": "Region", "Description": f"Region {d}", "Default": p},
            {"Name": f"Note {p}", "Description": d, "IsOptional": True},
            {"Name": "Plain", "Default": f"plain {p}"},
        ],
        "Authentication": {
            "AuthType": "ApiKey",
            "QueryParameter": f"key {p}",
            "Format": f"pre {p} {{ApiKey}} post {p}",
        },
        "Methods": [
            {
                "Name": f"Get {p}",
                "Description": f"Method {d}",
                "HttpMethod": "POST",
                "EndPoint": f"/items/{_url_safe(p)}/{{{{Id{_merge_name_safe(p)}}}}}/x",
                "Parameters": [
                    {
                        "TargetType": "MergeField",
                        "TargetName": f"Id{_merge_name_safe(p)}",
                        "PythonName": "item_id",
                        "Description": f"Merge {p}",
                    },
                    {
                        "TargetType": "QueryString",
                        "TargetName": f"q {p}",
                        "PythonName": "query",
                        "Description": f"Query {p}",
                        "Default": p,
                    },
                    {
                        "TargetType": "QueryString",
                        "TargetName": f"choice {p}",
                        "PythonName": "choice",
                        "Values": [p, "plain"],
                        "IsOptional": True,
                    },
                    {
                        "TargetType": "Body",
                        "TargetName": f"b {p}",
                        "PythonName": "body",
                        "Description": f"Body {d}",
                        "Default": d,
                    },
                    {
                        "TargetType": "Body",
                        "TargetName": f"pick {p}",
                        "PythonName": "pick",
                        "Values": ["plain", p],
                        "Default": p,
                    },
                ],
            },
            {
                "Name": f"Form {p}",
                "HttpMethod": "PUT",
                "EndPoint": "/form",
                "RequestFormat": "Form",
                "ResponseFormat": "PlainText",
                "Parameters": [
                    {
                        "TargetType": "Body",
                        "TargetName": f"f {p}",
                        "PythonName": "field",
                        "Default": d,
                    }
                ],
            },
        ],
    }


def _header_spec(p: str) -> dict[str, Any]:
    """Header names and values: only what HTTP can carry there (refusals below)."""
    h = _header_safe(p)
    return {
        "SpecVersion": 1,
        "Name": f"Headers {p[:80]}",
        "BaseUrl": "https://api.example.com",
        "Authentication": {
            "AuthType": "ApiKey",
            "Header": "X-Key!#$%&'*+.^_`|~",
            "Format": f"{h} {{ApiKey}} {h}".strip(),
        },
        "Methods": [
            {
                "Name": "Send",
                "HttpMethod": "GET",
                "EndPoint": "/send",
                "Parameters": [
                    {
                        "TargetType": "HttpHeader",
                        "TargetName": "X-Evil'#!$%&*+.^_`|~",
                        "PythonName": "evil",
                        "Description": f"Header {p}",
                        "Default": h,
                    },
                    {
                        "TargetType": "HttpHeader",
                        "TargetName": "X-Choice",
                        "Values": [f"{h}!", "plain"],
                        "IsOptional": True,
                    },
                ],
            }
        ],
    }


def _auth_fields_spec(p: str, request_format: str) -> dict[str, Any]:
    return {
        "SpecVersion": 1,
        "Name": f"Fields {p[:80]}",
        "BaseUrl": "https://api.example.com",
        "RequestFormat": request_format,
        "Authentication": {
            "AuthType": "AuthFields",
            "Fields": [
                {"Name": f"Account {p}", "Key": f"acct {p}", "Type": "Text"},
                {
                    "Name": "Token",
                    "Key": f"tok {p}",
                    "Type": "Text",
                    "Description": f"The token {p}",
                },
            ],
        },
        "Methods": [
            {
                "Name": "Post",
                "HttpMethod": "POST",
                "EndPoint": "/post",
                "Parameters": [
                    {
                        "TargetType": "Body",
                        "TargetName": f"msg {p}",
                        "PythonName": "message",
                        "Default": p,
                    }
                ],
            }
        ],
    }


# -- compiling and checking ---------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_canary() -> Iterator[None]:
    CANARY.unlink(missing_ok=True)
    yield
    assert not CANARY.exists(), "a spec value ran as code: the canary file appeared"


def _compile(spec: dict[str, Any], folder: Path) -> tuple[ModuleType, str]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "spec.yaml"
    path.write_text(_dump(spec), encoding="utf-8")
    connector, text = compile_spec(path)
    module_path = folder / f"{connector.module_name}.py"
    module_path.write_text(text, encoding="utf-8")
    module = import_file(module_path)
    assert not CANARY.exists(), "importing the module ran spec text"
    return module, text


def _skeleton(text: str) -> str:
    """The module's syntax tree with every identifier and string blanked."""
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
        elif isinstance(node, ast.Name):
            node.id = "_"
        elif isinstance(node, ast.arg | ast.keyword) and node.arg is not None:
            node.arg = "_"
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            node.name = "_"
    return ast.dump(tree, annotate_fields=False, include_attributes=False)


def _module_names(module: ModuleType) -> set[str]:
    """Module-level names, the exported ones (named after the spec) left out."""
    return set(vars(module)) - set(module.__all__) - {"__file__", "__name__"}


_TWINS: dict[str, tuple[str, set[str], int]] = {}


def _twin(spec: dict[str, Any]) -> tuple[str, set[str], int]:
    """Skeleton, module-level names and export count of the harmless twin (cached)."""
    key = json.dumps(spec, sort_keys=True)
    if key not in _TWINS:
        with tempfile.TemporaryDirectory() as folder:
            twin, text = _compile(spec, Path(folder))
        _TWINS[key] = (_skeleton(text), _module_names(twin), len(twin.__all__))
    return _TWINS[key]


def _check_same_shape(
    build: Callable[[str], dict[str, Any]], payload: str, folder: Path
) -> tuple[ModuleType, str]:
    module, text = _compile(build(payload), folder)
    skeleton, names, exports = _twin(build(HARMLESS))
    assert _skeleton(text) == skeleton, "spec text changed the code"
    assert _module_names(module) == names
    assert len(module.__all__) == exports
    return module, text


def _doc(text: str, indent: int) -> str:
    """How spec text reads in a docstring: stripped, lines right-stripped, indented."""
    lines = [line.rstrip() for line in text.strip().split("\n")]
    pad = " " * indent
    return "\n".join([lines[0], *(pad + line if line else "" for line in lines[1:])])


def _clause(text: str, indent: int = 12) -> str:
    """An argument's description in an Args section: without its final full stop."""
    return _doc(text.strip().rstrip("."), indent)


def _client(module: ModuleType, asynchronous: bool = False) -> Any:
    name = next(
        n
        for n in module.__all__
        if n.endswith("Client") and n.startswith("Async") == asynchronous
    )
    return getattr(module, name)


def _docstring(thing: object) -> str:
    doc = thing.__doc__
    assert doc is not None, f"{thing!r} has no docstring"
    return doc


def _capture() -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    return seen, httpx.MockTransport(handler)


def _method(client: object, prefix: str) -> Callable[..., Any]:
    names = [n for n in dir(client) if n.startswith(prefix)]
    assert len(names) == 1, names
    method: Callable[..., Any] = getattr(client, names[0])
    return method


def _query(request: httpx.Request) -> list[tuple[str, str]]:
    text = request.url.query.decode("ascii")
    return parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))


def _path(url: str) -> bytes:
    """The path httpx sends for ``url``: percent-encoded as httpx encodes it."""
    return httpx.URL(url).raw_path


# -- the tests ----------------------------------------------------------------------

IDS = list(LINE_PAYLOADS)


@pytest.mark.parametrize("payload", LINE_PAYLOADS.values(), ids=IDS)
def test_values_come_back_exactly(payload: str, tmp_path: Path) -> None:
    module, _ = _check_same_shape(_main_spec, payload, tmp_path)
    spec = _main_spec(payload)
    client_class = _client(module)
    method_spec = spec["Methods"][0]

    # Module constants and the authentication class.
    assert spec["BaseUrl"] == module.BASE_URL
    assert f"key {payload}" == module.ApiKeyAuth.PARAMETER
    assert f"pre {payload} {{ApiKey}} post {payload}" == module.ApiKeyAuth.FORMAT

    # Argument defaults.
    init = inspect.signature(client_class.__init__).parameters
    assert init["region"].default == payload
    assert init["plain"].default == f"plain {payload}"
    get = inspect.signature(_method(client_class, "get_")).parameters
    assert get["query"].default == payload
    assert get["body"].default == payload
    assert get["pick"].default == payload

    # Docstrings.
    assert module.__doc__ is not None
    assert module.__doc__.startswith(f"{_doc(spec['Name'], 0)} API client: ")
    assert _doc(spec["Description"], 0) in module.__doc__
    for cls in (client_class, _client(module, asynchronous=True)):
        doc = _docstring(cls)
        kind = "Client" if cls is client_class else "Async client"
        assert doc.startswith(f"{kind} for {_doc(spec['Name'], 4)}.")
        assert _doc(spec["Description"], 4) in doc
        assert f"region: {_clause(f'Region {payload}')}." in doc
        assert f"Default {_doc(payload, 12)}." in doc
        note = next(n for n in init if n.startswith("note"))
        assert f"{note}: {_clause(payload)}" in doc
        for name in ("get_", "form_"):
            method_doc = _docstring(_method(cls, name))
            source = spec["Methods"][0 if name == "get_" else 1]
            assert method_doc.startswith(f"{_doc(source['Name'], 8)}.")
        method_doc = _docstring(_method(cls, "get_"))
        assert _doc(method_spec["Description"], 8) in method_doc
        assert f"``POST {_doc(method_spec['EndPoint'], 8)}``" in method_doc
        assert f"query: {_clause(f'Query {payload}', 16)} (QueryString " in method_doc
        merge = f"Id{_merge_name_safe(payload)}"
        assert f"item_id: {_clause(f'Merge {payload}', 16)} (MergeField " in method_doc
        assert f"(MergeField {_doc(merge, 16)})." in method_doc
        assert f"(QueryString {_doc(f'q {payload}', 16)}, default " in method_doc
        assert f"(Body {_doc(f'b {payload}', 16)}, default {_doc(payload, 16)})" in (
            method_doc
        )

    # The wire: defaults and explicit values go out exactly.
    seen, transport = _capture()
    client = client_class(api_key=API_KEY, transport=transport)
    assert client._properties == {  # the spec's Names as keys, exactly
        "Region": payload,
        f"Note {payload}": None,
        "Plain": f"plain {payload}",
    }
    item = f"item {payload}/?#%"
    assert _method(client, "get_")(item_id=item) == {"ok": True}
    _method(client, "get_")(item_id="i", choice=payload, pick="plain")
    _method(client, "form_")()
    first, second, form = seen

    base = spec["BaseUrl"].replace("{{Region}}", quote(payload, safe=""))
    endpoint = f"/items/{_url_safe(payload)}/{quote(item, safe='')}/x"
    assert first.url.raw_path.split(b"?")[0] == _path(base + endpoint)
    assert first.url.host == "api.example.com"
    auth_value = f"pre {payload} {API_KEY} post {payload}"
    assert _query(first) == [(f"q {payload}", payload), (f"key {payload}", auth_value)]
    assert json.loads(first.content) == {
        f"b {payload}": payload,
        f"pick {payload}": payload,
    }
    assert _query(second) == [
        (f"q {payload}", payload),
        (f"choice {payload}", payload),
        (f"key {payload}", auth_value),
    ]
    assert json.loads(second.content)[f"pick {payload}"] == "plain"
    assert form.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(form.content.decode("ascii"), keep_blank_values=True) == [
        (f"f {payload}", payload)
    ]
    with pytest.raises(ValueError, match="choice must be one of"):
        _method(client, "get_")(item_id="i", choice=payload + "?")
    client.close()


@pytest.mark.parametrize("payload", LINE_PAYLOADS.values(), ids=IDS)
def test_async_client_sends_the_same(payload: str, tmp_path: Path) -> None:
    module, _ = _compile(_main_spec(payload), tmp_path)
    sync_seen, sync_transport = _capture()
    client = _client(module)(api_key=API_KEY, transport=sync_transport)
    _method(client, "get_")(item_id=payload)
    seen, transport = _capture()  # MockTransport serves async clients too

    async def call() -> None:
        async_client = _client(module, asynchronous=True)
        async with async_client(api_key=API_KEY, transport=transport) as client:
            await _method(client, "get_")(item_id=payload)

    asyncio.run(call())
    (sent,), (expected,) = seen, sync_seen
    assert sent.url == expected.url
    assert sent.content == expected.content
    assert sent.headers == expected.headers


@pytest.mark.parametrize("payload", LINE_PAYLOADS.values(), ids=IDS)
def test_header_names_and_values(payload: str, tmp_path: Path) -> None:
    module, _ = _check_same_shape(_header_spec, payload, tmp_path)
    spec = _header_spec(payload)
    auth = spec["Authentication"]
    assert auth["Header"] == module.ApiKeyAuth.HEADER
    assert auth["Format"] == module.ApiKeyAuth.FORMAT
    header_default = spec["Methods"][0]["Parameters"][0]["Default"]
    seen, transport = _capture()
    client = _client(module)(api_key=API_KEY, transport=transport)
    client.send()
    client.send(evil="other", x_choice=f"{_header_safe(payload)}!")
    first, second = seen
    assert first.headers[auth["Header"]] == auth["Format"].replace("{ApiKey}", API_KEY)
    assert first.headers["X-Evil'#!$%&*+.^_`|~"] == header_default
    assert "X-Choice" not in first.headers
    assert second.headers["X-Evil'#!$%&*+.^_`|~"] == "other"
    assert second.headers["X-Choice"] == f"{_header_safe(payload)}!"
    doc = _docstring(client.send)
    assert f"evil: {_clause(f'Header {payload}', 16)} (HttpHeader " in doc


@pytest.mark.parametrize("request_format", ["Json", "Form"])
@pytest.mark.parametrize("payload", LINE_PAYLOADS.values(), ids=IDS)
def test_auth_fields_names_and_keys(
    payload: str, request_format: str, tmp_path: Path
) -> None:
    module, _ = _check_same_shape(
        lambda p: _auth_fields_spec(p, request_format), payload, tmp_path
    )
    client_class = _client(module)
    arguments = list(inspect.signature(client_class.__init__).parameters)
    account = next(n for n in arguments if n.startswith("account"))
    doc = _docstring(client_class)
    assert f"{account}: {_clause(f'Account {payload}')}. Environment variable" in doc
    assert f"token: {_clause(f'The token {payload}')}. Environment variable" in doc
    seen, transport = _capture()
    client = client_class(
        **{account: f"A {payload}", "token": f"T {payload}"}, transport=transport
    )
    client.post()
    (request,) = seen
    expected = {
        f"msg {payload}": payload,
        f"acct {payload}": f"A {payload}",
        f"tok {payload}": f"T {payload}",
    }
    if request_format == "Json":
        assert json.loads(request.content) == expected
    else:
        pairs = parse_qsl(request.content.decode("ascii"), keep_blank_values=True)
        assert dict(pairs) == expected and len(pairs) == 3


@pytest.mark.parametrize("prose", PROSE_PAYLOADS.values(), ids=list(PROSE_PAYLOADS))
def test_prose_keeps_its_line_breaks_exactly(prose: str, tmp_path: Path) -> None:
    """Descriptions and body Defaults may run over lines: TAB, LF and CR carry
    through exactly, into docstrings and onto the wire, and change no code."""
    line = _line(prose)
    module, text = _compile(_main_spec(line, prose), tmp_path)
    skeleton, names, _ = _twin(_main_spec(HARMLESS))
    assert _skeleton(text) == skeleton, "spec text changed the code"
    assert _module_names(module) == names
    spec = _main_spec(line, prose)
    assert module.__doc__ is not None
    assert _doc(spec["Description"], 0) in module.__doc__
    client_class = _client(module)
    method_doc = _docstring(_method(client_class, "get_"))
    assert _doc(spec["Methods"][0]["Description"], 8) in method_doc
    assert (
        inspect.signature(_method(client_class, "get_")).parameters["body"].default
        == prose
    )
    seen, transport = _capture()
    client = client_class(api_key=API_KEY, transport=transport)
    _method(client, "get_")(item_id="i")
    _method(client, "form_")()
    first, form = seen
    assert json.loads(first.content)[f"b {line}"] == prose
    assert parse_qsl(form.content.decode("ascii"), keep_blank_values=True) == [
        (f"f {line}", prose)
    ]
    client.close()


# One text of each kind a spec holds, and where a control character goes in it.
CONTROL_PLACES: dict[str, tuple[str | int, ...]] = {
    "name": ("Name",),
    "property_default": ("Properties", 0, "Default"),
    "query_default": ("Methods", 0, "Parameters", 1, "Default"),
    "target_name": ("Methods", 0, "Parameters", 1, "TargetName"),
    "values_item": ("Methods", 0, "Parameters", 2, "Values", 1),
    "description": ("Methods", 0, "Description"),
    "body_default": ("Methods", 0, "Parameters", 3, "Default"),
    "query_format": ("Authentication", "Format"),
}
CONTROL_CHARACTERS = {
    "nul": "\x00",
    "bell": "\x07",
    "escape": "\x1b",
    "delete": "\x7f",
    "next_line": "\x85",
    "c1": "\x9b",
    "line_separator": "\u2028",
    "paragraph_separator": "\u2029",
    "rlo": "\u202e",
    "isolate": "\u2066",
    "rlm": "\u200f",
    "arabic_mark": "\u061c",
}


@pytest.mark.parametrize("place", CONTROL_PLACES.values(), ids=list(CONTROL_PLACES))
@pytest.mark.parametrize(
    "char", CONTROL_CHARACTERS.values(), ids=list(CONTROL_CHARACTERS)
)
def test_a_control_character_anywhere_is_one_located_error(
    place: tuple[str | int, ...], char: str, tmp_path: Path
) -> None:
    spec = _main_spec(HARMLESS)
    target: Any = spec
    for part in place:
        target = target[part]
    # Three of them in one text: still one error, naming the first.
    value = f"{target}{char}x{char}{char}"
    text = _dump(_with(spec, place, value))
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        compile_spec(path)
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.line, diagnostic.column) in _positions(text, place)
    assert f"holds the control character U+{ord(char):04X}" in diagnostic.message
    assert diagnostic.message.endswith(", and 2 more")


@pytest.mark.parametrize("char", ["\t", "\n", "\r"], ids=["tab", "lf", "cr"])
@pytest.mark.parametrize(
    "place",
    [
        p
        for name, p in CONTROL_PLACES.items()
        if name not in ("description", "body_default")
    ],
    ids=[n for n in CONTROL_PLACES if n not in ("description", "body_default")],
)
def test_a_line_break_outside_prose_is_one_located_error(
    place: tuple[str | int, ...], char: str, tmp_path: Path
) -> None:
    spec = _main_spec(HARMLESS)
    target: Any = spec
    for part in place:
        target = target[part]
    text = _dump(_with(spec, place, f"{target}{char}x"))
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        compile_spec(path)
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.line, diagnostic.column) in _positions(text, place)
    assert f"U+{ord(char):04X}" in diagnostic.message
    assert "only a Description or a body parameter's Default" in diagnostic.hint


def test_a_control_character_in_a_key_is_one_located_error(tmp_path: Path) -> None:
    spec = _main_spec(HARMLESS)
    spec["Methods"][0]["Desc\u202eription"] = spec["Methods"][0].pop("Description")
    text = _dump(spec)
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        compile_spec(path)
    [diagnostic] = caught.value.diagnostics
    assert "ription" in diagnostic.source_line.split(":")[0]
    assert diagnostic.message.startswith("this key holds the control character U+202E")


# -- refused, with the place ----------------------------------------------------


def _positions(text: str, path: tuple[str | int, ...]) -> set[tuple[int, int]]:
    """1-based line and column of the value at ``path`` and of its key, if any.

    Read with plain PyYAML, not with the compiler's loader that is under test.
    """
    node = yaml.compose(text)
    assert node is not None
    key = None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            key, node = next((k, v) for k, v in node.value if k.value == part)
        else:
            assert isinstance(node, yaml.SequenceNode)
            key, node = None, node.value[int(part)]
    found = {(node.start_mark.line + 1, node.start_mark.column + 1)}
    if key is not None:
        found.add((key.start_mark.line + 1, key.start_mark.column + 1))
    return found


def _refused(
    spec: dict[str, Any], path: tuple[str | int, ...], words: str, tmp_path: Path
) -> str:
    """Compile ``spec``; it must fail with one error at ``path`` that says ``words``."""
    text = _dump(spec)
    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        compile_spec(spec_path)
    places = _positions(text, path)
    located = [d for d in caught.value.diagnostics if (d.line, d.column) in places]
    headlines = "\n".join(d.headline for d in caught.value.diagnostics)
    assert located, f"no error at {places}:\n{headlines}"
    assert any(words in d.headline for d in located), headlines
    assert all(d.file == spec_path.as_posix() for d in caught.value.diagnostics)
    return headlines


def _with(
    spec: dict[str, Any], path: tuple[str | int, ...], value: Any
) -> dict[str, Any]:
    copy: Any = json.loads(json.dumps(spec))
    target = copy
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    result: dict[str, Any] = copy
    return result


HEADER_VALUES = {
    "newline": ("Bearer\n{ApiKey}", "U+000A (LINE FEED)"),
    "carriage_return": ("Bearer {ApiKey}\r", "U+000D (CARRIAGE RETURN)"),
    "nul": ("Bearer\x00{ApiKey}", "control character"),
    "escape": ("Bearer \x1b{ApiKey}", "control character"),
    "non_ascii": ("Bearer {ApiKey} naïve", "not ASCII"),
    "smart_quotes": ("“Bearer {ApiKey}”", "not ASCII"),
    "leading_space": (" Bearer {ApiKey}", "whitespace"),
    "trailing_tab": ("Bearer {ApiKey}\t", "U+0009 (TAB)"),
}


@pytest.mark.parametrize(
    ("value", "words"), HEADER_VALUES.values(), ids=list(HEADER_VALUES)
)
def test_header_format_http_cannot_carry_is_refused(
    value: str, words: str, tmp_path: Path
) -> None:
    spec = _with(_header_spec(HARMLESS), ("Authentication", "Format"), value)
    headlines = _refused(spec, ("Authentication", "Format"), words, tmp_path)
    said = "control character" if _line(value) != value else "HTTP header"
    assert said in headlines and len(headlines.splitlines()) == 1, headlines


def test_query_format_may_hold_any_text(tmp_path: Path) -> None:
    """In a query parameter the same text is percent-encoded, so it is accepted
    (control characters apart: they are refused in every text)."""
    for value in {_line(value) for value, _ in HEADER_VALUES.values()}:
        spec = _with(_main_spec(HARMLESS), ("Authentication", "Format"), value)
        module, _ = _compile(spec, tmp_path / str(abs(hash(value))))
        assert value == module.ApiKeyAuth.FORMAT


@pytest.mark.parametrize(
    ("value", "words"), HEADER_VALUES.values(), ids=list(HEADER_VALUES)
)
def test_header_parameter_value_http_cannot_carry_is_refused(
    value: str, words: str, tmp_path: Path
) -> None:
    default = ("Methods", 0, "Parameters", 0, "Default")
    _refused(_with(_header_spec(HARMLESS), default, value), default, words, tmp_path)
    values = ("Methods", 0, "Parameters", 1, "Values")
    spec = _with(_header_spec(HARMLESS), values, ["plain", value])
    _refused(spec, (*values, 1), words, tmp_path)


@pytest.mark.parametrize(
    "name",
    ["X Evil", "X-Evil\n", 'X-"Evil"', "X-Évil", "X-Evil:", "X(Evil)", "X-Evil\x00"],
)
def test_header_names_http_cannot_carry_are_refused(name: str, tmp_path: Path) -> None:
    target = ("Methods", 0, "Parameters", 0, "TargetName")
    spec = _with(_header_spec(HARMLESS), target, name)
    words = "is not a valid HTTP header name"
    _refused(spec, target, words if _line(name) == name else "U+00", tmp_path)
    header = ("Authentication", "Header")
    _refused(_with(_header_spec(HARMLESS), header, name), header, "Header", tmp_path)


@pytest.mark.parametrize(
    ("endpoint", "words"),
    [
        ("/items/a\nb", "control character"),
        ("/items/a\tb", "control character"),
        ("/items/a\x00b", "control character"),
        ("/items/a\x7fb", "control character"),
        ("/items/{{Idharmless}}/x#top", "fragment"),
        ("/items/{{Idharmless}}/x?fixed=1", "query"),
    ],
)
def test_endpoint_text_a_url_cannot_carry_is_refused(
    endpoint: str, words: str, tmp_path: Path
) -> None:
    path = ("Methods", 0, "EndPoint")
    _refused(_with(_main_spec(HARMLESS), path, endpoint), path, words, tmp_path)


def test_endpoint_query_is_kept_when_no_parameter_replaces_it(tmp_path: Path) -> None:
    spec = _with(_main_spec(HARMLESS), ("Methods", 1, "EndPoint"), "/form?fixed=a%20b")
    module, _ = _compile(spec, tmp_path)
    seen, transport = _capture()
    _method(_client(module)(api_key=API_KEY, transport=transport), "form_")()
    assert seen[0].url.path == "/v1/harmless/harmless/form"
    assert _query(seen[0])[0] == ("fixed", "a b")


@pytest.mark.parametrize(
    ("base_url", "words"),
    [
        ("https://api.example.com/a b", "BaseUrl"),
        ("https://api.example.com/a\nb", "BaseUrl"),
        ("https://api.example.com/a\x01b", "control character"),
        ("https://api.example.com/a\x7f", "control character"),
        ("https://api.example.com/a#b", "fragment"),
        ("https://user:pw@api.example.com/", "credentials"),
    ],
)
def test_base_url_text_a_url_cannot_carry_is_refused(
    base_url: str, words: str, tmp_path: Path
) -> None:
    _refused(
        _with(_main_spec(HARMLESS), ("BaseUrl",), base_url),
        ("BaseUrl",),
        words,
        tmp_path,
    )


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (("Name",), "🎉"),
        (("Name",), "'''"),
        (("Name",), "class"),
        (("Methods", 0, "Name"), '🎉 """'),
        (("Methods", 0, "Name"), "import"),
        (("Properties", 1, "Name"), '"; 1'),
        (("Methods", 0, "Parameters", 1, "PythonName"), "_segment"),
        (("Name",), "Evil " + PAYLOADS["everything"]),  # too long for a file name
    ],
)
def test_names_that_give_no_python_name_are_refused(
    path: tuple[str | int, ...], name: str, tmp_path: Path
) -> None:
    spec = _with(_main_spec(HARMLESS), path, name)
    text = _dump(spec)
    (tmp_path / "spec.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        compile_spec(tmp_path / "spec.yaml")
    places = {(d.line, d.column) for d in caught.value.diagnostics}
    assert places & _positions(text, path), caught.value


# -- literal secrets ------------------------------------------------------------

SECRETS = {
    "api_key": (
        {"AuthType": "ApiKey", "ApiKey": "sk-live-123"},
        ("Authentication", "ApiKey"),
        "api_key",
    ),
    "password": (
        {"AuthType": "Basic", "Password": "hunter2"},
        ("Authentication", "Password"),
        "password",
    ),
    "client_secret": (
        {
            "AuthType": "OAuth2",
            "OAuth2Type": "ClientCredentials",
            "AccessTokenUrl": "https://auth.example.com/token",
            "ClientSecret": "s3cr3t",
        },
        ("Authentication", "ClientSecret"),
        "client_secret",
    ),
}


@pytest.mark.parametrize(
    ("auth", "path", "argument"), SECRETS.values(), ids=list(SECRETS)
)
def test_literal_secret_is_refused_with_where_to_put_it(
    auth: dict[str, Any], path: tuple[str, ...], argument: str, tmp_path: Path
) -> None:
    spec = _with(_main_spec(HARMLESS), ("Authentication",), auth)
    text = _dump(spec)
    (tmp_path / "spec.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        compile_spec(tmp_path / "spec.yaml")
    (diagnostic,) = [d for d in caught.value.diagnostics if path[-1] in d.message]
    assert (diagnostic.line, diagnostic.column) in _positions(text, path)
    assert "run time" in diagnostic.hint and argument in diagnostic.hint


def test_secret_default_is_refused(tmp_path: Path) -> None:
    spec = _main_spec(HARMLESS)
    spec["Properties"][1] |= {"Sensitive": True, "Default": "s3cr3t"}
    _refused(spec, ("Properties", 1, "Default"), "sensitive", tmp_path)
    header = _header_spec(HARMLESS)
    header["Methods"][0]["Parameters"][0]["TargetName"] = "Authorization"
    header["Methods"][0]["Parameters"][0]["Default"] = "Bearer s3cr3t"
    _refused(header, ("Methods", 0, "Parameters", 0, "Default"), "secret", tmp_path)
