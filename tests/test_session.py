"""AuthType Session, driven through generated clients (sync and async) against a local
two-step login server (tests/session_server.py) that records the wire."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import pytest

from tests.session_server import (
    PASSWORD,
    USERNAME,
    SessionServer,
    running_session_server,
)
from tests.support import compile_text, import_generated

SPEC = """\
SpecVersion: 1
Name: Two Step
BaseUrl: http://127.0.0.1/api/v2
Authentication:
  AuthType: Session
  LoginUrl: http://127.0.0.1/api/v2/auth/login
{auth}
Methods:
  - Name: Get Me
    HttpMethod: GET
    EndPoint: /me
"""


@pytest.fixture(scope="module")
def server() -> Iterator[SessionServer]:
    with running_session_server() as state:
        yield state


@pytest.fixture()
def api(server: SessionServer) -> SessionServer:
    with server.lock:
        server.requests.clear()
        server.live.clear()
        server.issued = 0
    server.login, server.token_in = "json", "body"
    server.header, server.prefix = "Authorization", "Bearer "
    server.expires_in, server.login_delay, server.refuse_all = 3600, 0.0, False
    server.envelope = None
    return server


@pytest.fixture(scope="module")
def acme() -> ModuleType:
    return import_generated("acme_session")


def _acme_client(module: ModuleType, api: SessionServer, **kwargs: object) -> object:
    kwargs.setdefault("username", USERNAME)
    kwargs.setdefault("password", PASSWORD)
    return module.AcmeSessionClient(
        host="acme.example.com",
        base_url=f"{api.url}/api/v2",
        login_url=f"{api.url}/api/v2/auth/login",
        **kwargs,
    )


def _check_json_login(api: SessionServer) -> None:
    [login] = api.logins
    assert login.method == "POST"
    assert login.headers["Content-Type"] == "application/json"
    assert login.headers["Accept"] == "application/json"
    assert "Authorization" not in login.headers
    assert json.loads(login.body) == {
        "email": USERNAME,
        "password": PASSWORD,
        "remember": "false",
    }


def test_json_login_then_bearer_sync(acme: ModuleType, api: SessionServer) -> None:
    with _acme_client(acme, api) as client:
        assert client.token is None
        assert client.get_me() == {"user": USERNAME}
        assert client.create_note(text="hi") == {"created": {"text": "hi"}}
        token = client.token
    _check_json_login(api)
    calls = [r for r in api.requests if not r.path.endswith("/login")]
    assert [r.headers["Authorization"] for r in calls] == ["Bearer tok-1-secret"] * 2
    assert token["token"] == "tok-1-secret"
    assert token["expires_in"] == 3600  # from ExpiresInPath, not the declared 900
    assert abs(token["expires_at"] - (time.time() + 3600)) < 5


def test_json_login_then_bearer_async(acme: ModuleType, api: SessionServer) -> None:
    async def run() -> None:
        async with acme.AsyncAcmeSessionClient(
            username=USERNAME,
            password=PASSWORD,
            host="acme.example.com",
            base_url=f"{api.url}/api/v2",
            login_url=f"{api.url}/api/v2/auth/login",
        ) as client:
            assert await client.get_me() == {"user": USERNAME}
            assert await client.get_me() == {"user": USERNAME}

    asyncio.run(run())
    _check_json_login(api)
    calls = [r for r in api.requests if not r.path.endswith("/login")]
    assert [r.headers["Authorization"] for r in calls] == ["Bearer tok-1-secret"] * 2


def test_login_url_from_the_spec_fills_its_property(acme: ModuleType) -> None:
    client = acme.AcmeSessionClient(username="u", password="p", host="acme.example.com")
    assert repr(client._auth) == (
        "SessionAuth(username='u', password='***', "
        "login_url='https://acme.example.com/api/v2/auth/login')"
    )


def test_declared_lifetime_when_the_response_has_none(
    acme: ModuleType, api: SessionServer
) -> None:
    api.expires_in = None
    with _acme_client(acme, api) as client:
        client.get_me()
        assert client.token["expires_in"] == 900  # ExpiresIn: 900 from the spec


def test_form_login_token_in_a_header(tmp_path: Path, api: SessionServer) -> None:
    api.login, api.token_in = "form", "header"
    api.header, api.prefix = "X-Auth-Token", ""
    module = compile_text(
        SPEC.format(
            auth="  LoginFormat: Form\n"
            "  LoginFields: { email: '{Username}', password: '{Password}' }\n"
            "  TokenHeader: X-Subject-Token\n"
            "  Header: X-Auth-Token\n"
            "  Format: '{Token}'"
        ),
        tmp_path,
    )
    for is_async in (False, True):
        with api.lock:
            api.requests.clear()
        if is_async:

            async def run() -> object:
                async with module.AsyncTwoStepClient(
                    username=USERNAME,
                    password=PASSWORD,
                    base_url=f"{api.url}/api/v2",
                    login_url=f"{api.url}/api/v2/auth/login",
                ) as client:
                    return await client.get_me()

            assert asyncio.run(run()) == {"user": USERNAME}
        else:
            with module.TwoStepClient(
                username=USERNAME,
                password=PASSWORD,
                base_url=f"{api.url}/api/v2",
                login_url=f"{api.url}/api/v2/auth/login",
            ) as client:
                assert client.get_me() == {"user": USERNAME}
        [login, call] = api.requests
        assert login.headers["Content-Type"] == "application/x-www-form-urlencoded"
        # The form body, exactly: each value percent-encoded as UTF-8.
        assert login.body == b"email=ada%40example.com&password=p%3Aw+d%2B%26%25%C3%BC"
        assert parse_qsl(login.body.decode()) == [
            ("email", USERNAME),
            ("password", PASSWORD),
        ]
        assert call.headers["X-Auth-Token"].startswith("tok-")
        assert "Authorization" not in call.headers
        assert client.token.get("expires_in") is None  # no lifetime: until a 401


def test_basic_login_token_in_a_cookie(tmp_path: Path, api: SessionServer) -> None:
    api.login, api.token_in = "basic", "cookie"
    api.header, api.prefix = "Cookie", "sid="
    module = compile_text(
        SPEC.format(
            auth="  LoginFormat: Basic\n"
            "  TokenCookie: sid\n"
            "  Header: Cookie\n"
            "  Format: 'sid={Token}'"
        ),
        tmp_path,
    )
    with module.TwoStepClient(
        username=USERNAME,
        password=PASSWORD,
        base_url=f"{api.url}/api/v2",
        login_url=f"{api.url}/api/v2/auth/login",
    ) as client:
        assert client.get_me() == {"user": USERNAME}
    [login, call] = api.requests
    expected = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    assert login.headers["Authorization"] == f"Basic {expected}"  # RFC 7617, UTF-8
    assert login.body == b""
    assert call.headers["Cookie"] == "sid=tok-1-secret"


def test_401_logs_in_again_once_and_retries(
    acme: ModuleType, api: SessionServer
) -> None:
    with _acme_client(acme, api) as client:
        client.get_me()
        api.revoke()  # the server forgot the session
        assert client.get_me() == {"user": USERNAME}
        assert len(api.logins) == 2
        calls = [r for r in api.requests if not r.path.endswith("/login")]
        assert [r.headers["Authorization"] for r in calls] == [
            "Bearer tok-1-secret",
            "Bearer tok-1-secret",
            "Bearer tok-2-secret",
        ]
        api.refuse_all = True  # a 401 even with a fresh token: no loop
        with pytest.raises(acme.AcmeSessionError) as caught:
            client.get_me()
        assert caught.value.status_code == 401
        assert len(api.logins) == 3


def test_401_logs_in_again_async(acme: ModuleType, api: SessionServer) -> None:
    async def run() -> None:
        async with acme.AsyncAcmeSessionClient(
            username=USERNAME,
            password=PASSWORD,
            host="h",
            base_url=f"{api.url}/api/v2",
            login_url=f"{api.url}/api/v2/auth/login",
        ) as client:
            await client.get_me()
            api.revoke()
            assert await client.get_me() == {"user": USERNAME}

    asyncio.run(run())
    assert len(api.logins) == 2


def test_expired_token_logs_in_before_the_request(
    acme: ModuleType, api: SessionServer
) -> None:
    stale = acme.MemoryTokenStore({"token": "old", "expires_at": time.time() - 10})
    with _acme_client(acme, api, token_store=stale) as client:
        client.get_me()
    assert len(api.logins) == 1
    assert [r.headers["Authorization"] for r in api.requests[1:]] == [
        "Bearer tok-1-secret"
    ]  # the expired token was never sent


def test_token_due_within_the_leeway_is_renewed(
    acme: ModuleType, api: SessionServer
) -> None:
    api.expires_in = 4  # renewed 2 s before (half its lifetime, under the leeway)
    with _acme_client(acme, api) as client:
        client.get_me()
        assert client._auth._current.refresh_at == client.token["expires_at"] - 2
        client._auth._current.refresh_at = time.time() - 1  # as if 2 s had passed
        client.get_me()
    assert len(api.logins) == 2


def test_refused_login_raises_without_secrets(
    acme: ModuleType, api: SessionServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = _acme_client(acme, api, password="wrong " + PASSWORD)
    with client, pytest.raises(acme.LoginError) as caught:
        client.get_me()
    assert caught.value.status_code == 401
    assert str(caught.value) == (
        "the login was refused: 401 UNAUTHORIZED; check username and password"
    )
    assert len(api.logins) == 1  # refused once, not retried
    assert PASSWORD not in caplog.text


def test_login_response_without_a_token(tmp_path: Path, api: SessionServer) -> None:
    module = compile_text(
        SPEC.format(
            auth="  LoginFields: { email: '{Username}', password: '{Password}' }\n"
            "  TokenPath: data.missing"
        ),
        tmp_path,
    )
    with (
        module.TwoStepClient(
            username=USERNAME,
            password=PASSWORD,
            base_url=f"{api.url}/api/v2",
            login_url=f"{api.url}/api/v2/auth/login",
        ) as client,
        pytest.raises(module.LoginError, match=r"no field 'data\.missing'"),
    ):
        client.get_me()


def test_threads_share_one_login(acme: ModuleType, api: SessionServer) -> None:
    api.login_delay = 0.3
    results: list[object] = []
    with _acme_client(acme, api) as client:
        barrier = threading.Barrier(20)

        def call() -> None:
            barrier.wait()
            results.append(client.get_me())

        threads = [threading.Thread(target=call) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert results == [{"user": USERNAME}] * 20
    assert len(api.logins) == 1


def test_tasks_share_one_login(acme: ModuleType, api: SessionServer) -> None:
    api.login_delay = 0.3

    async def run() -> list[object]:
        async with acme.AsyncAcmeSessionClient(
            username=USERNAME,
            password=PASSWORD,
            host="h",
            base_url=f"{api.url}/api/v2",
            login_url=f"{api.url}/api/v2/auth/login",
        ) as client:
            return list(await asyncio.gather(*(client.get_me() for _ in range(20))))

    assert asyncio.run(run()) == [{"user": USERNAME}] * 20
    assert len(api.logins) == 1


def test_file_token_store_is_private_and_shared(
    acme: ModuleType, api: SessionServer, tmp_path: Path
) -> None:
    path = tmp_path / "session.json"
    seen: list[object] = []
    with _acme_client(
        acme, api, token_store=acme.FileTokenStore(path), on_token=seen.append
    ) as client:
        client.get_me()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text())["token"] == "tok-1-secret"
    assert [dict(t) for t in seen] == [json.loads(path.read_text())]
    # Another client (another process, say) starts with the stored token.
    with _acme_client(acme, api, token_store=acme.FileTokenStore(path)) as client:
        client.get_me()
    assert len(api.logins) == 1


def test_from_env(acme: ModuleType, api: SessionServer) -> None:
    environ = {
        "ACME_SESSION_USERNAME": USERNAME,
        "ACME_SESSION_PASSWORD": PASSWORD,
        "ACME_SESSION_HOST": "acme.example.com",
    }
    with acme.AcmeSessionClient.from_env(
        environ,
        base_url=f"{api.url}/api/v2",
        login_url=f"{api.url}/api/v2/auth/login",
    ) as client:
        assert client.get_me() == {"user": USERNAME}
    with pytest.raises(ValueError, match="ACME_SESSION_PASSWORD"):
        acme.AcmeSessionClient.from_env(
            {"ACME_SESSION_USERNAME": "u", "ACME_SESSION_HOST": "h"}
        )


def test_no_secret_in_reprs_or_logs(
    acme: ModuleType, api: SessionServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = acme.MemoryTokenStore()
    with _acme_client(acme, api, token_store=store) as client:
        client.get_me()
        shown = " ".join(repr(x) for x in (client, client._auth, client.token, store))
    assert "tok-1" not in shown and PASSWORD not in shown
    assert "token=***" in repr(client.token)
    assert "tok-1" not in caplog.text and PASSWORD not in caplog.text
    assert "new session token from the login, valid for 3600 s" in caplog.text


def test_login_url_must_be_secure(acme: ModuleType) -> None:
    with pytest.raises(ValueError, match="login_url must be an https URL"):
        acme.AcmeSessionClient(
            username="u",
            password="p",
            host="h",
            login_url="http://login.example.com/auth",
        )


def test_login_on_demand_sync_and_async(
    acme: ModuleType, api: SessionServer, tmp_path: Path
) -> None:
    """login() logs in at once, even with a valid token, saves and announces it."""
    store = acme.FileTokenStore(tmp_path / "session.json")
    heard: list[str] = []
    with _acme_client(acme, api, token_store=store, on_token=heard.append) as client:
        first = client.login()
        assert first["token"] == "tok-1-secret" and len(api.requests) == 1
        assert client.login()["token"] == "tok-2-secret"  # the valid one is replaced
        assert client.get_me() == {"user": USERNAME}
        assert api.requests[-1].headers["Authorization"] == "Bearer tok-2-secret"
    assert store.load()["token"] == "tok-2-secret"

    async def run() -> object:
        async with acme.AsyncAcmeSessionClient(
            username=USERNAME,
            password=PASSWORD,
            host="acme.example.com",
            base_url=f"{api.url}/api/v2",
            login_url=f"{api.url}/api/v2/auth/login",
            token_store=store,
            on_token=heard.append,
        ) as client:
            token = await client.login()
            assert await client.get_me() == {"user": USERNAME}
            return token

    assert asyncio.run(run())["token"] == "tok-3-secret"  # type: ignore[index]
    assert store.load()["token"] == "tok-3-secret"
    assert [t["token"] for t in heard] == [  # type: ignore[index]
        "tok-1-secret",
        "tok-2-secret",
        "tok-3-secret",
    ]
    assert len(api.logins) == 3


def test_login_on_demand_refused(acme: ModuleType, api: SessionServer) -> None:
    with _acme_client(acme, api, password="wrong") as client:
        with pytest.raises(acme.LoginError) as caught:
            client.login()
        assert client.token is None
    assert caught.value.status_code == 401 and "wrong" not in str(caught.value)


# -- issue 11 gaps: {{Property}} values in LoginFields; field paths ------------------


def _two_step(module: ModuleType, api: SessionServer, is_async: bool, **kw: object):  # type: ignore[no-untyped-def]
    cls = module.AsyncTwoStepClient if is_async else module.TwoStepClient
    return cls(
        username=USERNAME,
        password=PASSWORD,
        base_url=f"{api.url}/api/v2",
        login_url=f"{api.url}/api/v2/auth/login",
        **kw,
    )


def _me(module: ModuleType, api: SessionServer, is_async: bool, **kw: object) -> object:
    """One call (its login first), sync or async; the client's token after it."""
    if is_async:

        async def run() -> object:
            async with _two_step(module, api, True, **kw) as client:
                assert await client.get_me() == {"user": USERNAME}
                return client.token

        return asyncio.run(run())
    with _two_step(module, api, False, **kw) as client:
        assert client.get_me() == {"user": USERNAME}
        return client.token


PROPERTY_FIELDS = SPEC.replace(
    "Authentication:",
    "Properties:\n"
    "  - {{ Name: Account, Description: The account. }}\n"
    "  - {{ Name: Domain, Default: example.com }}\n"
    "Authentication:",
)


@pytest.mark.parametrize("is_async", [False, True])
def test_login_fields_hold_property_values(
    tmp_path: Path, api: SessionServer, is_async: bool
) -> None:
    module = compile_text(
        PROPERTY_FIELDS.format(
            auth="  LoginFields: { email: '{Username}', password: '{Password}',"
            " account: '{{Account}}', realm: '{{Account}}@{{ Domain }}' }\n"
            "  TokenPath: data.session.token"
        ),
        tmp_path,
    )
    _me(module, api, is_async, account="acme")
    [login] = api.logins
    assert json.loads(login.body) == {
        "email": USERNAME,
        "password": PASSWORD,
        "account": "acme",
        "realm": "acme@example.com",
    }
    # A property value is put in as it is: "{Password}" in it is not the password.
    with api.lock:
        api.requests.clear()
    _me(module, api, is_async, account="{Password}", domain="{Username}")
    [login] = api.logins
    body = json.loads(login.body)
    assert (body["account"], body["realm"]) == ("{Password}", "{Password}@{Username}")
    assert PASSWORD not in repr(_two_step(module, api, is_async, account="a")._auth)


@pytest.mark.parametrize("is_async", [False, True])
@pytest.mark.parametrize(
    ("token_path", "expires_path", "shape"),
    [
        # The path syntax: an index from the end, a quoted key with a dot.
        (
            'data.sessions[-1]["session.token"]',
            "data.sessions[-1].ttl",
            lambda t, e: {"data": {"sessions": [{}, {"session.token": t, "ttl": e}]}},
        ),
        # An old dotted value keeps its meaning: a number picks a list item.
        (
            "data.0.token",
            "data.0.expires_in",
            lambda t, e: {"data": [{"token": t, "expires_in": e}]},
        ),
        # And a name the path syntax would quote stays one key.
        ("@token", "@ttl", lambda t, e: {"@token": t, "@ttl": e}),
    ],
)
def test_token_and_expires_in_paths(
    tmp_path: Path,
    api: SessionServer,
    is_async: bool,
    token_path: str,
    expires_path: str,
    shape: Any,
) -> None:
    def envelope(body: dict[str, Any]) -> object:
        session = body["data"]["session"]
        return shape(session["token"], 1234)

    api.envelope = envelope
    module = compile_text(
        SPEC.format(
            auth="  LoginFields: { email: '{Username}', password: '{Password}' }\n"
            f"  TokenPath: '{token_path}'\n"
            f"  ExpiresInPath: '{expires_path}'"
        ),
        tmp_path,
    )
    token = _me(module, api, is_async)
    assert token is not None and token["token"].startswith("tok-")
    assert token["expires_in"] == 1234
