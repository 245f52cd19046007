"""The vocabularies of the document formats, read from the schemas (their single source).

Rules, the semantic diff, the summary and the scaffolding all name authorities, budget
components, review levels and kinds; they take them from here, so a value added to a
schema reaches every reader at once. Orders matter where the schema lists values from
least to most (human review, data access, classification): the expansion table compares
ranks in that order.
"""

from __future__ import annotations

from functools import cache

API_VERSION = "pilotlint/v1"
# The kinds a pilot document may have (Config and Policy are not pilot documents).
PILOT_KINDS = ("Charter", "WeeklyNote", "RollbackPlan", "Approval")
KINDS = (*PILOT_KINDS, "Config", "Policy")
YAML_SUFFIXES = (".yaml", ".yml")

# The gated fields of a charter: a change to any of them needs the owner's approval, and an
# approval covers exactly these (its `covers:` hash). The brakes are gated as well as the
# scope: oversight, the uses ruled out, the prompts, the incident response, the freezes.
GATED_FIELDS = ("owner", "authority", "oversight", "use_case", "out_of_scope", "scope", "vendors", "data_access",
                "prompts", "budget", "scorecard", "stop_rules", "freeze", "incident", "status")
# What may not change while a freeze window is on.
FREEZE_FIELDS = ("use_case", "scope", "vendors", "data_access")


def _charter() -> dict:
    from pilotlint.documents.schema import schema_for

    return schema_for("Charter")


def _node(*path: str) -> dict:
    """The schema node at `path`, following local `$ref`s."""
    root = _charter()
    node = root
    for step in (*path, None):
        while "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
        if step is not None:
            node = node[step]
    return node


def _enum(*path: str) -> tuple[str, ...]:
    return tuple(_node(*path)["enum"])


@cache
def authorities() -> tuple[str, ...]:
    """The owner's five powers, in the schema's order."""
    return _enum("properties", "authority", "items")


@cache
def statuses() -> tuple[str, ...]:
    return _enum("properties", "status")


@cache
def budget_components() -> tuple[str, ...]:
    """The components the one monthly cap must include (the schema names them)."""
    return tuple(_node("properties", "budget", "properties", "components", "properties"))


@cache
def human_review_levels() -> tuple[str, ...]:
    """From the strictest to the loosest: `required`, `sampled`, `none`."""
    return _enum("properties", "scope", "properties", "human_review")


@cache
def access_levels() -> tuple[str, ...]:
    """From the narrowest to the widest: `read`, `write`."""
    return _enum("properties", "data_access", "items", "properties", "access")


@cache
def classifications() -> tuple[str, ...]:
    """From the least to the most sensitive: `public`, `internal`, `customer`, `personal`."""
    return _enum("properties", "data_access", "items", "properties", "classification")


def rank(levels: tuple[str, ...]) -> dict[str, int]:
    return {level: index for index, level in enumerate(levels)}
