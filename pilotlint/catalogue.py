"""The rule catalogue: `catalogue/*.yaml`, one file per rule family, read as data.

The YAML files are the source a person edits. A run reads `catalogue/catalogue.json`,
generated from them (`python -m pilotlint.catalogue --write`): parsing a dozen YAML
files costs a pre-commit hook 25 ms, reading one JSON file a millisecond. A test keeps
the two in step.
"""

from __future__ import annotations

from typing import NamedTuple

import json
import sys
from functools import cache

from pilotlint.resources import data_dir

FRAMEWORKS = {"nist-ai-rmf": "NIST AI RMF 1.0", "iso-42001": "ISO/IEC 42001"}
COMPILED = "catalogue.json"


class RuleInfo(NamedTuple):
    id: str
    name: str
    severity: str
    summary: str
    principle: str
    fix: str
    family: str
    controls: dict
    examples: dict

    @property
    def help_text(self) -> str:
        return f"{self.summary}\n\nWhy: {self.principle.strip()}\n\nFix: {self.fix.strip()}"


def build() -> dict[str, dict]:
    """Every rule of the YAML files, as plain data (what catalogue.json holds)."""
    from pilotlint.documents.load import load_text
    from pilotlint.documents.values import plain

    rules: dict[str, dict] = {}
    for file in sorted(data_dir("catalogue").glob("*.yaml")):
        family = load_text(file.read_text(encoding="utf-8"), {"max_file_bytes": 1 << 22, "max_depth": 64,
                                                              "max_nodes": 1_000_000}).data
        for entry in family.get("rules", []):
            rules[entry["id"]] = plain((RuleInfo(
                id=entry["id"], name=entry["name"], severity=entry["severity"], summary=entry["summary"],
                principle=entry.get("principle", ""), fix=entry.get("fix", ""),
                family=family.get("family", file.stem), controls=entry.get("controls") or {},
                examples=entry.get("examples") or {})._asdict()))
    return dict(sorted(rules.items()))


def compiled_text() -> str:
    return json.dumps(build(), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


@cache
def catalogue() -> dict[str, RuleInfo]:
    with open(data_dir("catalogue") / COMPILED, encoding="utf-8") as handle:
        data = json.load(handle)
    return {rule_id: RuleInfo(**entry) for rule_id, entry in data.items()}


def default_severity(rule_id: str) -> str:
    info = catalogue().get(rule_id)
    return info.severity if info else "error"


if __name__ == "__main__":  # python -m pilotlint.catalogue --write
    text = compiled_text()
    if "--write" in sys.argv:
        (data_dir("catalogue") / COMPILED).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
