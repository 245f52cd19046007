"""Nothing pilotlint writes or runs can be pointed elsewhere (issue 18).

The surfaces other than the gate, attacked with what a pull request can commit or what a
repository someone else set up can hold: symbolic links where pilotlint writes, a
`.git/config` that names programs, paths to FIFOs and devices where it reads, and
suppressions whose expiry is not a date. Each case ends in a clear message with exit 1
or 2, never a traceback; nothing is written outside the repository, and no configured
program runs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, TODAY, git, init_repo, keypair, run_cli
from gate_helpers import APPROVALS, PILOT, commit, make_repo

NOTES = f"pilots/{PILOT}/notes"


@pytest.fixture
def outside(tmp_path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


def _nothing_in(folder: Path) -> bool:
    return not any(folder.iterdir())


# -- writers ----------------------------------------------------------------------------------

def test_approve_does_not_write_through_a_linked_approvals_folder(sample, outside):
    (sample / APPROVALS).symlink_to(outside, target_is_directory=True)
    result = run_cli("approve", PILOT, "--as", "oleg", "--today", TODAY, cwd=sample)
    assert result.code == 2 and "symbolic link" in result.err, result
    assert _nothing_in(outside)


def test_approve_config_does_not_write_through_a_linked_folder(sample, outside):
    (sample / ".pilotlint").symlink_to(outside, target_is_directory=True)
    result = run_cli("approve", "--config", "--as", "anna", "--today", TODAY, cwd=sample)
    assert result.code == 2 and "symbolic link" in result.err, result
    assert _nothing_in(outside)


def test_init_does_not_write_through_a_linked_notes_folder(sample, outside):
    folder = sample / "pilots/new-pilot"
    folder.mkdir()
    (folder / "notes").symlink_to(outside, target_is_directory=True)
    result = run_cli("init", "new-pilot", "--today", TODAY, cwd=sample)
    assert result.code == 2 and "symbolic link" in result.err, result
    assert _nothing_in(outside) and not (folder / "charter.yaml").exists()   # all or nothing


def test_note_does_not_write_through_a_linked_notes_folder(sample, outside):
    notes = sample / NOTES
    for file in notes.iterdir():
        file.rename(sample / f"pilots/{PILOT}" / file.name)  # keep the notes, as loose files
    notes.rmdir()
    notes.symlink_to(outside, target_is_directory=True)
    result = run_cli("note", PILOT, "--today", "2026-12-01", cwd=sample)
    assert result.code in (1, 2) and "symbolic link" in (result.err + result.out), result
    assert _nothing_in(outside)


@pytest.mark.parametrize("command", [("check", "--format", "json"), ("summary", PILOT), ("status",)])
@pytest.mark.parametrize("link", ["existing", "dangling"])
def test_an_output_file_that_is_a_committed_link_is_refused(sample, outside, command, link):
    repo = init_repo(sample)
    target = outside / "victim.txt"
    if link == "existing":
        target.write_text("precious\n")
    (repo / "report.json").symlink_to(target)
    result = run_cli(*command, "--no-git", "--today", TODAY, "--output", "report.json", cwd=repo)
    assert result.code == 2 and "symbolic link" in result.err, result
    if link == "existing":
        assert target.read_text() == "precious\n"
    else:
        assert not target.exists()


def test_an_output_in_a_linked_folder_of_the_repository_is_refused(sample, outside):
    repo = init_repo(sample)
    (repo / "out").symlink_to(outside, target_is_directory=True)
    result = run_cli("check", "--no-git", "--today", TODAY, "--output", "out/report.txt", cwd=repo)
    assert result.code == 2 and "symbolic link" in result.err
    assert _nothing_in(outside)


def test_an_output_outside_the_repository_is_the_users_own(sample, tmp_path):
    repo = init_repo(sample)
    result = run_cli("check", "--no-git", "--today", TODAY, "--output", "/dev/null", cwd=repo)
    assert result.code == 0, result
    path = tmp_path / "reports" / "check.txt"
    assert run_cli("check", "--no-git", "--today", TODAY, "--output", path, cwd=repo).code == 0
    assert "All checks passed" in path.read_text()


def test_the_actions_sarif_file_is_not_written_through_a_committed_link(sample, outside, tmp_path):
    repo = make_repo(sample)
    victim = outside / "sarif-victim"
    victim.write_text("precious\n")
    (repo / "pilotlint.sarif").symlink_to(victim)
    commit(repo, "a link named like the report")
    env = {"INPUT_BASE": "main", "INPUT_SARIF_FILE": "pilotlint.sarif", "INPUT_TODAY": TODAY,
           "GITHUB_OUTPUT": str(tmp_path / "out.txt"), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    proc = subprocess.run([sys.executable, "-m", "pilotlint.action_entry"], cwd=repo, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO), **env})
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 2 and "symbolic link" in proc.stdout, proc.stdout + proc.stderr
    assert victim.read_text() == "precious\n"


# -- git runs no program the repository configures ----------------------------------------------

@pytest.fixture
def trapped(sample, tmp_path):
    """The sample in a repository whose .git/config names a program for everything that
    could run one; the program leaves a mark. History holds an SSH-signed commit, and a
    `.gitattributes` asks for a clean filter, so that `%G?` and index refreshes would run them."""
    mark = tmp_path / "ran"
    program = tmp_path / "program.sh"
    program.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {mark}\ncat\n")
    program.chmod(0o755)
    key, pub = keypair(tmp_path, "oleg")
    config = sample / ".pilotlint.yaml"
    config.write_text(re.sub(r'signing_key: "[^"]+"', f'signing_key: "{pub}"', config.read_text(), count=1))
    repo = init_repo(sample)
    (repo / "pilots/.gitattributes").write_text("*.yaml filter=trap diff=trap\n")
    notes = repo / NOTES
    (notes / "2026-W48.yaml").write_text((notes / "2026-W47.yaml").read_text().replace("2026-W47", "2026-W48"))
    git(repo, "add", "-A")
    git(repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "commit", "-q", "-S", "-m", "signed",
        env={"GIT_COMMITTER_EMAIL": "oleg@acme.example", "GIT_AUTHOR_EMAIL": "oleg@acme.example"})
    for key_name in ("gpg.program", "gpg.ssh.program", "gpg.x509.program", "core.fsmonitor", "diff.external",
                     "filter.trap.clean", "filter.trap.smudge", "filter.trap.process", "diff.trap.command",
                     "diff.trap.textconv", "core.pager", "core.sshCommand", "core.askPass", "credential.helper"):
        git(repo, "config", key_name, str(program))
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "log.showSignature", "true")
    # a change in the work tree while a freeze is on: check compares it with HEAD
    charter = repo / f"pilots/{PILOT}/charter.yaml"
    charter.write_text(charter.read_text().replace("regions: [DACH]", "regions: [DACH, Nordics]"))
    return repo, mark


@pytest.mark.parametrize("command", [("check",), ("log",), ("status",), ("summary", PILOT), ("diff", "HEAD~1"),
                                     ("gate", "--base", "HEAD~1"), ("site", "SITE")])
def test_no_program_named_by_the_repositorys_config_runs(trapped, command, tmp_path):
    repo, mark = trapped
    args = [a if a != "SITE" else str(tmp_path / "site") for a in command]
    today = ["--today", "2026-10-05"] if command[0] in ("check", "status", "summary", "gate", "site") else []
    result = run_cli(*args, *today, cwd=repo)
    assert result.code in (0, 1), result
    assert not mark.exists(), mark.read_text()


def test_the_log_still_says_which_commits_are_signed_with_the_standard_tools(trapped):
    repo, mark = trapped
    result = run_cli("log", "--format", "json", cwd=repo)
    entry = json.loads(result.out)["entries"][0]
    assert entry["subject"] == "signed" and entry["signature"] == "good", entry  # oleg's key in the config
    assert entry["signer"] == "oleg@acme.example"
    assert not mark.exists()


# -- reads: regular files only, inside the repository, within the limit ------------------------

@pytest.mark.parametrize("extra, words", [("/dev/zero", "not a file inside the repository"),
                                          ("policies/fifo.yaml", "not a regular file"),
                                          ("policies/zero.yaml", "not a regular file"),
                                          ("policies/big.yaml", "above the limit"),
                                          ("../outside.yaml", "not a file inside the repository")])
def test_a_policy_file_that_is_not_a_regular_file_inside_the_repository_is_a_config_error(sample, extra, words):
    os.mkfifo(sample / "policies/fifo.yaml")
    (sample / "policies/zero.yaml").symlink_to("/dev/zero")
    (sample / "policies/big.yaml").write_text("x: " + "a" * 2_000_000 + "\n")
    (sample.parent / "outside.yaml").write_text("secret-outside-content: 1\n")
    config = sample / ".pilotlint.yaml"
    config.write_text(config.read_text().replace("extra: [policies/acme.yaml]", f"extra: [{extra}]"))
    result = run_cli("check", "--no-git", "--today", TODAY, cwd=sample)
    assert result.code == 2 and words in result.err, result
    assert "secret-outside-content" not in result.err + result.out


def test_a_fifo_given_as_a_path_does_not_hang(sample):
    fifo = sample / NOTES / "2026-W49.yaml"
    os.mkfifo(fifo)
    result = run_cli("check", "--no-git", "--today", TODAY, "--format", "json", fifo, cwd=sample)
    assert result.code == 1 and "PL013" in result.rules()


# -- suppressions: an expiry that is not a date silences nothing --------------------------------

@pytest.mark.parametrize("until", ["2020-1-1", "2020/01/01", "20200101", '"2020-01-01"', "2026-02-30", "soon"])
def test_a_malformed_until_is_PL010_and_silences_nothing(sample, until):
    charter = sample / f"pilots/{PILOT}/charter.yaml"
    text = charter.read_text().replace("  human_review: required",
                                       f"  human_review: sampled  # pilotlint: disable=PL203 reason=\"test\" "
                                       f"until={until}", 1)
    charter.write_text(text)
    result = run_cli("check", "--no-git", "--today", TODAY, "--format", "json", cwd=sample)
    rules = result.rules()
    assert "PL203" in rules and "PL010" in rules, result
    assert "not a date" in " ".join(f["message"] for f in result.json["findings"] if f["rule"] == "PL010")


def test_a_real_until_is_compared_as_a_date(sample):
    charter = sample / f"pilots/{PILOT}/charter.yaml"
    text = charter.read_text().replace("  human_review: required",
                                       "  human_review: sampled  # pilotlint: disable=PL203 reason=\"test\" "
                                       "until=2026-11-24", 1)
    charter.write_text(text)
    on_the_day = run_cli("check", "--no-git", "--today", "2026-11-24", "--format", "json", cwd=sample)
    assert "PL203" not in on_the_day.rules()
    after = run_cli("check", "--no-git", "--today", "2026-11-25", "--format", "json", cwd=sample)
    assert {"PL203", "PL010"} <= set(after.rules())
