"""SARIF 2.1.0 for GitHub code scanning: rule metadata with help, stable fingerprints,
suppressions with their justification."""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote

from pilotlint import __version__

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MAX_RESULTS = 25_000  # GitHub code scanning accepts at most this many results per run


def fingerprint(finding, occurrence: int = 0) -> str:
    """Stable across runs and line moves: rule, file and message, not the position.

    Numbers in the message (days overdue, amounts, dates judged against `--today`) are
    left out, so an alert keeps its identity as the clock moves; `occurrence` tells apart
    findings that would otherwise share one (same rule, file and wording).
    """
    wording = _NUMBER.sub("#", finding.message)
    digest = hashlib.sha256(f"{finding.rule}\0{finding.path}\0{wording}\0{occurrence}".encode()).hexdigest()
    return digest[:32]


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_ ]+", name) if part) or name


def artifact_uri(path: str) -> str:
    """A relative URI reference: spaces, `%`, `#`, `?` and `:` percent-encoded, `/` kept."""
    return quote(path, safe="/-._~!$&'()*+,;=@")


def render(report, *, color: bool = False) -> str:
    from pilotlint.catalogue import catalogue

    infos = catalogue()
    used = sorted({f.rule for f in [*report.findings, *report.suppressed]})
    rule_ids = sorted(set(infos) | set(used))
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    rules = []
    for rule_id in rule_ids:
        info = infos.get(rule_id)
        if info is None:  # an organisation policy rule (rules.extra): its message is its description
            first = next(f for f in [*report.findings, *report.suppressed] if f.rule == rule_id)
            rules.append({"id": rule_id, "name": rule_id, "shortDescription": {"text": first.message},
                          "help": {"text": f"{first.message}\n\nAn organisation policy (rules.extra in "
                                           ".pilotlint.yaml); ask its authors how to comply."},
                          "defaultConfiguration": {"level": _LEVEL.get(first.severity, "note")},
                          "properties": {"tags": ["governance", "policy"]}})
            continue
        controls = [c for values in info.controls.values() for c in values]
        rules.append({
            "id": rule_id, "name": _pascal(info.name),  # SARIF's convention: `yaml-syntax` -> YamlSyntax
            "shortDescription": {"text": info.summary},
            "fullDescription": {"text": " ".join(info.principle.split())},
            "help": {"text": info.help_text, "markdown": f"**{info.summary}**\n\n{info.principle.strip()}\n\n"
                                                        f"**Fix:** {info.fix.strip()}"},
            "defaultConfiguration": {"level": _LEVEL[info.severity]},
            "properties": {"tags": ["governance", info.family, *controls]},
        })
    seen: dict[str, int] = {}
    results = [_result(f, index, seen) for f in report.findings]
    for f in report.suppressed:
        result = _result(f, index, seen)
        suppression = {"kind": "inSource", "status": "accepted",
                       "justification": f.suppressed_by.reason or "no reason given"}
        if f.suppressed_by.until:
            suppression["properties"] = {"until": str(f.suppressed_by.until)}
        result["suppressions"] = [suppression]
        results.append(result)
    truncated = len(results) > MAX_RESULTS
    results = results[:MAX_RESULTS]
    sarif = {
        "$schema": SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pilotlint", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://github.com/pilotlint/pilotlint", "rules": rules}},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root."}}},
            "automationDetails": {"id": f"pilotlint/{report.command}/"},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"verdict": report.verdict, "truncated": truncated},
        }],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def _result(finding, index, seen: dict) -> dict:
    base = fingerprint(finding)
    occurrence = seen.get(base, 0)
    seen[base] = occurrence + 1
    return {
        "ruleId": finding.rule, "ruleIndex": index[finding.rule], "level": _LEVEL.get(finding.severity, "note"),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(finding.path), "uriBaseId": "%SRCROOT%"},
            # SARIF lines and columns start at 1; a finding about a whole file points at its start
            "region": {"startLine": max(1, finding.line or 1), "startColumn": max(1, finding.column or 1)}}}],
        "partialFingerprints": {"pilotlint/v1": fingerprint(finding, occurrence)},
    }
