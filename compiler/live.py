"""What ``connectorc login`` and ``call`` share: a spec compiled and imported in
memory, the values its ``from_env()`` reads, and where its token is kept.

Nothing is written to ``generated/``: the module text is executed into a fresh module
object, so a command works on a spec as it is now, not as it was last generated.
"""

from __future__ import annotations

import getpass
import itertools
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from .model import Connector
from .pipeline import compile_spec, display_path

__all__ = [
    "EXIT_AUTH",
    "EXIT_HTTP",
    "EXIT_NETWORK",
    "EXIT_SPEC",
    "EXIT_USAGE",
    "CommandError",
    "Live",
    "Prompter",
    "Variable",
    "default_store",
    "load_live",
    "masked",
    "read_json_store",
    "resolve_environment",
    "terminal_prompt",
    "write_json_store",
]

# Exit statuses of `login` and `call` (README, "Trying a connector").
EXIT_SPEC = 1  # the spec has errors
EXIT_USAGE = 2  # bad arguments, unknown method, missing variables
EXIT_AUTH = 4  # login failed, or no usable token
EXIT_HTTP = 5  # the API answered with an error status
EXIT_NETWORK = 6  # the server could not be reached

_COUNTER = itertools.count()


class CommandError(Exception):
    """A failure to report in one sentence (no traceback), with its exit status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Live:
    """A spec's model and the module compiled from it, imported in memory."""

    connector: Connector
    module: ModuleType
    path: Path  # the spec, as the user named it
    # The authentication method picked (a list Authentication); ``connector`` is
    # then the view of that entry alone, so login and call see one method.
    auth: str | None = None

    @property
    def client_class(self) -> Any:
        found = getattr(self.module, self.connector.class_name)
        return found if self.auth is None else _PickedClient(found, self.auth)

    @property
    def error_class(self) -> type[Exception]:
        error: type[Exception] = getattr(self.module, self.connector.error_name)
        return error


class _PickedClient:
    """The client class with auth= given: ``from_env()`` as login and call use it."""

    def __init__(self, client_class: Any, auth: str) -> None:
        self._class = client_class
        self._auth = auth

    def from_env(self, environ: Mapping[str, str], **extra: Any) -> Any:
        return self._class.from_env(environ, auth=self._auth, **extra)


def pick_auth(live: Live, name: str | None, environ: Mapping[str, str]) -> Live:
    """``live`` as the authentication method ``name`` (--auth), else the one the
    <MODULE>_AUTH variable names, when the spec lists several."""
    connector = live.connector
    names = [e.name for e in connector.auth_entries]
    if not names:
        if name is not None:
            raise CommandError(
                f"{connector.name} has a single authentication method; "
                "leave out --auth",
                EXIT_USAGE,
            )
        return live
    chosen = name or environ.get(connector.auth_env_var)
    if not chosen:
        raise CommandError(
            f"{connector.name} has several authentication methods "
            f"({', '.join(names)}); pick one with --auth NAME or "
            f"{connector.auth_env_var}",
            EXIT_USAGE,
        )
    for entry in connector.auth_entries:
        if entry.name == chosen:
            view = connector.auth_view(entry)
            return Live(connector=view, module=live.module, path=live.path, auth=chosen)
    raise CommandError(
        f"{chosen!r} is not an authentication method of {connector.name}; "
        f"use one of {', '.join(names)}",
        EXIT_USAGE,
    )


def load_live(spec: Path) -> Live:
    """Compile ``spec`` and import the module text; raises ``SpecError``."""
    connector, text = compile_spec(spec, display_path(spec))
    # A unique name: two specs (or one spec twice) never share a module object.
    name = f"_connectorc_live_{connector.module_name}_{next(_COUNTER)}"
    module = ModuleType(name)
    module.__file__ = f"<{connector.module_name}.py compiled from {spec.as_posix()}>"
    # dataclasses and typing look the module up by name while classes are created.
    sys.modules[name] = module
    try:
        exec(compile(text, module.__file__, "exec"), module.__dict__)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return Live(connector, module, spec)


@dataclass(frozen=True)
class Variable:
    """An environment variable that ``from_env()`` reads."""

    name: str
    description: str
    secret: bool
    required: bool


def variables(connector: Connector) -> tuple[Variable, ...]:
    """Every variable of the module's ``from_env()``: credentials, then properties."""
    found = [
        Variable(c.env_var, c.description, c.secret, not c.optional)
        for c in connector.credentials
    ]
    found += [
        Variable(
            p.env_var, p.description, p.sensitive, not p.optional and not p.has_default
        )
        for p in connector.properties
    ]
    return tuple(found)


Prompter = Callable[[Variable], str]


def terminal_prompt(variable: Variable) -> str:
    """Ask on the terminal: secrets without echo (getpass), the rest on stderr so
    that a piped stdout holds only the result."""
    label = variable.name + (
        f" ({variable.description})" if variable.description else ""
    )
    if variable.secret:
        return getpass.getpass(f"{label}: ")
    print(f"{label}: ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().rstrip("\r\n")


def resolve_environment(
    connector: Connector,
    environ: Mapping[str, str],
    *,
    interactive: bool,
    prompt: Prompter = terminal_prompt,
    skip: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """``environ`` plus a value for every required variable it lacks: asked for on a
    terminal, else a ``CommandError`` that names them all. ``skip`` names
    variables that are not needed (they are supplied some other way)."""
    values = dict(environ)
    missing = [
        v
        for v in variables(connector)
        if v.required and not values.get(v.name) and v.name not in skip
    ]
    if missing and not interactive:
        names = ", ".join(v.name for v in missing)
        raise CommandError(
            f"set {names} (the variables {connector.class_name}.from_env() reads); "
            "connectorc asks for them only when stdin is a terminal",
            EXIT_USAGE,
        )
    for variable in missing:
        try:
            answer = prompt(variable)
        except (EOFError, KeyboardInterrupt):
            raise CommandError(f"no value for {variable.name}", EXIT_USAGE) from None
        if not answer:
            raise CommandError(f"no value for {variable.name}", EXIT_USAGE)
        values[variable.name] = answer
    return values


def secret_values(connector: Connector, environ: Mapping[str, str]) -> list[str]:
    """The secrets among the values ``from_env()`` reads, to keep out of output."""
    return [
        environ[v.name]
        for v in variables(connector)
        if v.secret and environ.get(v.name)
    ]


def masked(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value (four characters or more) as ***."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def default_store(connector: Connector, environ: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/connectorc/<module>.json``, by default
    ``~/.config/connectorc/<module>.json`` (a relative XDG_CONFIG_HOME is ignored,
    as the XDG Base Directory specification says)."""
    config = environ.get("XDG_CONFIG_HOME", "")
    base = Path(config) if config and Path(config).is_absolute() else None
    if base is None:
        base = Path(environ.get("HOME") or Path.home()) / ".config"
    return base / "connectorc" / f"{connector.module_name}.json"


def prepare_store_folder(path: Path) -> None:
    """Create the store's folder (0700, only its owner may list it) if missing."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise CommandError(
            f"cannot create {path.parent}: {exc.strerror or exc}", EXIT_USAGE
        ) from None


def read_json_store(path: Path) -> dict[str, Any] | None:
    """A token file's JSON object, None when there is no file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CommandError(
            f"cannot read {path}: {exc.strerror or exc}", EXIT_AUTH
        ) from None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise CommandError(
            f"the token file {path} does not hold a token; run connectorc login again",
            EXIT_AUTH,
        )
    return data


def write_json_store(path: Path, data: Mapping[str, Any]) -> None:
    """Write ``data`` atomically with mode 0600: a temporary file (mkstemp makes it
    0600 before anything is in it) flushed to disk and renamed over the target."""
    prepare_store_folder(path)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(dict(data), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
