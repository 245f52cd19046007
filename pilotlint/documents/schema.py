"""JSON Schema validation of documents, with messages that point at the offending node.

The schemas in `schemas/` are the single source of the document formats.
"""

from __future__ import annotations

from typing import NamedTuple

import json
import re
from datetime import date
from functools import cache

from pilotlint.documents.load import locate
from pilotlint.resources import data_dir

SCHEMA_FILES = {
    "Config": "config.json",
    "Charter": "charter.json",
    "WeeklyNote": "weekly-note.json",
    "RollbackPlan": "rollback-plan.json",
    "Approval": "approval.json",
    "Policy": "policy.json",
}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TYPE_WORDS = {"string": "text", "number": "a number", "integer": "a whole number", "boolean": "true or false",
               "array": "a list", "object": "a mapping (key: value lines)", "null": "empty"}


class SchemaError(NamedTuple):
    path: tuple
    message: str
    line: int
    column: int


def is_iso_date(value) -> bool:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return not isinstance(value, str)  # non-strings are the `type` keyword's business
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@cache
def schema_for(kind: str) -> dict:
    with open(data_dir("schemas") / SCHEMA_FILES[kind], encoding="utf-8") as handle:
        return json.load(handle)


@cache
def _validator(kind: str):
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date")(is_iso_date)
    return Draft202012Validator(schema_for(kind), format_checker=checker)


@cache
def _fast_check(kind: str):
    from pilotlint.documents.fastschema import compile_schema

    return compile_schema(schema_for(kind), {"date": is_iso_date})


def validate(kind: str, data, *, validator=None) -> list[SchemaError]:
    """Every violation of `kind`'s schema, located and explained.

    Valid documents (nearly all) are recognised by the fast compiled check; only an
    invalid one pays for jsonschema's detailed errors.
    """
    if validator is None:
        if _fast_check(kind)(data):
            return []
        validator = _validator(kind)
    errors = []
    for error in validator.iter_errors(data):
        errors.extend(_explain(error, data))
    errors.sort(key=lambda e: (e.line, e.column, e.message))
    return errors


def validator_for_schema(schema: dict):
    """A validator for an organisation policy's `require` schema."""
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date")(is_iso_date)
    return Draft202012Validator(schema, format_checker=checker)


def field_path(path) -> str:
    """`budget.overage.limit`, `scorecard[1].baseline`: how messages name a node."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "the document"


def _explain(error, data) -> list[SchemaError]:
    path = tuple(error.absolute_path)
    name = field_path(path)
    validator, value, schema = error.validator, error.instance, error.schema
    if validator == "required":
        missing = [key for key in error.validator_value if not (isinstance(value, dict) and key in value)]
        line, column = locate(data, path)
        out = []
        for key in missing:
            about = (schema.get("properties", {}).get(key) or {}).get("description", "")
            out.append(SchemaError(path + (key,), f"`{field_path(path + (key,))}` is missing; add it"
                                   + (f" ({_first_sentence(about)})" if about else ""), line, column))
        return out
    if validator in ("additionalProperties", "unevaluatedProperties") and isinstance(value, dict):
        known = list(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        out = []
        for key in value:
            if key in known or any(p.search(key) for p in patterns):
                continue
            line, column = locate(data, path + (key,), key=True)
            where = f" in `{name}`" if path else ""
            if value[key] is None and getattr(value, "flow", False):  # `{question: Add it, November?}`
                out.append(SchemaError(path + (key,), f"`{key}` reads as a key{where}, but it looks like the end of "
                                       "a value cut at a comma: inside `{...}` a comma ends the value, so a value "
                                       f"with a comma needs quotes, e.g. `question: \"Add the Nordics, {key}\"`",
                                       line, column))
                continue
            import difflib

            guess = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean `{guess[0]}`?" if guess else f"known keys: {', '.join(known)}"
            out.append(SchemaError(path + (key,), f"unknown key `{key}`{where}; {hint} (keys starting "
                                   "with `x-` are free for your own use)", line, column))
        return out
    line, column = locate(data, path)
    if validator == "type":
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else wanted
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
        message = f"`{name}` should be {words}, not {_describe(value)}"
    elif validator == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        import difflib

        guess = difflib.get_close_matches(str(value), [str(c) for c in error.validator_value], n=1) \
            if isinstance(value, str) else []
        hint = f"; did you mean `{guess[0]}`?" if guess else ""
        message = f"`{name}` must be one of: {choices} (found `{value}`){hint}"
    elif validator == "not" and path and path[-1] == "pilot":
        message = "leave `pilot:` out of an approval of the configuration (`target: config`)"
    elif validator == "const":
        message = f"`{name}` must be `{error.validator_value}` (found `{value}`)"
    elif validator == "format" and error.validator_value == "date":
        message = f"`{name}` is `{value}`, not an ISO date; write YYYY-MM-DD, e.g. 2026-10-01"
    elif validator == "pattern":
        about = schema.get("description", "")
        message = f"`{name}` is `{value}`, which is not in the expected form" + (
            f": {_first_sentence(about)}" if about else f" ({error.validator_value})")
    elif validator in ("minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum", "minLength"):
        message = f"`{name}`: {error.message}"
    else:
        message = f"`{name}`: {error.message}"
    return [SchemaError(path, message, line, column)]


def _describe(value) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    return f"`{value}`"


def _first_sentence(text: str) -> str:
    sentence = text.strip().split(". ")[0].rstrip(".")
    return sentence[:1].lower() + sentence[1:]
