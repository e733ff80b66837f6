"""ClientAuthentication BasicUnencoded (issue 11, item 10): Basic client credentials
without RFC 6749 2.3.1's form encoding, for token endpoints that do not decode it.

The example spec, specs/reddit.yaml, runs against the OAuth 2 test server switched to
read Basic credentials as they are (``basic_form_decoding = False``).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from tests.oauth2_fixtures import SPOTIFY
from tests.oauth2_server import OAuth2TestServer, RegisteredClient, running_server
from tests.support import import_generated

pytestmark = pytest.mark.slow

# A secret with a space, a '+', a '%' and a non-ASCII letter: form encoding changes it.
REDDIT = RegisteredClient(
    "reddit-app_é",
    "s3cr+t with space%41/ü",
    "client_secret_basic",
    ("client_credentials",),
)
RAW_HEADER = "Basic " + base64.b64encode(
    f"{REDDIT.client_id}:{REDDIT.client_secret}".encode()
).decode("ascii")


@pytest.fixture
def raw_server() -> Iterator[OAuth2TestServer]:
    with running_server() as server:
        server.basic_form_decoding = False
        server.register(REDDIT)
        server.register(
            RegisteredClient(
                SPOTIFY.client_id,
                REDDIT.client_secret,
                "client_secret_basic",
                ("client_credentials",),
            )
        )
        yield server


@pytest.fixture(scope="module")
def reddit() -> ModuleType:
    return import_generated("reddit")


def reddit_client(
    module: ModuleType, server: OAuth2TestServer, *, asynchronous: bool = False
) -> Any:
    cls = module.AsyncRedditClient if asynchronous else module.RedditClient
    return cls(
        client_id=REDDIT.client_id,
        client_secret=REDDIT.client_secret,
        token_endpoint=server.token_url(),
        base_url=server.api_url(),
    )


def test_credentials_go_as_they_are(
    reddit: ModuleType, raw_server: OAuth2TestServer
) -> None:
    client = reddit_client(reddit, raw_server)
    about = client.subreddit_about(subreddit="python")
    assert about["path"] == "r/python/about"
    assert about["client_id"] == REDDIT.client_id
    assert raw_server.token_headers[-1]["Authorization"] == RAW_HEADER
    assert raw_server.token_forms == [{"grant_type": "client_credentials"}]
    assert client.hot_posts(subreddit="python", limit=5)["query"] == {"limit": "5"}
    assert raw_server.token_request_count == 1


def test_credentials_go_as_they_are_async(
    reddit: ModuleType, raw_server: OAuth2TestServer
) -> None:
    async def run() -> Any:
        async with reddit_client(reddit, raw_server, asynchronous=True) as client:
            return await client.subreddit_about(subreddit="rust")

    assert asyncio.run(run())["client_id"] == REDDIT.client_id
    assert raw_server.token_headers[-1]["Authorization"] == RAW_HEADER


def test_the_default_basic_fails_at_such_an_endpoint(
    raw_server: OAuth2TestServer,
) -> None:
    """Why the option exists: Spotify's spec (ClientAuthentication Basic, the RFC's
    form encoding) with the same secret is refused by the non-decoding server."""
    spotify = import_generated("spotify")
    client = spotify.SpotifyClient(
        client_id=SPOTIFY.client_id,
        client_secret=REDDIT.client_secret,
        token_endpoint=raw_server.token_url(),
        base_url=raw_server.api_url(),
    )
    with pytest.raises(spotify.OAuth2Error) as caught:
        client.get_artist(id="a")
    assert caught.value.error == "invalid_client"
    assert raw_server.token_headers[-1]["Authorization"] != RAW_HEADER


def test_a_colon_in_the_client_id_is_refused(reddit: ModuleType) -> None:
    with pytest.raises(ValueError) as caught:
        reddit.RedditClient(client_id="a:b", client_secret="the-secret-value")
    assert "client_id holds ':'" in str(caught.value)
    assert "the-secret-value" not in str(caught.value)
