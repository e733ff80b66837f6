"""A misbehaving token and API server on 127.0.0.1, for the hardening tests.

Each path answers what the test told it to: any status, any headers, any bytes (not
UTF-8, not JSON, JSON nested 100,000 deep), or a body of a given size streamed in
chunks without a Content-Length, counting what it managed to send before the client
hung up. Every request is recorded (method, path with query, headers, body).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["Answer", "HostileServer", "running_hostile_server"]

CHUNK = 64 * 1024


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    # When set, this many bytes of "x" are streamed (no Content-Length) instead of
    # ``body``; ``sent`` then counts the bytes written before the client hung up.
    stream_bytes: int | None = None
    sent: int = 0


@dataclass
class HostileServer:
    url: str
    answers: dict[str, Answer] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)

    def answer(self, path: str, answer: Answer) -> Answer:
        self.answers[path] = answer
        return answer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _answer(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        state.requests.append((self.command, self.path, dict(self.headers), body))
        answer = state.answers.get(self.path.split("?")[0], Answer(404, b"{}"))
        self.send_response_only(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        if answer.stream_bytes is None:
            self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if answer.stream_bytes is None:
            self.wfile.write(answer.body)
            return
        chunk = b"x" * CHUNK
        try:
            while answer.sent < answer.stream_bytes:
                self.wfile.write(chunk)
                answer.sent += len(chunk)
        except OSError:
            pass  # the client stopped reading and hung up: what the test wants

    do_GET = do_POST = do_PUT = do_DELETE = _answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: HostileServer


@contextmanager
def running_hostile_server() -> Iterator[HostileServer]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = HostileServer(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.state
    finally:
        server.shutdown()
        server.server_close()
