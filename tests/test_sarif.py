"""SARIF that GitHub code scanning accepts: checked by Microsoft's validator, plus the
properties code scanning relies on (rule help, stable fingerprints, suppressions)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, TODAY, init_repo
from conftest import run_cli as _run_cli
from integration.tools import sarif_multitool

ENV = {"PYTHONPATH": str(REPO)}  # run in the governance repo as its working directory


@pytest.fixture
def cli():
    def run(*args, cwd=None):
        return _run_cli(*args, cwd=cwd, env=ENV)
    return run

CHARTER = "pilots/outbound-drafts/charter.yaml"
NOTE = "pilots/outbound-drafts/notes/2026-W47.yaml"


def _break(repo: Path) -> None:
    """A charter with errors, a warning silenced inline with a reason, and document text
    that tries to escape its output format."""
    charter = repo / CHARTER
    text = charter.read_text()
    text = re.sub(r"^owner: oleg", "owner: [oleg, maria]", text, count=1, flags=re.M)
    text = text.replace("\ntitle:", '\nx-legacy: yes  # pilotlint: disable=PL007 reason="kept for the 2025 '
                        'importer" until=2099-01-01\ntitle:', 1)
    charter.write_text(text)
    note = repo / NOTE
    note.write_text(note.read_text() + 'x-flag: on\nx-text: "::error::injected %0A <b>\\u202e"\n')


@pytest.fixture
def broken(sample):
    _break(sample)
    return init_repo(sample)


def _sarif(cli, repo, *extra) -> dict:
    result = cli("check", "--today", TODAY, "--format", "sarif", *extra, cwd=repo)
    assert result.code == 1, result
    return result.json


def test_findings_and_suppressions_in_sarif(cli, broken):
    sarif = _sarif(cli, broken)
    run = sarif["runs"][0]
    results = run["results"]
    rules = run["tool"]["driver"]["rules"]
    assert {r["ruleId"] for r in results} >= {"PL101", "PL007"}
    suppressed = [r for r in results if r.get("suppressions")]
    assert suppressed and suppressed[0]["ruleId"] == "PL007"
    assert suppressed[0]["suppressions"][0]["justification"] == "kept for the 2025 importer"
    assert suppressed[0]["suppressions"][0]["kind"] == "inSource"
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["partialFingerprints"]["pilotlint/v1"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    for rule in rules:
        assert rule["help"]["text"] and rule["shortDescription"]["text"]
    fingerprints = [r["partialFingerprints"]["pilotlint/v1"] for r in results]
    assert len(fingerprints) == len(set(fingerprints))


def test_fingerprints_stable_across_runs_and_line_moves(cli, broken):
    def prints():
        return {(r["ruleId"], r["message"]["text"]): r["partialFingerprints"]["pilotlint/v1"]
                for r in _sarif(cli, broken)["runs"][0]["results"]}

    first = prints()
    assert prints() == first
    charter = broken / CHARTER
    charter.write_text("# a comment that moves every line down\n\n" + charter.read_text())
    assert prints() == first


def test_fingerprint_ignores_numbers_that_move_with_the_clock():
    from pilotlint.findings import Finding
    from pilotlint.report.sarif_format import fingerprint

    a = Finding("PL603", "error", "p/charter.yaml", 3, 1, "p", "the review of 2026-12-15 is 3 days overdue")
    b = Finding("PL603", "error", "p/charter.yaml", 9, 1, "p", "the review of 2026-12-15 is 40 days overdue")
    c = Finding("PL603", "error", "q/charter.yaml", 3, 1, "q", "the review of 2026-12-15 is 3 days overdue")
    assert fingerprint(a) == fingerprint(b) != fingerprint(c)
    assert fingerprint(a, 0) != fingerprint(a, 1)


def test_uris_are_uri_references():
    from pilotlint.report.sarif_format import artifact_uri

    assert artifact_uri("pilots/a b/c.yaml") == "pilots/a%20b/c.yaml"
    assert artifact_uri("pilots/x/--config=x.yaml") == "pilots/x/--config=x.yaml"
    assert artifact_uri("c:#?%.yaml") == "c%3A%23%3F%25.yaml"


def _validate(path: Path, tmp_path: Path) -> list[str]:
    """Run Microsoft's SARIF validator; return its error and warning lines."""
    out = tmp_path / "validation.sarif"
    proc = subprocess.run([*sarif_multitool(), "validate", str(path), "--output", str(out),
                           "--log", "ForceOverwrite"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and out.is_file(), proc.stdout + proc.stderr
    log = json.loads(out.read_text(encoding="utf-8-sig"))
    assert log["runs"][0]["invocations"][0]["executionSuccessful"], proc.stdout
    problems = [f"{r.get('level', 'warning')} {r['ruleId']}: {r['message'].get('arguments')}"
                for run in log["runs"] for r in run.get("results", [])
                if r.get("level", "warning") in ("error", "warning")]
    return problems


def test_sarif_passes_microsoft_validator(cli, broken, tmp_path):
    path = tmp_path / "pilotlint.sarif"
    result = cli("check", "--today", TODAY, "--format", "sarif", "--output", path, cwd=broken)
    assert result.code == 1, result
    sarif = json.loads(path.read_text())
    assert any(r.get("suppressions") for r in sarif["runs"][0]["results"])
    assert len(sarif["runs"][0]["results"]) >= 3
    assert _validate(path, tmp_path) == []


def test_validator_catches_a_broken_file(cli, broken, tmp_path):
    """The validator is really checking: a SARIF with an invalid line is an error."""
    sarif = _sarif(cli, broken)
    sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    path = tmp_path / "bad.sarif"
    path.write_text(json.dumps(sarif))
    assert any(p.startswith("error") for p in _validate(path, tmp_path))


def test_clean_run_is_valid_sarif(cli, sample, tmp_path):
    path = tmp_path / "clean.sarif"
    result = cli("check", "--today", TODAY, "--format", "sarif", "--output", path, cwd=init_repo(sample))
    assert result.code == 0, result
    assert not [r for r in json.loads(path.read_text())["runs"][0]["results"] if r["level"] == "error"]
    assert _validate(path, tmp_path) == []
