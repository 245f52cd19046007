"""The JSON Schemas in schemas/ are the single source of the document formats (SPEC §7).

These tests hold them to the conventions other code relies on: valid draft 2020-12,
a description on every property (editors show them as hover help), unknown keys rejected
but `x-` keys free, and minimal `required` lists (governance rules report the rest).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

KIND_FILES = {
    "Config": "config.json",
    "Charter": "charter.json",
    "WeeklyNote": "weekly-note.json",
    "RollbackPlan": "rollback-plan.json",
    "Approval": "approval.json",
    "Policy": "policy.json",
}

SHA = "sha256:" + "0123456789abcdef" * 4


def load(kind: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / KIND_FILES[kind]).read_text(encoding="utf-8"))


def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(load(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(kind: str, doc: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(kind).iter_errors(doc)
    ]


# --------------------------------------------------------------------------- documents

MINIMAL = {
    "Config": {"apiVersion": "pilotlint/v1", "kind": "Config"},
    "Charter": {"apiVersion": "pilotlint/v1", "kind": "Charter", "pilot": "outbound-drafts"},
    "WeeklyNote": {
        "apiVersion": "pilotlint/v1",
        "kind": "WeeklyNote",
        "pilot": "outbound-drafts",
        "week": "2026-W45",
    },
    "RollbackPlan": {"apiVersion": "pilotlint/v1", "kind": "RollbackPlan", "pilot": "outbound-drafts"},
    "Approval": {
        "apiVersion": "pilotlint/v1",
        "kind": "Approval",
        "pilot": "outbound-drafts",
        "approver": "oleg",
        "decision": "approve",
        "covers": SHA,
        "on": "2026-11-20",
    },
    "Policy": {"apiVersion": "pilotlint/v1", "kind": "Policy", "rules": []},
}

# The examples of SPEC §2 and §3, as the loader hands them over (dates stay text).
FULL = {
    "Config": {
        "apiVersion": "pilotlint/v1",
        "kind": "Config",
        "paths": ["pilots"],
        "admins": ["anna"],
        "people": {
            "oleg": {"name": "Oleg Petrov", "email": "oleg@acme.example", "roles": ["cto"]},
            "lena": {
                "name": "Lena Ortiz",
                "email": "lena@acme.example",
                "roles": ["legal"],
                "signing_key": "ssh-ed25519 AAAA... lena",
            },
        },
        "rules": {
            "ignore": ["PL503"],
            "select": ["PL1", "PL301"],
            "severity": {"PL603": "warning"},
            "overrides": [{"paths": ["pilots/sandbox-*/**"], "ignore": ["PL7"], "severity": {"PL2": "info"}}],
            "extra": ["policies/acme.yaml"],
            "unsuppressible": ["PL8", "PL9"],
        },
        "gate": {"require_signed": False, "drill_max_age_days": 90},
        "limits": {"max_file_bytes": 1048576, "max_depth": 64, "max_nodes": 100000},
    },
    "Charter": {
        "apiVersion": "pilotlint/v1",
        "kind": "Charter",
        "pilot": "outbound-drafts",
        "title": "AI first drafts for outbound sales emails",
        "status": "active",
        "use_case": "Draft first-contact emails for DACH sales reps.",
        "owner": "oleg",
        "authority": ["approve_vendors", "pause", "define_metrics", "reject_scope", "own_budget"],
        "oversight": "anna",
        "reviewers": {"product": "maria", "finance": "tom", "legal": "lena"},
        "scope": {
            "teams": ["sales-dach"],
            "regions": ["DACH"],
            "channels": ["email"],
            "human_review": "required",
            "capabilities": {"auto_send": False},
        },
        "vendors": [
            {
                "name": "ExampleAI",
                "model": "example-large-2",
                "model_version": "2026-09-15",
                "purpose": "drafting",
                "monthly_cost": 400,
                "approved_by": "oleg",
                "retention_days": 30,
                "trains_on_our_data": False,
            }
        ],
        "prompts": {"set": "outbound-v3", "path": "prompts/outbound-v3/"},
        "data_access": [
            {
                "source": "crm-contacts",
                "classification": "customer",
                "access": "read",
                "legal_review": {"by": "lena", "on": "2026-09-28"},
                "retention_days": 90,
            }
        ],
        "budget": {
            "currency": "USD",
            "monthly_cap": 2500,
            "components": {"software": 300, "model_usage": 400, "outside_help": 800, "staff_time": 1000},
            "overage": {"approver": "maria", "limit": 500},
        },
        "scorecard": [
            {
                "id": "draft_minutes",
                "name": "Drafting time per email",
                "category": "speed",
                "unit": "minutes",
                "better": "lower",
                "baseline": {"value": 12, "measured_on": "2026-09-20", "method": "timed 40 manual drafts"},
                "success": 6,
                "stop": 11,
            },
            {
                "id": "reply_rate",
                "name": "Reply rate",
                "category": "quality",
                "unit": "percent",
                "better": "higher",
                "baseline": {"value": 3.0, "measured_on": "2026-09-20"},
                "success": 3.0,
                "stop": 2.0,
            },
        ],
        "stop_rules": [
            {"id": "misses-target", "metric": "reply_rate", "level": "not_success", "for_cycles": 2, "then": "pause"},
            {"id": "edits-exceed-savings", "metric": "edit_minutes", "above_metric": "saved_minutes",
             "for_cycles": 2, "then": "pause"},
            {"id": "too-slow", "metric": "draft_minutes", "above": 10, "then": "review"},
        ],
        "timeline": {
            "start": "2026-10-01",
            "setup_days": 30,
            "review_days": 45,
            "review_on": "2026-12-15",
            "cadence_days": 7,
        },
        "freeze": [{"from": "2026-10-01", "to": "2026-10-14", "reason": "handoff audit"}],
        "decisions": [{"on": "2026-10-31", "call": "fix", "by": "oleg", "why": "reply rate in retry band"}],
        "rollback": "rollback.yaml",
        "out_of_scope": ["pricing decisions"],
        "incident": {"definition": "an email with another customer's data", "notify": ["oleg", "lena"],
                     "within_hours": 24},
        "disclosure": "The email footer says AI helped draft it.",
    },
    "WeeklyNote": {
        "apiVersion": "pilotlint/v1",
        "kind": "WeeklyNote",
        "pilot": "outbound-drafts",
        "week": "2026-W45",
        "changes": [
            {
                "what": "Switched to prompt set outbound-v3",
                "why": "Managers flagged tone drift with v2",
                "approved_by": "oleg",
                "area": "prompts",
                "effect": {"cost": "none", "risk": "lower"},
            }
        ],
        "spend": {
            "month_to_date": 1900,
            "forecast_month": 2450,
            "by_component": {"software": 300, "model_usage": 350, "outside_help": 700, "staff_time": 1100},
            "overage": {"amount": 300, "approved_by": "maria", "written_approval": "docs/approvals/2026-11.md"},
        },
        "metrics": {"draft_minutes": 5.5, "reply_rate": 3.2, "saved_minutes": 6.5},
        "risks": [{"text": "Reps paste customer notes into prompts", "severity": "high", "owner": "oleg",
                   "status": "open"}],
        "next_decision": {"question": "Add the Nordics region?", "approver": "oleg", "due": "2026-11-21"},
    },
    "RollbackPlan": {
        "apiVersion": "pilotlint/v1",
        "kind": "RollbackPlan",
        "pilot": "outbound-drafts",
        "decision_maker": "oleg",
        "triggers": ["reply rate below stop level", "data incident"],
        "switch_off": ["Disable the drafting button in the CRM", "Revoke the vendor API key"],
        "old_workflow": {
            "description": "Reps write from the saved template library",
            "owner": "maria",
            "tools": ["crm-templates", "shared-inbox"],
            "ready": True,
        },
        "fallback": {"location": "fallback/outbound/"},
        "saved": {
            "data_export": {"location": "s3://acme-backup/outbound/2026-11-01/", "saved_on": "2026-11-01"},
            "vendor_settings": {"location": "fallback/outbound/vendor-settings.yaml", "saved_on": "2026-11-01"},
            "prompt_versions": {"location": "fallback/outbound/prompts/", "saved_on": "2026-11-01"},
            "access_notes": {"location": "fallback/outbound/access.md", "saved_on": "2026-11-01"},
        },
        "failure_response": {"alert": "maria", "decides": "oleg", "manual_process": "Work goes back to the reps"},
        "drills": [
            {"on": "2026-10-20", "duration_minutes": 60, "participants": ["maria", "oleg"], "passed": True,
             "gaps": ["template sheet was missing"], "fixed": True}
        ],
    },
    "Approval": {
        "apiVersion": "pilotlint/v1",
        "kind": "Approval",
        "target": "charter",
        "pilot": "outbound-drafts",
        "approver": "oleg",
        "decision": "reject",
        "covers": SHA,
        "on": "2026-11-20",
        "note": "Nordics approved after the W46 review",
        "signature": "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n",
    },
    "Policy": {
        "apiVersion": "pilotlint/v1",
        "kind": "Policy",
        "rules": [
            {
                "id": "ACME001",
                "severity": "error",
                "message": "Every vendor links its signed data processing agreement",
                "match": {"kind": "Charter", "status": ["active", "expanding"], "pilot": "outbound-drafts"},
                "require": {"properties": {"vendors": {"items": {"required": ["x-dpa"]}}}},
            },
            {
                "id": "ACME002",
                "severity": "warning",
                "message": "Notes name a next decision",
                "match": {"kind": ["WeeklyNote"]},
                "require": {"required": ["next_decision"]},
            },
        ],
    },
}


# --------------------------------------------------------------------------- schema shape


def walk_schemas(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield every subschema that documents a field: property values, map values, list items, $defs."""
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in ("properties", "$defs") and isinstance(value, dict):
            for name, sub in value.items():
                yield f"{where}/{key}/{name}", sub
                yield from walk_schemas(sub, f"{where}/{key}/{name}")
        elif key in ("additionalProperties", "items") and isinstance(value, dict):
            yield f"{where}/{key}", value
            yield from walk_schemas(value, f"{where}/{key}")
        elif key in ("anyOf", "oneOf", "allOf", "prefixItems") and isinstance(value, list):
            for i, sub in enumerate(value):
                yield from walk_schemas(sub, f"{where}/{key}/{i}")
        elif key in ("if", "then", "else", "not", "patternProperties", "dependentSchemas"):
            if key == "patternProperties":
                for name, sub in value.items():
                    yield from walk_schemas(sub, f"{where}/{key}/{name}")
            else:
                yield from walk_schemas(value, f"{where}/{key}")


def walk_objects(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield every subschema of type object."""
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield where, node
        for key, value in node.items():
            if key in ("enum", "const", "default", "examples"):
                continue
            yield from walk_objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk_objects(value, f"{where}/{i}")


@pytest.mark.parametrize("kind", KIND_FILES)
def test_schema_is_valid_draft_2020_12(kind: str) -> None:
    schema = load(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://pilotlint.dev/schemas/v1/{KIND_FILES[kind]}"
    assert schema["title"] and schema["description"]
    assert schema["properties"]["apiVersion"]["const"] == "pilotlint/v1"
    assert schema["properties"]["kind"]["const"] == kind


@pytest.mark.parametrize("kind", KIND_FILES)
def test_every_property_has_a_description(kind: str) -> None:
    missing = [
        where
        for where, sub in walk_schemas(load(kind))
        if sub and not (isinstance(sub.get("description"), str) and sub["description"].strip())
    ]
    assert not missing, f"no description: {missing}"


@pytest.mark.parametrize("kind", KIND_FILES)
def test_every_object_is_closed_except_x_keys(kind: str) -> None:
    for where, sub in walk_objects(load(kind)):
        if where.endswith("/require"):  # Policy.require is itself a free-form JSON Schema
            continue
        assert sub.get("patternProperties") == {"^x-": {}}, where
        assert "additionalProperties" in sub, where
        if "properties" in sub and not isinstance(sub["additionalProperties"], dict):
            assert sub["additionalProperties"] is False, where


@pytest.mark.parametrize("kind", KIND_FILES)
def test_schemas_hold_no_boolean_subschemas(kind: str) -> None:
    # jsonschema drops the instance path of errors raised by `false` subschemas,
    # so a finding could not point at its line.
    def find(node: Any, where: str) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("const", "default", "enum", "additionalProperties", "examples"):
                    continue
                if isinstance(value, bool):
                    yield f"{where}/{key}"
                yield from find(value, f"{where}/{key}")
            if node.get("properties"):
                for name, sub in node["properties"].items():
                    if isinstance(sub, bool):
                        yield f"{where}/properties/{name}"
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from find(v, f"{where}/{i}")

    assert not list(find(load(kind), "#"))


# --------------------------------------------------------------------------- valid documents


@pytest.mark.parametrize("kind", KIND_FILES)
def test_minimal_document_is_valid(kind: str) -> None:
    assert errors(kind, MINIMAL[kind]) == []


@pytest.mark.parametrize("kind", KIND_FILES)
def test_full_spec_example_is_valid(kind: str) -> None:
    assert errors(kind, FULL[kind]) == []


@pytest.mark.parametrize("kind", KIND_FILES)
def test_x_keys_are_free_at_every_level(kind: str) -> None:
    doc = copy.deepcopy(FULL[kind])

    def add_x_keys(node: Any) -> int:
        if isinstance(node, list):
            return sum(add_x_keys(item) for item in node)
        if not isinstance(node, dict):
            return 0
        added = sum(add_x_keys(value) for value in node.values())
        node["x-extra"] = {"anything": [1, "goes"]}
        return added + 1

    assert add_x_keys(doc) >= 1
    assert errors(kind, doc) == []


# --------------------------------------------------------------------------- invalid documents


@pytest.mark.parametrize("kind", KIND_FILES)
def test_unknown_top_level_key_is_rejected(kind: str) -> None:
    doc = dict(MINIMAL[kind], ownr="oleg")
    found = list(validator(kind).iter_errors(doc))
    assert [e.validator for e in found] == ["additionalProperties"]
    assert "ownr" in found[0].message


@pytest.mark.parametrize("kind", KIND_FILES)
def test_wrong_api_version_or_kind_is_rejected(kind: str) -> None:
    assert errors(kind, dict(MINIMAL[kind], apiVersion="pilotlint/v2"))
    assert errors(kind, dict(MINIMAL[kind], kind="Something"))
    assert errors(kind, {k: v for k, v in MINIMAL[kind].items() if k != "kind"})


@pytest.mark.parametrize(
    "kind, path, value",
    [
        ("Charter", ["owner"], ["oleg", "maria"]),
        ("Charter", ["pilot"], "Outbound Drafts"),
        ("Charter", ["status"], "running"),
        ("Charter", ["scope", "human_review"], "sometimes"),
        ("Charter", ["scope", "capabilities", "auto_send"], "yes"),
        ("Charter", ["scope", "tems"], ["sales"]),
        ("Charter", ["budget", "monthly_cap"], "2500"),
        ("Charter", ["budget", "monthly_cap"], -1),
        ("Charter", ["budget", "components", "gpu_rental"], "a lot"),
        ("Charter", ["data_access", 0, "access"], "admin"),
        ("Charter", ["data_access", 0, "classification"], "secret"),
        ("Charter", ["scorecard", 0, "category"], "vibes"),
        ("Charter", ["scorecard", 0, "better"], "more"),
        ("Charter", ["scorecard", 0, "baseline", "measured_on"], "2026-13-01"),
        ("Charter", ["stop_rules", 0, "level"], "bad"),
        ("Charter", ["stop_rules", 0, "for_cycles"], 0),
        ("Charter", ["stop_rules", 0, "then"], "panic"),
        ("Charter", ["decisions", 0, "call"], "maybe"),
        ("Charter", ["timeline", "start"], "01.10.2026"),
        ("Charter", ["vendors", 0, "trains_on_our_data"], "no"),
        ("Charter", ["vendors", 0, "retention_days"], 1.5),
        ("Charter", ["authority"], ["approve_vendors", "everything"]),
        ("WeeklyNote", ["week"], "2026-W54"),
        ("WeeklyNote", ["week"], "2026-45"),
        ("WeeklyNote", ["metrics", "reply_rate"], "3.2%"),
        ("WeeklyNote", ["changes", 0, "effect", "risk"], "much"),
        ("WeeklyNote", ["risks", 0, "severity"], "huge"),
        ("WeeklyNote", ["risks", 0, "status"], "pending"),
        ("WeeklyNote", ["spend", "by_component", "software"], None),
        ("RollbackPlan", ["saved", "data_export", "saved_on"], "yesterday"),
        ("RollbackPlan", ["saved", "backup"], {"location": "x"}),
        ("RollbackPlan", ["old_workflow", "ready"], "soon"),
        ("RollbackPlan", ["drills", 0, "participants"], "maria"),
        ("Approval", ["decision"], "approved"),
        ("Approval", ["covers"], "sha256:3f5a"),
        ("Approval", ["covers"], "sha1:" + "0" * 40),
        ("Approval", ["on"], "2026-11-31"),
        ("Approval", ["target"], "policy"),
        ("Config", ["people", "oleg", "email"], "not-an-email"),
        ("Config", ["people", "oleg", "roles"], "cto"),
        ("Config", ["people", "bad id!"], {"name": "X"}),
        ("Config", ["rules", "severity", "PL603"], "fatal"),
        ("Config", ["rules", "ignore"], ["pl503"]),
        ("Config", ["gate", "require_signed"], "yes"),
        ("Config", ["limits", "max_depth"], 0),
        ("Config", ["admins"], "anna"),
        ("Policy", ["rules", 0, "id"], "acme-1"),
        ("Policy", ["rules", 0, "severity"], "fatal"),
        ("Policy", ["rules", 0, "match", "kind"], "Chart"),
        ("Policy", ["rules", 0, "match", "status"], ["active", "bogus"]),
        ("Policy", ["rules", 0, "require"], "must have a DPA"),
    ],
)
def test_wrong_value_is_rejected(kind: str, path: list[Any], value: Any) -> None:
    doc = copy.deepcopy(FULL[kind])
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    assert errors(kind, doc), f"{kind} accepted {path}={value!r}"


@pytest.mark.parametrize(
    "kind, path",
    [
        ("Charter", ["pilot"]),
        ("WeeklyNote", ["week"]),
        ("WeeklyNote", ["changes", 0, "what"]),
        ("WeeklyNote", ["risks", 0, "text"]),
        ("Charter", ["vendors", 0, "name"]),
        ("Charter", ["data_access", 0, "source"]),
        ("Charter", ["scorecard", 0, "id"]),
        ("Charter", ["stop_rules", 0, "id"]),
        ("Charter", ["incident", "within_hours"]),
        ("Charter", ["incident", "notify"]),
        ("Approval", ["covers"]),
        ("Approval", ["approver"]),
        ("Approval", ["pilot"]),
        ("Config", ["rules", "overrides", 0, "paths"]),
        ("Policy", ["rules", 0, "require"]),
    ],
)
def test_identifying_field_is_required(kind: str, path: list[Any]) -> None:
    doc = copy.deepcopy(FULL[kind])
    node = doc
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]
    found = list(validator(kind).iter_errors(doc))
    assert [e.validator for e in found] == ["required"], found


def test_governance_fields_are_not_required_by_the_schema() -> None:
    # Rules such as PL101 or PL301 report these with messages that teach.
    charter = load("Charter")
    assert charter["required"] == ["apiVersion", "kind", "pilot"]
    assert load("RollbackPlan")["required"] == ["apiVersion", "kind", "pilot"]
    assert load("WeeklyNote")["required"] == ["apiVersion", "kind", "pilot", "week"]
    vendor = charter["properties"]["vendors"]["items"]
    assert vendor["required"] == ["name"]


def test_unknown_nested_key_fails_at_its_mapping() -> None:
    doc = copy.deepcopy(FULL["Charter"])
    doc["vendors"][0]["aproved_by"] = "oleg"
    found = list(validator("Charter").iter_errors(doc))
    assert len(found) == 1
    assert found[0].validator == "additionalProperties"
    assert list(found[0].absolute_path) == ["vendors", 0]
    assert "aproved_by" in found[0].message


def test_extra_budget_components_are_numbers() -> None:
    doc = copy.deepcopy(FULL["Charter"])
    doc["budget"]["components"]["gpu_rental"] = 120
    doc["scope"]["capabilities"]["auto_reply"] = True
    assert errors("Charter", doc) == []


def test_config_approval_has_no_pilot() -> None:
    doc = {k: v for k, v in MINIMAL["Approval"].items() if k != "pilot"}
    doc["target"] = "config"
    assert errors("Approval", doc) == []

    doc["pilot"] = "outbound-drafts"
    found = list(validator("Approval").iter_errors(doc))
    assert len(found) == 1
    assert list(found[0].absolute_path) == ["pilot"]


def test_charter_approval_needs_a_pilot() -> None:
    doc = {k: v for k, v in MINIMAL["Approval"].items() if k != "pilot"}
    assert errors("Approval", doc) == [": 'pilot' is a required property"]
    doc["target"] = "charter"
    assert errors("Approval", doc) == [": 'pilot' is a required property"]


def test_incident_needs_all_three_fields() -> None:
    doc = dict(MINIMAL["Charter"], incident={"definition": "data leak"})
    messages = errors("Charter", doc)
    assert any("'notify' is a required property" in m for m in messages)
    assert any("'within_hours' is a required property" in m for m in messages)


def test_stop_rule_numeric_thresholds() -> None:
    doc = dict(MINIMAL["Charter"], stop_rules=[{"id": "low", "metric": "reply_rate", "below": 2.5, "for_cycles": 1}])
    assert errors("Charter", doc) == []
    doc["stop_rules"][0]["below"] = "2.5"
    assert errors("Charter", doc)


def test_policy_match_takes_one_value_or_a_list() -> None:
    doc = copy.deepcopy(FULL["Policy"])
    doc["rules"][0]["match"] = {"kind": ["Charter", "RollbackPlan"], "status": "active", "pilot": ["a", "b-2"]}
    assert errors("Policy", doc) == []
    doc["rules"][0]["match"]["pilot"] = ["Bad Slug"]
    assert errors("Policy", doc)
    doc["rules"][0]["match"] = {"kind": []}
    assert errors("Policy", doc)
