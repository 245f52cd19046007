"""The engine: run the registered rules over a workspace, pilot by pilot.

One run, whatever asked for it: `check` of a work tree, `gate` of the head of a pull
request (with the range attached, so that the gate's rules run too), `summary`, `status`
and `site`. For each pilot the engine parses its documents, collects their load and
schema findings, runs every enabled rule (pilot rules; range rules when a pull request
is being gated), applies organisation policies, then the configuration (severities,
path overrides, the selection) and the inline suppressions, and hands the pilot and its
findings (in force and suppressed) to `visit` before letting the pilot go. Memory holds
one pilot at a time.
"""

from __future__ import annotations

from typing import Callable, Iterable, NamedTuple

from pilotlint.catalogue import default_severity
from pilotlint.documents.config import Config, rule_matches
from pilotlint.documents.workspace import Workspace
from pilotlint.findings import Finding
from pilotlint.rules import Hit, Rule, load_rules


class Result(NamedTuple):
    findings: list[Finding]          # in force (not suppressed)
    suppressed: list[Finding]
    files: int

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")


class Selection(NamedTuple):
    """Which rules run: the command line's `--select`/`--ignore`, then the config's."""

    select: list[str]
    ignore: list[str]
    config: Config

    def enabled(self, rule_id: str) -> bool:
        if self.select and not rule_matches(rule_id, self.select):
            return False
        if self.config.select and not rule_matches(rule_id, self.config.select):
            return False
        return not rule_matches(rule_id, self.ignore) and not rule_matches(rule_id, self.config.ignore)

    def checked(self, rule_id: str) -> bool:
        """A suppression of `rule_id` (an id or a prefix) was given a chance to be used."""
        if self.select and not any(rule_id.startswith(s) or s.startswith(rule_id) for s in self.select):
            return False
        return not rule_matches(rule_id, self.ignore) and not rule_matches(rule_id, self.config.ignore)


def run(ws: Workspace, *, select: Iterable[str] = (), ignore: Iterable[str] = (),
        pilots: Iterable[str] | None = None, visit: Callable | None = None) -> Result:
    """Check the pilots of `ws` (all, or the ids given), its other documents, and its index."""
    from pilotlint.documents.schema import validate
    from pilotlint.rules.placeholders import mask

    selection = Selection(list(select), list(ignore), ws.config)
    ws.selection = selection
    registry = load_rules()
    enabled = [r for rules in registry.values() for r in rules if selection.enabled(r.id)]
    pilot_rules = [r for r in enabled if r.scope == "pilot"]
    rng = ws.range
    range_rules = [r for r in enabled if r.scope == "range"] if rng is not None else []
    config_rules = [r for r in enabled if r.scope == "config"] if rng is not None else []
    policies = _policies(ws.config)
    active: list[Finding] = []
    suppressed: list[Finding] = []
    ids = list(ws.pilot_ids() if pilots is None else pilots)
    if rng is not None:
        ids = sorted(set(ids) | set(rng.deltas))

    def finish(findings: list[Finding], docs) -> tuple[list[Finding], list[Finding]]:
        findings = [f for f in (_configured(f, ws) for f in findings) if f is not None and selection.enabled(f.rule)]
        kept, quiet = _suppress(findings, docs, ws, selection)
        kept = [f for f in kept if selection.enabled(f.rule)]
        suppressed.extend(quiet)
        return kept, quiet

    for pilot_id in ids:
        pilot = ws.pilot(pilot_id)
        docs = pilot.documents if pilot is not None else []
        found: list[Finding] = []
        for doc in docs:
            found.extend(_document_findings(doc, validate))
        if pilot is not None:
            for item in pilot_rules:
                found.extend(_located(item, item.func(pilot, ws)))
        if rng is not None and pilot_id in rng.deltas:
            for item in range_rules:
                found.extend(_located(item, item.func(rng.deltas[pilot_id], rng)))
        for policy in policies:
            found.extend(policy.check(docs, pilot))
        kept, quiet = finish(found, docs)
        if "PL009" in registry and selection.enabled("PL009"):
            kept = mask(kept, docs, ws.config.unsuppressible)
        active.extend(kept)
        if visit is not None and pilot is not None:
            visit(pilot, sorted(kept, key=Finding.sort_key), quiet)
    if pilots is None or rng is not None:
        loose = list(ws.unowned_documents())
        found = [f for doc in loose for f in _document_findings(doc, validate)]
        for policy in policies:
            found.extend(policy.check(loose, None))
            found.extend(policy.check_config(ws.config))
        active.extend(finish(found, loose)[0])
    if rng is not None:
        found = [f for item in config_rules for f in _located(item, item.func(rng))]
        active.extend(finish(found, [])[0])
    active.extend(finish(list(ws.problems), [])[0])
    active.sort(key=Finding.sort_key)
    suppressed.sort(key=Finding.sort_key)
    return Result(_unique(active), suppressed, ws.files)


def _unique(findings: list[Finding]) -> list[Finding]:
    out, seen = [], set()
    for f in findings:
        key = (f.rule, f.path, f.line, f.column, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _document_findings(doc, validate) -> list[Finding]:
    out = []
    for problem in doc.problems:
        out.append(Finding(problem.rule, default_severity(problem.rule), doc.shown, problem.line, problem.column,
                           doc.pilot, problem.message))
    if doc.kind:
        for error in validate(doc.kind, doc.data):
            out.append(Finding("PL002", "error", doc.shown, error.line, error.column, doc.pilot, error.message))
    return out


def _located(item: Rule, hits) -> list[Finding]:
    out = []
    for hit in hits or ():
        hit: Hit
        line, column = hit.doc.at(hit.path, key=hit.key)
        out.append(Finding(item.id, hit.severity or default_severity(item.id), hit.doc.shown, line, column,
                           hit.doc.pilot, hit.message))
    return out


def _policies(config: Config):
    if not config.extra:
        return []
    from pilotlint.documents.policies import load_policies

    return load_policies(config)


def _suppress(findings, docs, ws, selection):
    from pilotlint.documents.suppress import apply_suppressions

    return apply_suppressions(findings, docs, ws.config, ws.today, selection.checked)


def _configured(finding: Finding, ws: Workspace) -> Finding | None:
    """Catalogue severity, then `rules.severity`, then per-path overrides (which may ignore).

    In a gate, a pilot's findings are matched against the overrides by where the pilot
    lived at base, so moving a pilot under a relaxed pattern does not relax its gate."""
    config = ws.config
    severity = _lookup(config.severity, finding.rule, finding.severity)
    where = ws.range.override_path(finding) if ws.range is not None else finding.path
    relative = config.relative(where) if where is not None else None
    for override in config.overrides:
        if relative is not None and override.pattern.match(relative):
            if rule_matches(finding.rule, override.ignore):
                return None
            severity = _lookup(override.severity, finding.rule, severity)
    return finding if severity == finding.severity else finding._replace(severity=severity)


def _lookup(table: dict, rule_id: str, default: str) -> str:
    """The most specific entry wins: `PL603` over `PL6`."""
    best = None
    for key in table:
        if rule_id.startswith(key) and (best is None or len(key) > len(best)):
            best = key
    return table[best] if best else default
