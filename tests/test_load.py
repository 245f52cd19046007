"""The loader: values, positions, and the position-less mode the history readers use."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pilotlint.documents.load import LoadError, load_text, locate

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_positions_point_at_keys_values_and_the_enclosing_node():
    data = load_text("a: 1\nb:\n  c: [x, {d: 2}]\n").data
    assert locate(data, ("a",)) == (1, 4)
    assert locate(data, ("a",), key=True) == (1, 1)
    assert locate(data, ("b", "c", 1, "d")) == (3, 14)
    assert locate(data, ("b", "missing")) == (3, 3)  # nearest enclosing node that exists


def test_keys_are_always_the_text_written():
    data = load_text("on: 1\nyes: 2\n010: 3\n").data
    assert list(data) == ["on", "yes", "010"]


def test_dates_stay_text_and_yaml11_surprises_are_reported():
    loaded = load_text("day: 2026-10-01\nregion: NO\n")
    assert loaded.data == {"day": "2026-10-01", "region": False}
    assert [p.rule for p in loaded.problems] == ["PL007"]


@pytest.mark.parametrize("file", sorted(EXAMPLES.rglob("*.yaml")), ids=lambda f: f.name)
def test_position_less_mode_gives_the_same_values(file):
    text = file.read_text(encoding="utf-8")
    assert load_text(text, positions=False).data == load_text(text).data


YAML_SNIPPETS = st.lists(st.sampled_from([
    "a: 1", "b: [x, y]", "c: {d: no}", "e: &x [1, 2]", "f: *x", "g: 2026-10-01", "h: 'on'", "<<: {m: 1}",
    "i:\n  - j: 010\n  - k: 1:30", "l: .nan", "a: 2", "n: !!str 3", "o: null", "p: ~",
]), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(YAML_SNIPPETS)
def test_position_less_mode_agrees_on_generated_documents(lines):
    text = "\n".join(lines) + "\n"
    try:
        full = load_text(text)
    except LoadError as exc:
        with pytest.raises(LoadError) as plain_exc:
            load_text(text, positions=False)
        assert plain_exc.value.rule == exc.rule
        return
    assert load_text(text, positions=False).data == full.data
