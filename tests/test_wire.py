"""Wire tests: every generated example client against a real httpbin on 127.0.0.1.

Each client is pointed at httpbin's ``/anything``, which echoes the method, query,
headers and body it received. A transport that records each request as it leaves the
client (after authentication) gives the raw path, which httpbin only shows decoded.
For every method of every example spec, the test states exactly what must arrive: the
path with its merge fields percent-encoded, the query, the headers, the JSON or form
body, and the credentials where the AuthType puts them (and nowhere else).
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.oauth2_fixtures import OAUTH2_EXAMPLES
from tests.support import SPECS, import_generated

pytestmark = pytest.mark.slow

# -- recording what goes on the wire ---------------------------------------------------


class Recorder(httpx.HTTPTransport):
    """The real HTTP transport, keeping each request exactly as it was sent."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return super().handle_request(request)


class AsyncRecorder(httpx.AsyncHTTPTransport):
    """The async twin of ``Recorder``."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await super().handle_async_request(request)


def raw_path(request: httpx.Request) -> str:
    """The path as it went on the wire (percent-encoding kept), without the query."""
    return request.url.raw_path.decode("ascii").partition("?")[0]


# -- what each call must put on the wire -----------------------------------------------


@dataclass(frozen=True)
class Call:
    """One client method call and exactly what httpbin must receive for it."""

    method: str
    kwargs: dict[str, Any]
    http_method: str
    path: str  # below /anything, percent-encoded as sent
    args: dict[str, str] = field(default_factory=dict)
    json: dict[str, Any] | None = None  # a JSON body (None: none)
    form: dict[str, str] | None = None  # a form body (None: none)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.method


@dataclass(frozen=True)
class Example:
    """A generated client, how to build it, and where its AuthType puts credentials."""

    stem: str
    class_name: str
    arguments: dict[str, Any]
    calls: tuple[Call, ...]
    auth_headers: dict[str, str] = field(default_factory=dict)
    auth_args: dict[str, str] = field(default_factory=dict)
    auth_body: dict[str, str] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.stem

    @property
    def module(self) -> ModuleType:
        return generated(self.stem)

    def client(self, base_url: str, transport: httpx.BaseTransport) -> Any:
        cls = getattr(self.module, self.class_name)
        return cls(**self.arguments, base_url=base_url, transport=transport)

    def async_client(self, base_url: str, transport: httpx.AsyncBaseTransport) -> Any:
        cls = getattr(self.module, f"Async{self.class_name}")
        return cls(**self.arguments, base_url=base_url, transport=transport)

    def auth(self) -> httpx.Auth | None:
        """The generated module's own httpx.Auth, built from the same credentials."""
        module = self.module
        if hasattr(module, "ApiKeyAuth"):
            keys = inspect.signature(module.ApiKeyAuth).parameters
            return module.ApiKeyAuth(*(self.arguments[k] for k in keys))  # type: ignore[no-any-return]
        if hasattr(module, "BasicAuth"):
            return module.BasicAuth(  # type: ignore[no-any-return]
                self.arguments["username"], self.arguments["password"]
            )
        if hasattr(module, "AuthFieldsAuth"):
            return module.AuthFieldsAuth(self.auth_body)  # type: ignore[no-any-return]
        return None


@cache
def generated(stem: str) -> ModuleType:
    """The committed module, imported once so that its classes stay the same objects."""
    return import_generated(stem)


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


WHEN = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
WHEN_TEXT = "2024-05-06T07:08:09+00:00"
# A merge-field value with every kind of character a path must not take as it is.
AWKWARD = "a/b c?d#e%f&g+é"
AWKWARD_PATH = "a%2Fb%20c%3Fd%23e%25f%26g%2B%C3%A9"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}

MAILCHIMP = Example(
    stem="mailchimp",
    class_name="MailchimpClient",
    arguments={"api_key": "mc-key-5f3a-us21", "dc": "us21"},
    auth_headers={"Authorization": "Bearer mc-key-5f3a-us21"},
    secrets=("mc-key-5f3a-us21",),
    calls=(
        Call("ping", {}, "GET", "/ping"),
        Call(
            "list_members",
            {"list_id": AWKWARD},
            "GET",
            f"/lists/{AWKWARD_PATH}/members",
            args={"count": "10"},  # the Default; unset optionals are left out
        ),
        Call(
            "list_members",
            {
                "list_id": "L1",
                "status": "subscribed",
                "count": 250,
                "offset": 0,
                "since_last_changed": WHEN,
            },
            "GET",
            "/lists/L1/members",
            args={
                "status": "subscribed",
                "count": "250",
                "offset": "0",
                "since_last_changed": WHEN_TEXT,
            },
        ),
        Call(
            "add_member",
            {
                "list_id": "L1",
                "email_address": "zoë@example.com",
                "status": "pending",
                "vip": False,
                "skip_merge_validation": True,
                "x_request_id": "req-7",
            },
            "POST",
            "/lists/L1/members",
            args={"skip_merge_validation": "true"},
            json={
                "email_address": "zoë@example.com",
                "status": "pending",
                "vip": False,
            },
            headers={"X-Request-Id": "req-7", **JSON},
        ),
        Call(
            "update_member",
            {"list_id": "L1", "subscriber_hash": "0f/1", "vip": True, "language": "fr"},
            "PATCH",
            "/lists/L1/members/0f%2F1",
            json={"vip": True, "language": "fr"},
            headers=JSON,
        ),
        Call(
            "archive_member",
            {"list_id": "L1", "subscriber_hash": "abc"},
            "DELETE",
            "/lists/L1/members/abc",
        ),
    ),
)

OPEN_WEATHER_MAP = Example(
    stem="open_weather_map",
    class_name="OpenWeatherMapClient",
    arguments={"api_key": "owm-0a1b2c3d"},
    auth_args={"appid": "owm-0a1b2c3d"},
    secrets=("owm-0a1b2c3d",),
    calls=(
        Call(
            "current_weather",
            # Decimal keeps every digit (trailing zeros too): no float on the way.
            {"lat": Decimal("51.50740000"), "lon": Decimal("-0.1278")},
            "GET",
            "/data/2.5/weather",
            args={"lat": "51.50740000", "lon": "-0.1278", "units": "standard"},
        ),
        Call(
            "current_weather",
            {
                "lat": Decimal("1E-7"),
                "lon": Decimal("179.9999999999999999999"),
                "units": "metric",
                "lang": "zh_cn",
                "x_request_id": "r-1",
            },
            "GET",
            "/data/2.5/weather",
            args={
                "lat": "1E-7",
                "lon": "179.9999999999999999999",
                "units": "metric",
                "lang": "zh_cn",
            },
            headers={"X-Request-Id": "r-1"},
        ),
        Call(
            "forecast",
            {"lat": Decimal("0"), "lon": Decimal("0"), "cnt": 3},
            "GET",
            "/data/2.5/forecast",
            args={"lat": "0", "lon": "0", "cnt": "3", "units": "standard"},
        ),
        Call(
            "geocode",
            {"query": "London,GB"},
            "GET",
            "/geo/1.0/direct",
            args={"q": "London,GB", "limit": "5"},
        ),
        Call("list_stations", {}, "GET", "/data/3.0/stations"),
        Call(
            "create_station",
            {
                "external_id": "SF_TEST001",
                "name": "San Francisco Test Station",
                "latitude": 37.76,
                "longitude": -122.43,
                "altitude": 150,
            },
            "POST",
            "/data/3.0/stations",
            json={
                "external_id": "SF_TEST001",
                "name": "San Francisco Test Station",
                "latitude": 37.76,
                "longitude": -122.43,
                "altitude": 150,
            },
            headers=JSON,
        ),
        Call(
            "get_station",
            {"station_id": AWKWARD},
            "GET",
            f"/data/3.0/stations/{AWKWARD_PATH}",
        ),
        Call(
            "update_station",
            {
                "station_id": "5ed2",
                "external_id": "SF_TEST002",
                "name": "Renamed",
                "latitude": 0.0,
                "longitude": 1.5,
            },
            "PUT",
            "/data/3.0/stations/5ed2",
            json={
                "external_id": "SF_TEST002",
                "name": "Renamed",
                "latitude": 0.0,
                "longitude": 1.5,
            },
            headers=JSON,
        ),
        Call(
            "delete_station",
            {"station_id": "5ed2"},
            "DELETE",
            "/data/3.0/stations/5ed2",
        ),
    ),
)

TWILIO_USER, TWILIO_PASSWORD = "AC0123456789abcdef", "tøken:with:colons"
TWILIO = Example(
    stem="twilio_conversations",
    class_name="TwilioConversationsClient",
    arguments={"username": TWILIO_USER, "password": TWILIO_PASSWORD},
    auth_headers={"Authorization": basic(TWILIO_USER, TWILIO_PASSWORD)},
    secrets=(TWILIO_PASSWORD, base64.b64encode(TWILIO_PASSWORD.encode()).decode()),
    calls=(
        Call(
            "create_conversation",
            {
                "friendly_name": "Support & Sales = 100%",
                "state": "active",
                "date_created": datetime(
                    2024, 5, 6, 9, 8, 9, tzinfo=timezone(timedelta(hours=2))
                ),
                "timers_inactive": "PT5M",
                "x_twilio_webhook_enabled": False,
            },
            "POST",
            "/Conversations",
            form={
                "FriendlyName": "Support & Sales = 100%",
                "State": "active",
                "DateCreated": "2024-05-06T09:08:09+02:00",
                "Timers.Inactive": "PT5M",
            },
            headers={"X-Twilio-Webhook-Enabled": "false", **FORM},
        ),
        Call(
            "list_conversations",
            {"state": "closed", "start_date": datetime(2024, 1, 1, 23, 59, tzinfo=UTC)},
            "GET",
            "/Conversations",
            args={"State": "closed", "StartDate": "2024-01-01", "PageSize": "50"},
        ),
        Call(
            "fetch_conversation",
            {"conversation_sid": AWKWARD},
            "GET",
            f"/Conversations/{AWKWARD_PATH}",
        ),
        Call(
            "update_conversation",
            {"conversation_sid": "CH1", "friendly_name": "Renamed"},
            "POST",
            "/Conversations/CH1",
            form={"FriendlyName": "Renamed"},
            headers=FORM,
        ),
        Call(
            "delete_conversation",
            {"conversation_sid": "CH1", "x_twilio_webhook_enabled": True},
            "DELETE",
            "/Conversations/CH1",
            headers={"X-Twilio-Webhook-Enabled": "true"},
        ),
        Call(
            "send_message",
            {"conversation_sid": "CH1", "body": "Ahoy 👋 a+b=c&d", "author": "zoë"},
            "POST",
            "/Conversations/CH1/Messages",
            form={"Body": "Ahoy 👋 a+b=c&d", "Author": "zoë"},
            headers=FORM,
        ),
        Call(
            "list_messages",
            {"conversation_sid": "CH1", "order": "desc", "page_size": 5},
            "GET",
            "/Conversations/CH1/Messages",
            args={"Order": "desc", "PageSize": "5"},
        ),
    ),
)

JSON_PLACEHOLDER = Example(
    stem="json_placeholder",
    class_name="JsonPlaceholderClient",
    arguments={},
    calls=(
        Call(
            "list_posts",
            {},
            "GET",
            "/posts",
            args={"_order": "asc", "_limit": "10"},
        ),
        Call(
            "list_posts",
            {
                "user_id": 1,
                "sort": "title",
                "order": "desc",
                "page": 2,
                "limit": 5,
                "cache_control": "no-cache",
            },
            "GET",
            "/posts",
            args={
                "userId": "1",
                "_sort": "title",
                "_order": "desc",
                "_page": "2",
                "_limit": "5",
            },
            headers={"Cache-Control": "no-cache"},
        ),
        Call("get_post", {"post_id": 1}, "GET", "/posts/1"),
        Call(
            "list_comments",
            {"post_id": 42, "cache_control": "max-age=0"},
            "GET",
            "/posts/42/comments",
            headers={"Cache-Control": "max-age=0"},
        ),
        Call(
            "create_post",
            {"title": "foo", "body": 'bar "baz"\n', "user_id": 1},
            "POST",
            "/posts",
            json={
                "title": "foo",
                "body": 'bar "baz"\n',
                "userId": 1,
                "published": False,
            },
            headers=JSON,
        ),
        Call(
            "create_post",
            {
                "title": "t",
                "body": "b",
                "user_id": 2,
                "published": True,
                "published_at": WHEN,
            },
            "POST",
            "/posts",
            json={
                "title": "t",
                "body": "b",
                "userId": 2,
                "published": True,
                "publishedAt": WHEN_TEXT,
            },
            headers=JSON,
        ),
        Call(
            "replace_post",
            {
                "post_id": 1,
                "post_id_in_body": 1,
                "title": "a",
                "body": "b",
                "user_id": 1,
            },
            "PUT",
            "/posts/1",
            json={"id": 1, "title": "a", "body": "b", "userId": 1},
            headers=JSON,
        ),
        Call(
            "update_post",
            {"post_id": 1, "title": "only this"},
            "PATCH",
            "/posts/1",
            json={"title": "only this"},
            headers=JSON,
        ),
        Call("delete_post", {"post_id": 1}, "DELETE", "/posts/1"),
    ),
)

SENDGRID_FIELDS = {"api_user": "apikey", "api_key": "SG.s3cr3t+/=&key"}
SEND_GRID = Example(
    stem="send_grid_v2",
    class_name="SendGridV2Client",
    arguments=dict(SENDGRID_FIELDS),
    auth_body=SENDGRID_FIELDS,
    secrets=("SG.s3cr3t+/=&key",),
    calls=(
        Call(
            "send_mail",
            {
                "to": "a+b@example.com",
                "from_address": "me@example.com",
                "subject": "Grüße & more",
                "text": "line 1\nline 2",
                "x_smtpapi": '{"category": ["x"]}',
                "x_request_id": "sg-1",
            },
            "POST",
            "/mail.send.json",
            form={
                "to": "a+b@example.com",
                "from": "me@example.com",
                "subject": "Grüße & more",
                "text": "line 1\nline 2",
                "x-smtpapi": '{"category": ["x"]}',
            },
            headers={"X-Request-Id": "sg-1", **FORM},
        ),
        Call(
            # No body parameter: the body holds just the authentication fields.
            "get_suppressions",
            {"list_name": "bounces", "with_dates": 1, "days": 7, "limit": 10},
            "POST",
            "/bounces.get.json",
            args={"date": "1", "days": "7", "limit": "10"},
            form={},
            headers=FORM,
        ),
        Call(
            "delete_suppression",
            {"list_name": "spamreports", "email": "x@example.com"},
            "POST",
            "/spamreports.delete.json",
            form={"email": "x@example.com"},
            headers=FORM,
        ),
        Call("get_profile", {}, "POST", "/profile.get.json", form={}, headers=FORM),
        Call(
            "set_profile",
            {"first_name": "Zoë", "website": "https://example.com/?a=1&b=2"},
            "POST",
            "/profile.set.json",
            form={"first_name": "Zoë", "website": "https://example.com/?a=1&b=2"},
            headers=FORM,
        ),
    ),
)

PUSHOVER_FIELDS = {
    "token": "azGDORePK8gMaC0QOYAMyEEuzJnyUi",
    "user": "uQiRzpo4DXghDmr9QzzfQu",
}
PUSHOVER = Example(
    stem="pushover",
    class_name="PushoverClient",
    arguments={
        "app_token": PUSHOVER_FIELDS["token"],
        "user_key": PUSHOVER_FIELDS["user"],
    },
    auth_body=PUSHOVER_FIELDS,
    secrets=tuple(PUSHOVER_FIELDS.values()),
    calls=(
        Call(
            # A Form method in a spec whose default is Json.
            "send_message",
            {"message": "Backup done ✓", "html": 1, "timestamp": 1715000000},
            "POST",
            "/messages.json",
            form={
                "message": "Backup done ✓",
                "priority": "0",
                "html": "1",
                "timestamp": "1715000000",
            },
            headers=FORM,
        ),
        Call(
            "send_message",
            {"message": "Disk full", "priority": 2, "retry": 30, "expire": 3600},
            "POST",
            "/messages.json",
            form={
                "message": "Disk full",
                "priority": "2",
                "retry": "30",
                "expire": "3600",
            },
            headers=FORM,
        ),
        # No body parameter: a JSON body with just the authentication fields.
        Call(
            "validate_user", {}, "POST", "/users/validate.json", json={}, headers=JSON
        ),
        Call(
            "validate_user",
            {"device": "iphone"},
            "POST",
            "/users/validate.json",
            json={"device": "iphone"},
            headers=JSON,
        ),
        Call(
            "cancel_retries",
            {"receipt": AWKWARD},
            "POST",
            f"/receipts/{AWKWARD_PATH}/cancel.json",
            json={},
            headers=JSON,
        ),
        Call(
            "cancel_retries_by_tag",
            {"tag": "db 1"},
            "POST",
            "/receipts/cancel_by_tag/db%201.json",
            json={},
            headers=JSON,
        ),
        Call(
            "update_glance",
            {"title": "Sales", "count": 7, "percent": 42},
            "POST",
            "/glances.json",
            json={"title": "Sales", "count": 7, "percent": 42},
            headers=JSON,
        ),
    ),
)

GITHUB = Example(
    stem="github",
    class_name="GithubClient",
    arguments={"api_key": "ghp-token-1"},
    auth_headers={"Authorization": "Bearer ghp-token-1"},
    secrets=("ghp-token-1",),
    calls=(
        Call(
            "list_issues",
            {"owner": "octo cat", "repo": AWKWARD},
            "GET",
            f"/repos/octo%20cat/{AWKWARD_PATH}/issues",
            # per_page is the Paging's PageSize, sent though it is no parameter.
            args={"state": "open", "per_page": "100"},
            headers={"X-GitHub-Api-Version": "2022-11-28"},
        ),
        Call(
            "list_issues",
            {"owner": "o", "repo": "r", "state": "all", "since": WHEN},
            "GET",
            "/repos/o/r/issues",
            args={"state": "all", "since": WHEN_TEXT, "per_page": "100"},
            headers={"X-GitHub-Api-Version": "2022-11-28"},
        ),
        Call(
            "create_issue",
            {"owner": "o", "repo": "r", "title": "Broken ✓", "body": "It *is*."},
            "POST",
            "/repos/o/r/issues",
            json={"title": "Broken ✓", "body": "It *is*."},
            headers=JSON,
        ),
    ),
)

# The examples of issue 10 (paging and retry rules of real APIs); their paging is
# on the wire in tests/test_paging_styles.py, their retry rules in test_retry_rules.py.
STRIPE = Example(
    stem="stripe",
    class_name="StripeClient",
    arguments={"api_key": "sk_test_1"},
    auth_headers={"Authorization": "Bearer sk_test_1"},
    secrets=("sk_test_1",),
    calls=(
        Call("list_customers", {}, "GET", "/customers", args={"limit": "10"}),
        Call(
            "list_customers",
            {"email": "a+b@example.com", "page_size": 100},
            "GET",
            "/customers",
            args={"email": "a+b@example.com", "limit": "100"},
        ),
    ),
)
DROPBOX = Example(
    stem="dropbox",
    class_name="DropboxClient",
    arguments={"api_key": "sl.token"},
    auth_headers={"Authorization": "Bearer sl.token"},
    secrets=("sl.token",),
    calls=(
        Call(
            "list_folder",
            {"path": "/Photos", "recursive": True, "page_size": 2000},
            "POST",
            "/files/list_folder",
            json={"path": "/Photos", "recursive": True, "limit": 2000},
            headers=JSON,
        ),
    ),
)
NOTION = Example(
    stem="notion",
    class_name="NotionClient",
    arguments={"api_key": "secret_n"},
    auth_headers={"Authorization": "Bearer secret_n"},
    secrets=("secret_n",),
    calls=(
        Call(
            "query_database",
            {
                "database_id": "db 1",
                "filter_property": "Done",
                "filter_checkbox_equals": False,
                "page_size": 50,
            },
            "POST",
            "/databases/db%201/query",
            json={
                "filter": {"property": "Done", "checkbox": {"equals": False}},
                "page_size": 50,
            },
            headers={**JSON, "Notion-Version": "2022-06-28"},
        ),
        Call(
            "query_database",
            {"database_id": "d"},
            "POST",
            "/databases/d/query",
            json={"page_size": 100},
            headers={**JSON, "Notion-Version": "2022-06-28"},
        ),
    ),
)
MICROSOFT_GRAPH = Example(
    stem="microsoft_graph",
    class_name="MicrosoftGraphClient",
    arguments={"api_key": "eyJ.graph"},
    auth_headers={"Authorization": "Bearer eyJ.graph"},
    secrets=("eyJ.graph",),
    calls=(
        Call(
            "list_users",
            {"select": "displayName,mail", "top": 5},
            "GET",
            "/users",
            args={"$select": "displayName,mail", "$top": "5"},
        ),
    ),
)
SLACK = Example(
    stem="slack",
    class_name="SlackClient",
    arguments={"api_key": "xoxb-1"},
    auth_headers={"Authorization": "Bearer xoxb-1"},
    secrets=("xoxb-1",),
    calls=(
        Call(
            "list_conversations",
            {"types": "public_channel"},
            "GET",
            "/conversations.list",
            args={"types": "public_channel", "limit": "200"},
        ),
        Call(
            "post_message",
            {"channel": "C1", "text": "Hello ✓"},
            "POST",
            "/chat.postMessage",
            json={"channel": "C1", "text": "Hello ✓"},
            headers=JSON,
        ),
    ),
)
HUBSPOT = Example(
    stem="hubspot",
    class_name="HubspotClient",
    arguments={"api_key": "pat-na1"},
    auth_headers={"Authorization": "Bearer pat-na1"},
    secrets=("pat-na1",),
    calls=(
        Call(
            "list_contacts",
            {"page_size": 7},
            "GET",
            "/crm/v3/objects/contacts",
            args={"limit": "7"},
        ),
    ),
)

# Issue 11: two keys in two headers (ApiKey Keys), and connector-wide Headers.
DATADOG = Example(
    stem="datadog",
    class_name="DatadogClient",
    arguments={"api_key": "dd-api-0a1b", "application_key": "dd-app-9z8y"},
    auth_headers={"DD-API-KEY": "dd-api-0a1b", "DD-APPLICATION-KEY": "dd-app-9z8y"},
    secrets=("dd-api-0a1b", "dd-app-9z8y"),
    calls=(
        Call("validate", {}, "GET", "/api/v1/validate"),
        Call(
            "list_monitors", {"name": "cpu"}, "GET", "/api/v1/monitor", {"name": "cpu"}
        ),
        Call(
            "submit_metrics",
            {"series": "[]"},
            "POST",
            "/api/v2/series",
            json={"series": "[]"},
            headers=JSON,
        ),
    ),
)
ALGOLIA_HEADERS = {
    "X-Algolia-Application-Id": "LATENCY42",
    "X-Algolia-Agent": "connectorc",
}
ALGOLIA = Example(
    stem="algolia",
    class_name="AlgoliaClient",
    arguments={"api_key": "alg-key-77", "app_id": "LATENCY42"},
    auth_headers={"X-Algolia-API-Key": "alg-key-77"},
    secrets=("alg-key-77",),
    calls=(
        Call(
            "search_index",
            {"index_name": "my index", "query": "shoes", "hits_per_page": 5},
            "POST",
            "/indexes/my%20index/query",
            json={"query": "shoes", "hitsPerPage": 5},
            headers={**ALGOLIA_HEADERS, **JSON},
        ),
        Call(
            "get_object",
            {"index_name": "products", "object_id": AWKWARD},
            "GET",
            f"/indexes/products/{AWKWARD_PATH}",
            headers={**ALGOLIA_HEADERS, "X-Algolia-Agent": "connectorc get-object"},
        ),
        Call(
            "list_indices",
            {},
            "GET",
            "/indexes",
            headers={"X-Algolia-Application-Id": "LATENCY42"},
        ),
    ),
)

EXAMPLES = (
    MAILCHIMP,
    OPEN_WEATHER_MAP,
    TWILIO,
    JSON_PLACEHOLDER,
    SEND_GRID,
    PUSHOVER,
    GITHUB,
    STRIPE,
    DROPBOX,
    NOTION,
    MICROSOFT_GRAPH,
    SLACK,
    HUBSPOT,
    DATADOG,
    ALGOLIA,
)
AUTH_HEADERS = ("Authorization", "Proxy-Authorization", "X-Api-Key")
# httpbin leaves proxy headers out of its echo (its ENV_HEADERS), X-Request-Id among
# them; those are checked on the recorded request only.
HIDDEN_BY_HTTPBIN = frozenset({"x-request-id"})


def anything(httpbin: Any) -> str:
    return f"{httpbin.url}/anything"


def run_sync(example: Example, base_url: str) -> tuple[list[Any], list[httpx.Request]]:
    recorder = Recorder()
    with example.client(base_url, recorder) as client:
        echoes = [getattr(client, c.method)(**c.kwargs) for c in example.calls]
    return echoes, recorder.requests


def run_async(example: Example, base_url: str) -> tuple[list[Any], list[httpx.Request]]:
    recorder = AsyncRecorder()

    async def main() -> list[Any]:
        async with example.async_client(base_url, recorder) as client:
            return [await getattr(client, c.method)(**c.kwargs) for c in example.calls]

    return asyncio.run(main()), recorder.requests


def expected_body(example: Example, call: Call) -> tuple[Any, dict[str, str]]:
    """The JSON document and form httpbin must decode, credentials included."""
    body_auth = call.http_method in ("POST", "PUT", "PATCH")
    if call.json is not None:
        return {**call.json, **(example.auth_body if body_auth else {})}, {}
    if call.form is not None:
        return None, {**call.form, **(example.auth_body if body_auth else {})}
    return None, {}


# -- every method of every example -----------------------------------------------------


# The project's own example specs. Each needs its calls tested (here, or in the OAuth
# and script tests), so no example client goes untested; a spec a user adds to specs/
# is theirs, and not held to this rule.
PROJECT_EXAMPLES = frozenset(
    {
        "acme_session",
        "algolia",
        "asana",
        "app_store_connect",
        "auth0_management",
        "datadog",
        "dropbox",
        "ghost_admin",
        "github",
        "github_app",
        "google_calendar",
        "google_sheets_service",
        "hubspot",
        "json_placeholder",
        "mailchimp",
        "microsoft_graph",
        "microsoft_graph_app",
        "notion",
        "okta_service_app",
        "open_weather_map",
        "pushover",
        "reddit",
        "salesforce",
        "send_grid_v2",
        "shopify_webhooks",
        "slack",
        "spotify",
        "stripe",
        "twilio_conversations",
        "twitch",
        "twitter",
    }
)


def _check_examples_tested(specs: set[str]) -> None:
    """Every project example in ``specs`` is there and has wire tests."""
    # OAuth examples call every method against their own test servers instead:
    # OAuth 2 in tests/test_oauth2_server_flows.py, OAuth 1 (twitter) in
    # tests/test_oauth1_provider.py.
    oauth = set(OAUTH2_EXAMPLES) | {"twitter"}
    # reddit (BasicUnencoded): tests/test_oauth2_basic_unencoded.py;
    # auth0_management (JSON token request): tests/test_oauth2_token_requests.py.
    oauth |= {"reddit", "auth0_management"}
    # twitch (a credential in Headers): tests/test_headers_and_keys.py.
    oauth |= {"twitch"}
    # asana (several authentication methods): tests/test_auth_methods.py.
    oauth |= {"asana"}
    # The example with a hook script calls every method in tests/test_scripts.py.
    scripted = {"shopify_webhooks"}
    # Session and Jwt examples against their own servers (tests/test_session.py,
    # tests/test_jwt.py); RFC 7523 (the JWT bearer grant, private_key_jwt) in
    # tests/test_oauth2_client_assertion.py.
    own_servers = {
        "acme_session",
        "ghost_admin",
        "github_app",
        "app_store_connect",
        "google_sheets_service",
        "okta_service_app",
        "microsoft_graph_app",
    }
    tested = {example.stem for example in EXAMPLES} | oauth | scripted | own_servers
    assert sorted(PROJECT_EXAMPLES - specs) == [], "a project example is missing"
    assert sorted(PROJECT_EXAMPLES - tested) == [], "a project example has no tests"


def test_every_spec_has_wire_tests() -> None:
    """A new example spec needs its calls here, so no client goes untested."""
    _check_examples_tested({path.stem for path in SPECS.glob("*.yaml")})


def test_a_users_own_spec_does_not_break_the_tests() -> None:
    specs = {path.stem for path in SPECS.glob("*.yaml")}
    _check_examples_tested(specs | {"my_own_api"})
    with pytest.raises(AssertionError, match="missing"):
        _check_examples_tested(specs - {"mailchimp"})


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_every_method_on_the_wire(example: Example, httpbin: Any) -> None:
    echoes, sent = run_sync(example, anything(httpbin))
    assert len(sent) == len(example.calls)  # one request per call, no retries
    for call, echo, request in zip(example.calls, echoes, sent, strict=True):
        where = f"{example}.{call.method}({call.kwargs})"
        assert echo["method"] == call.http_method, where
        assert raw_path(request) == "/anything" + call.path, where
        assert echo["args"] == {**call.args, **example.auth_args}, where
        document, form = expected_body(example, call)
        assert echo["json"] == document, where
        assert echo["form"] == form, where
        if document is None and not form:
            assert echo["data"] == "", where
            assert "Content-Type" not in request.headers, where
        received = httpx.Headers(echo["headers"])
        for name, value in {**call.headers, **example.auth_headers}.items():
            assert request.headers.get(name) == value, (where, name)
            if name.lower() not in HIDDEN_BY_HTTPBIN:
                assert received.get(name) == value, (where, name)
        for name in AUTH_HEADERS:
            if name not in example.auth_headers:
                assert name not in request.headers, (where, name)


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_async_client_sends_the_same(example: Example, httpbin: Any) -> None:
    sync_echoes, sync_sent = run_sync(example, anything(httpbin))
    async_echoes, async_sent = run_async(example, anything(httpbin))
    assert async_echoes == sync_echoes
    for sync_request, async_request in zip(sync_sent, async_sent, strict=True):
        assert async_request.method == sync_request.method
        assert async_request.url == sync_request.url
        assert async_request.content == sync_request.content
        assert async_request.headers.multi_items() == sync_request.headers.multi_items()


def test_form_bodies_are_encoded_exactly(httpbin: Any) -> None:
    """The bytes of a form body, and of one with authentication fields added."""
    _, sent = run_sync(TWILIO, anything(httpbin))
    send_message = sent[[c.method for c in TWILIO.calls].index("send_message")]
    assert send_message.content == (
        b"Body=Ahoy+%F0%9F%91%8B+a%2Bb%3Dc%26d&Author=zo%C3%AB"
    )
    _, sent = run_sync(SEND_GRID, anything(httpbin))
    delete = sent[[c.method for c in SEND_GRID.calls].index("delete_suppression")]
    assert delete.content == (
        b"email=x%40example.com&api_user=apikey&api_key=SG.s3cr3t%2B%2F%3D%26key"
    )
    assert delete.headers["Content-Length"] == str(len(delete.content))


# -- authentication against httpbin's checking endpoints -------------------------------


def test_bearer_header_is_accepted_by_a_real_server(httpbin: Any) -> None:
    mailchimp = MAILCHIMP.module
    auth = mailchimp.ApiKeyAuth("mc-key-5f3a-us21")
    with httpx.Client(auth=auth, trust_env=False) as http:
        answer = http.get(f"{httpbin.url}/bearer")
    assert answer.status_code == 200
    assert answer.json() == {"authenticated": True, "token": "mc-key-5f3a-us21"}
    with httpx.Client(trust_env=False) as http:  # it does check: no token, no entry
        assert http.get(f"{httpbin.url}/bearer").status_code == 401


def test_basic_credentials_are_accepted_by_a_real_server(httpbin: Any) -> None:
    twilio = TWILIO.module
    # RFC 7617 with UTF-8: a non-ASCII password and colons after the first.
    auth = twilio.BasicAuth("user", "pässwörd:x")
    with httpx.Client(auth=auth, trust_env=False) as http:
        answer = http.get(f"{httpbin.url}/basic-auth/user/p%C3%A4ssw%C3%B6rd:x")
        refused = http.get(f"{httpbin.url}/basic-auth/user/other")
    assert answer.status_code == 200
    assert answer.json() == {"authenticated": True, "user": "user"}
    assert refused.status_code == 401


def test_basic_client_method_against_basic_auth_endpoint(httpbin: Any) -> None:
    """fetch_conversation's path lands on /basic-auth/Conversations/<sid>.

    httpbin takes the last two segments as the expected user and password, so the
    client's own method proves that the server accepts what the client sends.
    """
    twilio = TWILIO.module
    base = f"{httpbin.url}/basic-auth"
    with twilio.TwilioConversationsClient(
        username="Conversations", password="CH42", base_url=base
    ) as client:
        assert client.fetch_conversation(conversation_sid="CH42") == {
            "authenticated": True,
            "user": "Conversations",
        }
    wrong = "not-the-password-9f8e"
    with (
        twilio.TwilioConversationsClient(
            username="Conversations", password=wrong, base_url=base
        ) as client,
        pytest.raises(twilio.TwilioConversationsError) as caught,
    ):
        client.fetch_conversation(conversation_sid="CH42")
    error = caught.value
    assert error.status_code == 401
    assert str(error) == (f"GET {base}/Conversations/CH42 answered 401 UNAUTHORIZED")
    assert wrong not in str(error) and wrong not in repr(error)
    assert base64.b64encode(f"Conversations:{wrong}".encode()).decode() not in str(
        error
    )


def test_async_basic_client_gets_the_same_401(httpbin: Any) -> None:
    twilio = TWILIO.module

    async def main() -> int:
        async with twilio.AsyncTwilioConversationsClient(
            username="Conversations",
            password="wrong",
            base_url=f"{httpbin.url}/basic-auth",
        ) as client:
            try:
                await client.fetch_conversation(conversation_sid="CH42")
            except twilio.TwilioConversationsError as error:
                return int(error.status_code)
        return 200

    assert asyncio.run(main()) == 401


# -- credentials go where the AuthType says, and nowhere else --------------------------


def test_query_key_is_added_to_the_existing_query(httpbin: Any) -> None:
    recorder = Recorder()
    client = OPEN_WEATHER_MAP.client(anything(httpbin), recorder)
    with client:
        client.geocode(query="Paris,FR", limit=1)
    (request,) = recorder.requests
    assert request.url.params.multi_items() == [
        ("q", "Paris,FR"),
        ("limit", "1"),
        ("appid", "owm-0a1b2c3d"),
    ]
    assert "owm-0a1b2c3d" not in str(request.headers)


def test_header_format_builds_the_bearer_value(httpbin: Any) -> None:
    mailchimp = MAILCHIMP.module
    assert mailchimp.ApiKeyAuth.FORMAT == "Bearer {ApiKey}"
    # Braces in a key are taken as they are, not as format fields.
    client = mailchimp.MailchimpClient(
        api_key="{ApiKey}{0}", dc="us1", base_url=anything(httpbin)
    )
    with client:
        echo = client.ping()
    assert echo["headers"]["Authorization"] == "Bearer {ApiKey}{0}"


@pytest.mark.parametrize("example", [SEND_GRID, PUSHOVER], ids=str)
def test_auth_fields_only_in_post_put_and_patch_bodies(
    example: Example, httpbin: Any
) -> None:
    """The generated AuthFieldsAuth, used on its own with every HTTP method.

    Every method of an AuthFields spec is a POST, PUT or PATCH (the compiler refuses
    others), so requests without a body are sent through the auth class directly.
    """
    recorder = Recorder()
    auth = example.auth()
    with httpx.Client(
        auth=auth, base_url=anything(httpbin), transport=recorder
    ) as http:
        for method in ("GET", "DELETE", "HEAD", "OPTIONS"):
            http.request(method, "/x", params={"a": "1"}).raise_for_status()
            request = recorder.requests[-1]
            assert request.method == method
            assert request.url.params.multi_items() == [("a", "1")]
            assert request.content == b""
            assert "Content-Type" not in request.headers
        for method in ("GET", "DELETE"):  # and httpbin saw no body either
            echo = http.request(method, "/x").json()
            assert echo["data"] == "" and echo["form"] == {} and echo["json"] is None
        for method in ("POST", "PUT", "PATCH"):
            echo = http.request(method, "/x", json={"n": 1, "ok": True}).json()
            assert echo["json"] == {"n": 1, "ok": True, **example.auth_body}
            echo = http.request(method, "/x", data={"n": "1"}).json()
            assert echo["form"] == {"n": "1", **example.auth_body}
            assert echo["args"] == {}
            for secret in example.secrets:
                assert secret not in json.dumps(echo["headers"])


def test_auth_fields_refuse_a_body_they_cannot_extend(httpbin: Any) -> None:
    auth = PUSHOVER.auth()
    with httpx.Client(auth=auth, base_url=anything(httpbin), trust_env=False) as http:
        with pytest.raises(TypeError, match="JSON object"):
            http.post("/x", json=[1, 2])
        with pytest.raises(TypeError, match="text/plain"):
            http.post("/x", content=b"hi", headers={"Content-Type": "text/plain"})


# -- values checked before anything is sent --------------------------------------------

BAD_VALUES = [
    (MAILCHIMP, "list_members", {"list_id": "L1", "status": "gone"}, "status"),
    (
        MAILCHIMP,
        "add_member",
        {"list_id": "L", "email_address": "e", "status": "no"},
        "status",
    ),
    (OPEN_WEATHER_MAP, "geocode", {"query": "x", "limit": 6}, "limit"),
    (OPEN_WEATHER_MAP, "forecast", {"lat": 0, "lon": 0, "units": "kelvin"}, "units"),
    (TWILIO, "list_messages", {"conversation_sid": "CH1", "order": "up"}, "order"),
    (JSON_PLACEHOLDER, "list_posts", {"cache_control": "no-store"}, "cache_control"),
    (SEND_GRID, "get_suppressions", {"list_name": "spam"}, "list_name"),
    (
        SEND_GRID,
        "get_suppressions",
        {"list_name": "blocks", "with_dates": 0},
        "with_dates",
    ),
    (PUSHOVER, "send_message", {"message": "m", "priority": 3}, "priority"),
    (PUSHOVER, "send_message", {"message": "m", "html": "1"}, "html"),
]


@pytest.mark.parametrize(
    ("example", "method", "kwargs", "argument"),
    BAD_VALUES,
    ids=[f"{e}.{m}.{a}" for e, m, _, a in BAD_VALUES],
)
def test_values_are_enforced_before_sending(
    example: Example, method: str, kwargs: dict[str, Any], argument: str, httpbin: Any
) -> None:
    recorder = Recorder()
    with (
        example.client(anything(httpbin), recorder) as client,
        pytest.raises(ValueError, match=rf"^{argument} must be one of "),
    ):
        getattr(client, method)(**kwargs)
    assert recorder.requests == []


def test_required_merge_field_is_enforced_before_sending(httpbin: Any) -> None:
    recorder = Recorder()
    with (
        MAILCHIMP.client(anything(httpbin), recorder) as client,
        pytest.raises(ValueError, match=r"^list_id is required"),
    ):
        client.list_members(list_id="")
    assert recorder.requests == []


# -- construction: from_env, properties, context manager -------------------------------

ENVIRONMENTS = [
    (
        MAILCHIMP,
        {"MAILCHIMP_API_KEY": "mc-key-5f3a-us21", "MAILCHIMP_DC": "us21"},
        "https://us21.api.mailchimp.com/3.0",
    ),
    (
        OPEN_WEATHER_MAP,
        {"OPEN_WEATHER_MAP_API_KEY": "owm-0a1b2c3d"},
        "https://api.openweathermap.org",
    ),
    (
        TWILIO,
        {
            "TWILIO_CONVERSATIONS_USERNAME": TWILIO_USER,
            "TWILIO_CONVERSATIONS_PASSWORD": TWILIO_PASSWORD,
        },
        "https://conversations.ashburn.us1.twilio.com/v1",
    ),
    (JSON_PLACEHOLDER, {}, "https://jsonplaceholder.typicode.com"),
    (
        SEND_GRID,
        {"SEND_GRID_V2_API_USER": "apikey", "SEND_GRID_V2_API_KEY": "SG.s3cr3t+/=&key"},
        "https://api.sendgrid.com/api",
    ),
    (
        PUSHOVER,
        {
            "PUSHOVER_APP_TOKEN": PUSHOVER_FIELDS["token"],
            "PUSHOVER_USER_KEY": PUSHOVER_FIELDS["user"],
        },
        "https://api.pushover.net/1",
    ),
]


@pytest.mark.parametrize(
    ("example", "environ", "default_url"),
    ENVIRONMENTS,
    ids=[str(e[0]) for e in ENVIRONMENTS],
)
def test_from_env_sends_what_keyword_arguments_send(
    example: Example, environ: dict[str, str], default_url: str, httpbin: Any
) -> None:
    module = example.module
    # httpx ends a base URL that has a path with "/" (so that paths join below it).
    shown = default_url if default_url.count("/") == 2 else default_url + "/"
    with getattr(module, example.class_name).from_env(environ) as client:
        assert repr(client) == f"{example.class_name}(base_url={shown!r})"
    async_client = getattr(module, f"Async{example.class_name}").from_env(environ)
    assert repr(async_client) == f"Async{example.class_name}(base_url={shown!r})"
    asyncio.run(async_client.aclose())
    # The first call, made by a client from the environment, arrives as it does from
    # one made with keyword arguments.
    call = example.calls[0]
    recorder = Recorder()
    cls = getattr(module, example.class_name)
    with cls.from_env(
        environ, base_url=anything(httpbin), transport=recorder
    ) as client:
        from_env = getattr(client, call.method)(**call.kwargs)
    echoes, _ = run_sync(example, anything(httpbin))
    assert from_env == echoes[0]


@pytest.mark.parametrize(
    ("example", "environ", "default_url"),
    [e for e in ENVIRONMENTS if e[1]],
    ids=[str(e[0]) for e in ENVIRONMENTS if e[1]],
)
def test_from_env_names_each_missing_variable(
    example: Example, environ: dict[str, str], default_url: str
) -> None:
    cls = getattr(example.module, example.class_name)
    for variable in environ:
        partial = {k: v for k, v in environ.items() if k != variable}
        with pytest.raises(ValueError, match=f"set the {variable} variable"):
            cls.from_env(partial)
        if variable == "TWILIO_CONVERSATIONS_PASSWORD":  # Basic: may be set to nothing
            cls.from_env({**partial, variable: ""}).close()
            continue
        with pytest.raises(ValueError, match=f"set the {variable} variable"):
            cls.from_env({**partial, variable: ""})


def test_from_env_fills_properties_with_defaults_and_overrides() -> None:
    twilio = TWILIO.module
    environ = {
        "TWILIO_CONVERSATIONS_USERNAME": TWILIO_USER,
        "TWILIO_CONVERSATIONS_PASSWORD": TWILIO_PASSWORD,
        "TWILIO_CONVERSATIONS_EDGE": "dublin",
        "TWILIO_CONVERSATIONS_REGION": "ie1",
    }
    with twilio.TwilioConversationsClient.from_env(environ) as client:
        shown = repr(client)
    assert shown == (
        "TwilioConversationsClient(base_url='https://conversations.dublin.ie1.twilio.com/v1/')"
    )
    # A property value lands in the host as one escaped label, never as more URL.
    odd = twilio.TwilioConversationsClient(
        username="u", password="p", edge="evil.com/x?", region="us1"
    )
    with odd:  # (httpx writes host names in lower case)
        assert "//conversations.evil.com%2fx%3f.us1.twilio.com/v1/" in repr(odd)


def test_missing_keyword_arguments_are_named() -> None:
    mailchimp = MAILCHIMP.module
    with pytest.raises(ValueError, match=r"^dc is required"):
        mailchimp.MailchimpClient(api_key="k", dc="")
    with pytest.raises(ValueError, match=r"^api_key is required"):
        mailchimp.MailchimpClient(api_key="", dc="us1")
    with pytest.raises(TypeError, match="api_key"):
        mailchimp.MailchimpClient(dc="us1")
    with pytest.raises(ValueError, match=r"^user_key is required"):
        PUSHOVER.module.PushoverClient(app_token="t", user_key="")


def test_context_managers_close_the_connections(httpbin: Any) -> None:
    recorder = Recorder()
    with JSON_PLACEHOLDER.client(anything(httpbin), recorder) as client:
        assert client.get_post(post_id=3)["method"] == "GET"
    with pytest.raises(RuntimeError, match="closed"):
        client.get_post(post_id=3)

    async def main() -> None:
        async with JSON_PLACEHOLDER.async_client(
            anything(httpbin), AsyncRecorder()
        ) as client:
            assert (await client.get_post(post_id=3))["method"] == "GET"
        with pytest.raises(RuntimeError, match="closed"):
            await client.get_post(post_id=3)

    asyncio.run(main())


# -- no secret in a repr or an error message -------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_no_secret_in_reprs_or_errors(example: Example, httpbin: Any) -> None:
    module = example.module
    # A path httpbin does not serve: every method answers 404.
    base = f"{httpbin.url}/nowhere"
    client = example.client(base, Recorder())
    async_client = example.async_client(base, AsyncRecorder())
    error_class = getattr(module, f"{example.class_name[: -len('Client')]}Error")
    call = example.calls[0]
    with client, pytest.raises(error_class) as caught:
        getattr(client, call.method)(**call.kwargs)
    error = caught.value
    assert error.status_code == 404
    assert str(error).startswith(f"{call.http_method} {base}/")
    assert str(error).endswith(" answered 404 NOT FOUND")
    texts = [repr(client), repr(async_client), str(error), repr(error)]
    auth = example.auth()
    if auth is not None:
        texts.append(repr(auth))
    else:
        assert example.stem == "json_placeholder" and not example.secrets
    for text in texts:
        for secret in example.secrets:
            assert secret not in text, (text, secret)
    asyncio.run(async_client.aclose())


def test_auth_reprs_say_what_they_hide() -> None:
    assert repr(MAILCHIMP.module.ApiKeyAuth("k")) == "ApiKeyAuth(api_key='***')"
    assert repr(TWILIO.module.BasicAuth("AC1", "tok")) == (
        "BasicAuth(username='AC1', password='***')"
    )
    assert repr(PUSHOVER.module.AuthFieldsAuth(PUSHOVER_FIELDS)) == (
        "AuthFieldsAuth(fields=['token', 'user'], values='***')"
    )


def test_the_tests_cannot_reach_beyond_loopback() -> None:
    """conftest.py refuses other hosts, so a client left on its real URL fails here."""
    client = JSON_PLACEHOLDER.module.JsonPlaceholderClient()
    with client, pytest.raises(httpx.ConnectError, match=r"127\.0\.0\.1 only"):
        client.get_post(post_id=1)
