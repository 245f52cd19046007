"""`pilotlint init PILOT` and `pilotlint note PILOT`: new documents from the templates in
`pilotlint/templates/`, with every value a person must decide written as a
`"<fill: ...>"` placeholder that `check` names (PL009).

Both commands only ever create files: they refuse (exit 2) when a file they would write
exists, and they write nowhere but the pilot's folder under the configured paths.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import click

from pilotlint.cli.common import UsageFailure, open_workspace, today_option
from pilotlint.documents.source import display
from pilotlint.documents.values import iso_week, plain

PILOT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
PERSON_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _workspace(ctx, today):
    from pilotlint.documents.config import ConfigError

    ws = open_workspace(ctx, Path.cwd(), today, use_git=False)
    try:
        ws.scan()
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None
    return ws


def _refuse_existing(paths: list[str], ws) -> None:
    from pilotlint.documents.source import FILE

    for path in paths:
        entry = ws.source.entry(path)
        if entry is not None and (entry.path != path or entry.type != FILE):
            raise UsageFailure(f"{display(entry.path)} is a symbolic link or not a folder; pilotlint does not "
                               "write through it (replace it with a real folder); nothing was written")
    existing = [p for p in paths if ws.source.entry(p) is not None]
    if existing:
        names = ", ".join(display(p) for p in existing)
        raise UsageFailure(f"{names} already exist{'s' if len(existing) == 1 else ''}; pilotlint never "
                           "overwrites a pilot document (edit it, or move it away first)")


def _write_new(files: dict[str, str], ws) -> None:
    """Create every file, or none: each is created exclusively, never through a link, in
    folders that are real folders; what was written before a failure is removed again."""
    from pilotlint.documents.write import WriteError, create, remove

    written: list[str] = []
    try:
        for rel, text in files.items():
            create(ws.root, rel, text)
            written.append(rel)
    except WriteError as exc:
        for rel in written:
            remove(ws.root, rel)
        raise UsageFailure(f"{exc}; nothing was written") from None


def _count_placeholders(texts) -> int:
    from pilotlint.rules.placeholders import MARKER

    return sum(len(MARKER.findall(line)) for text in texts for line in text.splitlines()
               if not line.lstrip().startswith("#"))


@click.command("init")
@click.argument("pilot")
@click.option("--owner", metavar="PERSON", help="The accountable owner's person id (from .pilotlint.yaml).")
@today_option
@click.pass_context
def init_command(ctx, pilot, owner, today):
    """Create a new pilot: charter, rollback plan and this week's note.

    The files go to `<first configured path>/PILOT/` (default `pilots/PILOT/`). Every
    value only a person can decide is a "<fill: ...>" placeholder; `pilotlint check`
    names each one (PL009) until it is filled in. The pilot starts as `proposed`, with
    the playbook's 30 days of setup and 45 of review from --today. Existing files are
    never overwritten (exit 2).
    """
    from pilotlint.report.templating import render_yaml

    if not PILOT_ID.fullmatch(pilot):
        raise UsageFailure(f"{pilot!r} is not a pilot id: use lower-case letters, digits and dashes, "
                           "starting with a letter or digit (e.g. outbound-drafts)")
    ws = _workspace(ctx, today)
    config = ws.config
    if owner is not None:
        if not PERSON_ID.fullmatch(owner):
            raise UsageFailure(f"{owner!r} is not a person id (letters, digits, `.`, `_`, `-`)")
        if config.knows_people() and owner not in config.people:
            known = ", ".join(sorted(config.people)) or "none"
            raise UsageFailure(f"`{owner}` is not a person in {config.rel} (`people:`); use one of: {known}")
    charters = ws.charter_paths(pilot)
    if charters:
        raise UsageFailure(f"the pilot `{pilot}` already has a charter ({display(charters[0])}); "
                           f"use `pilotlint note {pilot}` for this week's note")
    folder = f"{config.prefixes()[0]}/{pilot}"
    week = iso_week(today)
    files = {f"{folder}/charter.yaml": "charter.yaml.j2", f"{folder}/rollback.yaml": "rollback.yaml.j2",
             f"{folder}/notes/{week}.yaml": "note.yaml.j2"}
    starter = config.rel is None
    if starter:  # a repository's first pilot: the people and rules have to live somewhere
        if owner is None:
            raise UsageFailure("this repository has no .pilotlint.yaml yet, so pilotlint does not know the "
                               f"people: name the owner, e.g. `pilotlint init {pilot} --owner oleg`, and a starter "
                               ".pilotlint.yaml is written with them")
        files = {".pilotlint.yaml": "config.yaml.j2", **files}
    _refuse_existing(list(files), ws)
    context = {"pilot": pilot, "owner": owner, "today": today.isoformat(), "week": week,
               "start": today.isoformat(), "review_on": (today + timedelta(days=75)).isoformat(),
               "metrics": ["quality", "minutes_per_task", "weekly_cost"], "risks": [], "previous_week": None,
               "approver": owner}
    texts = {path: render_yaml(template, context) for path, template in files.items()}
    _write_new(texts, ws)
    for path in texts:
        click.echo(f"created {display(path)}")
    first = [text for path, text in texts.items() if not path.endswith(("rollback.yaml", f"{week}.yaml"))]
    later = [text for path, text in texts.items() if path.endswith(("rollback.yaml", f"{week}.yaml"))]
    click.echo(f"next: fill in the {_count_placeholders(first)} \"<fill: ...>\" values of "
               f"{'.pilotlint.yaml and ' if starter else ''}the charter; `pilotlint check` names each one (PL009). "
               f"The rollback plan and the note ({_count_placeholders(later)} more) are needed before the pilot goes "
               "active: until then check lists them as infos.")


@click.command("note")
@click.argument("pilot")
@today_option
@click.pass_context
def note_command(ctx, pilot, today):
    """Create this ISO week's note for PILOT (the week of --today).

    Pre-filled with the scorecard's metric ids (and the readings stop rules watch) as
    "<fill: ...>" placeholders, and with last week's open risks. Written beside the
    charter as `notes/<YYYY-Www>.yaml`; refuses (exit 2) when this week's note exists.
    """
    from pilotlint.governance.scorecard import scorecard_metrics
    from pilotlint.report.templating import render_yaml

    ws = _workspace(ctx, today)
    item = ws.pilot(pilot)
    if item is None or item.charter is None:
        known = ", ".join(sorted(p for p in ws.pilot_ids() if ws.charter_paths(p))) or "none"
        raise UsageFailure(f"no pilot `{pilot}` in this repository; pilots: {known} "
                           f"(`pilotlint init {pilot}` creates a new one)" if PILOT_ID.fullmatch(pilot)
                           else f"no pilot {pilot!r} in this repository; pilots: {known}")
    week = iso_week(today)
    for note in item.notes:
        if note.get("week") == week:
            raise UsageFailure(f"{note.shown} is already the note of {week}; pilotlint never overwrites a "
                               "pilot document")
    charter = item.charter
    target = f"{charter.folder}/notes/{week}.yaml" if charter.folder != "." else f"notes/{week}.yaml"
    _refuse_existing([target], ws)
    metrics = [m["id"] for m in scorecard_metrics(charter.data)]
    stop_rules = charter.get("stop_rules")
    for stop_rule in stop_rules if isinstance(stop_rules, list) else ():
        if isinstance(stop_rule, dict):
            for key in ("metric", "above_metric", "below_metric"):
                name = stop_rule.get(key)
                if isinstance(name, str) and name and name not in metrics:
                    metrics.append(name)
    earlier = [n for n in item.sorted_notes() if n.get("week") < week]
    previous = earlier[-1] if earlier else None
    risks = []
    for risk in previous.get("risks") or [] if previous and isinstance(previous.get("risks"), list) else []:
        if isinstance(risk, dict) and risk.get("status", "open") == "open":
            risks.append(plain(risk))
    owner = charter.get("owner")
    context = {"pilot": pilot, "week": week, "today": today.isoformat(), "metrics": metrics, "risks": risks,
               "previous_week": previous.get("week") if previous else None,
               "approver": owner if isinstance(owner, str) and PERSON_ID.fullmatch(owner) else None}
    text = render_yaml("note.yaml.j2", context)
    _write_new({target: text}, ws)
    click.echo(f"created {display(target)}")
    click.echo(f"next: fill in the {_count_placeholders([text])} \"<fill: ...>\" values"
               + (f"; {len(risks)} open risk{'s' if len(risks) != 1 else ''} carried over from "
                  f"{previous.get('week')}" if risks else ""))


