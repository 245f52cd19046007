"""The pure scorecard judge: metric levels, the verdict, and stop rules over notes."""

from __future__ import annotations

import pytest

from pilotlint.governance.scorecard import (
    Reading, metric_level, parse_date, triggered_stop_rules, verdict, week_start,
)

LOWER = {"id": "draft_minutes", "better": "lower", "success": 6, "stop": 11}
HIGHER = {"id": "reply_rate", "better": "higher", "success": 3.0, "stop": 2.0}
REVIEW = {"id": "edit_minutes", "better": "lower", "success": 2, "stop": 5}
COST = {"id": "weekly_cost", "better": "lower", "success": 1700, "stop": 2100}


@pytest.mark.parametrize("metric,value,expected", [
    # better: lower — at or below success is success, at or above stop is stop
    (LOWER, 5, "success"),
    (LOWER, 6, "success"),
    (LOWER, 6.01, "retry"),
    (LOWER, 10.99, "retry"),
    (LOWER, 11, "stop"),
    (LOWER, 30, "stop"),
    # better: higher — the mirror image
    (HIGHER, 3.5, "success"),
    (HIGHER, 3.0, "success"),
    (HIGHER, 2.5, "retry"),
    (HIGHER, 2.0, "stop"),
    (HIGHER, 0, "stop"),
    # not judgeable
    (LOWER, None, None),
    (LOWER, "5", None),
    (LOWER, True, None),
    (LOWER, float("nan"), None),
    ({**LOWER, "better": None}, 5, None),
    ({**LOWER, "better": "sideways"}, 5, None),
    ("not a metric", 5, None),
    # a threshold missing: what can be said is said
    ({"better": "lower", "success": 6}, 5, "success"),
    ({"better": "lower", "success": 6}, 8, None),
    ({"better": "lower", "stop": 11}, 12, "stop"),
    ({"better": "lower", "stop": 11}, 8, None),
    ({"better": "lower", "success": "six", "stop": 11}, 8, None),
    # misordered thresholds: a reading that is both counts as stop
    ({"better": "lower", "success": 11, "stop": 6}, 8, "stop"),
])
def test_metric_level(metric, value, expected):
    assert metric_level(metric, value) == expected


CHARTER = {"scorecard": [LOWER, HIGHER, REVIEW, COST]}
GOOD = {"draft_minutes": 5.5, "reply_rate": 3.2, "edit_minutes": 1.5, "weekly_cost": 1650}


@pytest.mark.parametrize("readings,expected", [
    (GOOD, "expand"),
    ({**GOOD, "reply_rate": 2.5}, "fix"),                         # one metric in retry
    ({**GOOD, "reply_rate": 1.5}, "stop"),                        # any metric at stop
    ({**GOOD, "reply_rate": 2.5, "weekly_cost": 2200}, "stop"),   # stop beats retry
    ({k: v for k, v in GOOD.items() if k != "weekly_cost"}, "fix"),  # a missing reading is not success
    ({**GOOD, "weekly_cost": "cheap"}, "fix"),                    # neither is an unreadable one
    ({**GOOD, "saved_minutes": 0}, "expand"),                     # derived readings do not count
])
def test_verdict(readings, expected):
    assert verdict(CHARTER, {"week": "2026-W47", "metrics": readings}) == expected


@pytest.mark.parametrize("charter,note,expected", [
    (CHARTER, None, "unknown"),                                   # no note yet
    (CHARTER, {"week": "2026-W47"}, "fix"),                       # a note without readings
    (CHARTER, {"week": "2026-W47", "metrics": ["x"]}, "fix"),
    ({"scorecard": []}, {"metrics": GOOD}, "unknown"),            # an empty scorecard proves nothing
    ({"scorecard": "four metrics"}, {"metrics": GOOD}, "unknown"),
    (None, {"metrics": GOOD}, "unknown"),
])
def test_verdict_edges(charter, note, expected):
    assert verdict(charter, note) == expected


def notes(*weeks_and_readings):
    return [{"week": week, "metrics": readings} for week, readings in weeks_and_readings]


def charter_with(*stop_rules, cadence=None):
    charter = {"scorecard": [LOWER, HIGHER, REVIEW, COST], "stop_rules": list(stop_rules)}
    if cadence is not None:
        charter["timeline"] = {"cadence_days": cadence}
    return charter


MISSES = {"id": "misses-target", "metric": "reply_rate", "level": "not_success", "for_cycles": 2, "then": "pause"}
AT_STOP = {"id": "at-stop", "metric": "draft_minutes", "level": "stop", "for_cycles": 2, "then": "stop"}
ABOVE = {"id": "too-dear", "metric": "weekly_cost", "above": 1800, "for_cycles": 2, "then": "pause"}
BELOW = {"id": "too-few", "metric": "reply_rate", "below": 2.5, "for_cycles": 2, "then": "review"}
EDITS = {"id": "edits-exceed-savings", "metric": "edit_minutes", "above_metric": "saved_minutes",
         "for_cycles": 2, "then": "pause"}
SAVED = {"id": "savings-below-edits", "metric": "saved_minutes", "below_metric": "edit_minutes",
         "for_cycles": 2, "then": "pause"}


@pytest.mark.parametrize("stop_rule,history,fires", [
    # level: not_success — retry or stop counts, success does not
    (MISSES, [("2026-W46", {"reply_rate": 2.8}), ("2026-W47", {"reply_rate": 1.9})], True),
    (MISSES, [("2026-W46", {"reply_rate": 2.8}), ("2026-W47", {"reply_rate": 3.0})], False),
    (MISSES, [("2026-W45", {"reply_rate": 2.8}), ("2026-W46", {"reply_rate": 3.1}),
              ("2026-W47", {"reply_rate": 2.7})], False),              # a good week breaks the streak
    (MISSES, [("2026-W47", {"reply_rate": 2.7})], False),              # one note is not two cycles
    # level: stop — only readings at the stop level count
    (AT_STOP, [("2026-W46", {"draft_minutes": 11}), ("2026-W47", {"draft_minutes": 12.5})], True),
    (AT_STOP, [("2026-W46", {"draft_minutes": 10}), ("2026-W47", {"draft_minutes": 12.5})], False),
    # above / below a number (strictly)
    (ABOVE, [("2026-W46", {"weekly_cost": 1850}), ("2026-W47", {"weekly_cost": 1900})], True),
    (ABOVE, [("2026-W46", {"weekly_cost": 1800}), ("2026-W47", {"weekly_cost": 1900})], False),
    (BELOW, [("2026-W46", {"reply_rate": 2.4}), ("2026-W47", {"reply_rate": 2.0})], True),
    (BELOW, [("2026-W46", {"reply_rate": 2.5}), ("2026-W47", {"reply_rate": 2.0})], False),
    # above_metric / below_metric: another reading in the same note
    (EDITS, [("2026-W46", {"edit_minutes": 7.0, "saved_minutes": 6.5}),
             ("2026-W47", {"edit_minutes": 7.5, "saved_minutes": 6.0})], True),
    (EDITS, [("2026-W46", {"edit_minutes": 7.0, "saved_minutes": 7.0}),
             ("2026-W47", {"edit_minutes": 7.5, "saved_minutes": 6.0})], False),   # equal is not above
    (EDITS, [("2026-W46", {"edit_minutes": 7.0}),
             ("2026-W47", {"edit_minutes": 7.5, "saved_minutes": 6.0})], False),   # other reading missing
    (SAVED, [("2026-W46", {"edit_minutes": 7.0, "saved_minutes": 6.5}),
             ("2026-W47", {"edit_minutes": 7.5, "saved_minutes": 6.0})], True),
    # the streak is the LAST notes: an old streak that recovered does not fire
    (EDITS, [("2026-W44", {"edit_minutes": 7.0, "saved_minutes": 6.5}),
             ("2026-W45", {"edit_minutes": 7.5, "saved_minutes": 6.0}),
             ("2026-W46", {"edit_minutes": 1.5, "saved_minutes": 6.0})], False),
    # a note missing the reading breaks the streak
    (ABOVE, [("2026-W45", {"weekly_cost": 1850}), ("2026-W46", {"reply_rate": 3.1}),
             ("2026-W47", {"weekly_cost": 1900})], False),
    # a missing note (a week with no note) breaks the streak
    (ABOVE, [("2026-W45", {"weekly_cost": 1850}), ("2026-W47", {"weekly_cost": 1900})], False),
    # consecutive across a year boundary
    (ABOVE, [("2026-W53", {"weekly_cost": 1850}), ("2027-W01", {"weekly_cost": 1900})], True),
    # for_cycles: 3 needs three
    ({**ABOVE, "for_cycles": 3}, [("2026-W46", {"weekly_cost": 1850}), ("2026-W47", {"weekly_cost": 1900})], False),
    ({**ABOVE, "for_cycles": 3}, [("2026-W45", {"weekly_cost": 1801}), ("2026-W46", {"weekly_cost": 1850}),
                                  ("2026-W47", {"weekly_cost": 1900})], True),
    # for_cycles missing: the latest note alone decides
    ({k: v for k, v in ABOVE.items() if k != "for_cycles"}, [("2026-W47", {"weekly_cost": 1900})], True),
    # several conditions: all must hold
    ({**ABOVE, "below": 1850}, [("2026-W46", {"weekly_cost": 1820}), ("2026-W47", {"weekly_cost": 1900})], False),
    ({**ABOVE, "below": 2000}, [("2026-W46", {"weekly_cost": 1820}), ("2026-W47", {"weekly_cost": 1900})], True),
])
def test_stop_rule_conditions(stop_rule, history, fires):
    found = triggered_stop_rules(charter_with(stop_rule), notes(*history))
    assert [t.rule_id for t in found] == ([stop_rule["id"]] if fires else [])


@pytest.mark.parametrize("stop_rule", [
    {**ABOVE, "for_cycles": "two"}, {**ABOVE, "for_cycles": 0}, {**ABOVE, "for_cycles": True},
    {**ABOVE, "above": "1800"}, {**ABOVE, "metric": ["weekly_cost"]}, {"id": "no-condition", "metric": "weekly_cost"},
    {**MISSES, "level": "bad"}, {**MISSES, "metric": "not_on_scorecard"}, "a rule as text", None,
])
def test_malformed_stop_rules_never_fire_and_never_raise(stop_rule):
    history = notes(("2026-W46", {"weekly_cost": 1850, "reply_rate": 1.0}),
                    ("2026-W47", {"weekly_cost": 1900, "reply_rate": 1.0}))
    assert triggered_stop_rules(charter_with(stop_rule), history) == []


@pytest.mark.parametrize("charter,history", [
    (None, []), ({}, []), ({"stop_rules": "pause when bad"}, []),
    (charter_with(ABOVE), ["not a note", None, {"week": 7, "metrics": "x"}]),
    (charter_with(ABOVE), [{"metrics": {"weekly_cost": 1900}}]),
])
def test_malformed_input_yields_nothing(charter, history):
    assert triggered_stop_rules(charter, history) == []


def test_a_longer_cadence_keeps_fortnightly_notes_consecutive():
    history = notes(("2026-W45", {"weekly_cost": 1850}), ("2026-W47", {"weekly_cost": 1900}))
    assert triggered_stop_rules(charter_with(ABOVE, cadence=14), history)
    assert not triggered_stop_rules(charter_with(ABOVE, cadence=7), history)


def test_trigger_reports_rule_action_weeks_and_readings():
    history = notes(("2026-W45", {"edit_minutes": 1.9, "saved_minutes": 6.1}),
                    ("2026-W46", {"edit_minutes": 7.0, "saved_minutes": 6.5}),
                    ("2026-W47", {"edit_minutes": 7.5, "saved_minutes": 6.0}))
    [trigger] = triggered_stop_rules(charter_with(MISSES, EDITS), history)
    assert (trigger.rule_id, trigger.index, trigger.then, trigger.for_cycles) == ("edits-exceed-savings", 1, "pause", 2)
    assert trigger.weeks == ("2026-W46", "2026-W47")
    assert trigger.readings == (Reading("2026-W46", 7.0, 6.5), Reading("2026-W47", 7.5, 6.0))
    assert trigger.describe() == ("edit_minutes 7.0 above saved_minutes 6.5 in 2026-W46 "
                                  "and 7.5 above 6.0 in 2026-W47")


@pytest.mark.parametrize("stop_rule,history,text", [
    (MISSES, [("2026-W46", {"reply_rate": 2.8}), ("2026-W47", {"reply_rate": 2.7})],
     "reply_rate 2.8 in 2026-W46 and 2.7 in 2026-W47, short of its success level 3.0"),
    (AT_STOP, [("2026-W46", {"draft_minutes": 11}), ("2026-W47", {"draft_minutes": 12})],
     "draft_minutes 11 in 2026-W46 and 12 in 2026-W47, at or past its stop level 11"),
    ({**ABOVE, "for_cycles": 3}, [("2026-W45", {"weekly_cost": 1801}), ("2026-W46", {"weekly_cost": 1850}),
                                  ("2026-W47", {"weekly_cost": 1900})],
     "weekly_cost 1801 in 2026-W45, 1850 in 2026-W46 and 1900 in 2026-W47, above 1800"),
])
def test_describe(stop_rule, history, text):
    [trigger] = triggered_stop_rules(charter_with(stop_rule), notes(*history))
    assert trigger.describe() == text
    expected_level = {"not_success": "retry", "stop": "stop"}.get(stop_rule.get("level"))
    assert [r.level for r in trigger.readings] == [expected_level] * len(history)


@pytest.mark.parametrize("text,expected", [
    ("2026-11-24", (2026, 11, 24)), ("2026-02-30", None), ("24.11.2026", None), (20261124, None), (None, None),
])
def test_parse_date(text, expected):
    day = parse_date(text)
    assert (day.timetuple()[:3] if day else None) == expected


@pytest.mark.parametrize("week,monday", [
    ("2026-W46", "2026-11-09"), ("2027-W01", "2027-01-04"), ("2026-W54", None), ("2026-46", None), (46, None),
])
def test_week_start(week, monday):
    start = week_start(week)
    assert (start.isoformat() if start else None) == monday


@pytest.mark.parametrize("stop_rule,condition,cycles", [
    ({"level": "not_success", "for_cycles": 2}, ("level", "not_success"), 2),
    ({"above": 1800}, ("above", 1800), 1),
    ({"below_metric": "edit_minutes", "for_cycles": 3}, ("below_metric", "edit_minutes"), 3),
    ({"level": "sometimes", "above": "x", "for_cycles": 0}, None, None),
    ("pause when bad", None, None),
    (None, None, None),
])
def test_stop_rule_readers(stop_rule, condition, cycles):
    from pilotlint.governance.scorecard import stop_rule_condition, stop_rule_cycles

    assert stop_rule_condition(stop_rule) == condition
    assert stop_rule_cycles(stop_rule) == cycles
