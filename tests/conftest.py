"""Shared fixtures: run the real CLI, copy the sample repository, build git repositories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
TODAY = "2026-11-24"


class CliResult:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code, self.out, self.err = proc.returncode, proc.stdout, proc.stderr

    @property
    def json(self):
        return json.loads(self.out)

    def rules(self) -> list[str]:
        return [f["rule"] for f in self.json["findings"]]

    def __repr__(self) -> str:
        return f"<exit {self.code}>\n{self.out}\n{self.err}"


def run_cli(*args, cwd=None, env=None, input=None) -> CliResult:
    """Run `pilotlint` as users do: a separate process, its exit code and output."""
    full_env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    # the checkout under test, whatever the working directory of the command
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "pilotlint", *map(str, args)], cwd=cwd, env=full_env,
                          capture_output=True, text=True, input=input, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return CliResult(proc)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def sample(tmp_path) -> Path:
    """A private copy of examples/ (the sample governance repository), without its signed
    approvals: tests start from charters nobody has approved yet and approve them (or
    not) themselves. tests/test_check_cli.py checks the shipped approvals."""
    target = tmp_path / "repo"
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns("approvals"))
    return target


def git(cwd, *args, env=None, check=True, input=None) -> str:
    """Run git with a fixed identity and clock unless the test sets its own."""
    base = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
            "GIT_AUTHOR_DATE": "2026-11-01T12:00:00+00:00", "GIT_COMMITTER_DATE": "2026-11-01T12:00:00+00:00",
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)}
    full = {**os.environ, **base, **(env or {})}
    proc = subprocess.run(["git", *args], cwd=cwd, env=full, capture_output=True, text=True, input=input)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout.strip()


# The sample's people and their (raw) author emails, and a pull-request author who is none of them.
EMAILS = {"oleg": "oleg@acme.example", "maria": "maria@acme.example", "anna": "anna@acme.example",
          "eve": "eve@evil.example", "tom": "tom@acme.example", "lena": "lena@acme.example"}


def keypair(tmp_path: Path, name: str) -> tuple[Path, str]:
    """A fresh ed25519 key (no passphrase): (private key file, public key line)."""
    key = tmp_path / f"key-{name}"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, Path(f"{key}.pub").read_text().strip()


def init_repo(path: Path) -> Path:
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "Initial governance repository")
    return path
