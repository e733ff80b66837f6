"""No secret in a repr, a log record or an exception message: every flow, including
its failures, runs against the real server with every logger at DEBUG, and then every
secret that existed is looked for in everything the client showed."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.oauth2_fixtures import (
    CALENDAR,
    PASSWORD,
    REDIRECT_URI,
    SALESFORCE,
    SPOTIFY,
    consent,
)
from tests.oauth2_server import OAuth2TestServer
from tests.support import import_generated

pytestmark = pytest.mark.slow


def shown(error: BaseException) -> list[str]:
    """What an exception shows: its message and repr, and those of its causes."""
    texts: list[str] = []
    current: BaseException | None = error
    while current is not None:
        texts += [str(current), repr(current)]
        current = current.__cause__ or current.__context__
    return texts


def browse(url: str) -> str:
    """The user's browser at the consent page: its own HTTP log is not the client's."""
    logging.disable(logging.CRITICAL)
    try:
        return consent(url)
    finally:
        logging.disable(logging.NOTSET)


def test_no_secret_is_ever_shown(
    oauth2_server: OAuth2TestServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    calendar = import_generated("google_calendar")
    spotify = import_generated("spotify")
    salesforce = import_generated("salesforce")
    texts: list[str] = []
    secrets = {CALENDAR.client_secret, SPOTIFY.client_secret, PASSWORD, "wrong-secret"}
    caplog.set_level(logging.DEBUG)

    def expect(error_type: type[BaseException], call: Any) -> None:
        with pytest.raises(error_type) as caught:
            call()
        texts.extend(shown(caught.value))

    endpoints = {
        "authorization_endpoint": oauth2_server.authorize_url(),
        "token_endpoint": oauth2_server.token_url(),
        "base_url": oauth2_server.api_url(),
    }
    store = calendar.FileTokenStore(tmp_path / "token.json")
    client = calendar.GoogleCalendarClient(
        client_id=CALENDAR.client_id,
        client_secret=CALENDAR.client_secret,
        token_store=store,
        **endpoints,
    )
    # A PKCE failure, a state mismatch, then a good exchange.
    request = client.authorization_url(REDIRECT_URI)
    location = browse(request.url)
    secrets |= {request.code_verifier, httpx.URL(location).params["code"]}
    wrong = calendar.AuthorizationRequest(
        url=request.url,
        state=request.state,
        redirect_uri=REDIRECT_URI,
        code_verifier="v" * 50,
    )
    expect(calendar.OAuth2Error, lambda: client.fetch_token(location, request=wrong))
    request = client.authorization_url(REDIRECT_URI)
    location = browse(request.url)
    secrets |= {request.code_verifier, httpx.URL(location).params["code"]}
    forged = str(httpx.URL(location).copy_set_param("state", "forged"))
    expect(calendar.StateMismatchError, lambda: client.fetch_token(forged))
    token = client.fetch_token(location)
    texts += [repr(client), repr(client._auth), repr(token), repr(request), repr(store)]
    texts += [str(token), f"{token}", repr({"token": token})]
    client.list_calendars()
    oauth2_server.revoke_access_tokens()
    client.list_calendars()  # 401, refresh, retry
    texts += [repr(client.token)]
    oauth2_server.revoke_access_tokens()
    oauth2_server.revoke_refresh_tokens()
    expect(calendar.ReauthorizationRequired, client.list_calendars)

    wrong_secret = spotify.SpotifyClient(
        client_id=SPOTIFY.client_id,
        client_secret="wrong-secret",
        token_endpoint=oauth2_server.token_url(),
        base_url=oauth2_server.api_url(),
    )
    texts.append(repr(wrong_secret))
    expect(spotify.OAuth2Error, lambda: wrong_secret.get_artist(id="a"))

    owner = salesforce.SalesforceClient(
        client_id=SALESFORCE.client_id,
        client_secret=SALESFORCE.client_secret,
        username="alice",
        password=PASSWORD,
        my_domain="acme",
        token_endpoint=oauth2_server.token_url(),
        base_url=oauth2_server.api_url(),
    )
    owner.limits()
    texts += [
        repr(owner),
        repr(owner.token),
        repr(salesforce.MemoryTokenStore(owner.token)),
    ]
    bad_password = salesforce.SalesforceClient(
        client_id=SALESFORCE.client_id,
        client_secret=SALESFORCE.client_secret,
        username="alice",
        password="wrong-secret",
        my_domain="acme",
        token_endpoint=oauth2_server.token_url(),
        base_url=oauth2_server.api_url(),
    )
    expect(salesforce.ReauthorizationRequired, bad_password.limits)

    for issued in oauth2_server.tokens.values():
        secrets.add(issued.access_token)
        if issued.refresh_token:
            secrets.add(issued.refresh_token)
    # The server's own records (authlib logs the tokens it issues) are not the
    # client's; everything else is: httpx, httpcore and the generated modules.
    texts += [
        record.getMessage()
        for record in caplog.records
        if not record.name.startswith(("authlib", "werkzeug", "tests.oauth2_server"))
    ]
    assert len(secrets) > 10 and len(texts) > 30
    leaks = [(s, t) for s in secrets for t in texts if s and s in t]
    assert leaks == []
