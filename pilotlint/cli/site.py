"""`pilotlint site OUTDIR`: the portfolio site, static HTML for people who never open GitHub."""

from __future__ import annotations

from pathlib import Path

import click

from pilotlint.cli.common import UsageFailure, open_workspace, today_option


@click.command("site")
@click.argument("outdir", type=click.Path(path_type=Path))
@click.option("--no-git", is_flag=True, help="Do not read git history (no decision log; approvals unknown).")
@today_option
@click.pass_context
def site_command(ctx, outdir, no_git, today):
    """Write a static site of every pilot to OUTDIR: OUTDIR/index.html, the portfolio (status,
    owner, verdict, spend against the cap, next review, open findings, whether the charter
    is approved), and OUTDIR/pilots/PILOT.html, each pilot's one-page handoff summary with
    charts of spend, metrics and verdict by week and its decision log from git.

    Plain HTML and inline SVG: no script, nothing loaded from elsewhere; it opens from disk
    and works on GitHub Pages. OUTDIR must be new, empty, or a site built before (a
    rebuild removes the pages of pilots that are gone). Exits 0 when the site is written,
    whatever the findings (the site shows them; `pilotlint check` is the gate), 2 when
    OUTDIR cannot be used.
    """
    from pilotlint.documents.config import ConfigError
    from pilotlint.site.build import build_site
    from pilotlint.site.write import OutdirError

    ws = open_workspace(ctx, Path.cwd(), today, use_git=not no_git)
    try:
        ws.scan()
        done = build_site(ws, outdir)
    except OutdirError as exc:
        raise UsageFailure(str(exc)) from None
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None
    removed = f", removed {len(done['removed'])} old" if done["removed"] else ""
    click.echo(f"pilotlint: wrote {outdir / 'index.html'} and {done['pages']} pilot "
               f"page{'' if done['pages'] == 1 else 's'}{removed}", err=True)
