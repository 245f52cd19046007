"""`pilotlint demo DIR`: make the sample governance repository, with its story as history."""

from __future__ import annotations

from pathlib import Path

import click

from pilotlint.cli.common import UsageFailure


@click.command("demo")
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
def demo_command(directory):
    """Make DIR a governance repository of its own: Acme's sample, with its story as git history.

    Every decision is a commit by the person who made it, on the day it happened: the
    charter at kickoff, the scope freeze and the handoff audit, one weekly note a week,
    the rollback drill, the 2026-10-31 fix call, the owner's approvals (one signed with
    a key made for the demo), the admin's config change. Two more branches: an open pull
    request that widens the pilot to the Nordics, which `pilotlint gate` blocks, and the
    same with the owner's approval, which passes. The documents are dated, so pass the
    story's day (`--today 2026-11-24`) to check, gate and summary.

    DIR must be new or empty; nothing is written outside it, and your git configuration
    (hooks, signing, templates) is not used. Exit 0, or 2 when DIR cannot be used.
    """
    from pilotlint.demo import DemoError, build

    try:
        made = build(directory)
    except DemoError as exc:
        raise UsageFailure(str(exc)) from None
    shown = click.format_filename(directory)
    click.echo(f"made {shown}: Acme's AI pilot governance repository, {made.commits} commits on main "
               f"from {made.first} to {made.last}")
    width = max((len(name) for name, _ in made.branches), default=0)
    for name, about in made.branches:
        click.echo(f"  branch {name:<{width}}  {about}")
    click.echo(f"The story's day is {made.day}: pass --today {made.day} to check, gate and summary. "
               f"In {shown}, try:\n"
               "  pilotlint log\n"
               "  pilotlint diff main widen-nordics\n"
               f"  pilotlint gate --base main --head widen-nordics --today {made.day}")
