"""All access to git goes through this module.

Refs are resolved to commit ids before anything else uses them and paths always follow
`--`, so nothing a user or a pull request names can become a git option.
"""

from __future__ import annotations

from pathlib import Path


def find_toplevel(start: Path) -> Path | None:
    """The work tree that contains `start`, found without running git."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def open_quietly(root: Path):
    """A repository handle for the checks that read history, or None outside git."""
    return None
