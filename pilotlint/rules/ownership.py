"""PL1xx: one accountable owner with the authority to act, and the people around them."""

from __future__ import annotations

import re

from pilotlint.documents.values import is_number
from pilotlint.documents.values import text as person_text  # a single non-empty person id
from pilotlint.rules import Hit, rule
from pilotlint.documents.model import Pilot
from pilotlint.documents.workspace import Workspace

AUTHORITIES = {
    "approve_vendors": "approve vendors",
    "pause": "pause the rollout",
    "define_metrics": "define the success metrics",
    "reject_scope": "reject new scope",
    "own_budget": "own the budget",
}
REVIEWERS = {
    "product": "checks that the pilot solves a real user problem",
    "finance": "reviews spend and expected return",
    "legal": "checks data use, customer terms and internal policy",
}
# Words that name a group rather than a person: `sales-team`, `ai-committee`, `ops board`.
_GROUP = re.compile(r"(?:^|[\s_.-])(?:teams?|committee|board|group|council|squad|dept|department|"
                    r"everyone|all|staff|steering)(?:$|[\s_.-])", re.I)
_SEVERAL = re.compile(r"[,;/&+]|\s(?:and|or|und)\s", re.I)


def names(value) -> str:
    """A list of values as readable text for a message."""
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def charter_owner(pilot: Pilot, ws: Workspace) -> str | None:
    """The owner's id when the charter names exactly one person; None otherwise (PL101 says why).

    Rules that compare approvers with the owner stay quiet when there is no such person,
    so that one wrong owner is one finding and not one per vendor and change.
    """
    charter = pilot.charter
    owner = person_text(charter.get("owner")) if charter else None
    if owner is None or _SEVERAL.search(owner):
        return None
    if ws.config.knows_people():
        return owner if owner in ws.config.people else None
    return None if _is_group(owner, charter) else owner


@rule("PL101")
def single_owner(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None:
        return
    owner = charter.get("owner")
    example = "`owner: oleg` (a person id from `people:` in .pilotlint.yaml)"
    if owner is None:
        yield Hit(charter, ("owner",), f"the charter names no owner: add {example}, the one person who can "
                  "approve vendors, pause the pilot, define its metrics, reject new scope and owns its budget")
    elif isinstance(owner, list):
        many = f"{len(owner)} owners ({names(owner)})" if owner else "an empty list as owner"
        yield Hit(charter, ("owner",), f"the charter gives {many}; name exactly one person instead, e.g. "
                  f"{example} — shared ownership means nobody can make the final call. Others can be "
                  "reviewers (`reviewers:`) or keep oversight (`oversight:`)")
    elif not isinstance(owner, str) or not owner.strip():
        yield Hit(charter, ("owner",), f"`owner` must be one person id, not {_shape(owner)}; write {example}")
    elif _SEVERAL.search(owner):
        yield Hit(charter, ("owner",), f"`owner: {owner}` names more than one person; keep exactly one "
                  f"accountable owner, e.g. {example}, and list the others as reviewers")
    elif owner not in ws.config.people and _is_group(owner, charter):
        yield Hit(charter, ("owner",), f"`owner: {owner}` names a team or group, not a person; a pilot owned by "
                  f"a team is owned by nobody. Name one person, e.g. {example}")


def _is_group(owner: str, charter) -> bool:
    scope = charter.get("scope")
    teams = scope.get("teams") if isinstance(scope, dict) else None
    return bool(_GROUP.search(owner)) or (isinstance(teams, list) and owner in teams)


def _shape(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return "empty" if value is None or value == "" else f"`{value}`"


@rule("PL102")
def owner_authority(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None:
        return
    authority = charter.get("authority")
    full = f"`authority: [{', '.join(AUTHORITIES)}]`"
    if authority is None:
        yield Hit(charter, ("authority",), f"the charter does not say what the owner may decide: add {full} — "
                  "one person must be able to approve vendors, pause the rollout, define the metrics, reject "
                  "new scope and own the budget, in writing")
        return
    if not isinstance(authority, list):
        yield Hit(charter, ("authority",), f"`authority` should be a list of the owner's powers, e.g. {full}")
        return
    held = {a for a in authority if isinstance(a, str)}
    missing = [key for key in AUTHORITIES if key not in held]
    if missing:
        words = "; ".join(f"`{key}` ({AUTHORITIES[key]})" for key in missing)
        yield Hit(charter, ("authority",), f"the owner lacks {words}; add {'it' if len(missing) == 1 else 'them'} "
                  "to `authority` — if the owner cannot make these calls alone, the loudest person in the room "
                  "ends up running the pilot")


@rule("PL103")
def overage_approver(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None:
        return
    budget = charter.get("budget")
    example = "`overage: {approver: maria, limit: 500}`"
    if not isinstance(budget, dict):
        return  # PL401 reports a missing budget
    overage = budget.get("overage")
    if not isinstance(overage, dict):
        what = "no overage rule" if overage is None else "an overage rule that is not a mapping"
        yield Hit(charter, ("budget", "overage") if overage is not None else ("budget",),
                  f"the budget has {what}: add {example} under `budget` — one named person may approve a small "
                  "overage up to a written limit, and anything above it goes to the owner in writing")
        return
    approver = overage.get("approver")
    if isinstance(approver, list):
        yield Hit(charter, ("budget", "overage", "approver"), f"the overage has {len(approver)} approvers "
                  f"({names(approver)}); name one person, e.g. `approver: maria` — when several people can "
                  "say yes, nobody feels the cost")
    elif person_text(approver) is None:
        yield Hit(charter, ("budget", "overage", "approver") if "approver" in overage else ("budget", "overage"),
                  f"the overage names no approver: add `approver:` with one person id, e.g. {example}")
    limit = overage.get("limit")
    if not is_number(limit):
        yield Hit(charter, ("budget", "overage", "limit") if "limit" in overage else ("budget", "overage"),
                  "the overage approver has no numeric limit: add `limit:` with the largest amount above the "
                  f"cap they may approve in a month, e.g. {example}")


@rule("PL104")
def reviewers(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None:
        return
    found = charter.get("reviewers")
    example = "`reviewers: {product: maria, finance: tom, legal: lena}`"
    if not isinstance(found, dict):
        what = "names no reviewers" if found is None else "gives `reviewers` as something other than a mapping"
        yield Hit(charter, ("reviewers",), f"the charter {what}: write {example} — product, finance and legal "
                  "should hear about the pilot before tools or data are in use, not after")
        return
    for role, why in REVIEWERS.items():
        value = found.get(role)
        if isinstance(value, list):
            yield Hit(charter, ("reviewers", role), f"`reviewers.{role}` lists {names(value)}; name one person "
                      f"who {why}")
        elif person_text(value) is None:
            yield Hit(charter, ("reviewers", role) if role in found else ("reviewers",),
                      f"no {role} reviewer: add `{role}:` with a person id to `reviewers` — the {role} reviewer "
                      f"{why}")


@rule("PL105")
def vendor_approval(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    owner = charter_owner(pilot, ws)
    vendors = charter.get("vendors") if charter else None
    if owner is None or not isinstance(vendors, list):
        return
    for index, vendor in enumerate(vendors):
        if not isinstance(vendor, dict):
            continue
        name = vendor.get("name") if isinstance(vendor.get("name"), str) else f"#{index + 1}"
        approved = vendor.get("approved_by")
        if approved is None:
            yield Hit(charter, ("vendors", index), f"vendor {name} has no `approved_by`; the owner chooses "
                      f"vendors: add `approved_by: {owner}` once {owner} has approved it")
        elif approved != owner:
            yield Hit(charter, ("vendors", index, "approved_by"), f"vendor {name} is approved by `{names(approved)}`, "
                      f"not by the owner `{owner}`; vendor choice shapes cost and risk, so the owner approves it: "
                      f"get {owner}'s approval and write `approved_by: {owner}`")

