"""Where the data that ships with pilotlint lives: schemas, the rule catalogue, templates.

In an installed wheel `schemas/`, `catalogue/` and the sample repository `examples/` are
mapped into the package (`pilotlint/data/schemas`, `pilotlint/data/catalogue`,
`pilotlint/data/sample`); in a source checkout they sit beside it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    installed = {"schemas": "data/schemas", "catalogue": "data/catalogue", "templates": "templates",
                 "examples": "data/sample"}[name]
    for candidate in (_PACKAGE / installed, _PACKAGE.parent / name):
        if candidate.is_dir() and any(candidate.iterdir()):
            return candidate
    raise FileNotFoundError(f"pilotlint's {name}/ data is missing from this installation")
