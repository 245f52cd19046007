"""The gate against an untrusted pull-request author, property by property.

Each test builds a real repository (the sample committed on main by oleg; eve's `pr`
branch), attacks one property the gate must keep, and checks that the gate blocks with
the rule that names it — and, where there is one, that the honest way through passes.
The properties:

1. a pilot's identity is the base's (renames, second charters, deletions, new pilots
   on another pilot's ground);
2. approvals belong to the range (old approvals, replays, rejections, deleted decisions);
3. nothing the pull request controls chooses what is read (the work tree, links,
   submodules, the config, policy files);
4. the gate reads every byte as `check` does (escapes, file names, evil merges);
5. every brake is gated;
6. path overrides cannot move a pilot out of the gate;
7. bad input stays a finding;
8. whatever cannot be read blocks.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from conftest import TODAY, git, run_cli
from examples_runner import apply_example
from gate_helpers import APPROVALS, CHARTER, NORDICS, PILOT, approve, commit, errors, gate, make_repo, message


@pytest.fixture
def repo(sample):
    return make_repo(sample)


def widen(repo, text="scope: {regions: [DACH, Nordics]}", who="eve"):
    apply_example(repo, {"charter": text})
    return commit(repo, "Widen the pilot", who=who)


def charter_text(repo, pilot=PILOT) -> str:
    return (repo / f"pilots/{pilot}/charter.yaml").read_text()


# -- 1. a pilot's identity is the base's ------------------------------------------------------

def test_renaming_a_pilot_in_place_needs_the_old_owner(repo):
    text = charter_text(repo).replace("pilot: outbound-drafts", "pilot: outbound-eve").replace("owner: oleg",
                                                                                            "owner: maria")
    (repo / CHARTER).write_text(text)
    commit(repo, "A fresh start")
    approve(repo, "maria", "outbound-eve")      # the new id's own owner is not enough
    result = gate(repo)
    assert result.code == 1 and "PL801" in errors(result)
    assert "renamed" in message(result, "PL801") and "oleg" in message(result, "PL801")


def test_moving_a_pilots_files_to_a_new_id_folder_is_a_rename(repo):
    shutil.move(repo / f"pilots/{PILOT}", repo / "pilots/outbound-2")
    text = charter_text(repo, "outbound-2").replace("pilot: outbound-drafts", "pilot: outbound-2")
    (repo / "pilots/outbound-2/charter.yaml").write_text(text)
    commit(repo, "Rename")
    result = gate(repo)
    assert result.code == 1 and "PL801" in errors(result), result


def test_a_second_charter_for_an_existing_id_anywhere_is_PL012(repo):
    copy = charter_text(repo).replace("owner: oleg", "owner: maria").replace("regions: [DACH]",
                                                                             "regions: [DACH, Nordics]")
    (repo / "pilots/zz-copy").mkdir()
    (repo / "pilots/zz-copy/charter.yaml").write_text(copy)
    commit(repo, "Another charter for outbound-drafts")
    approve(repo, "maria", PILOT)
    result = gate(repo)
    assert result.code == 1 and "PL012" in errors(result)
    check = run_cli("check", "--no-git", "--format", "json", "--today", TODAY, cwd=repo)
    assert "PL012" in {f["rule"] for f in check.json["findings"]}  # check says so too


def test_deleting_a_pilot_needs_its_owners_approval(repo):
    shutil.rmtree(repo / f"pilots/{PILOT}")
    commit(repo, "Delete the pilot")
    result = gate(repo)
    assert result.code == 1 and "PL901" in errors(result)
    assert "deleted" in message(result, "PL901") and "oleg" in message(result, "PL901")
    approve(repo, "oleg", PILOT, "--deleted")
    assert gate(repo).code == 0


def test_a_pilot_deleted_and_readded_under_a_new_owner_is_the_base_owners_call(sample):
    def delete(repo):
        pass
    repo = make_repo(sample)
    text = charter_text(repo).replace("owner: oleg", "owner: maria")
    (repo / CHARTER).write_text(text)
    commit(repo, "maria owns it now")
    approve(repo, "maria", PILOT)
    result = gate(repo)
    assert result.code == 1 and "previous owner (oleg)" in json.dumps(result.json)


def test_a_new_pilot_on_a_team_another_pilot_covers_needs_that_pilots_owner(repo):
    new = charter_text(repo).replace("pilot: outbound-drafts", "pilot: linkedin-drafts").replace(
        "owner: oleg", "owner: maria").replace("channels: [email]", "channels: [linkedin]")
    (repo / "pilots/linkedin-drafts").mkdir()
    (repo / "pilots/linkedin-drafts/charter.yaml").write_text(new)
    commit(repo, "A LinkedIn pilot for the same team")
    approve(repo, "maria", "linkedin-drafts")
    result = gate(repo)
    assert result.code == 1 and "PL801" in errors(result)
    assert "outbound-drafts" in message(result, "PL801") and "oleg" in message(result, "PL801")
    approve(repo, "oleg", "linkedin-drafts", today="2026-11-24")
    assert "PL801" not in errors(gate(repo))


def test_a_new_pilot_on_its_own_ground_needs_only_its_owner(repo):
    new = charter_text(repo).replace("pilot: outbound-drafts", "pilot: hr-screening").replace(
        "teams: [sales-dach]", "teams: [hr]").replace("regions: [DACH]", "regions: [Nordics]").replace(
        "owner: oleg", "owner: maria")
    (repo / "pilots/hr-screening").mkdir()
    (repo / "pilots/hr-screening/charter.yaml").write_text(new)
    commit(repo, "An HR pilot")
    result = gate(repo)
    assert result.code == 1 and "PL901" in errors(result)   # a new charter is a gated change
    approve(repo, "maria", "hr-screening")
    assert not {"PL801", "PL901", "PL902"} & errors(gate(repo))


def test_moving_a_charter_within_the_paths_is_no_change(repo):
    shutil.move(repo / f"pilots/{PILOT}", repo / "pilots/sales-outbound")
    commit(repo, "Tidy the folders")
    assert gate(repo).code == 0


# -- 2. approvals belong to the range --------------------------------------------------------

def test_narrowing_then_rewidening_to_an_old_approved_state_needs_a_fresh_approval(sample):
    def history(repo):
        apply_example(repo, NORDICS)
        commit(repo, "Nordics", who="oleg")
        run_cli("approve", PILOT, "--as", "oleg", "--today", "2026-11-10", cwd=repo)
        commit(repo, "oleg approves the Nordics", who="oleg")
        apply_example(repo, {"charter": "scope: {regions: [DACH]}"})
        commit(repo, "Back to DACH", who="oleg")
    repo = make_repo(sample, base_commits=[history])
    assert list((repo / APPROVALS).glob("*.yaml"))       # the old approval is in the base tree
    widen(repo)
    result = gate(repo)
    assert result.code == 1 and "PL801" in errors(result)


def test_an_approval_copied_to_a_new_name_is_the_same_old_decision(sample, tmp_path):
    def history(repo):
        apply_example(repo, NORDICS)
        commit(repo, "Nordics", who="oleg")
        run_cli("approve", PILOT, "--as", "oleg", "--today", "2026-11-10", cwd=repo)
        commit(repo, "oleg approves", who="oleg")
        apply_example(repo, {"charter": "scope: {regions: [DACH]}"})
        commit(repo, "Back to DACH", who="oleg")
    repo = make_repo(sample, base_commits=[history])
    widen(repo)
    (old,) = (repo / APPROVALS).glob("*.yaml")
    (repo / APPROVALS / "2026-11-24-oleg.yaml").write_text("# renamed and reformatted\n" + old.read_text())
    commit(repo, "oleg approves", who="oleg")        # even authored in his name
    assert "PL801" in errors(gate(repo))


def test_a_later_rejection_blocks(repo):
    widen(repo)
    approve(repo, "oleg", PILOT, today="2026-11-20")
    assert gate(repo).code == 0
    approve(repo, "oleg", PILOT, "--decision", "reject", today="2026-11-21")
    result = gate(repo)
    assert result.code == 1 and "rejects it" in message(result, "PL801")


def test_a_rejection_and_an_approval_on_one_day_go_by_the_order_of_commits(repo):
    widen(repo)
    approve(repo, "oleg", PILOT, "--decision", "reject")
    approve(repo, "oleg", PILOT)
    assert gate(repo).code == 0


def test_deleting_a_rejection_in_the_base_is_a_gated_change(sample):
    def history(repo):
        apply_example(repo, NORDICS)
        commit(repo, "Nordics proposed", who="maria")
        run_cli("approve", PILOT, "--as", "oleg", "--decision", "reject", "--today", "2026-11-10", cwd=repo)
        commit(repo, "oleg rejects the Nordics", who="oleg")
        apply_example(repo, {"charter": "scope: {regions: [DACH]}"})
        commit(repo, "Back to DACH", who="maria")
    repo = make_repo(sample, base_commits=[history])
    for path in (repo / APPROVALS).glob("*.yaml"):
        path.unlink()
    commit(repo, "Tidy up")
    result = gate(repo)
    assert result.code == 1 and "PL901" in errors(result) and "deleted" in message(result, "PL901")


def test_an_older_signed_approval_replayed_after_a_newer_decision_does_not_count(sample, tmp_path):
    from conftest import keypair

    key, pub = keypair(tmp_path, "oleg")
    wide = {}

    def history(repo):
        apply_example(repo, {"config": json.dumps({"people": {"oleg": {"signing_key": pub}}})})
        apply_example(repo, NORDICS)
        commit(repo, "Nordics", who="oleg")
        run_cli("approve", PILOT, "--as", "oleg", "--sign", key, "--today", "2026-11-05", cwd=repo)
        (path,) = (repo / APPROVALS).glob("*.yaml")
        wide["text"] = path.read_text()
        commit(repo, "oleg approves, signed", who="oleg")
        apply_example(repo, {"charter": "scope: {regions: [DACH]}"})
        commit(repo, "Back to DACH", who="oleg")
        path.unlink()
        run_cli("approve", PILOT, "--as", "oleg", "--sign", key, "--today", "2026-11-12", cwd=repo)
        commit(repo, "oleg approves DACH only", who="oleg")
    repo = make_repo(sample, base_commits=[history])
    widen(repo)
    (repo / APPROVALS / "2026-11-05-oleg.yaml").write_text(wide["text"])   # the old signed file, replayed
    commit(repo, "restore an approval")
    result = gate(repo)
    assert result.code == 1 and "PL801" in errors(result)
    assert "newest decision" in message(result, "PL801")


def test_config_approvals_belong_to_the_range_too(sample):
    def history(repo):
        apply_example(repo, {"config": "rules: {ignore: [PL503]}"})
        commit(repo, "Ignore PL503", who="anna")
        run_cli("approve", "--config", "--as", "anna", "--today", "2026-11-10", cwd=repo)
        commit(repo, "anna approves", who="anna")
        apply_example(repo, {"config": "rules: {ignore: []}"})
        commit(repo, "Back", who="anna")
    repo = make_repo(sample, base_commits=[history])
    apply_example(repo, {"config": "rules: {ignore: [PL503]}"})
    commit(repo, "Ignore PL503 again")
    result = gate(repo)
    assert result.code == 1 and "PL807" in errors(result)
    approve(repo, "anna", "--config")
    assert "PL807" not in errors(gate(repo))


# -- 3. nothing the pull request controls chooses what is read ----------------------------------

def test_the_work_tree_is_never_read(repo):
    widen(repo)
    git(repo, "checkout", "-q", "main", "--", CHARTER)   # the work tree looks harmless again
    result = gate(repo)
    assert result.code == 1 and "PL801" in errors(result)


def test_replace_refs_and_grafts_cannot_show_the_gate_another_commit(repo):
    head = widen(repo)
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "-b", "harmless")
    harmless = commit(repo, "Nothing to see")
    git(repo, "checkout", "-q", "pr")
    git(repo, "replace", head, harmless)               # `git log pr` now shows the harmless commit
    assert "Nothing to see" in git(repo, "log", "-1", "--format=%s", "pr")
    (repo / ".git/info").mkdir(exist_ok=True)
    (repo / ".git/info/grafts").write_text(f"{head}\n")  # and a graft that cuts the pr's parents
    result = gate(repo, "--head", "pr")
    assert result.code == 1 and "PL801" in errors(result)


def test_a_config_in_the_pull_request_decides_nothing(repo):
    apply_example(repo, {"config": "people: {eve: {name: Eve, email: eve@evil.example, roles: [cto]}}\n"
                         "rules: {ignore: [PL8, PL9]}"})
    widen(repo, "owner: eve\nscope: {regions: [DACH, Nordics]}")
    approve(repo, "eve", PILOT)
    result = gate(repo)
    assert {"PL801", "PL807", "PL902"} <= errors(result)


def test_a_nested_config_does_not_replace_the_root_one(repo):
    (repo / "pilots/.pilotlint.yaml").write_text("apiVersion: pilotlint/v1\nkind: Config\nrules: {ignore: [PL8]}\n")
    widen(repo)
    result = run_cli("gate", "--base", "main", "--format", "json", "--today", TODAY, cwd=repo / "pilots")
    assert result.code == 1 and "PL801" in {f["rule"] for f in result.json["findings"]}


@pytest.mark.parametrize("where", ["charter", "note", "folder"])
def test_a_symbolic_link_under_the_paths_is_PL013(repo, tmp_path, where):
    if where == "charter":
        (repo / "pilots/elsewhere.yaml").write_text(charter_text(repo).replace("regions: [DACH]",
                                                                              "regions: [DACH, Nordics]"))
        (repo / CHARTER).unlink()
        (repo / CHARTER).symlink_to("../elsewhere.yaml")
    elif where == "note":
        (repo / f"pilots/{PILOT}/notes/2026-W48.yaml").symlink_to("2026-W47.yaml")
    else:
        (repo / "pilots/linked").symlink_to(f"{PILOT}")
    commit(repo, "links")
    result = gate(repo)
    assert result.code == 1 and "PL013" in errors(result)


def test_a_submodule_under_the_paths_is_PL013(repo, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    (other / "charter.yaml").write_text("x: 1\n")
    git(other, "add", "-A")
    git(other, "commit", "-q", "-m", "x")
    sha = git(other, "rev-parse", "HEAD")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{sha},pilots/vendored")
    git(repo, "commit", "-q", "-m", "a submodule")
    result = gate(repo)
    assert result.code == 1 and "PL013" in errors(result)


def test_a_config_that_is_a_link_at_head_is_PL013_and_PL807(repo):
    (repo / "policies/.real.yaml").write_text((repo / ".pilotlint.yaml").read_text())
    (repo / ".pilotlint.yaml").unlink()
    (repo / ".pilotlint.yaml").symlink_to("policies/.real.yaml")
    commit(repo, "config elsewhere")
    result = gate(repo)
    assert {"PL013", "PL807"} <= errors(result)


def test_changing_a_policy_file_is_a_config_change(repo):
    path = repo / "policies/acme.yaml"
    path.write_text(path.read_text().replace("severity: error", "severity: info"))
    commit(repo, "Soften the DPA policy")
    result = gate(repo)
    assert result.code == 1 and "PL807" in errors(result) and "policy files" in message(result, "PL807")


def test_a_base_config_that_names_a_policy_outside_the_repository_fails_closed(sample):
    repo = make_repo(sample, {"config": "rules: {extra: [../../../../etc/hostname]}"})
    widen(repo)
    result = run_cli("gate", "--base", "main", "--format", "json", "--today", TODAY, cwd=repo)
    assert result.code == 2 and "not a file inside the repository" in result.err


# -- 4. the gate reads every byte as check does -----------------------------------------------

def test_an_escaped_api_version_is_recognised(repo):
    text = charter_text(repo).replace("apiVersion: pilotlint/v1", 'apiVersion: "pilotlint\\u002fv1"')
    (repo / CHARTER).write_text(text.replace("regions: [DACH]", "regions: [DACH, Nordics]"))
    commit(repo, "escape it")
    result = gate(repo)
    assert result.code == 1 and "PL801" in errors(result)


def test_an_escaped_key_is_recognised(repo):
    text = charter_text(repo).replace("\nkind: Charter", '\n"\\u006bind": Charter')
    (repo / CHARTER).write_text(text.replace("regions: [DACH]", "regions: [DACH, Nordics]"))
    commit(repo, "escape the key")
    assert "PL801" in errors(gate(repo))


def test_a_file_name_that_is_not_utf8_is_a_finding_and_still_read(repo):
    folder = os.fsencode(repo / "pilots")
    with open(folder + b"/zz-\xff.yaml", "w") as handle:
        handle.write(charter_text(repo).replace("regions: [DACH]", "regions: [DACH, Nordics]"))
    commit(repo, "an odd name")
    result = gate(repo)
    assert result.code == 1 and {"PL001", "PL012"} <= errors(result)
    json.dumps(result.json)          # every output stays well-formed


def test_an_evil_merge_is_attributed_to_its_author(repo):
    widen(repo)
    git(repo, "checkout", "-q", "-b", "side", "main")
    (repo / "pilots/README.md").write_text("notes\n")
    commit(repo, "oleg's unrelated commit", who="oleg")
    git(repo, "checkout", "-q", "pr")
    git(repo, "merge", "-q", "--no-ff", "--no-commit", "side")
    run_cli("approve", PILOT, "--as", "oleg", "--today", TODAY, cwd=repo)   # added by the merge itself
    commit(repo, "Merge side")
    result = gate(repo)
    assert result.code == 1 and "PL902" in errors(result) and "eve@evil.example" in message(result, "PL902")


def test_an_approval_from_a_merged_branch_of_the_owner_counts(repo):
    widen(repo)
    git(repo, "checkout", "-q", "-b", "olegs", "pr")
    run_cli("approve", PILOT, "--as", "oleg", "--today", TODAY, cwd=repo)
    commit(repo, "oleg approves", who="oleg")
    git(repo, "checkout", "-q", "pr")
    (repo / "pilots/README.md").write_text("x\n")
    commit(repo, "eve's other work")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge oleg's approval", "olegs")
    assert gate(repo).code == 0


# -- 5. every brake is gated ---------------------------------------------------------------------

@pytest.mark.parametrize("edit, rule", [
    ("freeze: []", "PL801"),                                              # a freeze window removed
    ("freeze: [{from: 2026-10-01, to: 2026-10-05, reason: short}]", "PL801"),  # shortened
    ("out_of_scope: [Replies to inbound leads or to existing customers]", "PL801"),
    ("oversight: maria", "PL901"),
    ("prompts: {set: outbound-v4, path: prompts/outbound-v4/}", "PL901"),
    ("incident: null", "PL801"),
])
def test_every_brake_is_gated(repo, edit, rule):
    widen(repo, edit)
    result = gate(repo)
    assert result.code == 1 and rule in errors(result), result


def test_removing_a_restriction_list_widens(repo):
    text = charter_text(repo).replace("  regions: [DACH]\n", "")
    (repo / CHARTER).write_text(text)
    commit(repo, "No region restriction")
    result = gate(repo)
    assert "PL801" in errors(result)
    assert {"field": "scope.regions", "change": "removed"}.items() <= result.json["expansions"][0].items()


def test_a_freeze_window_removed_by_the_pull_request_still_holds_while_on(sample):
    repo = make_repo(sample, {"charter": "freeze: [{from: 2026-11-20, to: 2026-12-05, reason: audit}]"})
    widen(repo, "freeze: []\nscope: {regions: [DACH, Nordics]}")
    approve(repo, "oleg", PILOT)
    assert "PL806" in errors(gate(repo))


def test_duplicate_metric_ids_are_PL306(repo):
    text = charter_text(repo).replace("id: reply_rate", "id: draft_minutes", 1)
    (repo / CHARTER).write_text(text)
    commit(repo, "two metrics, one id")
    approve(repo, "oleg", PILOT)
    assert "PL306" in errors(gate(repo))


def test_rewriting_a_weeks_readings_needs_the_owner(repo):
    note = repo / f"pilots/{PILOT}/notes/2026-W45.yaml"
    note.write_text(note.read_text().replace("reply_rate: ", "reply_rate: 9", 1))
    commit(repo, "better numbers")
    result = gate(repo)
    assert result.code == 1 and "PL901" in errors(result) and "rewritten" in message(result, "PL901")


def test_adding_this_weeks_note_needs_no_approval(repo):
    note = repo / f"pilots/{PILOT}/notes/2026-W48.yaml"
    note.write_text((repo / f"pilots/{PILOT}/notes/2026-W47.yaml").read_text().replace("2026-W47", "2026-W48"))
    commit(repo, "W48", who="maria")
    assert gate(repo, today="2026-11-26").code == 0


# -- 6. path overrides cannot move a pilot out of the gate -----------------------------------------

def test_moving_a_pilot_under_a_relaxed_override_keeps_its_gate(sample):
    repo = make_repo(sample, {"config": json.dumps({"rules": {"overrides": [
        {"paths": ["pilots/sandbox-*/**"], "ignore": ["PL8", "PL9"]}]}})})
    shutil.move(repo / f"pilots/{PILOT}", repo / "pilots/sandbox-outbound")
    path = repo / "pilots/sandbox-outbound/charter.yaml"
    path.write_text(path.read_text().replace("regions: [DACH]", "regions: [DACH, Nordics]"))
    commit(repo, "Into the sandbox, and wider")
    result = gate(repo)
    assert result.code == 1 and "PL801" in errors(result)


# -- 7. bad input stays a finding ---------------------------------------------------------------

@pytest.mark.parametrize("value", ["0x_", "1" * 5000])
def test_numbers_that_cannot_be_read_are_findings_everywhere(repo, value):
    original = charter_text(repo)
    (repo / CHARTER).write_text(original.replace("monthly_cap: 2500", f"monthly_cap: {value}"))
    commit(repo, "a cap that is not a number")
    result = gate(repo)
    assert result.code == 1 and "PL002" in errors(result)
    (repo / CHARTER).write_text(original)
    commit(repo, "revert")     # `log` reads the bad version later
    for command in (("log",), ("diff", "main"), ("check",), ("status",), ("summary", PILOT)):
        out = run_cli(*command, "--today", TODAY, cwd=repo) if command[0] in ("check", "status", "summary") \
            else run_cli(*command, cwd=repo)
        assert out.code in (0, 1) and "internal error" not in out.err, (command, out)


def test_a_config_error_cannot_write_a_workflow_command_to_the_log(sample):
    bad = "apiVersion: pilotlint/v1\nkind: Config\npeople:\n  \"x\\n::error::pwned\": {name: x}\n"
    (sample / ".pilotlint.yaml").write_text(bad)
    result = run_cli("check", "--today", TODAY, cwd=sample)
    assert result.code == 2
    assert not any(line.startswith("::") for line in result.err.splitlines()), result.err


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "text"])
def test_control_characters_in_file_names_keep_every_format_well_formed(repo, fmt, tmp_path):
    import xml.etree.ElementTree as ET

    name = repo / f"pilots/{PILOT}/notes/x\x1b[31m\x07\x01.yaml"
    name.write_text("apiVersion: pilotlint/v1\nkind: WeeklyNote\npilot: outbound-drafts\nweek: bad\n")
    commit(repo, "odd note")
    result = run_cli("gate", "--base", "main", "--format", fmt, "--today", TODAY, cwd=repo)
    assert result.code == 1
    assert "\x1b" not in result.out and "\x07" not in result.out
    if fmt in ("json", "sarif"):
        json.loads(result.out)
    elif fmt == "junit":
        ET.fromstring(result.out.encode())


# -- 8. whatever cannot be read blocks ----------------------------------------------------------

def test_an_oversized_document_at_head_blocks(repo):
    note = repo / f"pilots/{PILOT}/notes/2026-W48.yaml"
    note.write_text("apiVersion: pilotlint/v1\nkind: WeeklyNote\n" + "x-pad: " + "a" * 2_000_000 + "\n")
    commit(repo, "big")
    result = gate(repo)
    assert result.code == 1 and "PL008" in errors(result)


def test_a_broken_document_at_head_blocks(repo):
    (repo / "pilots/new").mkdir()
    (repo / "pilots/new/charter.yaml").write_text("apiVersion: pilotlint/v1\nkind: Charter\npilot: new\nscope: [\n")
    commit(repo, "broken")
    result = gate(repo)
    assert result.code == 1 and "PL001" in errors(result)


def test_a_base_without_the_merge_base_fails_closed(repo, tmp_path):
    widen(repo)
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{repo}", str(clone))
    result = run_cli("gate", "--base", "HEAD", "--today", TODAY, cwd=clone)
    assert result.code == 2 and "shallow" in result.err


@pytest.mark.parametrize("broken", ["yaml", "link"])
def test_replacing_a_document_the_base_cannot_read_blocks(sample, broken):
    # Nobody can tell whose pilot an unreadable base copy was: its readable replacement,
    # however well approved by the owner it names, must not decide that.
    text = (sample / CHARTER).read_text()
    if broken == "yaml":
        (sample / CHARTER).write_text(text.replace("title:", "title: [unclosed\n", 1))
    else:
        (sample / "outside.yaml").write_text(text)
        (sample / CHARTER).unlink()
        os.symlink("../../outside.yaml", sample / CHARTER)
    repo = make_repo(sample)
    (repo / CHARTER).unlink()
    (repo / CHARTER).write_text(text.replace("owner: oleg", "owner: maria"))
    commit(repo, "Repair the charter (and take it over)")
    approve(repo, "maria", PILOT)
    approve(repo, "oleg", PILOT)             # support-triage's owner: its teams overlap
    result = gate(repo)
    assert result.code == 1 and "PL801" in errors(result)
    assert "copy in the base cannot be read" in message(result, "PL801")


def test_a_crafted_tree_with_a_dot_dot_folder_is_a_finding(repo):
    # `git mktree` makes trees that git refuses to check out: the gate reads nothing from them.
    widened = charter_text(repo).replace("regions: [DACH]", "regions: [DACH, Nordics]")
    blob = git(repo, "hash-object", "-w", "--stdin", input=widened)
    sub = git(repo, "mktree", input=f"100644 blob {blob}\tcharter.yaml\n")
    pilots = git(repo, "rev-parse", "HEAD:pilots")
    listing = git(repo, "ls-tree", pilots) + f"\n040000 tree {sub}\t..\n"
    new_pilots = git(repo, "mktree", input=listing)
    top = git(repo, "ls-tree", "HEAD").replace(pilots, new_pilots)
    tree = git(repo, "mktree", input=top + "\n")
    head = git(repo, "commit-tree", tree, "-p", "HEAD", "-m", "crafted")
    result = gate(repo, "--head", head)
    assert result.code == 1 and "PL001" in errors(result)
    assert "pilots/../charter.yaml" in json.dumps(result.json) and "`..` folder" in message(result, "PL001")
