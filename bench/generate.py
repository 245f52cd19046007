"""Generate a governance repository in the SPEC format for benchmarks.

    python bench/generate.py OUT --pilots 1000 [--notes 12] [--commits 0]

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


def add_history(repo: Path, commits: int) -> None:
    """Commit the tree, then `commits` small edits to pilot notes, via fast-import (seconds, not minutes)."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "oleg@acme.example",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "oleg@acme.example"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", "Initial governance repository"], check=True, env=env)
    if commits <= 0:
        return
    pilots = sorted(p.name for p in (repo / "pilots").iterdir())
    latest = {}
    for pilot in pilots:
        note = sorted((repo / "pilots" / pilot / "notes").glob("*.yaml"))[-1]
        latest[pilot] = (note.relative_to(repo).as_posix(), note.read_text())
    stream = []
    when = 1_780_000_000
    for n in range(commits):
        # each commit revises a real weekly note: a new reading and a line in its decision log
        pilot = pilots[n % len(pilots)]
        path, text = latest[pilot]
        body = re.sub(r"reply_rate: [0-9.]+", f"reply_rate: {3.0 + (n % 7) / 10:.1f}", text).encode()
        message = f"Week notes for {pilot}: reply rate revised (revision {n})\n".encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"author Bench <oleg@acme.example> {when + n * 60} +0000\n".encode())
        stream.append(f"committer Bench <oleg@acme.example> {when + n * 60} +0000\n".encode())
        stream.append(b"data %d\n%s\n" % (len(message), message))
        if n == 0:
            stream.append(b"from refs/heads/main^0\n")
        stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(body), body))
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], input=b"".join(stream), check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard", "main"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--pilots", type=int, default=1000)
    parser.add_argument("--notes", type=int, default=12)
    parser.add_argument("--commits", type=int, default=0)
    args = parser.parse_args()
    generate(args.out, args.pilots, args.notes)
    if args.commits:
        add_history(args.out, args.commits)


if __name__ == "__main__":
    main()
