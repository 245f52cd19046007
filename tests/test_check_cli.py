"""`pilotlint check` through the command line, as users run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import EXAMPLES, REPO, TODAY, init_repo, run_cli
from examples_runner import apply_example


def _break_owner(sample):
    charter = sample / "pilots/outbound-drafts/charter.yaml"
    text = charter.read_text()
    line = next(n for n, l in enumerate(text.splitlines(), 1) if l.startswith("owner:"))
    charter.write_text(text.replace("\nowner:", "\nownr:", 1))
    return line


def test_sample_repository_is_clean(cli):
    result = cli("check", EXAMPLES, "--today", TODAY)
    assert result.code == 0, result
    assert result.out.rstrip().splitlines()[-1].startswith("All checks passed")


def test_sample_charters_carry_signed_approvals_that_verify_without_git(cli):
    result = cli("check", EXAMPLES, "--today", TODAY, "--no-git", "--format", "json", "--select", "PL9")
    assert result.json["findings"] == []
    approvals = sorted(EXAMPLES.glob("pilots/*/approvals/*.yaml"))
    assert len(approvals) == 2 and all("BEGIN SSH SIGNATURE" in a.read_text() for a in approvals)


def test_breaking_one_field_gives_a_finding_at_its_line(sample, cli):
    line = _break_owner(sample)
    result = cli("check", sample, "--today", TODAY, "--format", "json")
    assert result.code == 1
    schema = [f for f in result.json["findings"] if f["rule"] == "PL002"]
    assert schema and schema[0]["line"] == line and schema[0]["column"] == 1
    assert "ownr" in schema[0]["message"] and "owner" in schema[0]["message"]
    assert schema[0]["path"] == "pilots/outbound-drafts/charter.yaml"
    assert result.json["verdict"] == "fail"


def test_missing_path_and_bad_option_exit_2(cli, tmp_path):
    assert cli("check", tmp_path / "nope").code == 2
    bad = cli("check", "--no-such-option")
    assert bad.code == 2 and "no-such-option" in bad.err


def test_text_format(sample, cli):
    _break_owner(sample)
    result = cli("check", sample, "--today", TODAY)
    import re

    lines = result.out.rstrip().splitlines()
    findings = [l for l in lines[:-2]]
    assert findings and all(re.match(r"^[^:]+:\d+:\d+: PL\d{3} \[(error|warning|info)\] ", l) for l in findings)
    assert any(l.startswith("pilots/outbound-drafts/charter.yaml:") and " PL002 [error] " in l for l in findings)
    assert "\033[" not in result.out  # no colour when not on a terminal
    assert re.match(r"\d+ errors?, \d+ warnings? in \d+ files", lines[-1])


def test_github_format_is_the_default_on_actions_and_escapes(sample, cli):
    charter = sample / "pilots/outbound-drafts/charter.yaml"
    charter.write_text(charter.read_text() + "ownr%0A::error::x: 1\n")
    result = cli("check", sample, "--today", TODAY, env={"GITHUB_ACTIONS": "true"})
    lines = [l for l in result.out.splitlines() if l.startswith("::")]
    assert lines and all(l.startswith(("::error file=", "::warning file=", "::notice file=")) for l in lines)
    assert not any(l.startswith("::error::") for l in result.out.splitlines())
    assert any("%250A" in l for l in lines)


def test_junit_format(sample, cli):
    _break_owner(sample)
    result = cli("check", sample, "--today", TODAY, "--format", "junit")
    root = ET.fromstring(result.out)
    assert root.tag == "testsuites" and int(root.get("failures")) >= 1
    assert "PL002" in {failure.get("type") for failure in root.iter("failure")}


def test_output_file(sample, cli, tmp_path):
    out = tmp_path / "report.json"
    result = cli("check", sample, "--today", TODAY, "--format", "json", "--output", out)
    assert result.code == 0 and result.out == ""
    assert json.loads(out.read_text())["verdict"] == "pass"


def test_select_ignore_and_fail_on(sample, cli):
    _break_owner(sample)
    assert cli("check", sample, "--today", TODAY, "--ignore", "PL002").code in (0, 1)
    ignored = cli("check", sample, "--today", TODAY, "--ignore", "PL0", "--format", "json")
    assert "PL002" not in ignored.rules()
    selected = cli("check", sample, "--today", TODAY, "--select", "PL002", "--format", "json")
    assert set(selected.rules()) == {"PL002"}


def test_strict_fails_on_warnings(sample, cli):
    (sample / "pilots/outbound-drafts/x-regions.yaml").write_text(
        "apiVersion: pilotlint/v1\nkind: WeeklyNote\npilot: outbound-drafts\nweek: 2026-W48\nx-r: [NO]\n")
    args = ("check", sample, "--today", TODAY, "--select", "PL007")
    assert cli(*args).code == 0
    assert cli(*args, "--strict").code == 1
    assert cli(*args, "--fail-on", "warning").code == 1


def test_config_severity_ignore_and_overrides(sample, cli):
    (sample / "pilots/outbound-drafts/x-regions.yaml").write_text(
        "apiVersion: pilotlint/v1\nkind: WeeklyNote\npilot: outbound-drafts\nweek: 2026-W48\nx-r: [NO]\n")
    apply_example(sample, {"config": {"rules": {"severity": {"PL007": "error"}}}})
    result = cli("check", sample, "--today", TODAY, "--format", "json", "--select", "PL007")
    assert result.code == 1 and result.json["findings"][0]["severity"] == "error"
    apply_example(sample, {"config": {"rules": {"overrides": [{"paths": ["pilots/outbound-*/**"],
                                                               "ignore": ["PL007"]}]}}})
    result = cli("check", sample, "--today", TODAY, "--format", "json", "--select", "PL007")
    assert result.code == 0 and result.json["findings"] == []


def test_config_is_found_upwards_and_can_be_given(sample, cli, tmp_path):
    note = sample / "pilots/outbound-drafts/notes/2026-W47.yaml"
    found = cli("check", note, "--today", TODAY, "--format", "json")
    assert "PL005" not in found.rules()  # people come from the config found above the note
    elsewhere = tmp_path / "other.yaml"
    elsewhere.write_text("apiVersion: pilotlint/v1\nkind: Config\npeople: {}\n")
    given = cli("--config", elsewhere, "check", note, "--today", TODAY, "--format", "json")
    assert "PL005" in given.rules()


def test_malformed_config_exits_2_with_file_and_line(sample, cli):
    (sample / ".pilotlint.yaml").write_text("apiVersion: pilotlint/v1\nkind: Config\npaths: [pilots\n")
    result = cli("check", sample)
    assert result.code == 2
    assert ".pilotlint.yaml:" in result.err and "Traceback" not in result.err


def test_show_suppressed_lists_reason(sample, cli):
    (sample / "pilots/outbound-drafts/x-regions.yaml").write_text(
        "apiVersion: pilotlint/v1\nkind: WeeklyNote\npilot: outbound-drafts\nweek: 2026-W48\n"
        "x-r: [NO]  # pilotlint: disable=PL007 reason=\"Norway is a region code here\" until=2027-01-31\n")
    result = cli("check", sample, "--today", TODAY, "--select", "PL007,PL010", "--show-suppressed")
    assert "[suppressed]" in result.out and "Norway is a region code here" in result.out
    as_json = cli("check", sample, "--today", TODAY, "--select", "PL007,PL010", "--format", "json")
    assert as_json.json["findings"] == [] and as_json.json["summary"]["suppressed"] == 1
    expired = cli("check", sample, "--today", "2027-02-01", "--select", "PL007,PL010", "--format", "json")
    assert sorted(expired.rules()) == ["PL007", "PL010"]


def test_file_wide_suppression(sample, cli):
    (sample / "pilots/outbound-drafts/x-regions.yaml").write_text(
        "# pilotlint: disable-file=PL007 reason=\"codes are data\"\n"
        "apiVersion: pilotlint/v1\nkind: WeeklyNote\npilot: outbound-drafts\nweek: 2026-W48\nx-r: [NO, YES]\n")
    result = cli("check", sample, "--today", TODAY, "--select", "PL007,PL010", "--format", "json")
    assert result.json["findings"] == [] and result.json["summary"]["suppressed"] == 2


def test_file_named_like_an_option_after_double_dash(sample, cli):
    odd = sample / "pilots/outbound-drafts/notes/--config=x.yaml"
    odd.write_text("apiVersion: pilotlint/v1\nkind: WeeklyNote\npilot: outbound-drafts\nweek: 2026-W48\nownr: 1\n")
    result = cli("check", "--format", "json", "--today", TODAY, "--", "pilots/outbound-drafts/notes/--config=x.yaml",
                 cwd=sample)
    assert result.code == 1
    assert any(f["path"].endswith("--config=x.yaml") and f["rule"] == "PL002" for f in result.json["findings"])


def test_one_note_is_checked_with_its_charter(sample, cli):
    note = sample / "pilots/outbound-drafts/notes/2026-W47.yaml"
    result = cli("check", note, "--today", TODAY, "--format", "json")
    assert result.code == 0, result
    assert "PL006" not in result.rules()  # the charter was found, so the note is not dangling


# -- the pre-commit hook's command line runs without click, and says exactly the same ---------

FAST_ARGS = [
    ["--no-git", "--today", "2026-11-24"],
    ["--no-git", "--today=2026-11-24", "--", "pilots/outbound-drafts/charter.yaml"],
    ["--today", "2026-11-24", "--strict", "--format", "json", "pilots/outbound-drafts"],
    ["--no-git", "--today", "2026-11-24", "--select", "PL3", "--select", "PL7", "--fail-on=warning"],
    ["--no-git", "--today", "2026-11-10", "--ignore", "PL1", "--strict"],   # W47 is a future week: PL011
    ["--no-git", "--today", "2026-11-24", "--ignore", "PL011", "--show-suppressed", "--format", "github"],
    ["--no-git", "--today", "2026-11-24", "--format=sarif", "--", "--not-a-file.yaml"],
    ["--no-git", "--today", "2026-13-01"],                       # not a date: click explains it
    ["--no-git", "--format", "xml"],                              # not a format: click explains it
    ["--no-git", "--today", "2026-11-24", "--bogus"],             # unknown: click explains it
    ["--no-git", "--today", "2026-11-24", "nosuch.yaml"],
    ["--help"],
]


@pytest.mark.parametrize("args", FAST_ARGS, ids=[" ".join(a) for a in FAST_ARGS])
def test_the_hooks_command_line_says_the_same_with_and_without_click(sample, args):
    apply_example(sample, {"charter": "authority: [approve_vendors]"})   # errors (PL1xx) to select or not
    init_repo(sample)
    fast = run_cli("check", *args, cwd=sample)
    slow = run_cli("check", *args, cwd=sample, env={"PILOTLINT_NO_FAST_PATH": "1"})
    assert (fast.code, fast.out, fast.err) == (slow.code, slow.out, slow.err)


def test_the_hooks_command_line_does_not_import_click(sample):
    code = ("import sys\nsys.argv = ['pilotlint', 'check', '--no-git', '--today', '2026-11-24', '--',"
            " 'pilots/outbound-drafts/charter.yaml']\nfrom pilotlint.cli import main\ntry:\n    main()\n"
            "except SystemExit as exc:\n    print('exit', exc.code, 'click' in sys.modules, file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=sample, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stderr.strip().splitlines()[-1] == "exit 0 False", proc.stderr
