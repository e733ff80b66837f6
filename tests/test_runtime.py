"""Paging, rate limits and retries of generated clients, against a real local server.

The server (tests/paging_server.py) records when each request arrived, so limits are
checked by counting on the server's side. No test asserts that something was fast:
only counts, order, and lower bounds on time where a limit forces a wait.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.paging_server import API_KEY, ITEMS, PagingServer, running_paging_server
from tests.support import compile_text

pytestmark = pytest.mark.slow

PAGING_SPEC = """\
SpecVersion: 1
Name: Paging Lab
BaseUrl: http://127.0.0.1:9
Authentication: { AuthType: ApiKey, Header: X-Key }
Retries: { MaxAttempts: 3, InitialDelay: 0.01, MaxDelay: 0.05 }
Methods:
  - Name: Page Numbers
    HttpMethod: GET
    EndPoint: /pages
    Paging: { Style: PageNumber, PageParameter: page, SizeParameter: per_page,
              PageSize: 5 }
  - Name: Offsets
    HttpMethod: GET
    EndPoint: /offset
    Parameters:
      - { TargetType: QueryString, TargetName: offset, DataType: Integer,
          IsOptional: true }
    Paging: { Style: Offset, OffsetParameter: offset, SizeParameter: count, PageSize: 5,
              ItemsPath: members }
  - Name: Next Urls
    HttpMethod: GET
    EndPoint: /next
    Paging: { Style: NextUrl, NextUrlPath: links.next, ItemsPath: data.items }
  - Name: Cursors
    HttpMethod: GET
    EndPoint: /cursor
    Paging: { Style: Cursor, CursorPath: meta.next_cursor, CursorParameter: cursor,
              ItemsPath: items }
  - Name: Links
    HttpMethod: GET
    EndPoint: /link
    Paging: { Style: LinkHeader, SizeParameter: per_page, PageSize: 5 }
  - Name: Flaky Get
    HttpMethod: GET
    EndPoint: /flaky
  - Name: Slow
    HttpMethod: GET
    EndPoint: /slow
  - Name: Flaky Post
    HttpMethod: POST
    EndPoint: /flaky
  - Name: Safe Post
    HttpMethod: POST
    EndPoint: /flaky
    RetrySafe: true
  - Name: Flaky Patch
    HttpMethod: PATCH
    EndPoint: /flaky
"""

LIMITS_SPEC = """\
SpecVersion: 1
Name: Limits Lab
BaseUrl: http://127.0.0.1:9
Authentication: { AuthType: ApiKey, Header: X-Key }
RateLimits:
  - { MaxRequests: 5, Per: Second }
  - { TimeBetweenRequests: 0.03 }
Retries: { MaxAttempts: 3, InitialDelay: 0.01, MaxDelay: 0.05 }
Methods:
  - Name: Limited
    HttpMethod: GET
    EndPoint: /limited
  - Name: Own
    HttpMethod: GET
    EndPoint: /own
    RateLimits:
      - { MaxRequests: 2, Per: Second }
  - Name: Free
    HttpMethod: GET
    EndPoint: /free
    RateLimits: []
  - Name: Flaky
    HttpMethod: GET
    EndPoint: /flaky
  - Name: Flaky Post
    HttpMethod: POST
    EndPoint: /flaky
"""

STYLES = {
    "page_numbers": "/pages",
    "offsets": "/offset",
    "next_urls": "/next",
    "cursors": "/cursor",
    "links": "/link",
}
EVERY_ID = list(range(ITEMS))


@pytest.fixture(scope="module")
def server() -> Iterator[PagingServer]:
    with running_paging_server() as state:
        yield state


@pytest.fixture(autouse=True)
def _fresh(server: PagingServer) -> None:
    server.reset()


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    folder = tmp_path_factory.mktemp("runtime")
    return {
        "paging": compile_text(PAGING_SPEC, folder, "paging_lab.yaml"),
        "limits": compile_text(LIMITS_SPEC, folder, "limits_lab.yaml"),
    }


def sync_client(modules: dict[str, ModuleType], server: PagingServer, **kw: Any) -> Any:
    return modules["paging"].PagingLabClient(api_key=API_KEY, base_url=server.url, **kw)


def async_client(
    modules: dict[str, ModuleType], server: PagingServer, **kw: Any
) -> Any:
    return modules["paging"].AsyncPagingLabClient(
        api_key=API_KEY, base_url=server.url, **kw
    )


def collect(iterator: Any) -> list[Any]:
    return [item["id"] for item in iterator]


async def acollect(iterator: Any) -> list[Any]:
    return [item["id"] async for item in iterator]


# -- paging -------------------------------------------------------------------------


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_item_once_sync(
    modules: dict[str, ModuleType], server: PagingServer, style: str
) -> None:
    with sync_client(modules, server) as client:
        ids = collect(getattr(client, f"iter_{style}")())
    assert ids == EVERY_ID
    # Five pages: the short fifth is the last (or it has no next link or cursor).
    assert server.count(STYLES[style]) == 5
    keys = {a.key for a in server.arrivals}
    assert keys == {API_KEY}  # the credentials go with every page, once


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_item_once_async(
    modules: dict[str, ModuleType], server: PagingServer, style: str
) -> None:
    async def run() -> list[Any]:
        async with async_client(modules, server) as client:
            return await acollect(getattr(client, f"iter_{style}")())

    assert asyncio.run(run()) == EVERY_ID
    assert server.count(STYLES[style]) == 5


@pytest.mark.parametrize("style", sorted(STYLES))
def test_max_pages_and_max_items(
    modules: dict[str, ModuleType], server: PagingServer, style: str
) -> None:
    path = STYLES[style]
    with sync_client(modules, server) as client:
        assert collect(getattr(client, f"iter_{style}")(max_pages=2)) == EVERY_ID[:10]
        assert server.count(path) == 2
        server.reset()
        # Items are yielded as they come: the third page is never asked for.
        assert collect(getattr(client, f"iter_{style}")(max_items=7)) == EVERY_ID[:7]
        assert server.count(path) == 2
        server.reset()
        assert collect(getattr(client, f"iter_{style}")(max_items=0)) == []
        assert server.count(path) == 0
        server.reset()
        assert collect(getattr(client, f"iter_{style}")(max_items=5)) == EVERY_ID[:5]
        assert server.count(path) == 1


@pytest.mark.parametrize("style", sorted(STYLES))
def test_async_max_pages_and_max_items(
    modules: dict[str, ModuleType], server: PagingServer, style: str
) -> None:
    async def run() -> tuple[list[Any], list[Any]]:
        async with async_client(modules, server) as client:
            pages = await acollect(getattr(client, f"iter_{style}")(max_pages=3))
            items = await acollect(getattr(client, f"iter_{style}")(max_items=12))
            return pages, items

    assert asyncio.run(run()) == (EVERY_ID[:15], EVERY_ID[:12])
    assert server.count(STYLES[style]) == 6


def test_plain_method_returns_one_page(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    with sync_client(modules, server) as client:
        page = client.offsets()
        assert [m["id"] for m in page["members"]] == EVERY_ID[:5]
        assert server.arrivals[-1].query == {"count": "5"}
        # The caller's own offset starts the iteration where they say.
        assert collect(client.iter_offsets(offset=20)) == EVERY_ID[20:]


def test_pages_survive_failures_now_and_then(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    server.fail_every = 3
    with sync_client(modules, server) as client:
        for style in sorted(STYLES):
            assert collect(getattr(client, f"iter_{style}")()) == EVERY_ID, style


@pytest.mark.parametrize("style", ["next_urls", "links"])
def test_next_page_on_another_site_is_refused(
    modules: dict[str, ModuleType], server: PagingServer, style: str
) -> None:
    server.foreign_next = True
    error = modules["paging"].PagingLabError
    with sync_client(modules, server) as client:
        iterator = getattr(client, f"iter_{style}")()
        with pytest.raises(error, match=r"another site: elsewhere\.example"):
            collect(iterator)
    assert all(a.path == STYLES[style] for a in server.arrivals)


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ('<https://a.test/2>; rel="next"', "https://a.test/2"),
        ("<https://a.test/2>; rel=next", "https://a.test/2"),
        (
            '<https://a.test/1>; rel="prev", <https://a.test/3>; rel="next"',
            "https://a.test/3",
        ),
        # Commas inside the target and inside a quoted parameter value.
        ('<https://a.test/?ids=1,2>; rel="next"', "https://a.test/?ids=1,2"),
        (
            '<https://a.test/1>; title="a, <b>; c"; rel="first", '
            '<https://a.test/4>; rel="next"',
            "https://a.test/4",
        ),
        # Quoted pairs (RFC 9110 5.6.4): a backslash escapes the next character.
        ('<https://a.test/9>; rel="n\\ext"', "https://a.test/9"),
        (
            '<https://a.test/1>; title="say \\"hi\\", <x>"; rel="first", '
            '<https://a.test/10>; rel="next"',
            "https://a.test/10",
        ),
        # rel lists several types, in any case; only the first rel of a link counts.
        ('<https://a.test/5>; rel="prefetch Next"', "https://a.test/5"),
        ('<https://a.test/6>; rel="last"; rel="next"', None),
        ('<https://a.test/7>; rel="nextish"', None),
        ("", None),
        ("garbage without brackets", None),
        ('<https://a.test/8; rel="next"', None),
    ],
)
def test_link_header_parsing(
    modules: dict[str, ModuleType], header: str, target: str | None
) -> None:
    assert modules["paging"]._next_link([header]) == target


def test_link_header_over_several_fields(modules: dict[str, ModuleType]) -> None:
    values = ['<https://a.test/1>; rel="first"', '<https://a.test/2>; rel="next"']
    assert modules["paging"]._next_link(values) == "https://a.test/2"


# -- retries ------------------------------------------------------------------------


def test_5xx_now_and_then_is_recovered(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    server.plan("/flaky", (503, {}), (500, {}))
    with sync_client(modules, server) as client:
        assert client.flaky_get() == {"ok": True, "method": "GET"}
    assert server.count("/flaky") == 3


def test_retries_are_bounded(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    server.plan("/flaky", *[(502, {})] * 10)
    error = modules["paging"].PagingLabError
    with sync_client(modules, server) as client, pytest.raises(error, match="502"):
        client.flaky_get()
    assert server.count("/flaky") == 3
    server.reset()
    server.plan("/flaky", *[(502, {})] * 10)
    with sync_client(modules, server, max_attempts=5) as client, pytest.raises(error):
        client.flaky_get()
    assert server.count("/flaky") == 5
    server.reset()
    server.plan("/flaky", (500, {}))
    with sync_client(modules, server, max_attempts=1) as client, pytest.raises(error):
        client.flaky_get()
    assert server.count("/flaky") == 1


def test_what_is_not_retried(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    error = modules["paging"].PagingLabError
    with sync_client(modules, server) as client:
        for status in (400, 404, 501):
            server.reset()
            server.plan("/flaky", (status, {}))
            with pytest.raises(error, match=str(status)):
                client.flaky_get()
            assert server.count("/flaky") == 1, status


def test_post_and_patch_only_retried_when_marked_safe(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    error = modules["paging"].PagingLabError
    with sync_client(modules, server) as client:
        for call in (client.flaky_post, client.flaky_patch):
            server.reset()
            server.plan("/flaky", (503, {}))
            with pytest.raises(error, match="503"):
                call()
            assert server.count("/flaky") == 1
        server.reset()
        server.plan("/flaky", (503, {}), (429, {"Retry-After": "0"}))
        assert client.safe_post() == {"ok": True, "method": "POST"}
        assert server.count("/flaky") == 3


def gap(server: PagingServer, path: str) -> float:
    first, second = server.times(path)
    return second - first


def test_retry_after_in_seconds(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    server.plan("/flaky", (429, {"Retry-After": "1"}))
    with sync_client(modules, server) as client:
        assert client.flaky_get()["ok"]
    # The backoff alone would wait at most 0.01 s.
    assert gap(server, "/flaky") >= 1.0


def test_retry_after_as_http_date(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    # An HTTP-date has whole seconds: the client waits until that second begins.
    until = int(time.time()) + 2
    server.plan("/flaky", (503, {"Retry-After": formatdate(until, usegmt=True)}))
    with sync_client(modules, server) as client:
        assert client.flaky_get()["ok"]
    assert server.count("/flaky") == 2
    assert time.time() >= until


def test_retry_after_async(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    server.plan("/flaky", (429, {"Retry-After": "1"}), (503, {}))

    async def run() -> Any:
        async with async_client(modules, server) as client:
            return await client.flaky_get()

    assert asyncio.run(run()) == {"ok": True, "method": "GET"}
    times = server.times("/flaky")
    assert len(times) == 3 and times[1] - times[0] >= 1.0


def test_too_long_retry_after_is_not_waited(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    server.plan("/flaky", (429, {"Retry-After": "3600"}))
    error = modules["paging"].PagingLabError
    with sync_client(modules, server) as client, pytest.raises(error, match="429"):
        client.flaky_get()
    assert server.count("/flaky") == 1


class Unreachable(httpx.HTTPTransport):
    """Fails to connect ``failures`` times, then connects for real."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.attempts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise httpx.ConnectError("connection refused", request=request)
        return super().handle_request(request)


def test_connection_errors_are_retried(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    transport = Unreachable(2)
    with sync_client(modules, server, transport=transport) as client:
        assert client.flaky_get()["ok"]
    assert transport.attempts == 3
    transport = Unreachable(99)
    with (
        sync_client(modules, server, transport=transport) as client,
        pytest.raises(httpx.ConnectError),
    ):
        client.flaky_get()
    assert transport.attempts == 3
    transport = Unreachable(1)
    with (
        sync_client(modules, server, transport=transport) as client,
        pytest.raises(httpx.ConnectError),
    ):
        client.flaky_post()
    assert transport.attempts == 1


# -- rate limits --------------------------------------------------------------------


def limits_client(modules: dict[str, ModuleType], server: PagingServer) -> Any:
    return modules["limits"].LimitsLabClient(api_key=API_KEY, base_url=server.url)


def assert_within(times: list[float], most: int, seconds: float) -> None:
    """No window of ``seconds`` holds more than ``most`` of the arrival ``times``."""
    times = sorted(times)
    for first, last in zip(times, times[most:], strict=False):
        assert last - first >= seconds, (most, seconds, times)


def assert_spaced(times: list[float], gap_seconds: float) -> None:
    times = sorted(times)
    for first, second in itertools.pairwise(times):
        assert second - first >= gap_seconds, times


def test_limits_kept_in_sequence(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    started = time.monotonic()
    with limits_client(modules, server) as client:
        for _ in range(11):
            assert client.limited() == {"ok": True}
    elapsed = time.monotonic() - started
    times = server.times("/limited")
    assert len(times) == 11
    assert_within(times, 5, 1.0)
    assert_spaced(times, 0.03)
    assert elapsed >= 2.0  # eleven requests at five a second span two seconds


def test_limits_kept_across_threads(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    with limits_client(modules, server) as client:

        def work() -> None:
            for _ in range(3):
                client.limited()

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    times = server.times("/limited")
    assert len(times) == 12
    assert_within(times, 5, 1.0)
    assert_spaced(times, 0.03)


def test_limits_kept_across_tasks(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    async def run() -> list[Any]:
        async with modules["limits"].AsyncLimitsLabClient(
            api_key=API_KEY, base_url=server.url
        ) as client:
            return await asyncio.gather(*(client.limited() for _ in range(12)))

    assert asyncio.run(run()) == [{"ok": True}] * 12
    times = server.times("/limited")
    assert len(times) == 12
    assert_within(times, 5, 1.0)
    assert_spaced(times, 0.03)


def test_method_limits_replace_the_connectors(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    with limits_client(modules, server) as client:
        for _ in range(3):
            client.own()
        for _ in range(12):
            client.free()
    own = server.times("/own")
    assert_within(own, 2, 1.0)
    assert own[2] - own[0] >= 1.0
    # An empty RateLimits lifts the connector's five a second: nothing waits, so
    # the twelve requests are not spread over two seconds. (Counted, not timed:
    # the server may see them in any number of windows, never fewer than one.)
    assert len(server.times("/free")) == 12


def test_limits_shared_by_methods_without_their_own(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    with limits_client(modules, server) as client:
        for _ in range(4):
            client.limited()
            client.own()  # its own limits: it does not use the connector's
    assert_within(server.times("/limited"), 5, 1.0)
    assert_within(server.times("/own"), 2, 1.0)


def test_async_gives_the_same_results(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    with sync_client(modules, server) as client:
        expected = {style: list(getattr(client, f"iter_{style}")()) for style in STYLES}
        plain = client.offsets(offset=5)

    async def run() -> tuple[dict[str, list[Any]], Any]:
        async with async_client(modules, server) as client:
            got = {
                style: [item async for item in getattr(client, f"iter_{style}")()]
                for style in STYLES
            }
            return got, await client.offsets(offset=5)

    assert asyncio.run(run()) == (expected, plain)


def test_generated_examples_page(tmp_path: Path) -> None:
    """The example specs' paged methods get iter_ methods in both clients."""
    from tests.support import import_generated

    for stem, cls, name in [
        ("mailchimp", "MailchimpClient", "iter_list_members"),
        ("github", "GithubClient", "iter_list_issues"),
        ("google_calendar", "GoogleCalendarClient", "iter_list_events"),
        (
            "twilio_conversations",
            "TwilioConversationsClient",
            "iter_list_conversations",
        ),
        ("json_placeholder", "JsonPlaceholderClient", "iter_list_posts"),
    ]:
        module = import_generated(stem)
        assert callable(getattr(getattr(module, cls), name)), (stem, name)
        assert callable(getattr(getattr(module, f"Async{cls}"), name)), (stem, name)


def test_max_attempts_below_one_is_refused(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    with pytest.raises(ValueError, match="max_attempts must be at least 1, not 0"):
        sync_client(modules, server, max_attempts=0)


def test_next_url_that_is_not_text_is_an_error(modules: dict[str, ModuleType]) -> None:
    paging = modules["paging"]
    url = httpx.URL("http://127.0.0.1/next")
    response = httpx.Response(200, request=httpx.Request("GET", url))
    with pytest.raises(paging.PagingLabError, match="not text"):
        paging._next_url(
            url, response, {"links": {"next": 5}}, 5, paging._PAGING_NEXT_URLS
        )


def test_timeouts_are_retried(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    # Slow answers take 2 s against a 0.5 s timeout: a wide margin either way.
    server.slow = 2
    with sync_client(modules, server, timeout=0.5) as client:
        assert client.slow() == {"ok": True}
    assert server.count("/slow") == 3
    server.reset()
    server.slow = 5
    with (
        sync_client(modules, server, timeout=0.5) as client,
        pytest.raises(httpx.TimeoutException),
    ):
        client.slow()
    assert server.count("/slow") == 3


def test_retry_after_holds_back_other_requests(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    """A 429's Retry-After pauses every request through the same limits, not only
    the one retried."""
    server.plan("/flaky", (429, {"Retry-After": "1"}))
    with limits_client(modules, server) as client:
        flaky = threading.Thread(target=client.flaky)
        flaky.start()
        # Wait until the client has read the 429 (white-box: the pause is set).
        limits = client._throttle._limits
        while limits._resume == float("-inf"):
            time.sleep(0.01)
        assert client.limited() == {"ok": True}
        flaky.join()
    first_try = server.times("/flaky")[0]
    (other,) = server.times("/limited")
    assert other - first_try >= 1.0
    assert len(server.times("/flaky")) == 2


def test_retry_after_holds_back_other_tasks(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    server.plan("/flaky", (503, {"Retry-After": "1"}))

    async def run() -> None:
        async with modules["limits"].AsyncLimitsLabClient(
            api_key=API_KEY, base_url=server.url
        ) as client:
            flaky = asyncio.create_task(client.flaky())
            while True:
                throttle = client._throttle
                if throttle._limits._resume != float("-inf"):
                    break
                await asyncio.sleep(0.01)
            assert await client.limited() == {"ok": True}
            await flaky

    asyncio.run(run())
    (other,) = server.times("/limited")
    assert other - server.times("/flaky")[0] >= 1.0


def test_rate_limit_arithmetic(modules: dict[str, ModuleType]) -> None:
    """The limiter's state, on a clock the test sets: no real time passes."""
    limits = modules["limits"]._RateLimits(((2, 1), (3, 60)), 0.25)
    assert limits.wait(100.0) <= 0  # nothing sent yet: go
    limits.start()
    assert limits.wait(100.0) is None  # a gap: the request in flight must end
    limits.end(100.5)
    assert limits.wait(100.5) == pytest.approx(0.25)
    limits.start()
    limits.end(101.0)
    # Two ended at 100.5 and 101.0: a third waits for 100.5 + 1 s.
    assert limits.wait(101.25) == pytest.approx(0.25)
    limits.start()
    limits.end(101.6)
    # Three within the minute: the fourth waits for the first + 60 s.
    assert limits.wait(102.0) == pytest.approx(58.5)
    limits.pause(102.0, 100.0)
    assert limits.wait(102.0) == pytest.approx(100.0)


def test_retry_after_holds_back_even_when_not_retried(
    modules: dict[str, ModuleType], server: PagingServer
) -> None:
    """A POST that may not be retried still makes the next requests wait."""
    server.plan("/flaky", (429, {"Retry-After": "1"}))
    error = modules["limits"].LimitsLabError
    with limits_client(modules, server) as client:
        with pytest.raises(error, match="429"):
            client.flaky_post()
        assert client.limited() == {"ok": True}
    assert server.count("/flaky") == 1
    assert server.times("/limited")[0] - server.times("/flaky")[0] >= 1.0


# -- paging with script hooks --------------------------------------------------------

HOOK_SCRIPT = """\
from typing import Any

import httpx


def before_action(
    request: httpx.Request, auth_value: str | None, context: dict[str, Any]
) -> bool | None:
    # The spec sends the key in X-Other; the server wants it in X-Key.
    request.headers["X-Key"] = auth_value or ""
    return None
"""


@pytest.fixture(scope="module")
def hooked(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    folder = tmp_path_factory.mktemp("hooked")
    (folder / "hooks.py").write_text(HOOK_SCRIPT, encoding="utf-8")
    spec = PAGING_SPEC.replace(
        "Name: Paging Lab\n", "Name: Hooked Lab\nScript: hooks.py\n"
    ).replace("Header: X-Key", "Header: X-Other")
    assert "Script: hooks.py" in spec and "X-Other" in spec
    return compile_text(spec, folder, "hooked_lab.yaml")


def test_iteration_runs_the_hooks_on_every_page(
    hooked: ModuleType, server: PagingServer
) -> None:
    """iter_<method>() sends each page through the connector's before_action hook,
    as the plain method does (a signing hook must sign every request)."""
    with hooked.HookedLabClient(api_key=API_KEY, base_url=server.url) as client:
        assert collect(client.iter_cursors()) == EVERY_ID
    assert server.count(STYLES["cursors"]) == 5
    assert {a.key for a in server.arrivals} == {API_KEY}

    async def run() -> list[Any]:
        async with hooked.AsyncHookedLabClient(
            api_key=API_KEY, base_url=server.url
        ) as client:
            return await acollect(client.iter_links())

    server.reset()
    assert asyncio.run(run()) == EVERY_ID
    assert {a.key for a in server.arrivals} == {API_KEY}
