"""Where the data that ships with pilotlint lives: schemas, the rule catalogue, templates,
the sample repository.

In an installed wheel `schemas/`, `rules/` and `examples/` are mapped into the package
(`pilotlint/schemas`, `pilotlint/catalogue`, `pilotlint/sample`); in a source checkout
they sit beside it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    installed = {"schemas": "schemas", "rules": "catalogue", "templates": "templates", "examples": "sample"}[name]
    for candidate in (_PACKAGE / installed, _PACKAGE.parent / name):
        if candidate.is_dir() and any(candidate.iterdir()):
            return candidate
    raise FileNotFoundError(f"pilotlint's {name}/ data is missing from this installation")
