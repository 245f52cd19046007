"""`pilotlint diff` and `pilotlint log` on real repositories (controlled authors and dates)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, git, init_repo

CHARTER = "pilots/outbound-drafts/charter.yaml"
OLEG = {"GIT_AUTHOR_NAME": "Oleg Petrov", "GIT_AUTHOR_EMAIL": "oleg@acme.example"}
MARIA = {"GIT_AUTHOR_NAME": "Maria Chen", "GIT_AUTHOR_EMAIL": "maria@acme.example"}


def edit(repo: Path, path: str, old: str, new: str) -> None:
    target = repo / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def commit(repo: Path, message: str, env=None, date="2026-11-10T09:00:00+01:00") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message,
        env={**(env or {}), "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def history(sample) -> Path:
    init_repo(sample)
    edit(sample, CHARTER, "regions: [DACH]", "regions: [DACH, Nordics]")
    edit(sample, CHARTER, "monthly_cap: 2500", "monthly_cap: 2400")
    commit(sample, "Add the Nordics region\n\nThe W46 review said expand.", OLEG)
    return sample


# -- diff ----------------------------------------------------------------------------

def test_diff_json(history, cli):
    result = cli("diff", "HEAD~1", "--format", "json", cwd=history)
    assert result.code == 0, result
    data = result.json
    assert data["version"] == 1
    assert data["base"] == git(history, "rev-parse", "HEAD~1") and data["head"] == git(history, "rev-parse", "HEAD")
    got = [(c["pilot"], c["path"], c["field"], c["change"], c["class"], c["from"], c["to"]) for c in data["changes"]]
    assert got == [("outbound-drafts", CHARTER, "scope.regions", "added", "expansion", None, "Nordics"),
                   ("outbound-drafts", CHARTER, "budget.monthly_cap", "changed", "contraction", 2500, 2400)]


def test_diff_text_and_markdown(history, cli):
    text = cli("diff", "HEAD~1", "HEAD", cwd=history)
    assert text.code == 0 and "scope.regions" in text.out and "expansion" in text.out
    markdown = cli("diff", "HEAD~1", "--format", "markdown", cwd=history)
    assert markdown.code == 0 and "| outbound-drafts |" in markdown.out and "**expansion**" in markdown.out


def test_diff_reads_documents_from_git_not_the_work_tree(history, cli):
    edit(history, CHARTER, "channels: [email]", "channels: [email, phone]")
    result = cli("diff", "HEAD~1", "HEAD", "--format", "json", cwd=history)
    assert "scope.channels" not in {c["field"] for c in result.json["changes"]}
    assert cli("diff", "HEAD", "--format", "json", cwd=history).json["changes"] == []


def test_diff_of_a_ref_with_itself_is_empty(history, cli):
    assert cli("diff", "HEAD", "HEAD", "--format", "json", cwd=history).json["changes"] == []


@pytest.mark.parametrize("ref", ["--output=/tmp/pilotlint-evil-diff", "-p", "--no-index"])
def test_a_ref_that_looks_like_an_option_exits_2_and_writes_nothing(history, cli, ref):
    target = Path("/tmp/pilotlint-evil-diff")
    target.unlink(missing_ok=True)
    result = cli("diff", "--", ref, cwd=history)
    assert result.code == 2, result
    assert "may not begin with '-'" in result.err
    assert not target.exists()
    result = cli("diff", "HEAD", "--", ref, cwd=history)
    assert result.code == 2 and not target.exists()
    result = cli("check", "--new-since", ref, cwd=history)
    assert result.code == 2 and not target.exists()


def test_a_nonexistent_ref_exits_2(history, cli):
    result = cli("diff", "no-such-branch", cwd=history)
    assert result.code == 2 and "unknown ref 'no-such-branch'" in result.err


def test_outside_git_and_empty_repositories(tmp_path, cli):
    plain = tmp_path / "plain"
    plain.mkdir()
    result = cli("diff", "HEAD", cwd=plain)
    assert result.code == 2 and "not inside a git repository" in result.err
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    for args in (("diff", "HEAD"), ("log",)):
        result = cli(*args, cwd=empty)
        assert result.code == 2 and "no commits yet" in result.err, result


def test_a_shallow_clone_fails_closed(history, tmp_path, cli):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{history}", str(clone))
    for args in (("log",), ("diff", "HEAD~1"), ("check", "--new-since", "HEAD~1")):
        result = cli(*args, cwd=clone)
        assert result.code == 2, (args, result)
        assert "fetch-depth: 0" in result.err


# -- log -----------------------------------------------------------------------------

def test_log_entries_newest_first(history, cli):
    result = cli("log", "--format", "json", cwd=history)
    assert result.code == 0, result
    entries = result.json["entries"]
    assert [e["subject"] for e in entries] == ["Add the Nordics region", "Initial governance repository"]
    first = entries[0]
    assert first["author"] == {"name": "Oleg Petrov", "email": "oleg@acme.example"}
    assert first["date"] == "2026-11-10T09:00:00+01:00"
    assert first["signature"] == "none" and first["signer"] is None
    assert first["pilots"] == ["outbound-drafts"]
    assert [(c["field"], c["class"]) for c in first["changes"]] == [("scope.regions", "expansion"),
                                                                   ("budget.monthly_cap", "contraction")]
    assert first["effect"] == {"cost": "lower", "risk": "higher"}
    assert "The W46 review said expand." in first["message"]


def test_log_text_markdown_pilot_and_dates(history, cli):
    text = cli("log", cwd=history)
    assert text.code == 0 and "Oleg Petrov <oleg@acme.example>" in text.out and "scope.regions" in text.out
    assert "Why:     Add the Nordics region" in text.out
    markdown = cli("log", "outbound-drafts", "--format", "markdown", cwd=history)
    assert markdown.code == 0 and "Add the Nordics region" in markdown.out
    other = cli("log", "support-triage", "--format", "json", cwd=history).json["entries"]
    assert [e["subject"] for e in other] == ["Initial governance repository"]
    assert all(c["pilot"] == "support-triage" or c["path"] == ".pilotlint.yaml" for c in other[0]["changes"])
    assert any(c["path"] == ".pilotlint.yaml" for c in other[0]["changes"])  # the rules of every pilot
    since = cli("log", "--since", "2026-11-05", "--format", "json", cwd=history).json["entries"]
    assert [e["subject"] for e in since] == ["Add the Nordics region"]
    until = cli("log", "--until", "2026-11-05", "--format", "json", cwd=history).json["entries"]
    assert [e["subject"] for e in until] == ["Initial governance repository"]
    assert cli("log", "--since", "--all", cwd=history).code == 2


def test_log_reads_authors_raw_without_mailmap(history, cli):
    (history / ".mailmap").write_text("Oleg Petrov <oleg@acme.example> <mallory@evil.example>\n")
    commit(history, "mailmap")
    edit(history, CHARTER, "monthly_cap: 2400", "monthly_cap: 9000")
    commit(history, "Raise the cap", {"GIT_AUTHOR_NAME": "Mallory", "GIT_AUTHOR_EMAIL": "mallory@evil.example"})
    first = cli("log", "--format", "json", cwd=history).json["entries"][0]
    assert first["author"] == {"name": "Mallory", "email": "mallory@evil.example"}


def test_log_judges_the_approvals_added(history, cli):
    approve = cli("approve", "outbound-drafts", "--as", "oleg", "--today", "2026-11-11", cwd=history)
    if approve.code != 0:
        pytest.skip(f"approve is not available: {approve.err}")
    commit(history, "Oleg approves the Nordics charter", OLEG, date="2026-11-11T10:00:00+01:00")
    cli("approve", "outbound-drafts", "--as", "maria", "--today", "2026-11-12", cwd=history)
    commit(history, "Maria approves too", MARIA, date="2026-11-12T10:00:00+01:00")
    entries = cli("log", "--format", "json", cwd=history).json["entries"]
    by_subject = {e["subject"]: e for e in entries}
    (oleg,) = by_subject["Oleg approves the Nordics charter"]["approvals"]
    assert (oleg["pilot"], oleg["approver"], oleg["valid"], oleg["reason"]) == ("outbound-drafts", "oleg", True, None)
    (maria,) = by_subject["Maria approves too"]["approvals"]
    assert maria["approver"] == "maria" and maria["valid"] is False and "wrong person" in maria["reason"]
    text = cli("log", cwd=history).out
    assert "Approval: oleg for outbound-drafts (approve) — valid" in text


def test_log_text_cannot_inject_terminal_escapes(history, cli):
    edit(history, CHARTER, "use_case: Draft", "use_case: \"\\e[2J Draft\"\n#")
    commit(history, "Evil \x1b[31mred\x1b[0m subject", {"GIT_AUTHOR_NAME": "Eve \x1b[2J"})
    for fmt in ("text", "markdown"):
        out = cli("log", "--format", fmt, cwd=history).out
        assert "\x1b" not in out and "use_case" in out


# -- long histories ------------------------------------------------------------------

SMALL_CHARTER = """apiVersion: pilotlint/v1
kind: Charter
pilot: gen
status: active
use_case: Generated pilot
owner: oleg
scope: {{teams: [t{team}], regions: [DACH], channels: [email], human_review: required}}
budget: {{currency: USD, monthly_cap: {cap}}}
"""


def generate_history(root: Path, commits: int) -> Path:
    """`commits` commits, each changing the charter, by alternating authors (git fast-import)."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    lines = []
    authors = [("Oleg Petrov", "oleg@acme.example"), ("Maria Chen", "maria@acme.example"),
               ("Tom Berg", "tom@acme.example")]
    start = 1_790_000_000
    for i in range(commits):
        name, email = authors[i % 3]
        text = SMALL_CHARTER.format(cap=1000 + i, team=i // 500)
        message = f"Change {i}\n"
        when = start + i * 60
        lines.append("commit refs/heads/main")
        lines.append(f"mark :{i + 1}")
        lines.append(f"author {name} <{email}> {when} +0100")
        lines.append(f"committer {name} <{email}> {when} +0100")
        lines.append(f"data {len(message.encode())}")
        lines.append(message.rstrip("\n"))
        if i:
            lines.append(f"from :{i}")
        lines.append("M 100644 inline pilots/gen/charter.yaml")
        lines.append(f"data {len(text.encode())}")
        lines.append(text.rstrip("\n"))
        lines.append("")
    stream = "\n".join(lines) + "\n"
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=stream.encode(), check=True,
                   env={"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"})
    git(root, "reset", "-q", "--hard", "main")
    return root


def test_log_over_a_few_thousand_commits_shows_every_change_and_author(tmp_path, cli):
    repo = generate_history(tmp_path / "long", 2500)
    result = cli("log", "--format", "json", cwd=repo)
    assert result.code == 0, result.err
    entries = result.json["entries"]
    assert len(entries) == 2500
    emails = ["oleg@acme.example", "maria@acme.example", "tom@acme.example"]
    for n, entry in enumerate(entries):
        i = 2499 - n
        assert entry["subject"] == f"Change {i}"
        assert entry["author"]["email"] == emails[i % 3]
        assert entry["approvals"] == []
        if i:
            caps = [c for c in entry["changes"] if c["field"] == "budget.monthly_cap"]
            assert caps and (caps[0]["from"], caps[0]["to"], caps[0]["class"]) == (999 + i, 1000 + i, "expansion")
            if i % 500 == 0:
                assert {(c["field"], c["change"]) for c in entry["changes"]} >= {("scope.teams", "added"),
                                                                                 ("scope.teams", "removed")}
    assert entries[-1]["changes"][0]["change"] == "added"


MEASURE = r"""
import sys, tracemalloc, os
sys.path.insert(0, {repo!r})
os.chdir(sys.argv[1])
tracemalloc.start()
from pilotlint.cli import cli
try:
    cli.main(["log", "--format", "json", "--output", os.devnull], prog_name="pilotlint", standalone_mode=False)
except SystemExit:
    pass
print(tracemalloc.get_traced_memory()[1])
"""


def test_log_memory_does_not_grow_with_history(tmp_path):
    peaks = {}
    for commits in (1000, 4000):
        repo = generate_history(tmp_path / f"h{commits}", commits)
        proc = subprocess.run([sys.executable, "-c", MEASURE.format(repo=str(REPO)), str(repo)],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        peaks[commits] = int(proc.stdout.strip().splitlines()[-1])
    # four times the history, about the same peak (allow generous noise, never 4x)
    assert peaks[4000] < peaks[1000] * 1.5 + 2_000_000, peaks


def test_the_log_is_the_same_whether_a_worker_process_parses_or_not(tmp_path):
    """A long log is parsed in a second process while its entries are written: the same
    entries either way, whatever mix of added notes, changed notes and charter edits."""
    sys.path.insert(0, str(REPO / "bench"))
    from generate import add_history, generate

    repo = generate(tmp_path / "repo", 30, 4)      # 30 pilots, 180 files in the first commit
    add_history(repo, 400)                         # groups of 128 commits: the worker is used
    for n in range(5):
        edit(repo, f"pilots/pilot-{n:05d}/charter.yaml", "monthly_cap: 2500", f"monthly_cap: {2400 - n}")
        commit(repo, f"cap {n}", OLEG)

    def log(**env):
        proc = subprocess.run([sys.executable, "-m", "pilotlint", "log", "--format", "json"], cwd=repo,
                              capture_output=True, text=True, env={**__import__("os").environ, **env})
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    together, alone = log(), log(PILOTLINT_JOBS="1")
    assert together == alone
    entries = __import__("json").loads(together)["entries"]
    touching = int(git(repo, "rev-list", "--count", "HEAD", "--", "pilots", ".pilotlint.yaml"))
    assert len(entries) == touching > 400 and any(e["subject"] == "cap 4" for e in entries)
