"""The click application: the command group, with each command imported when it runs."""

from __future__ import annotations

import importlib
import importlib.util

import click

from pilotlint.cli import COMMANDS


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return [name for name, (module, _) in COMMANDS.items() if importlib.util.find_spec(module)]

    def get_command(self, ctx, name):
        if name not in COMMANDS or not importlib.util.find_spec(COMMANDS[name][0]):
            return None
        return getattr(importlib.import_module(COMMANDS[name][0]), f"{name}_command")

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Use this .pilotlint.yaml instead of searching upwards from the checked path.")
@click.version_option(package_name="pilotlint", message="pilotlint %(version)s")
@click.pass_context
def cli(ctx, config_file):
    """pilotlint keeps AI pilots under control in git.

    A pilot's charter, weekly notes and rollback plan live as YAML in a repository;
    pilotlint checks them against their schema and the governance rules, uses git
    history as the decision log, blocks pull requests that widen a pilot before it has
    earned it, and writes the one-page handoff summary.

    \b
    Start here:
      pilotlint check               lint the repository's pilots
      pilotlint explain PL302       why a rule exists and how to fix it
      pilotlint summary PILOT       the handoff summary in Markdown

    Exit codes: 0 no error finding (gate passes), 1 error findings (gate blocked),
    2 usage, configuration or environment error.
    """
    ctx.ensure_object(dict)
    ctx.obj["config_file"] = config_file
