"""A real OAuth 2 authorization and resource server for the tests.

Built from authlib's server side (Flask), served by werkzeug in a thread on
127.0.0.1. It speaks the authorization code grant with PKCE (authlib's CodeChallenge
extension), client credentials, password and refresh token grants, rotates refresh
tokens, and counts every token request so that tests can say how many were made.
Token lifetimes, refresh token lifetimes and a delay of the token endpoint are
settings a test may change between requests.
"""

from __future__ import annotations

import base64
import hmac
import html
import json
import os
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus, urlsplit

from authlib.integrations.flask_oauth2 import (  # type: ignore[import-untyped]
    AuthorizationServer,
    ResourceProtector,
    current_token,
)
from authlib.oauth2.rfc6749 import (  # type: ignore[import-untyped]
    AuthorizationCodeMixin,
    ClientMixin,
    InvalidClientError,
    InvalidGrantError,
    TokenMixin,
    grants,
)
from authlib.oauth2.rfc6750 import (  # type: ignore[import-untyped]
    BearerTokenGenerator,
    BearerTokenValidator,
)
from authlib.oauth2.rfc7523 import (  # type: ignore[import-untyped]
    JWTBearerClientAssertion,
    JWTBearerGrant,
)
from authlib.oauth2.rfc7636 import CodeChallenge  # type: ignore[import-untyped]
from flask import Flask, Response, jsonify, request
from joserfc import jwt as jose_jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OctKey, RSAKey

from tests.paging_server import serving

__all__ = ["REDIRECT_URI", "OAuth2TestServer", "RegisteredClient", "running_server"]

REDIRECT_URI = "http://127.0.0.1/callback"
USERS = {"alice": "wonder land:%+é"}
ALL_METHODS = ("client_secret_basic", "client_secret_post", "none")


@dataclass
class RegisteredClient(ClientMixin):  # type: ignore[misc]
    """A client registration: its id, secret, grants and token endpoint method."""

    client_id: str
    client_secret: str | None
    auth_method: str
    grant_types: tuple[str, ...]
    scope: str = "read write"
    redirect_uris: tuple[str, ...] = (REDIRECT_URI,)
    # The key that checks the client's RFC 7523 assertions: the public key (PEM) for
    # private_key_jwt; client_secret_jwt uses client_secret.
    public_key: str | None = None

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str | None) -> str:
        if not scope:
            return self.scope
        allowed = set(self.scope.split())
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        if redirect_uri in self.redirect_uris:
            return True
        # RFC 8252 7.3: for a loopback redirect URI the server must allow any port,
        # which a native app (connectorc login) picks when it starts listening.
        given = urlsplit(redirect_uri)
        return (
            given.scheme == "http"
            and given.hostname == "127.0.0.1"
            and any(
                given._replace(netloc="127.0.0.1").geturl() == registered
                for registered in self.redirect_uris
            )
        )

    def check_client_secret(self, client_secret: str) -> bool:
        if self.client_secret is None:
            return False
        return hmac.compare_digest(
            client_secret.encode("utf-8"), self.client_secret.encode("utf-8")
        )

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.auth_method if endpoint == "token" else True

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):  # type: ignore[misc]
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: str
    code_challenge: str | None
    code_challenge_method: str | None

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


@dataclass
class IssuedToken(TokenMixin):  # type: ignore[misc]
    access_token: str
    client_id: str
    scope: str
    user: str | None
    expires_in: int
    refresh_token: str | None = None
    refresh_expires_at: float | None = None
    issued_at: float = field(default_factory=time.time)
    revoked: bool = False
    refresh_revoked: bool = False

    def check_client(self, client: RegisteredClient) -> bool:
        return client.client_id == self.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return self.issued_at + self.expires_in < time.time()

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> str | None:
        return self.user

    def get_client(self) -> Any:
        raise NotImplementedError  # not needed by the grants used here


class OAuth2TestServer:
    """The server's state and settings; ``url`` is set once it listens."""

    def __init__(self) -> None:
        self.url = ""
        self.lock = threading.Lock()
        self.clients: dict[str, RegisteredClient] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.tokens: dict[str, IssuedToken] = {}
        self.by_refresh: dict[str, IssuedToken] = {}
        # Token requests by grant_type, and every token request's form and headers.
        self.token_requests: Counter[str] = Counter()
        self.token_forms: list[dict[str, str]] = []
        self.token_headers: list[dict[str, str]] = []
        self.resource_requests = 0
        # Settings a test may change.
        self.access_token_lifetime = 3600
        self.refresh_token_lifetime: int | None = (
            None  # sent as refresh_token_expires_in
        )
        self.send_expires_in = True
        self.refuse_tokens = False  # the API refuses every access token (401)
        self.token_delay = 0.0
        self.assertion_ids: list[str] = []  # the jti of every accepted assertion
        # The JWS algorithms client assertions may use (authlib's default, joserfc's
        # recommended ones, when None: RS256, ES256 and HS256).
        self.assertion_algorithms: list[str] | None = None
        # False: Basic client credentials are read as they are (UTF-8), without
        # RFC 6749 2.3.1's form decoding, as some providers' token endpoints do.
        self.basic_form_decoding = True
        # Extra fields of every token response (such as Salesforce's instance_url).
        self.extra_token_fields: dict[str, Any] = {}
        # Rewrites the JSON body of every successful token response, as providers
        # that nest the token do ({"data": {"access_token": ...}}).
        self.token_envelope: Callable[[dict[str, Any]], Any] | None = None
        self.app = self._app()

    # -- what tests use -------------------------------------------------------------

    def register(self, client: RegisteredClient) -> RegisteredClient:
        self.clients[client.client_id] = client
        return client

    @property
    def token_request_count(self) -> int:
        with self.lock:
            return sum(self.token_requests.values())

    def reset_counts(self) -> None:
        with self.lock:
            self.token_requests.clear()
            self.token_forms.clear()
            self.token_headers.clear()
            self.resource_requests = 0

    def revoke_access_tokens(self) -> None:
        """Every access token issued so far is refused from now on (401)."""
        with self.lock:
            for token in self.tokens.values():
                token.revoked = True

    def revoke_refresh_tokens(self) -> None:
        """Every refresh token issued so far is refused from now on (invalid_grant)."""
        with self.lock:
            for token in self.tokens.values():
                token.refresh_revoked = True

    def authorize_url(self) -> str:
        return f"{self.url}/authorize"

    def token_url(self) -> str:
        return f"{self.url}/token"

    def api_url(self) -> str:
        return f"{self.url}/api"

    # -- authlib's server side ------------------------------------------------------

    def _app(self) -> Flask:
        app = Flask(__name__)
        server = AuthorizationServer(
            app, query_client=self.clients.get, save_token=self._save_token
        )
        server.register_token_generator("default", self._generate_token)
        # authlib's own client_secret_basic decodes with unquote, which reads '+' as
        # '+'; RFC 6749 2.3.1 (form encoding) means a space. Decode as the RFC says.
        server.register_client_auth_method(
            "client_secret_basic",
            lambda query_client, oauth_request: _authenticate_basic(
                query_client, oauth_request, form=self.basic_form_decoding
            ),
        )
        for method in ("private_key_jwt", "client_secret_jwt"):
            server.register_client_auth_method(method, _ClientAssertion(self, method))
        server.register_grant(self._code_grant(), [CodeChallenge(required=True)])
        server.register_grant(self._password_grant())
        server.register_grant(_ClientCredentialsGrant)
        server.register_grant(self._refresh_grant())
        server.register_grant(self._jwt_bearer_grant())
        protector = ResourceProtector()
        protector.register_token_validator(_Validator(self))

        @app.get("/authorize")
        def consent_page() -> Response | str:
            grant = server.get_consent_grant(end_user=None)
            client_id = html.escape(grant.client.client_id)
            return (
                f"<form method=post><p>Let {client_id} use your account?</p>"
                "<input name=user><button name=confirm value=yes>Allow</button>"
                "<button name=confirm value=no>Deny</button></form>"
            )

        @app.post("/authorize")
        def consent() -> Response:
            user = request.form.get("user")
            grant_user = user if request.form.get("confirm") == "yes" else None
            grant = server.get_consent_grant(end_user=grant_user)
            response: Response = server.create_authorization_response(
                grant_user=grant_user, grant=grant
            )
            return response

        @app.post("/token")
        def token() -> Response:
            with self.lock:
                self.token_requests[request.form.get("grant_type", "")] += 1
                self.token_forms.append(dict(request.form))
                self.token_headers.append(dict(request.headers))
            if self.token_delay:
                time.sleep(self.token_delay)
            response: Response = server.create_token_response()
            if self.token_envelope is not None and response.status_code == 200:
                response.set_data(json.dumps(self.token_envelope(response.get_json())))
            return response

        @app.route(
            "/api/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"]
        )
        @protector()
        def api(path: str) -> Response:
            with self.lock:
                self.resource_requests += 1
            if path == "queryAll":
                # Salesforce-style paging: the next page's absolute URL on this host.
                page = int(request.args.get("page", "1"))
                body: dict[str, Any] = {"records": [{"Id": f"00{page}"}]}
                if page == 1:
                    body["nextRecordsUrl"] = f"{self.url}/api/queryAll?page=2"
                return jsonify(body)
            return jsonify(
                path=path,
                method=request.method,
                query=dict(request.args),
                body=request.get_json(silent=True),
                user=current_token.user,
                client_id=current_token.client_id,
            )

        return app

    def _generate_token(self, **kwargs: Any) -> dict[str, Any]:
        generator = BearerTokenGenerator(
            access_token_generator=lambda **_: secrets.token_urlsafe(24),
            refresh_token_generator=lambda **_: secrets.token_urlsafe(32),
            expires_generator=lambda client, grant_type: self.access_token_lifetime,
        )
        token: dict[str, Any] = generator(**kwargs)
        if "refresh_token" in token and self.refresh_token_lifetime is not None:
            token["refresh_token_expires_in"] = self.refresh_token_lifetime
        token.update(self.extra_token_fields)
        return token

    def _save_token(self, token: dict[str, Any], oauth_request: Any) -> None:
        lifetime = self.refresh_token_lifetime
        issued = IssuedToken(
            access_token=token["access_token"],
            client_id=oauth_request.client.client_id,
            scope=token.get("scope", ""),
            user=oauth_request.user,
            expires_in=token["expires_in"],
            refresh_token=token.get("refresh_token"),
            refresh_expires_at=None if lifetime is None else time.time() + lifetime,
        )
        with self.lock:
            self.tokens[issued.access_token] = issued
            if issued.refresh_token:
                self.by_refresh[issued.refresh_token] = issued
        if not self.send_expires_in:
            del token["expires_in"]

    def _code_grant(self) -> type[grants.AuthorizationCodeGrant]:
        state = self

        class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
            TOKEN_ENDPOINT_AUTH_METHODS = ALL_METHODS

            def save_authorization_code(self, code: str, oauth_request: Any) -> None:
                data = oauth_request.payload.data
                state.codes[code] = AuthorizationCode(
                    code=code,
                    client_id=oauth_request.client.client_id,
                    redirect_uri=oauth_request.payload.redirect_uri,
                    scope=oauth_request.payload.scope or "",
                    user=oauth_request.user,
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                )

            def query_authorization_code(
                self, code: str, client: RegisteredClient
            ) -> AuthorizationCode | None:
                found = state.codes.get(code)
                if found is None or found.client_id != client.client_id:
                    return None
                return found

            def delete_authorization_code(self, code: AuthorizationCode) -> None:
                state.codes.pop(code.code, None)

            def authenticate_user(self, code: AuthorizationCode) -> str:
                return code.user

        return CodeGrant

    def _password_grant(self) -> type[grants.ResourceOwnerPasswordCredentialsGrant]:
        class PasswordGrant(grants.ResourceOwnerPasswordCredentialsGrant):  # type: ignore[misc]
            TOKEN_ENDPOINT_AUTH_METHODS = ALL_METHODS

            def authenticate_user(self, username: str, password: str) -> str:
                expected = USERS.get(username)
                if expected is not None and hmac.compare_digest(
                    expected.encode(), password.encode()
                ):
                    return username
                # RFC 6749 5.2 says invalid_grant; authlib would say invalid_request.
                raise InvalidGrantError("Invalid username or password.")

        return PasswordGrant

    def _refresh_grant(self) -> type[grants.RefreshTokenGrant]:
        state = self

        class RefreshGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
            TOKEN_ENDPOINT_AUTH_METHODS = ALL_METHODS
            INCLUDE_NEW_REFRESH_TOKEN = True  # rotation: every refresh, a new one

            def authenticate_refresh_token(self, refresh_token: str) -> Any:
                with state.lock:
                    token = state.by_refresh.get(refresh_token)
                if token is None or token.refresh_revoked:
                    return None
                if token.refresh_expires_at and token.refresh_expires_at < time.time():
                    return None
                return token

            def authenticate_user(self, credential: IssuedToken) -> str | None:
                return credential.user

            def revoke_old_credential(self, credential: IssuedToken) -> None:
                with state.lock:
                    credential.refresh_revoked = True
                    credential.revoked = True

        return RefreshGrant

    def _jwt_bearer_grant(self) -> type:
        return _bearer_grant_class(self)


class _ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = (
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "client_secret_jwt",
    )


def _bearer_grant_class(server: OAuth2TestServer) -> type:
    class BearerGrant(JWTBearerGrant):  # type: ignore[misc]
        """authlib's RFC 7523 2.1 grant: the assertion's iss names a client
        registered with its public key (a service account)."""

        def get_audiences(self) -> list[str]:
            return [server.token_url()]

        def resolve_issuer_client(self, issuer: str) -> RegisteredClient | None:
            client = server.clients.get(issuer)
            if client is None or client.public_key is None:
                return None
            return client

        def resolve_client_public_key(self, client: RegisteredClient) -> Any:
            return RSAKey.import_key(client.public_key or "")

        def authenticate_user(self, subject: str) -> str | None:
            return subject if subject in USERS else None

        def has_granted_permission(self, client: RegisteredClient, user: str) -> bool:
            return True

    return BearerGrant


class _ClientAssertion(JWTBearerClientAssertion):  # type: ignore[misc]
    """authlib's RFC 7523 2.2 client authentication, for one method: the assertion's
    audience must be the token endpoint, and a jti is accepted once."""

    def __init__(self, server: OAuth2TestServer, method: str) -> None:
        super().__init__(validate_jti=True)
        self.CLIENT_AUTH_METHOD = method
        self.server = server

    def __call__(self, query_client: Any, request: Any) -> Any:
        # authlib tries every registered method in turn: leave clients registered
        # for the other one to it.
        def registered(client_id: str) -> RegisteredClient | None:
            client: RegisteredClient | None = query_client(client_id)
            if client is None or client.auth_method != self.CLIENT_AUTH_METHOD:
                return None
            return client

        try:
            return super().__call__(registered, request)
        except InvalidClientError as error:
            if error.description == "The client does not exist on this server.":
                return None
            raise

    def get_audiences(self) -> list[str]:
        return [self.server.token_url()]

    def validate_jti(self, claims: Any, jti: str) -> bool:
        with self.server.lock:
            if jti in self.server.assertion_ids:
                return False
            self.server.assertion_ids.append(jti)
            return True

    def resolve_client_public_key(self, client: RegisteredClient) -> Any:
        if self.CLIENT_AUTH_METHOD == "private_key_jwt":
            pem = client.public_key or ""
            try:
                return RSAKey.import_key(pem)
            except (ValueError, TypeError, JoseError):
                return ECKey.import_key(pem)
        return OctKey.import_key((client.client_secret or "").encode("utf-8"))

    def process_assertion_claims(self, assertion: str, resolve_key: Any) -> Any:
        algorithms = self.server.assertion_algorithms
        if algorithms is None:
            return super().process_assertion_claims(assertion, resolve_key)
        # authlib's own step, with the algorithms this server allows.
        try:
            token = jose_jwt.decode(assertion, resolve_key, algorithms=algorithms)
        except JoseError as error:
            raise InvalidClientError(description=error.description) from error
        self.verify_claims(token.claims)
        return token.claims


class _Validator(BearerTokenValidator):  # type: ignore[misc]
    def __init__(self, server: OAuth2TestServer) -> None:
        super().__init__()
        self.server = server

    def authenticate_token(self, token_string: str) -> IssuedToken | None:
        if self.server.refuse_tokens:
            return None
        with self.server.lock:
            return self.server.tokens.get(token_string)


def _authenticate_basic(
    query_client: Any, oauth_request: Any, *, form: bool = True
) -> Any:
    """client_secret_basic as RFC 6749 2.3.1 has it: the id and the secret are
    form-encoded (a space is '+') before Basic encoding, so form-decode them. With
    ``form`` False, read them as they are (UTF-8), as a non-conforming server does."""
    scheme, _, encoded = oauth_request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded, validate=True).decode(
            "ascii" if form else "utf-8"
        )
    except (ValueError, UnicodeDecodeError):
        return None  # not form-encoded: raw UTF-8 or Latin-1 is not what 2.3.1 says
    raw_id, colon, raw_secret = decoded.partition(":")
    if not colon:
        return None
    decode = unquote_plus if form else str
    client = query_client(decode(raw_id))
    if client is not None and client.check_client_secret(decode(raw_secret)):
        return client
    return None


@contextmanager
def running_server() -> Iterator[OAuth2TestServer]:
    """An OAuth2TestServer listening on 127.0.0.1 (a free port) until the block ends."""
    previous = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on loopback
    state = OAuth2TestServer()
    try:
        # One request per connection, as this server has always answered.
        with serving(state.app, keep_alive=False) as url:
            state.url = url
            yield state
    finally:
        if previous is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["AUTHLIB_INSECURE_TRANSPORT"] = previous
