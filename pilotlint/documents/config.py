"""`.pilotlint.yaml`: people, rule settings, gate settings; optional.

`check` finds it by walking up from the checked path; `gate` reads it from the base
commit at the repository root (or the path `--config` names), through the same source
interface as the documents (`load_config(source, rel)`), so a work tree and a git tree
are read alike. Every path in it (`paths`, `rules.extra`) is relative to the config's
folder and must stay inside the repository; policy files named in `rules.extra` are read
from the same source, as regular files within `limits.max_file_bytes`.
"""

from __future__ import annotations

from typing import NamedTuple

import posixpath
import re
from pathlib import Path

from pilotlint.documents.load import DEFAULT_LIMITS, LDict, LoadError, load_text, read_text
from pilotlint.documents.source import FILE, ReadError, display, normalise

CONFIG_NAME = ".pilotlint.yaml"
APPROVALS_DIR = ".pilotlint/approvals"
DEFAULT_UNSUPPRESSIBLE = ("PL8", "PL9")
# Findings about what a file is (its syntax, kind, keys, size; a second charter; a link) are
# never silenced from inside a file, whatever `rules.unsuppressible` says: a file that could
# silence them could make the gate read a different document than people and git see.
ALWAYS_UNSUPPRESSIBLE = ("PL001", "PL003", "PL004", "PL008", "PL012", "PL013")


def escape(text: str) -> str:
    """Text for one line of a terminal or CI log: control characters are shown, never
    acted on (a key containing a newline cannot start `::error` on a line of its own)."""
    return "".join(ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" if ord(ch) < 256
                   else f"\\u{ord(ch):04x}" for ch in text)


class ConfigError(Exception):
    """The configuration cannot be used: exit code 2, with file and line."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        shown = display(str(path)) if path else ""
        where = f"{shown}:{line}: " if path and line else f"{shown}: " if path else ""
        super().__init__(escape(f"{where}{message}"))


class Override(NamedTuple):
    pattern: re.Pattern
    ignore: tuple[str, ...]
    severity: dict


class Config:
    """The settings of `.pilotlint.yaml`, or the defaults (a plain class, not a dataclass:
    a pre-commit hook pays for every class a dataclass decorator builds at import)."""

    def __init__(self, rel: str | None = None, **settings) -> None:
        self.rel = rel                        # repository path of the file (None: no config, defaults)
        self.paths: list[str] = ["pilots"]
        self.admins: list[str] = []
        self.people: dict = {}
        self.ignore: list[str] = []
        self.select: list[str] = []
        self.severity: dict = {}
        self.overrides: list[Override] = []
        self.extra: list[str] = []            # repository paths of the policy files
        self.unsuppressible: tuple[str, ...] = DEFAULT_UNSUPPRESSIBLE + ALWAYS_UNSUPPRESSIBLE
        self.gate: dict = {"require_signed": False, "drill_max_age_days": 90}
        self.limits: dict = dict(DEFAULT_LIMITS)
        self.data: LDict | None = None
        self.policies: dict = {}              # repository path -> loaded policy data
        self.policy_problems: list = []
        for name, value in settings.items():
            if not hasattr(self, name):
                raise TypeError(f"Config() got an unexpected setting {name!r}")
            setattr(self, name, value)

    @property
    def folder(self) -> str:
        """The config's folder, relative to the repository root ("." at the root)."""
        return posixpath.dirname(self.rel) or "." if self.rel else "."

    def knows_people(self) -> bool:
        return self.rel is not None

    def prefixes(self) -> list[str]:
        """Where documents are looked for, relative to the repository root: the configured
        paths and the config approvals folder."""
        out = []
        for path in [*self.paths, APPROVALS_DIR]:
            rel = normalise(posixpath.join(self.folder, path)) if isinstance(path, str) else None
            if rel is not None and rel not in out:
                out.append(rel)
        return out

    def policy_data(self) -> dict:
        """The policy files as data (what a config approval covers, with the config itself)."""
        out = {}
        for path, text in self.policies.items():
            try:
                out[path] = load_text(text, self.limits, positions=False).data
            except LoadError:
                out[path] = text
        return out

    def relative(self, path: str) -> str | None:
        """A repository path relative to the config's folder (what override globs match)."""
        folder = self.folder
        if folder == ".":
            return path
        return path[len(folder) + 1:] if path.startswith(folder + "/") else None


def load_config(source, rel: str | None) -> Config:
    """The configuration at repository path `rel` of a source (None: the defaults).

    A file that is not a regular file (a symbolic link, a submodule) is not read: the
    caller reports it (PL013) and the run fails closed."""
    if rel is None:
        return Config()
    config = config_from_text(_read(source, rel, DEFAULT_LIMITS, "the configuration"), rel)
    _load_policies(source, config)
    return config


def config_from_text(text: str, rel: str) -> Config:
    """Build a Config from its text; `rel` is its repository path."""
    try:
        loaded = load_text(text, DEFAULT_LIMITS)
    except LoadError as exc:
        raise ConfigError(exc.message, rel, exc.line) from None
    for problem in loaded.problems:
        if problem.rule in ("PL001", "PL002", "PL004", "PL008"):
            raise ConfigError(problem.message, rel, problem.line)
    data = loaded.data
    if not isinstance(data, dict):
        raise ConfigError("the configuration must be a mapping (apiVersion, kind: Config, ...)", rel, 1)
    from pilotlint.documents.schema import validate  # late: jsonschema is only needed for a bad config

    for error in validate("Config", data):
        raise ConfigError(error.message, rel, error.line)
    rules = data.get("rules") or {}
    config = Config(rel=rel, data=data)
    config.paths = list(data.get("paths") or ["pilots"])
    for path in config.paths:
        if normalise(posixpath.join(config.folder, path)) is None:
            raise ConfigError(f"`paths: {path}` leaves the repository; name folders inside it", rel)
    config.admins = list(data.get("admins") or [])
    config.people = dict(data.get("people") or {})
    config.ignore = list(rules.get("ignore") or [])
    config.select = list(rules.get("select") or [])
    config.severity = dict(rules.get("severity") or {})
    config.overrides = [
        Override(glob_to_regex(pattern), tuple(item.get("ignore") or ()), dict(item.get("severity") or {}))
        for item in rules.get("overrides") or [] for pattern in item.get("paths") or []
    ]
    for extra in rules.get("extra") or []:
        target = normalise(posixpath.join(config.folder, extra)) if isinstance(extra, str) else None
        if target is None or target == ".":
            raise ConfigError(f"`rules.extra: {extra}` is not a file inside the repository; policy files live "
                              "in the repository, next to the configuration", rel)
        config.extra.append(target)
    if "unsuppressible" in rules:
        config.unsuppressible = tuple(rules["unsuppressible"] or ()) + ALWAYS_UNSUPPRESSIBLE
    config.gate.update(data.get("gate") or {})
    config.limits.update(data.get("limits") or {})
    return config


def _load_policies(source, config: Config) -> None:
    """Read the policy files of `rules.extra` from the same source as the config."""
    for rel in config.extra:
        config.policies[rel] = _read(source, rel, config.limits, "the policy file named in `rules.extra`")


def _read(source, rel: str, limits: dict, what: str) -> str:
    """The text of a configuration file: a regular file (never a link, FIFO or device,
    never followed), within the size limit, UTF-8."""
    entry = source.entry(rel)
    if entry is None:
        raise ConfigError(f"cannot read {what}: no such file", rel)
    if entry.type != FILE:
        raise ConfigError(f"{what} is not a regular file (a symbolic link, a submodule, a FIFO or a device); "
                          "pilotlint reads only regular files", rel)
    try:
        return read_text(source.read(entry, limits["max_file_bytes"]), limits)
    except ReadError as exc:
        raise ConfigError(f"cannot read {what}: {exc.message}", rel) from None
    except LoadError as exc:
        raise ConfigError(exc.message, rel, exc.line) from None


def find_config(start: Path) -> Path | None:
    """`.pilotlint.yaml` in the folder of `start` or above; a link there counts as found
    (it is then refused, never followed)."""
    try:
        directory = (start if start.is_dir() else start.parent).resolve()
    except (OSError, RuntimeError):
        return None
    for candidate in (directory, *directory.parents):
        path = candidate / CONFIG_NAME
        if path.is_symlink() or path.is_file():
            return path
    return None


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
