"""Helpers for the gate's tests: real repositories, commits by the people of the sample.

The sample (examples/, without its approvals) is committed on `main` by oleg; a pull
request is a `pr` branch. `commit(..., who=PERSON)` authors a commit as that person (raw
author email from EMAILS); the committer is always eve, who controls her branch.
"""

from __future__ import annotations

from pathlib import Path

from conftest import EMAILS, TODAY, git, init_repo, run_cli
from examples_runner import apply_example

PILOT = "outbound-drafts"
CHARTER = f"pilots/{PILOT}/charter.yaml"
APPROVALS = f"pilots/{PILOT}/approvals"
NORDICS = {"charter": "scope: {regions: [DACH, Nordics]}"}


def commit(repo: Path, message: str, who: str = "eve", date: str = "2026-11-20T10:00:00+00:00",
           committer_date: str | None = None) -> str:
    env = {"GIT_AUTHOR_NAME": who, "GIT_AUTHOR_EMAIL": EMAILS.get(who, who), "GIT_AUTHOR_DATE": date,
           "GIT_COMMITTER_NAME": "eve", "GIT_COMMITTER_EMAIL": EMAILS["eve"],
           "GIT_COMMITTER_DATE": committer_date or date}
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, env=env)
    return git(repo, "rev-parse", "HEAD")


def make_repo(sample: Path, base: dict | None = None, *, base_commits=()) -> Path:
    """The sample (plus `base`) committed on main; then `base_commits` on main; `pr` checked out."""
    if base:
        apply_example(sample, base)
    init_repo(sample)
    for step in base_commits:
        step(sample)
    git(sample, "checkout", "-q", "-b", "pr")
    return sample


def approve(repo: Path, person: str, *args, who: str | None = None, today: str = TODAY,
            message: str | None = None) -> Path:
    """`pilotlint approve ARGS --as PERSON`, committed as `who` (default: the person)."""
    result = run_cli("approve", *args, "--as", person, "--today", today, cwd=repo)
    assert result.code == 0, result
    written = result.out.split()[1].rstrip(":")
    commit(repo, message or f"{person} approves", who=who or person)
    return repo / written


def gate(repo: Path, *args, today: str = TODAY, base: str = "main"):
    result = run_cli("gate", "--base", base, "--format", "json", "--today", today, *args, cwd=repo)
    assert result.code in (0, 1), result
    assert "internal error" not in result.err, result
    return result


def errors(result) -> set[str]:
    return {f["rule"] for f in result.json["findings"] if f["severity"] == "error"}


def message(result, rule: str) -> str:
    return " ".join(f["message"] for f in result.json["findings"] if f["rule"] == rule)
