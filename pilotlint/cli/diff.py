"""`pilotlint diff BASE [HEAD]`: the semantic diff of every pilot between two refs."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pilotlint.cli.common import UsageFailure, write_output

FORMATS = ("text", "json", "markdown")
_MARK = {"added": "+", "removed": "-", "changed": "~"}


def open_repo(root: Path):
    """The repository for a command that needs one; exit 2 with git's reason otherwise."""
    from pilotlint.history.git import GitError, Repo

    try:
        return Repo.open(root)
    except GitError as exc:
        raise UsageFailure(str(exc)) from None


def git_failure(exc) -> UsageFailure:
    return UsageFailure(str(exc))


@click.command("diff")
@click.argument("base", metavar="BASE")
@click.argument("head", metavar="[HEAD]", required=False, default="HEAD")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")
@click.option("--pilot", "pilots", multiple=True, metavar="PILOT", help="Only this pilot (may be repeated).")
@click.pass_context
def diff_command(ctx, base, head, fmt, output, pilots):
    """The semantic diff of every pilot between two refs (HEAD defaults to HEAD).

    Documents are read from git at each commit, not from the work tree; the configuration
    at HEAD says where they are. Every change is labelled expansion, contraction or
    neutral (docs/gate.md lists how each change is classified); changes of fields that are not gated are listed as neutral.
    Exit 0, or 2 when a ref does not exist or git cannot be read.
    """
    from datetime import date

    from pilotlint.cli.gate import config_path
    from pilotlint.documents.config import ConfigError
    from pilotlint.history.git import GitError
    from pilotlint.history.range import Range

    repo = open_repo(Path.cwd())
    try:
        base_sha = repo.resolve(base)   # refs become commit ids before anything else
        head_sha = repo.resolve(head)
        rng = Range(repo, base_sha, head_sha, config_rel=config_path(ctx, repo.root), today=date.today(),
                    merge_base=False, config_at=head_sha)
        changes = sorted(rng.all_changes(), key=lambda c: c.path)
        problems = [f"{base_sha[:12]}: {p.path}: {p.message}" for p in rng.base.problems] + \
                   [f"{head_sha[:12]}: {p.path}: {p.message}" for p in rng.head.problems]
    except (GitError, ConfigError) as exc:
        raise git_failure(exc) from None
    finally:
        repo.close()
    if pilots:
        known = set(rng.base.by_pilot) | set(rng.head.by_pilot)
        strangers = [p for p in pilots if p not in known]
        if strangers:
            raise UsageFailure(f"no pilot `{strangers[0]}` at either ref; pilots: {', '.join(sorted(known)) or 'none'}")
        changes = [c for c in changes if c.pilot in pilots]
    if fmt == "json":
        text = json.dumps({"version": 1, "base": base_sha, "head": head_sha,
                           "changes": [c.to_json() for c in changes], "unreadable": problems},
                          indent=2, ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        text = render_markdown(base_sha, head_sha, changes, problems)
    else:
        text = render_text(base_sha, head_sha, changes, problems)
    write_output(text, output)
    ctx.exit(0)


# -- rendering (shared with `log`) ---------------------------------------------------

def value_text(value, limit: int = 120) -> str:
    """A value on one line: JSON, so control characters and escapes cannot reach the terminal."""
    from pilotlint.documents.values import plain

    text = json.dumps(plain(value), ensure_ascii=False, separators=(", ", ": "), default=str)
    text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def safe_text(text, limit: int = 200) -> str:
    """Document or commit text for a terminal: one line, no control characters."""
    text = " ".join(str(text or "").split())
    text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def counts(changes) -> str:
    from collections import Counter

    tally = Counter(c.class_ for c in changes)
    parts = [f"{tally[k]} {k}{'s' if tally[k] != 1 and k != 'neutral' else ''}"
             for k in ("expansion", "contraction", "neutral") if tally[k]]
    return ", ".join(parts) if parts else "no changes"


def change_lines(changes, indent: str = "  ") -> list[str]:
    lines = []
    current = None
    for change in changes:
        where = (change.pilot or "-", change.path)
        if where != current:
            current = where
            lines.append(f"{indent}{safe_text(change.pilot or '(no pilot)')}  {safe_text(change.path)}")
        field = safe_text(change.field) or f"(the whole {change.kind or 'document'})"
        if change.change == "added":
            value = value_text(change.to) if change.field else ""
        elif change.change == "removed":
            value = value_text(change.from_) if change.field else ""
        else:
            value = f"{value_text(change.from_, 60)} -> {value_text(change.to, 60)}"
        label = change.class_ + ("" if change.gated else ", not gated")
        lines.append(f"{indent}  {_MARK[change.change]} {field}{': ' + value if value else ''}  [{label}]")
    return lines


def render_text(base_sha: str, head_sha: str, changes, problems) -> str:
    lines = [f"pilotlint diff {base_sha[:12]}..{head_sha[:12]}: {counts(changes)}"]
    if changes:
        lines.append("")
        lines.extend(change_lines(changes))
    for problem in problems:
        lines.append(f"warning: cannot read {safe_text(problem)}")
    return "\n".join(lines) + "\n"


def md(value) -> str:
    from pilotlint.report.markdown import md as escape

    return escape(value)


def md_cell(value, limit: int = 120) -> str:
    return md(value_text(value, limit)) if value is not None else ""


def markdown_table(changes) -> list[str]:
    lines = ["| pilot | file | field | change | class | from | to |", "|---|---|---|---|---|---|---|"]
    for c in changes:
        field = c.field or f"(the whole {c.kind or 'document'})"
        klass = f"**{c.class_}**" if c.class_ == "expansion" else c.class_
        if not c.gated:
            klass += " (not gated)"
        lines.append(f"| {md(c.pilot or '')} | {md(c.path)} | {md(field)} | {c.change} | {klass} | "
                     f"{md_cell(c.from_)} | {md_cell(c.to)} |")
    return lines


def render_markdown(base_sha: str, head_sha: str, changes, problems) -> str:
    lines = [f"## pilotlint diff `{base_sha[:12]}..{head_sha[:12]}`", "", f"{counts(changes).capitalize()}.", ""]
    if changes:
        lines.extend(markdown_table(changes))
        lines.append("")
    for problem in problems:
        lines.append(f"- cannot read {md(problem)}")
    return "\n".join(lines).rstrip("\n") + "\n"
