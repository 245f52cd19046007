"""The command line: thin. Each command lives in `pilotlint/cli/` and is imported only
when it runs, so that `pilotlint check` in a pre-commit hook starts fast; the hook's own
form, `pilotlint check [simple options] -- FILES`, runs without click at all
(`pilotlint.cli.fast`), and everything else goes through the click application
(`pilotlint.cli.app`)."""

from __future__ import annotations

import os
import sys

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


def main() -> None:
    from pilotlint.cli.common import UsageFailure

    try:
        code = None
        if sys.argv[1:2] == ["check"] and not os.environ.get("PILOTLINT_NO_FAST_PATH"):
            from pilotlint.cli.fast import fast_check

            code = fast_check(sys.argv[2:])
        if code is not None:
            sys.stdout.flush()
            sys.exit(code)
        from pilotlint.cli.app import cli

        cli.main(prog_name="pilotlint")
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        raise
    except UsageFailure as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug: say so plainly instead of a traceback
        if os.environ.get("PILOTLINT_DEBUG"):
            raise
        sys.stderr.write(f"pilotlint: internal error: {type(exc).__name__}: {exc}\n"
                         "This is a bug in pilotlint; rerun with PILOTLINT_DEBUG=1 for details and report it.\n")
        sys.exit(2)


def __getattr__(name: str):
    if name == "cli":  # the click group, for tests and tools that import it
        from pilotlint.cli.app import cli

        return cli
    raise AttributeError(name)
