"""The installed wheel works on its own: schemas/, rules/ and templates ship inside it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import EXAMPLES, REPO, TODAY


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    # build from a copy so that no build/ or egg-info lands in the checkout
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", ".venv*", "build", "*.egg-info",
                                                                "__pycache__", ".pytest_cache", ".hypothesis"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"), str(source)],
                   check=True, capture_output=True, timeout=600)
    wheel = next((work / "dist").glob("pilotlint-*.whl"))
    target = work / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    return target, wheel


def _run(target, *args, cwd):
    env = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run([sys.executable, "-m", "pilotlint", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_wheel_carries_schemas_rules_and_templates(installed):
    import zipfile

    _, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "pilotlint/data/schemas/charter.json" in names
    assert any(n.startswith("pilotlint/data/catalogue/") and n.endswith(".yaml") for n in names)
    assert any(n.startswith("pilotlint/templates/") for n in names)
    for name in ("site/site.css", "site/base.html.j2", "site/portfolio.html.j2", "site/pilot.html.j2"):
        assert f"pilotlint/templates/{name}" in names, name
    assert "pilotlint/site/build.py" in names


def test_installed_wheel_builds_the_site_and_the_html_one_pager(installed, tmp_path):
    target, _ = installed
    copy = tmp_path / "repo"
    shutil.copytree(EXAMPLES, copy)
    result = _run(target, "site", tmp_path / "out", "--today", TODAY, cwd=copy)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "pilots" / "outbound-drafts.html").read_text(encoding="utf-8")
    assert "<style>/* pilotlint site" in page and 'data-chart="spend"' in page
    one = _run(target, "summary", "outbound-drafts", "--format", "html", "--today", TODAY, cwd=copy)
    assert one.returncode == 0 and one.stdout.startswith("<!DOCTYPE html>"), one.stderr


def test_installed_wheel_checks_the_examples_without_the_source_tree(installed, tmp_path):
    target, _ = installed
    copy = tmp_path / "repo"
    shutil.copytree(EXAMPLES, copy)
    where = _run(target, "-c", "x", cwd=tmp_path)  # click prints usage; we only need the import path
    probe = subprocess.run([sys.executable, "-c", "import pilotlint; print(pilotlint.__file__)"], cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": str(target)}, capture_output=True, text=True)
    assert probe.stdout.startswith(str(target)), probe.stdout
    assert where.returncode == 2
    result = _run(target, "check", copy, "--today", TODAY, "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert json.loads(result.stdout)["summary"]["files"] >= 12
    schema = _run(target, "schema", "Charter", cwd=tmp_path)
    assert json.loads(schema.stdout)["properties"]["owner"]["description"]
    rules = _run(target, "rules", cwd=tmp_path)
    assert "PL101" in rules.stdout and "PL806" in rules.stdout
    explain = _run(target, "explain", "PL302", cwd=tmp_path)
    assert explain.returncode == 0 and "Fails:" in explain.stdout


def test_wheel_carries_the_demo_story_and_the_sample_without_its_signed_approvals(installed):
    import zipfile

    _, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"pilotlint/demo/story.yaml", "pilotlint/data/sample/.pilotlint.yaml", "pilotlint/data/sample/policies/acme.yaml",
            "pilotlint/data/sample/pilots/outbound-drafts/charter.yaml",
            "pilotlint/data/sample/pilots/outbound-drafts/rollback.yaml",
            "pilotlint/data/sample/pilots/outbound-drafts/notes/2026-W47.yaml",
            "pilotlint/data/sample/pilots/support-triage/charter.yaml"} <= names
    assert not [n for n in names if n.startswith("pilotlint/data/sample/") and "/approvals/" in n]


def test_installed_wheel_makes_the_demo_repository_without_the_source_tree(installed, tmp_path):
    target, _ = installed
    made = _run(target, "demo", "acme-pilots", cwd=tmp_path)
    assert made.returncode == 0, made.stderr + made.stdout
    demo = tmp_path / "acme-pilots"
    check = _run(target, "check", "--today", TODAY, cwd=demo)
    assert check.returncode == 0, check.stderr + check.stdout
    gate = _run(target, "gate", "--base", "main", "--head", "widen-nordics", "--today", TODAY, cwd=demo)
    assert gate.returncode == 1 and "PL801" in gate.stdout, gate.stderr + gate.stdout
