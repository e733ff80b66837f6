"""Several authentication methods per connector (issue 11, item 3).

The Asana example (an OAuth 2 app, or a personal access token as an ApiKey Bearer)
is driven through both of its methods, sync and async, against the OAuth 2 test
server, whose API checks every Bearer token it is sent; a spec with Basic, ApiKey
and None entries against httpbin. mypy checks the typed constructor per method.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import jwt as pyjwt
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


# -- connectorc login / call --auth NAME ---------------------------------------------


def two_methods_spec(server: OAuth2TestServer) -> str:
    return f"""\
SpecVersion: 1
Name: Local Two
BaseUrl: {server.api_url()}
Authentication:
  - Name: oauth2
    AuthType: OAuth2
    OAuth2Type: AuthorisationCode
    AuthoriseUrl: {server.authorize_url()}
    AccessTokenUrl: {server.token_url()}
    Scopes: [read]
  - Name: token
    AuthType: ApiKey
    Format: "Bearer {{ApiKey}}"
Methods:
  - Name: Who Am I
    HttpMethod: GET
    EndPoint: /me
  - Name: User Info
    HttpMethod: GET
    EndPoint: /userinfo
    AuthMethods: [oauth2]
"""


def test_login_and_call_with_auth(server: OAuth2TestServer, tmp_path: Path) -> None:
    from compiler.call import describe_methods
    from compiler.live import CommandError, pick_auth
    from compiler.login import login
    from tests.test_login_call import (
        Visits,
        live_from,
        login_options,
        oauth2_browser,
        run_call,
    )

    live = live_from(two_methods_spec(server), tmp_path)
    assert "only with --auth oauth2" in describe_methods(live.connector)
    environ = {
        "LOCAL_TWO_CLIENT_ID": ASANA_APP.client_id,
        "LOCAL_TWO_CLIENT_SECRET": str(ASANA_APP.client_secret),
    }
    with pytest.raises(
        CommandError, match="pick one with --auth NAME or LOCAL_TWO_AUTH"
    ):
        pick_auth(live, None, environ)
    with pytest.raises(CommandError, match="use one of oauth2, token"):
        pick_auth(live, "cookie", environ)
    # login --auth oauth2: consent in the browser, the token saved.
    oauth2 = pick_auth(live, "oauth2", environ)
    store = login(oauth2, login_options(tmp_path, environ, oauth2_browser(Visits())))
    assert server.token_requests == {"authorization_code": 1}
    status, out = run_call(oauth2, "user_info", store=store, environ=environ)
    assert status == 0 and json.loads(out)["user"] == "alice"
    # call with the token method, picked by LOCAL_TWO_AUTH: no store, the key only.
    key_env = {"LOCAL_TWO_AUTH": "token", "LOCAL_TWO_API_KEY": personal_token(server)}
    keyed = pick_auth(live, None, key_env)
    status, out = run_call(keyed, "who_am_i", environ=key_env)
    assert status == 0 and json.loads(out)["client_id"] == SPOTIFY.client_id
    with pytest.raises(CommandError, match="use --auth oauth2"):
        run_call(keyed, "user_info", environ=key_env)
    # login has no token to get for an API key.
    with pytest.raises(CommandError, match="AuthType ApiKey"):
        login(keyed, login_options(tmp_path, key_env, oauth2_browser(Visits())))


# -- every stateful AuthType beside a simple one ------------------------------------

FIRST = {
    "session": "AuthType: Session\n    LoginUrl: {base}/login\n    TokenPath: token",
    "jwt": "AuthType: Jwt\n    Algorithm: HS256\n    Claims: {{ iss: me, aud: api }}\n"
    "    Lifetime: 300",
    "oauth1": "AuthType: OAuth1\n    RequestTokenUrl: {base}/request_token\n"
    "    AuthorizeUrl: {base}/authorize\n    AccessTokenUrl: {base}/access_token",
    "password": "AuthType: OAuth2\n    OAuth2Type: PasswordCredentials\n"
    "    AccessTokenUrl: {base}/token",
    "keys": "AuthType: ApiKey\n    Keys:\n"
    "      - {{ Name: ApiKey, Header: DD-API-KEY }}\n"
    "      - {{ Name: AppKey, Header: DD-APPLICATION-KEY }}",
}
FIRST_ARGUMENTS: dict[str, dict[str, str]] = {
    "session": {"username": "ann", "password": "pw"},
    "jwt": {"key": "a-secret-of-at-least-32-bytes-long!"},
    "oauth1": {
        "client_id": "ck",
        "client_secret": "cs",
        "token": "t",
        "token_secret": "s",
    },
    "password": {
        "client_id": "i",
        "client_secret": "s",
        "username": "ann",
        "password": "p",
    },
    "keys": {"api_key": "dd-1", "app_key": "dd-2"},
}
COMBO = """\
SpecVersion: 1
Name: Combo
BaseUrl: {base}
Authentication:
  - Name: first
    {first}
  - Name: second
    AuthType: Basic
Methods:
  - Name: Echo
    HttpMethod: GET
    EndPoint: /anything
  - Name: Echo Basic
    HttpMethod: GET
    EndPoint: /anything/basic
    AuthMethods: [second]
"""


@pytest.mark.parametrize("first", sorted(FIRST))
def test_a_list_with_each_kind(
    first: str, httpbin: Any, compile_spec_text: Callable[[str], ModuleType]
) -> None:
    """Each kind compiles beside Basic (the two entries share username and password
    where both have them); the Basic entry goes on the wire, the first one refuses
    what only Basic may call before any request."""
    base = httpbin.url
    module = compile_spec_text(
        COMBO.format(base=base, first=FIRST[first].format(base=base))
    )
    arguments = FIRST_ARGUMENTS[first]
    with module.ComboClient(auth="first", **arguments) as client:
        assert client.auth_method == "first"
        with pytest.raises(module.AuthMethodNotAllowed):
            client.echo_basic()
        if first == "keys":
            headers = client.echo()["headers"]
            assert (headers["Dd-Api-Key"], headers["Dd-Application-Key"]) == (
                "dd-1",
                "dd-2",
            )
        if first == "jwt":
            sent = client.echo()["headers"]["Authorization"]
            claims = pyjwt.decode(
                sent.removeprefix("Bearer "),
                arguments["key"],
                algorithms=["HS256"],
                audience="api",
            )
            assert claims["iss"] == "me"
    env = {"COMBO_AUTH": "second", "COMBO_USERNAME": "ann", "COMBO_PASSWORD": ""}
    with module.ComboClient.from_env(env) as client:
        # Basic's password may be empty, even where the other entry's may not.
        sent = client.echo_basic()["headers"]["Authorization"]
        assert sent == "Basic " + base64.b64encode(b"ann:").decode()


def test_each_kind_type_checks_and_lints(tmp_path: Path) -> None:
    """The modules of the lists above pass mypy --strict, ruff check and format."""
    from compiler.pipeline import compile_spec
    from tests.test_generated_quality import (
        RUFF_RULES,
        _mypy,
        _ruff_check,
        _ruff_format,
    )

    files = []
    for first, block in sorted(FIRST.items()):
        base = "https://api.example.com"
        spec = tmp_path / f"combo_{first}.yaml"
        text = COMBO.format(base=base, first=block.format(base=base))
        spec.write_text(text.replace("Name: Combo", f"Name: Combo {first}"), "utf-8")
        connector, module_text = compile_spec(spec)
        (tmp_path / f"{connector.module_name}.py").write_text(module_text, "utf-8")
        files.append(f"{connector.module_name}.py")
    assert _ruff_check(tmp_path, files, *RUFF_RULES) == ""
    assert _ruff_format(tmp_path, files) == ""
    assert _mypy(tmp_path, files, tmp_path / ".mypy_cache") == ""


def test_oauth2_entry_keeps_its_token_store_and_single_flight(
    asana: ModuleType, server: OAuth2TestServer, tmp_path: Path
) -> None:
    """The OAuth 2 entry is the OAuth 2 client of a single block: its token is
    saved in the store, and 12 threads that meet a refused token refresh once."""
    from concurrent.futures import ThreadPoolExecutor

    store = asana.FileTokenStore(tmp_path / "asana.json")
    env = {
        "ASANA_AUTH": "oauth2",
        "ASANA_CLIENT_ID": ASANA_APP.client_id,
        "ASANA_CLIENT_SECRET": str(ASANA_APP.client_secret),
    }
    urls = {
        "authorization_endpoint": server.authorize_url(),
        "token_endpoint": server.token_url(),
        "base_url": server.api_url(),
    }
    with asana.AsanaClient.from_env(env, token_store=store, **urls) as client:
        client.fetch_token(consent(client.authorization_url(REDIRECT_URI).url))
    saved = store.load()
    assert saved is not None and saved["refresh_token"]
    server.revoke_access_tokens()
    with (
        asana.AsanaClient.from_env(env, token_store=store, **urls) as client,
        ThreadPoolExecutor(12) as pool,
    ):
        results = list(pool.map(lambda _: client.get_me(), range(12)))
    assert {r["user"] for r in results} == {"alice"}
    assert server.token_requests == {"authorization_code": 1, "refresh_token": 1}
    renewed = store.load()
    assert renewed is not None
    assert renewed["access_token"] != saved["access_token"]
