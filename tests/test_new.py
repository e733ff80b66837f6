"""``connectorc new``: every AuthType (and OAuth2 grant) gives a spec that validates,
compiles, and imports; files are not overwritten without --force."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from compiler import compile_spec
from compiler.cli import main
from compiler.load import load_spec
from compiler.scaffold import AUTH_TYPES, GRANTS
from tests.support import ROOT, import_file

COMBINATIONS = [(auth, None) for auth in AUTH_TYPES if auth != "OAuth2"] + [
    ("OAuth2", None),
    *(("OAuth2", grant) for grant in GRANTS),
]


@pytest.mark.parametrize(
    ("auth", "grant"), COMBINATIONS, ids=[f"{a}-{g}" for a, g in COMBINATIONS]
)
def test_every_starter_spec_compiles_and_imports(
    auth: str, grant: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["new", f"Acme {auth} {grant or ''}".strip(), "--auth", auth]
    if grant:
        args += ["--grant", grant]
    assert main(args) == 0
    [spec] = (tmp_path / "specs").glob("*.yaml")
    text = spec.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    connector, module_text = compile_spec(spec)
    data = load_spec(spec).data
    assert data["Authentication"]["AuthType"] == auth
    if auth == "OAuth2":
        assert data["Authentication"]["OAuth2Type"] == (grant or "AuthorisationCode")
    module_path = tmp_path / f"{connector.module_name}.py"
    module_path.write_text(module_text, encoding="utf-8")
    module = import_file(module_path)
    client_class = getattr(module, str(connector.class_name))
    assert client_class.__doc__
    assert main(["generate", str(spec), "-o", "generated", "-q"]) == 0


def test_modeline_points_at_the_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "deep" / "x.yaml"
    assert main(["new", "X", "--auth", "None", "-o", str(target)]) == 0
    first = target.read_text(encoding="utf-8").split("\n", 1)[0]
    relative = first.removeprefix("# yaml-language-server: $schema=")
    assert (target.parent / relative).resolve() == (
        ROOT / "schemas" / "connector.schema.json"
    )


def test_refuses_to_overwrite_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "Acme", "--auth", "Basic"]) == 0
    spec = tmp_path / "specs" / "acme.yaml"
    spec.write_text("mine\n", encoding="utf-8")
    assert main(["new", "Acme", "--auth", "Basic"]) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert spec.read_text(encoding="utf-8") == "mine\n"
    assert main(["new", "Acme", "--auth", "Basic", "--force"]) == 0
    assert "AuthType: Basic" in spec.read_text(encoding="utf-8")


def test_grant_needs_oauth2_and_names_need_letters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "Acme", "--auth", "Basic", "--grant", "ClientCredentials"]) == 2
    assert main(["new", "!!!", "--auth", "Basic"]) == 2
    assert not (tmp_path / "specs").exists()


def test_a_name_with_quotes_stays_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    name = 'Acme "quoted": #not a comment'
    assert main(["new", name, "--auth", "None"]) == 0
    [spec] = (tmp_path / "specs").glob("*.yaml")
    assert load_spec(spec).data["Name"] == name
    compile_spec(spec)


def test_a_name_that_cannot_compile_is_reported_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "Json", "--auth", "None"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("specs/json.yaml:6:7: Name 'Json' would generate json.py")


def test_outside_the_repository_the_modeline_survives_a_clone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No schemas/ here: the schema is written beside the spec, and the modeline is
    relative to it, so moving the user's repository keeps the editor working."""
    project = tmp_path / "mine"
    project.mkdir()
    monkeypatch.chdir(project)
    assert main(["new", "Acme", "--auth", "ApiKey"]) == 0
    schema = project / "specs" / "connector.schema.json"
    assert (
        schema.read_bytes() == (ROOT / "schemas" / "connector.schema.json").read_bytes()
    )
    assert "created specs/connector.schema.json" in capsys.readouterr().out
    clone = tmp_path / "elsewhere" / "deeper" / "clone"
    shutil.copytree(project, clone)
    spec = clone / "specs" / "acme.yaml"
    first = spec.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == "# yaml-language-server: $schema=connector.schema.json"
    assert (spec.parent / first.rsplit("=", 1)[1]).is_file()
    # A second spec leaves the schema as it is; `connectorc schema` refreshes it.
    assert main(["new", "Beta", "--auth", "None"]) == 0
    schema.write_text("{}")
    assert main(["schema"]) == 0
    assert "updated specs/connector.schema.json" in capsys.readouterr().out
    assert main(["schema"]) == 0
    assert "unchanged specs/connector.schema.json" in capsys.readouterr().out
    assert (
        schema.read_bytes() == (ROOT / "schemas" / "connector.schema.json").read_bytes()
    )


# Several AuthTypes make a list of named entries (with a grant for the OAuth2 one).
SEVERAL = [
    ("OAuth2,ApiKey", None),
    ("OAuth2,Basic,None", "ClientCredentials"),
    ("ApiKey,OAuth2", "JwtBearer"),
    ("Session,Basic", None),
    ("Jwt,ApiKey", None),
    ("OAuth1,None", None),
    ("ApiKey,Basic", None),
]
ENTRY_NAMES = {"ApiKey": "api_key", "Basic": "basic", "None": "none"} | {
    auth: auth.lower() for auth in ("OAuth1", "OAuth2", "Session", "Jwt")
}


@pytest.mark.parametrize(("auth", "grant"), SEVERAL, ids=[a for a, _ in SEVERAL])
def test_several_methods_make_a_list_that_compiles(
    auth: str, grant: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["new", "Acme", "--auth", auth] + (["--grant", grant] if grant else [])
    assert main(args) == 0
    spec = tmp_path / "specs" / "acme.yaml"
    entries = load_spec(spec).data["Authentication"]
    types = auth.split(",")
    assert [e["AuthType"] for e in entries] == types
    assert [e["Name"] for e in entries] == [ENTRY_NAMES[t] for t in types]
    if grant:
        [oauth2] = [e for e in entries if e["AuthType"] == "OAuth2"]
        assert oauth2["OAuth2Type"] == grant
    connector, module_text = compile_spec(spec)
    module_path = tmp_path / f"{connector.module_name}.py"
    module_path.write_text(module_text, encoding="utf-8")
    module = import_file(module_path)
    assert tuple(ENTRY_NAMES[t] for t in types) == module.AUTH_METHODS


@pytest.mark.parametrize(
    ("auth", "reason"),
    [
        ("OAuth2,Session", "at most one of OAuth1, OAuth2, Session, Jwt"),
        ("ApiKey,ApiKey", "each AuthType may stand once"),
        ("AuthFields,ApiKey", "AuthFields cannot be one of several methods"),
        ("ApiKey,Bearer", "unknown AuthType 'Bearer'"),
    ],
)
def test_a_list_the_compiler_would_refuse_is_refused_at_once(
    auth: str,
    reason: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["new", "Acme", "--auth", auth])
    assert exit_.value.code == 2
    assert reason in capsys.readouterr().err
    assert not (tmp_path / "specs").exists()
    assert main(["new", "Acme", "--auth", "ApiKey,Basic", "--grant", "JwtBearer"]) == 2


# A commented YAML line (`# Key: ...` or `# - ...`), not a sentence.
COMMENTED = re.compile(r"^(\s*)# (\s*(?:[A-Za-z][\w-]*:|- ))")
# What the commented Keys replace in an ApiKey block.
REPLACED_BY_KEYS = re.compile(
    r"^\s*(Header: Authorization\s+# (or QueryParameter|the key goes)"
    r'|Format: "Bearer \{ApiKey\}")'
)


def _uncommented(text: str, *, as_list: bool) -> str:
    """The starter with its commented shapes written in: the example list of methods
    and AuthMethods when ``as_list``, every other shape when not (and AuthMethods, in
    a starter whose Authentication is a list already)."""
    lines = text.splitlines()
    has_example = "# Authentication:" in lines
    out = [lines[0]]  # the modeline
    in_example = False
    for line in lines[1:]:
        if line == "# Authentication:":
            in_example = True
        elif in_example and not line.startswith("#   "):
            in_example = False
        match = COMMENTED.match(line)
        if "AuthMethods:" in line:
            wanted = as_list or not has_example
        else:
            wanted = in_example == as_list
        if match and wanted:
            line = match.group(1) + line[match.end(1) + 2 :]
        out.append(line)
    text = "\n".join(out) + "\n"
    if as_list:  # the list replaces the single block
        return re.sub(r"(?ms)^Authentication:.*?(?=^Authentication:)", "", text)
    if "Keys:" in text:
        text = "".join(
            line for line in text.splitlines(True) if not REPLACED_BY_KEYS.match(line)
        )
    return text


STARTERS = COMBINATIONS + SEVERAL


@pytest.mark.parametrize(
    ("auth", "grant"), STARTERS, ids=[f"{a}-{g}" for a, g in STARTERS]
)
def test_every_commented_shape_compiles(
    auth: str, grant: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uncommented, the optional shapes of a starter (Properties, Headers with a
    credential, Keys, PrivateKeyJwt with Algorithm, KeyId and CertificateThumbprint,
    TokenRequestFormat, ...) still compile: none of them is a key the schema refuses."""
    monkeypatch.chdir(tmp_path)
    args = ["new", "Acme", "--auth", auth] + (["--grant", grant] if grant else [])
    assert main(args) == 0
    spec = tmp_path / "specs" / "acme.yaml"
    text = _uncommented(spec.read_text(encoding="utf-8"), as_list=False)
    assert re.search(r"^Properties: .*\n  - \{ Name: Tenant", text, re.MULTILINE)
    assert 'X-Partner-Key: "{{PartnerKey}}"' in text
    if auth == "OAuth2" and grant != "JwtBearer":
        assert "ClientAuthentication: PrivateKeyJwt" in text
        assert 'CertificateThumbprint: "{{CertificateThumbprint}}"' in text
    spec.write_text(text, encoding="utf-8")
    compile_spec(spec)


def test_the_commented_list_of_methods_compiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "Acme", "--auth", "Basic"]) == 0
    spec = tmp_path / "specs" / "acme.yaml"
    spec.write_text(
        _uncommented(spec.read_text(encoding="utf-8"), as_list=True), encoding="utf-8"
    )
    data = load_spec(spec).data
    assert [e["Name"] for e in data["Authentication"]] == ["oauth2", "personal_token"]
    assert data["Methods"][0]["AuthMethods"] == ["oauth2"]
    compile_spec(spec)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_new_runs_connectorc_new() -> None:
    done = subprocess.run(
        ["make", "-s", "-n", "new", "NAME=Acme Co", "AUTH=OAuth2", "GRANT=Password"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == (
        '.venv/bin/connectorc new "Acme Co" --auth OAuth2 --grant Password'
    )
    refused = subprocess.run(
        ["make", "-s", "new"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert refused.returncode != 0
    assert refused.stdout.startswith("usage: make new NAME=Acme")
