"""Approvals: the canonical hash, signatures, the judgement, `approve`, and PL901/PL902 in `check`."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from conftest import TODAY, git, init_repo, keypair, run_cli
from pilotlint.history import approvals
from pilotlint.documents.config import Config
from pilotlint.documents.load import load_text

CHARTER = """\
apiVersion: pilotlint/v1
kind: Charter
pilot: p
title: A pilot
owner: oleg
authority: [approve_vendors, pause]
oversight: anna
scope: {regions: [DACH], teams: [sales]}
budget: {monthly_cap: 2500}
"""


def data(text: str):
    return load_text(text).data




def config(**people) -> Config:
    base = {"oleg": {"email": "oleg@acme.example"}, "anna": {"email": "anna@acme.example"},
            "maria": {"email": "maria@acme.example"}}
    for person, key in people.items():
        base.setdefault(person, {})["signing_key"] = key
    return Config(rel=".pilotlint.yaml", people=base, admins=["anna"])


def approval(charter, approver="oleg", **extra) -> dict:
    return {"apiVersion": "pilotlint/v1", "kind": "Approval", "pilot": "p", "approver": approver,
            "decision": "approve", "covers": approvals.charter_hash(charter), "on": "2026-11-20", **extra}


# -- the canonical hash --------------------------------------------------------------------

def test_the_hash_ignores_formatting_order_comments_and_ungated_fields():
    block = CHARTER.replace("scope: {regions: [DACH], teams: [sales]}", "scope:\n  teams:   [sales]  # who\n"
                            "  regions:\n    - DACH\n").replace("monthly_cap: 2500", "monthly_cap: 2500.0")
    retitled = CHARTER.replace("title: A pilot", "title: A pilot (typo fixed)") + "x-cost-centre: CC-1\n"
    assert approvals.charter_hash(data(block)) == approvals.charter_hash(data(CHARTER))
    assert approvals.charter_hash(data(retitled)) == approvals.charter_hash(data(CHARTER))
    assert approvals.charter_hash(data(CHARTER)).startswith("sha256:") and len(approvals.charter_hash({})) == 71


@pytest.mark.parametrize("change", [
    ("regions: [DACH]", "regions: [DACH, Nordics]"),
    ("owner: oleg", "owner: maria"),
    ("monthly_cap: 2500", "monthly_cap: 2501"),
    ("teams: [sales]}", "teams: [sales], x-extra-regions: [Nordics]}"),   # x- keys inside gated fields count
    ("authority: [approve_vendors, pause]", "authority: [pause, approve_vendors]"),
])
def test_any_gated_change_changes_the_hash(change):
    old, new = change
    assert approvals.charter_hash(data(CHARTER.replace(old, new))) != approvals.charter_hash(data(CHARTER))


def test_a_missing_gated_field_is_absent_not_null():
    without = data(CHARTER.replace("budget: {monthly_cap: 2500}\n", ""))
    with_null = data(CHARTER.replace("budget: {monthly_cap: 2500}", "budget: null"))
    assert approvals.charter_hash(without) != approvals.charter_hash(with_null)
    assert "budget" not in approvals.gated_fields(without)


def test_the_config_hash_covers_the_whole_document():
    text = "apiVersion: pilotlint/v1\nkind: Config\nadmins: [anna]\n"
    assert approvals.config_hash(data(text)) != approvals.config_hash(data(text + "paths: [pilots]\n"))
    assert approvals.config_hash(data(text)) == approvals.config_hash(data("kind: Config  # c\n"
                                                                           "apiVersion: pilotlint/v1\nadmins:\n- anna\n"))


def test_the_signed_text_leaves_out_the_signature_and_names_the_target():
    doc = approval(data(CHARTER), signature="-----BEGIN SSH SIGNATURE-----", **{"x-ticket": "T-1"})
    text = approvals.signed_text(doc)
    assert "signature" not in text and "x-ticket" not in text and '"target":"charter"' in text
    assert approvals.signed_text(dict(doc, pilot="q")) != text
    assert approvals.signed_text(dict(doc, decision="reject")) != text


# -- signatures ----------------------------------------------------------------------------

def test_a_signature_verifies_for_its_person_only(tmp_path):
    key, pub = keypair(tmp_path, "oleg")
    _, other = keypair(tmp_path, "maria")
    text = approvals.signed_text(approval(data(CHARTER)))
    signature = approvals.sign(text, key)
    people = config(oleg=pub, maria=other).people
    assert approvals.verify_signature(text, signature, "oleg", people) == (True, None)
    assert not approvals.verify_signature(text, signature, "maria", people)[0]
    assert not approvals.verify_signature(text + "x", signature, "oleg", people)[0]
    assert not approvals.verify_signature(text, signature, "anna", people)[0]   # no key


def test_a_signing_key_with_a_newline_cannot_add_an_allowed_signer(tmp_path):
    _, pub = keypair(tmp_path, "oleg")
    people = {"oleg": {"signing_key": pub + "\nmaria " + pub}}
    assert approvals.allowed_signers(people) == ""


# -- the judgement -------------------------------------------------------------------------

class Doc:
    """What a decision reads of a document: its data and the path it is shown under."""

    def __init__(self, data, shown="pilots/p/approvals/a.yaml"):
        self.data, self.shown = data, shown

    def get(self, key, default=None):
        return self.data.get(key, default)


def decide(doc: dict, *, email=None, fresh=True, sequence=1):
    return approvals.make_decision(Doc(doc), fresh=fresh, sequence=sequence, author_email=email)


def judge(doc: dict, charter, cfg=None, *, allowed=("oleg",), email=None, fresh=True, today=date(2026, 11, 24)):
    cfg = cfg or config()
    return approvals.judge(decide(doc, email=email, fresh=fresh), expected=approvals.charter_hash(charter),
                           allowed=set(allowed), who="the owner (oleg) must approve", people=cfg.people,
                           require_signed=bool(cfg.gate.get("require_signed")), today=today)


def test_the_owner_with_a_matching_author_email_counts():
    charter = data(CHARTER)
    judgement = judge(approval(charter), charter, email="Oleg@Acme.example")
    assert judgement.valid and judgement.proof == "author"


def test_a_stale_approval_counts_for_nothing_and_is_marked_stale():
    charter = data(CHARTER)
    wider = data(CHARTER.replace("[DACH]", "[DACH, Nordics]"))
    judgement = judge(approval(charter), wider, email="oleg@acme.example")
    assert not judgement.valid and not judgement.current and judgement.problems == ("stale",)


def test_wrong_person_and_unproven_identity_have_their_own_reasons():
    charter = data(CHARTER)
    wrong = judge(approval(charter, "maria"), charter, email="maria@acme.example")
    assert wrong.problems == ("person",) and wrong.reason.startswith("wrong person")
    unproven = judge(approval(charter), charter, email="eve@evil.example")
    assert unproven.problems == ("identity",) and unproven.reason.startswith("unproven identity")
    stranger = judge(approval(charter, "eve"), charter, email="eve@evil.example")
    assert stranger.problems == ("person", "identity") and "not a person of the base configuration" in stranger.reason


def test_an_approval_already_in_the_base_covers_nothing_new():
    charter = data(CHARTER)
    judgement = judge(approval(charter), charter, email="oleg@acme.example", fresh=False)
    assert not judgement.valid and judgement.problems == ("old",) and "already in the base" in judgement.reason


def test_an_approval_dated_after_today_does_not_count_yet():
    charter = data(CHARTER)
    judgement = judge(approval(charter, on="2026-12-01"), charter, email="oleg@acme.example")
    assert not judgement.valid and judgement.problems == ("future",)


def test_require_signed_accepts_only_a_verified_signature(tmp_path):
    key, pub = keypair(tmp_path, "oleg")
    charter = data(CHARTER)
    unsigned = approval(charter)
    signed = dict(unsigned, signature=approvals.sign(approvals.signed_text(unsigned), key))
    cfg = config(oleg=pub)
    cfg.gate["require_signed"] = True
    assert not judge(unsigned, charter, cfg, email="oleg@acme.example").valid
    judgement = judge(signed, charter, cfg, email="eve@evil.example")
    assert judgement.valid and judgement.proof == "signature"


def test_a_rejection_is_not_an_approval():
    charter = data(CHARTER)
    judgement = judge(approval(charter, decision="reject"), charter, email="oleg@acme.example")
    assert not judgement.valid and judgement.problems == ("rejected",)


def _verdict(docs, charter, allowed=("oleg",), today=date(2026, 11, 24)):
    decisions = [decide(doc, email=f"{doc['approver']}@acme.example", fresh=fresh, sequence=n)
                 for n, (doc, fresh) in enumerate(docs)]

    def judge_one(decision):
        return approvals.judge(decision, expected=approvals.charter_hash(charter), allowed=set(allowed),
                               who="the owner must approve", people=config().people, require_signed=False,
                               today=today)
    return approvals.verdict(set(allowed), decisions, judge_one, today)


def test_the_newest_decision_of_a_person_wins():
    charter = data(CHARTER)
    yes, no = approval(charter, on="2026-11-20"), approval(charter, on="2026-11-21", decision="reject")
    assert not _verdict([(yes, True), (no, True)], charter).approved            # a later rejection blocks
    assert _verdict([(no, True), (dict(yes, on="2026-11-22"), True)], charter).approved
    same_day = dict(no, on="2026-11-20")
    assert not _verdict([(yes, True), (same_day, True)], charter).approved      # then the order of commits
    assert _verdict([(same_day, True), (yes, True)], charter).approved


def test_a_newer_decision_in_the_base_outranks_an_older_one_replayed_in_the_range():
    charter = data(CHARTER)
    replayed = approval(charter, on="2026-10-01")
    newer_in_base = approval(data(CHARTER.replace("[DACH]", "[DACH, CH]")), on="2026-11-10")
    result = _verdict([(newer_in_base, False), (replayed, True)], charter)
    assert not result.approved and "newest decision" in result.why


def test_a_config_approval_needs_a_base_admin():
    head = data("apiVersion: pilotlint/v1\nkind: Config\nadmins: [anna]\n")
    doc = {"target": "config", "approver": "anna", "decision": "approve", "covers": approvals.config_hash(head),
           "on": "2026-11-20"}
    kwargs = dict(expected=approvals.config_hash(head), allowed={"anna"}, who="an admin must approve",
                  people=config().people, require_signed=False, today=date(2026, 11, 24))
    assert approvals.judge(decide(doc, email="anna@acme.example"), **kwargs).valid
    oleg = approvals.judge(decide(dict(doc, approver="oleg"), email="oleg@acme.example"), **kwargs)
    assert oleg.problems == ("person",)


def test_the_config_hash_covers_the_policy_files_it_names():
    head = data("apiVersion: pilotlint/v1\nkind: Config\nrules: {extra: [p.yaml]}\n")
    assert approvals.config_hash(head, {"p.yaml": {"rules": []}}) != approvals.config_hash(head, {"p.yaml": {}})
    assert approvals.config_hash(head) == approvals.config_hash(head, {})


# -- `pilotlint approve` ---------------------------------------------------------------------

def test_approve_writes_the_document_next_to_the_charter_and_never_overwrites(sample):
    result = run_cli("approve", "outbound-drafts", "--as", "oleg", "--note", 'Nordics "ok" | @all', "--today",
                     "2026-11-20", cwd=sample)
    assert result.code == 0, result
    path = sample / "pilots/outbound-drafts/approvals/2026-11-20-oleg.yaml"
    doc = data(path.read_text())
    charter = data((sample / "pilots/outbound-drafts/charter.yaml").read_text())
    assert doc["covers"] == approvals.charter_hash(charter) and doc["note"] == 'Nordics "ok" | @all'
    assert doc["on"] == "2026-11-20" and doc["decision"] == "approve" and doc["pilot"] == "outbound-drafts"
    before = path.read_bytes()
    again = run_cli("approve", "outbound-drafts", "--as", "oleg", "--decision", "reject", "--today", "2026-11-20",
                    cwd=sample)
    second = sample / "pilots/outbound-drafts/approvals/2026-11-20-oleg-2.yaml"
    assert again.code == 0 and "2026-11-20-oleg-2.yaml" in again.out, again  # a second one on the same day
    assert path.read_bytes() == before and data(second.read_text())["decision"] == "reject"
    check = run_cli("check", "--format", "json", "--no-git", "--today", TODAY, cwd=sample)
    assert not [f for f in check.json["findings"] if f["rule"] == "PL002"]


@pytest.mark.parametrize("args,words", [(["nope", "--as", "oleg"], "unknown pilot"),
                                        (["outbound-drafts", "--as", "eve"], "unknown person"),
                                        (["--as", "oleg"], "name a PILOT"),
                                        (["outbound-drafts", "--config", "--as", "anna"], "not both")])
def test_approve_refuses_unknown_pilots_and_people(sample, args, words):
    result = run_cli("approve", *args, cwd=sample)
    assert result.code == 2 and words in result.err
    assert not list(sample.glob("pilots/*/approvals"))


def test_approve_sign_writes_a_signature_that_verifies(sample, tmp_path):
    import json

    from examples_runner import apply_example

    key, pub = keypair(tmp_path, "oleg")
    apply_example(sample, {"config": json.dumps({"people": {"oleg": {"signing_key": pub}}})})
    result = run_cli("approve", "outbound-drafts", "--as", "oleg", "--sign", key, "--today", "2026-11-20",
                     cwd=sample)
    assert result.code == 0, result
    doc = data((sample / "pilots/outbound-drafts/approvals/2026-11-20-oleg.yaml").read_text())
    assert approvals.verify_signature(approvals.signed_text(doc), doc["signature"], "oleg",
                                      {"oleg": {"signing_key": pub}}) == (True, None)
    missing = run_cli("approve", "support-triage", "--as", "oleg", "--sign", tmp_path / "nokey", cwd=sample)
    assert missing.code == 2 and not list(sample.glob("pilots/support-triage/approvals/*"))


def test_approve_sign_with_a_key_that_is_not_the_persons_is_refused_at_once(sample, tmp_path):
    import json

    from examples_runner import apply_example

    _, pub = keypair(tmp_path, "oleg")
    wrong, wrong_pub = keypair(tmp_path, "eve")
    apply_example(sample, {"config": json.dumps({"people": {"oleg": {"signing_key": pub}}})})
    result = run_cli("approve", "outbound-drafts", "--as", "oleg", "--sign", wrong, "--today", "2026-11-20",
                     cwd=sample)
    assert result.code == 2 and "is not oleg's signing key" in result.err, result
    assert wrong_pub.split()[1][-12:] in result.err and pub.split()[1][-12:] in result.err  # names both
    assert not list(sample.glob("pilots/outbound-drafts/approvals/*"))


def test_approve_config_covers_the_whole_config(sample):
    result = run_cli("approve", "--config", "--as", "anna", "--today", "2026-11-20", cwd=sample)
    assert result.code == 0, result
    doc = data((sample / ".pilotlint/approvals/2026-11-20-anna.yaml").read_text())
    assert doc["target"] == "config" and "pilot" not in doc
    policy = load_text((sample / "policies/acme.yaml").read_text(), positions=False).data
    assert doc["covers"] == approvals.config_hash(data((sample / ".pilotlint.yaml").read_text()),
                                                  {"policies/acme.yaml": policy})


# -- PL901 / PL902 in check --------------------------------------------------------------------

def _check(repo, *args):
    result = run_cli("check", "--format", "json", "--today", TODAY, *args, cwd=repo)
    assert result.code in (0, 1), result
    return [f for f in result.json["findings"] if f["rule"] in ("PL901", "PL902") and f["pilot"] == "outbound-drafts"]


def _commit(repo, who):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"{who} approves", env={"GIT_AUTHOR_EMAIL": f"{who}@acme.example"})


def test_check_warns_until_the_owner_approves_in_a_commit_of_their_own(sample):
    repo = init_repo(sample)
    found = _check(repo)
    assert [(f["rule"], f["severity"]) for f in found] == [("PL901", "warning")]
    run_cli("approve", "outbound-drafts", "--as", "oleg", "--today", "2026-11-20", cwd=repo)
    assert "not committed yet" in _check(repo)[0]["message"]        # pending: no PL902 before the commit
    _commit(repo, "oleg")
    assert _check(repo) == []
    assert _check(repo, "--no-git") == []


def test_without_git_a_clean_repository_with_no_approvals_passes_strict(sample, tmp_path):
    """No PL901 outside git or with --no-git (an author-proven approval cannot be seen there);
    the same repository inside git, with no approval commit, still warns."""
    for path in sample.glob("pilots/*/approvals"):
        shutil.rmtree(path)
    strict = ("check", "--strict", "--format", "json", "--today", TODAY)
    outside = run_cli(*strict, cwd=sample)
    assert outside.code == 0, outside
    assert run_cli(*strict, "--no-git", cwd=sample).code == 0
    init_repo(sample)
    inside = run_cli(*strict, cwd=sample)
    assert inside.code == 1 and "PL901" in inside.rules()
    assert run_cli(*strict, "--no-git", cwd=sample).code == 0


def test_without_git_a_wrong_person_or_a_bad_signature_is_still_PL902(sample, tmp_path):
    run_cli("approve", "outbound-drafts", "--as", "maria", "--today", "2026-11-20", cwd=sample)
    found = _check(sample, "--no-git")
    assert [f["rule"] for f in found] == ["PL902"] and "wrong person" in found[0]["message"]


def test_check_reports_an_approval_by_the_wrong_person_as_PL902(sample):
    repo = init_repo(sample)
    run_cli("approve", "outbound-drafts", "--as", "maria", "--today", "2026-11-20", cwd=repo)
    _commit(repo, "maria")
    found = {f["rule"]: f for f in _check(repo)}
    assert set(found) == {"PL901", "PL902"} and "wrong person" in found["PL902"]["message"]
    assert found["PL902"]["path"] == "pilots/outbound-drafts/approvals/2026-11-20-maria.yaml"


def test_check_reports_an_approval_committed_by_someone_else_as_unproven(sample):
    repo = init_repo(sample)
    run_cli("approve", "outbound-drafts", "--as", "oleg", "--today", "2026-11-20", cwd=repo)
    _commit(repo, "tom")
    found = {f["rule"]: f for f in _check(repo)}
    assert "unproven identity" in found["PL902"]["message"]
