"""The rule registry: a rule is one small function registered under its id with `@rule`.

Its words (name, severity, principle, fix, examples) live in `catalogue/` as data. Three
scopes, one mechanism:

- `pilot`: `func(pilot, ws)` for each pilot of the workspace;
- `range`: `func(delta, rng)` for each pilot a pull request touches (`gate` only): the
  pilot at base and at head and the changes between them (`pilotlint.history.range`);
- `config`: `func(rng)` once per pull request (`gate` only), for the configuration.

A rule yields `Hit`s; the engine (`pilotlint.engine`) locates them, applies severities,
the configuration, suppressions and the selection, the same way for every scope.
"""

from __future__ import annotations

import importlib
from typing import Callable, NamedTuple

# Rule families, imported when a check runs (each registers its rules on import).
RULE_MODULES = (
    "pilotlint.rules.documents",
    "pilotlint.rules.placeholders",
    "pilotlint.rules.ownership",
    "pilotlint.rules.scope",
    "pilotlint.rules.budget",
    "pilotlint.rules.notes",
    "pilotlint.rules.rollback",
    "pilotlint.rules.scorecard",
    "pilotlint.rules.timeline",
    "pilotlint.rules.history",
    "pilotlint.rules.approvals",
    "pilotlint.rules.gate",
)


class Hit(NamedTuple):
    """What a rule yields: a document, the path of the node it is about, and the message."""

    doc: object                   # a pilotlint.documents.model.Document
    path: tuple
    message: str
    key: bool = False            # point at the mapping key rather than its value
    severity: str | None = None  # when the rule's catalogue severity does not apply


class Rule(NamedTuple):
    id: str
    func: Callable
    scope: str  # "pilot" | "range" | "config"


# One id may have a function per scope (PL901 judges a pilot in `check` and a pull
# request's pilot in `gate`): one catalogue entry, one severity, one selection.
REGISTRY: dict[str, list[Rule]] = {}


def rule(rule_id: str, scope: str = "pilot"):
    if scope not in ("pilot", "range", "config"):
        raise ValueError(f"unknown rule scope {scope!r}")

    def register(func):
        entries = REGISTRY.setdefault(rule_id, [])
        entries[:] = [r for r in entries if r.scope != scope] + [Rule(rule_id, func, scope)]
        return func
    return register


def load_rules() -> dict[str, list[Rule]]:
    for module in RULE_MODULES:
        importlib.import_module(module)
    return REGISTRY
