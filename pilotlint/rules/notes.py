"""PL5xx: the weekly decision log — complete, on time, approved by the right person."""

from __future__ import annotations

import re
from datetime import timedelta

from pilotlint.rules import Hit, rule
from pilotlint.documents.model import Pilot
from pilotlint.documents.workspace import Workspace
from pilotlint.rules.ownership import charter_owner, person_text
from pilotlint.documents.values import iso_week as _iso_week
from pilotlint.documents.values import parse_date as _date
from pilotlint.documents.values import week_start as week_monday

_NOTE_KEYS = {
    "changes": ("what changed this week", "`changes: []` when nothing did"),
    "spend": ("spend against the cap", "`spend: {month_to_date: ..., forecast_month: ...}`"),
    "risks": ("open risks", "`risks: [{text: ..., severity: medium, owner: ..., status: open}]`"),
    "next_decision": ("the next decision that needs approval",
                      "`next_decision: {question: ..., approver: ..., due: YYYY-MM-DD}`"),
}
_CHANGE_KEYS = {"what": "what changed", "why": "why", "approved_by": "who approved it"}

# Areas of a change that only the owner may approve: the owner approves vendors, rejects or
# accepts scope, owns the budget, decides on data access and defines the metrics.
OWNER_AREAS = ("vendor", "scope", "data", "budget", "metrics")
_AREA_WORDS = {
    "vendor": re.compile(r"\b(?:vendors?|suppliers?|models?|tools?|subscriptions?|licen[cs]es?|api keys?)\b", re.I),
    "scope": re.compile(r"\b(?:scope|teams?|regions?|channels?|use cases?|capabilit\w*|auto[-_ ]?send\w*|"
                        r"human[-_ ]review|expand\w*|widen\w*|rollout|roll(?:ed)? out)\b", re.I),
    "data": re.compile(r"\b(?:data|datasets?|data sources?|crm|customer records|personal|access)\b", re.I),
    "budget": re.compile(r"\b(?:budget|cap|spend\w*|overage|costs?|pric\w+|contracts?|invoices?|"
                         r"purchas\w+|bought|buy)\b", re.I),
    "metrics": re.compile(r"\b(?:metrics?|scorecard|thresholds?|baselines?|success level|stop level)\b", re.I),
}
# "Raised the model usage budget" is about the budget: money words win over tool words.
_GUESS_ORDER = ("budget", "data", "scope", "metrics", "vendor")
_MAX_PERIODS = 5000  # a start date decades ago must not make the check slow
_LIST_MAX = 8


@rule("PL501")
def note_complete(pilot: Pilot, ws: Workspace):
    for note in pilot.notes:
        missing = [key for key in _NOTE_KEYS if note.get(key) is None]
        if missing:
            what = "; ".join(f"{_NOTE_KEYS[k][0]} ({_NOTE_KEYS[k][1]})" for k in missing)
            yield Hit(note, (), f"the weekly note does not record {what}; a short note that covers all four "
                      "is the pilot's decision log")
        for key, shape, words in (("changes", list, "a list"), ("risks", list, "a list"),
                                  ("spend", dict, "a mapping"), ("next_decision", dict, "a mapping")):
            value = note.get(key)
            if value is not None and not isinstance(value, shape):
                yield Hit(note, (key,), f"`{key}` should be {words}, e.g. {_NOTE_KEYS[key][1]}")
        decision = note.get("next_decision")
        if isinstance(decision, dict):
            lacking = [k for k in ("question", "approver") if person_text(decision.get(k)) is None]
            if lacking:
                yield Hit(note, ("next_decision",), "the next decision must say "
                          + " and ".join({"question": "what is to be decided (`question:`)",
                                          "approver": "who decides it (`approver:` a person id)"}[k]
                                         for k in lacking))


@rule("PL502")
def change_entry(pilot: Pilot, ws: Workspace):
    for note in pilot.notes:
        changes = note.get("changes")
        if not isinstance(changes, list):
            continue
        for index, change in enumerate(changes):
            if not isinstance(change, dict):
                yield Hit(note, ("changes", index), "each change is a mapping: `{what: ..., why: ..., approved_by: "
                          "..., effect: {cost: none, risk: lower}}`")
                continue
            missing = [words for key, words in _CHANGE_KEYS.items() if person_text(change.get(key)) is None]
            effect = change.get("effect")
            if not isinstance(effect, dict):
                missing.append("its effect on cost and risk (`effect: {cost: none, risk: lower}`)")
            else:
                lacking = [k for k in ("cost", "risk") if person_text(effect.get(k)) is None]
                if lacking:
                    missing.append(f"its effect on {' and '.join(lacking)} (`effect.{lacking[0]}:` none, lower, "
                                   "higher or unknown)")
            if missing:
                title = change.get("what") if isinstance(change.get("what"), str) else f"#{index + 1}"
                yield Hit(note, ("changes", index), f"the change \u201c{_short(title)}\u201d does not say "
                          f"{', '.join(missing[:-1]) + ' and ' if len(missing) > 1 else ''}{missing[-1]}; "
                          "each entry says what changed, why, who approved it and what it does to cost and risk")


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "\u2026"


@rule("PL503")
def note_cadence(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None or pilot.status not in ("active", "expanding"):
        return
    timeline = charter.get("timeline")
    if not isinstance(timeline, dict):
        return
    start = _date(timeline.get("start"))
    cadence = timeline.get("cadence_days", 7)
    if start is None or isinstance(cadence, bool) or not isinstance(cadence, int) or cadence <= 0:
        return
    due = max(0, (ws.today - start).days // cadence)
    covered = {monday for monday in (week_monday(n.get("week")) for n in pilot.notes) if monday}
    missing = []
    for k in range(max(0, due - _MAX_PERIODS), due):
        begin = start + timedelta(days=k * cadence)
        end = begin + timedelta(days=cadence)
        monday = begin - timedelta(days=begin.weekday())
        if not any(monday + timedelta(weeks=w) in covered for w in range((end - monday).days // 7 + 1)
                   if monday + timedelta(weeks=w) < end):
            missing.append((begin, end - timedelta(days=1)))
    if not missing:
        return
    listed = ", ".join(f"{_iso_week(b)} ({b.isoformat()} to {e.isoformat()})" for b, e in missing[:_LIST_MAX])
    more = f" and {len(missing) - _LIST_MAX} more" if len(missing) > _LIST_MAX else ""
    plural = "notes are" if len(missing) > 1 else "note is"
    where = ("timeline", "cadence_days") if "cadence_days" in timeline else ("timeline", "start")
    yield Hit(charter, where, f"weekly {plural} missing for {listed}{more}: the pilot is {pilot.status} and a "
              f"note is due every {cadence} days from {start.isoformat()}. Add a note for each "
              f"(`pilotlint note {pilot.id}` creates this week's) — a week without a note is a week nobody "
              "reviewed spend, risks or the next decision")


def change_area(change: dict) -> tuple[str | None, bool]:
    """The area of a change and whether it was written down (True) or guessed from its words."""
    area = change.get("area")
    if isinstance(area, str):
        return area, True
    text = change.get("what") if isinstance(change.get("what"), str) else ""
    for name in _GUESS_ORDER:
        if _AREA_WORDS[name].search(text):
            return name, False
    return None, False


@rule("PL504")
def approver_authority(pilot: Pilot, ws: Workspace):
    owner = charter_owner(pilot, ws)
    if owner is None:
        return
    for note in pilot.notes:
        changes = note.get("changes")
        if not isinstance(changes, list):
            continue
        for index, change in enumerate(changes):
            if not isinstance(change, dict):
                continue
            approved = person_text(change.get("approved_by"))
            if approved is None or approved == owner:
                continue  # a missing approver is PL502's finding
            area, written = change_area(change)
            if area not in OWNER_AREAS:
                continue
            how = f"is a {area} change (`area: {area}`)" if written else \
                f"reads as a {area} change (write `area:` if it is not one)"
            title = change.get("what") if isinstance(change.get("what"), str) else f"#{index + 1}"
            yield Hit(note, ("changes", index, "approved_by"), f"the change \u201c{_short(title)}\u201d {how} "
                      f"and is approved by `{approved}`; only the owner `{owner}` may approve "
                      f"vendor, scope, data, budget and metric changes — get {owner}'s approval and write "
                      f"`approved_by: {owner}`")


def known_metrics(charter) -> tuple[list[str], list[str]]:
    """(scorecard metric ids, derived metrics named by stop rules), in charter order."""
    scorecard = charter.get("scorecard") if charter else None
    ids = [m["id"] for m in scorecard if isinstance(m, dict) and isinstance(m.get("id"), str)] \
        if isinstance(scorecard, list) else []
    derived: list[str] = []
    stop_rules = charter.get("stop_rules") if charter else None
    for stop_rule in stop_rules if isinstance(stop_rules, list) else ():
        if isinstance(stop_rule, dict):
            for key in ("metric", "above_metric", "below_metric"):
                name = stop_rule.get(key)
                if isinstance(name, str) and name not in ids and name not in derived:
                    derived.append(name)
    return ids, derived


@rule("PL505")
def metric_readings(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None:
        return
    ids, derived = known_metrics(charter)
    known = set(ids) | set(derived)
    for note in pilot.notes:
        metrics = note.get("metrics")
        if not isinstance(metrics, dict):
            if ids or derived:
                yield Hit(note, ("metrics",), "the note reports no metric readings: add `metrics: {"
                          + ", ".join(f"{m}: ..." for m in [*ids, *derived]) + "}` — the scorecard is judged "
                          "on every metric together, every week")
            continue
        missing = [m for m in ids if m not in metrics]
        missing_derived = [m for m in derived if m not in metrics]
        if missing or missing_derived:
            parts = []
            if missing:
                parts.append(f"the scorecard metric{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
            if missing_derived:
                parts.append(f"the reading{'s' if len(missing_derived) > 1 else ''} "
                             f"{', '.join(missing_derived)} that a stop rule watches")
            yield Hit(note, ("metrics",), f"the note does not report {' or '.join(parts)}; add "
                      f"{', '.join(f'`{m}:`' for m in [*missing, *missing_derived])} under `metrics` — judging "
                      "one metric alone hides what the others show")
        for key in metrics:
            if isinstance(key, str) and (key in known or key.startswith("x-")):
                continue
            choices = ", ".join([*ids, *derived]) or "none on the scorecard"
            yield Hit(note, ("metrics", key), f"`{key}` is not a metric of this pilot (known: {choices}); fix the "
                      f"spelling, add it to the scorecard, or name it `x-{key}` to keep it as a free note",
                      key=True)
