"""The engine: load documents, run the registered rules, apply configuration and suppressions.

A rule is one small function registered under its id with `@rule`; its words (name,
severity, principle, fix, examples) live in `rules/` as data.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

from pilotlint.documents.config import Config, ConfigError, rule_matches
from pilotlint.findings import Finding
from pilotlint.documents.model import Document, Workspace, iter_yaml_files, read_document

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
)


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule yields: a document, the path of the node it is about, and the message."""

    doc: Document
    path: tuple
    message: str
    key: bool = False            # point at the mapping key rather than its value
    severity: str | None = None  # when the rule's catalogue severity does not apply


@dataclass(frozen=True)
class Rule:
    id: str
    func: Callable
    scope: str  # "pilot": func(pilot, ws); "workspace": func(ws)


REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, scope: str = "pilot"):
    def register(func):
        REGISTRY[rule_id] = Rule(rule_id, func, scope)
        return func
    return register


def load_rules() -> dict[str, Rule]:
    for module in RULE_MODULES:
        importlib.import_module(module)
    return REGISTRY


@dataclass
class Request:
    paths: list[Path]
    config: Config
    root: Path
    today: date
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    use_git: bool = True


@dataclass
class Result:
    workspace: Workspace
    findings: list[Finding]          # in force (not suppressed)
    suppressed: list[Finding]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")


def build_workspace(request: Request) -> tuple[Workspace, list[Finding]]:
    """Find and load the documents the request names, plus the pilot context they need."""
    config = request.config
    ws = Workspace(request.root, config, request.today)
    configured = configured_paths(config, request.root)
    targets = request.paths or configured
    findings: list[Finding] = []
    seen: set[Path] = set()

    def add(file: Path, ours_by_path: bool) -> None:
        resolved = file.absolute()
        if resolved in seen:
            return
        seen.add(resolved)
        doc, problems = read_document(file, ws.relpath(file), config, ours_by_path=ours_by_path, root=ws.root)
        findings.extend(problems)
        ws.files += 1
        if doc is not None:
            ws.documents.append(doc)

    for target in targets:
        if not target.exists() and not target.is_symlink():
            raise ConfigError(f"{target}: no such file or directory")
        if target.is_dir():  # resolved once, so that the files below need no resolving each
            for file in iter_yaml_files(target.resolve()):
                add(file, ours_by_path=True)
        else:
            add(target, ours_by_path=_under(target, configured))
    if any(not target.is_dir() for target in request.paths):
        _add_pilot_context(ws, configured, add)
    ws.group()
    return ws, findings


def configured_paths(config: Config, root: Path) -> list[Path]:
    base = config.directory or root
    paths = [base / p for p in config.paths]
    approvals = base / ".pilotlint" / "approvals"
    if approvals.is_dir():
        paths.append(approvals)
    return [p for p in paths if p.exists()]


def _under(file: Path, directories: list[Path]) -> bool:
    file = file.absolute()
    return any(file.is_relative_to(d.absolute()) for d in directories)


def _add_pilot_context(ws: Workspace, configured: list[Path], add) -> None:
    """A rule about a note needs its charter: load the rest of each named pilot.

    The pilot's folder (the first level under a configured path) is read first; only
    when the charter is not there are the configured paths searched.
    """
    wanted = {doc.pilot for doc in ws.documents if doc.pilot}
    for doc in list(ws.documents):
        folder = _pilot_folder(doc.file, configured)
        if folder is not None:
            for file in iter_yaml_files(folder):
                add(file, ours_by_path=True)
    have = {doc.pilot for doc in ws.documents if doc.kind == "Charter"}
    if wanted - have:
        for directory in configured:
            for file in iter_yaml_files(directory):
                add(file, ours_by_path=True)


def _pilot_folder(file: Path, configured: list[Path]) -> Path | None:
    file = file.absolute()
    for directory in configured:
        directory = directory.absolute()
        if file.is_relative_to(directory):
            parts = file.relative_to(directory).parts
            return directory / parts[0] if len(parts) > 1 else None
    return None


def run(request: Request, *, extra_findings: Iterable[Finding] = ()) -> Result:
    from pilotlint.documents.schema import validate
    from pilotlint.documents.suppress import apply_suppressions

    ws, findings = build_workspace(request)
    config = request.config
    for doc in ws.documents:
        pilot = doc.pilot
        for problem in doc.problems:
            findings.append(Finding(problem.rule, default_severity(problem.rule), doc.path, problem.line,
                                    problem.column, pilot, problem.message))
        if doc.kind:
            for error in validate(doc.kind, doc.data):
                findings.append(Finding("PL002", "error", doc.path, error.line, error.column, pilot, error.message))
    if request.use_git:
        from pilotlint.history import git as gitrepo

        ws.git = gitrepo.open_quietly(request.root)
    rules = load_rules()
    enabled = [r for r in rules.values() if _enabled(r.id, request, config)]
    for item in enabled:
        targets = [ws] if item.scope == "workspace" else [(p, ws) for p in ws.pilots.values()]
        for target in targets:
            hits = item.func(target) if item.scope == "workspace" else item.func(*target)
            for hit in hits or ():
                line, column = hit.doc.at(hit.path, key=hit.key)
                severity = hit.severity or default_severity(item.id)
                findings.append(Finding(item.id, severity, hit.doc.path, line, column, hit.doc.pilot, hit.message))
    if config.extra:
        from pilotlint.documents.policies import run_policies

        findings.extend(run_policies(config, ws))
    findings.extend(extra_findings)
    relatives: dict = {}  # one path lookup per file, not per finding (10,000 findings)
    findings = [_with_severity(f, config, ws, relatives) for f in findings]
    findings = [f for f in findings if f is not None and _enabled(f.rule, request, config)]
    active, suppressed = apply_suppressions(findings, ws, config, request)
    active = [f for f in active if _enabled(f.rule, request, config)]
    if "PL009" in REGISTRY and _enabled("PL009", request, config):  # a value still to fill in
        from pilotlint.rules.placeholders import mask  # is named once, by PL009 (see there)

        active = mask(active, ws, config.unsuppressible)
    active.sort(key=Finding.sort_key)
    suppressed.sort(key=Finding.sort_key)
    return Result(ws, active, suppressed)


def _enabled(rule_id: str, request: Request, config: Config) -> bool:
    if request.select and not rule_matches(rule_id, request.select):
        return False
    if config.select and not rule_matches(rule_id, config.select):
        return False
    return not rule_matches(rule_id, request.ignore) and not rule_matches(rule_id, config.ignore)


def _with_severity(finding: Finding, config: Config, ws: Workspace, relatives: dict | None = None) -> Finding | None:
    """Catalogue severity, then `rules.severity`, then per-path overrides (which may ignore)."""
    severity = _lookup(config.severity, finding.rule, finding.severity)
    relatives = {} if relatives is None else relatives
    if finding.path not in relatives:
        relatives[finding.path] = _config_relative(finding.path, config, ws.root)
    relative = relatives[finding.path]
    for override in config.overrides:
        if relative is not None and override.pattern.match(relative):
            if rule_matches(finding.rule, override.ignore):
                return None
            severity = _lookup(override.severity, finding.rule, severity)
    return finding if severity == finding.severity else replace(finding, severity=severity)


def default_severity(rule_id: str) -> str:
    from pilotlint.catalogue import catalogue

    info = catalogue().get(rule_id)
    return info.severity if info else "error"


def _lookup(table: dict, rule_id: str, default: str) -> str:
    """The most specific entry wins: `PL603` over `PL6`."""
    best = None
    for key in table:
        if rule_id.startswith(key) and (best is None or len(key) > len(best)):
            best = key
    return table[best] if best else default


def _config_relative(path: str, config: Config, root: Path) -> str | None:
    """Override globs are written relative to the config file's folder."""
    if config.directory is None:
        return path
    try:
        return (root / path).resolve().relative_to(config.directory.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside the config's folder; a symbolic-link loop
        return None
