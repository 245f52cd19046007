"""`pilotlint lsp`: the language server (pygls, stdio).

Every pilotlint finding of an open document is published on open, change and save, at
the node's range, with the rule id as the code; hover explains the rule. The server
never writes a file: code actions are edits the editor applies. A document that cannot
be checked (malformed YAML, a bad config, a bug) yields diagnostics, never a crash.
"""

from __future__ import annotations

import logging
import traceback
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from pilotlint import __version__
from pilotlint.findings import Finding
from pilotlint.lsp import engine_adapter as engine
from pilotlint.lsp import features

log = logging.getLogger("pilotlint.lsp")


class PilotlintServer(LanguageServer):
    def __init__(self, today: date | None = None):
        super().__init__("pilotlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.today = today
        self.published: dict[str, list[types.Diagnostic]] = {}

    def day(self) -> date:
        return self.today or date.today()  # evaluated each time: the server may run past midnight

    def check(self, uri: str) -> None:
        """Lint the open document and publish its diagnostics (a failure is a diagnostic too)."""
        document = self.workspace.get_text_document(uri)
        path = uri_to_path(uri)
        if path is None:
            return
        text = document.source
        try:
            findings = engine.lint(engine.root_for(path), path, text, self.day())
        except Exception as exc:  # noqa: BLE001 - a bug must not take the editor's server down
            log.error("checking %s failed:\n%s", path, traceback.format_exc())
            findings = [Finding("PL000", "error", str(path), 1, 1, None,
                                f"pilotlint could not check this document ({type(exc).__name__}: {exc}); "
                                "this is a bug in pilotlint, please report it with the document")]
        diagnostics = features.diagnostics(findings, text)
        for diagnostic in diagnostics:
            diagnostic.range = document.range_to_client_units(diagnostic.range)  # type: ignore[arg-type]
        self.published[uri] = diagnostics
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=diagnostics, version=document.version))


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


def _guard(default):
    """Answer `default` instead of an error when a feature fails on a strange document."""
    def wrap(func):
        def guarded(ls, params):  # named `ls`: pygls passes the server to a first parameter so named
            try:
                return func(ls, params)
            except Exception:  # noqa: BLE001
                log.error("%s failed:\n%s", func.__name__, traceback.format_exc())
                return default
        guarded.__name__ = func.__name__
        return guarded
    return wrap


def build(today: date | None = None) -> PilotlintServer:
    server = PilotlintServer(today)

    @server.feature(types.INITIALIZED)
    def initialized(ls: PilotlintServer, _params):
        engine.warm_up()  # rule families and catalogue once, so that the first check is fast too

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: PilotlintServer, _params):
        pass  # pilotlint reads .pilotlint.yaml, not editor settings

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PilotlintServer, params: types.DidOpenTextDocumentParams):
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PilotlintServer, params: types.DidChangeTextDocumentParams):
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PilotlintServer, params: types.DidSaveTextDocumentParams):
        # the saved file is now the pilot's context for the other open documents: check them all
        for uri in list(ls.workspace.text_documents):
            ls.check(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PilotlintServer, params: types.DidCloseTextDocumentParams):
        ls.published.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                            diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=[":", " ", "[", ",", "-"]))
    @_guard(None)
    def completion(ls: PilotlintServer, params: types.CompletionParams):
        document = ls.workspace.get_text_document(params.text_document.uri)
        path = uri_to_path(params.text_document.uri)
        if path is None:
            return None
        position = document.position_from_client_units(params.position)
        items = features.completion(path, engine.root_for(path), document.source, position.line,
                                    position.character)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @_guard(None)
    def hover(ls: PilotlintServer, params: types.HoverParams):
        document = ls.workspace.get_text_document(params.text_document.uri)
        position = document.position_from_client_units(params.position)
        published = [_server_units(document, d) for d in ls.published.get(params.text_document.uri, [])]
        shown = features.hover(document.source, position.line, position.character, published)
        if not shown:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=shown))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    @_guard([])
    def code_action(ls: PilotlintServer, params: types.CodeActionParams):
        uri = params.text_document.uri
        document = ls.workspace.get_text_document(uri)
        path = uri_to_path(uri)
        if path is None:
            return []
        wanted = [_server_units(document, d) for d in params.context.diagnostics]
        actions = features.code_actions(uri, path, document.source, wanted)
        for action in actions:  # back to the client's units
            for edits in (action.edit.changes or {}).values():
                for edit in edits:
                    edit.range = document.range_to_client_units(edit.range)  # type: ignore[arg-type]
            action.diagnostics = [d for d in params.context.diagnostics
                                  if any(_same(d, w) for w in action.diagnostics or [])] or action.diagnostics
        return actions

    return server


def _server_units(document, diagnostic: types.Diagnostic) -> types.Diagnostic:
    server_range = document.range_from_client_units(diagnostic.range)
    return types.Diagnostic(
        range=types.Range(types.Position(server_range.start.line, server_range.start.character),
                          types.Position(server_range.end.line, server_range.end.character)),
        message=diagnostic.message, severity=diagnostic.severity, code=diagnostic.code, source=diagnostic.source,
        data=diagnostic.data)


def _same(a: types.Diagnostic, b: types.Diagnostic) -> bool:
    return a.code == b.code and a.message == b.message and a.range.start.line == b.range.start.line


def serve(today: date | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="pilotlint lsp: %(message)s")  # stderr: stdout is the protocol
    build(today).start_io()
