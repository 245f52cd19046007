"""`.pilotlint.yaml`: found by walking up from the checked path; optional."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pilotlint.documents.load import DEFAULT_LIMITS, LDict, LoadError, load_text, read_text

CONFIG_NAME = ".pilotlint.yaml"
DEFAULT_UNSUPPRESSIBLE = ("PL8", "PL9")


class ConfigError(Exception):
    """The configuration cannot be used: exit code 2, with file and line."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        where = f"{path}:{line}: " if path and line else f"{path}: " if path else ""
        super().__init__(f"{where}{message}")


@dataclass(frozen=True)
class Override:
    pattern: re.Pattern
    ignore: tuple[str, ...]
    severity: dict


@dataclass
class Config:
    path: Path | None = None
    paths: list[str] = field(default_factory=lambda: ["pilots"])
    admins: list[str] = field(default_factory=list)
    people: dict = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    severity: dict = field(default_factory=dict)
    overrides: list[Override] = field(default_factory=list)
    extra: list[Path] = field(default_factory=list)
    unsuppressible: tuple[str, ...] = DEFAULT_UNSUPPRESSIBLE
    gate: dict = field(default_factory=lambda: {"require_signed": False, "drill_max_age_days": 90})
    limits: dict = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    data: LDict | None = None

    @property
    def directory(self) -> Path | None:
        return self.path.parent if self.path else None

    def knows_people(self) -> bool:
        return self.path is not None


def find_config(start: Path) -> Path | None:
    # the folder is resolved, not the file: a file may be a symbolic link (even a loop)
    directory = (start if start.is_dir() else start.parent).resolve()
    for candidate in (directory, *directory.parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        text = read_text(path.read_bytes(), DEFAULT_LIMITS)
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration: {exc.strerror}", path) from None
    except LoadError as exc:
        raise ConfigError(exc.message, path, exc.line) from None
    return config_from_text(text, path)


def config_from_text(text: str, path: Path) -> Config:
    """Build a Config from its text (also used for the base ref's config in `gate`)."""
    try:
        loaded = load_text(text, DEFAULT_LIMITS)
    except LoadError as exc:
        raise ConfigError(exc.message, path, exc.line) from None
    for problem in loaded.problems:
        if problem.rule in ("PL001", "PL002", "PL004", "PL008"):
            raise ConfigError(problem.message, path, problem.line)
    data = loaded.data
    if not isinstance(data, dict):
        raise ConfigError("the configuration must be a mapping (apiVersion, kind: Config, ...)", path, 1)
    from pilotlint.documents.schema import validate  # late: jsonschema is only needed for a config

    for error in validate("Config", data):
        raise ConfigError(error.message, path, error.line)
    rules = data.get("rules") or {}
    config = Config(path=path, data=data)
    config.paths = list(data.get("paths") or ["pilots"])
    config.admins = list(data.get("admins") or [])
    config.people = dict(data.get("people") or {})
    config.ignore = list(rules.get("ignore") or [])
    config.select = list(rules.get("select") or [])
    config.severity = dict(rules.get("severity") or {})
    config.overrides = [
        Override(glob_to_regex(pattern), tuple(item.get("ignore") or ()), dict(item.get("severity") or {}))
        for item in rules.get("overrides") or [] for pattern in item.get("paths") or []
    ]
    config.extra = [path.parent / extra for extra in rules.get("extra") or []]
    if "unsuppressible" in rules:
        config.unsuppressible = tuple(rules["unsuppressible"] or ())
    config.gate.update(data.get("gate") or {})
    config.limits.update(data.get("limits") or {})
    return config


def glob_to_regex(pattern: str) -> re.Pattern:
    """`**` crosses directories, `*` and `?` do not (as in .gitignore and pre-commit)."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def rule_matches(rule: str, patterns) -> bool:
    """Ids or prefixes: `PL3` matches PL301..PL305, `PL401` only itself."""
    return any(rule.startswith(pattern) for pattern in patterns)
