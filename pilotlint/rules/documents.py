"""PL0xx rules that need more than one file: people, references between documents, one
charter per pilot, and dates that have not come yet."""

from __future__ import annotations

import posixpath

from pilotlint.documents.source import FILE, display, normalise
from pilotlint.documents.values import parse_date, week_start
from pilotlint.history.approvals import charter_hash
from pilotlint.rules import Hit, rule
from pilotlint.documents.model import Pilot
from pilotlint.documents.workspace import Workspace

# Where person ids appear, by kind: paths with `*` for "every item / every value".
PERSON_FIELDS = {
    "Charter": [("owner",), ("oversight",), ("reviewers", "*"), ("vendors", "*", "approved_by"),
                ("data_access", "*", "legal_review", "by"), ("budget", "overage", "approver"),
                ("decisions", "*", "by"), ("incident", "notify", "*")],
    "WeeklyNote": [("changes", "*", "approved_by"), ("spend", "overage", "approved_by"), ("risks", "*", "owner"),
                   ("next_decision", "approver")],
    "RollbackPlan": [("decision_maker",), ("old_workflow", "owner"), ("failure_response", "alert"),
                     ("failure_response", "decides"), ("drills", "*", "participants", "*")],
    "Approval": [("approver",)],
}


def values_at(data, pattern: tuple, prefix: tuple = ()):
    """Yield (path, value) for every node matching `pattern` (`*`: each item or value)."""
    if not pattern:
        yield prefix, data
        return
    step, rest = pattern[0], pattern[1:]
    if step == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from values_at(item, rest, prefix + (index,))
        elif isinstance(data, dict):
            for key, item in data.items():
                yield from values_at(item, rest, prefix + (key,))
    elif isinstance(data, dict) and step in data:
        yield from values_at(data[step], rest, prefix + (step,))


@rule("PL005")
def unknown_person(pilot: Pilot, ws: Workspace):
    if not ws.config.knows_people():
        if pilot.charter:
            yield Hit(pilot.charter, ("owner",), "no .pilotlint.yaml defines the people of this repository, so "
                      "person ids cannot be checked; add one with a `people:` section", severity="warning")
        return
    for doc in pilot.documents:
        for pattern in PERSON_FIELDS.get(doc.kind, ()):
            for path, value in values_at(doc.data, pattern):
                if isinstance(value, str) and value not in ws.config.people:
                    known = ", ".join(sorted(ws.config.people)) or "none"
                    yield Hit(doc, path, f"`{value}` is not a person defined in .pilotlint.yaml (`people:`); "
                              f"use one of: {known}, or add them there")


@rule("PL006")
def dangling_reference(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None:
        if pilot.id in getattr(ws, "unknown_kind", ()):
            return  # a document of this pilot has a kind nobody knows (PL003): likely the charter itself
        for doc in pilot.documents:
            if doc.kind == "Approval" and doc.get("covers") == _DELETION:
                continue  # an approval of deleting the pilot outlives its charter
            yield Hit(doc, ("pilot",), f"no charter names the pilot `{pilot.id}`; check the spelling of "
                      "`pilot:` or add the pilot's charter.yaml")
        return
    yield from _stop_rule_metrics(pilot)
    rollback = charter.get("rollback")
    if isinstance(rollback, str):
        target = normalise(posixpath.join(charter.folder, rollback)) if "\0" not in rollback else None
        entry = ws.entry(target) if target not in (None, ".") else None
        if target is None or target == ".":
            yield Hit(charter, ("rollback",), f"`rollback: {rollback}` points outside the repository; "
                      "the rollback plan must live beside the charter")
        elif entry is None:
            yield Hit(charter, ("rollback",), f"`rollback: {rollback}` names a file that does not exist "
                      f"(looked for {display(target)}); fix the path or add the plan")
        elif entry.type != FILE:
            yield Hit(charter, ("rollback",), f"`rollback: {rollback}` leads to {display(entry.path)}, which is "
                      "not a regular file (a symbolic link, a folder or a submodule); name the plan's file itself")


_DELETION = charter_hash(None)


@rule("PL012")
def duplicate_pilot(pilot: Pilot, ws: Workspace):
    for extra in pilot.charters[1:]:
        yield Hit(extra, ("pilot",), f"a second charter for the pilot `{pilot.id}` (the first is "
                  f"{pilot.charter.shown}); a pilot has exactly one charter in the whole repository: rename "
                  "this pilot (a new id) or merge the two charters")
    for extra in pilot.rollbacks[1:]:
        yield Hit(extra, ("pilot",), f"a second rollback plan for `{pilot.id}` (the first is "
                  f"{pilot.rollback.shown}); keep one plan people can follow")


# What each kind dates, and what it counts for: a date after --today counts for nothing yet.
_DATED = {"WeeklyNote": [("week",)], "RollbackPlan": [("drills", "*", "on")], "Approval": [("on",)],
          "Charter": [("decisions", "*", "on")]}


@rule("PL011")
def future_dated(pilot: Pilot, ws: Workspace):
    for doc in pilot.documents:
        for pattern in _DATED.get(doc.kind or "", ()):
            for path, value in values_at(doc.data, pattern):
                day = week_start(value) if path == ("week",) else parse_date(value)
                if day is None or day <= ws.today:
                    continue
                what = {"WeeklyNote": "note of a week that has not begun", "RollbackPlan": "drill",
                        "Approval": "approval", "Charter": "decision"}[doc.kind]
                yield Hit(doc, path, f"this {what} is dated {value}, after today ({ws.today.isoformat()}): it "
                          "counts for no verdict, drill or approval until that day; correct the date if it is a "
                          "typo")


def scorecard_ids(charter) -> set[str]:
    scorecard = charter.get("scorecard") if charter else None
    return {m["id"] for m in scorecard or () if isinstance(m, dict) and isinstance(m.get("id"), str)} \
        if isinstance(scorecard, list) else set()


def reported_metrics(pilot: Pilot) -> set[str]:
    out: set[str] = set()
    for note in pilot.notes:
        metrics = note.get("metrics")
        if isinstance(metrics, dict):
            out.update(metrics)
    return out


def _stop_rule_metrics(pilot: Pilot):
    charter = pilot.charter
    stop_rules = charter.get("stop_rules")
    if not isinstance(stop_rules, list):
        return
    on_scorecard = scorecard_ids(charter)
    reported = reported_metrics(pilot)
    for index, stop_rule in enumerate(stop_rules):
        if not isinstance(stop_rule, dict):
            continue
        for key in ("metric", "above_metric", "below_metric"):
            name = stop_rule.get(key)
            if not isinstance(name, str) or name in on_scorecard:
                continue
            derived_ok = key != "metric" or stop_rule.get("level") is None
            if derived_ok and (name in reported or not pilot.notes):
                continue  # a derived reading that the notes report (or will, once there are notes)
            where = "on the scorecard" if key == "metric" and stop_rule.get("level") else \
                "on the scorecard or in the weekly notes"
            yield Hit(charter, ("stop_rules", index, key), f"stop rule `{stop_rule.get('id', index)}` names "
                      f"the metric `{name}`, which is not {where}; use one of: "
                      f"{', '.join(sorted(on_scorecard)) or 'none'}")
