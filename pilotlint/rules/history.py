"""Rules that read git history: PL202 scope-freeze.

During a charter's `freeze` window, `use_case`, `scope`, `vendors` and `data_access`
must not change. `check` reports (a) commits whose committer date lies inside a window
and that changed one of those fields — as history: commit dates are self-asserted, so
`gate` judges a pull request by `--today` instead (PL806) — and (b) uncommitted changes
of those fields (the work tree against HEAD) while a window is on by `--today`.

The commits come from the workspace's one streamed pass over history
(`pilotlint.history.facts`); only the versions of a frozen charter changed by a commit
dated inside one of its windows are read and compared.
"""

from __future__ import annotations

from datetime import date, datetime

from pilotlint.documents.load import LoadError, load_text, read_text
from pilotlint.documents.model import Pilot
from pilotlint.documents.values import parse_date
from pilotlint.documents.vocab import FREEZE_FIELDS
from pilotlint.documents.workspace import Workspace
from pilotlint.history.semdiff import diff_documents, resolve
from pilotlint.rules import Hit, rule


def windows(charter) -> list[tuple[int, date, date, str]]:
    """(index, from, to, reason) of each well-formed freeze window of a charter."""
    out = []
    items = charter.get("freeze") if charter is not None else None
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if not isinstance(item, dict):
            continue
        start, end = parse_date(item.get("from")), parse_date(item.get("to"))
        if start and end and start <= end:
            reason = item.get("reason")
            out.append((index, start, end, reason if isinstance(reason, str) else ""))
    return out


def frozen_changes(old, new) -> list:
    if old is None or new is None:
        return []
    return [c for c in diff_documents(old, new, path="") if c.top in FREEZE_FIELDS]


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


def _parse(raw, limits):
    if raw is None:
        return None
    try:
        return load_text(read_text(raw, limits), limits, positions=False).data
    except LoadError:
        return None


@rule("PL202")
def scope_freeze(pilot: Pilot, ws: Workspace):
    history = ws.history
    charter = pilot.charter
    if history is None or charter is None:
        return
    spans = windows(charter)
    if not spans:
        return
    limits = ws.config.limits
    blobs = history.repo.blobs  # started when a version is read, not before
    for touch in history.touches(charter.path):
        if touch.status not in ("M", "T"):
            continue  # the commit that creates a charter is not a change during its freeze
        try:
            when = datetime.fromisoformat(touch.commit.committer_date).date()
        except ValueError:
            continue
        inside = [w for w in spans if w[1] <= when <= w[2]]
        if not inside:
            continue
        versions = blobs().read_many([o for o in (touch.old_oid, touch.new_oid) if o], max_bytes=limits["max_file_bytes"])
        changed = frozen_changes(_parse(versions.get(touch.old_oid), limits), _parse(versions.get(touch.new_oid), limits))
        if not changed:
            continue
        window = inside[0]
        commit = touch.commit
        yield Hit(charter, ("freeze", window[0]),
                  f"commit {commit.sha[:12]} dated {when} by {commit.author_name} <{commit.author_email}> "
                  f"(\"{commit.subject[:80]}\") changed {_fields(changed)} during the scope freeze "
                  f"{_window_text(window)}. This is history: the owner should review the change and, "
                  "if it stands, record the decision in the weekly note; a new freeze-field change "
                  "waits until the window ends")
    on = [w for w in spans if w[1] <= ws.today <= w[2]]
    if not on or history.is_committed(charter.path, charter.oid):
        return
    committed = history.committed_oid(charter.path)
    before = _parse(blobs().read(committed, max_bytes=limits["max_file_bytes"]), limits) if committed else None
    for change in frozen_changes(before, charter.data):
        yield Hit(charter, resolve(charter.data, change.where),
                  f"`{change.field}` is changed (not yet committed) while the scope freeze "
                  f"{_window_text(on[0])} is on (today {ws.today}); undo the change "
                  f"(`git checkout -- {charter.shown}`) or wait until the window ends on {on[0][2]}")
