"""`path:line:col: PLnnn [severity] message`, then one summary line."""

from __future__ import annotations

from pilotlint.documents.values import plural
from pilotlint.findings import counts

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def clean(text: str) -> str:
    """Document text must not move the cursor or recolour a terminal."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"
                   for ch in text)


def render(report, *, color: bool = False) -> str:
    lines = []
    for f in report.findings:
        severity = f"[{f.severity}]"
        rule = f.rule
        if color:
            severity = f"{_COLORS.get(f.severity, '')}{severity}{_RESET}"
            rule = f"{_BOLD}{rule}{_RESET}"
        lines.append(f"{clean(f.path)}:{f.line}:{f.column}: {rule} {severity} {clean(f.message)}")
    if getattr(report, "show_suppressed", False):
        for f in report.suppressed:
            s = f.suppressed_by
            until = f" until {s.until}" if s.until else ""
            lines.append(f"{clean(f.path)}:{f.line}:{f.column}: {f.rule} [suppressed] {clean(f.message)} "
                         f"(reason: {clean(s.reason or '')}{until})")
    if report.expansions:
        lines.append("")
        lines.append("Expansions in this range:")
        for e in report.expansions:
            lines.append(f"  {clean(e['pilot'])}: {clean(e['field'])} {e['change']}"
                         f" ({clean(_short(e.get('from')))} -> {clean(_short(e.get('to')))})")
    total = counts(report.findings)
    files = plural(report.files, "file")
    suppressed = f", {len(report.suppressed)} suppressed" if report.suppressed else ""
    if report.findings:
        infos = f", {plural(total['infos'], 'info')}" if total["infos"] else ""
        summary = (f"{plural(total['errors'], 'error')}, {plural(total['warnings'], 'warning')}{infos} in "
                   f"{files}{suppressed}")
    else:
        summary = f"All checks passed ({files}{suppressed})"
    if report.command == "gate":
        summary = f"Gate {'BLOCKED' if report.failed else 'passed'}: {summary}"
    if lines:
        lines.append("")
    lines.append(summary)
    return "\n".join(lines) + "\n"


def _short(value) -> str:
    text = "none" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "..."
