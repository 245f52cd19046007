"""`pilotlint log [PILOT]`: the decision log from git history (SPEC §3, §5).

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
from collections import OrderedDict
from datetime import date
from pathlib import Path
from typing import Iterator

import click

from pilotlint.commands.common import UsageFailure, discover
from pilotlint.commands.diff import (FORMATS, change_lines, counts, git_failure, markdown_table, md, open_repo,
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
    from pilotlint.gitrepo import GitError

    config, root = discover(ctx, Path.cwd())
    repo = open_repo(root)
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
    try:
        return open(output, "w", encoding="utf-8")
    except OSError as exc:
        raise UsageFailure(f"cannot write {output}: {exc.strerror}") from None


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


# -- building entries ----------------------------------------------------------------

_GROUP = 128  # commits whose blobs are read in one round trip (bounds memory too)


class _DocCache:
    """Parsed documents by blob id, bounded (least recently used goes first)."""

    def __init__(self, repo, limits, size: int = 256):
        self.repo, self.limits, self.size = repo, limits, size
        self.items: OrderedDict[str, tuple] = OrderedDict()

    def prefetch(self, oids) -> None:
        """Read and parse the blobs of a group of commits in one round trip to git."""
        from pilotlint.revdocs import parse_document

        missing = [o for o in dict.fromkeys(oids) if o is not None and o not in self.items]
        if not missing:
            return
        for oid, raw in self.repo.blobs().read_many(missing, max_bytes=self.limits["max_file_bytes"]).items():
            self._put(oid, parse_document(raw, self.limits))

    def _put(self, oid: str, value: tuple) -> None:
        self.items[oid] = value
        if len(self.items) > self.size:
            self.items.popitem(last=False)

    def get(self, oid: str | None) -> tuple:
        """(data or None, problem or None) for a blob."""
        from pilotlint.revdocs import parse_document

        if oid is None:
            return None, None
        if oid in self.items:
            self.items.move_to_end(oid)
            return self.items[oid]
        raw = self.repo.blobs().read(oid, max_bytes=self.limits["max_file_bytes"])
        value = parse_document(raw, self.limits)
        self._put(oid, value)
        return value


class DecisionLog:
    def __init__(self, repo, config):
        from pilotlint.revdocs import layout_for

        self.repo = repo
        self.head = repo.resolve("HEAD")
        self.layout = layout_for(repo, config, self.head)
        self.docs = _DocCache(repo, self.layout.config.limits, size=4 * _GROUP + 1536)
        try:
            from pilotlint.approvals import judge
        except ImportError:  # pragma: no cover - approvals ship with the package
            judge = None
        self.judge = judge

    def entries(self, head: str, *, pilot: str | None = None, since=None, until=None,
                progress=None) -> Iterator[dict]:
        group: list = []
        for commit in self.repo.iter_commits(None, head, self.layout.prefixes, since=since, until=until):
            if progress:
                progress.tick()
            group.append(commit)
            if len(group) == _GROUP:
                yield from self._group(group, pilot)
                group = []
        yield from self._group(group, pilot)

    def _group(self, commits, pilot) -> Iterator[dict]:
        """A bounded group of commits: their blobs are read together, then each becomes an entry."""
        self.docs.prefetch(oid for c in commits for f in c.changes if self.layout.covers(f.path)
                           for oid in (f.old_oid, f.new_oid))
        for commit in commits:
            entry = self.entry(commit, pilot)
            if entry is not None:
                yield entry

    def entry(self, commit, pilot: str | None = None) -> dict | None:
        from pilotlint.semdiff import diff_documents, effects

        touched = [c for c in commit.changes if self.layout.covers(c.path)]
        if not touched:
            return None
        changes, approvals, problems = [], [], []
        base_pilots = None
        for file in touched:
            old, old_problem = self.docs.get(file.old_oid)
            new, new_problem = self.docs.get(file.new_oid)
            problem = new_problem or old_problem
            if problem:
                problems.append(f"{file.path}: {problem}")
                if (old is None) != (new is None):
                    continue  # unreadable on one side: no "added"/"removed" that never happened
            if old is None and new is None:
                continue
            if old is None and new.get("kind") == "Charter" and commit.parents:
                if base_pilots is None:
                    base_pilots = self._charters_at(commit.parents[0])
            changes.extend(diff_documents(old, new, path=file.path, base_pilots=base_pilots))
            if old is None and new.get("kind") == "Approval":
                approvals.append(self._judge(commit, file.path, new))
        pilots = sorted({c.pilot for c in changes if c.pilot} | {a["pilot"] for a in approvals if a["pilot"]})
        if pilot is not None:
            if pilot not in pilots:
                return None
            changes = [c for c in changes if c.pilot == pilot]
            approvals = [a for a in approvals if a["pilot"] == pilot]
            pilots = [pilot]
        if not changes and not approvals and not problems:
            return None
        return {"commit": commit.sha, "date": commit.committer_date, "author_date": commit.author_date,
                "author": {"name": commit.author_name, "email": commit.author_email},
                "signature": commit.signature, "signer": commit.signer, "subject": commit.subject,
                "message": commit.message, "pilots": pilots, "changes": [c.to_json() for c in changes],
                "approvals": approvals, "effect": effects(changes), "unreadable": problems,
                "approvals_judged": self.judge is not None}

    # Charters of the other pilots at a commit (for "a new charter for a team that already
    # has a pilot"): only files named charter.y(a)ml are read, through the bounded cache.
    def _charters_at(self, sha: str) -> dict:
        found = {}
        for path, oid, _size in self.repo.list_entries(sha, self.layout.prefixes):
            if path.rsplit("/", 1)[-1] in ("charter.yaml", "charter.yml") and self.layout.covers(path):
                data, _ = self.docs.get(oid)
                if data is not None and data.get("kind") == "Charter" and isinstance(data.get("pilot"), str):
                    found[data["pilot"]] = data
        return found

    def _charter_at(self, sha: str, pilot: str, near: str) -> dict | None:
        """The pilot's charter at a commit: looked for beside the approval first, then everywhere."""
        folder = near.rsplit("/approvals/", 1)[0] if "/approvals/" in near else None
        for where in ([folder] if folder else []) + [None]:
            for path, oid, _size in self.repo.list_entries(sha, [where] if where else self.layout.prefixes):
                if not self.layout.covers(path) or "/approvals/" in path:
                    continue
                data, _ = self.docs.get(oid)
                if data is not None and data.get("kind") == "Charter" and data.get("pilot") == pilot:
                    return data
        return None

    def _judge(self, commit, path: str, approval) -> dict:
        from pilotlint.revdocs import config_at

        pilot = approval.get("pilot") if isinstance(approval.get("pilot"), str) else None
        result = {"pilot": pilot, "path": path, "approver": approval.get("approver"),
                  "decision": approval.get("decision"), "valid": None, "reason": None}
        if self.judge is None:
            result["reason"] = "approvals are not judged by this version of pilotlint"
            return result
        config_rel = self.layout.config_path or ".pilotlint.yaml"
        parent = commit.parents[0] if commit.parents else None
        base_config = (config_at(self.repo, parent, config_rel) if parent else None) \
            or config_at(self.repo, commit.sha, config_rel) or self.layout.config
        kwargs = {"author_email": commit.author_email}
        if approval.get("target") == "config":
            head_config = config_at(self.repo, commit.sha, config_rel)
            charter, previous = None, None
            kwargs["config_at_head"] = head_config.data if head_config else None
        else:
            charter = self._charter_at(commit.sha, pilot, path) if pilot else None
            previous = self._charter_at(parent, pilot, path) if parent and pilot else None
            kwargs["previous_charter"] = previous
        try:
            judgement = self.judge(approval, charter, base_config, **kwargs)
        except Exception as exc:  # a judgement must never take the log down
            result.update(valid=False, reason=f"cannot be judged: {exc}")
            return result
        result.update(valid=judgement.valid, reason=judgement.reason)
        return result


# -- writers -------------------------------------------------------------------------

class _TextWriter:
    def __init__(self, stream, pilot):
        self.stream, self.pilot, self.count = stream, pilot, 0

    def entry(self, e: dict) -> None:
        from pilotlint.semdiff import Change

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
            lines.append(f"Approval: {safe_text(a['approver'])} for {what} "
                         f"({safe_text(a['decision'])}) — {state}{reason}")
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
        from pilotlint.semdiff import Change

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
            lines.append(f"- approval by {md(a['approver'])} for {what}: {state}"
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
