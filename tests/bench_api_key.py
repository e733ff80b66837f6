"""A generated ApiKey client against plain httpx with the header set by hand.

Both go through one httpx.MockTransport, so the ratio is the client's own cost.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
import yaml

from tests.benchtiming import compare, report
from tests.support import SPECS, compile_text


def main() -> None:
    # The example's rate limit (ten requests a second) is left out: this measures the
    # authentication's cost, not the throttle's wait. bench_paging measures a limiter
    # that never has to wait.
    spec = yaml.safe_load((SPECS / "mailchimp.yaml").read_text("utf-8"))
    del spec["RateLimits"]
    with tempfile.TemporaryDirectory() as folder:
        mailchimp = compile_text(yaml.safe_dump(spec), Path(folder), "mailchimp.yaml")
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    generated = mailchimp.MailchimpClient(api_key="k", dc="us1", transport=transport)
    plain = httpx.Client(
        base_url="https://us1.api.mailchimp.com/3.0",
        headers={"Authorization": "Bearer k"},
        transport=transport,
    )

    def by_hand() -> object:
        response = plain.get("/ping")
        response.raise_for_status()
        return response.json()

    results = compare({"httpx, header by hand": by_hand, "generated": generated.ping})
    report(results, baseline="httpx, header by hand")


if __name__ == "__main__":
    main()
