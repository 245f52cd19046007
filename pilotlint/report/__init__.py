"""Reporters: one module per output format; each turns a Report into text and nothing else."""

from __future__ import annotations

import importlib

FORMATS = ("text", "json", "sarif", "github", "junit")


def render(fmt: str, report, *, color: bool = False) -> str:
    module = importlib.import_module(f"pilotlint.report.{fmt}_format")
    return module.render(report, color=color)
