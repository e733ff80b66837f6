"""A real Redis for the tests: the `redis-server` program (Debian package
redis-server), started on a free loopback port with a temporary directory and no
persistence, and stopped at the end.

Without the program the tests that need it are skipped with the reason; under CI
(``CI=true``) they fail instead, so that CI cannot pass without running them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

__all__ = ["RedisServer", "redis_server", "require_redis_server", "running_redis"]


@dataclass
class RedisServer:
    """A redis-server process on 127.0.0.1; ``url`` reaches its database 0."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def require_redis_server() -> str:
    """The path of redis-server; skip (or, under CI, fail) the test without it."""
    path = shutil.which("redis-server")
    if path is None:
        reason = (
            "redis-server is not installed (Debian package redis-server; "
            "`make test` installs it when it runs as root)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: CI must run the Redis tests")
        pytest.skip(reason)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def running_redis() -> Iterator[RedisServer]:
    """A fresh redis-server until the block ends."""
    program = require_redis_server()
    with tempfile.TemporaryDirectory(prefix="connectorc-redis-") as directory:
        for _attempt in range(3):  # another program may take the free port first
            port = _free_port()
            process = subprocess.Popen(
                [
                    program,
                    "--port", str(port),
                    "--bind", "127.0.0.1",
                    "--save", "",
                    "--appendonly", "no",
                    "--dir", directory,
                    "--loglevel", "warning",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            server = RedisServer(port, process)
            deadline = time.monotonic() + 10
            while process.poll() is None and time.monotonic() < deadline:
                if _answers(port):
                    break
                time.sleep(0.02)
            if process.poll() is None and _answers(port):
                break
            server.stop()
        else:
            pytest.fail("redis-server did not start")
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A redis-server of its own for one test."""
    with running_redis() as server:
        yield server
