"""``connectorc login SPEC``: get a connector's first token and keep it.

Every step goes through the compiled module's own API; nothing here speaks OAuth:

- OAuth 2 AuthorisationCode: ``authorization_url()`` with a loopback redirect URI
  (RFC 8252 7.3), the user's browser, ``fetch_token()`` with the redirect (it checks
  the state and sends the PKCE verifier), then ``FileTokenStore.save()``.
- OAuth 2 ClientCredentials, PasswordCredentials and JwtBearer: the client's
  ``fetch_token()`` gets a token from the token endpoint; it is saved the same way.
- Session: the client's ``login()`` posts the credentials to the login URL; the
  session token is saved the same way (``connectorc call`` then uses it until it
  expires, and logs in again by itself).
- OAuth 1.0a: ``fetch_request_token()`` with the loopback URI as the callback,
  ``authorization_url()``, ``fetch_access_token()`` with the verifier; the access
  token and its secret are saved as JSON.

The token is saved only once the exchange succeeded, atomically and with mode 0600:
a timeout, a denied consent, a state mismatch or a stray request saves nothing.
"""

from __future__ import annotations

import contextlib
import hmac
import sys
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx

from .live import (
    EXIT_AUTH,
    EXIT_NETWORK,
    EXIT_USAGE,
    CommandError,
    Live,
    Prompter,
    default_store,
    masked,
    prepare_store_folder,
    resolve_environment,
    secret_values,
    terminal_prompt,
    write_json_store,
)
from .loopback import Listener

__all__ = ["LoginOptions", "login"]

Opener = Callable[[str], object]


@dataclass
class LoginOptions:
    """What ``login`` takes besides the spec; tests replace the browser and prompts."""

    store: Path | None = None
    port: int = 0
    browser: bool = True
    timeout: float = 300.0
    environ: Mapping[str, str] = field(default_factory=dict)
    interactive: bool = False
    prompt: Prompter = terminal_prompt
    opener: Opener = webbrowser.open
    out: TextIO = field(default_factory=lambda: sys.stderr)


def login(live: Live, options: LoginOptions) -> Path:
    """Run the connector's login; returns where the token was saved."""
    connector = live.connector
    auth = connector.auth
    path = options.store or default_store(connector, options.environ)
    if auth.kind not in ("OAuth1", "OAuth2", "Session"):
        raise CommandError(
            f"{connector.name} uses AuthType {auth.kind}: there is no token to get; "
            f"{connector.class_name}.from_env() reads its credentials from the "
            "environment",
            EXIT_USAGE,
        )
    # OAuth 1's token and secret are what login gets: not asked for.
    skip = frozenset(c.env_var for c in connector.credentials if c.optional)
    environ = resolve_environment(
        connector,
        options.environ,
        interactive=options.interactive,
        prompt=options.prompt,
        skip=skip,
    )
    try:
        if auth.kind == "OAuth1":
            _oauth1(live, environ, path, options)
        else:
            if getattr(auth, "grant", "") == "AuthorisationCode":
                token = _authorisation_code(live, environ, options)
            else:
                token = _first_token(live, environ)
            prepare_store_folder(path)
            live.module.FileTokenStore(path).save(token)
    except CommandError:
        raise
    except Exception as exc:  # a hook that aborted, a file that cannot be written
        text = masked(str(exc), secret_values(connector, environ))
        raise CommandError(
            f"login failed: {type(exc).__name__}: {text}; nothing was saved", EXIT_AUTH
        ) from None
    print(f"logged in to {connector.name}; token saved to {path}", file=options.out)
    return path


def _client(live: Live, environ: Mapping[str, str], **extra: Any) -> Any:
    try:
        return live.client_class.from_env(environ, **extra)
    except ValueError as exc:  # a value from_env() could not use (a bad number, ...)
        raise CommandError(str(exc), EXIT_USAGE) from None


def _send_user(url: str, options: LoginOptions) -> None:
    """Open the browser at ``url`` (or only print it with --no-browser)."""
    if not options.browser:
        print(
            f"Open this URL in a browser to sign in:\n\n    {url}\n", file=options.out
        )
        return
    print(
        f"Opening the sign-in page in your browser. If it does not open, visit:\n\n"
        f"    {url}\n",
        file=options.out,
    )
    options.opener(url)


def _oauth2_verdict(state: str) -> Callable[[Mapping[str, str]], tuple[bool, str]]:
    def verdict(query: Mapping[str, str]) -> tuple[bool, str]:
        if not hmac.compare_digest(query.get("state", "").encode(), state.encode()):
            return False, "The sign-in failed: the state does not match this login."
        if "error" in query:
            return False, f"The sign-in was refused ({query['error']})."
        return True, ""

    return verdict


def _authorisation_code(
    live: Live, environ: Mapping[str, str], options: LoginOptions
) -> Any:
    module = live.module
    with _client(live, environ, token_store=module.MemoryTokenStore()) as client:
        pending: list[str] = []
        listener = Listener(
            port=options.port,
            timeout=options.timeout,
            verdict=lambda query: _oauth2_verdict("".join(pending[:1]))(query),
        )
        with listener:
            request = client.authorization_url(listener.redirect_uri)
            pending.append(request.state)
            _send_user(request.url, options)
            redirect = listener.wait()
        try:
            return client.fetch_token(redirect)
        except module.StateMismatchError:
            raise CommandError(
                "the redirect's state is not the one this login sent (a forged or "
                "stale redirect); no code was exchanged and nothing was saved",
                EXIT_AUTH,
            ) from None
        except module.OAuth2Error as exc:
            raise _refused(exc) from None
        except httpx.TransportError as exc:
            raise _unreachable(exc) from None


def _first_token(live: Live, environ: Mapping[str, str]) -> Any:
    """A token got without a browser: an OAuth 2 ClientCredentials,
    PasswordCredentials or JwtBearer token (the client's ``fetch_token()``), or a
    Session token (its ``login()``)."""
    module = live.module
    session = live.connector.auth.kind == "Session"
    refusals = (module.LoginError if session else module.OAuth2Error,)
    with _client(live, environ, token_store=module.MemoryTokenStore()) as client:
        try:
            return client.login() if session else client.fetch_token()
        except refusals as exc:
            raise _refused(exc) from None
        except httpx.TransportError as exc:
            raise _unreachable(exc) from None


def _oauth1(
    live: Live, environ: Mapping[str, str], path: Path, options: LoginOptions
) -> None:
    with _client(live, environ) as client:
        pending: list[str] = []
        listener = Listener(
            port=options.port,
            timeout=options.timeout,
            verdict=lambda query: _oauth1_verdict(query, "".join(pending[:1]))[:2],
        )
        try:
            with listener:
                request_token = client.fetch_request_token(listener.redirect_uri)
                pending.append(request_token.token)
                _send_user(client.authorization_url(), options)
                redirect = listener.wait()
            ok, _, problem = _oauth1_verdict(httpx.URL(redirect).params, pending[0])
            if not ok:
                raise CommandError(f"{problem}; nothing was saved", EXIT_AUTH)
            verifier = httpx.URL(redirect).params["oauth_verifier"]
            access = client.fetch_access_token(verifier=verifier)
        except live.error_class as exc:
            raise CommandError(f"the provider refused: {exc}", EXIT_AUTH) from None
        except httpx.TransportError as exc:
            raise _unreachable(exc) from None
    write_json_store(path, {"token": access.token, "token_secret": access.token_secret})


def _oauth1_verdict(query: Mapping[str, str], token: str) -> tuple[bool, str, str]:
    """(succeeded, what the browser shows, what the terminal shows) for an OAuth 1
    callback. RFC 5849 has no error response; authlib's providers (and others) send
    ``error=access_denied`` when the user says no."""
    if "error" in query:
        return (
            False,
            f"The sign-in was refused ({query['error']}).",
            f"the sign-in was denied at the provider ({query['error']})",
        )
    sent = query.get("oauth_token", "")
    if not hmac.compare_digest(sent.encode(), token.encode()):
        return (
            False,
            "The sign-in failed: the token does not match this login.",
            "the redirect's oauth_token is not the request token this login got "
            "(a forged or stale redirect)",
        )
    if not query.get("oauth_verifier"):
        return (
            False,
            "The sign-in failed: no verifier came back.",
            "the redirect carries no oauth_verifier",
        )
    return True, "", ""


def _refused(exc: Exception) -> CommandError:
    error = getattr(exc, "error", None)
    if error == "access_denied":
        return CommandError(
            "the sign-in was denied at the authorization server (access_denied); "
            "nothing was saved",
            EXIT_AUTH,
        )
    return CommandError(f"{exc}; nothing was saved", EXIT_AUTH)


def _unreachable(exc: httpx.TransportError) -> CommandError:
    where = ""
    with contextlib.suppress(RuntimeError):
        where = f" {exc.request.url.copy_with(query=None)}"
    return CommandError(f"could not reach{where}: {type(exc).__name__}", EXIT_NETWORK)
