"""OAuth 2 token requests as real providers want them (issue 11, item 4): {{Property}}
fields in TokenParameters and AuthoriseParameters, a JSON token request body, and the
credentials' names in the token request. The example spec is
specs/auth0_management.yaml; the server (tests/token_request_server.py) reads requests
as Auth0's token endpoint does.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import compile_text, import_generated
from tests.token_request_server import serve

pytestmark = pytest.mark.slow

DOMAIN = "tenant.example.com"
AUDIENCE = f"https://{DOMAIN}/api/v2/"
SECRET = "m2m secret+/é"


def auth0_client(module: Any, url: str, *, asynchronous: bool = False) -> Any:
    cls = (
        module.AsyncAuth0ManagementClient
        if asynchronous
        else module.Auth0ManagementClient
    )
    return cls(
        client_id="m2m-app",
        client_secret=SECRET,
        domain=DOMAIN,
        base_url=f"{url}/api/v2",
        token_endpoint=f"{url}/oauth/token",
    )


def test_json_token_request_with_the_audience_from_a_property() -> None:
    auth0 = import_generated("auth0_management")
    with serve(audience=AUDIENCE) as server:
        client = auth0_client(auth0, server.url)
        assert client.list_users(q="email:x")["args"] == {"q": "email:x"}
        assert client.get_user(user_id="auth0|1")["path"] == "api/v2/users/auth0|1"
        assert len(server.token_requests) == 1
        headers, body = server.token_requests[0]
        assert headers["Content-Type"] == "application/json"
        assert "Authorization" not in headers
        assert json.loads(body) == {
            "grant_type": "client_credentials",
            "audience": AUDIENCE,
            "client_id": "m2m-app",
            "client_secret": SECRET,
        }
        assert SECRET not in repr(client) and SECRET not in repr(client.token)


def test_json_token_request_async() -> None:
    auth0 = import_generated("auth0_management")

    async def run(url: str) -> Any:
        async with auth0_client(auth0, url, asynchronous=True) as client:
            return await client.list_users()

    with serve(audience=AUDIENCE) as server:
        assert asyncio.run(run(server.url))["path"] == "api/v2/users"
        headers, body = server.token_requests[0]
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body)["audience"] == AUDIENCE


def test_a_wrong_audience_is_refused_by_the_server() -> None:
    """The server does check the audience: another tenant's is refused."""
    auth0 = import_generated("auth0_management")
    with serve(audience="https://other.example.com/api/v2/") as server:
        client = auth0_client(auth0, server.url)
        with pytest.raises(auth0.OAuth2Error) as caught:
            client.list_users()
        assert caught.value.status_code == 403


NAMED = """\
SpecVersion: 1
Name: Named
BaseUrl: https://api.example.com
Properties:
  - {{ Name: Region }}
  - {{ Name: Org, IsOptional: true, Default: acme }}
Authentication:
  AuthType: OAuth2
  OAuth2Type: {grant}
{authorise_url}  AccessTokenUrl: https://{{{{Region}}}}.example.com/oauth/token
  ClientAuthentication: Body
  TokenRequestNames: {{ ClientId: app_id, ClientSecret: secret }}
  TokenParameters: {{ audience: "urn:{{{{Region}}}}:{{{{Org}}}}" }}
{authorise_parameters}Methods:
  - {{ Name: Me, HttpMethod: GET, EndPoint: /me }}
"""
AUTHORISE = {
    "authorise_url": "  AuthoriseUrl: https://{{Region}}.example.com/authorize\n",
    "authorise_parameters": (
        '  AuthoriseParameters: { organization: "org_{{Org}}", prompt: login }\n'
    ),
}
NO_AUTHORISE = dict.fromkeys(AUTHORISE, "")


def test_credentials_under_the_providers_names_in_a_form(tmp_path: Path) -> None:
    module = compile_text(
        NAMED.format(grant="ClientCredentials", **NO_AUTHORISE), tmp_path
    )
    with serve(
        body_format="form",
        id_name="app_id",
        secret_name="secret",
        audience="urn:eu:acme",
    ) as server:
        client = module.NamedClient(
            client_id="m2m-app",
            client_secret=SECRET,
            region="eu",
            base_url=server.url,
            token_endpoint=f"{server.url}/oauth/token",
        )
        assert client.me()["path"] == "me"
        headers, _ = server.token_requests[0]
        assert headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert server.token_fields() == {
            "grant_type": "client_credentials",
            "audience": "urn:eu:acme",
            "app_id": "m2m-app",
            "secret": SECRET,
        }


def test_authorise_parameters_filled_from_properties(tmp_path: Path) -> None:
    module = compile_text(
        NAMED.format(grant="AuthorisationCode", **AUTHORISE), tmp_path
    )
    client = module.NamedClient(
        client_id="web-app", client_secret="s", region="us", org="initech"
    )
    request = client.authorization_url("http://127.0.0.1:8400/callback")
    url = httpx.URL(request.url)
    assert (url.host, url.path) == ("us.example.com", "/authorize")
    assert url.params["organization"] == "org_initech"
    assert url.params["prompt"] == "login"
    assert module.OAuth2Auth.TOKEN_PARAMETERS == (
        ("audience", "urn:{{Region}}:{{Org}}"),
    )


PASSWORD_SPEC = """\
SpecVersion: 1
Name: Users
BaseUrl: https://api.example.com
Authentication:
  AuthType: OAuth2
  OAuth2Type: PasswordCredentials
  AccessTokenUrl: https://auth.example.com/oauth/token
  ClientAuthentication: Body
  TokenRequestFormat: Json
  TokenRequestNames: { Username: login, Password: passwd }
Methods:
  - { Name: Me, HttpMethod: GET, EndPoint: /me }
"""


def test_the_users_credentials_under_the_providers_names(tmp_path: Path) -> None:
    module = compile_text(PASSWORD_SPEC, tmp_path)
    with serve(username_name="login", password_name="passwd") as server:
        client = module.UsersClient(
            client_id="m2m-app",
            client_secret=SECRET,
            username="alice",
            password="wonder land+é",
            base_url=server.url,
            token_endpoint=f"{server.url}/oauth/token",
        )
        assert client.me()["path"] == "me"
        assert server.token_fields() == {
            "grant_type": "password",
            "login": "alice",
            "passwd": "wonder land+é",
            "client_id": "m2m-app",
            "client_secret": SECRET,
        }
