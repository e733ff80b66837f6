"""Generated clients against a misbehaving server (issue 15, run time).

The server (tests/hostile_server.py) answers whatever a test tells it: token
responses with absurd lifetimes, bodies that are not JSON, not UTF-8 or nested
100,000 deep, redirects, endless bodies, Retry-After values no one can wait out, and
error texts that echo the client's credentials back. Every answer must become the
connector's typed error (or OAuth2Error) or be clamped as documented; none may
escape as a bare ValueError, OverflowError or RecursionError, leak a credential,
or be read whole into memory.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import os
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.hostile_server import Answer, HostileServer, running_hostile_server
from tests.support import ROOT, compile_text

pytestmark = pytest.mark.slow

API_KEY = "key-Zq8+/ sécret"
PASSWORD = "pw-7Yt+ secret"
CLIENT_SECRET = "cs-4Rk+/ secret"

API_SPEC = """\
SpecVersion: 1
Name: Hostile Api
BaseUrl: http://127.0.0.1:9
Authentication: { AuthType: ApiKey, QueryParameter: api_key }
Retries: { MaxAttempts: 3, InitialDelay: 0.01, MaxDelay: 0.02 }
Methods:
  - { Name: Thing, HttpMethod: GET, EndPoint: /thing }
  - { Name: Text, HttpMethod: GET, EndPoint: /text, ResponseFormat: PlainText }
"""

BASIC_SPEC = """\
SpecVersion: 1
Name: Hostile Basic
BaseUrl: http://127.0.0.1:9
Authentication: { AuthType: Basic }
Methods:
  - { Name: Thing, HttpMethod: GET, EndPoint: /thing }
"""

OAUTH2_SPEC = """\
SpecVersion: 1
Name: Hostile Token
BaseUrl: http://127.0.0.1:9
Authentication:
  AuthType: OAuth2
  OAuth2Type: ClientCredentials
  AccessTokenUrl: http://127.0.0.1:9/token
  ClientAuthentication: Body
  TokenPlacement: Query
Methods:
  - { Name: Thing, HttpMethod: GET, EndPoint: /thing }
"""

DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with running_hostile_server() as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh(server: HostileServer) -> None:
    server.answers.clear()
    server.requests.clear()
    server.answer("/thing", Answer(body=b'{"ok": true}'))


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    folder = tmp_path_factory.mktemp("hostile")
    return {
        name: compile_text(text, folder, f"{name}.yaml")
        for name, text in (
            ("api", API_SPEC),
            ("basic", BASIC_SPEC),
            ("oauth2", OAUTH2_SPEC),
        )
    }


def api(modules: dict[str, ModuleType], server: HostileServer, **kw: Any) -> Any:
    return modules["api"].HostileApiClient(api_key=API_KEY, base_url=server.url, **kw)


def oauth2(modules: dict[str, ModuleType], server: HostileServer) -> Any:
    return modules["oauth2"].HostileTokenClient(
        client_id="client",
        client_secret=CLIENT_SECRET,
        token_endpoint=f"{server.url}/token",
        base_url=server.url,
    )


def token_requests(server: HostileServer) -> int:
    return sum(1 for _, path, _, _ in server.requests if path.startswith("/token"))


# -- token responses ----------------------------------------------------------------


@pytest.mark.parametrize(
    "expires_in", [b"NaN", b'"inf"', b'"soon"', b'"\xc2\xb2"', b'{"s": 1}', b"[3600]"]
)
def test_unusable_lifetime_is_an_error_naming_the_field(
    modules: dict[str, ModuleType], server: HostileServer, expires_in: bytes
) -> None:
    server.answer(
        "/token",
        Answer(body=b'{"access_token": "t1", "expires_in": ' + expires_in + b"}"),
    )
    with (
        oauth2(modules, server) as client,
        pytest.raises(modules["oauth2"].OAuth2Error, match="'expires_in'"),
    ):
        client.thing()


@pytest.mark.parametrize("expires_in", [b"1e400", b"9" * 400, b'"' + b"9" * 400 + b'"'])
def test_absurd_lifetime_is_clamped(
    modules: dict[str, ModuleType], server: HostileServer, expires_in: bytes
) -> None:
    server.answer(
        "/token",
        Answer(body=b'{"access_token": "t1", "expires_in": ' + expires_in + b"}"),
    )
    with oauth2(modules, server) as client:
        assert client.thing() == {"ok": True}
        assert client.thing() == {"ok": True}
        assert client.token["expires_in"] == modules["oauth2"]._MAX_LIFETIME
    assert token_requests(server) == 1


@pytest.mark.parametrize("expires_in", [b"0", b"-5", b'"-1"', b"0.2"])
def test_zero_or_negative_lifetime_does_not_renew_on_every_call(
    modules: dict[str, ModuleType], server: HostileServer, expires_in: bytes
) -> None:
    server.answer(
        "/token",
        Answer(body=b'{"access_token": "t1", "expires_in": ' + expires_in + b"}"),
    )
    with oauth2(modules, server) as client:
        for _ in range(5):
            assert client.thing() == {"ok": True}
        assert client.token["expires_in"] == modules["oauth2"]._MIN_LIFETIME
    assert token_requests(server) == 1


@pytest.mark.parametrize("body", [DEEP, b"\xff\xfe{not utf-8", b"<html>oops</html>"])
def test_unreadable_token_response_is_an_oauth2_error(
    modules: dict[str, ModuleType], server: HostileServer, body: bytes
) -> None:
    server.answer("/token", Answer(body=body))
    with (
        oauth2(modules, server) as client,
        pytest.raises(modules["oauth2"].OAuth2Error, match="without a token"),
    ):
        client.thing()


def test_token_endpoint_echoing_the_secret_is_redacted(
    modules: dict[str, ModuleType], server: HostileServer
) -> None:
    echoed = {
        "error": f"bad_{CLIENT_SECRET}",
        "error_description": f"client_secret={CLIENT_SECRET} and "
        f"{httpx.QueryParams({'s': CLIENT_SECRET})} are wrong",
    }
    server.answer("/token", Answer(400, json.dumps(echoed).encode()))
    with (
        oauth2(modules, server) as client,
        pytest.raises(modules["oauth2"].OAuth2Error) as caught,
    ):
        client.thing()
    error = caught.value
    assert "***" in str(error)
    for text in (str(error), repr(error), error.error or "", error.description or ""):
        assert "cs-4Rk" not in text
        assert "secret" not in text.replace("client_secret", "")


# -- what the API answers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (DEEP, "nested too deeply"),
        (b"\xff\xfe\xfa not utf-8", "not UTF-8"),
        (b"<html>Bad gateway</html>", "not JSON"),
    ],
)
def test_unusable_body_is_the_connectors_error(
    modules: dict[str, ModuleType], server: HostileServer, body: bytes, problem: str
) -> None:
    server.answer("/thing", Answer(body=body))
    with (
        api(modules, server) as client,
        pytest.raises(modules["api"].HostileApiError) as caught,
    ):
        client.thing()
    message = str(caught.value)
    assert caught.value.status_code == 200
    assert "answered 200 OK" in message and problem in message
    assert len(message) < 400


def test_redirect_is_an_error_not_none(
    modules: dict[str, ModuleType], server: HostileServer
) -> None:
    server.answer(
        "/thing",
        Answer(302, b"", (("Location", "https://elsewhere.example/login?token=abc"),)),
    )
    with (
        api(modules, server) as client,
        pytest.raises(modules["api"].HostileApiError) as caught,
    ):
        client.thing()
    assert caught.value.status_code == 302
    assert "https://elsewhere.example/login is not followed" in str(caught.value)
    assert "abc" not in str(caught.value)
    server.answer("/text", Answer(301, b"moved", (("Location", "/elsewhere"),)))
    with (
        api(modules, server) as client,
        pytest.raises(modules["api"].HostileApiError, match="/elsewhere is not"),
    ):
        client.text()
    server.answer("/thing", Answer(307, b""))
    with (
        api(modules, server) as client,
        pytest.raises(modules["api"].HostileApiError, match="no valid Location"),
    ):
        client.thing()


@pytest.mark.parametrize(
    "location", ["http://[::1", "https://a.example/" + "x" * 70_000, "http://a:b:c/"]
)
def test_a_location_httpx_cannot_read_is_the_connectors_error(
    location: str, modules: dict[str, ModuleType], server: HostileServer
) -> None:
    """httpx reads every redirect's Location before the client sees the answer, and
    raised its own RemoteProtocolError for one it cannot parse."""
    server.answer("/thing", Answer(302, b"", (("Location", location),)))
    with (
        api(modules, server) as client,
        pytest.raises(modules["api"].HostileApiError, match="no valid Location") as e,
    ):
        client.thing()
    assert e.value.status_code == 302

    async def call() -> None:
        client = modules["api"].AsyncHostileApiClient(
            api_key=API_KEY, base_url=server.url
        )
        async with client:
            await client.thing()

    with pytest.raises(modules["api"].HostileApiError, match="no valid Location"):
        asyncio.run(call())


def test_excerpt_masks_the_credentials_the_server_echoes(
    modules: dict[str, ModuleType], server: HostileServer
) -> None:
    echo = f"bad key {API_KEY} / {httpx.QueryParams({'k': API_KEY})} / "
    echo = (echo + json.dumps({"key": API_KEY}) + " ").encode()
    server.answer("/thing", Answer(body=echo * 3))
    with (
        api(modules, server) as client,
        pytest.raises(modules["api"].HostileApiError) as caught,
    ):
        client.thing()
    assert "bad key ***" in str(caught.value)
    assert "Zq8" not in str(caught.value)

    server.answer("/thing", Answer(body=f"<p>password was {PASSWORD}</p>".encode()))
    basic = modules["basic"].HostileBasicClient(
        username="me", password=PASSWORD, base_url=server.url
    )
    with basic, pytest.raises(modules["basic"].HostileBasicError) as caught:
        basic.thing()
    assert "password was ***" in str(caught.value)
    assert "7Yt" not in str(caught.value)


# -- Retry-After no one can wait out ------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["9" * 20, "Fri, 31 Dec 99999999 23:59:59 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"],
)
@pytest.mark.parametrize("status", [429, 503])
def test_endless_retry_after_is_not_waited_but_raised(
    modules: dict[str, ModuleType], server: HostileServer, value: str, status: int
) -> None:
    server.answer("/thing", Answer(status, b"{}", (("Retry-After", value),)))
    with (
        api(modules, server) as client,
        pytest.raises(modules["api"].HostileApiError) as caught,
    ):
        client.thing()
    assert caught.value.status_code == status
    assert len(server.requests) == 1  # not retried: the wait is the caller's to decide


def test_unreadable_retry_after_falls_back_to_backoff(
    modules: dict[str, ModuleType], server: HostileServer
) -> None:
    server.answer("/thing", Answer(429, b"{}", (("Retry-After", "\u00b2"),)))
    with api(modules, server) as client, pytest.raises(modules["api"].HostileApiError):
        client.thing()
    assert len(server.requests) == 3  # MaxAttempts, with the spec's short backoff


# -- the response size limit ----------------------------------------------------------


def test_endless_body_stops_being_read(
    modules: dict[str, ModuleType], server: HostileServer
) -> None:
    endless = server.answer("/thing", Answer(stream_bytes=400 * 1024 * 1024))
    with (
        api(modules, server, max_response_bytes=1024 * 1024) as client,
        pytest.raises(modules["api"].HostileApiError, match="max_response_bytes"),
    ):
        client.thing()
    time.sleep(0.2)
    assert endless.sent < 100 * 1024 * 1024, endless.sent


def test_endless_body_stops_being_read_async(
    modules: dict[str, ModuleType], server: HostileServer
) -> None:
    endless = server.answer("/thing", Answer(stream_bytes=400 * 1024 * 1024))

    async def call() -> None:
        async with modules["api"].AsyncHostileApiClient(
            api_key=API_KEY, base_url=server.url, max_response_bytes=1024 * 1024
        ) as client:
            await client.thing()

    with pytest.raises(modules["api"].HostileApiError, match="max_response_bytes"):
        asyncio.run(call())
    time.sleep(0.2)
    assert endless.sent < 100 * 1024 * 1024, endless.sent


def test_declared_length_over_the_limit_is_refused_unread(
    modules: dict[str, ModuleType], server: HostileServer
) -> None:
    big = b'"' + b"x" * 200_000 + b'"'
    server.answer("/thing", Answer(body=big))
    with (
        api(modules, server, max_response_bytes=100_000) as client,
        pytest.raises(modules["api"].HostileApiError, match="it was not read"),
    ):
        client.thing()
    with api(modules, server, max_response_bytes=None) as client:
        assert client.thing() == "x" * 200_000
    assert modules["api"]._MAX_RESPONSE_BYTES == 32 * 1024 * 1024
    with api(modules, server) as client:  # the default limit lets it through
        assert client.thing() == "x" * 200_000


def test_compression_bomb_is_counted_as_decoded(
    modules: dict[str, ModuleType], server: HostileServer
) -> None:
    bomb = gzip.compress(b'"' + b"0" * (64 * 1024 * 1024) + b'"')
    assert len(bomb) < 256 * 1024  # small on the wire
    server.answer("/thing", Answer(body=bomb, headers=(("Content-Encoding", "gzip"),)))
    with (
        api(modules, server, max_response_bytes=1024 * 1024) as client,
        pytest.raises(modules["api"].HostileApiError, match="max_response_bytes"),
    ):
        client.thing()
    # Compressed bodies within the limit decode as ever.
    document = json.dumps({"items": list(range(20_000))}).encode()
    for encoding, body in (
        ("gzip", gzip.compress(document)),
        ("deflate", zlib.compress(document)),
    ):
        server.answer(
            "/thing", Answer(body=body, headers=(("Content-Encoding", encoding),))
        )
        with api(modules, server, max_response_bytes=len(document) + 1) as client:
            assert client.thing() == {"items": list(range(20_000))}
        with (
            api(modules, server, max_response_bytes=len(document) - 1) as client,
            pytest.raises(modules["api"].HostileApiError, match="max_response_bytes"),
        ):
            client.thing()


@pytest.mark.parametrize("encoding", ["br", "zstd"])
def test_brotli_and_zstd_bombs_are_counted_as_decoded(
    encoding: str, modules: dict[str, ModuleType], server: HostileServer
) -> None:
    """httpx decodes br and zstd when brotli and zstandard are installed (they are,
    in the dev extra): those bodies count as they decode too."""
    import brotli
    import zstandard

    def compress(data: bytes) -> bytes:
        if encoding == "br":
            return bytes(brotli.compress(data))
        return bytes(zstandard.ZstdCompressor().compress(data))

    # Without the package, a module still works (httpx then leaves the body as is).
    assert modules["api"]._optional_module("no_such_module_here") is None
    bomb = compress(b'"' + b"0" * (64 * 1024 * 1024) + b'"')
    assert len(bomb) < 64 * 1024  # small on the wire
    server.answer(
        "/thing", Answer(body=bomb, headers=(("Content-Encoding", encoding),))
    )
    with (
        api(modules, server, max_response_bytes=1024 * 1024) as client,
        pytest.raises(modules["api"].HostileApiError, match="max_response_bytes"),
    ):
        client.thing()
    document = json.dumps({"items": list(range(20_000))}).encode()
    body = compress(document)
    assert len(body) < len(document) // 3
    server.answer(
        "/thing", Answer(body=body, headers=(("Content-Encoding", encoding),))
    )
    with api(modules, server, max_response_bytes=len(document) + 1) as client:
        assert client.thing() == {"items": list(range(20_000))}
    with (
        api(modules, server, max_response_bytes=len(document) - 1) as client,
        pytest.raises(modules["api"].HostileApiError, match="max_response_bytes"),
    ):
        client.thing()


def test_token_endpoint_body_is_limited_too(
    modules: dict[str, ModuleType], server: HostileServer
) -> None:
    server.answer("/token", Answer(stream_bytes=400 * 1024 * 1024))
    client = modules["oauth2"].HostileTokenClient(
        client_id="client",
        client_secret=CLIENT_SECRET,
        token_endpoint=f"{server.url}/token",
        base_url=server.url,
        max_response_bytes=1024 * 1024,
    )
    with (
        client,
        pytest.raises(modules["oauth2"].HostileTokenError, match="max_response"),
    ):
        client.thing()


# -- credentials in logged URLs ------------------------------------------------------


def test_query_credentials_are_masked_in_httpx_log_without_a_global_filter(
    modules: dict[str, ModuleType],
    server: HostileServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    server.answer(
        "/token", Answer(body=b'{"access_token": "tok-Secret9", "expires_in": 60}')
    )
    with api(modules, server) as client:
        client.thing()
    with oauth2(modules, server) as client:
        client.thing()
    assert logging.getLogger("httpx").filters == []
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert any("/thing?api_key=%2A%2A%2A" in line for line in lines), lines
    assert any("/thing?access_token=%2A%2A%2A" in line for line in lines), lines
    text = caplog.text
    assert "Zq8" not in text and "tok-Secret9" not in text
    # The server got the real values.
    sent = [path for _, path, _, _ in server.requests if path.startswith("/thing")]
    assert httpx.URL(sent[0]).params["api_key"] == API_KEY
    assert httpx.URL(sent[1]).params["access_token"] == "tok-Secret9"


# -- FileTokenStore: what a killed save leaves behind ---------------------------------

KILLED_SAVE = """\
import os, sys, time
from tests.support import import_file
module = import_file(__import__("pathlib").Path(sys.argv[1]))
def stuck(fd):
    print("writing", flush=True)
    time.sleep(60)
os.fsync = stuck
module.FileTokenStore(sys.argv[2]).save(module.Token(access_token="half"))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_stale_temporary_files_are_removed_by_the_next_save(
    modules: dict[str, ModuleType], tmp_path: Path
) -> None:
    module = modules["oauth2"]
    target = tmp_path / "token.json"
    killed = []
    for _ in range(2):
        child = subprocess.Popen(
            [sys.executable, "-c", KILLED_SAVE, module.__file__, str(target)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "writing"
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        killed.append(child)
    leftovers = sorted(tmp_path.glob(".token.json.*.tmp"))
    assert len(leftovers) == 2
    store = module.FileTokenStore(target)
    store.save(module.Token(access_token="one"))
    assert sorted(tmp_path.glob(".token.json.*.tmp")) == leftovers  # young: kept
    old = time.time() - 2 * module.FileTokenStore.STALE_AFTER
    os.utime(leftovers[0], (old, old))
    (tmp_path / ".other.json.x.tmp").write_text("{}")  # another store's: not ours
    os.utime(tmp_path / ".other.json.x.tmp", (old, old))
    store.save(module.Token(access_token="two"))
    assert sorted(tmp_path.glob(".token.json.*.tmp")) == leftovers[1:]
    assert (tmp_path / ".other.json.x.tmp").exists()
    assert store.load() == {"access_token": "two"}


# -- from_env() and an empty Basic password -------------------------------------------


def test_from_env_takes_a_declared_empty_basic_password(
    modules: dict[str, ModuleType], server: HostileServer
) -> None:
    module = modules["basic"]
    environ = {"HOSTILE_BASIC_USERNAME": "sk_test_key", "HOSTILE_BASIC_PASSWORD": ""}
    with module.HostileBasicClient.from_env(environ, base_url=server.url) as client:
        assert client.thing() == {"ok": True}
    sent = server.requests[-1][2]
    assert sent["Authorization"] == httpx.BasicAuth("sk_test_key", "")._auth_header
    with pytest.raises(ValueError, match="set the HOSTILE_BASIC_PASSWORD variable"):
        module.HostileBasicClient.from_env({"HOSTILE_BASIC_USERNAME": "sk_test_key"})
    with pytest.raises(ValueError, match="HOSTILE_BASIC_USERNAME"):
        module.HostileBasicClient.from_env(
            {"HOSTILE_BASIC_USERNAME": "", "HOSTILE_BASIC_PASSWORD": ""}
        )


def test_the_spec_names_the_environment_variables(
    server: HostileServer, tmp_path: Path
) -> None:
    module = compile_text(
        BASIC_SPEC.replace("Hostile Basic", "Stripe Like")
        + "Properties:\n  - { Name: Account, IsOptional: true }\n"
        + "EnvironmentVariables:\n"
        + "  username: STRIPE_API_KEY\n  password: STRIPE_PASSWORD\n"
        + "  account: STRIPE_ACCOUNT\n",
        tmp_path,
    )
    environ = {
        "STRIPE_API_KEY": "sk_test_key",
        "STRIPE_PASSWORD": "",
        "STRIPE_ACCOUNT": "acct_1",
    }
    with module.StripeLikeClient.from_env(environ, base_url=server.url) as client:
        assert client.thing() == {"ok": True}
        assert client._properties == {"Account": "acct_1"}
    sent = server.requests[-1][2]
    assert sent["Authorization"] == httpx.BasicAuth("sk_test_key", "")._auth_header
    with pytest.raises(ValueError, match="set the STRIPE_API_KEY variable"):
        module.StripeLikeClient.from_env({"STRIPE_LIKE_USERNAME": "x"})
