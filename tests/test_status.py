"""`pilotlint status`: one line per pilot, JSON exactly as SPEC §5."""

from __future__ import annotations

import json

from conftest import REPO, TODAY
from gfm_html import Tree, live_text_problems, render

ENV = {"PYTHONPATH": str(REPO)}


def status(cli, repo, *args):
    return cli("status", "--today", TODAY, *args, cwd=repo, env=ENV)


def test_json_is_exactly_the_spec_shape(sample, cli):
    result = status(cli, sample, "--format", "json")
    assert result.code == 0, result
    data = result.json
    assert set(data) == {"version", "pilots"} and data["version"] == 1
    assert [p["pilot"] for p in data["pilots"]] == ["outbound-drafts", "support-triage"]
    for row in data["pilots"]:
        assert set(row) == {"pilot", "status", "owner", "verdict", "spend", "review_on", "errors", "warnings"}
        assert set(row["spend"]) == {"month_to_date", "forecast", "cap"}
    outbound, triage = data["pilots"]
    assert outbound == {"pilot": "outbound-drafts", "status": "active", "owner": "oleg", "verdict": "expand",
                        "spend": {"month_to_date": 1540, "forecast": 2160, "cap": 2500}, "review_on": "2026-12-15",
                        "errors": 0, "warnings": outbound["warnings"]}
    assert triage["status"] == "proposed" and triage["verdict"] == "unknown"
    assert triage["spend"] == {"month_to_date": None, "forecast": None, "cap": 1800}
    assert triage["review_on"] == "2027-02-19"


def test_text_has_one_line_per_pilot(sample, cli):
    result = status(cli, sample)
    lines = result.out.splitlines()
    assert len(lines) == 3 and lines[0].split()[:4] == ["pilot", "status", "owner", "verdict"]
    assert "1,540 / 2,500 (forecast 2,160)" in lines[1] and "expand" in lines[1] and "2026-12-15" in lines[1]


def test_errors_are_counted_and_fail_the_run(sample, cli):
    note = sample / "pilots" / "outbound-drafts" / "notes" / "2026-W47.yaml"
    note.write_text(note.read_text().replace("month_to_date: 1540", "month_to_date: 9999"))
    result = status(cli, sample, "--format", "json")
    assert result.code == 1
    outbound = result.json["pilots"][0]
    assert outbound["errors"] >= 1 and outbound["spend"]["month_to_date"] == 9999


def test_markdown_table_survives_hostile_text(sample, cli):
    charter = sample / "pilots" / "outbound-drafts" / "charter.yaml"
    charter.write_text(charter.read_text().replace("owner: oleg", 'owner: "a | <b>@everyone</b>\\n# x"', 1))
    result = status(cli, sample, "--format", "markdown")
    tree = Tree(render(result.out))
    [table] = tree.tables
    assert len(table.header) == 8 and all(len(row) == 8 for row in table.rows)
    assert tree.tag_names() <= {"table", "thead", "tbody", "tr", "th", "td"}
    assert not live_text_problems(tree.text)
    text = status(cli, sample).out
    assert len(text.splitlines()) == 3  # the newline in the owner does not add a line


def test_empty_repository(tmp_path, cli):
    (tmp_path / ".pilotlint.yaml").write_text("apiVersion: pilotlint/v1\nkind: Config\n")
    result = status(cli, tmp_path, "--format", "json")
    assert result.code == 0 and json.loads(result.out) == {"version": 1, "pilots": []}
