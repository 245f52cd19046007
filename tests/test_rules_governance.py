"""The governance rules (PL1xx ownership, PL2xx scope, PL4xx budget, PL5xx notes, PL7xx rollback),
through the command line, on a copy of the sample repository."""

from __future__ import annotations

import pytest

from conftest import TODAY
from examples_runner import apply_example

PILOT_DIR = "pilots/outbound-drafts"
MINE = ("PL1", "PL201", "PL203", "PL206", "PL4", "PL5", "PL7")


def check(cli, repo, *args, today=TODAY):
    result = cli("check", repo, "--format", "json", "--no-git", "--today", today, *args)
    assert result.code in (0, 1), result
    return result


def hits(result, rule_id):
    return [f for f in result.json["findings"] if f["rule"] == rule_id]


def test_the_sample_is_clean_of_every_governance_rule(sample, cli):
    result = check(cli, sample)
    assert result.code == 0, result
    assert not [f for f in result.json["findings"] if f["rule"].startswith(MINE)], result


# --- PL404: the acceptance cases -------------------------------------------------------

def _overage(sample, overage: str, forecast: int):
    apply_example(sample, {"note": f"spend: {{month_to_date: 2300, forecast_month: {forecast}, overage: {overage}}}"})


def test_overage_within_the_approvers_limit_passes(sample, cli):
    _overage(sample, "{amount: 300, approved_by: maria}", 2800)
    result = check(cli, sample, "--select", "PL4")
    assert result.code == 0, result


def test_overage_above_the_limit_with_only_the_approver_fails(sample, cli):
    _overage(sample, "{amount: 700, approved_by: maria}", 3200)
    result = check(cli, sample, "--select", "PL4")
    assert result.code == 1
    [finding] = hits(result, "PL404")
    assert "oleg" in finding["message"] and "500" in finding["message"]
    assert finding["path"] == f"{PILOT_DIR}/notes/2026-W47.yaml"


def test_overage_above_the_limit_with_the_owners_written_approval_passes(sample, cli):
    _overage(sample, "{amount: 700, approved_by: oleg, written_approval: docs/approvals/2026-11-oleg.md}", 3200)
    result = check(cli, sample, "--select", "PL4")
    assert result.code == 0, result


def test_owner_approval_above_the_limit_still_needs_it_in_writing(sample, cli):
    _overage(sample, "{amount: 700, approved_by: oleg}", 3200)
    [finding] = hits(check(cli, sample), "PL404")
    assert "written" in finding["message"]


def test_overage_recorded_but_smaller_than_the_excess_is_over_cap(sample, cli):
    _overage(sample, "{amount: 100, approved_by: maria}", 2900)
    [finding] = hits(check(cli, sample), "PL403")
    assert "400" in finding["message"] and "only 100" in finding["message"]


# --- ownership ------------------------------------------------------------------------

def test_an_owner_given_as_a_list_is_pl101_beside_the_schema_finding(sample, cli):
    apply_example(sample, {"charter": "owner: [oleg, maria]"})
    result = check(cli, sample)
    rules = result.rules()
    assert "PL101" in rules and "PL002" in rules
    assert "one person" in hits(result, "PL101")[0]["message"]


def test_a_wrong_owner_is_one_finding_not_one_per_vendor_and_change(sample, cli):
    apply_example(sample, {"charter": "owner: sales-team"})
    result = check(cli, sample)
    assert hits(result, "PL101")
    assert not hits(result, "PL105") and not hits(result, "PL504")


def test_missing_authorities_are_named(sample, cli):
    apply_example(sample, {"charter": "authority: [approve_vendors, define_metrics]"})
    [finding] = hits(check(cli, sample), "PL102")
    for name in ("pause", "reject_scope", "own_budget"):
        assert name in finding["message"]
    assert "approve_vendors" not in finding["message"]


def test_vendor_approved_by_someone_else_is_an_error_under_the_sample_config(sample, cli):
    apply_example(sample, {"charter": "vendors: [{name: ExampleAI, approved_by: maria, x-dpa: 'https://x'}]"})
    [finding] = hits(check(cli, sample), "PL105")
    assert finding["severity"] == "error"  # the sample config raises PL105 from warning


# --- scope ----------------------------------------------------------------------------

@pytest.mark.parametrize("use_case", [
    "Draft first-contact emails for DACH sales reps; a rep reviews and sends each one.",
    "Suggest the queue and priority of each incoming support email; an agent confirms or corrects it.",
    "Summarise support calls and draft the follow-up ticket for the agent to check.",
])
def test_one_use_case_is_not_flagged(sample, cli, use_case):
    apply_example(sample, {"charter": {"use_case": use_case}})
    assert not hits(check(cli, sample), "PL201")


@pytest.mark.parametrize("use_case", [
    ["Draft outbound emails"],
    "Draft outbound emails as well as summarise sales calls",
    "Draft outbound emails and also answer inbound support tickets",
    "- Draft outbound emails\n- Summarise sales calls\n",
    "",
])
def test_several_or_no_use_cases_are_flagged(sample, cli, use_case):
    apply_example(sample, {"charter": {"use_case": use_case}})
    assert hits(check(cli, sample), "PL201")


def test_a_capability_switched_on_is_reported_at_the_switch(sample, cli):
    apply_example(sample, {"charter": "scope: {capabilities: {auto_send: true}}"})
    [finding] = hits(check(cli, sample), "PL203")
    assert "auto_send" in finding["message"]
    text = (sample / PILOT_DIR / "charter.yaml").read_text().splitlines()
    assert "auto_send" in text[finding["line"] - 1]


# --- budget ---------------------------------------------------------------------------

def test_missing_staff_time_says_what_to_add_and_why(sample, cli):
    apply_example(sample, {"remove": {"charter": ["budget.components.staff_time"]}})
    [finding] = hits(check(cli, sample), "PL401")
    assert finding["message"] == ("the budget has no staff time: add `staff_time:` to `budget.components` — the "
                                  "hours people spend reviewing output are part of the pilot's cost")


def test_components_above_the_cap(sample, cli):
    apply_example(sample, {"charter": "budget: {monthly_cap: 2400}"})
    [finding] = hits(check(cli, sample, "--select", "PL402"), "PL402")
    assert "100 USD above" in finding["message"]


def test_every_note_reports_spend(sample, cli):
    target = sample / PILOT_DIR / "notes" / "2026-W45.yaml"
    target.write_text(target.read_text().replace("month_to_date:", "x-month_to_date:"))
    findings = hits(check(cli, sample), "PL405")
    assert [f["path"] for f in findings] == [f"{PILOT_DIR}/notes/2026-W45.yaml"]
    assert "month_to_date" in findings[0]["message"]


# --- notes ----------------------------------------------------------------------------

def test_missing_weeks_are_named(sample, cli):
    for week in ("2026-W44", "2026-W45"):
        (sample / PILOT_DIR / "notes" / f"{week}.yaml").unlink()
    [finding] = hits(check(cli, sample), "PL503")
    assert "2026-W44" in finding["message"] and "2026-W45" not in finding["message"]
    assert finding["severity"] == "warning"


def test_the_current_unfinished_period_is_not_due(sample, cli):
    # without W47, the period of 2026-11-19 to 2026-11-25 has no note; it is due once it has ended
    (sample / PILOT_DIR / "notes" / "2026-W47.yaml").unlink()
    assert not hits(check(cli, sample, today="2026-11-25"), "PL503")
    [finding] = hits(check(cli, sample, today="2026-11-26"), "PL503")
    assert "2026-W47 (2026-11-19 to 2026-11-25)" in finding["message"]


def test_a_vendor_change_needs_the_owner(sample, cli):
    apply_example(sample, {"note": "changes: [{what: Switched to a cheaper model, why: cost, approved_by: maria, "
                                   "area: vendor, effect: {cost: lower, risk: unknown}}]"})
    [finding] = hits(check(cli, sample), "PL504")
    assert "oleg" in finding["message"]


def test_a_process_change_may_be_approved_by_another_person(sample, cli):
    apply_example(sample, {"note": "changes: [{what: Moved the weekly review to Fridays, why: calendar, "
                                   "approved_by: maria, area: process, effect: {cost: none, risk: none}}]"})
    assert not hits(check(cli, sample), "PL504")


def test_a_derived_reading_a_stop_rule_watches_must_be_reported(sample, cli):
    apply_example(sample, {"remove": {"note": ["metrics.saved_minutes"]}})
    [finding] = hits(check(cli, sample), "PL505")
    assert "saved_minutes" in finding["message"]


# --- rollback -------------------------------------------------------------------------

def test_drill_age_follows_the_config(sample, cli):
    apply_example(sample, {"charter": "status: expanding", "config": "gate: {drill_max_age_days: 30}"})
    [finding] = hits(check(cli, sample), "PL704")
    assert "35 days old" in finding["message"] and "30 days" in finding["message"]


@pytest.mark.parametrize("location", ["prompts/outbound-v3", "./prompts/outbound-v3/", "Prompts/Outbound-v3//",
                                      "prompts/outbound-v3/old/"])
def test_fallback_in_the_live_prompts_path(sample, cli, location):
    apply_example(sample, {"rollback": {"fallback": {"location": location}}})
    assert hits(check(cli, sample), "PL706")


def test_fallback_beside_the_live_prompts_path_is_fine(sample, cli):
    apply_example(sample, {"rollback": {"fallback": {"location": "prompts/outbound-v3-fallback/"}}})
    assert not hits(check(cli, sample), "PL706")


# --- wrong types never raise ----------------------------------------------------------

def test_wrong_types_everywhere_are_findings_not_crashes(sample, cli):
    apply_example(sample, {
        "charter": {"owner": 5, "authority": "all", "reviewers": ["maria"], "use_case": 3, "scope": "sales",
                    "vendors": {"name": "x"}, "budget": [1], "data_access": "crm", "timeline": "soon",
                    "prompts": "v3", "scorecard": {"id": 1}, "stop_rules": 7},
        "rollback": {"decision_maker": ["oleg"], "switch_off": "all", "old_workflow": ["x"], "saved": [1],
                     "failure_response": "call oleg", "fallback": "there", "drills": {"on": 1}},
        "note": {"changes": "none", "spend": [1], "metrics": [1], "risks": "many", "next_decision": "later"},
    })
    result = check(cli, sample)
    assert result.code == 1
    for rule_id in ("PL101", "PL102", "PL104", "PL201", "PL401", "PL405", "PL501", "PL702", "PL703", "PL705"):
        assert hits(result, rule_id), rule_id


def test_non_mapping_items_and_odd_values_do_not_raise(sample, cli):
    apply_example(sample, {
        "charter": {"vendors": [1, None, {"name": ["x"], "approved_by": ["oleg"], "trains_on_our_data": True}],
                    "data_access": [None, {"source": 1, "classification": "personal"}],
                    "budget": {"monthly_cap": True, "components": {"software": "lots"},
                               "overage": {"approver": 1, "limit": "500"}},
                    "timeline": {"start": "2026-13-01", "cadence_days": 0}, "status": "expanding"},
        "rollback": {"drills": [1, {"on": "yesterday", "passed": True}], "saved": {"data_export": "s3"}},
        "note": {"week": "2026-W99", "changes": [1, {"what": ["x"], "approved_by": 3}],
                 "spend": {"month_to_date": "a lot", "overage": {"amount": 9e99, "approved_by": ["maria"]}},
                 "metrics": {"reply_rate": "high", "1": 2}},
    })
    result = check(cli, sample)
    assert result.code == 1
