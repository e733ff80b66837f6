"""A generated OAuth 2 client with a valid token against plain httpx with the header
set by hand: ``python -m tests.bench_oauth2`` (or ``make bench``). Not a test.

Two measurements, cases interleaved round by round (tests/benchtiming.py):

1. Against the local authorization server of the tests (authlib + Flask on
   127.0.0.1), as a user would see it: the request and its answer included.
2. Through one httpx.MockTransport, which leaves only the clients' own cost, so the
   cost of OAuth2Auth's flow is not hidden by the server's.

Target: ratio within 1.10 of the baseline.
"""

from __future__ import annotations

import httpx

from tests.benchtiming import compare, report
from tests.oauth2_fixtures import SPOTIFY
from tests.oauth2_server import running_server
from tests.support import import_generated

BASELINE = "httpx, header by hand"


def main() -> None:
    spotify = import_generated("spotify")
    with running_server() as server:
        server.register(SPOTIFY)
        generated = spotify.SpotifyClient(
            client_id=SPOTIFY.client_id,
            client_secret=SPOTIFY.client_secret,
            token_endpoint=server.token_url(),
            base_url=server.api_url(),
        )
        generated.get_artist(id="a")  # the token, fetched once before timing
        plain = httpx.Client(
            base_url=server.api_url(),
            headers={"Authorization": f"Bearer {generated.token['access_token']}"},
        )

        def by_hand() -> object:
            response = plain.get("/artists/a")
            response.raise_for_status()
            return response.json()

        print("local authorization server (authlib + Flask on 127.0.0.1):")
        results = compare(
            {BASELINE: by_hand, "generated": lambda: generated.get_artist(id="a")},
            calls=200,
        )
        report(results, baseline=BASELINE)
        assert server.token_request_count == 1  # no token request while timing

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/token":
            return httpx.Response(200, json={"access_token": "at", "expires_in": 3600})
        return httpx.Response(200, json={})

    transport = httpx.MockTransport(answer)
    generated = spotify.SpotifyClient(
        client_id="id", client_secret="secret", transport=transport
    )
    generated.get_artist(id="a")
    mock_plain = httpx.Client(
        base_url="https://api.spotify.com/v1",
        headers={"Authorization": f"Bearer {generated.token['access_token']}"},
        transport=transport,
    )

    def mock_by_hand() -> object:
        response = mock_plain.get("/artists/a")
        response.raise_for_status()
        return response.json()

    print("httpx.MockTransport (the clients' own cost only):")
    results = compare(
        {BASELINE: mock_by_hand, "generated": lambda: generated.get_artist(id="a")}
    )
    report(results, baseline=BASELINE)


if __name__ == "__main__":
    main()
