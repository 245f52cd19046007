"""`pilotlint init` and `pilotlint note`: `check` names exactly the placeholders; filling them
makes the pilot clean; existing files are never overwritten; nothing is written elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO
from pilotlint.rules.placeholders import MARKER

ENV = {"PYTHONPATH": str(REPO)}
TODAY = "2026-11-24"
CONFIG = """apiVersion: pilotlint/v1
kind: Config
people:
  oleg:  {name: Oleg Petrov, email: oleg@acme.example, roles: [cto]}
  maria: {name: Maria Chen,  email: maria@acme.example, roles: [product]}
  tom:   {name: Tom Berg,    email: tom@acme.example,   roles: [finance]}
  lena:  {name: Lena Ortiz,  email: lena@acme.example,  roles: [legal]}
"""
# Findings a freshly written, honestly filled pilot may still carry: nobody approved it yet.
EXPECTED_WARNINGS = {"PL901"}

# What a person writes in place of each marker (matched on the marker's words, first match wins).
FILL = [
    ("a short title", "AI queue suggestions for support email"),
    ("the one use case", "Suggest the queue of each incoming support email; an agent confirms it."),
    ("a use this pilot must not take on", "Replying to customers"),
    ("person id of the one accountable owner", "oleg"), ("person id of the owner", "oleg"),
    ("person id of the product reviewer", "maria"), ("person id of the finance reviewer", "tom"),
    ("person id of the legal reviewer", "lena"), ("the one team", "support"), ("the region", "DACH"),
    ("the channel", "email"), ("the vendor's name", "ExampleAI"), ("the model used", "example-small-1"),
    ("what the model does", "ticket classification"), ("the vendor's expected monthly cost", "300"),
    ("name of the prompt set", "triage-v1"), ("where the live prompts", "prompts/triage-v1/"),
    ("the data source", "helpdesk-tickets"), ("public, internal, customer or personal", "personal"),
    ("date of the legal review", "2026-11-20"), ("currency code", "USD"), ("the monthly cap", "1800"),
    ("software fees", "250"), ("model usage per month", "300"), ("outside help per month", "400"),
    ("staff time per month", "850"), ("who may approve a small overage", "tom"),
    ("the most that person may approve", "300"), ("what good output means", "Tickets routed right"),
    ("the unit, e.g. percent", "percent"), ("the old process's value", "92"), ("date measured", "2026-11-16"),
    ("how it was measured", "timed 60 tickets"), ("the time a task takes", "Time to route a ticket"),
    ("minutes per task in the old process", "9"), ("the currency code", "USD"),
    ("the old process's weekly cost", "1800"), ("who makes the rollback call", "oleg"),
    ("person id of the old workflow", "maria"), ("who hears first", "maria"),
    ("who decides to switch it off", "oleg"), ("another reason to roll back", "vendor outage over 2 hours"),
    ("the first thing switched off", "Disable the AI button"), ("the next, e.g.", "Revoke the vendor API key"),
    ("how the work is done without AI", "Agents route by hand"), ("a tool the old workflow needs", "helpdesk"),
    ("true once the old workflow", "true"), ("where the fallback setup", "fallback/triage/"),
    ("where the data export", "s3://backup/triage/"), ("where the vendor settings", "fallback/triage/v.yaml"),
    ("where the prompt versions", "fallback/triage/prompts/"), ("where the access notes", "fallback/access.md"),
    ("what manual process takes over", "Agents route from the shared inbox"),
    ("reading of quality", "96"), ("reading of minutes_per_task", "3.5"), ("reading of weekly_cost", "1450"),
    ("spent so far this month", "0"), ("expected total for the month", "0"), ("a number", "0"),
    ("the next decision", "Start the pilot on 2026-12-07?"), ("who decides it", "oleg"),
    ("YYYY-MM-DD", "2026-11-20"),
]
LEVELS = {"quality": ("95", "90"), "minutes_per_task": ("4", "8"), "weekly_cost": ("1500", "1900")}
QUOTED = re.compile(r'"<fill: ([^<>"]*)>"')


def fill(folder: Path) -> int:
    """Replace every placeholder under `folder` the way a person would; returns how many."""
    count = 0
    for file in sorted(folder.rglob("*.yaml")):
        metric, out = None, []
        for line in file.read_text().splitlines(keepends=True):
            if m := re.match(r"  - id: (\w+)", line):
                metric = m.group(1)

            def value(match):
                nonlocal count
                count += 1
                what = match.group(1)
                if what.startswith("the success level"):
                    return LEVELS[metric][0]
                if what.startswith("the stop level"):
                    return LEVELS[metric][1]
                return next(v for key, v in FILL if key in what)
            out.append(line if line.lstrip().startswith("#") else QUOTED.sub(value, line))
        file.write_text("".join(out))
    return count


def markers(folder: Path) -> int:
    return sum(len(MARKER.findall(line)) for f in folder.rglob("*.yaml")
               for line in f.read_text().splitlines() if not line.lstrip().startswith("#"))


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def repo(tmp_path) -> Path:
    (tmp_path / ".pilotlint.yaml").write_text(CONFIG)
    return tmp_path


def run(cli, repo, *args):
    return cli(*args, cwd=repo, env=ENV)


def check(cli, repo, today=TODAY):
    return run(cli, repo, "check", "--format", "json", "--no-git", "--today", today)


@pytest.mark.parametrize("owner", [None, "oleg"])
def test_init_then_check_names_exactly_the_placeholders_and_filling_makes_it_clean(cli, repo, owner):
    args = ["init", "triage", "--today", TODAY] + (["--owner", owner] if owner else [])
    result = run(cli, repo, *args)
    assert result.code == 0, result
    folder = repo / "pilots" / "triage"
    assert sorted(tree(folder)) == ["charter.yaml", "notes/2026-W48.yaml", "rollback.yaml"]
    found = check(cli, repo)
    assert found.code == 1
    errors = [f for f in found.json["findings"] if f["severity"] == "error"]
    assert {f["rule"] for f in errors} == {"PL009"}, [f for f in errors if f["rule"] != "PL009"]
    # a proposed pilot is asked first for its charter; the rollback plan and the note
    # are infos until it goes active
    assert {f["path"].rsplit("/", 1)[-1] for f in errors} == {"charter.yaml"}
    later = [f for f in found.json["findings"] if f["rule"] == "PL009" and f["severity"] == "info"]
    assert {f["path"].split("/triage/", 1)[1] for f in later} == {"rollback.yaml", "notes/2026-W48.yaml"}
    placeholders = errors + later
    assert len(placeholders) == markers(folder) > 20 and len(errors) < markers(folder)
    assert {f["rule"] for f in found.json["findings"]} - {"PL009"} <= EXPECTED_WARNINGS
    # every placeholder is named at its own line, once
    assert len({(f["path"], f["line"], f["column"]) for f in placeholders}) == len(placeholders)
    assert fill(folder) == len(placeholders)
    clean = check(cli, repo)
    assert clean.code == 0, clean
    assert {f["rule"] for f in clean.json["findings"]} <= EXPECTED_WARNINGS, clean.out


def test_init_refuses_to_overwrite_and_writes_nothing_else(cli, repo):
    assert run(cli, repo, "init", "triage", "--today", TODAY).code == 0
    before = tree(repo)
    again = run(cli, repo, "init", "triage", "--today", TODAY)
    assert again.code == 2 and "already" in again.err
    # one file already there (a different pilot folder with a stray note) is refused too
    stray = repo / "pilots" / "other" / "notes" / "2026-W48.yaml"
    stray.parent.mkdir(parents=True)
    stray.write_text("# mine\n")
    before = tree(repo)
    refused = run(cli, repo, "init", "other", "--today", TODAY)
    assert refused.code == 2 and "2026-W48.yaml" in refused.err
    assert tree(repo) == before


@pytest.mark.parametrize("bad", ["../escape", "Upper", "-x", "a/b", "x" * 200])
def test_init_rejects_ids_that_are_not_slugs(cli, repo, bad):
    before = tree(repo)
    assert run(cli, repo, "init", "--today", TODAY, "--", bad).code == 2
    assert tree(repo) == before


def test_init_rejects_an_unknown_owner(cli, repo):
    result = run(cli, repo, "init", "triage", "--owner", "nobody", "--today", TODAY)
    assert result.code == 2 and "oleg" in result.err
    assert not (repo / "pilots").exists()


def test_note_prefills_metrics_and_open_risks(cli, sample):
    result = run(cli, sample, "note", "outbound-drafts", "--today", "2026-11-30")
    assert result.code == 0, result
    from examples_runner import _load

    note = _load(sample / "pilots" / "outbound-drafts" / "notes" / "2026-W49.yaml")
    assert note["week"] == "2026-W49" and note["pilot"] == "outbound-drafts"
    assert list(note["metrics"]) == ["draft_minutes", "reply_rate", "edit_minutes", "weekly_cost", "saved_minutes"]
    assert all(MARKER.search(v) for v in note["metrics"].values())
    previous = _load(sample / "pilots" / "outbound-drafts" / "notes" / "2026-W47.yaml")
    assert note["risks"] == [r for r in previous["risks"] if r.get("status", "open") == "open"]
    assert note["next_decision"]["approver"] == "oleg"
    found = check(cli, sample, "2026-11-30")
    new = [f for f in found.json["findings"] if f["path"].endswith("2026-W49.yaml")]
    assert {f["rule"] for f in new} == {"PL009"}
    assert len(new) == markers(sample / "pilots" / "outbound-drafts" / "notes")


def test_note_refuses_to_overwrite(cli, sample):
    before = tree(sample)
    result = run(cli, sample, "note", "outbound-drafts", "--today", "2026-11-20")  # W47 exists
    assert result.code == 2 and "2026-W47" in result.err
    assert tree(sample) == before


def test_note_for_an_unknown_pilot(cli, sample):
    result = run(cli, sample, "note", "nope", "--today", "2026-11-30")
    assert result.code == 2 and "outbound-drafts" in result.err


def test_hostile_risk_text_is_carried_as_yaml_text(cli, sample):
    note = sample / "pilots" / "outbound-drafts" / "notes" / "2026-W47.yaml"
    hostile = 'x"\\n# not: a comment\u2028\u0085 {y: z} &a *a'
    note.write_text(note.read_text().replace("{text: The Nordics sales team asks to join before the review,",
                                             '{text: "x\\"\\\\n# not: a comment\\u2028\\x85 {y: z} &a *a",'))
    assert run(cli, sample, "note", "outbound-drafts", "--today", "2026-11-30").code == 0
    from examples_runner import _load

    new = _load(sample / "pilots" / "outbound-drafts" / "notes" / "2026-W49.yaml")
    assert hostile in [r["text"] for r in new["risks"]]
