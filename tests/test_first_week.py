"""The first week of a new user (issue 13): every trap found by trying pilotlint as a
newcomer, each through the CLI as users run it.

The push of a new branch through the real pre-commit is in tests/test_precommit.py,
the second approval of a day and the wrong signing key in tests/test_approvals.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, TODAY, git, init_repo, run_cli
from examples_runner import apply_example
from gate_helpers import approve, commit, gate, make_repo

PILOT = "outbound-drafts"
CHARTER = f"pilots/{PILOT}/charter.yaml"


def findings(result, rule=None):
    return [f for f in result.json["findings"] if rule is None or f["rule"] == rule]


# -- init in an empty folder: a starter config, and first what a proposed pilot needs ------------

# What a person writes in place of each "<fill: ...>" of `pilotlint init triage --owner oleg`.
ANSWERS = {
    ("people", "oleg", "name"): "Oleg Petrov", ("people", "oleg", "email"): "oleg@acme.example",
    ("title",): "Support ticket triage", ("use_case",): "Sort inbound support tickets by topic; an agent checks each.",
    ("reviewers", "product"): "oleg", ("reviewers", "finance"): "oleg", ("reviewers", "legal"): "oleg",
    ("scope", "teams", 0): "support", ("scope", "regions", 0): "DACH", ("scope", "channels", 0): "email",
    ("vendors", 0, "name"): "ExampleAI", ("vendors", 0, "model"): "example-small",
    ("vendors", 0, "purpose"): "triage", ("vendors", 0, "monthly_cost"): 100,
    ("data_access", 0, "source"): "tickets", ("data_access", 0, "classification"): "internal",
    ("data_access", 0, "legal_review", "by"): "oleg", ("data_access", 0, "legal_review", "on"): "2026-11-20",
    ("budget", "currency"): "USD", ("budget", "monthly_cap"): 1000,
    ("budget", "components", "software"): 100, ("budget", "components", "model_usage"): 200,
    ("budget", "components", "outside_help"): 0, ("budget", "components", "staff_time"): 600,
    ("budget", "overage", "approver"): "oleg", ("budget", "overage", "limit"): 100,
}
_METRICS = {0: ("Accuracy", "percent", 80, 90, 70), 1: ("Minutes per ticket", None, 10, 5, 9),
            2: (None, "USD", 250, 200, 300)}


def answer(path: tuple):
    if path in ANSWERS:
        return ANSWERS[path]
    if path[0] == "scorecard":
        name, unit, base, success, stop = _METRICS[path[1]]
        return {"name": name, "unit": unit, "success": success, "stop": stop}.get(path[2]) if len(path) == 3 else \
            {"value": base, "measured_on": "2026-11-20", "method": "a sample of 40 tickets"}[path[3]]
    raise KeyError(path)


def fill(path: Path) -> None:
    """Replace every placeholder of a file as a person would, by the field it stands for."""
    from pilotlint.documents.load import load_text
    from pilotlint.rules.placeholders import iter_placeholders

    text = path.read_text()
    data = load_text(text).data
    lines = text.splitlines(keepends=True)
    spots = []
    for where, marker in iter_placeholders(data):
        from pilotlint.documents.load import locate

        line, column = locate(data, where)
        spots.append((line, column, marker, answer(where)))
    for line, column, marker, value in sorted(spots, reverse=True):
        row = lines[line - 1]
        start = column - 1
        quoted = json.dumps(marker)
        assert row[start:start + len(quoted)] == quoted, (row, marker)
        shown = value if isinstance(value, (int, float)) else json.dumps(value)
        lines[line - 1] = row[:start] + str(shown) + row[start + len(quoted):]
    path.write_text("".join(lines))


def test_from_an_empty_folder_init_and_filling_in_what_it_asks_reaches_a_clean_check(tmp_path):
    repo = tmp_path / "governance"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    made = run_cli("init", "triage", "--owner", "oleg", "--today", TODAY, cwd=repo)
    assert made.code == 0, made
    assert "created .pilotlint.yaml" in made.out and "needed before the pilot goes active" in made.out
    first = run_cli("check", "--format", "json", "--today", TODAY, cwd=repo)
    errors = findings(first)
    assert errors and {f["rule"] for f in errors if f["severity"] == "error"} == {"PL009"}
    asked = {f["path"] for f in errors if f["severity"] == "error"}
    assert asked == {".pilotlint.yaml", "pilots/triage/charter.yaml"}        # first what a proposed pilot needs
    later = {f["path"] for f in errors if f["severity"] == "info"}
    assert later == {"pilots/triage/rollback.yaml", "pilots/triage/notes/2026-W48.yaml"}
    fill(repo / ".pilotlint.yaml")
    fill(repo / "pilots/triage/charter.yaml")
    done = run_cli("check", "--today", TODAY, cwd=repo)
    assert done.code == 0, done                                             # clean, with a config
    assert done.out.strip().splitlines()[-1].startswith("0 errors, "), done


def test_the_readme_walks_a_new_user_through_the_same_steps():
    readme = (REPO / "README.md").read_text()
    assert "git init" in readme and "pilotlint init" in readme and "--owner" in readme
    section = readme[readme.index("## Your first pilot"):]
    section = section[:section.index("\n## ", 4)]
    for step in ("git init", "pilotlint init", "pilotlint check", "pilotlint approve", "git commit"):
        assert step in section, step


def test_init_without_a_config_and_without_an_owner_says_exactly_what_to_add(tmp_path):
    result = run_cli("init", "triage", "--today", TODAY, cwd=tmp_path)
    assert result.code == 2 and "--owner" in result.err and ".pilotlint.yaml" in result.err
    assert not list(tmp_path.iterdir())


# -- misleading messages --------------------------------------------------------------------------

def test_PL901_suggests_a_command_only_with_a_known_person_id(sample):
    repo = init_repo(sample)
    charter = repo / CHARTER
    charter.write_text(charter.read_text().replace("owner: oleg", "owner: olge"))
    commit(repo, "typo", who="oleg")
    result = run_cli("check", "--format", "json", "--today", TODAY, cwd=repo)
    message = " ".join(f["message"] for f in findings(result, "PL901"))
    assert "--as olge" not in message and "`olge` is not a person" in message
    placeholder = charter.read_text().replace("owner: olge", 'owner: "<fill: person id of the owner>"')
    charter.write_text(placeholder)
    message = " ".join(f["message"] for f in findings(run_cli("check", "--format", "json", "--today", TODAY,
                                                               cwd=repo), "PL901"))
    assert "<fill" not in message


@pytest.mark.parametrize("text, words", [
    ("next_decision: {question: Add the Nordics in November, or later?, approver: oleg, due: 2026-12-01}",
     "needs quotes"),
    ("changes:\n\t- what: x", "YAML indents with spaces only"),
])
def test_yaml_mistakes_are_explained_at_their_line(sample, text, words):
    note = sample / f"pilots/{PILOT}/notes/2026-W47.yaml"
    body = re.sub(r"^next_decision:.*$", "", note.read_text(), flags=re.M) + text + "\n"
    note.write_text(body)
    result = run_cli("check", "--no-git", "--format", "json", "--today", TODAY, cwd=sample)
    hits = [f for f in findings(result) if words in f["message"]]
    assert hits and hits[0]["path"].endswith("2026-W47.yaml") and hits[0]["line"] > 1, result


def test_a_mistyped_status_gets_a_suggestion(sample):
    apply_example(sample, {"charter": "status: activ"})
    result = run_cli("check", "--no-git", "--format", "json", "--today", TODAY, cwd=sample)
    assert any("did you mean `active`?" in f["message"] for f in findings(result, "PL002"))


def test_a_mistyped_kind_is_one_error_with_a_suggestion(sample):
    path = sample / "pilots/support-triage/charter.yaml"
    path.write_text(path.read_text().replace("kind: Charter", "kind: Chartr"))
    result = run_cli("check", "--no-git", "--format", "json", "--today", TODAY, cwd=sample)
    mine = [f for f in findings(result) if f["severity"] == "error" and "support-triage" in f["path"]]
    assert len(mine) == 1 and mine[0]["rule"] == "PL003" and "did you mean `Charter`?" in mine[0]["message"], mine


def test_every_message_shows_both_sides_in_yamls_spelling(sample):
    repo = make_repo(sample)
    apply_example(repo, {"charter": "budget: {monthly_cap: 4000}\nscope: {capabilities: {auto_tag: true}}"})
    commit(repo, "more")
    message = " ".join(f["message"] for f in findings(gate(repo), "PL801"))
    assert "budget.monthly_cap changed from 2500 to 4000" in message
    assert "auto_tag added true" in message and "True" not in message


def test_counts_and_days_are_singular_when_they_are_one(sample):
    apply_example(sample, {"files": {"pilots/outbound-drafts/x-flag.yaml": "x-flag: no\n"}})
    (sample / CHARTER).write_text((sample / CHARTER).read_text() + "x-flag: no\n")   # one PL007 warning
    result = run_cli("check", "--no-git", "--today", TODAY, cwd=sample)
    assert result.out.strip().splitlines()[-1].startswith("0 errors, 1 warning in ")
    apply_example(sample, {"charter": "timeline: {review_on: 2026-12-14}"})
    overdue = run_cli("check", "--no-git", "--today", "2026-12-15", "--format", "json", cwd=sample)
    assert any("passed 1 day ago" in f["message"] for f in findings(overdue, "PL603"))


def _help_texts() -> str:
    from pilotlint.cli import COMMANDS

    texts = [run_cli("--help").out]
    for name in COMMANDS:
        texts.append(run_cli(name, "--help").out)
    return "\n".join(texts)


def test_no_user_facing_text_cites_a_spec_nobody_has():
    shipped = [REPO / "README.md", REPO / "action.yml", REPO / "SECURITY.md", REPO / ".pre-commit-hooks.yaml",
               *REPO.glob("docs/**/*.md"), *REPO.glob("catalogue/*.yaml"), *REPO.glob("examples/**/*.md")]
    for path in shipped:
        assert "SPEC" not in path.read_text(), path
    assert "SPEC" not in _help_texts()
    catalogue = (REPO / "catalogue/catalogue.json").read_text()
    assert "SPEC" not in catalogue


# -- wrong answers ----------------------------------------------------------------------------------

def test_a_note_dated_after_today_is_PL011_and_counts_for_no_verdict(sample):
    apply_example(sample, {"note": "metrics: {reply_rate: 2.5}"})   # the latest real week: retry → fix
    apply_example(sample, {"notes": {"2026-W50": "metrics: {draft_minutes: 5, reply_rate: 3.5, edit_minutes: 1, "
                                                "weekly_cost: 500, saved_minutes: 7}"}})
    check = run_cli("check", "--no-git", "--format", "json", "--today", TODAY, cwd=sample)
    assert any(f["path"].endswith("2026-W50.yaml") for f in findings(check, "PL011"))
    status = run_cli("status", "--no-git", "--format", "json", "--today", TODAY, cwd=sample)
    row = next(r for r in status.json["pilots"] if r["pilot"] == PILOT)
    assert row["verdict"] == "fix"                                  # not the future week's expand


def test_a_drill_dated_next_week_says_why_it_does_not_count(sample):
    apply_example(sample, {"charter": "status: expanding",
                           "rollback": "drills: [{on: 2026-12-01, duration_minutes: 60, participants: [maria], "
                                       "passed: true}]"})
    result = run_cli("check", "--no-git", "--format", "json", "--today", TODAY, cwd=sample)
    assert any("counts for no verdict, drill or approval until that day" in f["message"]
               for f in findings(result, "PL011"))
    assert findings(result, "PL704")


def test_the_decision_log_shows_config_changes_and_signed_approvals(sample, tmp_path):
    from conftest import keypair

    key, pub = keypair(tmp_path, "oleg")
    repo = init_repo(sample)
    apply_example(repo, {"config": json.dumps({"people": {"oleg": {"signing_key": pub}},
                                              "rules": {"ignore": ["PL803", "PL801"]}})})
    commit(repo, "New keys and rules", who="anna")
    run_cli("approve", PILOT, "--as", "oleg", "--sign", key, "--today", TODAY, cwd=repo)
    commit(repo, "oleg approves, signed", who="oleg")
    log = run_cli("log", "--format", "json", cwd=repo).json["entries"]
    config = next(e for e in log if e["subject"] == "New keys and rules")
    fields = {c["field"] for c in config["changes"]}
    assert {"rules.ignore", "people.oleg.signing_key"} <= fields, fields
    signed = next(e for e in log if e["subject"] == "oleg approves, signed")
    assert signed["approvals"][0]["signed"] is True
    text = run_cli("log", cwd=repo).out
    assert "rules.ignore" in text and "(approve, signed)" in text
    summary = run_cli("summary", PILOT, "--today", TODAY, cwd=repo).out
    assert "New keys and rules" in summary                           # the summary's decision log too


@pytest.mark.parametrize("command", [("log", "nosuch"), ("summary", "nosuch"), ("note", "nosuch"),
                                     ("approve", "nosuch", "--as", "oleg")])
def test_an_unknown_pilot_is_exit_2_in_every_command_that_names_one(sample, command):
    init_repo(sample)
    result = run_cli(*command, cwd=sample)
    assert result.code == 2 and "outbound-drafts" in result.err + "outbound-drafts", result


# -- the summary, for people who will not open YAML --------------------------------------------------

def test_the_summary_shows_scope_and_approval_near_the_top_and_renders_cleanly(sample):
    from gfm_html import Tree, render

    repo = make_repo(sample)
    apply_example(repo, {"charter": "scope: {capabilities: {auto_send: true}}"})
    commit(repo, "auto send", who="oleg")
    approve(repo, "oleg", PILOT)
    markdown = run_cli("summary", PILOT, "--today", TODAY, cwd=repo).out
    top = markdown[:markdown.index("## ")]
    assert "**Scope**" in top and "sales-dach" in top and "DACH" in top and "email" in top
    assert "human review: required" in top and "auto\\_send" in top or "auto_send" in top
    assert "**Approved**" in top and "Oleg Petrov on 2026-11-24" in top
    tree = Tree(render(markdown))
    first = tree.tables[0]
    assert all(cell.strip() for cell in first.header), first.header        # no empty header row
    cells = [cell for table in tree.tables for row in table.rows for cell in row]
    assert not any("`" in cell for cell in cells), [c for c in cells if "`" in c]   # code spans, not backticks
    assert "<code>pause</code>" in render(markdown)


def test_a_long_finding_is_cut_at_a_word(sample):
    apply_example(sample, {"charter": "authority: [approve_vendors]"})
    markdown = run_cli("summary", PILOT, "--no-git", "--today", TODAY, cwd=sample).out
    line = next(line for line in markdown.splitlines() if "PL102" in line)
    assert line.rstrip().endswith("…")
    assert re.search(r"\S …$", line.rstrip()) and not re.search(r"\w…$", line.rstrip())


def test_unapproved_and_stale_are_said_in_words(sample):
    repo = make_repo(sample)
    summary = run_cli("summary", PILOT, "--today", TODAY, cwd=repo).out
    assert "❌ not approved" in summary
    approve(repo, "oleg", PILOT)
    apply_example(repo, {"charter": "budget: {monthly_cap: 2400}"})
    commit(repo, "less", who="oleg")
    stale = run_cli("summary", PILOT, "--today", TODAY, cwd=repo).out
    assert "is stale" in stale
