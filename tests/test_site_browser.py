"""The site in a real browser (Debian's headless Chromium through chromedriver), checked by
real validators: the Nu HTML Checker and axe-core.

One browser session for the module; two sites: the sample repository (examples/) and a
hostile one whose titles, names, risks, metric names, weeks and commit subjects try to
add scripts, links and elements. Screenshots of the portfolio and of a pilot's page are
kept under build/test-artifacts/site/.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, REPO, TODAY, git, init_repo, run_cli
from integration.tools import chromium, missing, npm_package, vnu

ENV = {"PYTHONPATH": str(REPO)}
PILOT = "outbound-drafts"
ARTIFACTS = REPO / "build" / "test-artifacts" / "site"
NOTES = EXAMPLES / "pilots" / PILOT / "notes"
# The scorecard's verdict on each sample note (W40-W45 short of success somewhere, W46
# and W47 every metric at success), read off the notes by hand.
SAMPLE_VERDICTS = ["fix", "fix", "fix", "fix", "fix", "fix", "expand", "expand"]

SCRIPT = '<script>document.title="pwned"</script>'
LINK = '<a href="javascript:alert(1)">click me</a>'
BREAK = '</svg></figure><img src=x onerror="document.title=\'pwned\'">'
BIDI = "invoice_\u202egnp.exe"
HOSTILE_ID = "../../escape\u202e<script>"


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _hostile_repo(repo: Path) -> None:
    shutil.copytree(EXAMPLES, repo)
    config = _yaml(repo / ".pilotlint.yaml")
    config["people"]["oleg"]["name"] = "Oleg " + BREAK
    config["people"]["maria"]["name"] = LINK
    _write(repo / ".pilotlint.yaml", config)
    charter_path = repo / "pilots" / PILOT / "charter.yaml"
    charter = _yaml(charter_path)
    charter["title"] = SCRIPT + LINK
    charter["use_case"] = "javascript:alert(1) " + BIDI
    charter["budget"]["currency"] = BREAK
    charter["scorecard"][0]["name"] = BREAK
    charter["scorecard"][0]["unit"] = '"><script>alert(1)</script>'
    charter["out_of_scope"].append(SCRIPT)
    _write(charter_path, charter)
    last = sorted((repo / "pilots" / PILOT / "notes").glob("*.yaml"))[-1]
    note = _yaml(last)
    note["risks"][0]["text"] = BIDI + " " + SCRIPT
    note["risks"][1]["text"] = LINK
    note["next_decision"]["question"] = BREAK
    _write(last, note)
    first = sorted((repo / "pilots" / PILOT / "notes").glob("*.yaml"))[0]
    note = _yaml(first)
    note["week"] = '2026-W40"><script>alert(1)</script>'
    _write(first, note)
    odd = repo / "pilots" / "odd"
    odd.mkdir()
    other = _yaml(repo / "pilots" / "support-triage" / "charter.yaml")
    other["pilot"] = HOSTILE_ID
    other["title"] = BIDI
    _write(odd / "charter.yaml", other)
    init_repo(repo)
    charter["use_case"] += " (revised)"
    _write(charter_path, charter)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"{SCRIPT} {LINK} {BIDI}")


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("browser")
    sample = work / "sample"
    shutil.copytree(EXAMPLES, sample)
    init_repo(sample)
    hostile = work / "hostile"
    _hostile_repo(hostile)
    out = {}
    for name, repo in (("sample", sample), ("hostile", hostile)):
        result = run_cli("site", work / f"{name}-site", "--today", TODAY, cwd=repo, env=ENV)
        assert result.code == 0, result
        out[name] = work / f"{name}-site"
    one = run_cli("summary", PILOT, "--format", "html", "--today", TODAY, cwd=sample, env=ENV)
    assert one.code == 0, one
    (work / "one-pager.html").write_text(one.out, encoding="utf-8")
    out["one-pager"] = work / "one-pager.html"
    out["work"] = work
    return out


def all_pages(sites) -> list[Path]:
    return [*sorted(sites["sample"].rglob("*.html")), *sorted(sites["hostile"].rglob("*.html")), sites["one-pager"]]


class Browser:
    """One headless Chromium; `open` loads a page and returns what it logged and requested."""

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        binary, driver = chromium()
        self.profile = tempfile.mkdtemp(prefix="pilotlint-chromium-")
        options = webdriver.ChromeOptions()
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     f"--user-data-dir={self.profile}", "--window-size=1200,900"):
            options.add_argument(flag)
        options.binary_location = binary
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service(driver), options=options)
        self.driver.get("about:blank")
        self._drain()

    def _drain(self) -> None:
        self.driver.get_log("browser")
        self.driver.get_log("performance")

    def open(self, page: Path) -> dict:
        self._drain()
        url = page.resolve().as_uri()
        self.driver.get(url)
        return {"url": url, **self.logs()}

    def logs(self) -> dict:
        requests = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                requests.append(message["params"]["request"]["url"])
        # chrome:// pages are the browser's own (its new-tab page), not the site's loads
        requests = [r for r in requests if not r.startswith(("chrome://", "chrome-untrusted://", "devtools://"))]
        return {"console": self.driver.get_log("browser"), "requests": requests}

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def close(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing("selenium (pip install -e '.[test]')")
    browser = Browser()
    yield browser
    browser.close()


# ---------------------------------------------------------------------------- loading


def test_every_page_loads_from_disk_without_console_errors_or_network(sites, browser):
    for page in all_pages(sites):
        seen = browser.open(page)
        assert browser.js("return document.readyState") == "complete"
        assert browser.js("return document.querySelector('h1') !== null"), page
        errors = [e for e in seen["console"] if e["level"] in ("SEVERE", "ERROR")]
        assert errors == [], (page, errors)
        assert seen["requests"] == [seen["url"]], (page, seen["requests"])  # the page itself, nothing else


def test_the_csp_blocks_scripts_and_remote_loads_and_the_log_sees_them(sites, browser):
    browser.open(sites["sample"] / "index.html")
    browser.js("""document.body.insertAdjacentHTML('beforeend', '<img src="http://127.0.0.1:9/probe.png">');
                  const s = document.createElement('script'); s.textContent = 'window.ran = 1';
                  document.body.appendChild(s);""")
    time.sleep(0.3)  # the console and request logs arrive asynchronously
    seen = browser.logs()
    assert browser.js("return window.ran === undefined")
    blocked = " ".join(e["message"] for e in seen["console"])
    assert "Content Security Policy" in blocked and "img-src" in blocked
    assert "http://127.0.0.1:9/probe.png" in seen["requests"]  # the request log works: it saw the attempt


def test_links_between_pages_work_from_disk(sites, browser):
    browser.open(sites["sample"] / "index.html")
    browser.driver.find_element("link text", PILOT).click()
    assert browser.driver.current_url.endswith(f"/pilots/{PILOT}.html")
    assert PILOT in browser.js("return document.querySelector('h1').textContent")
    browser.driver.find_element("link text", "All pilots").click()
    assert browser.driver.current_url.endswith("/index.html")


# ---------------------------------------------------------------------------- the numbers


def _notes() -> list[dict]:
    return [_yaml(p) for p in sorted(NOTES.glob("*.yaml"))]


def test_spend_chart_in_the_dom_carries_the_notes_spend_and_the_cap(sites, browser):
    browser.open(sites["sample"] / "pilots" / f"{PILOT}.html")
    cap = _yaml(EXAMPLES / "pilots" / PILOT / "charter.yaml")["budget"]["monthly_cap"]
    chart = browser.js("""const svg = document.querySelector('svg.chart-spend');
        return {cap: svg.dataset.cap, line: svg.querySelector('g.cap').dataset.value,
                weeks: [...svg.querySelectorAll('g.week')].map(g => [g.dataset.week, +g.dataset.monthToDate,
                        +g.dataset.forecast, g.querySelector('rect.mtd').getBBox().height,
                        g.querySelector('rect.forecast').getBBox().height]),
                label: svg.getAttribute('aria-labelledby'), title: svg.querySelector('title').textContent}""")
    assert float(chart["cap"]) == cap and float(chart["line"]) == cap
    expected = [(n["week"], n["spend"]["month_to_date"], n["spend"]["forecast_month"]) for n in _notes()]
    assert [tuple(w[:3]) for w in chart["weeks"]] == expected
    for _, mtd, forecast, mtd_height, forecast_height in chart["weeks"]:
        assert mtd_height / forecast_height == pytest.approx(mtd / forecast, rel=0.02)  # drawn to scale
    assert chart["label"] == "spend-t spend-d" and "USD" in chart["title"]


def test_metric_charts_in_the_dom_carry_every_reading_and_level(sites, browser):
    browser.open(sites["sample"] / "pilots" / f"{PILOT}.html")
    charter = _yaml(EXAMPLES / "pilots" / PILOT / "charter.yaml")
    drawn = browser.js("""return [...document.querySelectorAll('svg.chart-metric')].map(svg => ({
        metric: svg.dataset.metric,
        points: [...svg.querySelectorAll('circle.point')].map(c => [c.dataset.week, +c.dataset.value]),
        levels: Object.fromEntries([...svg.querySelectorAll('g.level')].map(g => [g.dataset.level, +g.dataset.value]))
    }))""")
    assert [d["metric"] for d in drawn] == [m["id"] for m in charter["scorecard"]]
    notes = _notes()
    for metric, chart in zip(charter["scorecard"], drawn):
        assert chart["points"] == [[n["week"], n["metrics"][metric["id"]]] for n in notes]
        assert chart["levels"] == {"baseline": metric["baseline"]["value"], "success": metric["success"],
                                   "stop": metric["stop"]}


def test_verdict_chart_shows_the_verdict_of_every_week(sites, browser):
    browser.open(sites["sample"] / "pilots" / f"{PILOT}.html")
    cells = browser.js("return [...document.querySelectorAll('svg.chart-verdict g.verdict')]"
                       ".map(g => [g.dataset.week, g.dataset.verdict, g.querySelector('text').textContent])")
    assert [c[0] for c in cells] == [n["week"] for n in _notes()]
    assert [c[1] for c in cells] == SAMPLE_VERDICTS
    assert [c[2] for c in cells] == [{"fix": "F", "expand": "E"}[v] for v in SAMPLE_VERDICTS]


def test_portfolio_shows_each_pilot_with_its_numbers(sites, browser):
    browser.open(sites["sample"] / "index.html")
    rows = browser.js("""return [...document.querySelectorAll('tbody tr')].map(tr => ({
        pilot: tr.dataset.pilot, cells: [...tr.children].map(c => c.innerText.replace(/\\s+/g, ' ').trim()),
        meter: tr.querySelector('svg.meter') && {...tr.querySelector('svg.meter').dataset}}))""")
    assert [r["pilot"] for r in rows] == [PILOT, "support-triage"]
    drafts = rows[0]
    assert drafts["cells"][1:4] == ["active", "Oleg Petrov", "✓ expand"]
    assert drafts["cells"][4].startswith("1,540 / 2,500 USD forecast 2,160")
    assert drafts["cells"][5] == "2026-12-15" and drafts["cells"][6].startswith("0") and drafts["cells"][7] == "approved"
    assert drafts["meter"] == {"monthToDate": "1540", "forecast": "2160", "cap": "2500"}
    assert rows[1]["cells"][3] == "? unknown"


# ---------------------------------------------------------------------------- hostile text


def test_hostile_text_renders_as_text(sites, browser):
    pilot_pages = sorted((sites["hostile"] / "pilots").glob("*.html"))
    assert len(pilot_pages) == 3  # the odd id got a page of its own, inside OUTDIR
    outside = [p for p in sites["work"].rglob("*.html") if sites["hostile"] not in p.parents
               and sites["sample"] not in p.parents and p != sites["one-pager"]]
    assert outside == []
    for page in [sites["hostile"] / "index.html", *pilot_pages]:
        browser.open(page)
        state = browser.js("""return {
            title: document.title,
            scripts: document.querySelectorAll('script').length,
            images: document.querySelectorAll('img, iframe, object, embed').length,
            handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))
                      .filter(n => n.startsWith('on')),
            hrefs: [...document.querySelectorAll('[href]')].map(e => e.getAttribute('href')),
            svgs: [...document.querySelectorAll('svg')].map(s => s.parentElement.tagName),
            text: document.body.innerText}""")
        assert state["title"] != "pwned"  # no script ran (a title written as text is fine)
        assert state["scripts"] == 0 and state["images"] == 0 and state["handlers"] == []
        assert all(re.fullmatch(r"#[a-z-]+|(\.\./)?(pilots/)?[a-z0-9_-]+\.html", h) for h in state["hrefs"]), state
        assert set(state["svgs"]) <= {"FIGURE", "TD"}, state["svgs"]  # no svg closed early or opened by text
        assert "\u202e" not in state["text"]
        if page.name == f"{PILOT}.html":
            assert SCRIPT in state["text"] and "javascript:alert(1)" in state["text"] and SCRIPT in state["title"]
            assert "invoice_[U+202E]gnp.exe" in state["text"]
            assert BREAK in state["text"]  # the next decision, word for word
            titles = browser.js("return [...document.querySelectorAll('svg title')].map(t => t.textContent)")
            assert any(BREAK in t for t in titles)  # the metric named </svg>... is the chart's title
            log = browser.js("return document.querySelector('table.log').innerText")
            assert SCRIPT in log  # the commit subject


# ---------------------------------------------------------------------------- accessibility


def test_axe_finds_no_serious_or_critical_violation(sites, browser):
    axe = (npm_package("axe-core") / "axe.min.js").read_text(encoding="utf-8")
    pages = [sites["sample"] / "index.html", sites["sample"] / "pilots" / f"{PILOT}.html",
             sites["sample"] / "pilots" / "support-triage.html", sites["hostile"] / "index.html",
             *sorted((sites["hostile"] / "pilots").glob("*.html")), sites["one-pager"]]
    for page in pages:
        browser.open(page)
        browser.js(axe)  # through the driver: the page's CSP forbids scripts, rightly
        browser.driver.set_script_timeout(60)
        result = browser.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations', 'passes']}).then(r => done("
            "{violations: r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
            " html: v.nodes.slice(0, 2).map(n => n.html)})), passes: r.passes.length}))")
        assert result["passes"] > 10, result  # axe really ran
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], (page, bad)


def test_keyboard_reaches_every_link_and_control_with_a_visible_focus(sites, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.open(sites["sample"] / "pilots" / f"{PILOT}.html")
    wanted = browser.js("return document.querySelectorAll('a[href], summary').length")
    seen, outlines = [], []
    for _ in range(wanted):
        ActionChains(browser.driver).send_keys(Keys.TAB).perform()
        seen.append(browser.js("const e = document.activeElement; return e.tagName + ':' + e.textContent.trim()"))
        outlines.append(browser.js("return getComputedStyle(document.activeElement).outlineStyle"))
    assert seen[0] == "A:Skip to the content" and seen[1] == "A:All pilots"
    assert len(set(seen)) == wanted and sum(s.startswith("SUMMARY:") for s in seen) == wanted - 2
    assert "none" not in outlines[1:]  # focus is visible (the skip link shows itself instead)
    ActionChains(browser.driver).send_keys(Keys.ENTER).perform()  # opens the focused <details>
    assert browser.js("return document.activeElement.parentElement.open") is True


def test_charts_are_named_for_screen_readers(sites, browser):
    browser.open(sites["sample"] / "pilots" / f"{PILOT}.html")
    names = browser.js("""return [...document.querySelectorAll('svg.chart')].map(svg => {
        const ids = svg.getAttribute('aria-labelledby').split(' ');
        return [svg.getAttribute('role'), ids.map(i => document.getElementById(i).textContent).join(' | ')]})""")
    assert len(names) == 6  # spend, verdict, four metrics
    for role, name in names:
        assert role == "img" and " | " in name and re.search(r"\d", name), name


# ---------------------------------------------------------------------------- print, pictures, validator


def _pages_in_pdf(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", data))


@pytest.mark.parametrize("paper", [(8.27, 11.69), (8.5, 11)], ids=["A4", "Letter"])
def test_pilot_page_prints_as_the_one_page_handoff(sites, browser, paper):
    for page in (sites["sample"] / "pilots" / f"{PILOT}.html", sites["one-pager"]):
        browser.open(page)
        pdf = browser.driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": paper[0], "paperHeight": paper[1],
                                                                 "printBackground": True})
        data = base64.b64decode(pdf["data"])
        assert data.startswith(b"%PDF") and _pages_in_pdf(data) == 1, (page, _pages_in_pdf(data))
    browser.js("const d = document.createElement('div'); d.style.height = '3000px'; document.body.appendChild(d)")
    longer = base64.b64decode(browser.driver.execute_cdp_cmd("Page.printToPDF", {})["data"])
    assert _pages_in_pdf(longer) > 1  # the page count is really counted


def test_screenshots_of_the_portfolio_and_a_pilot_are_kept(sites, browser, capsys):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shots = []
    for name, page in (("portfolio", sites["sample"] / "index.html"),
                       ("pilot", sites["sample"] / "pilots" / f"{PILOT}.html"),
                       ("hostile-pilot", sites["hostile"] / "pilots" / f"{PILOT}.html")):
        browser.open(page)
        height = browser.js("return document.documentElement.scrollHeight")
        browser.driver.set_window_size(1200, min(height + 120, 6000))
        target = ARTIFACTS / f"{name}.png"
        assert browser.driver.save_screenshot(str(target))
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 20_000
        shots.append(target)
    browser.driver.set_window_size(1200, 900)
    with capsys.disabled():
        print(f"\nsite screenshots: {ARTIFACTS}/ ({', '.join(p.name for p in shots)})")


def test_nu_html_checker_reports_no_error_on_any_page(sites, tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></span>")
    pages = all_pages(sites)
    proc = subprocess.run([*vnu(), "--format", "json", "--errors-only", *map(str, pages), str(broken)],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert any(m["url"].endswith("broken.html") for m in errors), proc.stderr[-2000:]  # the checker works
    mine = [m for m in errors if not m["url"].endswith("broken.html")]
    assert mine == [], json.dumps(mine[:10], indent=1)
