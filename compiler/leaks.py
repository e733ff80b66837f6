"""Secrets pasted into a spec, found by what they look like, not only by key name.

A spec's defaults and fixed values (URLs, EndPoints, an ApiKey Format too) end up
in the generated module, which is copied into other projects: a live key there has
leaked. Key names catch some of them
(``ClientSecret``, a header named ``Authorization``); this module reads the values
themselves: well-known token formats (Stripe, GitHub, AWS, Slack, Google, JWT, PEM
private keys, ...), and long random-looking strings (Shannon entropy, as
detect-secrets and truffleHog measure it). Own code rather than detect-secrets: that
tool scans lines of files with settings held globally; here each value is checked
where it stands in the spec, and the error must locate it without printing it.

The error never shows the secret: its message names the kind of secret only, and
every diagnostic of the spec has the secret's text masked (``redact``), source line
included, so no other message about the same value prints it either.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .diagnostics import Diagnostic
from .load import JsonPath, LoadedSpec

__all__ = ["Leak", "find_leaks", "leak_diagnostics", "redact"]

# Well-known formats; the names are what the error says.
FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("a Stripe secret key", r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{10,}"),
        ("a Stripe webhook secret", r"\bwhsec_[0-9A-Za-z]{16,}"),
        ("a GitHub token", r"\b(?:gh[pousr]_[0-9A-Za-z]{30,}|github_pat_\w{22,})"),
        ("a GitLab token", r"\bglpat-[0-9A-Za-z_-]{20,}"),
        ("an AWS access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        ("a Slack token", r"\bxox[abeoprs]-[0-9A-Za-z-]{10,}"),
        ("a Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
        ("a SendGrid API key", r"\bSG\.[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,}"),
        ("an OpenAI or Anthropic key", r"\bsk-(?:ant-|proj-)?[0-9A-Za-z_-]{20,}"),
        ("a Mailchimp API key", r"\b[0-9a-f]{32}-us[0-9]{1,2}\b"),
        ("a Twilio API key", r"\bSK[0-9a-fA-F]{32}\b"),
        ("a JSON Web Token", r"\beyJ[0-9A-Za-z_-]{8,}\.eyJ[0-9A-Za-z_-]{8,}\.[\w-]*"),
        ("a private key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
        ("a Bearer token", r"\bBearer [0-9A-Za-z._~+/-]{16,}=*"),
    )
)
# Runs of characters a token is made of; a random one of these lengths has an
# entropy well above the thresholds, ordinary words, dates, versions, paths and
# UUIDs stay below (a UUID's parts are short, split at '-').
BASE64_RUN = re.compile(r"[0-9A-Za-z+/_=]{20,}")
HEX_RUN = re.compile(r"\b[0-9a-fA-F]{32,}\b")
# Entropy as a share of the most a string of that length can have (every character
# different, up to the 62 letters and digits): random keys stay above 0.9, long
# CamelCase names (``ThisIsAVeryLongName2024``) below.
BASE64_ENTROPY = 0.88
HEX_ENTROPY = 3.0


@dataclass(frozen=True)
class Leak:
    """A value at ``path`` that looks like a secret of the given ``kind``."""

    path: JsonPath
    kind: str
    text: str


def find_leaks(data: Any) -> list[Leak]:
    """Every default and fixed value of the spec data that looks like a secret."""
    leaks = []
    for path, value in _fixed_values(data):
        kind, text = _secret_in(value)
        if kind:
            leaks.append(Leak(path, kind, text))
    return leaks


def leak_diagnostics(spec: LoadedSpec, leaks: Sequence[Leak]) -> list[Diagnostic]:
    return [
        spec.diagnostic(
            leak.path,
            f"{_where(leak.path)} looks like {leak.kind}, pasted into the spec",
            "remove it (and revoke it if it is real): secrets are supplied at run "
            "time, as constructor arguments or through from_env()",
        )
        for leak in leaks
    ]


def redact(
    diagnostics: Sequence[Diagnostic], leaks: Sequence[Leak]
) -> list[Diagnostic]:
    """``diagnostics`` with the text of every leak masked, wherever it appears."""
    if not leaks:
        return list(diagnostics)
    secrets = sorted({leak.text for leak in leaks}, key=len, reverse=True)

    def mask(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, "*" * len(secret))
        return text

    return [
        replace(
            d,
            message=mask(d.message),
            hint=mask(d.hint),
            source_line=mask(d.source_line),
        )
        for d in diagnostics
    ]


URL_KEYS = (
    "AuthoriseUrl",
    "AccessTokenUrl",
    "RefreshUrl",
    "RequestTokenUrl",
    "AuthorizeUrl",
    "CallbackUrl",
)


def _fixed_values(data: Any) -> Iterator[tuple[JsonPath, str]]:
    """(path, text) of every Default, Values entry, fixed OAuth parameter, URL,
    EndPoint and ApiKey Format: the text a spec sends as it is written."""
    if not isinstance(data, dict):
        return
    if isinstance(data.get("BaseUrl"), str):
        yield ("BaseUrl",), data["BaseUrl"]
    for i, prop in enumerate(_list(data.get("Properties"))):
        yield from _texts(prop, ("Properties", i))
    auth = data.get("Authentication")
    # A single block, or a list of named entries (several authentication methods).
    blocks: list[tuple[JsonPath, Any]] = [(("Authentication",), auth)]
    if isinstance(auth, list):
        blocks = [(("Authentication", i), entry) for i, entry in enumerate(auth)]
    for where, block in blocks:
        if not isinstance(block, dict):
            continue
        for key in (*URL_KEYS, "Format"):
            if isinstance(block.get(key), str):
                yield (*where, key), block[key]
        for key in ("AuthoriseParameters", "TokenParameters"):
            extra = block.get(key)
            if isinstance(extra, dict):
                for name, value in extra.items():
                    if isinstance(value, str):
                        yield (*where, key, name), value
    for i, method in enumerate(_list(data.get("Methods"))):
        if not isinstance(method, dict):
            continue
        if isinstance(method.get("EndPoint"), str):
            yield ("Methods", i, "EndPoint"), method["EndPoint"]
        for j, param in enumerate(_list(method.get("Parameters"))):
            yield from _texts(param, ("Methods", i, "Parameters", j))


def _texts(entry: Any, path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    if not isinstance(entry, dict):
        return
    if isinstance(entry.get("Default"), str):
        yield (*path, "Default"), entry["Default"]
    for k, value in enumerate(_list(entry.get("Values"))):
        if isinstance(value, str):
            yield (*path, "Values", k), value


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _secret_in(value: str) -> tuple[str, str]:
    """(what kind of secret, its text) for a value holding one, else ("", "")."""
    for kind, pattern in FORMATS:
        found = pattern.search(value)
        if found:
            return kind, found.group()
    for run in BASE64_RUN.findall(value):
        classes = sum(
            bool(re.search(chars, run)) for chars in ("[a-z]", "[A-Z]", "[0-9]")
        )
        most = math.log2(min(len(run), 62))
        if classes == 3 and _entropy(run) >= BASE64_ENTROPY * most:
            return "a random key or token (high entropy)", run
    for run in HEX_RUN.findall(value):
        if re.search("[a-fA-F]", run) and _entropy(run) >= HEX_ENTROPY:
            return "a random hexadecimal key (high entropy)", run
    return "", ""


def _entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _where(path: JsonPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
