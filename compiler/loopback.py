"""A one-shot listener for the redirect of a native app's login (RFC 8252 7.3).

It listens on ``http://127.0.0.1:PORT/callback`` (any free port unless one is given),
serves in a thread with ``http.server``, and takes exactly one request: the redirect
it waits for, or anything else, which ends the login as an error (a one-shot listener
has no business answering other requests). The browser is told in plain words what
happened; the caller gets the redirect's URL or a ``CommandError``.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self
from urllib.parse import parse_qsl, urlsplit

from .live import EXIT_AUTH, EXIT_USAGE, CommandError

__all__ = ["CALLBACK_PATH", "Listener"]

CALLBACK_PATH = "/callback"

# What the browser shows, from the redirect's query: (succeeded, sentence).
Verdict = Callable[[Mapping[str, str]], tuple[bool, str]]


class _Server(ThreadingHTTPServer):
    # A thread per connection: a browser's idle speculative connection must not hold
    # up the redirect's. Daemon threads, so that closing never waits for one.
    daemon_threads = True
    allow_reuse_address = False  # a port another process holds is an error, not shared
    listener: Listener

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a browser that hung up early: no traceback on the user's terminal


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10.0  # seconds an idle connection may hold a thread

    def do_GET(self) -> None:
        self.server.listener.arrived(self)

    def do_POST(self) -> None:
        self.server.listener.arrived(self)

    def do_HEAD(self) -> None:
        self.server.listener.arrived(self)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the query holds the code: never log it


class Listener:
    """``with Listener(...) as listener:`` then ``listener.redirect_uri`` and
    ``listener.wait()``. ``verdict`` judges a redirect for the page the browser
    shows; the caller still checks it through the client's own API."""

    def __init__(
        self, *, port: int = 0, timeout: float = 300.0, verdict: Verdict | None = None
    ) -> None:
        self._port = port
        self._timeout = timeout
        self._verdict = verdict
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._url: str | None = None
        self._unrelated: str | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def redirect_uri(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}{CALLBACK_PATH}"

    def __enter__(self) -> Self:
        try:
            server = _Server(("127.0.0.1", self._port), _Handler)
        except OSError as exc:
            raise CommandError(
                f"cannot listen on 127.0.0.1:{self._port}: {exc.strerror or exc}; "
                "pass another --port, or none for any free port",
                EXIT_USAGE,
            ) from None
        server.listener = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="connectorc-login-listener",
            daemon=True,
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def wait(self) -> str:
        """The URL the browser was redirected to; a ``CommandError`` on timeout or
        when the one request was not the redirect."""
        if not self._done.wait(self._timeout):
            raise CommandError(
                f"no redirect reached {self.redirect_uri} within "
                f"{self._timeout:g} seconds; nothing was saved (run login again, "
                "or give more time with --timeout)",
                EXIT_AUTH,
            )
        if self._unrelated is not None:
            raise CommandError(
                f"the login listener got {self._unrelated} instead of the redirect "
                f"to {CALLBACK_PATH}; nothing was saved (run login again)",
                EXIT_AUTH,
            )
        assert self._url is not None
        return self._url

    # -- called in the listener's thread --------------------------------------------

    def arrived(self, handler: _Handler) -> None:
        with self._lock:
            first = not self._done.is_set()
            if first:
                target = urlsplit(handler.path)
                if handler.command == "GET" and target.path == CALLBACK_PATH:
                    self._url = f"{self.redirect_uri}?{target.query}"
                    query = dict(parse_qsl(target.query, keep_blank_values=True))
                else:
                    self._unrelated = f"a {handler.command} request for {target.path}"
                self._done.set()
        if not first:
            self._answer(
                handler, 410, "This login has ended. You may close this window."
            )
        elif self._unrelated is not None:
            self._answer(handler, 404, "Not the login redirect; the login has ended.")
        else:
            ok, sentence = (True, "") if self._verdict is None else self._verdict(query)
            sentence = sentence or "Signed in. You may close this window."
            self._answer(handler, 200 if ok else 400, sentence)

    @staticmethod
    def _answer(handler: _Handler, status: int, sentence: str) -> None:
        body = (
            "<!doctype html><meta charset=utf-8><title>connectorc login</title>"
            f"<p>{html.escape(sentence)}</p><p>Back to the terminal.</p>"
        ).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Cache-Control", "no-store")
        handler.send_header("Connection", "close")
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)
