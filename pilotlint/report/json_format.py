"""The stable JSON output of `check` and `gate`: fields are added, never renamed."""

from __future__ import annotations

import json

from pilotlint.findings import counts


def render(report, *, color: bool = False) -> str:
    total = counts(report.findings)
    out = {"version": 1, "tool": "pilotlint", "verdict": report.verdict,
           "findings": [f.as_json() for f in report.findings]}
    if report.expansions is not None:
        out["expansions"] = report.expansions
    out["suppressed"] = [dict(f.as_json(), reason=f.suppressed_by.reason, until=f.suppressed_by.until)
                         for f in report.suppressed]
    out["summary"] = {"files": report.files, "errors": total["errors"], "warnings": total["warnings"],
                      "infos": total["infos"], "suppressed": len(report.suppressed)}
    return json.dumps(out, indent=2, ensure_ascii=False, default=str) + "\n"
