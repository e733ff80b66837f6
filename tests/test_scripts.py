"""Scripting hooks (issue 6): scripts named after Cyclr's events, checked with ``ast``
and inlined, then called by the generated clients at their points, against real local
servers (httpbin, the OAuth 2 test server)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import textwrap
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from compiler import generate
from tests.oauth2_fixtures import (
    CALENDAR,
    PASSWORD,
    REDIRECT_URI,
    SALESFORCE,
    SPOTIFY,
    consent,
)
from tests.oauth2_server import OAuth2TestServer
from tests.support import compile_text, import_generated

# -- compiling a spec with its scripts ------------------------------------------------


def compile_with_scripts(tmp_path: Path, spec: str, **scripts: str) -> ModuleType:
    """Write the spec and its scripts (``name=text``: scripts/<name>.py), compile and
    import the module."""
    folder = tmp_path / "scripts"
    folder.mkdir(exist_ok=True)
    for name, text in scripts.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(text), encoding="utf-8")
    return compile_text(textwrap.dedent(spec), tmp_path)


HEAD = """\
from __future__ import annotations

from typing import Any

import httpx

"""

ECHO_SPEC = """\
SpecVersion: 1
Name: Echo
BaseUrl: http://127.0.0.1
Script: scripts/connector.py
Authentication:
  AuthType: ApiKey
Methods:
  - Name: Anything
    HttpMethod: POST
    EndPoint: /anything
    Script: scripts/method.py
    Parameters:
      - { TargetType: Body, TargetName: note }
  - Name: Status
    HttpMethod: GET
    EndPoint: /status/{{Code}}
    Parameters:
      - { TargetType: MergeField, TargetName: Code, DataType: Integer }
"""

# Each hook notes itself in SEEN (with what the context held when it ran) and in an
# X-Order header, so the order is seen on both sides of the wire.
CONNECTOR_SCRIPT = (
    HEAD
    + """
SEEN: list[str] = []


def before_action(
    request: httpx.Request, auth_value: str | None, context: dict[str, Any]
) -> bool | None:
    _note(request, "connector before", context)
    return "block" not in request.headers


def after_action(
    response: httpx.Response, auth_value: str | None, context: dict[str, Any]
) -> None:
    SEEN.append(f"connector after {sorted(context)}")


def after_error(
    response: httpx.Response, auth_value: str | None, context: dict[str, Any]
) -> None:
    SEEN.append(f"connector error {response.status_code} {sorted(context)}")


def _note(request: httpx.Request, who: str, context: dict[str, Any]) -> None:
    SEEN.append(f"{who} {sorted(context)}")
    context[who] = True
    order = request.headers.get("X-Order")
    request.headers["X-Order"] = who if order is None else f"{order}, {who}"
"""
)

METHOD_SCRIPT = (
    HEAD
    + """
from collections.abc import MutableMapping


def before_action(
    request: httpx.Request, auth_value: str | None, context: dict[str, object]
) -> None:
    context["method before"] = auth_value
    assert request.headers["Authorization"] == auth_value == "k"
    request.headers["X-Order"] = "method before"


def after_action(
    response: httpx.Response, auth_value: str | None, context: MutableMapping[str, Any]
) -> bool:
    context["method after"] = True
    return bool(response.json()["json"]["note"] != "refuse")
"""
)


@pytest.fixture
def echo(tmp_path: Path) -> ModuleType:
    return compile_with_scripts(
        tmp_path, ECHO_SPEC, connector=CONNECTOR_SCRIPT, method=METHOD_SCRIPT
    )


def test_hooks_run_in_cyclr_order_and_share_one_context_per_call(
    echo: ModuleType, httpbin: Any
) -> None:
    with echo.EchoClient(api_key="k", base_url=httpbin.url) as client:
        answer = client.anything(note="hello")
    # before_*: method-level, then connector-level; the wire shows it too.
    assert answer["headers"]["X-Order"] == "method before, connector before"
    assert answer["headers"]["Authorization"] == "k"  # hooks see it authenticated
    # after_*: connector-level, then method-level; the context is the call's, kept
    # from the before hooks to the after hooks.
    assert echo.SEEN == [
        "connector before ['method before']",
        "connector after ['connector before', 'method before']",
    ]


def test_each_call_starts_with_an_empty_context(echo: ModuleType, httpbin: Any) -> None:
    with echo.EchoClient(api_key="k", base_url=httpbin.url) as client:
        client.anything(note="one")
        client.anything(note="two")
    assert echo.SEEN[2] == "connector before ['method before']"


def test_a_hook_returning_false_aborts_the_call_naming_the_hook(
    echo: ModuleType,
) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"json": {"note": "refuse"}})

    transport = httpx.MockTransport(answer)
    with echo.EchoClient(api_key="k", transport=transport) as client:
        # An after hook returning False: the request went out, the call fails.
        with pytest.raises(echo.HookAborted) as caught:
            client.anything(note="refuse")
        assert caught.value.hook == "after_action in scripts/method.py"
        assert str(caught.value) == (
            "the after_action in scripts/method.py hook returned False, so the call "
            "was aborted"
        )
        assert len(sent) == 1
        # A before hook returning False: nothing is sent.
        client._http.headers["block"] = "yes"
        with pytest.raises(
            echo.HookAborted, match="before_action in scripts/connector"
        ):
            client.anything(note="x")
    assert len(sent) == 1


def test_after_error_runs_on_an_error_status_instead_of_after_action(
    echo: ModuleType, httpbin: Any
) -> None:
    with echo.EchoClient(api_key="k", base_url=httpbin.url) as client:
        with pytest.raises(echo.EchoError) as caught:
            client.status(code=418)
        client.status(code=204)
    assert caught.value.status_code == 418
    # Status has no method script: only the connector's hooks run.
    assert echo.SEEN == [
        "connector before []",
        "connector error 418 ['connector before']",
        "connector before []",
        "connector after ['connector before']",
    ]


def test_a_redirect_runs_after_error_not_after_action_then_raises(
    echo: ModuleType, httpbin: Any
) -> None:
    """after_action is for a success (2xx) only: a 3xx, which the client does not
    follow, goes to after_error and is raised as the connector's error."""
    with (
        echo.EchoClient(api_key="k", base_url=httpbin.url) as client,
        pytest.raises(echo.EchoError, match="is not followed") as caught,
    ):
        client.status(code=302)
    assert caught.value.status_code == 302
    assert echo.SEEN == [
        "connector before []",
        "connector error 302 ['connector before']",
    ]

    async def call() -> None:
        async with echo.AsyncEchoClient(api_key="k", base_url=httpbin.url) as client:
            await client.status(code=303)

    echo.SEEN.clear()
    with pytest.raises(echo.EchoError, match="is not followed") as caught:
        asyncio.run(call())
    assert caught.value.status_code == 303
    assert echo.SEEN == [
        "connector before []",
        "connector error 303 ['connector before']",
    ]


def test_the_async_client_runs_the_same_hooks(echo: ModuleType, httpbin: Any) -> None:
    async def call() -> Any:
        async with echo.AsyncEchoClient(api_key="k", base_url=httpbin.url) as client:
            return await client.anything(note="hello")

    answer = asyncio.run(call())
    assert answer["headers"]["X-Order"] == "method before, connector before"
    assert echo.SEEN == [
        "connector before ['method before']",
        "connector after ['connector before', 'method before']",
    ]


def test_hook_names_are_private_per_level_and_exported_error(echo: ModuleType) -> None:
    assert callable(echo._connector_before_action)
    assert callable(echo._anything_before_action)
    assert not hasattr(echo, "before_action")
    assert "HookAborted" in echo.__all__


# -- Cyclr's Bearer example, both ways -------------------------------------------------

BEARER_DECLARED = """\
SpecVersion: 1
Name: Bearer Declared
BaseUrl: http://127.0.0.1
Authentication:
  AuthType: ApiKey
  Format: "Bearer {ApiKey}"
Methods:
  - { Name: Check, HttpMethod: GET, EndPoint: /bearer }
  - { Name: Echo, HttpMethod: GET, EndPoint: /anything }
"""

BEARER_HOOK = """\
SpecVersion: 1
Name: Bearer Hook
BaseUrl: http://127.0.0.1
Script: scripts/bearer.py
Authentication:
  AuthType: ApiKey
Methods:
  - { Name: Check, HttpMethod: GET, EndPoint: /bearer }
  - { Name: Echo, HttpMethod: GET, EndPoint: /anything }
"""

# Cyclr: before_action() { method_request_headers.Authorization = 'Bearer ' +
# method_auth_value }
BEARER_SCRIPT = (
    HEAD
    + """

def before_action(
    request: httpx.Request, auth_value: str | None, context: dict[str, Any]
) -> None:
    request.headers["Authorization"] = f"Bearer {auth_value}"
"""
)


def test_bearer_declared_and_by_hook_send_the_same_request(
    tmp_path: Path, httpbin: Any
) -> None:
    declared = compile_text(BEARER_DECLARED, tmp_path, "declared.yaml")
    hooked = compile_with_scripts(tmp_path, BEARER_HOOK, bearer=BEARER_SCRIPT)
    answers = []
    for client in (
        declared.BearerDeclaredClient(api_key="s3cret", base_url=httpbin.url),
        hooked.BearerHookClient(api_key="s3cret", base_url=httpbin.url),
    ):
        with client:
            assert client.check() == {"authenticated": True, "token": "s3cret"}
            answers.append(client.echo())
    assert answers[0] == answers[1]  # method, URL, every header, body
    assert answers[0]["headers"]["Authorization"] == "Bearer s3cret"


# -- OAuth 2 token hooks against the OAuth 2 test server -------------------------------

TOKEN_SCRIPT = (
    HEAD
    + """
SEEN: list[tuple[str, object, object]] = []


def before_oauth2_token(
    request: httpx.Request, auth_value: str | None, context: dict[str, Any]
) -> None:
    request.headers["X-Token-Hook"] = "token"
    context["sent"] = request.url.path
    SEEN.append(("before token", auth_value, None))


def after_oauth2_token(
    response: httpx.Response, auth_value: str | None, context: dict[str, Any]
) -> None:
    SEEN.append(("after token", context["sent"], sorted(response.json())))


def before_oauth2_refresh(
    request: httpx.Request, auth_value: str | None, context: dict[str, Any]
) -> None:
    request.headers["X-Token-Hook"] = "refresh"
    SEEN.append(("before refresh", auth_value is not None, None))


def after_oauth2_refresh(
    response: httpx.Response, auth_value: str | None, context: dict[str, Any]
) -> bool:
    issued = "refresh_token" in response.json()
    SEEN.append(("after refresh", response.status_code, issued))
    return "refuse" not in context
"""
)

PASSWORD_SPEC = """\
SpecVersion: 1
Name: Org
BaseUrl: https://org.example.com
Script: scripts/token.py
Authentication:
  AuthType: OAuth2
  OAuth2Type: PasswordCredentials
  AccessTokenUrl: https://org.example.com/token
  ClientAuthentication: Body
Methods:
  - { Name: Limits, HttpMethod: GET, EndPoint: /limits }
"""


def test_token_and_refresh_hooks_run_at_their_points(
    tmp_path: Path, oauth2_server: OAuth2TestServer
) -> None:
    module = compile_with_scripts(tmp_path, PASSWORD_SPEC, token=TOKEN_SCRIPT)
    client = module.OrgClient(
        client_id=SALESFORCE.client_id,
        client_secret=SALESFORCE.client_secret,
        username="alice",
        password=PASSWORD,
        token_endpoint=oauth2_server.token_url(),
        base_url=oauth2_server.api_url(),
    )
    with client:
        assert client.limits()["path"] == "limits"
        # The server saw the header before_oauth2_token added.
        assert oauth2_server.token_headers[0]["X-Token-Hook"] == "token"
        # after_oauth2_token saw the token response, with the before hook's context.
        assert module.SEEN == [
            ("before token", None, None),
            (
                "after token",
                "/token",
                ["access_token", "expires_in", "refresh_token", "scope", "token_type"],
            ),
        ]
        oauth2_server.revoke_access_tokens()
        client.limits()  # 401: refreshed, with the refresh hooks
    assert oauth2_server.token_requests == {"password": 1, "refresh_token": 1}
    assert oauth2_server.token_headers[1]["X-Token-Hook"] == "refresh"
    assert module.SEEN[2:] == [
        ("before refresh", True, None),
        ("after refresh", 200, True),
    ]


CLIENT_CREDENTIALS_SPEC = """\
SpecVersion: 1
Name: Catalog
BaseUrl: https://api.example.com
Script: scripts/abort.py
Authentication:
  AuthType: OAuth2
  OAuth2Type: ClientCredentials
  AccessTokenUrl: https://accounts.example.com/api/token
Methods:
  - { Name: Albums, HttpMethod: GET, EndPoint: /albums }
"""

ABORT_SCRIPT = (
    HEAD
    + """

def after_oauth2_token(
    response: httpx.Response, auth_value: str | None, context: dict[str, Any]
) -> bool:
    return "special" in response.json().get("scope", "")
"""
)


def test_a_token_hook_returning_false_aborts_the_call(
    tmp_path: Path, oauth2_server: OAuth2TestServer
) -> None:
    module = compile_with_scripts(tmp_path, CLIENT_CREDENTIALS_SPEC, abort=ABORT_SCRIPT)

    async def call() -> None:
        async with module.AsyncCatalogClient(
            client_id=SPOTIFY.client_id,
            client_secret=SPOTIFY.client_secret,
            token_endpoint=oauth2_server.token_url(),
            base_url=oauth2_server.api_url(),
        ) as client:
            await client.albums()

    with pytest.raises(module.HookAborted) as caught:
        asyncio.run(call())
    assert caught.value.hook == "after_oauth2_token in scripts/abort.py"
    assert oauth2_server.token_requests == {"client_credentials": 1}
    assert oauth2_server.resource_requests == 0


# -- scripts refused, each with the exact located lines ------------------------------

SPEC_WITH_SCRIPT = """\
# a spec whose script is broken
SpecVersion: 1
Name: Broken
BaseUrl: https://api.example.com
Script: {path}
Authentication:
  AuthType: ApiKey
Methods:
  - Name: Get Thing
    HttpMethod: GET
    EndPoint: /things
    Script: scripts/method.py
"""

METHOD_OK = (
    HEAD
    + """

def after_action(
    response: httpx.Response, auth_value: str | None, context: dict[str, Any]
) -> None:
    context["done"] = True
"""
)

HOOK = """
def before_action(
    request: httpx.Request, auth_value: str | None, context: dict[str, Any]
) -> None:
    pass
"""

BROKEN_SCRIPTS: dict[str, tuple[str, str, list[str]]] = {
    "unknown_event": (
        "scripts/hooks.py",
        HEAD + HOOK.replace("before_action", "before_acton"),
        [
            "spec/scripts/hooks.py:8:5: unknown event 'before_acton': a public "
            "function of a script is a hook; did you mean 'before_action'? events "
            "are before_action, after_action, after_error, before_oauth2_token, "
            "after_oauth2_token, before_oauth2_refresh, after_oauth2_refresh; start "
            "a helper's name with _"
        ],
    ),
    "wrong_arity": (
        "scripts/hooks.py",
        HEAD + HOOK.replace("request: httpx.Request, ", ""),
        [
            "spec/scripts/hooks.py:8:5: hook before_action must take three "
            "arguments (the request, the auth value and the context); write it as "
            "def before_action(request: httpx.Request, auth_value: str | None, "
            "context: dict[str, Any]) -> bool | None"
        ],
    ),
    "no_annotation": (
        "scripts/hooks.py",
        HEAD + HOOK.replace("auth_value: str | None", "auth_value"),
        [
            "spec/scripts/hooks.py:9:29: argument 'auth_value' of hook "
            "before_action has no type annotation, which mypy --strict needs in the "
            "generated module; annotate it: auth_value: str | None"
        ],
    ),
    "wrong_annotation": (
        "scripts/hooks.py",
        HEAD + HOOK.replace("request: httpx.Request", "request: httpx.Response"),
        [
            "spec/scripts/hooks.py:9:14: argument 'request' of hook before_action "
            "is annotated httpx.Response, but the client passes httpx.Request; "
            "annotate it: request: httpx.Request"
        ],
    ),
    "no_return": (
        "scripts/hooks.py",
        HEAD + HOOK.replace(" -> None:", ":"),
        [
            "spec/scripts/hooks.py:8:5: hook before_action has no return "
            "annotation, which mypy --strict needs in the generated module; add -> "
            "bool | None (return False to abort the call) or -> None"
        ],
    ),
    "statement": (
        "scripts/hooks.py",
        HEAD + "print('hi')\n" + HOOK,
        [
            "spec/scripts/hooks.py:7:1: a script may hold only imports, functions "
            "and constants, not an expression; move this code into a function"
        ],
    ),
    "computed_constant": (
        "scripts/hooks.py",
        HEAD + "import os\n\nKEY = os.getenv('KEY')\n" + HOOK,
        [
            "spec/scripts/hooks.py:9:7: a constant's value is computed when the "
            "module is imported (os.getenv('KEY')); compute it in a helper "
            "function, or write the value itself"
        ],
    ),
    "third_party": (
        "scripts/hooks.py",
        "import requests\n" + HEAD + HOOK,
        [
            "spec/scripts/hooks.py:1:1: the script imports 'requests', which the "
            "generated module cannot rely on; import only from the standard "
            "library, httpx or authlib: the module must stay standalone"
        ],
    ),
    "async_hook": (
        "scripts/hooks.py",
        HEAD + HOOK.replace("def before_action", "async def before_action"),
        [
            "spec/scripts/hooks.py:8:1: before_action is async; hooks and helpers "
            "are plain functions, called from both the sync and the async client; "
            "write def instead of async def"
        ],
    ),
    "syntax": (
        "scripts/hooks.py",
        HEAD + HOOK.replace("pass", "pass)"),
        [
            "spec/scripts/hooks.py:11:9: the script does not parse: unmatched ')'; "
            "fix the Python syntax"
        ],
    ),
    "token_event_apikey": (
        "scripts/hooks.py",
        HEAD + HOOK.replace("before_action", "before_oauth2_token"),
        [
            "spec/scripts/hooks.py:8:5: before_oauth2_token runs only with AuthType "
            "OAuth2, and this spec's is ApiKey; remove it, or use before_action / "
            "after_action"
        ],
    ),
    "clash": (
        "scripts/hooks.py",
        HEAD + "BASE_URL = 'x'\n" + HOOK,
        [
            "spec/scripts/hooks.py:7:1: 'BASE_URL' is also a name of the generated "
            "module (or of another script of this spec); rename it in the script, "
            "for instance with a leading _ and a word of your own"
        ],
    ),
    "calls_hook": (
        "scripts/hooks.py",
        HEAD
        + HOOK
        + "\n\ndef _again(request: httpx.Request) -> None:\n"
        + "    before_action(request, None, {})\n",
        [
            "spec/scripts/hooks.py:15:5: the script uses hook before_action itself; "
            "the client calls hooks, and in the module it has another name; move "
            "the shared code into a helper function (named with a leading _) and "
            "call that"
        ],
    ),
    "ruff": (
        "scripts/hooks.py",
        HEAD + "import json\n" + HOOK,
        [
            "spec/scripts/hooks.py:7:8: ruff F401: `json` imported but unused; fix "
            "it in the script: its code goes into the generated module as it is, "
            "which must pass ruff check"
        ],
    ),
    "relative_import": (
        "scripts/hooks.py",
        "from . import x\n" + HEAD + HOOK,
        [
            "spec/scripts/hooks.py:1:1: a script cannot import relatively: it is "
            "inlined into one module; import from the standard library, httpx or "
            "authlib only"
        ],
    ),
    "class": (
        "scripts/hooks.py",
        HEAD + "class X:\n    pass\n" + HOOK,
        [
            "spec/scripts/hooks.py:7:1: a script may hold only imports, functions "
            "and constants, not a class; move this code into a function"
        ],
    ),
    "decorated": (
        "scripts/hooks.py",
        HEAD + "import functools\n\n@functools.cache" + HOOK,
        [
            "spec/scripts/hooks.py:9:2: hook before_action has a decorator, which "
            "could change its signature; remove the decorator"
        ],
    ),
    "missing": (
        "scripts/nowhere.py",
        HEAD + HOOK,
        [
            "spec/spec.yaml:5:9: cannot read the script 'scripts/nowhere.py': No "
            "such file or directory; check the path; it is relative to the spec"
        ],
    ),
    "escape": (
        "../outside.py",
        HEAD + HOOK,
        [
            "spec/spec.yaml:5:9: Script '../outside.py' must be a relative path to "
            "a .py file inside the spec's folder; write a path such as "
            "scripts/my_hooks.py, relative to the spec, without .. or a leading /"
        ],
    ),
    "absolute": (
        "/etc/hooks.py",
        HEAD + HOOK,
        [
            "spec/spec.yaml:5:9: Script must be a relative path to a .py file, not "
            "'/etc/hooks.py'; write the path relative to the spec, as in "
            "'scripts/hooks.py'"
        ],
    ),
    "not_py": (
        "scripts/hooks.txt",
        HEAD + HOOK,
        [
            "spec/spec.yaml:5:9: Script must be a relative path to a .py file, not "
            "'scripts/hooks.txt'; write the path relative to the spec, as in "
            "'scripts/hooks.py'"
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_SCRIPTS))
def test_broken_script_is_a_located_error(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, script, expected = BROKEN_SCRIPTS[case]
    folder = tmp_path / "spec"
    (folder / "scripts").mkdir(parents=True)
    (folder / "scripts" / "hooks.py").write_text(script, encoding="utf-8")
    (folder / "scripts" / "method.py").write_text(METHOD_OK, encoding="utf-8")
    (folder / "spec.yaml").write_text(
        SPEC_WITH_SCRIPT.format(path=path), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    [result] = generate([Path("spec/spec.yaml")], tmp_path / "out")
    assert [d.headline for d in result.diagnostics] == expected
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# -- generated code with scripts meets the bar of every generated module -------------

# Every AuthType (and each OAuth 2 grant) with a connector script and a method script.
AUTH_BLOCKS = {
    "api_key": "AuthType: ApiKey",
    "basic": "AuthType: Basic",
    "none": "AuthType: None",
    "fields": "AuthType: AuthFields\n  Fields: [{ Name: Tok, Key: tok, Type: Text }]",
    "oauth1": (
        "AuthType: OAuth1\n"
        "  RequestTokenUrl: https://api.example.com/request\n"
        "  AuthorizeUrl: https://api.example.com/authorize\n"
        "  AccessTokenUrl: https://api.example.com/access"
    ),
    "code": (
        "AuthType: OAuth2\n  OAuth2Type: AuthorisationCode\n"
        "  AuthoriseUrl: https://api.example.com/authorise\n"
        "  AccessTokenUrl: https://api.example.com/token"
    ),
    "password": (
        "AuthType: OAuth2\n  OAuth2Type: PasswordCredentials\n"
        "  AccessTokenUrl: https://api.example.com/token"
    ),
    "client": (
        "AuthType: OAuth2\n  OAuth2Type: ClientCredentials\n"
        "  AccessTokenUrl: https://api.example.com/token"
    ),
}

QUALITY_SPEC = """\
SpecVersion: 1
Name: Quality {name}
BaseUrl: https://api.example.com
Script: scripts/{script}.py
Authentication:
  {auth}
Methods:
  - Name: Send
    HttpMethod: POST
    EndPoint: /send/{{{{Id}}}}
    Script: scripts/method.py
    Parameters:
      - {{ TargetType: MergeField, TargetName: Id }}
      - {{ TargetType: Body, TargetName: note }}
  - {{ Name: Plain, HttpMethod: PUT, EndPoint: /plain, ResponseFormat: PlainText }}
"""

ACTION_SCRIPT = (
    HEAD
    + """import hashlib
from collections.abc import Mapping

from authlib.common.encoding import to_bytes

SALT: bytes = b"x"


def before_action(
    request: httpx.Request, auth_value: str | None, context: dict[str, Any]
) -> bool | None:
    request.headers["X-Digest"] = _digest(request.content)
    return None


def after_action(
    response: httpx.Response, auth_value: str | None, context: Mapping[str, object]
) -> None:
    pass


def after_error(
    response: httpx.Response, auth_value: str | None, context: dict[str, Any]
) -> bool:
    return response.status_code != 404


def _digest(body: bytes) -> str:
    return hashlib.sha256(SALT + to_bytes(body)).hexdigest()
"""
)


def test_modules_with_scripts_pass_ruff_and_mypy_strict(tmp_path: Path) -> None:
    from tests.test_generated_quality import (
        RUFF_RULES,
        _mypy,
        _ruff_check,
        _ruff_format,
    )

    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "actions.py").write_text(ACTION_SCRIPT, encoding="utf-8")
    (tmp_path / "scripts" / "tokens.py").write_text(
        ACTION_SCRIPT + TOKEN_SCRIPT.removeprefix(HEAD), encoding="utf-8"
    )
    (tmp_path / "scripts" / "client.py").write_text(
        ACTION_SCRIPT + ABORT_SCRIPT.removeprefix(HEAD), encoding="utf-8"
    )
    (tmp_path / "scripts" / "method.py").write_text(METHOD_SCRIPT, encoding="utf-8")
    names = []
    for name, auth in AUTH_BLOCKS.items():
        script = {"password": "tokens", "code": "tokens", "client": "client"}
        spec = QUALITY_SPEC.format(
            name=name, auth=auth, script=script.get(name, "actions")
        )
        module = compile_text(spec, tmp_path, f"{name}.yaml")
        names.append(Path(module.__file__ or "").name)
    assert _ruff_check(tmp_path, names, *RUFF_RULES) == ""
    assert _ruff_check(tmp_path, names) == ""
    assert _ruff_format(tmp_path, names) == ""
    assert _mypy(tmp_path, names, tmp_path / "mypy_cache") == ""


# -- the example: Shopify-style webhooks signed by a hook ------------------------------


def _shopify_signature(secret: str, body: bytes) -> str:
    """What a receiver computes, as in Shopify's documentation."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def test_example_webhooks_are_signed_over_the_bytes_sent(httpbin: Any) -> None:
    module = import_generated("shopify_webhooks")
    secret = "shpss_0123456789abcdef"
    with module.ShopifyWebhooksClient(
        api_key=secret, app_host="unused", base_url=httpbin.url + "/anything"
    ) as client:
        echoes = [
            client.order_created(
                shop_domain="example.myshopify.com",
                id=820982911946154508,
                email="jon@example.com",
                total_price=Decimal("199.65"),
            ),
            client.app_uninstalled(
                shop_domain="example.myshopify.com", id=1, domain="x"
            ),
        ]
    for echo, topic in zip(echoes, ("orders/create", "app/uninstalled"), strict=True):
        headers = echo["headers"]
        assert echo["url"].endswith(f"/anything/webhooks/{topic}")
        assert headers["X-Shopify-Topic"] == topic
        assert headers["X-Shopify-Shop-Domain"] == "example.myshopify.com"
        # The receiver's check passes on the raw body it got ...
        body = echo["data"].encode()
        assert headers["X-Shopify-Hmac-Sha256"] == _shopify_signature(secret, body)
        # ... and the secret itself went nowhere.
        assert secret not in json.dumps(echo)
    assert echoes[0]["json"]["total_price"] == "199.65"
    ids = {echo["headers"]["X-Shopify-Webhook-Id"] for echo in echoes}
    assert len(ids) == 2  # one id per webhook (per call)


def test_example_hook_keeps_one_webhook_id_per_context() -> None:
    module = import_generated("shopify_webhooks")
    context: dict[str, Any] = {}
    sent = []
    for _ in range(2):  # as when one call sends its request twice
        request = httpx.Request("POST", "https://app.example.com/x", content=b"{}")
        assert module._connector_before_action(request, "secret", context) is None
        sent.append(request.headers)
    assert sent[0]["X-Shopify-Webhook-Id"] == sent[1]["X-Shopify-Webhook-Id"]
    assert sent[0]["X-Shopify-Hmac-Sha256"] == _shopify_signature("secret", b"{}")
    unsigned = httpx.Request("POST", "https://app.example.com/x")
    assert module._connector_before_action(unsigned, None, {}) is False


RETRY_SCRIPT = (
    HEAD
    + """
SENT: list[int] = []


def before_action(
    request: httpx.Request, auth_value: str | None, context: dict[str, Any]
) -> None:
    context["sends"] = context.get("sends", 0) + 1
    request.headers["X-Token-Seen"] = str(auth_value)


def after_action(
    response: httpx.Response, auth_value: str | None, context: dict[str, Any]
) -> None:
    SENT.append(context["sends"])
"""
)


def test_context_is_kept_across_the_requests_of_one_call(
    tmp_path: Path, oauth2_server: OAuth2TestServer
) -> None:
    """A 401 makes the OAuth 2 client renew its token and send the request again:
    before_action runs on both sends, with the call's one context, and sees the
    access token in use each time."""
    spec = PASSWORD_SPEC.replace("scripts/token.py", "scripts/retry.py")
    module = compile_with_scripts(tmp_path, spec, retry=RETRY_SCRIPT)
    with module.OrgClient(
        client_id=SALESFORCE.client_id,
        client_secret=SALESFORCE.client_secret,
        username="alice",
        password=PASSWORD,
        token_endpoint=oauth2_server.token_url(),
        base_url=oauth2_server.api_url(),
    ) as client:
        client.limits()
        first = client.token["access_token"]
        oauth2_server.revoke_access_tokens()
        client.limits()
        assert client.token["access_token"] != first
    assert module.SENT == [1, 2]


CODE_SPEC = """\
SpecVersion: 1
Name: Diary
BaseUrl: https://api.example.com
Script: scripts/token.py
Authentication:
  AuthType: OAuth2
  OAuth2Type: AuthorisationCode
  AuthoriseUrl: https://accounts.example.com/authorise
  AccessTokenUrl: https://accounts.example.com/token
  ClientAuthentication: Body
Methods:
  - { Name: Events, HttpMethod: GET, EndPoint: /events }
"""


def test_token_hooks_run_on_the_code_exchange_of_the_async_client(
    tmp_path: Path, oauth2_server: OAuth2TestServer
) -> None:
    module = compile_with_scripts(tmp_path, CODE_SPEC, token=TOKEN_SCRIPT)

    async def flow() -> Any:
        async with module.AsyncDiaryClient(
            client_id=CALENDAR.client_id,
            client_secret=CALENDAR.client_secret,
            authorization_endpoint=oauth2_server.authorize_url(),
            token_endpoint=oauth2_server.token_url(),
            base_url=oauth2_server.api_url(),
        ) as client:
            request = client.authorization_url(REDIRECT_URI)
            redirect = await asyncio.to_thread(consent, request.url)
            await client.fetch_token(redirect)
            return await client.events()

    assert asyncio.run(flow())["path"] == "events"
    assert oauth2_server.token_requests == {"authorization_code": 1}
    assert oauth2_server.token_headers[0]["X-Token-Hook"] == "token"
    assert [entry[0] for entry in module.SEEN] == ["before token", "after token"]


SHARED_SPEC = """\
SpecVersion: 1
Name: Shared
BaseUrl: http://127.0.0.1
Authentication:
  AuthType: None
Methods:
  - { Name: One, HttpMethod: GET, EndPoint: /anything/one, Script: scripts/tag.py }
  - { Name: Two, HttpMethod: GET, EndPoint: /anything/two, Script: scripts/tag.py }
  - { Name: Three, HttpMethod: GET, EndPoint: /anything/three }
"""

TAG_SCRIPT = (
    HEAD
    + """

def before_action(
    request: httpx.Request, auth_value: str | None, context: dict[str, Any]
) -> None:
    request.headers["X-Tag"] = f"{request.url.path} {auth_value}"
"""
)


def test_a_script_named_by_two_methods_is_inlined_once(
    tmp_path: Path, httpbin: Any
) -> None:
    module = compile_with_scripts(tmp_path, SHARED_SPEC, tag=TAG_SCRIPT)
    source = Path(module.__file__ or "").read_text(encoding="utf-8")
    assert source.count("def _one_before_action(") == 1
    with module.SharedClient(base_url=httpbin.url) as client:
        assert client.one()["headers"]["X-Tag"] == "/anything/one None"
        assert client.two()["headers"]["X-Tag"] == "/anything/two None"
        assert "X-Tag" not in client.three()["headers"]


def test_a_script_linked_from_outside_the_spec_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text(HEAD + HOOK, encoding="utf-8")
    folder = tmp_path / "spec"
    (folder / "scripts").mkdir(parents=True)
    (folder / "scripts" / "hooks.py").symlink_to(outside)
    (folder / "scripts" / "method.py").write_text(METHOD_OK, encoding="utf-8")
    spec = SPEC_WITH_SCRIPT.format(path="scripts/hooks.py")
    (folder / "spec.yaml").write_text(spec, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    [result] = generate([Path("spec/spec.yaml")], tmp_path / "out")
    assert [d.headline for d in result.diagnostics] == [
        "spec/spec.yaml:5:9: Script 'scripts/hooks.py' leads out of the spec's "
        "folder; keep the script inside the spec's folder tree"
    ]
