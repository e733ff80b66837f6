"""``connectorc call SPEC METHOD`` and ``connectorc methods SPEC``: try a method.

The client is the compiled module's own, built by its ``from_env()`` with the token
``connectorc login`` saved (OAuth 2 and Session: the module's ``FileTokenStore``, so
a refreshed or rotated token, or a new session token, is saved back; OAuth 1: the
token and secret from the file, given as the ``<MODULE>_TOKEN`` variables). Results
print as JSON: indented on a terminal, one line when piped; ``--all`` prints every
item of every page as JSON lines.
Errors print the status and the API's body with every known secret masked.
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO
from xml.etree import ElementTree

import httpx

from .live import (
    EXIT_AUTH,
    EXIT_HTTP,
    EXIT_NETWORK,
    EXIT_USAGE,
    CommandError,
    Live,
    Prompter,
    default_store,
    masked,
    prepare_store_folder,
    read_json_store,
    resolve_environment,
    secret_values,
    terminal_prompt,
)
from .model import Connector, Method, Parameter

__all__ = ["CallOptions", "call", "describe_methods", "find_method"]

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass
class CallOptions:
    """What ``call`` takes besides the spec and the method."""

    arguments: Sequence[str] = ()
    all_pages: bool = False
    store: Path | None = None
    environ: Mapping[str, str] = field(default_factory=dict)
    interactive: bool = False
    prompt: Prompter = terminal_prompt
    pretty: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)


def find_method(connector: Connector, name: str) -> Method:
    """A method by its Python name (``list_members``) or its spec Name."""
    for method in connector.methods:
        if name in (method.python_name, method.name):
            return method
    names = [m.python_name for m in connector.methods]
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    listed = ", ".join(names) or "none"
    raise CommandError(
        f"{connector.name} has no method {name!r}{hint} (its methods: {listed})",
        EXIT_USAGE,
    )


def parse_arguments(method: Method, given: Sequence[str]) -> dict[str, object]:
    """``name=value`` pairs as the method's keyword arguments, typed by DataType."""
    parameters = {str(p.python_name): p for p in method.parameters}
    values: dict[str, object] = {}
    for pair in given:
        name, equals, text = pair.partition("=")
        if not equals:
            raise CommandError(f"--arg {pair!r} is not name=value", EXIT_USAGE)
        parameter = parameters.get(name)
        if parameter is None:
            accepted = ", ".join(parameters) or "none"
            raise CommandError(
                f"{method.python_name} has no argument {name!r} (its arguments: "
                f"{accepted})",
                EXIT_USAGE,
            )
        if name in values:
            raise CommandError(f"--arg {name} is given twice", EXIT_USAGE)
        values[name] = _convert(parameter, text)
    missing = [
        name
        for name, p in parameters.items()
        if not p.optional and not p.has_default and name not in values
    ]
    if missing:
        wanted = " ".join(f"--arg {name}=..." for name in missing)
        raise CommandError(f"{method.python_name} needs {wanted}", EXIT_USAGE)
    return values


def _convert(parameter: Parameter, text: str) -> object:
    kind = parameter.data_type
    try:
        if kind == "Integer":
            return int(text)
        if kind == "Float":
            return float(text)
        if kind == "Decimal":
            return Decimal(text)
        if kind == "Boolean":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(text)
        if kind == "DateTime":
            if parameter.format is not None:
                return datetime.strptime(text, parameter.format)
            return datetime.fromisoformat(text)
        if kind == "File":
            # @path reads a file, as curl does; anything else is the content itself.
            if text.startswith("@"):
                return Path(text[1:]).read_bytes()
            return text.encode("utf-8")
    except (ValueError, InvalidOperation):
        raise CommandError(
            f"--arg {parameter.python_name}={text!r} is not a {_type_name(parameter)}",
            EXIT_USAGE,
        ) from None
    except OSError as exc:
        raise CommandError(
            f"cannot read {text[1:]} for --arg {parameter.python_name}: "
            f"{exc.strerror or exc}",
            EXIT_USAGE,
        ) from None
    return text


def _type_name(parameter: Parameter) -> str:
    if parameter.values:
        return " | ".join(repr(v) for v in parameter.values)
    if parameter.data_type == "DateTime":
        return f"datetime ({parameter.format or 'ISO 8601'})"
    if parameter.data_type == "File":
        return "bytes (@path reads a file)"
    return str(parameter.python_type)


def describe_methods(connector: Connector) -> str:
    """The methods with their arguments, types and where each goes."""
    lines: list[str] = []
    for method in connector.methods:
        paged = "  (paged: --all)" if method.paging is not None else ""
        lines.append(
            f"{method.python_name}  {method.http_method} {method.endpoint}{paged}"
        )
        if method.description:
            lines.append(f"    {method.description}")
        if method.auth_methods:
            lines.append(f"    only with --auth {' or '.join(method.auth_methods)}")
        for p in method.parameters:
            if p.has_default:
                need = f"default {p.default!r}"
            else:
                need = "optional" if p.optional else "required"
            where = f"{p.target_type} {p.target_name}"
            lines.append(
                f"    --arg {p.python_name}=<{_type_name(p)}>  {need}; {where}"
            )
        lines.append("")
    return "\n".join(lines)


def call(live: Live, method_name: str, options: CallOptions) -> int:
    """Run one method and print its result; returns the exit status."""
    connector = live.connector
    method = find_method(connector, method_name)
    if live.auth is not None and live.auth not in (method.auth_methods or [live.auth]):
        raise CommandError(
            f"{method.python_name} cannot be called with --auth {live.auth}; "
            f"use --auth {' or '.join(method.auth_methods)}",
            EXIT_USAGE,
        )
    arguments = parse_arguments(method, options.arguments)
    if options.all_pages and method.paging is None:
        raise CommandError(
            f"{method.python_name} is not paged; call it without --all", EXIT_USAGE
        )
    path = options.store or default_store(connector, options.environ)
    extra: dict[str, Any] = {}
    skip: frozenset[str] = frozenset()
    environ = dict(options.environ)
    secrets: list[str] = []
    if connector.auth.kind in ("OAuth2", "Session"):
        stored = read_json_store(path)
        if (
            stored is None
            and getattr(connector.auth, "grant", "") == "AuthorisationCode"
        ):
            raise CommandError(
                f"no token in {path}; run `connectorc login {live.path}` "
                "first (or pass its --store)",
                EXIT_AUTH,
            )
        secrets += _token_secrets(stored)
        prepare_store_folder(path)
        extra["token_store"] = live.module.FileTokenStore(path)
        # A token refreshed on the way is masked in errors too.
        extra["on_token"] = lambda token: secrets.extend(_token_secrets(token))
    elif connector.auth.kind == "OAuth1":
        optional = {
            c.python_name: c.env_var for c in connector.credentials if c.optional
        }
        skip = frozenset(optional.values())
        if not all(environ.get(v) for v in optional.values()):
            stored = read_json_store(path)
            if stored is None:
                raise CommandError(
                    f"no access token in {path}; run `connectorc login "
                    f"{live.path}` first (or set "
                    f"{' and '.join(optional.values())})",
                    EXIT_AUTH,
                )
            for name, variable in optional.items():
                value = stored.get(name)
                if isinstance(value, str):
                    environ[variable] = value
            secrets += _token_secrets(stored)
    environ = resolve_environment(
        connector,
        environ,
        interactive=options.interactive,
        prompt=options.prompt,
        skip=skip,
    )
    secrets += secret_values(connector, environ)
    try:
        client = live.client_class.from_env(environ, **extra)
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    except Exception as exc:  # a token file the module cannot read
        raise CommandError(masked(str(exc), secrets), EXIT_AUTH) from None
    with client:
        try:
            if options.all_pages:
                for item in getattr(client, method.iter_name)(**arguments):
                    _print_line(item, options.out)
            else:
                result = getattr(client, method.python_name)(**arguments)
                _print_result(result, method.response_format, options)
        except live.error_class as exc:
            body = masked(str(getattr(exc, "body", "")), secrets).strip()
            message = masked(str(exc), secrets)
            raise CommandError(
                message + (f"\n{body}" if body else ""), EXIT_HTTP
            ) from None
        except httpx.TransportError as exc:
            raise CommandError(
                f"could not reach the API: {type(exc).__name__}", EXIT_NETWORK
            ) from None
        except BrokenPipeError:
            raise  # the reader went away (`| head`): not the API's failure
        except (TypeError, ValueError) as exc:  # an argument the method refused
            raise CommandError(masked(str(exc), secrets), EXIT_USAGE) from None
        except Exception as exc:  # OAuth2Error, ReauthorizationRequired, LoginError,
            # HookAborted
            kind = type(exc).__name__
            status = (
                EXIT_AUTH
                if "OAuth" in kind or "Reauthorization" in kind or kind == "LoginError"
                else EXIT_HTTP
            )
            hint = ""
            if kind == "ReauthorizationRequired":
                hint = f"; run `connectorc login {live.path}` again"
            raise CommandError(
                f"{kind}: {masked(str(exc), secrets)}{hint}", status
            ) from None
    return 0


def _token_secrets(stored: Mapping[str, Any] | None) -> list[str]:
    if not stored:
        return []
    return [
        value
        for name, value in stored.items()
        if isinstance(value, str) and ("token" in name and name != "token_type")
    ]


def _print_line(item: Any, out: TextIO) -> None:
    out.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
    out.flush()


def _print_result(result: Any, response_format: str, options: CallOptions) -> None:
    out = options.out
    if isinstance(result, bytes):
        buffer = getattr(out, "buffer", None)
        if buffer is not None:
            out.flush()
            buffer.write(result)
            buffer.flush()
        else:
            out.write(result.decode("latin-1"))
        return
    if isinstance(result, ElementTree.Element):
        out.write(ElementTree.tostring(result, encoding="unicode") + "\n")
        return
    if isinstance(result, str) and response_format == "PlainText":
        out.write(result if result.endswith("\n") else result + "\n")
        return
    if options.pretty:
        text = json.dumps(result, ensure_ascii=False, indent=2, default=str)
    else:
        text = json.dumps(result, ensure_ascii=False, default=str)
    out.write(text + "\n")
