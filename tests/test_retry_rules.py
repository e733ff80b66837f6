"""Retry and rate-limit rules of real APIs (issue 10, section 4), on the wire against
a local server scripting each provider's answers (tests/provider_server.py).

Waits are measured on a set clock: the generated module's ``time`` (and asyncio's
``sleep``) are replaced by a clock that only moves when the client sleeps, so a wait of
42 s is read as exactly 42 s and takes no time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from compiler import SpecError
from tests.paging_server import API_KEY
from tests.provider_server import ProviderServer, running_provider_server
from tests.support import compile_text

pytestmark = pytest.mark.slow

SPEC = """\
SpecVersion: 1
Name: Retry Lab
BaseUrl: http://127.0.0.1:9
Authentication: { AuthType: ApiKey, Header: X-Key }
Retries:
  MaxAttempts: 3
  InitialDelay: 0.01
  MaxDelay: 0.01
  RetryWhen:
    - { Status: 403, Header: X-RateLimit-Remaining, Equals: "0" }
  ResetHeader: { Name: x-ratelimit-reset, Unit: EpochSeconds }
  RemainingHeader: x-ratelimit-remaining
ErrorInBody: { Path: ok, Equals: false, MessagePath: error }
RateLimits:
  - { MaxRequests: 100, PerSeconds: 10 }
Methods:
  - { Name: Github, HttpMethod: GET, EndPoint: /api/github }
  - Name: Openai
    HttpMethod: GET
    EndPoint: /api/openai
    Retries:
      ResetHeader: { Name: x-ratelimit-reset-requests, Unit: Duration }
  - Name: Google
    HttpMethod: GET
    EndPoint: /api/google
    Retries:
      RetryAfterBody: { Path: error.message, Pattern: "Retry after ([0-9.]+)s" }
  - Name: Airtable
    HttpMethod: GET
    EndPoint: /api/airtable
    Retries: { WaitAfter429: 30 }
  - Name: Only Unavailable
    HttpMethod: GET
    EndPoint: /api/only_unavailable
    Retries: { Statuses: [503] }
  - Name: Milliseconds
    HttpMethod: GET
    EndPoint: /api/milliseconds
    Retries:
      ResetHeader: { Name: x-reset-ms, Unit: Milliseconds }
"""

NOW = 1_800_000_000.0  # the set clock's Unix time at the start of each test


class Clock:
    """A clock that moves only when the client sleeps; sleeps are recorded."""

    def __init__(self) -> None:
        self.now = NOW
        self.mono = 1000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        self.mono += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.mono += seconds


@pytest.fixture(scope="module")
def server() -> Iterator[ProviderServer]:
    with running_provider_server() as state:
        assert isinstance(state, ProviderServer)
        yield state


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return compile_text(SPEC, tmp_path_factory.mktemp("retries"), "retry_lab.yaml")


@pytest.fixture
def clock(
    lab: ModuleType, server: ProviderServer, monkeypatch: pytest.MonkeyPatch
) -> Clock:
    server.reset()
    clock = Clock()
    monkeypatch.setattr(lab, "time", clock)

    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        await real_sleep(0)

    # The module imports asyncio where it first needs it (a sync client never does),
    # so the async waits are set on the clock through asyncio itself.
    monkeypatch.setattr(asyncio, "sleep", sleep)
    return clock


def client(lab: ModuleType, server: ProviderServer) -> Any:
    return lab.RetryLabClient(api_key=API_KEY, base_url=server.url)


def call_async(lab: ModuleType, server: ProviderServer, method: str) -> Any:
    async def run() -> Any:
        async with lab.AsyncRetryLabClient(api_key=API_KEY, base_url=server.url) as c:
            return await getattr(c, method)()

    return asyncio.run(run())


def call_both(
    lab: ModuleType, server: ProviderServer, clock: Clock, method: str, *answers: Any
) -> list[list[float]]:
    """Script ``answers`` and call ``method`` sync, then async; the sleeps of each."""
    waits = []
    for run in ("sync", "async"):
        server.reset()
        clock.sleeps.clear()
        clock.now, clock.mono = NOW, 1000.0
        server.answer(method, *answers)
        if run == "sync":
            with client(lab, server) as sync:
                assert getattr(sync, method)() == {"ok": True}
        else:
            assert call_async(lab, server, method) == {"ok": True}
        assert server.count(f"/api/{method}") == len(answers) + 1
        waits.append(list(clock.sleeps))
    return waits


def test_github_403_with_no_quota_waits_for_the_reset(
    lab: ModuleType, server: ProviderServer, clock: Clock
) -> None:
    spent = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 42)}
    message = {"message": "API rate limit exceeded"}
    assert call_both(lab, server, clock, "github", (403, spent, message)) == [
        [42.0],
        [42.0],
    ]


def test_github_403_with_quota_left_is_final(
    lab: ModuleType, server: ProviderServer, clock: Clock
) -> None:
    left = {"x-ratelimit-remaining": "12", "x-ratelimit-reset": str(int(NOW) + 42)}
    server.answer("github", (403, left, {"message": "Forbidden"}))
    with client(lab, server) as sync, pytest.raises(lab.RetryLabError, match="403"):
        sync.github()
    assert server.count("/api/github") == 1
    assert clock.sleeps == []


def test_spent_quota_holds_back_the_next_request(
    lab: ModuleType, server: ProviderServer, clock: Clock
) -> None:
    """A 200 saying the quota is spent: the next request waits for the reset rather
    than provoke a 429 (HubSpot, GitHub)."""
    spent = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 60)}
    server.answer("github", (200, spent, {"ok": True}))
    with client(lab, server) as sync:
        assert sync.github() == {"ok": True}
        limits = sync._throttle._limits
        assert limits.wait(clock.monotonic()) == pytest.approx(60.0)
        clock.advance(59.0)
        assert limits.wait(clock.monotonic()) == pytest.approx(1.0)
        clock.advance(1.0)
        assert sync.github() == {"ok": True}  # the reset has come: no wait
    assert server.count("/api/github") == 2


def test_openai_duration_reset(
    lab: ModuleType, server: ProviderServer, clock: Clock
) -> None:
    headers = {"x-ratelimit-reset-requests": "6m0s"}
    waits = call_both(lab, server, clock, "openai", (429, headers, {}))
    assert waits == [[360.0], [360.0]]
    headers = {"x-ratelimit-reset-requests": "1.5s"}
    assert call_both(lab, server, clock, "openai", (429, headers, {})) == [[1.5], [1.5]]


def test_retry_after_still_comes_first(
    lab: ModuleType, server: ProviderServer, clock: Clock
) -> None:
    headers = {"Retry-After": "7", "x-ratelimit-reset-requests": "6m0s"}
    assert call_both(lab, server, clock, "openai", (429, headers, {})) == [[7.0], [7.0]]


def test_google_wait_from_the_error_body(
    lab: ModuleType, server: ProviderServer, clock: Clock
) -> None:
    body = {
        "error": {
            "code": 429,
            "message": "Quota exceeded. Retry after 12.5s.",
            "status": "RESOURCE_EXHAUSTED",
        }
    }
    assert call_both(lab, server, clock, "google", (429, {}, body)) == [[12.5], [12.5]]


def test_airtable_fixed_wait_after_429(
    lab: ModuleType, server: ProviderServer, clock: Clock
) -> None:
    body = {"errors": [{"error": "RATE_LIMIT_REACHED"}]}
    assert call_both(lab, server, clock, "airtable", (429, {}, body)) == [
        [30.0],
        [30.0],
    ]


def test_milliseconds_reset(
    lab: ModuleType, server: ProviderServer, clock: Clock
) -> None:
    answer = (503, {"x-reset-ms": "250"}, {})
    assert call_both(lab, server, clock, "milliseconds", answer) == [[0.25], [0.25]]


def test_method_statuses_replace_the_default(
    lab: ModuleType, server: ProviderServer, clock: Clock
) -> None:
    # Statuses: [503] only: a 500 is final, a 503 is retried.
    server.answer("only_unavailable", (500, {}, {}))
    with client(lab, server) as sync, pytest.raises(lab.RetryLabError, match="500"):
        sync.only_unavailable()
    assert server.count("/api/only_unavailable") == 1
    waits = call_both(lab, server, clock, "only_unavailable", (503, {}, {}))
    assert [len(w) for w in waits] == [1, 1]


def test_too_long_a_reset_is_not_waited(
    lab: ModuleType, server: ProviderServer, clock: Clock
) -> None:
    spent = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 3600)}
    server.answer("github", (403, spent, {}))
    with client(lab, server) as sync, pytest.raises(lab.RetryLabError, match="403"):
        sync.github()
    assert clock.sleeps == []
    assert server.count("/api/github") == 1


def test_slack_error_inside_a_200(
    lab: ModuleType, server: ProviderServer, clock: Clock
) -> None:
    body = {"ok": False, "error": "channel_not_found"}
    message = "answered 200 OK: the API reported an error: channel_not_found"
    server.answer("github", (200, {}, body))
    with client(lab, server) as sync, pytest.raises(lab.RetryLabError, match=message):
        sync.github()
    server.answer("github", (200, {}, body))
    with pytest.raises(lab.RetryLabError, match=message) as info:
        call_async(lab, server, "github")
    assert info.value.status_code == 200
    # "ok": 0 is not false: only the value the spec names is an error.
    server.answer("github", (200, {}, {"ok": 0}))
    with client(lab, server) as sync:
        assert sync.github() == {"ok": 0}


@pytest.mark.parametrize(
    ("value", "unit", "wait"),
    [
        ("1800000042", "EpochSeconds", 42.0),
        ("1799999000", "EpochSeconds", 0.0),  # already past: no wait
        ("1800000042500", "EpochMilliseconds", 42.5),
        ("30", "Seconds", 30.0),
        (" 30 ", "Seconds", 30.0),
        ("1500", "Milliseconds", 1.5),
        ("6m0s", "Duration", 360.0),
        ("1h2m3.5s", "Duration", 3723.5),
        ("20ms", "Duration", 0.02),
        ("", "Seconds", None),
        ("-5", "Seconds", None),
        ("\u00b2", "Seconds", None),  # a superscript two: isdigit() but no number
        ("1e9", "Seconds", None),
        ("9" * 40, "EpochSeconds", None),
        ("6m0", "Duration", None),
        ("soon", "Duration", None),
    ],
)
def test_reset_header_values(
    lab: ModuleType, value: str, unit: str, wait: float | None
) -> None:
    got = lab._reset_wait(value, unit, NOW)
    assert got == (None if wait is None else pytest.approx(wait))


def test_rate_window_of_ten_seconds(lab: ModuleType) -> None:
    with lab.RetryLabClient(api_key=API_KEY) as sync:
        assert sync._throttle._limits._windows == ((100, 10),)


@pytest.mark.parametrize(
    ("retries", "message"),
    [
        (
            "{ RemainingHeader: x-ratelimit-remaining }",
            "RemainingHeader is given without ResetHeader",
        ),
        (
            "{ RetryAfterBody: { Path: error.message, Pattern: 'Retry after' } }",
            "Pattern 'Retry after' has no group for the seconds",
        ),
        ("{ ResetHeader: { Name: x-ratelimit-reset } }", "'Unit'"),
    ],
)
def test_rules_that_cannot_work_are_refused(
    tmp_path: Any, retries: str, message: str
) -> None:
    spec = (
        "SpecVersion: 1\nName: Bad\nBaseUrl: https://api.example.com\n"
        f"Authentication: {{ AuthType: None }}\nRetries: {retries}\nMethods:\n"
        "  - { Name: Get, HttpMethod: GET, EndPoint: /x }\n"
    )
    with pytest.raises(SpecError) as info:
        compile_text(spec, tmp_path, "bad.yaml")
    assert message in str(info.value)


def test_real_clock_is_untouched() -> None:
    """The set clock is the module's own: the test process's clock still runs."""
    assert time.time() > NOW - 10 * 365 * 86400
