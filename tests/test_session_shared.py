"""Session auth across processes (issue 13 for AuthType Session): RedisTokenStore and
FileTokenStore in Session modules, the renew path holding the store's lock, and the
async client using the store's async methods.

Against real things only: a redis-server started by the test (tests/redis_server.py),
the session server (tests/session_server.py) that records every login, and worker
processes (tests/shared_workers.py) that each run the generated client in threads.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.redis_server import RedisServer, redis_server
from tests.session_server import (
    PASSWORD,
    USERNAME,
    SessionServer,
    running_session_server,
)
from tests.support import GENERATED, import_generated
from tests.test_shared_state import (
    file_locked,
    go,
    refused_on_the_loop,
    run_workers,
    start_workers,
)

__all__ = ["redis_server"]  # the fixture, used by name

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def acme() -> ModuleType:
    return import_generated("acme_session")


@pytest.fixture()
def api() -> Iterator[SessionServer]:
    with running_session_server() as state:
        state.login_delay = 0.2  # so that processes and threads meet at the login
        yield state


def _client_args(api: SessionServer) -> dict[str, Any]:
    return {
        "username": USERNAME,
        "password": PASSWORD,
        "host": "acme.example.com",
        "base_url": f"{api.url}/api/v2",
        "login_url": f"{api.url}/api/v2/auth/login",
    }


def _expired(acme: ModuleType) -> Any:
    return acme.SessionToken({"token": "old", "expires_at": time.time() - 10})


def test_redis_store_processes_and_threads_make_one_login(
    acme: ModuleType, api: SessionServer, redis_server: RedisServer
) -> None:
    store = acme.RedisTokenStore(redis_server.url, key="ada")
    store.save(_expired(acme))
    job = {
        "module": str(GENERATED / "acme_session.py"),
        "class": "AcmeSessionClient",
        "client": _client_args(api),
        "method": "get_me",
        "store": "redis",
        "redis": redis_server.url,
        "key": "ada",
        "store_args": {},
        "threads": 8,
    }
    outcomes = run_workers([job] * 4)
    assert [o["errors"] for o in outcomes] == [[]] * 4
    assert [o["done"] for o in outcomes] == [8] * 4
    assert len(api.logins) == 1
    saved = acme.RedisTokenStore(redis_server.url, key="ada").load()
    assert saved["token"] == "tok-1-secret"
    assert "tok-1-secret" not in repr(saved)


def test_without_the_redis_lock_processes_log_in_apiece(
    acme: ModuleType, api: SessionServer, redis_server: RedisServer
) -> None:
    """The control case of the Redis test above: it fails without the lock."""
    api.login_delay = 0.5  # wide enough for every process to start on a busy machine
    acme.RedisTokenStore(redis_server.url, key="eve").save(_expired(acme))
    job = {
        "module": str(GENERATED / "acme_session.py"),
        "class": "AcmeSessionClient",
        "client": _client_args(api),
        "method": "get_me",
        "store": "redis",
        "redis": redis_server.url,
        "key": "eve",
        "store_args": {},
        "threads": 8,
        "unlocked": True,
    }
    outcomes = run_workers([job] * 4)
    assert [o["errors"] for o in outcomes] == [[]] * 4
    assert len(api.logins) > 1


def test_async_clients_share_one_login_through_redis(
    acme: ModuleType, api: SessionServer, redis_server: RedisServer
) -> None:
    acme.RedisTokenStore(redis_server.url, key="ada").save(_expired(acme))

    async def main() -> None:
        clients = [
            acme.AsyncAcmeSessionClient(
                **_client_args(api),
                token_store=acme.RedisTokenStore(redis_server.url, key="ada"),
            )
            for _ in range(3)
        ]
        await asyncio.gather(*(c.get_me() for c in clients for _ in range(4)))
        for client in clients:
            await client.aclose()

    asyncio.run(main())
    assert len(api.logins) == 1


def _file_job(api: SessionServer, path: Path, **job: Any) -> dict[str, Any]:
    return {
        "module": str(GENERATED / "acme_session.py"),
        "class": "AcmeSessionClient",
        "client": _client_args(api),
        "method": "get_me",
        "store": "file",
        "file": str(path),
        "threads": 8,
        **job,
    }


def test_file_store_processes_and_threads_make_one_login(
    acme: ModuleType, api: SessionServer, tmp_path: Path
) -> None:
    path = tmp_path / "session.json"
    acme.FileTokenStore(path).save(_expired(acme))
    outcomes = run_workers([_file_job(api, path)] * 4)
    assert [o["errors"] for o in outcomes] == [[]] * 4
    assert [o["done"] for o in outcomes] == [8] * 4
    assert len(api.logins) == 1
    assert acme.FileTokenStore(path).load()["token"] == "tok-1-secret"
    assert oct((tmp_path / "session.json.lock").stat().st_mode & 0o777) == "0o600"


def test_without_the_file_lock_processes_log_in_apiece(
    acme: ModuleType, api: SessionServer, tmp_path: Path
) -> None:
    """The control case of the test above: it fails when the lock is taken away."""
    api.login_delay = 0.5  # wide enough for every process to start on a busy machine
    path = tmp_path / "session.json"
    acme.FileTokenStore(path).save(_expired(acme))
    outcomes = run_workers([_file_job(api, path, unlocked=True)] * 4)
    assert [o["errors"] for o in outcomes] == [[]] * 4
    assert len(api.logins) > 1


def test_file_store_worker_killed_holding_the_lock_blocks_no_one(
    acme: ModuleType, api: SessionServer, tmp_path: Path
) -> None:
    """The kernel drops a dead process's flock: the others log in at once."""
    path = tmp_path / "session.json"
    acme.FileTokenStore(path).save(_expired(acme))
    with socket.socket() as black_hole:  # the first login hangs, holding the lock
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(16)
        stuck = dict(_client_args(api))
        stuck["login_url"] = f"http://127.0.0.1:{black_hole.getsockname()[1]}/login"
        doomed = start_workers([_file_job(api, path, threads=1, client=stuck)])
        go(doomed)
        deadline = time.monotonic() + 20
        while not file_locked(tmp_path / "session.json.lock"):
            assert time.monotonic() < deadline, "the worker never took the lock"
            time.sleep(0.02)
        os.kill(doomed[0].pid, signal.SIGKILL)
        doomed[0].wait(timeout=10)
    started = time.monotonic()
    outcomes = run_workers([_file_job(api, path, threads=4)] * 2)
    assert [o["errors"] for o in outcomes] == [[]] * 2
    assert time.monotonic() - started < 20  # worker start-up included
    assert len(api.logins) == 1
    assert acme.FileTokenStore(path).load()["token"] == "tok-1-secret"


def test_async_clients_share_one_login_through_the_file_store(
    acme: ModuleType, api: SessionServer, tmp_path: Path
) -> None:
    path = tmp_path / "session.json"
    acme.FileTokenStore(path).save(_expired(acme))

    async def main() -> None:
        clients = [
            acme.AsyncAcmeSessionClient(
                **_client_args(api), token_store=acme.FileTokenStore(path)
            )
            for _ in range(3)
        ]
        await asyncio.gather(*(c.get_me() for c in clients for _ in range(4)))
        for client in clients:
            await client.aclose()

    asyncio.run(main())
    assert len(api.logins) == 1


@pytest.mark.parametrize("kind", ["redis", "file"])
def test_async_client_is_made_without_reading_the_store(
    acme: ModuleType,
    api: SessionServer,
    redis_server: RedisServer,
    tmp_path: Path,
    kind: str,
) -> None:
    """Making an async client does not read its store (a blocking Redis round trip
    or file read on the event loop): the first request reads it with aload() and
    uses the valid stored session, with no login. A sync client still reads the
    store when it is made."""

    def store() -> Any:
        if kind == "redis":
            return acme.RedisTokenStore(redis_server.url, key=f"made-{kind}")
        return acme.FileTokenStore(tmp_path / "session.json")

    expires_at = time.time() + 3600
    api.live["tok-stored-secret"] = expires_at
    stored = {"token": "tok-stored-secret", "expires_at": expires_at}
    store().save(acme.SessionToken(stored))
    used = store()
    used.load = refused_on_the_loop(used.load)
    used.save = refused_on_the_loop(used.save)
    seen: list[Any] = []

    async def main() -> None:
        client = acme.AsyncAcmeSessionClient(**_client_args(api), token_store=used)
        seen.append(client.token)  # not read yet
        await client.get_me()
        seen.append(client.token)
        await client.aclose()

    asyncio.run(main())
    assert seen[0] is None
    assert seen[1] is not None and seen[1]["token"] == "tok-stored-secret"
    assert api.logins == []

    sync = acme.AcmeSessionClient(**_client_args(api), token_store=store())
    assert sync.token is not None and sync.token["token"] == "tok-stored-secret"
    sync.close()


@pytest.mark.parametrize("kind", ["redis", "file"])
def test_async_client_reads_and_saves_only_with_aload_and_asave(
    acme: ModuleType,
    api: SessionServer,
    redis_server: RedisServer,
    tmp_path: Path,
    kind: str,
) -> None:
    """The async login never blocks the event loop on the store: load() and save()
    are never called on the loop's thread, and a ticker task keeps running while the
    store's lock and the login are held."""

    def store() -> Any:
        if kind == "redis":
            return acme.RedisTokenStore(redis_server.url, key=f"async-{kind}")
        return acme.FileTokenStore(tmp_path / "session.json")

    store().save(_expired(acme))
    checker = store()
    used = store()
    heard: list[tuple[str, str]] = []

    def on_token(new: Any) -> None:  # the store has it already
        heard.append((new["token"], checker.load()["token"]))

    def off_the_loop(method: Any) -> Any:
        """``method``, refused on the event loop's thread (FileTokenStore's aload()
        and asave() run load() and save() in a worker thread, which is allowed)."""

        def guarded(*args: Any) -> Any:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                return method(*args)
            raise AssertionError(
                f"the async client called {method.__name__}() on its loop"
            )

        return guarded

    ticks: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        while not stop.is_set():
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    async def main() -> None:
        async with acme.AsyncAcmeSessionClient(
            **_client_args(api), token_store=used, on_token=on_token
        ) as client:
            used.load, used.save = off_the_loop(used.load), off_the_loop(used.save)
            stop = asyncio.Event()
            ticking = asyncio.create_task(ticker(stop))
            await client.get_me()
            stop.set()
            await ticking

    asyncio.run(main())
    assert heard == [("tok-1-secret", "tok-1-secret")]
    assert len(api.logins) == 1
    # The login took 0.2 s; the loop went on meanwhile.
    assert len(ticks) >= 5
    assert max(b - a for a, b in itertools.pairwise(ticks)) < 0.15
