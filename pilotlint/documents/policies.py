"""Organisation policies (README: Organisation policies): rules as data, without Python.

Each file named in `rules.extra` is a `kind: Policy` document; each of its rules applies a
JSON Schema (`require`) to the documents it `match`es. A finding carries the policy's id,
severity and message, located at the node that failed, like a built-in schema finding.
"""

from __future__ import annotations


from pilotlint.documents.config import Config, ConfigError
from pilotlint.documents.load import LoadError, load_text, locate
from pilotlint.documents.model import Document
from pilotlint.findings import Finding

_FATAL = ("PL001", "PL002", "PL003", "PL004", "PL008")


class PolicyRule:
    """One rule of a policy file; its schema is compiled on first use."""

    def __init__(self, id: str, severity: str, message: str, match: dict, require: dict, source: str,
                 line: int, name: str = "", fix: str = "") -> None:
        self.id, self.severity, self.message = id, severity, message
        self.match, self.require = match, require
        self.source = source          # the policy file (repository path)
        self.line = line              # where the rule starts in it
        self.name, self.fix = name, fix
        self._fast = None
        self._validator = None

    def check(self, docs, pilot) -> list[Finding]:
        status = pilot.status if pilot is not None else None
        return [f for doc in docs for f in self._check(doc, status)]

    def check_config(self, config: Config) -> list[Finding]:
        if config.rel is None or not isinstance(config.data, dict):
            return []
        return self._check(Document(config.rel, "Config", config.data), None)

    def _check(self, doc: Document, status: str | None) -> list[Finding]:
        if not doc.kind or not _matches(self, doc.kind, doc.pilot, status):
            return []
        if self._valid(doc.data):
            return []
        from pilotlint.documents.schema import validate

        try:
            errors = validate(doc.kind, doc.data, validator=self.validator())
        except ConfigError:
            raise
        except Exception as exc:  # e.g. a `$ref` to another file or a URL: never fetched
            raise ConfigError(f"policy {self.id}: `require` cannot be applied ({exc}); keep the schema "
                              "self-contained (`$defs` and `#/...` references only)", self.source, self.line) from None
        return [Finding(self.id, self.severity, doc.shown, error.line, error.column, doc.pilot,
                        f"{self.message}: {error.message}") for error in errors]

    def _valid(self, data) -> bool:
        """The fast compiled check (the one the schemas use); jsonschema only explains a failure,
        and is the judge whenever the fast check cannot handle the policy's schema."""
        from pilotlint.documents.fastschema import compile_schema
        from pilotlint.documents.values import is_iso_date

        try:
            if self._fast is None:
                self._fast = compile_schema(self.require, {"date": is_iso_date})
            return bool(self._fast(data))
        except Exception:  # a keyword or value the fast check does not know: ask jsonschema
            return False

    def validator(self):
        if self._validator is None:
            from jsonschema.exceptions import SchemaError as BadSchema

            from pilotlint.documents.schema import validator_for_schema

            try:
                type(validator_for_schema({})).check_schema(self.require)
            except BadSchema as exc:
                raise ConfigError(f"policy {self.id}: `require` is not a valid JSON Schema: {exc.message}",
                                  self.source, self.line) from None
            self._validator = validator_for_schema(self.require)
        return self._validator


def load_policies(config: Config) -> list[PolicyRule]:
    """Every rule of every policy file; a malformed file is a ConfigError naming file and line.

    The files were read with the configuration, from the same source (`config.policies`)."""
    rules: list[PolicyRule] = []
    seen: dict[str, str] = {}
    for path in config.extra:
        for item in _load_file(path, config.policies.get(path, ""), config):
            if item.id in seen:
                raise ConfigError(f"the policy id {item.id} is also defined in {seen[item.id]}; "
                                  "give every organisation rule an id of its own", path)
            seen[item.id] = path
            rules.append(item)
    return rules


def _load_file(path: str, text: str, config: Config) -> list[PolicyRule]:
    from pilotlint.documents.schema import validate

    try:
        loaded = load_text(text, config.limits)
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
        out.append(PolicyRule(entry["id"], entry["severity"], entry["message"].strip(), entry.get("match") or {},
                              entry["require"], path, line, entry.get("name", ""), entry.get("fix", "").strip()))
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
