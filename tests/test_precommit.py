"""The pre-commit hooks (.pre-commit-hooks.yaml), driven by the real `pre-commit` tool.

`pre-commit try-repo` installs pilotlint from a snapshot of this checkout into its own
environment (as users get it from `repo:`), inside a governance repository generated from
examples/, and runs the hooks the way `git commit` and `git push` do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, REPO, git
from integration.tools import python_tool

CHARTER = "pilots/outbound-drafts/charter.yaml"
NOTE = "pilots/outbound-drafts/notes/2026-W47.yaml"


def test_hook_definitions():
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    check = hooks["pilotlint"]
    assert check["entry"].split()[-1] == "--", "file names must follow `--`"
    assert check["language"] == "python" and check["pass_filenames"] is True
    assert re.search(check["files"], "pilots/a/charter.yaml") and re.search(check["files"], "x.yml")
    assert not re.search(check["files"], "README.md")
    gate = hooks["pilotlint-gate"]
    assert gate["stages"] == ["pre-push"] and gate["pass_filenames"] is False and gate["always_run"] is True
    assert gate["entry"] == "pilotlint gate"   # the base: upstream, or what a first push merges into


@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory):
    """The pre-commit executable, with a cache of its own for this module."""
    exe = python_tool("pre-commit")
    home = tmp_path_factory.mktemp("pre-commit-home")
    return exe, home


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """A committed snapshot of this checkout as it is on disk (what `repo:` would give).

    try-repo would take uncommitted changes of tracked files itself, but not new files;
    a snapshot takes both and gives one commit id, so pre-commit builds its environment once.
    """
    dest = tmp_path_factory.mktemp("hook-repo") / "pilotlint"
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "snapshot of the checkout under test")
    return dest, git(dest, "rev-parse", "HEAD")


@pytest.fixture
def governance(tmp_path) -> Path:
    """A governance repository generated from examples/, committed.

    The hooks judge dates by the real clock (pre-commit cannot pass `--today`), so the
    rules that only say "time has passed since 2026-11-24" are switched off here.
    """
    repo = tmp_path / "governance"
    shutil.copytree(EXAMPLES, repo)
    config = repo / ".pilotlint.yaml"
    config.write_text(config.read_text().replace(
        "  ignore: []", "  ignore: [PL503, PL603]   # the test runs on any date; these rules count days", 1))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "governance repository")
    return repo


def run_pre_commit(pre_commit, cwd: Path, *args) -> subprocess.CompletedProcess:
    exe, home = pre_commit
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PRE_COMMIT"))},
           "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([exe, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900,
                          stdin=subprocess.DEVNULL)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


def try_repo(pre_commit, hook_repo, cwd: Path, hook: str, *args) -> subprocess.CompletedProcess:
    path, sha = hook_repo
    return run_pre_commit(pre_commit, cwd, "try-repo", str(path), hook, "--ref", sha, *args)


def test_good_repository_passes(pre_commit, hook_repo, governance):
    proc = try_repo(pre_commit, hook_repo, governance, "pilotlint", "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"pilotlint check\.+Passed", proc.stdout), proc.stdout


def test_bad_charter_fails(pre_commit, hook_repo, governance):
    charter = governance / CHARTER
    charter.write_text(re.sub(r"^owner: oleg", "owner: [oleg, maria]", charter.read_text(), count=1, flags=re.M))
    git(governance, "add", CHARTER)
    proc = try_repo(pre_commit, hook_repo, governance, "pilotlint")  # the staged files, as at commit
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(r"pilotlint check\.+Failed", proc.stdout)
    assert f"{CHARTER}:" in proc.stdout and "PL101" in proc.stdout


def test_bad_note_is_caught_through_its_charter(pre_commit, hook_repo, governance):
    """Only the note is committed; its metric names are judged against the charter's scorecard."""
    note = governance / NOTE
    note.write_text(note.read_text().replace("  reply_rate: ", "  reply_rates: ", 1))
    git(governance, "add", NOTE)
    proc = try_repo(pre_commit, hook_repo, governance, "pilotlint")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "PL505" in proc.stdout and "reply_rates" in proc.stdout, proc.stdout
    assert "charter.yaml" not in subprocess.run(["git", "diff", "--cached", "--name-only"], cwd=governance,
                                               capture_output=True, text=True).stdout


def test_note_naming_a_pilot_without_charter(pre_commit, hook_repo, governance):
    note = governance / NOTE
    note.write_text(note.read_text().replace("pilot: outbound-drafts", "pilot: outbound-draft", 1))
    git(governance, "add", NOTE)
    proc = try_repo(pre_commit, hook_repo, governance, "pilotlint")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "PL006" in proc.stdout


def test_file_named_like_an_option_is_read_as_a_file(pre_commit, hook_repo, governance):
    """pre-commit appends `--config=x.yaml` with no `--` of its own: it must be a file."""
    odd = governance / "--config=x.yaml"
    odd.write_text("kind: Charter\npilot: outbound-drafts\n")  # our kind without apiVersion: PL003
    git(governance, "add", "--", odd.name)
    proc = try_repo(pre_commit, hook_repo, governance, "pilotlint")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "--config=x.yaml:" in proc.stdout and "PL003" in proc.stdout, proc.stdout
    assert "configuration file" not in proc.stdout


def test_yaml_that_is_not_a_pilot_document_is_left_alone(pre_commit, hook_repo, governance):
    workflow = governance / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("on: push\njobs:\n  x: {runs-on: ubuntu-latest, steps: [{run: 'true'}]}\n")
    git(governance, "add", "-A")
    proc = try_repo(pre_commit, hook_repo, governance, "pilotlint")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_options_through_the_entry(pre_commit, hook_repo, governance):
    """The documented way to pass options: override the entry, options before `--`."""
    path, sha = hook_repo
    (governance / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{
        "repo": str(path), "rev": sha,
        "hooks": [{"id": "pilotlint", "entry": "pilotlint check --today 2027-03-01 --"}]}]}))
    config = governance / ".pilotlint.yaml"
    config.write_text(config.read_text().replace("ignore: [PL503, PL603]", "ignore: [PL503]", 1))
    git(governance, "add", "-A")
    proc = run_pre_commit(pre_commit, governance, "run", "pilotlint", "--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "PL603" in proc.stdout  # the review of 2026-12-15 is overdue on 2027-03-01


@pytest.fixture
def pushed(governance, tmp_path) -> Path:
    """A clone of the governance repository whose branch tracks an upstream."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(governance), str(remote))
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(remote), str(work))
    git(work, "checkout", "-q", "-b", "nordics", "--track", "origin/main")
    return work


def test_pre_push_gate_blocks_an_unapproved_expansion(pre_commit, hook_repo, pushed):
    charter = pushed / CHARTER
    charter.write_text(charter.read_text().replace("regions: [DACH]", "regions: [DACH, Nordics]", 1))
    git(pushed, "commit", "-q", "-am", "Add the Nordics")
    proc = try_repo(pre_commit, hook_repo, pushed, "pilotlint-gate", "--hook-stage", "pre-push", "--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(r"pilotlint gate\.+Failed", proc.stdout)


def test_pre_push_gate_passes_a_neutral_change(pre_commit, hook_repo, pushed):
    note = pushed / NOTE
    note.write_text(note.read_text().replace("severity: low", "severity: medium", 1))
    git(pushed, "commit", "-q", "-am", "W47: a risk is medium")
    proc = try_repo(pre_commit, hook_repo, pushed, "pilotlint-gate", "--hook-stage", "pre-push", "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pre_push_gate_base_as_an_argument(pre_commit, hook_repo, pushed):
    """`args: [--base, REF]` overrides the upstream default (the last --base wins)."""
    path, sha = hook_repo
    git(pushed, "branch", "-q", "--unset-upstream")
    (pushed / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{
        "repo": str(path), "rev": sha,
        "hooks": [{"id": "pilotlint-gate", "args": ["--base", "origin/main"]}]}]}))
    git(pushed, "add", "-A")
    git(pushed, "commit", "-q", "-m", "hooks")
    proc = run_pre_commit(pre_commit, pushed, "run", "pilotlint-gate", "--hook-stage", "pre-push", "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture
def installed_hooks(pre_commit, hook_repo, governance, tmp_path) -> Path:
    """A clone of the governance repository with the gate installed as a real pre-push hook
    (`pre-commit install`), pushing to a bare remote."""
    remote = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(governance), str(remote))
    work = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(work))
    path, sha = hook_repo
    (work / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{
        "repo": str(path), "rev": sha, "hooks": [{"id": "pilotlint-gate"}]}]}))
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "hooks")
    git(work, "push", "-q", "origin", "main")
    proc = run_pre_commit(pre_commit, work, "install", "--hook-type", "pre-push")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return work


def _push(pre_commit, work: Path, *args) -> subprocess.CompletedProcess:
    exe, home = pre_commit
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PRE_COMMIT", "PYTHONPATH"))},
           "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never", "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(["git", "push", *args], cwd=work, env=env, capture_output=True, text=True, timeout=900)


def test_the_first_push_of_a_new_branch_is_gated_against_the_default_branch(pre_commit, installed_hooks):
    """`git push -u origin my-branch` with no upstream yet: gated, never refused for lack of one."""
    work = installed_hooks
    git(work, "checkout", "-q", "-b", "widen")
    charter = work / CHARTER
    charter.write_text(charter.read_text().replace("regions: [DACH]", "regions: [DACH, Nordics]", 1))
    git(work, "commit", "-q", "-am", "Add the Nordics")
    proc = _push(pre_commit, work, "-u", "origin", "widen")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "PL801" in output, output          # blocked by the gate itself
    assert "unknown ref" not in output and "@{upstream}" not in output
    assert "widen" not in git(work, "ls-remote", "--heads", "origin")


def test_the_first_push_of_a_harmless_branch_goes_through(pre_commit, installed_hooks):
    work = installed_hooks
    git(work, "checkout", "-q", "-b", "wording")
    note = work / NOTE
    note.write_text(note.read_text().replace("severity: low", "severity: medium", 1))
    git(work, "commit", "-q", "-am", "W47: a risk is medium")
    proc = _push(pre_commit, work, "-u", "origin", "wording")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "wording" in git(work, "ls-remote", "--heads", "origin")
