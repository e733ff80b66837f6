"""`connectorc login`, `call` and `methods` against real servers on 127.0.0.1.

The OAuth 2 authorization server (authlib, tests/oauth2_server.py), the OAuth 1.0a
provider (tests/oauth1_provider.py) and the paging API (tests/paging_server.py) are
the ones the other tests start. The browser is an HTTP client that does what a
user's browser would: it opens the authorisation URL, answers the consent page, and
follows the redirect to the login's loopback listener.
"""

from __future__ import annotations

import io
import json
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from compiler.call import CallOptions, call, describe_methods
from compiler.cli import main
from compiler.live import (
    EXIT_AUTH,
    EXIT_HTTP,
    EXIT_USAGE,
    CommandError,
    Live,
    Variable,
    default_store,
    load_live,
    terminal_prompt,
)
from compiler.login import LoginOptions, login
from tests.oauth1_provider import CONSUMER_KEY, CONSUMER_SECRET, Provider, serve
from tests.oauth2_fixtures import CALENDAR, PASSWORD, SALESFORCE, SPOTIFY
from tests.oauth2_server import OAuth2TestServer
from tests.paging_server import API_KEY, ITEMS, PagingServer, running_paging_server
from tests.session_server import PASSWORD as SESSION_PASSWORD
from tests.session_server import USERNAME as SESSION_USER
from tests.session_server import running_session_server
from tests.support import ROOT
from tests.test_oauth2_client_assertion import KEY_FILE, SERVICE_ACCOUNT

pytestmark = pytest.mark.slow

Browser = Callable[[str], None]


# -- specs pointing at the local servers ---------------------------------------------


def code_spec(server: OAuth2TestServer) -> str:
    return f"""\
SpecVersion: 1
Name: Local Calendar
BaseUrl: {server.api_url()}
Authentication:
  AuthType: OAuth2
  OAuth2Type: AuthorisationCode
  AuthoriseUrl: {server.authorize_url()}
  AccessTokenUrl: {server.token_url()}
  Scopes: [read]
  ClientAuthentication: Body
Methods:
  - Name: Who Am I
    HttpMethod: GET
    EndPoint: /me
    Parameters:
      - {{ TargetType: QueryString, TargetName: verbose, DataType: Boolean,
          IsOptional: true }}
"""


def grant_spec(server: OAuth2TestServer, grant: str, client_auth: str) -> str:
    return f"""\
SpecVersion: 1
Name: Local {grant}
BaseUrl: {server.api_url()}
Authentication:
  AuthType: OAuth2
  OAuth2Type: {grant}
  AccessTokenUrl: {server.token_url()}
  ClientAuthentication: {client_auth}
Methods:
  - Name: Who Am I
    HttpMethod: GET
    EndPoint: /me
"""


def oauth1_spec(provider: Provider) -> str:
    return f"""\
SpecVersion: 1
Name: Local Printer
BaseUrl: {provider.url}/1.1
Authentication:
  AuthType: OAuth1
  RequestTokenUrl: {provider.url}/oauth/request_token
  AuthorizeUrl: {provider.url}/oauth/authorize
  AccessTokenUrl: {provider.url}/oauth/access_token
Methods:
  - Name: Verify Credentials
    HttpMethod: GET
    EndPoint: /account/verify_credentials.json
"""


def paging_spec(url: str) -> str:
    return f"""\
SpecVersion: 1
Name: Local Pages
BaseUrl: {url}
Authentication:
  AuthType: ApiKey
  Header: X-Key
Methods:
  - Name: List Things
    HttpMethod: GET
    EndPoint: /pages
    Parameters:
      - {{ TargetType: QueryString, TargetName: per_page, DataType: Integer,
          Default: 5 }}
    Paging: {{ Style: PageNumber, PageParameter: page, SizeParameter: per_page,
              PageSize: 5 }}
  - Name: Echo
    HttpMethod: POST
    EndPoint: /echo
    RequestFormat: Form
    Parameters:
      - {{ TargetType: Body, TargetName: note }}
      - {{ TargetType: Body, TargetName: count, DataType: Integer }}
"""


def live_from(text: str, tmp_path: Path, name: str = "spec.yaml") -> Live:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_live(path)


# -- browsers ------------------------------------------------------------------------


class Visits:
    """What the browser saw: the answers of the login's listener."""

    def __init__(self) -> None:
        self.pages: list[httpx.Response] = []


def oauth2_browser(
    visits: Visits,
    *,
    allow: bool = True,
    tamper: Callable[[str], str] | None = None,
    stray: str | None = None,
) -> Browser:
    """Open the consent page, answer it as alice, follow the redirect."""

    def open_url(url: str) -> None:
        assert httpx.get(url).status_code == 200
        answer = httpx.post(
            url, data={"user": "alice", "confirm": "yes" if allow else "no"}
        )
        assert answer.status_code == 302, answer.text
        location = answer.headers["Location"]
        if stray is not None:
            target = httpx.URL(location)
            visits.pages.append(httpx.get(target.copy_with(path=stray, query=None)))
        if tamper is not None:
            location = tamper(location)
        visits.pages.append(httpx.get(location))

    return open_url


def oauth1_browser(visits: Visits, *, deny: bool = False) -> Browser:
    """The provider approves at once (or denies); follow it to the listener."""

    def open_url(url: str) -> None:
        target = httpx.URL(url)
        if deny:
            target = target.copy_add_param("deny", "1")
        visits.pages.append(httpx.get(target, follow_redirects=True))

    return open_url


def login_options(
    tmp_path: Path, environ: dict[str, str], opener: Browser, **kw: Any
) -> LoginOptions:
    kw.setdefault("store", tmp_path / "store" / "token.json")
    kw.setdefault("timeout", 10.0)
    return LoginOptions(environ=environ, opener=opener, out=io.StringIO(), **kw)


def calendar_env() -> dict[str, str]:
    assert CALENDAR.client_secret is not None
    return {
        "LOCAL_CALENDAR_CLIENT_ID": CALENDAR.client_id,
        "LOCAL_CALENDAR_CLIENT_SECRET": CALENDAR.client_secret,
    }


def run_call(live: Live, method: str, **kw: Any) -> tuple[int, str]:
    out = io.StringIO()
    status = call(live, method, CallOptions(out=out, **kw))
    return status, out.getvalue()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- OAuth 2 authorisation code --------------------------------------------------------


def test_code_login_then_call_then_401_refreshes_the_stored_token(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    live = live_from(code_spec(oauth2_server), tmp_path)
    visits = Visits()
    options = login_options(tmp_path, calendar_env(), oauth2_browser(visits))
    store = login(live, options)

    assert store == tmp_path / "store" / "token.json"
    assert mode(store) == 0o600
    first = json.loads(store.read_text())
    assert first["access_token"] and first["refresh_token"]
    assert oauth2_server.token_requests == {"authorization_code": 1}
    # The redirect URI was a loopback one on the port the listener picked, with PKCE.
    form = oauth2_server.token_forms[0]
    redirect = httpx.URL(form["redirect_uri"])
    assert (redirect.host, redirect.path) == ("127.0.0.1", "/callback")
    assert redirect.port and form["code_verifier"]
    assert [p.status_code for p in visits.pages] == [200]
    assert "Signed in" in visits.pages[0].text
    assert "logged in to Local Calendar" in options.out.getvalue()  # type: ignore[attr-defined]

    status, out = run_call(
        live,
        "who_am_i",
        arguments=["verbose=true"],
        store=store,
        environ=calendar_env(),
    )
    assert status == 0
    echoed = json.loads(out)
    assert echoed["user"] == "alice" and echoed["query"] == {"verbose": "true"}
    assert out.count("\n") == 1  # not a terminal: one line

    oauth2_server.revoke_access_tokens()  # the API now answers 401 to the old token
    status, out = run_call(live, "who_am_i", store=store, environ=calendar_env())
    assert status == 0 and json.loads(out)["user"] == "alice"
    assert oauth2_server.token_requests == {"authorization_code": 1, "refresh_token": 1}
    second = json.loads(store.read_text())
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]  # rotated, and kept
    assert mode(store) == 0o600


def test_denied_consent_saves_nothing(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    live = live_from(code_spec(oauth2_server), tmp_path)
    visits = Visits()
    options = login_options(
        tmp_path, calendar_env(), oauth2_browser(visits, allow=False)
    )
    with pytest.raises(CommandError) as caught:
        login(live, options)
    assert caught.value.status == EXIT_AUTH
    assert "denied" in str(caught.value) and "access_denied" in str(caught.value)
    assert "nothing was saved" in str(caught.value)
    assert not (tmp_path / "store").exists()
    assert visits.pages[0].status_code == 400
    assert "refused (access_denied)" in visits.pages[0].text
    assert oauth2_server.token_request_count == 0


def test_state_mismatch_exchanges_no_code_and_saves_nothing(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    live = live_from(code_spec(oauth2_server), tmp_path)

    def forge(location: str) -> str:
        return str(httpx.URL(location).copy_set_param("state", "forged-state"))

    visits = Visits()
    options = login_options(
        tmp_path, calendar_env(), oauth2_browser(visits, tamper=forge)
    )
    with pytest.raises(CommandError) as caught:
        login(live, options)
    assert caught.value.status == EXIT_AUTH
    assert "state" in str(caught.value) and "no code was exchanged" in str(caught.value)
    assert visits.pages[0].status_code == 400
    assert "state does not match" in visits.pages[0].text
    assert oauth2_server.token_request_count == 0
    assert not (tmp_path / "store").exists()


def test_timeout_saves_nothing(oauth2_server: OAuth2TestServer, tmp_path: Path) -> None:
    live = live_from(code_spec(oauth2_server), tmp_path)
    seen: list[str] = []
    options = login_options(tmp_path, calendar_env(), seen.append, timeout=0.3)
    with pytest.raises(CommandError) as caught:
        login(live, options)
    assert caught.value.status == EXIT_AUTH
    assert "within 0.3 seconds" in str(caught.value)
    assert len(seen) == 1 and seen[0].startswith(oauth2_server.authorize_url())
    assert not (tmp_path / "store").exists()
    # The listener is closed: nothing answers on its port any more.
    redirect = httpx.URL(seen[0]).params["redirect_uri"]
    with pytest.raises(httpx.ConnectError):
        httpx.get(redirect)


def test_a_stray_request_ends_the_login_and_saves_nothing(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    live = live_from(code_spec(oauth2_server), tmp_path)
    visits = Visits()
    browser = oauth2_browser(visits, stray="/favicon.ico")
    options = login_options(tmp_path, calendar_env(), browser)
    with pytest.raises(CommandError) as caught:
        login(live, options)
    assert caught.value.status == EXIT_AUTH
    assert "GET request for /favicon.ico instead of the redirect" in str(caught.value)
    assert [p.status_code for p in visits.pages] == [404, 410]  # the redirect too late
    assert oauth2_server.token_request_count == 0
    assert not (tmp_path / "store").exists()


def test_no_browser_prints_the_url_and_a_fixed_port_is_used(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    live = live_from(code_spec(oauth2_server), tmp_path)
    with HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as probe:
        port = probe.server_port  # free now, so the login can have it
    visits = Visits()
    browser = oauth2_browser(visits)

    class Terminal(io.StringIO):
        """A user who copies the printed URL into a browser."""

        def write(self, text: str) -> int:
            for word in text.split():
                if word.startswith(oauth2_server.authorize_url()):
                    browser(word)
            return super().write(text)

    def no_opener(url: str) -> None:
        raise AssertionError("--no-browser opened a browser")

    options = login_options(
        tmp_path, calendar_env(), no_opener, browser=False, port=port
    )
    options.out = Terminal()
    login(live, options)
    assert "Open this URL" in options.out.getvalue()
    assert oauth2_server.token_forms[0]["redirect_uri"] == (
        f"http://127.0.0.1:{port}/callback"
    )


def test_a_port_in_use_is_a_clear_error(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    live = live_from(code_spec(oauth2_server), tmp_path)
    with HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as busy:
        options = login_options(
            tmp_path, calendar_env(), lambda url: None, port=busy.server_port
        )
        with pytest.raises(CommandError) as caught:
            login(live, options)
    assert caught.value.status == EXIT_USAGE
    assert f"cannot listen on 127.0.0.1:{busy.server_port}" in str(caught.value)


def test_default_store_follows_xdg_config_home(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    live = live_from(code_spec(oauth2_server), tmp_path)
    environ = {**calendar_env(), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    options = login_options(tmp_path, environ, oauth2_browser(Visits()), store=None)
    store = login(live, options)
    assert store == tmp_path / "config" / "connectorc" / "local_calendar.json"
    assert mode(store) == 0o600 and mode(store.parent) == 0o700
    assert default_store(live.connector, {"HOME": "/home/u"}) == Path(
        "/home/u/.config/connectorc/local_calendar.json"
    )
    # A relative XDG_CONFIG_HOME is ignored, as the XDG specification says.
    relative = {"HOME": "/home/u", "XDG_CONFIG_HOME": "rel"}
    assert default_store(live.connector, relative).parent == Path(
        "/home/u/.config/connectorc"
    )
    status, out = run_call(live, "who_am_i", environ=environ)
    assert status == 0 and json.loads(out)["user"] == "alice"


def test_missing_credentials_are_named_or_asked_for(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    live = live_from(code_spec(oauth2_server), tmp_path)
    options = login_options(tmp_path, {}, oauth2_browser(Visits()))
    with pytest.raises(CommandError) as caught:
        login(live, options)
    assert caught.value.status == EXIT_USAGE
    assert str(caught.value).startswith(
        "set LOCAL_CALENDAR_CLIENT_ID, LOCAL_CALENDAR_CLIENT_SECRET (the variables "
        "LocalCalendarClient.from_env() reads)"
    )

    asked: list[Variable] = []

    def prompt(variable: Variable) -> str:
        asked.append(variable)
        return calendar_env()[variable.name]

    options = login_options(
        tmp_path,
        {"LOCAL_CALENDAR_CLIENT_ID": CALENDAR.client_id},
        oauth2_browser(Visits()),
        interactive=True,
        prompt=prompt,
    )
    login(live, options)
    assert [(v.name, v.secret) for v in asked] == [
        ("LOCAL_CALENDAR_CLIENT_SECRET", True)
    ]


def test_terminal_prompt_hides_secrets_and_keeps_stdout_clean(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[str] = []

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return "hidden"

    monkeypatch.setattr("compiler.live.getpass.getpass", getpass)
    monkeypatch.setattr(sys, "stdin", io.StringIO("typed\n"))
    secret = Variable("ACME_CLIENT_SECRET", "The OAuth 2 client secret.", True, True)
    plain = Variable("ACME_CLIENT_ID", "", False, True)
    assert terminal_prompt(secret) == "hidden"
    assert asked == ["ACME_CLIENT_SECRET (The OAuth 2 client secret.): "]
    assert terminal_prompt(plain) == "typed"
    shown = capsys.readouterr()
    assert shown.out == "" and shown.err == "ACME_CLIENT_ID: "


def test_call_without_a_login_says_to_log_in(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    live = live_from(code_spec(oauth2_server), tmp_path)
    with pytest.raises(CommandError) as caught:
        run_call(live, "who_am_i", store=tmp_path / "none.json", environ=calendar_env())
    assert caught.value.status == EXIT_AUTH
    assert "run `connectorc login" in str(caught.value)


def test_refused_refresh_token_says_to_log_in_again(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    live = live_from(code_spec(oauth2_server), tmp_path)
    store = login(
        live, login_options(tmp_path, calendar_env(), oauth2_browser(Visits()))
    )
    token = json.loads(store.read_text())
    oauth2_server.revoke_access_tokens()
    oauth2_server.revoke_refresh_tokens()
    with pytest.raises(CommandError) as caught:
        run_call(live, "who_am_i", store=store, environ=calendar_env())
    assert caught.value.status == EXIT_AUTH
    message = str(caught.value)
    assert message.startswith("ReauthorizationRequired: ")
    assert "connectorc login" in message
    for secret in (token["access_token"], token["refresh_token"], "calendar-secret"):
        assert secret not in message


# -- OAuth 2 client credentials and password -----------------------------------------


def test_client_credentials_login_and_call(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    live = live_from(grant_spec(oauth2_server, "ClientCredentials", "Basic"), tmp_path)
    assert SPOTIFY.client_secret is not None
    environ = {
        "LOCAL_CLIENT_CREDENTIALS_CLIENT_ID": SPOTIFY.client_id,
        "LOCAL_CLIENT_CREDENTIALS_CLIENT_SECRET": SPOTIFY.client_secret,
    }
    opened: list[str] = []
    store = login(live, login_options(tmp_path, environ, opened.append))
    assert opened == []  # no browser for this grant
    assert mode(store) == 0o600
    token = json.loads(store.read_text())
    assert oauth2_server.token_requests == {"client_credentials": 1}
    assert oauth2_server.resource_requests == 0  # login made no API request
    status, out = run_call(live, "who_am_i", store=store, environ=environ)
    assert status == 0 and json.loads(out)["client_id"] == SPOTIFY.client_id
    assert oauth2_server.token_requests == {"client_credentials": 1}  # the stored one
    assert oauth2_server.token_headers[0]["Authorization"].startswith("Basic ")
    assert json.loads(store.read_text()) == token
    # Without a login this grant still works: the token is fetched and saved.
    fresh = tmp_path / "fresh" / "token.json"
    status, out = run_call(live, "who_am_i", store=fresh, environ=environ)
    assert status == 0 and oauth2_server.token_requests == {"client_credentials": 2}
    assert mode(fresh) == 0o600 and json.loads(fresh.read_text())["access_token"]


def test_client_credentials_wrong_secret_saves_nothing(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    live = live_from(grant_spec(oauth2_server, "ClientCredentials", "Basic"), tmp_path)
    environ = {
        "LOCAL_CLIENT_CREDENTIALS_CLIENT_ID": SPOTIFY.client_id,
        "LOCAL_CLIENT_CREDENTIALS_CLIENT_SECRET": "not-the-secret",
    }
    with pytest.raises(CommandError) as caught:
        login(live, login_options(tmp_path, environ, lambda url: None))
    assert caught.value.status == EXIT_AUTH
    assert "invalid_client" in str(caught.value)
    assert "not-the-secret" not in str(caught.value)
    assert not (tmp_path / "store").exists()


def test_password_login_prompts_for_the_password_without_echo(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    live = live_from(grant_spec(oauth2_server, "PasswordCredentials", "Body"), tmp_path)
    assert SALESFORCE.client_secret is not None
    environ = {
        "LOCAL_PASSWORD_CREDENTIALS_CLIENT_ID": SALESFORCE.client_id,
        "LOCAL_PASSWORD_CREDENTIALS_CLIENT_SECRET": SALESFORCE.client_secret,
        "LOCAL_PASSWORD_CREDENTIALS_USERNAME": "alice",
    }
    with pytest.raises(CommandError) as caught:
        login(live, login_options(tmp_path, environ, lambda url: None))
    assert "set LOCAL_PASSWORD_CREDENTIALS_PASSWORD " in str(caught.value)

    asked: list[Variable] = []

    def prompt(variable: Variable) -> str:
        asked.append(variable)
        return PASSWORD

    options = login_options(
        tmp_path, environ, lambda url: None, interactive=True, prompt=prompt
    )
    store = login(live, options)
    assert [(v.name, v.secret) for v in asked] == [
        ("LOCAL_PASSWORD_CREDENTIALS_PASSWORD", True)
    ]
    assert oauth2_server.token_requests == {"password": 1}
    assert oauth2_server.token_forms[0]["username"] == "alice"
    stored = json.loads(store.read_text())
    assert stored["refresh_token"] and PASSWORD not in store.read_text()
    environ["LOCAL_PASSWORD_CREDENTIALS_PASSWORD"] = PASSWORD
    status, out = run_call(live, "who_am_i", store=store, environ=environ)
    assert status == 0 and json.loads(out)["user"] == "alice"
    assert oauth2_server.token_requests == {"password": 1}


def test_login_refuses_an_auth_type_without_tokens(tmp_path: Path) -> None:
    live = live_from(paging_spec("http://127.0.0.1:9"), tmp_path)
    with pytest.raises(CommandError) as caught:
        login(live, login_options(tmp_path, {}, lambda url: None))
    assert caught.value.status == EXIT_USAGE
    assert "AuthType ApiKey: there is no token to get" in str(caught.value)


# -- Session and the JWT bearer grant -------------------------------------------------


def session_spec(url: str) -> str:
    return f"""\
SpecVersion: 1
Name: Local Session
BaseUrl: {url}/api/v2
Authentication:
  AuthType: Session
  LoginUrl: {url}/api/v2/auth/login
  LoginFormat: Json
  LoginFields: {{ email: "{{Username}}", password: "{{Password}}" }}
  TokenPath: data.session.token
  ExpiresInPath: data.session.expires_in
  Header: Authorization
  Format: "Bearer {{Token}}"
Methods:
  - Name: Get Me
    HttpMethod: GET
    EndPoint: /me
"""


def test_session_login_then_call_then_a_new_login_is_saved_back(
    tmp_path: Path,
) -> None:
    with running_session_server() as api:
        live = live_from(session_spec(api.url), tmp_path)
        environ = {"LOCAL_SESSION_USERNAME": SESSION_USER}

        def prompt(variable: Variable) -> str:
            assert (variable.name, variable.secret) == ("LOCAL_SESSION_PASSWORD", True)
            return SESSION_PASSWORD

        options = login_options(
            tmp_path, environ, lambda url: None, interactive=True, prompt=prompt
        )
        store = login(live, options)
        assert "logged in to Local Session" in options.out.getvalue()  # type: ignore[attr-defined]
        assert mode(store) == 0o600
        assert json.loads(store.read_text())["token"] == "tok-1-secret"
        assert SESSION_PASSWORD not in store.read_text()
        assert len(api.logins) == 1 and len(api.requests) == 1  # no API request
        environ["LOCAL_SESSION_PASSWORD"] = SESSION_PASSWORD
        status, out = run_call(live, "get_me", store=store, environ=environ)
        assert status == 0 and json.loads(out) == {"user": SESSION_USER}
        assert len(api.logins) == 1  # the stored token
        api.revoke()  # the session is gone: the call logs in again and saves it
        status, out = run_call(live, "get_me", store=store, environ=environ)
        assert status == 0 and len(api.logins) == 2
        assert json.loads(store.read_text())["token"] == "tok-2-secret"


def test_session_login_refused_saves_nothing(tmp_path: Path) -> None:
    with running_session_server() as api:
        live = live_from(session_spec(api.url), tmp_path)
        environ = {
            "LOCAL_SESSION_USERNAME": SESSION_USER,
            "LOCAL_SESSION_PASSWORD": "not-the-password",
        }
        with pytest.raises(CommandError) as caught:
            login(live, login_options(tmp_path, environ, lambda url: None))
        assert caught.value.status == EXIT_AUTH
        assert "the login was refused: 401" in str(caught.value)
        assert "not-the-password" not in str(caught.value)
        assert not (tmp_path / "store").exists()
        assert len(api.logins) == 1


def bearer_spec(server: OAuth2TestServer) -> str:
    return f"""\
SpecVersion: 1
Name: Local Service
BaseUrl: {server.api_url()}
Authentication:
  AuthType: OAuth2
  OAuth2Type: JwtBearer
  AccessTokenUrl: {server.token_url()}
  Scopes: [{SERVICE_ACCOUNT.scope}]
Methods:
  - Name: Who Am I
    HttpMethod: GET
    EndPoint: /me
"""


def test_jwt_bearer_login_and_call(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    oauth2_server.register(SERVICE_ACCOUNT)
    live = live_from(bearer_spec(oauth2_server), tmp_path)
    environ = {"LOCAL_SERVICE_SERVICE_ACCOUNT_KEY": json.dumps(KEY_FILE)}
    store = login(live, login_options(tmp_path, environ, lambda url: None))
    assert mode(store) == 0o600
    token = json.loads(store.read_text())
    assert token["access_token"] and "refresh_token" not in token
    assert oauth2_server.token_requests == {
        "urn:ietf:params:oauth:grant-type:jwt-bearer": 1
    }
    assert oauth2_server.resource_requests == 0  # login made no API request
    assert KEY_FILE["private_key"] not in store.read_text()
    status, out = run_call(live, "who_am_i", store=store, environ=environ)
    assert status == 0 and json.loads(out)["client_id"] == SERVICE_ACCOUNT.client_id
    assert sum(oauth2_server.token_requests.values()) == 1  # the stored token


# -- OAuth 1.0a ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with serve() as running:
        yield running


def printer_env() -> dict[str, str]:
    return {
        "LOCAL_PRINTER_CLIENT_ID": CONSUMER_KEY,
        "LOCAL_PRINTER_CLIENT_SECRET": CONSUMER_SECRET,
    }


def test_oauth1_login_then_signed_call(provider: Provider, tmp_path: Path) -> None:
    live = live_from(oauth1_spec(provider), tmp_path)
    visits = Visits()
    store = login(live, login_options(tmp_path, printer_env(), oauth1_browser(visits)))
    assert mode(store) == 0o600
    saved = json.loads(store.read_text())
    assert set(saved) == {"token", "token_secret"}
    issued = provider.tokens[saved["token"]]
    assert issued.oauth_token_secret == saved["token_secret"]
    assert [p.status_code for p in visits.pages] == [200]
    assert "Signed in" in visits.pages[0].text

    status, out = run_call(
        live, "verify_credentials", store=store, environ=printer_env()
    )
    assert status == 0 and json.loads(out)["user"] == "jane"


def test_oauth1_denied_saves_nothing(provider: Provider, tmp_path: Path) -> None:
    live = live_from(oauth1_spec(provider), tmp_path)
    visits = Visits()
    options = login_options(tmp_path, printer_env(), oauth1_browser(visits, deny=True))
    with pytest.raises(CommandError) as caught:
        login(live, options)
    assert caught.value.status == EXIT_AUTH
    assert "denied at the provider (access_denied)" in str(caught.value)
    assert visits.pages[0].status_code == 400
    assert not (tmp_path / "store").exists()


def test_oauth1_forged_token_saves_nothing(provider: Provider, tmp_path: Path) -> None:
    live = live_from(oauth1_spec(provider), tmp_path)
    visits = Visits()

    def forged(url: str) -> None:
        answer = httpx.get(url)  # the provider approves and redirects
        location = httpx.URL(answer.headers["Location"])
        visits.pages.append(httpx.get(location.copy_set_param("oauth_token", "other")))

    with pytest.raises(CommandError) as caught:
        login(live, login_options(tmp_path, printer_env(), forged))
    assert "oauth_token is not the request token" in str(caught.value)
    assert not (tmp_path / "store").exists()


def test_oauth1_call_without_a_token_says_to_log_in(
    provider: Provider, tmp_path: Path
) -> None:
    live = live_from(oauth1_spec(provider), tmp_path)
    with pytest.raises(CommandError) as caught:
        run_call(
            live,
            "verify_credentials",
            store=tmp_path / "no.json",
            environ=printer_env(),
        )
    assert caught.value.status == EXIT_AUTH
    assert "LOCAL_PRINTER_TOKEN and LOCAL_PRINTER_TOKEN_SECRET" in str(caught.value)
    # A token from the environment (a dashboard's) needs no login.
    dashboard = provider.issue_token()
    environ = {
        **printer_env(),
        "LOCAL_PRINTER_TOKEN": dashboard.oauth_token,
        "LOCAL_PRINTER_TOKEN_SECRET": dashboard.oauth_token_secret,
    }
    status, out = run_call(
        live, "verify_credentials", store=tmp_path / "no.json", environ=environ
    )
    assert status == 0 and json.loads(out)["user"] == "jane"


# -- call: paging, arguments, errors, output ------------------------------------------


@pytest.fixture(scope="module")
def paging() -> Iterator[PagingServer]:
    with running_paging_server() as server:
        yield server


def test_all_pages_as_json_lines(paging: PagingServer, tmp_path: Path) -> None:
    paging.reset()
    live = live_from(paging_spec(paging.url), tmp_path)
    environ = {"LOCAL_PAGES_API_KEY": API_KEY}
    status, out = run_call(live, "list_things", all_pages=True, environ=environ)
    assert status == 0
    lines = out.splitlines()
    assert [json.loads(line) for line in lines] == [{"id": i} for i in range(ITEMS)]
    assert paging.count("/pages") == 5
    # Without --all: the first page, one JSON document.
    status, out = run_call(live, "list_things", environ=environ, pretty=True)
    assert json.loads(out) == [{"id": i} for i in range(5)]
    assert out.startswith("[\n  {")  # indented on a terminal


def test_call_arguments_are_typed_and_checked(
    paging: PagingServer, tmp_path: Path
) -> None:
    live = live_from(paging_spec(paging.url), tmp_path)
    environ = {"LOCAL_PAGES_API_KEY": API_KEY}
    status, out = run_call(
        live, "echo", arguments=["note=a=b & c", "count=7"], environ=environ
    )
    assert status == 0
    assert json.loads(out)["form"] == {"note": "a=b & c", "count": "7"}
    problems = {
        ("count=seven", "note=x"): "--arg count='seven' is not a int",
        ("note=x",): "echo needs --arg count=...",
        ("note",): "--arg 'note' is not name=value",
        ("colour=red",): "echo has no argument 'colour' (its arguments: note, count)",
        ("note=x", "note=y", "count=1"): "--arg note is given twice",
    }
    for arguments, message in problems.items():
        with pytest.raises(CommandError) as caught:
            run_call(live, "echo", arguments=list(arguments), environ=environ)
        assert caught.value.status == EXIT_USAGE
        assert str(caught.value) == message
    with pytest.raises(CommandError) as caught:
        run_call(live, "ecco", environ=environ)
    assert str(caught.value) == (
        "Local Pages has no method 'ecco'; did you mean echo? "
        "(its methods: list_things, echo)"
    )
    with pytest.raises(CommandError) as caught:
        run_call(live, "echo", all_pages=True, arguments=["note=x", "count=1"])
    assert str(caught.value) == "echo is not paged; call it without --all"


def test_an_error_status_prints_status_and_body(
    paging: PagingServer, tmp_path: Path
) -> None:
    paging.reset()
    paging.plan("/pages", (404, {}))
    live = live_from(paging_spec(paging.url), tmp_path)
    with pytest.raises(CommandError) as caught:
        run_call(live, "list_things", environ={"LOCAL_PAGES_API_KEY": API_KEY})
    assert caught.value.status == EXIT_HTTP
    assert str(caught.value).splitlines() == [
        f"GET {paging.url}/pages answered 404 NOT FOUND",
        "planned",
    ]


class _Leaky(BaseHTTPRequestHandler):
    """An API whose error body repeats the key it was sent."""

    def do_GET(self) -> None:
        body = f"bad key {self.headers.get('X-Key')}".encode()
        self.send_response(403)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_an_error_body_never_shows_a_credential(tmp_path: Path) -> None:
    with HTTPServer(("127.0.0.1", 0), _Leaky) as leaky:
        thread = threading.Thread(target=leaky.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{leaky.server_port}"
            live = live_from(paging_spec(url), tmp_path)
            with pytest.raises(CommandError) as caught:
                run_call(
                    live, "list_things", environ={"LOCAL_PAGES_API_KEY": "sk-live-42"}
                )
        finally:
            leaky.shutdown()
            thread.join()
    assert caught.value.status == EXIT_HTTP
    assert "403" in str(caught.value) and "bad key ***" in str(caught.value)
    assert "sk-live-42" not in str(caught.value)


def test_methods_lists_arguments_and_types(tmp_path: Path) -> None:
    live = live_from(paging_spec("http://127.0.0.1:9"), tmp_path)
    assert describe_methods(live.connector).splitlines() == [
        "list_things  GET /pages  (paged: --all)",
        "    --arg per_page=<int>  default 5; QueryString per_page",
        "",
        "echo  POST /echo",
        "    --arg note=<str>  required; Body note",
        "    --arg count=<int>  required; Body count",
    ]


# -- the command line itself ---------------------------------------------------------


def connectorc(
    *args: str, env: dict[str, str], cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compiler", *args],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_call_piped_and_exit_statuses(paging: PagingServer, tmp_path: Path) -> None:
    paging.reset()
    spec = tmp_path / "pages.yaml"
    spec.write_text(paging_spec(paging.url), encoding="utf-8")
    env = {"LOCAL_PAGES_API_KEY": API_KEY}
    done = connectorc("call", str(spec), "list_things", "--all", env=env)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == ITEMS
    done = connectorc("call", str(spec), "list_things", "--arg", "per_page=3", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == '[{"id": 0}, {"id": 1}, {"id": 2}]\n'  # piped: one line

    done = connectorc("call", str(spec), "list_things", env={})
    assert done.returncode == EXIT_USAGE
    assert done.stderr.startswith("connectorc: set LOCAL_PAGES_API_KEY (the variables")

    done = connectorc("methods", str(spec), env={})
    assert done.returncode == 0 and done.stdout.startswith("list_things  GET /pages")

    broken = tmp_path / "broken.yaml"
    broken.write_text("SpecVersion: 1\nName: Broken\n", encoding="utf-8")
    done = connectorc("call", str(broken), "x", env={})
    assert done.returncode == 1
    assert "broken.yaml:1:1:" in done.stderr and "has errors" in done.stderr
    done = connectorc("login", str(tmp_path / "missing.yaml"), env={})
    assert done.returncode == EXIT_USAGE and "is not a file" in done.stderr
    done = connectorc("login", str(spec), "--port", "70000", env={})
    assert done.returncode == EXIT_USAGE
    assert "'70000' is not a port (0 to 65535)" in done.stderr
    done = connectorc("login", str(spec), "--timeout", "0", env={})
    assert done.returncode == EXIT_USAGE and "not a number of seconds" in done.stderr


def test_cli_main_in_process(
    paging: PagingServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = tmp_path / "pages.yaml"
    spec.write_text(paging_spec(paging.url), encoding="utf-8")
    monkeypatch.setenv("LOCAL_PAGES_API_KEY", API_KEY)
    assert main(["call", str(spec), "List Things", "--arg", "per_page=2"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"id": 0}, {"id": 1}]


def test_cli_login_end_to_end_with_no_browser(
    oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    """The real command in a process of its own: the user copies the printed URL."""
    spec = tmp_path / "calendar.yaml"
    spec.write_text(code_spec(oauth2_server), encoding="utf-8")
    store = tmp_path / "token.json"
    command = [sys.executable, "-m", "compiler", "login", str(spec), "--no-browser"]
    command += ["--store", str(store), "--timeout", "30"]
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **calendar_env()},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        url = ""
        for line in process.stderr:
            if line.strip().startswith(oauth2_server.authorize_url()):
                url = line.strip()
                break
        assert url, "no sign-in URL was printed"
        visits = Visits()
        oauth2_browser(visits)(url)
        rest = process.stderr.read()
        assert process.wait(timeout=30) == 0, rest
    assert f"token saved to {store}" in rest
    assert mode(store) == 0o600 and json.loads(store.read_text())["access_token"]
    assert "Signed in" in visits.pages[0].text


def test_cli_call_into_a_closed_pipe_ends_quietly(
    paging: PagingServer, tmp_path: Path
) -> None:
    """`connectorc call ... | head -c 10`: more output than a pipe holds, and the
    reader gone; no traceback, status 0."""
    spec = tmp_path / "pages.yaml"
    spec.write_text(paging_spec(paging.url), encoding="utf-8")
    note = "x" * 100_000  # the echo is larger than a pipe's 64 KiB buffer
    command = [sys.executable, "-m", "compiler", "call", str(spec), "echo"]
    command += ["--arg", f"note={note}", "--arg", "count=1"]
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "LOCAL_PAGES_API_KEY": API_KEY,
        },
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(10) == b'{"args": {'
        process.stdout.close()
        errors = process.stderr.read()
        assert process.wait(timeout=30) == 0, errors
    assert errors == b""
