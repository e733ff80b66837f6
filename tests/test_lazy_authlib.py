"""OAuth 2 modules import authlib when they first need it, not when imported
(issue 12: authlib was most of what an OAuth module's import cost over httpx's).
Each check runs in a fresh interpreter, where nothing has imported authlib yet."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import GENERATED

OAUTH2 = sorted(
    p.stem
    for p in GENERATED.glob("*.py")
    if "class OAuth2Error" in p.read_text(encoding="utf-8")
)


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_there_are_oauth2_modules() -> None:
    assert {"google_calendar", "spotify", "reddit", "salesforce"} <= set(OAUTH2)


@pytest.mark.parametrize("module", OAUTH2)
def test_importing_an_oauth2_module_does_not_import_authlib(module: str) -> None:
    code = (
        f"import sys\nimport {module}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'authlib'))\n"
    )
    assert _run(code).strip() == "[]"


def test_authlib_is_imported_when_first_needed() -> None:
    code = (
        "import sys\n"
        "import google_calendar as m\n"
        "client = m.GoogleCalendarClient(client_id='id', client_secret='s')\n"
        "assert 'authlib' not in sys.modules\n"
        "request = client.authorization_url('https://app.example.com/cb')\n"
        "assert 'authlib' in sys.modules\n"
        "print(request.url.split('?')[0])\n"
        "print(m._prepare_token_request('authorization_code', code='c d'))\n"
    )
    first, body = _run(code).splitlines()
    assert first == "https://accounts.google.com/o/oauth2/v2/auth"
    assert body == "grant_type=authorization_code&code=c+d"
