"""`pilotlint summary PILOT`: the one-page Markdown handoff summary (docs/summary.md)."""

from __future__ import annotations

from pathlib import Path

import click

from pilotlint.cli.common import UsageFailure, open_workspace, today_option, write_output


def check_repository(ctx, today, *, use_git: bool = True, pilots=None, visit=None):
    """Run the engine over the repository's configured paths (what `summary`, `status`,
    `site` read): the index of every document, then the pilots asked for. Returns
    (workspace, result)."""
    from pilotlint.documents.config import ConfigError
    from pilotlint.engine import run

    ws = open_workspace(ctx, Path.cwd(), today, use_git=use_git)
    try:
        # one pilot: only the files that could name it are identified (Workspace.scan)
        ws.scan(pilot=pilots[0] if pilots is not None and len(pilots) == 1 else None)
        return ws, run(ws, pilots=pilots, visit=visit)
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None


def unknown_pilot(pilot: str, ws) -> UsageFailure:
    if ws.partial:  # the scan looked for one pilot only: list them all
        ws.scan()
    known = ", ".join(sorted(p for p in ws.pilot_ids() if ws.charter_paths(p))) or "none"
    return UsageFailure(f"no pilot `{pilot}` in this repository; pilots: {known}")


@click.command("summary")
@click.argument("pilot")
@click.option("--format", "fmt", type=click.Choice(["markdown", "html"]), default="markdown", show_default=True,
              help="markdown (for GitHub) or html: one self-contained page, no scripts (for email, print).")
@click.option("--output", "-o", metavar="FILE", help="Write the summary to FILE instead of stdout.")
@click.option("--template", "template", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="A Jinja2 template to use instead of the built-in summary.md.j2 (values are escaped "
                   "for Markdown all the same).")
@click.option("--no-git", is_flag=True, help="Do not read git history (no decision log section).")
@today_option
@click.pass_context
def summary_command(ctx, pilot, fmt, output, template, no_git, today):
    """The one-page handoff summary of PILOT, in GitHub-flavoured Markdown.

    For founders, finance and legal: status and verdict, owner, budget and spend with a
    chart, the scorecard, stop rules, the three control checks, rollback readiness, data
    and legal reviews, the timeline, risks and the next decision, the latest decision-log
    entries from git, and the pilot's open findings. Exits 1 when the pilot has error
    findings (the summary is written all the same), 2 for an unknown pilot.
    """
    from pilotlint.report.summary import summary_context
    from pilotlint.report.templating import render_markdown

    if template is not None and fmt == "html":
        raise UsageFailure("--template is for the Markdown summary; the HTML one-pager has its own")
    if template is not None and not template.is_file():
        raise UsageFailure(f"{template}: no such template file")
    seen = {}
    ws, result = check_repository(ctx, today, use_git=not no_git, pilots=[pilot],
                                  visit=lambda item, found, quiet: seen.update(pilot=item, found=found, quiet=quiet))
    item = seen.get("pilot")
    if item is None or item.charter is None:
        raise unknown_pilot(pilot, ws)
    findings, suppressed = seen["found"], seen["quiet"]
    entries = None if no_git else decision_log(ws, item)
    if fmt == "html":
        from pilotlint.site.build import one_pager

        write_output(one_pager(item, ws, findings, suppressed, entries), output)
        ctx.exit(1 if any(f.severity == "error" for f in findings) else 0)
    context = summary_context(item, ws, findings, suppressed, entries)
    try:
        text = render_markdown("summary.md.j2", context, template)
    except Exception as exc:  # a user's template: report it, never a traceback
        from jinja2 import TemplateError

        if isinstance(exc, TemplateError):
            where = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
            raise UsageFailure(f"the template cannot be rendered{where}: {exc}") from None
        raise
    write_output(text if text.endswith("\n") else text + "\n", output)
    ctx.exit(1 if any(f.severity == "error" for f in findings) else 0)


def decision_log(ws, pilot, limit: int = 5) -> list[dict] | None:
    """The latest decision-log entries that touch the pilot, newest first, or None when
    there is no repository (or history cannot be read): then the summary has no such
    section. Entries come from the `log` machinery, reduced to date, author, signed and
    subject.
    """
    if ws.history is None:
        return None
    from pilotlint.history.decisionlog import DecisionLog
    from pilotlint.history.git import GitError

    entries = []
    try:
        repo = ws.history.repo
        # the commits that changed the folders the pilot's documents are in (git prunes to
        # them at once) or the configuration; `pilotlint log PILOT` reads all of history
        folders = [doc.path.rsplit("/", 1)[0] if "/" in doc.path else "." for doc in pilot.documents]
        for entry in DecisionLog(repo, ws.config).entries(repo.head(), pilot=pilot.id, within=folders):
            entries.append(entry)
            if len(entries) >= limit:
                break
    except (GitError, OSError, ValueError):
        return None  # history that cannot be read
    out = []
    for entry in entries:
        author = entry.get("author") or {}
        out.append({"date": str(entry.get("date") or "")[:10], "author": author.get("name") or author.get("email"),
                    "verified": entry.get("signature") == "good", "subject": entry.get("subject")})
    return out
