"""PL009: values still to be filled in (`pilotlint init` and `pilotlint note` write them).

A placeholder is a text value containing `<fill: what to write>`, for example
`owner: "<fill: person id of the one accountable owner>"` or, where a number is expected,
`monthly_cap: "<fill: monthly cap, all costs included>"`. It is valid YAML wherever a
value may stand (the quotes are needed: a bare `<fill: x>` holds `: `), so the scaffold
loads and every placeholder is named by this rule at its own line and column.

A finding of another rule at the very node of a placeholder (the schema saying the cap
"should be a number", PL005 saying the owner "is not a person") says nothing the
placeholder finding does not already say, so `mask()` drops it while that PL009 finding
is in force. Unsuppressible rules (PL8xx and PL9xx by default) are never masked, and
nothing is masked when PL009 is switched off or silenced, so a placeholder can never
hide a problem: it is always an error itself.
"""

from __future__ import annotations

import re

from pilotlint.documents.config import rule_matches
from pilotlint.rules import Hit, rule
from pilotlint.documents.model import Pilot
from pilotlint.documents.workspace import Workspace
from pilotlint.documents.schema import field_path

MARKER = re.compile(r"<fill(?::[^<>\n]*)?>")
PREFIX = "<fill: "


def placeholder(what: str) -> str:
    """The marker text for a value a person must write: `<fill: what>`."""
    return f"<fill: {what}>"


def iter_placeholders(data, path: tuple = ()):
    """Yield (path, text) for every text value holding a placeholder marker."""
    if isinstance(data, str):
        if "<fill" in data and MARKER.search(data):
            yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from iter_placeholders(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from iter_placeholders(value, path + (index,))




@rule("PL009")
def unfilled_placeholder(pilot: Pilot, ws: Workspace):
    # A proposed pilot is asked first for what a proposed pilot needs: its charter. The
    # rollback plan and notes `init` writes are to be filled in before it goes active;
    # until then their markers are infos, and errors from the day its status moves on.
    later = pilot.status in (None, "proposed") and pilot.charter is not None
    for doc in pilot.documents:
        if not doc.placeholders:  # one substring search at read time spares walking every value
            continue
        info = later and doc.kind in ("RollbackPlan", "WeeklyNote")
        for path, text in iter_placeholders(doc.data):
            what = MARKER.search(text).group()[len("<fill"):-1].lstrip(":").strip()
            yield Hit(doc, path, f"`{field_path(path)}` is still to be filled in: {what or 'its value'} "
                      "(replace the quoted `<fill: ...>` marker" + ("; needed before the pilot goes active)"
                                                                    if info else ")"),
                      severity="info" if info else None)


def mask(findings: list, docs=(), unsuppressible=("PL8", "PL9")) -> list:
    """Drop the findings of other rules that are only about a value still to be filled in.

    That is a finding located exactly at a placeholder PL009 reports, or located at the
    mapping that holds placeholders when its message names one of them (`month_to_date`:
    "the spend report lacks `month_to_date:`"). Unsuppressible rules are never dropped.
    """
    spots = {(f.path, f.line, f.column) for f in findings if f.rule == "PL009"}
    if not spots:
        return findings
    parents: dict[tuple, set[str]] = {}
    for doc in docs:
        if not doc.placeholders:
            continue
        for path, _text in iter_placeholders(doc.data):
            if not path or not isinstance(path[-1], str):
                continue
            line, column = doc.at(path)
            if (doc.shown, line, column) not in spots:
                continue  # its PL009 finding is not in force: nothing to stand in for
            parent_line, parent_column = doc.at(path[:-1])
            parents.setdefault((doc.shown, parent_line, parent_column), set()).add(path[-1])

    def about_placeholder(f) -> bool:
        where = (f.path, f.line, f.column)
        if where in spots:
            return True
        keys = parents.get(where)
        return bool(keys) and any(f"`{key}" in f.message for key in keys)

    return [f for f in findings if f.rule == "PL009" or rule_matches(f.rule, unsuppressible)
            or not about_placeholder(f)]


def config_placeholders(config) -> list:
    """PL009 for the configuration itself (`init` writes a starter one with markers)."""
    from pilotlint.documents.load import locate
    from pilotlint.documents.source import display
    from pilotlint.findings import Finding

    if config.rel is None or not isinstance(config.data, dict):
        return []
    out = []
    for path, text in iter_placeholders(config.data):
        what = MARKER.search(text).group()[len("<fill"):-1].lstrip(":").strip()
        line, column = locate(config.data, path)
        out.append(Finding("PL009", "error", display(config.rel), line, column, None,
                           f"`{field_path(path)}` is still to be filled in: {what or 'its value'} "
                           "(replace the quoted `<fill: ...>` marker)"))
    return out
