"""`pilotlint summary PILOT`: the one-page Markdown handoff summary (SPEC §6)."""

from __future__ import annotations

from pathlib import Path

import click

from pilotlint.commands.common import UsageFailure, discover, today_option, write_output


def check_repository(ctx, today, *, use_git: bool = True):
    """Run the check engine over the repository's configured paths (what `summary`,
    `status`, `init` and `note` read). Returns the engine's Result."""
    from pilotlint.config import ConfigError
    from pilotlint.engine import Request, configured_paths, run

    config, root = discover(ctx, Path.cwd())
    paths = configured_paths(config, root)
    request = Request(paths=[], config=config, root=root, today=today, use_git=use_git)
    try:
        if not paths:  # nothing to read yet: an empty workspace, not an error
            from pilotlint.engine import Result
            from pilotlint.model import Workspace

            return Result(Workspace(root, config, today), [], []), request
        return run(request), request
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None


def unknown_pilot(pilot: str, ws) -> UsageFailure:
    known = ", ".join(sorted(p for p, item in ws.pilots.items() if item.charter)) or "none"
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
    from pilotlint.summary import summary_context
    from pilotlint.templating import render_markdown

    if template is not None and fmt == "html":
        raise UsageFailure("--template is for the Markdown summary; the HTML one-pager has its own")
    if template is not None and not template.is_file():
        raise UsageFailure(f"{template}: no such template file")
    result, request = check_repository(ctx, today, use_git=not no_git)
    ws = result.workspace
    item = ws.pilots.get(pilot)
    if item is None or item.charter is None:
        raise unknown_pilot(pilot, ws)
    findings = [f for f in result.findings if f.pilot == pilot]
    suppressed = [f for f in result.suppressed if f.pilot == pilot]
    entries = None if no_git else decision_log(ws, item)
    if fmt == "html":
        from pilotlint.site.build import one_pager

        write_output(one_pager(result, pilot, entries), output)
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
    section. Entries come from the `log` machinery (SPEC §5 `log` JSON), reduced to date,
    author, signed and subject.
    """
    if ws.git is None:
        return None
    try:
        from pilotlint.commands.log import DecisionLog
        from pilotlint.gitrepo import GitError
    except ImportError:
        return None
    entries = []
    try:
        head = ws.git.resolve("HEAD")
        for entry in DecisionLog(ws.git, ws.config).entries(head, pilot=pilot.id):
            entries.append(entry)
            if len(entries) >= limit:
                break
    except (GitError, OSError, ValueError):
        return None  # a repository without commits, or history that cannot be read
    out = []
    for entry in entries:
        author = entry.get("author") or {}
        out.append({"date": str(entry.get("date") or "")[:10], "author": author.get("name") or author.get("email"),
                    "verified": entry.get("signature") == "good", "subject": entry.get("subject")})
    return out
