"""``connectorc new``: a commented starter spec for each AuthType (and OAuth2 grant),
or for several at once (``--auth OAuth2,ApiKey``: ``Authentication`` as a list).

The spec is built from fixed text; the only values written into it are the name the
author gave (quoted as a YAML string) and the modeline's relative path to the schema.
A test compiles every combination and imports the module.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .names import snake_case

__all__ = ["AUTH_TYPES", "GRANTS", "auth_types", "starter_path", "starter_spec"]

AUTH_TYPES = (
    "ApiKey",
    "Basic",
    "OAuth1",
    "OAuth2",
    "None",
    "AuthFields",
    "Session",
    "Jwt",
)
GRANTS = ("AuthorisationCode", "ClientCredentials", "PasswordCredentials", "JwtBearer")

_AUTH = {
    "ApiKey": """\
Authentication:
  AuthType: ApiKey                # the user supplies api_key at run time
  Header: Authorization           # or QueryParameter: api_key (one of the two)
  Format: "Bearer {ApiKey}"       # {ApiKey} stands for the key; default "{ApiKey}"
  # Several keys at once (Datadog), instead of Header and Format: one argument each.
  # Keys:
  #   - { Name: ApiKey, Header: DD-API-KEY }
  #   - { Name: ApplicationKey, Header: DD-APPLICATION-KEY }
""",
    "Basic": """\
Authentication:
  AuthType: Basic                 # username and password are supplied at run time
""",
    "None": """\
Authentication:
  AuthType: None                  # no authentication
""",
    "AuthFields": """\
Authentication:
  AuthType: AuthFields            # values injected into every POST, PUT and PATCH body
  Fields:
    - Name: Api Token             # shown to the user; the argument is api_token
      Key: token                  # TODO: the body field the API expects
      Type: Text
      Description: TODO what the value is and where to find it.
""",
    "OAuth1": """\
Authentication:
  AuthType: OAuth1                # consumer key and secret are supplied at run time
  RequestTokenUrl: https://api.example.com/oauth/request_token   # TODO
  AuthorizeUrl: https://api.example.com/oauth/authorize          # with a z in OAuth1
  AccessTokenUrl: https://api.example.com/oauth/access_token     # TODO
  SignatureMethod: HMAC-SHA1      # or HMAC-SHA256, RSA-SHA1, PLAINTEXT
""",
    "Session": """\
Authentication:
  AuthType: Session               # username and password are supplied at run time
  LoginUrl: https://api.example.com/v1/login   # TODO where the login is POSTed
  LoginFormat: Json               # or Form, or Basic (no body)
  LoginFields: { username: "{Username}", password: "{Password}" }   # TODO the names
  #   (a value may hold {{Property}} fields too: account: "{{Tenant}}")
  TokenPath: token                # TODO the token's field (or TokenHeader, TokenCookie)
  ExpiresIn: 3600                 # TODO its lifetime in seconds (or ExpiresInPath)
  Header: Authorization           # where requests carry it
  Format: "Bearer {Token}"        # {Token} stands for the session token
""",
    "Jwt": """\
Authentication:
  AuthType: Jwt                   # the signing key is supplied at run time (key=)
  Algorithm: RS256                # or ES256 (PEM keys), HS256 (a shared secret)
  Claims: { iss: TODO-issuer, aud: TODO-audience }   # iat and exp are set for you
  Lifetime: 300                   # seconds from iat to exp
  Header: Authorization
  Format: "Bearer {Token}"        # {Token} stands for the signed token
""",
}

# The options of every OAuth2 grant's token request, and of its client authentication
# (not JwtBearer's: its signed grant is the client's proof).
_TOKEN_REQUEST = """\
  # TokenRequestFormat: Json      # when the token endpoint wants a JSON body
  # TokenParameters: { audience: "https://api.example.com/" }  # {{Property}} too
"""
_CLIENT_ASSERTION = """\
  # ClientAuthentication: PrivateKeyJwt   # private_key (PEM) at run time, no secret;
  #                               # or Basic (default), BasicUnencoded, Body, None,
  #                               # ClientSecretJwt (an HS256 assertion, the secret)
  # Algorithm: RS256              # or RS384, RS512, PS256, ES256 (PrivateKeyJwt only)
  # KeyId: TODO-key-id            # the assertion's kid header; {{Property}} too
  # CertificateThumbprint: "{{CertificateThumbprint}}"   # x5t (Microsoft Entra ID)
"""

_OAUTH2 = {
    "AuthorisationCode": """\
Authentication:
  AuthType: OAuth2                # client id and secret are supplied at run time
  OAuth2Type: AuthorisationCode   # the user consents in a browser, then is redirected
  AuthoriseUrl: https://api.example.com/oauth/authorize   # OAuth2 spells it with an s
  AccessTokenUrl: https://api.example.com/oauth/token     # TODO
  Scopes: [read]                  # TODO the scopes the client asks for
""",
    "ClientCredentials": """\
Authentication:
  AuthType: OAuth2                # client id and secret are supplied at run time
  OAuth2Type: ClientCredentials   # no user: the client acts on its own behalf
  AccessTokenUrl: https://api.example.com/oauth/token     # TODO
  Scopes: [read]                  # TODO the scopes the client asks for
""",
    "PasswordCredentials": """\
Authentication:
  AuthType: OAuth2                # client id and secret are supplied at run time
  OAuth2Type: PasswordCredentials # the user's username and password, at run time too
  AccessTokenUrl: https://api.example.com/oauth/token     # TODO
  Scopes: [read]                  # TODO the scopes the client asks for
""",
    "JwtBearer": """\
Authentication:
  AuthType: OAuth2                # a service account's JSON key file at run time
  OAuth2Type: JwtBearer           # RFC 7523: a signed JWT is the grant (Google)
  AccessTokenUrl: https://api.example.com/oauth/token     # TODO
  Scopes: [read]                  # TODO the scopes the client asks for
""",
}

# A body-carrying method for AuthFields (its values go into POST, PUT and PATCH
# bodies only), a GET with a merge field and a query parameter for the others.
_READ_METHOD = """\
  - Name: Get Item                # -> client.get_item(item_id=...)
    Description: TODO what the method returns.
    HttpMethod: GET
    EndPoint: /items/{{ItemId}}   # {{ItemId}} is filled from the parameter below
    Parameters:
      - { TargetType: MergeField, TargetName: ItemId, Description: The item's id. }
      - { TargetType: QueryString, TargetName: fields, IsOptional: true,
          Description: Comma-separated fields to return. }
"""
_WRITE_METHOD = """\
  - Name: Create Item             # -> client.create_item(title=...)
    Description: TODO what the method creates.
    HttpMethod: POST
    EndPoint: /items
    Parameters:
      - { TargetType: Body, TargetName: title, Description: The item's title. }
      - { TargetType: Body, TargetName: quantity, DataType: Integer, IsOptional: true }
"""


# An entry's Name in a list of methods: what the user passes as auth=.
_ENTRY_NAMES = {
    "ApiKey": "api_key",
    "Basic": "basic",
    "OAuth1": "oauth1",
    "OAuth2": "oauth2",
    "None": "none",
    "Session": "session",
    "Jwt": "jwt",
}
_QUERY_CHOICE = "# or QueryParameter: api_key (one of the two)"
# One client keeps the state of one of these; the others hold no state.
_STATEFUL = ("OAuth1", "OAuth2", "Session", "Jwt")

_LIST_EXAMPLE = """\
# Several ways in (`connectorc new NAME --auth OAuth2,ApiKey` writes one): a list of
# named entries instead of the block above. The user picks one (auth="oauth2"), and
# a method's AuthMethods restricts it to some of them.
# Authentication:
#   - Name: oauth2
#     AuthType: OAuth2
#     OAuth2Type: ClientCredentials
#     AccessTokenUrl: https://api.example.com/oauth/token
#   - Name: personal_token
#     AuthType: ApiKey
#     Format: "Bearer {ApiKey}"
"""


def auth_types(text: str) -> tuple[str, ...]:
    """The AuthTypes of ``--auth``: one, or several joined by commas.

    Several become a list of named entries, under the rules the compiler checks for
    one (auth_methods.py), so that the starter compiles as it is.
    """
    types = tuple(part.strip() for part in text.split(","))
    for auth in types:
        if auth not in AUTH_TYPES:
            raise ValueError(
                f"unknown AuthType {auth!r}; use one of {', '.join(AUTH_TYPES)}"
            )
    if len(types) == 1:
        return types
    if len(set(types)) < len(types):
        raise ValueError("each AuthType may stand once in a list of methods")
    if "AuthFields" in types:
        raise ValueError("AuthFields cannot be one of several methods")
    if sum(auth in _STATEFUL for auth in types) > 1:
        raise ValueError(
            f"at most one of {', '.join(_STATEFUL)} in a list of methods (one "
            "client keeps the state of one); the others may be ApiKey, Basic or None"
        )
    return types


def _block(auth: str, grant: str | None) -> str:
    """The ``Authentication:`` block of one AuthType."""
    if auth != "OAuth2":
        return _AUTH[auth]
    grant = grant or "AuthorisationCode"
    block = _OAUTH2[grant] + _TOKEN_REQUEST
    return block if grant == "JwtBearer" else block + _CLIENT_ASSERTION


def _entries(types: tuple[str, ...], grant: str | None) -> str:
    """``Authentication:`` as a list, each type's block an entry with its Name."""
    lines = ["Authentication:                 # the user picks one: auth=..."]
    for auth in types:
        block = _block(auth, grant).splitlines()[1:]  # without "Authentication:"
        # An entry of a list sends its key in a header (auth_methods.py).
        block = [
            line.replace(_QUERY_CHOICE, "# the key goes in a header") for line in block
        ]
        lines.append(f"  - Name: {_ENTRY_NAMES[auth]}")
        lines.append("    Description: TODO when to use this method.")
        lines.extend(f"  {line}" for line in block)
    return "\n".join(lines) + "\n"


def _headers(types: tuple[str, ...], grant: str | None) -> str:
    """The commented connector-wide Headers, with a credential where there is one."""
    text = (
        "# Headers:                      # sent on every request; {{Property}} too\n"
        '#   Api-Version: "2024-01-01"\n'
        '#   X-Tenant: "{{Tenant}}"\n'
        '#   X-Partner-Key: "{{PartnerKey}}"   # a credential: a Sensitive property\n'
    )
    auth = types[0] if len(types) == 1 else ""  # a list: no credential in Headers
    if auth == "OAuth2" and grant != "JwtBearer":
        text += '#   Client-Id: "{{ClientId}}"   # the client id, never the secret\n'
    elif auth in ("Basic", "Session"):
        text += '#   X-User: "{{Username}}"      # the username, never the password\n'
    elif auth == "ApiKey":
        text += '#   X-Key: "{{ApiKey}}"         # the key in a second header too\n'
    return text


def _properties(types: tuple[str, ...], grant: str | None) -> str:
    """The commented Properties that the commented shapes use."""
    text = (
        "# Properties:                   # values the user supplies to the client\n"
        "#   - { Name: Tenant, Description: TODO what the value is. }\n"
        "#   - { Name: PartnerKey, Sensitive: true, Description: TODO a 2nd key. }\n"
    )
    if "OAuth2" in types and grant != "JwtBearer":
        text += "#   - { Name: CertificateThumbprint, Description: TODO its SHA-1. }\n"
    return text


def starter_path(name: str, folder: Path = Path("specs")) -> Path:
    """``specs/<module name>.yaml`` for a connector called ``name``."""
    return folder / f"{snake_case(name) or 'connector'}.yaml"


def starter_spec(
    name: str, auth: str, grant: str | None, *, spec: Path, schema: Path
) -> str:
    """The text of a starter spec; ``spec`` is where it goes, ``schema`` the schema."""
    types = auth_types(auth)
    if grant is not None and "OAuth2" not in types:
        raise ValueError("--grant goes with --auth OAuth2 only")
    if len(types) == 1:
        block = _block(auth, grant) + _LIST_EXAMPLE
        restrict = "oauth2"
    else:
        block = _entries(types, grant)
        restrict = _ENTRY_NAMES[types[0]]
    module = snake_case(name)
    modeline = Path(os.path.relpath(schema.resolve(), spec.resolve().parent))
    read = _READ_METHOD.replace(
        "    HttpMethod: GET\n",
        "    HttpMethod: GET\n"
        f"    # AuthMethods: [{restrict}]"
        f"{' ' * max(1, 10 - len(restrict))}# with a list of methods: those it takes\n",
    )
    methods = _WRITE_METHOD if auth == "AuthFields" else read + _WRITE_METHOD
    return (
        f"# yaml-language-server: $schema={modeline.as_posix()}\n"
        "# A starter spec from `connectorc new`: replace the TODOs and example.com\n"
        "# with the API's own, then run `connectorc validate` and `generate`.\n"
        "# docs/spec-reference.md lists every key.\n"
        "SpecVersion: 1\n"
        # json.dumps: a double-quoted YAML scalar, whatever the name holds.
        f"Name: {json.dumps(name, ensure_ascii=False)}"
        f"   # -> generated/{module}.py\n"
        "Description: TODO one sentence on what the API is for.\n"
        "BaseUrl: https://api.example.com/v1   # TODO the API root, https\n"
        f"{_properties(types, grant)}"
        f"{_headers(types, grant)}"
        f"{block}"
        "Methods:\n"
        f"{methods}"
    )
