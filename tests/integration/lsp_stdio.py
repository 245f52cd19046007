"""A small language-server client over stdio: JSON-RPC with Content-Length framing.

Enough of the protocol to drive a real server (yaml-language-server) as an editor does:
requests and their responses, notifications, the server's own requests answered
(`workspace/configuration` from the settings given, registrations acknowledged), and
the diagnostics it publishes, kept by document URI.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path


class ServerError(Exception):
    pass


class StdioClient:
    def __init__(self, command: list[str], *, cwd: Path | None = None, settings: dict | None = None,
                 env: dict | None = None):
        self.settings = settings or {}
        self.proc = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self._next = 0
        self._version = 0
        self._responses: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self.diagnostics: dict[str, list] = {}
        self.versions: dict[str, int | None] = {}
        self._published = threading.Condition()
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    # -- framing -----------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        with self._lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self._close_all()
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            self._dispatch(json.loads(stream.read(length)))

    def _drain_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line.decode("utf-8", "replace"))

    def _close_all(self) -> None:
        for waiting in list(self._responses.values()):
            waiting.put({"error": {"message": "the server closed its output"}})

    def _dispatch(self, message: dict) -> None:
        if "id" in message and "method" not in message:  # a response to one of ours
            waiting = self._responses.pop(message["id"], None)
            if waiting is not None:
                waiting.put(message)
            return
        method = message.get("method")
        if "id" in message:  # the server asks us something
            result = None
            if method == "workspace/configuration":
                result = [self._setting(item.get("section")) for item in message["params"]["items"]]
            self._send({"id": message["id"], "result": result})
        elif method == "textDocument/publishDiagnostics":
            with self._published:
                self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
                self.versions[message["params"]["uri"]] = message["params"].get("version")
                self._published.notify_all()

    def _setting(self, section: str | None):
        if not section:
            return self.settings
        value = self.settings
        for part in section.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    # -- protocol ----------------------------------------------------------------------
    def request(self, method: str, params, timeout: float = 30):
        with self._lock:
            self._next += 1
            ident = self._next
        waiting: queue.Queue = queue.Queue()
        self._responses[ident] = waiting
        self._send({"id": ident, "method": method, "params": params})
        try:
            reply = waiting.get(timeout=timeout)
        except queue.Empty:
            raise ServerError(f"{method}: no answer in {timeout} s; stderr: {''.join(self.stderr)[-2000:]}") from None
        if "error" in reply:
            raise ServerError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result")

    def notify(self, method: str, params) -> None:
        self._send({"method": method, "params": params})

    def initialize(self, root: Path) -> dict:
        result = self.request("initialize", {
            "processId": None, "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": {
                "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}},
                "textDocument": {
                    "completion": {"completionItem": {"snippetSupport": True,
                                                      "documentationFormat": ["markdown", "plaintext"]}},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "publishDiagnostics": {"relatedInformation": True},
                    "synchronization": {"didSave": True},
                }},
            "initializationOptions": {}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})
        return result

    def open(self, path: Path, text: str, language: str = "yaml") -> str:
        uri = path.as_uri()
        with self._published:
            self.diagnostics.pop(uri, None)
        # a version never used before: yaml-language-server caches a parse by (uri, version)
        self._version += 1
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language,
                                                              "version": self._version, "text": text}})
        return uri

    def change(self, uri: str, text: str) -> int:
        """Replace the document's text (a full-text change); returns the new version."""
        self._version += 1
        with self._published:
            self.diagnostics.pop(uri, None)
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": self._version},
                                               "contentChanges": [{"text": text}]})
        return self._version

    def wait_diagnostics(self, uri: str, timeout: float = 30, version: int | None = None) -> list:
        """The diagnostics published for `uri` (for `version`, when the server names versions)."""
        deadline = time.monotonic() + timeout
        with self._published:
            while uri not in self.diagnostics or version is not None and self.versions.get(uri) not in (None, version):
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise ServerError(f"no diagnostics for {uri}; stderr: {''.join(self.stderr)[-2000:]}")
                self._published.wait(left)
            return self.diagnostics[uri]

    def close_document(self, uri: str) -> None:
        """Close a document and wait for the server to clear its diagnostics, so that a
        late clearing cannot be taken for the answer to the next open of the same file."""
        with self._published:
            self.diagnostics.pop(uri, None)
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        try:
            self.wait_diagnostics(uri, timeout=5)
        except ServerError:
            pass

    def completion(self, uri: str, line: int, character: int) -> list:
        result = self.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                           "position": {"line": line, "character": character}})
        return (result or {}).get("items", []) if isinstance(result, dict) else (result or [])

    def hover(self, uri: str, line: int, character: int) -> str:
        result = self.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                      "position": {"line": line, "character": character}})
        if not result:
            return ""
        contents = result["contents"]
        if isinstance(contents, dict):
            return contents.get("value", "")
        if isinstance(contents, list):
            return "\n".join(c if isinstance(c, str) else c.get("value", "") for c in contents)
        return contents

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except (ServerError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                try:
                    stream.close()
                except OSError:
                    pass
