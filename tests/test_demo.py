"""`pilotlint demo DIR`: the sample as a git repository of its own, its story as history.

The demo is made once per module by the real CLI in a subprocess; tests that change it
work on a copy. The story's steps (pilotlint/demo/story.yaml) are the spec the history
is compared with.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, REPO, TODAY, git, run_cli

STORY = yaml.safe_load((REPO / "pilotlint" / "demo" / "story.yaml").read_text(encoding="utf-8"))
CHARTER = "pilots/outbound-drafts/charter.yaml"
_SAMPLE_CONFIG = yaml.safe_load((EXAMPLES / ".pilotlint.yaml").read_text(encoding="utf-8"))
PEOPLE = {pid: (entry["name"], entry["email"]) for pid, entry in _SAMPLE_CONFIG["people"].items()}


def _steps_by_branch() -> dict[str, list[dict]]:
    """The story's commits, grouped by the branch they are made on (in order)."""
    branches, current = {"main": []}, "main"
    for step in STORY["steps"]:
        if "branch" in step:
            current = step["branch"]
            branches[current] = []
        elif "switch" in step:
            current = step["switch"]
        else:
            branches[current].append(step)
    return branches


STEPS = _steps_by_branch()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "acme-pilots"
    result = run_cli("demo", target, cwd=target.parent)
    assert result.code == 0, result
    assert "widen-nordics" in result.out and TODAY in result.out
    return target


@pytest.fixture
def demo_copy(demo, tmp_path) -> Path:
    copy = tmp_path / "acme-pilots"
    shutil.copytree(demo, copy, symlinks=True)
    return copy


def _history(repo: Path, ref: str) -> list[tuple[str, str, str, str, str, str, str]]:
    """(author name, email, date, committer name, email, date, subject) of `ref`'s commits, oldest first."""
    out = git(repo, "log", "--reverse", "--format=%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%s", ref)
    return [tuple(line.split("\0")) for line in out.splitlines()]


def _expected(step: dict) -> tuple[str, str, str, str, str, str, str]:
    name, email = PEOPLE[step["by"]]
    return name, email, step["at"], name, email, step["at"], step["message"].splitlines()[0]


# -- the history -------------------------------------------------------------------------

def test_demo_makes_main_and_the_two_widening_branches_and_leaves_main_checked_out(demo):
    branches = set(git(demo, "branch", "--format=%(refname:short)").split())
    assert branches == {"main", "widen-nordics", "widen-nordics-approved"}
    assert git(demo, "symbolic-ref", "--short", "HEAD") == "main"
    assert git(demo, "status", "--porcelain", "--untracked-files=all") == ""


def test_every_commit_is_made_by_its_person_on_its_day(demo):
    assert _history(demo, "main") == [_expected(step) for step in STEPS["main"]]
    widened = _history(demo, "widen-nordics")
    assert widened[:len(STEPS["main"])] == _history(demo, "main")
    assert widened[len(STEPS["main"]):] == [_expected(step) for step in STEPS["widen-nordics"]]
    approved = _history(demo, "widen-nordics-approved")
    assert approved[:-1] == widened
    assert approved[-1:] == [_expected(step) for step in STEPS["widen-nordics-approved"]]
    assert approved[-1][0] == "Oleg Petrov" and widened[-1][0] == "Maria Chen"


def test_the_story_has_each_decision_in_order(demo):
    subjects = [row[6] for row in _history(demo, "main")]
    people = [row[0] for row in _history(demo, "main")]
    wanted = ["Kickoff", "Freeze the scope", "Handoff audit", "Rollback drill", "Setup review: fix",
              "Add oleg's signing key"]
    found = [next(i for i, s in enumerate(subjects) if s.startswith(w)) for w in wanted]
    assert found == sorted(found), subjects
    assert sum(s.startswith("Weekly note 2026-W") for s in subjects) == 8
    assert {people[i] for i, s in enumerate(subjects) if s.startswith("Weekly note")} == {"Maria Chen"}
    assert people[subjects.index(next(s for s in subjects if s.startswith("Add oleg's signing key")))] == "Anna Holm"


def test_main_ends_as_the_sample_except_the_demo_key_and_its_own_approvals(demo):
    ours = {p.relative_to(demo).as_posix() for p in demo.rglob("*") if p.is_file() and ".git" not in p.parts}
    sample = {p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*") if p.is_file()}
    documents = {p for p in sample if "/approvals/" not in p and p != "README.md"}
    assert documents <= ours
    for path in sorted(documents - {".pilotlint.yaml"}):
        assert (demo / path).read_text(encoding="utf-8") == (EXAMPLES / path).read_text(encoding="utf-8"), path
    config, sample_config = ((root / ".pilotlint.yaml").read_text(encoding="utf-8").splitlines()
                             for root in (demo, EXAMPLES))
    differ = [(a, b) for a, b in zip(config, sample_config) if a != b]
    assert len(config) == len(sample_config) and len(differ) == 1 and "signing_key" in differ[0][0]
    assert {p for p in ours - documents} == {
        ".pilotlint/approvals/2026-09-21-anna.yaml", ".pilotlint/approvals/2026-11-16-anna.yaml",
        "pilots/outbound-drafts/approvals/2026-10-01-oleg.yaml",
        "pilots/outbound-drafts/approvals/2026-11-18-oleg.yaml",
        "pilots/support-triage/approvals/2026-11-19-oleg.yaml"}


def test_the_config_gets_the_owners_signing_key_before_his_signed_approval(demo):
    # every ed25519 public key begins so; the config's comment only shows "ssh-ed25519 AAAA..."
    key_commit = git(demo, "log", "--format=%H", "-S", "signing_key: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", "--",
                     ".pilotlint.yaml")
    signed_commit = git(demo, "log", "--format=%H", "-S", "BEGIN SSH SIGNATURE", "main", "--")
    assert len(key_commit.split()) == 1 and len(signed_commit.split()) == 1
    assert git(demo, "merge-base", "--is-ancestor", key_commit, signed_commit) == ""
    assert key_commit != signed_commit
    public = (demo / ".pilotlint.yaml").read_text(encoding="utf-8")
    assert "AAAAIKxqxe6XOuh0gNmLDbky4BrMOWVl0vRqxpDiXpbDAHE1" not in public  # not the sample's key: a fresh one


def test_no_private_key_is_in_any_commit(demo):
    found = git(demo, "grep", "-l", "PRIVATE KEY", *git(demo, "rev-list", "--all").split(), check=False)
    assert found == ""
    assert not any("PRIVATE KEY" in p.read_text(errors="replace") for p in demo.rglob("*") if p.is_file())


# -- the commands on it ------------------------------------------------------------------

def test_check_passes_on_the_storys_day(demo, cli):
    result = cli("check", "--today", TODAY, "--format", "json", cwd=demo)
    assert result.code == 0, result
    assert result.json["findings"] == [] and result.json["summary"]["files"] >= 16


def test_log_lists_every_decision_with_its_author_and_date(demo, cli):
    result = cli("log", "--format", "json", cwd=demo)
    assert result.code == 0, result
    entries = [(e["author"]["name"], e["author"]["email"], e["date"], e["subject"]) for e in result.json["entries"]]
    wanted = [_expected(step) for step in STEPS["main"]]
    assert entries == [(name, email, at, subject) for name, email, at, _, _, _, subject in reversed(wanted)]
    approvals = [a for e in result.json["entries"] for a in e["approvals"]]
    assert len(approvals) == 5 and all(a["valid"] for a in approvals)
    text = cli("log", cwd=demo).out
    assert text.count("Author:  Maria Chen <maria@acme.example>") == 9  # eight notes and the drill
    assert "Date:    2026-10-31T12:00:00+01:00" in text and "Approval: anna for the configuration" in text


def test_diff_shows_the_widening_as_expansions(demo, cli):
    result = cli("diff", "main", "widen-nordics", "--format", "json", cwd=demo)
    assert result.code == 0, result
    expansions = {(c["field"], c["change"], c["from"], c["to"]) for c in result.json["changes"]
                  if c["class"] == "expansion"}
    assert ("scope.regions", "added", None, "Nordics") in expansions
    assert ("scope.teams", "added", None, "sales-nordics") in expansions
    assert ("budget.monthly_cap", "changed", 2500, 3400) in expansions
    assert {c["path"] for c in result.json["changes"]} == {CHARTER}


def test_gate_blocks_the_widening_branch_for_want_of_the_owners_approval(demo, cli):
    result = cli("gate", "--base", "main", "--head", "widen-nordics", "--today", TODAY, "--format", "json", cwd=demo)
    assert result.code == 1, result
    errors = [f for f in result.json["findings"] if f["severity"] == "error"]
    assert "PL801" in {f["rule"] for f in errors}
    assert {f["path"] for f in errors} == {CHARTER}
    text = cli("gate", "--base", "main", "--head", "widen-nordics", "--today", TODAY, cwd=demo)
    assert text.code == 1 and "PL801" in text.out


def test_gate_passes_the_branch_where_the_owner_approved(demo, cli):
    result = cli("gate", "--base", "main", "--head", "widen-nordics-approved", "--today", TODAY, "--format", "json",
                 cwd=demo)
    assert result.code == 0, result
    assert not [f for f in result.json["findings"] if f["severity"] == "error"]
    added = git(demo, "diff", "--name-status", "widen-nordics", "widen-nordics-approved")
    assert added == "A\tpilots/outbound-drafts/approvals/2026-11-24-oleg.yaml"


def test_summary_decision_log_shows_the_storys_commits(demo, cli):
    result = cli("summary", "outbound-drafts", "--today", TODAY, cwd=demo)
    assert result.code == 0, result
    assert result.out.startswith("# outbound-drafts: AI first drafts for outbound sales emails")
    log = result.out.split("## Decision log (git)", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1:4] for line in log.splitlines() if re.match(r"\| 20\d\d-", line)]
    story = {(step["at"][:10], PEOPLE[step["by"]][0], step["message"].splitlines()[0]) for step in STEPS["main"]}
    assert rows and all((d.strip(), who.strip(), what.strip()) in story for d, who, what in rows), rows


def test_the_signed_approval_verifies_against_the_committed_key(demo_copy, cli):
    config = demo_copy / ".pilotlint.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("require_signed: false", "require_signed: true"),
                      encoding="utf-8")
    result = cli("check", "--today", TODAY, "--format", "json", cwd=demo_copy)
    unapproved = {f["path"] for f in result.json["findings"] if f["rule"] == "PL901"}
    # support-triage's approval is proven by its author only; outbound's signed one still counts
    assert unapproved == {"pilots/support-triage/charter.yaml"}, result


# -- the folder and the user's git -----------------------------------------------------

def test_demo_refuses_a_folder_that_is_not_empty(tmp_path, cli):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me\n")
    result = cli("demo", target, cwd=tmp_path)
    assert result.code == 2
    assert "not empty" in result.err and str(target) in result.err
    assert [p.name for p in target.iterdir()] == ["notes.txt"] and (target / "notes.txt").read_text() == "keep me\n"


@pytest.mark.parametrize("case", ["a file", "no parent"])
def test_demo_refuses_a_path_it_cannot_use(tmp_path, cli, case):
    target = tmp_path / "x"
    if case == "a file":
        target.write_text("")
    else:
        target = tmp_path / "missing" / "x"
    result = cli("demo", target, cwd=tmp_path)
    assert result.code == 2 and result.err.startswith("pilotlint: error: "), result
    assert sorted(p.name for p in tmp_path.iterdir()) == (["x"] if case == "a file" else [])


def test_demo_uses_an_empty_folder_and_writes_nothing_outside_it(tmp_path, cli):
    target, temp, home = tmp_path / "empty", tmp_path / "tmp", tmp_path / "home"
    for folder in (target, temp, home):
        folder.mkdir()
    result = cli("demo", target, cwd=tmp_path, env={"TMPDIR": str(temp), "HOME": str(home)})
    assert result.code == 0, result
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "home", "tmp"]
    assert list(temp.iterdir()) == [] and list(home.iterdir()) == []   # the key's folder is gone
    assert git(target, "rev-list", "--count", "main") == str(len(STEPS["main"]))


def test_demo_ignores_the_users_git_configuration_hooks_and_signing(tmp_path, cli):
    home, hooks, elsewhere = tmp_path / "home", tmp_path / "hooks", tmp_path / "elsewhere"
    for folder in (home, hooks, hooks / "template" / "hooks"):
        folder.mkdir(parents=True)
    marker = tmp_path / "a-hook-ran"
    hook = f"#!/bin/sh\necho ran >> {marker}\nexit 1\n"
    for name in ("pre-commit", "commit-msg", "post-commit", "post-checkout"):
        for where in (hooks, hooks / "template" / "hooks"):
            (where / name).write_text(hook)
            (where / name).chmod(0o755)
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Someone Else\n\temail = someone@else.example\n"
        "[commit]\n\tgpgsign = true\n[gpg]\n\tprogram = false\n\tformat = openpgp\n"
        f"[core]\n\thooksPath = {hooks}\n[init]\n\tdefaultBranch = trunk\n\ttemplateDir = {hooks / 'template'}\n"
        "[alias]\n\tcommit = !false\n")
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
           "GIT_DIR": str(elsewhere), "GIT_WORK_TREE": str(elsewhere), "GIT_AUTHOR_NAME": "Someone Else"}
    target = tmp_path / "acme"
    result = cli("demo", target, cwd=tmp_path, env=env)
    assert result.code == 0, result
    assert not marker.exists() and not elsewhere.exists()
    assert not (target / ".git" / "hooks").exists()
    assert git(target, "branch", "--format=%(refname:short)").split()[0] == "main"
    assert set(git(target, "log", "--all", "--format=%an").split("\n")) == {"Anna Holm", "Oleg Petrov", "Maria Chen"}
    assert set(git(target, "log", "--all", "--format=%G?").split()) == {"N"}  # no commit signed


def test_demo_leaves_nothing_behind_when_it_cannot_finish(tmp_path):
    # a PATH with git but without ssh-keygen: the signed approval cannot be made
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git"))
    target = tmp_path / "acme"
    env = {**os.environ, "PATH": str(bin_dir), "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "pilotlint", "demo", str(target)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "ssh-keygen" in proc.stderr and "Traceback" not in proc.stderr
    assert not target.exists()


# -- the story as data ---------------------------------------------------------------------

def test_an_edit_that_no_longer_applies_is_a_clear_error_not_a_silent_change():
    from pilotlint.demo import DemoError, apply_edits

    assert apply_edits("a: 1\nfreeze:\n  - x\n\nb: 2\n", [{"drop": "freeze"}], {}, "f.yaml") == "a: 1\nb: 2\n"
    assert apply_edits("cap: 1\n", [{"replace": "cap: 1", "with": "cap: @K@"}], {"@K@": "2"}, "f.yaml") == "cap: 2\n"
    with pytest.raises(DemoError, match="does not apply"):
        apply_edits("cap: 1\n", [{"replace": "cap: 9", "with": "cap: 2"}], {}, "f.yaml")
    with pytest.raises(DemoError, match="0 such blocks"):
        apply_edits("cap: 1\n", [{"drop": "freeze"}], {}, "f.yaml")


def test_examples_readme_tells_the_story_the_demo_replays():
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    table = readme.split("## The story as git history", 1)[1].split("\n## ", 1)[0]
    rows = {(cells[1].strip(), cells[2].strip()) for cells in (line.split("|") for line in table.splitlines())
            if len(cells) > 3 and re.match(r" 2026-", cells[1])}
    for step in STEPS["main"]:
        if step["message"].startswith("Weekly note"):
            continue  # one row for all eight
        assert (step["at"][:10], step["by"]) in rows, step["message"]
    assert ("2026-10-02 … 2026-11-20", "maria") in rows
    assert "deliberately absent" not in readme and "widen-nordics-approved" in readme
