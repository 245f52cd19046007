"""The semantic diff of pilot documents: field by field, never line by line.

Pure functions over plain data (the dicts and lists `pilotlint.documents.load`
produces): no git, no files. Two documents are compared field by field, so key order,
quoting, comments and formatting never show up as changes.

A change keeps its field path as a tuple (`("vendors", Item("ExampleAI", "name"),
"model")`) until a reporter prints it (`vendors[ExampleAI].model`, `field_name`), and one
resolver (`resolve`) turns it into the position of a node in a document, so nobody parses
the printed name back. An item of a list of mappings is named by its key: scorecard
metrics and stop rules by `id`, vendors by `name`, data sources by `source` (unique
within a charter, else compared by position); other lists of mappings by the first of
`id`, `name`, `source` that names every item once, else by position. An item added to or
removed from a list of scalars is one change on the list's path with the item in
`to`/`from`.

How a charter's change is classified (expansion, contraction, neutral) is the table in
`pilotlint.history.expansion`.
"""

from __future__ import annotations

from typing import Iterable, Mapping, NamedTuple

from pilotlint.documents.fastschema import json_equal
from pilotlint.documents.values import plain
from pilotlint.documents.vocab import GATED_FIELDS

EXPANSION, CONTRACTION, NEUTRAL = "expansion", "contraction", "neutral"
_NAME_KEYS = ("id", "name", "source")
# Lists whose items are named by one key (SPEC: metrics and stop rules are matched by id).
_KEYED = {("scorecard",): "id", ("stop_rules",): "id", ("vendors",): "name", ("data_access",): "source"}
# Lists of scalars whose order means nothing.
SET_LISTS = {("authority",), ("scope", "teams"), ("scope", "regions"), ("scope", "channels"), ("out_of_scope",),
             ("incident", "notify")}


class Item(str):
    """A path segment naming an item of a list: by its id/name/source, or by position."""

    __slots__ = ("by",)

    def __new__(cls, ident, by: str):
        item = super().__new__(cls, str(ident))
        item.by = by
        return item


class Change(NamedTuple):
    pilot: str | None
    path: str            # the file, relative to the repository root
    where: tuple | str   # the field's path in the document (() for the whole document)
    change: str          # added | removed | changed
    class_: str          # expansion | contraction | neutral
    from_: object = None
    to: object = None
    gated: bool = False
    kind: str | None = None
    why: str = ""        # the expansion table's words for this class

    @property
    def field(self) -> str:
        return field_name(self.where)

    @property
    def top(self) -> str | None:
        where = self.where
        return where[0] if isinstance(where, tuple) and where else None

    def to_json(self) -> dict:
        return {"pilot": self.pilot, "path": self.path, "field": self.field, "change": self.change,
                "class": self.class_, "from": plain(self.from_), "to": plain(self.to), "gated": self.gated,
                "kind": self.kind}


def field_name(path) -> str:
    """`scope.regions`, `vendors[ExampleAI].model`, `decisions[1]`: how a path is printed."""
    if isinstance(path, str):
        return path
    out = ""
    for part in path:
        if isinstance(part, Item):
            out += f"[{part}]"
        elif isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def resolve(data, path) -> tuple:
    """The keys and list indexes of the node `path` names in `data` (as far as it exists):
    what `Document.at` locates. The one reader of change paths."""
    out: list = []
    node = data
    for part in path if isinstance(path, tuple) else ():
        if isinstance(part, Item):
            if not isinstance(node, list):
                break
            if part.by == "position":
                index = int(part) if part.isdigit() and int(part) < len(node) else None
            else:
                index = next((n for n, item in enumerate(node) if isinstance(item, dict)
                              and str(item.get(part.by)) == str(part)), None)
            if index is None:
                break
            out.append(index)
            node = node[index]
        else:
            if not isinstance(node, dict) or part not in node:
                break
            out.append(part)
            node = node[part]
    return tuple(out)


same = json_equal  # equal as data: `true` is not `1`, `2500` is `2500.0`


# -- raw field-by-field diff ---------------------------------------------------------

_JSON = __import__("json").JSONEncoder(ensure_ascii=False, check_circular=False).encode

def diff_values(old, new, path: tuple = ()) -> list[tuple[tuple, str, object, object]]:
    """(path, change, from, to) for every difference between two values."""
    out: list = []
    _diff(old, new, path, out)
    return out


def _unchanged(old, new) -> bool:
    """A quick yes for an unchanged mapping or list (most of a document, between two
    versions): equal for Python *and* written the same as JSON, so that `true` against `1`
    or a reordered mapping still goes the long way (where `same` decides)."""
    return old == new and _JSON(old) == _JSON(new)


def _diff(old, new, path, out) -> None:
    if (old.__class__ is dict or old.__class__ is list) and old.__class__ is new.__class__ and _unchanged(old, new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in new:
            if key not in old:
                out.append(((*path, key), "added", None, new[key]))
            else:
                _diff(old[key], new[key], (*path, key), out)
        for key in old:
            if key not in new:
                out.append(((*path, key), "removed", old[key], None))
        return
    if isinstance(old, list) and isinstance(new, list):
        _diff_lists(old, new, path, out)
        return
    if not same(old, new):
        out.append((path, "changed", old, new))


def _scalar(value) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _bare(path: tuple) -> tuple:
    return tuple(p for p in path if not isinstance(p, Item))


def _unique_key(items: list, key: str) -> bool:
    values = [i.get(key) for i in items]
    return all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values) and \
        len({str(v) for v in values}) == len(values)


def _name_key(old: list, new: list, path: tuple) -> str | None:
    items = [*old, *new]
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    keyed = _KEYED.get(_bare(path)) if len(path) == 1 else None
    candidates = (keyed,) if keyed else _NAME_KEYS
    for key in candidates:
        if _unique_key(old, key) and _unique_key(new, key):
            return key
    return None


def _diff_lists(old: list, new: list, path, out) -> None:
    key = _name_key(old, new, path)
    if key is not None:
        before = {str(i[key]): i for i in old}
        after = {str(i[key]): i for i in new}
        for ident, item in after.items():
            where = (*path, Item(ident, key))
            if ident in before:
                _diff(before[ident], item, where, out)
            else:
                out.append((where, "added", None, item))
        for ident, item in before.items():
            if ident not in after:
                out.append(((*path, Item(ident, key)), "removed", item, None))
        return
    if all(_scalar(i) for i in old) and all(_scalar(i) for i in new):
        remaining = list(new)
        removed = []
        for item in old:
            match = next((n for n, x in enumerate(remaining) if same(x, item)), None)
            if match is None:
                removed.append(item)
            else:
                remaining.pop(match)
        added = remaining
        for item in added:
            out.append((path, "added", None, item))
        for item in removed:
            out.append((path, "removed", item, None))
        if not added and not removed and not same(old, new) and _bare(path) not in SET_LISTS:
            out.append((path, "changed", old, new))  # the same items in another order
        return
    for index in range(max(len(old), len(new))):
        where = (*path, Item(index, "position"))
        if index >= len(old):
            out.append((where, "added", None, new[index]))
        elif index >= len(new):
            out.append((where, "removed", old[index], None))
        else:
            _diff(old[index], new[index], where, out)


# -- documents and workspaces --------------------------------------------------------

def _kind(doc) -> str | None:
    kind = doc.get("kind") if isinstance(doc, dict) else None
    return kind if isinstance(kind, str) else None


def _pilot(doc) -> str | None:
    pilot = doc.get("pilot") if isinstance(doc, dict) else None
    return pilot if isinstance(pilot, str) else None


def diff_documents(base: Mapping | None, head: Mapping | None, *, path: str, pilot: str | None = None,
                   new_charter_class: tuple[str, str] | None = None) -> list[Change]:
    """The changes of one document (base or head may be None: added or removed).

    `new_charter_class` is how the gate classifies a charter new at head ((class, why):
    a rename, or a new pilot for a team or region another pilot covers, is an expansion)."""
    from pilotlint.history.expansion import classify

    kind = _kind(head) or _kind(base)
    pilot = pilot or _pilot(head) or _pilot(base)
    charter = kind == "Charter"
    if base is None and head is None:
        return []
    if base is None:
        klass, why = new_charter_class or (NEUTRAL, "a new pilot") if charter else (NEUTRAL, "")
        return [Change(pilot, path, (), "added", klass, None, kind, charter, kind, why)]
    if head is None:
        return [Change(pilot, path, (), "removed", NEUTRAL, kind, None, charter, kind,
                       "a pilot deleted (its id could come back under another owner)" if charter else "")]
    changes = []
    for where, change, old, new in diff_values(base, head):
        gated = charter and bool(where) and where[0] in GATED_FIELDS
        klass, why = classify(where, change, old, new, base, head) if gated else (NEUTRAL, "")
        changes.append(Change(pilot, path, where, change, klass, old, new, gated, kind, why))
    return changes


def expansions(changes: Iterable[Change]) -> list[Change]:
    return [c for c in changes if c.class_ == EXPANSION]


def effects(changes: Iterable[Change]) -> dict:
    """The cost and risk effect of a set of changes (for the decision log)."""
    cost, risk = [], []
    for change in changes:
        if change.kind != "Charter":
            continue
        if not change.where:  # a whole charter: a pilot begins or ends
            klass = EXPANSION if change.change == "added" else CONTRACTION
            cost.append(Change(change.pilot, change.path, (), change.change, klass))
            risk.append(Change(change.pilot, change.path, (), change.change, klass))
            continue
        top = change.top
        if top == "budget" or (top == "vendors" and (change.field.endswith(".monthly_cost")
                                                     or len(change.where) <= 2)):
            cost.append(change)
        if top in ("scope", "use_case", "data_access", "vendors", "stop_rules", "scorecard", "status", "freeze",
                   "out_of_scope", "incident"):
            risk.append(change)

    def verdict(items):
        if not items:
            return "none"
        if any(c.class_ == EXPANSION for c in items):
            return "higher"
        if all(c.class_ == CONTRACTION for c in items):
            return "lower"
        return "changed"

    return {"cost": verdict(cost), "risk": verdict(risk)}
