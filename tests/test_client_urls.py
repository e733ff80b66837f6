"""Generated clients build absolute request URLs and import asyncio only when async.

A client splits its base URL once, at construction, and sends each request to that
root plus the path: the URL must be exactly the one httpx's own ``base_url`` merge
makes (the way clients were built before), for awkward bases and paths alike, with a
``base_url`` given to the client too. NextUrl paging follows an absolute next link
without joining it to the page's URL; the pages are the same. A module used only
through its sync client never imports asyncio; its async client still works.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.support import GENERATED, compile_text

SPEC = """\
SpecVersion: 1
Name: Url Check
BaseUrl: {base}
Properties:
  - {{ Name: Tenant }}
Authentication: {{ AuthType: ApiKey, Header: X-Key }}
Methods:
  - {{ Name: Root, HttpMethod: GET, EndPoint: / }}
  - {{ Name: Plain, HttpMethod: GET, EndPoint: /items }}
  - Name: One
    HttpMethod: GET
    EndPoint: /items/{{{{Id}}}}/sub items/ü:x
    Parameters:
      - {{ TargetType: MergeField, TargetName: Id }}
      - {{ TargetType: QueryString, TargetName: q, IsOptional: true }}
  - Name: Leading
    HttpMethod: GET
    EndPoint: /{{{{Id}}}}
    Parameters:
      - {{ TargetType: MergeField, TargetName: Id }}
  - Name: Of Tenant
    HttpMethod: POST
    EndPoint: /t/{{{{Tenant}}}}/x
    Parameters:
      - {{ TargetType: Body, TargetName: a }}
"""

BASES = [
    "https://api.example.com",
    "https://api.example.com/",
    "https://api.example.com/v1",
    "https://api.example.com/v1/",
    "https://api.example.com:8443/a%20b/v1",
    "http://127.0.0.1:9/base path/ä",
    "https://api.example.com/v1?key=1",
]
IDS = ["42", "a/b", "..", ".", "x y", "%2F", "ü", "?q=1", "#f", "a:b", "//x"]


@pytest.fixture(scope="module")
def module(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    folder = tmp_path_factory.mktemp("urls")
    return compile_text(SPEC.format(base="https://api.example.com/v1"), folder)


def _sent(client: Any, call: str, **arguments: object) -> list[httpx.URL]:
    seen: list[httpx.URL] = []
    client._http._transport = httpx.MockTransport(
        lambda request: seen.append(request.url) or httpx.Response(200, json={})
    )
    getattr(client, call)(**arguments)
    return seen


def _merged(base: str, path: str, params: dict[str, str] | None = None) -> httpx.URL:
    """The URL httpx makes from ``base_url`` and a path: how clients were built
    (``params`` as a method with query parameters passes them, even none)."""
    with httpx.Client(base_url=base) as plain:
        return plain.build_request("GET", path, params=params).url


@pytest.mark.parametrize("base", BASES)
def test_request_urls_are_what_httpx_base_url_merge_makes(
    module: ModuleType, base: str
) -> None:
    quote = module._segment
    client = module.UrlCheckClient(api_key="k", tenant="t/1 ü", base_url=base)
    cases: list[tuple[str, dict[str, object], str]] = [
        ("root", {}, "/"),
        ("plain", {}, "/items"),
        ("of_tenant", {"a": "x"}, "/t/" + quote("t/1 ü") + "/x"),
    ]
    for value in IDS:
        cases.append(("leading", {"id": value}, "/" + quote(value)))
        cases.append(
            ("one", {"id": value}, "/items/" + quote(value) + "/sub items/ü:x")
        )
    for call, arguments, path in cases:
        (url,) = _sent(client, call, **arguments)
        expected = _merged(base, path, {} if call == "one" else None)
        assert url == expected, (call, arguments)
        assert url.raw_path == expected.raw_path
    (with_query,) = _sent(client, "one", id="1", q="a b&c")
    assert with_query.params["q"] == "a b&c"
    assert with_query == _merged(base, "/items/1/sub items/ü:x", {"q": "a b&c"})


def test_the_default_base_url_and_properties_in_it(tmp_path: Path) -> None:
    module = compile_text(
        SPEC.format(base="https://{{Tenant}}.example.com/api"), tmp_path
    )
    client = module.UrlCheckClient(api_key="k", tenant="eu1")
    (url,) = _sent(client, "plain")
    assert str(url) == "https://eu1.example.com/api/items"
    assert repr(client) == "UrlCheckClient(base_url='https://eu1.example.com/api/')"


def test_the_async_client_builds_the_same_urls(module: ModuleType) -> None:
    async def run() -> list[httpx.URL]:
        seen: list[httpx.URL] = []

        async def answer(request: httpx.Request) -> httpx.Response:
            seen.append(request.url)
            return httpx.Response(200, json={})

        async with module.AsyncUrlCheckClient(
            api_key="k",
            tenant="t",
            base_url="https://api.example.com/v2",
            transport=httpx.MockTransport(answer),
        ) as client:
            await client.one(id="a b")
        return seen

    (url,) = asyncio.run(run())
    assert url == _merged(
        "https://api.example.com/v2", "/items/a%20b/sub items/ü:x", params={}
    )


def test_a_sync_client_never_imports_asyncio() -> None:
    """In a fresh interpreter: importing a module (with OAuth 2 and rate limits, the
    parts that use asyncio) and calling it through its sync client."""
    code = f"""
import sys
sys.path.insert(0, {str(GENERATED)!r})
import httpx
import github, spotify, mailchimp
client = github.GithubClient(
    api_key="k",
    transport=httpx.MockTransport(lambda request: httpx.Response(200, json=[])),
)
client.list_issues(owner="o", repo="r")
assert "asyncio" not in sys.modules, "asyncio was imported"
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr


def test_an_async_client_retries_and_throttles_with_asyncio(tmp_path: Path) -> None:
    """The async paths that import asyncio where they run: a retry's sleep, the
    rate limiter's condition."""
    module = compile_text(
        SPEC.format(base="https://api.example.com")
        + "RateLimits: [{ MaxRequests: 1000, Per: Second }]\n"
        + "Retries: { MaxAttempts: 2, InitialDelay: 0.01, MaxDelay: 0.01 }\n",
        tmp_path,
    )
    statuses = iter([503, 200])

    async def run() -> object:
        async def answer(request: httpx.Request) -> httpx.Response:
            return httpx.Response(next(statuses), json={"ok": True})

        async with module.AsyncUrlCheckClient(
            api_key="k", tenant="t", transport=httpx.MockTransport(answer)
        ) as client:
            return await client.plain()

    assert asyncio.run(run()) == {"ok": True}


PAGES = """\
SpecVersion: 1
Name: Pages
BaseUrl: https://api.example.com/v1
Authentication: { AuthType: None }
Methods:
  - Name: Items
    HttpMethod: GET
    EndPoint: /items
    Paging: { Style: NextUrl, NextUrlPath: next, ItemsPath: data }
"""


def test_next_url_paging_follows_absolute_and_relative_links(tmp_path: Path) -> None:
    module = compile_text(PAGES, tmp_path)
    pages = {
        "/v1/items": ("https://api.example.com/v1/items?page=2&x=a%20b", [1, 2]),
        "/v1/items?page=2&x=a%20b": ("../v1/./items?page=3", [3]),
        "/v1/items?page=3": (None, [4]),
    }
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        target = request.url.raw_path.decode()
        seen.append(target)
        link, data = pages[target]
        return httpx.Response(200, json={"data": data, "next": link})

    client = module.PagesClient(transport=httpx.MockTransport(answer))
    assert list(client.iter_items()) == [1, 2, 3, 4]
    assert seen == list(pages)


@pytest.mark.parametrize(
    "link",
    [
        "https://api.example.com/v1/items?page=2",
        "items?page=2",
        "https://api.example.com/v1/items?page=2#again",
    ],
    ids=["absolute", "relative", "with a fragment"],
)
def test_next_url_paging_stops_at_a_link_to_the_same_page(
    tmp_path: Path, link: str
) -> None:
    """A page whose next link names the page itself is the last (the API has no
    more to give), however the link is written; without the check the iteration
    would never end."""
    module = compile_text(PAGES, tmp_path)
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode())
        if len(seen) > 5:
            return httpx.Response(500)
        first = request.url.raw_path == b"/v1/items"
        nxt = "https://api.example.com/v1/items?page=2" if first else link
        return httpx.Response(200, json={"data": [len(seen)], "next": nxt})

    client = module.PagesClient(transport=httpx.MockTransport(answer), max_attempts=1)
    assert list(client.iter_items()) == [1, 2]
    assert seen == ["/v1/items", "/v1/items?page=2"]
