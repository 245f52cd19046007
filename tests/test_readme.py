"""The README's set-up commands are the ones CI proves."""

from __future__ import annotations

import re

from conftest import REPO


def _shell_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    test_command = next(block.strip() for block in _shell_blocks(readme) if "pytest" in block)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_readme_first_command_runs_the_main_job_on_examples():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first = _shell_blocks(readme)[0]
    assert "pilotlint check examples" in first and "pip install" in first
