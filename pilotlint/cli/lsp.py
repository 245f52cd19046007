"""`pilotlint lsp`: start the language server on stdio (needs the `lsp` extra).

pygls is imported here only, when the command runs: `check` never pays for it.
"""

from __future__ import annotations

import importlib.util

import click

from pilotlint.cli.common import UsageFailure, parse_today


def _today(ctx, param, value):
    return None if value is None else parse_today(ctx, param, value)


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default and only transport).")
@click.option("--today", callback=_today, metavar="YYYY-MM-DD",
              help="Judge dates as of this day (default: each check's own today), for reproducible results.")
def lsp_command(stdio, today):
    """The language server: every pilotlint finding as you type, on stdio.

    Publishes each finding of an open document (schema and governance rules, with the
    pilot's other documents and the config read from disk) on open, change and save,
    at the node it is about, with the rule id as the code; hover shows the field's
    description and `pilotlint explain` of a finding; completion offers the config's
    person ids, the scorecard's metric ids and a field's allowed values; code actions add
    a missing key's scaffold or a suppression comment with a reason to fill in. The server
    never writes a file. Setup for Neovim, Helix, Emacs and VS Code: docs/editors.md.
    """
    if importlib.util.find_spec("pygls") is None:
        raise UsageFailure("`pilotlint lsp` needs pygls, which is not installed; install the extra: "
                           "pip install 'pilotlint[lsp]'")
    from pilotlint.lsp.server import serve

    serve(today)
