"""`pilotlint approve PILOT --as PERSON` and `pilotlint approve --config --as PERSON`."""

from __future__ import annotations

from pathlib import Path

import click

from pilotlint.commands.common import UsageFailure, discover, today_option

_PILOT_ID = r"[a-z0-9][a-z0-9-]*\Z"


@click.command("approve")
@click.argument("pilot", required=False)
@click.option("--as", "person", required=True, metavar="PERSON", help="Who approves: a person id from the config.")
@click.option("--config", "for_config", is_flag=True, help="Approve `.pilotlint.yaml` as it stands (admins).")
@click.option("--sign", "keyfile", metavar="KEYFILE", type=click.Path(path_type=Path),
              help="Sign the approval with this SSH key (ssh-keygen -Y sign -n pilotlint).")
@click.option("--decision", type=click.Choice(["approve", "reject"]), default="approve", show_default=True)
@click.option("--note", metavar="TEXT", help="What was approved and why (one line).")
@today_option
@click.pass_context
def approve_command(ctx, pilot, person, for_config, keyfile, decision, note, today):
    """Write an Approval document for PILOT's charter (or, with --config, for the config).

    The approval covers the canonical hash of the charter's gated fields as they stand
    now, so a later gated change makes it stale. It is written to
    `pilots/<id>/approvals/<date>-<person>.yaml` (config: `.pilotlint/approvals/`) and
    never overwrites an existing file. Commit it yourself: the commit's author email, or
    the signature with --sign, is what proves that PERSON approved.
    """
    import re

    from pilotlint import approvals
    from pilotlint.load import LoadError, load_text

    if for_config == bool(pilot):
        raise UsageFailure("name a PILOT to approve its charter, or pass --config (not both)")
    if pilot is not None and not re.match(_PILOT_ID, pilot):
        raise UsageFailure(f"{pilot!r} is not a pilot id (lower-case letters, digits and dashes)")
    config, root = discover(ctx, Path.cwd())
    if config.path is None:
        raise UsageFailure("no .pilotlint.yaml found: approvals name people defined in its `people:` section")
    if person not in config.people or not re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z", person):
        known = ", ".join(sorted(str(p) for p in config.people)) or "none"
        raise UsageFailure(f"unknown person {person!r}: use an id from `people:` in {config.path.name} ({known})")

    if for_config:
        covers = approvals.config_hash(config.data)
        folder = config.directory / ".pilotlint" / "approvals"
        head = {"target": "config"}
        if person not in config.admins:
            click.echo(f"note: {person} is not listed under `admins:`; the gate only counts an approval "
                       "by an admin of the base configuration", err=True)
    else:
        charter = _find_charter(config, root, pilot, today)
        if charter is None:
            raise UsageFailure(f"unknown pilot {pilot!r}: no charter with `pilot: {pilot}` under "
                               f"{', '.join(config.paths)}")
        covers = approvals.charter_hash(charter.data)
        folder = charter.file.parent / "approvals"
        head = {"pilot": pilot}
        if person not in (charter.get("owner"), charter.get("oversight")):
            click.echo(f"note: {person} is not the owner ({charter.get('owner')}); the gate counts an approval "
                       "by the owner, or for a change of owner by the previous owner or oversight person",
                       err=True)
    target = folder / f"{today.isoformat()}-{person}.yaml"
    if target.exists() or target.is_symlink():
        raise UsageFailure(f"{_rel(target, root)} already exists; pilotlint never overwrites an approval "
                           "(delete it first if it is really meant to be replaced)")
    try:
        text = approvals.approval_text(head, person, decision, covers, today.isoformat(), note, keyfile)
    except approvals.SigningError as exc:
        raise UsageFailure(str(exc)) from None
    try:
        load_text(text)
    except LoadError as exc:  # pragma: no cover - the text is built from checked parts
        raise UsageFailure(f"internal: the approval would not be valid YAML ({exc.message})") from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageFailure(f"{_rel(target, root)} already exists; pilotlint never overwrites an approval") from None
    except OSError as exc:
        raise UsageFailure(f"cannot write {target}: {exc.strerror}") from None
    what = "the configuration" if for_config else f"the charter of {pilot}"
    signed = " (signed)" if keyfile is not None else ""
    click.echo(f"wrote {_rel(target, root)}: {person} {decision}s {what} as it stands{signed}\n"
               f"commit it: git add {_rel(target, root)} && git commit -m \"{person} {decision}s {what}\"")


def _find_charter(config, root: Path, pilot: str, today):
    """The charter whose `pilot:` is PILOT: `<path>/<pilot>/charter.yaml` first, then a search."""
    from pilotlint.engine import Request, build_workspace
    from pilotlint.model import read_document

    base = config.directory or root
    for path in config.paths:
        candidate = base / path / pilot / "charter.yaml"
        if candidate.is_file():
            doc, _ = read_document(candidate, candidate.as_posix(), config, ours_by_path=True)
            if doc is not None and doc.kind == "Charter" and doc.pilot == pilot:
                return doc
    from pilotlint.config import ConfigError

    try:
        ws, _ = build_workspace(Request(paths=[], config=config, root=root, today=today, use_git=False))
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from None
    found = ws.pilots.get(pilot)
    return found.charter if found else None


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
