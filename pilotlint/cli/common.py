"""What the commands share: dates, configuration discovery, output, errors."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from pilotlint.documents.config import Config, ConfigError, find_config, load_config


class UsageFailure(click.ClickException):
    """Configuration or environment error: exit code 2 with a one-line message."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"pilotlint: error: {self.format_message()}", err=True)


def parse_today(_ctx, _param, value) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


today_option = click.option("--today", callback=parse_today, metavar="YYYY-MM-DD",
                            help="Judge dates as of this day (default: today), for reproducible results.")


def split_ids(values) -> list[str]:
    return [part.strip().upper() for value in values or () for part in value.split(",") if part.strip()]


def discover(ctx: click.Context, start: Path) -> tuple[Config, Path]:
    """The configuration (from --config or found upwards) and the workspace root.

    The root is the git work tree when the configuration lies inside one (paths in the
    output are then relative to the repository, as GitHub expects), else the
    configuration's folder, else the current directory.
    """
    from pilotlint.history.git import find_toplevel

    explicit = (ctx.find_root().obj or {}).get("config_file")
    try:
        path = Path(explicit) if explicit else find_config(start)
        if explicit and not path.is_file():
            raise ConfigError("no such configuration file", explicit)
        config = load_config(path)
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None
    anchor = config.directory or (start if start.is_dir() else start.parent)
    top = find_toplevel(anchor)
    root = top if top is not None else (config.directory or Path.cwd())
    return config, root.resolve()


def write_output(text: str, output: str | None) -> None:
    # a lone surrogate (a file name that is not UTF-8) would stop the write half-way
    text = text.encode("utf-8", "replace").decode("utf-8")
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageFailure(f"cannot write {output}: {exc.strerror}") from None
    else:
        click.echo(text, nl=False)


def default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def use_color(output: str | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
