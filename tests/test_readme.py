"""The README's set-up commands are the ones CI proves.

The first command is run exactly as written, in a fresh copy of the checkout, as a new
user would paste it: once today and once under a clock a year ahead (Debian's faketime).
pip cannot reach PyPI under a moved clock (TLS certificates are not valid then), so the
second run installs from a wheelhouse filled beforehand, through pip's own environment
variables; the command's text is the same.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from conftest import REPO, TODAY
from integration.tools import missing

_KEY = re.compile(r"AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/=]+")
_HEX = re.compile(r"\b[0-9a-f]{12,40}\b")


def _shell_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def _first_command() -> str:
    return _shell_blocks((REPO / "README.md").read_text(encoding="utf-8"))[0].strip()


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    test_command = next(block.strip() for block in _shell_blocks(readme) if "pytest" in block)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_readme_first_command_is_one_line_that_installs_and_pins_the_storys_day():
    first = _first_command()
    assert "\n" not in first and "pip install" in first and "pilotlint demo acme-pilots" in first
    for job in ("pilotlint check", "pilotlint gate --base main --head widen-nordics ", "pilotlint summary"):
        part = first.split(job, 1)[1].split("&&", 1)[0]
        assert f"--today {TODAY}" in part, job
    assert "pilotlint log" in first


# -- running it ---------------------------------------------------------------------------

def _fresh_checkout(target: Path) -> Path:
    """The checkout as a clone would have it, with the work in progress: the files git
    tracks or would track (no .venv, no acme-pilots/, no build output)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True)
    if listed.returncode != 0:  # not a git checkout (an unpacked archive): copy it whole
        shutil.copytree(REPO, target, ignore=shutil.ignore_patterns(".git", ".venv*", "acme-pilots", "build",
                                                                    "*.egg-info", "__pycache__", ".pytest_cache"))
        return target
    for name in filter(None, listed.stdout.decode("utf-8").split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _environment(**extra: str) -> dict:
    # a user's shell: not this test's virtual environment, not GitHub's output format
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "GITHUB_ACTIONS", "PILOTLINT_DEBUG")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


def _run_first_command(folder: Path, env: dict, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, "sh", "-c", _first_command()], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=900)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    folder = _fresh_checkout(tmp_path_factory.mktemp("fresh") / "pilotlint")
    return folder, _run_first_command(folder, _environment())


def test_readme_first_command_runs_check_log_the_blocked_gate_and_the_summary(first_run):
    folder, proc = first_run
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert (folder / "acme-pilots" / ".git").is_dir()
    assert re.search(r"^All checks passed \(\d+ files\)$", out, re.M)
    # the decision log: every person of the story, with the story's dates
    for author in ("Anna Holm <anna@", "Oleg Petrov <oleg@", "Maria Chen <maria@"):
        assert f"Author:  {author}acme.example>" in out
    assert "Date:    2026-10-31T12:00:00+01:00" in out and "Why:     Setup review: fix." in out
    # the gate on the widening branch: blocked, with the rule and the way through
    assert re.search(r"^\S+charter\.yaml:\d+:\d+: PL801 \[error\] ", out, re.M)
    assert "approve outbound-drafts --as oleg" in out
    assert re.search(r"^Gate BLOCKED: ", out, re.M)
    # the summary, last, with the story's decision log (not this project's commits)
    summary = out[out.index("# outbound-drafts: AI first drafts for outbound sales emails"):]
    assert "**As of** 2026-11-24" in summary
    log = summary.split("## Decision log (git)", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in log.splitlines() if re.match(r"\| 20\d\d-\d\d-\d\d \|", line)]
    assert rows and all(re.match(r"\| 2026-1[01]-\d\d \| (Maria Chen|Oleg Petrov|Anna Holm) \|", r) for r in rows), rows
    assert "Weekly note 2026-W47" in rows[0]


def test_readme_first_command_prints_the_same_a_year_later(first_run, tmp_path):
    if shutil.which("faketime") is None:
        missing("faketime")
    folder, today = first_run
    assert today.returncode == 0, today.stderr[-3000:]
    # what pip will need with no index: the build backend, and pilotlint's dependencies
    with open(REPO / "pyproject.toml", "rb") as handle:
        backend = tomllib.load(handle)["build-system"]["requires"]
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", str(wheels), str(folder), *backend, "wheel"],
                   check=True, capture_output=True, timeout=600, env=_environment())
    later = (datetime.now() + timedelta(days=366)).strftime("%Y-%m-%d %H:%M:%S")
    clock = subprocess.run(["faketime", later, sys.executable, "-c", "import datetime; print(datetime.date.today())"],
                           capture_output=True, text=True, check=True)
    assert clock.stdout.strip() == later[:10]  # the clock really moved
    fresh = _fresh_checkout(tmp_path / "pilotlint")
    proc = _run_first_command(fresh, _environment(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels)),
                              prefix=("faketime", later))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    # commit ids and the demo's key differ (each demo signs with a key of its own, and the
    # decision log shows the config change that adds it); every other byte is the same
    def same(text: str) -> str:
        return _KEY.sub("<key>", _HEX.sub("<id>", text))
    assert same(proc.stdout) == same(today.stdout)
