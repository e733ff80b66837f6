"""A base URL that comes with the token (issue 11, item 8): specs/salesforce.yaml says
``TokenResponse: {InstanceUrl: instance_url}``, as Salesforce's token responses carry
the org's own host. Against the OAuth 2 test server (authlib) sending instance_url:
every API call after goes to that host, the token store keeps it with the token, and
an instance URL the token must not travel to is refused.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.oauth2_fixtures import PASSWORD, SALESFORCE
from tests.oauth2_server import OAuth2TestServer
from tests.support import import_generated

pytestmark = pytest.mark.slow

# A closed port on this machine: a request that is not moved to the instance fails.
NOWHERE = "http://127.0.0.1:9/api"


@pytest.fixture(scope="module")
def salesforce() -> ModuleType:
    return import_generated("salesforce")


def client_for(
    module: ModuleType,
    server: OAuth2TestServer,
    *,
    asynchronous: bool = False,
    **kw: Any,
) -> Any:
    cls = module.AsyncSalesforceClient if asynchronous else module.SalesforceClient
    return cls(
        client_id=SALESFORCE.client_id,
        client_secret=SALESFORCE.client_secret,
        username="alice",
        password=PASSWORD,
        my_domain="acme",
        token_endpoint=server.token_url(),
        base_url=NOWHERE,
        **kw,
    )


def test_calls_go_to_the_instance_and_the_store_keeps_it(
    salesforce: ModuleType, oauth2_server: OAuth2TestServer, tmp_path: Path
) -> None:
    oauth2_server.extra_token_fields = {"instance_url": oauth2_server.url + "/"}
    store = salesforce.FileTokenStore(tmp_path / "token.json")
    client = client_for(salesforce, oauth2_server, token_store=store)
    assert client.limits()["path"] == "limits"
    assert client.query(soql="SELECT Id FROM Account")["query"] == {
        "q": "SELECT Id FROM Account"
    }
    assert client.token["instance_url"] == oauth2_server.url
    assert oauth2_server.resource_requests == 2
    assert oauth2_server.token_request_count == 1
    # Another client (another process) starts from the store: no token request, and
    # its calls go to the instance too.
    later = client_for(
        salesforce, oauth2_server, token_store=salesforce.FileTokenStore(store.path)
    )
    assert later.get_record(s_object="Account", record_id="001")["path"] == (
        "sobjects/Account/001"
    )
    assert oauth2_server.token_request_count == 1


def test_a_refresh_without_instance_url_keeps_the_last(
    salesforce: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    oauth2_server.extra_token_fields = {"instance_url": oauth2_server.url}
    client = client_for(salesforce, oauth2_server)
    client.limits()
    oauth2_server.extra_token_fields = {}
    oauth2_server.revoke_access_tokens()  # 401: the client refreshes, then retries
    assert client.limits()["path"] == "limits"
    assert oauth2_server.token_requests["refresh_token"] == 1
    assert client.token["instance_url"] == oauth2_server.url


def test_calls_go_to_the_instance_async(
    salesforce: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    oauth2_server.extra_token_fields = {"instance_url": oauth2_server.url}

    async def run() -> Any:
        async with client_for(salesforce, oauth2_server, asynchronous=True) as client:
            return await client.limits()

    assert asyncio.run(run())["path"] == "limits"


@pytest.mark.parametrize(
    "instance",
    ["http://203.0.113.9", "https://user:pw@evil.example.com", "nonsense", 7],
)
def test_an_instance_url_the_token_must_not_go_to_is_refused(
    salesforce: ModuleType, oauth2_server: OAuth2TestServer, instance: object
) -> None:
    oauth2_server.extra_token_fields = {"instance_url": instance}
    client = client_for(salesforce, oauth2_server)
    with pytest.raises(salesforce.OAuth2Error, match="instance URL"):
        client.limits()
    assert oauth2_server.resource_requests == 0
    assert client.token is None


def test_a_next_page_on_the_instance_host_is_followed(
    salesforce: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    # The client's base URL is NOWHERE; the server's next link is absolute, on the
    # token's instance host: the same site the first page came from (issue 11).
    oauth2_server.extra_token_fields = {"instance_url": oauth2_server.url}
    client = client_for(salesforce, oauth2_server)
    records = list(client.iter_query_all(soql="SELECT Id FROM Account"))
    assert records == [{"Id": "001"}, {"Id": "002"}]
    assert oauth2_server.resource_requests == 2

    async def run() -> list[Any]:
        async with client_for(salesforce, oauth2_server, asynchronous=True) as aclient:
            return [r async for r in aclient.iter_query_all(soql="SELECT Id")]

    assert asyncio.run(run()) == [{"Id": "001"}, {"Id": "002"}]


def test_a_next_page_on_another_host_is_still_refused(
    salesforce: ModuleType, oauth2_server: OAuth2TestServer
) -> None:
    # The instance is "localhost", the next link names 127.0.0.1: another origin.
    instance = oauth2_server.url.replace("127.0.0.1", "localhost")
    oauth2_server.extra_token_fields = {"instance_url": instance}
    client = client_for(salesforce, oauth2_server)
    with pytest.raises(salesforce.SalesforceError, match=r"another site: 127\.0\.0\.1"):
        list(client.iter_query_all(soql="SELECT Id FROM Account"))
    assert oauth2_server.resource_requests == 1
