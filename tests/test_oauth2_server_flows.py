"""Every OAuth 2 flow through the generated clients, against a real authorization
server (authlib's server side, tests/oauth2_server.py) on 127.0.0.1.

The three example modules in generated/ are used as they are committed: Google
Calendar (authorisation code + PKCE, client secret in the body), Spotify (client
credentials, Basic) and Salesforce (password grant, body). Their endpoints are
pointed at the local server; its /api/... echoes who called what.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.oauth2_fixtures import (
    CALENDAR,
    ODD,
    PASSWORD,
    PUBLIC,
    REDIRECT_URI,
    SALESFORCE,
    SPOTIFY,
    consent,
)
from tests.oauth2_server import OAuth2TestServer, RegisteredClient
from tests.support import import_generated

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def calendar() -> ModuleType:
    return import_generated("google_calendar")


@pytest.fixture(scope="module")
def spotify() -> ModuleType:
    return import_generated("spotify")


@pytest.fixture(scope="module")
def salesforce() -> ModuleType:
    return import_generated("salesforce")


def calendar_client(
    module: ModuleType,
    server: OAuth2TestServer,
    *,
    asynchronous: bool = False,
    **kw: Any,
) -> Any:
    cls = (
        module.AsyncGoogleCalendarClient
        if asynchronous
        else module.GoogleCalendarClient
    )
    return cls(
        client_id=CALENDAR.client_id,
        client_secret=CALENDAR.client_secret,
        authorization_endpoint=server.authorize_url(),
        token_endpoint=server.token_url(),
        base_url=server.api_url(),
        **kw,
    )


def spotify_client(
    module: ModuleType,
    server: OAuth2TestServer,
    *,
    asynchronous: bool = False,
    **kw: Any,
) -> Any:
    cls = module.AsyncSpotifyClient if asynchronous else module.SpotifyClient
    kw.setdefault("client_id", SPOTIFY.client_id)
    kw.setdefault("client_secret", SPOTIFY.client_secret)
    return cls(token_endpoint=server.token_url(), base_url=server.api_url(), **kw)


def salesforce_client(module: ModuleType, server: OAuth2TestServer, **kw: Any) -> Any:
    kw.setdefault("password", PASSWORD)
    return module.SalesforceClient(
        client_id=SALESFORCE.client_id,
        client_secret=SALESFORCE.client_secret,
        username="alice",
        my_domain="acme",
        token_endpoint=server.token_url(),
        base_url=server.api_url(),
        **kw,
    )


def authorise(client: Any) -> Any:
    """The whole user side: authorisation URL, consent, code exchange."""
    request = client.authorization_url(REDIRECT_URI)
    return client.fetch_token(consent(request.url))


def expired(token: Any) -> dict[str, Any]:
    """A copy of a real token as a restarted process finds it: past its expiry."""
    data = dict(token)
    data["expires_at"] = int(time.time()) - 10
    return data


def wait_until_due(token: Any, margin: float) -> None:
    time.sleep(max(0.0, token["expires_at"] - margin - time.time()) + 0.05)


# -- authorisation code + PKCE ------------------------------------------------------


def test_consent_code_exchange_and_protected_resource(
    calendar: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    client = calendar_client(calendar, oauth2_server)
    request = client.authorization_url(REDIRECT_URI)
    query = httpx.URL(request.url).params
    assert query["response_type"] == "code"
    assert query["client_id"] == "calendar-app"
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["state"] == request.state
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == calendar._create_s256_code_challenge(
        request.code_verifier
    )
    assert query["access_type"] == "offline"  # the spec's AuthoriseParameters
    assert query["scope"].split(" ") == list(calendar.OAuth2Auth.SCOPES)

    token = client.fetch_token(consent(request.url))
    assert token["token_type"] == "Bearer"
    assert client.token is token
    answer = client.list_calendars(max_results=5)
    assert answer["path"] == "users/me/calendarList"
    assert answer["query"] == {"maxResults": "5"}
    assert answer["user"] == "alice"
    assert answer["client_id"] == "calendar-app"
    assert oauth2_server.token_requests == {"authorization_code": 1}
    # ClientAuthentication: Body, so the secret travelled in the form.
    assert oauth2_server.token_forms[0]["client_secret"] == "calendar-secret"
    assert "Authorization" not in oauth2_server.token_headers[0]


def test_code_exchange_from_code_and_state_and_from_another_process(
    calendar: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    first = calendar_client(calendar, oauth2_server)
    request = first.authorization_url(REDIRECT_URI)
    params = httpx.URL(consent(request.url)).params
    # A web app: the callback runs in another process, with what the session kept.
    kept = calendar.AuthorizationRequest(
        url=request.url,
        state=request.state,
        redirect_uri=request.redirect_uri,
        code_verifier=request.code_verifier,
    )
    second = calendar_client(calendar, oauth2_server)
    second.fetch_token(code=params["code"], state=params["state"], request=kept)
    assert second.list_events()["path"] == "calendars/primary/events"


def test_pkce_is_checked_by_the_server(
    calendar: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    client = calendar_client(calendar, oauth2_server)
    request = client.authorization_url(REDIRECT_URI)
    location = consent(request.url)
    wrong = calendar.AuthorizationRequest(
        url=request.url,
        state=request.state,
        redirect_uri=request.redirect_uri,
        code_verifier="x" * 64,  # well formed, but not the one the challenge hides
    )
    with pytest.raises(calendar.OAuth2Error) as caught:
        client.fetch_token(location, request=wrong)
    assert caught.value.error == "invalid_grant"
    assert "Code challenge failed" in str(caught.value)
    assert client.token is None


PUBLIC_SPEC = """
SpecVersion: 1
Name: Public App
BaseUrl: https://api.example.com
Authentication:
  AuthType: OAuth2
  OAuth2Type: AuthorisationCode
  AuthoriseUrl: https://auth.example.com/authorize
  AccessTokenUrl: https://auth.example.com/token
  ClientAuthentication: None
  Pkce: Optional
Methods:
  - { Name: Me, HttpMethod: GET, EndPoint: /me }
"""


@pytest.mark.parametrize("pkce", [True, False])
def test_public_client_needs_pkce_at_this_server(
    oauth2_server: OAuth2TestServer,
    compile_spec_text: Callable[[str], ModuleType],
    pkce: bool,
) -> None:
    module = compile_spec_text(PUBLIC_SPEC)
    client = module.PublicAppClient(
        client_id=PUBLIC.client_id,
        pkce=pkce,
        authorization_endpoint=oauth2_server.authorize_url(),
        token_endpoint=oauth2_server.token_url(),
        base_url=oauth2_server.api_url(),
    )
    request = client.authorization_url(REDIRECT_URI)
    location = consent(request.url)
    if pkce:
        client.fetch_token(location)
        assert client.me()["client_id"] == "public-app"
        assert "client_secret" not in oauth2_server.token_forms[0]
    else:
        with pytest.raises(module.OAuth2Error) as caught:
            client.fetch_token(location)
        assert caught.value.error == "invalid_request"
        assert "code_verifier" in str(caught.value)


def test_state_mismatch_is_an_error_and_nothing_is_exchanged(
    calendar: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    client = calendar_client(calendar, oauth2_server)
    request = client.authorization_url(REDIRECT_URI)
    location = consent(request.url)
    forged = str(httpx.URL(location).copy_set_param("state", "forged"))
    with pytest.raises(calendar.StateMismatchError):
        client.fetch_token(forged)
    with pytest.raises(calendar.StateMismatchError):
        client.fetch_token(code=httpx.URL(location).params["code"])  # no state at all
    assert oauth2_server.token_request_count == 0
    client.fetch_token(location)  # the genuine redirect still works, once
    with pytest.raises(calendar.StateMismatchError):
        client.fetch_token(location)  # a replay finds no pending authorisation
    assert oauth2_server.token_request_count == 1


def test_access_denied_by_the_user(
    calendar: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    client = calendar_client(calendar, oauth2_server)
    request = client.authorization_url(REDIRECT_URI)
    with pytest.raises(calendar.OAuth2Error) as caught:
        client.fetch_token(consent(request.url, allow=False))
    assert caught.value.error == "access_denied"
    with pytest.raises(calendar.ReauthorizationRequired):
        client.list_calendars()  # no token, and no way to get one without the user


def test_expiry_refresh_and_rotated_token_persisted_and_reloaded(
    calendar: ModuleType, oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    oauth2_server.access_token_lifetime = 3  # renewed 1.5 s before it expires
    path = tmp_path / "tokens" / "calendar.json"
    path.parent.mkdir()
    seen: list[Any] = []
    client = calendar_client(
        calendar,
        oauth2_server,
        token_store=calendar.FileTokenStore(path),
        on_token=seen.append,
    )
    first = authorise(client)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text())["refresh_token"] == first["refresh_token"]
    client.list_calendars()
    assert oauth2_server.token_requests == {"authorization_code": 1}

    wait_until_due(first, margin=1.5)
    client.list_calendars()  # due: refreshed first, with the refresh token
    assert oauth2_server.token_requests == {"authorization_code": 1, "refresh_token": 1}
    second = client.token
    assert second["refresh_token"] != first["refresh_token"]  # rotated
    assert json.loads(path.read_text())["refresh_token"] == second["refresh_token"]
    assert [t["access_token"] for t in seen] == [
        first["access_token"],
        second["access_token"],
    ]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    # No temporary file left; the lock file between processes stays (removing it
    # would let two processes lock two different files).
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "calendar.json",
        "calendar.json.lock",
    ]

    # A new process: the rotated refresh token from the file is the one that works
    # (the server revoked the first when it rotated).
    data = json.loads(path.read_text())
    path.write_text(json.dumps(expired(data)))
    restarted = calendar_client(
        calendar, oauth2_server, token_store=calendar.FileTokenStore(path)
    )
    assert restarted.list_calendars()["user"] == "alice"
    assert oauth2_server.token_requests["refresh_token"] == 2
    assert oauth2_server.token_forms[-1]["refresh_token"] == second["refresh_token"]


def test_clients_sharing_a_store_use_each_others_rotated_tokens(
    calendar: ModuleType, oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    path = tmp_path / "shared.json"
    token = authorise(calendar_client(calendar, oauth2_server))
    path.write_text(json.dumps(expired(token)))
    first, second = (
        calendar_client(
            calendar, oauth2_server, token_store=calendar.FileTokenStore(path)
        )
        for _ in range(2)
    )
    oauth2_server.reset_counts()
    first.list_calendars()  # refreshes, and the server rotates the refresh token
    second.list_calendars()  # its own copy is stale: it takes the stored one instead
    assert oauth2_server.token_requests == {"refresh_token": 1}
    assert second.token["access_token"] == first.token["access_token"]


def test_401_refreshes_once_and_retries_once(
    calendar: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    client = calendar_client(calendar, oauth2_server)
    authorise(client)
    oauth2_server.revoke_access_tokens()  # valid by the clock, refused by the API
    oauth2_server.reset_counts()
    assert client.quick_add_event(text="Lunch")["method"] == "POST"
    assert oauth2_server.token_requests == {"refresh_token": 1}
    assert oauth2_server.resource_requests == 1  # the 401 is not counted: refused


def test_401_twice_is_returned_not_looped(
    spotify: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    client = spotify_client(spotify, oauth2_server)
    client.get_artist(id="a")
    # Every token refused, even new ones: one renewal, one retry, then the error.
    oauth2_server.refuse_tokens = True
    oauth2_server.reset_counts()
    with pytest.raises(spotify.SpotifyError) as caught:
        client.get_artist(id="a")
    assert caught.value.status_code == 401
    assert oauth2_server.token_requests == {"client_credentials": 1}


def test_invalid_grant_raises_reauthorization_required_without_a_loop(
    calendar: ModuleType, oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    store = calendar.FileTokenStore(tmp_path / "t.json")
    client = calendar_client(calendar, oauth2_server, token_store=store)
    authorise(client)
    oauth2_server.revoke_access_tokens()
    oauth2_server.revoke_refresh_tokens()
    oauth2_server.reset_counts()
    with pytest.raises(calendar.ReauthorizationRequired) as caught:
        client.list_calendars()
    assert caught.value.error == "invalid_grant"
    assert oauth2_server.token_requests == {"refresh_token": 1}
    with pytest.raises(calendar.ReauthorizationRequired):
        client.list_calendars()  # known dead: no request at all
    restarted = calendar_client(calendar, oauth2_server, token_store=store)
    with pytest.raises(calendar.ReauthorizationRequired):
        restarted.list_calendars()  # the store says so too
    assert oauth2_server.token_requests == {"refresh_token": 1}
    assert "refresh_token" not in json.loads((tmp_path / "t.json").read_text())
    authorise(client)  # the way out: the user consents again
    assert client.list_calendars()["user"] == "alice"


@pytest.mark.parametrize(("hours", "used"), [(11, False), (13, True)])
def test_refresh_token_shorter_than_12_hours_is_ignored(
    calendar: ModuleType,
    oauth2_server: OAuth2TestServer,
    tmp_path: Path,
    hours: int,
    used: bool,
) -> None:
    oauth2_server.refresh_token_lifetime = hours * 3600
    path = tmp_path / "t.json"
    client = calendar_client(
        calendar, oauth2_server, token_store=calendar.FileTokenStore(path)
    )
    token = authorise(client)
    assert ("refresh_token" in token) is used
    assert ("refresh_token" in json.loads(path.read_text())) is used  # not stored
    assert oauth2_server.token_forms  # the server did send one either way
    restarted = calendar_client(
        calendar,
        oauth2_server,
        token_store=calendar.MemoryTokenStore(expired(json.loads(path.read_text()))),
    )
    oauth2_server.reset_counts()
    if used:
        assert restarted.list_calendars()["user"] == "alice"
        assert oauth2_server.token_requests == {"refresh_token": 1}
    else:
        with pytest.raises(calendar.ReauthorizationRequired):
            restarted.list_calendars()
        assert oauth2_server.token_request_count == 0  # neither stored nor used


def test_async_code_flow_and_refresh(
    calendar: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    async def main() -> None:
        async with calendar_client(
            calendar, oauth2_server, asynchronous=True
        ) as client:
            request = client.authorization_url(REDIRECT_URI)
            location = await asyncio.to_thread(consent, request.url)
            token = await client.fetch_token(location)
            assert (await client.list_calendars())["user"] == "alice"
            oauth2_server.revoke_access_tokens()
            assert (await client.list_calendars())["user"] == "alice"
            assert client.token["refresh_token"] != token["refresh_token"]

    asyncio.run(main())
    assert oauth2_server.token_requests == {"authorization_code": 1, "refresh_token": 1}


# -- client credentials ---------------------------------------------------------------


def test_client_credentials_on_first_request_and_again_on_expiry(
    spotify: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    oauth2_server.access_token_lifetime = 3
    client = spotify_client(spotify, oauth2_server)
    assert client.token is None
    assert client.get_artist(id="0OdUWJ0sBjDrqHygGUXeCF")["path"] == (
        "artists/0OdUWJ0sBjDrqHygGUXeCF"
    )
    assert client.search(query="artist:Miles", item_type="album")["query"] == {
        "q": "artist:Miles",
        "type": "album",
        "limit": "20",
        "offset": "0",
    }
    assert oauth2_server.token_requests == {"client_credentials": 1}
    first = client.token
    assert "refresh_token" not in first
    wait_until_due(first, margin=1.5)
    client.get_new_releases()
    assert oauth2_server.token_requests == {"client_credentials": 2}
    # ClientAuthentication: Basic, so the secret travelled in the header only.
    assert all("client_secret" not in form for form in oauth2_server.token_forms)
    assert all(
        h["Authorization"].startswith("Basic ") for h in oauth2_server.token_headers
    )


def test_wrong_client_secret_is_a_clear_error(
    spotify: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    client = spotify_client(spotify, oauth2_server, client_secret="not-the-secret")
    with pytest.raises(spotify.OAuth2Error) as caught:
        client.get_artist(id="a")
    assert caught.value.error == "invalid_client"
    assert caught.value.status_code == 401
    assert str(caught.value).startswith(
        "the token endpoint refused the client's credentials (invalid_client); "
        "check client_id and client_secret"
    )
    assert "not-the-secret" not in str(caught.value)
    assert oauth2_server.resource_requests == 0


def test_rfc6749_2_3_1_odd_credentials_reach_a_conforming_server(
    spotify: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    client = spotify_client(
        spotify, oauth2_server, client_id=ODD.client_id, client_secret=ODD.client_secret
    )
    assert client.get_artist(id="a")["client_id"] == ODD.client_id
    # The trap: authlib's client_secret_basic (no form-encoding) is refused.
    from authlib.oauth2.auth import ClientAuth  # type: ignore[import-untyped]

    _, headers, body = ClientAuth(ODD.client_id, ODD.client_secret).prepare(
        "POST", oauth2_server.token_url(), {}, "grant_type=client_credentials"
    )
    answer = httpx.post(
        oauth2_server.token_url(),
        content=body,
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 401


def test_token_parameters_and_scopes_sent_every_time(
    oauth2_server: OAuth2TestServer, compile_spec_text: Callable[[str], ModuleType]
) -> None:
    module = compile_spec_text(
        """
SpecVersion: 1
Name: Audience Api
BaseUrl: https://api.example.com
Authentication:
  AuthType: OAuth2
  OAuth2Type: ClientCredentials
  AccessTokenUrl: https://auth.example.com/oauth/token
  ClientAuthentication: Body
  Scopes: [read, write]
  TokenParameters: { audience: "https://api.example.com/" }
Methods:
  - { Name: Ping, HttpMethod: GET, EndPoint: /ping }
"""
    )
    oauth2_server.register(
        RegisteredClient(
            "audience-app",
            "audience-secret",
            "client_secret_post",
            ("client_credentials",),
        )
    )
    client = module.AudienceApiClient(
        client_id="audience-app",
        client_secret="audience-secret",
        token_endpoint=oauth2_server.token_url(),
        base_url=oauth2_server.api_url(),
    )
    client.ping()
    oauth2_server.revoke_access_tokens()
    client.ping()
    assert oauth2_server.token_requests == {"client_credentials": 2}
    for form in oauth2_server.token_forms:
        assert form["audience"] == "https://api.example.com/"
        assert form["scope"] == "read write"
        assert form["client_id"] == "audience-app"


# -- password -------------------------------------------------------------------------


def test_password_grant_refreshes_then_falls_back_to_the_password(
    salesforce: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    client = salesforce_client(salesforce, oauth2_server)
    assert client.limits()["path"] == "limits"
    assert client.query(soql="SELECT Id FROM Account")["query"] == {
        "q": "SELECT Id FROM Account"
    }
    assert oauth2_server.token_requests == {"password": 1}
    form = oauth2_server.token_forms[0]
    assert (form["username"], form["password"]) == ("alice", PASSWORD)
    assert form["client_secret"] == "salesforce-secret"

    oauth2_server.revoke_access_tokens()
    client.limits()  # 401: a usable refresh token, so refreshed
    assert oauth2_server.token_requests == {"password": 1, "refresh_token": 1}

    oauth2_server.revoke_access_tokens()
    oauth2_server.revoke_refresh_tokens()
    client.limits()  # 401, refresh refused (invalid_grant): the password again
    assert oauth2_server.token_requests == {"password": 2, "refresh_token": 2}


def test_wrong_password_is_reauthorization_required(
    salesforce: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    client = salesforce_client(salesforce, oauth2_server, password="guess")
    with pytest.raises(salesforce.ReauthorizationRequired) as caught:
        client.limits()
    assert caught.value.error == "invalid_grant"
    assert "guess" not in str(caught.value)
    assert oauth2_server.token_requests == {"password": 1}


def test_default_lifetime_when_the_server_sends_none(
    salesforce: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    oauth2_server.send_expires_in = False  # as Salesforce does
    client = salesforce_client(salesforce, oauth2_server)
    before = int(time.time())
    client.limits()
    assert client.token["expires_in"] == 7200  # the spec's DefaultExpiresIn
    assert before + 7200 <= client.token["expires_at"] <= int(time.time()) + 7200


# -- every method of the examples -------------------------------------------------


def call_every_method(calendar: Any, spotify: Any, salesforce: Any) -> list[Any]:
    """Each method of the three OAuth 2 examples, with the optional arguments too."""
    return [
        calendar.list_calendars(max_results=2, page_token="p", min_access_role="owner"),
        calendar.list_events(
            calendar_id="work@x",
            time_min=datetime(2024, 5, 1, tzinfo=UTC),
            order_by="startTime",
            max_results=3,
        ),
        calendar.quick_add_event(text="Lunch 1pm", send_updates="none"),
        calendar.delete_event(event_id="e1", if_match='"etag"'),
        spotify.get_artist(id="a1"),
        spotify.get_several_albums(ids="x,y", market="NL"),
        spotify.search(query="q", item_type="track", limit=5),
        spotify.get_new_releases(accept_language="es_MX"),
        salesforce.query(soql="SELECT Id FROM Account"),
        salesforce.get_record(s_object="Account", record_id="001"),
        salesforce.create_account(name="Acme", website="https://acme.example"),
        salesforce.limits(),
    ]


EXPECTED_CALLS = [
    (
        "GET",
        "users/me/calendarList",
        {"maxResults": "2", "pageToken": "p", "minAccessRole": "owner"},
        None,
    ),
    (
        "GET",
        "calendars/work@x/events",
        {
            "timeMin": "2024-05-01T00:00:00+00:00",
            "singleEvents": "true",
            "orderBy": "startTime",
            "maxResults": "3",
        },
        None,
    ),
    (
        "POST",
        "calendars/primary/events/quickAdd",
        {"text": "Lunch 1pm", "sendUpdates": "none"},
        None,
    ),
    ("DELETE", "calendars/primary/events/e1", {}, None),
    ("GET", "artists/a1", {}, None),
    ("GET", "albums", {"ids": "x,y", "market": "NL"}, None),
    ("GET", "search", {"q": "q", "type": "track", "limit": "5", "offset": "0"}, None),
    ("GET", "browse/new-releases", {"limit": "20", "offset": "0"}, None),
    ("GET", "query", {"q": "SELECT Id FROM Account"}, None),
    ("GET", "sobjects/Account/001", {}, None),
    (
        "POST",
        "sobjects/Account",
        {},
        {"Name": "Acme", "Website": "https://acme.example"},
    ),
    ("GET", "limits", {}, None),
]


def test_every_method_of_the_examples(
    calendar: ModuleType,
    spotify: ModuleType,
    salesforce: ModuleType,
    oauth2_server: OAuth2TestServer,
) -> None:
    calendar_api = calendar_client(calendar, oauth2_server)
    authorise(calendar_api)
    answers = call_every_method(
        calendar_api,
        spotify_client(spotify, oauth2_server),
        salesforce_client(salesforce, oauth2_server),
    )
    seen = [(a["method"], a["path"], a["query"], a["body"]) for a in answers]
    assert seen == EXPECTED_CALLS
    assert oauth2_server.token_requests == {
        "authorization_code": 1,
        "client_credentials": 1,
        "password": 1,
    }

    async def main() -> list[Any]:
        async with (
            calendar_client(
                calendar,
                oauth2_server,
                asynchronous=True,
                token_store=calendar.MemoryTokenStore(calendar_api.token),
            ) as a,
            spotify_client(spotify, oauth2_server, asynchronous=True) as b,
            salesforce.AsyncSalesforceClient(
                client_id=SALESFORCE.client_id,
                client_secret=SALESFORCE.client_secret,
                username="alice",
                password=PASSWORD,
                my_domain="acme",
                token_endpoint=oauth2_server.token_url(),
                base_url=oauth2_server.api_url(),
            ) as c,
        ):
            # The same calls on the async clients give coroutines, awaited together.
            return list(await asyncio.gather(*call_every_method(a, b, c)))

    answers = asyncio.run(main())
    assert [(a["method"], a["path"], a["query"], a["body"]) for a in answers] == (
        EXPECTED_CALLS
    )


# -- single flight --------------------------------------------------------------------

THREADS = 50


def run_threads(call: Callable[[], Any]) -> list[BaseException]:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker() -> None:
        barrier.wait()
        try:
            call()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_single_flight_threads_first_token(
    spotify: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    oauth2_server.token_delay = 0.2  # a slow token endpoint: every thread waits on it
    client = spotify_client(spotify, oauth2_server)
    assert run_threads(lambda: client.get_artist(id="a")) == []
    assert oauth2_server.token_requests == {"client_credentials": 1}
    assert oauth2_server.resource_requests == THREADS


def test_single_flight_threads_expired_token_refresh(
    calendar: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    token = authorise(calendar_client(calendar, oauth2_server))
    oauth2_server.reset_counts()
    oauth2_server.token_delay = 0.2
    client = calendar_client(
        calendar, oauth2_server, token_store=calendar.MemoryTokenStore(expired(token))
    )
    assert run_threads(client.list_calendars) == []
    assert oauth2_server.token_requests == {"refresh_token": 1}
    assert oauth2_server.resource_requests == THREADS


def test_single_flight_tasks(
    spotify: ModuleType, calendar: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    token = authorise(calendar_client(calendar, oauth2_server))
    oauth2_server.reset_counts()
    oauth2_server.token_delay = 0.2

    async def main() -> None:
        async with spotify_client(spotify, oauth2_server, asynchronous=True) as client:
            await asyncio.gather(*(client.get_artist(id="a") for _ in range(THREADS)))
        async with calendar_client(
            calendar,
            oauth2_server,
            asynchronous=True,
            token_store=calendar.MemoryTokenStore(expired(token)),
        ) as client:
            await asyncio.gather(*(client.list_calendars() for _ in range(THREADS)))

    asyncio.run(main())
    assert oauth2_server.token_requests == {"client_credentials": 1, "refresh_token": 1}
    assert oauth2_server.resource_requests == 2 * THREADS


def test_fetch_token_on_demand_sync_and_async(
    spotify: ModuleType, oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    """fetch_token() of a client credentials client gets a new token at once, even
    with a valid one in use; it is saved and announced like a renewal."""
    store = spotify.FileTokenStore(tmp_path / "token.json")
    heard: list[Any] = []
    client = spotify_client(
        spotify, oauth2_server, token_store=store, on_token=heard.append
    )
    first = client.fetch_token()
    second = client.fetch_token()
    assert first["access_token"] != second["access_token"]
    assert client.token == second == store.load()
    assert oauth2_server.resource_requests == 0
    client.get_artist(id="a")
    assert oauth2_server.token_requests == {"client_credentials": 2}
    client.close()

    async def run() -> Any:
        async with spotify_client(
            spotify,
            oauth2_server,
            asynchronous=True,
            token_store=store,
            on_token=heard.append,
        ) as async_client:
            return await async_client.fetch_token()

    third = asyncio.run(run())
    assert third == store.load() and third["access_token"] != second["access_token"]
    assert [t["access_token"] for t in heard] == [
        first["access_token"],
        second["access_token"],
        third["access_token"],
    ]
    assert oauth2_server.token_requests == {"client_credentials": 3}
