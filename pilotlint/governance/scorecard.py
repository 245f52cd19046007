"""The scorecard, judged: metric levels, the verdict, and stop rules.

Pure functions over plain document data (the mappings a charter and its weekly notes
hold): no I/O, no positions, no findings. The rules in `pilotlint.rules.scorecard` and
`pilotlint.rules.timeline`, the summary, `status` and the expansion gate all judge a
pilot through these functions, so they agree on what "at success" or "fired" means.

Everything here reads documents that may violate the schema: a value of the wrong type
is treated as missing, never raised on.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable, Literal, Mapping, NamedTuple, Sequence

from pilotlint.documents.values import add_days, is_number, parse_date, week_start  # noqa: F401 (shared readers)
from pilotlint.documents.values import yaml_text as fmt

Level = Literal["success", "retry", "stop"]
Verdict = Literal["expand", "fix", "stop", "unknown"]

LEVELS: tuple[str, ...] = ("not_success", "stop")            # values of a stop rule's `level`
CONDITIONS: tuple[str, ...] = ("level", "above", "below", "above_metric", "below_metric")
ACTIONS: tuple[str, ...] = ("pause", "stop", "review")      # values of a stop rule's `then`
DEFAULT_CADENCE_DAYS = 7


# --- small readers -------------------------------------------------------------------

def current_notes(pilot, today: date) -> list:
    """A pilot's weekly notes in week order, without those for a week that has not begun
    on `today`: a note dated in the future counts for no verdict until its week (PL011)."""
    out = []
    for note in pilot.sorted_notes():
        start = week_start(note.get("week"))
        if start is None or start <= today:
            out.append(note)
    return out


def scorecard_metrics(charter_data: Any) -> list[dict]:
    """The scorecard's metrics that are mappings with a text `id`, in charter order."""
    scorecard = charter_data.get("scorecard") if isinstance(charter_data, Mapping) else None
    if not isinstance(scorecard, list):
        return []
    return [m for m in scorecard if isinstance(m, Mapping) and isinstance(m.get("id"), str)]


def readings(note_data: Any) -> Mapping:
    """A note's `metrics` mapping (empty when missing or malformed)."""
    metrics = note_data.get("metrics") if isinstance(note_data, Mapping) else None
    return metrics if isinstance(metrics, Mapping) else {}


# --- levels and the verdict --------------------------------------------------------------

def metric_level(metric: Mapping, value: Any) -> Level | None:
    """The level of one reading of a scorecard metric.

    `success`: at or better than the metric's `success` threshold; `stop`: at or worse
    than its `stop` threshold; `retry`: in between. "Better" is `better: higher` or
    `better: lower`. None when the reading is not a number, `better` is not given, or a
    needed threshold is missing (a reading short of success with no stop threshold cannot
    be placed). When misordered thresholds make a reading both, stop wins.
    """
    if not isinstance(metric, Mapping) or not is_number(value):
        return None
    better = metric.get("better")
    if better not in ("higher", "lower"):
        return None
    success, stop = metric.get("success"), metric.get("stop")
    higher = better == "higher"
    if is_number(stop) and (value <= stop if higher else value >= stop):
        return "stop"
    if is_number(success) and (value >= success if higher else value <= success):
        return "success"
    if is_number(success) and is_number(stop):
        return "retry"
    return None


def levels(charter_data: Any, note_data: Any) -> dict[str, Level | None]:
    """The level of every scorecard metric in one note (None: not reported or not judgeable)."""
    values = readings(note_data)
    return {m["id"]: metric_level(m, values.get(m["id"])) for m in scorecard_metrics(charter_data)}


def verdict(charter_data: Any, latest_note_data: Any) -> Verdict:
    """The scorecard's call for the latest note (every metric at success: expand; any at stop: stop; else fix).

    Every scorecard metric at success: `expand`; any metric at stop: `stop`; otherwise
    `fix` (a metric that is missing from the note, or cannot be judged, is not at
    success). No note yet (None), or no scorecard metric to judge: `unknown` — an empty
    scorecard proves nothing, so it never says expand.
    """
    if not isinstance(latest_note_data, Mapping):
        return "unknown"
    judged = levels(charter_data, latest_note_data)
    if not judged:
        return "unknown"
    found = set(judged.values())
    if "stop" in found:
        return "stop"
    if found == {"success"}:
        return "expand"
    return "fix"


# --- stop rules ----------------------------------------------------------------------------

class Reading(NamedTuple):
    """One note's reading that met a stop rule's condition."""

    week: str
    value: float
    compared_to: float | None = None   # the other metric's reading, or the fixed number
    level: Level | None = None         # for `level` conditions: the reading's level


class StopRuleTrigger(NamedTuple):
    """A stop rule whose condition held in each of the last `for_cycles` notes."""

    rule_id: str
    index: int                         # position in the charter's `stop_rules`
    metric: str
    condition: str                     # level | above | below | above_metric | below_metric
    target: Any                        # the level name, the number, or the other metric's id
    then: str | None                   # pause | stop | review (None when not written)
    for_cycles: int
    readings: tuple[Reading, ...]      # oldest first, one per note of the streak

    @property
    def weeks(self) -> tuple[str, ...]:
        return tuple(r.week for r in self.readings)

    def describe(self) -> str:
        """The readings in words, for messages: `edit_minutes 7.0 above saved_minutes 6.5 in
        2026-W46 and 7.5 above 6.0 in 2026-W47`; `reply_rate 2.8 in 2026-W46 and 2.7 in
        2026-W47, short of its success level 3.0`; `weekly_cost 1850 in 2026-W46 and 1900
        in 2026-W47, above 1800`."""
        parts = []
        for n, r in enumerate(self.readings):
            head = self.metric + " " if n == 0 else ""
            if self.condition in ("above_metric", "below_metric"):
                word = self.condition.split("_")[0]
                other = f"{self.target} " if n == 0 else ""
                parts.append(f"{head}{fmt(r.value)} {word} {other}{fmt(r.compared_to)} in {r.week}")
            else:
                parts.append(f"{head}{fmt(r.value)} in {r.week}")
        text = _join(parts)
        if self.condition == "level":
            threshold = fmt(self.readings[0].compared_to) if self.readings else "?"
            return text + (f", at or past its stop level {threshold}" if self.target == "stop"
                           else f", short of its success level {threshold}")
        if self.condition in ("above", "below"):
            return f"{text}, {self.condition} {fmt(self.target)}"
        return text


def stop_rule_condition(stop_rule: Any) -> tuple[str, Any] | None:
    """The first (condition, target) a stop rule gives, or None when it gives no readable one."""
    if not isinstance(stop_rule, Mapping):
        return None
    for key in CONDITIONS:
        value = stop_rule.get(key)
        if key == "level" and value in LEVELS:
            return key, value
        if key in ("above", "below") and is_number(value):
            return key, value
        if key in ("above_metric", "below_metric") and isinstance(value, str) and value:
            return key, value
    return None


def stop_rule_cycles(stop_rule: Any) -> int | None:
    """`for_cycles` (1 when not written); None when it is written but not a whole number >= 1."""
    if not isinstance(stop_rule, Mapping):
        return None
    cycles = stop_rule.get("for_cycles", 1)
    if isinstance(cycles, bool) or not isinstance(cycles, int) or cycles < 1:
        return None
    return cycles


def triggered_stop_rules(charter_data: Any, notes_data_in_week_order: Sequence[Any]) -> list[StopRuleTrigger]:
    """The stop rules whose condition holds in each of the last `for_cycles` notes.

    Notes are the weekly notes' data, oldest week first. A streak is a run of
    consecutive notes ending with the latest one; it is broken by a note that lacks
    the reading (or the other metric's reading), by a note where the condition does
    not hold, and by a gap of more than one cadence period (`timeline.cadence_days`,
    default 7) between two notes' weeks. A rule may give several conditions; all must
    hold. Rules without a readable metric, condition or `for_cycles` are skipped (the
    rules report them).
    """
    if not isinstance(charter_data, Mapping):
        return []
    stop_rules = charter_data.get("stop_rules")
    if not isinstance(stop_rules, list):
        return []
    metrics = {m["id"]: m for m in scorecard_metrics(charter_data)}
    notes = [n for n in notes_data_in_week_order if isinstance(n, Mapping)]
    cadence = _cadence(charter_data)
    out = []
    for index, stop_rule in enumerate(stop_rules):
        trigger = _evaluate(index, stop_rule, metrics, notes, cadence)
        if trigger is not None:
            out.append(trigger)
    return out


def _evaluate(index: int, stop_rule: Any, metrics: dict, notes: list, cadence: int) -> StopRuleTrigger | None:
    if not isinstance(stop_rule, Mapping):
        return None
    metric = stop_rule.get("metric")
    cycles = stop_rule_cycles(stop_rule)
    conditions = [found for key in CONDITIONS if (found := stop_rule_condition({key: stop_rule.get(key)}))]
    if not isinstance(metric, str) or cycles is None or not conditions or len(notes) < cycles:
        return None
    streak: list[Reading] = []
    previous: date | None = None
    for note in reversed(notes):
        if len(streak) == cycles:
            break
        start = week_start(note.get("week"))
        if streak and previous is not None and start is not None and (previous - start).days > cadence:
            return None  # a missing note breaks the streak
        reading = _holds(note, metric, conditions, metrics)
        if reading is None:
            return None
        streak.append(reading)
        previous = start
    if len(streak) < cycles:
        return None
    first, target = conditions[0]
    then = stop_rule.get("then")
    rule_id = stop_rule.get("id")
    return StopRuleTrigger(rule_id if isinstance(rule_id, str) else f"stop_rules[{index}]", index, metric,
                           first, target, then if isinstance(then, str) else None, cycles,
                           tuple(reversed(streak)))


def _holds(note: Mapping, metric: str, conditions: list, metrics: dict) -> Reading | None:
    """The reading when every condition holds in this note, else None."""
    values = readings(note)
    value = values.get(metric)
    if not is_number(value):
        return None
    week = note.get("week")
    week = week if isinstance(week, str) else "?"
    described: Reading | None = None
    for key, target in conditions:
        level: Level | None = None
        if key == "level":
            definition = metrics.get(metric, {})
            level = metric_level(definition, value)
            if level is None or level == "success" or (target == "stop" and level != "stop"):
                return None
            compared = definition.get("stop" if target == "stop" else "success")
        elif key in ("above", "below"):
            if not (value > target if key == "above" else value < target):
                return None
            compared = target
        else:
            compared = values.get(target)
            if not is_number(compared) or not (value > compared if key == "above_metric" else value < compared):
                return None
        if described is None:
            described = Reading(week, value, compared, level)
    return described


def _cadence(charter_data: Mapping) -> int:
    timeline = charter_data.get("timeline")
    cadence = timeline.get("cadence_days") if isinstance(timeline, Mapping) else None
    if isinstance(cadence, bool) or not isinstance(cadence, int) or cadence < 1:
        return DEFAULT_CADENCE_DAYS
    return max(cadence, DEFAULT_CADENCE_DAYS)


def _join(parts: Iterable[str]) -> str:
    parts = list(parts)
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
