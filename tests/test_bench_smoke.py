"""A small run of the benchmark so that it never rots (no timing is asserted)."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO


def test_benchmark_smoke_run_reports_every_figure(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--pilots", "4", "--sizes", "3,6",
                             "--notes", "3", "--commits", "30", "--hook-pilots", "2", "--hook-commits", "20",
                             "--runs", "1", "--skip-peers", "--work", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and "---" not in line][1:]
    figures = [row.split(" | ")[0].lstrip("| ") for row in rows]
    for expected in ("check, 3 pilots", "check, 6 pilots", "check peak memory, 3 pilots", "check peak memory, 6 pilots",
                     "check with git vs --no-git", "status with git vs --no-git", "summary of one pilot vs check",
                     "check of one file, git history of 20 commits", "check of one file, without git",
                     "check of one file, without git or policies", "log vs git log --raw (bench history",
                     "log vs git log --raw (independent history", "log peak memory",
                     "gate, a pull request of 3 commits", "gate, a pull request touching 4 pilots",
                     "lsp: change to diagnostics"):
        assert any(f.startswith(expected) for f in figures), (expected, figures)
    assert all(row.rstrip(" |").endswith(("met", "NOT met")) for row in rows)
    # the gate row counts the pilots it blocked: every widened one, or the figure is not met
    gate = next(row for row in rows if "gate, a pull request touching" in row)
    assert "(4 pilots blocked)" in gate, gate
