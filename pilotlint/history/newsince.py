"""`check --new-since REF`: report only the findings that REF did not already have.

The documents and the configuration as they were at REF are written into a temporary
directory with the same relative layout and checked the same way (same selection, same
`--today`); a finding of the current check is dropped when the base had one with the same
rule, path and message. Lines are not compared: they move when text is added above.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path, PurePosixPath

from pilotlint.cli.common import UsageFailure


def only_new(findings, request, ref: str):
    from pilotlint.documents.config import ConfigError, load_config
    from pilotlint.engine import run
    from pilotlint.history.git import GitError, Repo

    try:
        repo = Repo.open(request.root)
        sha = repo.resolve(ref)          # the ref becomes a commit id before anything else
    except GitError as exc:
        raise UsageFailure(str(exc)) from None
    try:
        with tempfile.TemporaryDirectory(prefix="pilotlint-base-") as tmp, \
                repo.view_at(sha, Path(tmp)) if request.use_git else _nothing():
            # the repository's files at REF, at their repository paths under tmp
            offset = _offset(request.root, repo.root)
            base_root = Path(tmp, offset) if offset else Path(tmp)
            base_root.mkdir(parents=True, exist_ok=True)
            config_rel = _materialise(repo, sha, request, Path(tmp))
            try:
                config = load_config(Path(tmp) / config_rel) if config_rel else load_config(None)
            except ConfigError:
                config = request.config  # the base's config was broken: judge it by today's
            paths = [_moved(p, request.root, base_root) for p in request.paths]
            paths = [p for p in paths if p is not None and (p.exists() or p.is_symlink())]
            if request.paths and not paths:
                return list(findings)  # the checked files did not exist at the base: all is new
            base_request = replace(request, paths=paths, config=config, root=base_root.resolve())
            try:
                base = run(base_request).findings
            except ConfigError:
                return list(findings)
    except GitError as exc:
        raise UsageFailure(str(exc)) from None
    finally:
        repo.close()
    seen = Counter((f.rule, f.path, f.message) for f in base)
    out = []
    for finding in findings:
        key = (finding.rule, finding.path, finding.message)
        if seen[key]:
            seen[key] -= 1
        else:
            out.append(finding)
    return out


@contextlib.contextmanager
def _nothing():
    yield None


def _materialise(repo, sha: str, request, target: Path) -> str | None:
    """Write the base's pilot documents and config under `target` at their repository
    paths; the config's repository path (None when the base had none)."""
    from pilotlint.history.revdocs import layout_for

    layout = layout_for(repo, request.config, sha)
    wanted = layout.prefixes + ([layout.config_path] if layout.config_path else [])
    extra = [str(p) for p in (layout.config.extra or ())]
    blobs = repo.read_many(sha, wanted, max_bytes=request.config.limits["max_file_bytes"] * 4)
    for path, raw in blobs.items():
        if ".." in PurePosixPath(path).parts:
            continue
        out = target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(bytes(raw) if raw else b"")
    if layout.config_path and layout.config_path in blobs:
        base = PurePosixPath(layout.config_path).parent
        for policy in extra:  # organisation policy files named by the base config
            try:
                rel = (PurePosixPath(base) / Path(policy).relative_to(repo.root / str(base) if str(base) != "." else
                                                                       repo.root).as_posix()).as_posix()
            except ValueError:
                continue
            raw = repo.read(sha, rel)
            if raw is not None:
                (target / rel).parent.mkdir(parents=True, exist_ok=True)
                (target / rel).write_bytes(raw)
        return layout.config_path
    return None


def _offset(root: Path, repo_root: Path) -> str:
    """The workspace root relative to the repository root ("" when they are the same)."""
    try:
        rel = Path(root).resolve().relative_to(Path(repo_root).resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel


def _moved(path: Path, root: Path, base_root: Path) -> Path | None:
    try:
        rel = Path(path).absolute().resolve().relative_to(Path(root).resolve())
    except ValueError:
        return None
    return base_root / PurePosixPath(rel.as_posix())
