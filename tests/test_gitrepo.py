"""pilotlint.history.git: the one module that runs git."""

from __future__ import annotations

import os

from pathlib import Path

import pytest

from conftest import git, init_repo
from pilotlint.history.git import Commit, GitError, OversizedBlob, Repo, open_quietly


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "r"
    (root / "pilots" / "a").mkdir(parents=True)
    (root / "pilots" / "a" / "charter.yaml").write_text("x: 1\n")
    (root / "README.md").write_text("hi\n")
    init_repo(root)
    return root


def commit_file(root: Path, path: str, text: str, message: str, *, email="test@example.com",
                name="Test", date="2026-11-02T12:00:00+01:00") -> str:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    git(root, "add", "--", path)
    env = {"GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    git(root, "commit", "-q", "-m", message, env=env)
    return git(root, "rev-parse", "HEAD")


def test_open_and_resolve(repo):
    r = Repo.open(repo / "pilots")
    assert r.root == repo.resolve()
    head = r.resolve("HEAD")
    assert len(head) == 40 and r.resolve("main") == head
    assert r.is_shallow() is False
    r.require_full_history(head)


@pytest.mark.parametrize("ref", ["--output=/tmp/pilotlint-x", "-n", "", "nope", "HEAD~5", "main\n--all"])
def test_bad_refs_are_refused(repo, ref):
    r = Repo.open(repo)
    with pytest.raises(GitError):
        r.resolve(ref)
    assert not Path("/tmp/pilotlint-x").exists()


def test_not_a_repository_and_no_commits(tmp_path):
    with pytest.raises(GitError, match="not inside a git repository"):
        Repo.open(tmp_path)
    assert open_quietly(tmp_path) is None
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    with pytest.raises(GitError, match="no commits"):
        Repo.open(empty)
    assert open_quietly(empty) is None


def test_open_quietly(repo):
    assert isinstance(open_quietly(repo), Repo)


def test_dubious_ownership_message(repo, monkeypatch):
    """Simulated: git's own message for a repository owned by someone else."""
    from pilotlint.history import git as gitrepo

    message = gitrepo._explain_open_failure(repo, "fatal: detected dubious ownership in repository at '/x'\n")
    assert "safe.directory" in message and str(repo) in message


def test_shallow_clone_fails_closed(repo, tmp_path):
    commit_file(repo, "pilots/a/charter.yaml", "x: 2\n", "second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    r = Repo.open(clone)
    assert r.is_shallow()
    with pytest.raises(GitError, match="fetch-depth: 0"):
        r.require_full_history(r.resolve("HEAD"))
    with pytest.raises(GitError, match="fetch-depth: 0"):
        r.resolve("HEAD~1")


def test_tree_read_and_blobs(repo):
    head = commit_file(repo, "pilots/a/-n odd name.yaml", "y: 1\n", "odd")
    (repo / "pilots" / "link.yaml").symlink_to("a/charter.yaml")
    git(repo, "add", "pilots/link.yaml")
    head = commit_file(repo, "pilots/:(glob)*.yaml", "z: 1\n", "pathspec magic in a name")
    r = Repo.open(repo)
    entries = {e.path: e.type for e in r.tree(head, ["pilots"])}
    assert entries == {"pilots/:(glob)*.yaml": "file", "pilots/a/-n odd name.yaml": "file",
                       "pilots/a/charter.yaml": "file", "pilots/link.yaml": "symlink"}
    assert r.read(head, "pilots/a/charter.yaml") == b"x: 1\n"
    assert r.read(head, "pilots/a/missing.yaml") is None
    assert r.read(head, "pilots/link.yaml") is None             # a link is not read as a file
    assert r.read(head, "pilots/:(glob)*.yaml") == b"z: 1\n"   # pathspecs are literal
    big = r.read(head, "pilots/a/charter.yaml", max_bytes=4)
    assert isinstance(big, OversizedBlob) and big.size == 5


def test_a_file_name_that_is_not_utf8_is_kept_exactly(repo):
    raw = b"pilots/a/n\xff\xfe.yaml"
    with open(os.fsdecode(bytes(repo) + b"/" + raw), "w") as handle:
        handle.write("x: 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "odd bytes")
    r = Repo.open(repo)
    (entry,) = [e for e in r.tree(r.head(), ["pilots"]) if e.path.endswith(".yaml") and "n" in e.path[9:]
                and e.path != "pilots/a/charter.yaml"]
    assert entry.path.encode("utf-8", "surrogateescape") == raw
    assert r.blobs().read(entry.oid) == b"x: 1\n"


def test_many_blobs_in_one_round_trip(tmp_path):
    root = tmp_path / "many"
    for i in range(2000):
        d = root / "pilots" / f"p{i % 50}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"n{i}.yaml").write_text(f"n: {i}\n" * 20)
    init_repo(root)
    r = Repo.open(root)
    entries = r.tree(r.resolve("HEAD"), ["pilots"])
    blobs = r.blobs().read_many([e.oid for e in entries])
    by_path = {e.path: blobs[e.oid] for e in entries}
    assert len(by_path) == 2000 and by_path["pilots/p3/n53.yaml"] == b"n: 53\n" * 20


def test_iter_commits_raw_identity_and_changes(repo):
    base = git(repo, "rev-parse", "HEAD")
    (repo / ".mailmap").write_text("Mallory <boss@acme.example> <mallory@evil.example>\n")
    git(repo, "add", ".mailmap")
    git(repo, "commit", "-q", "-m", "mailmap")
    head = commit_file(repo, "pilots/a/charter.yaml", "x: 3\n", "Raise x\n\nBecause.\nReally.",
                       email="mallory@evil.example", name="Mallory", date="2026-10-05T09:30:00+02:00")
    r = Repo.open(repo)
    commits = list(r.iter_commits(base, head, ["pilots"]))
    assert len(commits) == 1
    c = commits[0]
    assert isinstance(c, Commit)
    assert (c.author_name, c.author_email) == ("Mallory", "mallory@evil.example")
    assert c.author_date == "2026-10-05T09:30:00+02:00" and c.committer_date == "2026-10-05T09:30:00+02:00"
    assert c.subject == "Raise x" and c.body == "Because.\nReally."
    assert c.signature == "none" and c.signer is None
    assert [(f.status, f.path) for f in c.changes] == [("M", "pilots/a/charter.yaml")]
    assert c.parents and c.changes[0].old_oid and c.changes[0].new_oid
    assert r.blobs().read(c.changes[0].new_oid) == b"x: 3\n"
    everything = list(r.iter_commits(None, head))
    assert [x.subject for x in everything] == ["Raise x", "mailmap", "Initial governance repository"]
    with pytest.raises(GitError):
        list(r.iter_commits(None, "--output=/tmp/x"))


def test_iter_commits_since_until_and_added_in(repo):
    base = git(repo, "rev-parse", "HEAD")
    commit_file(repo, "pilots/a/n1.yaml", "a\n", "one", date="2026-11-03T10:00:00+00:00")
    commit_file(repo, "pilots/a/n2.yaml", "b\n", "two", date="2026-11-05T10:00:00+00:00")
    head = commit_file(repo, "pilots/a/n1.yaml", "c\n", "three", date="2026-11-07T10:00:00+00:00")
    r = Repo.open(repo)
    subjects = [c.subject for c in r.iter_commits(base, head, since="2026-11-04", until="2026-11-06")]
    assert subjects == ["two"]
    with pytest.raises(GitError):
        list(r.iter_commits(base, head, since="--all"))
    added = [c.subject for c in r.iter_commits(base, head, ["pilots/a/n1.yaml"], diff_filter="A")]
    assert added == ["one"]
    assert r.merge_base(base, head) == base
