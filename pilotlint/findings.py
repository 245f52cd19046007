"""Findings: what every rule produces and every reporter formats."""

from __future__ import annotations

from typing import NamedTuple

SEVERITIES = ("error", "warning", "info")


class Suppression(NamedTuple):
    """An inline `# pilotlint: disable=...` comment, a decision recorded in the file."""

    rules: tuple[str, ...]
    reason: str | None
    until: str | None
    line: int           # the line the comment is on
    target_line: int    # the line it silences (0: the whole file)
    column: int = 1


class Finding(NamedTuple):
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


class Report:
    """What `check` and `gate` hand to a reporter: reporters only format."""

    def __init__(self, command: str, findings: list[Finding], suppressed: list[Finding], files: int,
                 fail_on: str = "error", expansions: list[dict] | None = None) -> None:
        self.command = command            # "check" or "gate"
        self.findings = findings
        self.suppressed = suppressed
        self.files = files
        self.fail_on = fail_on            # "error" or "warning"
        self.expansions = expansions
        self.show_suppressed = False

    @property
    def failed(self) -> bool:
        failing = ("error",) if self.fail_on == "error" else ("error", "warning")
        return any(f.severity in failing for f in self.findings)

    @property
    def verdict(self) -> str:
        if not self.failed:
            return "pass"
        return "blocked" if self.command == "gate" else "fail"
