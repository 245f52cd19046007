"""`pilotlint gate --base REF [--head REF]`: the expansion gate for a pull request."""

from __future__ import annotations

import os
from pathlib import Path

import click

from pilotlint.cli.check import report_options
from pilotlint.cli.common import (UsageFailure, append_output, default_format, split_ids, use_color,
                                  write_output)



@click.command("gate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--base", metavar="REF", help="The pull request's base (branch, tag or commit). Default: the "
              "upstream of the current branch, else the remote's default branch (what a new branch will "
              "merge into).")
@click.option("--head", default="HEAD", show_default=True, metavar="REF", help="The pull request's head.")
@report_options
@click.option("--summary", "summary_file", metavar="FILE",
              help="Append a Markdown verdict to FILE (e.g. $GITHUB_STEP_SUMMARY).")
@click.pass_context
def gate_command(ctx, paths, base, head, fmt, output, select, ignore, fail_on, strict, show_suppressed, today,
                 summary_file):
    """The expansion gate: may the changes base..head be merged?

    Everything is read from git objects, never from the work tree: the configuration
    (people, keys, rules, gate settings) from BASE at the repository root (or the path
    --config names), the documents from the commit where the pull request forked from
    BASE and from HEAD, both whole. Every expansion needs a valid approval, added in the
    range, by the owner of the charter as the base knows it (PL801), and the scorecard,
    drill, controls and legal checks (PL802-PL805); nothing in a freeze field passes
    during a freeze by --today (PL806); a change of the configuration or its policy files
    needs a base admin's approval (PL807); every other gated change needs an approval too
    (PL901), and approvals added must hold up (PL902). The pilots the range touches (and
    those under PATHS) are checked as `check` would, with the base's configuration.

    Exit 0 passes, 1 blocked, 2 usage or git error (unknown ref, a ref beginning with '-',
    a shallow clone).
    """
    from pilotlint.documents.config import ConfigError
    from pilotlint.documents.source import under
    from pilotlint.engine import run
    from pilotlint.findings import Report
    from pilotlint.history.git import GitError, Repo
    from pilotlint.history.range import Range
    from pilotlint.report import render

    try:
        repo = Repo.open(Path.cwd())
        # refs become commit ids before anything else uses them
        base_sha = repo.resolve(base) if base else default_base(repo)
        pushing = os.environ.get("PRE_COMMIT_TO_REF", "") if head == "HEAD" and not base else ""
        head_sha = repo.resolve(pushing if pushing.strip("0") else head)
        repo.require_full_history(base_sha)
    except GitError as exc:
        raise UsageFailure(str(exc)) from None
    config_rel = config_path(ctx, repo.root)
    try:
        rng = Range(repo, base_sha, head_sha, config_rel=config_rel, today=today)
        wanted = [_repo_path(p, repo.root) for p in paths]
        pilots = sorted(set(rng.deltas) | _pilots_under(rng.head, wanted))
        rng.head.unowned = sorted(set(rng.head.unowned) | {p for p in rng.all_unowned
                                                          if any(under(p, w) for w in wanted)})
        result = run(rng.head, select=split_ids(select), ignore=split_ids(ignore), pilots=pilots)
        expansions = rng.expansion_json()
        if rng.stale:
            click.echo(f"pilotlint: note: {head_sha[:12]} does not contain the base's latest commit "
                       f"({base_sha[:12]}), so it is judged against the base as it is now: what the base "
                       "changed since the branch forked counts as undone here. Merge or rebase the branch "
                       "onto the base to see only its own changes.", err=True)
    except (GitError, ConfigError) as exc:
        raise UsageFailure(str(exc)) from None
    finally:
        repo.close()
    report = Report("gate", result.findings, result.suppressed, result.files,
                    fail_on="warning" if strict else fail_on, expansions=expansions)
    report.show_suppressed = show_suppressed
    fmt = fmt or default_format()
    if summary_file:
        from pilotlint.report.verdict import render_summary

        append_output(render_summary(report, base_sha, head_sha), summary_file)
    write_output(render(fmt, report, color=use_color(output) and fmt == "text"), output)
    ctx.exit(1 if report.failed else 0)


def default_base(repo) -> str:
    """What the pushed commits will merge into: the branch's upstream; on a first push, the
    remote branch pre-commit names for a pre-push hook (when it exists already), else the
    remote's default branch. Never refused for lack of an upstream."""
    from pilotlint.history.git import GitError

    if repo.ref_exists("@{upstream}"):
        return repo.resolve("@{upstream}")
    pushed_over = os.environ.get("PRE_COMMIT_FROM_REF", "")
    if pushed_over and pushed_over.strip("0") and repo.ref_exists(pushed_over):
        return repo.resolve(pushed_over)
    named = os.environ.get("PRE_COMMIT_REMOTE_NAME", "")
    for remote in ([named] if named else []) + ["origin", "upstream"]:
        branch = repo.default_branch(remote)
        if branch and repo.ref_exists(branch):
            return repo.resolve(branch)
        for name in ("main", "master"):
            if repo.ref_exists(f"refs/remotes/{remote}/{name}"):
                return repo.resolve(f"refs/remotes/{remote}/{name}")
    raise GitError("no base to gate against: the branch has no upstream and no remote's default branch is known; "
                   "name it with --base (e.g. --base origin/main)")


def config_path(ctx, root: Path) -> str:
    """The repository path of the configuration, as --config names it (taken as written,
    never resolved through the work tree) or `.pilotlint.yaml` at the root."""

    from pilotlint.documents.config import CONFIG_NAME

    explicit = (ctx.find_root().obj or {}).get("config_file")
    if not explicit:
        return CONFIG_NAME
    return _repo_path(Path(explicit), root, what="the configuration")


def _repo_path(path: Path, root: Path, what: str | None = None) -> str:
    import os

    relative = os.path.relpath(os.path.abspath(path), root)
    if relative == ".." or relative.startswith("../") or os.path.isabs(relative):
        raise UsageFailure(f"{what or path} is outside the repository {root}"
                           + ("; the gate reads the configuration from the base commit" if what else ""))
    return relative.replace(os.sep, "/")


def _pilots_under(ws, rels: list[str]) -> set[str]:
    from pilotlint.documents.source import under

    out = set()
    for path, slot in ws.slots.items():
        if slot.pilot and any(under(path, rel) for rel in rels):
            out.add(slot.pilot)
    return out
