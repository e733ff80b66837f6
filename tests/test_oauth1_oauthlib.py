"""Generated OAuth 1.0a clients against a provider built on oauthlib (issue 11, item 9).

oauthlib's ``RequestValidator`` refuses a nonce that is not 20 to 30 alphanumeric
characters ("Invalid nonce format."). The provider (tests/oauthlib_provider.py) keeps
every default limit; the client is the example spec, specs/twitter.yaml, pointed at it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from tests.oauthlib_provider import (
    CALLBACK,
    CONSUMER_KEY,
    CONSUMER_SECRET,
    OauthlibProvider,
    serve,
)
from tests.support import SPECS, compile_text

pytestmark = pytest.mark.slow

NON_ASCII = "Grüße ☃ & more: +1 %20 a=b"


@pytest.fixture(scope="module")
def provider() -> Iterator[OauthlibProvider]:
    with serve() as running:
        yield running


def spec_for(provider: OauthlibProvider, method: str = "HMAC-SHA1") -> str:
    text = (SPECS / "twitter.yaml").read_text(encoding="utf-8")
    text = text.replace("https://api.twitter.com", provider.url)
    return text.replace("SignatureMethod: HMAC-SHA1", f"SignatureMethod: {method}")


@pytest.fixture(scope="module")
def twitter(
    provider: OauthlibProvider, tmp_path_factory: pytest.TempPathFactory
) -> ModuleType:
    return compile_text(spec_for(provider), tmp_path_factory.mktemp("oauthlib"))


def test_the_nonce_is_what_oauthlib_accepts(twitter: ModuleType) -> None:
    auth = twitter.OAuth1Auth(CONSUMER_KEY, CONSUMER_SECRET)
    nonces = {auth.generate_nonce() for _ in range(200)}
    assert len(nonces) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9]{20,30}", nonce) for nonce in nonces)


def three_legged(client: object) -> None:
    client.fetch_request_token(CALLBACK)  # type: ignore[attr-defined]
    page = httpx.get(client.authorization_url())  # type: ignore[attr-defined]
    assert page.status_code == 302
    callback = httpx.URL(page.headers["Location"])
    assert str(callback.copy_with(query=None)) == CALLBACK
    client.fetch_access_token(  # type: ignore[attr-defined]
        verifier=callback.params["oauth_verifier"]
    )


@pytest.mark.parametrize("method", ["HMAC-SHA1", "HMAC-SHA256", "PLAINTEXT"])
def test_three_legged_flow_and_signed_requests(
    provider: OauthlibProvider, tmp_path: Path, method: str
) -> None:
    twitter = compile_text(spec_for(provider, method), tmp_path)
    client = twitter.TwitterClient(
        client_id=CONSUMER_KEY, client_secret=CONSUMER_SECRET
    )
    three_legged(client)
    token = client.token
    assert provider.access_tokens[token.token] == token.token_secret
    me = client.verify_credentials(skip_status=True)
    assert me["token"] == token.token
    assert me["args"] == [["skip_status", "true"]]
    assert re.fullmatch(r"[A-Za-z0-9]{20,30}", me["nonce"])
    posted = client.update_status(status=NON_ASCII)
    assert posted["form"] == [["status", NON_ASCII]]


def test_three_legged_flow_async(
    twitter: ModuleType, provider: OauthlibProvider
) -> None:
    async def flow() -> object:
        async with twitter.AsyncTwitterClient(
            client_id=CONSUMER_KEY, client_secret=CONSUMER_SECRET
        ) as client:
            await client.fetch_request_token(CALLBACK)
            async with httpx.AsyncClient() as browser:
                page = await browser.get(client.authorization_url())
            verifier = httpx.URL(page.headers["Location"]).params["oauth_verifier"]
            await client.fetch_access_token(verifier=verifier)
            await client.home_timeline(count=5)
            return await client.update_status(status=NON_ASCII)

    result = asyncio.run(flow())
    assert isinstance(result, dict)
    assert result["form"] == [["status", NON_ASCII]]
    assert result["method"] == "POST"


def test_the_old_32_character_nonce_is_refused(
    twitter: ModuleType, provider: OauthlibProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The provider does check: a 32-character hex nonce (what the client sent before)
    is refused, so the tests above prove the new nonce, not a lenient server."""
    client = twitter.TwitterClient(
        client_id=CONSUMER_KEY, client_secret=CONSUMER_SECRET
    )
    three_legged(client)
    old = "0123456789abcdef0123456789abcdef"
    monkeypatch.setattr(twitter.OAuth1Auth, "generate_nonce", lambda self: old)
    with pytest.raises(twitter.TwitterError) as caught:
        client.home_timeline()
    assert caught.value.status_code == 401
    assert provider.refused[-1] == old
