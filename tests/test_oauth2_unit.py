"""Wire details of the generated OAuth 2 clients, through httpx.MockTransport, and the
published vectors (RFC 7636 appendix B, RFC 6749 2.3.1)."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from authlib.oauth2.auth import ClientAuth  # type: ignore[import-untyped]
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]

from tests.support import compile_text, import_generated

TOKEN_URL = "https://auth.example.com/token"
AUTHORISE_URL = "https://auth.example.com/authorize"

RFC7636_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC7636_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def spec(auth: str, *, name: str = "Unit Api", extra: str = "") -> str:
    """A small spec whose Authentication section is ``auth`` (indented YAML)."""
    return f"""\
SpecVersion: 1
Name: {name}
BaseUrl: https://api.example.com/v1
{extra}Authentication:
  AuthType: OAuth2
{auth}
Methods:
  - {{ Name: Ping, HttpMethod: GET, EndPoint: /ping }}
  - Name: Echo
    HttpMethod: POST
    EndPoint: /echo
    Parameters:
      - {{ TargetType: Body, TargetName: text }}
"""


CREDENTIALS = f"""\
  OAuth2Type: ClientCredentials
  AccessTokenUrl: {TOKEN_URL}
"""


@pytest.fixture(scope="module")
def compile_spec(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., ModuleType]:
    def compile_one(text: str) -> ModuleType:
        return compile_text(text, tmp_path_factory.mktemp("spec"))

    return compile_one


class FakeServer:
    """A token endpoint and an API in one MockTransport handler."""

    def __init__(self, *tokens: httpx.Response | dict[str, Any]) -> None:
        self.tokens = list(tokens)
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            self.token_requests.append(request)
            answer = self.tokens.pop(0)
            return (
                answer
                if isinstance(answer, httpx.Response)
                else httpx.Response(200, json=answer)
            )
        self.api_requests.append(request)
        return httpx.Response(200, json={"ok": True})

    def form(self, index: int = -1) -> dict[str, str]:
        return dict(httpx.QueryParams(self.token_requests[index].content.decode()))


def client_of(module: ModuleType, server: FakeServer, **kw: Any) -> Any:
    cls = next(
        getattr(module, name)
        for name in module.__all__
        if name.endswith("Client") and not name.startswith("Async")
    )
    kw.setdefault("client_id", "id")
    return cls(transport=server.transport, **kw)


# -- published vectors -------------------------------------------------------------


def test_rfc7636_appendix_b() -> None:
    calendar = import_generated("google_calendar")
    assert calendar._create_s256_code_challenge(RFC7636_VERIFIER) == RFC7636_CHALLENGE


def test_rfc7636_appendix_b_in_the_authorisation_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calendar = import_generated("google_calendar")
    monkeypatch.setattr(calendar, "_generate_token", lambda length: RFC7636_VERIFIER)
    client = calendar.GoogleCalendarClient(client_id="id", client_secret="s")
    request = client.authorization_url("https://app.example.com/cb")
    assert request.code_verifier == RFC7636_VERIFIER
    params = httpx.URL(request.url).params
    assert params["code_challenge"] == RFC7636_CHALLENGE
    assert params["code_challenge_method"] == "S256"


ODD_ID = "odd:id%+ é"
ODD_SECRET = "s3:cr%t+ ü/=&x"
# Form-encoded by hand (RFC 6749 appendix B): ':' %3A, '%' %25, '+' %2B, ' ' '+',
# UTF-8 bytes of non-ASCII characters %-escaped, '/' %2F, '=' %3D, '&' %26.
ODD_PAIR = "odd%3Aid%25%2B+%C3%A9:s3%3Acr%25t%2B+%C3%BC%2F%3D%26x"


def test_rfc6749_2_3_1_basic_is_form_encoded_first() -> None:
    spotify = import_generated("spotify")
    expected = "Basic " + base64.b64encode(ODD_PAIR.encode("ascii")).decode("ascii")
    assert spotify._basic_credentials(ODD_ID, ODD_SECRET) == expected
    # The trap DESIGN.md names: authlib's client_secret_basic skips the encoding.
    _, headers, _ = ClientAuth(ODD_ID, ODD_SECRET).prepare("POST", TOKEN_URL, {}, "")
    assert headers["Authorization"] != expected
    # And on the wire, through the generated client.
    server = FakeServer({"access_token": "at", "expires_in": 3600})
    client = spotify.SpotifyClient(
        client_id=ODD_ID, client_secret=ODD_SECRET, transport=server.transport
    )
    client.get_new_releases()
    assert server.token_requests[0].headers["Authorization"] == expected
    assert server.form() == {"grant_type": "client_credentials"}


# -- where the token goes, and what token responses may look like ----------------------


def test_bearer_header_and_one_token_for_many_requests() -> None:
    spotify = import_generated("spotify")
    server = FakeServer(
        {"access_token": "at-1", "token_type": "bearer", "expires_in": 3600}
    )
    client = spotify.SpotifyClient(
        client_id="i", client_secret="s", transport=server.transport
    )
    client.get_artist(id="a")
    client.get_artist(id="b")
    assert [r.headers["Authorization"] for r in server.api_requests] == [
        "Bearer at-1",
        "Bearer at-1",
    ]
    assert len(server.token_requests) == 1
    token_request = server.token_requests[0]
    assert str(token_request.url) == "https://accounts.spotify.com/api/token"
    assert token_request.headers["Accept"] == "application/json"
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_token_in_the_query_is_hidden_in_httpx_log(
    compile_spec: Callable[[str], ModuleType], caplog: pytest.LogCaptureFixture
) -> None:
    module = compile_spec(spec(CREDENTIALS + "  TokenPlacement: Query\n"))
    server = FakeServer({"access_token": "query-secret", "expires_in": 3600})
    client = client_of(module, server, client_secret="s")
    with caplog.at_level(logging.DEBUG):
        client.ping()
    assert server.api_requests[0].url.params["access_token"] == "query-secret"
    assert "Authorization" not in server.api_requests[0].headers
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "access_token=%2A%2A%2A" in logged or "access_token=***" in logged
    assert "query-secret" not in logged


def test_non_standard_token_response_fields(
    compile_spec: Callable[[str], ModuleType],
) -> None:
    module = compile_spec(
        spec(
            """\
  OAuth2Type: PasswordCredentials
  AccessTokenUrl: https://auth.example.com/token
  TokenResponse:
    AccessToken: token
    RefreshToken: renewal
    ExpiresIn: ttl
    RefreshTokenExpiresIn: renewal_ttl
"""
        )
    )
    server = FakeServer(
        {"token": "at", "renewal": "rt", "ttl": "3600", "renewal_ttl": 86400, "org": 7}
    )
    client = client_of(module, server, client_secret="s", username="u", password="p")
    started = int(time.time())
    client.ping()
    assert server.api_requests[0].headers["Authorization"] == "Bearer at"
    token = client.token
    assert token["access_token"] == "at"
    assert token["refresh_token"] == "rt"
    assert token["expires_in"] == 3600
    assert started + 3600 <= token["expires_at"] <= int(time.time()) + 3600
    assert token["refresh_token_expires_at"] >= started + 86400
    assert token["org"] == 7  # other fields are kept
    assert "token" not in token and "ttl" not in token


def test_form_encoded_token_response_is_read() -> None:
    spotify = import_generated("spotify")
    server = FakeServer(
        httpx.Response(
            200,
            text="access_token=form-at&token_type=bearer&scope=repo",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    )
    client = spotify.SpotifyClient(
        client_id="i", client_secret="s", transport=server.transport
    )
    client.get_new_releases()
    assert server.api_requests[0].headers["Authorization"] == "Bearer form-at"
    assert "expires_at" not in client.token  # no lifetime given: renewed on 401 only


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            httpx.Response(200, json={"error": "bad_verification_code"}),
            "the token endpoint refused the request (bad_verification_code)",
        ),
        (
            httpx.Response(500, text="<html>oops</html>"),
            "the token endpoint answered 500 without a token",
        ),
        (
            httpx.Response(200, json={"token_type": "bearer"}),
            "the token response has no 'access_token' field",
        ),
        (
            httpx.Response(
                400, json={"error": "invalid_scope", "error_description": "no scope s3"}
            ),
            "the token endpoint refused the request (invalid_scope): no scope ***",
        ),
    ],
)
def test_token_endpoint_errors(answer: httpx.Response, message: str) -> None:
    spotify = import_generated("spotify")
    server = FakeServer(answer)
    client = spotify.SpotifyClient(
        client_id="i", client_secret="s3", transport=server.transport
    )
    with pytest.raises(spotify.OAuth2Error) as caught:
        client.get_new_releases()
    assert str(caught.value) == message
    assert server.api_requests == []


def test_refresh_without_a_new_refresh_token_keeps_the_old_one() -> None:
    salesforce = import_generated("salesforce")
    server = FakeServer(
        {"access_token": "at-2", "expires_in": 3600},  # the refresh answer
    )
    store = salesforce.MemoryTokenStore(
        {"access_token": "at-1", "expires_at": 1, "refresh_token": "rt-1"}
    )
    client = salesforce.SalesforceClient(
        client_id="i",
        client_secret="s",
        username="u",
        password="p",
        my_domain="acme",
        token_store=store,
        transport=server.transport,
    )
    client.limits()
    assert server.form()["grant_type"] == "refresh_token"
    assert str(server.token_requests[0].url) == (
        "https://acme.my.salesforce.com/services/oauth2/token"  # from MyDomain
    )
    assert client.token["refresh_token"] == "rt-1"
    assert store.load()["access_token"] == "at-2"


def test_leeway_is_at_most_half_the_lifetime() -> None:
    spotify = import_generated("spotify")
    server = FakeServer(
        {"access_token": "short", "expires_in": 2},
        {"access_token": "next", "expires_in": 3600},
    )
    client = spotify.SpotifyClient(
        client_id="i", client_secret="s", transport=server.transport, leeway=60
    )
    client.get_new_releases()
    client.get_new_releases()  # a 2 s token is not renewed at once despite leeway 60
    assert len(server.token_requests) == 1


# -- the authorisation code grant's options --------------------------------------------


CODE = f"""\
  OAuth2Type: AuthorisationCode
  AuthoriseUrl: {AUTHORISE_URL}
  AccessTokenUrl: {TOKEN_URL}
"""


def authorise_with(client: Any, server: FakeServer) -> Any:
    request = client.authorization_url("https://app.example.com/cb")
    state = httpx.URL(request.url).params["state"]
    client.fetch_token(f"https://app.example.com/cb?code=the-code&state={state}")
    return request


@pytest.mark.parametrize(
    ("options", "method"),
    [("", "S256"), ("  PkceMethod: Plain\n", "plain"), ("  Pkce: Off\n", None)],
)
def test_pkce_options(
    compile_spec: Callable[[str], ModuleType], options: str, method: str | None
) -> None:
    module = compile_spec(spec(CODE + options))
    server = FakeServer({"access_token": "at", "expires_in": 3600})
    client = client_of(module, server, client_secret="s")
    request = authorise_with(client, server)
    params = httpx.URL(request.url).params
    form = server.form()
    assert form["code"] == "the-code"
    assert form["redirect_uri"] == "https://app.example.com/cb"
    if method is None:
        assert "code_challenge" not in params
        assert "code_verifier" not in form
        assert not hasattr(request, "code_verifier")
    else:
        verifier = request.code_verifier
        assert 43 <= len(verifier) <= 128
        assert params["code_challenge_method"] == method
        expected = (
            verifier if method == "plain" else create_s256_code_challenge(verifier)
        )
        assert params["code_challenge"] == expected
        assert form["code_verifier"] == verifier


def test_optional_pkce_can_be_switched_off_at_run_time(
    compile_spec: Callable[[str], ModuleType],
) -> None:
    module = compile_spec(spec(CODE + "  Pkce: Optional\n"))
    server = FakeServer({"access_token": "at"}, {"access_token": "at"})
    on = authorise_with(client_of(module, server, client_secret="s"), server)
    off = authorise_with(
        client_of(module, server, client_secret="s", pkce=False), server
    )
    assert "code_challenge" in httpx.URL(on.url).params
    assert "code_challenge" not in httpx.URL(off.url).params
    assert "code_verifier" not in server.form()


def test_public_client_sends_no_secret(
    compile_spec: Callable[[str], ModuleType],
) -> None:
    module = compile_spec(
        spec(
            CODE
            + "  ClientAuthentication: None\n  Scopes: [a, b]\n  ScopeSeparator: ','\n"
        )
    )
    server = FakeServer({"access_token": "at"})
    client = client_of(module, server)  # no client_secret argument at all
    request = authorise_with(client, server)
    assert httpx.URL(request.url).params["scope"] == "a,b"
    assert "Authorization" not in server.token_requests[0].headers
    assert server.form()["client_id"] == "id"
    assert "client_secret" not in server.form()
    with pytest.raises(TypeError):
        client_of(module, server, client_secret="s")


def test_authorisation_parameters(compile_spec: Callable[[str], ModuleType]) -> None:
    module = compile_spec(spec(CODE + "  AuthoriseParameters: { audience: api }\n"))
    client = client_of(module, FakeServer(), client_secret="s")
    request = client.authorization_url(
        "https://app.example.com/cb", state="given", parameters={"login_hint": "ann"}
    )
    params = httpx.URL(request.url).params
    assert (params["audience"], params["login_hint"], params["state"]) == (
        "api",
        "ann",
        "given",
    )
    with pytest.raises(ValueError, match="parameters may not set state"):
        client.authorization_url(
            "https://app.example.com/cb", parameters={"state": "x"}
        )


def test_async_fetch_token(compile_spec: Callable[[str], ModuleType]) -> None:
    import asyncio

    module = compile_spec(spec(CODE))
    server = FakeServer({"access_token": "at", "expires_in": 60})

    async def main() -> None:
        async with module.AsyncUnitApiClient(
            client_id="id", client_secret="s", transport=server.transport
        ) as client:
            request = client.authorization_url("https://app.example.com/cb")
            await client.fetch_token(code="c", state=request.state)
            await client.ping()

    asyncio.run(main())
    assert server.api_requests[0].headers["Authorization"] == "Bearer at"


# -- run-time safety -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://auth.example.com/token", "ftp://127.0.0.1/token", "http://10.0.0.1/token"],
)
def test_token_endpoint_must_be_https_unless_loopback(url: str) -> None:
    spotify = import_generated("spotify")
    with pytest.raises(ValueError, match="token_endpoint must be an https URL"):
        spotify.SpotifyClient(client_id="i", client_secret="s", token_endpoint=url)


@pytest.mark.parametrize(
    "url",
    [
        "https://auth.example.com/token",
        "http://127.0.0.1:8080/token",
        "http://localhost/token",
        "http://[::1]:9/token",
    ],
)
def test_loopback_http_and_https_are_allowed(url: str) -> None:
    spotify = import_generated("spotify")
    spotify.SpotifyClient(client_id="i", client_secret="s", token_endpoint=url)


def test_insecure_transport_switch_does_not_weaken_the_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    calendar = import_generated("google_calendar")
    with pytest.raises(ValueError, match="authorization_endpoint must be an https"):
        calendar.GoogleCalendarClient(
            client_id="i", client_secret="s", authorization_endpoint="http://a.example/"
        )


def test_from_env_passes_the_oauth2_options() -> None:
    spotify = import_generated("spotify")
    server = FakeServer({"access_token": "at", "expires_in": 3600})
    seen: list[Any] = []
    client = spotify.SpotifyClient.from_env(
        {"SPOTIFY_CLIENT_ID": "i", "SPOTIFY_CLIENT_SECRET": "s"},
        on_token=seen.append,
        scopes=["x", "y"],
        transport=server.transport,
    )
    client.get_new_releases()
    assert server.form()["scope"] == "x y"
    assert [t["access_token"] for t in seen] == ["at"]


def test_missing_credentials_are_named() -> None:
    spotify = import_generated("spotify")
    with pytest.raises(ValueError, match="client_secret is required"):
        spotify.SpotifyClient(client_id="i", client_secret="")
    with pytest.raises(ValueError, match="SPOTIFY_CLIENT_ID"):
        spotify.SpotifyClient.from_env({})


# -- token stores ----------------------------------------------------------------------


def test_file_store_is_private_and_atomic(tmp_path: Path) -> None:
    spotify = import_generated("spotify")
    old_umask = os.umask(0)  # even with a permissive umask
    try:
        store = spotify.FileTokenStore(tmp_path / "token.json")
        assert store.load() is None
        store.save(spotify.Token(access_token="at", expires_at=5))
    finally:
        os.umask(old_umask)
    path = tmp_path / "token.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"access_token": "at", "expires_at": 5}
    assert store.load() == {"access_token": "at", "expires_at": 5}

    class Unserialisable:
        pass

    with pytest.raises(TypeError):
        store.save(spotify.Token(access_token="at2", odd=Unserialisable()))
    assert json.loads(path.read_text())["access_token"] == "at"  # old token intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["token.json"]


def test_file_store_with_bad_content_names_the_file_only(tmp_path: Path) -> None:
    spotify = import_generated("spotify")
    path = tmp_path / "token.json"
    path.write_text('{"access_token": "secret-at", ')
    with pytest.raises(spotify.OAuth2Error) as caught:
        spotify.FileTokenStore(path).load()
    assert str(path) in str(caught.value)
    assert "secret-at" not in str(caught.value)
