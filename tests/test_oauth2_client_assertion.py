"""RFC 7523 2.2 client authentication (ClientAuthentication PrivateKeyJwt and
ClientSecretJwt) against authlib's server-side JWTBearerClientAssertion (in
tests/oauth2_server.py), with every assertion also checked by PyJWT."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.oauth2_server import OAuth2TestServer, RegisteredClient

pytestmark = pytest.mark.slow

SPEC = """\
SpecVersion: 1
Name: {name}
BaseUrl: https://api.example.com
Authentication:
  AuthType: OAuth2
  OAuth2Type: ClientCredentials
  AccessTokenUrl: https://login.example.com/oauth2/v1/token
  ClientAuthentication: {method}
  Scopes: [read]
Methods:
  - {{ Name: Get Thing, HttpMethod: GET, EndPoint: /thing }}
"""
KEY = rsa.generate_private_key(65537, 2048)
PRIVATE_PEM = KEY.private_bytes(
    serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption(),
).decode()
PUBLIC_PEM = (
    KEY.public_key()
    .public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    .decode()
)
SECRET = "a client secret long enough for HS256 ü+:/"
PRIVATE_KEY_CLIENT = RegisteredClient(
    "okta-service",
    None,
    "private_key_jwt",
    ("client_credentials",),
    public_key=PUBLIC_PEM,
)
SECRET_JWT_CLIENT = RegisteredClient(
    "auth0-service", SECRET, "client_secret_jwt", ("client_credentials",)
)


def _client(module: ModuleType, server: OAuth2TestServer, is_async: bool) -> Any:
    name = next(
        n
        for n in module.__all__
        if n.endswith("Client") and n.startswith("Async") == is_async
    )
    private = "private_key" in module.OAuth2Auth.__init__.__code__.co_varnames
    credentials = (
        {"client_id": "okta-service", "private_key": PRIVATE_PEM}
        if private
        else {"client_id": "auth0-service", "client_secret": SECRET}
    )
    return getattr(module, name)(
        token_endpoint=server.token_url(), base_url=server.api_url(), **credentials
    )


def _check_assertion(
    form: dict[str, str],
    server: OAuth2TestServer,
    key: Any,
    algorithm: str,
    scope: str = "read",
) -> dict[str, Any]:
    assert form["grant_type"] == "client_credentials"
    assert form["scope"] == scope
    assert form["client_assertion_type"] == (
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    )
    assert "client_secret" not in form
    assertion = form["client_assertion"]
    assert pyjwt.get_unverified_header(assertion) == {"alg": algorithm, "typ": "JWT"}
    claims: dict[str, Any] = pyjwt.decode(
        assertion, key, algorithms=[algorithm], audience=server.token_url()
    )
    return claims


@pytest.mark.parametrize(
    ("method", "client", "key", "algorithm"),
    [
        ("PrivateKeyJwt", PRIVATE_KEY_CLIENT, PUBLIC_PEM, "RS256"),
        ("ClientSecretJwt", SECRET_JWT_CLIENT, SECRET.encode(), "HS256"),
    ],
)
def test_client_assertion_against_authlib(
    method: str,
    client: RegisteredClient,
    key: Any,
    algorithm: str,
    oauth2_server: OAuth2TestServer,
    compile_spec_text: Callable[[str], ModuleType],
) -> None:
    oauth2_server.register(client)
    module = compile_spec_text(SPEC.format(name=f"{method} App", method=method))
    assert module.REQUIRES[-1] == "joserfc>=1.0,<2"
    with _client(module, oauth2_server, is_async=False) as sync_client:
        assert sync_client.get_thing()["client_id"] == client.client_id
        sync_client._auth._current.refresh_at = 0  # due: a second token request

        sync_client.get_thing()

    async def run() -> Any:
        async with _client(module, oauth2_server, is_async=True) as async_client:
            return await async_client.get_thing()

    assert asyncio.run(run())["client_id"] == client.client_id
    forms = oauth2_server.token_forms
    assert len(forms) == 3
    claims = [_check_assertion(f, oauth2_server, key, algorithm) for f in forms]
    for one in claims:
        assert one["iss"] == one["sub"] == client.client_id
        assert one["exp"] - one["iat"] == 60
        assert abs(one["iat"] - time.time()) < 30
    # A fresh jti each time (authlib refuses a repeat); all were accepted.
    assert len({one["jti"] for one in claims}) == 3
    assert oauth2_server.assertion_ids == [one["jti"] for one in claims]


def test_wrong_private_key_is_invalid_client(
    oauth2_server: OAuth2TestServer,
    compile_spec_text: Callable[[str], ModuleType],
) -> None:
    oauth2_server.register(PRIVATE_KEY_CLIENT)
    module = compile_spec_text(SPEC.format(name="Okta App", method="PrivateKeyJwt"))
    other = rsa.generate_private_key(65537, 2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    client = module.OktaAppClient(
        client_id="okta-service",
        private_key=other.decode(),
        token_endpoint=oauth2_server.token_url(),
        base_url=oauth2_server.api_url(),
    )
    with client, pytest.raises(module.OAuth2Error) as caught:
        client.get_thing()
    assert caught.value.error == "invalid_client"
    assert "check client_id and private_key" in str(caught.value)
    assert "PRIVATE KEY" not in str(caught.value) and "PRIVATE KEY" not in repr(
        client._auth
    )


def test_private_key_must_be_an_rsa_private_key(
    compile_spec_text: Callable[[str], ModuleType],
) -> None:
    module = compile_spec_text(SPEC.format(name="Okta App", method="PrivateKeyJwt"))
    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    for bad in (PUBLIC_PEM, ec_pem, "not a key"):
        with pytest.raises(ValueError, match="private_key is not a PEM RSA private"):
            module.OktaAppClient(client_id="c", private_key=bad)
    environ = {"OKTA_APP_CLIENT_ID": "c", "OKTA_APP_PRIVATE_KEY": PRIVATE_PEM}
    assert repr(module.OktaAppClient.from_env(environ)._auth).startswith("OAuth2Auth(")


# -- the JWT bearer grant (RFC 7523 2.1), Google service accounts ---------------------

SERVICE_ACCOUNT = RegisteredClient(
    "reader@project.iam.gserviceaccount.com",
    None,
    "none",
    ("urn:ietf:params:oauth:grant-type:jwt-bearer",),
    scope="https://www.googleapis.com/auth/spreadsheets.readonly",
    public_key=PUBLIC_PEM,
)
KEY_FILE = {
    "type": "service_account",
    "project_id": "project",
    "private_key_id": "0f3e8c5e1d",
    "private_key": PRIVATE_PEM,
    "client_email": SERVICE_ACCOUNT.client_id,
    "client_id": "1234567890",
    "token_uri": "https://oauth2.googleapis.com/token",
}


def test_jwt_bearer_grant_against_authlib(
    oauth2_server: OAuth2TestServer, tmp_path: Any
) -> None:
    from tests.support import import_generated

    module = import_generated("google_sheets_service")
    oauth2_server.register(SERVICE_ACCOUNT)
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(KEY_FILE))

    def client(cls: Any, key: str) -> Any:
        return cls(
            service_account_key=key,
            token_endpoint=oauth2_server.token_url(),
            base_url=oauth2_server.api_url(),
        )

    with client(module.GoogleSheetsServiceClient, str(key_file)) as sync_client:
        answer = sync_client.get_values(spreadsheet_id="s1", range="A1:B2")
        assert sync_client.get_values(spreadsheet_id="s1", range="A1") is not None
        token = sync_client.token

    async def run() -> Any:
        environ = {"GOOGLE_SHEETS_SERVICE_SERVICE_ACCOUNT_KEY": json.dumps(KEY_FILE)}
        async with module.AsyncGoogleSheetsServiceClient.from_env(
            environ,
            token_endpoint=oauth2_server.token_url(),
            base_url=oauth2_server.api_url(),
        ) as async_client:
            return await async_client.get_values(spreadsheet_id="s1", range="A1")

    assert asyncio.run(run())["client_id"] == SERVICE_ACCOUNT.client_id
    assert answer["client_id"] == SERVICE_ACCOUNT.client_id
    assert answer["path"] == "spreadsheets/s1/values/A1:B2"
    assert "refresh_token" not in token and "***" in repr(token)
    forms = oauth2_server.token_forms
    assert len(forms) == 2  # one per client: the second call reused the token
    for form in forms:
        assert set(form) == {"grant_type", "assertion"}
        assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
        assertion = form["assertion"]
        assert pyjwt.get_unverified_header(assertion) == {
            "alg": "RS256",
            "typ": "JWT",
            "kid": "0f3e8c5e1d",
        }
        claims = pyjwt.decode(
            assertion,
            PUBLIC_PEM,
            algorithms=["RS256"],
            audience=oauth2_server.token_url(),
            issuer=SERVICE_ACCOUNT.client_id,
        )
        assert claims["scope"] == SERVICE_ACCOUNT.scope
        assert claims["exp"] - claims["iat"] == 3600


def test_jwt_bearer_grant_bad_key_files(tmp_path: Any) -> None:
    from tests.support import import_generated

    module = import_generated("google_sheets_service")
    no_key = {k: v for k, v in KEY_FILE.items() if k != "private_key"}
    cases = [
        (str(tmp_path / "missing.json"), "cannot read the key file"),
        ("{not json", "is not a JSON key file"),
        (json.dumps(no_key), "has no private_key"),
        (json.dumps({**KEY_FILE, "private_key": PUBLIC_PEM}), "not a PEM RSA private"),
    ]
    for key, message in cases:
        with pytest.raises(ValueError, match=message) as caught:
            module.GoogleSheetsServiceClient(service_account_key=key)
        assert "PRIVATE KEY" not in str(caught.value)
    client = module.GoogleSheetsServiceClient(service_account_key=json.dumps(KEY_FILE))
    assert "PRIVATE" not in repr(client._auth)


def test_jwt_bearer_grant_acts_for_a_subject(oauth2_server: OAuth2TestServer) -> None:
    """Domain-wide delegation: sub names the user; authlib's grant issues the token
    for that user, and refuses a subject it does not know."""
    from tests.support import import_generated

    module = import_generated("google_sheets_service")
    oauth2_server.register(SERVICE_ACCOUNT)

    def client(subject: str) -> Any:
        return module.GoogleSheetsServiceClient(
            service_account_key=json.dumps(KEY_FILE),
            subject=subject,
            token_endpoint=oauth2_server.token_url(),
            base_url=oauth2_server.api_url(),
        )

    with client("alice") as alice:
        assert alice.get_values(spreadsheet_id="s", range="A1")["user"] == "alice"
    claims = pyjwt.decode(
        oauth2_server.token_forms[-1]["assertion"],
        PUBLIC_PEM,
        algorithms=["RS256"],
        audience=oauth2_server.token_url(),
    )
    assert claims["sub"] == "alice"
    with client("mallory") as mallory, pytest.raises(module.OAuth2Error) as caught:
        mallory.get_values(spreadsheet_id="s", range="A1")
    assert caught.value.error == "invalid_grant"


def test_okta_example_against_authlib(oauth2_server: OAuth2TestServer) -> None:
    """specs/okta_service_app.yaml: private_key_jwt with the committed module, sync
    and async, scopes and the token endpoint's URL as the assertion's audience."""
    from tests.support import import_generated

    module = import_generated("okta_service_app")
    okta = RegisteredClient(
        "0oa1okta",
        None,
        "private_key_jwt",
        ("client_credentials",),
        scope="okta.users.read okta.users.manage",
        public_key=PUBLIC_PEM,
    )
    oauth2_server.register(okta)
    arguments = {
        "client_id": okta.client_id,
        "private_key": PRIVATE_PEM,
        "okta_domain": "acme.okta.com",
        "token_endpoint": oauth2_server.token_url(),
        "base_url": oauth2_server.api_url(),
    }
    with module.OktaServiceAppClient(**arguments) as client:
        answer = client.list_users(limit=2)
    assert answer["client_id"] == okta.client_id
    assert answer["query"] == {"limit": "2"}

    async def run() -> Any:
        async with module.AsyncOktaServiceAppClient(**arguments) as client:
            return await client.list_users()

    assert asyncio.run(run())["client_id"] == okta.client_id
    for form in oauth2_server.token_forms:
        claims = _check_assertion(
            form, oauth2_server, PUBLIC_PEM, "RS256", scope="okta.users.read"
        )
        assert claims["iss"] == claims["sub"] == okta.client_id
    assert len(oauth2_server.token_forms) == 2
    default = module.OktaServiceAppClient(
        client_id="c", private_key=PRIVATE_PEM, okta_domain="acme.okta.com"
    )
    assert "token_endpoint='https://acme.okta.com/oauth2/v1/token'" in repr(
        default._auth
    )


# -- PrivateKeyJwt: Algorithm, KeyId, CertificateThumbprint (issue 11 gap) -----------

EC_KEY = ec.generate_private_key(ec.SECP256R1())
EC_PRIVATE_PEM = EC_KEY.private_bytes(
    serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption(),
).decode()
EC_PUBLIC_PEM = (
    EC_KEY.public_key()
    .public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    .decode()
)
ALGORITHM_SPEC = """\
SpecVersion: 1
Name: Signed {algorithm}
BaseUrl: https://api.example.com
Properties:
  - {{ Name: Tenant, Description: The tenant. }}
Authentication:
  AuthType: OAuth2
  OAuth2Type: ClientCredentials
  AccessTokenUrl: https://login.example.com/token
  ClientAuthentication: PrivateKeyJwt
  Algorithm: {algorithm}
  KeyId: "key-{{{{Tenant}}}}"
Methods:
  - {{ Name: Get Thing, HttpMethod: GET, EndPoint: /thing }}
"""


@pytest.mark.parametrize("algorithm", ["RS384", "RS512", "PS256", "ES256"])
def test_private_key_jwt_algorithms_and_kid(
    algorithm: str,
    oauth2_server: OAuth2TestServer,
    compile_spec_text: Callable[[str], ModuleType],
) -> None:
    """Each Algorithm signs an assertion that authlib's server (allowing only that
    algorithm) and PyJWT accept, with the spec's KeyId as its kid, sync and async."""
    ec_key = algorithm == "ES256"
    public, private = (
        (EC_PUBLIC_PEM, EC_PRIVATE_PEM) if ec_key else (PUBLIC_PEM, PRIVATE_PEM)
    )
    oauth2_server.register(
        RegisteredClient(
            "signer",
            None,
            "private_key_jwt",
            ("client_credentials",),
            public_key=public,
        )
    )
    oauth2_server.assertion_algorithms = [algorithm]
    module = compile_spec_text(ALGORITHM_SPEC.format(algorithm=algorithm))
    name = f"Signed{algorithm.capitalize()}Client"
    arguments = {
        "client_id": "signer",
        "private_key": private,
        "tenant": "acme",
        "token_endpoint": oauth2_server.token_url(),
        "base_url": oauth2_server.api_url(),
    }
    with getattr(module, name)(**arguments) as client:
        assert client.get_thing()["client_id"] == "signer"

    async def run() -> Any:
        async with getattr(module, "Async" + name)(**arguments) as client:
            return await client.get_thing()

    assert asyncio.run(run())["client_id"] == "signer"
    assert len(oauth2_server.assertion_ids) == 2  # both accepted by authlib
    for form in oauth2_server.token_forms:
        assertion = form["client_assertion"]
        assert pyjwt.get_unverified_header(assertion) == {
            "alg": algorithm,
            "typ": "JWT",
            "kid": "key-acme",
        }
        claims = pyjwt.decode(
            assertion,
            public,
            algorithms=[algorithm],
            audience=oauth2_server.token_url(),
        )
        assert claims["iss"] == claims["sub"] == "signer"
    # The server really checks the algorithm: one it does not allow is refused.
    oauth2_server.assertion_algorithms = ["RS256"]
    refused = getattr(module, name)(**arguments)
    with refused, pytest.raises(module.OAuth2Error) as caught:
        refused.get_thing()
    assert caught.value.error == "invalid_client"
    # The other kind of key is refused when the client is made, unseen.
    other = PRIVATE_PEM if ec_key else EC_PRIVATE_PEM
    kind = "EC P-256" if ec_key else "RSA"
    with pytest.raises(ValueError, match=f"private_key is not a PEM {kind} private"):
        getattr(module, name)(**{**arguments, "private_key": other})


def _certificate() -> tuple[bytes, str]:
    """A self-signed certificate of KEY: its DER bytes and the thumbprint as the
    Azure portal shows it (upper-case hex)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "graph-app")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(KEY.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(KEY, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    return der, certificate.fingerprint(hashes.SHA1()).hex().upper()


def test_microsoft_graph_app_example_x5t_against_authlib(
    oauth2_server: OAuth2TestServer,
) -> None:
    """specs/microsoft_graph_app.yaml: PS256 with the certificate's thumbprint, given
    as the portal's hex, sent as x5t in base64url; every method, sync and async."""
    import base64
    import hashlib

    from tests.support import import_generated

    module = import_generated("microsoft_graph_app")
    der, thumbprint = _certificate()
    oauth2_server.register(
        RegisteredClient(
            "graph-app",
            None,
            "private_key_jwt",
            ("client_credentials",),
            scope="https://graph.microsoft.com/.default",
            public_key=PUBLIC_PEM,
        )
    )
    oauth2_server.assertion_algorithms = ["PS256"]
    arguments = {
        "client_id": "graph-app",
        "private_key": PRIVATE_PEM,
        "tenant_id": "contoso",
        "certificate_thumbprint": thumbprint,
        "token_endpoint": oauth2_server.token_url(),
        "base_url": oauth2_server.api_url(),
    }
    with module.MicrosoftGraphAppClient(**arguments) as client:
        assert client.list_users(top=5)["query"] == {"$top": "5"}
        assert client.get_user(user_id="ann@contoso.com")["path"] == (
            "users/ann@contoso.com"
        )

    async def run() -> Any:
        async with module.AsyncMicrosoftGraphAppClient(**arguments) as client:
            return await client.list_users()

    assert asyncio.run(run())["client_id"] == "graph-app"
    x5t = base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(b"=").decode()
    forms = oauth2_server.token_forms
    assert len(forms) == 2
    for form in forms:
        assertion = form["client_assertion"]
        assert pyjwt.get_unverified_header(assertion) == {
            "alg": "PS256",
            "typ": "JWT",
            "x5t": x5t,
        }
        pyjwt.decode(
            assertion,
            PUBLIC_PEM,
            algorithms=["PS256"],
            audience=oauth2_server.token_url(),
        )
    default = module.MicrosoftGraphAppClient(
        client_id="c",
        private_key=PRIVATE_PEM,
        tenant_id="contoso",
        certificate_thumbprint=x5t,  # base64url is taken as it is
    )
    assert default._auth._assertion_header == {"x5t": x5t}
    assert "https://login.microsoftonline.com/contoso/oauth2/v2.0/token" in repr(
        default._auth
    )
    with pytest.raises(ValueError, match="certificate_thumbprint is not a SHA-1"):
        module.MicrosoftGraphAppClient(
            client_id="c",
            private_key=PRIVATE_PEM,
            tenant_id="contoso",
            certificate_thumbprint="not a thumbprint",
        )
