"""`pilotlint summary PILOT`: the one-page Markdown handoff summary (docs/summary.md)."""

from __future__ import annotations

from pathlib import Path

import click

from pilotlint.cli.common import UsageFailure, open_workspace, today_option, write_output


def check_repository(ctx, today, *, use_git: bool = True, pilots=None, visit=None, indexed=None):
    """Run the engine over the repository's configured paths (what `summary`, `status`,
    `site` read): the index of every document, then the pilots asked for. Returns
    (workspace, result). `indexed(ws)` is called between the two."""
    from pilotlint.documents.config import ConfigError
    from pilotlint.engine import run

    ws = open_workspace(ctx, Path.cwd(), today, use_git=use_git)
    try:
        # one pilot: only the files that could name it are identified (Workspace.scan)
        ws.scan(pilot=pilots[0] if pilots is not None and len(pilots) == 1 else None)
        if indexed is not None:
            indexed(ws)
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
    later = {}
    ws, result = check_repository(ctx, today, use_git=not no_git, pilots=[pilot],
                                  visit=lambda item, found, quiet: seen.update(pilot=item, found=found, quiet=quiet),
                                  indexed=lambda ws: later.update(log=_decision_log_soon(ws, pilot)))
    item = seen.get("pilot")
    if item is None or item.charter is None:
        raise unknown_pilot(pilot, ws)
    findings, suppressed = seen["found"], seen["quiet"]
    entries = later["log"]() if later.get("log") else None
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


def _decision_log_soon(ws, pilot_id: str):
    """Start reading the pilot's decision log in the background (git walks it on the other
    core while the engine checks the pilot); returns a function that waits for it."""
    import threading

    if ws.history is None or pilot_id not in ws.by_pilot:
        return None
    paths = ws.by_pilot[pilot_id]
    box: dict = {}
    thread = threading.Thread(target=lambda: box.update(entries=decision_log(ws, pilot_id, paths)),
                              name="pilotlint-decision-log", daemon=True)
    thread.start()

    def wait():
        thread.join()
        return box.get("entries")
    return wait


def decision_log(ws, pilot_id: str, paths: list[str], limit: int = 5) -> list[dict] | None:
    """The latest decision-log entries that touch the pilot, newest first, or None when
    there is no repository (or history cannot be read): then the summary has no such
    section. Entries come from the `log` machinery, reduced to date, author, signed and
    subject. Reads through a repository of its own (it runs beside the engine's).
    """
    from pilotlint.history.decisionlog import DecisionLog
    from pilotlint.history.git import GitError, Repo

    entries = []
    repo = None
    try:
        repo = Repo.open(ws.history.repo.root)
        # the commits that changed the folders the pilot's documents are in (git prunes to
        # them at once) or the configuration; `pilotlint log PILOT` reads all of history
        folders = [path.rsplit("/", 1)[0] if "/" in path else "." for path in paths]
        for entry in DecisionLog(repo, ws.config).entries(ws.history.head, pilot=pilot_id, within=folders):
            entries.append(entry)
            if len(entries) >= limit:
                break
    except (GitError, OSError, ValueError):
        return None  # history that cannot be read
    finally:
        if repo is not None:
            repo.close()
    out = []
    for entry in entries:
        author = entry.get("author") or {}
        out.append({"date": str(entry.get("date") or "")[:10], "author": author.get("name") or author.get("email"),
                    "verified": entry.get("signature") == "good", "subject": entry.get("subject")})
    return out
