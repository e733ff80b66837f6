"""A second OAuth 1.0a provider for the tests, built on oauthlib (not authlib).

Many Python providers (Flask-OAuthlib, django-oauth-toolkit's OAuth 1 cousin,
requests-oauthlib's test servers) sit on oauthlib's ``RequestValidator``, which keeps
its default limits: client keys, tokens, verifiers and nonces are 20 to 30 alphanumeric
characters, or the request is refused ("Invalid nonce format."). This provider keeps
every one of those defaults and overrides only what a validator must implement, plus
``enforce_ssl`` (it is served over http on 127.0.0.1). Its paths mirror Twitter's, so
the example spec runs against it with only the host changed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, jsonify, request
from oauthlib.oauth1 import (  # type: ignore[import-untyped]
    AccessTokenEndpoint,
    AuthorizationEndpoint,
    RequestTokenEndpoint,
    RequestValidator,
    ResourceEndpoint,
)
from werkzeug.serving import make_server

__all__ = ["CONSUMER_KEY", "CONSUMER_SECRET", "OauthlibProvider", "serve"]

# oauthlib's default client key length is 20 to 30 alphanumeric characters.
CONSUMER_KEY = "printerConsumerKey2026"
CONSUMER_SECRET = "kd94hf93k423kf44-consumer-secret"
CALLBACK = "https://printer.example.com/ready"
_DUMMY = "dummyDummyDummyDummy00"


@dataclass
class OauthlibProvider:
    """The provider's state; ``url`` is set once it is served."""

    url: str = ""
    # request token -> (secret, callback, verifier or None)
    request_tokens: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    access_tokens: dict[str, str] = field(default_factory=dict)
    nonces: set[tuple[str, str, str]] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Validator(RequestValidator):  # type: ignore[misc]
    """oauthlib's validator with its default limits; state in an OauthlibProvider."""

    def __init__(self, provider: OauthlibProvider) -> None:
        super().__init__()
        self.p = provider

    @property
    def enforce_ssl(self) -> bool:
        return False

    @property
    def dummy_client(self) -> str:
        return _DUMMY

    @property
    def dummy_request_token(self) -> str:
        return _DUMMY

    @property
    def dummy_access_token(self) -> str:
        return _DUMMY

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return client_key == CONSUMER_KEY

    def get_client_secret(self, client_key: str, request: Any) -> str:
        return CONSUMER_SECRET if client_key == CONSUMER_KEY else "dummy"

    def validate_timestamp_and_nonce(
        self,
        client_key: str,
        timestamp: str,
        nonce: str,
        request: Any,
        request_token: str | None = None,
        access_token: str | None = None,
    ) -> bool:
        key = (client_key, timestamp, nonce)
        with self.p.lock:
            if key in self.p.nonces:
                return False
            self.p.nonces.add(key)
        return True

    def validate_requested_realms(
        self, client_key: str, realms: list[str], request: Any
    ) -> bool:
        return True

    def get_default_realms(self, client_key: str, request: Any) -> list[str]:
        return []

    def validate_redirect_uri(
        self, client_key: str, redirect_uri: str, request: Any
    ) -> bool:
        return redirect_uri in (CALLBACK, "oob")

    def save_request_token(self, token: dict[str, str], request: Any) -> None:
        self.p.request_tokens[token["oauth_token"]] = (
            token["oauth_token_secret"],
            request.redirect_uri,
            None,
        )

    def verify_request_token(self, token: str, request: Any) -> bool:
        return token in self.p.request_tokens

    def get_realms(self, token: str, request: Any) -> list[str]:
        return []

    def verify_realms(self, token: str, realms: list[str], request: Any) -> bool:
        return True

    def get_redirect_uri(self, token: str, request: Any) -> str:
        return self.p.request_tokens[token][1]

    def save_verifier(self, token: str, verifier: dict[str, str], request: Any) -> None:
        secret, callback, _ = self.p.request_tokens[token]
        self.p.request_tokens[token] = (secret, callback, verifier["oauth_verifier"])

    def validate_request_token(self, client_key: str, token: str, request: Any) -> bool:
        return token in self.p.request_tokens

    def get_request_token_secret(
        self, client_key: str, token: str, request: Any
    ) -> str:
        entry = self.p.request_tokens.get(token)
        return entry[0] if entry else "dummy"

    def validate_verifier(
        self, client_key: str, token: str, verifier: str, request: Any
    ) -> bool:
        entry = self.p.request_tokens.get(token)
        return entry is not None and entry[2] == verifier

    def invalidate_request_token(
        self, client_key: str, request_token: str, request: Any
    ) -> None:
        self.p.request_tokens.pop(request_token, None)

    def save_access_token(self, token: dict[str, str], request: Any) -> None:
        self.p.access_tokens[token["oauth_token"]] = token["oauth_token_secret"]

    def validate_access_token(self, client_key: str, token: str, request: Any) -> bool:
        return token in self.p.access_tokens

    def get_access_token_secret(self, client_key: str, token: str, request: Any) -> str:
        return self.p.access_tokens.get(token, "dummy")

    def validate_realms(
        self,
        client_key: str,
        token: str,
        request: Any,
        uri: str | None = None,
        realms: list[str] | None = None,
    ) -> bool:
        return True


def _as_sent() -> tuple[str, str, str | None, dict[str, str]]:
    """The request as oauthlib wants it: URL as sent, method, form body, headers."""
    uri = f"{request.scheme}://{request.host}{request.environ['RAW_URI']}"
    form = request.mimetype == "application/x-www-form-urlencoded"
    body = request.get_data(as_text=True) if form else None
    return uri, request.method, body, dict(request.headers)


def _reply(headers: dict[str, str], body: str | None, status: int) -> Response:
    return Response(body or "", status=status, headers=headers)


def _make_app(provider: OauthlibProvider) -> Flask:
    validator = _Validator(provider)
    request_token_endpoint = RequestTokenEndpoint(validator)
    authorization_endpoint = AuthorizationEndpoint(validator)
    access_token_endpoint = AccessTokenEndpoint(validator)
    resource_endpoint = ResourceEndpoint(validator)
    app = Flask(__name__)

    @app.post("/oauth/request_token")
    def request_token() -> Response:
        return _reply(
            *request_token_endpoint.create_request_token_response(*_as_sent())
        )

    @app.get("/oauth/authorize")
    def authorize() -> Response:
        # The user is signed in and approves at once; a browser would follow this.
        uri, method, body, headers = _as_sent()
        return _reply(
            *authorization_endpoint.create_authorization_response(
                uri, method, body, headers
            )
        )

    @app.post("/oauth/access_token")
    def access_token() -> Response:
        return _reply(*access_token_endpoint.create_access_token_response(*_as_sent()))

    def echo(**path: str) -> Any:
        uri, method, body, headers = _as_sent()
        valid, checked = resource_endpoint.validate_protected_resource_request(
            uri, method, body, headers
        )
        if not valid:
            provider.refused.append(dict(checked.oauth_params).get("oauth_nonce", ""))
            return jsonify(error="invalid request"), 401
        return jsonify(
            path=path,
            token=checked.resource_owner_key,
            nonce=checked.nonce,
            method=request.method,
            args=list(request.args.items(multi=True)),
            form=list(request.form.items(multi=True)),
        )

    api = [
        ("/1.1/account/verify_credentials.json", "GET"),
        ("/1.1/statuses/home_timeline.json", "GET"),
        ("/1.1/statuses/update.json", "POST"),
    ]
    for rule, method in api:
        app.add_url_rule(rule, rule, echo, methods=[method])
    return app


@contextmanager
def serve() -> Iterator[OauthlibProvider]:
    """A fresh provider served on 127.0.0.1 (a free port) until the block ends."""
    provider = OauthlibProvider()
    server = make_server("127.0.0.1", 0, _make_app(provider), threaded=True)
    provider.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(timeout=5)
