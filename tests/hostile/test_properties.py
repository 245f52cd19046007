"""Properties of the loader, the semantic diff and the approval hash (hypothesis).

- The loader never raises anything but `LoadError`, on any text or bytes, and what it
  returns is plain JSON (string keys, finite numbers).
- The semantic diff of a document with itself is empty.
- Classification does not depend on key order or YAML style.
- The approval hash ignores formatting and ungated fields, and sees every gated one.
"""

from __future__ import annotations

import copy
import json
import random

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conftest import EXAMPLES  # noqa: E402
from pilotlint.history.approvals import GATED_FIELDS, charter_hash  # noqa: E402
from pilotlint.documents.load import DEFAULT_LIMITS, LDict, LList, LoadError, load_text, read_text  # noqa: E402
from pilotlint.history.semdiff import diff_documents  # noqa: E402

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # YAML dumps
CHARTER_TEXT = (EXAMPLES / "pilots/outbound-drafts/charter.yaml").read_text()
CHARTER = load_text(CHARTER_TEXT).data

# YAML-ish text: the characters that matter to the parser, more often than chance would pick them
YAML_ALPHABET = st.sampled_from(list("[]{}:-?,&*!|>'\"#%@`\\ \t\n") + ["---", "...", "<<", "~", "on", "0x1",
                                                                       ".nan", "!!set", "!!binary", "\ufeff",
                                                                       "\x85", "\u2028", "\x00", "\ud800"])
YAML_TEXT = st.lists(st.one_of(YAML_ALPHABET, st.text(max_size=5)), max_size=60).map("".join)


def assert_plain(value, depth=0) -> None:
    """JSON-compatible: what the rules, reporters and the hash may rely on."""
    assert depth <= DEFAULT_LIMITS["max_depth"] + 1
    if isinstance(value, dict):
        assert isinstance(value, LDict)
        for key, item in value.items():
            assert isinstance(key, str), key
            assert_plain(item, depth + 1)
    elif isinstance(value, list):
        assert isinstance(value, LList)
        for item in value:
            assert_plain(item, depth + 1)
    else:
        assert value is None or isinstance(value, (str, bool, int, float)), type(value)


def load_any(raw: bytes | str):
    try:
        text = read_text(raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass"), DEFAULT_LIMITS)
        loaded = load_text(text, DEFAULT_LIMITS)
    except LoadError as exc:
        assert exc.rule in ("PL001", "PL003", "PL008") and exc.line >= 1 and exc.column >= 1
        return None
    assert_plain(loaded.data)
    json.dumps(loaded.data, allow_nan=False)
    for problem in loaded.problems:
        assert problem.line >= 1 and problem.column >= 1
    return loaded


@FAST
@given(st.binary(max_size=300))
def test_the_loader_never_raises_on_bytes(raw):
    load_any(raw)


@FAST
@given(YAML_TEXT)
def test_the_loader_never_raises_on_yaml_like_text(text):
    load_any(text)


@FAST
@given(st.text(max_size=200))
def test_the_loader_never_raises_on_any_text(text):
    load_any(text)


# -- documents as data ----------------------------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False, allow_infinity=False, width=32),
                    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))
KEYS = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), min_size=1, max_size=8)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(KEYS, inner, max_size=4)), max_leaves=12)


def shuffled(value, rng: random.Random):
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


STYLES = [dict(default_flow_style=False), dict(default_flow_style=True), dict(default_flow_style=None, indent=4),
          dict(default_flow_style=False, indent=3, width=20), dict(default_flow_style=False, canonical=True)]


def dump(value, style: dict) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, **style)


def reload(value, style: dict, rng: random.Random):
    return load_text(dump(shuffled(plain(value), rng), style)).data


def plain(value):
    return json.loads(json.dumps(value))


@FAST
@given(VALUES, st.sampled_from(range(len(STYLES))))
def test_the_diff_of_a_document_with_itself_is_empty(value, style):
    doc = {"apiVersion": "pilotlint/v1", "kind": "Charter", "pilot": "p", "x-extra": value}
    doc.update({field: value for field in ("scope", "budget") if isinstance(value, dict)})
    loaded = load_text(dump(doc, STYLES[style])).data
    assert diff_documents(loaded, loaded, path="c.yaml") == []
    assert diff_documents(loaded, copy.deepcopy(loaded), path="c.yaml") == []


# Edits a pull request makes to the sample charter: (dotted path, new value)
EDITS = st.lists(st.sampled_from([
    (("scope", "regions"), ["DACH", "Nordics"]), (("scope", "regions"), []), (("scope", "teams"), ["sales-dach", "x"]),
    (("scope", "human_review"), "sampled"), (("scope", "human_review"), "none"),
    (("scope", "capabilities", "auto_send"), True), (("budget", "monthly_cap"), 5000), (("budget", "monthly_cap"), 100),
    (("budget", "overage", "limit"), 900), (("use_case", ), "Everything, everywhere"), (("status",), "expanding"),
    (("status",), "paused"), (("title",), "A new title"), (("stop_rules",), []), (("vendors",), []),
    (("scope", "x-note"), "ours"), (("x-anything",), {"a": [1, 2]}), (("reviewers", "legal"), "tom"),
]), max_size=4)


def edited(doc, edits):
    doc = plain(doc)
    for path, value in edits:
        node = doc
        for step in path[:-1]:
            node = node.setdefault(step, {})
        node[path[-1]] = value
    return doc


def classes(base, head) -> list[tuple]:
    return sorted((c.field, c.change, c.class_, json.dumps(c.to, sort_keys=True, default=str))
                  for c in diff_documents(base, head, path="charter.yaml"))


@SLOW
@given(EDITS, st.sampled_from(range(len(STYLES))), st.sampled_from(range(len(STYLES))), st.randoms())
def test_classification_ignores_key_order_and_yaml_style(edits, style_a, style_b, rng):
    head = edited(CHARTER, edits)
    expected = classes(CHARTER, load_text(dump(head, STYLES[0])).data)
    base = reload(CHARTER, STYLES[style_a], rng)
    assert classes(base, reload(head, STYLES[style_b], rng)) == expected


@SLOW
@given(st.sampled_from(range(len(STYLES))), st.randoms(), st.text(max_size=20), VALUES)
def test_the_hash_ignores_formatting_and_ungated_fields(style, rng, title, extra):
    expected = charter_hash(CHARTER)
    other = plain(CHARTER)
    other["title"] = title
    other["x-ours"] = extra
    other["reviewers"] = {"product": "maria"}
    other.pop("timeline", None)
    assert charter_hash(reload(other, STYLES[style], rng)) == expected


@FAST
@given(st.sampled_from(GATED_FIELDS), VALUES)
def test_the_hash_sees_every_gated_field(field, value):
    other = plain(CHARTER)
    if plain(other.get(field)) == plain(value):
        return
    other[field] = value
    assert charter_hash(other) != charter_hash(CHARTER)
