"""`pilotlint summary`: one page that GitHub renders as intended, whatever the documents say."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import yaml

from conftest import REPO, TODAY, git, init_repo
from gfm_html import Tree, live_text_problems, render
from pilotlint.report.markdown import ZWSP

PILOT = "outbound-drafts"
ENV = {"PYTHONPATH": str(REPO)}
ALLOWED_TAGS = {"h1", "h2", "p", "strong", "em", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
                "ul", "li"}
# Attributes the renderer itself writes (alignment, the code block's language): none from documents.
ALLOWED_ATTRIBUTES = {("th", "align"), ("td", "align"), ("pre", "lang")}


def summary(cli, repo: Path, *args, pilot=PILOT):
    return cli("summary", pilot, "--today", TODAY, *args, cwd=repo, env=ENV)


def load(path: Path):
    from examples_runner import _load

    return _load(path)


def notes(repo: Path) -> list[dict]:
    return [load(p) for p in sorted((repo / "pilots" / PILOT / "notes").glob("*.yaml"))]


def check_structure(tree: Tree) -> None:
    assert tree.tag_names() <= ALLOWED_TAGS, tree.tag_names() - ALLOWED_TAGS
    for tag, attrs in tree.tags:
        for name in attrs:
            assert (tag, name) in ALLOWED_ATTRIBUTES, (tag, attrs)
    assert not tree.comments
    for table in tree.tables:
        assert table.header, "every table has a header row"
        for row in table.rows:
            assert len(row) == len(table.header), (table.header, row)


def mermaid(tree: Tree) -> str:
    blocks = [code for lang, code in tree.code_blocks if lang == "mermaid"]
    assert len(blocks) == 1, tree.code_blocks
    return blocks[0]


_LIST = r"\[(.*)\]"


def parse_xychart(code: str) -> dict:
    """A strict reading of the xychart-beta subset the summary writes (GitHub's Mermaid)."""
    lines = code.rstrip("\n").split("\n")
    assert lines[0] == "---"
    end = lines.index("---", 1)
    config = yaml.safe_load("\n".join(lines[1:end]))
    assert isinstance(config["config"]["xyChart"]["height"], int)
    body = [line.strip() for line in lines[end + 1:] if line.strip()]
    assert body[0] == "xychart-beta"
    out = {}
    for line in body[1:]:
        if m := re.fullmatch(r'title "([^"]*)"', line):
            out["title"] = m[1]
        elif m := re.fullmatch(r"x-axis " + _LIST, line):
            labels = [item.strip() for item in m[1].split(",")]
            assert all(re.fullmatch(r'"[A-Za-z0-9 .,:/+\-]*"', label) for label in labels), labels
            out["x"] = [label[1:-1] for label in labels]
        elif m := re.fullmatch(r'y-axis "([^"]*)" (-?[0-9.]+) --> ([0-9.]+)', line):
            out["y"] = (float(m[2]), float(m[3]))
        elif m := re.fullmatch(r"(bar|line) " + _LIST, line):
            out.setdefault(m[1], []).append([float(v) for v in m[2].split(",")])
        else:
            raise AssertionError(f"not xychart-beta syntax: {line!r}")
    return out


def page_lines(markdown: str) -> int:
    """A conservative estimate of printed lines: wrapped at 100 characters, the chart as 12."""
    chart = re.search(r"```mermaid\n.*?```\n", markdown, re.S)
    rest = markdown.replace(chart.group(), "") if chart else markdown
    lines = 12 if chart else 0
    for line in rest.splitlines():
        if re.fullmatch(r"\|[-:| ]+\|", line):
            continue
        visible = re.sub(r"\\(.)", r"\1", line).replace(ZWSP, "")
        lines += max(1, math.ceil(len(visible) / 100)) if visible.strip() else 0
    return lines


def test_sample_summary_has_everything_and_fits_one_page(sample, cli):
    result = summary(cli, sample)
    assert result.code == 0, result
    text = result.out
    tree = Tree(render(text))
    check_structure(tree)
    body = tree.text
    for expected in ("outbound-drafts", "AI first drafts for outbound sales emails", "active", "expand",
                     "Oleg Petrov", "approve vendors", "pause", "product: Maria Chen", "finance: Tom Berg",
                     "legal: Lena Ortiz", "cap 2,500 USD/month", "month to date 1,540", "forecast 2,160",
                     "One person can stop it today", "Finance sees the full monthly cost in one place",
                     "The team can return to the old process this week", "misses-target", "not triggered",
                     "last drill: 2026-10-20, passed, 35 days ago", "crm-contacts (customer, read): legal review "
                     "Lena Ortiz 2026-09-28", "in 21 days", "Final review: expand to the Nordics sales team",
                     "trains on our data: no", "Out of scope", "Incident", "Disclosure", "Errors: 0"):
        assert expected in body, expected
    assert body.count("✅ pass") == 3
    assert page_lines(text) <= 60, page_lines(text)
    assert not live_text_problems(body.replace("`pilotlint check`", ""))


def test_numbers_match_the_documents(sample, cli):
    tree = Tree(render(summary(cli, sample).out))
    charter = load(sample / "pilots" / PILOT / "charter.yaml")
    latest = notes(sample)[-1]
    scorecard = next(t for t in tree.tables if t.header[:3] == ["Metric", "Baseline", "Latest"])
    assert len(scorecard.rows) == len(charter["scorecard"])
    for row, metric in zip(scorecard.rows, charter["scorecard"]):
        assert row[0].startswith(metric["name"])
        numbers = [float(cell.replace(",", "")) for cell in row[1:5]]
        assert numbers == [metric["baseline"]["value"], latest["metrics"][metric["id"]], metric["success"],
                           metric["stop"]]
        assert row[5] == "✅ success"
    chart = parse_xychart(mermaid(tree))
    weeks = [n["week"] for n in notes(sample)]
    assert chart["x"] == [w.split("-")[1] for w in weeks]
    assert chart["bar"] == [[float(n["spend"]["forecast_month"]) for n in notes(sample)]]
    assert chart["line"] == [[float(charter["budget"]["monthly_cap"])] * len(weeks)]
    assert chart["y"][0] == 0 and chart["y"][1] >= charter["budget"]["monthly_cap"]


HOSTILE = ["a | b", "<script>alert(1)</script>", "@everyone", "[x](http://evil.example)",
           "![i](http://evil.example/i.png)", "<!-- hidden", "safe\u202etxt.exe", "two\nlines", "# heading",
           "http://bare.example", "www.evil.example", "#1 and user@evil.example", "```", "| --- |"]


def _yaml(value) -> str:
    return json.dumps(value)  # a JSON string is a valid YAML double-quoted scalar


def make_hostile(repo: Path, text: str) -> None:
    pilot = repo / "pilots" / PILOT
    charter = pilot / "charter.yaml"
    body = charter.read_text()
    body = re.sub(r"(?m)^title: .*$", lambda _: "title: " + _yaml(text), body)
    body = re.sub(r"(?m)^use_case: .*$", lambda _: "use_case: " + _yaml(text + " use case"), body)
    body = body.replace("  - Replies to inbound leads or to existing customers", "  - " + _yaml(text))
    body = body.replace("source: crm-contacts", "source: " + _yaml(text))
    body = body.replace("name: ExampleAI", "name: " + _yaml(text))
    body = body.replace("id: misses-target", "id: " + _yaml(text))
    body = body.replace("name: Reply rate", "name: " + _yaml(text))
    charter.write_text(body)
    latest = sorted((pilot / "notes").glob("*.yaml"))[-1]
    note = latest.read_text().replace("{text: ExampleAI may retire", "{text: " + _yaml(text) + ", x-was: ExampleAI may retire")
    note = re.sub(r'question: "[^"]*"', lambda _: "question: " + _yaml(text), note)
    latest.write_text(note)
    plan = pilot / "rollback.yaml"
    plan.write_text(plan.read_text().replace(
        "description: Reps write from the saved template library and send from the shared sales inbox",
        "description: " + _yaml(text)))
    config = repo / ".pilotlint.yaml"
    config.write_text(config.read_text().replace("name: Oleg Petrov,", "name: " + _yaml(text) + ","))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_leaves_the_structure_intact(sample, cli, text):
    clean = Tree(render(summary(cli, sample).out))
    make_hostile(sample, text)
    result = summary(cli, sample)
    assert result.code in (0, 1), result
    tree = Tree(render(result.out))
    check_structure(tree)
    assert [t.header for t in tree.tables] == [t.header for t in clean.tables]
    assert [len(t.rows) for t in tree.tables] == [len(t.rows) for t in clean.tables]
    assert sorted(tag for tag, _ in tree.tags) == sorted(tag for tag, _ in clean.tags)
    assert mermaid(tree) == mermaid(clean)
    shown = tree.text.replace(ZWSP, "")
    assert text.replace("\n", " ").replace("\u202e", "[U+202E]") in shown
    assert not live_text_problems(tree.text.replace("`pilotlint check`", ""))
    assert "evil.example" not in " ".join(v for _, attrs in tree.tags for v in attrs.values() if v)


def test_unknown_pilot_lists_the_pilots(sample, cli):
    result = summary(cli, sample, pilot="nope")
    assert result.code == 2
    assert "outbound-drafts" in result.err and "support-triage" in result.err


def test_output_file_and_custom_template_escape_too(sample, cli, tmp_path):
    template = tmp_path / "mine.md.j2"
    template.write_text("# {{ title }}\n\nOwner: {{ owner }} · cap {{ budget.cap | num }}\n")
    make_hostile(sample, "<b>x</b> @everyone")
    out = tmp_path / "summary.md"
    result = summary(cli, sample, "--template", template, "--output", out)
    assert result.code in (0, 1) and result.out == ""
    text = out.read_text()
    assert text.startswith("# &lt;b&gt;x&lt;/b&gt; @\u200beveryone\n")
    assert "cap 2,500" in text
    bad = tmp_path / "bad.md.j2"
    bad.write_text("{{ title }\n")
    assert summary(cli, sample, "--template", bad).code == 2


def test_proposed_pilot_without_notes(sample, cli):
    result = summary(cli, sample, pilot="support-triage")
    assert result.code == 0, result
    tree = Tree(render(result.out))
    check_structure(tree)
    assert "unknown" in tree.text and "no rollback plan" in tree.text
    assert not [lang for lang, _ in tree.code_blocks if lang == "mermaid"]


def test_decision_log_from_git(sample, cli):
    init_repo(sample)
    charter = sample / "pilots" / PILOT / "charter.yaml"
    for n in range(6):
        charter.write_text(charter.read_text().replace(f"monthly_cap: {2500 + n}", f"monthly_cap: {2501 + n}"))
        git(sample, "commit", "-qam", f"Raise the cap {n} <img src=x> @everyone [l](http://evil.example)")
    result = summary(cli, sample)
    tree = Tree(render(result.out))
    check_structure(tree)
    log = next(t for t in tree.tables if t.header == ["Date", "Who", "Change"])
    assert 1 <= len(log.rows) <= 5
    assert log.rows[0][2].replace(ZWSP, "").startswith("Raise the cap 5 <img src=x> @everyone [l](http:")
    assert not live_text_problems(tree.text.replace("`pilotlint check`", ""))


def test_no_decision_log_section_outside_git(sample, cli):
    assert "Decision log" not in summary(cli, sample).out


def test_malformed_documents_still_give_a_well_formed_page(sample, cli):
    folder = sample / "pilots" / "bad"
    folder.mkdir()
    (folder / "charter.yaml").write_text(
        "apiVersion: pilotlint/v1\nkind: Charter\npilot: bad\nowner: [a, b]\nbudget: lots\nscorecard: {x: 1}\n"
        "stop_rules: [1, {metric: 3}]\ntimeline: {review_on: 2026-13-45}\nreviewers: [x]\n"
        "data_access: [{legal_review: 3}]\nvendors: {a: 1}\ndecisions: [{on: 2026-01-01}]\n"
        "freeze: [{from: x, to: y}]\nincident: 3\nout_of_scope: hello\n")
    (folder / "note.yaml").write_text("apiVersion: pilotlint/v1\nkind: WeeklyNote\npilot: bad\nweek: 2026-W47\n"
                                      "spend: 3\nmetrics: [1]\nrisks: {a: 1}\nnext_decision: [x]\n")
    (folder / "plan.yaml").write_text("apiVersion: pilotlint/v1\nkind: RollbackPlan\npilot: bad\nold_workflow: 3\n"
                                      "drills: [{on: 2026-02-30, passed: true}, 5]\nsaved: [1]\n")
    result = summary(cli, sample, pilot="bad")
    assert result.code == 1, result
    tree = Tree(render(result.out))
    check_structure(tree)
    assert tree.text.count("❌ fail") == 3


def test_one_pilots_summary_reads_every_file_that_could_name_it(sample, cli):
    # The summary identifies only the files whose bytes could name the pilot; one that
    # spells the id with an escape still names it (and its second charter is PL012).
    charter = (sample / "pilots/outbound-drafts/charter.yaml").read_text()
    (sample / "pilots/elsewhere").mkdir()
    (sample / "pilots/elsewhere/charter.yaml").write_text(
        charter.replace("pilot: outbound-drafts", 'pilot: "outbound\\x2Ddrafts"').replace("outbound-drafts", "other"))
    result = cli("summary", "outbound-drafts", "--no-git", "--today", "2026-11-24", cwd=sample)
    assert "PL012" in result.out and "pilots/elsewhere/charter.yaml" in result.out
    assert cli("check", "--no-git", "--today", "2026-11-24", "--format", "json", cwd=sample).json[
        "summary"]["errors"] >= 1
