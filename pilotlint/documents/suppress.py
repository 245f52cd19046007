"""Inline suppressions: `# pilotlint: disable=PL203 reason="..." until=2027-01-31`.

A suppression is a decision recorded in the file, so it must give a reason, may expire,
and is itself reported (PL010) when it is malformed, expired, unused or aimed at a rule
that nobody may silence from inside a pull request.
"""

from __future__ import annotations

import re

from pilotlint.findings import Suppression

_COMMENT = re.compile(r"(?:^|[ \t])#[ \t]*pilotlint:[ \t]*(disable(?:-file)?)[ \t]*=[ \t]*([A-Za-z0-9_,]+)(.*)$")
_REASON = re.compile(r"""reason[ \t]*=[ \t]*(?:"([^"]*)"|'([^']*)')""")
_UNTIL = re.compile(r"until[ \t]*=[ \t]*([0-9]{4}-[0-9]{2}-[0-9]{2})")


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
        reason_match, until_match = _REASON.search(rest), _UNTIL.search(rest)
        reason = next((g for g in reason_match.groups() if g is not None), None) if reason_match else None
        reason = reason.strip() if reason and reason.strip() else None
        if verb == "disable-file":
            target = 0
        elif line[: match.start()].strip():
            target = number  # at the end of a line: that line
        else:  # alone on its line: the next line that is not a comment or blank
            target = next((n for n in range(number + 1, len(lines) + 1)
                           if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")), number)
        rules = tuple(r.strip().upper() for r in ids.split(",") if r.strip())
        found.append(Suppression(rules, reason, until_match.group(1) if until_match else None,
                                 number, target, match.start() + 2 if line[match.start()] != "#" else match.start() + 1))
    return tuple(found)


def apply_suppressions(findings, ws, config, request):
    """Split findings into (in force, suppressed) and add PL010 for every bad suppression."""
    from dataclasses import replace

    from pilotlint.documents.config import rule_matches
    from pilotlint.findings import Finding

    today = request.today.isoformat()
    by_path: dict[str, list] = {}
    for doc in ws.documents:
        if doc.suppressions:
            by_path[doc.path] = [(s, doc) for s in doc.suppressions]
    if not by_path:
        return findings, []
    used: set[int] = set()
    active, suppressed = [], []
    for finding in findings:
        silencer = None
        for suppression, _doc in by_path.get(finding.path, ()):
            if (suppression.reason and not _expired(suppression, today)
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
            suppressed.append(replace(finding, suppressed_by=silencer))
    for entries in by_path.values():
        for suppression, doc in entries:
            message = _problem(suppression, used, config, today, request)
            if message:
                active.append(Finding("PL010", "error", doc.path, suppression.line, suppression.column,
                                      doc.pilot, message))
    return active, suppressed


def _expired(suppression, today: str) -> bool:
    return suppression.until is not None and suppression.until < today  # in force through its day


def _problem(suppression, used, config, today, request) -> str | None:
    from pilotlint.documents.config import rule_matches

    ids = ", ".join(suppression.rules)
    locked = [r for r in suppression.rules if rule_matches(r, config.unsuppressible)]
    if locked:
        return (f"{', '.join(locked)} cannot be silenced inline (rules.unsuppressible): the gate is not "
                "switched off from inside a pull request; fix the cause or get the approval instead")
    if not suppression.reason:
        return (f"the suppression of {ids} gives no reason, so it silences nothing; add "
                'reason="..." saying why this is acceptable')
    if _expired(suppression, today):
        return (f"the suppression of {ids} expired on {suppression.until}; fix the finding, or renew "
                "it with a new until= date and a reason that still holds")
    if id(suppression) not in used:
        checked = all(_selected(r, request, config) for r in suppression.rules)
        if checked:
            return f"the suppression of {ids} silences nothing here; remove it"
    return None


def _selected(rule_id: str, request, config) -> bool:
    from pilotlint.documents.config import rule_matches

    if request.select and not any(rule_id.startswith(s) or s.startswith(rule_id) for s in request.select):
        return False
    return not rule_matches(rule_id, request.ignore) and not rule_matches(rule_id, config.ignore)
