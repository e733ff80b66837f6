"""A generated client's own cost: one request, and importing the module.

- Request: the generated ApiKey client (Mailchimp's example without its rate limit)
  against plain httpx with the header set by hand and an absolute URL, both through
  one httpx.MockTransport, rounds interleaved. Target: at most 1.05.
- NextUrl and LinkHeader paging: ``iter_`` over five pages against a hand-written
  httpx loop that follows the same absolute next links (from the body; from the Link
  header through httpx's ``Response.links``), through one MockTransport. Target: 1.05.
- Import: ``import <module>`` against ``import httpx``, each timed inside a fresh
  interpreter (so nothing is cached), processes interleaved, median of many. Target:
  at most 1.10. Spotify is an OAuth 2 module: it imports authlib on first use only.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import yaml

from tests.benchtiming import paired_ratios, report
from tests.support import GENERATED, SPECS, compile_text


def request_ratio() -> None:
    spec = yaml.safe_load((SPECS / "mailchimp.yaml").read_text("utf-8"))
    del spec["RateLimits"]
    with tempfile.TemporaryDirectory() as folder:
        mailchimp = compile_text(yaml.safe_dump(spec), Path(folder), "mailchimp.yaml")
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    generated = mailchimp.MailchimpClient(api_key="k", dc="us1", transport=transport)
    plain = httpx.Client(headers={"Authorization": "Bearer k"}, transport=transport)

    def by_hand() -> object:
        response = plain.get("https://us1.api.mailchimp.com/3.0/ping")
        response.raise_for_status()
        return response.json()

    baseline = "httpx, header by hand, absolute URL"
    cases = {baseline: by_hand, "generated": generated.ping}
    results, ratios = paired_ratios(cases, baseline, calls=150)
    report(results, baseline=baseline, ratios=ratios)
    print(f"  request ratio {ratios['generated']:.2f}   target <= 1.05")


PAGED = """\
SpecVersion: 1
Name: Next Pages
BaseUrl: https://api.example.com/v1
Authentication: { AuthType: ApiKey, Header: X-Key }
Methods:
  - Name: Items
    HttpMethod: GET
    EndPoint: /items
    Paging: { Style: NextUrl, NextUrlPath: next, ItemsPath: data }
  - Name: Linked
    HttpMethod: GET
    EndPoint: /linked
    Paging: { Style: LinkHeader, ItemsPath: data }
"""


def _page(request: httpx.Request) -> httpx.Response:
    """Five pages of five items, each naming the next page's absolute URL: in the
    body for /items, in a Link header (with a rel="last" link, as GitHub's) for
    /linked."""
    page = int(request.url.params.get("page", "1"))
    path = request.url.path
    link = f"https://api.example.com{path}?page={page + 1}" if page < 5 else None
    data = list(range(page * 5 - 5, page * 5))
    if path.endswith("/items"):
        return httpx.Response(200, json={"data": data, "next": link})
    last = f'<https://api.example.com{path}?page=5>; rel="last"'
    header = f'<{link}>; rel="next", {last}' if link else last
    return httpx.Response(200, json={"data": data}, headers={"Link": header})


def paging_ratio() -> None:
    with tempfile.TemporaryDirectory() as folder:
        module = compile_text(PAGED, Path(folder), "next_pages.yaml")
    transport = httpx.MockTransport(_page)
    generated = module.NextPagesClient(api_key="k", transport=transport)
    plain = httpx.Client(headers={"X-Key": "k"}, transport=transport)

    def next_urls_by_hand() -> list[object]:
        items: list[object] = []
        url: str | None = "https://api.example.com/v1/items"
        while url:
            response = plain.get(url)
            response.raise_for_status()
            body = response.json()
            items.extend(body["data"])
            url = body["next"]
        return items

    def links_by_hand() -> list[object]:
        items: list[object] = []
        url: str | None = "https://api.example.com/v1/linked"
        while url:
            response = plain.get(url)
            response.raise_for_status()
            items.extend(response.json()["data"])
            url = response.links.get("next", {}).get("url")
        return items

    styles = [
        ("NextUrl", next_urls_by_hand, generated.iter_items),
        ("LinkHeader", links_by_hand, generated.iter_linked),
    ]
    for style, by_hand, iterate in styles:
        assert by_hand() == list(iterate()) == list(range(25))
        baseline = "a hand-written httpx loop"
        name = f"generated {iterate.__name__}()"
        cases = {baseline: by_hand, name: lambda run=iterate: list(run())}
        results, ratios = paired_ratios(cases, baseline, calls=20)
        report(results, baseline=baseline, ratios=ratios)
        print(f"  {style} paging ratio {ratios[name]:.2f}   target <= 1.05")


_TIMED_IMPORT = """
import sys, time
sys.path.insert(0, {folder!r})
started = time.perf_counter()
import {module}
print(time.perf_counter() - started)
"""


def _import_seconds(module: str) -> float:
    code = _TIMED_IMPORT.format(folder=str(GENERATED), module=module)
    # The module's bytecode is kept (as an application importing it has it).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout)


def import_ratio(rounds: int = 31) -> None:
    modules = ["httpx", "mailchimp", "github", "json_placeholder", "spotify"]
    samples: dict[str, list[float]] = {name: [] for name in modules}
    for _ in range(rounds):
        for name in modules:
            samples[name].append(_import_seconds(name))
    median = {name: statistics.median(values) for name, values in samples.items()}
    base = median["httpx"]
    for name in modules:
        note = " (OAuth 2: authlib on first use)" if name == "spotify" else ""
        print(
            f"  import {name:<30} {median[name] * 1e3:7.1f} ms   "
            f"ratio {median[name] / base:5.2f}{note}"
        )
    print(f"  import ratio (mailchimp) {median['mailchimp'] / base:.2f}"
          "   target <= 1.10")  # fmt: skip


def main() -> None:
    request_ratio()
    paging_ratio()
    import_ratio()


if __name__ == "__main__":
    main()
