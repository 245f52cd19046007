"""The command line: thin. Each command lives in `pilotlint/cli/` and is imported only
when it runs, so that `pilotlint check` in a pre-commit hook starts fast."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

# name -> (module, short help shown by `pilotlint --help` without importing the module)
COMMANDS = {
    "check": ("pilotlint.cli.check", "Lint pilot documents (default: the configured paths)."),
    "gate": ("pilotlint.cli.gate", "The expansion gate for a pull request (base..head)."),
    "diff": ("pilotlint.cli.diff", "Semantic diff of every pilot between two refs."),
    "log": ("pilotlint.cli.log", "The decision log from git history."),
    "summary": ("pilotlint.cli.summary", "The one-page Markdown handoff summary of a pilot."),
    "status": ("pilotlint.cli.status", "One line per pilot: status, owner, verdict, spend, review."),
    "site": ("pilotlint.cli.site", "A static HTML site of every pilot: portfolio, one-pagers, charts."),
    "approve": ("pilotlint.cli.approve", "Write an Approval for a charter (or the config) as it stands."),
    "init": ("pilotlint.cli.scaffold", "Create a new pilot: charter, rollback plan, first note."),
    "note": ("pilotlint.cli.scaffold", "Create this week's note for a pilot."),
    "rules": ("pilotlint.cli.catalogue", "List the rule catalogue."),
    "explain": ("pilotlint.cli.catalogue", "Explain one rule: principle, fix, examples."),
    "schema": ("pilotlint.cli.catalogue", "Print the JSON Schema of a document kind."),
    "demo": ("pilotlint.cli.demo", "Make the sample a git repository of its own, its story as history."),
    "editor": ("pilotlint.cli.editor", "Set up editors: schemas and their mapping, offline."),
    "lsp": ("pilotlint.cli.lsp", "The language server (stdio): every finding as you type."),
}


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


def main() -> None:
    try:
        cli.main(prog_name="pilotlint")
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a bug: say so plainly instead of a traceback
        if os.environ.get("PILOTLINT_DEBUG"):
            raise
        click.echo(f"pilotlint: internal error: {type(exc).__name__}: {exc}\n"
                   "This is a bug in pilotlint; rerun with PILOTLINT_DEBUG=1 for details and report it.",
                   err=True)
        sys.exit(2)
