"""What the language server answers, as functions of a document's text.

Positions here are in characters (code points), 0-based; the server converts them to
the client's units. Nothing from a document is evaluated: text is only looked at.
"""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types

from pilotlint.findings import Finding
from pilotlint.lsp import engine_adapter as engine
from pilotlint.lsp import schemanav
from pilotlint.lsp.yamlpath import node_end, path_of_line, place_at

SOURCE = "pilotlint"
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
             "info": types.DiagnosticSeverity.Information}
_KIND = re.compile(r"^kind:[ \t]*['\"]?([A-Za-z]+)", re.M)
_SUPPRESS = re.compile(r"#[ \t]*pilotlint:[ \t]*disable")


def kind_of(text: str) -> str | None:
    match = _KIND.search(text)
    return match.group(1) if match and match.group(1) in engine.kinds() else None


# -- diagnostics -----------------------------------------------------------------------------

def node_range(lines: list[str], line: int, column: int) -> types.Range:
    """From the node at (line, column), 1-based as findings give them, to the end of it."""
    row = min(max(line - 1, 0), max(len(lines) - 1, 0))
    text = lines[row] if lines else ""
    start = min(max(column - 1, 0), len(text))
    if not text[start:].strip():  # nothing written there (the end of a file): the line itself
        start = len(text) - len(text.lstrip())
    end = node_end(text, start) if text.strip() else start
    return types.Range(types.Position(row, start), types.Position(row, max(end, start)))


def diagnostics(findings: list[Finding], text: str) -> list[types.Diagnostic]:
    lines = text.split("\n")
    out = []
    for finding in findings:
        out.append(types.Diagnostic(
            range=node_range(lines, finding.line, finding.column),
            message=finding.message,
            severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Error),
            code=finding.rule,
            source=SOURCE,
            data={"rule": finding.rule},
        ))
    return out


# -- completion ------------------------------------------------------------------------------

def completion(path: Path, root: Path, text: str, line: int, character: int) -> list[types.CompletionItem]:
    kind = kind_of(text)
    place = place_at(text, line, character)
    schema = engine.schema(kind) if kind else None
    if place.role == "key":
        return _key_items(kind, schema, place, path, root, text)
    node = schemanav.node_at(schema, place.path)
    what = schemanav.field_kind(kind, place.path, node)
    if what == "person":
        return [_item(person, types.CompletionItemKind.Value, name or "a person in .pilotlint.yaml")
                for person, name in engine.people(path).items()]
    if what == "metric":
        return [_item(metric, types.CompletionItemKind.Field, "a scorecard metric")
                for metric in engine.metric_ids(root, path, text)]
    if node and node.get("type") == "object" or node and "properties" in node:
        return _key_items(kind, schema, place, path, root, text)  # `- <cursor>` in a list of mappings
    return [_item(_scalar(value), types.CompletionItemKind.EnumMember, (node or {}).get("description", ""))
            for value in schemanav.values(node)]


def _key_items(kind, schema, place, path, root, text) -> list[types.CompletionItem]:
    if kind is None:  # not yet a document: start one
        return [_item(f"kind: {k}", types.CompletionItemKind.Module, f"start a {k} document",
                      insert=f"apiVersion: pilotlint/v1\nkind: {k}\n") for k in engine.kinds()]
    if schemanav.keys_are(kind, place.path) == "metric":
        return [_item(metric, types.CompletionItemKind.Field, "a scorecard metric", insert=f"{metric}: ")
                for metric in engine.metric_ids(root, path, text) if metric not in place.siblings]
    node = schemanav.node_at(schema, place.path)
    items = []
    for name, sub in schemanav.properties(node).items():
        if name in place.siblings:
            continue
        items.append(_item(name, types.CompletionItemKind.Property, sub.get("description", ""),
                           insert=f"{name}: "))
    return items


def _item(label: str, kind, documentation: str, insert: str | None = None) -> types.CompletionItem:
    return types.CompletionItem(
        label=label, kind=kind, detail=schemanav.first_sentence(documentation)[:80] or None,
        documentation=types.MarkupContent(types.MarkupKind.Markdown, documentation) if documentation else None,
        insert_text=insert)


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- hover -----------------------------------------------------------------------------------

def hover(text: str, line: int, character: int, published: list[types.Diagnostic]) -> str | None:
    """The field's description, and `pilotlint explain` of any finding under the cursor."""
    parts = []
    kind = kind_of(text)
    field_path = path_of_line(text, line)
    if kind and field_path:
        node = schemanav.node_at(engine.schema(kind), field_path)
        if node and node.get("description"):
            name = ".".join(str(step) for step in field_path)
            parts.append(f"**{name}**: {node['description']}")
            allowed = schemanav.values(node) or schemanav.values(node.get("items") if node else None)
            if allowed:
                parts.append("One of: " + ", ".join(f"`{_scalar(v)}`" for v in allowed))
    for diagnostic in published:
        start, end = diagnostic.range.start, diagnostic.range.end
        if start.line <= line <= end.line and (line != start.line or character >= start.character) \
                and (line != end.line or character <= end.character):
            explained = engine.explain(str(diagnostic.code))
            if explained:
                parts.append(f"```text\n{explained.rstrip()}\n```\n(`pilotlint explain {diagnostic.code}`)")
    return "\n\n".join(parts) or None


# -- code actions ----------------------------------------------------------------------------

def code_actions(uri: str, path: Path, text: str, diagnostics_: list[types.Diagnostic]) -> list[types.CodeAction]:
    lines = text.split("\n")
    actions = []
    locked = engine.unsuppressible(path)
    for diagnostic in diagnostics_:
        rule = str(diagnostic.code or "")
        if diagnostic.source != SOURCE or not rule.startswith("PL"):
            continue
        scaffold = _scaffold(uri, text, lines, diagnostic)
        if scaffold:
            actions.append(scaffold)
        if rule not in ("PL000", "PL001", "PL010") and not any(rule.startswith(p) for p in locked):
            actions.append(_suppression(uri, lines, diagnostic, rule))
    return actions


def _suppression(uri: str, lines: list[str], diagnostic: types.Diagnostic, rule: str) -> types.CodeAction:
    row = diagnostic.range.start.line
    current = lines[row] if row < len(lines) else ""
    # an empty reason silences nothing (PL010 asks for one) until the person writes why
    comment = f'# pilotlint: disable={rule} reason=""'
    if "#" not in current and current.strip():  # at the end of the line: silences that line
        edit = types.TextEdit(types.Range(types.Position(row, len(current)), types.Position(row, len(current))),
                              f"  {comment}")
    else:  # alone on the line above, at the same indentation: silences the next line
        indent = current[:len(current) - len(current.lstrip())]
        edit = types.TextEdit(types.Range(types.Position(row, 0), types.Position(row, 0)), f"{indent}{comment}\n")
    return types.CodeAction(
        title=f"Silence {rule} here, with a reason to fill in", kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic], edit=types.WorkspaceEdit(changes={uri: [edit]}))


def _scaffold(uri: str, text: str, lines: list[str], diagnostic: types.Diagnostic) -> types.CodeAction | None:
    """The keys the schema requires and the mapping lacks, with `<fill: ...>` values.

    A missing key is reported at the mapping that lacks it, that is at its first key; the
    keys are added at the end of that mapping, at its indentation.
    """
    kind = kind_of(text)
    row, column = diagnostic.range.start.line, diagnostic.range.start.character
    if not kind or str(diagnostic.code) != "PL002" or row >= len(lines):
        return None
    own = path_of_line(text, row)
    if not own or not isinstance(own[-1], str):
        return None
    parent = own[:-1]
    node = schemanav.node_at(engine.schema(kind), parent)
    written = place_at(text, row, column).siblings | {own[-1]}
    missing = [key for key in schemanav.required(node) if key not in written]
    if not missing:
        return None
    end = row + 1
    for number in range(row + 1, len(lines)):
        content = lines[number].lstrip(" ")
        if content.strip() and not content.startswith("#"):
            if len(lines[number]) - len(content) < column:
                break
            end = number + 1
    props = schemanav.properties(node)
    body = "".join(_scaffold_lines(key, props.get(key, {}), " " * column) for key in missing)
    if end >= len(lines):  # the end of the file, which may lack its last newline
        at = types.Position(len(lines) - 1, len(lines[-1]))
        body = ("\n" if lines[-1] else "") + body
    else:
        at = types.Position(end, 0)
    return types.CodeAction(
        title=f"Add the missing {', '.join(f'`{k}`' for k in missing)}", kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic], edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(types.Range(at, at), body)]}))


def _scaffold_lines(key: str, node: dict, indent: str) -> str:
    about = schemanav.first_sentence(node.get("description", "")).replace('"', "'") or key
    if node.get("type") == "object" and schemanav.required(node):
        inner = "".join(_scaffold_lines(k, schemanav.properties(node).get(k, {}), indent + "  ")
                        for k in schemanav.required(node))
        return f"{indent}{key}:\n{inner}"
    if "const" in node:
        return f"{indent}{key}: {_scalar(node['const'])}\n"
    if node.get("type") == "array":
        return f'{indent}{key}: ["<fill: {about}>"]\n'
    return f'{indent}{key}: "<fill: {about}>"\n'
