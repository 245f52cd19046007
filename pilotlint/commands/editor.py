"""`pilotlint editor`: wire the repository's editors to the schemas, offline.

Writes the draft-07 form of the schemas (pilotlint/editorschema.py) into
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

from pilotlint.commands.common import UsageFailure, discover

SCHEMA_DIR = ".pilotlint/schemas"
DOCUMENT = "document.json"


def schema_globs(config) -> list[str]:
    """The files pilotlint checks, as globs relative to the config's folder."""
    base = config.directory
    globs = []
    for path in config.paths:
        path = path.strip("/")
        globs += [f"{path}/**/*.yaml", f"{path}/**/*.yml"]
    globs += [".pilotlint/approvals/*.yaml", ".pilotlint.yaml"]
    for extra in config.extra:
        try:
            globs.append(extra.resolve().relative_to(base.resolve()).as_posix() if base else extra.as_posix())
        except ValueError:  # a policy outside the repository: not ours to map
            continue
    return list(dict.fromkeys(globs))


def mapping(config) -> dict:
    """The `yaml.schemas` entry: schema path (relative to the workspace) -> globs."""
    return {f"./{SCHEMA_DIR}/{DOCUMENT}": schema_globs(config)}


def schema_files() -> dict[str, dict]:
    from pilotlint.editorschema import document_schema, editor_schema
    from pilotlint.schema import SCHEMA_FILES

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
    config, root = discover(ctx, Path.cwd())
    base = (config.directory or root).resolve()
    entry = mapping(config)
    if print_only:
        click.echo(json.dumps({"yaml.schemas": entry}, indent=4))
        return
    folder = base / SCHEMA_DIR
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, schema in schema_files().items():
            path = folder / name
            path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise UsageFailure(f"cannot write {exc.filename}: {exc.strerror}") from None
    click.echo(f"wrote {len(written)} schemas to {SCHEMA_DIR}/ (JSON Schema draft-07)")
    if no_vscode:
        return
    settings = base / ".vscode" / "settings.json"
    try:
        existing = settings.read_text(encoding="utf-8") if settings.is_file() else None
        text = merged_settings(existing, entry)
    except ValueError as exc:
        snippet = json.dumps({"yaml.schemas": entry}, indent=4)
        raise UsageFailure(f".vscode/settings.json was left alone: {exc}; add this yourself:\n{snippet}") from None
    except OSError as exc:
        raise UsageFailure(f"cannot read {settings}: {exc.strerror}") from None
    try:
        settings.parent.mkdir(exist_ok=True)
        settings.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageFailure(f"cannot write {settings}: {exc.strerror}") from None
    click.echo(f"{'updated' if existing is not None else 'wrote'} .vscode/settings.json (yaml.schemas: "
               f"{', '.join(entry[f'./{SCHEMA_DIR}/{DOCUMENT}'])})")
