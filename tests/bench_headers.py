"""Connector-wide Headers and two ApiKey Keys (issue 11) against plain httpx with the
same headers set by hand: the generated Algolia and Datadog clients' own cost.

Both sides go through one httpx.MockTransport, so the ratio is the client's cost.
"""

from __future__ import annotations

import httpx

from tests.benchtiming import compare, report
from tests.support import import_generated


def main() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    algolia = import_generated("algolia").AlgoliaClient(
        api_key="k", app_id="APP", transport=transport
    )
    datadog = import_generated("datadog").DatadogClient(
        api_key="a", application_key="b", transport=transport
    )
    plain_algolia = httpx.Client(
        base_url="https://APP-dsn.algolia.net/1",
        headers={
            "X-Algolia-API-Key": "k",
            "X-Algolia-Application-Id": "APP",
            "X-Algolia-Agent": "connectorc",
        },
        transport=transport,
    )
    plain_datadog = httpx.Client(
        base_url="https://api.datadoghq.com",
        headers={"DD-API-KEY": "a", "DD-APPLICATION-KEY": "b"},
        transport=transport,
    )

    def algolia_by_hand() -> object:
        response = plain_algolia.get("/indexes/products/42")
        response.raise_for_status()
        return response.json()

    def datadog_by_hand() -> object:
        response = plain_datadog.get("/api/v1/validate")
        response.raise_for_status()
        return response.json()

    def algolia_generated() -> object:
        return algolia.get_object(index_name="products", object_id="42")

    results = compare(
        {"httpx, headers by hand": algolia_by_hand, "generated": algolia_generated}
    )
    print("Headers (Algolia get_object: 2 connector headers, 1 overridden)")
    report(results, baseline="httpx, headers by hand")
    results = compare(
        {"httpx, headers by hand": datadog_by_hand, "generated": datadog.validate}
    )
    print("ApiKey Keys (Datadog validate: two keys in two headers)")
    report(results, baseline="httpx, headers by hand")


if __name__ == "__main__":
    main()
