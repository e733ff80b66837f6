"""Secrets pasted into a spec are found by what they look like (issue 15).

Before, only key names gave a secret away (``ClientSecret``, a header named
``Authorization``): a Property ``Default: sk_live_...``, a body ``password`` default
or a query ``sig`` holding a live key compiled into the module. The error must not
print the secret back, in its message or in the source line the CLI shows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from compiler import SpecError, validate_spec
from compiler.leaks import find_leaks
from compiler.load import load_spec
from tests.support import ROOT, SPECS

SECRETS = {
    "a Stripe secret key": "sk_live_51H8x2eKq9ZbT4LmN0pQrStUv",
    "a Stripe webhook secret": "whsec_5Gx8Kq2LmN0pQr5TuVw9",
    "a GitHub token": "ghp_" + "a1B2c3D4e5" * 4,
    "an AWS access key id": "AKIAIOSFODNN7EXAMPLE",
    "a Slack token": "xoxb-1234567890-abcdefghij",
    "a Google API key": "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
    "a JSON Web Token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2ln",
    "a private key": "-----BEGIN RSA PRIVATE KEY-----",
    "a Bearer token": "Bearer 9f8e7d6c5b4a39281706",
    "a random key or token (high entropy)": "Zx8Kq2LmN0pQr5TuVw9Yb3Cd",
    "a random hexadecimal key (high entropy)": "a9f3c2d8e1b7465f9a0c3e2d1b8f7a6c",
}
ORDINARY = [
    "2022-11-28", "123e4567-e89b-12d3-a456-426614174000", "orders/create",
    "application/vnd.github+json", "ThisIsAVeryLongCamelCaseName2024", "primary",
    "https://example.com/v1/items", "v62.0", "created_at_desc", "us21",
]  # fmt: skip

SPEC = """\
SpecVersion: 1
Name: Example
BaseUrl: https://api.example.com
Properties:
  - Name: Account
    DataType: {data_type}
    Default: "{value}"
Authentication:
  AuthType: None
Methods:
  - Name: Add Item
    HttpMethod: POST
    EndPoint: /items
"""


def _validate(tmp_path: Path, value: str, data_type: str = "Text") -> list[str]:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC.format(value=value, data_type=data_type), encoding="utf-8")
    try:
        validate_spec(path, "spec.yaml")
    except SpecError as error:
        return [f"{d.headline}\n{d.source_line}" for d in error.diagnostics]
    return []


@pytest.mark.parametrize(("kind", "secret"), SECRETS.items(), ids=list(SECRETS))
def test_a_pasted_secret_is_found_by_its_form(
    kind: str, secret: str, tmp_path: Path
) -> None:
    [error] = _validate(tmp_path, secret)
    assert error.startswith(
        f"spec.yaml:7:14: Properties[0].Default looks like {kind}, pasted into the "
        "spec; remove it"
    ), error
    assert secret not in error


@pytest.mark.parametrize("value", ORDINARY)
def test_ordinary_values_are_not_secrets(value: str, tmp_path: Path) -> None:
    assert _validate(tmp_path, value) == []


def test_no_example_spec_holds_a_secret() -> None:
    for path in sorted(SPECS.glob("*.yaml")):
        assert find_leaks(load_spec(path).data) == [], path.name


def test_no_other_error_prints_the_secret_back(tmp_path: Path) -> None:
    """The Default also breaks its DataType; that message quotes the value."""
    secret = SECRETS["a Stripe secret key"]
    errors = _validate(tmp_path, secret, data_type="Integer")
    assert len(errors) == 2
    assert any("does not fit DataType Integer" in e for e in errors)
    assert all(secret not in e for e in errors)


def test_the_cli_never_shows_the_secret() -> None:
    case = "tests/broken/pasted_secret_values.yaml"
    for output in ("text", "json", "github"):
        done = subprocess.run(
            [sys.executable, "-m", "compiler", "validate", case, "--format", output],
            cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=False,
        )  # fmt: skip
        assert done.returncode == 1
        shown = done.stdout + done.stderr
        assert shown.count("looks like") == 3, shown
        for secret in ("sk_live_51H8", "Zx8Kq2LmN0pQr5", "eyJhbGciOiJIUzI1NiJ9"):
            assert secret not in shown


@pytest.mark.parametrize(
    ("line", "written"),
    [
        ("BaseUrl: https://api.example.com", "BaseUrl: https://api.example.com/{}"),
        ("    EndPoint: /items", "    EndPoint: /items/{}"),
        (
            "  AuthType: None",
            "  AuthType: ApiKey\n  Format: Bearer {}",
        ),
    ],
    ids=["BaseUrl", "EndPoint", "Format"],
)
def test_a_secret_in_a_url_or_format_is_found_without_being_shown(
    line: str, written: str, tmp_path: Path
) -> None:
    secret = SECRETS["a Stripe secret key"]
    text = SPEC.format(value="x", data_type="Text").replace(
        line, written.format(secret)
    )
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        validate_spec(path, "spec.yaml")
    shown = [f"{d.headline}\n{d.source_line}" for d in caught.value.diagnostics]
    assert any("looks like a Stripe secret key" in s for s in shown), shown
    assert all(secret not in s for s in shown)


# -- '# connectorc: not-a-secret' -----------------------------------------------------

SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8"
MARKED = """\
SpecVersion: 1
Name: Example
BaseUrl: https://api.example.com
Properties:
  - Name: Revision
    Default: {value}
Authentication:
  AuthType: None
Methods:
  - Name: Add Item
    HttpMethod: POST
    EndPoint: /items
"""


def _marked(tmp_path: Path, value: str) -> list[str]:
    path = tmp_path / "spec.yaml"
    path.write_text(MARKED.format(value=value), encoding="utf-8")
    try:
        validate_spec(path, "spec.yaml")
    except SpecError as error:
        return [d.headline for d in error.diagnostics]
    return []


@pytest.mark.parametrize(
    "value",
    [
        f"{SHA}  # connectorc: not-a-secret",
        f'"{SHA}" #connectorc: not-a-secret (the commit the API pins)',
        f"'{SHA}' # connectorc:  not-a-secret",
    ],
)
def test_a_random_looking_value_marked_not_a_secret_is_accepted(
    value: str, tmp_path: Path
) -> None:
    assert _marked(tmp_path, SHA) != []  # refused without the comment
    assert _marked(tmp_path, value) == []


def test_a_marked_value_reaches_the_module(tmp_path: Path) -> None:
    from compiler import compile_spec

    path = tmp_path / "spec.yaml"
    value = f"{SHA}  # connectorc: not-a-secret"
    path.write_text(MARKED.format(value=value), encoding="utf-8")
    _, text = compile_spec(path)
    assert SHA in text


@pytest.mark.parametrize(
    "value",
    [
        f'"{SHA} # connectorc: not-a-secret"',  # the words inside the value
        f"'{SHA} # connectorc: not-a-secret'",
        f"{SHA}#connectorc:not-a-secret",  # no space before '#': part of the value
        f"{SHA}  # connectorc: not-a-secretive",
    ],
)
def test_the_words_count_only_as_a_comment(value: str, tmp_path: Path) -> None:
    [error] = _marked(tmp_path, value)
    assert "high entropy" in error


@pytest.mark.parametrize(
    ("kind", "secret"),
    [(k, v) for k, v in SECRETS.items() if "entropy" not in k and "PRIVATE" not in v],
)
def test_a_well_known_format_is_refused_even_when_marked(
    kind: str, secret: str, tmp_path: Path
) -> None:
    [error] = _marked(tmp_path, f'"{secret}"  # connectorc: not-a-secret')
    assert f"looks like {kind}" in error
    assert "passes only random-looking values" in error
    assert secret not in error
