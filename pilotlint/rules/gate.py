"""PL801–PL807: the expansion gate, as rules over a pull request's range.

Each rule is a function of one pilot's `PilotDelta` (the pilot at base and at head, the
semantic changes, who must approve, the decisions) and the `Range`; PL807 is a function
of the range's configuration change. They read the same pure judgements as everything
else: the scorecard verdict (`governance.scorecard`), the drills and the three control
checks (`governance.controls`), the approvals (`history.approvals`).
"""

from __future__ import annotations

from typing import Mapping

from pilotlint.documents.values import parse_date, plural, yaml_text
from pilotlint.documents.vocab import FREEZE_FIELDS
from pilotlint.governance.controls import control_checks, drill_max_age, drill_state
from pilotlint.governance.scorecard import current_notes, verdict
from pilotlint.history import approvals as appr
from pilotlint.history.semdiff import resolve, same
from pilotlint.rules import Hit, rule
from pilotlint.rules.approvals import missing_groups, range_judge, why_not


def _describe(change) -> str:
    """`scope.regions added Nordics`, `budget.monthly_cap changed from 2500 to 4000`."""
    field = change.field or ("a new charter" if change.change == "added" else "the charter")
    if change.change == "changed":
        what = f"changed from {_short(change.from_)} to {_short(change.to)}"
    elif change.change == "added":
        what = "added" + (f" {_short(change.to)}" if change.where else "")
    else:
        what = "removed" + (f" {_short(change.from_)}" if change.where else "")
    return f"{field} {what}" + (f" ({change.why})" if change.why and not change.where else "")


def _short(value) -> str:
    shown = yaml_text(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


@rule("PL801", scope="range")
def expansion_unapproved(delta, rng):
    charter = delta.charter
    if charter is None or not delta.expansions or delta.renamed_to:
        return
    missing = missing_groups(delta, rng)
    if not missing:
        return
    expansions = delta.expansions
    listed = "; ".join(_describe(c) for c in expansions[:8]) + (" ..." if len(expansions) > 8 else "")
    yield Hit(charter, resolve(charter.data, expansions[0].where),
              f"this pull request widens {delta.id} ({listed}) without a valid approval of the charter as it "
              f"stands: {why_not(delta, rng, missing)}")


def _widening(delta):
    """The head pilot when the range widens it (the PL802–PL805 checks apply)."""
    if delta.charter is None or not delta.expansions or delta.head is None:
        return None
    return delta.head


@rule("PL802", scope="range")
def expansion_unproven(delta, rng):
    pilot = _widening(delta)
    if pilot is None:
        return
    notes = current_notes(pilot, rng.today)
    latest = notes[-1] if notes else None
    call = verdict(pilot.charter.data, latest.data if latest else None)
    if call != "expand":
        where = f"the latest note ({latest.get('week')})" if latest else "no weekly note yet"
        yield Hit(pilot.charter, ("scorecard",), f"{delta.id} widens but the scorecard says `{call}` for {where}: "
                  "every metric must be at its success level in the latest note before the pilot widens")


@rule("PL803", scope="range")
def expansion_no_drill(delta, rng):
    pilot = _widening(delta)
    if pilot is None:
        return
    max_age = drill_max_age(rng.config)
    state = drill_state(pilot.rollback.data if pilot.rollback else None, rng.today, max_age)
    if state.fresh:
        return
    target = pilot.rollback or pilot.charter
    last = f"; the last passed drill is from {state.last.isoformat()}, {plural(state.age, 'day')} ago" if state.last else ""
    yield Hit(target, ("drills",) if pilot.rollback else ("rollback",),
              f"{delta.id} widens but no rollback drill passed within {max_age:g} days of "
              f"{rng.today.isoformat()} (gate.drill_max_age_days){last}; run a drill and record it under "
              "`drills:` with `passed: true`")


_CHECK_NODES = {"stop_today": ("charter", ("owner",)), "full_cost": ("charter", ("budget",)),
                "old_process": ("rollback", ("old_workflow",))}


@rule("PL804", scope="range")
def expansion_controls(delta, rng):
    pilot = _widening(delta)
    if pilot is None:
        return
    for check in control_checks(pilot, rng.head):
        if check.ok:
            continue
        kind, path = _CHECK_NODES[check.key]
        doc = pilot.rollback if kind == "rollback" and pilot.rollback else pilot.charter
        yield Hit(doc, path if doc is not pilot.charter or kind == "charter" else ("rollback",),
                  f"{delta.id} widens but the control check \u201c{check.name}\u201d fails: {check.reason}")


def _sources(doc) -> dict:
    value = doc.get("data_access") if doc is not None else None
    return {str(i.get("source")): (n, i) for n, i in enumerate(value) if isinstance(i, Mapping)} \
        if isinstance(value, list) else {}


@rule("PL805", scope="range")
def expansion_data(delta, rng):
    pilot = _widening(delta)
    if pilot is None:
        return
    charter, base = pilot.charter, delta.base_charter
    head_items, base_items = _sources(charter), _sources(base)
    widened = []
    for change in delta.expansions:
        where = change.where
        if where and where[0] == "data_access" and len(where) >= 2:
            source = str(where[1])
            if source not in widened:
                widened.append(source)
        elif not where and change.kind == "Charter":  # a new or renamed charter: all its sources are new
            widened.extend(s for s in head_items if s not in widened)
    for source in widened:
        if source not in head_items:
            continue
        index, item = head_items[source]
        review = item.get("legal_review")
        ok = isinstance(review, Mapping) and isinstance(review.get("by"), str) and parse_date(review.get("on"))
        if not ok:
            yield Hit(charter, ("data_access", index),
                      f"{delta.id} widens its use of the data source {source} but it has no legal review: add "
                      "`legal_review: {by: LEGAL_REVIEWER, on: YYYY-MM-DD}`")
        elif source in base_items and same(base_items[source][1].get("legal_review"), review):
            yield Hit(charter, ("data_access", index, "legal_review"),
                      f"the access to {source} widens but its legal review is the one given for the narrower "
                      "use; record a new review of the wider access (`legal_review.on`)")


@rule("PL806", scope="range")
def expansion_in_freeze(delta, rng):
    charter = delta.charter
    if charter is None:
        return
    frozen = [c for c in delta.changes if c.kind == "Charter" and c.top in FREEZE_FIELDS]
    if not frozen:
        return
    origin = rng.base.pilot(delta.origin) if delta.origin else None
    docs = [d for d in (delta.base_charter, origin.charter if origin else None, charter) if d is not None]
    for doc in docs:  # a window the pull request removes still holds: the base's count as well
        value = doc.get("freeze")
        for window in value if isinstance(value, list) else ():
            if not isinstance(window, Mapping):
                continue
            start, end = parse_date(window.get("from")), parse_date(window.get("to"))
            if start and end and start <= rng.today <= end:
                fields = ", ".join(sorted({c.top for c in frozen}))
                reason = f" ({window.get('reason')})" if isinstance(window.get("reason"), str) else ""
                yield Hit(charter, resolve(charter.data, frozen[0].where),
                          f"{delta.id} is in a scope freeze from {window.get('from')} to {window.get('to')}{reason} "
                          f"on {rng.today.isoformat()}, and this pull request changes {fields}; wait until the "
                          "window ends (commit dates do not count: the gate judges by the day it runs)")
                return


@rule("PL807", scope="config")
def config_change(rng):
    delta = rng.config_delta
    if not delta.changed:
        return
    config = rng.config
    admins = {a for a in config.admins if isinstance(a, str)}
    who = ("a person listed under `admins:` in the base configuration "
           f"({', '.join(sorted(admins)) or 'nobody is listed'}) must approve")

    def judge_one(decision):
        return appr.judge(decision, expected=delta.expected, allowed=admins, who=who, people=config.people,
                          require_signed=bool(config.gate.get("require_signed")), today=rng.today)

    result = appr.verdict(admins, delta.decisions, judge_one, rng.today)
    if result.approved and delta.problem is None:
        return
    why = f"unreadable: {delta.problem}" if delta.problem else result.why
    removed = [d.shown for d in delta.removed_decisions]
    if removed:
        why += f"; it deletes or rewrites the approval {', '.join(removed[:3])}"
    names = ", ".join(sorted(admins)) or "nobody (the base has no `admins:`)"
    yield Hit(delta.doc, (), f"this pull request changes {delta.rel} or the policy files it names ({why}); an "
              f"admin of the base configuration ({names}) must run `pilotlint approve --config --as ADMIN` on "
              "this branch and commit the file as themselves (or sign it)")


@rule("PL902", scope="config")
def config_approval_identity(rng):
    delta = rng.config_delta
    config = rng.config
    admins = {a for a in config.admins if isinstance(a, str)}
    who = ("a person listed under `admins:` in the base configuration "
           f"({', '.join(sorted(admins)) or 'nobody is listed'}) must approve")
    for decision in delta.decisions:
        if not decision.fresh:
            continue
        judgement = appr.judge(decision, expected=delta.expected, allowed=admins, who=who, people=config.people,
                               require_signed=bool(config.gate.get("require_signed")), today=rng.today)
        if judgement.current and set(judgement.problems) & {"person", "identity"}:
            yield Hit(decision.doc, ("approver",), f"this approval matches the configuration as it stands but "
                      f"does not count: {judgement.reason}")


__all__ = ["range_judge"]
