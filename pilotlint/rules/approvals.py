"""PL901/PL902 in `check`: is the charter as it stands approved, and do its approvals hold up?

In `check` the identity of an approver is proven by the author email of the commit that
added the approval (anywhere in history) or by the approval's SSH signature. Without git
only signatures can be verified, and an approval that is not committed yet has no author:
both are said in the message rather than reported as forgeries. `gate` applies the same
rules to a range with stricter inputs (pilotlint/gate.py).
"""

from __future__ import annotations

from pathlib import Path

from pilotlint.history.approvals import Judgement, approval_target, charter_hash, judge
from pilotlint.engine import Hit, rule
from pilotlint.documents.model import Document, Pilot, Workspace


def _repo_path(ws: Workspace, doc: Document) -> str | None:
    root = getattr(ws.git, "root", None)
    if root is None:
        return None
    try:
        return doc.file.absolute().resolve().relative_to(Path(root).resolve()).as_posix()
    except (ValueError, OSError):
        return None


def _adding_commit(ws: Workspace, doc: Document):
    """The commit that added this approval to history (None: no git, or not committed yet).

    Looked up for every current approval of the workspace at once, in one streamed
    `git log --diff-filter=A`, so a repository with many approvals costs one git call.
    """
    cache = ws.__dict__.get("_approval_commits")
    if cache is None:
        cache = ws.__dict__["_approval_commits"] = {}
        wanted = {}
        for pilot in ws.pilots.values():
            current = charter_hash(pilot.charter.data) if pilot.charter else None
            for approval in pilot.approvals:
                path = _repo_path(ws, approval)
                if path is not None and approval.get("covers") == current:
                    wanted[path] = approval.path
        if wanted:
            try:
                for commit in ws.git.iter_commits(None, ws.git.head(), sorted(wanted), diff_filter="A"):
                    for change in commit.changes:
                        if change.status == "A" and change.path in wanted and wanted[change.path] not in cache:
                            cache[wanted[change.path]] = commit
            except Exception:  # a damaged or unreadable repository: judged as unknown
                pass
    return cache.get(doc.path)


def _previous_charter(ws: Workspace, charter: Document, commit):
    """The charter just before the commit that added an approval (for a change of owner)."""
    path = _repo_path(ws, charter)
    if commit is None or not commit.parents or path is None:
        return None
    try:
        raw = ws.git.read(commit.parents[0], path)
        if raw is None:
            return None
        from pilotlint.documents.load import load_text, read_text

        return load_text(read_text(raw, ws.config.limits), ws.config.limits).data
    except Exception:
        return None


def judge_in_check(ws: Workspace, pilot: Pilot, doc: Document) -> tuple[Judgement, object]:
    """Judge one approval against the pilot's charter as it stands in the tree."""
    charter = pilot.charter.data if pilot.charter else None
    current = doc.get("covers") == charter_hash(charter)
    commit = _adding_commit(ws, doc) if ws.git is not None and current else None
    email = commit.author_email if commit is not None else None
    judgement = judge(doc.data, charter, ws.config, previous_known=False, author_email=email)
    if judgement.problem and "person" in judgement.problem and commit is not None:
        previous = _previous_charter(ws, pilot.charter, commit)
        if previous is not None:
            retry = judge(doc.data, charter, ws.config, previous_charter=previous, author_email=email)
            if retry.valid or retry.problem != judgement.problem:
                judgement = retry
    return judgement, commit


def _charter_approvals(pilot: Pilot) -> list[Document]:
    return [d for d in pilot.approvals if approval_target(d.data) == "charter"]


def _identity_unknowable(ws: Workspace, doc: Document, commit, judgement: Judgement) -> bool:
    """Identity cannot be judged yet: no history, or the approval is not committed, and unsigned."""
    if ws.config.gate.get("require_signed"):
        return False
    return commit is None and doc.get("signature") is None


@rule("PL901")
def unapproved_charter(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None or not isinstance(charter.data, dict) or ws.git is None:
        return  # without history an approval proven by its commit's author cannot be seen
    owner = charter.get("owner") if isinstance(charter.get("owner"), str) else "OWNER"
    judged = [(doc, *judge_in_check(ws, pilot, doc)) for doc in _charter_approvals(pilot)]
    current = [(doc, j, c) for doc, j, c in judged if not j.stale]
    if any(j.valid for _, j, _ in current) and not _rejected_last(current):
        return
    how = (f"run `pilotlint approve {pilot.id} --as {owner}` and commit the file as {owner} "
           "(or sign it with --sign KEYFILE)")
    if _rejected_last(current):
        message = f"the owner rejected the charter as it stands ({_latest(current)[0].path}); the gated fields " \
                  f"must change, or {how}"
    elif current:
        pending = [doc for doc, j, c in current if _identity_unknowable(ws, doc, c, j)]
        if pending and ws.git is not None:
            message = (f"{pending[0].path} is not committed yet, so nobody has proven who approved; commit "
                       f"it as {owner} (or sign it) for the charter to count as approved")
        else:
            message = (f"no approval of the charter as it stands counts ({current[0][1].reason}); {how}")
    elif judged:
        message = (f"the charter's gated fields changed after the last approval ({judged[-1][0].path} is stale); "
                   f"a gated change needs a fresh approval: {how}")
    else:
        message = (f"the charter's gated fields (owner, authority, use case, scope, vendors, data access, "
                   f"budget, scorecard, stop rules, status) are not approved: {how}")
    yield Hit(charter, (), message)


def _latest(current):
    return max(current, key=lambda item: (str(item[0].get("on")), item[0].path))


def _rejected_last(current) -> bool:
    """The latest proven decision on the charter as it stands is a rejection."""
    decided = [item for item in current if item[1].valid or item[1].problem == "rejected"]
    return bool(decided) and _latest(decided)[1].problem == "rejected"


@rule("PL902")
def approval_identity(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None:
        return
    for doc in _charter_approvals(pilot):
        judgement, commit = judge_in_check(ws, pilot, doc)
        if judgement.valid or judgement.stale or judgement.problem == "rejected":
            continue
        problem = judgement.problem or ""
        if "identity" in problem and _identity_unknowable(ws, doc, commit, judgement):
            if "person" not in problem:
                continue
            reason = judgement.reason.split("; unproven identity:")[0]
        else:
            reason = judgement.reason
        yield Hit(doc, ("approver",), f"this approval matches the charter as it stands but does not count: "
                  f"{reason}")
