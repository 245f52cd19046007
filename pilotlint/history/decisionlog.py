"""The decision log: every commit that changed a pilot document or the configuration.

An entry says when (committer date), who (the raw author, and whether the commit's
signature verifies), what changed (the semantic diff of the documents it touched,
between its first parent and itself, and of the configuration), why (the commit
message), the approvals it added (judged at that commit, signed or not) and the effect
on cost and risk. Newest first, like `git log`.

The history is streamed: one `git log --raw` process and one `git cat-file --batch`
process; parsed versions are kept in a bounded cache by blob id (a blob seen before is
never parsed again), so memory does not grow with the length of history.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Iterator, Mapping

from pilotlint.documents.config import Config, ConfigError, load_config
from pilotlint.documents.load import LoadError, load_text, read_text
from pilotlint.documents.model import Document
from pilotlint.documents.source import GitTree, display, under
from pilotlint.documents.vocab import PILOT_KINDS, YAML_SUFFIXES
from pilotlint.history.git import OversizedBlob

_GROUP = 128  # commits whose blobs are read in one round trip (bounds memory too)


def parse_document(raw: bytes | None, limits: Mapping) -> tuple[Mapping | None, str | None]:
    """(data, None) for a pilot document, (None, None) for a file that is not ours,
    (None, problem) for one that cannot be read. Recognised by parsing, never by a
    textual guess."""
    if raw is None:
        return None, None
    if isinstance(raw, OversizedBlob):
        return None, f"the file is {raw.size:,} bytes, above the limit of {limits['max_file_bytes']:,}"
    try:
        data = load_text(read_text(raw, limits), limits, positions=False).data
    except LoadError as exc:
        return None, f"line {exc.line}: {exc.message}"
    if not isinstance(data, dict):
        return None, None
    api = data.get("apiVersion")
    if not (isinstance(api, str) and api.startswith("pilotlint/")) or data.get("kind") not in PILOT_KINDS:
        return None, None
    return data, None


class DocCache:
    """Parsed documents by blob id, bounded (least recently used goes first)."""

    def __init__(self, repo, limits, size: int = 256):
        self.repo, self.limits, self.size = repo, limits, size
        self.items: OrderedDict[str, tuple] = OrderedDict()

    def prefetch(self, oids) -> None:
        """Read and parse the blobs of a group of commits in one round trip to git."""
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
    def __init__(self, repo, config: Config):
        self.repo = repo
        self.config = config
        self.prefixes = config.prefixes()
        self.config_rel = config.rel
        self.docs = DocCache(repo, config.limits, size=4 * _GROUP + 1536)

    def covers(self, path: str) -> bool:
        return path.endswith(YAML_SUFFIXES) and any(under(path, p) for p in self.prefixes)

    def entries(self, head: str, *, pilot: str | None = None, since=None, until=None,
                progress=None) -> Iterator[dict]:
        import tempfile
        from pathlib import Path

        paths = [*self.prefixes, *([self.config_rel] if self.config_rel else [])]
        with tempfile.TemporaryDirectory(prefix="pilotlint-signers-") as tmp:
            signers = Path(tmp) / "allowed_signers"
            signers.write_text(_commit_signers(self.config.people), encoding="utf-8")
            group: list = []
            for commit in self.repo.iter_commits(None, head, paths, since=since, until=until, signatures=True,
                                                 allowed_signers=signers):
                if progress:
                    progress.tick()
                group.append(commit)
                if len(group) == _GROUP:
                    yield from self._group(group, pilot)
                    group = []
            yield from self._group(group, pilot)

    def _group(self, commits, pilot) -> Iterator[dict]:
        """A bounded group of commits: their blobs are read together, then each becomes an entry."""
        self.docs.prefetch(oid for c in commits for f in c.changes if self.covers(f.path)
                           for oid in (f.old_oid, f.new_oid))
        for commit in commits:
            entry = self.entry(commit, pilot)
            if entry is not None:
                yield entry

    def entry(self, commit, pilot: str | None = None) -> dict | None:
        from pilotlint.history.semdiff import diff_documents, effects

        touched = [c for c in commit.changes if self.covers(c.path)]
        config_touched = any(c.path == self.config_rel for c in commit.changes)
        if not touched and not config_touched:
            return None
        changes, approvals, problems = [], [], []
        for file in touched:
            old, old_problem = self.docs.get(file.old_oid)
            new, new_problem = self.docs.get(file.new_oid)
            problem = new_problem or old_problem
            if problem:
                problems.append(f"{display(file.path)}: {problem}")
                if (old is None) != (new is None):
                    continue  # unreadable on one side: no "added"/"removed" that never happened
            if old is None and new is None:
                continue
            changes.extend(diff_documents(old, new, path=display(file.path)))
            if old is None and new.get("kind") == "Approval":
                approvals.append(self._judge(commit, file.path, new))
        if config_touched:
            changes.extend(self._config_changes(commit))
        pilots = sorted({c.pilot for c in changes if c.pilot} | {a["pilot"] for a in approvals if a["pilot"]})
        if pilot is not None:  # that pilot's changes, and the configuration's (its rules for every pilot)
            if pilot not in pilots and not config_touched:
                return None
            changes = [c for c in changes if c.pilot in (pilot, None)]
            approvals = [a for a in approvals if a["pilot"] in (pilot, None)]
            pilots = [pilot] if pilot in pilots else []
        if not changes and not approvals and not problems:
            return None
        return {"commit": commit.sha, "date": commit.committer_date, "author_date": commit.author_date,
                "author": {"name": commit.author_name, "email": commit.author_email},
                "signature": commit.signature, "signer": commit.signer, "subject": commit.subject,
                "message": commit.message, "pilots": pilots, "changes": [c.to_json() for c in changes],
                "approvals": approvals, "effect": effects(changes), "unreadable": problems,
                "approvals_judged": True}

    def _config_at(self, sha: str | None) -> Config | None:
        if not sha or not self.config_rel:
            return None
        try:
            tree = GitTree(self.repo, sha)
            return load_config(tree, self.config_rel) if tree.entry(self.config_rel) is not None else None
        except ConfigError:
            return None  # a broken config at an old commit

    def _config_changes(self, commit) -> list:
        from pilotlint.history.semdiff import diff_documents

        before = self._config_at(commit.parents[0] if commit.parents else None)
        after = self._config_at(commit.sha)
        return [c for c in diff_documents(before.data if before else None, after.data if after else None,
                                          path=self.config_rel)]

    def _charter_at(self, sha: str, pilot: str, near: str) -> dict | None:
        """The pilot's charter at a commit: looked for beside the approval first, then everywhere."""
        folder = near.rsplit("/approvals/", 1)[0] if "/approvals/" in near else None
        for where in ([folder] if folder else []) + [None]:
            for item in self.repo.tree(sha, [where] if where else self.prefixes):
                if item.type != "file" or not self.covers(item.path) or "/approvals/" in item.path:
                    continue
                data, _ = self.docs.get(item.oid)
                if data is not None and data.get("kind") == "Charter" and data.get("pilot") == pilot:
                    return data
        return None

    def _judge(self, commit, path: str, approval) -> dict:
        from pilotlint.history import approvals as appr

        pilot = approval.get("pilot") if isinstance(approval.get("pilot"), str) else None
        target = appr.approval_target(approval)
        result = {"pilot": pilot, "path": display(path), "approver": approval.get("approver"),
                  "decision": approval.get("decision"), "target": target,
                  "signed": isinstance(approval.get("signature"), str), "valid": None, "reason": None}
        parent = commit.parents[0] if commit.parents else None
        base_config = self._config_at(parent) or self._config_at(commit.sha) or self.config
        try:
            if target == "config":
                head_config = self._config_at(commit.sha)
                expected = appr.config_covers(head_config) if head_config else appr.config_hash(None)
                allowed = {a for a in base_config.admins if isinstance(a, str)}
                who = "a person listed under `admins:` in the configuration before this commit must approve"
            else:
                charter = self._charter_at(commit.sha, pilot, path) if pilot else None
                previous = self._charter_at(parent, pilot, path) if parent and pilot else None
                expected = appr.charter_hash(charter)
                owner = charter.get("owner") if isinstance(charter, dict) else None
                allowed = {owner} if isinstance(owner, str) else set()
                if isinstance(previous, dict) and any(previous.get(k) != (charter or {}).get(k)
                                                      for k in ("owner", "authority", "oversight")):
                    allowed = {p for p in (previous.get("owner"), previous.get("oversight")) if isinstance(p, str)}
                who = f"{', '.join(sorted(allowed)) or 'the owner'} must approve"
            decision = appr.make_decision(Document(path, "Approval", approval), fresh=True, sequence=0,
                                          author_email=commit.author_email)
            judgement = appr.judge(decision, expected=expected, allowed=allowed, who=who,
                                   people=base_config.people, require_signed=bool(base_config.gate.get(
                                       "require_signed")), today=_commit_day(commit))
        except Exception as exc:  # a judgement must never take the log down
            result.update(valid=False, reason=f"cannot be judged: {exc}")
            return result
        result.update(valid=judgement.valid, reason=judgement.reason, proof=judgement.proof)
        return result


def _commit_signers(people: Mapping) -> str:
    """An allowed-signers file for git's SSH commit signatures: each person's email with the
    `signing_key` of the configuration (never the repository's own allowed-signers file)."""
    from pilotlint.history.approvals import person_email, usable_key

    lines = []
    for person, entry in (people or {}).items():
        key = usable_key(entry.get("signing_key")) if isinstance(entry, Mapping) else None
        email = person_email(people, person)
        if key and email and all(c not in email for c in " \t\n,\"*?!"):
            lines.append(f'{email} namespaces="git" {key}')
    return "".join(line + "\n" for line in lines)


def _commit_day(commit):
    from datetime import date, datetime

    try:
        return datetime.fromisoformat(commit.committer_date).date()
    except ValueError:
        return date.max
