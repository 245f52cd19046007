"""Pilot documents and configuration as they were at a commit (read from git, not the work tree).

Used by `diff`, `log`, `check --new-since` and PL202. Blobs come through
`Repo.read_many` / `Repo.blobs()` (one `git cat-file --batch`), never one process per file.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from pilotlint.documents.config import CONFIG_NAME, Config, ConfigError, config_from_text
from pilotlint.history.git import GitError, OversizedBlob, Repo
from pilotlint.documents.load import LoadError, load_text, read_text
from pilotlint.documents.model import YAML_SUFFIXES

KINDS = ("Charter", "WeeklyNote", "RollbackPlan", "Approval")


@dataclass
class Layout:
    """Where documents live, relative to the repository root (with `/`)."""

    config_path: str | None        # e.g. ".pilotlint.yaml" or "governance/.pilotlint.yaml"
    prefixes: list[str]            # e.g. ["pilots", ".pilotlint/approvals"]
    config: Config = field(default_factory=Config)

    def covers(self, path: str) -> bool:
        return path.endswith(YAML_SUFFIXES) and any(
            path == p or path.startswith(p.rstrip("/") + "/") for p in self.prefixes)


def layout_for(repo: Repo, config: Config, sha: str | None = None) -> Layout:
    """The configured paths, as the config at `sha` says (falling back to `config`)."""
    config_rel = None
    base = ""
    if config.path is not None:
        try:
            config_rel = Path(config.path).resolve().relative_to(repo.root.resolve()).as_posix()
        except ValueError:
            config_rel = None
    if config_rel is None and config.path is None:
        config_rel = CONFIG_NAME
    if config_rel is not None:
        base = posixpath.dirname(config_rel)
        if sha is not None:
            at_ref = config_at(repo, sha, config_rel)
            if at_ref is not None:
                config = at_ref
    prefixes = [posixpath.normpath(posixpath.join(base, p)) for p in config.paths if isinstance(p, str)]
    prefixes.append(posixpath.join(base, ".pilotlint", "approvals") if base else ".pilotlint/approvals")
    prefixes = [p for p in prefixes if not p.startswith("..")]
    return Layout(config_rel, prefixes, config)


def config_at(repo: Repo, sha: str, config_rel: str = CONFIG_NAME) -> Config | None:
    """The configuration file as it was at `sha`, or None when it did not exist there."""
    raw = repo.read(sha, config_rel)
    if raw is None:
        return None
    try:
        text = read_text(raw, {"max_file_bytes": 1_048_576, "max_depth": 64, "max_nodes": 100_000})
        return config_from_text(text, repo.root / config_rel)
    except (LoadError, ConfigError):
        return None  # a broken config at an old commit: fall back to the current one


def parse_document(raw: bytes | None, limits: Mapping) -> tuple[Mapping | None, str | None]:
    """(data, None) for a pilot document, (None, None) for a file that is not ours,
    (None, problem) for one that cannot be read."""
    if raw is None:
        return None, None
    if isinstance(raw, OversizedBlob):
        return None, f"the file is {raw.size:,} bytes, above the limit of {limits['max_file_bytes']:,}"
    if b"pilotlint/" not in raw and b"kind:" not in raw:
        return None, None
    try:
        data = load_text(read_text(raw, limits), limits, positions=False).data
    except LoadError as exc:
        if b"pilotlint/" not in raw:
            return None, None
        return None, f"line {exc.line}: {exc.message}"
    if not isinstance(data, dict):
        return None, None
    api = data.get("apiVersion")
    if not (isinstance(api, str) and api.startswith("pilotlint/")):
        return None, None
    if data.get("kind") not in KINDS:
        return None, None
    return data, None


def documents_at(repo: Repo, sha: str, layout: Layout) -> tuple[dict[str, Mapping], dict[str, bytes], list[str]]:
    """(documents by path, raw bytes of every YAML file by path, problems) at a commit."""
    limits = layout.config.limits
    blobs = repo.read_many(sha, layout.prefixes, max_bytes=limits["max_file_bytes"])
    docs: dict[str, Mapping] = {}
    raws: dict[str, bytes] = {}
    problems: list[str] = []
    for path, raw in blobs.items():
        if not layout.covers(path):
            continue
        raws[path] = raw
        data, problem = parse_document(raw, limits)
        if data is not None:
            docs[path] = data
        elif problem:
            problems.append(f"{path}: {problem}")
    return docs, raws, problems


__all__ = ["Layout", "layout_for", "config_at", "parse_document", "documents_at", "GitError"]
