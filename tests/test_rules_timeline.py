"""Scorecard (PL3xx) and timeline (PL6xx) rules, through the command line on copies of examples/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import TODAY

PILOT = Path("pilots") / "outbound-drafts"


def set_reading(repo: Path, week: str, metric: str, value) -> None:
    """Change one reading in a weekly note, keeping the rest of the file as written."""
    note = repo / PILOT / "notes" / f"{week}.yaml"
    text, count = re.subn(rf"(?m)^(\s+{metric}:\s*)[^\s#]+", rf"\g<1>{value}", note.read_text(encoding="utf-8"))
    assert count == 1, f"{metric} not found in {note}"
    note.write_text(text, encoding="utf-8")


def edit_charter(repo: Path, old: str, new: str) -> None:
    charter = repo / PILOT / "charter.yaml"
    text = charter.read_text(encoding="utf-8")
    assert old in text, old
    charter.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(cli, repo: Path, *args, today: str = TODAY):
    result = cli("check", repo, "--format", "json", "--no-git", "--today", today, *args)
    assert result.code in (0, 1), result
    return result


def findings(result, rule: str) -> list[dict]:
    return [f for f in result.json["findings"] if f["rule"] == rule]


def test_sample_repository_has_no_scorecard_or_timeline_findings(cli, sample):
    result = check(cli, sample, "--select", "PL3,PL6")
    assert result.json["findings"] == [], result
    assert result.code == 0


def test_edit_time_above_savings_two_straight_weeks_while_active_reports_pl602_and_recommends_pause(cli, sample):
    """The seed article's example: edit time rose above the drafting time saved for two
    straight weeks, and the pilot is still active."""
    set_reading(sample, "2026-W46", "edit_minutes", "7.0")
    set_reading(sample, "2026-W46", "saved_minutes", "6.5")
    set_reading(sample, "2026-W47", "edit_minutes", "7.5")
    set_reading(sample, "2026-W47", "saved_minutes", "6.0")
    result = check(cli, sample)
    assert result.code == 1
    [hit] = [f for f in findings(result, "PL602") if "edits-exceed-savings" in f["message"]]
    assert hit["severity"] == "error"
    assert hit["path"] == "pilots/outbound-drafts/charter.yaml"
    assert hit["pilot"] == "outbound-drafts"
    message = hit["message"]
    assert "stop rule `edits-exceed-savings` fired" in message
    assert "edit_minutes 7.0 above saved_minutes 6.5 in 2026-W46 and 7.5 above 6.0 in 2026-W47" in message
    assert "(2 cycles)" in message
    assert "pause the pilot" in message and "`status: paused`" in message
    # the finding sits on the line to change: `status: active`
    charter_lines = (sample / PILOT / "charter.yaml").read_text(encoding="utf-8").splitlines()
    assert charter_lines[hit["line"] - 1].startswith("status: active")


def test_pausing_the_pilot_clears_pl602(cli, sample):
    for week, edit, saved in (("2026-W46", "7.0", "6.5"), ("2026-W47", "7.5", "6.0")):
        set_reading(sample, week, "edit_minutes", edit)
        set_reading(sample, week, "saved_minutes", saved)
    edit_charter(sample, "status: active", "status: paused")
    assert not findings(check(cli, sample), "PL602")


def test_one_bad_week_is_not_a_trigger(cli, sample):
    set_reading(sample, "2026-W47", "edit_minutes", "7.5")
    assert not findings(check(cli, sample, "--select", "PL602"), "PL602")


def test_a_missing_note_breaks_the_streak(cli, sample):
    set_reading(sample, "2026-W45", "edit_minutes", "7.0")
    set_reading(sample, "2026-W47", "edit_minutes", "7.5")
    (sample / PILOT / "notes" / "2026-W46.yaml").unlink()
    assert not findings(check(cli, sample, "--select", "PL602"), "PL602")


def test_missed_target_while_expanding_names_the_level_and_weeks(cli, sample):
    set_reading(sample, "2026-W46", "reply_rate", "2.8")
    set_reading(sample, "2026-W47", "reply_rate", "2.6")
    edit_charter(sample, "status: active", "status: expanding")
    [hit] = findings(check(cli, sample, "--select", "PL602"), "PL602")
    assert "stop rule `misses-target` fired" in hit["message"]
    assert "reply_rate 2.8 in 2026-W46 and 2.6 in 2026-W47, short of its success level 3.0" in hit["message"]
    assert "still `expanding`" in hit["message"]


def test_a_stop_action_recommends_stopping(cli, sample):
    edit_charter(sample, "    for_cycles: 2                   # ... for two straight weeks\n    then: pause",
                 "    for_cycles: 2\n    then: stop")
    for week, edit, saved in (("2026-W46", "7.0", "6.5"), ("2026-W47", "7.5", "6.0")):
        set_reading(sample, week, "edit_minutes", edit)
        set_reading(sample, week, "saved_minutes", saved)
    [hit] = findings(check(cli, sample, "--select", "PL602"), "PL602")
    assert "stop the pilot" in hit["message"] and "`status: stopped`" in hit["message"]


def test_review_overdue_until_a_decision_is_recorded(cli, sample):
    result = check(cli, sample, "--select", "PL603", today="2026-12-20")
    [hit] = findings(result, "PL603")
    assert "2026-12-15" in hit["message"] and "5 days ago" in hit["message"]
    assert "`decisions`" in hit["message"]
    assert result.code == 1
    edit_charter(sample, "  - {on: 2026-10-31, call: fix,",
                 "  - {on: 2026-12-16, call: fix, by: oleg, why: hold one region}\n  - {on: 2026-10-31, call: fix,")
    assert not findings(check(cli, sample, "--select", "PL603", today="2026-12-20"), "PL603")


def test_review_day_itself_is_not_overdue(cli, sample):
    assert not findings(check(cli, sample, "--select", "PL603", today="2026-12-15"), "PL603")


def test_a_stopped_pilot_owes_no_review(cli, sample):
    edit_charter(sample, "status: active", "status: stopped")
    assert not findings(check(cli, sample, "--select", "PL603", today="2027-03-01"), "PL603")


@pytest.mark.parametrize("review_on,problem", [
    ("2027-01-31", "after the end of the decision window"),
    ("2026-10-31", "within the setup phase"),
])
def test_decision_window(cli, sample, review_on, problem):
    edit_charter(sample, "review_on: 2026-12-15", f"review_on: {review_on}")
    [hit] = findings(check(cli, sample, "--select", "PL604"), "PL604")
    assert problem in hit["message"] and "2026-12-15" in hit["message"]


def test_stop_level_warning_on_the_latest_reading(cli, sample):
    set_reading(sample, "2026-W47", "weekly_cost", "2150")
    result = check(cli, sample, "--select", "PL605")
    [hit] = findings(result, "PL605")
    assert hit["severity"] == "warning"
    assert hit["path"] == "pilots/outbound-drafts/notes/2026-W47.yaml"
    assert "`weekly_cost` read 2150 in 2026-W47" in hit["message"] and "2100" in hit["message"]
    assert result.code == 0


def test_verdict_agrees_with_the_readings_the_rules_see(sample):
    """The verdict the gate and summary use is read from the same notes the rules read."""
    from pilotlint.documents.load import load_text
    from pilotlint.governance.scorecard import verdict

    charter = load_text((sample / PILOT / "charter.yaml").read_text(encoding="utf-8")).data
    latest = load_text((sample / PILOT / "notes" / "2026-W47.yaml").read_text(encoding="utf-8")).data
    assert verdict(charter, latest) == "expand"
    set_reading(sample, "2026-W47", "reply_rate", "2.5")
    latest = load_text((sample / PILOT / "notes" / "2026-W47.yaml").read_text(encoding="utf-8")).data
    assert verdict(charter, latest) == "fix"


# --- malformed fields: the rule's own finding beside PL002, never a traceback ----------------

MALFORMED = [
    # (old text in the charter, new text, rules expected besides PL002)
    ("scorecard:\n  - id: draft_minutes", "scorecard: four metrics\nx-old:\n  - id: draft_minutes", {"PL301"}),
    ("    success: 6\n", "    success: six\n", {"PL303"}),
    ("    better: lower                   # higher | lower\n", "    better: [lower]\n", {"PL303"}),
    ("    baseline: {value: 12, measured_on: 2026-09-18,", "    baseline: {value: twelve, measured_on: 18.09.2026,",
     {"PL302"}),
    ("stop_rules:\n  - id: misses-target", "stop_rules: pause when bad\nx-old:\n  - id: misses-target", {"PL601"}),
    ("    for_cycles: 2                   # ... in two", "    for_cycles: two                 # ... in two", {"PL601"}),
    ("  start: 2026-10-01", "  start: October", {"PL604"}),
    ("  setup_days: 30", "  setup_days: thirty", {"PL604"}),
    ("  review_on: 2026-12-15", "  review_on: [2026-12-15]", {"PL604", "PL603"}),
]


@pytest.mark.parametrize("old,new,expected", MALFORMED, ids=[m[1].split(":")[0].strip() for m in MALFORMED])
def test_malformed_fields_get_the_rules_own_finding(cli, sample, old, new, expected):
    edit_charter(sample, old, new)
    result = check(cli, sample, "--select", "PL002,PL3,PL6", today="2026-12-20")
    rules = set(result.rules())
    assert "PL002" in rules, result
    assert expected <= rules, result
    assert result.code == 1


def test_garbage_everywhere_never_raises(cli, sample):
    charter = sample / PILOT / "charter.yaml"
    charter.write_text("apiVersion: pilotlint/v1\nkind: Charter\npilot: outbound-drafts\nstatus: active\n"
                       "scorecard: [1, [2], {id: 3}, {id: x, better: lower, success: true, stop: .nan}, null]\n"
                       "stop_rules: [null, {id: y, metric: x, level: stop, for_cycles: -1}, {id: z}]\n"
                       "timeline: {start: 2026-10-01, setup_days: 99999999999, review_days: 1, review_on: 2026-12-01}\n"
                       "decisions: [1, {on: x}]\n", encoding="utf-8")
    note = sample / PILOT / "notes" / "2026-W47.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace("metrics:\n", "metrics:\n  x: 3\n  x-y: [1]\n", 1),
                    encoding="utf-8")
    result = check(cli, sample, "--select", "PL002,PL3,PL6", today="2027-06-01")
    assert result.code == 1
    assert {"PL303", "PL601", "PL604"} <= set(result.rules())


def test_a_review_action_is_satisfied_by_a_recorded_call(cli, sample):
    edit_charter(sample, "    for_cycles: 2                   # ... for two straight weeks\n    then: pause",
                 "    for_cycles: 2\n    then: review")
    for week, edit, saved in (("2026-W46", "7.0", "6.5"), ("2026-W47", "7.5", "6.0")):
        set_reading(sample, week, "edit_minutes", edit)
        set_reading(sample, week, "saved_minutes", saved)
    [hit] = findings(check(cli, sample, "--select", "PL602"), "PL602")
    assert "hold the review now" in hit["message"] and "`decisions`" in hit["message"]
    # W47 starts on Monday 2026-11-16: a call recorded that day or later is the review the rule asked for
    edit_charter(sample, "  - {on: 2026-10-31, call: fix,",
                 "  - {on: 2026-11-18, call: fix, by: oleg, why: shorter prompts}\n  - {on: 2026-10-31, call: fix,")
    assert not findings(check(cli, sample, "--select", "PL602"), "PL602")
