"""`pilotlint check` as a pre-commit hook runs it, without importing click.

A hook runs many times a day, and importing click costs it about a fifth of its time. The
command lines hooks use (`pilotlint check [--no-git] [--strict] [--today DAY] ... --
FILES`) are read here; anything else, or anything unusual about these (a value that does
not parse, `--help`, an option this reader does not know), returns None and goes to the
click application, which then explains it. Both paths run the same `run_check`, and a test
compares their output for every option this reader knows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pilotlint.report import FORMATS

FLAGS = {"--no-git": "no_git", "--strict": "strict", "--show-suppressed": "show_suppressed"}
VALUES = {"--today": "today", "--format": "fmt", "--fail-on": "fail_on", "--output": "output", "-o": "output"}
LISTS = {"--select": "select", "--ignore": "ignore"}
CHOICES = {"fmt": FORMATS, "fail_on": ("error", "warning")}


def parse(args: list[str]) -> dict | None:
    """The keyword arguments of `run_check` for these arguments, or None (click decides)."""
    options: dict = {"paths": []}
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            options["paths"].extend(Path(a) for a in args[index:])
            break
        if not arg.startswith("-") or arg == "-":
            options["paths"].append(Path(arg))
            continue
        name, eq, inline = arg.partition("=")
        if name in FLAGS and not eq:
            options[FLAGS[name]] = True
            continue
        if name in VALUES or name in LISTS:
            if not eq:
                if index >= len(args):
                    return None
                inline = args[index]
                index += 1
            if name in LISTS:
                options.setdefault(LISTS[name], []).append(inline)
                continue
            key = VALUES[name]
            if key in options and key != "output":
                return None  # given twice: let click say what it does with that
            if key in CHOICES and inline not in CHOICES[key]:
                return None
            if key == "today":
                try:
                    options[key] = date.fromisoformat(inline)
                except ValueError:
                    return None
                continue
            options[key] = inline
            continue
        return None
    return options


def fast_check(args: list[str]) -> int | None:
    """Run `check` for these arguments and return its exit code, or None for click."""
    options = parse(args)
    if options is None:
        return None
    from pilotlint.cli.check import run_check

    return run_check(None, options.pop("paths"), **options)
