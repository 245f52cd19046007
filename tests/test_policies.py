"""Organisation policies (SPEC §4.2), through the command line on a copy of the sample."""

from __future__ import annotations

from conftest import TODAY
from examples_runner import apply_example

CHARTER = "pilots/outbound-drafts/charter.yaml"


def check(cli, repo, *args):
    return cli("check", repo, "--format", "json", "--no-git", "--today", TODAY, *args)


def _drop_dpa(sample):
    charter = sample / CHARTER
    lines = charter.read_text().splitlines(keepends=True)
    charter.write_text("".join(line for line in lines if "x-dpa:" not in line))
    vendor_line = next(n for n, line in enumerate(lines, 1) if line.lstrip().startswith("- name: ExampleAI"))
    return vendor_line


def test_the_sample_policy_passes_as_written(sample, cli):
    result = check(cli, sample)
    assert result.code == 0, result
    assert "ACME001" not in result.rules()


def test_a_vendor_without_its_dpa_fails_at_the_vendor_item(sample, cli):
    vendor_line = _drop_dpa(sample)
    result = check(cli, sample)
    assert result.code == 1, result
    [finding] = [f for f in result.json["findings"] if f["rule"] == "ACME001"]
    assert finding["severity"] == "error"
    assert finding["path"] == CHARTER and finding["line"] == vendor_line
    assert finding["pilot"] == "outbound-drafts"
    assert finding["message"].startswith("Every vendor links its signed data processing agreement")
    assert "x-dpa" in finding["message"]


def test_match_limits_the_policy_to_active_and_expanding_pilots(sample, cli):
    # support-triage is proposed: its vendor may lack the link without a finding
    charter = sample / "pilots/support-triage/charter.yaml"
    charter.write_text("".join(l for l in charter.read_text().splitlines(True) if "x-dpa:" not in l))
    assert check(cli, sample).code == 0


def test_organisation_ids_work_with_ignore_select_and_severity(sample, cli):
    _drop_dpa(sample)
    assert check(cli, sample, "--ignore", "ACME001").code == 0
    assert check(cli, sample, "--ignore", "ACME").code == 0
    selected = check(cli, sample, "--select", "ACME")
    assert selected.rules() == ["ACME001"]
    apply_example(sample, {"config": "rules: {severity: {ACME001: warning}}"})
    result = check(cli, sample)
    assert result.code == 0
    assert [f["severity"] for f in result.json["findings"] if f["rule"] == "ACME001"] == ["warning"]


def test_a_malformed_policy_file_exits_2_naming_the_file(sample, cli):
    (sample / "policies" / "acme.yaml").write_text(
        "apiVersion: pilotlint/v1\nkind: Policy\nrules:\n  - id: ACME001\n    severity: fatal\n"
        "    message: x\n    require: {}\n")
    result = cli("check", sample, "--no-git", "--today", TODAY)
    assert result.code == 2
    assert "policies/acme.yaml:5" in result.err and "severity" in result.err


def test_a_policy_file_that_is_not_yaml_exits_2(sample, cli):
    (sample / "policies" / "acme.yaml").write_text("apiVersion: pilotlint/v1\nkind: Policy\nrules: [\n")
    result = cli("check", sample, "--no-git", "--today", TODAY)
    assert result.code == 2 and "acme.yaml" in result.err


def test_a_missing_policy_file_exits_2(sample, cli):
    (sample / "policies" / "acme.yaml").unlink()
    result = cli("check", sample, "--no-git", "--today", TODAY)
    assert result.code == 2 and "acme.yaml" in result.err


def test_a_require_that_is_not_a_json_schema_exits_2(sample, cli):
    (sample / "policies" / "acme.yaml").write_text(
        "apiVersion: pilotlint/v1\nkind: Policy\nrules:\n  - id: ACME001\n    severity: error\n"
        "    message: x\n    require: {type: 12}\n")
    result = cli("check", sample, "--no-git", "--today", TODAY)
    assert result.code == 2 and "acme.yaml" in result.err and "JSON Schema" in result.err


def test_a_policy_may_not_take_a_built_in_id(sample, cli):
    (sample / "policies" / "acme.yaml").write_text(
        "apiVersion: pilotlint/v1\nkind: Policy\nrules:\n  - id: PL101\n    severity: error\n"
        "    message: x\n    require: {}\n")
    result = cli("check", sample, "--no-git", "--today", TODAY)
    assert result.code == 2 and "PL101" in result.err


def test_a_policy_on_weekly_notes_locates_the_failing_value(sample, cli):
    (sample / "policies" / "notes.yaml").write_text(
        "apiVersion: pilotlint/v1\nkind: Policy\nrules:\n  - id: ACME002\n    severity: warning\n"
        "    message: Forecasts stay under 2300\n    match: {kind: WeeklyNote, pilot: outbound-drafts}\n"
        "    require: {properties: {spend: {properties: {forecast_month: {maximum: 2300}}}}}\n")
    apply_example(sample, {"config": "rules: {extra: [policies/acme.yaml, policies/notes.yaml]}"})
    result = check(cli, sample)
    assert result.code == 0, result  # a warning does not fail the run
    found = [f for f in result.json["findings"] if f["rule"] == "ACME002"]
    assert found and all(f["severity"] == "warning" for f in found)
    for finding in found:
        text = (sample / finding["path"]).read_text().splitlines()[finding["line"] - 1]
        assert "forecast_month" in text


def test_a_require_that_refers_to_a_url_is_a_configuration_error_not_a_fetch(sample, cli):
    (sample / "policies" / "acme.yaml").write_text(
        "apiVersion: pilotlint/v1\nkind: Policy\nrules:\n  - id: ACME001\n    severity: error\n"
        "    message: x\n    require: {$ref: 'https://example.com/schema.json'}\n")
    result = cli("check", sample, "--no-git", "--today", TODAY)
    assert result.code == 2 and "acme.yaml:4" in result.err and "ACME001" in result.err
