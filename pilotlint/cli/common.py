"""What the commands share: dates, configuration discovery, output, errors.

Nothing here imports click at module level: `pilotlint check` in a pre-commit hook runs
without it (pilotlint/cli/fast.py), and every command shares these functions."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from pilotlint.documents.config import Config, ConfigError, escape, find_config, load_config


class UsageFailure(Exception):
    """Configuration or environment error: exit code 2 with a one-line message
    (`pilotlint.cli.main` shows it)."""

    exit_code = 2

    def format_message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def show(self, file=None) -> None:
        # one line, control characters shown: a message that quotes a file or a key cannot
        # start a workflow command (`::error`) on a line of its own in a CI log
        (file or sys.stderr).write(f"pilotlint: error: {escape(self.format_message())}\n")


def parse_today(_ctx, _param, value) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        import click

        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


def today_option(func):
    import click

    return click.option("--today", callback=parse_today, metavar="YYYY-MM-DD",
                        help="Judge dates as of this day (default: today), for reproducible results.")(func)


def split_ids(values) -> list[str]:
    return [part.strip().upper() for value in values or () for part in value.split(",") if part.strip()]


def discover(ctx, start: Path) -> tuple[Path | None, Path]:
    """The configuration file (from --config or found upwards) and the workspace root.

    The root is the git work tree when the configuration lies inside one (paths in the
    output are then relative to the repository, as GitHub expects), else the
    configuration's folder, else the folder of what is checked.
    """
    from pilotlint.history.git import find_toplevel

    explicit = (ctx.find_root().obj or {}).get("config_file") if ctx is not None else None
    path = Path(explicit) if explicit else find_config(start)
    if explicit and not (path.is_file() or path.is_symlink()):
        raise UsageFailure(str(ConfigError("no such configuration file", explicit)))
    try:
        anchor = path.absolute().parent if path else (start if start.is_dir() else start.parent).resolve()
    except (OSError, RuntimeError):
        anchor = Path.cwd()
    top = find_toplevel(anchor)
    root = top if top is not None else anchor
    return path, root.resolve()


def open_workspace(ctx, start: Path, today: date, *, use_git: bool = True):
    """A workspace over the work tree that holds `start`: the configuration (a link there
    is PL013, never followed), the document source and, inside git, the history facts.

    Not scanned yet: the caller scans the configured paths or its own targets."""
    from pilotlint.documents.source import FILE, WorkTree, not_a_file_message
    from pilotlint.documents.workspace import Workspace
    from pilotlint.findings import Finding

    path, root = discover(ctx, start)
    source = WorkTree(root)
    rel = None
    problems = []
    if path is not None:
        try:
            rel = path.absolute().parent.resolve().joinpath(path.name).relative_to(root).as_posix()
        except ValueError:
            raise UsageFailure(f"the configuration {path} is outside the repository {root}") from None
        entry = source.entry(rel)
        if entry is not None and entry.type != FILE:
            problems.append(Finding("PL013", "error", rel, 1, 1, None, not_a_file_message(entry.type) +
                                    "; the defaults are used instead"))
            rel = None
    try:
        config = load_config(source, rel)
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None
    history = None
    if use_git:
        history = _history(root, config)
    ws = Workspace(source, config, today, history=history)
    ws.problems.extend(problems)
    if "<fill" in str(config.data or ""):
        from pilotlint.rules.placeholders import config_placeholders

        ws.problems.extend(config_placeholders(config))
    ws.root = root
    return ws


def _history(root: Path, config: Config):
    from pilotlint.history.facts import History
    from pilotlint.history.git import GitError, open_quietly

    repo = open_quietly(root)
    if repo is None:
        return None
    try:
        return History(repo, repo.head(), config.prefixes())
    except GitError:
        return None


def write_output(text: str, output: str | None) -> None:
    """The command's report: to stdout, or to the file `--output` names (never through a link)."""
    from pilotlint.documents.write import WriteError, report

    # a lone surrogate (a file name that is not UTF-8) would stop the write half-way
    text = text.encode("utf-8", "replace").decode("utf-8")
    if output:
        try:
            report(output, text)
        except WriteError as exc:
            raise UsageFailure(str(exc)) from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def append_output(text: str, path: str) -> None:
    """Append to a file such as $GITHUB_STEP_SUMMARY (never through a link)."""
    from pilotlint.documents.write import WriteError, report

    try:
        report(path, text.encode("utf-8", "replace").decode("utf-8"), append=True)
    except WriteError as exc:
        raise UsageFailure(str(exc)) from None


def default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def use_color(output: str | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
