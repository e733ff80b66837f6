"""Session auth across processes (issue 13 for AuthType Session): RedisTokenStore in
Session modules, and the renew path holding the store's lock.

Against real things only: a redis-server started by the test (tests/redis_server.py),
the session server (tests/session_server.py) that records every login, and worker
processes (tests/shared_workers.py) that each run the generated client in threads.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
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
from tests.test_shared_state import run_workers

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
