"""PL901/PL902: is the charter as it stands approved, and do its approvals hold up?

One judgement (`pilotlint.history.approvals`), two sources of decisions:

- in `check`, every approval in the tree, each with the commit that added it (from the
  workspace's one pass over history): its author proves who approved, as a signature
  does. Without git (`--no-git`, or no repository) the adding commit cannot be seen, so
  PL901 is not checked and PL902 reports only what needs no history (a person without the
  authority, a signature that does not verify);
- in `gate`, the approvals added in the range (those already in the base cover nothing
  new), judged against the range's pilot as the base knows it (`pilotlint.history.range`).
"""

from __future__ import annotations

from typing import NamedTuple


from pilotlint.documents.model import Document, Pilot
from pilotlint.documents.values import text
from pilotlint.documents.workspace import Workspace
from pilotlint.history import approvals as appr
from pilotlint.rules import Hit, rule

_NEWEST = 10 ** 9  # sequences: committed approvals by the age of their commit, uncommitted ones newest


class Book(NamedTuple):
    """The decisions on one pilot's charter in `check`, and who may decide."""

    decisions: list[appr.Decision]
    allowed: set
    expected: str
    who: str


def _how(pilot_id: str, owner: str | None, ws: Workspace) -> str:
    """What to run: only ever with a person id the configuration knows."""
    signed = ws.config.gate.get("require_signed")
    sign = "with --sign KEYFILE (gate.require_signed is on)" if signed else "(or sign it with --sign KEYFILE)"
    if owner and "<fill" in owner:
        return "fill in `owner:` first; then the owner approves with `pilotlint approve PILOT --as OWNER`"
    if owner and ws.config.knows_people() and owner in ws.config.people:
        return f"run `pilotlint approve {pilot_id} --as {owner}` and commit the file as {owner} {sign}"
    if owner and ws.config.knows_people():
        return (f"the charter's owner `{owner}` is not a person in {ws.config.rel} (`people:`); fix `owner:` "
                "first, then the owner approves with `pilotlint approve`")
    return "the owner approves with `pilotlint approve PILOT --as OWNER` (OWNER: the owner's id in `people:`)"


def _book(pilot: Pilot, ws: Workspace) -> Book:
    history = ws.history
    charter = pilot.charter
    owner = text(charter.get("owner")) if charter else None
    allowed = {owner} if owner else set()
    decisions = []
    for doc in pilot.approvals:
        if appr.approval_target(doc.data) != "charter":
            continue
        touch = None
        if history is not None and history.is_committed(doc.path, doc.oid):
            touch = history.adding_commit(doc.path)
        sequence = _NEWEST - touch.sequence if touch else _NEWEST + 1
        decisions.append(appr.make_decision(doc, fresh=True, sequence=sequence,
                                            author_email=touch.commit.author_email if touch else None,
                                            history=history is not None))
        approver = doc.get("approver")
        if touch is not None and approver != owner and touch.commit.parents:
            allowed |= _previous_hands(ws, charter, touch)
    who = f"the owner ({owner or 'none'}) must approve"
    return Book(decisions, allowed, appr.charter_hash(charter.data if charter else None), who)


def _previous_hands(ws: Workspace, charter: Document, touch) -> set:
    """The owner and oversight person of the charter just before the commit that added an
    approval, when that commit changed who holds the pilot (they approve a change of owner)."""
    from pilotlint.documents.load import LoadError, load_text, read_text

    raw = ws.history.version(touch.commit.parents[0], charter.path, ws.config.limits["max_file_bytes"])
    try:
        before = load_text(read_text(raw, ws.config.limits), ws.config.limits, positions=False).data if raw else None
    except LoadError:
        return set()
    if not isinstance(before, dict) or not isinstance(charter.data, dict):
        return set()
    if all(before.get(k) == charter.data.get(k) for k in ("owner", "authority", "oversight")):
        return set()
    return {p for p in (text(before.get("owner")), text(before.get("oversight"))) if p}


def _judge(book: Book, ws: Workspace):
    def judge_one(decision: appr.Decision) -> appr.Judgement:
        return appr.judge(decision, expected=book.expected, allowed=book.allowed, who=book.who,
                          people=ws.config.people, require_signed=bool(ws.config.gate.get("require_signed")),
                          today=ws.today)
    return judge_one


def _unknowable(ws: Workspace, decision: appr.Decision) -> bool:
    """Identity cannot be judged yet: no history, or not committed, and not signed."""
    if ws.config.gate.get("require_signed"):
        return False
    return decision.author_email is None and decision.data.get("signature") is None


@rule("PL901")
def unapproved_charter(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if ws.range is not None or ws.history is None or charter is None or not isinstance(charter.data, dict):
        return  # in a gate: the range rule below; without history an author-proven approval cannot be seen
    book = _book(pilot, ws)
    owner = text(charter.get("owner"))
    how = _how(pilot.id, owner, ws)
    result = appr.verdict(book.allowed, book.decisions, _judge(book, ws), ws.today)
    if result.approved:
        return
    judged = [_judge(book, ws)(d) for d in book.decisions]
    current = [j for j in judged if j.current]
    pending = [j for j in current if _unknowable(ws, j.decision) and "identity" in j.problems]
    if result.winner is not None and result.winner.decision.rejects:
        message = f"the owner rejected the charter as it stands ({result.winner.decision.doc.shown}); the gated " \
                  f"fields must change, or {how}"
    elif pending:
        message = (f"{pending[0].decision.doc.shown} is not committed yet, so nobody has proven who approved; "
                   f"commit it as {owner or 'the owner'} (or sign it) for the charter to count as approved")
    elif current:
        why = next((j.reason for j in current if j.reason), None) or \
            f"{current[0].decision.doc.shown} matches it, but a newer decision counts instead"
        message = f"no approval of the charter as it stands counts ({why}); {how}"
    elif judged:
        message = (f"the charter's gated fields changed after the last approval ({judged[-1].decision.doc.shown} "
                   f"is stale); a gated change needs a fresh approval: {how}")
    else:
        message = (f"the charter's gated fields (owner, authority, oversight, use case, scope, vendors, data "
                   f"access, prompts, budget, scorecard, stop rules, freezes, incident, status) are not approved: "
                   f"{how}")
    yield Hit(charter, (), message)


@rule("PL902")
def approval_identity(pilot: Pilot, ws: Workspace):
    if ws.range is not None or pilot.charter is None:
        return
    book = _book(pilot, ws)
    judge_one = _judge(book, ws)
    for decision in book.decisions:
        judgement = judge_one(decision)
        problems = set(judgement.problems)
        if not judgement.current or not problems & {"person", "identity"}:
            continue
        reason = judgement.reason
        if "identity" in problems and _unknowable(ws, decision):
            if "person" not in problems:
                continue
            reason = reason.split("; unproven identity:")[0]
        yield Hit(decision.doc, ("approver",), f"this approval matches the charter as it stands but does not "
                  f"count: {reason}")


def approval_status(pilot: Pilot, ws: Workspace) -> dict:
    """Whether the charter as it stands is approved, for people who will not open YAML:
    `state` approved | not approved | stale | rejected | unknown (no history to see an
    approval proven by its commit's author), and by whom, on which day, signed or not."""
    charter = pilot.charter
    if charter is None:
        return {"state": "unknown", "by": None, "on": None, "signed": False, "path": None, "reason": None}
    book = _book(pilot, ws)
    judge_one = _judge(book, ws)
    result = appr.verdict(book.allowed, book.decisions, judge_one, ws.today)
    winner = result.winner
    if result.approved:
        decision = winner.decision
        return {"state": "approved", "by": decision.approver, "on": decision.on.isoformat() if decision.on else None,
                "signed": winner.proof == "signature", "path": decision.doc.shown, "reason": None}
    judged = [judge_one(d) for d in book.decisions]
    if winner is not None and winner.decision.rejects:
        state = "rejected"
    elif ws.history is None and any(j.current and "identity" in j.problems for j in judged):
        state = "unknown"
    elif judged and not any(j.current for j in judged):
        state = "stale"
    else:
        state = "not approved"
    latest = max(book.decisions, key=lambda d: d.order) if book.decisions else None
    return {"state": state, "by": latest.approver if latest else None,
            "on": latest.on.isoformat() if latest and latest.on else None,
            "signed": bool(latest and latest.data.get("signature")), "path": latest.doc.shown if latest else None,
            "reason": result.why if state != "stale" else "the gated fields changed after the last approval"}


# -- the gate ------------------------------------------------------------------------------

def range_judge(delta, rng, allowed: set, who: str):
    config = rng.config

    def judge_one(decision: appr.Decision) -> appr.Judgement:
        return appr.judge(decision, expected=delta.expected, allowed=allowed, who=who, people=config.people,
                          require_signed=bool(config.gate.get("require_signed")), today=rng.today)
    return judge_one


def missing_groups(delta, rng) -> list[tuple[object, appr.Verdict]]:
    """The groups of people of which nobody has approved the range's change of this pilot."""
    out = []
    for group in delta.groups or [None]:
        if group is None:  # no owner at all: nobody can approve
            out.append((None, appr.Verdict(False, None, "the pilot has no owner who could approve it")))
            continue
        result = appr.verdict(set(group.allowed), delta.decisions,
                              range_judge(delta, rng, set(group.allowed), group.words()), rng.today)
        if not result.approved:
            out.append((group, result))
    return out


def why_not(delta, rng, missing) -> str:
    """Why the range is not approved, and what the owner runs."""
    parts = []
    for group, result in missing:
        who = group.words() if group is not None else "an owner"
        parts.append(f"{who}: {result.why}")
    people = sorted({p for group, _ in missing if group for p in group.allowed})
    person = people[0] if people and rng.config.knows_people() and people[0] in rng.config.people else None
    signed = rng.config.gate.get("require_signed")
    how = (f"run `pilotlint approve {delta.id} --as {person}` after the last gated change and commit the file as "
           f"{person}" + (" with --sign KEYFILE (gate.require_signed is on)" if signed
                          else " (or sign it with --sign KEYFILE)")) if person else \
        "the person who must approve runs `pilotlint approve` after the last gated change"
    return "; ".join(parts) + f"; {how}"


def where(delta) -> Document | None:
    return delta.charter or delta.base_charter


@rule("PL901", scope="range")
def unapproved_change(delta, rng):
    doc = where(delta)
    if doc is None or not delta.needs_approval:
        return
    if delta.expansions and rng.head.selection.enabled("PL801"):
        return  # PL801 says it, with the expansions
    missing = missing_groups(delta, rng)
    if not missing:
        return
    listed = ", ".join(sorted({c.field or ("the whole charter" if c.kind == "Charter" else c.path)
                               for c in delta.gated})[:8])
    extra = [*delta.evidence, *(f"the decision {d.shown} is deleted or rewritten" for d in delta.removed_decisions)]
    what = "; ".join(filter(None, [f"gated fields change ({listed})" if listed else "", *extra[:4]]))
    yield Hit(doc, (), f"{delta.id}: {what}, without a valid approval of the charter as it stands: "
              f"{why_not(delta, rng, missing)}", severity="error")


@rule("PL902", scope="range")
def range_approval_identity(delta, rng):
    allowed = delta.allowed()
    who = "; ".join(g.words() for g in delta.groups) or "nobody may approve this pilot"
    judge_one = range_judge(delta, rng, allowed, who)
    for decision in delta.decisions:
        if not decision.fresh:
            continue
        judgement = judge_one(decision)
        if judgement.current and set(judgement.problems) & {"person", "identity"}:
            yield Hit(decision.doc, ("approver",), f"this approval matches the charter as it stands but does not "
                      f"count: {judgement.reason}")
