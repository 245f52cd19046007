"""PL6xx: stop rules written in advance, and the decision window that ends in one call."""

from __future__ import annotations

from pilotlint.rules import Hit, rule
from pilotlint.documents.model import Pilot
from pilotlint.documents.workspace import Workspace
from pilotlint.documents.values import add_days, parse_date, plural, week_start
from pilotlint.documents.values import yaml_text as fmt
from pilotlint.governance.scorecard import (LEVELS, StopRuleTrigger, current_notes, metric_level, readings,
                                            scorecard_metrics, stop_rule_condition, stop_rule_cycles,
                                            triggered_stop_rules)

RUNNING = ("active", "expanding")             # PL602: a fired stop rule must have been acted on
UNDER_REVIEW = ("active", "expanding", "paused")  # PL603: a review date still to be honoured
ENDED = ("stopped", "closed")

_EXAMPLE_RULE = "`{id: misses-target, metric: reply_rate, level: not_success, for_cycles: 2, then: pause}`"

_ACTIONS = {
    "pause": "pause the pilot: set `status: paused` and record the decision in this week's note "
             "(`changes: [{{what: Paused the pilot, why: stop rule {rule} fired, approved_by: {owner}, ...}}]`)",
    "stop": "stop the pilot: set `status: stopped` and record the call in `decisions` "
            "(`{{on: YYYY-MM-DD, call: stop, by: {owner}, why: stop rule {rule} fired}}`)",
    "review": "hold the review now and record the call (expand, fix or stop) in `decisions`, dated on or "
              "after the last week that fired it (`{{on: YYYY-MM-DD, call: fix, by: {owner}, why: ...}}`); "
              "until then set `status: paused`",
}


@rule("PL601")
def stop_rules_defined(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None:
        return
    stop_rules = charter.get("stop_rules")
    if stop_rules is None or stop_rules == []:
        yield Hit(charter, ("stop_rules",) if stop_rules == [] else (), "the charter has no stop rules: write "
                  "down, before rollout, when the pilot pauses, so nobody argues once the numbers go bad, e.g. "
                  f"`stop_rules: [{_EXAMPLE_RULE[1:-1]}]` (a missed target for two review cycles: pause)")
        return
    if not isinstance(stop_rules, list):
        yield Hit(charter, ("stop_rules",), "`stop_rules` must be a list of rules, one item per rule, e.g. "
                  f"`stop_rules: [{_EXAMPLE_RULE[1:-1]}]`")
        return
    covered = False
    for index, stop_rule in enumerate(stop_rules):
        if not isinstance(stop_rule, dict):
            yield Hit(charter, ("stop_rules", index), f"stop rule {index + 1} is not a mapping; write it as "
                      f"{_EXAMPLE_RULE}")
            continue
        name = stop_rule.get("id") if isinstance(stop_rule.get("id"), str) else f"stop rule {index + 1}"
        cycles = stop_rule_cycles(stop_rule)
        if cycles is None:
            yield Hit(charter, ("stop_rules", index, "for_cycles"), f"`{name}` has `for_cycles: "
                      f"{fmt(stop_rule.get('for_cycles'))}`; write how many consecutive weekly notes the condition "
                      "must hold as a whole number, e.g. `for_cycles: 2`")
        if not isinstance(stop_rule.get("metric"), str) or stop_rule_condition(stop_rule) is None:
            yield Hit(charter, ("stop_rules", index), f"`{name}` can never fire: it needs a `metric` and one "
                      "condition (`level: not_success`, `level: stop`, `above: NUMBER`, `below: NUMBER`, "
                      "`above_metric: ID` or `below_metric: ID`)")
            continue
        if stop_rule.get("level") in LEVELS and cycles is not None and cycles >= 2:
            covered = True
    if not covered:
        yield Hit(charter, ("stop_rules",), "no stop rule covers a missed target over two or more review "
                  "cycles; add one that pauses the pilot when a scorecard metric stays short of success, e.g. "
                  f"{_EXAMPLE_RULE} (two cycles, so one noisy week does not stop the pilot but a real miss does)")


def _decided_since(charter, day) -> bool:
    """A `decisions` entry is dated on or after `day`."""
    decisions = charter.get("decisions")
    if not isinstance(decisions, list):
        return False
    for decision in decisions:
        on = parse_date(decision.get("on")) if isinstance(decision, dict) else None
        if on is not None and on >= day:
            return True
    return False


def _action(trigger: StopRuleTrigger, owner: str) -> str:
    if trigger.then in _ACTIONS:
        return _ACTIONS[trigger.then].format(rule=trigger.rule_id, owner=owner)
    return ("the rule does not say what happens (`then:`), so " + _ACTIONS["pause"].format(
        rule=trigger.rule_id, owner=owner) + "; and add `then: pause`, `then: stop` or `then: review` to the rule")


@rule("PL602")
def stop_rule_triggered(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None or pilot.status not in RUNNING:
        return
    notes = current_notes(pilot, ws.today)
    for trigger in triggered_stop_rules(charter.data, [n.data for n in notes]):
        if trigger.then == "review":
            last = week_start(trigger.weeks[-1])
            if last is not None and _decided_since(charter, last):
                continue  # the review it asked for has been held and recorded
        cycles = f"{trigger.for_cycles} cycle{'s' if trigger.for_cycles != 1 else ''}"
        owner = charter.get("owner") if isinstance(charter.get("owner"), str) else "OWNER"
        yield Hit(charter, ("status",), f"stop rule `{trigger.rule_id}` fired: {trigger.describe()} ({cycles}), "
                  f"yet the pilot is still `{pilot.status}`; {_action(trigger, owner)}")


@rule("PL603")
def review_overdue(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None or pilot.status not in UNDER_REVIEW:
        return
    timeline = charter.get("timeline")
    if not isinstance(timeline, dict) or timeline.get("review_on") is None:
        return  # PL604 asks for the review date
    written = timeline.get("review_on")
    review_on = parse_date(written)
    if review_on is None:
        yield Hit(charter, ("timeline", "review_on"), f"`review_on: {written}` is not a date, so nobody can "
                  "tell whether the review is overdue; write the day of the expand / fix / stop call as "
                  "YYYY-MM-DD")
        return
    if review_on >= ws.today or _decided_since(charter, review_on):
        return
    days = (ws.today - review_on).days
    owner = charter.get("owner") if isinstance(charter.get("owner"), str) else "OWNER"
    yield Hit(charter, ("timeline", "review_on"), f"the review date {written} passed {plural(days, 'day')} "
              "ago and no decision is recorded on or after it: the pilot is running "
              "past its decision window. Hold the review and record the call in `decisions`, e.g. "
              f"`{{on: {ws.today.isoformat()}, call: fix, by: {owner}, why: ...}}` (call: expand, fix or stop)")


@rule("PL604")
def decision_window(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None:
        return
    timeline = charter.get("timeline")
    example = "`timeline: {start: 2026-10-01, setup_days: 30, review_days: 45, review_on: 2026-12-15}`"
    if timeline is None:
        yield Hit(charter, (), "the charter has no `timeline`: give the pilot a decision window (30 days of "
                  "setup, 45 days of review, then one call: expand, fix or stop), e.g. " + example)
        return
    if not isinstance(timeline, dict):
        yield Hit(charter, ("timeline",), "`timeline` must be a mapping, e.g. " + example)
        return
    start = parse_date(timeline.get("start"))
    review_on = parse_date(timeline.get("review_on"))
    bad = False
    for key, meaning in (("start", "the day the pilot starts"), ("review_on", "the day of the expand / fix / "
                                                                              "stop call")):
        value = timeline.get(key)
        if value is None:
            yield Hit(charter, ("timeline",), f"the timeline has no `{key}`; add {meaning} as YYYY-MM-DD")
            bad = True
        elif parse_date(value) is None:
            yield Hit(charter, ("timeline", key), f"`{key}: {value}` is not a date; write {meaning} as YYYY-MM-DD")
            bad = True
    days = {}
    for key, default in (("setup_days", 30), ("review_days", 45)):
        value = timeline.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            days[key] = value
        elif value is None:
            yield Hit(charter, ("timeline",), f"the timeline has no `{key}`; write how many days the "
                      f"{key.split('_')[0]} phase lasts, e.g. `{key}: {default}`")
            bad = True
        else:
            yield Hit(charter, ("timeline", key), f"`{key}: {fmt(value)}` is not a whole number of days; write "
                      f"e.g. `{key}: {default}`")
            bad = True
    if bad or start is None or review_on is None:
        return
    setup_end = add_days(start, days["setup_days"])
    window_end = add_days(start, days["setup_days"] + days["review_days"])
    if setup_end is None or window_end is None:
        yield Hit(charter, ("timeline",), "the setup and review days run past the calendar; write the number "
                  "of days, e.g. `setup_days: 30, review_days: 45`")
        return
    if review_on <= setup_end:
        yield Hit(charter, ("timeline", "review_on"), f"`review_on: {review_on}` falls within the setup phase "
                  f"(start {start} + {days['setup_days']} days = {setup_end}): the call must come after the "
                  f"pilot has been reviewed in use; set a date after {setup_end} and no later than {window_end}")
    elif review_on > window_end:
        yield Hit(charter, ("timeline", "review_on"), f"`review_on: {review_on}` is after the end of the "
                  f"decision window ({start} + {days['setup_days']} days of setup + {days['review_days']} days "
                  f"of review = {window_end}): a pilot without a deadline turns into an expensive habit; set "
                  f"`review_on` on or before {window_end}, or record why the window is longer by changing "
                  "`review_days` (a gated change the owner approves)")


@rule("PL605")
def stop_level(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None or pilot.status in ENDED:
        return
    notes = current_notes(pilot, ws.today)
    for metric in scorecard_metrics(charter.data):
        metric_id = metric["id"]
        latest = next((n for n in reversed(notes) if metric_id in readings(n.data)), None)
        if latest is None:
            continue
        value = readings(latest.data)[metric_id]
        if metric_level(metric, value) != "stop":
            continue
        word = "at or below" if metric.get("better") == "higher" else "at or above"
        yield Hit(latest, ("metrics", metric_id), f"`{metric_id}` read {fmt(value)} in {latest.get('week')}, "
                  f"{word} its stop level {fmt(metric.get('stop'))}: by the scorecard the pilot should stop. "
                  "Check the stop rules, and have the owner make the call (fix or stop) and record it in "
                  "`decisions`; a second week like this may fire a stop rule")
