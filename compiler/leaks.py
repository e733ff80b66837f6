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

A long random-looking value that is no secret (a commit SHA, a public id) is
accepted when the line it starts on carries the comment ``# connectorc: not-a-secret``
after it (``not_secrets``). The comment passes only a value found by entropy: a
well-known key format (``sk_live_...``, ``ghp_...``) is refused even then.

The error never shows the secret: its message names the kind of secret only, and
every diagnostic of the spec has the secret's text masked (``redact``), source line
included, so no other message about the same value prints it either.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from .diagnostics import Diagnostic
from .load import JsonPath, LoadedSpec, source_line
from .records import record

__all__ = [
    "NOT_A_SECRET",
    "Leak",
    "find_leaks",
    "leak_diagnostics",
    "not_secrets",
    "redact",
]

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


@record()
class Leak:
    """A value at ``path`` that looks like a secret of the given ``kind``."""

    path: JsonPath
    kind: str
    text: str

    @property
    def by_entropy(self) -> bool:
        """Found as a random-looking string, not by a well-known format."""
        return self.kind.endswith("(high entropy)")


# The comment that marks a value as no secret, on the line the value starts on.
NOT_A_SECRET = "connectorc: not-a-secret"
_NOT_A_SECRET = re.compile(r"#\s*connectorc:\s*not-a-secret\b")


def find_leaks(data: Any) -> list[Leak]:
    """Every default and fixed value of the spec data that looks like a secret."""
    leaks = []
    for path, value in _fixed_values(data):
        kind, text = _secret_in(value)
        if kind:
            leaks.append(Leak(path, kind, text))
    return leaks


def not_secrets(spec: LoadedSpec, leaks: Sequence[Leak]) -> list[Leak]:
    """The leaks found by entropy whose line carries ``# connectorc: not-a-secret``."""
    return [leak for leak in leaks if leak.by_entropy and _marked(spec, leak.path)]


def _marked(spec: LoadedSpec, path: JsonPath) -> bool:
    """Whether the line the value at ``path`` starts on ends with the comment.

    The comment must be a YAML comment, not text inside a value: a value holding
    the words, or words inside quotes on the line, do not count."""
    text = source_line(spec.text, spec.position(path).line)
    found = _NOT_A_SECRET.search(text)
    if found is None:
        return False
    value: Any = spec.data
    for step in path:
        value = value[step]
    if isinstance(value, str) and _NOT_A_SECRET.search(value):
        return False
    before = text[: found.start()]
    # Outside quotes, a '#' after a space starts a comment (YAML 1.2, 6.6).
    return not _in_quotes(before) and (not before or before[-1] in " \t")


def _in_quotes(text: str) -> bool:
    """Whether the end of ``text`` (one YAML line) is inside a quoted scalar."""
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if quote == "'":
            if char == "'":
                if text[index + 1 : index + 2] == "'":
                    index += 1  # '' is an escaped quote
                else:
                    quote = ""
        elif quote == '"':
            if char == "\\":
                index += 1
            elif char == '"':
                quote = ""
        elif char in "'\"" and (index == 0 or text[index - 1] in " \t:,[{-"):
            quote = char
        index += 1
    return bool(quote)


def _hint(spec: LoadedSpec, leak: Leak) -> str:
    if leak.by_entropy:
        return (
            "remove it (and revoke it if it is real): secrets are supplied at run "
            "time, as constructor arguments or through from_env(); if it is no "
            f"secret (a commit SHA), end its line with '# {NOT_A_SECRET}'"
        )
    if _marked(spec, leak.path):
        return (
            f"remove it (and revoke it if it is real): '# {NOT_A_SECRET}' passes "
            "only random-looking values, never a well-known key format"
        )
    return (
        "remove it (and revoke it if it is real): secrets are supplied at run "
        "time, as constructor arguments or through from_env()"
    )


def leak_diagnostics(spec: LoadedSpec, leaks: Sequence[Leak]) -> list[Diagnostic]:
    return [
        spec.diagnostic(
            leak.path,
            f"{_where(leak.path)} looks like {leak.kind}, pasted into the spec",
            _hint(spec, leak),
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
