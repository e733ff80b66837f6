"""A request through RedisTokenStore and RedisLimiter against the in-process store and
limiter (the baseline), measured in the same run. Target: at most 1.30 times.

The client is Spotify's (OAuth 2 client credentials) with a rate limit high enough
never to wait, so that what is measured is the cost of keeping the state in Redis: a
redis-server on 127.0.0.1 (started here), the OAuth 2 test server on 127.0.0.1 as the
API. A valid token is read from memory on every request, whatever the store; the
limiter costs two Redis round trips per request (acquire, release). A second line
shows the same through httpx.MockTransport: the Redis cost alone, in microseconds,
and whether redis-py parses replies with hiredis (the `redis` extra installs it).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import httpx
import yaml

from tests.benchtiming import compare, report
from tests.oauth2_fixtures import SPOTIFY
from tests.oauth2_server import running_server
from tests.redis_server import running_redis
from tests.support import SPECS, compile_text

TARGET = 1.30
IN_PROCESS = "in-process store and limiter"
REDIS = "RedisTokenStore + RedisLimiter"


def main() -> None:
    if shutil.which("redis-server") is None:
        print("  skipped: redis-server is not installed (Debian package redis-server)")
        return
    spec = yaml.safe_load((SPECS / "spotify.yaml").read_text("utf-8"))
    spec["RateLimits"] = [{"MaxRequests": 1_000_000, "Per": "Second"}]
    with tempfile.TemporaryDirectory() as folder:
        spotify = compile_text(yaml.safe_dump(spec), Path(folder), "spotify.yaml")
    with running_server() as api, running_redis() as redis_server:
        api.register(SPOTIFY)

        def client(
            shared: bool, transport: httpx.BaseTransport | None = None
        ) -> object:
            options: dict[str, object] = {}
            if shared:
                options["token_store"] = spotify.RedisTokenStore(
                    redis_server.url, key="bench"
                )
                options["limiter"] = spotify.RedisLimiter(redis_server.url, key="bench")
            made = spotify.SpotifyClient(
                client_id=SPOTIFY.client_id,
                client_secret=SPOTIFY.client_secret,
                token_endpoint=api.token_url(),
                base_url=api.api_url(),
                transport=transport,
                **options,
            )
            return made

        local, shared = client(False), client(True)
        results = compare(
            {
                IN_PROCESS: lambda: local.get_artist(id="a"),  # type: ignore[attr-defined]
                REDIS: lambda: shared.get_artist(id="a"),  # type: ignore[attr-defined]
            },
            calls=150,
            rounds=9,
        )
        print("the OAuth 2 test server on 127.0.0.1 as the API:")
        report(results, baseline=IN_PROCESS)
        ratio = results[REDIS] / results[IN_PROCESS]
        verdict = "met" if ratio <= TARGET else "NOT met"
        print(f"  ratio Redis / in-process: {ratio:.2f} (target {TARGET}: {verdict})")

        # The token request of each client goes to the real server first; then every
        # request is answered by the mock transport, so only the Redis cost remains.
        mock = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
        real = httpx.HTTPTransport()

        def routed(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                return real.handle_request(request)
            return mock.handle_request(request)

        transport = httpx.MockTransport(routed)
        local, shared = client(False, transport), client(True, transport)
        results = compare(
            {
                IN_PROCESS: lambda: local.get_artist(id="a"),  # type: ignore[attr-defined]
                REDIS: lambda: shared.get_artist(id="a"),  # type: ignore[attr-defined]
            },
            calls=500,
            rounds=5,
        )
        print("httpx.MockTransport as the API (the Redis cost alone):")
        report(results, baseline=IN_PROCESS)
        extra = (results[REDIS] - results[IN_PROCESS]) * 1e6
        print(f"  Redis adds {extra:.0f} us per request ({_parser()})")


def _parser() -> str:
    """Which reply parser redis-py uses: hiredis (C) when installed, else Python."""
    from redis.utils import HIREDIS_AVAILABLE

    return "hiredis parser" if HIREDIS_AVAILABLE else "Python parser, no hiredis"


if __name__ == "__main__":
    main()
