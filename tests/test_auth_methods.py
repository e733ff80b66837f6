"""Several authentication methods per connector (issue 11, item 3).

The Asana example (an OAuth 2 app, or a personal access token as an ApiKey Bearer)
is driven through both of its methods, sync and async, against the OAuth 2 test
server, whose API checks every Bearer token it is sent; a spec with Basic, ApiKey
and None entries against httpbin. mypy checks the typed constructor per method.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.oauth2_fixtures import REDIRECT_URI, SPOTIFY, consent, oauth2_server
from tests.oauth2_server import OAuth2TestServer, RegisteredClient
from tests.support import ROOT, import_generated

__all__ = ["oauth2_server"]  # the fixture, imported for the tests below

pytestmark = pytest.mark.slow

ASANA_APP = RegisteredClient(
    "asana-app",
    "asana-secret",
    "client_secret_basic",
    ("authorization_code", "refresh_token"),
)


@pytest.fixture(scope="module")
def asana() -> ModuleType:
    return import_generated("asana")


@pytest.fixture
def server(oauth2_server: OAuth2TestServer) -> OAuth2TestServer:
    oauth2_server.register(ASANA_APP)
    return oauth2_server


def personal_token(server: OAuth2TestServer) -> str:
    """An access token the server accepts, issued to another app: what a personal
    access token is to the API (a Bearer token the user pasted)."""
    answer = httpx.post(
        server.token_url(),
        data={"grant_type": "client_credentials"},
        auth=(SPOTIFY.client_id, str(SPOTIFY.client_secret)),
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def oauth2_client(module: ModuleType, server: OAuth2TestServer, cls: str) -> Any:
    return getattr(module, cls)(
        auth="oauth2",
        client_id=ASANA_APP.client_id,
        client_secret=ASANA_APP.client_secret,
        authorization_endpoint=server.authorize_url(),
        token_endpoint=server.token_url(),
        base_url=server.api_url(),
    )


def test_module_lists_its_methods(asana: ModuleType) -> None:
    assert asana.AUTH_METHODS == ("oauth2", "personal_token")
    assert {"AUTH_METHODS", "AuthMethodNotAllowed", "ApiKeyAuth", "OAuth2Auth"} <= set(
        asana.__all__
    )


def test_oauth2_method_on_the_wire(asana: ModuleType, server: OAuth2TestServer) -> None:
    with oauth2_client(asana, server, "AsanaClient") as client:
        assert client.auth_method == "oauth2"
        request = client.authorization_url(REDIRECT_URI)
        client.fetch_token(consent(request.url))
        me = client.get_me()
        assert (me["path"], me["method"]) == ("users/me", "GET")
        assert (me["user"], me["client_id"]) == ("alice", "asana-app")
        # The method only the OAuth 2 entry may call.
        info = client.get_user_info()
        assert info["path"] == "openid_connect/userinfo"
        created = client.create_task(name="Write tests", workspace="42")
        assert created["body"] == {"name": "Write tests", "workspace": "42"}
    assert server.token_requests["authorization_code"] == 1
    # client_secret_basic: the secret went in the Authorization header only.
    assert "client_secret" not in server.token_forms[0]
    assert server.token_headers[0]["Authorization"].startswith("Basic ")


def test_oauth2_method_async(asana: ModuleType, server: OAuth2TestServer) -> None:
    async def run() -> None:
        async with oauth2_client(asana, server, "AsyncAsanaClient") as client:
            request = client.authorization_url(REDIRECT_URI)
            location = await asyncio.to_thread(consent, request.url)
            await client.fetch_token(location)
            results = await asyncio.gather(*(client.get_me() for _ in range(8)))
            assert {r["client_id"] for r in results} == {"asana-app"}
            assert (await client.get_user_info())["user"] == "alice"

    asyncio.run(run())
    assert server.token_requests["authorization_code"] == 1


def test_personal_token_method_on_the_wire(
    asana: ModuleType, server: OAuth2TestServer
) -> None:
    token = personal_token(server)
    server.reset_counts()
    client = asana.AsanaClient(
        auth="personal_token", api_key=token, base_url=server.api_url()
    )
    with client:
        assert client.auth_method == "personal_token"
        me = client.get_me()
        # The server accepted the key as a Bearer token: it names the app it issued to.
        assert (me["path"], me["client_id"]) == ("users/me", SPOTIFY.client_id)
        assert client.list_workspaces()["path"] == "workspaces"
        sent = server.resource_requests
        with pytest.raises(asana.AuthMethodNotAllowed) as refused:
            client.get_user_info()
        assert server.resource_requests == sent  # refused before any request
        assert refused.value.auth == "personal_token"
        assert refused.value.allowed == ("oauth2",)
        assert str(refused.value) == (
            "Get User Info is not available with auth='personal_token'; "
            "it needs auth='oauth2'"
        )
        # The OAuth 2 flow is the oauth2 entry's alone: a typed error instead.
        with pytest.raises(asana.AuthMethodNotAllowed, match="OAuth2 authentication"):
            client.authorization_url(REDIRECT_URI)
        with pytest.raises(asana.AuthMethodNotAllowed):
            _ = client.token
        assert token not in repr(client)
    assert server.token_request_count == 0


def test_personal_token_method_async(
    asana: ModuleType, server: OAuth2TestServer
) -> None:
    token = personal_token(server)

    async def run() -> None:
        async with asana.AsyncAsanaClient(
            auth="personal_token", api_key=token, base_url=server.api_url()
        ) as client:
            assert (await client.get_me())["client_id"] == SPOTIFY.client_id
            with pytest.raises(asana.AuthMethodNotAllowed):
                await client.get_user_info()

    asyncio.run(run())


def test_wrong_personal_token_is_refused_and_masked(
    asana: ModuleType, server: OAuth2TestServer
) -> None:
    key = "not-a-token-the-server-issued"
    with (
        asana.AsanaClient(
            auth="personal_token", api_key=key, base_url=server.api_url()
        ) as client,
        pytest.raises(asana.AsanaError) as failed,
    ):
        client.get_me()
    assert failed.value.status_code == 401
    assert key not in str(failed.value)


def test_constructor_checks_the_method_and_its_arguments(asana: ModuleType) -> None:
    with pytest.raises(ValueError, match="auth must be one of oauth2, personal_token"):
        asana.AsanaClient(auth="cookie", api_key="k")
    with pytest.raises(TypeError, match=r"auth='personal_token' needs api_key="):
        asana.AsanaClient(auth="personal_token", client_id="id")
    with pytest.raises(TypeError, match=r"auth='oauth2' needs client_id="):
        asana.AsanaClient(auth="oauth2", api_key="k")


def test_from_env_picks_the_method(asana: ModuleType, server: OAuth2TestServer) -> None:
    token = personal_token(server)
    env = {"ASANA_AUTH": "personal_token", "ASANA_API_KEY": token}
    with asana.AsanaClient.from_env(env, base_url=server.api_url()) as client:
        assert client.auth_method == "personal_token"
        assert client.get_me()["client_id"] == SPOTIFY.client_id
    # auth= wins over ASANA_AUTH, and then that method's variables are needed.
    with pytest.raises(ValueError, match="ASANA_CLIENT_ID"):
        asana.AsanaClient.from_env(env, auth="oauth2")
    oauth_env = {
        "ASANA_CLIENT_ID": ASANA_APP.client_id,
        "ASANA_CLIENT_SECRET": str(ASANA_APP.client_secret),
    }
    client = asana.AsanaClient.from_env(oauth_env, auth="oauth2")
    assert client.auth_method == "oauth2"
    client.close()
    with pytest.raises(ValueError, match="ASANA_AUTH is not set"):
        asana.AsanaClient.from_env({"ASANA_API_KEY": token})
    with pytest.raises(ValueError, match="not 'Token'"):
        asana.AsanaClient.from_env({"ASANA_AUTH": "Token", "ASANA_API_KEY": token})


def test_mypy_checks_each_methods_arguments(tmp_path: Path) -> None:
    """The constructor has one typed signature per method: mypy refuses another
    method's arguments, and a missing one."""
    user = tmp_path / "use_asana.py"
    user.write_text(
        "from generated.asana import AsanaClient\n"
        "AsanaClient(auth='personal_token', api_key='k')\n"
        "AsanaClient(auth='oauth2', client_id='i', client_secret='s')\n"
        "AsanaClient(auth='personal_token', client_id='i')\n"
        "AsanaClient(auth='oauth2', api_key='k')\n"
        "AsanaClient(auth='cookie', api_key='k')\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(user)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "MYPYPATH": str(ROOT)},
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert sorted({int(line.split(":")[1]) for line in lines}) == [4, 5, 6], (
        result.stdout
    )


SIMPLE = """\
SpecVersion: 1
Name: Simple
BaseUrl: {base}
Authentication:
  - Name: basic
    AuthType: Basic
  - Name: key
    Description: A key in X-Api-Key.
    AuthType: ApiKey
    Header: X-Api-Key
  - Name: anonymous
    AuthType: None
Methods:
  - Name: Check Basic
    HttpMethod: GET
    EndPoint: /basic-auth/{{{{User}}}}/{{{{Password}}}}
    AuthMethods: [basic]
    Parameters:
      - {{ TargetType: MergeField, TargetName: User }}
      - {{ TargetType: MergeField, TargetName: Password }}
  - Name: Get Headers
    HttpMethod: GET
    EndPoint: /headers
"""


def test_basic_key_and_none_on_the_wire(
    httpbin: Any, compile_spec_text: Callable[[str], ModuleType]
) -> None:
    module = compile_spec_text(SIMPLE.format(base=httpbin.url))
    assert module.AUTH_METHODS == ("basic", "key", "anonymous")
    with module.SimpleClient(auth="basic", username="ann", password="p é") as client:
        assert client.check_basic(user="ann", password="p é")["authenticated"]
        with pytest.raises(module.SimpleError):
            client.check_basic(user="ann", password="other")
    with module.SimpleClient(auth="key", api_key="k-123") as client:
        headers = client.get_headers()["headers"]
        assert headers["X-Api-Key"] == "k-123"
        assert "Authorization" not in headers
        with pytest.raises(module.AuthMethodNotAllowed):
            client.check_basic(user="ann", password="p")
    with module.SimpleClient(auth="anonymous") as client:
        headers = client.get_headers()["headers"]
        assert "X-Api-Key" not in headers and "Authorization" not in headers

    async def run() -> None:
        async with module.AsyncSimpleClient(
            auth="basic", username="ann", password="pw"
        ) as client:
            assert (await client.check_basic(user="ann", password="pw"))[
                "authenticated"
            ]

    asyncio.run(run())
