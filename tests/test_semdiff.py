"""The semantic diff and its classification: one row per case of SPEC §3 "Expansion"."""

from __future__ import annotations

import copy

import pytest

from conftest import EXAMPLES
from pilotlint.documents.load import load_text
from pilotlint.history.semdiff import CONTRACTION, EXPANSION, NEUTRAL, Change, diff_documents, effects, resolve

CHARTER_PATH = "pilots/outbound-drafts/charter.yaml"
CHARTER_TEXT = (EXAMPLES / CHARTER_PATH).read_text(encoding="utf-8")


def charter():
    return load_text(CHARTER_TEXT).data


def _metric(doc, ident):
    return next(m for m in doc["scorecard"] if m["id"] == ident)


def _rule(doc, ident):
    return next(r for r in doc["stop_rules"] if r["id"] == ident)


def setter(*path, value=None, delete=False, append=None, remove=None):
    """An edit of the charter: set, delete, append to or remove from the value at `path`."""
    def edit(doc):
        node = doc
        for part in path[:-1]:
            node = node[part] if not callable(part) else part(node)
        last = path[-1]
        if delete:
            del node[last]
        elif append is not None:
            node[last].append(append)
        elif remove is not None:
            node[last].remove(remove)
        else:
            node[last] = value
    return edit


def metric(ident, key, value=None, delete=False):
    def edit(doc):
        m = _metric(doc, ident)
        if delete:
            del m[key]
        else:
            m[key] = value
    return edit


def stop_rule(ident, key, value):
    def edit(doc):
        _rule(doc, ident)[key] = value
    return edit


def drop_item(listname, key, ident):
    def edit(doc):
        doc[listname] = [i for i in doc[listname] if i.get(key) != ident]
    return edit


VENDOR = {"name": "OtherAI", "model": "m-1", "purpose": "drafting", "monthly_cost": 100, "approved_by": "oleg"}
SOURCE = {"source": "support-tickets", "classification": "personal", "access": "read"}
METRIC = {"id": "error_rate", "name": "Errors", "category": "error", "unit": "percent", "better": "lower",
          "baseline": {"value": 2, "measured_on": "2026-09-18"}, "success": 1, "stop": 4}
RULE = {"id": "cost", "metric": "weekly_cost", "level": "stop", "for_cycles": 1, "then": "pause"}

CASES = [
    # (id, edit, [(field, change, class)])
    ("team-added", setter("scope", "teams", append="sales-nordics"),
     [("scope.teams", "added", EXPANSION)]),
    ("team-removed", setter("scope", "teams", remove="sales-dach"),
     [("scope.teams", "removed", CONTRACTION)]),
    ("region-added", setter("scope", "regions", append="Nordics"),
     [("scope.regions", "added", EXPANSION)]),
    ("region-removed", setter("scope", "regions", value=[]),
     [("scope.regions", "removed", CONTRACTION)]),
    ("channel-added", setter("scope", "channels", append="linkedin"),
     [("scope.channels", "added", EXPANSION)]),
    ("channel-removed", setter("scope", "channels", value=[]),
     [("scope.channels", "removed", CONTRACTION)]),
    ("capability-on", setter("scope", "capabilities", "auto_send", value=True),
     [("scope.capabilities.auto_send", "changed", EXPANSION)]),
    ("capability-off", None, None),  # the reverse of capability-on, built below
    ("capability-added-on", setter("scope", "capabilities", "auto_reply", value=True),
     [("scope.capabilities.auto_reply", "added", EXPANSION)]),
    ("capability-added-off", setter("scope", "capabilities", "auto_reply", value=False),
     [("scope.capabilities.auto_reply", "added", NEUTRAL)]),
    ("review-sampled", setter("scope", "human_review", value="sampled"),
     [("scope.human_review", "changed", EXPANSION)]),
    ("review-none", setter("scope", "human_review", value="none"),
     [("scope.human_review", "changed", EXPANSION)]),
    ("review-removed", setter("scope", "human_review", delete=True),
     [("scope.human_review", "removed", EXPANSION)]),
    ("review-typo-fails-closed", setter("scope", "human_review", value="requried"),
     [("scope.human_review", "changed", EXPANSION)]),
    ("use-case-changed", setter("use_case", value="Draft emails and LinkedIn messages."),
     [("use_case", "changed", EXPANSION)]),
    ("cap-raised", setter("budget", "monthly_cap", value=3000),
     [("budget.monthly_cap", "changed", EXPANSION)]),
    ("cap-lowered", setter("budget", "monthly_cap", value=2000),
     [("budget.monthly_cap", "changed", CONTRACTION)]),
    ("cap-removed", setter("budget", "monthly_cap", delete=True),
     [("budget.monthly_cap", "removed", EXPANSION)]),
    ("overage-limit-raised", setter("budget", "overage", "limit", value=900),
     [("budget.overage.limit", "changed", EXPANSION)]),
    ("overage-limit-lowered", setter("budget", "overage", "limit", value=100),
     [("budget.overage.limit", "changed", CONTRACTION)]),
    ("overage-approver", setter("budget", "overage", "approver", value="tom"),
     [("budget.overage.approver", "changed", NEUTRAL)]),
    ("component-changed", setter("budget", "components", "software", value=350),
     [("budget.components.software", "changed", NEUTRAL)]),
    ("vendor-added", setter("vendors", append=VENDOR),
     [("vendors[OtherAI]", "added", EXPANSION)]),
    ("vendor-removed", setter("vendors", value=[]),
     [("vendors[ExampleAI]", "removed", CONTRACTION)]),
    ("vendor-model", lambda d: d["vendors"][0].__setitem__("model", "example-xl"),
     [("vendors[ExampleAI].model", "changed", NEUTRAL)]),
    ("source-added", setter("data_access", append=SOURCE),
     [("data_access[support-tickets]", "added", EXPANSION)]),
    ("source-removed", setter("data_access", value=[]),
     [("data_access[crm-contacts]", "removed", CONTRACTION)]),
    ("access-write", lambda d: d["data_access"][0].__setitem__("access", "write"),
     [("data_access[crm-contacts].access", "changed", EXPANSION)]),
    ("classification-personal", lambda d: d["data_access"][0].__setitem__("classification", "personal"),
     [("data_access[crm-contacts].classification", "changed", EXPANSION)]),
    ("classification-internal", lambda d: d["data_access"][0].__setitem__("classification", "internal"),
     [("data_access[crm-contacts].classification", "changed", CONTRACTION)]),
    ("legal-review-date", lambda d: d["data_access"][0]["legal_review"].__setitem__("on", "2026-09-30"),
     [("data_access[crm-contacts].legal_review.on", "changed", NEUTRAL)]),
    ("metric-removed", drop_item("scorecard", "id", "edit_minutes"),
     [("scorecard[edit_minutes]", "removed", EXPANSION)]),
    ("metric-added", setter("scorecard", append=METRIC),
     [("scorecard[error_rate]", "added", CONTRACTION)]),
    # better: higher (reply_rate, success 3.0, stop 2.0)
    ("higher-success-lowered", metric("reply_rate", "success", 2.5),
     [("scorecard[reply_rate].success", "changed", EXPANSION)]),
    ("higher-success-raised", metric("reply_rate", "success", 3.5),
     [("scorecard[reply_rate].success", "changed", CONTRACTION)]),
    ("higher-stop-lowered", metric("reply_rate", "stop", 1.5),
     [("scorecard[reply_rate].stop", "changed", EXPANSION)]),
    ("higher-stop-raised", metric("reply_rate", "stop", 2.5),
     [("scorecard[reply_rate].stop", "changed", CONTRACTION)]),
    # better: lower (draft_minutes, success 6, stop 11)
    ("lower-success-raised", metric("draft_minutes", "success", 8),
     [("scorecard[draft_minutes].success", "changed", EXPANSION)]),
    ("lower-success-lowered", metric("draft_minutes", "success", 5),
     [("scorecard[draft_minutes].success", "changed", CONTRACTION)]),
    ("lower-stop-raised", metric("draft_minutes", "stop", 13),
     [("scorecard[draft_minutes].stop", "changed", EXPANSION)]),
    ("lower-stop-lowered", metric("draft_minutes", "stop", 10),
     [("scorecard[draft_minutes].stop", "changed", CONTRACTION)]),
    ("stop-level-removed", metric("draft_minutes", "stop", delete=True),
     [("scorecard[draft_minutes].stop", "removed", EXPANSION)]),
    ("baseline-changed", lambda d: _metric(d, "draft_minutes")["baseline"].__setitem__("value", 13),
     [("scorecard[draft_minutes].baseline.value", "changed", NEUTRAL)]),
    ("metric-renamed", metric("draft_minutes", "name", "Minutes per draft"),
     [("scorecard[draft_minutes].name", "changed", NEUTRAL)]),
    ("stop-rule-removed", drop_item("stop_rules", "id", "misses-target"),
     [("stop_rules[misses-target]", "removed", EXPANSION)]),
    ("stop-rule-added", setter("stop_rules", append=RULE),
     [("stop_rules[cost]", "added", CONTRACTION)]),
    ("stop-rule-later", stop_rule("misses-target", "for_cycles", 3),
     [("stop_rules[misses-target].for_cycles", "changed", EXPANSION)]),
    ("stop-rule-sooner", stop_rule("misses-target", "for_cycles", 1),
     [("stop_rules[misses-target].for_cycles", "changed", CONTRACTION)]),
    ("stop-rule-weaker-action", stop_rule("misses-target", "then", "review"),
     [("stop_rules[misses-target].then", "changed", EXPANSION)]),
    ("stop-rule-stronger-action", stop_rule("misses-target", "then", "stop"),
     [("stop_rules[misses-target].then", "changed", CONTRACTION)]),
    ("stop-rule-condition-looser", stop_rule("edits-exceed-savings", "for_cycles", 4),
     [("stop_rules[edits-exceed-savings].for_cycles", "changed", EXPANSION)]),
    ("regions-list-removed", setter("scope", "regions", delete=True),
     [("scope.regions", "removed", EXPANSION)]),
    ("teams-list-removed", setter("scope", "teams", delete=True),
     [("scope.teams", "removed", EXPANSION)]),
    ("out-of-scope-item-removed", lambda d: d["out_of_scope"].pop(0),
     [("out_of_scope", "removed", EXPANSION)]),
    ("out-of-scope-item-added", setter("out_of_scope", append="Cold calls"),
     [("out_of_scope", "added", CONTRACTION)]),
    ("freeze-window-removed", setter("freeze", value=[]),
     [("freeze[0]", "removed", EXPANSION)]),
    ("freeze-window-shortened", lambda d: d["freeze"][0].__setitem__("to", "2026-10-10"),
     [("freeze[0].to", "changed", EXPANSION)]),
    ("freeze-window-lengthened", lambda d: d["freeze"][0].__setitem__("to", "2026-10-20"),
     [("freeze[0].to", "changed", CONTRACTION)]),
    ("freeze-removed-whole", setter("freeze", delete=True),
     [("freeze", "removed", EXPANSION)]),
    ("oversight-changed", setter("oversight", value="maria"),
     [("oversight", "changed", NEUTRAL)]),
    ("incident-removed", setter("incident", delete=True),
     [("incident", "removed", EXPANSION)]),
    ("prompts-changed", setter("prompts", "set", value="outbound-v4"),
     [("prompts.set", "changed", NEUTRAL)]),
    ("metric-direction-flipped", metric("reply_rate", "better", "lower"),
     [("scorecard[reply_rate].better", "changed", EXPANSION)]),
    ("cap-replaced-by-text", setter("budget", value="plenty"),
     [("budget", "changed", EXPANSION)]),
    ("trains-on-our-data", lambda d: d["vendors"][0].__setitem__("trains_on_our_data", True),
     [("vendors[ExampleAI].trains_on_our_data", "changed", EXPANSION)]),
    ("status-expanding", setter("status", value="expanding"),
     [("status", "changed", EXPANSION)]),
    ("status-paused", setter("status", value="paused"),
     [("status", "changed", CONTRACTION)]),
    ("owner-changed", setter("owner", value="maria"),
     [("owner", "changed", NEUTRAL)]),
    ("authority-removed", setter("authority", remove="pause"),
     [("authority", "removed", NEUTRAL)]),
    ("scope-removed-whole", setter("scope", delete=True),
     [("scope", "removed", EXPANSION)]),
    ("vendors-replaced-by-text", setter("vendors", value="ExampleAI"),
     [("vendors", "changed", EXPANSION)]),
]


def _capability_off():
    base = charter()
    base["scope"]["capabilities"]["auto_send"] = True
    return base


@pytest.mark.parametrize("case_id,edit,expected", [pytest.param(*c, id=c[0]) for c in CASES])
def test_classification(case_id, edit, expected):
    if case_id == "capability-off":
        base, head = _capability_off(), charter()
        expected = [("scope.capabilities.auto_send", "changed", CONTRACTION)]
    else:
        base, head = charter(), charter()
        edit(head)
    changes = diff_documents(base, head, path=CHARTER_PATH)
    got = [(c.field, c.change, c.class_) for c in changes]
    assert got == expected
    assert all(c.gated and c.pilot == "outbound-drafts" and c.kind == "Charter" for c in changes)


@pytest.mark.parametrize("key,value", [("title", "New title"), ("reviewers", {"product": "maria"}),
                                       ("timeline", {"start": "2026-10-02"}), ("x-cost-centre", "CC1")])
def test_non_gated_changes_are_reported_but_not_gated(key, value):
    base, head = charter(), charter()
    head[key] = value
    changes = diff_documents(base, head, path=CHARTER_PATH)
    assert changes and all(not c.gated and c.class_ == NEUTRAL for c in changes)


def test_item_changes_name_the_value():
    base, head = charter(), charter()
    head["scope"]["regions"].append("Nordics")
    (change,) = diff_documents(base, head, path=CHARTER_PATH)
    assert (change.from_, change.to) == (None, "Nordics")
    assert change.to_json() == {"pilot": "outbound-drafts", "path": CHARTER_PATH, "field": "scope.regions",
                                "change": "added", "class": "expansion", "from": None, "to": "Nordics",
                                "gated": True, "kind": "Charter"}


def test_a_document_compared_with_itself_has_no_changes():
    assert diff_documents(charter(), charter(), path=CHARTER_PATH) == []


def test_key_order_and_formatting_do_not_matter():
    import yaml

    from examples_runner import _Loader  # keeps dates as text and `on` as the word "on"

    data = yaml.load(CHARTER_TEXT, Loader=_Loader)
    data = {k: data[k] for k in reversed(list(data))}  # reversed keys, flow style, no comments
    text = yaml.safe_dump(data, default_flow_style=True, sort_keys=True, width=60)
    assert text != CHARTER_TEXT
    reformatted = load_text(text).data
    assert list(reformatted) != list(charter())
    assert diff_documents(charter(), reformatted, path=CHARTER_PATH) == []


def test_set_like_lists_ignore_order_ordered_lists_do_not():
    base, head = charter(), charter()
    head["authority"] = list(reversed(head["authority"]))
    head["out_of_scope"] = list(reversed(head["out_of_scope"]))
    assert diff_documents(base, head, path=CHARTER_PATH) == []
    plan = load_text((EXAMPLES / "pilots/outbound-drafts/rollback.yaml").read_text()).data
    reordered = copy.deepcopy(plan)
    reordered["switch_off"] = list(reversed(plan["switch_off"]))  # the order of the steps is the plan
    (change,) = diff_documents(plan, reordered, path="pilots/outbound-drafts/rollback.yaml")
    assert (change.field, change.change, change.gated) == ("switch_off", "changed", False)


def test_a_change_path_is_a_tuple_and_one_resolver_finds_its_node():
    base, head = charter(), charter()
    head["vendors"][0]["name"] = "Example.AI"
    head["vendors"][0]["model"] = "m-2"
    base["vendors"][0]["name"] = "Example.AI"
    (change,) = diff_documents(base, head, path=CHARTER_PATH)
    assert change.field == "vendors[Example.AI].model"
    assert isinstance(change.where, tuple) and change.where[0] == "vendors"
    assert resolve(head, change.where) == ("vendors", 0, "model")


def test_true_is_not_one():
    base, head = charter(), charter()
    head["scope"]["capabilities"]["auto_send"] = 0
    (change,) = diff_documents(base, head, path=CHARTER_PATH)
    assert change.change == "changed" and change.class_ == NEUTRAL


def test_lists_of_unnamed_mappings_are_compared_by_position():
    base, head = charter(), charter()
    head["decisions"] = [*head["decisions"], {"on": "2026-11-20", "call": "expand", "by": "oleg", "why": "ok"}]
    (change,) = diff_documents(base, head, path=CHARTER_PATH)
    assert (change.field, change.change, change.gated) == ("decisions[1]", "added", False)


def test_other_kinds_are_neutral_and_not_gated():
    note = {"apiVersion": "pilotlint/v1", "kind": "WeeklyNote", "pilot": "p", "week": "2026-W45",
            "metrics": {"a": 1}}
    changed = copy.deepcopy(note)
    changed["metrics"]["a"] = 2
    (change,) = diff_documents(note, changed, path="pilots/p/notes/2026-W45.yaml")
    assert (change.field, change.class_, change.gated, change.kind) == ("metrics.a", NEUTRAL, False, "WeeklyNote")


def test_effects():
    base, head = charter(), charter()
    head["budget"]["monthly_cap"] = 3000
    head["scope"]["regions"].append("Nordics")
    assert effects(diff_documents(base, head, path=CHARTER_PATH)) == {"cost": "higher", "risk": "higher"}
    assert effects([]) == {"cost": "none", "risk": "none"}
    assert isinstance(Change(None, "p", "f", "added", NEUTRAL), Change)


def test_the_table_in_docs_gate_md_is_the_one_the_code_uses():
    from pathlib import Path

    from pilotlint.history.expansion import TABLE, markdown_table

    text = (Path(__file__).resolve().parents[1] / "docs/gate.md").read_text(encoding="utf-8")
    begin, end = "<!-- expansion-table: begin -->\n", "<!-- expansion-table: end -->"
    shown = text[text.index(begin) + len(begin):text.index(end)]
    assert shown == markdown_table(), ("docs/gate.md is out of step with pilotlint/history/expansion.py; paste "
                                       "the output of markdown_table() between the markers")
    assert shown.count("\n| `") >= len(TABLE)   # every row of the table is in the docs
