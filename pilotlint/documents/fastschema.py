"""A fast yes/no JSON Schema check for the keywords our own schemas use.

`jsonschema` explains every violation well but costs about a millisecond per document;
a repository of 1,000 pilots has 14,000 documents. Nearly all of them are valid, so each
document is first checked by closures compiled once from the schema, and only a document
that fails is handed to `jsonschema` for the located, explained errors. Tests prove that
both agree (tests/test_fastschema.py); an unsupported keyword is refused at compile time
rather than silently ignored.
"""

from __future__ import annotations

import re
from typing import Callable

Check = Callable[[object], bool]

_ANNOTATIONS = {"description", "title", "default", "examples", "$schema", "$id", "$comment", "$defs",
                "deprecated", "readOnly", "writeOnly", "markdownDescription"}


def _is_type(value, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if name == "number":
        return isinstance(value, (int, float))
    if name == "integer":
        return isinstance(value, int) or isinstance(value, float) and value.is_integer()
    raise ValueError(f"unknown type {name!r}")


def json_equal(a, b) -> bool:
    """Equal as data: `true` is not `1`, `2500` is `2500.0`, mappings ignore key order."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


class Compiler:
    def __init__(self, root: dict, formats: dict[str, Callable[[object], bool]]):
        self.root = root
        self.formats = formats
        self.refs: dict[str, Check] = {}

    def compile(self, schema) -> Check:
        if schema is True or schema == {}:
            return lambda value: True
        if schema is False:
            return lambda value: False
        checks: list[Check] = []
        for keyword, argument in schema.items():
            if keyword in _ANNOTATIONS:
                continue
            builder = getattr(self, "k_" + keyword.lstrip("$"), None)
            if builder is None:
                raise ValueError(f"keyword {keyword!r} is not supported by the fast validator")
            if keyword in ("properties", "patternProperties", "additionalProperties"):
                if keyword == "properties":
                    checks.append(self.object_checks(schema))
                continue
            checks.append(builder(argument, schema))
        if "patternProperties" in schema or "additionalProperties" in schema:
            if "properties" not in schema:
                checks.append(self.object_checks(schema))
        if not checks:
            return lambda value: True
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            first, second = checks
            return lambda value: first(value) and second(value)
        checks_tuple = tuple(checks)

        def every(value) -> bool:
            for check in checks_tuple:
                if not check(value):
                    return False
            return True
        return every

    # -- keywords ------------------------------------------------------------------
    def k_ref(self, ref: str, _schema) -> Check:
        if not ref.startswith("#/"):
            raise ValueError(f"only local $refs are supported, not {ref!r}")
        if ref not in self.refs:
            self.refs[ref] = lambda value: True  # placeholder for recursive schemas
            target = self.root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            compiled = self.compile(target)
            self.refs[ref] = compiled
        refs = self.refs
        return lambda value: refs[ref](value)

    def k_type(self, names, _schema) -> Check:
        names = [names] if isinstance(names, str) else list(names)
        simple = {"object": dict, "array": list, "string": str}
        if len(names) == 1 and names[0] in simple:
            python_type = simple[names[0]]
            return lambda value: isinstance(value, python_type)
        return lambda value: any(_is_type(value, name) for name in names)

    def k_enum(self, options, _schema) -> Check:
        if all(isinstance(option, str) for option in options):
            allowed = frozenset(options)
            return lambda value: isinstance(value, str) and value in allowed
        return lambda value: any(json_equal(value, option) for option in options)

    def k_const(self, constant, _schema) -> Check:
        if isinstance(constant, str):
            return lambda value: isinstance(value, str) and value == constant
        return lambda value: json_equal(value, constant)

    def k_required(self, names, _schema) -> Check:
        return lambda value: not isinstance(value, dict) or all(name in value for name in names)

    def k_minimum(self, limit, _schema) -> Check:
        return lambda value: not _is_type(value, "number") or value >= limit

    def k_maximum(self, limit, _schema) -> Check:
        return lambda value: not _is_type(value, "number") or value <= limit

    def k_exclusiveMinimum(self, limit, _schema) -> Check:
        return lambda value: not _is_type(value, "number") or value > limit

    def k_minLength(self, limit, _schema) -> Check:
        return lambda value: not isinstance(value, str) or len(value) >= limit

    def k_maxLength(self, limit, _schema) -> Check:
        return lambda value: not isinstance(value, str) or len(value) <= limit

    def k_minItems(self, limit, _schema) -> Check:
        return lambda value: not isinstance(value, list) or len(value) >= limit

    def k_maxItems(self, limit, _schema) -> Check:
        return lambda value: not isinstance(value, list) or len(value) <= limit

    def k_uniqueItems(self, unique, _schema) -> Check:
        if not unique:
            return lambda value: True

        def check(value) -> bool:
            if not isinstance(value, list):
                return True
            return not any(json_equal(value[i], value[j]) for i in range(len(value)) for j in range(i))
        return check

    def k_pattern(self, pattern, _schema) -> Check:
        search = re.compile(pattern).search
        return lambda value: not isinstance(value, str) or search(value) is not None

    def k_format(self, name, _schema) -> Check:
        check = self.formats.get(name)
        if check is None:  # formats are annotations unless a checker is configured
            return lambda value: True
        return check

    def k_items(self, items, _schema) -> Check:
        check = self.compile(items)

        def each(value) -> bool:
            if isinstance(value, list):
                for item in value:
                    if not check(item):
                        return False
            return True
        return each

    def k_anyOf(self, options, _schema) -> Check:
        checks = [self.compile(option) for option in options]
        return lambda value: any(check(value) for check in checks)

    def k_allOf(self, options, _schema) -> Check:
        checks = [self.compile(option) for option in options]
        return lambda value: all(check(value) for check in checks)

    def k_oneOf(self, options, _schema) -> Check:
        checks = [self.compile(option) for option in options]
        return lambda value: sum(1 for check in checks if check(value)) == 1

    def k_not(self, option, _schema) -> Check:
        check = self.compile(option)
        return lambda value: not check(value)

    def k_if(self, condition, schema) -> Check:
        test = self.compile(condition)
        then = self.compile(schema.get("then", True))
        otherwise = self.compile(schema.get("else", True))
        return lambda value: then(value) if test(value) else otherwise(value)

    def k_then(self, _argument, _schema) -> Check:  # handled by `if`
        return lambda value: True

    k_else = k_then

    def k_propertyNames(self, names, _schema) -> Check:
        check = self.compile(names)
        return lambda value: not isinstance(value, dict) or all(check(key) for key in value)

    def k_minProperties(self, limit, _schema) -> Check:
        return lambda value: not isinstance(value, dict) or len(value) >= limit

    def k_properties(self, _argument, _schema) -> Check:  # handled by object_checks
        return lambda value: True

    k_patternProperties = k_additionalProperties = k_properties

    def object_checks(self, schema) -> Check:
        properties = {name: self.compile(sub) for name, sub in (schema.get("properties") or {}).items()}
        patterns = [(re.compile(p).search, self.compile(sub)) for p, sub in (schema.get("patternProperties") or {}).items()]
        additional = schema.get("additionalProperties", True)
        extra = self.compile(additional)
        closed = additional is False

        by_pattern: dict[str, tuple] = {}  # key -> the pattern schemas it matches (keys repeat a lot)

        def check(value) -> bool:
            if not isinstance(value, dict):
                return True
            for key, item in value.items():
                sub = properties.get(key)
                if sub is not None and not sub(item):
                    return False
                subs = by_pattern.get(key)
                if subs is None:
                    subs = tuple(pattern_sub for search, pattern_sub in patterns if search(key))
                    if len(by_pattern) < 4096:
                        by_pattern[key] = subs
                for pattern_sub in subs:
                    if not pattern_sub(item):
                        return False
                if sub is None and not subs and (closed or not extra(item)):
                    return False
            return True
        return check


def compile_schema(schema: dict, formats: dict[str, Callable[[object], bool]] | None = None) -> Check:
    return Compiler(schema, formats or {}).compile(schema)
