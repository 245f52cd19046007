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
from pilotlint.documents.load import LoadError, identify, load_text, read_text
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
    """What each blob of history holds, by blob id, bounded (least recently used goes first).

    Two depths: the **identity** of a document (kind and pilot: all that an added or
    deleted file needs, from the parser's cheap identity pass) and the **full parse** (for a
    changed file, both versions are diffed field by field; an added approval is judged).
    Full parses are kept as compact JSON text, which turns back into the same values in a
    fraction of the time a YAML parse takes and needs a tenth of the memory.

    Blobs are read a group of commits at a time (`submit`), and digested either at once or,
    with a worker process (`start_workers`), while the entries of the group before are
    being written (`finish`): parsing is most of the work, and a machine has two cores."""

    def __init__(self, repo, limits, size: int = 8192, needle: bytes | None = None):
        self.repo, self.limits, self.size = repo, limits, size
        self.full: OrderedDict[str, tuple[str | None, str | None]] = OrderedDict()
        self.ids: OrderedDict[str, tuple] = OrderedDict()
        self.needle = needle        # only documents whose bytes could name this pilot matter
        self.skipped: set[str] = set()
        self.pending: set[str] = set()   # submitted, not digested yet
        self.pool = None            # a worker process that digests (start_workers)

    def submit(self, wanted: dict[str, bool], *, filtered: bool = True):
        """Read the blobs of a group of commits in one round trip to git and start digesting
        them; `wanted` says for each blob id whether its full parse is needed (else its
        identity will do). Returns what `finish` takes."""
        missing = [o for o, full in wanted.items() if o is not None and o not in self.pending
                   and o not in self.full and (full or o not in self.ids) and o not in self.skipped]
        if not missing:
            return None
        raws = self.repo.blobs().read_many(missing, max_bytes=self.limits["max_file_bytes"])
        items = []
        for oid, raw in raws.items():
            if filtered and self.needle is not None and isinstance(raw, bytes) and self.needle not in raw \
                    and b"\\" not in raw:
                self.skipped.add(oid)  # cannot name the pilot (see Workspace.scan)
                continue
            items.append((oid, raw, bool(wanted.get(oid))))
        if not items:
            return None
        self.pending.update(oid for oid, _, _ in items)
        oids = [oid for oid, _, _ in items]
        work = [(raw, full) for _, raw, full in items]
        # an oversized blob is a bytes subclass that does not pickle: digested here
        if self.pool is not None and len(work) >= 16 and all(raw.__class__ is bytes for raw, _ in work):
            return oids, self.pool.apply_async(_digest, (work, self.limits))
        return oids, _digest(work, self.limits)

    def finish(self, handle) -> None:
        if handle is None:
            return
        oids, results = handle
        if not isinstance(results, list):
            results = results.get()
        for oid, (depth, value) in zip(oids, results):
            self._put(self.full if depth == "full" else self.ids, oid, value)
        self.pending.difference_update(oids)

    def _now(self, oid: str, full: bool) -> None:
        """One blob that no group read ahead (or that was evicted): digested at once."""
        raw = self.repo.blobs().read_many([oid], max_bytes=self.limits["max_file_bytes"])[oid]
        depth, value = _digest([(raw, full)], self.limits)[0]
        self._put(self.full if depth == "full" else self.ids, oid, value)

    def start_workers(self) -> None:
        """One worker process, on a machine with a core to spare: forked before any git
        process of this log starts (so it holds none of their pipes), and only from a
        process with no other thread. PILOTLINT_JOBS=1 keeps everything in one process."""
        import os
        import sys
        import threading

        if self.pool is not None or not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2:
            return
        if os.environ.get("PILOTLINT_JOBS", "").strip() == "1" or threading.active_count() > 1:
            return
        import multiprocessing

        self.pool = multiprocessing.get_context("fork").Pool(1)

    def stop_workers(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def _put(self, table: OrderedDict, oid: str, value) -> None:
        table[oid] = value
        # an identity is three short strings: many more are kept (a first commit adds every file)
        if len(table) > (self.size if table is self.full else 16 * self.size):
            table.popitem(last=False)

    def skip(self, oid: str | None) -> bool:
        return oid is None or oid in self.skipped

    def get(self, oid: str | None, *, full: bool = True) -> tuple:
        """(data or None, problem or None) for a blob; with `full=False` the data may be only
        the document's identity (`apiVersion`, `kind`, `pilot`)."""
        import json

        if oid is None:
            return None, None
        if not full and oid not in self.ids and oid not in self.full:
            self._now(oid, False)
        if not full and oid in self.ids:
            self.ids.move_to_end(oid)
            identity = self.ids[oid]
            return ({"apiVersion": identity[2], "kind": identity[0], "pilot": identity[1]}
                    if identity[0] else None), None
        if oid not in self.full:
            self._now(oid, True)
        self.full.move_to_end(oid)
        text, problem = self.full[oid]
        return (json.loads(text) if text is not None else None), problem


def _dump(data) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _digest(work: list, limits) -> list[tuple[str, tuple]]:
    """For each (blob, full): ("id", identity), or ("full", (JSON text or None, problem or
    None)) when the full parse was asked for, or the identity pass cannot be sure, or the
    document is an approval (to be judged). Runs in the worker process too: text pickles in
    a fraction of the time values do."""
    out = []
    for raw, full in work:
        identity = None if full else _identity(raw, limits)
        if identity is None or identity[0] == "Approval":
            data, problem = parse_document(raw, limits)
            out.append(("full", (_dump(data) if data is not None else None, problem)))
        else:
            out.append(("id", identity))
    return out


def _identity(raw, limits) -> tuple | None:
    """(kind, pilot, apiVersion) of one of our documents, ("", None, None) for a file that
    is not ours, or None when only the full parse can tell (or tell what is wrong)."""
    if raw is None:
        return "", None, None
    if isinstance(raw, OversizedBlob):
        return None
    try:
        found = identify(read_text(raw, limits))
    except LoadError:
        return None
    if found is None:
        return None
    api, kind, pilot = found
    if not (isinstance(api, str) and api.startswith("pilotlint/")) or kind not in PILOT_KINDS:
        return "", None, None
    return kind, pilot if isinstance(pilot, str) else None, api


def _outermost(folders: list[str]) -> list[str]:
    """The folders that are not inside another one of them."""
    out: list[str] = []
    for folder in sorted(set(folders), key=lambda f: (f.count("/"), f)):
        if not any(under(folder, kept) for kept in out):
            out.append(folder)
    return out


class DecisionLog:
    def __init__(self, repo, config: Config):
        self.repo = repo
        self.config = config
        self.prefixes = config.prefixes()
        self.config_rel = config.rel
        self.docs = DocCache(repo, config.limits)

    def covers(self, path: str) -> bool:
        return path.endswith(YAML_SUFFIXES) and any(under(path, p) for p in self.prefixes)

    def entries(self, head: str, *, pilot: str | None = None, since=None, until=None,
                progress=None, within: list[str] | None = None) -> Iterator[dict]:
        """`within`: only commits that changed something in these folders (and the
        configuration): the summary's short log of one pilot, whose documents are there."""
        import tempfile
        from pathlib import Path

        from pilotlint.documents.workspace import _PLAIN_ID

        self.docs.needle = pilot.encode() if pilot is not None and _PLAIN_ID.fullmatch(pilot) else None
        where = _outermost(within) if within is not None else self.prefixes
        paths = [*where, *([self.config_rel] if self.config_rel else [])]
        if within is None:  # a whole log: worth a second core (a short one is not)
            self.docs.start_workers()
        try:
            with tempfile.TemporaryDirectory(prefix="pilotlint-signers-") as tmp:
                signers = Path(tmp) / "allowed_signers"
                signers.write_text(_commit_signers(self.config.people), encoding="utf-8")
                group: list = []
                behind = None   # the group read before this one: written while this one is parsed
                for commit in self.repo.iter_commits(None, head, paths, since=since, until=until,
                                                     signatures=True, allowed_signers=signers):
                    if progress:
                        progress.tick()
                    group.append(commit)
                    if len(group) == _GROUP:
                        ahead = (group, self.docs.submit(self._wanted(group)))
                        if behind is not None:
                            yield from self._finish(*behind, pilot)
                        behind, group = ahead, []
                ahead = (group, self.docs.submit(self._wanted(group))) if group else None
                for done in (behind, ahead):
                    if done is not None:
                        yield from self._finish(*done, pilot)
        finally:
            self.docs.stop_workers()

    def _wanted(self, commits) -> dict[str, bool]:
        """The blobs a bounded group of commits needs, and whether each needs a full parse."""
        wanted: dict[str, bool] = {}
        for commit in commits:
            for f in commit.changes:
                if self.covers(f.path):
                    both = f.old_oid is not None and f.new_oid is not None   # a change: diffed
                    for oid in (f.old_oid, f.new_oid):
                        if oid is not None:
                            wanted[oid] = wanted.get(oid, False) or both
        return wanted

    def _finish(self, commits, handle, pilot) -> Iterator[dict]:
        """The group's blobs digested, each of its commits becomes an entry."""
        self.docs.finish(handle)
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
            if self.docs.skip(file.old_oid) and self.docs.skip(file.new_oid):
                continue  # neither version can be the pilot's
            both = file.old_oid is not None and file.new_oid is not None
            old, old_problem = self.docs.get(file.old_oid, full=both)
            new, new_problem = self.docs.get(file.new_oid, full=both)
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
