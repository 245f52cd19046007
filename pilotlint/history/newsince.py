"""`check --new-since REF`: report only the findings that REF did not already have.

The repository as it was at REF is checked the same way, straight from git objects: the
configuration at REF (at the same path), its documents, its history up to REF, the same
selection and the same `--today`. A finding of the current check is dropped when REF had
one with the same rule, path and message. Lines are not compared: they move when text is
added above.
"""

from __future__ import annotations

from collections import Counter

from pilotlint.cli.common import UsageFailure


def only_new(findings, ws, ref: str, paths, select, ignore):
    from pilotlint.documents.config import ConfigError, load_config
    from pilotlint.documents.source import GitTree
    from pilotlint.documents.workspace import Workspace
    from pilotlint.engine import run
    from pilotlint.history.facts import History
    from pilotlint.history.git import GitError, Repo

    try:
        repo = Repo.open(ws.root)
        sha = repo.resolve(ref)          # the ref becomes a commit id before anything else
    except GitError as exc:
        raise UsageFailure(str(exc)) from None
    try:
        source = GitTree(repo, sha)
        rel = ws.config.rel
        try:
            config = load_config(source, rel) if rel and source.entry(rel) is not None else ws.config
        except ConfigError:
            config = ws.config  # the base's config was broken: judge it by today's
        history = History(repo, sha, config.prefixes()) if ws.history is not None else None
        base = Workspace(source, config, ws.today, history=history)
        if paths:
            from pilotlint.cli.check import target_paths

            if not any(source.entry(p) is not None for p in target_paths(ws, paths)):
                return list(findings)  # the checked files did not exist at the base: all is new
        base.scan()  # the whole base: a finding it had anywhere is not new
        try:
            earlier = run(base, select=select, ignore=ignore).findings
        except ConfigError:
            return list(findings)
    except GitError as exc:
        raise UsageFailure(str(exc)) from None
    finally:
        repo.close()
    seen = Counter((f.rule, f.path, f.message) for f in earlier)
    out = []
    for finding in findings:
        key = (finding.rule, finding.path, finding.message)
        if seen[key]:
            seen[key] -= 1
        else:
            out.append(finding)
    return out
