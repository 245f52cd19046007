"""The schemas in the form editors handle: JSON Schema draft-07, self-contained.

`schemas/*.json` (JSON Schema 2020-12) stay the single source. Editors reach them through
yaml-language-server, whose releases before 1.20 understand draft-07 only and which are
still what many editors bundle (docs/decisions/0005-editor-schemas.md has the
measurements). The draft-07 form is derived here, never written by hand:

- every `$ref` to `#/$defs/...` is replaced by the definition itself, with the `$ref`'s
  own annotations (`description`) kept — draft-07 ignores keywords beside `$ref`, and a
  field's description is what the editor shows on hover;
- no `$id` and no reference to another file, so nothing is ever fetched: a schema works
  offline wherever it is written;
- a 2020-12 keyword with no draft-07 meaning is an error here, so a schema change that
  editors could not follow is noticed by the tests, not by a user.

`document_schema()` is one schema for every kind, picked by the document's `kind:` with
if/then, so that editors recognise documents by kind, not by path.
"""

from __future__ import annotations

import copy

DRAFT7 = "http://json-schema.org/draft-07/schema#"
# Keywords whose value is a schema, a list of schemas, or a mapping of names to schemas.
_ONE = ("items", "additionalProperties", "additionalItems", "not", "if", "then", "else", "propertyNames",
        "contains")
_MANY = ("allOf", "anyOf", "oneOf")
_NAMED = ("properties", "patternProperties")
# 2020-12 (and 2019-09) keywords that draft-07 does not have.
_NEWER = ("prefixItems", "unevaluatedProperties", "unevaluatedItems", "dependentRequired", "dependentSchemas",
          "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "$anchor", "minContains",
          "maxContains", "$vocabulary")
_ANNOTATIONS = ("description", "title", "examples", "default", "$comment", "deprecated", "readOnly", "writeOnly")
# What a document may be; Config and Policy are documents too (`.pilotlint.yaml`, `rules.extra`).
DOCUMENT_KINDS = ("Charter", "WeeklyNote", "RollbackPlan", "Approval", "Config", "Policy")


class NotExpressible(ValueError):
    """The 2020-12 schema uses something draft-07 cannot say."""


def to_draft7(schema: dict, *, source: str = "the schema") -> dict:
    """A self-contained draft-07 copy of a 2020-12 schema (see the module docstring)."""
    definitions = schema.get("$defs", {})

    def convert(node, where: str, resolving: tuple = ()):
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict):
            raise NotExpressible(f"{source}: {where} is not a schema")
        newer = [key for key in _NEWER if key in node]
        if newer:
            raise NotExpressible(f"{source}: {where} uses {', '.join(newer)}, which draft-07 does not have")
        out: dict = {}
        if "$ref" in node:
            out = _resolve(node["$ref"], where, resolving)
        for key, value in node.items():
            if key in ("$ref", "$defs", "$schema", "$id"):
                continue
            if key in _ONE:
                if key == "items" and isinstance(value, list):
                    raise NotExpressible(f"{source}: {where}.items is a list (a tuple), which 2020-12 writes "
                                         "as prefixItems")
                value = convert(value, f"{where}.{key}", resolving)
            elif key in _MANY:
                value = [convert(item, f"{where}.{key}[{i}]", resolving) for i, item in enumerate(value)]
            elif key in _NAMED:
                value = {name: convert(item, f"{where}.{key}.{name}", resolving) for name, item in value.items()}
            else:
                value = copy.deepcopy(value)
            if key in out and key not in _ANNOTATIONS and out[key] != value:
                # a constraint beside the `$ref` that differs from the definition: keep both
                return {"allOf": [_resolve(node["$ref"], where, resolving),
                                  convert({k: v for k, v in node.items() if k != "$ref"}, where, resolving)]}
            out[key] = value
        return out

    def _resolve(ref: str, where: str, resolving: tuple) -> dict:
        prefix = "#/$defs/"
        if not isinstance(ref, str) or not ref.startswith(prefix) or ref[len(prefix):] not in definitions:
            raise NotExpressible(f"{source}: {where} refers to {ref!r}; only `#/$defs/NAME` of the same schema "
                                 "can be made self-contained")
        name = ref[len(prefix):]
        if name in resolving:
            raise NotExpressible(f"{source}: `$defs/{name}` refers to itself; a recursive schema cannot be inlined")
        return convert(definitions[name], f"$defs.{name}", (*resolving, name))

    out = convert(schema, "the root")
    return {"$schema": DRAFT7, **out}


def editor_schema(kind: str) -> dict:
    """The draft-07 form of one kind's schema, marked as generated."""
    from pilotlint.documents.schema import SCHEMA_FILES, schema_for

    schema = to_draft7(schema_for(kind), source=f"schemas/{SCHEMA_FILES[kind]}")
    return {"$schema": DRAFT7, "$comment": _generated(SCHEMA_FILES[kind]),
            **{k: v for k, v in schema.items() if k != "$schema"}}


def document_schema() -> dict:
    """One schema for every pilotlint document: the kind's schema is chosen by `kind:`.

    A YAML file that is not a pilotlint document (no `kind:` of ours) gets no
    constraint, as pilotlint itself ignores it.
    """
    from pilotlint.documents.schema import schema_for

    branches = []
    for kind in DOCUMENT_KINDS:
        schema = editor_schema(kind)
        body = {k: v for k, v in schema.items() if k not in ("$schema", "$comment", "title")}
        branches.append({"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]}, "then": body})
    api = schema_for("Charter")["properties"]["apiVersion"]
    return {
        "$schema": DRAFT7,
        "$comment": _generated("schemas/*.json"),
        "title": "pilotlint document",
        "description": "A pilotlint document, told apart by `kind:` (Charter, WeeklyNote, RollbackPlan, "
                       "Approval, Config or Policy), with `apiVersion: pilotlint/v1`.",
        "type": "object",
        "properties": {
            "apiVersion": copy.deepcopy(api),
            "kind": {"enum": list(DOCUMENT_KINDS),
                     "description": "What this document is: `Charter`, `WeeklyNote`, `RollbackPlan`, `Approval` "
                                    "(written by `pilotlint approve`), `Config` (`.pilotlint.yaml`) or `Policy`."},
        },
        "allOf": branches,
    }


def _generated(source: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("pilotlint")
    except PackageNotFoundError:  # run from a checkout without installing
        release = "unknown"
    return (f"Generated by pilotlint {release} from {source} (JSON Schema 2020-12) for editors; do not edit: "
            "`pilotlint editor` writes it again.")
