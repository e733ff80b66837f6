"""A small API for runtime tests: paged data in every Cyclr style, scripted failures.

A Flask app served by werkzeug in a thread on 127.0.0.1 (port 0). Every request is
recorded with the time it arrived (``time.monotonic``, the clock the clients use), so
tests count requests per window on the server's side. ``plan`` scripts answers: the
statuses (and headers) the next requests to a path get before it answers normally.
"""

from __future__ import annotations

import base64
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

__all__ = ["API_KEY", "ITEMS", "Arrival", "PagingServer", "running_paging_server"]

API_KEY = "k-123"
ITEMS = 23  # five pages of five, the last one short


@dataclass(frozen=True)
class Arrival:
    method: str
    path: str
    query: dict[str, str]
    at: float
    key: str | None


@dataclass
class PagingServer:
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrivals: list[Arrival] = field(default_factory=list)
    plans: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    # A Link or next URL to another site, to check that clients refuse to follow it.
    foreign_next: bool = False
    # Every n-th request to a paging path fails with 503 (0: never).
    fail_every: int = 0
    # The next this many requests to /slow take two seconds to answer.
    slow: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    def reset(self) -> None:
        with self.lock:
            self.arrivals.clear()
            self.counts.clear()
            self.plans.clear()
            self.foreign_next = False
            self.fail_every = 0
            self.slow = 0

    def plan(self, path: str, *answers: tuple[int, dict[str, str]]) -> None:
        with self.lock:
            self.plans[path] = list(answers)

    def times(self, path: str) -> list[float]:
        with self.lock:
            return [a.at for a in self.arrivals if a.path == path]

    def count(self, path: str) -> int:
        return len(self.times(path))

    def app(self) -> Flask:
        app = Flask(__name__)

        @app.before_request
        def record() -> Response | None:
            arrival = Arrival(
                request.method,
                request.path,
                dict(request.args),
                time.monotonic(),
                request.headers.get("X-Key"),
            )
            with self.lock:
                self.arrivals.append(arrival)
                planned = self.plans.get(request.path)
                answer = planned.pop(0) if planned else None
                self.counts[request.path] += 1
                position = self.counts[request.path]
            if arrival.key != API_KEY:
                return Response("no key", status=401)
            if answer is not None:
                status, headers = answer
                return Response("planned", status=status, headers=headers)
            if self.fail_every and position % self.fail_every == 0:
                return Response("now and then", status=503)
            return None

        def window(start: int, size: int) -> list[dict[str, int]]:
            return [{"id": i} for i in range(start, min(start + size, ITEMS))]

        @app.get("/pages")
        def pages() -> Response:
            page = int(request.args.get("page", 1))
            size = int(request.args.get("per_page", 5))
            return jsonify(window((page - 1) * size, size))

        @app.get("/offset")
        def offset() -> Response:
            start = int(request.args.get("offset", 0))
            size = int(request.args.get("count", 5))
            return jsonify({"members": window(start, size), "total_items": ITEMS})

        @app.get("/next")
        def next_url() -> Response:
            start = int(request.args.get("after", 0))
            items = window(start, 5)
            following: str | None = None
            if start + 5 < ITEMS:
                # Relative and absolute links, in turn.
                following = f"/next?after={start + 5}"
                if start % 10:
                    following = self.url + following
            if self.foreign_next:
                following = "http://elsewhere.example/next?after=5"
            return jsonify({"data": {"items": items}, "links": {"next": following}})

        @app.get("/cursor")
        def cursor() -> Response:
            token = request.args.get("cursor")
            start = int(base64.b64decode(token)) if token else 0
            items = window(start, 5)
            following = ""
            if start + 5 < ITEMS:
                following = base64.b64encode(str(start + 5).encode()).decode()
            return jsonify({"items": items, "meta": {"next_cursor": following}})

        @app.get("/link")
        def link() -> Response:
            page = int(request.args.get("page", 1))
            size = int(request.args.get("per_page", 5))
            response = jsonify(window((page - 1) * size, size))
            base = f"{self.url}/link?per_page={size}"
            # A first link whose quoted title holds a comma, a semicolon and an
            # escaped quote, before the next link; and a rel listing two types.
            links = [f'<{base}&page=1>; rel="first"; title="one, \\"two\\"; three"']
            if page * size < ITEMS:
                target = f"{base}&page={page + 1}"
                if self.foreign_next:
                    target = "http://elsewhere.example/link?page=2"
                links.append(f'<{target}>; REL="prefetch NEXT"; rel=last')
            response.headers["Link"] = ", ".join(links)
            return response

        @app.route("/limited", methods=["GET", "POST"])
        def limited() -> Response:
            return jsonify({"ok": True})

        @app.route("/own", methods=["GET"])
        def own() -> Response:
            return jsonify({"ok": True})

        @app.route("/free", methods=["GET"])
        def free() -> Response:
            return jsonify({"ok": True})

        @app.route("/flaky", methods=["GET", "POST", "PATCH", "PUT", "DELETE"])
        def flaky() -> Response:
            return jsonify({"ok": True, "method": request.method})

        @app.route("/echo", methods=["GET", "POST", "PUT"])
        def echo() -> Response:
            files = {
                name: {"filename": f.filename, "content": f.read().decode("latin-1")}
                for name, f in request.files.items()
            }
            return jsonify(
                {
                    "method": request.method,
                    "content_type": request.content_type,
                    "args": dict(request.args),
                    "form": dict(request.form),
                    "files": files,
                    "body": "" if files else request.get_data(as_text=True),
                }
            )

        @app.get("/slow")
        def slow() -> Response:
            with self.lock:
                wait = self.slow > 0
                self.slow -= 1
            if wait:
                time.sleep(2.0)
            return jsonify({"ok": True})

        @app.get("/xml")
        def xml() -> Response:
            body = '<?xml version="1.0"?><members><member id="7">Zoë</member></members>'
            return Response(body.encode(), content_type="application/xml")

        @app.get("/not-xml")
        def not_xml() -> Response:
            return Response("<members>", content_type="application/xml")

        @app.get("/file")
        def file() -> Response:
            return Response(bytes(range(256)), content_type="application/octet-stream")

        return app


class _QuietHandler(WSGIRequestHandler):
    # Keep-alive, as an API server has: without it every request opens a connection.
    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class _QuietCloseHandler(_QuietHandler):
    # One request per connection (HTTP/1.0), for a server that wants no keep-alive.
    protocol_version = "HTTP/1.0"


@contextmanager
def serving(app: Any, *, keep_alive: bool = True) -> Iterator[str]:
    """``app`` served on 127.0.0.1 (a free port, keep-alive unless told otherwise, no
    access log) in a thread until the block ends; yields its base URL. The test
    servers share it."""
    handler = _QuietHandler if keep_alive else _QuietCloseHandler
    httpd: BaseWSGIServer = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=handler
    )
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join()
        httpd.server_close()


@contextmanager
def running_paging_server(
    kind: type[PagingServer] = PagingServer,
) -> Iterator[PagingServer]:
    state = kind()
    with serving(state.app()) as url:
        state.url = url
        yield state


def main() -> None:
    """Serve until killed, printing the URL first (benchmarks run it in a process of
    its own, so that server and client do not share one GIL)."""
    with running_paging_server() as state:
        print(state.url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
