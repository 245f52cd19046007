"""Generate a governance repository in the SPEC format for benchmarks.

    python bench/generate.py OUT --pilots 1000 [--notes 12] [--commits 0] [--history revisions]

Each pilot is a copy of the sample `outbound-drafts` pilot (charter, rollback plan and
weekly notes) under its own id, so the documents are realistic and clean.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SOURCE = EXAMPLES / "pilots" / "outbound-drafts"


def generate(out: Path, pilots: int, notes: int = 12) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLES / ".pilotlint.yaml", out / ".pilotlint.yaml")
    policies = EXAMPLES / "policies"
    if policies.is_dir():
        shutil.copytree(policies, out / "policies", dirs_exist_ok=True)
    charter = (SOURCE / "charter.yaml").read_text()
    rollback = (SOURCE / "rollback.yaml").read_text()
    note_files = sorted((SOURCE / "notes").glob("*.yaml"))
    note_texts = [p.read_text() for p in note_files]
    first_week = note_files[0].stem
    for i in range(pilots):
        pilot = f"pilot-{i:05d}"
        directory = out / "pilots" / pilot
        (directory / "notes").mkdir(parents=True, exist_ok=True)
        (directory / "charter.yaml").write_text(charter.replace("outbound-drafts", pilot))
        (directory / "rollback.yaml").write_text(rollback.replace("outbound-drafts", pilot))
        for n in range(notes):
            text = note_texts[n % len(note_texts)].replace("outbound-drafts", pilot)
            week = _week(first_week, n)
            text = text.replace(f"week: {note_files[n % len(note_files)].stem}", f"week: {week}")
            (directory / "notes" / f"{week}.yaml").write_text(text)
    return out


def _week(first: str, offset: int) -> str:
    year, week = first.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1) + timedelta(weeks=offset)
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


BENCH_ENV = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "oleg@acme.example",
             "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "oleg@acme.example"}
START = 1_780_000_000  # 2026-05-28


def _initial_commit(repo: Path) -> dict:
    env = {**os.environ, **BENCH_ENV}
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", "Initial governance repository"], check=True, env=env)
    return env


def _fast_import(repo: Path, env: dict, commits) -> None:
    """Append commits, each `(when, message, [(path, bytes)])`, to main via fast-import (seconds, not minutes)."""
    stream = []
    for n, (when, message, files) in enumerate(commits):
        message = message.encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"author Bench <oleg@acme.example> {when} +0000\n".encode())
        stream.append(f"committer Bench <oleg@acme.example> {when} +0000\n".encode())
        stream.append(b"data %d\n%s\n" % (len(message), message))
        if n == 0:
            stream.append(b"from refs/heads/main^0\n")
        for path, body in files:
            stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(body), body))
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], input=b"".join(stream), check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard", "main"], check=True)


def add_history(repo: Path, commits: int, start: int = START, step: int = 60) -> None:
    """Commit the tree, then `commits` revisions of the pilots' latest weekly notes, `step` seconds apart."""
    env = _initial_commit(repo)
    if commits <= 0:
        return
    pilots = sorted(p.name for p in (repo / "pilots").iterdir())
    latest = {}
    for pilot in pilots:
        note = sorted((repo / "pilots" / pilot / "notes").glob("*.yaml"))[-1]
        latest[pilot] = (note.relative_to(repo).as_posix(), note.read_text())

    def revisions():
        for n in range(commits):
            # each commit revises a real weekly note: a new reading and a line in its decision log
            pilot = pilots[n % len(pilots)]
            path, text = latest[pilot]
            body = re.sub(r"reply_rate: [0-9.]+", f"reply_rate: {3.0 + (n % 7) / 10:.1f}", text).encode()
            yield start + n * step, f"Week notes for {pilot}: reply rate revised (revision {n})\n", [(path, body)]

    _fast_import(repo, env, revisions())


def add_independent_history(repo: Path, commits: int) -> None:
    """A second shape of history, for `log`: 7 of 10 commits add a new weekly note, 3 edit a charter's cap.

    Unlike `add_history` (one file revised in place), the tree grows with every note, pilots
    are visited in a stride rather than in order, and charters change, so `log` must parse
    and diff both kinds of document.
    """
    env = _initial_commit(repo)
    pilots = sorted(p.name for p in (repo / "pilots").iterdir())
    first = sorted((repo / "pilots" / pilots[0] / "notes").glob("*.yaml"))
    note = first[-1].read_text()
    charters = {p: (repo / "pilots" / p / "charter.yaml").read_text() for p in pilots}
    weeks = dict.fromkeys(pilots, len(first))

    def changes():
        for n in range(commits):
            pilot = pilots[(n * 7) % len(pilots)]
            if n % 10 < 7:
                week = _week(first[0].stem, weeks[pilot])
                weeks[pilot] += 1
                text = re.sub(r"week: \S+", f"week: {week}", note.replace(pilots[0], pilot))
                yield START + n * 60, f"Weekly note {week} for {pilot}\n", [(f"pilots/{pilot}/notes/{week}-{n}.yaml",
                                                                              text.encode())]
            else:
                charters[pilot] = re.sub(r"monthly_cap: \d+", f"monthly_cap: {2000 + n % 900}", charters[pilot])
                yield START + n * 60, f"Budget cap of {pilot} revised\n", [(f"pilots/{pilot}/charter.yaml",
                                                                            charters[pilot].encode())]

    _fast_import(repo, env, changes())


def add_hook_history(repo: Path, commits: int) -> None:
    """A governance repository as the pre-commit hook meets it: `commits` note revisions spread over
    2026-09-01..2026-11-24, so that the sample's freeze window (2026-10-01..14) holds some of them.
    """
    first, last = 1_788_220_800, 1_795_478_400  # 2026-09-01, 2026-11-24 (UTC)
    add_history(repo, commits, start=first, step=max(1, (last - first) // max(commits, 1)))


def widen(repo: Path, pilots: int, branch: str = "pr") -> None:
    """A pull-request branch off main that widens `pilots` charters (one more region each)."""
    env = {**os.environ, **BENCH_ENV}
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-B", branch, "main"], check=True)
    for directory in sorted((repo / "pilots").iterdir())[:pilots]:
        charter = directory / "charter.yaml"
        charter.write_text(charter.read_text().replace("regions: [DACH]", "regions: [DACH, Nordics]", 1))
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-am", f"Widen {pilots} pilots to the Nordics"],
                   check=True, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--pilots", type=int, default=1000)
    parser.add_argument("--notes", type=int, default=12)
    parser.add_argument("--commits", type=int, default=0)
    parser.add_argument("--history", choices=["revisions", "independent", "hook"], default="revisions",
                        help="the shape of the --commits history (see the functions of the same name)")
    args = parser.parse_args()
    generate(args.out, args.pilots, args.notes)
    if args.commits:
        {"revisions": add_history, "independent": add_independent_history,
         "hook": add_hook_history}[args.history](args.out, args.commits)


if __name__ == "__main__":
    main()
