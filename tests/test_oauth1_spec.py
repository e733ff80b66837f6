"""OAuth1 specs: located errors for what the schema cannot see, safe literals, and
generated modules that lint and type-check."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

from compiler import SpecError, compile_spec
from tests.support import GENERATED, ROOT, SPECS, compile_text

SPEC = """\
SpecVersion: 1
Name: Photos
BaseUrl: https://photos.example.net
{properties}Authentication:
  AuthType: OAuth1
  RequestTokenUrl: {request_token_url}
  AuthorizeUrl: https://photos.example.net/authorize
  AccessTokenUrl: https://photos.example.net/token
{extra}Methods:
  - Name: {method}
    HttpMethod: GET
    EndPoint: /photos
"""


def spec(
    request_token_url: str = "https://photos.example.net/initiate",
    extra: str = "",
    method: str = "Photo",
    properties: str = "",
) -> str:
    return SPEC.format(
        request_token_url=request_token_url,
        extra=extra,
        method=method,
        properties=properties,
    )


def headlines(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        compile_spec(path, "spec.yaml")
    return [d.headline for d in caught.value.diagnostics]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            spec(request_token_url="http://photos.example.net/initiate"),
            "spec.yaml:6:20: RequestTokenUrl must be an https URL: OAuth 1.0a sends "
            "credentials there; use https (http is allowed only for localhost, "
            "127.0.0.1 and [::1])",
        ),
        (
            spec(request_token_url="http://127.0.0.2.nip.io/initiate"),
            "spec.yaml:6:20: RequestTokenUrl must be an https URL: OAuth 1.0a sends "
            "credentials there; use https (http is allowed only for localhost, "
            "127.0.0.1 and [::1])",
        ),
        (
            spec(request_token_url="https://{{Host}}/initiate"),
            "spec.yaml:6:20: RequestTokenUrl uses a {{Field}}, which OAuth1 URLs do "
            "not support yet; write the provider's URL in full",
        ),
        (
            spec(extra="  SignatureMethod: PLAINTEXT\n  SignatureLocation: Query\n"),
            "spec.yaml:10:22: PLAINTEXT signatures are the secrets themselves, and "
            "URLs end up in logs; use SignatureLocation Header or Body, or an HMAC "
            "SignatureMethod",
        ),
        (
            spec(extra='  Realm: "Photos \\"live\\""\n'),
            "spec.yaml:9:10: Realm must be printable ASCII without a double quote or "
            "a backslash; it is written as it is, between quotes, in the "
            "Authorization header",
        ),
        (
            spec(extra='  Realm: "Photos\\tlive"\n'),
            "spec.yaml:9:10: Realm holds the control character U+0009 (TAB); write "
            "it on one line: only a Description or a body parameter's Default may "
            "run over several lines",
        ),
        (
            spec(method="Fetch Access Token"),
            "spec.yaml:10:11: method 'Fetch Access Token' would be "
            "'fetch_access_token', which the client uses itself; rename it or give it "
            "a PythonName",
        ),
        (
            spec(properties="Properties:\n  - Name: Token\n"),
            "spec.yaml:5:11: property 'Token' would be the argument 'token', which the "
            "client already has; rename it or give it a PythonName",
        ),
        (
            spec(extra="  TokenSecret: abc\n"),
            "spec.yaml:9:3: TokenSecret must not be written in a spec; remove it: the "
            "token secret is supplied at run time, as the client's token_secret= "
            "argument or through from_env()",
        ),
        (
            spec(extra="  SignatureMethod: RSA-SHA1\n  RsaKey: abc\n"),
            "spec.yaml:10:3: RsaKey must not be written in a spec; remove it: the RSA "
            "private key is supplied at run time, as the client's rsa_key= argument "
            "or through from_env()",
        ),
        (
            spec(extra="  ClientSecret: abc\n"),
            "spec.yaml:9:3: ClientSecret must not be written in a spec; remove it: the "
            "client secret is supplied at run time, as the client's client_secret= "
            "argument or through from_env()",
        ),
        (
            spec(extra="  AuthoriseUrl: https://photos.example.net/authorize\n"),
            "spec.yaml:9:3: unknown key 'AuthoriseUrl' in OAuth1 authentication; "
            "OAuth1 spells it AuthorizeUrl (with a z)",
        ),
        (
            spec(extra="  SignatureMethod: HMAC-SHA512\n"),
            "spec.yaml:9:20: unknown SignatureMethod 'HMAC-SHA512'; did you mean "
            "'HMAC-SHA1'?",
        ),
    ],
)
def test_located_errors(text: str, expected: str, tmp_path: Path) -> None:
    assert headlines(text, tmp_path) == [expected]


def test_all_three_urls_are_checked_together(tmp_path: Path) -> None:
    text = spec(request_token_url="http://a.example/rt").replace(
        "https://photos.example.net/", "http://photos.example.net/"
    )
    assert [h.split(": ")[0:2] for h in headlines(text, tmp_path)] == [
        ["spec.yaml:6:20", "RequestTokenUrl must be an https URL"],
        ["spec.yaml:7:17", "AuthorizeUrl must be an https URL"],
        ["spec.yaml:8:19", "AccessTokenUrl must be an https URL"],
    ]


@pytest.mark.parametrize(
    "url",
    ["http://localhost:8080/rt", "http://127.0.0.1/rt", "http://[::1]:9000/rt"],
)
def test_http_is_allowed_for_this_machine(url: str, tmp_path: Path) -> None:
    module = compile_text(spec(request_token_url=url), tmp_path)
    assert url == module.REQUEST_TOKEN_URL


def test_rsa_sha1_takes_a_key_instead_of_a_secret(tmp_path: Path) -> None:
    module = compile_text(spec(extra="  SignatureMethod: RSA-SHA1\n"), tmp_path)
    with pytest.raises(TypeError, match="client_secret"):
        module.PhotosClient(client_id="k", client_secret="s")
    with pytest.raises(ValueError, match="set the PHOTOS_RSA_KEY variable"):
        module.PhotosClient.from_env({"PHOTOS_CLIENT_ID": "k"})


def test_spec_values_stay_values(tmp_path: Path) -> None:
    """Quotes, backslashes, braces, hashes and non-ASCII in every OAuth1 field come
    back exactly, and run nothing."""
    tricky_url = 'https://photos.example.net/r\'"\\#}}é?a="""&b=%27'
    realm = "Ph'o#tos }} ''' {0} {{x}}"
    text = (
        "SpecVersion: 1\n"
        "Name: Photos\n"
        'Description: "Quotes \' \\" and \\\\ and {{ }} and # and \\n newline é"\n'
        "BaseUrl: https://photos.example.net\n"
        "Authentication:\n"
        "  AuthType: OAuth1\n"
        f"  RequestTokenUrl: '{tricky_url.replace(chr(39), chr(39) * 2)}'\n"
        "  AuthorizeUrl: https://photos.example.net/a#x\n"
        '  AccessTokenUrl: https://photos.example.net/t?x="1"\n'
        f"  CallbackUrl: '{tricky_url.replace(chr(39), chr(39) * 2)}'\n"
        f"  Realm: '{realm.replace(chr(39), chr(39) * 2)}'\n"
        "Methods:\n"
        "  - Name: Photo\n"
        "    HttpMethod: GET\n"
        "    EndPoint: /photos\n"
    )
    module = compile_text(text, tmp_path)
    assert tricky_url == module.REQUEST_TOKEN_URL
    assert module.AUTHORIZE_URL == "https://photos.example.net/a#x"
    assert module.ACCESS_TOKEN_URL == 'https://photos.example.net/t?x="1"'
    assert realm == module.OAuth1Auth.REALM
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, text="oauth_token=a&oauth_token_secret=b&oauth_callback_confirmed=true"
        )

    client = module.PhotosClient(
        client_id="k", client_secret="s", transport=httpx.MockTransport(handler)
    )
    client.fetch_request_token()
    header = seen[0].headers["Authorization"]
    assert header.startswith(f'OAuth realm="{realm}", ')
    callback = re.search(r'oauth_callback="([^"]*)"', header)
    assert callback is not None and unquote(callback.group(1)) == tricky_url
    assert client.authorization_url() == "https://photos.example.net/a?oauth_token=a#x"


def test_example_spec_is_generated_and_committed() -> None:
    """generated/twitter.py is what the compiler makes of specs/twitter.yaml."""
    _, text = compile_spec(SPECS / "twitter.yaml")
    assert (GENERATED / "twitter.py").read_text(encoding="utf-8") == text


VARIANTS = [
    (method, location)
    for method in ("HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "PLAINTEXT")
    for location in ("Header", "Query", "Body")
    if (method, location) != ("PLAINTEXT", "Query")
]


@pytest.mark.slow
def test_generated_modules_lint_and_type_check(tmp_path: Path) -> None:
    """Every method and location, as ruff (isolated from our settings, as users run
    it) and mypy --strict see them."""
    files = [GENERATED / "twitter.py"]
    for method, location in VARIANTS:
        folder = tmp_path / f"{method}-{location}"
        folder.mkdir()
        extra = f"  SignatureMethod: {method}\n  SignatureLocation: {location}\n"
        extra += "  Realm: Photos\n" if location != "Query" else ""
        text = spec(extra=extra).replace("Name: Photos", f"Name: P {method} {location}")
        module = compile_text(text, folder)
        files.append(Path(str(module.__file__)))
    tools = Path(sys.executable).parent
    ruff = str(tools / "ruff")
    mypy = [
        str(tools / "mypy"),
        "--strict",
        "--no-incremental",
        "--cache-dir=/dev/null",
    ]
    targets = [str(file) for file in files]
    commands = [
        [ruff, "check", "--isolated", "--quiet", *targets],
        [ruff, "format", "--isolated", "--check", "--quiet", *targets],
        [*mypy, *targets],
    ]
    for command in commands:
        result = subprocess.run(
            command, capture_output=True, text=True, cwd=ROOT, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
