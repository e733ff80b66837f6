"""Many workers (issue 13): token state and rate limits shared between processes.

Against real things only: a redis-server started by the tests (tests/redis_server.py),
the OAuth 2 test server (authlib) that counts every token request, worker processes
(tests/shared_workers.py) that each run a generated client in many threads, and a
small HTTP server that notes when every request arrives.
"""

from __future__ import annotations

import asyncio
import fcntl
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import redis

from tests.oauth2_fixtures import CALENDAR, SPOTIFY, consent
from tests.oauth2_server import REDIRECT_URI, OAuth2TestServer
from tests.redis_server import RedisServer, redis_server, running_redis
from tests.support import GENERATED, ROOT, import_generated

__all__ = ["redis_server"]  # the fixture, used by name

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spotify() -> ModuleType:
    return import_generated("spotify")


@pytest.fixture(scope="module")
def calendar() -> ModuleType:
    return import_generated("google_calendar")


@pytest.fixture(scope="module")
def mailchimp() -> ModuleType:
    return import_generated("mailchimp")


# -- worker processes -----------------------------------------------------------------


def start_workers(jobs: list[dict[str, Any]]) -> list[subprocess.Popen[str]]:
    """Worker processes, each ready (module imported, client built) on return."""
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.shared_workers", json.dumps(job)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for job in jobs
    ]
    for worker in workers:
        assert worker.stdout is not None
        line = worker.stdout.readline()
        if not line:
            worker.wait(timeout=30)
            pytest.fail(f"a worker failed to start: {worker.stderr.read()}")  # type: ignore[union-attr]
    return workers


def go(workers: list[subprocess.Popen[str]]) -> None:
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()


def results(workers: list[subprocess.Popen[str]], timeout: float) -> list[Any]:
    """What each worker printed last; a worker that hangs or fails fails the test."""
    out = []
    for worker in workers:
        try:
            stdout, stderr = worker.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            for other in workers:
                other.kill()
            pytest.fail("a worker did not finish in time")
        assert worker.returncode == 0, stderr
        out.append(json.loads(stdout.strip().splitlines()[-1]))
    return out


def run_workers(jobs: list[dict[str, Any]], timeout: float = 60) -> list[Any]:
    workers = start_workers(jobs)
    go(workers)
    return results(workers, timeout)


def spotify_job(server: OAuth2TestServer, **job: Any) -> dict[str, Any]:
    return {
        "module": str(GENERATED / "spotify.py"),
        "class": "SpotifyClient",
        "client": {
            "client_id": SPOTIFY.client_id,
            "client_secret": SPOTIFY.client_secret,
            "token_endpoint": server.token_url(),
            "base_url": server.api_url(),
        },
        "method": "get_artist",
        "args": {"id": "a"},
        **job,
    }


def calendar_arguments(
    server: OAuth2TestServer, token_endpoint: str | None = None
) -> dict[str, Any]:
    return {
        "client_id": CALENDAR.client_id,
        "client_secret": CALENDAR.client_secret,
        "authorization_endpoint": server.authorize_url(),
        "token_endpoint": token_endpoint or server.token_url(),
        "base_url": server.api_url(),
    }


def calendar_job(
    server: OAuth2TestServer, token_endpoint: str | None = None, **job: Any
) -> dict[str, Any]:
    return {
        "module": str(GENERATED / "google_calendar.py"),
        "class": "GoogleCalendarClient",
        "client": calendar_arguments(server, token_endpoint),
        "method": "list_calendars",
        **job,
    }


def authorised_token(calendar: ModuleType, server: OAuth2TestServer) -> Any:
    """A real token (with a refresh token) for the calendar client, by consent."""
    client = calendar.GoogleCalendarClient(**calendar_arguments(server))
    request = client.authorization_url(REDIRECT_URI)
    token = client.fetch_token(consent(request.url))
    client.close()
    return token


def expired(token: Any) -> dict[str, Any]:
    data = dict(token)
    data["expires_at"] = int(time.time()) - 10
    return data


def live_refresh_tokens(server: OAuth2TestServer) -> set[str]:
    with server.lock:
        return {
            token.refresh_token
            for token in server.tokens.values()
            if token.refresh_token and not token.refresh_revoked
        }


# -- token single flight across processes --------------------------------------------


def test_eight_processes_of_25_threads_make_one_token_request(
    redis_server: RedisServer, oauth2_server: OAuth2TestServer
) -> None:
    oauth2_server.token_delay = 0.2  # everyone meets the missing token together
    job = spotify_job(
        oauth2_server,
        store="redis",
        redis=redis_server.url,
        key="tenant-1",
        store_args={},
        threads=25,
    )
    outcomes = run_workers([job] * 8)
    assert [o["errors"] for o in outcomes] == [[]] * 8
    assert sum(o["done"] for o in outcomes) == 200
    assert oauth2_server.token_requests == {"client_credentials": 1}
    assert oauth2_server.resource_requests == 200


def test_expired_token_is_refreshed_once_and_the_rotated_one_kept(
    calendar: ModuleType, redis_server: RedisServer, oauth2_server: OAuth2TestServer
) -> None:
    token = authorised_token(calendar, oauth2_server)
    store = calendar.RedisTokenStore(redis_server.url, key="alice")
    store.save(calendar.Token(expired(token)))
    oauth2_server.reset_counts()
    oauth2_server.token_delay = 0.2
    job = calendar_job(
        oauth2_server,
        store="redis",
        redis=redis_server.url,
        key="alice",
        store_args={},
        threads=10,
    )
    outcomes = run_workers([job] * 4)
    assert [o["errors"] for o in outcomes] == [[]] * 4
    assert oauth2_server.token_requests == {"refresh_token": 1}
    saved = store.load()
    assert saved is not None
    assert saved["refresh_token"] != token["refresh_token"]  # rotated ...
    assert live_refresh_tokens(oauth2_server) == {saved["refresh_token"]}  # ... kept


def test_a_worker_killed_holding_the_lock_loses_no_refresh_token(
    calendar: ModuleType, redis_server: RedisServer, oauth2_server: OAuth2TestServer
) -> None:
    token = authorised_token(calendar, oauth2_server)
    store = calendar.RedisTokenStore(redis_server.url, key="bob")
    store.save(calendar.Token(expired(token)))
    oauth2_server.reset_counts()
    lock_timeout = 2.0
    store_args = {"lock_timeout": lock_timeout}
    with socket.socket() as black_hole:  # takes connections, never answers
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(16)
        stuck_endpoint = f"http://127.0.0.1:{black_hole.getsockname()[1]}/token"
        doomed = start_workers(
            [
                calendar_job(
                    oauth2_server,
                    token_endpoint=stuck_endpoint,
                    store="redis",
                    redis=redis_server.url,
                    key="bob",
                    store_args=store_args,
                    threads=1,
                )
            ]
        )
        go(doomed)
        connection = redis.Redis.from_url(redis_server.url)
        deadline = time.monotonic() + 20
        while not connection.exists("connectorc:google_calendar:bob:lock"):
            assert time.monotonic() < deadline, "the worker never took the lock"
            time.sleep(0.01)
        time.sleep(0.2)  # its refresh request is on its way to the black hole
        os.kill(doomed[0].pid, signal.SIGKILL)
        doomed[0].wait(timeout=10)
        started = time.monotonic()
        job = calendar_job(
            oauth2_server,
            store="redis",
            redis=redis_server.url,
            key="bob",
            store_args=store_args,
            threads=5,
        )
        outcomes = run_workers([job] * 4)
        recovered = time.monotonic() - started
    assert [o["errors"] for o in outcomes] == [[]] * 4
    # The refresh token in the store was never used by the dead worker: one refresh,
    # with it, and the rotated token is the live one.
    assert oauth2_server.token_requests == {"refresh_token": 1}
    assert oauth2_server.token_forms[0]["refresh_token"] == token["refresh_token"]
    saved = store.load()
    assert saved is not None
    assert live_refresh_tokens(oauth2_server) == {saved["refresh_token"]}
    assert recovered < lock_timeout + 15  # worker start-up included, on a busy machine


def test_file_store_processes_on_one_host_refresh_once(
    calendar: ModuleType, oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    token = authorised_token(calendar, oauth2_server)
    path = tmp_path / "token.json"
    calendar.FileTokenStore(path).save(calendar.Token(expired(token)))
    oauth2_server.reset_counts()
    oauth2_server.token_delay = 0.2
    job = calendar_job(oauth2_server, store="file", file=str(path), threads=10)
    outcomes = run_workers([job] * 4)
    assert [o["errors"] for o in outcomes] == [[]] * 4
    assert oauth2_server.token_requests == {"refresh_token": 1}
    saved = calendar.FileTokenStore(path).load()
    assert live_refresh_tokens(oauth2_server) == {saved["refresh_token"]}
    assert oct((tmp_path / "token.json.lock").stat().st_mode & 0o777) == "0o600"


def file_locked(path: Path) -> bool:
    """Whether another process holds the flock on ``path``."""
    if not path.exists():
        return False
    descriptor = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)  # and with it the lock, when this process took it
    return False


def test_file_store_worker_killed_holding_the_lock_blocks_no_one(
    calendar: ModuleType, oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    """The kernel drops a dead process's flock: the others go on at once."""
    token = authorised_token(calendar, oauth2_server)
    path = tmp_path / "token.json"
    calendar.FileTokenStore(path).save(calendar.Token(expired(token)))
    oauth2_server.reset_counts()
    with socket.socket() as black_hole:
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(16)
        stuck_endpoint = f"http://127.0.0.1:{black_hole.getsockname()[1]}/token"
        doomed = start_workers(
            [
                calendar_job(
                    oauth2_server,
                    token_endpoint=stuck_endpoint,
                    store="file",
                    file=str(path),
                    threads=1,
                )
            ]
        )
        go(doomed)
        deadline = time.monotonic() + 20
        while not file_locked(tmp_path / "token.json.lock"):
            assert time.monotonic() < deadline, "the worker never took the lock"
            time.sleep(0.02)
        os.kill(doomed[0].pid, signal.SIGKILL)
        doomed[0].wait(timeout=10)
        job = calendar_job(oauth2_server, store="file", file=str(path), threads=5)
        outcomes = run_workers([job] * 2)
    assert [o["errors"] for o in outcomes] == [[]] * 2
    assert oauth2_server.token_requests == {"refresh_token": 1}
    assert oauth2_server.token_forms[0]["refresh_token"] == token["refresh_token"]


def test_async_clients_share_one_refresh_through_redis_and_file(
    calendar: ModuleType,
    redis_server: RedisServer,
    oauth2_server: OAuth2TestServer,
    tmp_path: Path,
) -> None:
    token = authorised_token(calendar, oauth2_server)
    oauth2_server.reset_counts()
    oauth2_server.token_delay = 0.2

    async def main(stores: list[Any]) -> None:
        # Several clients, each with its own store object (as processes would have).
        clients = [
            calendar.AsyncGoogleCalendarClient(
                token_store=store, **calendar_arguments(oauth2_server)
            )
            for store in stores
        ]
        await asyncio.gather(*(c.list_calendars() for c in clients for _ in range(10)))
        for client in clients:
            await client.aclose()

    first = calendar.RedisTokenStore(redis_server.url, key="carol")
    first.save(calendar.Token(expired(token)))
    asyncio.run(
        main(
            [calendar.RedisTokenStore(redis_server.url, key="carol") for _ in range(4)]
        )
    )
    assert oauth2_server.token_requests == {"refresh_token": 1}
    rotated = first.load()
    assert rotated is not None

    path = tmp_path / "token.json"
    calendar.FileTokenStore(path).save(calendar.Token(expired(rotated)))
    asyncio.run(main([calendar.FileTokenStore(path) for _ in range(4)]))
    assert oauth2_server.token_requests == {"refresh_token": 2}


def test_async_client_reads_and_saves_only_with_aload_and_asave(
    calendar: ModuleType, redis_server: RedisServer, oauth2_server: OAuth2TestServer
) -> None:
    token = authorised_token(calendar, oauth2_server)
    store = calendar.RedisTokenStore(redis_server.url, key="gina")
    store.save(calendar.Token(expired(token)))
    checker = calendar.RedisTokenStore(redis_server.url, key="gina")
    heard: list[Any] = []

    def on_token(new: Any) -> None:  # the store has it already
        heard.append((new["access_token"], checker.load()["access_token"]))

    def blocking(*args: Any) -> None:
        raise AssertionError("the async client called the blocking load() or save()")

    async def main() -> None:
        store.load = store.save = blocking  # the constructor does not read it either
        async with calendar.AsyncGoogleCalendarClient(
            token_store=store, on_token=on_token, **calendar_arguments(oauth2_server)
        ) as client:
            await client.list_calendars()

    asyncio.run(main())
    assert len(heard) == 1
    assert heard[0][0] == heard[0][1] != token["access_token"]
    assert oauth2_server.token_requests["refresh_token"] == 1


def refused_on_the_loop(method: Any) -> Any:
    """``method``, refused on an event loop's thread (FileTokenStore's aload() and
    asave() run load() and save() in a worker thread, which is allowed)."""

    def guarded(*args: Any) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return method(*args)
        raise AssertionError(f"the async client called {method.__name__}() on its loop")

    return guarded


@pytest.mark.parametrize("kind", ["redis", "file"])
def test_async_client_is_made_without_reading_the_store(
    calendar: ModuleType,
    redis_server: RedisServer,
    oauth2_server: OAuth2TestServer,
    tmp_path: Path,
    kind: str,
) -> None:
    """Making an async client does not read its store (a blocking Redis round trip
    or file read on the event loop): the first request reads it with aload() and
    uses the valid stored token, with no token request. A sync client still reads
    the store when it is made."""
    token = authorised_token(calendar, oauth2_server)
    oauth2_server.reset_counts()

    def store() -> Any:
        if kind == "redis":
            return calendar.RedisTokenStore(redis_server.url, key=f"made-{kind}")
        return calendar.FileTokenStore(tmp_path / "token.json")

    store().save(token)
    used = store()
    used.load = refused_on_the_loop(used.load)
    used.save = refused_on_the_loop(used.save)
    seen: list[Any] = []

    async def main() -> None:
        client = calendar.AsyncGoogleCalendarClient(
            token_store=used, **calendar_arguments(oauth2_server)
        )
        seen.append(client.token)  # not read yet
        await client.list_calendars()
        seen.append(client.token)
        await client.aclose()

    asyncio.run(main())
    assert seen[0] is None
    assert seen[1] is not None and seen[1]["access_token"] == token["access_token"]
    assert not oauth2_server.token_requests

    sync = calendar.GoogleCalendarClient(
        token_store=store(), **calendar_arguments(oauth2_server)
    )
    assert sync.token is not None
    assert sync.token["access_token"] == token["access_token"]
    sync.close()


def test_a_stale_save_does_not_overwrite_a_newer_token(
    calendar: ModuleType, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The fencing check: a renewal whose lock expired meets a newer token."""
    slow = calendar.RedisTokenStore(redis_server.url, key="dave", lock_timeout=0.2)
    fast = calendar.RedisTokenStore(redis_server.url, key="dave")
    fast.save(calendar.Token(access_token="one", refresh_token="r1"))
    with slow.lock():
        assert slow.load() == {"access_token": "one", "refresh_token": "r1"}
        time.sleep(0.3)  # the lock expires: the other takes it and renews
        with fast.lock():
            fast.load()
            fast.save(calendar.Token(access_token="two", refresh_token="r2"))
        slow.save(calendar.Token(access_token="stale", refresh_token="r2-stale"))
    assert fast.load() == {"access_token": "two", "refresh_token": "r2"}
    assert "kept the newer token" in caplog.text


def test_saves_under_one_lock_all_land(
    calendar: ModuleType, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """As when a refused refresh token is discarded, then a new token fetched."""
    store = calendar.RedisTokenStore(redis_server.url, key="frank")
    store.save(calendar.Token(access_token="one"))

    async def renew_async() -> Any:
        async with store.alock():
            await store.aload()
            await store.asave(calendar.Token(access_token="four"))
            await store.asave(calendar.Token(access_token="five"))
        return await store.aload()

    with store.lock():
        store.load()
        store.save(calendar.Token(access_token="two"))
        store.save(calendar.Token(access_token="three"))
    assert store.load() == {"access_token": "three"}
    assert asyncio.run(renew_async()) == {"access_token": "five"}
    # Again from another event loop (asyncio connections belong to their loop).
    assert asyncio.run(renew_async()) == {"access_token": "five"}
    assert "kept the newer token" not in caplog.text


def test_keys_are_namespaced_by_connector_and_key(
    calendar: ModuleType, redis_server: RedisServer
) -> None:
    calendar.RedisTokenStore(redis_server.url, key="t1").save(
        calendar.Token(access_token="a")
    )
    assert calendar.RedisTokenStore(redis_server.url, key="t2").load() is None
    keys = redis.Redis.from_url(redis_server.url).keys("*")
    assert keys == [b"connectorc:google_calendar:t1:token"]
    store = calendar.RedisTokenStore("redis://:hunter2@127.0.0.1:1/0", key="t1")
    assert "hunter2" not in repr(store)


# -- shared rate limits ---------------------------------------------------------------


class _Arrivals(BaseHTTPRequestHandler):
    """Notes when each request arrives; answers 429 with Retry-After when told."""

    arrivals: list[float]
    too_many: list[int]  # how many 429s are left to send
    lock: threading.Lock

    def do_GET(self) -> None:
        with self.lock:
            self.arrivals.append(time.monotonic())
            refuse = self.too_many[0] > 0
            if refuse:
                self.too_many[0] -= 1
        if refuse:
            self.send_response(429)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
        else:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
        self.end_headers()
        if not refuse:
            self.wfile.write(b"{}")

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass


class ArrivalServer:
    def __init__(self) -> None:
        handler = type(
            "Handler",
            (_Arrivals,),
            {"arrivals": [], "too_many": [0], "lock": threading.Lock()},
        )
        self.handler: type[_Arrivals] = handler
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"

    @property
    def arrivals(self) -> list[float]:
        with self.handler.lock:
            return sorted(self.handler.arrivals)


@pytest.fixture
def arrival_server() -> Iterator[ArrivalServer]:
    server = ArrivalServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def most_in_one_second(arrivals: list[float]) -> int:
    """The most arrivals in any window of one second (every window: each starts at an
    arrival, which is where the count can grow)."""
    return max(
        sum(1 for t in arrivals[i:] if t < start + 1.0)
        for i, start in enumerate(arrivals)
    )


def mailchimp_job(server: ArrivalServer, redis_url: str, **job: Any) -> dict[str, Any]:
    return {
        "module": str(GENERATED / "mailchimp.py"),
        "class": "MailchimpClient",
        "client": {"api_key": "k", "dc": "us1", "base_url": server.url},
        "method": "ping",
        "limiter": redis_url,
        "key": "account-1",
        **job,
    }


def test_four_processes_share_ten_requests_per_second(
    redis_server: RedisServer, arrival_server: ArrivalServer
) -> None:
    job = mailchimp_job(arrival_server, redis_server.url, threads=2, calls=4)
    workers = start_workers([job] * 4)
    started = time.monotonic()
    go(workers)
    outcomes = results(workers, timeout=60)
    elapsed = time.monotonic() - started
    assert [o["errors"] for o in outcomes] == [[]] * 4
    arrivals = arrival_server.arrivals
    assert len(arrivals) == 32
    assert most_in_one_second(arrivals) <= 10
    # Kept together, not each process on its own: 32 requests at 10 a second.
    assert elapsed >= 2.0


def test_the_gap_between_requests_is_kept_across_processes(
    redis_server: RedisServer, arrival_server: ArrivalServer
) -> None:
    """GitHub's Create Issue: a second between requests (a method's own limits)."""
    job = {
        "module": str(GENERATED / "github.py"),
        "class": "GithubClient",
        "client": {"api_key": "k", "base_url": arrival_server.url},
        "method": "create_issue",
        "args": {"owner": "o", "repo": "r", "title": "t"},
        "limiter": redis_server.url,
        "key": "account-4",
        "threads": 1,
        "calls": 2,
    }
    outcomes = run_workers([job] * 2)
    assert [o["errors"] for o in outcomes] == [[]] * 2
    arrivals = arrival_server.arrivals
    assert len(arrivals) == 4
    assert min(b - a for a, b in itertools.pairwise(arrivals)) >= 1.0


def test_a_retry_after_pauses_every_process(
    mailchimp: ModuleType, redis_server: RedisServer, arrival_server: ArrivalServer
) -> None:
    arrival_server.handler.too_many[0] = 1
    limiter = mailchimp.RedisLimiter(redis_server.url, key="account-2")
    first = mailchimp.MailchimpClient(
        api_key="k", dc="us1", base_url=arrival_server.url, limiter=limiter
    )
    other = mailchimp.MailchimpClient(
        api_key="k",
        dc="us1",
        base_url=arrival_server.url,
        limiter=mailchimp.RedisLimiter(redis_server.url, key="account-2"),
        max_attempts=1,
    )
    first_done = threading.Thread(target=first.ping)
    first_done.start()
    time.sleep(0.3)  # the 429 has come: Retry-After: 1 holds for everyone
    other.ping()
    first_done.join()
    arrivals = arrival_server.arrivals
    assert len(arrivals) == 3
    assert arrivals[1] - arrivals[0] >= 0.95  # the other client waited it out too
    assert arrivals[2] - arrivals[0] >= 0.95


def test_async_client_shares_the_limits(
    mailchimp: ModuleType, redis_server: RedisServer, arrival_server: ArrivalServer
) -> None:
    async def main() -> None:
        clients = [
            mailchimp.AsyncMailchimpClient(
                api_key="k",
                dc="us1",
                base_url=arrival_server.url,
                limiter=mailchimp.RedisLimiter(redis_server.url, key="account-3"),
            )
            for _ in range(3)
        ]
        await asyncio.gather(*(c.ping() for c in clients for _ in range(5)))

    started = time.monotonic()
    asyncio.run(main())
    assert time.monotonic() - started >= 0.5
    assert most_in_one_second(arrival_server.arrivals) <= 10
    assert len(arrival_server.arrivals) == 15


def test_async_retry_after_pause_goes_to_redis_without_blocking(
    mailchimp: ModuleType,
    redis_server: RedisServer,
    arrival_server: ArrivalServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 429's Retry-After reaches Redis with an awaited command (the sync client's
    blocking pause() is never called on the loop), and holds for another client."""

    def blocking(*args: Any) -> None:
        raise AssertionError("the async client called the blocking pause()")

    monkeypatch.setattr(mailchimp._RedisThrottle, "pause", blocking)
    arrival_server.handler.too_many[0] = 1

    async def main() -> None:
        def client(**kw: Any) -> Any:
            return mailchimp.AsyncMailchimpClient(
                api_key="k",
                dc="us1",
                base_url=arrival_server.url,
                limiter=mailchimp.RedisLimiter(redis_server.url, key="account-4"),
                **kw,
            )

        first = asyncio.ensure_future(client().ping())
        await asyncio.sleep(0.3)  # the 429 has come: Retry-After: 1 holds for everyone
        await client(max_attempts=1).ping()
        await first

    asyncio.run(main())
    arrivals = arrival_server.arrivals
    assert len(arrivals) == 3
    assert arrivals[1] - arrivals[0] >= 0.95  # the other client waited it out too
    assert arrivals[2] - arrivals[0] >= 0.95


# -- Redis going away -----------------------------------------------------------------


def test_redis_going_away_is_a_clear_error_not_a_hang(
    calendar: ModuleType,
    mailchimp: ModuleType,
    oauth2_server: OAuth2TestServer,
    arrival_server: ArrivalServer,
) -> None:
    token = authorised_token(calendar, oauth2_server)
    with running_redis() as server:
        store = calendar.RedisTokenStore(server.url, key="erin", socket_timeout=1)
        store.save(calendar.Token(token))
        client = calendar.GoogleCalendarClient(
            token_store=store, **calendar_arguments(oauth2_server)
        )
        limited = mailchimp.MailchimpClient(
            api_key="k",
            dc="us1",
            base_url=arrival_server.url,
            limiter=mailchimp.RedisLimiter(server.url, key="x", socket_timeout=1),
        )
        client.list_calendars()
        limited.ping()
    # Redis has stopped mid-run.
    oauth2_server.revoke_access_tokens()  # the next call must renew: the store
    started = time.monotonic()
    with pytest.raises(calendar.SharedStateError) as caught:
        client.list_calendars()
    assert "Redis at 127.0.0.1:" in str(caught.value)
    assert "taking the token lock" in str(caught.value)
    with pytest.raises(mailchimp.SharedStateError, match=r"Redis at 127\.0\.0\.1:"):
        limited.ping()
    assert time.monotonic() - started < 10


def test_the_redis_package_is_imported_only_when_used() -> None:
    names = ", ".join(sorted(p.stem for p in GENERATED.glob("*.py")))
    code = (
        "import sys; sys.path.insert(0, 'generated'); sys.modules['redis'] = None\n"
        f"import {names}\n"
        "google_calendar.GoogleCalendarClient(client_id='i', client_secret='s')\n"
        "try:\n"
        "    google_calendar.RedisTokenStore(key='k')\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "pip install 'redis>=5.0,<9'" in result.stdout


def test_unreachable_redis_is_a_clear_error(spotify: ModuleType) -> None:
    url = "redis://:hunter2@127.0.0.1:1/0"
    store = spotify.RedisTokenStore(url, key="k", socket_timeout=1)
    started = time.monotonic()
    with pytest.raises(spotify.SharedStateError) as caught:
        store.load()
    message = str(caught.value)
    assert message.startswith(
        "Redis at 127.0.0.1:1/0 failed while reading the token: ConnectionError"
    )
    assert "hunter2" not in message + repr(store)
    assert time.monotonic() - started < 5


def test_modules_name_the_redis_extra() -> None:
    """The header's Optional line is what pyproject's `redis` extra installs."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    # redis itself, then hiredis: its C reply parser, which modules need not name.
    requirement, speedup = extras["redis"]
    assert speedup.startswith("hiredis>=")
    for name in ("google_calendar", "mailchimp", "spotify", "github", "salesforce"):
        text = (GENERATED / f"{name}.py").read_text(encoding="utf-8")
        assert text.split("\n")[3].startswith(f"# Optional: {requirement} for "), name
        assert f"also need {requirement}." in text, name
    assert "# Optional" not in (GENERATED / "pushover.py").read_text(encoding="utf-8")
