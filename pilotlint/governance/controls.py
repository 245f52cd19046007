"""The three control checks before a pilot widens (the playbook's "quick checks").

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

from datetime import date
from typing import Any, Mapping, NamedTuple, Sequence

from pilotlint.documents.values import is_number as _is_number
from pilotlint.documents.values import parse_date as _date
from pilotlint.documents.values import plural
from pilotlint.documents.vocab import budget_components

CHECK_NAMES = {
    "stop_today": "One person can stop it today",
    "full_cost": "Finance sees the full monthly cost in one place",
    "old_process": "The team can return to the old process this week",
}
SAVED = ("data_export", "vendor_settings", "prompt_versions", "access_notes")
DEFAULT_DRILL_MAX_AGE_DAYS = 90


class Check(NamedTuple):
    """One control check: its key (`stop_today`, `full_cost`, `old_process`), its name in
    words, whether it passes, and the reason (what holds, or what is missing)."""

    key: str
    name: str
    ok: bool
    reason: str


def drill_max_age(config) -> int | float:
    """`gate.drill_max_age_days` of a configuration (the default when it is not a number)."""
    value = (getattr(config, "gate", None) or {}).get("drill_max_age_days", DEFAULT_DRILL_MAX_AGE_DAYS)
    return value if _is_number(value) else DEFAULT_DRILL_MAX_AGE_DAYS


class Drill(NamedTuple):
    """The rollback drills as of a day: the latest passed one, its age, whether it is fresh."""

    last: date | None
    index: int | None          # its position under `drills:`
    age: int | None
    fresh: bool
    max_age: int | float


def drill_state(rollback: Any, today: date, max_age) -> Drill:
    """The one reading of the drills that PL704, the gate's PL803 and the control check share:
    the latest passed drill dated on or before `today`, and whether it is within `max_age`
    days (a drill dated after today counts from its day on)."""
    drills = rollback.get("drills") if isinstance(rollback, Mapping) else None
    best: tuple[date, int] | None = None
    for index, drill in enumerate(drills if isinstance(drills, list) else ()):
        if not isinstance(drill, Mapping) or drill.get("passed") is not True:
            continue
        day = _date(drill.get("on"))
        if day is not None and day <= today and (best is None or day >= best[0]):
            best = (day, index)
    if best is None:
        return Drill(None, None, None, False, max_age)
    age = (today - best[0]).days
    return Drill(best[0], best[1], age, age <= max_age, max_age)


def control_checks(pilot, ws) -> list[Check]:
    """The three checks for a `model.Pilot` in a `workspace.Workspace` (people, gate settings, today)."""
    from pilotlint.governance.scorecard import current_notes

    return control_checks_data(
        pilot.charter.data if pilot.charter else None,
        pilot.rollback.data if pilot.rollback else None,
        [note.data for note in current_notes(pilot, ws.today)],
        today=ws.today,
        people=ws.config.people if ws.config.knows_people() else None,
        drill_max_age_days=drill_max_age(ws.config),
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
    missing = [c for c in budget_components() if not _is_number(components.get(c))]
    if missing:
        problems.append("the cap does not include " + ", ".join(m.replace("_", " ") for m in missing))
    elif _is_number(cap) and sum(components[c] for c in budget_components()) > cap:
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
    state = drill_state(rollback, today, max_age)
    drill = state.last
    if drill is None:
        problems.append("no passed rollback drill")
    elif not state.fresh:
        problems.append(f"the last passed drill ({drill.isoformat()}) is {plural(state.age, 'day')} old, "
                        f"more than {max_age:g}")
    good = "old workflow ready"
    if workflow is not None and isinstance(workflow.get("owner"), str):
        good += f" (owner {workflow['owner']})"
    good += "; saved state complete"
    if drill is not None:
        good += f"; drill passed {drill.isoformat()} ({plural((today - drill).days, 'day')} ago)"
    return _check("old_process", problems, good)


def last_drill(rollback: Any) -> Mapping | None:
    """The latest drill by date (passed or not), for display."""
    drills = rollback.get("drills") if isinstance(rollback, Mapping) else None
    dated = [(d, item) for item in (drills if isinstance(drills, list) else ())
             if isinstance(item, Mapping) and (d := _date(item.get("on"))) is not None]
    return max(dated, key=lambda pair: pair[0])[1] if dated else None
