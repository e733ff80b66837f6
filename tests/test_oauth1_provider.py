"""Generated OAuth 1.0a clients against a real provider that checks every signature.

The provider (tests/oauth1_provider.py) is authlib's Flask server side on 127.0.0.1. The
clients are the example spec, specs/twitter.yaml, compiled with the provider's address
in place of api.twitter.com, and variants of it for each signature method and location.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.oauth1_provider import (
    CONSUMER_KEY,
    CONSUMER_SECRET,
    DEFAULT_CALLBACK,
    RSA_PRIVATE_KEY,
    Provider,
    serve,
)
from tests.support import SPECS, compile_text

pytestmark = pytest.mark.slow

NON_ASCII = "Grüße aus Köln ☃ — 東京 & more: +1 %20 a=b;c 🎉"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with serve() as running:
        yield running


def twitter_spec(provider: Provider, method: str = "", location: str = "") -> str:
    """The example spec, pointed at the provider, with another method or location."""
    text = (SPECS / "twitter.yaml").read_text(encoding="utf-8")
    text = text.replace("https://api.twitter.com", provider.url)
    if method:
        text = text.replace("SignatureMethod: HMAC-SHA1", f"SignatureMethod: {method}")
    if location:
        text = text.replace(
            "SignatureLocation: Header", f"SignatureLocation: {location}"
        )
    return text


@pytest.fixture(scope="module")
def twitter(provider: Provider, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return compile_text(twitter_spec(provider), tmp_path_factory.mktemp("twitter"))


def client_with_dashboard_token(twitter: ModuleType, provider: Provider) -> Any:
    token = provider.issue_token()
    return twitter.TwitterClient(
        client_id=CONSUMER_KEY,
        client_secret=CONSUMER_SECRET,
        token=token.oauth_token,
        token_secret=token.oauth_token_secret,
    )


def authorize_in_browser(url: str) -> httpx.URL:
    """What Jane's browser does: open the page, approve, land on the callback."""
    response = httpx.get(url)
    assert response.status_code == 302
    return httpx.URL(response.headers["Location"])


# -- the three-legged flow -------------------------------------------------------------


def test_three_legged_flow(twitter: ModuleType, provider: Provider) -> None:
    client = twitter.TwitterClient(
        client_id=CONSUMER_KEY, client_secret=CONSUMER_SECRET
    )
    assert client.token is None

    request_token = client.fetch_request_token("https://printer.example.com/ready")
    assert request_token.token and request_token.token_secret
    assert request_token.extra == {"oauth_callback_confirmed": "True"}  # authlib's case

    callback = authorize_in_browser(client.authorization_url())
    assert str(callback.copy_with(query=None)) == "https://printer.example.com/ready"
    assert callback.params["oauth_token"] == request_token.token

    access = client.fetch_access_token(verifier=callback.params["oauth_verifier"])
    assert client.token == access
    assert access.token != request_token.token
    assert provider.tokens[access.token].oauth_token_secret == access.token_secret

    me = client.verify_credentials(skip_status=True)
    assert me["user"] == "jane"
    assert me["args"] == [["skip_status", "true"]]

    # The saved token builds a client later, without the flow.
    later = twitter.TwitterClient(
        client_id=CONSUMER_KEY,
        client_secret=CONSUMER_SECRET,
        token=access.token,
        token_secret=access.token_secret,
    )
    assert later.verify_credentials()["user"] == "jane"


def test_three_legged_flow_out_of_band_across_two_clients(
    twitter: ModuleType, provider: Provider
) -> None:
    """Without a callback the flow is "oob"; step 3 may run in another client, as a
    web app's callback handler does, given the request token kept from step 1."""
    first = twitter.TwitterClient(client_id=CONSUMER_KEY, client_secret=CONSUMER_SECRET)
    request_token = first.fetch_request_token()
    callback = authorize_in_browser(first.authorization_url())
    # For "oob", authlib's provider falls back to the client's registered callback.
    assert str(callback.copy_with(query=None)) == DEFAULT_CALLBACK

    second = twitter.TwitterClient.from_env(
        {"TWITTER_CLIENT_ID": CONSUMER_KEY, "TWITTER_CLIENT_SECRET": CONSUMER_SECRET}
    )
    kept = twitter.OAuth1Token(request_token.token, request_token.token_secret)
    second.fetch_access_token(
        verifier=callback.params["oauth_verifier"], request_token=kept
    )
    assert second.home_timeline()["user"] == "jane"


def test_three_legged_flow_async(twitter: ModuleType) -> None:
    async def flow() -> object:
        async with twitter.AsyncTwitterClient(
            client_id=CONSUMER_KEY, client_secret=CONSUMER_SECRET
        ) as client:
            await client.fetch_request_token("http://127.0.0.1/callback")
            async with httpx.AsyncClient() as browser:
                page = await browser.get(client.authorization_url())
            verifier = httpx.URL(page.headers["Location"]).params["oauth_verifier"]
            await client.fetch_access_token(verifier=verifier)
            return await client.update_status(status=NON_ASCII)

    result = asyncio.run(flow())
    assert result == {
        "user": "jane",
        "method": "POST",
        "args": [],
        "form": [["status", NON_ASCII]],
        "path": {},
    }


def test_a_wrong_verifier_is_refused(twitter: ModuleType) -> None:
    client = twitter.TwitterClient(
        client_id=CONSUMER_KEY, client_secret=CONSUMER_SECRET
    )
    client.fetch_request_token("https://printer.example.com/ready")
    authorize_in_browser(client.authorization_url())
    with pytest.raises(twitter.TwitterError) as caught:
        client.fetch_access_token(verifier="not-the-verifier")
    assert caught.value.status_code == 400
    assert "invalid_request" in caught.value.body
    assert client.token is None


# -- signed requests -------------------------------------------------------------------


def test_signed_get_with_query_parameters(
    twitter: ModuleType, provider: Provider
) -> None:
    client = client_with_dashboard_token(twitter, provider)
    found = client.search_tweets(
        query="café & crème/?=+ #moon ~*'()! 100%", result_type="recent", count=5
    )
    assert found["args"] == [
        ["q", "café & crème/?=+ #moon ~*'()! 100%"],
        ["result_type", "recent"],
        ["count", "5"],
    ]
    timeline = client.home_timeline(
        since_id="12", exclude_replies=False, tweet_mode="extended"
    )
    assert timeline["args"] == [
        ["count", "20"],
        ["since_id", "12"],
        ["exclude_replies", "false"],
        ["tweet_mode", "extended"],
    ]


def test_signed_post_with_a_non_ascii_form_body(
    twitter: ModuleType, provider: Provider
) -> None:
    client = client_with_dashboard_token(twitter, provider)
    posted = client.update_status(
        status=NON_ASCII, in_reply_to_status_id="42", possibly_sensitive=True
    )
    assert posted["form"] == [
        ["status", NON_ASCII],
        ["in_reply_to_status_id", "42"],
        ["possibly_sensitive", "true"],
    ]
    deleted = client.destroy_status(id="123", trim_user=True)
    assert (deleted["path"], deleted["args"]) == (
        {"post_id": "123"},
        [["trim_user", "true"]],
    )


VARIANTS = [
    (method, location)
    for method in ("HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "PLAINTEXT")
    for location in ("Header", "Query", "Body")
    if (method, location) != ("PLAINTEXT", "Query")  # refused by the compiler
]


@pytest.mark.parametrize(("method", "location"), VARIANTS)
def test_every_signature_method_and_location(
    provider: Provider, tmp_path: Path, method: str, location: str
) -> None:
    """The whole flow, a GET and a form POST, signed each way, verified by authlib."""
    module = compile_text(twitter_spec(provider, method, location), tmp_path)
    secret = {"rsa_key": RSA_PRIVATE_KEY} if method == "RSA-SHA1" else {}
    client = module.TwitterClient(
        client_id=CONSUMER_KEY, **(secret or {"client_secret": CONSUMER_SECRET})
    )
    client.fetch_request_token("https://printer.example.com/ready")
    callback = authorize_in_browser(client.authorization_url())
    client.fetch_access_token(verifier=callback.params["oauth_verifier"])
    found = client.search_tweets(query="ünïcode q")
    assert found["args"][0] == ["q", "ünïcode q"]
    # The OAuth parameters travelled where the spec says.
    in_query = [name for name, _ in found["args"] if name.startswith("oauth_")]
    assert bool(in_query) == (location == "Query")
    posted = client.update_status(status=NON_ASCII)
    assert posted["user"] == "jane"
    assert posted["form"][0] == ["status", NON_ASCII]
    in_form = [name for name, _ in posted["form"] if name.startswith("oauth_")]
    assert bool(in_form) == (location == "Body")


# -- replays and wrong secrets ---------------------------------------------------------


class Recording(httpx.HTTPTransport):
    """A real transport that keeps every request it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return super().handle_request(request)


def test_a_replayed_request_is_rejected(
    twitter: ModuleType, provider: Provider
) -> None:
    token = provider.issue_token()
    recording = Recording()
    client = twitter.TwitterClient(
        client_id=CONSUMER_KEY,
        client_secret=CONSUMER_SECRET,
        token=token.oauth_token,
        token_secret=token.oauth_token_secret,
        transport=recording,
    )
    assert client.update_status(status="once")["form"] == [["status", "once"]]
    captured = recording.sent[-1]
    # An eavesdropper sends the very same bytes again: same nonce, same signature.
    with httpx.Client() as attacker:
        replay = attacker.send(captured)
    assert replay.status_code == 401
    assert replay.json()["error"] == "invalid_nonce"


def test_the_same_nonce_twice_is_a_clear_error(
    twitter: ModuleType, provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(twitter.OAuth1Auth, "generate_nonce", lambda self: "fixed")
    # The provider keys a nonce by its timestamp too: two requests in different
    # seconds would not be a replay, so both carry the same one.
    now = str(int(time.time()))
    monkeypatch.setattr(twitter.OAuth1Auth, "generate_timestamp", lambda self: now)
    client = client_with_dashboard_token(twitter, provider)
    assert client.home_timeline()["user"] == "jane"
    with pytest.raises(twitter.TwitterError) as caught:
        client.home_timeline()
    assert caught.value.status_code == 401
    assert caught.value.response.json()["error"] == "invalid_nonce"


def test_a_wrong_consumer_secret_is_a_clear_error(twitter: ModuleType) -> None:
    wrong = "wrong-consumer-secret"
    client = twitter.TwitterClient(client_id=CONSUMER_KEY, client_secret=wrong)
    with pytest.raises(twitter.TwitterError) as caught:
        client.fetch_request_token("https://printer.example.com/ready")
    error = caught.value
    assert error.status_code == 401
    assert "error=invalid_signature" in error.body
    port = httpx.URL(twitter.REQUEST_TOKEN_URL).port
    assert str(error) == (
        f"POST http://127.0.0.1:{port}/oauth/request_token answered 401 UNAUTHORIZED"
    )
    assert wrong not in str(error) and wrong not in repr(error)


def test_a_wrong_token_secret_is_a_clear_error(
    twitter: ModuleType, provider: Provider
) -> None:
    token = provider.issue_token()
    client = twitter.TwitterClient(
        client_id=CONSUMER_KEY,
        client_secret=CONSUMER_SECRET,
        token=token.oauth_token,
        token_secret="wrong-token-secret",
    )
    with pytest.raises(twitter.TwitterError) as caught:
        client.update_status(status="hello")
    error = caught.value
    assert error.status_code == 401
    assert error.response.json()["error"] == "invalid_signature"
    assert str(error).endswith("/1.1/statuses/update.json answered 401 UNAUTHORIZED")
    for text in (str(error), repr(error), repr(client)):
        assert "wrong-token-secret" not in text and CONSUMER_SECRET not in text


def test_no_secret_reaches_a_log_record(
    twitter: ModuleType, provider: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    """httpx and httpcore log every request at INFO and DEBUG; none holds a secret."""
    caplog.set_level(logging.DEBUG)
    client = twitter.TwitterClient(
        client_id=CONSUMER_KEY, client_secret=CONSUMER_SECRET
    )
    request_token = client.fetch_request_token("https://printer.example.com/ready")
    callback = authorize_in_browser(client.authorization_url())
    access = client.fetch_access_token(verifier=callback.params["oauth_verifier"])
    client.update_status(status="logged?")
    wrong = twitter.TwitterClient(
        client_id=CONSUMER_KEY,
        client_secret="wrong-consumer-secret",
        token=access.token,
        token_secret=access.token_secret,
    )
    with pytest.raises(twitter.TwitterError):
        wrong.home_timeline()
    secrets = [
        CONSUMER_SECRET,
        "wrong-consumer-secret",
        request_token.token_secret,
        access.token_secret,
    ]
    records = [record.getMessage() for record in caplog.records]
    assert any("HTTP Request: POST" in text for text in records)  # httpx did log
    for text in records:
        for secret in secrets:
            assert secret not in text
