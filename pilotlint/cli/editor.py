"""`pilotlint editor`: wire the repository's editors to the schemas, offline.

Writes the draft-07 form of the schemas (pilotlint/documents/editorschema.py) into
`.pilotlint/schemas/` beside `.pilotlint.yaml`, and maps them in `.vscode/settings.json`
(`yaml.schemas`, read by yaml-language-server in VS Code and by every editor given the
same settings, see docs/editors.md). The mapping names the files pilotlint itself
checks — the configured paths, the approvals folder, the config and its policies — and
the one document schema there picks each file's schema by its `kind:`.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from pilotlint.cli.common import UsageFailure, open_workspace

SCHEMA_DIR = ".pilotlint/schemas"
DOCUMENT = "document.json"


def schema_globs(config) -> list[str]:
    """The files pilotlint checks, as globs relative to the config's folder."""
    globs = []
    for path in config.paths:
        path = path.strip("/")
        globs += [f"{path}/**/*.yaml", f"{path}/**/*.yml"]
    globs += [".pilotlint/approvals/*.yaml", ".pilotlint.yaml"]
    for extra in config.extra:
        relative = config.relative(extra)
        if relative is not None:  # a policy elsewhere in the repository: not under the config's folder
            globs.append(relative)
    return list(dict.fromkeys(globs))


def mapping(config) -> dict:
    """The `yaml.schemas` entry: schema path (relative to the workspace) -> globs."""
    return {f"./{SCHEMA_DIR}/{DOCUMENT}": schema_globs(config)}


def schema_files() -> dict[str, dict]:
    from pilotlint.documents.editorschema import document_schema, editor_schema
    from pilotlint.documents.schema import SCHEMA_FILES

    files = {DOCUMENT: document_schema()}
    files.update({name: editor_schema(kind) for kind, name in SCHEMA_FILES.items()})
    return files


def merged_settings(existing: str | None, entry: dict) -> str:
    """`.vscode/settings.json` with our `yaml.schemas` entry, every other setting kept."""
    settings = {}
    if existing is not None and existing.strip():
        try:
            settings = json.loads(existing)
        except json.JSONDecodeError:
            raise ValueError("it is not plain JSON (comments or trailing commas?)") from None
        if not isinstance(settings, dict):
            raise ValueError("it is not a JSON object")
    schemas = settings.get("yaml.schemas")
    if schemas is not None and not isinstance(schemas, dict):
        raise ValueError("its `yaml.schemas` is not an object")
    kept = {k: v for k, v in (schemas or {}).items() if SCHEMA_DIR not in k}  # ours are replaced
    settings["yaml.schemas"] = {**kept, **entry}
    return json.dumps(settings, indent=4, ensure_ascii=False) + "\n"


@click.command("editor")
@click.option("--no-vscode", is_flag=True, help="Write the schemas only, not .vscode/settings.json.")
@click.option("--print", "print_only", is_flag=True,
              help="Write nothing; print the `yaml.schemas` setting for your editor's configuration.")
@click.pass_context
def editor_command(ctx, no_vscode, print_only):
    """Set up editors: schemas they understand, wired up without internet.

    Writes the schemas as JSON Schema draft-07 (the form every yaml-language-server
    release handles) to .pilotlint/schemas/ beside .pilotlint.yaml: one per kind, and
    document.json, which picks the kind's schema by each file's `kind:`. Then maps
    document.json onto the files pilotlint checks in .vscode/settings.json
    (`yaml.schemas`), keeping every other setting there. Commit both, so that everyone
    who opens the repository gets completion, hover and schema errors.

    Run it again after upgrading pilotlint. docs/editors.md shows the same setting for
    Neovim, Helix and Emacs, and `pilotlint lsp`, which adds every governance finding.
    """
    from datetime import date

    from pilotlint.documents.source import FILE, ReadError
    from pilotlint.documents.write import WriteError, replace

    ws = open_workspace(ctx, Path.cwd(), date.today(), use_git=False)
    config = ws.config
    entry = mapping(config)
    if print_only:
        click.echo(json.dumps({"yaml.schemas": entry}, indent=4))
        return
    base = "" if config.folder == "." else config.folder + "/"
    written = []
    try:
        for name, schema in schema_files().items():
            replace(ws.root, f"{base}{SCHEMA_DIR}/{name}", json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
            written.append(name)
    except WriteError as exc:
        raise UsageFailure(str(exc)) from None
    click.echo(f"wrote {len(written)} schemas to {SCHEMA_DIR}/ (JSON Schema draft-07)")
    if no_vscode:
        return
    settings = f"{base}.vscode/settings.json"
    found = ws.source.entry(settings)
    try:
        if found is not None and found.type != FILE:
            raise ValueError("it is not a regular file (a symbolic link?)")
        existing = ws.source.read(found, 1 << 20).decode("utf-8") if found is not None else None
        text = merged_settings(existing, entry)
    except (ValueError, UnicodeDecodeError) as exc:
        snippet = json.dumps({"yaml.schemas": entry}, indent=4)
        raise UsageFailure(f".vscode/settings.json was left alone: {exc}; add this yourself:\n{snippet}") from None
    except ReadError as exc:
        raise UsageFailure(f"cannot read {settings}: {exc.message}") from None
    try:
        replace(ws.root, settings, text)
    except WriteError as exc:
        raise UsageFailure(str(exc)) from None
    click.echo(f"{'updated' if existing is not None else 'wrote'} .vscode/settings.json (yaml.schemas: "
               f"{', '.join(entry[f'./{SCHEMA_DIR}/{DOCUMENT}'])})")
