"""Endpoints that replicate real providers' paging wire behaviour, on the paging
server of tests/paging_server.py (same recording, plans and API key).

- /stripe/customers: Stripe's list API: ``limit`` (1 to 100), ``starting_after`` =
  the last item's id, ``{"object": "list", "data": [...], "has_more": bool}``.
- /graph/users: Microsoft Graph: ``{"value": [...], "@odata.nextLink": url}``; the
  last page has no nextLink.
- /always-next and /always-link: a next link on every page, also the empty one after
  the last item (many APIs do this); iteration must stop at the empty page.
- /counted: page numbers with ``{"items": [...], "meta": {"total": 20}}``, 20 items.
- /dropbox/files/list_folder (+ /continue): POST JSON bodies, ``{"entries": [...],
  "cursor": str, "has_more": bool}``; continue takes ``{"cursor": ...}`` only.
- /notion/databases/<id>/query: POST ``{"filter": ..., "start_cursor": ...,
  "page_size": n}`` -> ``{"results": [...], "next_cursor": str | null,
  "has_more": bool}``.
- /api/<name>: ``{"ok": true}``, unless ``answer(name, ...)`` scripted the next
  answers (status, headers, JSON body): rate-limit and error answers of GitHub,
  OpenAI, Google, Airtable and Slack.
Every POST body is kept in ``bodies`` (path, decoded JSON) for the tests to check.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, abort, jsonify, request

from tests import paging_server
from tests.paging_server import ITEMS

__all__ = ["COUNTED", "ProviderServer", "running_provider_server"]

COUNTED = 20


def _window(start: int, size: int, total: int = ITEMS) -> list[dict[str, Any]]:
    return [
        {"id": f"cus_{i:03d}", "n": i} for i in range(start, min(start + size, total))
    ]


def _index(item_id: str | None) -> int:
    """The position after the item ``item_id`` (Stripe ids are cus_NNN here)."""
    if item_id is None:
        return 0
    if not item_id.startswith("cus_"):
        abort(400)
    return int(item_id[4:]) + 1


def _token(position: int) -> str:
    return base64.urlsafe_b64encode(f"at:{position}".encode()).decode()


def _position(token: str) -> int:
    text = base64.urlsafe_b64decode(token.encode()).decode()
    if not text.startswith("at:"):
        abort(400)
    return int(text[3:])


@dataclass
class ProviderServer(paging_server.PagingServer):
    bodies: list[tuple[str, Any]] = field(default_factory=list)
    answers: dict[str, list[tuple[int, dict[str, str], Any]]] = field(
        default_factory=dict
    )

    def reset(self) -> None:
        super().reset()
        with self.lock:
            self.bodies.clear()
            self.answers.clear()

    def answer(self, name: str, *answers: tuple[int, dict[str, str], Any]) -> None:
        with self.lock:
            self.answers[name] = list(answers)

    def queries(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [a.query for a in self.arrivals if a.path == path]

    def app(self) -> Flask:
        app = super().app()

        @app.before_request
        def keep_body() -> None:
            if request.method == "POST" and request.is_json:
                with self.lock:
                    self.bodies.append((request.path, request.get_json()))

        @app.get("/stripe/customers")
        def stripe() -> Response:
            limit = int(request.args.get("limit", 10))
            if not 1 <= limit <= 100:
                abort(400)
            start = _index(request.args.get("starting_after"))
            data = _window(start, limit)
            return jsonify(
                {
                    "object": "list",
                    "url": "/v1/customers",
                    "data": data,
                    "has_more": start + limit < ITEMS,
                }
            )

        @app.get("/graph/users")
        def graph() -> Response:
            skip = int(request.args.get("$skiptoken", 0))
            body: dict[str, Any] = {
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
                "value": _window(skip, 5),
            }
            if skip + 5 < ITEMS:
                body["@odata.nextLink"] = (
                    f"{self.url}/graph/users?$skiptoken={skip + 5}"
                )
            return jsonify(body)

        @app.get("/always-next")
        def always_next() -> Response:
            start = int(request.args.get("after", 0))
            return jsonify(
                {
                    "items": _window(start, 5),
                    "next": f"/always-next?after={start + 5}",
                }
            )

        @app.get("/always-link")
        def always_link() -> Response:
            page = int(request.args.get("page", 1))
            response = jsonify(_window((page - 1) * 5, 5))
            response.headers["Link"] = (
                f'<{self.url}/always-link?page={page + 1}>; rel="next"'
            )
            return response

        @app.get("/counted")
        def counted() -> Response:
            page = int(request.args.get("page", 1))
            size = int(request.args.get("per_page", 5))
            return jsonify(
                {
                    "items": _window((page - 1) * size, size, COUNTED),
                    "meta": {"total": COUNTED},
                }
            )

        def folder(start: int, limit: int) -> Response:
            end = min(start + limit, ITEMS)
            return jsonify(
                {
                    "entries": _window(start, limit),
                    "cursor": _token(end),
                    "has_more": end < ITEMS,
                }
            )

        @app.post("/dropbox/files/list_folder")
        def list_folder() -> Response:
            body = request.get_json()
            if set(body) - {"path", "limit", "recursive"} or "path" not in body:
                abort(400)
            return folder(0, int(body.get("limit", 5)))

        @app.post("/dropbox/files/list_folder/continue")
        def list_folder_continue() -> Response:
            body = request.get_json()
            if set(body) != {"cursor"}:
                abort(400)  # Dropbox: the cursor alone
            return folder(_position(body["cursor"]), 5)

        @app.post("/notion/databases/<database>/query")
        def notion(database: str) -> Response:
            body = request.get_json()
            size = int(body.get("page_size", 100))
            start = _position(body["start_cursor"]) if "start_cursor" in body else 0
            end = min(start + size, ITEMS)
            more = end < ITEMS
            return jsonify(
                {
                    "object": "list",
                    "results": _window(start, size),
                    "next_cursor": _token(end) if more else None,
                    "has_more": more,
                }
            )

        @app.post("/search")
        def search() -> Response:
            # A POST search paged by page numbers in the query: the filter must come
            # with every page.
            body = request.get_json()
            if body.get("query") != "cus":
                abort(400)
            page = int(request.args.get("page", 1))
            return jsonify({"hits": _window((page - 1) * 5, 5)})

        @app.get("/api/<name>")
        def scripted(name: str) -> Response:
            with self.lock:
                planned = self.answers.get(name)
                answer = planned.pop(0) if planned else None
            if answer is None:
                return jsonify({"ok": True})
            status, headers, body = answer
            response = jsonify(body)
            response.status_code = status
            response.headers.update(headers)
            return response

        return app


@contextmanager
def running_provider_server() -> Iterator[ProviderServer]:
    with paging_server.running_paging_server(ProviderServer) as state:
        yield state


def main() -> None:
    """Serve until killed, printing the URL first (for benchmarks, in a process of
    its own)."""
    import threading

    with running_provider_server() as state:
        print(state.url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
