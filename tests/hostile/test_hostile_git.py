"""SPEC §9 for the commands that read git: refs that look like options or do not exist,
a depth-1 clone, a repository without commits, one owned by another user, and a pull
request with 10,000 findings (every output stays within GitHub's limits)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import TODAY, git, init_repo
from hostile_helpers import NOTE_HEAD, NOTES, run_bounded

GITHUB_SUMMARY_LIMIT = 1024 * 1024


@pytest.fixture
def repo(sample):
    init_repo(sample)
    git(sample, "commit", "-q", "--allow-empty", "-m", "second")
    return sample


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One repository for the tests that only read it (refs are refused before any work)."""
    from conftest import EXAMPLES

    repo = tmp_path_factory.mktemp("refs") / "repo"
    shutil.copytree(EXAMPLES, repo)
    init_repo(repo)
    git(repo, "commit", "-q", "--allow-empty", "-m", "second")
    return repo


OPTION_REFS = ["--output=OUT", "-oOUT", "--"]


def ref_commands(ref: str) -> list[list[str]]:
    """Every place a ref is taken; `--opt=REF` and `-- REF` so that click passes it on."""
    return [["gate", f"--base={ref}"], ["gate", "--base", "HEAD~1", f"--head={ref}"], ["diff", "--", ref],
            ["diff", "HEAD~1", "--", ref], ["check", f"--new-since={ref}"]]


@pytest.mark.parametrize("ref", OPTION_REFS)
def test_a_ref_that_begins_with_a_dash_is_refused_and_writes_nothing(shared, tmp_path, ref):
    repo = shared
    out = tmp_path / "written"
    ref = ref.replace("OUT", str(out))
    for args in ref_commands(ref):
        result = run_bounded(*args, cwd=repo)
        assert result.code == 2, (args, result)
        assert "pilotlint: error:" in result.err, (args, result)
        assert not out.exists(), args
    assert run_bounded("log", f"--since={ref}", cwd=repo).code == 2
    assert not out.exists()


@pytest.mark.parametrize("ref", ["no-such-branch", "0" * 40, "main^{tree}", "a..b"])
def test_a_ref_that_names_no_commit_exits_2_naming_it(shared, ref):
    repo = shared
    for args in ref_commands(ref):
        result = run_bounded(*args, cwd=repo)
        assert result.code == 2, (args, result)
        assert "pilotlint: error:" in result.err and "ref" in result.err, (args, result)


def test_a_depth_1_clone_fails_closed_naming_fetch_depth_0(repo, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    for args in (("gate", "--base", "main"), ("gate", "--base", "HEAD~1"), ("log",), ("diff", "HEAD~1")):
        result = run_bounded(*args, "--format", "json", cwd=clone) if args[0] == "gate" else run_bounded(*args, cwd=clone)
        assert result.code == 2, (args, result)
        assert "fetch-depth: 0" in result.err, (args, result)
        assert result.out.strip() == "", (args, result)  # never a verdict from a cut-off history


def test_a_repository_with_no_commits_exits_2(sample):
    git(sample, "init", "-q", "-b", "main")
    for args in (("gate", "--base", "main"), ("diff", "main"), ("log",), ("check", "--new-since", "HEAD")):
        result = run_bounded(*args, cwd=sample)
        assert result.code == 2, (args, result)
        assert "no commits" in result.err, (args, result)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the repository to another user")
def test_a_repository_owned_by_another_user_exits_2_naming_safe_directory(repo, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    subprocess.run(["chown", "-R", "12345:12345", str(repo)], check=True)
    env = {"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "XDG_CONFIG_HOME": str(home)}
    try:
        for args in (("gate", "--base", "HEAD~1"), ("diff", "HEAD~1"), ("log",), ("check", "--new-since", "HEAD")):
            result = run_bounded(*args, cwd=repo, env=env)
            assert result.code == 2, (args, result)
            assert "safe.directory" in result.err and "dubious ownership" in result.err, (args, result)
        # a plain check still lints the files, and says that the history checks were skipped
        plain = run_bounded("check", "--today", "2026-11-24", cwd=repo, env=env)
        assert plain.code in (0, 1) and "safe.directory" in plain.err and "skipped" in plain.err, plain
    finally:
        subprocess.run(["chown", "-R", f"{os.getuid()}:{os.getgid()}", str(repo)], check=True)


# -- 10,000 findings ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def noisy(tmp_path_factory):
    """A pull request whose one note has 10,000 unknown keys carrying hostile text."""
    from conftest import EXAMPLES

    repo = tmp_path_factory.mktemp("noisy") / "repo"
    shutil.copytree(EXAMPLES, repo)
    init_repo(repo)
    git(repo, "checkout", "-q", "-b", "pr")
    keys = "".join(f'"x{i} %0A::error::pwned | # heading <img src=x> @everyone": 1\n' for i in range(10_000))
    (repo / NOTES / "2026-W48.yaml").write_text(NOTE_HEAD + "week: 2026-W48\n" + keys)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "noisy note")
    return repo


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_10000_findings_stay_within_every_formats_limits(noisy, fmt, tmp_path):
    summary = tmp_path / "summary.md"
    result = run_bounded("gate", "--base", "main", "--today", TODAY, "--format", fmt, "--summary", summary, cwd=noisy)
    assert result.code == 1, result
    assert result.seconds < 30 and result.maxrss_mib < 300, result
    text = result.out
    if fmt == "json":
        data = json.loads(text)
        assert data["verdict"] == "blocked" and len(data["findings"]) >= 10_000
    elif fmt == "sarif":
        data = json.loads(text)
        assert len(data["runs"][0]["results"]) >= 10_000
    elif fmt == "junit":
        assert len(ET.fromstring(text).findall(".//testcase")) >= 10_000
    elif fmt == "github":
        commands = [line for line in text.splitlines() if line.startswith("::")]
        assert len(commands) <= 1001  # capped annotations, then one notice
        assert "more findings are not annotated" in commands[-1]
        header = re.compile(r"::(error|warning|notice)( file=[^,:]+,line=\d+,col=\d+,title=[^:]+)?::")
        assert all(header.match(line) for line in commands), [l for l in commands if not header.match(l)][:3]
        assert "%250A::error::pwned" in text  # the document's `%0A` stays text, never a new command
        assert len(text.encode()) < GITHUB_SUMMARY_LIMIT
    markdown = summary.read_text(encoding="utf-8")
    assert len(markdown.encode("utf-8")) < GITHUB_SUMMARY_LIMIT
    assert "more findings are not shown" in markdown
