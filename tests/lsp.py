"""A minimal Language Server Protocol client: enough to open a file in the real
``yaml-language-server`` over stdio and read the diagnostics it publishes.

JSON-RPC 2.0 messages framed by ``Content-Length`` headers (LSP base protocol). The
server may ask the client things (``workspace/configuration``, capability
registration); each gets a plain answer so that it carries on.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from tests.support import ROOT

__all__ = ["SERVER", "LanguageServer", "node_problem"]

SERVER = (
    ROOT
    / ".tools"
    / "node_modules"
    / "yaml-language-server"
    / "bin"
    / "yaml-language-server"
)

NPM_FAILED = Path(".tools") / "npm-ci.failed"

# What the client tells the server about the settings of its "yaml" section.
YAML_SETTINGS: dict[str, Any] = {
    "validate": True,
    "hover": True,
    "completion": True,
    "schemaStore": {"enable": False},  # no network: only the modeline's schema
}


def node_problem(root: Path = ROOT) -> str | None:
    """Why the language server cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed: the yaml-language-server test needs Node.js 20+"
    server = root / SERVER.relative_to(ROOT)
    if server.exists():
        return None
    failed = root / NPM_FAILED
    if failed.exists():  # written by `make lsp` when `npm ci` failed
        text = failed.read_text(errors="replace")
        lines = [line for line in text.splitlines() if not line.startswith("make")]
        lines = [line for line in lines if line.strip()] or ["?"]
        return (
            f"`npm ci` failed in .tools (no npm registry?), so "
            f"{SERVER.relative_to(ROOT)} is missing: {lines[-1].strip()[:200]}"
        )
    return (
        f"{SERVER.relative_to(ROOT)} is missing: run `make lsp` "
        "(make test does it when npm is installed)"
    )


class LanguageServer:
    """``yaml-language-server --stdio`` in a child process."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            ["node", str(SERVER), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=root,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self._next_id = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "capabilities": {
                    "workspace": {"configuration": True},
                    "textDocument": {"publishDiagnostics": {}},
                },
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            },
        )
        self.notify("initialized", {})
        self.notify(
            "workspace/didChangeConfiguration", {"settings": {"yaml": YAML_SETTINGS}}
        )

    # -- wire ------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message = json.loads(stream.read(length))
            if "method" in message and "id" in message:
                self._answer(message)
            else:
                self.messages.put(message)

    def _answer(self, message: dict[str, Any]) -> None:
        """Reply to a request from the server."""
        result: Any = None
        if message["method"] == "workspace/configuration":
            items = message["params"]["items"]
            result = [
                YAML_SETTINGS if item.get("section") == "yaml" else None
                for item in items
            ]
        self._send({"id": message["id"], "result": result})

    # -- requests and notifications ---------------------------------------------------

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 30) -> Any:
        self._next_id += 1
        ident = self._next_id
        self._send({"id": ident, "method": method, "params": params})
        message = self._wait(lambda m: m.get("id") == ident, timeout)
        if "error" in message:
            raise RuntimeError(f"{method}: {message['error']}")
        return message.get("result")

    def _wait(self, wanted: Any, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the language server did not answer in time")
            message = self.messages.get(timeout=remaining)
            if wanted(message):
                return message

    def diagnostics(self, path: Path, timeout: float = 30) -> list[dict[str, Any]]:
        """Open ``path`` and return the diagnostics published for it.

        The server may publish more than once (an empty list first, before the schema
        is loaded); this waits until a publication has settled for a moment.
        """
        uri = path.resolve().as_uri()
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "yaml",
                    "version": 1,
                    "text": path.read_text(encoding="utf-8"),
                }
            },
        )
        latest: list[dict[str, Any]] | None = None
        deadline = time.monotonic() + timeout
        settle = 1.5
        while time.monotonic() < deadline:
            try:
                message = self._wait(
                    lambda m: (
                        m.get("method") == "textDocument/publishDiagnostics"
                        and m["params"]["uri"] == uri
                    ),
                    settle if latest is not None else deadline - time.monotonic(),
                )
            except (TimeoutError, queue.Empty):
                if latest is not None:
                    return latest
                raise
            latest = message["params"]["diagnostics"]
        if latest is None:
            raise TimeoutError(f"no diagnostics for {path}")
        return latest

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=5)
            self.notify("exit", None)
            self.process.wait(timeout=5)
        except Exception:
            self.process.kill()
            self.process.wait()
        finally:
            for stream in (
                self.process.stdin,
                self.process.stdout,
                self.process.stderr,
            ):
                if stream is not None:
                    stream.close()
