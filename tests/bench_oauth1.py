"""The generated OAuth 1.0a client against authlib's own OAuth1Auth on plain httpx.

Signing is the hot path of an OAuth 1 client (DESIGN.md: authlib's OAuth1Auth costs
about 3.2 times a fixed header). Both sides sign with HMAC-SHA1 in the Authorization
header, with the same credentials, and send the same requests to the same server:
first an ``httpx.MockTransport`` (the clients' own cost, nothing else), then a real HTTP
server on 127.0.0.1. Target: the generated client no slower than 1.10 times authlib's.

authlib's httpx integration imports httpx2 when it is installed and falls back to httpx
(with a deprecation warning) when it is not; httpx2 is kept out, so this is plain httpx.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import authlib.deprecate  # type: ignore[import-untyped]  # noqa: F401  (see below)
import httpx
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.benchtiming import compare, report
from tests.support import import_generated

# authlib.deprecate turns its warnings on when imported; our filter, set after it,
# silences "please use httpx2 instead" for this one import.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from authlib.integrations.httpx_client import (  # type: ignore[import-untyped]
        OAuth1Auth,
    )

CREDENTIALS = {
    "client_id": "bench-consumer-key",
    "client_secret": "bench-consumer-secret",
    "token": "bench-access-token",
    "token_secret": "bench-token-secret",
}
STATUS = "Grüße from the benchmark ☃ & friends"
AUTHLIB = "authlib OAuth1Auth on httpx"
GENERATED = "generated TwitterClient"
UNSIGNED = "httpx, no signature (for scale)"


def cases(
    base_url: str, transport: httpx.BaseTransport | None
) -> tuple[dict[str, Callable[[], object]], dict[str, Callable[[], object]]]:
    """The GET and POST cases, authlib's first (the baseline)."""
    twitter = import_generated("twitter")
    generated = twitter.TwitterClient(
        **CREDENTIALS, base_url=base_url, transport=transport
    )
    plain = httpx.Client(
        base_url=base_url,
        auth=OAuth1Auth(
            CREDENTIALS["client_id"],
            CREDENTIALS["client_secret"],
            token=CREDENTIALS["token"],
            token_secret=CREDENTIALS["token_secret"],
        ),
        transport=transport,
    )

    def authlib_get() -> Any:
        response = plain.get(
            "/statuses/home_timeline.json",
            params={"count": "20", "since_id": "1234567890", "tweet_mode": "extended"},
        )
        response.raise_for_status()
        return response.json()

    def generated_get() -> Any:
        return generated.home_timeline(since_id="1234567890", tweet_mode="extended")

    def authlib_post() -> Any:
        response = plain.post("/statuses/update.json", data={"status": STATUS})
        response.raise_for_status()
        return response.json()

    def generated_post() -> Any:
        return generated.update_status(status=STATUS)

    unsigned = httpx.Client(base_url=base_url, transport=transport)

    def unsigned_get() -> Any:
        return unsigned.get(
            "/statuses/home_timeline.json",
            params={"count": "20", "since_id": "1234567890", "tweet_mode": "extended"},
        ).json()

    def unsigned_post() -> Any:
        return unsigned.post("/statuses/update.json", data={"status": STATUS}).json()

    return (
        {AUTHLIB: authlib_get, GENERATED: generated_get, UNSIGNED: unsigned_get},
        {AUTHLIB: authlib_post, GENERATED: generated_post, UNSIGNED: unsigned_post},
    )


@contextmanager
def local_server() -> Iterator[str]:
    """A small HTTP server on 127.0.0.1 that answers every request with ``{}``."""

    @Request.application
    def app(request: Request) -> Response:
        return Response("{}", content_type="application/json")

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/1.1"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def run(title: str, base_url: str, transport: Any, calls: int) -> list[float]:
    ratios = []
    for name, pair in zip(
        ("GET, 3 query parameters", "POST, a form body"),
        cases(base_url, transport),
        strict=True,
    ):
        print(f"  {title}: {name}")
        results = compare(pair, calls=calls, rounds=7)
        report(results, baseline=AUTHLIB)
        ratios.append(results[GENERATED] / results[AUTHLIB])
    return ratios


def main() -> None:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    mock = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    ratios = run("MockTransport", "https://api.twitter.com/1.1", mock, calls=1000)
    with local_server() as url:
        ratios += run("HTTP server on 127.0.0.1", url, None, calls=150)
    worst = max(ratios)
    verdict = "met" if worst <= 1.10 else "MISSED"
    print(f"  worst ratio generated / authlib: {worst:.2f} (target 1.10: {verdict})")


if __name__ == "__main__":
    main()
