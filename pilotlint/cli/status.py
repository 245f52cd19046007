"""`pilotlint status`: one line per pilot — status, owner, verdict, spend vs cap, next review,
open errors and warnings."""

from __future__ import annotations

import json

import click

from pilotlint.cli.common import today_option, write_output


def status_row(pilot, findings, today) -> dict:
    """One pilot's row, in the `status` JSON shape."""
    from pilotlint.report.summary import pilot_verdict, review_on, spend_of

    owner = pilot.charter.get("owner") if pilot.charter else None
    spend = spend_of(pilot, today)
    return {
        "pilot": pilot.id,
        "status": pilot.status,
        "owner": owner if isinstance(owner, str) else None,
        "verdict": pilot_verdict(pilot, today),
        "spend": {"month_to_date": spend["month_to_date"], "forecast": spend["forecast"], "cap": spend["cap"]},
        "review_on": review_on(pilot),
        "errors": sum(1 for f in findings if f.severity == "error"),
        "warnings": sum(1 for f in findings if f.severity == "warning"),
    }


def _spend_text(spend: dict) -> str:
    from pilotlint.report.templating import number

    if spend["cap"] is None and spend["month_to_date"] is None:
        return "—"
    text = f"{number(spend['month_to_date'])} / {number(spend['cap'])}"
    if spend["forecast"] is not None:
        text += f" (forecast {number(spend['forecast'])})"
    return text


_HEADERS = ("pilot", "status", "owner", "verdict", "spend / cap", "review", "errors", "warnings")


def _cells(row: dict) -> list[str]:
    return [row["pilot"], row["status"] or "—", row["owner"] or "—", row["verdict"], _spend_text(row["spend"]),
            row["review_on"] or "—", str(row["errors"]), str(row["warnings"])]


def render_text(rows: list[dict]) -> str:
    if not rows:
        return "no pilots found\n"
    from pilotlint.report.markdown import _plain  # one line, nothing hidden (bidi controls made visible)

    table = [list(_HEADERS)] + [[_plain(c) for c in _cells(r)] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(_HEADERS))]
    return "".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() + "\n" for line in table)


def render_markdown(rows: list[dict]) -> str:
    from pilotlint.report.markdown import md

    out = ["| " + " | ".join(h.capitalize() for h in _HEADERS) + " |",
           "|---|---|---|---|--:|---|--:|--:|"]
    for row in rows:
        out.append("| " + " | ".join(md(cell) for cell in _cells(row)) + " |")
    if not rows:
        out.append("| no pilots found | | | | | | | |")
    return "\n".join(out) + "\n"


@click.command("status")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="Output format.")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")
@click.option("--no-git", is_flag=True, help="Do not read git history.")
@today_option
@click.pass_context
def status_command(ctx, fmt, output, no_git, today):
    """One line per pilot: status, owner, scorecard verdict, spend against the cap, next
    review and open errors and warnings. Exits 1 when any pilot has an error finding."""
    from pilotlint.cli.summary import check_repository

    rows = []
    check_repository(ctx, today, use_git=not no_git,
                     visit=lambda pilot, findings, _quiet: rows.append(status_row(pilot, findings, today)))
    if fmt == "json":
        text = json.dumps({"version": 1, "pilots": rows}, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        text = render_markdown(rows)
    else:
        text = render_text(rows)
    write_output(text, output)
    ctx.exit(1 if any(row["errors"] for row in rows) else 0)
