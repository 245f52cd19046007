"""Findings: what every rule produces and every reporter formats."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Suppression:
    """An inline `# pilotlint: disable=...` comment, a decision recorded in the file."""

    rules: tuple[str, ...]
    reason: str | None
    until: str | None
    line: int           # the line the comment is on
    target_line: int    # the line it silences (0: the whole file)
    column: int = 1


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: str
    path: str
    line: int
    column: int
    pilot: str | None
    message: str
    suppressed_by: Suppression | None = None

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule, self.message)

    def as_json(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "path": self.path, "line": self.line,
                "column": self.column, "pilot": self.pilot, "message": self.message}


def counts(findings) -> dict:
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    return {"errors": errors, "warnings": warnings, "infos": len(findings) - errors - warnings}


@dataclass
class Report:
    """What `check` and `gate` hand to a reporter: reporters only format."""

    command: str                      # "check" or "gate"
    findings: list[Finding]
    suppressed: list[Finding]
    files: int
    fail_on: str = "error"            # "error" or "warning"
    expansions: list[dict] | None = None

    @property
    def failed(self) -> bool:
        failing = ("error",) if self.fail_on == "error" else ("error", "warning")
        return any(f.severity in failing for f in self.findings)

    @property
    def verdict(self) -> str:
        if not self.failed:
            return "pass"
        return "blocked" if self.command == "gate" else "fail"
