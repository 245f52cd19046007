"""Schemas that editors understand: the draft-07 form says what the 2020-12 source says,
`pilotlint editor` wires it up offline, and the real yaml-language-server, set up as
docs/editors.md says, completes, explains and rejects what a person types."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, Draft202012Validator

from conftest import EXAMPLES, REPO, run_cli
from integration.lsp_stdio import StdioClient
from integration.tools import yaml_language_server
from integration.yamlls_probes import HEADER, PROBES, example_probes, run_probe
from pilotlint.documents.editorschema import DOCUMENT_KINDS, NotExpressible, document_schema, editor_schema, to_draft7
from pilotlint.documents.load import DEFAULT_LIMITS, load_text
from pilotlint.documents.schema import schema_for

ENV = {"PYTHONPATH": str(REPO)}


def _documents() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(EXAMPLES.rglob("*.yaml")):  # .pilotlint.yaml too
        # pilotlint's own loader: `on:` stays the word "on" and dates stay the text written
        data = json.loads(json.dumps(load_text(path.read_text(), DEFAULT_LIMITS).data))
        out.append((path.relative_to(EXAMPLES).as_posix(), data))
    return out


DOCUMENTS = _documents()


def _mutations(data: dict):
    """Ways a person gets a document wrong: a misspelt key, a key removed, a wrong type."""
    yield "misspelt key", {**data, "ownr": "oleg"}
    yield "x- key", {**data, "x-anything": [1, 2]}
    for key in data:
        yield f"without {key}", {k: v for k, v in data.items() if k != key}
        for wrong in (12345, "text", [], {}, None, True):
            yield f"{key} = {wrong!r}", {**data, key: wrong}
        value = data[key]
        if isinstance(value, dict):
            for inner in value:
                yield f"{key}.{inner} = 'x y'", {**data, key: {**value, inner: "x y"}}
                yield f"{key}.ownr", {**data, key: {**value, "ownr": 1}}
        if isinstance(value, list) and value and isinstance(value[0], dict):
            first = value[0]
            for inner in first:
                yield f"{key}[0].{inner} = -1", {**data, key: [{**first, inner: -1}, *value[1:]]}


def _validity(validator, data) -> bool:
    return next(validator.iter_errors(data), None) is None


@pytest.mark.parametrize("name,data", DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_the_draft_7_form_accepts_and_rejects_what_the_source_does(name, data):
    kind = data["kind"]
    source = Draft202012Validator(schema_for(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)
    derived = Draft7Validator(editor_schema(kind), format_checker=Draft7Validator.FORMAT_CHECKER)
    document = Draft7Validator(document_schema(), format_checker=Draft7Validator.FORMAT_CHECKER)
    assert _validity(derived, data) and _validity(document, data), name
    disagreements = []
    for what, mutated in _mutations(data):
        expected = _validity(source, mutated)
        if _validity(derived, mutated) != expected:
            disagreements.append(what)
        # the document schema picks the kind by `kind:`: without ours, it has nothing to say
        if not what.startswith(("without kind", "kind =")) and _validity(document, mutated) != expected:
            disagreements.append(f"{what} (document.json)")
    assert not disagreements, disagreements


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_the_draft_7_form_is_self_contained(kind):
    text = json.dumps(editor_schema(kind))
    Draft7Validator.check_schema(json.loads(text))
    assert '"$ref"' not in text and '"$id"' not in text and "pilotlint.dev" not in text


def test_a_field_keeps_the_description_written_beside_its_ref():
    charter = editor_schema("Charter")
    assert charter["properties"]["owner"]["description"].startswith("The one accountable owner")
    assert charter["properties"]["owner"]["pattern"] == schema_for("Charter")["$defs"]["personId"]["pattern"]


def test_a_document_without_a_kind_of_ours_gets_no_constraint():
    validator = Draft7Validator(document_schema())
    assert _validity(validator, {"jobs": {"build": {"runs-on": "ubuntu-latest"}}})
    assert not _validity(validator, {"kind": "Charter", "apiVersion": "pilotlint/v1", "pilot": "p", "ownr": "x"})


@pytest.mark.parametrize("schema,words", [
    ({"type": "object", "unevaluatedProperties": False}, "unevaluatedProperties"),
    ({"type": "array", "prefixItems": [{"type": "string"}]}, "prefixItems"),
    ({"properties": {"a": {"$ref": "other.json#/x"}}}, "other.json"),
    ({"$defs": {"n": {"items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"}, "refers to itself"),
])
def test_what_draft_7_cannot_say_is_refused(schema, words):
    with pytest.raises(NotExpressible, match=words.replace("$", r"\$")):
        to_draft7(schema)


def test_a_constraint_beside_a_ref_is_kept_with_allof():
    schema = {"$defs": {"n": {"type": "integer", "minimum": 0}},
              "properties": {"a": {"$ref": "#/$defs/n", "minimum": 5, "description": "at least five"}}}
    converted = to_draft7(schema)
    validator = Draft7Validator(converted)
    assert not _validity(validator, {"a": 3}) and _validity(validator, {"a": 7})


# -- pilotlint editor and pilotlint schema --draft 7 -------------------------------------------

@pytest.fixture
def repo(tmp_path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(EXAMPLES, target)
    return target


def test_editor_writes_the_schemas_and_the_mapping(repo):
    result = run_cli("editor", cwd=repo, env=ENV)
    assert result.code == 0, result
    written = json.loads((repo / ".pilotlint/schemas/document.json").read_text())
    assert written == document_schema()
    assert json.loads((repo / ".pilotlint/schemas/charter.json").read_text()) == editor_schema("Charter")
    settings = json.loads((repo / ".vscode/settings.json").read_text())
    assert settings == {"yaml.schemas": {"./.pilotlint/schemas/document.json": [
        "pilots/**/*.yaml", "pilots/**/*.yml", ".pilotlint/approvals/*.yaml", ".pilotlint.yaml",
        "policies/acme.yaml"]}}


def test_editor_keeps_every_other_setting(repo):
    (repo / ".vscode").mkdir()
    (repo / ".vscode/settings.json").write_text(json.dumps(
        {"editor.tabSize": 2, "yaml.schemas": {"./ci.json": [".github/*.yml"],
                                               "./.pilotlint/schemas/old.json": ["x"]}}))
    assert run_cli("editor", cwd=repo, env=ENV).code == 0
    settings = json.loads((repo / ".vscode/settings.json").read_text())
    assert settings["editor.tabSize"] == 2
    assert set(settings["yaml.schemas"]) == {"./ci.json", "./.pilotlint/schemas/document.json"}


def test_editor_leaves_settings_with_comments_alone_and_says_what_to_add(repo):
    (repo / ".vscode").mkdir()
    original = '{\n  // mine\n  "editor.tabSize": 2,\n}\n'
    (repo / ".vscode/settings.json").write_text(original)
    result = run_cli("editor", cwd=repo, env=ENV)
    assert result.code == 2
    assert "./.pilotlint/schemas/document.json" in result.err and "not plain JSON" in result.err
    assert (repo / ".vscode/settings.json").read_text() == original


def test_editor_print_writes_nothing(repo):
    result = run_cli("editor", "--print", cwd=repo, env=ENV)
    assert result.code == 0
    assert "./.pilotlint/schemas/document.json" in json.loads(result.out)["yaml.schemas"]
    assert not (repo / ".pilotlint/schemas").exists() and not (repo / ".vscode").exists()


def test_schema_prints_the_draft_7_forms():
    assert json.loads(run_cli("schema", "Charter", "--draft", "7").out) == editor_schema("Charter")
    assert json.loads(run_cli("schema", "document", "--draft", "7").out) == document_schema()
    assert json.loads(run_cli("schema", "Charter").out) == schema_for("Charter")
    assert run_cli("schema", "document").code == 2


# -- the real yaml-language-server, wired up as docs/editors.md says ---------------------------

@pytest.fixture(scope="module")
def yamlls(tmp_path_factory):
    command = yaml_language_server()
    repo = tmp_path_factory.mktemp("yamlls") / "repo"
    shutil.copytree(EXAMPLES, repo)
    assert run_cli("editor", cwd=repo, env=ENV).code == 0
    mapped = json.loads((repo / ".vscode/settings.json").read_text())["yaml.schemas"]
    # what VS Code's YAML extension sends; docs/editors.md gives the same for other editors
    settings = {"yaml": {"validate": True, "hover": True, "completion": True, "customTags": [],
                         "schemaStore": {"enable": False}, "schemas": mapped}}
    client = StdioClient(command, cwd=repo, settings=settings)
    client.initialize(repo)
    yield client, repo
    client.close()


def _open(yamlls, relative: str, text: str) -> str:
    client, repo = yamlls
    uri = client.open(repo / relative, text)
    client.wait_diagnostics(uri)
    return uri


def test_completion_in_an_empty_charter_offers_owner_and_scope(yamlls):
    client, _ = yamlls
    uri = _open(yamlls, "pilots/new-pilot/charter.yaml", HEADER)
    labels = [item["label"] for item in client.completion(uri, 3, 0)]
    assert "owner" in labels and "scope" in labels, labels
    client.close_document(uri)


def test_hover_shows_the_fields_description(yamlls):
    client, _ = yamlls
    uri = _open(yamlls, "pilots/new-pilot/charter.yaml", HEADER + "owner: oleg\n")
    shown = client.hover(uri, 3, 2)
    assert "The one accountable owner" in shown, shown
    client.close_document(uri)


def test_a_misspelt_key_gets_a_diagnostic(yamlls):
    client, _ = yamlls
    uri = _open(yamlls, "pilots/new-pilot/charter.yaml", HEADER + "ownr: oleg\n")
    found = [d for d in client.wait_diagnostics(uri) if d["range"]["start"]["line"] == 3]
    assert found and "ownr" in found[0]["message"], client.wait_diagnostics(uri)
    assert found[0]["range"]["start"]["character"] == 0
    client.close_document(uri)


ALL_PROBES = [*PROBES, *example_probes(EXAMPLES)]


@pytest.mark.parametrize("probe", ALL_PROBES, ids=[p.name for p in ALL_PROBES])
def test_probe(yamlls, probe):
    client, repo = yamlls
    ok, seen = run_probe(client, repo, probe)
    assert ok, seen
