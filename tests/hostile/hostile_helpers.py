"""Helpers for the hostile suite: run the CLI in a child with bounded memory and time.

Not a test module (pytest collects `test_*.py` only); the hostile tests import it by
name because pytest puts this folder on `sys.path` (there is no `__init__.py`).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conftest import REPO, TODAY

MEMORY_LIMIT = 1 << 30          # RLIMIT_AS of the child: 1 GiB of address space
NOTES = "pilots/outbound-drafts/notes"


class Bounded:
    """A finished child: exit code, output, wall time and peak resident memory (MiB)."""

    def __init__(self, code: int, out: str, err: str, seconds: float, maxrss_mib: float):
        self.code, self.out, self.err, self.seconds, self.maxrss_mib = code, out, err, seconds, maxrss_mib

    @property
    def json(self):
        return json.loads(self.out)

    def findings(self, path: str | None = None) -> list[dict]:
        return [f for f in self.json["findings"] if path is None or f["path"] == path]

    def __repr__(self) -> str:
        return (f"<exit {self.code} in {self.seconds:.2f}s, {self.maxrss_mib:.0f} MiB>\n"
                f"{self.out[-3000:]}\n{self.err[-3000:]}")


def _limit() -> None:  # runs in the child between fork and exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_bounded(*args, cwd=None, env=None, timeout: float = 60) -> Bounded:
    """`python -m pilotlint ARGS` under RLIMIT_AS = 1 GiB, its peak RSS measured with wait4.

    Asserts what every hostile case must hold: no traceback, no internal error, no
    crash by signal, and an end within `timeout` seconds.
    """
    full_env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    full_env.update(env or {})
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "pilotlint", *map(str, args)], cwd=cwd, env=full_env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err, preexec_fn=_limit)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > timeout:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise AssertionError(f"pilotlint {' '.join(map(str, args))} did not end within {timeout}s")
            time.sleep(0.01)
        proc.returncode = 0  # reaped by wait4; keep Popen from waiting again
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if os.WIFSIGNALED(status):
        raise AssertionError(f"pilotlint was killed by signal {signal.Signals(os.WTERMSIG(status)).name}:\n{stderr}")
    result = Bounded(os.WEXITSTATUS(status), stdout, stderr, seconds, usage.ru_maxrss / 1024)
    assert "Traceback" not in stderr, result
    assert "internal error" not in stderr, result
    return result


def check_json(repo: Path, *extra, **kwargs) -> Bounded:
    return run_bounded("check", repo, "--today", TODAY, "--format", "json", *extra, **kwargs)


def write_note(repo: Path, name: str, content: bytes | str) -> str:
    """A file among the sample's notes (under the configured paths, so it is ours)."""
    path = repo / NOTES / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return f"{NOTES}/{name}"


NOTE_HEAD = "apiVersion: pilotlint/v1\nkind: WeeklyNote\npilot: outbound-drafts\n"
