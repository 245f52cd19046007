"""The red team's attacks of 2026-12-01, replayed: each was a bypass of the gate at the time.

Each script in replays/ builds its git repositories from scratch (from the sample under
examples/) and runs `pilotlint gate` on a pull request that attacks one property of the
gate; on the day, every one of them ended with the gate exiting 0. They are kept as
regression tests, unchanged in substance: the gate must now block each attack (exit 1,
a finding, not 2, an error), and the control case a script runs beside its attack (the
same pull request without the trick) must stay blocked too.

A script exits non-zero when its own setup fails (a git command, a sample file that no
longer has what the attack edits), so that a broken setup never looks like a block.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

REPLAYS = Path(__file__).resolve().parent / "replays"
SCRIPTS = sorted(REPLAYS.glob("[0-9][0-9]-*.sh"))


def replay(script: Path, work: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS" and not k.startswith("GIT_")}
    env.update({
        "PILOTLINT": f"{sys.executable} -m pilotlint",   # word-split by the scripts
        "PYTHON": sys.executable,                        # the scripts' own helpers (they import yaml)
        "EXAMPLES": str(REPO / "examples"),
        "WORK": str(work),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    })
    return subprocess.run(["bash", str(script)], cwd=work, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)


def test_every_replay_is_here():
    assert len(SCRIPTS) == 10, [s.name for s in SCRIPTS]


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_the_gate_blocks_the_replayed_attack(script, tmp_path):
    proc = replay(script, tmp_path)
    shown = f"{script.name}: exit {proc.returncode}\n--- stdout\n{proc.stdout[-6000:]}\n--- stderr\n{proc.stderr[-3000:]}"
    assert proc.returncode == 0, f"the replay's setup failed\n{shown}"
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, shown
    lines = proc.stdout.splitlines()
    attacks = [line for line in lines if line.startswith("ATTACK_EXIT=")]
    assert len(attacks) == 1 and lines[-1] == attacks[0], f"no single final ATTACK_EXIT line\n{shown}"
    for code in re.findall(r"^CONTROL_EXIT=(.*)$", proc.stdout, re.M):
        assert code == "1", f"the control case is not blocked (CONTROL_EXIT={code})\n{shown}"
    assert attacks[0] == "ATTACK_EXIT=1", f"the attack is not blocked ({attacks[0]}; 0 = bypass, 2 = error)\n{shown}"
