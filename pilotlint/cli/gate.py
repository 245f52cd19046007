"""`pilotlint gate --base REF [--head REF]`: the expansion gate for a pull request."""

from __future__ import annotations

from pathlib import Path

import click

from pilotlint.cli.check import report_options
from pilotlint.cli.common import (UsageFailure, append_output, default_format, split_ids, use_color,
                                  write_output)

SUMMARY_LIMIT = 1_000_000        # GitHub's job summary takes at most 1 MiB per step
SUMMARY_ROWS = 200               # findings listed before the rest is summarised


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
        head_sha = repo.resolve(head)
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
    except (GitError, ConfigError) as exc:
        raise UsageFailure(str(exc)) from None
    finally:
        repo.close()
    report = Report("gate", result.findings, result.suppressed, result.files,
                    fail_on="warning" if strict else fail_on, expansions=expansions)
    report.show_suppressed = show_suppressed
    fmt = fmt or default_format()
    if summary_file:
        append_output(render_summary(report, base_sha, head_sha), summary_file)
    write_output(render(fmt, report, color=use_color(output) and fmt == "text"), output)
    ctx.exit(1 if report.failed else 0)


def default_base(repo) -> str:
    """What the branch will merge into: its upstream, else the remote's default branch."""
    from pilotlint.history.git import GitError

    if repo.ref_exists("@{upstream}"):
        return repo.resolve("@{upstream}")
    for remote in ("origin", "upstream"):
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
    import os

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


def render_summary(report, base_sha: str, head_sha: str, *, limit: int = SUMMARY_LIMIT,
                   rows: int = SUMMARY_ROWS) -> str:
    """The Markdown verdict for a job summary: escaped document text, under `limit` bytes."""
    import json

    from pilotlint.findings import counts
    from pilotlint.report.markdown import md, md_code

    total = counts(report.findings)
    blocked = report.failed
    lines = [f"## pilotlint gate: {'❌ blocked' if blocked else '✅ passed'}", "",
             f"Range {md_code(base_sha[:12])}..{md_code(head_sha[:12])}: {total['errors']} errors, "
             f"{total['warnings']} warnings, {len(report.expansions or [])} expansions, "
             f"{len(report.suppressed)} suppressed, {report.files} files checked.", ""]
    if report.expansions:
        lines += ["### Expansions", "", "| pilot | field | change | from | to |", "|---|---|---|---|---|"]
        for e in report.expansions[:rows]:
            lines.append(f"| {md_code(e['pilot'])} | {md_code(e['field'] or '(new charter)')} | {md(e['change'])} | "
                         f"{md(_short(json.dumps(e.get('from'), ensure_ascii=False)))} | "
                         f"{md(_short(json.dumps(e.get('to'), ensure_ascii=False)))} |")
        if len(report.expansions) > rows:
            lines.append(f"\n_{len(report.expansions) - rows} more expansions are not listed here; see the JSON "
                         "output._")
        lines.append("")
    if report.findings:
        lines += ["### Findings", "", "| rule | severity | where | message |", "|---|---|---|---|"]
        size = sum(len(line.encode("utf-8")) + 1 for line in lines)
        shown = 0
        notice_room = 400
        for f in report.findings:
            row = (f"| {md_code(f.rule)} | {md(f.severity)} | {md_code(f'{f.path}:{f.line}')} | "
                   f"{md(_short(f.message, 1000))} |")
            cost = len(row.encode("utf-8")) + 1
            if shown >= rows or size + cost + notice_room > limit:
                break
            lines.append(row)
            size += cost
            shown += 1
        if shown < len(report.findings):
            lines.append("")
            lines.append(f"_{len(report.findings) - shown} more findings are not shown here (the job summary is "
                         "kept under GitHub's 1 MiB limit); see the job log, or the JSON or SARIF output._")
        lines.append("")
    elif not blocked:
        lines += ["No findings.", ""]
    text = "\n".join(lines) + "\n"
    encoded = text.encode("utf-8")
    if len(encoded) > limit:  # cannot happen with the budget above; never exceed the limit anyway
        text = encoded[:limit - 200].decode("utf-8", "ignore") + "\n\n_The summary was cut at 1 MiB._\n"
    return text


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."
