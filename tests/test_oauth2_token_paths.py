"""OAuth 2 TokenResponse fields are field paths (issue 10): a provider that nests its
token response (``{"data": {"access_token": ...}}``) or names a field with a dot is
read as the spec says, against the OAuth 2 test server (authlib) with its token
responses rewritten as such a provider sends them. The standard case keeps its flat
code, without _field.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.oauth2_fixtures import PASSWORD, SALESFORCE
from tests.oauth2_server import OAuth2TestServer
from tests.support import compile_text, import_generated

pytestmark = pytest.mark.slow

SPEC = """\
SpecVersion: 1
Name: Nested Token
BaseUrl: https://api.example.com/api
Authentication:
  AuthType: OAuth2
  OAuth2Type: PasswordCredentials
  AccessTokenUrl: https://auth.example.com/token
  ClientAuthentication: Body
  TokenResponse:
{fields}
Methods:
  - Name: Limits
    HttpMethod: GET
    EndPoint: /limits
"""

NESTED = """\
    AccessToken: data.access_token
    RefreshToken: data.refresh_token
    ExpiresIn: data.expires_in
    RefreshTokenExpiresIn: data["refresh_token_expires_in"]
    InstanceUrl: data.links[0].href
"""

INSTANCE = "data.links[0].href"
ID_TOKEN = "an id token, a secret beside the access token"

DOTTED = """\
    AccessToken: '["token.value"]'
    ExpiresIn: '["token.ttl"]'
"""


def nested(body: dict[str, Any]) -> dict[str, Any]:
    """A token response as a provider that nests it sends it."""
    inner = dict(body)
    instance = inner.pop("instance_url", None)
    if instance is not None:
        inner["links"] = [{"href": instance}]
    inner["id_token"] = ID_TOKEN
    return {"data": inner, "status": "ok"}


def dotted(body: dict[str, Any]) -> dict[str, Any]:
    """A token response whose field names hold dots."""
    rest = dict(body)
    return {
        "token.value": rest.pop("access_token"),
        "token.ttl": rest.pop("expires_in"),
        **rest,
    }


def client_for(
    module: ModuleType, server: OAuth2TestServer, *, asynchronous: bool = False
) -> Any:
    cls = module.AsyncNestedTokenClient if asynchronous else module.NestedTokenClient
    return cls(
        client_id=SALESFORCE.client_id,
        client_secret=SALESFORCE.client_secret,
        username="alice",
        password=PASSWORD,
        token_endpoint=server.token_url(),
        base_url=server.url + "/api",
    )


@pytest.fixture
def nested_module(tmp_path: Path) -> ModuleType:
    return compile_text(SPEC.format(fields=NESTED), tmp_path)


def test_a_nested_token_response_is_read_by_its_paths(
    nested_module: ModuleType, oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    oauth2_server.refresh_token_lifetime = 86400
    oauth2_server.extra_token_fields = {"instance_url": oauth2_server.url}
    oauth2_server.token_envelope = nested
    store = nested_module.FileTokenStore(tmp_path / "token.json")
    client = nested_module.NestedTokenClient(
        client_id=SALESFORCE.client_id,
        client_secret=SALESFORCE.client_secret,
        username="alice",
        password=PASSWORD,
        token_endpoint=oauth2_server.token_url(),
        base_url="http://127.0.0.1:9/api",  # moved to the instance URL, or it fails
        token_store=store,
    )
    assert client.limits()["path"] == "limits"
    token = client.token
    issued = oauth2_server.tokens[token["access_token"]]
    # The standard fields, under their standard names, once each.
    assert token["refresh_token"] == issued.refresh_token
    assert token["expires_in"] == 3600
    assert token["refresh_token_expires_at"] >= token["expires_at"]
    # A nested InstanceUrl is kept under its path, as a flat one is under its name.
    assert token[INSTANCE] == oauth2_server.url
    # The object that held them is not kept: the id_token in it is in no repr.
    assert set(token) == {
        "access_token",
        "token_type",
        "expires_in",
        "expires_at",
        "refresh_token",
        "refresh_token_expires_at",
        "status",
        INSTANCE,
    }
    assert ID_TOKEN not in repr(token) and ID_TOKEN not in repr(client)
    stored = json.loads(store.path.read_text())
    assert stored == dict(token)
    assert ID_TOKEN not in store.path.read_text()
    # A refresh answered in the same shape is read the same way.
    oauth2_server.revoke_access_tokens()
    assert client.limits()["path"] == "limits"
    assert oauth2_server.token_requests["refresh_token"] == 1
    assert client.token["access_token"] != token["access_token"]
    assert client.token[INSTANCE] == oauth2_server.url


def test_a_nested_token_response_async(
    nested_module: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    oauth2_server.extra_token_fields = {"instance_url": oauth2_server.url}
    oauth2_server.token_envelope = nested

    async def run() -> tuple[Any, Any]:
        client = client_for(nested_module, oauth2_server, asynchronous=True)
        async with client:
            return await client.limits(), client.token

    result, token = asyncio.run(run())
    assert result["path"] == "limits"
    assert token["access_token"] in oauth2_server.tokens
    assert token["expires_in"] == 3600


def test_a_flat_response_to_a_nested_spec_is_refused_with_the_path(
    nested_module: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    client = client_for(nested_module, oauth2_server)
    with pytest.raises(nested_module.OAuth2Error, match=r"no 'data.access_token'"):
        client.limits()
    assert oauth2_server.resource_requests == 0


@pytest.mark.parametrize("asynchronous", [False, True])
def test_keys_with_dots_are_read_in_the_quoted_form(
    tmp_path: Path, oauth2_server: OAuth2TestServer, asynchronous: bool
) -> None:
    module = compile_text(SPEC.format(fields=DOTTED), tmp_path)
    oauth2_server.token_envelope = dotted

    async def run() -> tuple[Any, Any]:
        client = client_for(module, oauth2_server, asynchronous=True)
        async with client:
            return await client.limits(), client.token

    if asynchronous:
        result, token = asyncio.run(run())
    else:
        client = client_for(module, oauth2_server)
        result, token = client.limits(), client.token
    assert result["path"] == "limits"
    assert token["access_token"] in oauth2_server.tokens
    assert token["expires_in"] == 3600
    assert "token.value" not in token


def test_the_standard_case_reads_no_paths() -> None:
    # The flat token response keeps its dict lookups: no _field, no _take.
    for stem in ("salesforce", "google_calendar", "spotify"):
        source = Path(import_generated(stem).__file__ or "").read_text()
        assert "_take(" not in source and "ACCESS_TOKEN_PATH" not in source
        assert "fields.pop(self.ACCESS_TOKEN_FIELD, None)" in source


def test_nested_paths_are_literal_tuples(tmp_path: Path) -> None:
    module = compile_text(SPEC.format(fields=NESTED), tmp_path)
    assert module.OAuth2Auth.ACCESS_TOKEN_PATH == ("data", "access_token")
    assert module.OAuth2Auth.INSTANCE_URL_PATH == ("data", "links", 0, "href")
    source = Path(module.__file__ or "").read_text()
    assert "('data', 'links', 0, 'href')" in source or (
        '("data", "links", 0, "href")' in source
    )


@pytest.mark.parametrize("name", ["@token", "access token", "token"])
def test_a_name_without_path_marks_keeps_meaning_one_key(
    tmp_path: Path, oauth2_server: OAuth2TestServer, name: str
) -> None:
    # Backward compatible: a name written before paths (even one the path syntax
    # would refuse, with @ or a space) is the one key it always was.
    module = compile_text(SPEC.format(fields=f"    AccessToken: '{name}'\n"), tmp_path)
    source = Path(module.__file__ or "").read_text()
    assert "_take(" not in source
    oauth2_server.token_envelope = lambda body: {name: body.pop("access_token"), **body}
    client = client_for(module, oauth2_server)
    assert client.limits()["path"] == "limits"
    assert client.token["access_token"] in oauth2_server.tokens
    assert name not in client.token
