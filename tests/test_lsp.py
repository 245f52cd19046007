"""`pilotlint lsp` driven by a real LSP client (pytest-lsp) over stdio, on copies of the
sample repository: findings appear and go as a person types, completion and hover
help, code actions are edits the editor applies, and bad input never stops the server."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import EXAMPLES, REPO, TODAY, run_cli

CHARTER = "pilots/outbound-drafts/charter.yaml"
NOTE = "pilots/outbound-drafts/notes/2026-W47.yaml"
SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "pilotlint", "lsp", "--today", TODAY],
    server_env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code")))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def repo(tmp_path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns("approvals"))
    return target


class Editor:
    """One open document, edited as an editor does: full-text changes, new versions."""

    def __init__(self, client: LanguageClient, path: Path, text: str | None = None):
        self.client, self.uri, self.version = client, path.as_uri(), 1
        self.text = path.read_text() if text is None else text

    async def open(self) -> list[types.Diagnostic]:
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=self.uri, language_id="yaml", version=self.version, text=self.text)))
        return await self.diagnostics()

    async def change(self, text: str) -> list[types.Diagnostic]:
        self.version += 1
        self.text = text
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        return await self.diagnostics()

    async def diagnostics(self) -> list[types.Diagnostic]:
        """The diagnostics published for this version (the server says which version they are of)."""
        for _ in range(100):
            params = await asyncio.wait_for(
                self.client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 30)
            if params.uri == self.uri and params.version in (None, self.version):
                return list(params.diagnostics)
        raise AssertionError("no diagnostics for this version")

    def position(self, needle: str, offset: int = 0) -> types.Position:
        for number, line in enumerate(self.text.split("\n")):
            if needle in line:
                return types.Position(number, line.index(needle) + offset)
        raise AssertionError(f"{needle!r} is not in the document")

    async def completion(self, position: types.Position) -> list[str]:
        result = await self.client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(self.uri), position=position))
        items = result.items if isinstance(result, types.CompletionList) else result or []
        return [item.label for item in items]

    async def hover(self, position: types.Position) -> str:
        result = await self.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(self.uri), position=position))
        return result.contents.value if result else ""

    async def actions(self, diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
        result = await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(self.uri), range=diagnostics[0].range,
            context=types.CodeActionContext(diagnostics=diagnostics)))
        return list(result or [])

    def applied(self, action: types.CodeAction) -> str:
        """The text after the editor applies the action's edits (ASCII documents: units are characters)."""
        lines = self.text.split("\n")
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line) + 1)
        text = self.text
        for edit in sorted(action.edit.changes[self.uri], key=lambda e: (e.range.start.line, e.range.start.character),
                           reverse=True):
            start = offsets[edit.range.start.line] + edit.range.start.character
            end = offsets[edit.range.end.line] + edit.range.end.character
            text = text[:start] + edit.new_text + text[end:]
        return text


def _codes(diagnostics) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


@pytest.mark.asyncio
async def test_removing_a_power_from_authority_is_pl102_at_the_list_and_restoring_it_clears_it(client, repo):
    editor = Editor(client, repo / CHARTER)
    original = editor.text
    assert "PL102" not in _codes(await editor.open())
    published = await editor.change(original.replace("authority: [approve_vendors, pause, ",
                                                     "authority: [approve_vendors, "))
    found = [d for d in published if d.code == "PL102"]
    assert len(found) == 1, published
    line = original.split("\n").index(next(l for l in original.split("\n") if l.startswith("authority:")))
    value = "[approve_vendors, define_metrics, reject_scope, own_budget]"
    assert found[0].range == types.Range(types.Position(line, 11), types.Position(line, 11 + len(value)))
    assert found[0].source == "pilotlint" and found[0].severity == types.DiagnosticSeverity.Error
    assert "pause" in found[0].message
    assert "PL102" not in _codes(await editor.change(original))


@pytest.mark.asyncio
async def test_a_note_that_trips_a_stop_rule_gets_pl602_through_its_charter(client, repo):
    week46 = repo / "pilots/outbound-drafts/notes/2026-W46.yaml"
    week46.write_text(week46.read_text().replace("reply_rate: 3.3", "reply_rate: 2.4"))
    assert "reply_rate: 2.4" in week46.read_text()
    editor = Editor(client, repo / NOTE)
    assert "PL602" not in _codes(await editor.open())
    published = await editor.change(editor.text.replace("reply_rate: 3.4", "reply_rate: 2.5"))
    found = [d for d in published if d.code == "PL602"]
    assert found, published
    assert "misses-target" in found[0].message and "charter.yaml" in found[0].message
    assert found[0].range.start.line == editor.position("metrics:").line


@pytest.mark.asyncio
async def test_completion_offers_the_configs_person_ids(client, repo):
    editor = Editor(client, repo / CHARTER)
    await editor.open()
    text = editor.text.replace("owner: oleg", "owner: ")
    await editor.change(text)
    labels = await editor.completion(editor.position("owner: ", len("owner: ")))
    assert {"oleg", "maria", "tom", "lena", "anna"} <= set(labels), labels


@pytest.mark.asyncio
async def test_completion_offers_metric_ids_in_a_note_and_in_a_stop_rule(client, repo):
    note = Editor(client, repo / NOTE)
    await note.open()
    await note.change(note.text.replace("  edit_minutes: 1.6\n", "  \n"))
    labels = await note.completion(types.Position(note.position("reply_rate: 3.4").line + 1, 2))
    assert "edit_minutes" in labels and "reply_rate" not in labels, labels
    charter = Editor(client, repo / CHARTER)
    await charter.open()
    await charter.change(charter.text.replace("metric: reply_rate", "metric: "))
    labels = await charter.completion(charter.position("    metric: ", len("    metric: ")))
    assert {"draft_minutes", "reply_rate", "edit_minutes", "weekly_cost"} <= set(labels), labels


@pytest.mark.asyncio
async def test_completion_offers_allowed_values_and_missing_keys(client, repo):
    editor = Editor(client, repo / CHARTER)
    await editor.open()
    await editor.change(editor.text.replace("status: active ", "status: "))
    labels = await editor.completion(editor.position("status: ", len("status: ")))
    assert {"proposed", "active", "paused", "stopped"} <= set(labels), labels
    await editor.change(editor.text.replace("  human_review: required", "  "))
    labels = await editor.completion(types.Position(editor.position("  channels:").line + 1, 2))
    assert "human_review" in labels and "teams" not in labels, labels


@pytest.mark.asyncio
async def test_hover_shows_the_fields_description_and_explains_a_finding(client, repo):
    editor = Editor(client, repo / CHARTER)
    await editor.open()
    shown = await editor.hover(editor.position("owner: oleg"))
    assert "The one accountable owner" in shown, shown
    published = await editor.change(editor.text.replace("pause, ", ""))
    assert "PL102" in _codes(published)
    shown = await editor.hover(editor.position("[approve_vendors", 3))
    assert "Why it matters" in shown and "pilotlint explain PL102" in shown, shown


@pytest.mark.asyncio
async def test_the_suppression_action_needs_its_reason_filled_in(client, repo):
    editor = Editor(client, repo / CHARTER)
    await editor.open()
    published = await editor.change(editor.text.replace("pause, ", ""))
    pl102 = [d for d in published if d.code == "PL102"]
    actions = [a for a in await editor.actions(pl102) if "Silence" in a.title]
    assert len(actions) == 1
    silenced = editor.applied(actions[0])
    assert '# pilotlint: disable=PL102 reason=""' in silenced
    after = await editor.change(silenced)
    assert "PL010" in _codes(after) and "PL102" in _codes(after)  # no reason: silences nothing yet
    after = await editor.change(silenced.replace('reason=""', 'reason="the board holds pause until March"'))
    assert "PL102" not in _codes(after) and "PL010" not in _codes(after)
    assert (repo / CHARTER).read_text() == (EXAMPLES / CHARTER).read_text()  # the server wrote nothing


@pytest.mark.asyncio
@pytest.mark.parametrize("file,old,new,missing", [
    ("pilots/outbound-drafts/rollback.yaml", "pilot: outbound-drafts\n", "", "`pilot`"),
    (CHARTER, "  within_hours: 24\n", "", "`incident.within_hours`"),
], ids=["top-level key", "nested key"])
async def test_the_scaffold_action_adds_a_missing_key_to_fill_in(client, repo, file, old, new, missing):
    editor = Editor(client, repo / file)
    await editor.open()
    assert old in editor.text
    published = await editor.change(editor.text.replace(old, new, 1))
    reported = [d for d in published if d.code == "PL002" and missing in d.message]
    assert reported, published
    actions = [a for a in await editor.actions(reported) if a.title.startswith("Add the missing")]
    assert len(actions) == 1
    fixed = editor.applied(actions[0])
    assert "<fill:" in fixed
    after = await editor.change(fixed)
    assert not [d for d in after if d.code == "PL002" and missing in d.message], after
    assert "PL009" in _codes(after)  # the value to fill in is named, as in a scaffolded pilot


@pytest.mark.asyncio
@pytest.mark.parametrize("text", [
    "apiVersion: pilotlint/v1\nkind: Charter\npilot: [unclosed\n",
    "apiVersion: pilotlint/v1\nkind: Charter\n\tpilot: tab\n",
    "apiVersion: pilotlint/v1\nkind: Charter\n" + "- " * 3000 + "x\n",
    "apiVersion: pilotlint/v1\nkind: Charter\nowner: &a [*a]\n",
    "apiVersion: pilotlint/v1\nkind: WeeklyNote\npilot: outbound-drafts\nmetrics: !!python/object:os.system ls\n",
    "",
    "\ufeff\u202e\x00binary",
], ids=["unclosed flow", "tab", "deep", "alias loop", "python tag", "empty", "binary"])
async def test_a_malformed_document_yields_diagnostics_and_the_server_keeps_running(client, repo, text):
    editor = Editor(client, repo / "pilots/outbound-drafts/broken.yaml", text)
    published = await editor.open()
    assert published, "a malformed pilot document must be named"
    assert all(str(d.code).startswith("PL") for d in published)
    assert await editor.completion(types.Position(0, 0)) is not None
    assert await editor.hover(types.Position(0, 0)) is not None
    check = Editor(client, repo / CHARTER)
    assert "PL102" not in _codes(await check.open())  # and still checks the next document


@pytest.mark.asyncio
async def test_an_unsaved_new_document_is_checked_from_memory(client, repo):
    path = repo / "pilots/outbound-drafts/notes/2026-W48.yaml"
    text = (repo / NOTE).read_text().replace("2026-W47", "2026-W48").replace("approved_by: oleg", "approved_by: olga")
    published = await Editor(client, path, text).open()
    assert not path.exists()
    assert any("olga" in d.message for d in published), published
    new_pilot = repo / "pilots/new-pilot/charter.yaml"  # in a folder that does not exist yet either
    charter = "apiVersion: pilotlint/v1\nkind: Charter\npilot: new-pilot\nowner: olga\n"
    published = await Editor(client, new_pilot, charter).open()
    assert any("olga" in d.message for d in published), published
    assert not new_pilot.parent.exists()


def test_lsp_without_pygls_says_how_to_install_it(tmp_path):
    # as if pygls were not installed: `sys.modules["pygls"] = None` makes it unfindable and unimportable
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['pygls'] = None\n")
    result = run_cli("lsp", env={"PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)])})
    assert result.code == 2, result
    assert "pip install 'pilotlint[lsp]'" in result.err


def test_check_never_imports_pygls(repo):
    code = ("import sys; from pilotlint.cli import main; sys.argv=['pilotlint','check','--no-git','--today',"
            f"'{TODAY}','{repo}'];\ntry: main()\nexcept SystemExit: pass\nprint('pygls' in sys.modules)")
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.stdout.strip().endswith("False"), out


# -- the pure parts, as tables (no server) ---------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from pilotlint.lsp.yamlpath import node_end, path_of_line, place_at  # noqa: E402


@pytest.mark.parametrize("text,role,path,siblings", [
    ("apiVersion: pilotlint/v1\nkind: Charter\nsc", "key", (), {"apiVersion", "kind"}),
    ("scope:\n  teams: [a]\n  ", "key", ("scope",), {"teams"}),
    ("scope:\n  human_review: ", "value", ("scope", "human_review"), set()),
    ("authority: [pause, ", "value", ("authority", 1), set()),
    ("vendors:\n  - name: x\n    ", "key", ("vendors", 0), {"name"}),
    ("vendors:\n  - name: x\n  - ", "value", ("vendors", 1), set()),
    ("stop_rules:\n- id: a\n  metric: ", "value", ("stop_rules", 0, "metric"), set()),
    ("disclosure: >-\n  text: not a key\n", "key", (), {"disclosure"}),
])
def test_the_cursors_place_is_read_from_indentation(text, role, path, siblings):
    lines = text.split("\n")
    place = place_at(text, len(lines) - 1, len(lines[-1]))
    assert (place.role, place.path) == (role, path)
    assert siblings <= set(place.siblings) and "text" not in place.siblings


@pytest.mark.parametrize("line,column,node", [
    ("authority: [approve_vendors, define_metrics]  # x", 11, "[approve_vendors, define_metrics]"),
    ("owner: oleg  # the owner", 7, "oleg"),
    ("ownr: oleg", 0, "ownr"),
    ('title: "a: b # c"  # c', 7, '"a: b # c"'),
    ("  - {from: 2026-10-01, to: x}", 11, "2026-10-01"),
    ("  - {from: 2026-10-01, to: x}", 4, "{from: 2026-10-01, to: x}"),
    ("note: it's", 6, "it's"),
])
def test_a_findings_range_covers_its_node(line, column, node):
    assert line[column:node_end(line, column)] == node


def test_the_path_of_a_line_follows_lists_and_nesting():
    text = (EXAMPLES / CHARTER).read_text()
    lines = text.split("\n")
    assert path_of_line(text, lines.index("  channels: [email]")) == ("scope", "channels")
    assert path_of_line(text, next(i for i, l in enumerate(lines) if l.startswith("    category: speed"))) == \
        ("scorecard", 0, "category")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:- \n#'\"[]{},|>\t\\é")), max_size=80),
       st.integers(0, 10), st.integers(0, 40))
def test_reading_the_place_never_fails_on_any_text(text, line, character):
    place_at(text, line, character)
    path_of_line(text, line)
    for row in text.split("\n"):
        assert 0 <= node_end(row, min(character, len(row))) <= len(row) + 1
