"""Build the site (a portfolio page and a page per pilot) or one pilot's one-pager."""

from __future__ import annotations

from pathlib import Path

from pilotlint.site import charts, data
from pilotlint.site.render import render
from pilotlint.site.write import Outdir

PILOTS = "pilots"  # the folder of the per-pilot pages


def _charts(page: dict) -> dict:
    summary, weeks = page["summary"], page["weeks"]
    return {
        "spend": charts.spend_chart(weeks, summary["budget"]["cap"], summary["budget"]["currency"]),
        "verdict": charts.verdict_chart(weeks),
        "metrics": [(metric, charts.metric_chart(metric, weeks, f"metric-{index}"))
                    for index, metric in enumerate(summary["scorecard"], 1)],
    }


def pilot_html(page: dict, *, standalone: bool) -> str:
    """A pilot's page; `standalone` (summary --format html) has no link to a portfolio."""
    return render("pilot.html.j2", page=page, s=page["summary"], charts=_charts(page), standalone=standalone,
                  home="../index.html")


def one_pager(result, pilot_id: str, log_entries: list[dict] | None) -> str:
    """`summary --format html`: the pilot's page as one self-contained file."""
    return pilot_html(data.pilot_page(result, pilot_id, log_entries), standalone=True)


def build_site(result, outdir: Path) -> dict:
    """Write index.html and pilots/<slug>.html under `outdir`. Returns what was done."""
    ws = result.workspace
    rows = data.portfolio(result)
    found, suppressed = data.findings_by_pilot(result)
    logs = data.decision_logs(ws, [row["pilot"] for row in rows])
    with Outdir(outdir) as out:
        counts = {v: sum(1 for r in rows if r["verdict"] == v) for v in ("expand", "fix", "stop", "unknown")}
        out.write("index.html", render("portfolio.html.j2", rows=rows, today=ws.today.isoformat(), counts=counts,
                                       spend_meter=charts.spend_meter, pilots=PILOTS,
                                       history=ws.git is not None))
        pages = set()
        for row in rows:
            entries = logs.get(row["pilot"]) if logs is not None else None
            page = data.pilot_page(result, row["pilot"], entries, found=found, suppressed=suppressed)
            name = f"{row['slug']}.html"
            out.write(f"{PILOTS}/{name}", pilot_html(page, standalone=False))
            pages.add(name)
        removed = out.prune(PILOTS, pages)
        return {"pages": len(pages), "removed": removed}
