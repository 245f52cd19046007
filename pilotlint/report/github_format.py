"""GitHub workflow commands (`::error file=...::message`), escaped so that document text
can never issue a command of its own."""

from __future__ import annotations

from pilotlint.documents.values import plural
from pilotlint.findings import counts

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
MAX_ANNOTATIONS = 1000  # GitHub shows at most 10 per step and type; keep the log bounded too


def escape_data(text: str) -> str:
    from pilotlint.report.text_format import clean

    # then ESC (the job log renders ANSI colours), bidirectional overrides and other
    # invisible characters are shown, as in the text format, instead of acting
    return clean(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report, *, color: bool = False) -> str:
    lines = []
    for f in report.findings[:MAX_ANNOTATIONS]:
        props = (f"file={escape_property(f.path)},line={f.line},col={f.column},"
                 f"title={escape_property(f'{f.rule} ({f.severity})')}")
        lines.append(f"::{_LEVEL.get(f.severity, 'notice')} {props}::{escape_data(f'{f.rule} {f.message}')}")
    if len(report.findings) > MAX_ANNOTATIONS:
        lines.append(f"::warning::{len(report.findings) - MAX_ANNOTATIONS} more findings are not annotated; "
                     "see the JSON or SARIF output")
    total = counts(report.findings)
    lines.append(f"pilotlint {report.command}: {report.verdict} ({plural(total['errors'], 'error')}, "
                 f"{total['warnings']} warnings in {report.files} files)")
    return "\n".join(lines) + "\n"
