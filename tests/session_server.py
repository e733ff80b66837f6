"""A two-step login API for the Session tests, on 127.0.0.1 in a thread.

It replicates what providers of this kind do on the wire (Nango's "two-step"
providers; OpenStack Keystone's X-Subject-Token; cookie sessions): ``POST
/api/v2/auth/login`` checks the credentials sent as JSON, as a form or as HTTP Basic,
and answers with a new token in the JSON body, in a header or in a Set-Cookie;
``/api/v2/me`` and ``/api/v2/notes`` answer only to a live token in the header the
test configures. Every request is recorded raw (method, path, headers, body bytes), so
the tests check the wire exactly.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from flask import Flask, Response, jsonify, request

from tests.paging_server import serving

__all__ = [
    "PASSWORD",
    "USERNAME",
    "Recorded",
    "SessionServer",
    "running_session_server",
]

USERNAME = "ada@example.com"
# Characters that break naive encodings: a colon, a space, '+', '&', '%', non-ASCII.
PASSWORD = "p:w d+&%ü"


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class SessionServer:
    url: str = ""
    # How logins arrive: "json" (fields email/password), "form" or "basic".
    login: str = "json"
    # Where the token goes: "body", "header" (X-Subject-Token) or "cookie" (sid).
    token_in: str = "body"
    # Where the API looks for the token, and the prefix before it.
    header: str = "Authorization"
    prefix: str = "Bearer "
    expires_in: int | None = 3600
    login_delay: float = 0.0  # seconds a login takes (to make threads meet)
    refuse_all: bool = False  # the API answers 401 to every token
    # Reshapes the login's JSON body (the token nested elsewhere), when set.
    envelope: Callable[[dict[str, object]], object] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[Recorded] = field(default_factory=list)
    live: dict[str, float] = field(default_factory=dict)  # token -> expiry
    issued: int = 0

    @property
    def logins(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/auth/login")]

    def revoke(self) -> None:
        """Log every session out (the server restarted, say)."""
        with self.lock:
            self.live.clear()

    def _credentials(self) -> tuple[str | None, str | None]:
        if self.login == "basic":
            header = request.headers.get("Authorization", "")
            if not header.startswith("Basic "):
                return None, None
            user, _, password = (
                base64.b64decode(header[6:]).decode("utf-8").partition(":")
            )
            return user, password
        if self.login == "form":
            if request.mimetype != "application/x-www-form-urlencoded":
                return None, None
            form = dict(parse_qsl(request.get_data(as_text=True)))
            return form.get("email"), form.get("password")
        if request.mimetype != "application/json":
            return None, None
        data = json.loads(request.get_data())
        return data.get("email"), data.get("password")

    def app(self) -> Flask:
        app = Flask(__name__)

        @app.before_request
        def record() -> None:
            with self.lock:
                self.requests.append(
                    Recorded(
                        request.method,
                        request.path,
                        dict(request.headers),
                        request.get_data(),
                    )
                )

        @app.post("/api/v2/auth/login")
        def login() -> Response:
            time.sleep(self.login_delay)
            user, password = self._credentials()
            if (user, password) != (USERNAME, PASSWORD):
                answer = jsonify(error="invalid credentials", password=password)
                answer.status_code = 401
                return answer
            with self.lock:
                self.issued += 1
                token = f"tok-{self.issued}-secret"
                lifetime = self.expires_in or 86400
                self.live[token] = time.time() + lifetime
            body: dict[str, object] = {"data": {"session": {"user": user}}}
            if self.token_in == "body":
                session: dict[str, object] = {"token": token}
                if self.expires_in is not None:
                    session["expires_in"] = self.expires_in
                body = {"data": {"session": session}}
            answer = jsonify(body if self.envelope is None else self.envelope(body))
            if self.token_in == "header":
                answer.headers["X-Subject-Token"] = token
            if self.token_in == "cookie":
                answer.set_cookie("sid", token, httponly=True)
            return answer

        def authorised() -> Response | None:
            value = request.headers.get(self.header, "")
            token = value[len(self.prefix) :] if value.startswith(self.prefix) else ""
            with self.lock:
                expiry = self.live.get(token)
            if self.refuse_all or expiry is None or expiry <= time.time():
                answer = jsonify(error="unauthorised")
                answer.status_code = 401
                return answer
            return None

        @app.get("/api/v2/me")
        def me() -> Response:
            return authorised() or jsonify(user=USERNAME)

        @app.post("/api/v2/notes")
        def notes() -> Response:
            refused = authorised()
            if refused is not None:
                return refused
            answer = jsonify(created=json.loads(request.get_data()))
            answer.status_code = 201
            return answer

        return app


@contextmanager
def running_session_server() -> Iterator[SessionServer]:
    state = SessionServer()
    with serving(state.app()) as url:
        state.url = url
        yield state
