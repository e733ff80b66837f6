"""Paging as real providers do it (issue 10), on the wire against a local server that
replicates each one (tests/provider_server.py): requests counted on the server's side,
every item fetched exactly once, sync and async clients alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from compiler import SpecError
from tests.paging_server import API_KEY, ITEMS
from tests.provider_server import COUNTED, ProviderServer, running_provider_server
from tests.support import compile_text, import_generated

pytestmark = pytest.mark.slow

SPEC = """\
SpecVersion: 1
Name: Provider Lab
BaseUrl: http://127.0.0.1:9
Authentication: { AuthType: ApiKey, Header: X-Key }
Retries: { MaxAttempts: 2, InitialDelay: 0.01, MaxDelay: 0.02 }
Methods:
  - Name: List Customers
    HttpMethod: GET
    EndPoint: /stripe/customers
    Paging: { Style: Cursor, ItemsPath: data, CursorPath: "data[-1].id",
              CursorParameter: starting_after, HasMorePath: has_more,
              SizeParameter: limit, PageSize: 5, MaxPageSize: 100 }
  - Name: Counted
    HttpMethod: GET
    EndPoint: /counted
    Paging: { Style: PageNumber, PageParameter: page, SizeParameter: per_page,
              PageSize: 5, ItemsPath: items, TotalPath: meta.total }
  - Name: Counted Without Total
    HttpMethod: GET
    EndPoint: /counted
    Paging: { Style: PageNumber, PageParameter: page, SizeParameter: per_page,
              PageSize: 5, ItemsPath: items }
  - Name: List Folder
    HttpMethod: POST
    EndPoint: /dropbox/files/list_folder
    Parameters:
      - { TargetType: Body, TargetName: path }
    Paging: { Style: Cursor, CursorIn: Body, ItemsPath: entries, CursorPath: cursor,
              CursorParameter: cursor, HasMorePath: has_more, SizeParameter: limit,
              PageSize: 5, NextEndPoint: /dropbox/files/list_folder/continue }
  - Name: Query Database
    HttpMethod: POST
    EndPoint: /notion/databases/{{DatabaseId}}/query
    Parameters:
      - { TargetType: MergeField, TargetName: DatabaseId }
      - { TargetType: Body, TargetName: filter.property, IsOptional: true }
      - { TargetType: Body, TargetName: filter.checkbox.equals, DataType: Boolean,
          IsOptional: true }
    Paging: { Style: Cursor, CursorIn: Body, ItemsPath: results,
              CursorPath: next_cursor, CursorParameter: start_cursor,
              HasMorePath: has_more, SizeParameter: page_size, PageSize: 5,
              MaxPageSize: 100 }
  - Name: Search
    HttpMethod: POST
    EndPoint: /search
    RetrySafe: true
    Parameters:
      - { TargetType: Body, TargetName: query }
    Paging: { Style: PageNumber, PageParameter: page, ItemsPath: hits }
"""

# Section 1 of issue 10: specs main accepted that then did the wrong thing on the
# wire. Only keys main knows, so that these tests fail there rather than not compile.
DEFECTS_SPEC = """\
SpecVersion: 1
Name: Defect Lab
BaseUrl: http://127.0.0.1:9
Authentication: { AuthType: ApiKey, Header: X-Key }
Retries: { MaxAttempts: 2, InitialDelay: 0.01, MaxDelay: 0.02 }
Methods:
  - Name: List Customers Without Flag
    HttpMethod: GET
    EndPoint: /stripe/customers
    Paging: { Style: Cursor, ItemsPath: data, CursorPath: "data[-1].id",
              CursorParameter: starting_after, SizeParameter: limit, PageSize: 5 }
  - Name: List Users
    HttpMethod: GET
    EndPoint: /graph/users
    Paging: { Style: NextUrl, ItemsPath: value, NextUrlPath: '["@odata.nextLink"]' }
  - Name: Always Next
    HttpMethod: GET
    EndPoint: /always-next
    Paging: { Style: NextUrl, ItemsPath: items, NextUrlPath: next }
  - Name: Always Link
    HttpMethod: GET
    EndPoint: /always-link
    Paging: { Style: LinkHeader }
  - Name: Misspelt Items
    HttpMethod: GET
    EndPoint: /offset
    Paging: { Style: Offset, OffsetParameter: offset, SizeParameter: count,
              PageSize: 5, ItemsPath: member }
  - Name: Create Ticket
    HttpMethod: POST
    EndPoint: /echo
    Parameters:
      - { TargetType: Body, TargetName: ticket.subject }
      - { TargetType: Body, TargetName: ticket.comment.body, IsOptional: true }
      - { TargetType: Body, TargetName: '["odata.type"]', PythonName: odata_type,
          IsOptional: true }
      - { TargetType: Body, TargetName: priority, DataType: Integer, IsOptional: true }
"""

EVERY = [f"cus_{i:03d}" for i in range(ITEMS)]


@pytest.fixture(scope="module")
def server() -> Iterator[ProviderServer]:
    with running_provider_server() as state:
        assert isinstance(state, ProviderServer)
        yield state


@pytest.fixture(autouse=True)
def _fresh(server: ProviderServer) -> None:
    server.reset()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return compile_text(SPEC, tmp_path_factory.mktemp("providers"), "provider_lab.yaml")


@pytest.fixture(scope="module")
def defects(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    folder = tmp_path_factory.mktemp("defects")
    return compile_text(DEFECTS_SPEC, folder, "defect_lab.yaml")


def client_class(module: ModuleType, prefix: str = "") -> Any:
    name = next(
        n for n in module.__all__ if n.endswith("Client") and not n.startswith("Async")
    )
    return getattr(module, prefix + name)


def client(lab: ModuleType, server: ProviderServer) -> Any:
    return client_class(lab)(api_key=API_KEY, base_url=server.url)


def run_async(lab: ModuleType, server: ProviderServer, method: str, **kw: Any) -> Any:
    async def run() -> list[Any]:
        async with client_class(lab, "Async")(
            api_key=API_KEY, base_url=server.url
        ) as aclient:
            return [item["id"] async for item in getattr(aclient, method)(**kw)]

    return asyncio.run(run())


def ids(items: Any) -> list[str]:
    return [item["id"] for item in items]


def both(lab: ModuleType, server: ProviderServer, method: str, **kw: Any) -> list[Any]:
    """The ids iter_<method>() yields, sync then async (the server's records are of
    the async run)."""
    with client(lab, server) as sync:
        got = ids(getattr(sync, method)(**kw))
    server.reset()
    assert run_async(lab, server, method, **kw) == got
    return got


# -- section 1: defects --------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("iter_always_next", "/always-next"), ("iter_always_link", "/always-link")],
)
def test_next_link_on_an_empty_page_is_not_followed(
    defects: ModuleType, server: ProviderServer, method: str, path: str
) -> None:
    """An API that sends a next link on every page: the empty page is the last."""
    assert both(defects, server, method, max_pages=20) == EVERY
    assert server.count(path) == 6  # five pages, then the empty one


def test_key_with_a_dot(defects: ModuleType, server: ProviderServer) -> None:
    """Microsoft Graph's @odata.nextLink is one key, not two."""
    assert both(defects, server, "iter_list_users") == EVERY
    assert server.count("/graph/users") == 5


def test_cursor_from_the_last_item(lab: ModuleType, server: ProviderServer) -> None:
    """Stripe: starting_after is the last item's id; has_more false ends it."""
    assert both(lab, server, "iter_list_customers") == EVERY
    queries = server.queries("/stripe/customers")
    assert len(queries) == 5
    assert queries[0] == {"limit": "5"}
    assert queries[1] == {"limit": "5", "starting_after": "cus_004"}
    assert queries[4] == {"limit": "5", "starting_after": "cus_019"}


def test_without_has_more_one_empty_page_more(
    defects: ModuleType, server: ProviderServer
) -> None:
    """The same API without HasMorePath: the cursor of the last item leads to one
    empty page, and there it stops (the has-more flag saves that request)."""
    assert both(defects, server, "iter_list_customers_without_flag") == EVERY
    assert server.count("/stripe/customers") == 6  # five pages, then the empty one
    server.reset()
    with client(defects, server) as sync:
        page = sync.list_customers_without_flag()
    assert ids(page["data"]) == EVERY[:5]


def test_missing_items_path_is_an_error_naming_the_keys(
    defects: ModuleType, server: ProviderServer
) -> None:
    error = defects.DefectLabError
    message = r"the page has no member \(the keys there: members, total_items\)"
    with client(defects, server) as sync, pytest.raises(error, match=message):
        list(sync.iter_misspelt_items())
    with pytest.raises(error, match=message):
        run_async(defects, server, "iter_misspelt_items")


def test_explicitly_empty_items_are_fine(defects: ModuleType) -> None:
    import httpx

    response = httpx.Response(200, request=httpx.Request("GET", "http://127.0.0.1/"))
    paging = defects._PAGING_LIST_USERS
    assert defects._page_items(response, {"value": []}, paging) == []
    assert defects._page_items(response, {"value": None}, paging) == []
    with pytest.raises(
        defects.DefectLabError, match=r"no value \(the keys there: none\)"
    ):
        defects._page_items(response, {}, paging)
    with pytest.raises(defects.DefectLabError, match=r"no value \(a list of 2 items"):
        defects._page_items(response, [1, 2], paging)


def test_nested_body_fields(defects: ModuleType, server: ProviderServer) -> None:
    """TargetName ticket.subject is sent nested; ["odata.type"] is one key."""
    with client(defects, server) as sync:
        echo = sync.create_ticket(ticket_subject="Help", odata_type="#x", priority=2)
        bare = sync.create_ticket(ticket_subject="Only")
    assert server.bodies[0] == (
        "/echo",
        {"ticket": {"subject": "Help"}, "odata.type": "#x", "priority": 2},
    )
    assert server.bodies[1] == ("/echo", {"ticket": {"subject": "Only"}})
    assert echo["method"] == "POST" and bare["content_type"] == "application/json"

    async def run() -> Any:
        async with defects.AsyncDefectLabClient(
            api_key=API_KEY, base_url=server.url
        ) as aclient:
            return await aclient.create_ticket(
                ticket_subject="A", ticket_comment_body="B"
            )

    asyncio.run(run())
    assert server.bodies[2] == (
        "/echo",
        {"ticket": {"subject": "A", "comment": {"body": "B"}}},
    )


# -- section 3: paging that real APIs use ---------------------------------------------


def test_total_count_saves_the_empty_page(
    lab: ModuleType, server: ProviderServer
) -> None:
    every = [f"cus_{i:03d}" for i in range(COUNTED)]
    assert both(lab, server, "iter_counted") == every
    assert server.count("/counted") == 4  # 20 of 20 after four full pages
    server.reset()
    assert both(lab, server, "iter_counted_without_total") == every
    assert server.count("/counted") == 5  # a fifth, empty page says it is the end


def test_callers_page_size(lab: ModuleType, server: ProviderServer) -> None:
    assert both(lab, server, "iter_list_customers", page_size=10) == EVERY
    queries = server.queries("/stripe/customers")
    assert [q["limit"] for q in queries] == ["10", "10", "10"]
    server.reset()
    with client(lab, server) as sync:
        assert len(sync.list_customers(page_size=100)["data"]) == ITEMS
        for wrong in (0, 101, True):
            with pytest.raises(ValueError, match="page_size must be from 1 to 100"):
                sync.iter_list_customers(page_size=wrong)
            with pytest.raises(ValueError, match="page_size must be from 1 to 100"):
                sync.list_customers(page_size=wrong)
    assert server.count("/stripe/customers") == 1  # refused ones send nothing


def test_body_cursor_with_a_continue_endpoint(
    lab: ModuleType, server: ProviderServer
) -> None:
    """Dropbox: list_folder with the method's body, then list_folder/continue with
    the cursor alone, until has_more is false."""
    assert both(lab, server, "iter_list_folder", path="/docs") == EVERY
    bodies = server.bodies
    assert bodies[0] == ("/dropbox/files/list_folder", {"path": "/docs", "limit": 5})
    assert [path for path, _ in bodies[1:]] == [
        "/dropbox/files/list_folder/continue"
    ] * 4
    assert all(set(body) == {"cursor"} for _, body in bodies[1:])


def test_body_cursor_on_the_same_endpoint(
    lab: ModuleType, server: ProviderServer
) -> None:
    """Notion: the same query body every page, with start_cursor added."""
    got = both(
        lab,
        server,
        "iter_query_database",
        database_id="db1",
        filter_property="Done",
        filter_checkbox_equals=True,
        page_size=7,
    )
    assert got == EVERY
    path = "/notion/databases/db1/query"
    assert [p for p, _ in server.bodies] == [path] * 4
    first, second = server.bodies[0][1], server.bodies[1][1]
    expected_filter = {"property": "Done", "checkbox": {"equals": True}}
    assert first == {"filter": expected_filter, "page_size": 7}
    assert second["filter"] == expected_filter and second["page_size"] == 7
    assert set(second) == {"filter", "page_size", "start_cursor"}


def test_post_search_sends_its_body_with_every_page(
    lab: ModuleType, server: ProviderServer
) -> None:
    assert both(lab, server, "iter_search", query="cus") == EVERY
    assert server.bodies == [("/search", {"query": "cus"})] * 6  # the last is empty
    assert [q.get("page") for q in server.queries("/search")] == [
        None,
        "2",
        "3",
        "4",
        "5",
        "6",
    ]


# -- compile-time refusals -------------------------------------------------------------


@pytest.mark.parametrize(
    ("paging", "message"),
    [
        (
            "{ Style: Cursor, CursorPath: data.-1.id, CursorParameter: after }",
            "CursorPath 'data.-1.id': '-1' in a path is a number, not a field name",
        ),
        (
            "{ Style: NextUrl, NextUrlPath: '@odata.nextLink' }",
            "NextUrlPath '@odata.nextLink': the path cannot hold '@'",
        ),
        (
            "{ Style: LinkHeader, HasMorePath: has_more }",
            "HasMorePath is not used with Style LinkHeader",
        ),
    ],
)
def test_paths_that_cannot_mean_what_they_say(
    tmp_path: Path, paging: str, message: str
) -> None:
    spec = (
        "SpecVersion: 1\nName: Bad\nBaseUrl: https://api.example.com\n"
        "Authentication: { AuthType: None }\nMethods:\n"
        "  - { Name: List, HttpMethod: GET, EndPoint: /x,\n"
        f"      Paging: {paging} }}\n"
    )
    with pytest.raises(SpecError) as info:
        compile_text(spec, tmp_path, "bad.yaml")
    assert message in str(info.value)


# -- the example specs, on the same wire ------------------------------------------


class WithKey(httpx.HTTPTransport):
    """Adds the test server's key: the example specs send theirs as a Bearer token."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["X-Key"] = API_KEY
        return super().handle_request(request)


class AsyncWithKey(httpx.AsyncHTTPTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["X-Key"] = API_KEY
        return await super().handle_async_request(request)


@pytest.mark.parametrize(
    ("stem", "prefix", "method", "kwargs", "path", "requests"),
    [
        ("stripe", "/stripe", "iter_list_customers", {}, "/stripe/customers", 3),
        (
            "dropbox",
            "/dropbox",
            "iter_list_folder",
            {"path": ""},
            "/dropbox/files/list_folder",
            1,
        ),
        (
            "notion",
            "/notion",
            "iter_query_database",
            {"database_id": "d"},
            "/notion/databases/d/query",
            1,
        ),
        ("microsoft_graph", "/graph", "iter_list_users", {}, "/graph/users", 5),
    ],
)
def test_example_specs_page_on_the_wire(
    server: ProviderServer,
    stem: str,
    prefix: str,
    method: str,
    kwargs: dict[str, Any],
    path: str,
    requests: int,
) -> None:
    """The generated example modules (generated/*.py) against the replicas: every
    item once, the end found without an extra request."""
    module = import_generated(stem)
    cls = next(n for n in module.__all__ if n.endswith("Client") and "Async" not in n)
    with getattr(module, cls)(
        api_key="t", base_url=server.url + prefix, transport=WithKey()
    ) as sync:
        assert ids(getattr(sync, method)(**kwargs)) == EVERY
    assert server.count(path) == requests

    async def run() -> list[Any]:
        async with getattr(module, f"Async{cls}")(
            api_key="t", base_url=server.url + prefix, transport=AsyncWithKey()
        ) as aclient:
            return [item["id"] async for item in getattr(aclient, method)(**kwargs)]

    server.reset()
    assert asyncio.run(run()) == EVERY
    assert server.count(path) == requests
