"""Stage 3: a validated spec as frozen dataclasses, names cleaned once.

Templates see only these objects. Python names are ``Identifier`` values (checked to be
identifiers here); every other string is spec text that the renderer turns into a
string literal, so no spec value can become code.
"""

from __future__ import annotations

import hashlib
import keyword
from dataclasses import field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from .auth_checks import header_credentials
from .diagnostics import SpecError
from .fieldpath import (
    Segment,
    key_path,
    parse_path,
    session_path,
    store_key,
    token_path,
)
from .load import LoadedSpec
from .names import env_var, pascal_case, python_name, snake_case
from .records import record
from .semantics import MERGE_FIELD, credential_names

if TYPE_CHECKING:
    from .scripts import Script

__all__ = [
    "AUTHLIB_REQUIREMENT",
    "HTTPX_REQUIREMENT",
    "JOSERFC_REQUIREMENT",
    "REDIS_REQUIREMENT",
    "ApiKeyAuth",
    "ApiKeyItem",
    "AuthField",
    "AuthFieldsAuth",
    "BasicAuth",
    "Connector",
    "Credential",
    "HeaderValue",
    "Identifier",
    "JwtAuth",
    "Method",
    "NoAuth",
    "OAuth1Auth",
    "OAuth2Auth",
    "Paging",
    "Parameter",
    "PathPart",
    "Property",
    "RateLimits",
    "Retries",
    "SessionAuth",
    "build_connector",
]

# The versions generated code is written and tested against; pyproject.toml's `client`
# extra says the same (a test checks), and every module states them in REQUIRES.
HTTPX_REQUIREMENT = "httpx>=0.28,<0.29"
AUTHLIB_REQUIREMENT = "authlib>=1.6,<1.10"
# authlib's JOSE implementation since authlib 1.6 (its own authlib.jose is deprecated).
JOSERFC_REQUIREMENT = "joserfc>=1.0,<2"
# Only for RedisTokenStore and RedisLimiter, imported when one is created.
REDIS_REQUIREMENT = "redis>=5.0,<9"

DataType = Literal["Text", "Integer", "Decimal", "Float", "Boolean", "DateTime", "File"]

PYTHON_TYPES: dict[str, str] = {
    "Text": "str",
    "Integer": "int",
    "Decimal": "Decimal",
    "Float": "float",
    "Boolean": "bool",
    "DateTime": "datetime",
    "File": "bytes",
}
# Names a TypedDict's class body uses in its annotations: a field of that name would
# hide them there, so such a TypedDict is written in the functional form.
SHAPE_ANNOTATION_NAMES = frozenset(
    {"str", "int", "float", "bool", "None", "NotRequired", "TypedDict"}
)
# A field of a decoded JSON response: JSON has no dates or decimals, only text and
# numbers (and a whole number may come for a Float).
JSON_TYPES: dict[str, str] = {
    "Text": "str",
    "Integer": "int",
    "Decimal": "str",
    "Float": "float",
    "Boolean": "bool",
    "DateTime": "str",
}

OAUTH2_CREDENTIALS = {
    "client_id": "The OAuth 2 client id.",
    "client_secret": "The OAuth 2 client secret.",
    "service_account_key": "The service account's JSON key file: its text, or its "
    "path.",
    "private_key": "The client's RSA private key as PEM text, which signs its "
    "client assertions (private_key_jwt).",
    "username": "The resource owner's username.",
    "password": "The resource owner's password.",
}


class Identifier(str):
    """A Python name, emitted into code as it is (all other text becomes a literal)."""

    __slots__ = ()

    def __new__(cls, value: str) -> Identifier:
        if not (value.isascii() and value.isidentifier()) or keyword.iskeyword(value):
            raise ValueError(f"not a Python identifier: {value!r}")
        return super().__new__(cls, value)


# The model's classes are records (frozen dataclasses to mypy, see records.py) without
# eq: nothing compares or hashes them (a run of the tests with __eq__ and __hash__
# raising passed), and the two functions fewer per class that dataclasses writes with
# exec() saved about 4 ms of every run's 17 ms import of this module (issue 12).
# Objects compare by identity.


@record(eq=False)
class Credential:
    """A constructor argument the authentication needs (never written in the spec)."""

    python_name: Identifier
    env_var: str
    description: str
    secret: bool
    data_type: str = "Text"
    optional: bool = False
    # A Basic password may be empty (Stripe's and Chargebee's keys have none):
    # from_env() takes a variable set to nothing, and refuses only one not set.
    may_be_empty: bool = False

    @property
    def python_type(self) -> Identifier:
        return Identifier(PYTHON_TYPES[self.data_type])

    @property
    def may_be_none(self) -> bool:
        return self.optional


@record(eq=False)
class Property:
    """A value the user supplies when creating the client."""

    name: str
    python_name: Identifier
    env_var: str
    description: str
    data_type: str
    optional: bool
    sensitive: bool
    default: str | int | float | bool | None
    has_default: bool

    @property
    def python_type(self) -> Identifier:
        return Identifier(PYTHON_TYPES[self.data_type])

    @property
    def may_be_none(self) -> bool:
        return self.optional and not self.has_default


@record(eq=False)
class Parameter:
    """One input of a method and where it goes."""

    target_type: str
    target_name: str
    python_name: Identifier
    description: str
    data_type: str
    optional: bool
    values: tuple[str | int | bool, ...]
    default: str | int | float | bool | None
    has_default: bool
    # A DateTime's strftime pattern (None: ISO 8601).
    format: str | None = None
    # A JSON Body field written as a path (ticket.subject): the keys it is nested in.
    body_path: tuple[Segment, ...] | None = None

    @property
    def python_type(self) -> Identifier:
        return Identifier(PYTHON_TYPES[self.data_type])

    @property
    def may_be_none(self) -> bool:
        return self.optional and not self.has_default


@record(eq=False)
class ResponseField:
    """One field of a JSON response (or of each item of a paged one)."""

    name: str
    json_type: Identifier
    optional: bool
    description: str


@record(eq=False)
class PathPart:
    """A piece of an endpoint or base URL: literal text, or a value to fill in."""

    text: str
    # For a field: the Python expression that holds the value.
    argument: Identifier | None = None
    from_property: bool = False
    # A credential (constructor argument) in a header value (issue 11).
    from_credential: bool = False


@record(eq=False)
class HeaderValue:
    """A header sent with every request of a method (the connector's Headers, with
    the method's own over them): its name and its value's parts. ``shared`` says the
    value is the connector's, computed once when the client is made."""

    name: str
    parts: tuple[PathPart, ...]
    shared: bool = False
    # The name it is sent as, when a method's HttpHeader parameter spells it so.
    sent_as: str | None = None


SECONDS_PER = {"Second": 1, "Minute": 60, "Hour": 3600, "Day": 86400}


def window_seconds(limit: dict[str, Any]) -> int:
    """The seconds of a rate window: Per (Second to Day) or PerSeconds."""
    if "PerSeconds" in limit:
        return int(limit["PerSeconds"])
    return SECONDS_PER[limit["Per"]]


@record(eq=False)
class RateLimits:
    """Limits kept together: at most ``count`` requests in any ``seconds``, and a gap
    of ``gap`` seconds between requests (0 for none)."""

    windows: tuple[tuple[int, int], ...]
    gap: float


@record(eq=False)
class RetryRules:
    """Which answers are tried again and how long to wait (issue 10's Retries keys)."""

    statuses: frozenset[int] | None = None  # None: 429 and 5xx but 501
    when: tuple[tuple[int, str, str], ...] = ()  # (status, header, value)
    reset_header: str | None = None
    reset_unit: str = "Seconds"
    remaining_header: str | None = None
    body_path: tuple[Segment, ...] | None = None
    body_pattern: str | None = None
    wait_after_429: float | None = None

    @property
    def sorted_statuses(self) -> tuple[int, ...] | None:
        return None if self.statuses is None else tuple(sorted(self.statuses))


RULE_KEYS = (
    "Statuses",
    "RetryWhen",
    "ResetHeader",
    "RemainingHeader",
    "RetryAfterBody",
    "WaitAfter429",
)


def retry_rules(data: dict[str, Any]) -> RetryRules | None:
    """The rules the keys of a Retries mapping give; None when it gives none."""
    if not any(key in data for key in RULE_KEYS):
        return None
    reset = data.get("ResetHeader", {})
    body = data.get("RetryAfterBody", {})
    return RetryRules(
        statuses=frozenset(data["Statuses"]) if "Statuses" in data else None,
        when=tuple(
            (w["Status"], w["Header"].lower(), w["Equals"].strip())
            for w in data.get("RetryWhen", ())
        ),
        reset_header=reset["Name"].lower() if reset else None,
        reset_unit=reset.get("Unit", "Seconds"),
        remaining_header=data["RemainingHeader"].lower()
        if "RemainingHeader" in data
        else None,
        body_path=parse_path(body["Path"]) if body else None,
        body_pattern=body.get("Pattern"),
        wait_after_429=float(data["WaitAfter429"]) if "WaitAfter429" in data else None,
    )


@record(eq=False)
class ErrorInBody:
    text: str  # the Path as written, for the docstring
    path: tuple[Segment, ...]
    equals: str | int | float | bool
    message_path: tuple[Segment, ...] | None


@record(eq=False)
class Retries:
    max_attempts: int = 3
    initial_delay: float = 0.5
    max_delay: float = 30.0
    rules: RetryRules | None = None


@record(eq=False)
class Paging:
    """How a method's results come in pages (see the schema's Paging)."""

    style: Literal["PageNumber", "Offset", "NextUrl", "Cursor", "LinkHeader"]
    items_path: tuple[Segment, ...]
    page_size: int | None
    size_parameter: str | None
    # The query parameter paging sets: page number, offset or cursor.
    parameter: str | None
    first_page: int
    field_path: tuple[Segment, ...]
    items_text: str = ""  # ItemsPath as written, for run-time messages
    has_more_path: tuple[Segment, ...] | None = None
    has_more_text: str = ""
    total_path: tuple[Segment, ...] | None = None
    total_text: str = ""
    max_page_size: int | None = None
    cursor_in_body: bool = False  # the cursor (and size) go in the JSON body
    next_endpoint: str | None = None  # where the pages after the first are asked for


@record(eq=False)
class Method:
    name: str
    python_name: Identifier
    description: str
    http_method: str
    endpoint: str
    path: tuple[PathPart, ...]
    parameters: tuple[Parameter, ...]
    request_format: str
    response_format: str
    script: Script | None = None  # its hooks (compiler/scripts.py)
    paging: Paging | None = None
    xml_root: str = "Request"
    response_fields: tuple[ResponseField, ...] = ()
    # The Authentication entries (by Name) it may be called with; () for any.
    auth_methods: tuple[str, ...] = ()
    # Its own limits (which replace the connector's), or None to share those.
    rate_limits: RateLimits | None = None
    retry_safe: bool = False
    # Its own retry rules: the connector's with the keys the method gives replaced.
    retry_rules: RetryRules | None = None

    @property
    def retry_rules_name(self) -> Identifier:
        return Identifier(f"_RETRY_{self.python_name.upper()}")

    # The connector's Headers with this method's own over them (issue 11).
    headers: tuple[HeaderValue, ...] = ()

    @property
    def retries(self) -> bool:
        """True when a failed request may be sent again: idempotent, or marked safe."""
        return self.http_method not in ("POST", "PATCH") or self.retry_safe

    @property
    def shape_name(self) -> Identifier | None:
        """The TypedDict of the response (of each item when paged), if declared."""
        if not self.response_fields:
            return None
        kind = "Item" if self.paging else "Response"
        return Identifier(f"{pascal_case(self.python_name)}{kind}")

    @property
    def shape_as_class(self) -> bool:
        """True when every field name can be a class attribute (else the TypedDict is
        written in the functional form). Non-ASCII names take the functional form:
        Python normalises identifiers (NFKC), so ``ﬁ`` as an attribute would be
        another key than the JSON's."""
        return all(
            f.name.isascii()
            and f.name.isidentifier()
            and not keyword.iskeyword(f.name)
            and not f.name.startswith("_")
            and f.name not in SHAPE_ANNOTATION_NAMES
            for f in self.response_fields
        )

    @property
    def iter_name(self) -> Identifier:
        return Identifier(f"iter_{self.python_name}")

    @property
    def paging_name(self) -> Identifier:
        return Identifier(f"_PAGING_{self.python_name.upper()}")

    def of_type(self, target_type: str) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.target_type == target_type)

    @property
    def nested_body(self) -> bool:
        """True when a JSON Body field is written as a path (ticket.subject)."""
        return any(p.body_path is not None for p in self.parameters)

    @property
    def arguments(self) -> tuple[Parameter, ...]:
        """Parameters in signature order: required first, then optional, as in spec."""
        required = [p for p in self.parameters if not p.optional and not p.has_default]
        rest = [p for p in self.parameters if p.optional or p.has_default]
        return (*required, *rest)


@record(eq=False)
class NoAuth:
    kind: Literal["None"] = "None"


@record(eq=False)
class ApiKeyItem:
    """One of several keys (ApiKey ``Keys``): its argument and where it is sent."""

    name: str
    python_name: Identifier
    header: str | None
    query_parameter: str | None
    format: str
    description: str


@record(eq=False)
class ApiKeyAuth:
    header: str | None
    query_parameter: str | None
    format: str
    kind: Literal["ApiKey"] = "ApiKey"
    # Several keys (``Keys``), or empty for the one key of Header/QueryParameter.
    keys: tuple[ApiKeyItem, ...] = ()

    @property
    def first_key(self) -> Identifier:
        """The argument whose value hooks get as their auth value."""
        return self.keys[0].python_name if self.keys else Identifier("api_key")


@record(eq=False)
class BasicAuth:
    kind: Literal["Basic"] = "Basic"


@record(eq=False)
class AuthField:
    name: str
    key: str
    python_name: Identifier
    data_type: str
    description: str


@record(eq=False)
class AuthFieldsAuth:
    fields: tuple[AuthField, ...]
    kind: Literal["AuthFields"] = "AuthFields"


@record(eq=False)
class OAuth2Auth:
    """AuthType OAuth2: the grant, its endpoints, and how tokens are read and sent.

    Endpoint URLs come with their parts, as the base URL does, for merge fields.
    """

    grant: Literal[
        "AuthorisationCode", "ClientCredentials", "PasswordCredentials", "JwtBearer"
    ]
    authorise_url: str | None
    authorise_url_parts: tuple[PathPart, ...]
    token_url: str
    token_url_parts: tuple[PathPart, ...]
    refresh_url: str | None
    refresh_url_parts: tuple[PathPart, ...]
    scopes: tuple[str, ...]
    scope_separator: str
    authorise_parameters: tuple[tuple[str, str], ...]
    token_parameters: tuple[tuple[str, str], ...]
    client_authentication: Literal[
        "Basic", "BasicUnencoded", "Body", "None", "PrivateKeyJwt", "ClientSecretJwt"
    ]
    pkce: Literal["Required", "Optional", "Off"]
    pkce_method: Literal["S256", "Plain"]
    token_placement: Literal["Header", "Query"]
    access_token_field: str
    refresh_token_field: str
    expires_in_field: str
    refresh_expires_in_field: str
    default_expires_in: int | None
    min_refresh_token_lifetime: int
    kind: Literal["OAuth2"] = "OAuth2"
    # Issue 11: the token request's body format and the names of the client's
    # credentials in it; parameters with {{Property}} fields (empty when none has one).
    token_request_format: Literal["Form", "Json"] = "Form"
    client_id_name: str = "client_id"
    client_secret_name: str = "client_secret"
    username_name: str = "username"
    password_name: str = "password"
    token_parameter_fields: tuple[HeaderValue, ...] = ()
    authorise_parameter_fields: tuple[HeaderValue, ...] = ()
    # TokenResponse InstanceUrl: the field with the API's address, or None.
    instance_url_field: str | None = None
    # The TokenResponse fields as parsed field paths (compiler/fieldpath.py); the
    # *_field texts above are the paths written back, for messages and (InstanceUrl)
    # the name the token keeps the value under.
    access_token_path: tuple[Segment, ...] = ("access_token",)
    refresh_token_path: tuple[Segment, ...] = ("refresh_token",)
    expires_in_path: tuple[Segment, ...] = ("expires_in",)
    refresh_expires_in_path: tuple[Segment, ...] = ("refresh_token_expires_in",)
    instance_url_path: tuple[Segment, ...] | None = None
    # PrivateKeyJwt: the assertion's JWS algorithm, and its kid and x5t headers (text
    # with {{Property}} fields), or None.
    assertion_algorithm: str = "RS256"
    assertion_key_id_parts: tuple[PathPart, ...] | None = None
    certificate_thumbprint_parts: tuple[PathPart, ...] | None = None

    @property
    def assertion_key_class(self) -> Identifier:
        """The joserfc key class the assertions are signed with."""
        if self.client_assertion == "HS256":
            return Identifier("OctKey")
        return Identifier("ECKey" if self.client_assertion == "ES256" else "RSAKey")

    @property
    def nested_token_response(self) -> bool:
        """True when a TokenResponse field is more than one key (read with _field)."""
        paths = [
            self.access_token_path,
            self.refresh_token_path,
            self.expires_in_path,
            self.refresh_expires_in_path,
            self.instance_url_path or ("",),
        ]
        return any(len(p) != 1 or not isinstance(p[0], str) for p in paths)

    @property
    def token_envelopes(self) -> tuple[str, ...]:
        """The top-level fields that hold nested TokenResponse fields: not kept in
        the token (it holds its fields under their standard names, and what else such
        an object holds, an id_token say, would not be masked as a secret)."""
        paths = [
            self.access_token_path,
            self.refresh_token_path,
            self.expires_in_path,
            self.refresh_expires_in_path,
            self.instance_url_path or ("",),
        ]
        return tuple(
            sorted({p[0] for p in paths if len(p) > 1 and isinstance(p[0], str)})
        )

    @property
    def client_assertion(self) -> str | None:
        """The JWS algorithm of the client's RFC 7523 assertions, if it sends any."""
        if self.grant == "JwtBearer":
            return "RS256"  # the grant itself is an assertion (RFC 7523 2.1)
        return {
            "PrivateKeyJwt": self.assertion_algorithm,
            "ClientSecretJwt": "HS256",
        }.get(self.client_authentication)

    @property
    def grant_type(self) -> str:
        """The RFC 6749 grant_type of the first token request."""
        return {
            "AuthorisationCode": "authorization_code",
            "ClientCredentials": "client_credentials",
            "PasswordCredentials": "password",
            "JwtBearer": "urn:ietf:params:oauth:grant-type:jwt-bearer",
        }[self.grant]

    @property
    def refreshes(self) -> bool:
        """True when refresh tokens are kept and used (not for client credentials,
        which RFC 6749 4.4.3 gives none: a new token is simply fetched)."""
        return self.grant not in ("ClientCredentials", "JwtBearer")

    @property
    def exports(self) -> tuple[str, ...]:
        names = [
            "FileTokenStore",
            "MemoryTokenStore",
            "OAuth2Error",
            "RedisTokenStore",
            "SharedTokenStore",
            "Token",
            "TokenStore",
        ]
        if self.grant in ("AuthorisationCode", "PasswordCredentials"):
            names.append("ReauthorizationRequired")
        if self.grant == "AuthorisationCode":
            names += ["AuthorizationRequest", "StateMismatchError"]
        return tuple(names)


@record(eq=False)
class OAuth1Auth:
    """OAuth 1.0a (RFC 5849): the flow's three endpoints, how requests are signed."""

    request_token_url: str
    authorize_url: str
    access_token_url: str
    signature_method: Literal["HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "PLAINTEXT"]
    signature_location: Literal["Header", "Query", "Body"]
    callback_url: str | None
    realm: str | None
    kind: Literal["OAuth1"] = "OAuth1"

    @property
    def secret_name(self) -> Identifier:
        """The constructor argument that signs: a private key for RSA-SHA1."""
        rsa = self.signature_method == "RSA-SHA1"
        return Identifier("rsa_key" if rsa else "client_secret")


@record(eq=False)
class SessionAuth:
    """AuthType Session: a login request with the user's credentials gives a token.

    The token comes from a dotted path in the JSON body, a header or a cookie of the
    login response (``token_source``, ``token_name``), and goes into ``header`` as
    ``format`` says.
    """

    login_url: str
    login_url_parts: tuple[PathPart, ...]
    login_format: Literal["Json", "Form", "Basic"]
    login_fields: tuple[tuple[str, str], ...]
    token_source: Literal["Body", "Header", "Cookie"]
    token_name: str
    # TokenPath and ExpiresInPath as parsed field paths (fieldpath.session_path).
    expires_in_path: tuple[Segment, ...] | None
    expires_in: int | None
    header: str
    format: str
    kind: Literal["Session"] = "Session"
    token_path: tuple[Segment, ...] = ()
    # The properties LoginFields values name as {{Property}}: name and argument.
    login_properties: tuple[PathPart, ...] = ()

    @property
    def exports(self) -> tuple[str, ...]:
        return (
            "FileTokenStore",
            "LoginError",
            "MemoryTokenStore",
            "RedisTokenStore",
            "SessionToken",
            "SharedTokenStore",
            "TokenStore",
        )


@record(eq=False)
class JwtAuth:
    """AuthType Jwt: a token the client signs itself (RFC 7519), claims from the spec.

    Claim values and the key id come with their parts, as URLs do, for merge fields;
    ``iat`` and ``exp`` are set when a token is signed.
    """

    algorithm: Literal["HS256", "RS256", "ES256"]
    key_format: Literal["Pem", "Text", "Hex", "IdColonHex"]
    key_id_parts: tuple[PathPart, ...] | None
    claims: tuple[tuple[str, tuple[PathPart, ...] | int | bool], ...]
    lifetime: int
    backdate: int
    header: str
    format: str
    kind: Literal["Jwt"] = "Jwt"

    @property
    def key_class(self) -> Identifier:
        """joserfc's key class for the algorithm."""
        names = {"HS256": "OctKey", "RS256": "RSAKey", "ES256": "ECKey"}
        return Identifier(names[self.algorithm])

    @property
    def exports(self) -> tuple[str, ...]:
        return ()


Auth = (
    NoAuth
    | ApiKeyAuth
    | BasicAuth
    | AuthFieldsAuth
    | OAuth1Auth
    | OAuth2Auth
    | SessionAuth
    | JwtAuth
)


@record(eq=False)
class AuthEntry:
    """One named entry of a list of authentication methods (issue 11)."""

    name: str
    description: str
    auth: Auth
    credentials: tuple[Credential, ...]

    @property
    def stateful(self) -> bool:
        """True when the client keeps this entry's auth object (tokens, signing)."""
        return self.auth.kind in STATEFUL_AUTH_TYPES


# Kinds whose client keeps an auth object and methods of its own: a list of
# methods holds at most one of them (compiler/auth_methods.py refuses more).
STATEFUL_AUTH_TYPES = frozenset({"OAuth1", "OAuth2", "Session", "Jwt"})


@record(eq=False)
class Connector:
    spec_file: str
    spec_sha256: str
    name: str
    module_name: Identifier
    class_name: Identifier
    description: str
    base_url: str
    base_url_parts: tuple[PathPart, ...]
    properties: tuple[Property, ...]
    credentials: tuple[Credential, ...]
    auth: Auth
    methods: tuple[Method, ...]
    default_request_format: str
    data_types: frozenset[str] = field(default_factory=frozenset)
    script: Script | None = None  # the connector's hooks (compiler/scripts.py)
    rate_limits: RateLimits | None = None
    retries: Retries = Retries()
    # Headers sent on every request (top-level Headers, issue 11).
    headers: tuple[HeaderValue, ...] = ()
    error_in_body: ErrorInBody | None = None
    # Several named authentication methods (a list Authentication), the user picks
    # one; ``auth`` is then the one whose code is module-wide (the stateful one).
    auth_entries: tuple[AuthEntry, ...] = ()

    @property
    def auth_kinds(self) -> frozenset[str]:
        """Every AuthType the module carries code for."""
        kinds = {e.auth.kind for e in self.auth_entries}
        return frozenset(kinds | {self.auth.kind})

    def auth_view(self, entry: AuthEntry) -> Connector:
        """The connector as if ``entry`` were its only authentication."""
        return replace(
            self, auth=entry.auth, credentials=entry.credentials, auth_entries=()
        )

    @property
    def secondary_auth(self) -> tuple[AuthEntry, ...]:
        """The entries besides ``auth``, each rendered as an extra auth class."""
        return tuple(
            e
            for e in self.auth_entries
            if e.auth is not self.auth and e.auth.kind != "None"
        )

    @property
    def auth_env_var(self) -> str:
        return env_var(str(self.module_name), "auth")

    @property
    def retry_rules(self) -> bool:
        """True when the connector or a method has retry rules of its own."""
        return self.retries.rules is not None or any(
            m.retry_rules is not None for m in self.methods
        )

    @cached_property  # asked once per method and per template branch
    def holds_back(self) -> bool:
        """True when a remaining-quota header may hold requests back."""
        rules = [self.retries.rules, *(m.retry_rules for m in self.methods)]
        return any(r is not None and r.remaining_header for r in rules)

    @property
    def reads_fields(self) -> bool:
        """True when the module reads fields of a body by path (_field)."""
        rules = [self.retries.rules, *(m.retry_rules for m in self.methods)]
        return (
            bool(self.paged)
            or self.error_in_body is not None
            or any(r is not None and r.body_path is not None for r in rules)
            or (isinstance(self.auth, OAuth2Auth) and self.auth.nested_token_response)
        )

    @property
    def uses_re(self) -> bool:
        rules = [self.retries.rules, *(m.retry_rules for m in self.methods)]
        return "LinkHeader" in self.paging_styles or any(
            r is not None and r.body_pattern is not None for r in rules
        )

    @property
    def paged(self) -> tuple[Method, ...]:
        return tuple(m for m in self.methods if m.paging is not None)

    @property
    def nests_body(self) -> bool:
        return any(m.nested_body for m in self.methods)

    @property
    def max_page_sizes(self) -> bool:
        """True when a method takes a page_size= argument."""
        return any(
            m.paging is not None and m.paging.max_page_size is not None
            for m in self.methods
        )

    @property
    def paging_stops(self) -> bool:
        """True when a method's pages say which is the last (has-more, total)."""
        return any(
            m.paging is not None
            and (m.paging.has_more_path is not None or m.paging.total_path is not None)
            for m in self.methods
        )

    @property
    def body_paged(self) -> bool:
        """True when a method pages with a cursor in its JSON body."""
        return any(
            m.paging is not None and m.paging.cursor_in_body for m in self.methods
        )

    @property
    def paging_styles(self) -> frozenset[str]:
        return frozenset(m.paging.style for m in self.methods if m.paging is not None)

    @cached_property  # asked once per method and per template branch
    def rate_limited(self) -> bool:
        """True when any request is throttled (the connector's or a method's limits)."""
        return any(self.throttle_of(m) is not None for m in self.methods)

    @property
    def throttled_methods(self) -> tuple[Method, ...]:
        """Methods with limits of their own (which replace the connector's)."""
        return tuple(m for m in self.methods if _limits(m.rate_limits))

    def throttle_of(self, method: Method) -> Identifier | None:
        """The client attribute that throttles ``method``'s requests, if any."""
        if method.rate_limits is not None:
            if _limits(method.rate_limits):
                return Identifier(f"_throttle_{method.python_name}")
            return None
        return Identifier("_throttle") if self.connector_throttled else None

    @cached_property  # asked once per method and per template branch
    def connector_throttled(self) -> bool:
        """True when the client has a connector-wide throttle: limits, or a
        remaining-quota header that may hold requests back."""
        return _limits(self.rate_limits) or self.holds_back

    @property
    def connector_limits(self) -> RateLimits:
        return self.rate_limits or RateLimits((), 0.0)

    @property
    def error_name(self) -> Identifier:
        return Identifier(f"{self.class_name[: -len('Client')]}Error")

    @property
    def async_class_name(self) -> Identifier:
        return Identifier(f"Async{self.class_name}")

    @property
    def exports(self) -> tuple[str, ...]:
        """``__all__`` in the order ruff's RUF022 wants: constants, classes, others."""
        names = [
            "BASE_URL",
            "REQUIRES",
            self.class_name,
            self.async_class_name,
            self.error_name,
        ]
        names += [m.shape_name for m in self.methods if m.shape_name]
        if self.auth.kind != "None":
            names.append(self.auth_class_name)
        if self.auth_entries:
            names += ["AUTH_METHODS", "AuthMethodNotAllowed"]
            names += [self.auth_view(e).auth_class_name for e in self.secondary_auth]
        if isinstance(self.auth, OAuth2Auth | SessionAuth | JwtAuth):
            names += self.auth.exports
        if self.auth.kind == "OAuth1":
            names += ["ACCESS_TOKEN_URL", "AUTHORIZE_URL", "REQUEST_TOKEN_URL"]
            names += ["OAuth1Token"]
        if self.has_scripts:
            names.append("HookAborted")
        if self.shares_state:
            names.append("SharedStateError")
        if self.rate_limited:
            names.append("RedisLimiter")
        return tuple(
            sorted((str(n) for n in names), key=lambda n: (not n.isupper(), n))
        )

    @property
    def requires(self) -> tuple[str, ...]:
        """The distributions the module imports, with the versions it was made for."""
        auth = self.auth
        if isinstance(auth, OAuth2Auth) and auth.client_assertion:
            return (HTTPX_REQUIREMENT, AUTHLIB_REQUIREMENT, JOSERFC_REQUIREMENT)
        # An OAuth 2 client with JSON token requests and no authorisation code grant
        # needs nothing of authlib (its form encoding, state and PKCE helpers).
        code_or_form = isinstance(auth, OAuth2Auth) and (
            auth.grant == "AuthorisationCode" or auth.token_request_format == "Form"
        )
        if auth.kind == "OAuth1" or code_or_form:
            return (HTTPX_REQUIREMENT, AUTHLIB_REQUIREMENT)
        if self.auth.kind == "Jwt":
            return (HTTPX_REQUIREMENT, JOSERFC_REQUIREMENT)
        return (HTTPX_REQUIREMENT,)

    @property
    def shares_state(self) -> bool:
        """True when the module has state to share between processes (tokens or rate
        limits), and so RedisTokenStore or RedisLimiter."""
        return self.auth.kind in ("OAuth2", "Session") or self.rate_limited

    @property
    def redis_requirement(self) -> str:
        return REDIS_REQUIREMENT

    @property
    def has_scripts(self) -> bool:
        return self.script is not None or any(m.script for m in self.methods)

    @property
    def env_types(self) -> frozenset[str]:
        """Data types that ``from_env()`` converts text into."""
        kinds = {p.data_type for p in self.properties}
        return frozenset(kinds | {c.data_type for c in self.credentials}) - {"Text"}

    @property
    def auth_class_name(self) -> Identifier:
        names = {
            "ApiKey": "ApiKeyAuth",
            "Basic": "BasicAuth",
            "AuthFields": "AuthFieldsAuth",
            "OAuth2": "OAuth2Auth",
            "OAuth1": "OAuth1Auth",
            "Session": "SessionAuth",
            "Jwt": "JwtAuth",
        }
        return Identifier(names.get(self.auth.kind, "NoAuth"))

    @property
    def formats(self) -> frozenset[str]:
        """Request and response formats the methods use."""
        used = {m.request_format for m in self.methods if m.of_type("Body")}
        return frozenset(used | {m.response_format for m in self.methods})

    @property
    def header_properties(self) -> tuple[Identifier, ...]:
        """Arguments of the properties and credentials whose values go into Headers,
        in order (each is checked when the client is made)."""
        names: dict[Identifier, None] = {}
        for header in (*self.headers, *(h for m in self.methods for h in m.headers)):
            for part in header.parts:
                if (part.from_property or part.from_credential) and part.argument:
                    names[part.argument] = None
        return tuple(names)

    @property
    def method_header_credentials(self) -> tuple[PathPart, ...]:
        """Credentials in a method's own Headers (not the connector's, which are
        computed once), kept by the client for its calls."""
        found: dict[str, PathPart] = {}
        for method in self.methods:
            for header in method.headers:
                if not header.shared:
                    for part in header.parts:
                        if part.from_credential:
                            found.setdefault(part.text, part)
        return tuple(found.values())

    @property
    def uses_strftime(self) -> bool:
        return any(p.format for m in self.methods for p in m.parameters)

    @property
    def shaped(self) -> tuple[Method, ...]:
        return tuple(m for m in self.methods if m.response_fields)

    @property
    def uses_literal(self) -> bool:
        return any(p.values for m in self.methods for p in m.parameters)

    @property
    def datetime_imports(self) -> tuple[str, ...]:
        """Names imported from ``datetime``: the type, and what DateTime defaults use.

        A default is written as ``datetime(...)`` with ``tzinfo=UTC`` or
        ``tzinfo=timezone(timedelta(...))``; sorted as isort sorts them.
        """
        if "DateTime" not in self.data_types:
            return ()
        names = {"datetime"}
        values: list[Parameter | Property] = [*self.properties]
        values += [p for m in self.methods for p in m.parameters]
        for value in values:
            if value.data_type != "DateTime" or not isinstance(value.default, str):
                continue
            if getattr(value, "values", ()):
                continue  # its default is one of its Values, written as text
            offset = datetime.fromisoformat(value.default).utcoffset()
            if offset == timedelta(0):
                names.add("UTC")
            elif offset is not None:
                names |= {"timedelta", "timezone"}
        return tuple(sorted(names, key=lambda n: (not n.isupper(), n)))


def _limits(limits: RateLimits | None) -> bool:
    """True when ``limits`` holds any limit (an empty RateLimits list lifts them)."""
    return limits is not None and bool(limits.windows or limits.gap)


def build_connector(spec: LoadedSpec, spec_name: str) -> Connector:
    """The model of a spec that ``validate`` has accepted."""
    data: dict[str, Any] = spec.data
    module = snake_case(data["Name"])
    properties = tuple(_property(p, module) for p in data.get("Properties", []))
    by_name = {p.name: p for p in properties}
    default_format = data.get("RequestFormat", "Json")
    connector_retries = data.get("Retries", {})
    # Credentials a header may hold, by their {{Name}} (issue 11); with several
    # authentication methods none (the checks refuse them: each entry's view lacks
    # the others' credentials).
    auth_data = data["Authentication"]
    held = {
        name: Identifier(argument)
        for name, argument in (
            header_credentials(auth_data) if isinstance(auth_data, dict) else {}
        ).items()
    }
    headers = _headers(data.get("Headers", {}), by_name, shared=True, credentials=held)
    methods = tuple(
        _method(m, by_name, default_format, connector_retries, headers, held)
        for m in data["Methods"]
    )
    # The spec's EnvironmentVariables replace the <MODULE>_<ARGUMENT> names.
    variables: dict[str, str] = data.get("EnvironmentVariables", {})
    entries = _auth_entries(data["Authentication"], by_name, module, variables)
    auth = _main_auth(entries)
    credentials = _all_credentials(entries)
    properties = tuple(
        replace(p, env_var=variables.get(str(p.python_name), p.env_var))
        for p in properties
    )
    by_name = {p.name: p for p in properties}
    used_types = {p.data_type for m in methods for p in m.parameters}
    used_types |= {p.data_type for p in properties}
    used_types |= {c.data_type for c in credentials}
    _refuse_files(spec, data)
    retries = data.get("Retries", {})
    return Connector(
        spec_file=spec_name,
        spec_sha256=hashlib.sha256(spec.text.encode("utf-8")).hexdigest(),
        name=data["Name"],
        module_name=Identifier(module),
        class_name=Identifier(f"{pascal_case(data['Name'])}Client"),
        description=data.get("Description", ""),
        base_url=data["BaseUrl"].rstrip("/"),
        base_url_parts=_split_template(data["BaseUrl"].rstrip("/"), by_name, {}),
        properties=properties,
        credentials=credentials,
        auth=auth,
        methods=methods,
        default_request_format=default_format,
        data_types=frozenset(used_types),
        rate_limits=_rate_limits(data.get("RateLimits")),
        headers=headers,
        retries=Retries(
            max_attempts=retries.get("MaxAttempts", 3),
            initial_delay=float(retries.get("InitialDelay", 0.5)),
            max_delay=float(retries.get("MaxDelay", 30.0)),
            rules=retry_rules(retries),
        ),
        error_in_body=_error_in_body(data.get("ErrorInBody")),
        auth_entries=entries if isinstance(data["Authentication"], list) else (),
    )


def _auth_entries(
    data: dict[str, Any] | list[dict[str, Any]],
    properties: dict[str, Property],
    module: str,
    variables: dict[str, str],
) -> tuple[AuthEntry, ...]:
    """The named entries of a list Authentication; a mapping is one unnamed entry."""
    entries = []
    for item in data if isinstance(data, list) else [data]:
        block = {k: v for k, v in item.items() if k not in ("Name", "Description")}
        auth = _auth(block, properties)
        credentials = tuple(
            replace(c, env_var=variables.get(str(c.python_name), c.env_var))
            for c in _credentials(block, auth, module)
        )
        entries.append(
            AuthEntry(
                name=item.get("Name", ""),
                description=item.get("Description", ""),
                auth=auth,
                credentials=credentials,
            )
        )
    return tuple(entries)


def _main_auth(entries: tuple[AuthEntry, ...]) -> Auth:
    """The entry whose code is module-wide: the stateful one, else the first with
    a class of its own (compiler/auth_methods.py allows one stateful entry)."""
    for entry in entries:
        if entry.stateful:
            return entry.auth
    for entry in entries:
        if entry.auth.kind != "None":
            return entry.auth
    return entries[0].auth


def _all_credentials(entries: tuple[AuthEntry, ...]) -> tuple[Credential, ...]:
    """Every entry's arguments, once each (entries may share one, as ``username``)."""
    found: dict[Identifier, Credential] = {}
    for entry in entries:
        for credential in entry.credentials:
            first = found.setdefault(credential.python_name, credential)
            if credential.may_be_empty and not first.may_be_empty:
                # The module then has the helper that entry's from_env() uses.
                found[credential.python_name] = replace(first, may_be_empty=True)
    return tuple(found.values())


def _error_in_body(data: dict[str, Any] | None) -> ErrorInBody | None:
    if data is None:
        return None
    message = data.get("MessagePath")
    return ErrorInBody(
        text=data["Path"],
        path=parse_path(data["Path"]),
        equals=data["Equals"],
        message_path=parse_path(message) if message else None,
    )


def _rate_limits(data: list[dict[str, Any]] | None) -> RateLimits | None:
    """The limits of a RateLimits list; None when there is none (an empty list
    written on a method is kept: it lifts the connector's limits)."""
    if data is None:
        return None
    windows = sorted(
        (limit["MaxRequests"], window_seconds(limit))
        for limit in data
        if "MaxRequests" in limit
    )
    gaps = [
        float(limit["TimeBetweenRequests"])
        for limit in data
        if "TimeBetweenRequests" in limit
    ]
    return RateLimits(tuple(windows), max(gaps, default=0.0))


def _paging(data: dict[str, Any] | None) -> Paging | None:
    if data is None:
        return None
    style = data["Style"]
    parameter = {
        "PageNumber": "PageParameter",
        "Offset": "OffsetParameter",
        "Cursor": "CursorParameter",
    }.get(style)
    field_key = {"NextUrl": "NextUrlPath", "Cursor": "CursorPath"}.get(style)
    items = data.get("ItemsPath")
    has_more = data.get("HasMorePath")
    total = data.get("TotalPath")
    return Paging(
        style=style,
        items_path=parse_path(items) if items else (),
        page_size=data.get("PageSize"),
        size_parameter=data.get("SizeParameter"),
        parameter=data[parameter] if parameter else None,
        first_page=data.get("FirstPage", 1),
        field_path=parse_path(data[field_key]) if field_key else (),
        items_text=items or "",
        has_more_path=parse_path(has_more) if has_more else None,
        has_more_text=has_more or "",
        total_path=parse_path(total) if total else None,
        total_text=total or "",
        max_page_size=data.get("MaxPageSize"),
        cursor_in_body=data.get("CursorIn", "Query") == "Body",
        next_endpoint=data.get("NextEndPoint"),
    )


def _refuse_files(spec: LoadedSpec, data: dict[str, Any]) -> None:
    errors = []
    default_format = data.get("RequestFormat", "Json")
    for i, method in enumerate(data["Methods"]):
        multipart = method.get("RequestFormat", default_format) == "File"
        for j, param in enumerate(method.get("Parameters", [])):
            if param.get("DataType") != "File":
                continue
            if param["TargetType"] != "Body":
                errors.append(
                    spec.diagnostic(
                        ("Methods", i, "Parameters", j, "DataType"),
                        f"a File parameter cannot be a {param['TargetType']}",
                        "make it a Body parameter of a method with RequestFormat File",
                    )
                )
            elif not multipart:
                errors.append(
                    spec.diagnostic(
                        ("Methods", i, "Parameters", j, "DataType"),
                        "a File parameter needs the method's RequestFormat to be File "
                        "(multipart)",
                        "add RequestFormat: File to the method",
                    )
                )
        for j, response_field in enumerate(method.get("ResponseFields", [])):
            if response_field.get("DataType") == "File":
                errors.append(
                    spec.diagnostic(
                        ("Methods", i, "ResponseFields", j, "DataType"),
                        "a response field cannot be a File",
                        "JSON carries text: use Text",
                    )
                )
    for i, prop in enumerate(data.get("Properties", [])):
        if prop.get("DataType") == "File":
            errors.append(
                spec.diagnostic(
                    ("Properties", i, "DataType"),
                    "a property cannot be a File",
                    "use Text",
                )
            )
    auth_data = data["Authentication"]
    fields = auth_data.get("Fields", []) if isinstance(auth_data, dict) else []
    for i, auth_field in enumerate(fields):
        if auth_field.get("Type") == "File":
            errors.append(
                spec.diagnostic(
                    ("Authentication", "Fields", i, "Type"),
                    "an authentication field cannot be a File",
                    "use Text",
                )
            )
    if errors:
        raise SpecError(errors)


def _property(data: dict[str, Any], module: str) -> Property:
    name = python_name(data, data["Name"])
    return Property(
        name=data["Name"],
        python_name=Identifier(name),
        env_var=env_var(module, name),
        description=data.get("Description", ""),
        data_type=data.get("DataType", "Text"),
        optional=bool(data.get("IsOptional", False)) or "Default" in data,
        sensitive=bool(data.get("Sensitive", False)),
        default=data.get("Default"),
        has_default="Default" in data,
    )


def _parameter(data: dict[str, Any], *, json_body: bool = False) -> Parameter:
    name: str = data["TargetName"]
    nested = key_path(name) if json_body and data["TargetType"] == "Body" else None
    return Parameter(
        target_type=data["TargetType"],
        target_name=data["TargetName"],
        python_name=Identifier(python_name(data, data["TargetName"])),
        description=data.get("Description", ""),
        data_type=data.get("DataType", "Text"),
        optional=bool(data.get("IsOptional", False)) or "Default" in data,
        values=tuple(data.get("Values", ())),
        default=data.get("Default"),
        has_default="Default" in data,
        format=data.get("Format"),
        body_path=nested,
    )


def _response_field(data: dict[str, Any]) -> ResponseField:
    return ResponseField(
        name=data["Name"],
        json_type=Identifier(JSON_TYPES[data.get("DataType", "Text")]),
        optional=bool(data.get("IsOptional", False)),
        description=data.get("Description", ""),
    )


def _headers(
    data: dict[str, str | None],
    properties: dict[str, Property],
    *,
    shared: bool,
    credentials: dict[str, Identifier] | None = None,
) -> tuple[HeaderValue, ...]:
    return tuple(
        HeaderValue(
            name, _split_template(value, properties, {}, credentials or {}), shared
        )
        for name, value in data.items()
        if value is not None
    )


def _method_headers(
    data: dict[str, str | None],
    properties: dict[str, Property],
    connector: tuple[HeaderValue, ...],
    credentials: dict[str, Identifier],
) -> tuple[HeaderValue, ...]:
    """The connector's headers, those the method names replaced (in place) or left
    out (null), then the method's new ones. Names match without regard to case."""
    own = {name.lower(): (name, value) for name, value in data.items()}
    result = []
    for header in connector:
        if header.name.lower() not in own:
            result.append(header)
            continue
        name, value = own.pop(header.name.lower())
        if value is not None:
            result.append(
                HeaderValue(name, _split_template(value, properties, {}, credentials))
            )
    new = {name: value for name, value in own.values()}
    return (
        *result,
        *_headers(new, properties, shared=False, credentials=credentials),
    )


def _spelt_as_parameters(
    headers: tuple[HeaderValue, ...], parameters: tuple[Parameter, ...]
) -> tuple[HeaderValue, ...]:
    """Headers named as the method's HttpHeader parameter of the same name (in any
    case) spells it, so that a parameter given replaces the header, not joins it."""
    spelling = {
        p.target_name.lower(): p.target_name
        for p in parameters
        if p.target_type == "HttpHeader"
    }
    return tuple(
        replace(h, sent_as=spelling[h.name.lower()])
        if h.name.lower() in spelling
        else h
        for h in headers
    )


def _method(
    data: dict[str, Any],
    properties: dict[str, Property],
    default_format: str,
    connector_retries: dict[str, Any],
    headers: tuple[HeaderValue, ...] = (),
    credentials: dict[str, Identifier] | None = None,
) -> Method:
    request_format = data.get("RequestFormat", default_format)
    parameters = tuple(
        _parameter(p, json_body=request_format == "Json")
        for p in data.get("Parameters", [])
    )
    merge = {p.target_name: p for p in parameters if p.target_type == "MergeField"}
    return Method(
        name=data["Name"],
        python_name=Identifier(python_name(data, data["Name"])),
        description=data.get("Description", ""),
        http_method=data["HttpMethod"],
        endpoint=data["EndPoint"],
        path=_split_template(data["EndPoint"], properties, merge),
        parameters=parameters,
        request_format=request_format,
        response_format=data.get("ResponseFormat", "Json"),
        paging=_paging(data.get("Paging")),
        rate_limits=_rate_limits(data.get("RateLimits")),
        retry_safe=bool(data.get("RetrySafe", False)),
        retry_rules=retry_rules({**connector_retries, **data["Retries"]})
        if "Retries" in data
        else None,
        headers=_spelt_as_parameters(
            _method_headers(
                data.get("Headers", {}), properties, headers, credentials or {}
            ),
            parameters,
        ),
        xml_root=data.get("XmlRoot", "Request"),
        response_fields=tuple(
            _response_field(f) for f in data.get("ResponseFields", ())
        ),
        auth_methods=tuple(data.get("AuthMethods", ())),
    )


def _split_template(
    template: str,
    properties: dict[str, Property],
    merge: dict[str, Parameter],
    credentials: dict[str, Identifier] | None = None,
) -> tuple[PathPart, ...]:
    """``/lists/{{ListId}}/members`` -> literal, field, literal parts (a header's
    field may also be a credential, when no property has its name)."""
    parts: list[PathPart] = []
    position = 0
    for match in MERGE_FIELD.finditer(template):
        if match.start() > position:
            parts.append(PathPart(template[position : match.start()]))
        name = match.group(1).strip()
        if name in merge:
            parts.append(PathPart(name, merge[name].python_name))
        elif credentials and name in credentials and name not in properties:
            parts.append(PathPart(name, credentials[name], from_credential=True))
        else:
            parts.append(
                PathPart(name, properties[name].python_name, from_property=True)
            )
        position = match.end()
    if position < len(template):
        parts.append(PathPart(template[position:]))
    return tuple(parts)


def _auth(data: dict[str, Any], properties: dict[str, Property]) -> Auth:
    auth_type = data["AuthType"]
    if auth_type == "OAuth2":
        return _oauth2(data, properties)
    if auth_type == "ApiKey":
        query = data.get("QueryParameter")
        return ApiKeyAuth(
            header=None if query else data.get("Header", "Authorization"),
            query_parameter=query,
            format=data.get("Format", "{ApiKey}"),
            keys=tuple(
                ApiKeyItem(
                    name=k["Name"],
                    python_name=Identifier(python_name(k, k["Name"])),
                    header=k.get("Header"),
                    query_parameter=k.get("QueryParameter"),
                    format=k.get("Format", "{" + k["Name"] + "}"),
                    description=k.get("Description", ""),
                )
                for k in data.get("Keys", ())
            ),
        )
    if auth_type == "Basic":
        return BasicAuth()
    if auth_type == "OAuth1":
        return OAuth1Auth(
            request_token_url=data["RequestTokenUrl"],
            authorize_url=data["AuthorizeUrl"],
            access_token_url=data["AccessTokenUrl"],
            signature_method=data.get("SignatureMethod", "HMAC-SHA1"),
            signature_location=data.get("SignatureLocation", "Header"),
            callback_url=data.get("CallbackUrl"),
            realm=data.get("Realm"),
        )
    if auth_type == "Session":
        return _session(data, properties)
    if auth_type == "Jwt":
        return _jwt(data, properties)
    if auth_type == "AuthFields":
        return AuthFieldsAuth(
            tuple(
                AuthField(
                    name=f["Name"],
                    key=f["Key"],
                    python_name=Identifier(python_name(f, f["Name"])),
                    data_type=f["Type"],
                    description=f.get("Description", ""),
                )
                for f in data["Fields"]
            )
        )
    return NoAuth()


def _oauth2(data: dict[str, Any], properties: dict[str, Property]) -> OAuth2Auth:
    def parts(key: str) -> tuple[PathPart, ...]:
        return _split_template(data[key], properties, {}) if key in data else ()

    def optional_parts(key: str) -> tuple[PathPart, ...] | None:
        return _split_template(data[key], properties, {}) if key in data else None

    response: dict[str, Any] = data.get("TokenResponse", {})
    paths = {
        key: token_path(response.get(key, default))
        for key, default in (
            ("AccessToken", "access_token"),
            ("RefreshToken", "refresh_token"),
            ("ExpiresIn", "expires_in"),
            ("RefreshTokenExpiresIn", "refresh_token_expires_in"),
        )
    }
    instance = response.get("InstanceUrl")
    instance_path = None if instance is None else token_path(instance)
    return OAuth2Auth(
        grant=data["OAuth2Type"],
        authorise_url=data.get("AuthoriseUrl"),
        authorise_url_parts=parts("AuthoriseUrl"),
        token_url=data["AccessTokenUrl"],
        token_url_parts=parts("AccessTokenUrl"),
        refresh_url=data.get("RefreshUrl"),
        refresh_url_parts=parts("RefreshUrl"),
        scopes=tuple(data.get("Scopes", ())),
        scope_separator=data.get("ScopeSeparator", " "),
        authorise_parameters=tuple(sorted(data.get("AuthoriseParameters", {}).items())),
        token_parameters=tuple(sorted(data.get("TokenParameters", {}).items())),
        # RFC 7523 2.1: the assertion is the grant; the client is not authenticated.
        client_authentication=data.get(
            "ClientAuthentication",
            "None" if data["OAuth2Type"] == "JwtBearer" else "Basic",
        ),
        # YAML 1.1 reads an unquoted `Pkce: Off` as false; the schema allows both.
        pkce="Off" if data.get("Pkce") is False else data.get("Pkce", "Required"),
        pkce_method=data.get("PkceMethod", "S256"),
        token_placement=data.get("TokenPlacement", "Header"),
        access_token_field=store_key(paths["AccessToken"]),
        refresh_token_field=store_key(paths["RefreshToken"]),
        expires_in_field=store_key(paths["ExpiresIn"]),
        refresh_expires_in_field=store_key(paths["RefreshTokenExpiresIn"]),
        access_token_path=paths["AccessToken"],
        refresh_token_path=paths["RefreshToken"],
        expires_in_path=paths["ExpiresIn"],
        refresh_expires_in_path=paths["RefreshTokenExpiresIn"],
        instance_url_path=instance_path,
        default_expires_in=response.get("DefaultExpiresIn"),
        min_refresh_token_lifetime=data.get("MinRefreshTokenLifetime", 43200),
        token_request_format=data.get("TokenRequestFormat", "Form"),
        instance_url_field=None if instance_path is None else store_key(instance_path),
        assertion_algorithm=data.get("Algorithm", "RS256"),
        assertion_key_id_parts=optional_parts("KeyId"),
        certificate_thumbprint_parts=optional_parts("CertificateThumbprint"),
        client_id_name=data.get("TokenRequestNames", {}).get("ClientId", "client_id"),
        client_secret_name=data.get("TokenRequestNames", {}).get(
            "ClientSecret", "client_secret"
        ),
        username_name=data.get("TokenRequestNames", {}).get("Username", "username"),
        password_name=data.get("TokenRequestNames", {}).get("Password", "password"),
        token_parameter_fields=_parameter_fields(
            data.get("TokenParameters", {}), properties
        ),
        authorise_parameter_fields=_parameter_fields(
            data.get("AuthoriseParameters", {}), properties
        ),
    )


SESSION_FIELDS = (("username", "{Username}"), ("password", "{Password}"))


def _session(data: dict[str, Any], properties: dict[str, Property]) -> SessionAuth:
    source: Literal["Body", "Header", "Cookie"] = "Body"
    name = data.get("TokenPath", "")
    if "TokenHeader" in data:
        source, name = "Header", data["TokenHeader"]
    elif "TokenCookie" in data:
        source, name = "Cookie", data["TokenCookie"]
    login_format = data.get("LoginFormat", "Json")
    fields = data.get("LoginFields")
    used: dict[str, PathPart] = {}
    for value in (fields or {}).values() if login_format != "Basic" else ():
        for part in _split_template(value, properties, {}):
            if part.from_property:
                used.setdefault(part.text, part)
    return SessionAuth(
        login_properties=tuple(used.values()),
        login_url=data["LoginUrl"],
        login_url_parts=_split_template(data["LoginUrl"], properties, {}),
        login_format=login_format,
        login_fields=(
            ()
            if login_format == "Basic"
            else SESSION_FIELDS
            if fields is None
            else tuple(fields.items())
        ),
        token_source=source,
        token_name=name,
        token_path=session_path(name) if source == "Body" else (),
        expires_in_path=(
            session_path(data["ExpiresInPath"]) if "ExpiresInPath" in data else None
        ),
        expires_in=data.get("ExpiresIn"),
        header=data.get("Header", "Authorization"),
        format=data.get("Format", "Bearer {Token}"),
    )


def _jwt(data: dict[str, Any], properties: dict[str, Property]) -> JwtAuth:
    algorithm = data["Algorithm"]
    claims: list[tuple[str, tuple[PathPart, ...] | int | bool]] = []
    for name, value in data.get("Claims", {}).items():
        text = isinstance(value, str)
        claims.append((name, _split_template(value, properties, {}) if text else value))
    key_id = data.get("KeyId")
    return JwtAuth(
        algorithm=algorithm,
        key_format=data.get("KeyFormat", "Text" if algorithm == "HS256" else "Pem"),
        key_id_parts=None
        if key_id is None
        else _split_template(key_id, properties, {}),
        claims=tuple(claims),
        lifetime=data.get("Lifetime", 300),
        backdate=data.get("Backdate", 0),
        header=data.get("Header", "Authorization"),
        format=data.get("Format", "Bearer {Token}"),
    )


JWT_CREDENTIALS = {
    "key": "The signing key: {}.",
}
JWT_KEY_DESCRIPTIONS = {
    "Pem": "the private key as PEM text",
    "Text": "the shared secret",
    "Hex": "the shared secret in hexadecimal",
    "IdColonHex": "'id:secret', the key id and the secret in hexadecimal",
}


SESSION_CREDENTIALS = {
    "username": "The username the login request sends.",
    "password": "The password the login request sends.",
}


def _parameter_fields(
    data: dict[str, str], properties: dict[str, Property]
) -> tuple[HeaderValue, ...]:
    """Token or authorise parameters as name and parts, when any value has a
    {{Property}} field (the client fills them in); empty otherwise."""
    if not any(MERGE_FIELD.search(value) for value in data.values()):
        return ()
    return _headers(dict(sorted(data.items())), properties, shared=False)


def _credentials(
    data: dict[str, Any], auth: Auth, module: str
) -> tuple[Credential, ...]:
    if isinstance(auth, AuthFieldsAuth):
        return tuple(
            Credential(
                python_name=f.python_name,
                env_var=env_var(module, f.python_name),
                description=f.description or f.name,
                secret=True,
                data_type=f.data_type,
            )
            for f in auth.fields
        )
    if isinstance(auth, OAuth1Auth):
        return _oauth1_credentials(data, module)
    if isinstance(auth, ApiKeyAuth) and auth.keys:
        return tuple(
            Credential(
                python_name=k.python_name,
                env_var=env_var(module, k.python_name),
                description=k.description or f"The {k.name}.",
                secret=True,
            )
            for k in auth.keys
        )
    descriptions = {
        "api_key": "The API key.",
        "username": "The username for HTTP Basic authentication.",
        "password": "The password for HTTP Basic authentication.",
    }
    if isinstance(auth, OAuth2Auth):
        descriptions = OAUTH2_CREDENTIALS
    if isinstance(auth, SessionAuth):
        descriptions = SESSION_CREDENTIALS
    if isinstance(auth, JwtAuth):
        descriptions = {
            "key": JWT_CREDENTIALS["key"].format(JWT_KEY_DESCRIPTIONS[auth.key_format])
        }
    return tuple(
        Credential(
            python_name=Identifier(name),
            env_var=env_var(module, name),
            description=descriptions.get(name, ""),
            secret=name != "username",
            may_be_empty=name == "password" and isinstance(auth, BasicAuth),
        )
        for name, _ in credential_names(data)
    )


OAUTH1_CREDENTIALS = {
    "client_id": ("The consumer key (the OAuth 1 client id).", False, False),
    "client_secret": ("The consumer secret.", True, False),
    "rsa_key": (
        "The consumer's RSA private key as PEM text, for RSA-SHA1 signatures.",
        True,
        False,
    ),
    "token": (
        "An access token already in hand; without one, run the flow first.",
        False,
        True,
    ),
    "token_secret": ("The access token's secret, given with token.", True, True),
}


def _oauth1_credentials(data: dict[str, Any], module: str) -> tuple[Credential, ...]:
    credentials = []
    for name, _ in credential_names(data):
        description, secret, optional = OAUTH1_CREDENTIALS[name]
        credentials.append(
            Credential(
                python_name=Identifier(name),
                env_var=env_var(module, name),
                description=description,
                secret=secret,
                optional=optional,
            )
        )
    return tuple(credentials)
