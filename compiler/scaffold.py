"""``connectorc new``: a commented starter spec for each AuthType (and OAuth2 grant).

The spec is built from fixed text; the only values written into it are the name the
author gave (quoted as a YAML string) and the modeline's relative path to the schema.
A test compiles every combination and imports the module.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .names import snake_case

__all__ = ["AUTH_TYPES", "GRANTS", "starter_path", "starter_spec"]

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
  # TokenRequestFormat: Json      # when the token endpoint wants a JSON body
  # TokenParameters: { audience: "https://api.example.com/" }  # {{Property}} too
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


def starter_path(name: str, folder: Path = Path("specs")) -> Path:
    """``specs/<module name>.yaml`` for a connector called ``name``."""
    return folder / f"{snake_case(name) or 'connector'}.yaml"


def starter_spec(
    name: str, auth: str, grant: str | None, *, spec: Path, schema: Path
) -> str:
    """The text of a starter spec; ``spec`` is where it goes, ``schema`` the schema."""
    if auth not in AUTH_TYPES:
        raise ValueError(f"unknown AuthType {auth!r}")
    if auth == "OAuth2":
        block = _OAUTH2[grant or "AuthorisationCode"]
    elif grant is not None:
        raise ValueError("--grant goes with --auth OAuth2 only")
    else:
        block = _AUTH[auth]
    module = snake_case(name)
    modeline = Path(os.path.relpath(schema.resolve(), spec.resolve().parent))
    methods = _WRITE_METHOD if auth == "AuthFields" else _READ_METHOD + _WRITE_METHOD
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
        "# Headers:                      # sent on every request; {{Property}} too\n"
        '#   Api-Version: "2024-01-01"\n'
        f"{block}"
        "Methods:\n"
        f"{methods}"
    )
