"""Inline suppressions: `# pilotlint: disable=PL203 reason="..." until=2027-01-31`.

A suppression is a decision recorded in the file, so it must give a reason, may expire,
and is itself reported (PL010) when it is malformed, expired, unused or aimed at a rule
that nobody may silence from inside a pull request. An `until=` that is not a real ISO
date (`2020-1-1`, `2020/01/01`, `"2020-01-01"`, `2026-02-30`) silences nothing: a typo
must never make a suppression last forever.
"""

from __future__ import annotations

import re
from datetime import date

from pilotlint.documents.config import ALWAYS_UNSUPPRESSIBLE, rule_matches
from pilotlint.documents.values import parse_date
from pilotlint.findings import Finding, Suppression

_COMMENT = re.compile(r"(?:^|[ \t])#[ \t]*pilotlint:[ \t]*(disable(?:-file)?)[ \t]*=[ \t]*([A-Za-z0-9_,]+)(.*)$")
_REASON = re.compile(r"""reason[ \t]*=[ \t]*(?:"([^"]*)"|'([^']*)')""")
_UNTIL = re.compile(r"(?:^|[ \t])until[ \t]*=[ \t]*(\S*)")
BAD_UNTIL = "invalid"


def parse_suppressions(text: str) -> tuple[Suppression, ...]:
    if "pilotlint:" not in text:  # the common case costs one substring search
        return ()
    lines = text.splitlines()
    found = []
    for number, line in enumerate(lines, start=1):
        match = _COMMENT.search(line)
        if not match:
            continue
        verb, ids, rest = match.groups()
        reason_match = _REASON.search(rest)
        reason = next((g for g in reason_match.groups() if g is not None), None) if reason_match else None
        reason = reason.strip() if reason and reason.strip() else None
        outside = _REASON.sub("", rest)          # an `until=` written inside the reason is text
        until_match = _UNTIL.search(outside)
        until = None
        if until_match:
            written = until_match.group(1)
            until = written if parse_date(written) is not None else f"{BAD_UNTIL}:{written}"
        if verb == "disable-file":
            target = 0
        elif line[: match.start()].strip():
            target = number  # at the end of a line: that line
        else:  # alone on its line: the next line that is not a comment or blank
            target = next((n for n in range(number + 1, len(lines) + 1)
                           if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")), number)
        rules = tuple(r.strip().upper() for r in ids.split(",") if r.strip())
        column = match.start() + 2 if line[match.start()] != "#" else match.start() + 1
        found.append(Suppression(rules, reason, until, number, target, column))
    return tuple(found)


def _bad_until(suppression: Suppression) -> bool:
    return suppression.until is not None and suppression.until.startswith(BAD_UNTIL + ":")


def _expired(suppression: Suppression, today: date) -> bool:
    if suppression.until is None or _bad_until(suppression):
        return False
    return parse_date(suppression.until) < today  # in force through its day


def _in_force(suppression: Suppression, today: date) -> bool:
    return bool(suppression.reason) and not _bad_until(suppression) and not _expired(suppression, today)


def apply_suppressions(findings: list[Finding], docs, config, today: date, selected) -> tuple[list, list]:
    """Split findings into (in force, suppressed) and add PL010 for every bad suppression
    of `docs` (the documents the findings are about). `selected(rule_id)` says whether a
    rule ran, so that a suppression of a rule that was not checked is not "unused"."""
    by_path: dict[str, list] = {}
    for doc in docs:
        if doc.suppressions:
            by_path[doc.shown] = [(s, doc) for s in doc.suppressions]
    if not by_path:
        return findings, []
    used: set[int] = set()
    active, suppressed = [], []
    for finding in findings:
        silencer = None
        for suppression, _doc in by_path.get(finding.path, ()):
            if (_in_force(suppression, today)
                    and suppression.target_line in (0, finding.line)
                    and rule_matches(finding.rule, suppression.rules)
                    and not rule_matches(finding.rule, config.unsuppressible)
                    and finding.rule != "PL010"):
                silencer = suppression
                break
        if silencer is None:
            active.append(finding)
        else:
            used.add(id(silencer))
            suppressed.append(finding._replace(suppressed_by=silencer))
    for entries in by_path.values():
        for suppression, doc in entries:
            message = _problem(suppression, used, config, today, selected)
            if message:
                active.append(Finding("PL010", "error", doc.shown, suppression.line, suppression.column,
                                      doc.pilot, message))
    return active, suppressed


def _problem(suppression: Suppression, used: set, config, today: date, selected) -> str | None:
    ids = ", ".join(suppression.rules)
    locked = [r for r in suppression.rules if rule_matches(r, config.unsuppressible)]
    if any(rule_matches(r, ALWAYS_UNSUPPRESSIBLE) for r in locked):
        return (f"{', '.join(locked)} cannot be silenced inline: a finding about what a file is (its syntax, "
                "kind, keys or size, a second charter, a link) is fixed in the file, never silenced")
    if locked:
        return (f"{', '.join(locked)} cannot be silenced inline (rules.unsuppressible): the gate is not "
                "switched off from inside a pull request; fix the cause or get the approval instead")
    if not suppression.reason:
        return (f"the suppression of {ids} gives no reason, so it silences nothing; add "
                'reason="..." saying why this is acceptable')
    if _bad_until(suppression):
        written = suppression.until.split(":", 1)[1]
        return (f"the suppression of {ids} has `until={written}`, which is not a date, so it silences nothing; "
                "write the last day it holds as YYYY-MM-DD, e.g. until=2027-01-31")
    if _expired(suppression, today):
        return (f"the suppression of {ids} expired on {suppression.until}; fix the finding, or renew "
                "it with a new until= date and a reason that still holds")
    if id(suppression) not in used and all(selected(r) for r in suppression.rules):
        return f"the suppression of {ids} silences nothing here; remove it"
    return None
