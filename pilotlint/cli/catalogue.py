"""`pilotlint rules`, `pilotlint explain RULE`, `pilotlint schema KIND`."""

from __future__ import annotations

import json

import click

from pilotlint.cli.common import UsageFailure


@click.command("rules")
@click.option("--framework", type=click.Choice(["nist-ai-rmf", "iso-42001"]),
              help="Show the controls of this framework that each rule serves.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def rules_command(framework, fmt):
    """List the rule catalogue: id, name, severity, summary."""
    from pilotlint.catalogue import catalogue

    infos = list(catalogue().values())
    if fmt == "json":
        click.echo(json.dumps([{"id": i.id, "name": i.name, "severity": i.severity, "summary": i.summary,
                                "family": i.family, "controls": i.controls} for i in infos], indent=2))
        return
    if fmt == "markdown":
        head = "| id | name | severity | summary |" + (" controls |" if framework else "")
        click.echo(head + "\n|---|---|---|---|" + ("---|" if framework else ""))
        for i in infos:
            extra = f" {', '.join(i.controls.get(framework, [])) or '-'} |" if framework else ""
            click.echo(f"| {i.id} | {i.name} | {i.severity} | {i.summary.replace('|', '/')} |{extra}")
        return
    for i in infos:
        line = f"{i.id}  {i.name:<24} {i.severity:<8} {i.summary}"
        if framework:
            line += f"  [{', '.join(i.controls.get(framework, [])) or '-'}]"
        click.echo(line)


@click.command("explain")
@click.argument("rule_id")
def explain_command(rule_id):
    """Explain one rule: what it checks, why, how to fix it, and its examples."""
    from pilotlint.catalogue import catalogue

    info = catalogue().get(rule_id.upper())
    if info is None:
        raise UsageFailure(f"no rule {rule_id}; `pilotlint rules` lists them")
    click.echo(explain_text(info))


def explain_text(info) -> str:
    """What `pilotlint explain` prints for one rule (also the language server's hover)."""
    from pilotlint.catalogue import FRAMEWORKS

    out = [f"{info.id} {info.name} ({info.severity})", "", info.summary, "",
           "Why it matters:", _indent(info.principle), "How to fix:", _indent(info.fix)]
    if info.controls:
        out.append("Controls it evidences:")
        for key, values in info.controls.items():
            out.append(f"  {FRAMEWORKS.get(key, key)}: {', '.join(values)}")
        out.append("")
    for kind, title in (("fail", "Fails"), ("pass", "Passes")):
        for example in info.examples.get(kind, []):
            out.append(f"{title}: {example.get('description', '')}")
            if "today" in example:
                out.append(f"  judged on {example['today']}")
            for key, paths in (example.get("remove") or {}).items():
                out.append(f"  removed from the {key}: {', '.join(paths)}")
            for key in ("charter", "rollback", "note", "config"):
                if key in example:
                    out.append(f"  in the {key}:")
                    out.append(_indent(_as_yaml(example[key]), 4))
            for week, text in (example.get("notes") or {}).items():
                out.append(f"  in the note of {week}:")
                out.append(_indent(_as_yaml(text), 4))
            for path, text in (example.get("files") or {}).items():
                out.append(f"  {path}:")
                out.append(_indent(text.rstrip(), 4))
    return "\n".join(out).rstrip() + "\n"


def _as_yaml(value) -> str:
    if isinstance(value, str):
        return value.strip()
    import yaml

    return yaml.safe_dump(value, sort_keys=False, default_flow_style=None).strip()


def _indent(text: str, width: int = 2) -> str:
    import textwrap

    text = " ".join(text.split()) if "\n" not in text.strip() else text
    if "\n" in text:
        return textwrap.indent(text, " " * width) + "\n"
    return textwrap.fill(text, 88, initial_indent=" " * width, subsequent_indent=" " * width) + "\n"


@click.command("schema")
@click.argument("kind")
@click.option("--draft", type=click.Choice(["2020-12", "7"]), default="2020-12", show_default=True,
              help="The JSON Schema version: 2020-12 (the source, used by `check`) or 7 (self-contained, "
                   "for editors; see `pilotlint editor`).")
def schema_command(kind, draft):
    """Print the JSON Schema of a document kind.

    KIND is one of Config, Charter, WeeklyNote, RollbackPlan, Approval, Policy; with
    --draft 7 also Document, one schema for every kind that picks the kind's schema by
    the document's `kind:`. `pilotlint editor` writes the draft-7 files into the
    repository and maps them for editors.
    """
    from pilotlint.documents.schema import SCHEMA_FILES, schema_for

    names = {k.lower(): k for k in SCHEMA_FILES}
    names.update({v.removesuffix(".json"): k for k, v in SCHEMA_FILES.items()})
    if draft == "7":
        names["document"] = "Document"
    key = names.get(kind.lower())
    if key is None:
        kinds = ", ".join([*SCHEMA_FILES, *(["Document"] if draft == "7" else [])])
        raise UsageFailure(f"unknown kind {kind!r}; use one of: {kinds}")
    if draft == "7":
        from pilotlint.documents.editorschema import document_schema, editor_schema

        schema = document_schema() if key == "Document" else editor_schema(key)
    else:
        schema = schema_for(key)
    click.echo(json.dumps(schema, indent=2))
