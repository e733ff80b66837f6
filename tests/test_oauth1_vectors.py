"""OAuth 1.0a clients against published vectors and authlib's own client: wire details.

RFC 5849 section 1.2 walks a printer through the whole flow at photos.example.net;
section 3.4.1 builds one signature base string. Every value below is the RFC's. The
generated client runs with the RFC's nonces and timestamps (and without the optional
oauth_version, which the RFC's requests leave out) behind an ``httpx.MockTransport``.
"""

from __future__ import annotations

import base64
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

import httpx
import pytest
from authlib.oauth1 import ClientAuth  # type: ignore[import-untyped]
from authlib.oauth1.rfc5849 import client_auth  # type: ignore[import-untyped]
from authlib.oauth1.rfc5849.signature import (  # type: ignore[import-untyped]
    generate_signature_base_string,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.oauth1_provider import RSA_PRIVATE_KEY
from tests.support import compile_text

PHOTOS = """\
SpecVersion: 1
Name: Photos
Description: The photo printing example of RFC 5849 section 1.2.
BaseUrl: http://photos.example.net
Authentication:
  AuthType: OAuth1
  RequestTokenUrl: https://photos.example.net/initiate
  AuthorizeUrl: https://photos.example.net/authorize
  AccessTokenUrl: https://photos.example.net/token
  CallbackUrl: http://printer.example.com/ready
  Realm: Photos
  SignatureMethod: {method}
  SignatureLocation: {location}
Methods:
  - Name: Photo
    HttpMethod: GET
    EndPoint: /photos
    Parameters:
      - {{ TargetType: QueryString, TargetName: file }}
      - {{ TargetType: QueryString, TargetName: size }}
  - Name: Post Note
    HttpMethod: POST
    EndPoint: /notes
    RequestFormat: Form
    Parameters:
      - {{ TargetType: Body, TargetName: text }}
  - Name: Post Json
    HttpMethod: POST
    EndPoint: /json
    RequestFormat: Json
    Parameters:
      - {{ TargetType: Body, TargetName: text }}
"""

CONSUMER_KEY = "dpf43f3p2l4k3l03"
CONSUMER_SECRET = "kd94hf93k423kf44"
VARIANTS = [
    (method, location)
    for method in ("HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "PLAINTEXT")
    for location in ("Header", "Query", "Body")
    if (method, location) != ("PLAINTEXT", "Query")  # refused by the compiler
]


@pytest.fixture(scope="module")
def photos_modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    """One compiled Photos module per signature method and location."""
    modules = {}
    for method, location in VARIANTS:
        folder = tmp_path_factory.mktemp(f"{method}-{location}")
        text = PHOTOS.format(method=method, location=location)
        modules[f"{method}/{location}"] = compile_text(text, folder)
    return modules


@pytest.fixture
def photos(photos_modules: dict[str, ModuleType]) -> ModuleType:
    return photos_modules["HMAC-SHA1/Header"]


class Recorder:
    """A mock transport that answers from a queue and keeps every request."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.requests: list[httpx.Request] = []
        self.answers = list(answers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answers.pop(0) if self.answers else httpx.Response(200, json={})

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def oauth_header(request: httpx.Request) -> dict[str, str]:
    """The parameters of an ``Authorization: OAuth ...`` header, decoded."""
    value = request.headers["Authorization"]
    assert value.startswith("OAuth ")
    pairs = re.findall(r'([a-z_]+)="([^"]*)"', value)
    assert ", ".join(f'{k}="{v}"' for k, v in pairs) == value[len("OAuth ") :]
    return {k: unquote(v) for k, v in pairs}


@pytest.fixture
def rfc_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Set the nonce and timestamp the next signatures use; drop oauth_version."""

    def set_clock(module: ModuleType, nonce: str, timestamp: str) -> None:
        monkeypatch.setattr(module.OAuth1Auth, "oauth_version", None)
        monkeypatch.setattr(module.OAuth1Auth, "generate_nonce", lambda self: nonce)
        monkeypatch.setattr(
            module.OAuth1Auth, "generate_timestamp", lambda self: timestamp
        )

    return set_clock


# -- RFC 5849 section 1.2, the whole flow ----------------------------------------------


def test_rfc5849_section_1_2_flow(
    photos: ModuleType, rfc_clock: Callable[..., None]
) -> None:
    transport = Recorder(
        httpx.Response(
            200,
            text="oauth_token=hh5s93j4hdidpola&oauth_token_secret=hdhd0244k9j7ao03"
            "&oauth_callback_confirmed=true",
        ),
        httpx.Response(
            200, text="oauth_token=nnch734d00sl2jdk&oauth_token_secret=pfkkdhi9sl3r4s00"
        ),
    )
    client = photos.PhotosClient(
        client_id=CONSUMER_KEY,
        client_secret=CONSUMER_SECRET,
        transport=httpx.MockTransport(transport),
    )

    # The temporary credentials request (the callback is the spec's CallbackUrl).
    rfc_clock(photos, "wIjqoS", "137131200")
    request_token = client.fetch_request_token()
    initiate = transport.last
    assert (initiate.method, str(initiate.url)) == (
        "POST",
        "https://photos.example.net/initiate",
    )
    assert oauth_header(initiate) == {
        "realm": "Photos",
        "oauth_consumer_key": "dpf43f3p2l4k3l03",
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": "137131200",
        "oauth_nonce": "wIjqoS",
        "oauth_callback": "http://printer.example.com/ready",
        "oauth_signature": "74KNZJeDHnMBp0EMJ9ZHt/XKycU=",
    }
    # The header encodes the values as section 3.5.1 does.
    assert (
        'oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready"'
        in (initiate.headers["Authorization"])
    )
    assert (
        'oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D"'
        in (initiate.headers["Authorization"])
    )
    assert request_token.token == "hh5s93j4hdidpola"
    assert request_token.token_secret == "hdhd0244k9j7ao03"

    # Resource owner authorization: Jane's browser goes here.
    assert client.authorization_url() == (
        "https://photos.example.net/authorize?oauth_token=hh5s93j4hdidpola"
    )

    # The token request, with the verifier from the callback.
    rfc_clock(photos, "walatlh", "137131201")
    access = client.fetch_access_token(verifier="hfdp7dh39dks9884")
    assert oauth_header(transport.last) == {
        "realm": "Photos",
        "oauth_consumer_key": "dpf43f3p2l4k3l03",
        "oauth_token": "hh5s93j4hdidpola",
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": "137131201",
        "oauth_nonce": "walatlh",
        "oauth_verifier": "hfdp7dh39dks9884",
        "oauth_signature": "gKgrFCywp7rO0OXSjdot/IHF7IU=",
    }
    assert (access.token, access.token_secret) == (
        "nnch734d00sl2jdk",
        "pfkkdhi9sl3r4s00",
    )
    assert client.token == access

    # Accessing protected resources, signed with the token credentials.
    rfc_clock(photos, "chapoH", "137131202")
    client.photo(file="vacation.jpg", size="original")
    photo = transport.last
    assert str(photo.url) == (
        "http://photos.example.net/photos?file=vacation.jpg&size=original"
    )
    assert oauth_header(photo) == {
        "realm": "Photos",
        "oauth_consumer_key": "dpf43f3p2l4k3l03",
        "oauth_token": "nnch734d00sl2jdk",
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": "137131202",
        "oauth_nonce": "chapoH",
        "oauth_signature": "MdpQcU8iPSUjWoN/UDMsK2sui9I=",
    }


def test_rfc5849_photo_request_with_a_token_in_hand(
    photos: ModuleType, rfc_clock: Callable[..., None]
) -> None:
    """The last request of section 1.2 again, the client built with the token."""
    transport = Recorder()
    client = photos.PhotosClient(
        client_id=CONSUMER_KEY,
        client_secret=CONSUMER_SECRET,
        token="nnch734d00sl2jdk",
        token_secret="pfkkdhi9sl3r4s00",
        transport=httpx.MockTransport(transport),
    )
    rfc_clock(photos, "chapoH", "137131202")
    client.photo(file="vacation.jpg", size="original")
    signature = oauth_header(transport.last)["oauth_signature"]
    assert signature == "MdpQcU8iPSUjWoN/UDMsK2sui9I="


# -- RFC 5849 section 3.4.1, the signature base string ---------------------------------

BASE_STRING_3_4_1 = (
    "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q"
    "%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_"
    "key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m"
    "ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk"
    "9d7dh3k39sjv7"
)


def test_rfc5849_section_3_4_1_base_string(
    photos: ModuleType, rfc_clock: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    construct = photos.construct_base_string

    def recording(*args: Any) -> str:
        built.append(construct(*args))
        return built[-1]

    monkeypatch.setattr(photos, "construct_base_string", recording)
    rfc_clock(photos, "7d8f3e4a", "137131201")
    auth = photos.OAuth1Auth(
        "9djdj82h48djs9d2",
        "j49sk3j29djd",
        token="kkk9d7dh3k39sjv7",
        token_secret="dh893hdasih9",
    )
    transport = Recorder()
    with httpx.Client(auth=auth, transport=httpx.MockTransport(transport)) as http:
        http.post(
            "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
            content=b"c2&a3=2+q",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert built == [BASE_STRING_3_4_1]
    # Erratum 2550: section 3.1 prints tR3+Ty81lMeYAr/Fid0kMTYa/WM= for this request,
    # but HMAC-SHA1 of the base string above is this.
    assert oauth_header(transport.last)["oauth_signature"] == (
        "r6/TJjbCOr97/+UU0NsvSne7s5g="
    )
    assert transport.last.content == b"c2&a3=2+q"  # the body goes out untouched


# -- the same signatures as authlib's own client ---------------------------------------

NAMES = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1)
VALUES = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]))
PAIRS = st.lists(st.tuples(NAMES, VALUES), max_size=4, unique_by=lambda p: p[0])


@pytest.fixture
def fixed_authlib(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(client_auth, "generate_nonce", lambda: "n0nce")
    monkeypatch.setattr(client_auth, "generate_timestamp", lambda: "1700000000")
    yield


@pytest.mark.parametrize(("method", "location"), VARIANTS)
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # it only patches
)
@given(query=PAIRS, form=PAIRS, with_token=st.booleans())
def test_same_signature_as_authlib_client_auth(
    photos_modules: dict[str, ModuleType],
    fixed_authlib: None,
    method: str,
    location: str,
    query: list[tuple[str, str]],
    form: list[tuple[str, str]],
    with_token: bool,
) -> None:
    """For any query and form body, the request carries exactly the OAuth parameters
    and signature that authlib's ``ClientAuth`` computes (same nonce and time)."""
    module = photos_modules[f"{method}/{location}"]
    query = [(k, v) for k, v in query if not k.startswith("oauth_")]
    form = [(k, v) for k, v in form if not k.startswith("oauth_")]
    secret = RSA_PRIVATE_KEY if method == "RSA-SHA1" else "s3cret&ünïcode"
    token = {"token": "t0ken", "token_secret": "t0ken/secret"} if with_token else {}
    ours = module.OAuth1Auth("key", secret, **token)
    ours.generate_nonce = lambda: "n0nce"
    ours.generate_timestamp = lambda: "1700000000"
    theirs = ClientAuth(
        "key",
        client_secret=None if method == "RSA-SHA1" else secret,
        rsa_key=secret if method == "RSA-SHA1" else None,
        token=token.get("token"),
        token_secret=token.get("token_secret"),
        signature_method=method,
        signature_type=location.upper(),
        realm="Photos" if location != "Query" else None,
    )
    if method == "HMAC-SHA256":  # authlib has no SHA-256: its base string, our HMAC
        theirs.SIGNATURE_METHODS = {
            "HMAC-SHA256": lambda client, req: module._hmac_sha256_signature(
                generate_signature_base_string(req),
                client.client_secret,
                client.token_secret,
            ),
        }
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    request = httpx.Request(
        "POST",
        "https://photos.example.net/notes",
        params=tuple(query),
        content=urlencode(form).encode(),
        headers=form_type,
    )
    url, headers, body = theirs.sign(
        "POST", str(request.url), dict(form_type), request.content.decode()
    )
    signed = ours.sign(request)  # may change request in place
    if location == "Header":
        assert signed.headers["Authorization"] == headers["Authorization"]
    elif location == "Query":
        assert sorted(signed.url.params.multi_items()) == sorted(
            httpx.URL(url).params.multi_items()
        )
    else:
        assert sorted(parse_qsl(signed.content.decode(), keep_blank_values=True)) == (
            sorted(parse_qsl(body, keep_blank_values=True))
        )


# -- where the parameters go -----------------------------------------------------------


def test_query_location_puts_oauth_parameters_in_the_query(
    photos_modules: dict[str, ModuleType],
) -> None:
    module = photos_modules["HMAC-SHA1/Query"]
    transport = Recorder()
    client = module.PhotosClient(
        client_id="key",
        client_secret="secret",
        token="tok",
        token_secret="toksecret",
        transport=httpx.MockTransport(transport),
    )
    client.photo(file="a b.jpg", size="original")
    params = dict(transport.last.url.params.multi_items())
    assert "Authorization" not in transport.last.headers
    assert params["file"] == "a b.jpg"
    assert params["oauth_token"] == "tok"
    assert params["oauth_signature_method"] == "HMAC-SHA1"
    assert "oauth_signature" in params


def test_body_location_appends_to_form_bodies_and_uses_the_header_otherwise(
    photos_modules: dict[str, ModuleType],
) -> None:
    module = photos_modules["HMAC-SHA1/Body"]
    transport = Recorder()
    client = module.PhotosClient(
        client_id="key",
        client_secret="secret",
        token="tok",
        token_secret="toksecret",
        transport=httpx.MockTransport(transport),
    )
    client.post_note(text="héllo & bye")
    form = dict(parse_qsl(transport.last.content.decode()))
    assert form["text"] == "héllo & bye"
    assert form["oauth_token"] == "tok"
    assert "oauth_signature" in form
    assert transport.last.headers["Content-Length"] == str(len(transport.last.content))
    assert "Authorization" not in transport.last.headers
    client.photo(file="x", size="y")  # a GET has no body to carry them
    assert oauth_header(transport.last)["oauth_token"] == "tok"


def test_json_bodies_are_sent_whole_and_left_out_of_the_signature(
    photos: ModuleType,
) -> None:
    """authlib's httpx OAuth1Auth sends such a body empty; ours sends it as given."""
    transport = Recorder()
    client = photos.PhotosClient(
        client_id="key",
        client_secret="secret",
        token="tok",
        token_secret="toksecret",
        transport=httpx.MockTransport(transport),
    )
    client.post_json(text="héllo")
    assert transport.last.content == '{"text":"héllo"}'.encode()
    assert "oauth_body_hash" not in oauth_header(transport.last)


def test_rsa_sha1_signature_verifies_with_the_public_key(
    photos_modules: dict[str, ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    module = photos_modules["RSA-SHA1/Header"]
    built: list[str] = []
    transport = Recorder()
    client = module.PhotosClient(
        client_id="key",
        rsa_key=RSA_PRIVATE_KEY,
        token="tok",
        token_secret="unused-by-rsa",
        transport=httpx.MockTransport(transport),
    )
    construct = module.construct_base_string

    def recording(*args: Any) -> str:
        built.append(construct(*args))
        return built[-1]

    monkeypatch.setattr(module, "construct_base_string", recording)
    client.photo(file="vacation.jpg", size="original")
    signature = base64.b64decode(oauth_header(transport.last)["oauth_signature"])
    private = serialization.load_pem_private_key(RSA_PRIVATE_KEY.encode(), None)
    public: Any = private.public_key()
    # Raises InvalidSignature unless the base string was signed with the private key.
    public.verify(signature, built[0].encode(), padding.PKCS1v15(), hashes.SHA1())


def test_plaintext_signature_is_the_two_secrets(
    photos_modules: dict[str, ModuleType],
) -> None:
    module = photos_modules["PLAINTEXT/Header"]
    transport = Recorder()
    client = module.PhotosClient(
        client_id="key",
        client_secret="se&cret",
        token="tok",
        token_secret="tok secret",
        transport=httpx.MockTransport(transport),
        base_url="https://photos.example.net",
    )
    client.photo(file="x", size="y")
    assert oauth_header(transport.last)["oauth_signature"] == "se%26cret&tok%20secret"


# -- secrets and safety ----------------------------------------------------------------


def test_plaintext_goes_over_https_only(
    photos_modules: dict[str, ModuleType],
) -> None:
    module = photos_modules["PLAINTEXT/Header"]
    transport = Recorder()
    client = module.PhotosClient(
        client_id="key",
        client_secret="consumer-secret",
        token="tok",
        token_secret="token-secret",
        transport=httpx.MockTransport(transport),
    )
    with pytest.raises(ValueError, match="https only") as caught:
        client.photo(file="x", size="y")  # BaseUrl is http://photos.example.net
    assert transport.requests == []
    assert "consumer-secret" not in str(caught.value)
    loopback = module.PhotosClient(
        client_id="key",
        client_secret="consumer-secret",
        transport=httpx.MockTransport(transport),
        base_url="http://127.0.0.1:8080",
    )
    loopback.photo(file="x", size="y")
    assert len(transport.requests) == 1


def test_token_urls_must_be_https_at_run_time(
    photos: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport = Recorder()
    client = photos.PhotosClient(
        client_id="key",
        client_secret="secret",
        transport=httpx.MockTransport(transport),
    )
    monkeypatch.setattr(photos, "REQUEST_TOKEN_URL", "http://photos.example.net/init")
    with pytest.raises(ValueError, match="RequestTokenUrl must be an https URL"):
        client.fetch_request_token()
    assert transport.requests == []
    for url in ("http://localhost:8000/i", "http://127.0.0.1/i", "http://[::1]:9/i"):
        monkeypatch.setattr(photos, "REQUEST_TOKEN_URL", url)
        transport.answers.append(
            httpx.Response(
                200,
                text="oauth_token=a&oauth_token_secret=b&oauth_callback_confirmed=true",
            )
        )
        assert client.fetch_request_token().token == "a"
        assert str(transport.last.url) == url
    assert len(transport.requests) == 3


def test_an_unconfirmed_callback_is_refused(photos: ModuleType) -> None:
    """OAuth 1.0 providers (no oauth_callback_confirmed) allow session fixation."""
    transport = Recorder(httpx.Response(200, text="oauth_token=a&oauth_token_secret=b"))
    client = photos.PhotosClient(
        client_id="k", client_secret="s", transport=httpx.MockTransport(transport)
    )
    with pytest.raises(photos.PhotosError, match="did not confirm the callback"):
        client.fetch_request_token()


def test_secrets_stay_out_of_reprs(photos_modules: dict[str, ModuleType]) -> None:
    module = photos_modules["HMAC-SHA1/Header"]
    client = module.PhotosClient(
        client_id="key",
        client_secret="consumer-secret",
        token="the-token",
        token_secret="token-secret",
    )
    token = module.OAuth1Token("the-token", "token-secret", {"user_id": "7"})
    texts = [repr(client), repr(client._auth), repr(client.token), repr(token)]
    for text in texts:
        assert "consumer-secret" not in text and "token-secret" not in text
    assert repr(client._auth) == (
        "OAuth1Auth(client_id='key', client_secret='***', token='***', "
        "token_secret='***')"
    )
    assert repr(token) == "OAuth1Token(token='the-token', extra={'user_id': '7'})"
    rsa = photos_modules["RSA-SHA1/Header"]
    auth = rsa.OAuth1Auth("key", RSA_PRIVATE_KEY)
    assert "PRIVATE" not in repr(auth) and "rsa_key='***'" in repr(auth)


def test_bad_rsa_key_is_refused_without_echoing_it(
    photos_modules: dict[str, ModuleType],
) -> None:
    module = photos_modules["RSA-SHA1/Header"]
    broken = RSA_PRIVATE_KEY[:200] + "tampered" + RSA_PRIVATE_KEY[200:]
    with pytest.raises(ValueError) as caught:
        module.PhotosClient(client_id="key", rsa_key=broken)
    assert str(caught.value) == "rsa_key is not an RSA private key in PEM format"
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_constructor_and_from_env(photos: ModuleType) -> None:
    with pytest.raises(ValueError, match="token and token_secret are given together"):
        photos.PhotosClient(client_id="k", client_secret="s", token="t")
    with pytest.raises(ValueError, match="client_secret is required"):
        photos.PhotosClient(client_id="k", client_secret="")
    with pytest.raises(ValueError, match="set the PHOTOS_CLIENT_SECRET variable"):
        photos.PhotosClient.from_env({"PHOTOS_CLIENT_ID": "k"})
    client = photos.PhotosClient.from_env(
        {
            "PHOTOS_CLIENT_ID": "k",
            "PHOTOS_CLIENT_SECRET": "s",
            "PHOTOS_TOKEN": "t",
            "PHOTOS_TOKEN_SECRET": "ts",
        }
    )
    assert client.token == photos.OAuth1Token("t", "ts")
    assert (
        photos.PhotosClient.from_env(
            {"PHOTOS_CLIENT_ID": "k", "PHOTOS_CLIENT_SECRET": "s"}
        ).token
        is None
    )


def test_flow_steps_out_of_order_say_what_to_do(photos: ModuleType) -> None:
    client = photos.PhotosClient(client_id="k", client_secret="s")
    with pytest.raises(ValueError, match=r"call fetch_request_token\(\) first"):
        client.authorization_url()
    with pytest.raises(ValueError, match=r"call fetch_request_token\(\) first"):
        client.fetch_access_token(verifier="v")
    given = photos.OAuth1Token("req", "reqsecret")
    assert client.authorization_url(given, perms="write") == (
        "https://photos.example.net/authorize?perms=write&oauth_token=req"
    )


def test_token_response_without_a_token_is_a_clear_error(photos: ModuleType) -> None:
    transport = Recorder(httpx.Response(200, text="<html>maintenance</html>"))
    client = photos.PhotosClient(
        client_id="k", client_secret="s", transport=httpx.MockTransport(transport)
    )
    with pytest.raises(photos.PhotosError) as caught:
        client.fetch_request_token()
    assert str(caught.value) == (
        "POST https://photos.example.net/initiate answered 200 OK: the response "
        "holds no oauth_token and oauth_token_secret"
    )


def test_async_client_signs_the_same(
    photos: ModuleType, rfc_clock: Callable[..., None]
) -> None:
    import asyncio

    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    async def run() -> None:
        async with photos.AsyncPhotosClient(
            client_id=CONSUMER_KEY,
            client_secret=CONSUMER_SECRET,
            token="nnch734d00sl2jdk",
            token_secret="pfkkdhi9sl3r4s00",
            transport=httpx.MockTransport(handler),
        ) as client:
            await client.photo(file="vacation.jpg", size="original")

    rfc_clock(photos, "chapoH", "137131202")
    asyncio.run(run())
    assert oauth_header(seen[0])["oauth_signature"] == "MdpQcU8iPSUjWoN/UDMsK2sui9I="


def test_module_is_standalone(photos: ModuleType) -> None:
    source = Path(str(photos.__file__)).read_text(encoding="utf-8")
    imported = set(re.findall(r"^(?:from|import) ([\w.]+)", source, re.M))
    third_party = {name.split(".")[0] for name in imported} - sys.stdlib_module_names
    assert third_party == {"authlib", "httpx"}


def test_rsa_module_adds_only_authlibs_own_cryptography(
    photos_modules: dict[str, ModuleType],
) -> None:
    """RSA-SHA1 parses the key once with cryptography, which authlib depends on."""
    from importlib.metadata import requires

    source = Path(str(photos_modules["RSA-SHA1/Header"].__file__)).read_text()
    assert "from cryptography.hazmat.primitives import" in source
    assert any(r.startswith("cryptography") for r in requires("authlib") or [])
