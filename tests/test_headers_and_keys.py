"""Connector-wide Headers and an ApiKey connector's several Keys (issue 11, items 1
and 2), against httpbin on 127.0.0.1: exactly which headers and query parameters
leave the client, sync and async, and that the keys stay out of reprs, errors and logs.

The example specs (specs/algolia.yaml, specs/datadog.yaml) are also in
tests/test_wire.py's examples; here are the exact header sets and the variants.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.oauth2_server import OAuth2TestServer, RegisteredClient
from tests.support import compile_text, import_generated
from tests.test_wire import AsyncRecorder, Recorder

pytestmark = pytest.mark.slow

# Headers httpx itself adds to every request.
HTTPX_OWN = {"host", "accept", "accept-encoding", "connection", "user-agent"}


def sent_headers(request: httpx.Request) -> dict[str, str]:
    return {
        name.lower(): value
        for name, value in request.headers.items()
        if name.lower() not in HTTPX_OWN and name.lower() != "content-length"
    }


def test_algolia_headers_exactly(httpbin: Any) -> None:
    algolia = import_generated("algolia")
    recorder = Recorder()
    with algolia.AlgoliaClient(
        api_key="k-1",
        app_id="APP7",
        base_url=f"{httpbin.url}/anything",
        transport=recorder,
    ) as client:
        echo = client.search_index(index_name="i", query="q")
        client.get_object(index_name="i", object_id="o")
        client.list_indices()
    common = {"x-algolia-api-key": "k-1", "x-algolia-application-id": "APP7"}
    assert [sent_headers(r) for r in recorder.requests] == [
        {
            **common,
            "x-algolia-agent": "connectorc",
            "content-type": "application/json",
        },
        {**common, "x-algolia-agent": "connectorc get-object"},
        common,  # this method leaves X-Algolia-Agent out
    ]
    assert httpx.Headers(echo["headers"])["X-Algolia-Application-Id"] == "APP7"


def test_algolia_headers_async_the_same(httpbin: Any) -> None:
    algolia = import_generated("algolia")
    recorder = AsyncRecorder()

    async def run() -> None:
        async with algolia.AsyncAlgoliaClient(
            api_key="k-1",
            app_id="APP7",
            base_url=f"{httpbin.url}/anything",
            transport=recorder,
        ) as client:
            await client.get_object(index_name="i", object_id="o")
            await client.list_indices()

    asyncio.run(run())
    assert [sent_headers(r) for r in recorder.requests] == [
        {
            "x-algolia-api-key": "k-1",
            "x-algolia-application-id": "APP7",
            "x-algolia-agent": "connectorc get-object",
        },
        {"x-algolia-api-key": "k-1", "x-algolia-application-id": "APP7"},
    ]


def test_datadog_two_keys_exactly_sync_and_async(httpbin: Any) -> None:
    datadog = import_generated("datadog")
    recorder = Recorder()
    with datadog.DatadogClient(
        api_key="A1",
        application_key="B2",
        base_url=f"{httpbin.url}/anything",
        transport=recorder,
    ) as client:
        echo = client.validate()
    assert sent_headers(recorder.requests[0]) == {
        "dd-api-key": "A1",
        "dd-application-key": "B2",
    }
    received = httpx.Headers(echo["headers"])
    assert (received["DD-API-KEY"], received["DD-APPLICATION-KEY"]) == ("A1", "B2")

    async_recorder = AsyncRecorder()

    async def run() -> None:
        async with datadog.AsyncDatadogClient(
            api_key="A1",
            application_key="B2",
            base_url=f"{httpbin.url}/anything",
            transport=async_recorder,
        ) as client:
            await client.list_monitors()

    asyncio.run(run())
    assert sent_headers(async_recorder.requests[0]) == sent_headers(
        recorder.requests[0]
    )


def test_datadog_keys_from_env_each_required() -> None:
    datadog = import_generated("datadog")
    client = datadog.DatadogClient.from_env(
        {"DATADOG_API_KEY": "A1", "DATADOG_APPLICATION_KEY": "B2"}
    )
    assert repr(client) == "DatadogClient(base_url='https://api.datadoghq.com')"
    with pytest.raises(ValueError, match="DATADOG_APPLICATION_KEY"):
        datadog.DatadogClient.from_env({"DATADOG_API_KEY": "A1"})
    with pytest.raises(ValueError, match="application_key"):
        datadog.DatadogClient(api_key="A1", application_key="")
    with pytest.raises(TypeError):
        datadog.DatadogClient(api_key="A1")  # the second key is required
    assert repr(datadog.ApiKeyAuth("A1", "B2")) == (
        "ApiKeyAuth(api_key='***', application_key='***')"
    )


def test_keys_and_sensitive_header_stay_out_of_errors_and_logs(
    httpbin: Any, caplog: pytest.LogCaptureFixture
) -> None:
    datadog = import_generated("datadog")
    caplog.set_level(logging.DEBUG)
    base = f"{httpbin.url}/status/403"
    with datadog.DatadogClient(
        api_key="secret-api-1", application_key="secret-app-2", base_url=base
    ) as client:
        with pytest.raises(datadog.DatadogError) as caught:
            client.validate()
        texts = [str(caught.value), repr(caught.value), repr(client), caplog.text]
    for text in texts:
        assert "secret-api-1" not in text and "secret-app-2" not in text


VARIANT = """\
SpecVersion: 1
Name: Variant
BaseUrl: {base}
Properties:
  - {{ Name: Tenant, Description: The tenant. }}
  - {{ Name: Partner, Sensitive: true, Description: A partner secret. }}
  - {{ Name: Version, DataType: Integer, Default: 3 }}
Headers:
  X-Tenant: "tenant {{{{Tenant}}}}"
  X-Partner-Secret: "{{{{Partner}}}}"
  Api-Version: "v{{{{Version}}}}"
Authentication:
  AuthType: ApiKey
  Keys:
    - {{ Name: ApiKey, Header: Authorization, Format: "Token {{ApiKey}}" }}
    - {{ Name: Signature, QueryParameter: sig, Format: "s-{{Signature}}" }}
Methods:
  - Name: Get
    HttpMethod: GET
    EndPoint: /get
    Parameters:
      - {{ TargetType: HttpHeader, TargetName: Api-Version, IsOptional: true }}
      - {{ TargetType: QueryString, TargetName: q, IsOptional: true }}
"""


def test_property_values_header_overridden_by_a_parameter_and_a_query_key(
    httpbin: Any, tmp_path: Path
) -> None:
    module = compile_text(VARIANT.format(base=f"{httpbin.url}/anything"), tmp_path)
    recorder = Recorder()
    client = module.VariantClient(
        api_key="K",
        signature="S",
        tenant="acme",
        partner="p-secret",
        transport=recorder,
    )
    client.get(q="x")
    client.get(api_version="7")
    first, second = recorder.requests
    assert sent_headers(first) == {
        "authorization": "Token K",
        "x-tenant": "tenant acme",
        "x-partner-secret": "p-secret",
        "api-version": "v3",
    }
    assert dict(first.url.params) == {"q": "x", "sig": "s-S"}
    # The method's HttpHeader parameter, when given, wins over the connector's.
    assert sent_headers(second)["api-version"] == "7"
    assert dict(second.url.params) == {"sig": "s-S"}
    assert "p-secret" not in repr(client)
    assert (
        repr(module.ApiKeyAuth("K", "S"))
        == "ApiKeyAuth(api_key='***', signature='***')"
    )


def test_starter_spec_shapes_compile_when_uncommented(tmp_path: Path) -> None:
    """`connectorc new --auth ApiKey` shows Keys and Headers as comments: uncommented
    (and Header/Format removed), the spec compiles to a client that takes both keys."""
    from compiler.scaffold import starter_spec
    from tests.support import ROOT

    spec = tmp_path / "demo.yaml"
    text = starter_spec(
        "Demo", "ApiKey", None, spec=spec, schema=ROOT / "schemas/x.json"
    )
    lines = []
    for line in text.splitlines():
        if line.startswith(("  Header:", "  Format:")):
            continue
        for prefix in ("# Headers:", "#   Api-Version", "  # Keys:", "  #   - "):
            if line.startswith(prefix):
                line = line.replace("# ", "", 1)
        lines.append(line)
    module = compile_text("\n".join(lines) + "\n", tmp_path)
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    client = module.DemoClient(
        api_key="a", application_key="b", transport=httpx.MockTransport(answer)
    )
    client.get_item(item_id="1")
    assert sent_headers(seen[0]) == {
        "api-version": "2024-01-01",
        "dd-api-key": "a",
        "dd-application-key": "b",
    }


@pytest.mark.parametrize("bad", ["line\nbreak", "caf\u00e9", "bell\x07"])
def test_a_property_value_a_header_cannot_carry_is_refused_unseen(bad: str) -> None:
    algolia = import_generated("algolia")
    with pytest.raises(ValueError) as caught:
        algolia.AlgoliaClient(api_key="k", app_id=f"secret-{bad}")
    assert str(caught.value).startswith("app_id goes into a header")
    assert "secret-" not in str(caught.value)


HOOKED = """\
SpecVersion: 1
Name: Hooked Keys
BaseUrl: https://api.example.com
Script: hook.py
Authentication:
  AuthType: ApiKey
  Keys:
    - { Name: ApiKey, Header: X-Key }
    - { Name: Signing Key, Header: X-Signing-Key }
Methods:
  - { Name: Ping, HttpMethod: GET, EndPoint: /ping }
"""
HOOK = """\
from typing import Any

import httpx


def before_action(
    request: httpx.Request, auth_value: str | None, context: dict[str, Any]
) -> bool | None:
    request.headers["X-Seen"] = str(auth_value)
    return None
"""


def test_hooks_get_the_first_key_as_their_auth_value(tmp_path: Path) -> None:
    (tmp_path / "hook.py").write_text(HOOK, encoding="utf-8")
    module = compile_text(HOOKED, tmp_path)
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    client = module.HookedKeysClient(
        api_key="first", signing_key="second", transport=httpx.MockTransport(answer)
    )
    client.ping()
    assert sent_headers(seen[0]) == {
        "x-key": "first",
        "x-signing-key": "second",
        "x-seen": "first",
    }


def test_a_parameter_spelt_in_another_case_replaces_the_header(tmp_path: Path) -> None:
    text = """\
SpecVersion: 1
Name: Cased
BaseUrl: https://api.example.com
Headers: { Api-Version: "1" }
Authentication: { AuthType: None }
Methods:
  - Name: Get
    HttpMethod: GET
    EndPoint: /get
    Parameters:
      - { TargetType: HttpHeader, TargetName: api-version, IsOptional: true }
"""
    module = compile_text(text, tmp_path)
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    client = module.CasedClient(transport=httpx.MockTransport(answer))
    client.get()
    client.get(api_version="2")
    assert [r.headers.get_list("api-version") for r in seen] == [["1"], ["2"]]


# -- credentials in Headers (issue 11 gap) -----------------------------------------


def test_twitch_client_id_header_from_the_credential(
    httpbin: Any, oauth2_server: OAuth2TestServer
) -> None:
    """specs/twitch.yaml: Headers Client-Id: "{{ClientId}}" sends the OAuth 2 client
    id beside the bearer token from the authlib server, sync and async."""
    twitch = import_generated("twitch")
    oauth2_server.register(
        RegisteredClient(
            "twitch-app", "twitch-secret", "client_secret_post", ("client_credentials",)
        )
    )
    arguments: dict[str, Any] = {
        "client_id": "twitch-app",
        "client_secret": "twitch-secret",
        "token_endpoint": oauth2_server.token_url(),
        "base_url": f"{httpbin.url}/anything",
    }
    recorder = Recorder()
    with twitch.TwitchClient(**arguments, transport=recorder) as client:
        echo = client.get_users(login="alice")
        client.get_games()
        text = repr(client)
    api = [r for r in recorder.requests if "/anything/" in r.url.path]
    assert [sent_headers(r) for r in api] == [
        {"client-id": "twitch-app", "authorization": api[0].headers["Authorization"]}
    ] * 2
    assert api[0].headers["Authorization"].startswith("Bearer ")
    assert httpx.Headers(echo["headers"])["Client-Id"] == "twitch-app"
    assert "twitch-secret" not in text

    async_recorder = AsyncRecorder()

    async def run() -> None:
        async with twitch.AsyncTwitchClient(
            **arguments, transport=async_recorder
        ) as client:
            await client.get_games(name="Chess")

    asyncio.run(run())
    sent = [r for r in async_recorder.requests if "/anything/" in r.url.path]
    assert sent_headers(sent[0])["client-id"] == "twitch-app"
    assert oauth2_server.token_requests["client_credentials"] == 2


CREDENTIAL_HEADERS = """\
SpecVersion: 1
Name: Held
BaseUrl: {base}
Headers:
  X-Key-Copy: "k={{{{ApiKey}}}}"
  X-Sign: "{{{{Signature}}}}"
Authentication:
  AuthType: ApiKey
  Keys:
    - {{ Name: ApiKey, Header: Authorization, Format: "Token {{ApiKey}}" }}
    - {{ Name: Signature, QueryParameter: sig }}
Methods:
  - {{ Name: Get, HttpMethod: GET, EndPoint: /get }}
  - Name: Other
    HttpMethod: GET
    EndPoint: /get
    Headers: {{ X-Sign: null, X-Own: "own {{{{Signature}}}}" }}
"""


def test_keys_in_connector_and_method_headers(
    httpbin: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    module = compile_text(CREDENTIAL_HEADERS.format(base=httpbin.url), tmp_path)
    caplog.set_level(logging.DEBUG)
    recorder = Recorder()
    with module.HeldClient(
        api_key="key-1", signature="sig-2", transport=recorder
    ) as client:
        client.get()
        client.other()
        text = repr(client) + repr(client._http.auth)
    assert [sent_headers(r) for r in recorder.requests] == [
        {"authorization": "Token key-1", "x-key-copy": "k=key-1", "x-sign": "sig-2"},
        {"authorization": "Token key-1", "x-key-copy": "k=key-1", "x-own": "own sig-2"},
    ]
    for logged in (text, caplog.text):
        assert "key-1" not in logged and "sig-2" not in logged

    async_recorder = AsyncRecorder()

    async def run() -> None:
        async with module.AsyncHeldClient(
            api_key="key-1", signature="sig-2", transport=async_recorder
        ) as client:
            await client.other()

    asyncio.run(run())
    assert sent_headers(async_recorder.requests[0]) == sent_headers(
        recorder.requests[1]
    )
    # A credential a header cannot carry is refused when the client is made, unseen.
    with pytest.raises(ValueError, match="signature goes into a header") as caught:
        module.HeldClient(api_key="key-1", signature="bad\nsig-2")
    assert "sig-2" not in str(caught.value)


def test_username_in_a_header_of_a_basic_connector(
    httpbin: Any, tmp_path: Path
) -> None:
    spec = f"""\
SpecVersion: 1
Name: Who
BaseUrl: {httpbin.url}
Headers: {{ X-User: "user {{{{Username}}}}" }}
Authentication: {{ AuthType: Basic }}
Methods:
  - {{ Name: Get, HttpMethod: GET, EndPoint: /basic-auth/ann/pw }}
"""
    module = compile_text(spec, tmp_path)
    recorder = Recorder()
    with module.WhoClient(username="ann", password="pw", transport=recorder) as client:
        assert client.get() == {"authenticated": True, "user": "ann"}
    assert recorder.requests[0].headers["X-User"] == "user ann"


def test_the_api_key_in_a_second_header_sync_and_async(
    httpbin: Any, tmp_path: Path
) -> None:
    spec = f"""\
SpecVersion: 1
Name: Twice
BaseUrl: {httpbin.url}/anything
Headers: {{ X-Key-Again: "key={{{{ApiKey}}}}" }}
Authentication:
  {{ AuthType: ApiKey, Header: Authorization, Format: "Bearer {{ApiKey}}" }}
Methods:
  - {{ Name: Get, HttpMethod: GET, EndPoint: /x }}
"""
    module = compile_text(spec, tmp_path)
    recorder = Recorder()
    with module.TwiceClient(api_key="k-9", transport=recorder) as client:
        echo = client.get()
    assert sent_headers(recorder.requests[0]) == {
        "authorization": "Bearer k-9",
        "x-key-again": "key=k-9",
    }
    assert httpx.Headers(echo["headers"])["X-Key-Again"] == "key=k-9"
    async_recorder = AsyncRecorder()

    async def run() -> None:
        async with module.AsyncTwiceClient(
            api_key="k-9", transport=async_recorder
        ) as client:
            await client.get()

    asyncio.run(run())
    assert sent_headers(async_recorder.requests[0]) == sent_headers(
        recorder.requests[0]
    )
