"""The Markdown verdict `gate --summary` appends (for `$GITHUB_STEP_SUMMARY`): document
text escaped for Markdown, and under GitHub's 1 MiB limit, truncated with a notice."""

from __future__ import annotations

from pilotlint.documents.values import plural

SUMMARY_LIMIT = 1_000_000        # GitHub's job summary takes at most 1 MiB per step
SUMMARY_ROWS = 200               # findings listed before the rest is summarised


def render_summary(report, base_sha: str, head_sha: str, *, limit: int = SUMMARY_LIMIT,
                   rows: int = SUMMARY_ROWS) -> str:
    """The Markdown verdict for a job summary: escaped document text, under `limit` bytes."""
    import json

    from pilotlint.findings import counts
    from pilotlint.report.markdown import md, md_code

    total = counts(report.findings)
    blocked = report.failed
    lines = [f"## pilotlint gate: {'❌ blocked' if blocked else '✅ passed'}", "",
             f"Range {md_code(base_sha[:12])}..{md_code(head_sha[:12])}: {plural(total['errors'], 'error')}, "
             f"{plural(total['warnings'], 'warning')}, {plural(len(report.expansions or []), 'expansion')}, "
             f"{len(report.suppressed)} suppressed, {report.files} files checked.", ""]
    if report.expansions:
        lines += ["### Expansions", "", "| pilot | field | change | from | to |", "|---|---|---|---|---|"]
        for e in report.expansions[:rows]:
            lines.append(f"| {md_code(e['pilot'])} | {md_code(e['field'] or '(new charter)')} | {md(e['change'])} | "
                         f"{md(_short(json.dumps(e.get('from'), ensure_ascii=False)))} | "
                         f"{md(_short(json.dumps(e.get('to'), ensure_ascii=False)))} |")
        if len(report.expansions) > rows:
            lines.append(f"\n_{len(report.expansions) - rows} more expansions are not listed here; see the JSON "
                         "output._")
        lines.append("")
    if report.findings:
        lines += ["### Findings", "", "| rule | severity | where | message |", "|---|---|---|---|"]
        size = sum(len(line.encode("utf-8")) + 1 for line in lines)
        shown = 0
        notice_room = 400
        for f in report.findings:
            row = (f"| {md_code(f.rule)} | {md(f.severity)} | {md_code(f'{f.path}:{f.line}')} | "
                   f"{md(_short(f.message, 1000))} |")
            cost = len(row.encode("utf-8")) + 1
            if shown >= rows or size + cost + notice_room > limit:
                break
            lines.append(row)
            size += cost
            shown += 1
        if shown < len(report.findings):
            lines.append("")
            lines.append(f"_{len(report.findings) - shown} more findings are not shown here (the job summary is "
                         "kept under GitHub's 1 MiB limit); see the job log, or the JSON or SARIF output._")
        lines.append("")
    elif not blocked:
        lines += ["No findings.", ""]
    text = "\n".join(lines) + "\n"
    encoded = text.encode("utf-8")
    if len(encoded) > limit:  # cannot happen with the budget above; never exceed the limit anyway
        text = encoded[:limit - 200].decode("utf-8", "ignore") + "\n\n_The summary was cut at 1 MiB._\n"
    return text


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."
