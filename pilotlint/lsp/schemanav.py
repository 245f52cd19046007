"""The schema node at a document path, for completion, hover and scaffolds.

Works on the self-contained form (`engine_adapter.schema`: no `$ref` left), so a step
is a property, a pattern property, `additionalProperties` or `items`. Which fields hold
a person id or a metric id is said once, in FIELDS.
"""

from __future__ import annotations

import re

# (kind, path pattern) -> what the value is; `*` matches a list index.
FIELDS = (
    ("Charter", ("stop_rules", "*", "metric"), "metric"),
    ("Charter", ("stop_rules", "*", "above_metric"), "metric"),
    ("Charter", ("stop_rules", "*", "below_metric"), "metric"),
    ("WeeklyNote", ("metrics", "<key>"), "metric"),
)
PERSON_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*$"   # schemas/*.json `$defs/personId`


def node_at(schema: dict | None, path: tuple) -> dict | None:
    node = schema
    for step in path:
        if not isinstance(node, dict):
            return None
        node = _step(node, step)
    return node if isinstance(node, dict) else None


def _step(node: dict, step) -> dict | None:
    if isinstance(step, int):
        items = node.get("items")
        return items if isinstance(items, dict) else None
    properties = node.get("properties") or {}
    if step in properties:
        return properties[step]
    for pattern, sub in (node.get("patternProperties") or {}).items():
        try:
            if re.search(pattern, str(step)):
                return sub if isinstance(sub, dict) else {}
        except re.error:
            continue
    extra = node.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def field_kind(kind: str | None, path: tuple, node: dict | None) -> str | None:
    """`person`, `metric` or None for the value at `path`."""
    for field_kind_, pattern, what in FIELDS:
        if field_kind_ == kind and _matches(pattern, path):
            return what
    if node and node.get("pattern") == PERSON_PATTERN:  # every field of this form is a person id
        return "person"
    return None


def keys_are(kind: str | None, path: tuple) -> str | None:
    """What the keys of the mapping at `path` are, when they are ids (`metrics:` of a note)."""
    for field_kind_, pattern, what in FIELDS:
        if field_kind_ == kind and pattern[-1] == "<key>" and _matches(pattern[:-1], path):
            return what
    return None


def _matches(pattern: tuple, path: tuple) -> bool:
    if len(pattern) != len(path):
        return False
    return all(p == "*" and isinstance(s, int) or p == "<key>" and isinstance(s, str) or p == s
               for p, s in zip(pattern, path))


def values(node: dict | None) -> list:
    """The values a field may take, when the schema lists them."""
    if not node:
        return []
    if "enum" in node:
        return list(node["enum"])
    if "const" in node:
        return [node["const"]]
    if node.get("type") == "boolean":
        return [True, False]
    return []


def properties(node: dict | None) -> dict[str, dict]:
    return dict((node or {}).get("properties") or {})


def required(node: dict | None) -> list[str]:
    return list((node or {}).get("required") or [])


def first_sentence(text: str) -> str:
    sentence = (text or "").strip().split(". ")[0].rstrip(".")
    return sentence
