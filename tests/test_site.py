"""`pilotlint site` and `summary --format html`: static pages that hold the documents'
numbers, carry no script, and turn hostile text into text.

Most tests read the built HTML; the browser tests (tests/test_site_browser.py) open it
in a real headless Chromium. Here: the charts as pure functions, the pages' structure
and CSP, and the command's handling of bad input and of OUTDIR.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO, TODAY, init_repo, run_cli
from pilotlint.site import charts

ENV = {"PYTHONPATH": str(REPO)}
PILOT = "outbound-drafts"
SVG = "{http://www.w3.org/2000/svg}"


# ---------------------------------------------------------------------------- the charts

@pytest.mark.parametrize("low, high, expected", [
    (0, 2625, (0, 3000, 1000)),
    (0, 12, (0, 15, 5)),
    (1.6, 5, (1, 5, 1)),
    (3, 3, (2.6, 3.4, 0.2)),
    (0, 0, (-1, 1, 0.5)),
    (1620, 2100, (1600, 2200, 200)),
])
def test_nice_scale_holds_the_values_with_round_ticks(low, high, expected):
    bottom, top, step = charts.nice_scale(low, high)
    assert (bottom, top, step) == pytest.approx(expected)
    assert bottom <= low and top >= high


def _svg(markup) -> ET.Element:
    """The chart must be well-formed XML on its own (a broken escape would not be)."""
    return ET.fromstring(str(markup))


WEEKS = [{"week": "2026-W40", "month_to_date": 300, "forecast": 2100, "readings": {"m": 7.5}, "verdict": "fix"},
         {"week": "2026-W41", "month_to_date": 950.5, "forecast": None, "readings": {}, "verdict": "stop"},
         {"week": "2026-W42", "month_to_date": None, "forecast": 2400, "readings": {"m": 5}, "verdict": "expand"},
         {"week": "2026-W43", "month_to_date": 1200, "forecast": 2300, "readings": {"m": 4.25}, "verdict": "?"}]


def test_spend_chart_carries_every_week_and_the_cap():
    svg = _svg(charts.spend_chart(WEEKS, 2500, "USD"))
    assert svg.get("data-cap") == "2500" and svg.get("role") == "img"
    weeks = svg.findall(f".//{SVG}g[@class='week']")
    assert [(g.get("data-week"), g.get("data-month-to-date"), g.get("data-forecast")) for g in weeks] == [
        ("2026-W40", "300", "2100"), ("2026-W41", "950.5", ""), ("2026-W42", "", "2400"), ("2026-W43", "1200", "2300")]
    first = {r.get("class"): float(r.get("height")) for r in weeks[0].findall(f"{SVG}rect")}
    assert first["mtd"] / first["forecast"] == pytest.approx(300 / 2100, rel=0.01)  # drawn to scale
    cap = svg.find(f".//{SVG}g[@class='cap']")
    assert cap.get("data-value") == "2500" and "cap 2,500" in "".join(cap.itertext())
    title, desc = svg.find(f"{SVG}title").text, svg.find(f"{SVG}desc").text
    assert "USD" in title and "2026-W41: month to date 950.5" in desc and "Monthly cap 2,500 USD" in desc
    assert svg.get("aria-labelledby") == "spend-t spend-d"


def test_spend_chart_is_left_out_without_spend():
    assert charts.spend_chart([{"week": "2026-W40"}], 2500, "USD") is None


def test_metric_chart_draws_readings_levels_and_gaps():
    metric = {"id": "m", "name": "Minutes", "unit": "minutes", "better": "lower", "baseline": 12, "success": 6,
              "stop": 11}
    svg = _svg(charts.metric_chart(metric, WEEKS, "metric-1"))
    points = svg.findall(f".//{SVG}circle")
    assert [(c.get("data-week"), c.get("data-value")) for c in points] == [
        ("2026-W40", "7.5"), ("2026-W42", "5"), ("2026-W43", "4.25")]
    levels = {g.get("data-level"): g.get("data-value") for g in svg.findall(f".//{SVG}g") if g.get("data-level")}
    assert levels == {"baseline": "12", "success": "6", "stop": "11"}
    # W41 has no reading: the line breaks there instead of joining W40 to W42
    assert len(svg.findall(f".//{SVG}polyline")) == 1
    ys = {c.get("data-value"): float(c.get("cy")) for c in points}
    assert ys["7.5"] < ys["5"] < ys["4.25"] + 0.01  # higher readings sit higher (smaller y)
    assert "lower is better" in svg.find(f"{SVG}desc").text and "2026-W41: not reported" in svg.find(f"{SVG}desc").text


def test_metric_labels_that_share_a_value_do_not_overlap():
    metric = {"id": "m", "name": "Reply rate", "better": "higher", "baseline": 3.0, "success": 3.0, "stop": 2.0}
    svg = _svg(charts.metric_chart(metric, WEEKS, "metric-2"))
    labels = sorted(float(t.get("y")) for t in svg.findall(f".//{SVG}text") if "level-label" in (t.get("class") or ""))
    assert len(labels) == 3 and all(b - a >= 12.9 for a, b in zip(labels, labels[1:]))


def test_verdict_chart_has_a_cell_and_a_letter_per_week():
    svg = _svg(charts.verdict_chart(WEEKS))
    cells = svg.findall(f".//{SVG}g[@data-verdict]")
    assert [c.get("data-verdict") for c in cells] == ["fix", "stop", "expand", "unknown"]
    assert ["".join(c.find(f"{SVG}text").itertext()) for c in cells] == ["F", "S", "E", "?"]


HOSTILE = '</svg><script>alert(1)</script><a href="javascript:alert(1)">x</a>\u202eevil'


def test_chart_text_from_documents_is_escaped_and_hidden_characters_shown():
    metric = {"id": HOSTILE, "name": HOSTILE, "unit": HOSTILE, "better": "lower", "success": 1}
    weeks = [{"week": HOSTILE, "month_to_date": 1, "readings": {HOSTILE: 2}}]
    for markup in (charts.metric_chart(metric, weeks, "metric-1"), charts.spend_chart(weeks, 3, HOSTILE),
                   charts.verdict_chart(weeks), charts.spend_meter(1, 2, 3, HOSTILE)):
        svg = _svg(markup)  # parses: nothing closed the <svg> early
        tags = {e.tag for e in svg.iter()}
        assert tags <= {f"{SVG}{t}" for t in ("svg", "title", "desc", "g", "line", "text", "rect", "circle",
                                               "polyline")}, tags
        everything = " ".join(v for e in svg.iter() for v in [*(e.text or "",), *e.attrib.values()])
        assert "\u202e" not in everything
        if svg.get("data-chart") != "verdict":
            assert "[U+202E]" in everything and "<script>" in everything  # as text, not as an element


def test_raw_numbers_read_back_as_written():
    assert [charts.raw(v) for v in (1540, 5.3, 3.0, True, None, float("nan"), "7")] == [
        "1540", "5.3", "3.0", "", "", "", ""]


# ---------------------------------------------------------------------------- building


class Page(HTMLParser):
    """Tags, attributes, the CSP and the style sheet of one built page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.style, self._in_style, self.headings, self._heading = "", False, [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"
        if tag in ("h1", "h2"):
            self._heading = []

    def handle_endtag(self, tag):
        self._in_style = False
        if tag in ("h1", "h2") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        if self._heading is not None:
            self._heading.append(data)

    def csp(self) -> str:
        metas = [a["content"] for t, a in self.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert len(metas) == 1
        return metas[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The sample repository in git, its site, and its pilot's HTML one-pager."""
    repo = tmp_path_factory.mktemp("site") / "repo"
    shutil.copytree(EXAMPLES, repo)
    init_repo(repo)
    out = repo.parent / "out"
    result = run_cli("site", out, "--today", TODAY, cwd=repo, env=ENV)
    assert result.code == 0, result
    assert "wrote" in result.err and "2 pilot pages" in result.err
    one = run_cli("summary", PILOT, "--format", "html", "--today", TODAY, cwd=repo, env=ENV)
    assert one.code == 0, one
    (repo.parent / "one-pager.html").write_text(one.out, encoding="utf-8")
    return repo, out


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_site_has_a_portfolio_and_a_page_per_pilot(built):
    _, out = built
    assert [p.relative_to(out).as_posix() for p in pages(out)] == [
        "index.html", "pilots/outbound-drafts.html", "pilots/support-triage.html"]
    index = Page((out / "index.html").read_text())
    rows = {a["data-pilot"]: a for t, a in index.tags if t == "tr" and "data-pilot" in a}
    assert rows["outbound-drafts"]["data-verdict"] == "expand"
    assert rows["outbound-drafts"]["data-approval"] == "approved"  # oleg's signed approval
    assert rows["support-triage"]["data-verdict"] == "unknown"
    links = [a["href"] for t, a in index.tags if t == "a" and a.get("href", "").startswith("pilots/")]
    assert links == ["pilots/outbound-drafts.html", "pilots/support-triage.html"]


@pytest.mark.parametrize("name", ["index.html", "pilots/outbound-drafts.html", "pilots/support-triage.html",
                                  "../one-pager.html"])
def test_every_page_is_self_contained_with_a_csp_that_forbids_scripts(built, name):
    _, out = built
    text = (out / name).read_text(encoding="utf-8")
    page = Page(text)
    csp = page.csp()
    assert "default-src 'none'" in csp and "unsafe" not in csp and "script-src" not in csp
    digest = base64.b64encode(hashlib.sha256(page.style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp  # the one style element, by its hash
    assert text.index("Content-Security-Policy") < text.index("<style>")
    assert not [t for t, _ in page.tags if t in ("script", "link", "img", "iframe", "object", "embed", "base")]
    for tag, attrs in page.tags:
        assert "src" not in attrs and "style" not in attrs and not any(k.startswith("on") for k in attrs), (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert re.fullmatch(r"#[a-z-]+|(\.\./)?(pilots/)?[a-z0-9_-]+\.html", href), href


def test_html_one_pager_says_what_the_markdown_summary_says(built):
    repo, out = built
    markdown = run_cli("summary", PILOT, "--today", TODAY, cwd=repo, env=ENV).out
    page = Page((out.parent / "one-pager.html").read_text(encoding="utf-8"))
    md_headings = [line[3:] for line in markdown.splitlines() if line.startswith("## ")]
    assert set(md_headings) <= set(page.headings), (md_headings, page.headings)
    assert not [a for t, a in page.tags if t == "a" and "index.html" in a.get("href", "")]  # nothing to link to
    # the same one-pager as the site's page, less the site's navigation
    site = Page((out / "pilots" / f"{PILOT}.html").read_text(encoding="utf-8"))
    assert site.headings == page.headings


def test_sites_are_written_the_same_for_the_same_repository(built, tmp_path):
    repo, out = built
    again = tmp_path / "again"
    assert run_cli("site", again, "--today", TODAY, cwd=repo, env=ENV).code == 0
    for page in pages(out):
        assert (again / page.relative_to(out)).read_bytes() == page.read_bytes(), page


# ---------------------------------------------------------------------------- bad input


def test_summary_html_of_an_unknown_pilot_is_a_usage_error(built):
    repo, _ = built
    result = run_cli("summary", "nope", "--format", "html", cwd=repo, env=ENV)
    assert result.code == 2 and "no pilot `nope`" in result.err and "outbound-drafts" in result.err
    assert result.out == ""


def test_summary_html_takes_no_markdown_template(built, tmp_path):
    repo, _ = built
    template = tmp_path / "t.md.j2"
    template.write_text("{{ pilot }}")
    result = run_cli("summary", PILOT, "--format", "html", "--template", template, cwd=repo, env=ENV)
    assert result.code == 2 and "--template is for the Markdown summary" in result.err


def test_outdir_that_is_a_file_is_refused(built, tmp_path):
    repo, _ = built
    target = tmp_path / "file.html"
    target.write_text("mine")
    result = run_cli("site", target, cwd=repo, env=ENV)
    assert result.code == 2 and "is not a folder" in result.err
    assert target.read_text() == "mine"


def test_outdir_that_is_a_symbolic_link_is_refused(built, tmp_path):
    repo, _ = built
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    result = run_cli("site", tmp_path / "link", cwd=repo, env=ENV)
    assert result.code == 2 and "symbolic link" in result.err
    assert list(real.iterdir()) == []


@pytest.mark.parametrize("planted", ["pilots", "index.html", "pilots/outbound-drafts.html"])
def test_a_symbolic_link_inside_outdir_is_never_written_through(built, tmp_path, planted):
    repo, out = built
    site = tmp_path / "site"
    shutil.copytree(out, site, symlinks=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "victim.html"
    victim.write_text("do not touch")
    target = site / planted
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    target.symlink_to(elsewhere if planted == "pilots" else victim)
    result = run_cli("site", site, "--today", TODAY, cwd=repo, env=ENV)
    assert result.code == 2 and "symbolic link" in result.err, result
    assert victim.read_text() == "do not touch" and sorted(p.name for p in elsewhere.iterdir()) == ["victim.html"]


def test_a_folder_of_other_files_is_not_taken_over(built, tmp_path):
    repo, _ = built
    other = tmp_path / "docs"
    other.mkdir()
    (other / "index.html").write_text("mine")
    result = run_cli("site", other, cwd=repo, env=ENV)
    assert result.code == 2 and "not empty" in result.err
    assert (other / "index.html").read_text() == "mine" and len(list(other.iterdir())) == 1


def test_a_rebuild_removes_the_pages_of_pilots_that_are_gone(built, tmp_path):
    repo, out = built
    site = tmp_path / "site"
    shutil.copytree(out, site)
    (site / "pilots" / "closed-pilot.html").write_text("old")
    (site / "pilots" / "notes.txt").write_text("not a page")
    result = run_cli("site", site, "--today", TODAY, cwd=repo, env=ENV)
    assert result.code == 0 and "removed 1 old" in result.err
    assert not (site / "pilots" / "closed-pilot.html").exists() and (site / "pilots" / "notes.txt").exists()


def test_a_folder_without_pilots_gets_an_empty_portfolio(tmp_path):
    result = run_cli("site", tmp_path / "out", "--today", TODAY, cwd=tmp_path, env=ENV)
    assert result.code == 0 and "0 pilot pages" in result.err
    assert "No pilot has a charter yet." in (tmp_path / "out" / "index.html").read_text()
