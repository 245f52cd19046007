"""SARIF 2.1.0 for GitHub code scanning: rule metadata with help, stable fingerprints,
suppressions with their justification."""

from __future__ import annotations

import hashlib
import json

from pilotlint import __version__

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def fingerprint(finding) -> str:
    """Stable across runs and line moves: rule, file and message, not the position."""
    digest = hashlib.sha256(f"{finding.rule}\0{finding.path}\0{finding.message}".encode()).hexdigest()
    return digest[:32]


def render(report, *, color: bool = False) -> str:
    from pilotlint.catalogue import catalogue

    infos = catalogue()
    used = sorted({f.rule for f in [*report.findings, *report.suppressed]})
    rule_ids = sorted(set(infos) | set(used))
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    rules = []
    for rule_id in rule_ids:
        info = infos.get(rule_id)
        if info is None:  # an organisation policy rule
            rules.append({"id": rule_id, "name": rule_id, "shortDescription": {"text": rule_id},
                          "help": {"text": "An organisation policy from rules.extra."}})
            continue
        controls = [c for values in info.controls.values() for c in values]
        rules.append({
            "id": rule_id, "name": info.name,
            "shortDescription": {"text": info.summary},
            "fullDescription": {"text": " ".join(info.principle.split())},
            "help": {"text": info.help_text, "markdown": f"**{info.summary}**\n\n{info.principle.strip()}\n\n"
                                                        f"**Fix:** {info.fix.strip()}"},
            "defaultConfiguration": {"level": _LEVEL[info.severity]},
            "properties": {"tags": ["governance", info.family, *controls]},
        })
    results = [_result(f, index) for f in report.findings]
    for f in report.suppressed:
        result = _result(f, index)
        result["suppressions"] = [{"kind": "inSource", "status": "accepted",
                                   "justification": f.suppressed_by.reason or ""}]
        results.append(result)
    sarif = {
        "$schema": SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pilotlint", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://github.com/pilotlint/pilotlint", "rules": rules}},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root."}}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def _result(finding, index) -> dict:
    return {
        "ruleId": finding.rule, "ruleIndex": index[finding.rule], "level": _LEVEL.get(finding.severity, "note"),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": finding.line, "startColumn": finding.column}}}],
        "partialFingerprints": {"pilotlint/v1": fingerprint(finding)},
    }
