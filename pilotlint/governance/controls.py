"""The three control checks before a pilot widens (SPEC §1.9, the playbook's "quick checks").

1. **One person can stop it today** — one owner holding `pause`, and a rollback plan that
   names one decision maker and what is switched off first.
2. **Finance sees the full monthly cost in one place** — one monthly cap whose components
   cover software, model usage, outside help and staff time and add up to no more than the
   cap, a finance reviewer, and (once the pilot runs) the latest weekly note reporting
   month-to-date spend and the month's forecast against that cap.
3. **The team can return to the old process this week** — the old workflow has an owner
   and tools and is marked ready, the saved state (data export, vendor settings, prompt
   versions, access notes) has locations, and a rollback drill passed within
   `gate.drill_max_age_days` (default 90) of `--today`.

Pure functions over plain document data: the summary shows these checks and the gate's
PL804 reuses them, so both say the same thing. Malformed values count as missing, never
raise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping, Sequence

from pilotlint.governance.scorecard import parse_date as _date  # YYYY-MM-DD only, as the schema

CHECK_NAMES = {
    "stop_today": "One person can stop it today",
    "full_cost": "Finance sees the full monthly cost in one place",
    "old_process": "The team can return to the old process this week",
}
COMPONENTS = ("software", "model_usage", "outside_help", "staff_time")
SAVED = ("data_export", "vendor_settings", "prompt_versions", "access_notes")
DEFAULT_DRILL_MAX_AGE_DAYS = 90


@dataclass(frozen=True)
class Check:
    """One control check: its key (`stop_today`, `full_cost`, `old_process`), its name in
    words, whether it passes, and the reason (what holds, or what is missing)."""

    key: str
    name: str
    ok: bool
    reason: str


def control_checks(pilot, ws) -> list[Check]:
    """The three checks for a `model.Pilot` in a `model.Workspace` (people, gate settings, today)."""
    gate = getattr(ws.config, "gate", None) or {}
    return control_checks_data(
        pilot.charter.data if pilot.charter else None,
        pilot.rollback.data if pilot.rollback else None,
        [note.data for note in pilot.sorted_notes()],
        today=ws.today,
        people=ws.config.people if ws.config.knows_people() else None,
        drill_max_age_days=gate.get("drill_max_age_days", DEFAULT_DRILL_MAX_AGE_DAYS),
    )


def control_checks_data(charter: Any, rollback: Any, notes: Sequence[Any], *, today: date,
                        people: Mapping | None = None,
                        drill_max_age_days: Any = DEFAULT_DRILL_MAX_AGE_DAYS) -> list[Check]:
    """The three checks from document data: the charter's and rollback plan's mappings
    (None when missing), the notes' mappings oldest week first, the day of the check, the
    configured people (None: any id is accepted) and `gate.drill_max_age_days`."""
    charter = charter if isinstance(charter, Mapping) else {}
    rollback = rollback if isinstance(rollback, Mapping) else None
    notes = [n for n in notes if isinstance(n, Mapping)]
    max_age = drill_max_age_days if _is_number(drill_max_age_days) else DEFAULT_DRILL_MAX_AGE_DAYS
    return [
        _stop_today(charter, rollback, people),
        _full_cost(charter, notes),
        _old_process(rollback, today, max_age, people),
    ]


def _check(key: str, problems: list[str], good: str) -> Check:
    if problems:
        return Check(key, CHECK_NAMES[key], False, "; ".join(problems))
    return Check(key, CHECK_NAMES[key], True, good)


def _person(value: Any, people: Mapping | None) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    if people is not None and value not in people:
        return None
    return value


def _stop_today(charter: Mapping, rollback: Mapping | None, people: Mapping | None) -> Check:
    problems = []
    owner = _person(charter.get("owner"), people)
    authority = charter.get("authority")
    if owner is None:
        problems.append("no single owner who is a known person")
    elif not isinstance(authority, list) or "pause" not in authority:
        problems.append(f"the owner {owner} does not hold `pause`")
    maker = switch_off = None
    if rollback is None:
        problems.append("no rollback plan says who makes the call and what is switched off first")
    else:
        maker = _person(rollback.get("decision_maker"), people)
        steps = rollback.get("switch_off")
        switch_off = [s for s in steps if isinstance(s, str) and s.strip()] if isinstance(steps, list) else []
        if maker is None:
            problems.append("the rollback plan names no single decision maker")
        if not switch_off:
            problems.append("the rollback plan does not say what is switched off first")
    good = (f"{owner} holds `pause`; {maker} makes the rollback call; "
            f"{len(switch_off or ())} switch-off step{'s' if len(switch_off or ()) != 1 else ''} written")
    return _check("stop_today", problems, good)


def _full_cost(charter: Mapping, notes: list[Mapping]) -> Check:
    problems = []
    budget = charter.get("budget") if isinstance(charter.get("budget"), Mapping) else {}
    cap = budget.get("monthly_cap")
    components = budget.get("components") if isinstance(budget.get("components"), Mapping) else {}
    if not _is_number(cap):
        problems.append("no monthly cap")
    missing = [c for c in COMPONENTS if not _is_number(components.get(c))]
    if missing:
        problems.append("the cap does not include " + ", ".join(m.replace("_", " ") for m in missing))
    elif _is_number(cap) and sum(components[c] for c in COMPONENTS) > cap:
        problems.append("the components add up to more than the cap")
    reviewers = charter.get("reviewers")
    if not (isinstance(reviewers, Mapping) and isinstance(reviewers.get("finance"), str)):
        problems.append("no finance reviewer")
    status = charter.get("status")
    latest = notes[-1] if notes else None
    spend = latest.get("spend") if latest else None
    reported = isinstance(spend, Mapping) and _is_number(spend.get("month_to_date")) \
        and _is_number(spend.get("forecast_month"))
    if latest is None and status not in (None, "proposed"):
        problems.append("no weekly note reports spend against the cap")
    elif latest is not None and not reported:
        problems.append(f"the latest note ({latest.get('week', '?')}) does not report month-to-date spend "
                        "and the forecast")
    good = "one cap covers software, model usage, outside help and staff time"
    if reported:
        good += f"; {latest.get('week')} reports month to date and forecast"
    return _check("full_cost", problems, good)


def _old_process(rollback: Mapping | None, today: date, max_age, people: Mapping | None) -> Check:
    if rollback is None:
        return _check("old_process", ["no rollback plan names the old workflow"], "")
    problems = []
    workflow = rollback.get("old_workflow") if isinstance(rollback.get("old_workflow"), Mapping) else None
    if workflow is None:
        problems.append("no old workflow is written down")
    else:
        tools = workflow.get("tools")
        if _person(workflow.get("owner"), people) is None:
            problems.append("the old workflow has no owner")
        if not (isinstance(tools, list) and any(isinstance(t, str) and t.strip() for t in tools)):
            problems.append("the old workflow lists no tools")
        if workflow.get("ready") is not True:
            problems.append("the old workflow is not marked `ready: true`")
    saved = rollback.get("saved") if isinstance(rollback.get("saved"), Mapping) else {}
    unsaved = [key for key in SAVED if not (isinstance(saved.get(key), Mapping)
                                            and isinstance(saved[key].get("location"), str)
                                            and saved[key]["location"].strip())]
    if unsaved:
        problems.append("no saved " + ", ".join(k.replace("_", " ") for k in unsaved))
    drill = last_passed_drill(rollback, today)
    if drill is None:
        problems.append("no passed rollback drill")
    elif (today - drill).days > max_age:
        problems.append(f"the last passed drill ({drill.isoformat()}) is {(today - drill).days} days old, "
                        f"more than {max_age:g}")
    good = "old workflow ready"
    if workflow is not None and isinstance(workflow.get("owner"), str):
        good += f" (owner {workflow['owner']})"
    good += "; saved state complete"
    if drill is not None:
        good += f"; drill passed {drill.isoformat()} ({(today - drill).days} days ago)"
    return _check("old_process", problems, good)


def last_passed_drill(rollback: Any, today: date) -> date | None:
    """The date of the latest passed drill on or before `today`, or None."""
    drills = rollback.get("drills") if isinstance(rollback, Mapping) else None
    best = None
    for drill in drills if isinstance(drills, list) else ():
        if not isinstance(drill, Mapping) or drill.get("passed") is not True:
            continue
        day = _date(drill.get("on"))
        if day is not None and day <= today and (best is None or day > best):
            best = day
    return best


def last_drill(rollback: Any) -> Mapping | None:
    """The latest drill by date (passed or not), for display."""
    drills = rollback.get("drills") if isinstance(rollback, Mapping) else None
    dated = [(d, item) for item in (drills if isinstance(drills, list) else ())
             if isinstance(item, Mapping) and (d := _date(item.get("on"))) is not None]
    return max(dated, key=lambda pair: pair[0])[1] if dated else None




def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
