"""The OAuth 2 test server as a pytest fixture, its registered clients, and helpers
that drive the user's side of a consent (following the authorise redirect in code)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from tests.oauth2_server import (
    REDIRECT_URI,
    USERS,
    OAuth2TestServer,
    RegisteredClient,
    running_server,
)
from tests.support import compile_text

__all__ = [
    "CALENDAR",
    "OAUTH2_EXAMPLES",
    "ODD",
    "PASSWORD",
    "PUBLIC",
    "REDIRECT_URI",
    "SALESFORCE",
    "SPOTIFY",
    "compile_spec_text",
    "consent",
    "oauth2_server",
]

PASSWORD = USERS["alice"]

# The example specs with OAuth 2, each tested against the OAuth 2 test server.
OAUTH2_EXAMPLES = ("google_calendar", "salesforce", "spotify")

# One registration per example spec, as the API's app registration would be.
CALENDAR = RegisteredClient(
    "calendar-app",
    "calendar-secret",
    "client_secret_post",
    ("authorization_code", "refresh_token"),
)
SPOTIFY = RegisteredClient(
    "spotify-app", "spotify-secret", "client_secret_basic", ("client_credentials",)
)
SALESFORCE = RegisteredClient(
    "salesforce-app",
    "salesforce-secret",
    "client_secret_post",
    ("password", "refresh_token"),
)
PUBLIC = RegisteredClient(
    "public-app", None, "none", ("authorization_code", "refresh_token", "password")
)
# RFC 6749 2.3.1: characters that break Basic unless form-encoded first.
ODD = RegisteredClient(
    "odd:id%+ é",
    "s3:cr%t+ ü/=&x",
    "client_secret_basic",
    ("client_credentials", "authorization_code", "refresh_token"),
)


@pytest.fixture
def oauth2_server() -> Iterator[OAuth2TestServer]:
    """A fresh authorization server on 127.0.0.1 with the registrations above."""
    with running_server() as server:
        for client in (CALENDAR, SPOTIFY, SALESFORCE, PUBLIC, ODD):
            server.register(client)
        yield server


@pytest.fixture
def compile_spec_text(tmp_path: Path) -> Callable[[str], ModuleType]:
    """Compile a spec given as text and import the module it generates."""
    return lambda text: compile_text(text, tmp_path)


def consent(authorize_url: str, *, user: str = "alice", allow: bool = True) -> str:
    """What a browser does: open the consent page, answer it, and return the URL the
    authorization server redirects to (it is not followed: the test is the app)."""
    page = httpx.get(authorize_url)
    assert page.status_code == 200, page.text
    answer = httpx.post(
        authorize_url, data={"user": user, "confirm": "yes" if allow else "no"}
    )
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT_URI)
    return location
