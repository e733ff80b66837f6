"""A request sent again after a 503 carries its credentials once, set anew.

A retry starts from the headers the first attempt sent (no copy is made per request):
every auth flow sets its headers by assignment, so the retry's are replaced, never
added twice. Checked on the wire, against a real local server, for each way the
credentials travel in a header: an API key with a Format, Basic, OAuth 1 (a new nonce
and signature per attempt) and an OAuth 2 bearer token (fetched once). The server
sees a header sent twice as one value joined with a comma (werkzeug's WSGI environ),
so the equality checks below would catch a doubled header.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from flask import Flask, Response, jsonify, request

from tests.paging_server import serving
from tests.support import compile_text

RETRIES = "Retries: { MaxAttempts: 3, InitialDelay: 0.01, MaxDelay: 0.02 }"
METHODS = """\
Methods:
  - { Name: Busy, HttpMethod: GET, EndPoint: /busy }
  - Name: Busy Form
    HttpMethod: POST
    EndPoint: /busy
    RetrySafe: true
    Parameters:
      - { TargetType: Body, TargetName: note }
"""
SPECS = {
    "api_key": """\
SpecVersion: 1
Name: Retry Key
BaseUrl: http://127.0.0.1:9
Authentication: { AuthType: ApiKey, Header: Authorization, Format: "Token {ApiKey}" }
RequestFormat: Form
""",
    "basic": """\
SpecVersion: 1
Name: Retry Basic
BaseUrl: http://127.0.0.1:9
Authentication: { AuthType: Basic }
RequestFormat: Form
""",
    "oauth1": """\
SpecVersion: 1
Name: Retry Signed
BaseUrl: http://127.0.0.1:9
Authentication:
  AuthType: OAuth1
  RequestTokenUrl: http://127.0.0.1:9/oauth/request_token
  AuthorizeUrl: http://127.0.0.1:9/oauth/authorize
  AccessTokenUrl: http://127.0.0.1:9/oauth/access_token
  SignatureMethod: HMAC-SHA1
  SignatureLocation: Header
RequestFormat: Form
""",
    "oauth2": """\
SpecVersion: 1
Name: Retry Bearer
BaseUrl: http://127.0.0.1:9
Authentication:
  AuthType: OAuth2
  OAuth2Type: ClientCredentials
  AccessTokenUrl: http://127.0.0.1:9/token
RequestFormat: Form
""",
}


class Busy:
    """Answers 503 to the first ``busy`` requests to /busy, then 200; records the
    Authorization header and body of each, and counts token requests."""

    def __init__(self) -> None:
        self.url = ""
        self.busy = 2
        self.seen: list[tuple[str | None, bytes]] = []
        self.tokens = 0

    def reset(self) -> None:
        self.busy = 2
        self.seen.clear()
        self.tokens = 0

    def app(self) -> Flask:
        app = Flask(__name__)

        @app.post("/token")
        def token() -> Response:
            self.tokens += 1
            return jsonify(
                access_token="bearer-1", token_type="Bearer", expires_in=3600
            )

        @app.route("/busy", methods=["GET", "POST"])
        def busy() -> Response:
            self.seen.append((request.headers.get("Authorization"), request.get_data()))
            if len(self.seen) <= self.busy:
                return Response("busy", status=503, headers={"Retry-After": "0"})
            return jsonify(ok=True)

        return app


@pytest.fixture(scope="module")
def server() -> Iterator[Busy]:
    state = Busy()
    with serving(state.app()) as url:
        state.url = url
        yield state


@pytest.fixture(autouse=True)
def _fresh(server: Busy) -> None:
    server.reset()


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    folder = tmp_path_factory.mktemp("retry_credentials")
    return {
        kind: compile_text(
            text + RETRIES + "\n" + METHODS, folder, f"retry_{kind}.yaml"
        )
        for kind, text in SPECS.items()
    }


def make_client(kind: str, modules: dict[str, ModuleType], server: Busy) -> Any:
    module = modules[kind]
    url = server.url
    if kind == "api_key":
        return module.RetryKeyClient(api_key="key-1", base_url=url)
    if kind == "basic":
        return module.RetryBasicClient(username="ann", password="pw-1", base_url=url)
    if kind == "oauth1":
        return module.RetrySignedClient(
            client_id="ck",
            client_secret="cs",
            token="tk",
            token_secret="ts",
            base_url=url,
        )
    return module.RetryBearerClient(
        client_id="id-1",
        client_secret="secret-1",
        token_endpoint=f"{url}/token",
        base_url=url,
    )


BASIC = "Basic " + base64.b64encode(b"ann:pw-1").decode("ascii")
EXPECTED = {"api_key": "Token key-1", "basic": BASIC, "oauth2": "Bearer bearer-1"}


@pytest.mark.parametrize("call", ["get", "post"])
@pytest.mark.parametrize("kind", sorted(SPECS))
def test_a_retry_sends_the_credentials_once_set_anew(
    kind: str, call: str, modules: dict[str, ModuleType], server: Busy
) -> None:
    with make_client(kind, modules, server) as client:
        if call == "get":
            assert client.busy() == {"ok": True}
        else:
            assert client.busy_form(note="same body") == {"ok": True}
    headers = [header for header, _ in server.seen]
    bodies = {body for _, body in server.seen}
    assert len(headers) == 3, server.seen  # two 503s, then the answer
    assert bodies == ({b""} if call == "get" else {b"note=same+body"})
    if kind == "oauth1":
        nonces = []
        for header in headers:
            assert header is not None and header.startswith("OAuth "), header
            assert header.count("oauth_signature=") == 1, header
            nonces += re.findall(r'oauth_nonce="([^"]+)"', header)
        assert len(set(nonces)) == 3, headers  # signed anew for every attempt
    else:
        assert headers == [EXPECTED[kind]] * 3
    assert server.tokens == (1 if kind == "oauth2" else 0)
