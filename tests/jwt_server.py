"""An API that checks JSON Web Tokens with PyJWT (a JOSE implementation independent of
the joserfc that generated clients sign with), on 127.0.0.1 in a thread.

Three providers' rules, as their documentation gives them:
- Ghost Admin API (``/ghost/api/admin/...``): ``Authorization: Ghost <jwt>``, HS256
  with the hex-decoded secret of the admin key whose id is the ``kid`` header,
  ``aud`` ``/admin/``, ``exp`` at most 5 minutes after ``iat``.
- GitHub App (``/app``): ``Authorization: Bearer <jwt>``, RS256, ``iss`` the app id,
  ``iat`` in the past, ``exp`` at most 10 minutes after ``iat``.
- App Store Connect (``/v1/apps``): ``Authorization: Bearer <jwt>``, ES256 with the
  key named by ``kid``, ``iss`` the issuer id, ``aud`` ``appstoreconnect-v1``,
  ``exp`` at most 20 minutes after ``iat``.
A valid token gets 200 with its header and claims as decoded; any other gets 401.
Every Authorization header is recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jwt as pyjwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import Flask, Response, jsonify, request

from tests.paging_server import serving

__all__ = ["JwtServer", "Keys", "running_jwt_server"]


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass(frozen=True)
class Keys:
    ghost_id: str = "6489b3c1a5f2e40001a3b1c2"
    ghost_secret: str = "5f1c" * 16  # 32 bytes in hex, as Ghost issues them
    rsa_key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(65537, 2048)
    )
    ec_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    app_id: str = "123456"
    issuer_id: str = "57246542-96fe-1a63-e053-0824d011072a"
    ec_key_id: str = "2X9R4HXF34"

    @property
    def ghost_key(self) -> str:
        return f"{self.ghost_id}:{self.ghost_secret}"

    @property
    def rsa_pem(self) -> str:
        return _pem(self.rsa_key)

    @property
    def ec_pem(self) -> str:
        return _pem(self.ec_key)


@dataclass
class JwtServer:
    keys: Keys
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    authorizations: list[str] = field(default_factory=list)
    # Tokens issued before this Unix time are refused (a server that revoked them).
    not_before: float = 0.0

    def _check(
        self, scheme: str, key: Any, algorithm: str, max_lifetime: int, **expect: str
    ) -> Response:
        value = request.headers.get("Authorization", "")
        with self.lock:
            self.authorizations.append(value)
        if not value.startswith(f"{scheme} "):
            return _refuse("wrong scheme")
        token = value[len(scheme) + 1 :]
        try:
            header = pyjwt.get_unverified_header(token)
            claims = pyjwt.decode(
                token,
                key(header),
                algorithms=[algorithm],
                audience=expect.get("aud"),
                issuer=expect.get("iss"),
                options={"require": ["iat", "exp"]},
            )
        except (pyjwt.InvalidTokenError, KeyError) as error:
            return _refuse(str(error))
        if claims["exp"] - claims["iat"] > max_lifetime:
            return _refuse("lifetime too long")
        if claims["iat"] > time.time() + 1 or claims["iat"] < self.not_before:
            return _refuse("issued at a refused time")
        return jsonify(header=header, claims=claims)

    def app(self) -> Flask:
        app = Flask(__name__)
        keys = self.keys

        @app.get("/ghost/api/admin/posts/")
        def ghost() -> Response:
            def secret(header: dict[str, Any]) -> bytes:
                if header["kid"] != keys.ghost_id:
                    raise KeyError("unknown kid")
                return bytes.fromhex(keys.ghost_secret)

            return self._check("Ghost", secret, "HS256", 300, aud="/admin/")

        @app.get("/app")
        def github() -> Response:
            public = keys.rsa_key.public_key()
            return self._check(
                "Bearer", lambda _: public, "RS256", 600, iss=keys.app_id
            )

        @app.get("/v1/apps")
        def app_store() -> Response:
            def public(header: dict[str, Any]) -> ec.EllipticCurvePublicKey:
                if header["kid"] != keys.ec_key_id:
                    raise KeyError("unknown kid")
                return keys.ec_key.public_key()

            return self._check(
                "Bearer",
                public,
                "ES256",
                1200,
                iss=keys.issuer_id,
                aud="appstoreconnect-v1",
            )

        return app


def _refuse(why: str) -> Response:
    answer = jsonify(error=why)
    answer.status_code = 401
    return answer


@contextmanager
def running_jwt_server() -> Iterator[JwtServer]:
    state = JwtServer(Keys())
    with serving(state.app()) as url:
        state.url = url
        yield state
