"""A small run of the benchmark so that it never rots (no timing is asserted)."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO


def test_benchmark_smoke_run_reports_every_figure(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--pilots", "4", "--notes", "3",
                             "--commits", "30", "--runs", "1", "--skip-peers", "--work", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and "---" not in line][1:]
    figures = [row.split(" | ")[0].lstrip("| ") for row in rows]
    for expected in ("check, 4 pilots", "site, 4 pilots (4 pages) vs status", "check peak memory", "check of one file", "log over 30 commits",
                     "log peak memory", "site with the 30-commit decision log", "gate on 4 pilots"):
        assert any(f.startswith(expected) for f in figures), (expected, figures)
    assert all(row.rstrip(" |").endswith(("met", "NOT met")) for row in rows)
