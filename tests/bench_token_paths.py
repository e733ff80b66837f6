"""Reading an OAuth 2 token response by TokenResponse field paths (issue 10) against
the standard flat response: ``python -m tests.bench_token_paths`` (or ``make bench``).
Not a test.

Both modules are compiled from the same spec (tests/test_oauth2_token_paths.py), one
with the default TokenResponse (the standard case: plain dict lookups, the code of
before paths, byte for byte), one with the four token fields nested (read with
_field). Each call turns one decoded token response into a Token
(OAuth2Auth._token), as after every token request.

Target: the standard case is the baseline; the nested one within 2.0 of it (a few
microseconds, against a token request's round trip).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchtiming import compare, report
from tests.support import compile_text
from tests.test_oauth2_token_paths import NESTED, SPEC

BASELINE = "flat TokenResponse (standard)"

# Without InstanceUrl, whose URL parsing would hide the cost of reading the fields.
FLAT_SPEC = SPEC.format(fields="    DefaultExpiresIn: 3600\n")
NESTED_SPEC = SPEC.format(
    fields="".join(
        line + "\n" for line in NESTED.splitlines() if "Instance" not in line
    )
)

RESPONSE: dict[str, Any] = {
    "access_token": "a" * 40,
    "token_type": "Bearer",
    "expires_in": 3600,
    "refresh_token": "r" * 40,
    "refresh_token_expires_in": 86400,
    "scope": "read write",
}


def auth_of(module: Any) -> Any:
    return module.NestedTokenClient(
        client_id="c", client_secret="s", username="u", password="p"
    )._auth


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        flat_dir, nested_dir = Path(directory, "flat"), Path(directory, "nested")
        flat_dir.mkdir()
        nested_dir.mkdir()
        flat = auth_of(compile_text(FLAT_SPEC, flat_dir))
        nested = auth_of(compile_text(NESTED_SPEC, nested_dir))
    started = time.time()

    def nested_case() -> object:
        # _take moves fields out of the nested objects: a fresh body per call, as
        # each token response is decoded afresh.
        body = {"data": {**RESPONSE}}
        return nested._token(body, started, None)

    def flat_case() -> object:
        body = {**RESPONSE}  # the same copying
        return flat._token(body, started, None)

    report(
        compare({BASELINE: flat_case, "nested TokenResponse (_field)": nested_case}),
        BASELINE,
    )


if __name__ == "__main__":
    main()
