"""`pilotlint gate`: real repositories with controlled authors, dates and SSH keys (issue 4)."""

from __future__ import annotations

import json

import pytest

from conftest import TODAY, git, keypair, run_cli
from examples_runner import apply_example
from gate_helpers import CHARTER, NORDICS, approve, commit, gate, make_repo
from pilotlint.catalogue import catalogue



def rules(result) -> list[str]:
    return sorted({f["rule"] for f in result.json["findings"] if f["severity"] == "error"})


@pytest.fixture
def repo(sample):
    return make_repo(sample)


# -- expansions and approvals --------------------------------------------------------------

def test_adding_a_region_without_approval_blocks_with_PL801_and_lists_the_expansion(repo):
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    result = gate(repo)
    assert result.code == 1
    assert result.json["verdict"] == "blocked"
    assert rules(result) == ["PL801"]
    assert result.json["expansions"] == [{"pilot": "outbound-drafts", "path": CHARTER, "field": "scope.regions",
                                          "change": "added", "from": None, "to": "Nordics"}]
    finding = next(f for f in result.json["findings"] if f["rule"] == "PL801")
    assert finding["path"] == CHARTER and "Nordics" in finding["message"]
    text = run_cli("gate", "--base", "main", "--today", TODAY, cwd=repo)
    assert "scope.regions added" in text.out and "Gate BLOCKED" in text.out


def test_the_owners_approval_by_author_email_passes(repo):
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    approve(repo, "oleg", "outbound-drafts")
    result = gate(repo)
    assert result.code == 0, result
    assert result.json["verdict"] == "pass" and len(result.json["expansions"]) == 1


def test_the_owners_signed_approval_passes_whoever_commits_it(sample, tmp_path):
    key, pub = keypair(tmp_path, "oleg")
    repo = make_repo(sample, {"config": json.dumps({"people": {"oleg": {"signing_key": pub}}})})
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    approve(repo, "oleg", "outbound-drafts", "--sign", key, who="eve")
    assert gate(repo).code == 0


def test_an_approval_by_another_person_blocks(repo):
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    approve(repo, "maria", "outbound-drafts")
    result = gate(repo)
    assert result.code == 1
    assert rules(result) == ["PL801", "PL902"]
    pl902 = next(f for f in result.json["findings"] if f["rule"] == "PL902")
    assert "wrong person" in pl902["message"] and "unproven" not in pl902["message"]


def test_an_approval_in_the_owners_name_committed_by_someone_else_blocks(repo):
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    approve(repo, "oleg", "outbound-drafts", who="eve")
    result = gate(repo)
    assert rules(result) == ["PL801", "PL902"]
    pl902 = next(f for f in result.json["findings"] if f["rule"] == "PL902")
    assert "unproven identity" in pl902["message"] and "eve@evil.example" in pl902["message"]


def test_an_approval_followed_by_another_gated_change_is_stale_and_blocks(repo):
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    approve(repo, "oleg", "outbound-drafts")
    apply_example(repo, {"charter": "budget: {monthly_cap: 2600}"})
    commit(repo, "A little more budget")
    result = gate(repo)
    assert result.code == 1
    assert rules(result) == ["PL801"]  # a stale approval is history, not a PL902
    assert "stale" in next(f for f in result.json["findings"] if f["rule"] == "PL801")["message"]


def test_a_title_typo_fix_after_the_approval_keeps_it_valid(repo):
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    approve(repo, "oleg", "outbound-drafts")
    apply_example(repo, {"charter": "title: AI first drafts for outbound sales e-mails"})
    commit(repo, "Typo")
    assert gate(repo).code == 0


def test_a_contraction_needs_no_approval_but_a_neutral_gated_change_does(repo):
    apply_example(repo, {"charter": "scope: {channels: []}"})
    commit(repo, "No more email channel")
    assert gate(repo).code == 0
    apply_example(repo, {"charter": "budget: {components: {software: 250}}"})
    commit(repo, "Fewer seats")
    result = gate(repo)
    assert rules(result) == ["PL901"]
    assert result.json["findings"][0]["severity"] == "error"


def test_a_change_of_owner_needs_the_previous_owner_or_oversight(repo):
    apply_example(repo, {"charter": "owner: maria"})
    commit(repo, "Maria takes over")
    approve(repo, "maria", "outbound-drafts")
    result = gate(repo)
    assert "PL901" in rules(result) and "PL902" in rules(result)
    assert "previous owner (oleg)" in json.dumps(result.json)
    approve(repo, "anna", "outbound-drafts", today="2026-11-23")
    assert "PL901" not in rules(gate(repo))


# -- the base decides the rules ------------------------------------------------------------

def test_a_pull_request_that_makes_its_author_an_owner_cannot_pass(repo):
    apply_example(repo, {"config": "people: {eve: {name: Eve, email: eve@evil.example, roles: [cto]}}",
                         "charter": "owner: eve\nscope: {regions: [DACH, Nordics]}"})
    apply_example(repo, {"rollback": "decision_maker: eve"})
    commit(repo, "Eve owns it now")
    approve(repo, "eve", "outbound-drafts")
    result = gate(repo)
    assert result.code == 1
    assert {"PL801", "PL807", "PL902"} <= set(rules(result))
    assert "not a person of the base configuration" in json.dumps(result.json)


def test_editing_the_config_needs_a_base_admins_approval(repo):
    apply_example(repo, {"config": "rules: {ignore: [PL801]}"})
    commit(repo, "Switch the gate off")
    result = gate(repo)
    assert rules(result) == ["PL807"]
    approve(repo, "oleg", "--config")           # oleg is no admin of the base config
    result = gate(repo)
    assert rules(result) == ["PL807", "PL902"]
    approve(repo, "anna", "--config", today="2026-11-23")
    assert rules(gate(repo)) == ["PL902"]   # oleg's approval in the range still claims too much
    for path in (repo / ".pilotlint/approvals").glob("*-oleg.yaml"):
        path.unlink()
    commit(repo, "Drop oleg's approval", who="oleg")
    assert gate(repo).code == 0


def test_a_suppression_comment_for_PL801_is_PL010_and_does_not_silence_it(repo):
    charter = repo / CHARTER
    text = charter.read_text().replace("  regions: [DACH]", "  regions: [DACH, Nordics]  # pilotlint: disable=PL801 "
                                       'reason="the board agreed"', 1)
    charter.write_text(text)
    commit(repo, "Add the Nordics quietly")
    result = gate(repo)
    assert result.code == 1
    assert rules(result) == ["PL010", "PL801"]
    assert not result.json["suppressed"]


# -- signatures ------------------------------------------------------------------------------

@pytest.fixture
def signed_repo(sample, tmp_path):
    key, pub = keypair(tmp_path, "oleg")
    repo = make_repo(sample, {"config": json.dumps({"people": {"oleg": {"signing_key": pub}},
                                                    "gate": {"require_signed": True}})})
    return repo, key


def test_with_require_signed_a_forged_author_email_does_not_pass(signed_repo):
    repo, _key = signed_repo
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    approve(repo, "oleg", "outbound-drafts", who="oleg")   # "oleg@acme.example" is typed by anyone
    result = gate(repo)
    assert rules(result) == ["PL801", "PL902"]
    assert "require_signed" in next(f for f in result.json["findings"] if f["rule"] == "PL902")["message"]


def test_with_require_signed_a_valid_signature_survives_a_squash_by_someone_else(signed_repo):
    repo, key = signed_repo
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    approve(repo, "oleg", "outbound-drafts", "--sign", key, who="maria")
    git(repo, "reset", "-q", "--soft", "main")
    commit(repo, "Squashed: Nordics (#12)", who="eve")
    assert git(repo, "rev-list", "--count", "main..HEAD") == "1"
    assert gate(repo).code == 0


def test_a_signature_does_not_move_to_another_pilot_or_decision(signed_repo):
    repo, key = signed_repo
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    approve(repo, "oleg", "outbound-drafts", "--sign", key, "--decision", "reject", "--note", "not yet")
    path = next((repo / "pilots/outbound-drafts/approvals").glob("*.yaml"))
    path.write_text(path.read_text().replace("decision: reject", "decision: approve"))
    commit(repo, "approve instead", who="oleg")
    assert rules(gate(repo)) == ["PL801", "PL902"]


# -- freezes ---------------------------------------------------------------------------------

def test_a_region_added_during_a_freeze_blocks_whatever_the_commit_dates_say(sample):
    repo = make_repo(sample, {"charter": "freeze: [{from: 2026-11-20, to: 2026-12-05, reason: new owner audit}]"})
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics", date="2026-11-01T09:00:00+00:00")   # back-dated before the window
    approve(repo, "oleg", "outbound-drafts", today="2026-11-02")
    result = gate(repo, today="2026-11-24")
    assert rules(result) == ["PL806"]
    assert "2026-11-20" in result.json["findings"][0]["message"]
    after = gate(repo, today="2026-12-06")
    assert after.code == 0, after


def test_a_freeze_removed_by_the_pull_request_still_holds(sample):
    repo = make_repo(sample, {"charter": "freeze: [{from: 2026-11-20, to: 2026-12-05, reason: audit}]"})
    apply_example(repo, {"charter": "freeze: []\nscope: {regions: [DACH, Nordics]}"})
    commit(repo, "No freeze, Nordics")
    approve(repo, "oleg", "outbound-drafts")
    assert "PL806" in rules(gate(repo))


# -- expansion checks ------------------------------------------------------------------------

def test_an_expansion_with_a_weak_scorecard_old_drill_and_no_legal_review_blocks(repo):
    apply_example(repo, {"charter": "data_access: [{source: crm-contacts, classification: customer, access: write, "
                                    "legal_review: {by: lena, on: 2026-09-28}}, {source: tickets, classification: "
                                    "personal, access: read}]",
                         "note": "metrics: {reply_rate: 2.5}",
                         "rollback": "old_workflow: {ready: false}"})
    commit(repo, "More data")
    approve(repo, "oleg", "outbound-drafts")
    result = gate(repo, today="2027-03-01")
    found = [f["rule"] for f in result.json["findings"] if f["rule"].startswith("PL8")]
    assert sorted(set(found)) == ["PL802", "PL803", "PL804", "PL805"]
    assert found.count("PL805") == 2


# -- refs and clones -------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["--base=--output=OUT"], ["--base", "--output=OUT"],
                                  ["--base", "main", "--head=--output=OUT"]])
def test_a_ref_that_looks_like_an_option_exits_2_and_creates_no_file(repo, tmp_path, args):
    out = tmp_path / "x"
    args = [a.replace("OUT", str(out)) for a in args]
    result = run_cli("gate", *args, "--today", TODAY, cwd=repo)
    assert result.code == 2, result
    assert not out.exists()


def test_an_unknown_ref_exits_2(repo):
    result = run_cli("gate", "--base", "no-such-branch", cwd=repo)
    assert result.code == 2 and "unknown ref" in result.err


def test_a_shallow_clone_exits_2_and_names_fetch_depth(repo, tmp_path):
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{repo}", str(clone))
    git(clone, "fetch", "-q", "--depth", "1", "origin", "main:main")
    result = run_cli("gate", "--base", "main", cwd=clone)
    assert result.code == 2 and "fetch-depth: 0" in result.err


def test_outside_git_exits_2(sample):
    result = run_cli("gate", "--base", "main", cwd=sample)
    assert result.code == 2


# -- outputs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_every_format(repo, fmt):
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    result = run_cli("gate", "--base", "main", "--format", fmt, "--today", TODAY, cwd=repo)
    assert result.code == 1 and "PL801" in result.out


def test_the_summary_is_appended_escaped_and_bounded(repo, tmp_path):
    charter = repo / CHARTER
    charter.write_text(charter.read_text().replace("  regions: [DACH]", '  regions: [DACH, "<img src=x> | @everyone"]'))
    commit(repo, "Add a strange region")
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    result = run_cli("gate", "--base", "main", "--summary", summary, "--today", TODAY, cwd=repo)
    assert result.code == 1
    text = summary.read_text()
    assert text.startswith("# earlier step\n") and "blocked" in text
    assert "<img" not in text and "@everyone" not in text and "\\|" in text


def test_a_long_summary_is_truncated_with_a_notice():
    from pilotlint.report.verdict import render_summary
    from pilotlint.findings import Finding, Report

    findings = [Finding("PL302", "error", f"pilots/p{n}/charter.yaml", n, 1, f"p{n}", "x" * 2000 + " | <b>")
                for n in range(3000)]
    text = render_summary(Report("gate", findings, [], 3000, expansions=[]), "a" * 40, "b" * 40)
    assert len(text.encode()) < 1024 * 1024
    assert "more findings are not shown" in text and "<b>" not in text


# -- catalogue examples that need history (rules/gate.yaml) ---------------------------------

GIT_CASES = [
    pytest.param(info.id, kind, example, id=f"{info.id}-{kind}-{n}")
    for info in catalogue().values()
    for kind in ("fail", "pass")
    for n, example in enumerate(info.examples.get(kind) or [])
    if example.get("git") and info.family == "gate"
]


@pytest.mark.parametrize("rule_id,kind,example", GIT_CASES)
def test_catalogue_example_with_history(rule_id, kind, example, sample):
    setup = example["git"]
    repo = make_repo(sample, setup.get("base"))
    apply_example(repo, {k: v for k, v in example.items() if k not in ("git", "today", "args", "description")})
    commit(repo, example.get("description", "the pull request"))
    if setup.get("approve"):
        approve(repo, setup["approve"], "outbound-drafts")
    if setup.get("approve_config"):
        approve(repo, setup["approve_config"], "--config")
    today = example.get("today", TODAY)
    if setup.get("command") == "check":
        result = run_cli("check", "--format", "json", "--today", today, *example.get("args", []), cwd=repo)
    else:
        result = run_cli("gate", "--base", "main", "--format", "json", "--today", today,
                         *example.get("args", []), cwd=repo)
    assert result.code in (0, 1), result
    hits = [f for f in result.json["findings"] if f["rule"] == rule_id and f["pilot"] in ("outbound-drafts", None)]
    if kind == "fail":
        assert hits, f"{rule_id} expected for: {example.get('description')}\n{result.out}"
    else:
        assert not hits, f"{rule_id} not expected for: {example.get('description')}\n{result.out}"
