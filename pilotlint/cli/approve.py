"""`pilotlint approve PILOT --as PERSON` and `pilotlint approve --config --as PERSON`."""

from __future__ import annotations

from pathlib import Path

import click

from pilotlint.cli.common import UsageFailure, open_workspace, today_option

_PILOT_ID = r"[a-z0-9][a-z0-9-]*\Z"
_PERSON_ID = r"[A-Za-z0-9][A-Za-z0-9._-]*\Z"


@click.command("approve")
@click.argument("pilot", required=False)
@click.option("--as", "person", required=True, metavar="PERSON", help="Who approves: a person id from the config.")
@click.option("--config", "for_config", is_flag=True, help="Approve `.pilotlint.yaml` as it stands (admins).")
@click.option("--deleted", is_flag=True, help="Approve deleting PILOT: its charter is gone from the work tree.")
@click.option("--sign", "keyfile", metavar="KEYFILE", type=click.Path(path_type=Path),
              help="Sign the approval with this SSH key (ssh-keygen -Y sign -n pilotlint).")
@click.option("--decision", type=click.Choice(["approve", "reject"]), default="approve", show_default=True)
@click.option("--note", metavar="TEXT", help="What was approved and why (one line).")
@today_option
@click.pass_context
def approve_command(ctx, pilot, person, for_config, deleted, keyfile, decision, note, today):
    """Write an Approval document for PILOT's charter (or, with --config, for the config).

    The approval covers the canonical hash of the charter's gated fields as they stand
    now, so a later gated change makes it stale. It is written to
    `pilots/<id>/approvals/<date>-<person>.yaml` (config: `.pilotlint/approvals/`), with
    `-2`, `-3`, ... added when that name is taken: an approval is never overwritten. Commit
    it yourself: the commit's author email, or the signature with --sign, is what proves
    that PERSON approved. With --sign and a `signing_key` for PERSON in the configuration,
    a key that does not match it is refused at once.
    """
    import re

    from pilotlint.documents.config import ConfigError
    from pilotlint.documents.load import LoadError, load_text
    from pilotlint.history import approvals

    if for_config == bool(pilot):
        raise UsageFailure("name a PILOT to approve its charter, or pass --config (not both)")
    if pilot is not None and not re.match(_PILOT_ID, pilot):
        raise UsageFailure(f"{pilot!r} is not a pilot id (lower-case letters, digits and dashes)")
    ws = open_workspace(ctx, Path.cwd(), today, use_git=False)
    config = ws.config
    if config.rel is None:
        raise UsageFailure("no .pilotlint.yaml found: approvals name people defined in its `people:` section; "
                           "create one (`pilotlint init` writes a starter)")
    if person not in config.people or not re.match(_PERSON_ID, person):
        known = ", ".join(sorted(str(p) for p in config.people)) or "none"
        raise UsageFailure(f"unknown person {person!r}: use an id from `people:` in {config.rel} ({known})")
    if keyfile is not None:
        _check_key(keyfile, person, config)

    if for_config:
        covers = approvals.config_covers(config)
        folder = ".pilotlint/approvals" if config.folder == "." else f"{config.folder}/.pilotlint/approvals"
        head = {"target": "config"}
        what = "the configuration"
        if person not in config.admins:
            click.echo(f"note: {person} is not listed under `admins:`; the gate only counts an approval "
                       "by an admin of the base configuration", err=True)
    else:
        try:
            ws.scan()
        except ConfigError as exc:
            raise UsageFailure(str(exc)) from None
        item = ws.pilot(pilot)
        charter = item.charter if item else None
        if deleted:
            if charter is not None:
                raise UsageFailure(f"{charter.shown} still exists: --deleted approves deleting the pilot, so "
                                   "delete the charter first (or approve the charter as it stands without --deleted)")
            covers = approvals.charter_hash(None)
            first = config.prefixes()[0] if config.prefixes() else "pilots"
            folder = f"{first}/{pilot}/approvals"
            what = f"deleting the pilot {pilot}"
        else:
            if charter is None:
                raise UsageFailure(f"unknown pilot {pilot!r}: no charter with `pilot: {pilot}` under "
                                   f"{', '.join(config.paths)} (to approve deleting a pilot, add --deleted)")
            covers = approvals.charter_hash(charter.data)
            folder = f"{charter.folder}/approvals" if charter.folder != "." else "approvals"
            what = f"the charter of {pilot}"
            owner, oversight = charter.get("owner"), charter.get("oversight")
            if person not in (owner, oversight):
                click.echo(f"note: {person} is not the owner ({owner}); the gate counts an approval by the owner, "
                           "or for a change of owner by the previous owner or the oversight person", err=True)
        head = {"pilot": pilot}
    try:
        text = approvals.approval_text(head, person, decision, covers, today.isoformat(), note, keyfile)
    except approvals.SigningError as exc:
        raise UsageFailure(str(exc)) from None
    try:
        load_text(text)
    except LoadError as exc:  # pragma: no cover - the text is built from checked parts
        raise UsageFailure(f"internal: the approval would not be valid YAML ({exc.message})") from None
    rel = _write_unique(ws.root, folder, f"{today.isoformat()}-{person}", text)
    signed = " (signed)" if keyfile is not None else ""
    click.echo(f"wrote {rel}: {person} {decision}s {what} as it stands{signed}\n"
               f"commit it: git add {rel} && git commit -m \"{person} {decision}s {what}\"")


def _check_key(keyfile: Path, person: str, config) -> None:
    """Refuse a key that is not the person's `signing_key` before anything is written."""
    from pilotlint.history import approvals

    if not keyfile.is_file():
        raise UsageFailure(f"{keyfile}: no such key file")
    entry = config.people.get(person)
    expected = approvals.usable_key(entry.get("signing_key")) if isinstance(entry, dict) else None
    if expected is None:
        return  # nothing to compare with: the signature will say PL902 in the gate if it is wrong
    actual = approvals.public_key_of(keyfile)
    if actual is None:
        raise UsageFailure(f"cannot read the public key of {keyfile} (ssh-keygen -y failed); check the file")
    if not approvals.same_key(actual, expected):
        raise UsageFailure(f"{keyfile} is not {person}'s signing key: its public key is `{_short_key(actual)}`, but "
                           f"{config.rel} gives {person} `signing_key: {_short_key(expected)}`; sign with "
                           f"{person}'s own key (or update `signing_key`, which an admin approves)")


def _short_key(key: str) -> str:
    parts = key.split()
    return f"{parts[0]} ...{parts[1][-12:]}" if len(parts) >= 2 else key


def _write_unique(root: Path, folder: str, stem: str, text: str) -> str:
    """Write `folder/stem.yaml`, or `stem-2.yaml`, `stem-3.yaml`, ... when taken; never overwrite."""
    from pilotlint.documents.write import WriteError, create

    for n in range(1, 1000):
        rel = f"{folder}/{stem}{'' if n == 1 else f'-{n}'}.yaml"
        try:
            create(root, rel, text)
            return rel
        except WriteError as exc:
            if "already exists" not in str(exc):
                raise UsageFailure(str(exc)) from None
    raise UsageFailure(f"{folder} already holds 999 approvals named {stem}; pilotlint never overwrites one")
