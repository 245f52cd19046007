"""Rules and options that read git history: PL202 scope-freeze and `check --new-since`.

The catalogue examples of rules/history.yaml that carry a `git:` key run here (the plain
catalogue test skips them): the sample repository is committed first (dated 2026-09-30),
then the example's keys are committed with `git.date`, or left uncommitted with
`git.uncommitted: true`, and `pilotlint check` runs with the example's `today`.
"""

from __future__ import annotations

import pytest

from conftest import TODAY, git
from examples_runner import PILOT, apply_example
from pilotlint.catalogue import catalogue

BASE_DATE = "2026-09-30T10:00:00+02:00"
CHARTER = "pilots/outbound-drafts/charter.yaml"


def commit_all(repo, message, date, env=None):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message,
        env={**(env or {}), "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})


def history_examples():
    for info in catalogue().values():
        if info.family != "history":
            continue
        for kind in ("fail", "pass"):
            for n, example in enumerate(info.examples.get(kind) or []):
                yield pytest.param(info.id, kind, example, id=f"{info.id}-{kind}-{n}")


@pytest.mark.parametrize("rule_id,kind,example", list(history_examples()))
def test_history_catalogue_example(rule_id, kind, example, sample, cli):
    git(sample, "init", "-q", "-b", "main")
    commit_all(sample, "Initial governance repository", BASE_DATE)
    setup = example.get("git") or {}
    apply_example(sample, {k: v for k, v in example.items() if k not in ("git", "today", "args")})
    if setup and not setup.get("uncommitted"):
        commit_all(sample, example.get("description", "change"), setup.get("date", BASE_DATE))
    result = cli("check", "--format", "json", "--today", example.get("today", TODAY), *example.get("args", []),
                 cwd=sample)
    assert result.code in (0, 1), result
    hits = [f for f in result.json["findings"] if f["rule"] == rule_id]
    if kind == "fail":
        assert hits, f"{rule_id} expected for: {example.get('description')}\n{result.out}"
        assert all(f["pilot"] in (PILOT, None) for f in hits)
    else:
        assert not hits, f"{rule_id} not expected for: {example.get('description')}\n{result.out}"


@pytest.fixture
def frozen(sample):
    git(sample, "init", "-q", "-b", "main")
    commit_all(sample, "Initial governance repository", BASE_DATE)
    return sample


def widen(repo, date, env=None):
    path = repo / CHARTER
    path.write_text(path.read_text().replace("regions: [DACH]", "regions: [DACH, Nordics]"))
    commit_all(repo, "Add the Nordics region", date, env)


def pl202(result):
    return [f for f in result.json["findings"] if f["rule"] == "PL202"]


def test_a_commit_dated_inside_a_freeze_window_shows_pl202(frozen, cli):
    widen(frozen, "2026-10-05T10:00:00+02:00", {"GIT_AUTHOR_NAME": "Maria Chen",
                                                 "GIT_AUTHOR_EMAIL": "maria@acme.example"})
    result = cli("check", "--format", "json", "--today", TODAY, cwd=frozen)
    (finding,) = pl202(result)
    assert result.code == 1
    assert finding["path"] == CHARTER and finding["severity"] == "error"
    assert "dated 2026-10-05" in finding["message"] and "maria@acme.example" in finding["message"]
    assert "`scope.regions`" in finding["message"] and "2026-10-01..2026-10-14" in finding["message"]
    charter_lines = (frozen / CHARTER).read_text().splitlines()
    assert "from: 2026-10-01" in charter_lines[finding["line"] - 1]
    # the same commit without git, or dated after the window, is no finding
    assert pl202(cli("check", "--format", "json", "--no-git", "--today", TODAY, cwd=frozen)) == []
    # checking one file (the pre-commit case) still reads the history
    assert pl202(cli("check", CHARTER, "--format", "json", "--today", TODAY, cwd=frozen))


def test_a_commit_after_the_window_is_no_finding(frozen, cli):
    widen(frozen, "2026-10-15T00:30:00+02:00")
    assert pl202(cli("check", "--format", "json", "--today", TODAY, cwd=frozen)) == []


def test_uncommitted_change_during_a_freeze(frozen, cli):
    path = frozen / CHARTER
    path.write_text(path.read_text().replace("channels: [email]", "channels: [email, phone]"))
    inside = pl202(cli("check", "--format", "json", "--today", "2026-10-10", cwd=frozen))
    assert len(inside) == 1 and "`scope.channels`" in inside[0]["message"]
    assert "channels:" in path.read_text().splitlines()[inside[0]["line"] - 1]
    assert pl202(cli("check", "--format", "json", "--today", "2026-10-20", cwd=frozen)) == []
    git(frozen, "add", CHARTER)  # staged counts the same
    assert pl202(cli("check", "--format", "json", "--today", "2026-10-10", cwd=frozen))


# -- check --new-since ---------------------------------------------------------------

def test_new_since_reports_only_new_findings(frozen, cli):
    path = frozen / CHARTER
    path.write_text(path.read_text().replace("owner: oleg", "owner: [oleg, maria]"))
    commit_all(frozen, "Two owners", "2026-11-02T10:00:00+01:00")
    old = cli("check", "--format", "json", "--no-git", "--today", TODAY, cwd=frozen)
    assert "PL101" in old.rules()
    # a new problem, above the old one so that line numbers move
    text = path.read_text().replace("title: ", "title: \nx-note: moved lines\n# t: ", 1)
    text = text.replace("monthly_cap: 2500", "monthly_cap: 1000")
    path.write_text(text)
    both = cli("check", "--format", "json", "--no-git", "--today", TODAY, cwd=frozen)
    assert "PL101" in both.rules() and "PL402" in both.rules()
    new = cli("check", "--format", "json", "--no-git", "--today", TODAY, "--new-since", "HEAD", cwd=frozen)
    assert "PL101" not in new.rules() and "PL402" in new.rules()
    assert new.code == 1
    new_git = cli("check", "--format", "json", "--today", TODAY, "--new-since", "HEAD", cwd=frozen)
    assert "PL101" not in new_git.rules() and "PL402" in new_git.rules()
    # against the first commit, the two owners are new too
    first = cli("check", "--format", "json", "--no-git", "--today", TODAY, "--new-since", "HEAD~1", cwd=frozen)
    assert {"PL101", "PL402"} <= set(first.rules())


def test_new_since_of_one_file(frozen, cli):
    path = frozen / CHARTER
    path.write_text(path.read_text().replace("monthly_cap: 2500", "monthly_cap: 1000"))
    new = cli("check", CHARTER, "--format", "json", "--today", TODAY, "--new-since", "HEAD", cwd=frozen)
    assert "PL402" in new.rules()
    same = cli("check", "--format", "json", "--today", TODAY, "--new-since", "main", cwd=frozen)
    assert same.code == 1


def test_new_since_bad_refs(frozen, cli, tmp_path):
    target = tmp_path / "evil"
    result = cli("check", f"--new-since=--output={target}", cwd=frozen)
    assert result.code == 2 and not target.exists()
    assert cli("check", "--new-since", "no-such-ref", cwd=frozen).code == 2


# -- the one walk of history: literal paths for a few files, glob patterns for many ------------

@pytest.mark.parametrize("name", ["a*b", "c?d", "e[f]g", "h\\i", ":(top)j"])
def test_many_files_become_glob_patterns_that_miss_nothing_and_match_no_look_alike(tmp_path, name):
    from pilotlint.history.facts import History, _patterns
    from pilotlint.history.git import Repo

    repo = tmp_path / "r"
    # the charter's file name holds the special characters; its look-alikes sit beside it
    for folder in ("p1", "p2"):
        (repo / "pilots" / folder / "approvals").mkdir(parents=True, exist_ok=True)
        for stem in (name, "aXb", "cXd", "ef", "h", "xj"):
            (repo / "pilots" / folder / f"{stem}.yaml").write_text(f"v: {stem}\n")
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    commit_all(repo, "start", BASE_DATE)
    for stem in (name, "aXb", "h"):
        (repo / "pilots/p1" / f"{stem}.yaml").write_text(f"v: {stem}\nw: 2\n")
        (repo / "pilots/p1/approvals" / f"{stem}.yaml").write_text("x: 1\n")
        commit_all(repo, f"edit {stem}", "2026-10-01T10:00:00+02:00")
    files = [f"pilots/p1/{name}.yaml", f"pilots/p2/{name}.yaml", f"pilots/p1/approvals/{name}.yaml"]
    patterns = _patterns(files, ["pilots"], {files[2]})
    assert len(patterns) == 2 and ("pilots", "*", "approvals", "*") in patterns

    def facts(max_files):
        history = History(Repo.open(repo), git(repo, "rev-parse", "HEAD"), ["pilots"])
        history.MAX_FILES = max_files
        history.start(files, any_name=[files[2]])
        return history, {path: [(t.commit.subject, t.status) for t in history.touches(path)] for path in files}

    literal, by_path = facts(200)
    globbed, by_pattern = facts(0)
    assert literal._globs is None and len(globbed._globs) == 2 and "pilots/*/approvals/*" in globbed._globs
    assert by_pattern == by_path == {files[0]: [(f"edit {name}", "M"), ("start", "A")],
                                     files[1]: [("start", "A")], files[2]: [(f"edit {name}", "A")]}
    assert globbed.committed_oid(files[0]) == literal.committed_oid(files[0]) is not None
    with pytest.raises(KeyError):
        globbed.touches("pilots/p1/aXb.yaml")   # never asked for: not answered from a guess


def test_a_guess_from_the_first_files_is_kept_only_when_it_covers_every_file(tmp_path):
    from pilotlint.history.facts import History
    from pilotlint.history.git import Repo

    repo = tmp_path / "r"
    for path in ("pilots/a/charter.yaml", "pilots/b/charter.yaml", "pilots/c/deeper/charter.yaml"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text("v: 1\n")
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    commit_all(repo, "start", BASE_DATE)
    (repo / "pilots/c/deeper/charter.yaml").write_text("v: 2\n")
    commit_all(repo, "edit the deep one", "2026-10-01T10:00:00+02:00")
    head = git(repo, "rev-parse", "HEAD")

    def history(files):
        h = History(Repo.open(repo), head, ["pilots"])
        h.MAX_FILES = 0
        h.speculate(["pilots/a/charter.yaml"])       # the first files indexed
        guess = h._guess
        h.start(files)
        return h, guess

    kept, guess = history(["pilots/a/charter.yaml", "pilots/b/charter.yaml"])
    assert kept._walk is guess
    replaced, guess = history(["pilots/a/charter.yaml", "pilots/c/deeper/charter.yaml"])
    assert replaced._walk is not guess
    assert [t.commit.subject for t in replaced.touches("pilots/c/deeper/charter.yaml")] == \
        ["edit the deep one", "start"]


def test_a_repository_larger_than_one_read_is_checked_whole_with_its_history(tmp_path, cli):
    """The index reads 512 files at a time and starts git's walk after the first read."""
    import sys

    from conftest import REPO

    sys.path.insert(0, str(REPO / "bench"))
    from generate import add_history, generate

    repo = generate(tmp_path / "repo", 45, 12)   # 45 pilots x 14 files
    add_history(repo, 60)
    with_git = cli("check", "--today", "2026-11-24", "--format", "json", cwd=repo).json
    without = cli("check", "--no-git", "--today", "2026-11-24", "--format", "json", cwd=repo).json
    assert with_git["summary"]["files"] == without["summary"]["files"] == 45 * 14
    assert {f["rule"] for f in with_git["findings"]} - {f["rule"] for f in without["findings"]} == {"PL901"}
