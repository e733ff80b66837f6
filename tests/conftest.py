"""Fixtures for every test: nothing may reach the network beyond this machine.

Servers that tests need (httpbin through pytest-httpbin, and later the OAuth servers)
listen on 127.0.0.1 in the test process. A test that would connect anywhere else, or
even look a host name up, fails with an OSError that says so, instead of passing or
failing by what happens on the internet that day.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

from tests.oauth2_fixtures import compile_spec_text, oauth2_server

__all__ = ["compile_spec_text", "oauth2_server"]

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


def _is_local(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard address
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _refuse(host: object) -> OSError:
    return OSError(f"tests may reach 127.0.0.1 only, not {host!r} (see conftest.py)")


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse connections and name lookups beyond the loopback interface."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(
            address[0]
        ):
            raise _refuse(address[0])

    def connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local(host):
            raise _refuse(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
