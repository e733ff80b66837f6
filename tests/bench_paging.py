"""Paged iteration: a generated client's iter_ method against a hand-written httpx loop.

Both read the same 23 items in five pages (Offset paging) from the same local server,
run in a process of its own (sharing the client's GIL would make the server's timing
depend on the client's), over one kept-alive connection each, rounds interleaved (the
ratio printed is the median of the ratios within each round). The server's own cost is
in both, so the ratio shows what the generated paging, retry and rate-limit machinery
adds to a real request (the cases also run with a rate limit too generous to ever
wait). A second comparison serves the same pages from an
httpx.MockTransport, without a server: the ratio there is the client's own cost,
magnified.

A third comparison covers the paging styles of real APIs (issue 10) against the
provider replicas of tests/provider_server.py, each against its own hand-written httpx
loop: Stripe's has_more with the last item's id as cursor, Microsoft Graph's
@odata.nextLink, and Dropbox's cursor in a POST body to a continue endpoint.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.benchtiming import paired_ratios, report
from tests.paging_server import API_KEY, ITEMS
from tests.support import ROOT, compile_text

SPEC = """\
SpecVersion: 1
Name: Paging Bench
BaseUrl: http://127.0.0.1:9
Authentication: { AuthType: ApiKey, Header: X-Key }
Methods:
  - Name: Members
    HttpMethod: GET
    EndPoint: /offset
    Paging: { Style: Offset, OffsetParameter: offset, SizeParameter: count,
              PageSize: 5, ItemsPath: members }
  - Name: Limited Members
    HttpMethod: GET
    EndPoint: /offset
    RateLimits: [{ MaxRequests: 1000000, Per: Second }]
    Paging: { Style: Offset, OffsetParameter: offset, SizeParameter: count,
              PageSize: 5, ItemsPath: members }
"""


PROVIDER_SPEC = """\
SpecVersion: 1
Name: Provider Bench
BaseUrl: http://127.0.0.1:9
Authentication: { AuthType: ApiKey, Header: X-Key }
Methods:
  - Name: Customers
    HttpMethod: GET
    EndPoint: /stripe/customers
    Paging: { Style: Cursor, ItemsPath: data, CursorPath: "data[-1].id",
              CursorParameter: starting_after, HasMorePath: has_more,
              SizeParameter: limit, PageSize: 5, MaxPageSize: 100 }
  - Name: Users
    HttpMethod: GET
    EndPoint: /graph/users
    Paging: { Style: NextUrl, ItemsPath: value, NextUrlPath: '["@odata.nextLink"]' }
  - Name: Folder
    HttpMethod: POST
    EndPoint: /dropbox/files/list_folder
    Parameters:
      - { TargetType: Body, TargetName: path }
    Paging: { Style: Cursor, CursorIn: Body, ItemsPath: entries, CursorPath: cursor,
              CursorParameter: cursor, HasMorePath: has_more, SizeParameter: limit,
              PageSize: 5, NextEndPoint: /dropbox/files/list_folder/continue }
"""


@contextmanager
def server_process(module: str = "tests.paging_server") -> Iterator[str]:
    """A test server in a process of its own; its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, server_process() as url:
        module = compile_text(SPEC, Path(folder), "paging_bench.yaml")
        generated = module.PagingBenchClient(api_key=API_KEY, base_url=url)
        plain = httpx.Client(base_url=url, headers={"X-Key": API_KEY})

        def by_hand() -> list[Any]:
            items: list[Any] = []
            offset = 0
            while True:
                response = plain.get("/offset", params={"count": 5, "offset": offset})
                response.raise_for_status()
                page = response.json()["members"]
                items.extend(page)
                if len(page) < 5:
                    return items
                offset += len(page)

        def through_client() -> list[Any]:
            return list(generated.iter_members())

        def rate_limited() -> list[Any]:
            return list(generated.iter_limited_members())

        assert len(by_hand()) == len(through_client()) == len(rate_limited()) == ITEMS
        results, ratios = paired_ratios(
            {
                "httpx loop by hand": by_hand,
                "generated iter_members()": through_client,
                "generated, rate limited": rate_limited,
            },
            "httpx loop by hand",
            calls=5,
            rounds=41,
        )
        print("  against the local server (its own process):")
        report(results, baseline="httpx loop by hand", ratios=ratios)
        generated.close()
        plain.close()

        transport = httpx.MockTransport(_pages)
        generated = module.PagingBenchClient(api_key=API_KEY, transport=transport)
        plain = httpx.Client(
            base_url=url, headers={"X-Key": API_KEY}, transport=transport
        )
        assert len(by_hand()) == len(through_client()) == ITEMS
        results, ratios = paired_ratios(
            {
                "httpx loop by hand": by_hand,
                "generated iter_members()": through_client,
                "generated, rate limited": rate_limited,
            },
            "httpx loop by hand",
            calls=50,
            rounds=41,
        )
        print("  against httpx.MockTransport (the client's own cost):")
        report(results, baseline="httpx loop by hand", ratios=ratios)
    providers()


def providers() -> None:
    """Each new paging style against its hand-written loop, on the replicas."""
    with (
        tempfile.TemporaryDirectory() as folder,
        server_process("tests.provider_server") as url,
    ):
        module = compile_text(PROVIDER_SPEC, Path(folder), "provider_bench.yaml")
        generated = module.ProviderBenchClient(api_key=API_KEY, base_url=url)
        plain = httpx.Client(base_url=url, headers={"X-Key": API_KEY})

        def stripe_by_hand() -> list[Any]:
            items: list[Any] = []
            params: dict[str, Any] = {"limit": 5}
            while True:
                response = plain.get("/stripe/customers", params=params)
                response.raise_for_status()
                body = response.json()
                items.extend(body["data"])
                if not body["has_more"]:
                    return items
                params["starting_after"] = body["data"][-1]["id"]

        def graph_by_hand() -> list[Any]:
            items: list[Any] = []
            link: str | None = "/graph/users"
            while link:
                response = plain.get(link)
                response.raise_for_status()
                body = response.json()
                items.extend(body["value"])
                link = body.get("@odata.nextLink")
            return items

        def dropbox_by_hand() -> list[Any]:
            response = plain.post(
                "/dropbox/files/list_folder", json={"path": "", "limit": 5}
            )
            items: list[Any] = []
            while True:
                response.raise_for_status()
                body = response.json()
                items.extend(body["entries"])
                if not body["has_more"]:
                    return items
                response = plain.post(
                    "/dropbox/files/list_folder/continue",
                    json={"cursor": body["cursor"]},
                )

        cases = [
            (
                "has-more + last-item cursor (Stripe)",
                stripe_by_hand,
                lambda: list(generated.iter_customers()),
            ),
            (
                "@odata.nextLink (Graph)",
                graph_by_hand,
                lambda: list(generated.iter_users()),
            ),
            (
                "POST body cursor + continue (Dropbox)",
                dropbox_by_hand,
                lambda: list(generated.iter_folder(path="")),
            ),
        ]
        for label, by_hand, through_client in cases:
            assert by_hand() == through_client() and len(by_hand()) == ITEMS
            results, ratios = paired_ratios(
                {"httpx loop by hand": by_hand, "generated iter_": through_client},
                "httpx loop by hand",
                calls=5,
                rounds=41,
            )
            print(f"  {label}, against the replica (its own process):")
            report(results, baseline="httpx loop by hand", ratios=ratios)
        generated.close()
        plain.close()

        # The same pages from an httpx.MockTransport: the client's own cost.
        transport = httpx.MockTransport(_provider_pages)
        generated = module.ProviderBenchClient(
            api_key=API_KEY, base_url="http://bench.test", transport=transport
        )
        plain = httpx.Client(
            base_url="http://bench.test",
            headers={"X-Key": API_KEY},
            transport=transport,
        )
        for label, by_hand, through_client in cases:
            assert by_hand() == through_client() and len(by_hand()) == ITEMS
            results, ratios = paired_ratios(
                {"httpx loop by hand": by_hand, "generated iter_": through_client},
                "httpx loop by hand",
                calls=50,
                rounds=41,
            )
            print(f"  {label}, against httpx.MockTransport:")
            report(results, baseline="httpx loop by hand", ratios=ratios)


def _provider_pages(request: httpx.Request) -> httpx.Response:
    """The replicas' pages (tests/provider_server.py), without a server."""
    path, params = request.url.path, request.url.params

    def window(start: int) -> list[dict[str, Any]]:
        return [{"id": f"cus_{i:03d}"} for i in range(start, min(start + 5, ITEMS))]

    if path == "/stripe/customers":
        after = params.get("starting_after")
        start = int(after[4:]) + 1 if after else 0
        body: dict[str, Any] = {"data": window(start), "has_more": start + 5 < ITEMS}
    elif path == "/graph/users":
        skip = int(params.get("$skiptoken", 0))
        body = {"value": window(skip)}
        if skip + 5 < ITEMS:
            body["@odata.nextLink"] = (
                f"http://bench.test/graph/users?$skiptoken={skip + 5}"
            )
    else:
        sent = json.loads(request.content)
        start = int(sent.get("cursor", 0))
        body = {
            "entries": window(start),
            "cursor": str(start + 5),
            "has_more": start + 5 < ITEMS,
        }
    return httpx.Response(200, json=body)


def _pages(request: httpx.Request) -> httpx.Response:
    start = int(request.url.params.get("offset", 0))
    size = int(request.url.params.get("count", 5))
    items = [{"id": i} for i in range(start, min(start + size, ITEMS))]
    return httpx.Response(200, json={"members": items})


if __name__ == "__main__":
    main()
