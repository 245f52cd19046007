"""How each change of a charter is classified: expansion, contraction or neutral.

An **expansion** widens the pilot or loosens its brakes; a **contraction** only narrows
or tightens; any other change of a gated field is **neutral** (it still needs the owner's
approval). The classification is this table: a row is a field pattern (`[]` stands for
an item of a list, `*` for any key) and a function of the change; the first row whose
pattern matches decides. docs/gate.md lists the same table, generated from it
(`markdown_table()`; a test keeps the two in step).

Where a value is missing or not understood the table fails closed: a loosening that
cannot be ruled out counts as an expansion. A mapping or list added or removed as a
whole is classified by what it adds or takes away, unless its row speaks for the whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pilotlint.documents.values import is_number, parse_date
from pilotlint.documents.vocab import access_levels, classifications, human_review_levels, rank
from pilotlint.history.semdiff import CONTRACTION, EXPANSION, NEUTRAL, Item, diff_values

EXP, CON, NEU = EXPANSION, CONTRACTION, NEUTRAL


@dataclass(frozen=True)
class Case:
    """What a change is, in words, and its class (for the docs)."""

    when: str
    klass: str


@dataclass(frozen=True)
class Row:
    pattern: tuple          # field pattern: names, "[]" (an item), "*" (any key)
    cases: tuple[Case, ...]
    classify: Callable      # (change, old, new, base, head, path) -> (class, why)
    whole: bool = True      # classifies a value added or removed as a whole itself

    def matches(self, path: tuple) -> bool:
        if len(path) != len(self.pattern):
            return False
        for part, want in zip(path, self.pattern):
            if want == "[]":
                if not isinstance(part, Item):
                    return False
            elif want != "*" and (isinstance(part, Item) or part != want):
                return False
            elif want == "*" and isinstance(part, Item):
                return False
        return True


# -- classifiers ------------------------------------------------------------------------

def _always(klass: str, why: str):
    return lambda change, old, new, base, head, path: (klass, why)


def _by_change(added, removed, changed):
    def classify(change, old, new, base, head, path):
        return {"added": added, "removed": removed, "changed": changed}[change]
    return classify


def _number_limit(words: str):
    """A cap or limit: raised or removed widens; lowered or added narrows."""
    def classify(change, old, new, base, head, path):
        if change == "removed":
            return EXP, f"{words} removed: nothing holds it back"
        if change == "added":
            return (CON, f"{words} set") if is_number(new) else (EXP, f"{words} is not a number")
        if not is_number(new):
            return EXP, f"{words} is no longer a number"
        if not is_number(old):
            return CON, f"{words} set"
        return (EXP, f"{words} raised") if new > old else (CON, f"{words} lowered") if new < old else (NEU, "")
    return classify


def _rank(levels: Callable[[], tuple], words: str):
    """Raised rank widens, lowered narrows; an unknown or missing value is the loosest."""
    def classify(change, old, new, base, head, path):
        table = rank(levels())
        loosest = len(table)
        a = table.get(old, loosest) if isinstance(old, str) else loosest
        b = table.get(new, loosest) if isinstance(new, str) else loosest
        if b > a:
            return EXP, f"{words} loosened"
        return (CON, f"{words} tightened") if b < a else (NEU, "")
    return classify


def _restriction(words: str):
    """`scope.teams`, `regions`, `channels`: an item added widens; the whole list removed
    widens too (no restriction is wider than any)."""
    def classify(change, old, new, base, head, path):
        if change == "added":
            return (CON, f"a {words} restriction added") if isinstance(new, list) else (EXP, f"a {words} added")
        if change == "removed":
            if isinstance(old, list) or not _present(head, path):
                return EXP, f"the {words} restriction removed: no restriction is wider than any"
            return CON, f"a {words} removed"
        before = {str(x) for x in old} if isinstance(old, list) else set()
        if not isinstance(new, list):
            return EXP, f"the {words} list replaced by something that is not a list"
        after = {str(x) for x in new}
        if after - before:
            return EXP, f"a {words} added"
        return (CON, f"a {words} removed") if before - after else (NEU, "")
    return classify


def _capability(change, old, new, base, head, path):
    was, now = old is True, new is True
    if now and not was:
        return EXP, "a capability that acts without a person switched on"
    if was and not now:
        return CON, "a capability switched off"
    return NEU, ""


def _metric(doc, ident: str):
    metrics = doc.get("scorecard") if isinstance(doc, dict) else None
    for metric in metrics if isinstance(metrics, list) else ():
        if isinstance(metric, dict) and str(metric.get("id")) == ident:
            return metric
    return None


def _threshold(change, old, new, base, head, path):
    """success made easier to reach, or stop made harder to reach, widens."""
    ident, level = str(path[1]), path[2]
    before, after = _metric(base, ident), _metric(head, ident)
    better = after.get("better") if isinstance(after, dict) else None
    if change in ("added", "removed"):
        # no stop level can never stop; no success level can never say expand
        loosens = (level == "stop") == (change == "removed")
        return (EXP, f"the {level} level removed") if loosens else (CON, f"the {level} level {change}")
    if not is_number(new) or better not in ("higher", "lower") or \
            (isinstance(before, dict) and before.get("better") != better):
        return EXP, f"the {level} level cannot be compared with the old one"
    if not is_number(old) or new == old:
        return NEU, ""
    lower = new < old
    if level == "success":
        easier = lower if better == "higher" else not lower
        return (EXP, "the success level made easier to reach") if easier else (CON, "the success level raised")
    harder = lower if better == "higher" else not lower
    return (EXP, "the stop level made harder to reach") if harder else (CON, "the stop level made easier to reach")


def _cycles(change, old, new, base, head, path):
    if change == "removed":
        return EXP, "`for_cycles` removed"
    if not (isinstance(new, int) and not isinstance(new, bool)):
        return EXP, "`for_cycles` is not a whole number"
    if not (isinstance(old, int) and not isinstance(old, bool)):
        return NEU, ""
    return (EXP, "the stop rule fires later") if new > old else (CON, "the stop rule fires sooner") if new < old \
        else (NEU, "")


def _direction(higher_widens: bool, words: str):
    """A number whose change widens in one direction (a stop rule's `above`/`below`)."""
    def classify(change, old, new, base, head, path):
        if change == "removed":
            return EXP, f"{words} removed"
        if change == "added" or not is_number(old):
            return (NEU, "") if is_number(new) else (EXP, f"{words} is not a number")
        if not is_number(new):
            return EXP, f"{words} is not a number"
        if new == old:
            return NEU, ""
        return (EXP, f"{words} moved so the rule fires later") if (new > old) == higher_widens else \
            (CON, f"{words} moved so the rule fires sooner")
    return classify


_LEVEL_STRENGTH = {"not_success": 1, "stop": 0}
_ACTION_STRENGTH = {"stop": 2, "pause": 1, "review": 0}


def _strength(table: dict, words: str):
    def classify(change, old, new, base, head, path):
        a = table.get(old, -1) if isinstance(old, str) else -1
        b = table.get(new, -1) if isinstance(new, str) else -1
        if b < a:
            return EXP, f"{words} weaker"
        return (CON, f"{words} stronger") if b > a else (NEU, "")
    return classify


def _freeze_day(first: bool):
    """A freeze window's `from` (later shortens) or `to` (earlier shortens)."""
    def classify(change, old, new, base, head, path):
        if change == "removed":
            return EXP, "a freeze window lost its dates"
        start, end = parse_date(old), parse_date(new)
        if end is None:
            return EXP, "a freeze date that is not a date"
        if start is None or start == end:
            return NEU, ""
        shorter = end > start if first else end < start
        return (EXP, "a freeze window shortened") if shorter else (CON, "a freeze window lengthened")
    return classify


def _present(doc, path: tuple) -> bool:
    node = doc
    for part in path:
        if isinstance(part, Item) or not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _status(change, old, new, base, head, path):
    if new == "expanding" and old != "expanding":
        return EXP, "status set to `expanding`"
    if isinstance(new, str) and new in ("paused", "stopped", "closed") and old != new:
        return CON, f"status set to `{new}`"
    return NEU, ""


def _list_of_limits(words: str):
    """`out_of_scope`, `incident.notify`: an item removed widens, one added narrows."""
    def classify(change, old, new, base, head, path):
        if change == "added":
            return CON, f"{words} added"
        if change == "removed":
            return EXP, f"{words} removed"
        if not isinstance(new, list):
            return EXP, f"{words} replaced by something that is not a list"
        before = {str(x) for x in old} if isinstance(old, list) else set()
        after = {str(x) for x in new}
        return (EXP, f"{words} removed") if before - after else (CON, f"{words} added") if after - before \
            else (NEU, "")
    return classify


# -- the table -----------------------------------------------------------------------------

TABLE: tuple[Row, ...] = (
    Row(("use_case",), (Case("changed, added or removed", EXP),), _always(EXP, "the use case changed")),
    Row(("status",), (Case("set to `expanding`", EXP), Case("set to `paused`, `stopped` or `closed`", CON),
                      Case("any other value", NEU)), _status),
    Row(("scope", "teams"), (Case("a team added, the list removed (no restriction is wider than any), or "
                                  "replaced by a non-list", EXP), Case("a team removed, or the list added", CON)),
        _restriction("team")),
    Row(("scope", "regions"), (Case("a region added, or the list removed", EXP), Case("a region removed", CON)),
        _restriction("region")),
    Row(("scope", "channels"), (Case("a channel added, or the list removed", EXP), Case("a channel removed", CON)),
        _restriction("channel")),
    Row(("scope", "human_review"), (Case("loosened: required → sampled → none (unknown or missing: the loosest)",
                                         EXP), Case("tightened", CON)), _rank(human_review_levels, "human review")),
    Row(("scope", "capabilities", "*"), (Case("switched from false (or missing) to true", EXP),
                                         Case("switched from true to false or removed", CON)), _capability),
    Row(("scope", "capabilities"), (Case("added or removed as a whole: by the capabilities it switches", NEU),),
        _always(NEU, ""), whole=False),
    Row(("scope", "*"), (Case("any other scope detail", NEU),), _always(NEU, "")),
    Row(("budget", "monthly_cap"), (Case("raised, removed, or no longer a number", EXP), Case("lowered", CON)),
        _number_limit("the monthly cap")),
    Row(("budget", "overage", "limit"), (Case("raised, removed, or no longer a number", EXP),
                                         Case("lowered", CON)), _number_limit("the overage limit")),
    Row(("vendors", "[]"), (Case("a vendor added", EXP), Case("a vendor removed", CON)),
        _by_change((EXP, "a vendor added"), (CON, "a vendor removed"), (NEU, ""))),
    Row(("vendors", "[]", "trains_on_our_data"), (Case("set to true", EXP), Case("set to false or removed", CON)),
        lambda c, old, new, *rest: _capability(c, old, new, *rest) if new is True or old is True else (NEU, "")),
    Row(("vendors", "[]", "retention_days"), (Case("raised or removed", EXP), Case("lowered", CON)),
        _number_limit("a vendor's retention")),
    Row(("data_access", "[]"), (Case("a data source added", EXP), Case("a data source removed", CON)),
        _by_change((EXP, "a data source added"), (CON, "a data source removed"), (NEU, ""))),
    Row(("data_access", "[]", "access"), (Case("widened: read → write (unknown or missing: the widest)", EXP),
                                          Case("narrowed", CON)), _rank(access_levels, "data access")),
    Row(("data_access", "[]", "classification"),
        (Case("raised: public < internal < customer < personal (unknown or missing: the highest)", EXP),
         Case("lowered", CON)), _rank(classifications, "the data classification")),
    Row(("data_access", "[]", "retention_days"), (Case("raised or removed", EXP), Case("lowered", CON)),
        _number_limit("a data source's retention")),
    Row(("scorecard", "[]"), (Case("a metric removed", EXP), Case("a metric added", CON)),
        _by_change((CON, "a metric added"), (EXP, "a metric removed"), (NEU, ""))),
    Row(("scorecard", "[]", "success"), (Case("made easier to reach, or not comparable", EXP),
                                         Case("made harder to reach, or removed", CON)), _threshold),
    Row(("scorecard", "[]", "stop"), (Case("made harder to reach, removed, or not comparable", EXP),
                                      Case("made easier to reach", CON)), _threshold),
    Row(("scorecard", "[]", "better"), (Case("changed (it turns the levels around)", EXP),),
        _always(EXP, "the direction of a metric changed")),
    Row(("stop_rules", "[]"), (Case("a stop rule removed", EXP), Case("a stop rule added", CON)),
        _by_change((CON, "a stop rule added"), (EXP, "a stop rule removed"), (NEU, ""))),
    Row(("stop_rules", "[]", "for_cycles"), (Case("raised (the rule fires later) or removed", EXP),
                                             Case("lowered", CON)), _cycles),
    Row(("stop_rules", "[]", "metric"), (Case("changed or removed", EXP),),
        _always(EXP, "a stop rule watches another metric")),
    Row(("stop_rules", "[]", "above_metric"), (Case("changed or removed", EXP),),
        _always(EXP, "a stop rule compares with another metric")),
    Row(("stop_rules", "[]", "below_metric"), (Case("changed or removed", EXP),),
        _always(EXP, "a stop rule compares with another metric")),
    Row(("stop_rules", "[]", "level"), (Case("`stop` instead of `not_success`, or removed", EXP),
                                        Case("`not_success` instead of `stop`", CON)),
        _strength(_LEVEL_STRENGTH, "the stop rule's level")),
    Row(("stop_rules", "[]", "above"), (Case("raised or removed", EXP), Case("lowered", CON)),
        _direction(True, "the `above` threshold")),
    Row(("stop_rules", "[]", "below"), (Case("lowered or removed", EXP), Case("raised", CON)),
        _direction(False, "the `below` threshold")),
    Row(("stop_rules", "[]", "then"), (Case("a weaker action (stop → pause → review), or removed", EXP),
                                       Case("a stronger action", CON)),
        _strength(_ACTION_STRENGTH, "the stop rule's action")),
    Row(("freeze", "[]"), (Case("a freeze window removed", EXP), Case("a freeze window added", CON)),
        _by_change((CON, "a freeze window added"), (EXP, "a freeze window removed"), (NEU, ""))),
    Row(("freeze", "[]", "from"), (Case("later (the window is shorter), removed, or not a date", EXP),
                                   Case("earlier", CON)), _freeze_day(True)),
    Row(("freeze", "[]", "to"), (Case("earlier (the window is shorter), removed, or not a date", EXP),
                                 Case("later", CON)), _freeze_day(False)),
    Row(("out_of_scope",), (Case("an item removed (a ruled-out use is allowed again), or the list removed", EXP),
                            Case("an item added", CON)), _list_of_limits("a ruled-out use")),
    Row(("incident",), (Case("the incident response removed", EXP), Case("added", CON)),
        _by_change((CON, "an incident response added"), (EXP, "the incident response removed"),
                   (EXP, "the incident response replaced"))),
    Row(("incident", "within_hours"), (Case("raised or removed", EXP), Case("lowered", CON)),
        _number_limit("the incident notice time")),
    Row(("incident", "notify"), (Case("a person removed, or the list removed", EXP), Case("a person added", CON)),
        _list_of_limits("a person to notify")),
    Row(("oversight",), (Case("changed or removed (needs the previous owner or the oversight person)", NEU),),
        _always(NEU, "oversight changed")),
)
REPLACED = Case("a list or mapping of a gated field replaced by something of another type", EXP)
DEFAULT = Case("any other change of a gated field (`owner`, `authority`, `prompts`, budget components, "
               "vendor details, ...)", NEU)


def classify(path: tuple, change: str, old, new, base=None, head=None) -> tuple[str, str]:
    """(class, why) of one change of a charter at `path`."""
    row = next((r for r in TABLE if r.matches(path)), None)
    if change == "changed" and isinstance(old, (dict, list)) and not isinstance(new, type(old)) \
            and (row is None or not row.whole):
        return EXP, f"`{path[-1]}` replaced by something that is not a {'mapping' if isinstance(old, dict) else 'list'}"
    if change in ("added", "removed") and (row is None or not row.whole):
        value = new if change == "added" else old
        if isinstance(value, (dict, list)):
            empty: object = {} if isinstance(value, dict) else []
            parts = diff_values(empty, value, path) if change == "added" else diff_values(value, empty, path)
            classes = [classify(p, c, o, n, base, head) for p, c, o, n in parts]
            if any(k == EXP for k, _ in classes):
                return EXP, next(w for k, w in classes if k == EXP)
            if classes and all(k == CON for k, _ in classes):
                return CON, classes[0][1]
            return NEU, ""
    if row is None:
        return NEU, ""
    return row.classify(change, old, new, base, head, path)


def markdown_table() -> str:
    """The table as docs/gate.md shows it."""
    lines = ["| field | change | class |", "|---|---|---|"]
    for row in TABLE:
        field = ".".join(p if p != "[]" else "[item]" for p in row.pattern).replace(".[item]", "[item]")
        for case in row.cases:
            lines.append(f"| `{field}` | {case.when} | {case.klass} |")
    lines.append(f"| any | {REPLACED.when} | {REPLACED.klass} |")
    lines.append(f"| any | {DEFAULT.when} | {DEFAULT.klass} |")
    return "\n".join(lines) + "\n"
