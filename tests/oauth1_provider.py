"""A real OAuth 1.0a provider for the tests, built from authlib's Flask server side.

It verifies every signature itself (authlib's ``AuthorizationServer`` for the three
token endpoints, ``ResourceProtector`` for the API), keeps clients, temporary
credentials, tokens and nonces in memory, and is served by werkzeug on 127.0.0.1 in a
thread. Its paths mirror Twitter's (``/oauth/...`` and ``/1.1/...``), so the example
spec runs against it with only the host changed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth1 import (  # type: ignore[import-untyped]
    AuthorizationServer,
    ResourceProtector,
    create_exists_nonce_func,
    current_credential,
    register_nonce_hooks,
    register_temporary_credential_hooks,
)
from authlib.oauth1 import ClientMixin, OAuth1Request  # type: ignore[import-untyped]
from authlib.oauth1.rfc5849.base_server import (  # type: ignore[import-untyped]
    BaseServer,
)
from authlib.oauth1.rfc5849.signature import (  # type: ignore[import-untyped]
    generate_signature_base_string,
)
from authlib.oauth1.rfc5849.util import escape  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, g, jsonify, request
from werkzeug.serving import make_server

__all__ = ["CONSUMER_KEY", "CONSUMER_SECRET", "RSA_PRIVATE_KEY", "Provider", "serve"]

CONSUMER_KEY = "printer-consumer-key"
CONSUMER_SECRET = "kd94hf93k423kf44-consumer-secret"
DEFAULT_CALLBACK = "http://printer.example.com/ready"
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_PRIVATE_KEY = _KEY.private_bytes(
    serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption(),
).decode("ascii")
RSA_PUBLIC_KEY = (
    _KEY.public_key()
    .public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    .decode("ascii")
)
METHODS = ["HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "PLAINTEXT"]


def _verify_hmac_sha256(req: Any) -> bool:
    """HMAC-SHA256 built like RFC 5849's HMAC-SHA1 (authlib's server has only SHA-1)."""
    if not req.client_secret:
        return False
    key = f"{escape(req.client_secret)}&{escape(req.token_secret or '')}"
    base = generate_signature_base_string(req)
    digest = hmac.new(key.encode(), base.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), req.signature)


# Our own verifier table, so that registering SHA-256 leaves authlib's classes alone.
_VERIFIERS = {**BaseServer.SIGNATURE_METHODS, "HMAC-SHA256": _verify_hmac_sha256}


def _url_as_sent() -> str:
    """The request URL as the client sent it: werkzeug's ``request.url`` decodes
    %-escapes into non-ASCII text, which authlib's query parser then refuses."""
    return f"{request.scheme}://{request.host}{request.environ['RAW_URI']}"


class _Server(AuthorizationServer):  # type: ignore[misc]
    SIGNATURE_METHODS = _VERIFIERS

    def create_oauth1_request(self, req: Any) -> OAuth1Request:
        body = request.form.to_dict(flat=True) if request.method == "POST" else None
        return OAuth1Request(request.method, _url_as_sent(), body, request.headers)


class _Protector(ResourceProtector):  # type: ignore[misc]
    SIGNATURE_METHODS = _VERIFIERS

    def acquire_credential(self) -> Any:
        body = request.form.to_dict(flat=True)
        req = self.validate_request(
            request.method, _url_as_sent(), body, request.headers
        )
        g.authlib_server_oauth1_credential = req.credential
        return req.credential


class MemoryCache:
    """The cache interface authlib's Flask hooks use, in a dict (thread-safe)."""

    def __init__(self) -> None:
        self._data: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            return self._data.get(key)

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        with self._lock:
            self._data[key] = value

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def has(self, key: str) -> bool:
        with self._lock:
            return key in self._data


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    client_secret: str
    rsa_public_key: str
    default_redirect_uri: str = DEFAULT_CALLBACK

    def get_default_redirect_uri(self) -> str:
        return self.default_redirect_uri

    def get_client_secret(self) -> str:
        return self.client_secret

    def get_rsa_public_key(self) -> str:
        return self.rsa_public_key


@dataclass
class TokenCredential:
    client_id: str
    oauth_token: str
    oauth_token_secret: str
    user_id: str

    def get_oauth_token(self) -> str:
        return self.oauth_token

    def get_oauth_token_secret(self) -> str:
        return self.oauth_token_secret


@dataclass
class User:
    user_id: str = "jane"

    def get_user_id(self) -> str:
        return self.user_id


@dataclass
class Provider:
    """The provider's state and its Flask app; ``url`` is set once it is served."""

    url: str = ""
    clients: dict[str, Client] = field(default_factory=dict)
    tokens: dict[str, TokenCredential] = field(default_factory=dict)
    cache: MemoryCache = field(default_factory=MemoryCache)
    app: Flask = field(init=False)

    def __post_init__(self) -> None:
        self.clients[CONSUMER_KEY] = Client(
            CONSUMER_KEY, CONSUMER_SECRET, RSA_PUBLIC_KEY
        )
        self.app = self._make_app()

    def issue_token(self, user_id: str = "jane") -> TokenCredential:
        """An access token as a provider's dashboard hands one out."""
        token = TokenCredential(
            CONSUMER_KEY,
            f"dash-{len(self.tokens)}-{time.time_ns()}",
            f"dash-secret-{time.time_ns()}",
            user_id,
        )
        self.tokens[token.oauth_token] = token
        return token

    def _make_app(self) -> Flask:
        app = Flask(__name__)
        app.config["OAUTH1_SUPPORTED_SIGNATURE_METHODS"] = METHODS
        server = _Server(app, query_client=self.clients.get)
        register_nonce_hooks(server, self.cache)
        register_temporary_credential_hooks(server, self.cache)

        def create_token_credential(token: dict[str, str], temporary: Any) -> Any:
            credential = TokenCredential(
                temporary.get_client_id(),
                token["oauth_token"],
                token["oauth_token_secret"],
                temporary.get_user_id(),
            )
            self.tokens[credential.oauth_token] = credential
            return credential

        server.register_hook("create_token_credential", create_token_credential)

        def query_token(client_id: str, oauth_token: str) -> TokenCredential | None:
            token = self.tokens.get(oauth_token)
            return token if token and token.client_id == client_id else None

        protect = _Protector(
            app,
            query_client=self.clients.get,
            query_token=query_token,
            exists_nonce=create_exists_nonce_func(self.cache),
        )

        @app.post("/oauth/request_token")
        def request_token() -> Any:
            return server.create_temporary_credentials_response()

        @app.get("/oauth/authorize")
        def authorize() -> Any:
            # Jane is signed in and approves at once; a browser would follow this.
            if request.args.get("deny"):
                return server.create_authorization_response(grant_user=None)
            return server.create_authorization_response(grant_user=User())

        @app.post("/oauth/access_token")
        def access_token() -> Any:
            return server.create_token_response()

        def echo(**path: str) -> Any:
            return jsonify(
                path=path,
                user=current_credential.user_id,
                method=request.method,
                args=list(request.args.items(multi=True)),
                form=list(request.form.items(multi=True)),
            )

        api = [
            ("/1.1/account/verify_credentials.json", "GET"),
            ("/1.1/statuses/home_timeline.json", "GET"),
            ("/1.1/search/tweets.json", "GET"),
            ("/1.1/statuses/update.json", "POST"),
            ("/1.1/statuses/destroy/<post_id>.json", "POST"),
        ]
        for rule, method in api:
            app.add_url_rule(rule, rule, protect(echo), methods=[method])

        return app


@contextmanager
def serve() -> Iterator[Provider]:
    """A fresh provider served on 127.0.0.1 (a free port) until the block ends."""
    provider = Provider()
    server = make_server("127.0.0.1", 0, provider.app, threaded=True)
    provider.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(timeout=5)
