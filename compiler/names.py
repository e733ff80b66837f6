"""Cleaning spec names into Python names, in one place so every stage agrees."""

from __future__ import annotations

import functools
import keyword
import re
import sys
import unicodedata
from typing import Any

__all__ = [
    "IDENTIFIER",
    "env_var",
    "is_identifier",
    "pascal_case",
    "python_name",
    "shadowed_module",
    "snake_case",
]

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


@functools.lru_cache(maxsize=4096)
def snake_case(name: str) -> str:
    """``List Members`` -> ``list_members``; ``ListId`` -> ``list_id``.

    Accents are dropped (``Größe`` -> ``grosse`` is not attempted: non-ASCII letters
    without an ASCII base vanish), so a name made only of such letters cleans to ``""``.
    """
    ascii_name = (
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    )
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", ascii_name)
    words = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", words)
    return re.sub(r"[^A-Za-z0-9]+", "_", words).strip("_").lower()


def python_name(entry: dict[str, Any], source: str) -> str:
    """The Python name of a spec entry: its PythonName, else ``source`` cleaned."""
    given = entry.get("PythonName")
    return given if isinstance(given, str) else snake_case(source)


def pascal_case(name: str) -> str:
    """``mailchimp marketing`` -> ``MailchimpMarketing``."""
    return "".join(word[:1].upper() + word[1:] for word in snake_case(name).split("_"))


def is_identifier(name: str) -> bool:
    """True for a snake_case name usable as a Python identifier (keywords excluded)."""
    return bool(IDENTIFIER.match(name)) and not keyword.iskeyword(name)


def env_var(module: str, python_name: str) -> str:
    """The environment variable that ``from_env()`` reads for a value."""
    return f"{module}_{python_name}".upper()


def shadowed_module(module: str) -> str | None:
    """The module a generated module of this name would hide, if any."""
    if module in sys.stdlib_module_names or module in {"httpx", "authlib", "compiler"}:
        return module
    return None
