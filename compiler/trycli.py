"""The subcommands that try a connector: ``login``, ``call`` and ``methods``.

Kept apart from cli.py so that the compiling commands and these stay independent;
cli.py adds these parsers and hands the parsed arguments here. The work is done in
login.py and call.py; this module turns arguments into options and failures into
one line on stderr and an exit status (README, "Trying a connector").
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .live import Live

__all__ = ["TRY_COMMANDS", "add_try_commands", "run_try_command"]

TRY_COMMANDS = ("login", "call", "methods")


def add_try_commands(commands: Any) -> None:
    """Add the three parsers to cli.py's subparsers."""
    store = argparse.ArgumentParser(add_help=False)
    store.add_argument(
        "--store",
        type=Path,
        metavar="PATH",
        help="the token file (default: $XDG_CONFIG_HOME/connectorc/<module>.json, "
        "else ~/.config/connectorc/<module>.json)",
    )
    store.add_argument(
        "--auth",
        metavar="NAME",
        help="the authentication method, when the spec lists several "
        "(default: the <MODULE>_AUTH variable)",
    )
    login_parser = commands.add_parser(
        "login",
        parents=[store],
        help="get a connector's first token (OAuth 2 or OAuth 1) and save it",
        description="Sign in through the browser (AuthorisationCode, OAuth 1) or "
        "fetch a token (ClientCredentials, PasswordCredentials), and save it with "
        "mode 0600. Credentials come from the variables the module's from_env() "
        "reads, or are asked for on a terminal.",
    )
    login_parser.add_argument("spec", type=Path, metavar="SPEC")
    login_parser.add_argument(
        "--port",
        type=_port,
        default=0,
        metavar="N",
        help="the loopback port of the redirect URI http://127.0.0.1:N/callback "
        "(default: any free port)",
    )
    login_parser.add_argument(
        "--no-browser",
        action="store_true",
        help="print the sign-in URL instead of opening a browser",
    )
    login_parser.add_argument(
        "--timeout",
        type=_seconds,
        default=300.0,
        metavar="SECONDS",
        help="how long to wait for the redirect (default: 300)",
    )
    call_parser = commands.add_parser(
        "call",
        parents=[store],
        help="call one method of a spec and print its JSON result",
    )
    call_parser.add_argument("spec", type=Path, metavar="SPEC")
    call_parser.add_argument(
        "method", metavar="METHOD", help="its Python name, as `methods` lists it"
    )
    call_parser.add_argument(
        "--arg",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an argument of the method (repeat for each)",
    )
    call_parser.add_argument(
        "--all",
        action="store_true",
        help="every item of every page, one JSON line each (paged methods)",
    )
    methods_parser = commands.add_parser(
        "methods", help="list a spec's methods and their arguments"
    )
    methods_parser.add_argument("spec", type=Path, metavar="SPEC")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535)")
    return port


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds")
    return seconds


def run_try_command(args: argparse.Namespace) -> int:
    """Run ``login``, ``call`` or ``methods``; returns the exit status."""
    # Imported here, not at the top: they bring httpx and the whole compiler, which
    # cli.py's parser does not need (a no-op generate stays cheap).
    from .call import CallOptions, call, describe_methods
    from .live import CommandError, pick_auth
    from .login import LoginOptions, login

    try:
        live = _live(args.spec)
        if args.command == "methods":
            sys.stdout.write(describe_methods(live.connector))
            return 0
        live = pick_auth(live, args.auth, os.environ)
        interactive = sys.stdin.isatty()
        if args.command == "login":
            login(
                live,
                LoginOptions(
                    store=args.store,
                    port=args.port,
                    browser=not args.no_browser,
                    timeout=args.timeout,
                    environ=os.environ,
                    interactive=interactive,
                    out=sys.stderr,
                ),
            )
            return 0
        return call(
            live,
            args.method,
            CallOptions(
                arguments=args.arg,
                all_pages=args.all,
                store=args.store,
                environ=os.environ,
                interactive=interactive,
                pretty=sys.stdout.isatty(),
                out=sys.stdout,
            ),
        )
    except CommandError as exc:
        print(f"connectorc: {exc}", file=sys.stderr)
        return exc.status
    except BrokenPipeError:
        # The reader of stdout went away (`call ... --all | head`): stop quietly, and
        # keep Python from complaining when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("connectorc: interrupted; nothing was saved", file=sys.stderr)
        return 130


def _live(spec: Path) -> Live:
    from .diagnostics import SpecError
    from .live import EXIT_SPEC, EXIT_USAGE, CommandError, load_live
    from .report import Reporter

    if not spec.is_file():
        raise CommandError(f"{spec} is not a file", EXIT_USAGE)
    try:
        return load_live(spec)
    except SpecError as exc:
        Reporter().diagnostics(exc.diagnostics)
        raise CommandError(
            f"{spec} has errors; fix them first (connectorc validate {spec})",
            EXIT_SPEC,
        ) from None
