"""The schema in a real editor back end: ``yaml-language-server`` (the npm package
behind the common YAML editor extensions), installed by ``make lsp`` into .tools/ and
run headless over stdio. It finds the schema through each spec's modeline.

Skipped, with the reason in pytest's summary, where Node.js or the server is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compiler import SpecError, validate_spec
from tests.lsp import LanguageServer, node_problem
from tests.support import ROOT, SPECS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(node_problem() is not None, reason=str(node_problem())),
]

MODELINE = "# yaml-language-server: $schema=../schemas/connector.schema.json\n"

UNKNOWN_AUTH_TYPE = MODELINE + (
    "SpecVersion: 1\n"
    "Name: Bad\n"
    "BaseUrl: https://api.example.com\n"
    "Authentication:\n"
    "  AuthType: Oauth2\n"
    "Methods:\n"
    "  - { Name: Get, HttpMethod: GET, EndPoint: /x }\n"
)

NO_TOKEN_URL = MODELINE + (
    "SpecVersion: 1\n"
    "Name: Bad\n"
    "BaseUrl: https://api.example.com\n"
    "Authentication:\n"
    "  AuthType: OAuth2\n"
    "  OAuth2Type: ClientCredentials\n"
    "Methods:\n"
    "  - { Name: Get, HttpMethod: GET, EndPoint: /x }\n"
)


# One mistake each, which the editor must show as one diagnostic in our words
# (issue 15: a forbidden key showed only "Matches a schema that is not allowed", a
# wrong AuthType added a diagnostic for every other key of the block).
ONE_MISTAKE = {
    "forbidden_key": NO_TOKEN_URL.replace(
        "  OAuth2Type: ClientCredentials\n",
        "  OAuth2Type: ClientCredentials\n"
        "  AccessTokenUrl: https://auth.example.com/token\n"
        "  ClientSecret: abc\n",
    ),
    "wrong_auth_type_with_keys": NO_TOKEN_URL.replace(
        "AuthType: OAuth2", "AuthType: OAuth3"
    ).replace(
        "  OAuth2Type: ClientCredentials\n",
        "  OAuth2Type: ClientCredentials\n"
        "  AccessTokenUrl: https://auth.example.com/token\n"
        "  Scopes: [read]\n",
    ),
    "base_url_pattern": UNKNOWN_AUTH_TYPE.replace(
        "https://api.example.com", "api.example.com"
    ).replace("Oauth2", "None"),
    "endpoint_pattern": UNKNOWN_AUTH_TYPE.replace(
        "EndPoint: /x", "EndPoint: x"
    ).replace("Oauth2", "None"),
}
ONE_MISTAKE_SAYS = {
    "forbidden_key": (
        9,
        17,
        "Not allowed in a spec: secrets and client credentials are supplied at "
        "run time, as constructor arguments or through from_env().",
    ),
    "wrong_auth_type_with_keys": (
        6,
        13,
        'Value is not accepted. Valid values: "ApiKey", "Basic", "OAuth1", '
        '"OAuth2", "None", "AuthFields", "Session", "Jwt".',
    ),
    "base_url_pattern": (
        4,
        10,
        "Must be an absolute http:// or https:// URL without spaces, such as "
        "https://api.example.com/v1.",
    ),
    "endpoint_pattern": (
        8,
        45,
        "Must be a path that starts with /, such as /items/{{Id}}.",
    ),
}


# A tab where YAML allows none. Where the parser's recovery keeps the structure, the
# editor shows the one YAML error. Where the tab indents a key of a block (issue 15:
# "one tab gives eleven", now three), yaml-language-server still validates the
# document its parser recovered (yamlValidation.doValidation adds the schema's
# diagnostics to the syntax errors, with no filter for a document that has some),
# and in that document the block is empty (`Authentication: null`) and its key
# stands at the top level: two real schema errors of that document, which a schema
# could hide only by accepting an empty Authentication and unknown top-level keys,
# and the compiler validates with the same schema. So three, the tab's own first.
TABS = {
    "tab_in_list": NO_TOKEN_URL.replace("AuthType: OAuth2", "AuthType: None")
    .replace("  OAuth2Type: ClientCredentials\n", "")
    .replace("EndPoint: /x }\n", "EndPoint: /x }\n\tDescription: x\n"),
    "tab_in_block": NO_TOKEN_URL.replace("AuthType: OAuth2", "AuthType: None")
    .replace("  OAuth2Type: ClientCredentials\n", "")
    .replace("  AuthType", "\tAuthType"),
}
TABS_SAY = {
    "tab_in_list": [(9, 1, "Tabs are not allowed as indentation")],
    "tab_in_block": [
        (5, 16, 'Incorrect type. Expected "Authentication".'),
        (6, 1, "Tabs are not allowed as indentation"),
        (6, 2, "Property AuthType is not allowed."),
    ],
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder: the schema, the good specs, and a few broken ones."""
    root = tmp_path_factory.mktemp("workspace")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copytree(SPECS, root / "specs")
    broken = root / "broken"
    broken.mkdir()
    (broken / "unknown_auth_type.yaml").write_text(UNKNOWN_AUTH_TYPE)
    (broken / "no_token_url.yaml").write_text(NO_TOKEN_URL)
    (broken / "empty.yaml").write_text(MODELINE + "\n")
    for name, text in TABS.items():
        (broken / f"{name}.yaml").write_text(text)
    for name, text in ONE_MISTAKE.items():
        (broken / f"{name}.yaml").write_text(text)
    (broken / "authentication.yaml").write_text(
        MODELINE + "SpecVersion: 1\nAuthentication:\n  \n"
    )
    return root


@pytest.fixture(scope="module")
def server(workspace: Path) -> Iterator[LanguageServer]:
    started = LanguageServer(workspace)
    try:
        yield started
    finally:
        started.close()


def _simple(diagnostics: list[dict[str, Any]]) -> list[tuple[int, int, str]]:
    """(line, column, message), 1-based as our diagnostics count."""
    return sorted(
        (
            d["range"]["start"]["line"] + 1,
            d["range"]["start"]["character"] + 1,
            d["message"],
        )
        for d in diagnostics
    )


@pytest.mark.parametrize("spec", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.stem)
def test_good_specs_have_no_diagnostics(
    spec: Path, workspace: Path, server: LanguageServer
) -> None:
    assert server.diagnostics(workspace / "specs" / spec.name) == []


def test_unknown_auth_type(workspace: Path, server: LanguageServer) -> None:
    path = workspace / "broken" / "unknown_auth_type.yaml"
    [found] = server.diagnostics(path)
    assert _simple([found]) == [
        (
            6,
            13,
            'Value is not accepted. Valid values: "ApiKey", "Basic", "OAuth1", '
            '"OAuth2", "None", "AuthFields", "Session", "Jwt".',
        )
    ]
    assert found["severity"] == 1  # an error
    assert found["source"] == "yaml-schema: Connector spec"  # our schema's title
    # Our compiler points at the same place.
    with pytest.raises(SpecError) as caught:
        validate_spec(path)
    # Ours also checks the block as the OAuth2 that was meant (issue 15), so it
    # says what else the block lacks; the AuthType error stands at the same place.
    [ours] = [d for d in caught.value.diagnostics if "AuthType" in d.message]
    assert (ours.line, ours.column) == (6, 13)
    assert ours.message == "unknown AuthType 'Oauth2'"


@pytest.mark.parametrize("name", sorted(ONE_MISTAKE))
def test_one_mistake_is_one_diagnostic_in_our_words(
    name: str, workspace: Path, server: LanguageServer
) -> None:
    path = workspace / "broken" / f"{name}.yaml"
    assert _simple(server.diagnostics(path)) == [ONE_MISTAKE_SAYS[name]]
    # The compiler reports the mistake at the same line.
    with pytest.raises(SpecError) as caught:
        validate_spec(path)
    assert ONE_MISTAKE_SAYS[name][0] in {d.line for d in caught.value.diagnostics}


@pytest.mark.parametrize("name", sorted(TABS))
def test_a_tab_gives_the_diagnostics_the_server_must(
    name: str, workspace: Path, server: LanguageServer
) -> None:
    path = workspace / "broken" / f"{name}.yaml"
    assert _simple(server.diagnostics(path)) == TABS_SAY[name]
    # The compiler says it once, at the tab.
    with pytest.raises(SpecError) as caught:
        validate_spec(path)
    [ours] = caught.value.diagnostics
    [tab] = [d for d in TABS_SAY[name] if d[2].startswith("Tabs")]
    assert "tab" in ours.message and (ours.line, ours.column) == tab[:2]


def test_oauth2_without_access_token_url(
    workspace: Path, server: LanguageServer
) -> None:
    path = workspace / "broken" / "no_token_url.yaml"
    # The server marks the Authentication key; our compiler marks the mapping's
    # first key, a line below.
    assert _simple(server.diagnostics(path)) == [
        (5, 1, 'Missing property "AccessTokenUrl".')
    ]
    with pytest.raises(SpecError) as caught:
        validate_spec(path)
    [ours] = caught.value.diagnostics
    assert (ours.line, ours.column) == (6, 3)
    assert "is missing 'AccessTokenUrl'" in ours.message


def test_hover_shows_the_schema_description(
    workspace: Path, server: LanguageServer
) -> None:
    spec = workspace / "specs" / "spotify.yaml"
    server.diagnostics(spec)
    line = spec.read_text().splitlines().index("  AuthType: OAuth2")
    hover = server.request(
        "textDocument/hover",
        {
            "textDocument": {"uri": spec.as_uri()},
            "position": {"line": line, "character": 4},
        },
    )
    text = hover["contents"]["value"]
    assert "The authentication scheme:" in text  # our markdownDescription
    assert "- `AuthFields`: fields in the request body" in text


@pytest.mark.parametrize(
    ("name", "auth_type"), [("spotify", "OAuth2"), ("mailchimp", "ApiKey")]
)
def test_hover_on_authentication_shows_its_branch(
    name: str, auth_type: str, workspace: Path, server: LanguageServer
) -> None:
    """Each AuthType branch has a markdownDescription of its own, with an example."""
    spec = workspace / "specs" / f"{name}.yaml"
    server.diagnostics(spec)
    line = spec.read_text().splitlines().index("Authentication:")
    hover = server.request(
        "textDocument/hover",
        {
            "textDocument": {"uri": spec.as_uri()},
            "position": {"line": line, "character": 3},
        },
    )
    text = hover["contents"]["value"]
    assert f"**`AuthType: {auth_type}`**" in text
    assert f"```yaml\nAuthType: {auth_type}\n" in text


def _completion_labels(server: LanguageServer, path: Path, line: int) -> list[str]:
    server.diagnostics(path)
    result = server.request(
        "textDocument/completion",
        {
            "textDocument": {"uri": path.as_uri()},
            "position": {"line": line, "character": 2 if line > 1 else 0},
        },
    )
    return [item["label"] for item in result["items"]]


def test_completion_offers_a_new_spec(workspace: Path, server: LanguageServer) -> None:
    labels = _completion_labels(server, workspace / "broken" / "empty.yaml", 1)
    assert "New connector spec" in labels
    assert {"SpecVersion", "Name", "BaseUrl", "Authentication", "Methods"} <= set(
        labels
    )


def test_completion_offers_each_auth_type_and_no_secret(
    workspace: Path, server: LanguageServer
) -> None:
    labels = _completion_labels(server, workspace / "broken" / "authentication.yaml", 3)
    for snippet in (
        "ApiKey",
        "Basic",
        "None",
        "AuthFields",
        "OAuth1",
        "OAuth2 AuthorisationCode",
        "OAuth2 ClientCredentials",
        "OAuth2 PasswordCredentials",
    ):
        assert snippet in labels
    assert "ClientSecret" not in labels  # doNotSuggest on run-time secrets


def test_the_skip_reason_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    assert node_problem() == (
        "node is not installed: the yaml-language-server test needs Node.js 20+"
    )
