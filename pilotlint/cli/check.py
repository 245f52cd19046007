"""`pilotlint check [PATH...]`

`run_check` is the command; `check_command`, its click form, is built when the command
line asks for it (a module `__getattr__`), so that the pre-commit hook's plain
`pilotlint check -- FILES` (pilotlint/cli/fast.py) runs without importing click.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from pilotlint.cli.common import (UsageFailure, default_format, open_workspace, split_ids, use_color,
                                  write_output)
from pilotlint.report import FORMATS

HELP = """Lint pilot documents: files or directories (default: the configured paths).

A file is checked with its pilot: its charter, rollback plan and other notes are read
too. Inside a git repository the history is read as well: the approvals' commits
(PL901, PL902) and commits made during a scope freeze (PL202). Outside a repository,
or with --no-git, those checks are skipped, because an approval proven by the author
of its commit cannot be seen without history; a signed approval still verifies.

Exits 0 when there is no error finding, 1 when there is, 2 on a usage or
configuration error. Pre-commit passes file names after `--`, so a file named
`--x.yaml` is read as a file."""

NO_GIT_HELP = ("Do not read git history: no PL901 and no PL202 from history; PL902 only for what "
               "needs no history (a person without the authority, a signature that does not verify).")


def report_options(func):
    """Options shared by `check` and `gate`."""
    import click

    from pilotlint.cli.common import today_option

    for option in reversed([
        click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                     help="Output format (default: text; github when GITHUB_ACTIONS=true)."),
        click.option("--output", "-o", metavar="FILE", help="Write the report to FILE instead of stdout."),
        click.option("--select", multiple=True, metavar="IDS", help="Only these rule ids or prefixes (PL3,PL401)."),
        click.option("--ignore", multiple=True, metavar="IDS", help="Skip these rule ids or prefixes."),
        click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
                     help="Lowest severity that makes the run fail."),
        click.option("--strict", is_flag=True, help="Same as --fail-on warning."),
        click.option("--show-suppressed", is_flag=True, help="Also list findings silenced inline, with reasons."),
        today_option,
    ]):
        func = option(func)
    return func


def run_check(ctx, paths: list[Path], *, fmt: str | None = None, output: str | None = None, select=(),
              ignore=(), fail_on: str = "error", strict: bool = False, show_suppressed: bool = False,
              today: date | None = None, new_since: str | None = None, no_git: bool = False) -> int:
    """Check, report, and return the exit code. `ctx` is click's context (for the global
    --config), or None."""
    from pilotlint.documents.config import ConfigError
    from pilotlint.engine import run
    from pilotlint.findings import Report
    from pilotlint.report import render

    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise UsageFailure(f"{path}: no such file or directory")
    start = paths[0] if paths else Path.cwd()
    ws = open_workspace(ctx, start, today or date.today(), use_git=not no_git)
    try:
        if paths:
            scan_targets(ws, list(paths))
        else:
            ws.scan()
        result = run(ws, select=split_ids(select), ignore=split_ids(ignore))
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None
    findings = result.findings
    if new_since:
        from pilotlint.history.newsince import only_new

        findings = only_new(findings, ws, new_since, list(paths), split_ids(select), split_ids(ignore))
    report = Report("check", findings, result.suppressed, result.files, fail_on="warning" if strict else fail_on)
    report.show_suppressed = show_suppressed
    fmt = fmt or default_format()
    write_output(render(fmt, report, color=use_color(output) and fmt == "text"), output)
    return 1 if report.failed else 0


def _build_command():
    import click

    @click.command("check", help=HELP)
    @click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
    @report_options
    @click.option("--new-since", metavar="REF", help="Report only findings that REF did not already have.")
    @click.option("--no-git", is_flag=True, help=NO_GIT_HELP)
    @click.pass_context
    def check_command(ctx, paths, fmt, output, select, ignore, fail_on, strict, show_suppressed, today,
                      new_since, no_git):
        ctx.exit(run_check(ctx, list(paths), fmt=fmt, output=output, select=select, ignore=ignore,
                           fail_on=fail_on, strict=strict, show_suppressed=show_suppressed, today=today,
                           new_since=new_since, no_git=no_git))

    return check_command


def __getattr__(name: str):
    if name == "check_command":
        command = _build_command()
        globals()["check_command"] = command
        return command
    raise AttributeError(name)


def target_paths(ws, paths: list[Path]) -> list[str]:
    """The checked paths as repository paths (a link stays a link: only its folder is resolved)."""
    out = []
    for path in paths:
        absolute = Path(os.path.abspath(path))
        try:
            rel = absolute.parent.resolve().joinpath(absolute.name).relative_to(ws.root)
        except (ValueError, OSError, RuntimeError):
            raise UsageFailure(f"{path} is outside the repository {ws.root}; run pilotlint from inside it") from None
        out.append(rel.as_posix() if rel.as_posix() != "." else ".")
    return out


def scan_targets(ws, paths: list[Path]) -> None:
    try:
        ws.scan_targets(target_paths(ws, paths))
    except KeyError as exc:
        raise UsageFailure(f"{exc.args[0]}: no such file or directory") from None
