"""Rules that read git history: PL202 scope-freeze.

During a charter's `freeze` window, `use_case`, `scope`, `vendors` and `data_access` must
not change. `check` reports (a) commits whose committer date lies inside a window and that
changed one of those fields — as history: commit dates are self-asserted, so `gate` judges
a pull request by `--today` instead (PL806) — and (b) uncommitted changes of those fields
(work tree against HEAD) while a window is on by `--today`.

One `git log` over the charters of every pilot with a freeze window (not one per pilot),
blobs through the repository's single `git cat-file --batch` process. Commit dates are
filtered here, not with `git log --since`, which stops at the first older commit and so
could miss a commit back-dated behind it.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pilotlint.engine import Hit, rule

FREEZE_FIELDS = ("use_case", "scope", "vendors", "data_access")


def _day(value) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def windows(charter) -> list[tuple[int, date, date, str]]:
    """(index, from, to, reason) of each well-formed freeze window of a charter."""
    out = []
    items = charter.get("freeze") if charter is not None else None
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if not isinstance(item, dict):
            continue
        start, end = _day(item.get("from")), _day(item.get("to"))
        if start and end and start <= end:
            reason = item.get("reason")
            out.append((index, start, end, reason if isinstance(reason, str) else ""))
    return out


def _frozen_changes(old, new) -> list:
    from pilotlint.history.semdiff import diff_documents

    if old is None or new is None:
        return []
    return [c for c in diff_documents(old, new, path="") if c.field.split(".", 1)[0].split("[", 1)[0]
            in FREEZE_FIELDS]


def _fields(changes) -> str:
    names = []
    for change in changes:
        if change.field not in names:
            names.append(change.field)
    shown = ", ".join(f"`{n}`" for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _window_text(window) -> str:
    _, start, end, reason = window
    return f"{start}..{end}" + (f" ({reason})" if reason else "")


@rule("PL202", scope="workspace")
def scope_freeze(ws):
    repo = ws.git
    if repo is None:
        return
    from pilotlint.history.git import GitError
    from pilotlint.history.revdocs import parse_document

    frozen = {}  # repository path of the charter -> (charter document, its windows)
    for pilot in ws.pilots.values():
        charter = pilot.charter
        spans = windows(charter) if charter is not None else []
        if spans:
            try:
                relative = (Path(ws.root) / charter.path).resolve().relative_to(repo.root.resolve()).as_posix()
            except (ValueError, OSError):
                continue
            frozen[relative] = (charter, spans)
    if not frozen:
        return
    limits = ws.config.limits
    try:
        head = repo.resolve("HEAD")
        yield from _history(repo, head, frozen, limits, parse_document)
        yield from _uncommitted(repo, head, frozen, limits, ws.today, parse_document)
    except GitError:
        return  # history cannot be read here (checked as far as it could be)


def _history(repo, head, frozen, limits, parse_document):
    blobs = repo.blobs()

    def load(oid):
        if oid is None:
            return None
        return parse_document(blobs.read(oid, max_bytes=limits["max_file_bytes"]), limits)[0]

    for commit in repo.iter_commits(None, head, sorted(frozen)):
        try:
            when = datetime.fromisoformat(commit.committer_date).date()
        except ValueError:
            continue
        for file in commit.changes:
            if file.path not in frozen or file.status not in ("M", "T"):
                continue  # the commit that creates a charter is not a change during its freeze
            charter, spans = frozen[file.path]
            inside = [w for w in spans if w[1] <= when <= w[2]]
            if not inside:
                continue
            changed = _frozen_changes(load(file.old_oid), load(file.new_oid))
            if not changed:
                continue
            window = inside[0]
            yield Hit(charter, ("freeze", window[0]),
                      f"commit {commit.sha[:12]} dated {when} by {commit.author_name} <{commit.author_email}> "
                      f"(\"{commit.subject[:80]}\") changed {_fields(changed)} during the scope freeze "
                      f"{_window_text(window)}. This is history: the owner should review the change and, "
                      "if it stands, record the decision in the weekly note; a new freeze-field change "
                      "waits until the window ends")


def _uncommitted(repo, head, frozen, limits, today, parse_document):
    on = {path: [w for w in spans if w[1] <= today <= w[2]] for path, (_, spans) in frozen.items()}
    on = {path: spans for path, spans in on.items() if spans}
    if not on:
        return
    for path in repo.uncommitted(sorted(on)):
        if path not in on:
            continue
        charter, _ = frozen[path]
        committed = parse_document(repo.read(head, path), limits)[0]
        for change in _frozen_changes(committed, charter.data):
            yield Hit(charter, _node(charter, change.field),
                      f"`{change.field}` is changed (not yet committed) while the scope freeze "
                      f"{_window_text(on[path][0])} is on (today {today}); undo the change "
                      f"(`git checkout -- {path}`) or wait until the window ends on {on[path][0][2]}")


def _node(charter, field: str) -> tuple:
    """The nearest node of the current charter for a dotted field (items by id/name/source)."""
    path: list = []
    node = charter.data
    for part in field.replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("["):
            ident = part[1:-1]
            if not isinstance(node, list):
                break
            index = next((i for i, item in enumerate(node) if isinstance(item, dict)
                          and any(str(item.get(k)) == ident for k in ("id", "name", "source"))),
                         int(ident) if ident.isdigit() and int(ident) < len(node) else None)
            if index is None:
                break
            path.append(index)
            node = node[index]
        else:
            if not isinstance(node, dict) or part not in node:
                break
            path.append(part)
            node = node[part]
    return tuple(path)
