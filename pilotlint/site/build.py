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


def one_pager(pilot, ws, findings, suppressed, log_entries: list[dict] | None) -> str:
    """`summary --format html`: the pilot's page as one self-contained file."""
    return pilot_html(data.pilot_page(pilot, ws, findings, suppressed, log_entries), standalone=True)


def build_site(ws, outdir: Path) -> dict:
    """Run the engine over the workspace and write pilots/<slug>.html as each pilot is
    checked (memory holds one pilot), then index.html. Returns what was done."""
    from pilotlint.engine import run

    logs = data.decision_logs(ws, ws.pilot_ids())
    rows: list[dict] = []
    pages: set[str] = set()
    with Outdir(outdir) as out:
        def visit(pilot, findings, suppressed):
            row = data.portfolio_row(pilot, findings, suppressed, ws)
            if row is None:
                return
            rows.append(row)
            entries = logs.get(pilot.id) if logs is not None else None
            page = data.pilot_page(pilot, ws, findings, suppressed, entries)
            name = f"{row['slug']}.html"
            out.write(f"{PILOTS}/{name}", pilot_html(page, standalone=False))
            pages.add(name)

        run(ws, visit=visit)
        counts = {v: sum(1 for r in rows if r["verdict"] == v) for v in ("expand", "fix", "stop", "unknown")}
        out.write("index.html", render("portfolio.html.j2", rows=rows, today=ws.today.isoformat(), counts=counts,
                                       spend_meter=charts.spend_meter, pilots=PILOTS,
                                       history=ws.history is not None))
        removed = out.prune(PILOTS, pages)
        return {"pages": len(pages), "removed": removed}
