"""Organisation policies (SPEC §4.2): rules as data, without Python.

Each file named in `rules.extra` is a `kind: Policy` document; each of its rules applies a
JSON Schema (`require`) to the documents it `match`es. A finding carries the policy's id,
severity and message, located at the node that failed, like a built-in schema finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pilotlint.documents.config import Config, ConfigError
from pilotlint.findings import Finding
from pilotlint.documents.load import LoadError, load_text, locate, read_text
from pilotlint.documents.model import Document, Workspace

_FATAL = ("PL001", "PL002", "PL003", "PL004", "PL008")


@dataclass(frozen=True)
class PolicyRule:
    id: str
    severity: str
    message: str
    match: dict
    validator: object
    source: Path       # the policy file
    line: int          # where the rule starts in it
    name: str = ""
    fix: str = ""


def load_policies(config: Config) -> list[PolicyRule]:
    """Every rule of every policy file; a malformed file is a ConfigError naming file and line."""
    rules: list[PolicyRule] = []
    seen: dict[str, Path] = {}
    for path in config.extra:
        for item in _load_file(path, config):
            if item.id in seen:
                raise ConfigError(f"the policy id {item.id} is also defined in {seen[item.id]}; "
                                  "give every organisation rule an id of its own", path)
            seen[item.id] = path
            rules.append(item)
    return rules


def _load_file(path: Path, config: Config) -> list[PolicyRule]:
    from jsonschema.exceptions import SchemaError as BadSchema

    from pilotlint.documents.schema import validate, validator_for_schema

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the policy file named in `rules.extra`: {exc.strerror or exc}",
                          path) from None
    try:
        loaded = load_text(read_text(raw, config.limits), config.limits)
    except LoadError as exc:
        raise ConfigError(f"policy file: {exc.message}", path, exc.line) from None
    for problem in loaded.problems:
        if problem.rule in _FATAL:
            raise ConfigError(f"policy file: {problem.message}", path, problem.line)
    data = loaded.data
    if not isinstance(data, dict):
        raise ConfigError("a policy file is a mapping: `apiVersion: pilotlint/v1`, `kind: Policy`, `rules: [...]`",
                          path, 1)
    for error in validate("Policy", data):
        raise ConfigError(f"policy file: {error.message}", path, error.line)
    out = []
    for index, entry in enumerate(data["rules"]):
        line = locate(data, ("rules", index))[0]
        if entry["id"].startswith("PL"):
            raise ConfigError(f"the policy id {entry['id']} starts with PL, which is kept for pilotlint's own "
                              "rules; use your organisation's prefix, e.g. ACME001", path, line)
        validator_class = type(validator_for_schema({}))
        try:
            validator_class.check_schema(entry["require"])
        except BadSchema as exc:
            where = locate(data, ("rules", index, "require", *exc.path))[0]
            raise ConfigError(f"policy {entry['id']}: `require` is not a valid JSON Schema: {exc.message}",
                              path, where) from None
        out.append(PolicyRule(entry["id"], entry["severity"], entry["message"].strip(), entry.get("match") or {},
                              validator_for_schema(entry["require"]), path, line,
                              entry.get("name", ""), entry.get("fix", "").strip()))
    return out


def _as_set(value) -> set:
    return set(value) if isinstance(value, list) else {value}


def _matches(rule: PolicyRule, kind: str, pilot: str | None, status: str | None) -> bool:
    match = rule.match
    if "kind" in match and kind not in _as_set(match["kind"]):
        return False
    if "pilot" in match and pilot not in _as_set(match["pilot"]):
        return False
    return "status" not in match or status in _as_set(match["status"])


def _subjects(config: Config, ws: Workspace):
    """(kind, pilot, status, document) for every document a policy may be applied to."""
    for doc in ws.documents:
        if not doc.kind:
            continue
        pilot = ws.pilots.get(doc.pilot) if doc.pilot else None
        yield doc.kind, doc.pilot, pilot.status if pilot else None, doc
    if config.path is not None and isinstance(config.data, dict):
        yield "Config", None, None, Document(ws.relpath(config.path), config.path, kind="Config", data=config.data)


def run_policies(config: Config, ws: Workspace) -> list[Finding]:
    from pilotlint.documents.schema import validate

    rules = load_policies(config)
    findings: list[Finding] = []
    if not rules:
        return findings
    subjects = list(_subjects(config, ws))
    for rule in rules:
        for kind, pilot, status, doc in subjects:
            if not _matches(rule, kind, pilot, status):
                continue
            try:
                errors = validate(kind, doc.data, validator=rule.validator)
            except Exception as exc:  # e.g. a `$ref` to another file or a URL: never fetched
                raise ConfigError(f"policy {rule.id}: `require` cannot be applied ({exc}); keep the schema "
                                  "self-contained (`$defs` and `#/...` references only)",
                                  rule.source, rule.line) from None
            for error in errors:
                findings.append(Finding(rule.id, rule.severity, doc.path, error.line, error.column, doc.pilot,
                                        f"{rule.message}: {error.message}"))
    return findings
