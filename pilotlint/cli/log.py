"""`pilotlint log [PILOT]`: the decision log from git history (docs/git.md).

Every commit that touches a pilot document is an entry: when (committer date), who (the
raw author, and whether the commit's signature verifies), what changed (the semantic
diff of the documents it touched, between its first parent and itself), why (the commit
message), the approvals it added (judged at that commit) and the effect on cost and risk.

Newest first, like `git log`. The history is streamed: one `git log --raw` process and
one `git cat-file --batch` process; only a bounded cache of recently parsed documents is
kept, so memory does not grow with the length of history, and entries are written as
they are found.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from pilotlint.cli.common import UsageFailure, open_workspace
from pilotlint.cli.diff import (FORMATS, change_lines, counts, git_failure, markdown_table, md, open_repo,
                                     safe_text)


def _date(_ctx, param, value):
    if value is None:
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None
    return value


@click.command("log")
@click.argument("pilot", required=False)
@click.option("--since", callback=_date, metavar="YYYY-MM-DD", help="Only commits made on or after this day.")
@click.option("--until", callback=_date, metavar="YYYY-MM-DD", help="Only commits made on or before this day.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")
@click.pass_context
def log_command(ctx, pilot, since, until, fmt, output):
    """The decision log from git history, newest first.

    For every commit that changed a pilot document: date, author, whether its signature
    verifies, the semantic changes, why (the commit message), the approvals it added and
    whether each counts, and the effect on cost and risk. PILOT limits the log to one
    pilot. Dates are committer dates. A progress counter is shown on a terminal.
    """
    from pilotlint.history.decisionlog import DecisionLog
    from pilotlint.history.git import GitError

    ws = open_workspace(ctx, Path.cwd(), date.today(), use_git=False)
    config = ws.config
    if pilot is not None:
        from pilotlint.cli.summary import unknown_pilot

        ws.scan()
        if pilot not in ws.by_pilot:
            raise unknown_pilot(pilot, ws)
    repo = open_repo(ws.root)
    try:
        head = repo.resolve("HEAD")
        repo.require_full_history(head)
        until_arg = f"{until}T23:59:59" if until else None
        stream = _open(output)
        writer = {"json": _JsonWriter, "markdown": _MarkdownWriter}.get(fmt, _TextWriter)(stream, pilot)
        progress = _Progress() if sys.stderr.isatty() else None
        try:
            for entry in DecisionLog(repo, config).entries(head, pilot=pilot, since=since, until=until_arg,
                                                           progress=progress):
                writer.entry(entry)
            writer.close()
        finally:
            if progress:
                progress.done()
            if output:
                stream.close()
    except GitError as exc:
        raise git_failure(exc) from None
    finally:
        repo.close()
    ctx.exit(0)


def _open(output: str | None):
    if not output:
        return click.get_text_stream("stdout")
    import os

    from pilotlint.documents.write import WriteError, open_report

    try:
        return os.fdopen(open_report(output), "w", encoding="utf-8", errors="replace")
    except WriteError as exc:
        raise UsageFailure(str(exc)) from None


class _Progress:
    """A counter on stderr (only used when stderr is a terminal)."""

    def __init__(self):
        self.count = 0

    def tick(self) -> None:
        self.count += 1
        if self.count % 200 == 0:
            sys.stderr.write(f"\rreading history: {self.count:,} commits")
            sys.stderr.flush()

    def done(self) -> None:
        if self.count >= 200:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


# -- writers -------------------------------------------------------------------------

class _TextWriter:
    def __init__(self, stream, pilot):
        self.stream, self.pilot, self.count = stream, pilot, 0

    def entry(self, e: dict) -> None:
        from pilotlint.history.semdiff import Change

        signed = {"good": "signed (verified)", "bad": "signature NOT verified", "none": "unsigned"}[e["signature"]]
        if e["signer"]:
            signed += f" by {safe_text(e['signer'], 80)}"
        lines = [f"commit {e['commit']}",
                 f"Date:    {e['date']}",
                 f"Author:  {safe_text(e['author']['name'], 80)} <{safe_text(e['author']['email'], 120)}>  ({signed})",
                 f"Why:     {safe_text(e['subject'])}"]
        body = e["message"].split("\n\n", 1)[1] if "\n\n" in e["message"] else ""
        for line in body.splitlines()[:20]:
            lines.append(f"         {safe_text(line)}")
        changes = [Change(c["pilot"], c["path"], c["field"], c["change"], c["class"], c["from"], c["to"],
                          c["gated"], c["kind"]) for c in e["changes"]]
        lines.append(f"Changes: {counts(changes)}")
        lines.extend(change_lines(changes, indent="  "))
        for a in e["approvals"]:
            state = "valid" if a["valid"] else "not judged" if a["valid"] is None else "does not count"
            reason = f": {safe_text(a['reason'])}" if a["reason"] else ""
            what = safe_text(a["pilot"]) if a["pilot"] else "the configuration"
            signed = ", signed" if a.get("signed") else ""
            lines.append(f"Approval: {safe_text(a['approver'])} for {what} "
                         f"({safe_text(a['decision'])}{signed}) — {state}{reason}")
        effect = e["effect"]
        lines.append(f"Effect:  cost {effect['cost']}, risk {effect['risk']}")
        for problem in e["unreadable"]:
            lines.append(f"Warning: cannot read {safe_text(problem)}")
        self.stream.write(("\n" if self.count else "") + "\n".join(lines) + "\n")
        self.count += 1

    def close(self) -> None:
        if not self.count:
            self.stream.write("no commit changes a pilot document" +
                              (f" of {safe_text(self.pilot)}" if self.pilot else "") + "\n")


class _JsonWriter:
    """Streams `{"version": 1, "entries": [...]}` entry by entry."""

    def __init__(self, stream, pilot):
        self.stream, self.count = stream, 0
        stream.write('{"version": 1, "entries": [')

    def entry(self, e: dict) -> None:
        self.stream.write(("," if self.count else "") + "\n  " + json.dumps(e, ensure_ascii=False, default=str))
        self.count += 1

    def close(self) -> None:
        self.stream.write("\n]}\n" if self.count else "]}\n")


class _MarkdownWriter:
    def __init__(self, stream, pilot):
        self.stream, self.count = stream, 0
        title = f"## Decision log: {md(pilot)}" if pilot else "## Decision log"
        stream.write(title + "\n")

    def entry(self, e: dict) -> None:
        from pilotlint.history.semdiff import Change

        signed = {"good": "signature verified", "bad": "signature **not verified**", "none": "unsigned"}[e["signature"]]
        if e["signer"]:
            signed += f" ({md(e['signer'])})"
        lines = ["", f"### {md(e['date'])} — {md(e['subject'])}", "",
                 f"- commit `{e['commit'][:12]}` by {md(e['author']['name'])} &lt;{md(e['author']['email'])}&gt;, "
                 f"{signed}",
                 f"- effect: cost {e['effect']['cost']}, risk {e['effect']['risk']}"]
        for a in e["approvals"]:
            state = "valid" if a["valid"] else "not judged" if a["valid"] is None else "does not count"
            what = md(a["pilot"]) if a["pilot"] else "the configuration"
            signed = " (signed)" if a.get("signed") else ""
            lines.append(f"- approval by {md(a['approver'])} for {what}{signed}: {state}"
                         + (f" — {md(a['reason'])}" if a["reason"] else ""))
        if e["changes"]:
            changes = [Change(c["pilot"], c["path"], c["field"], c["change"], c["class"], c["from"], c["to"],
                              c["gated"], c["kind"]) for c in e["changes"]]
            lines.append("")
            lines.extend(markdown_table(changes))
        self.stream.write("\n".join(lines) + "\n")
        self.count += 1

    def close(self) -> None:
        if not self.count:
            self.stream.write("\nNo commit changes a pilot document.\n")
