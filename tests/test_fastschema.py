"""The fast validity check must agree with jsonschema on every document (it decides
whether jsonschema's detailed errors are computed at all)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pilotlint.documents.fastschema import compile_schema
from pilotlint.documents.load import load_text
from pilotlint.documents.schema import SCHEMA_FILES, _validator, is_iso_date, schema_for

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _documents():
    docs = []
    for file in sorted(EXAMPLES.rglob("*.yaml")):
        data = load_text(file.read_text(encoding="utf-8")).data
        if isinstance(data, dict) and data.get("kind") in SCHEMA_FILES:
            docs.append((data["kind"], data))
    return docs


DOCUMENTS = _documents()
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "oleg", "2026-10-01", "2026-13-01", "2026-W45", "x-", "required", "USD", "active"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "owner", "x-a", "on", "value", "name", "ownr"]), children, max_size=3),
    max_leaves=6)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


def _set(document, path, new):
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = new


def _agree(kind, document):
    fast = compile_schema(schema_for(kind), {"date": is_iso_date})
    assert fast(document) == _validator(kind).is_valid(document), document


def test_every_kind_compiles_and_the_examples_agree():
    assert {kind for kind, _ in DOCUMENTS} >= {"Config", "Charter", "WeeklyNote", "RollbackPlan"}
    for kind, document in DOCUMENTS:
        _agree(kind, document)


@pytest.mark.parametrize("index", range(len(DOCUMENTS)))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_mutated_documents_agree(index, data):
    kind, original = DOCUMENTS[index]
    document = copy.deepcopy(dict(original))
    paths = [p for p in _paths(document) if p]
    path = data.draw(st.sampled_from(paths))
    _set(document, path, data.draw(JSON_VALUES))
    _agree(kind, document)


def test_unsupported_keywords_are_refused_not_ignored():
    with pytest.raises(ValueError):
        compile_schema({"type": "object", "dependentSchemas": {}})
