"""AuthType Jwt, driven through the generated clients of specs/ghost_admin.yaml,
specs/github_app.yaml and specs/app_store_connect.yaml (sync and async) against a
local server that verifies every token with PyJWT (tests/jwt_server.py)."""

from __future__ import annotations

import asyncio
import base64
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.jwt_server import JwtServer, running_jwt_server
from tests.support import compile_text, import_generated


@pytest.fixture(scope="module")
def server() -> Iterator[JwtServer]:
    with running_jwt_server() as state:
        yield state


@pytest.fixture()
def api(server: JwtServer) -> JwtServer:
    with server.lock:
        server.authorizations.clear()
    server.not_before = 0.0
    return server


@pytest.fixture(scope="module")
def ghost() -> ModuleType:
    return import_generated("ghost_admin")


@pytest.fixture(scope="module")
def github() -> ModuleType:
    return import_generated("github_app")


@pytest.fixture(scope="module")
def app_store() -> ModuleType:
    return import_generated("app_store_connect")


def _ghost(module: ModuleType, api: JwtServer, is_async: bool = False) -> Any:
    cls = module.AsyncGhostAdminClient if is_async else module.GhostAdminClient
    return cls(
        key=api.keys.ghost_key,
        site="blog.example.com",
        base_url=f"{api.url}/ghost/api/admin",
    )


def _segment(token: str, index: int) -> bytes:
    part = token.split(".")[index]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_ghost_hs256_sync(ghost: ModuleType, api: JwtServer) -> None:
    before = int(time.time())
    with _ghost(ghost, api) as client:
        first = client.browse_posts()
        second = client.browse_posts(limit=5)
    assert first == second  # the same token, reused
    assert first["header"] == {
        "alg": "HS256",
        "typ": "JWT",
        "kid": api.keys.ghost_id,
    }
    claims = first["claims"]
    assert set(claims) == {"aud", "iat", "exp"}
    assert claims["aud"] == "/admin/"
    assert before <= claims["iat"] <= time.time()
    assert claims["exp"] == claims["iat"] + 300
    [value] = set(api.authorizations)
    assert value.startswith("Ghost ey") and len(api.authorizations) == 2


def test_ghost_hs256_async(ghost: ModuleType, api: JwtServer) -> None:
    async def run() -> list[Any]:
        async with _ghost(ghost, api, is_async=True) as client:
            return list(
                await asyncio.gather(*(client.browse_posts() for _ in range(5)))
            )

    answers = asyncio.run(run())
    assert all(a["header"]["kid"] == api.keys.ghost_id for a in answers)
    assert len(set(api.authorizations)) == 1  # one token for all five tasks


def test_github_app_rs256(github: ModuleType, api: JwtServer) -> None:
    with github.GithubAppClient(
        key=api.keys.rsa_pem, app_id=api.keys.app_id, base_url=api.url
    ) as client:
        answer = client.get_app()
    assert answer["header"] == {"alg": "RS256", "typ": "JWT"}
    claims = answer["claims"]
    assert claims["iss"] == "123456"
    assert claims["iat"] <= time.time() - 59  # Backdate: 60
    assert claims["exp"] == claims["iat"] + 600

    async def run() -> Any:
        async with github.AsyncGithubAppClient(
            key=api.keys.rsa_pem, app_id=api.keys.app_id, base_url=api.url
        ) as client:
            return await client.get_app()

    assert asyncio.run(run())["claims"]["iss"] == "123456"


def test_app_store_connect_es256(app_store: ModuleType, api: JwtServer) -> None:
    def client(is_async: bool) -> Any:
        cls = (
            app_store.AsyncAppStoreConnectClient
            if is_async
            else app_store.AppStoreConnectClient
        )
        return cls(
            key=api.keys.ec_pem,
            issuer_id=api.keys.issuer_id,
            private_key_id=api.keys.ec_key_id,
            base_url=f"{api.url}/v1",
        )

    with client(False) as sync_client:
        answer = sync_client.list_apps(limit=1)

    async def run() -> Any:
        async with client(True) as async_client:
            return await async_client.list_apps()

    assert asyncio.run(run())["header"] == answer["header"]
    assert answer["header"] == {"alg": "ES256", "typ": "JWT", "kid": "2X9R4HXF34"}
    claims = answer["claims"]
    assert claims["iss"] == api.keys.issuer_id
    assert claims["aud"] == "appstoreconnect-v1"
    assert claims["exp"] == claims["iat"] + 1200
    token = api.authorizations[0].removeprefix("Bearer ")
    # RFC 7518 3.4: an ES256 signature is R and S, 32 bytes each, not DER.
    assert len(_segment(token, 2)) == 64


def test_token_is_signed_anew_when_due(ghost: ModuleType, api: JwtServer) -> None:
    with _ghost(ghost, api) as client:
        client.browse_posts()
        auth = client._auth
        assert auth._refresh_at == pytest.approx(time.time() + 240, abs=3)
        auth._refresh_at = time.time() - 1  # as if four minutes had passed
        time.sleep(1.05)  # so that the new token's iat differs
        client.browse_posts()
    first, second = api.authorizations
    assert first != second


def test_401_signs_a_new_token_once(ghost: ModuleType, api: JwtServer) -> None:
    with _ghost(ghost, api) as client:
        client.browse_posts()
        time.sleep(1.05)
        api.not_before = int(time.time())  # the server now refuses older tokens
        assert client.browse_posts()["claims"]["iat"] >= api.not_before
        assert len(api.authorizations) == 3  # ok, refused, retried with a new one
        api.not_before = time.time() + 3600  # refuses everything: no loop
        with pytest.raises(ghost.GhostAdminError) as caught:
            client.browse_posts()
        assert caught.value.status_code == 401
        assert len(api.authorizations) == 5


def test_threads_share_one_token(github: ModuleType, api: JwtServer) -> None:
    with github.GithubAppClient(
        key=api.keys.rsa_pem, app_id=api.keys.app_id, base_url=api.url
    ) as client:
        barrier = threading.Barrier(16)

        def call() -> None:
            barrier.wait()
            client.get_app()

        threads = [threading.Thread(target=call) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(api.authorizations) == 16
    assert len(set(api.authorizations)) == 1


def test_bad_keys_are_refused_without_showing_them(
    ghost: ModuleType, github: ModuleType, app_store: ModuleType, api: JwtServer
) -> None:
    secret = api.keys.ghost_secret
    cases = [
        (ghost, {"key": secret, "site": "s"}, "key must be 'id:secret'"),
        (ghost, {"key": "id:" + "zz" + secret, "site": "s"}, "is not hexadecimal"),
        (github, {"key": api.keys.ec_pem, "app_id": "1"}, "not a PEM RSA private"),
        (github, {"key": "not a key", "app_id": "1"}, "not a PEM RSA private"),
    ]
    p384 = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    cases.append(
        (
            app_store,
            {"key": p384.decode(), "issuer_id": "i", "private_key_id": "k"},
            "not a PEM EC P-256 private key",
        )
    )
    for module, arguments, message in cases:
        cls = next(
            getattr(module, name)
            for name in module.__all__
            if name.endswith("Client") and not name.startswith("Async")
        )
        with pytest.raises(ValueError, match=message) as caught:
            cls(**arguments)
        assert secret not in str(caught.value)
        assert "PRIVATE" not in str(caught.value)


def test_no_secret_in_reprs(
    ghost: ModuleType, api: JwtServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    with _ghost(ghost, api) as client:
        client.browse_posts()
        shown = repr(client) + repr(client._auth)
    assert repr(client._auth) == (
        f"JwtAuth(algorithm='HS256', key_id='{api.keys.ghost_id}', key='***')"
    )
    token = api.authorizations[0].removeprefix("Ghost ")
    for text in (shown, caplog.text):
        assert api.keys.ghost_secret not in text
        assert token not in text


def test_from_env(ghost: ModuleType, api: JwtServer) -> None:
    environ = {"GHOST_ADMIN_KEY": api.keys.ghost_key, "GHOST_ADMIN_SITE": "b.example"}
    with ghost.GhostAdminClient.from_env(
        environ, base_url=f"{api.url}/ghost/api/admin"
    ) as client:
        assert client.browse_posts()["claims"]["aud"] == "/admin/"
    with pytest.raises(ValueError, match="GHOST_ADMIN_KEY"):
        ghost.GhostAdminClient.from_env({"GHOST_ADMIN_SITE": "b.example"})


def test_claim_types_and_key_formats(tmp_path: Path, api: JwtServer) -> None:
    """Numbers and booleans stay JSON numbers and booleans; Text and Hex keys sign
    with the bytes PyJWT verifies with."""
    spec = """\
SpecVersion: 1
Name: Claimed
BaseUrl: https://api.example.com
Properties:
  - {{ Name: Tenant, Default: acme }}
Authentication:
  AuthType: Jwt
  Algorithm: HS256
  KeyFormat: {format}
  KeyId: "k-{{{{Tenant}}}}"
  Claims: {{ sub: "user@{{{{Tenant}}}}", level: 3, admin: true }}
Methods:
  - {{ Name: Get, HttpMethod: GET, EndPoint: /x }}
"""
    secret = "s3cret-with-ü-and-32-bytes-long!"
    for key_format, key in (("Text", secret), ("Hex", secret.encode().hex())):
        directory = tmp_path / key_format
        directory.mkdir()
        module = compile_text(spec.format(format=key_format), directory)
        auth = module.ClaimedClient(key=key)._auth
        token = auth.token()
        claims = pyjwt.decode(token, secret.encode(), algorithms=["HS256"])
        assert {k: claims[k] for k in ("sub", "level", "admin")} == {
            "sub": "user@acme",
            "level": 3,
            "admin": True,
        }
        assert pyjwt.get_unverified_header(token)["kid"] == "k-acme"


JWT_HOOKS = '''\
"""Hooks that check the auth value of a Jwt client is the token the request carries."""

from __future__ import annotations

from typing import Any

import httpx


def before_action(
    request: httpx.Request, auth_value: str | None, context: dict[str, Any]
) -> bool | None:
    context["token"] = auth_value
    return auth_value is not None and (
        request.headers["Authorization"] == "Ghost " + auth_value
    )


def after_action(
    response: httpx.Response, auth_value: str | None, context: dict[str, Any]
) -> bool | None:
    return auth_value is not None and auth_value == context["token"]
'''


@pytest.mark.parametrize("is_async", [False, True])
def test_hooks_get_the_signed_token(
    tmp_path: Path, api: JwtServer, is_async: bool
) -> None:
    """Issue 11: a Jwt connector's hooks get the token the request carries (was None,
    which these hooks refuse with HookAborted)."""
    spec = (Path(__file__).parent.parent / "specs" / "ghost_admin.yaml").read_text()
    (tmp_path / "hooks.py").write_text(JWT_HOOKS, encoding="utf-8")
    spec = spec.replace("Properties:", "Script: hooks.py\nProperties:", 1)
    module = compile_text(spec, tmp_path, "ghost_admin.yaml")
    if is_async:

        async def run() -> Any:
            async with _ghost(module, api, is_async=True) as client:
                return await client.browse_posts()

        answer = asyncio.run(run())
    else:
        with _ghost(module, api) as client:
            answer = client.browse_posts()
    assert answer["header"]["kid"] == api.keys.ghost_id  # verified by PyJWT
