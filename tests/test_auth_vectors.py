"""Published test vectors through the generated authentication classes.

RFC 7617 (HTTP Basic): section 2 gives ``Aladdin`` / ``open sesame`` ->
``QWxhZGRpbjpvcGVuIHNlc2FtZQ==``; section 2.1 gives the UTF-8 example ``test`` /
``123£`` -> ``dGVzdDoxMjPCow==``. Each is checked through the generated ``BasicAuth``
(sync and async flows) and through a generated client, whose request never leaves the
process (``httpx.MockTransport``).
"""

from __future__ import annotations

import asyncio
from types import ModuleType

import httpx
import pytest

from tests.support import import_generated

RFC_7617 = [
    pytest.param("Aladdin", "open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ==", id="2"),
    pytest.param("test", "123\u00a3", "dGVzdDoxMjPCow==", id="2.1-utf-8"),
]


@pytest.fixture(scope="module")
def twilio() -> ModuleType:
    """A generated module whose AuthType is Basic."""
    return import_generated("twilio_conversations")


def _sync_header(auth: httpx.Auth) -> bytes:
    flow = auth.sync_auth_flow(httpx.Request("GET", "https://api.example.com/"))
    return dict(next(flow).headers.raw)[b"Authorization"]


def _async_header(auth: httpx.Auth) -> bytes:
    async def first() -> httpx.Request:
        flow = auth.async_auth_flow(httpx.Request("GET", "https://api.example.com/"))
        return await anext(flow)

    return dict(asyncio.run(first()).headers.raw)[b"Authorization"]


@pytest.mark.parametrize(("username", "password", "encoded"), RFC_7617)
def test_basic_auth_class(
    twilio: ModuleType, username: str, password: str, encoded: str
) -> None:
    auth = twilio.BasicAuth(username, password)
    expected = b"Basic " + encoded.encode("ascii")
    assert _sync_header(auth) == expected
    assert _async_header(auth) == expected


@pytest.mark.parametrize(("username", "password", "encoded"), RFC_7617)
def test_basic_client(
    twilio: ModuleType, username: str, password: str, encoded: str
) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    with twilio.TwilioConversationsClient(
        username=username, password=password, transport=httpx.MockTransport(answer)
    ) as client:
        client.fetch_conversation(conversation_sid="CH1")
    (request,) = seen
    assert request.headers["Authorization"] == f"Basic {encoded}"


def test_basic_user_id_cannot_hold_a_colon(twilio: ModuleType) -> None:
    """RFC 7617 section 2: a user-id containing a colon cannot be encoded."""
    with pytest.raises(ValueError, match="must not contain ':'"):
        twilio.BasicAuth("Ala:ddin", "open sesame")
    # The password may: only the first colon separates the two.
    assert _sync_header(twilio.BasicAuth("a", "b:c")) == b"Basic YTpiOmM="
