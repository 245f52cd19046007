"""What the site shows, as plain values, from the engine's run.

This is the one module of `pilotlint.site` that knows the engine. It reads what the
engine hands to `visit` for each pilot (the pilot, its findings in force and suppressed)
through the same functions as `status` and `summary`:

- `pilotlint.cli.status.status_row`: the portfolio's columns;
- `pilotlint.report.summary.summary_context`: what the one-page summary says;
- `pilotlint.governance.scorecard`: the week-by-week verdict and readings;
- `pilotlint.history.decisionlog.DecisionLog`: the decision log from git, read in one
  pass for every pilot at once.

Values are *unescaped* document text, numbers and dates, like `summary_context`'s: the
templates escape them for HTML on output.
"""

from __future__ import annotations

import hashlib
import re
from typing import Mapping

from pilotlint.documents.values import is_number

MAX_WEEKS = 26        # weeks shown in the charts: half a year of weekly notes
SITE_LOG_ENTRIES = 10  # decision-log entries on a pilot's page (the printed page keeps 5)
APPROVAL_RULE = "PL901"  # "the charter as it stands is not approved"

_SAFE_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?")


def slug(pilot_id: str) -> str:
    """A file name for a pilot's page that is the same on every file system: the id when it
    is lower-case letters, digits, `-` and `_` (what the schema allows), else a cleaned
    form plus a hash of the id, so two odd ids never share a page and none leaves OUTDIR."""
    if _SAFE_SLUG.fullmatch(pilot_id):
        return pilot_id
    clean = re.sub(r"[^a-z0-9]+", "-", pilot_id.lower()).strip("-")[:40] or "pilot"
    digest = hashlib.sha256(pilot_id.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{clean}-{digest}"


def approval_state(pilot_findings, pilot_suppressed, has_history: bool) -> str:
    """`approved`, `not approved`, or `unknown` (without git history an approval proven by
    the commit that added it cannot be seen, and the check does not judge it)."""
    if any(f.rule == APPROVAL_RULE for f in [*pilot_findings, *pilot_suppressed]):
        return "not approved"
    return "approved" if has_history else "unknown"


def portfolio_row(pilot, findings, suppressed, ws) -> dict | None:
    """A pilot's row (None without a charter): `status` JSON's row plus what the page needs."""
    from pilotlint.cli.status import status_row
    from pilotlint.report.summary import person_name

    if pilot.charter is None:
        return None
    row = status_row(pilot, findings, ws.today)
    title = pilot.charter.get("title")
    budget = pilot.charter.get("budget")
    currency = budget.get("currency") if isinstance(budget, Mapping) else None
    return {**row,
            "slug": slug(row["pilot"]),
            "title": title if isinstance(title, str) else None,
            "owner_name": person_name(ws, row["owner"]) if row["owner"] else None,
            "currency": currency if isinstance(currency, str) else "",
            "approval": approval_state(findings, suppressed, ws.history is not None),
            "open": row["errors"] + row["warnings"]}


def weeks(pilot, today) -> list[dict]:
    """The pilot's weekly notes, oldest first (the last MAX_WEEKS): spend, readings, verdict."""
    from pilotlint.governance.scorecard import current_notes, readings, verdict

    charter = pilot.charter.data if pilot.charter else None
    out = []
    for note in current_notes(pilot, today)[-MAX_WEEKS:]:
        spend = note.get("spend")
        spend = spend if isinstance(spend, Mapping) else {}
        values = readings(note.data)
        out.append({
            "week": note.get("week"),
            "month_to_date": spend.get("month_to_date") if is_number(spend.get("month_to_date")) else None,
            "forecast": spend.get("forecast_month") if is_number(spend.get("forecast_month")) else None,
            "readings": {k: v for k, v in values.items() if isinstance(k, str) and is_number(v)},
            "verdict": verdict(charter, note.data),
        })
    return out


def pilot_page(pilot, ws, findings, suppressed, log_entries: list[dict] | None) -> dict:
    """Everything a pilot's page shows: the summary's context plus the weekly series."""
    from pilotlint.report.summary import summary_context

    context = summary_context(pilot, ws, findings, suppressed, log_entries)
    return {"summary": context, "weeks": weeks(pilot, ws.today), "slug": slug(pilot.id),
            "log": log_entries, "approval": approval_state(findings, suppressed, ws.history is not None)}


def decision_logs(ws, pilot_ids, limit: int = SITE_LOG_ENTRIES) -> dict[str, list[dict]] | None:
    """The latest `limit` decision-log entries of every pilot, newest first, from one walk of
    the history (a walk per pilot would read it a thousand times for a thousand pilots).
    The walk stops once every pilot has its entries. None without a readable history."""
    if ws.history is None:
        return None
    from pilotlint.history.decisionlog import DecisionLog
    from pilotlint.history.git import GitError

    wanted = set(pilot_ids)
    logs: dict[str, list[dict]] = {p: [] for p in wanted}
    full = 0
    try:
        repo = ws.history.repo
        for entry in DecisionLog(repo, ws.config).entries(repo.head()):
            for pilot in entry.get("pilots") or ():
                if pilot in wanted and len(logs[pilot]) < limit:
                    logs[pilot].append(_log_row(entry))
                    full += len(logs[pilot]) == limit
            if full == len(wanted):
                break
    except (GitError, OSError, ValueError):
        return None  # no commits yet, or a history that cannot be read
    return logs


def _log_row(entry: Mapping) -> dict:
    """The fields `summary`'s decision log shows (see cli.summary.decision_log)."""
    author = entry.get("author") or {}
    return {"date": str(entry.get("date") or "")[:10], "author": author.get("name") or author.get("email"),
            "verified": entry.get("signature") == "good", "subject": entry.get("subject"),
            "commit": str(entry.get("commit") or "")[:12]}
