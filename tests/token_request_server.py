"""A token endpoint that reads its requests as Auth0's does, for the tests of issue 11
item 4 (and item 8): a JSON (or form) body, credentials under names a test chooses,
an ``audience`` it checks, and a protected API. Every token and API request is kept
as it arrived (headers, raw body) so that tests can state the wire exactly.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.serving import make_server

__all__ = ["TokenServer", "serve"]


@dataclass
class TokenServer:
    """State and settings; ``url`` is set once it listens."""

    url: str = ""
    client_id: str = "m2m-app"
    client_secret: str = "m2m secret+/é"
    audience: str = ""
    body_format: str = "json"  # or "form"
    id_name: str = "client_id"
    secret_name: str = "client_secret"
    # The password grant: the user's fields' names and the one user it knows.
    username_name: str = "username"
    password_name: str = "password"
    user: tuple[str, str] = ("alice", "wonder land+é")
    # Extra fields of every token response (such as Salesforce's instance_url).
    extra: dict[str, Any] = field(default_factory=dict)
    token_requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    api_requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def token_fields(self) -> dict[str, str]:
        _, body = self.token_requests[-1]
        if self.body_format == "json":
            decoded: dict[str, str] = json.loads(body)
            return decoded
        from urllib.parse import parse_qsl

        return dict(parse_qsl(body.decode(), keep_blank_values=True))


def _app(state: TokenServer) -> Flask:
    app = Flask(__name__)

    @app.post("/oauth/token")
    def token() -> tuple[Response, int] | Response:
        with state.lock:
            state.token_requests.append((dict(request.headers), request.get_data()))
        wanted = (
            "application/json"
            if state.body_format == "json"
            else "application/x-www-form-urlencoded"
        )
        if request.mimetype != wanted:
            return jsonify(error="invalid_request", error_description=wanted), 400
        fields = state.token_fields()
        grant = fields.get("grant_type")
        if grant not in ("client_credentials", "password"):
            return jsonify(error="unsupported_grant_type"), 400
        if (
            grant == "password"
            and (
                fields.get(state.username_name),
                fields.get(state.password_name),
            )
            != state.user
        ):
            return jsonify(error="invalid_grant"), 400
        if (fields.get(state.id_name), fields.get(state.secret_name)) != (
            state.client_id,
            state.client_secret,
        ):
            return jsonify(error="access_denied"), 401
        if state.audience and fields.get("audience") != state.audience:
            return jsonify(error="access_denied", error_description="audience"), 403
        access = secrets.token_urlsafe(16)
        with state.lock:
            state.tokens.add(access)
        return jsonify(
            access_token=access, token_type="Bearer", expires_in=86400, **state.extra
        )

    @app.route("/<path:path>", methods=["GET", "POST", "PATCH", "DELETE"])
    def api(path: str) -> tuple[Response, int] | Response:
        with state.lock:
            state.api_requests.append((request.url, dict(request.headers)))
        scheme, _, access = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or access not in state.tokens:
            return jsonify(error="unauthorized"), 401
        return jsonify(path=path, args=dict(request.args), host=request.host)

    return app


@contextmanager
def serve(**settings: Any) -> Iterator[TokenServer]:
    """A TokenServer on 127.0.0.1 (a free port) until the block ends."""
    state = TokenServer(**settings)
    server = make_server("127.0.0.1", 0, _app(state), threaded=True)
    state.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        thread.join(timeout=5)
