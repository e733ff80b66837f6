"""The example Mailchimp client against an httpx.MockTransport: wire details."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import httpx
import pytest

from tests.support import import_generated


def test_bearer_header_path_query_and_body() -> None:
    mailchimp = import_generated("mailchimp")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    client = mailchimp.MailchimpClient(
        api_key="k-123", dc="us21", transport=httpx.MockTransport(handler)
    )
    assert client.list_members(list_id="a/b", status="subscribed") == {"ok": True}
    client.add_member(list_id="L1", email_address="a@example.com", status="pending")
    first, second = seen
    assert str(first.url) == (
        "https://us21.api.mailchimp.com/3.0/lists/a%2Fb/members?status=subscribed&count=10"
    )
    assert first.headers["Authorization"] == "Bearer k-123"
    assert json.loads(second.content) == {
        "email_address": "a@example.com",
        "status": "pending",
    }
    assert "k-123" not in repr(client)


def test_error_names_status_without_query() -> None:
    mailchimp = import_generated("mailchimp")
    transport = httpx.MockTransport(lambda r: httpx.Response(404, text="nope"))
    client = mailchimp.MailchimpClient(api_key="k", dc="us1", transport=transport)
    with pytest.raises(mailchimp.MailchimpError) as caught:
        client.list_members(list_id="x")
    assert caught.value.status_code == 404
    assert caught.value.body == "nope"
    assert str(caught.value) == (
        "GET https://us1.api.mailchimp.com/3.0/lists/x/members answered 404 Not Found"
    )


def test_a_boolean_is_not_an_allowed_integer() -> None:
    """Values [0, 1] admit 1 but not True, although True == 1 in Python."""
    pushover = import_generated("pushover")
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"status": 1})

    client = pushover.PushoverClient(
        app_token="a", user_key="u", transport=httpx.MockTransport(handler)
    )
    with pytest.raises(ValueError, match="html must be one of 0, 1, not True"):
        client.send_message(message="hi", html=True)
    assert sent == []
    client.send_message(message="hi", html=1)
    assert dict(parse_qsl(sent[0].content.decode()))["html"] == "1"  # a form body


def test_a_missing_auth_field_is_refused_before_a_client_is_made() -> None:
    pushover = import_generated("pushover")
    with pytest.raises(ValueError, match="app_token is required"):
        pushover.PushoverClient(app_token="", user_key="u")
