"""Every example in catalogue/*.yaml is a test: a failing example produces its rule, a passing one does not."""

from __future__ import annotations

import json

import pytest

from conftest import TODAY
from examples_runner import PILOT, apply_example
from pilotlint.catalogue import catalogue

CASES = [
    pytest.param(info.id, kind, example, id=f"{info.id}-{kind}-{n}")
    for info in catalogue().values()
    for kind in ("fail", "pass")
    for n, example in enumerate(info.examples.get(kind) or [])
    if not example.get("git")  # examples with history run in tests/test_git_examples.py
]


@pytest.mark.parametrize("rule_id,kind,example", CASES)
def test_catalogue_example(rule_id, kind, example, sample):
    # In-process through click (the same CLI, without 130 interpreter start-ups).
    from click.testing import CliRunner

    from pilotlint.cli import cli

    apply_example(sample, example)
    args = ["check", str(sample), "--format", "json", "--no-git", "--today", example.get("today", TODAY),
            *example.get("args", [])]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    findings = json.loads(result.stdout)["findings"]
    hits = [f for f in findings if f["rule"] == rule_id]
    if kind == "fail":
        assert hits, f"{rule_id} expected for: {example.get('description')}\n{result.stdout}"
        assert all(f["pilot"] in (PILOT, None) for f in hits)
    else:
        assert not hits, f"{rule_id} not expected for: {example.get('description')}\n{result.stdout}"


def test_every_rule_has_a_failing_and_a_passing_example():
    for info in catalogue().values():
        assert info.examples.get("fail"), f"{info.id} has no failing example"
        assert info.examples.get("pass"), f"{info.id} has no passing example"


def test_the_compiled_catalogue_matches_its_yaml_sources():
    from pilotlint.catalogue import COMPILED, compiled_text
    from pilotlint.resources import data_dir

    assert (data_dir("catalogue") / COMPILED).read_text(encoding="utf-8") == compiled_text(), \
        "catalogue/catalogue.json is out of date: run `python -m pilotlint.catalogue --write`"


def test_every_registered_rule_is_in_the_catalogue_and_back():
    from pilotlint.engine import load_rules

    registered = set(load_rules())
    documented = set(catalogue())
    assert registered <= documented, f"rules without a catalogue entry: {registered - documented}"
    loader_rules = {"PL001", "PL002", "PL003", "PL004", "PL007", "PL008", "PL010", "PL013"}
    assert documented - registered <= loader_rules
