"""The semantic diff of pilot documents, and the classification of each change (SPEC §3).

Pure functions over plain data (the dicts and lists `pilotlint.documents.load` produces): no git,
no files. Two documents are compared field by field, so key order, quoting, comments and
formatting never show up as changes.

Field names follow SPEC §5: a dotted path; an item of a list of mappings is named by its
`id`, `name` or `source` (`vendors[ExampleAI].model`); an item added to or removed from a
list of scalars is one change `added`/`removed` on the list's path with the item in
`to`/`from`. A list of mappings without such names is compared by position
(`decisions[2]`).

Each change of a Charter is classified as **expansion** (the pilot widens or its brakes
loosen, exactly the list in SPEC §3), **contraction** (it only narrows or tightens) or
**neutral** (any other change). Changes of fields that are not gated, and of other
document kinds, are reported too, as neutral with `gated: False`. Where a value is
missing or not understood, the classification fails closed: a loosening that cannot be
ruled out counts as an expansion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from pilotlint.documents.fastschema import json_equal

EXPANSION, CONTRACTION, NEUTRAL = "expansion", "contraction", "neutral"
GATED = ("owner", "authority", "use_case", "scope", "vendors", "data_access", "budget", "scorecard",
         "stop_rules", "status")
FREEZE_FIELDS = ("use_case", "scope", "vendors", "data_access")
HUMAN_REVIEW = {"required": 0, "sampled": 1, "none": 2}
ACCESS = {"read": 0, "write": 1}
CLASSIFICATION = {"public": 0, "internal": 1, "customer": 2, "personal": 3}
_NAME_KEYS = ("id", "name", "source")
_SET_LISTS = {("authority",), ("scope", "teams"), ("scope", "regions"), ("scope", "channels")}
_TIGHTER_STATUS = {"paused", "stopped", "closed"}


@dataclass(frozen=True, slots=True)
class Change:
    pilot: str | None
    path: str            # the file, relative to the repository root
    field: str           # dotted path in the document ("" for the whole document)
    change: str          # added | removed | changed
    class_: str          # expansion | contraction | neutral
    from_: object = None
    to: object = None
    gated: bool = False
    kind: str | None = None

    def to_json(self) -> dict:
        return {"pilot": self.pilot, "path": self.path, "field": self.field, "change": self.change,
                "class": self.class_, "from": plain(self.from_), "to": plain(self.to), "gated": self.gated,
                "kind": self.kind}


class Item(str):
    """A path segment naming an item of a list: by its id/name/source, or by position."""

    __slots__ = ("by",)

    def __new__(cls, ident, by: str):
        item = super().__new__(cls, str(ident))
        item.by = by
        return item


def plain(value):
    """A JSON-ready copy (LDict/LList become dict/list)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def field_name(path: tuple) -> str:
    out = ""
    for part in path:
        if isinstance(part, Item):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


same = json_equal  # equal as data: `true` is not `1`, `2500` is `2500.0`


# -- raw field-by-field diff ---------------------------------------------------------

def diff_values(old, new, path: tuple = ()) -> list[tuple[tuple, str, object, object]]:
    """(path, change, from, to) for every difference between two values."""
    out: list = []
    _diff(old, new, path, out)
    return out


def _diff(old, new, path, out) -> None:
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


def _name_key(old: list, new: list) -> str | None:
    items = [*old, *new]
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in _NAME_KEYS:
        if all(isinstance(i.get(key), (str, int)) and not isinstance(i.get(key), bool) for i in items):
            if len({str(i[key]) for i in old}) == len(old) and len({str(i[key]) for i in new}) == len(new):
                return key
    return None


def _diff_lists(old: list, new: list, path, out) -> None:
    key = _name_key(old, new)
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
        if not added and not removed and not same(old, new) and tuple(p for p in path if not isinstance(p, Item)) \
                not in _SET_LISTS:
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


# -- classification ------------------------------------------------------------------

def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _compare(old, new) -> int | None:
    """-1 lower, 0 same, 1 higher; None when either is not a number."""
    a, b = _number(old), _number(new)
    if a is None or b is None:
        return None
    return (b > a) - (b < a)


def _rank(table: dict, old, new) -> str:
    """Raised rank → expansion; lowered → contraction. Unknown or missing values count as
    the loosest (fail closed: a typo must not hide a loosening)."""
    loosest = max(table.values()) + 1
    a = table.get(old, loosest) if isinstance(old, str) else loosest
    b = table.get(new, loosest) if isinstance(new, str) else loosest
    return EXPANSION if b > a else CONTRACTION if b < a else NEUTRAL


def _combine(classes: Iterable[str]) -> str:
    classes = list(classes)
    if EXPANSION in classes:
        return EXPANSION
    if classes and all(c == CONTRACTION for c in classes):
        return CONTRACTION
    return NEUTRAL


def _metric(doc: Mapping | None, ident: str) -> Mapping | None:
    metrics = doc.get("scorecard") if isinstance(doc, dict) else None
    for metric in metrics if isinstance(metrics, list) else ():
        if isinstance(metric, dict) and str(metric.get("id")) == ident:
            return metric
    return None


def classify(path: tuple, change: str, old, new, base: Mapping | None = None,
             head: Mapping | None = None) -> str:
    """The class of one change of a Charter at `path` (see the module docstring)."""
    if not path or path[0] not in GATED:
        return NEUTRAL
    top = path[0]
    # A mapping or list added or removed as a whole: classify what it adds or takes away.
    if change in ("added", "removed") and not _direct_rule(path, change):
        value = new if change == "added" else old
        if isinstance(value, (dict, list)):
            empty: object = {} if isinstance(value, dict) else []
            parts = diff_values(empty, value, path) if change == "added" else diff_values(value, empty, path)
            if parts:
                return _combine(classify(p, c, o, n, base, head) for p, c, o, n in parts)
    keys = path

    if top == "use_case":
        return EXPANSION if change in ("added", "changed") else NEUTRAL
    if top == "status":
        if new == "expanding":
            return EXPANSION
        if isinstance(new, str) and new in _TIGHTER_STATUS and old != new:
            return CONTRACTION
        return NEUTRAL
    if top == "scope":
        if len(keys) == 2 and keys[1] in ("teams", "regions", "channels"):
            if change == "added":
                return EXPANSION
            if change == "removed":
                return CONTRACTION
            return _combine_list_change(old, new)
        if len(keys) == 2 and keys[1] == "human_review":
            return _rank(HUMAN_REVIEW, old, new)
        if len(keys) == 3 and keys[1] == "capabilities":
            was, now = old is True, new is True
            if now and not was:
                return EXPANSION
            if was and not now:
                return CONTRACTION
            return NEUTRAL
        return NEUTRAL
    if top == "budget":
        if keys in (("budget", "monthly_cap"), ("budget", "overage", "limit")):
            if change == "removed":
                return EXPANSION      # no cap, no limit: nothing holds spending back
            if change == "added":
                return CONTRACTION
            direction = _compare(old, new)
            return NEUTRAL if direction is None or direction == 0 else EXPANSION if direction > 0 else CONTRACTION
        return NEUTRAL
    if top in ("vendors", "data_access"):
        if len(keys) == 2 and isinstance(keys[1], Item):
            return EXPANSION if change == "added" else CONTRACTION if change == "removed" else NEUTRAL
        if top == "data_access" and len(keys) == 3 and isinstance(keys[1], Item):
            if keys[2] == "access":
                return _rank(ACCESS, old, new)
            if keys[2] == "classification":
                return _rank(CLASSIFICATION, old, new)
        if len(keys) == 1 and change == "changed":
            return EXPANSION  # a list replaced by something that is not a list
        return NEUTRAL
    if top == "scorecard":
        if len(keys) == 2 and isinstance(keys[1], Item):
            return EXPANSION if change == "removed" else CONTRACTION if change == "added" else NEUTRAL
        if len(keys) == 3 and isinstance(keys[1], Item) and keys[2] in ("success", "stop"):
            return _threshold(str(keys[1]), keys[2], change, old, new, base, head)
        return NEUTRAL
    if top == "stop_rules":
        if len(keys) == 2 and isinstance(keys[1], Item):
            return EXPANSION if change == "removed" else CONTRACTION if change == "added" else NEUTRAL
        if len(keys) == 3 and isinstance(keys[1], Item) and keys[2] == "for_cycles":
            if change == "removed":
                return EXPANSION
            direction = _compare(old, new)
            return NEUTRAL if not direction else EXPANSION if direction > 0 else CONTRACTION
        return NEUTRAL
    return NEUTRAL  # owner, authority: gated, neither wider nor narrower


def _direct_rule(path: tuple, change: str) -> bool:
    """Changes whose class SPEC §3 gives directly, even when the value is a mapping."""
    if len(path) == 2 and isinstance(path[1], Item) and path[0] in ("vendors", "data_access", "scorecard",
                                                                    "stop_rules"):
        return True
    return path in (("use_case",), ("status",)) or (len(path) == 2 and path[0] == "scope"
                                                    and path[1] in ("teams", "regions", "channels"))


def _combine_list_change(old, new) -> str:
    """`scope.teams` replaced by a non-list or reordered: wider when anything new appears."""
    before = {str(x) for x in old} if isinstance(old, list) else set()
    after = {str(x) for x in new} if isinstance(new, list) else None
    if after is None:
        return EXPANSION
    if after - before:
        return EXPANSION
    return CONTRACTION if before - after else NEUTRAL


def _threshold(metric: str, level: str, change: str, old, new, base, head) -> str:
    """success made easier to reach, or stop made harder to reach → expansion."""
    before, after = _metric(base, metric), _metric(head, metric)
    better = after.get("better") if isinstance(after, dict) else None
    if isinstance(before, dict) and before.get("better") != better:
        return NEUTRAL  # the direction itself changed: reported as its own change
    if change in ("added", "removed"):
        # no stop level can never stop; no success level can never say expand
        loosens = (level == "stop") == (change == "removed")
        return EXPANSION if loosens else CONTRACTION
    direction = _compare(old, new)
    if not direction or better not in ("higher", "lower"):
        return NEUTRAL
    lower_is_easier = better == "higher"  # higher is better: a lower success bar is easier to reach
    if level == "success":
        easier = direction < 0 if lower_is_easier else direction > 0
        return EXPANSION if easier else CONTRACTION
    # stop: harder to reach when it moves away from the good side
    harder = direction < 0 if better == "higher" else direction > 0
    return EXPANSION if harder else CONTRACTION


# -- documents and workspaces --------------------------------------------------------

def _kind(doc) -> str | None:
    kind = doc.get("kind") if isinstance(doc, dict) else None
    return kind if isinstance(kind, str) else None


def _pilot(doc) -> str | None:
    pilot = doc.get("pilot") if isinstance(doc, dict) else None
    return pilot if isinstance(pilot, str) else None


def diff_documents(base: Mapping | None, head: Mapping | None, *, path: str, pilot: str | None = None,
                   base_pilots: Mapping | None = None) -> list[Change]:
    """The changes of one document (base or head may be None: added or removed)."""
    kind = _kind(head) or _kind(base)
    pilot = pilot or _pilot(head) or _pilot(base)
    charter = kind == "Charter"
    if base is None and head is None:
        return []
    if base is None:
        return [Change(pilot, path, "", "added", _new_charter_class(head, base_pilots) if charter else NEUTRAL,
                       None, kind, charter, kind)]
    if head is None:
        return [Change(pilot, path, "", "removed", NEUTRAL, kind, None, charter, kind)]
    changes = []
    for where, change, old, new in diff_values(base, head):
        gated = charter and bool(where) and where[0] in GATED
        klass = classify(where, change, old, new, base, head) if gated else NEUTRAL
        changes.append(Change(pilot, path, field_name(where), change, klass, old, new, gated, kind))
    return changes


def _teams(doc) -> set[str]:
    scope = doc.get("scope") if isinstance(doc, dict) else None
    teams = scope.get("teams") if isinstance(scope, dict) else None
    return {str(t) for t in teams} if isinstance(teams, list) else set()


def _new_charter_class(head, base_pilots: Mapping | None) -> str:
    """A new charter for a team that already has a pilot widens what that team runs."""
    teams = _teams(head)
    for pilot, charter in (base_pilots or {}).items():
        if pilot != _pilot(head) and teams & _teams(charter):
            return EXPANSION
    return NEUTRAL


def _match_key(path: str, doc) -> tuple:
    kind, pilot = _kind(doc), _pilot(doc)
    if kind in ("Charter", "RollbackPlan") and pilot:
        return (kind, pilot)
    if kind == "WeeklyNote" and pilot and isinstance(doc.get("week"), str):
        return (kind, pilot, doc["week"])
    return ("path", path)


def _keyed(docs: Mapping[str, Mapping]) -> dict[tuple, tuple[str, Mapping]]:
    out: dict[tuple, tuple[str, Mapping]] = {}
    for path in sorted(docs):
        key = _match_key(path, docs[path])
        if key in out:  # a second charter for one pilot: compare it by path
            key = ("path", path)
        out[key] = (path, docs[path])
    return out


def diff_workspaces(base_docs: Mapping[str, Mapping], head_docs: Mapping[str, Mapping]) -> list[Change]:
    """Every change between two sets of documents keyed by path.

    Charters and rollback plans are matched by pilot id (a moved charter is not a removal
    and an addition), notes by pilot and week, anything else by path.
    """
    base, head = _keyed(base_docs), _keyed(head_docs)
    base_pilots = {key[1]: doc for key, (_, doc) in base.items() if key[0] == "Charter"}
    changes: list[Change] = []
    for key in sorted(set(base) | set(head), key=lambda k: ((head.get(k) or base.get(k))[0], k)):
        old = base.get(key)
        new = head.get(key)
        path = (new or old)[0]
        changes.extend(diff_documents(old[1] if old else None, new[1] if new else None, path=path,
                                      base_pilots=base_pilots))
    return changes


def expansions(changes: Iterable[Change]) -> list[Change]:
    return [c for c in changes if c.class_ == EXPANSION]


def effects(changes: Iterable[Change]) -> dict:
    """The cost and risk effect of a set of changes (for the decision log)."""
    cost, risk = [], []
    for change in changes:
        if change.kind != "Charter":
            continue
        if not change.field:  # a whole charter: a pilot begins or ends
            klass = EXPANSION if change.change == "added" else CONTRACTION
            cost.append(Change(change.pilot, change.path, "", change.change, klass))
            risk.append(Change(change.pilot, change.path, "", change.change, klass))
            continue
        top = change.field.split(".", 1)[0].split("[", 1)[0]
        if top == "budget" or (top == "vendors" and (change.field.endswith(".monthly_cost") or "." not in change.field)):
            cost.append(change)
        if top in ("scope", "use_case", "data_access", "vendors", "stop_rules", "scorecard", "status"):
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
