"""PL3xx: the scorecard — three to five balanced metrics, each with a baseline and levels."""

from __future__ import annotations

from pilotlint.rules import Hit, rule
from pilotlint.documents.model import Pilot
from pilotlint.documents.workspace import Workspace
from pilotlint.documents.values import is_number, parse_date
from pilotlint.documents.values import yaml_text as fmt

MIN_METRICS, MAX_METRICS = 3, 5

_EXAMPLE_METRIC = ("`{id: reply_rate, name: Reply rate, category: quality, unit: percent, better: higher, "
                   "baseline: {value: 3.0, measured_on: 2026-09-20}, success: 3.0, stop: 2.0}`")


def _scorecard(pilot: Pilot):
    """(charter, scorecard list) or (charter, None) when there is no list to read."""
    charter = pilot.charter
    scorecard = charter.get("scorecard") if charter else None
    return charter, scorecard if isinstance(scorecard, list) else None


def _metric_items(scorecard):
    """(index, metric mapping, readable name) for each metric that is a mapping."""
    for index, metric in enumerate(scorecard):
        if isinstance(metric, dict):
            name = metric.get("id")
            yield index, metric, f"`{name}`" if isinstance(name, str) else f"metric {index + 1}"


@rule("PL301")
def scorecard_size(pilot: Pilot, ws: Workspace):
    charter, scorecard = _scorecard(pilot)
    if charter is None:
        return
    if "scorecard" not in (charter.data or {}):
        yield Hit(charter, (), "the charter has no `scorecard`: write down the three to five numbers that "
                  "decide whether the pilot expands, gets fixed or stops, before rollout, e.g. "
                  f"`scorecard: [{_EXAMPLE_METRIC[1:-1]}, ...]`")
        return
    if scorecard is None:
        yield Hit(charter, ("scorecard",), "`scorecard` must be a list of three to five metrics, one item per "
                  f"metric, e.g. {_EXAMPLE_METRIC}")
        return
    count = len(scorecard)
    if count < MIN_METRICS:
        yield Hit(charter, ("scorecard",), f"the scorecard has {count} metric{'s' if count != 1 else ''}; "
                  f"judge the pilot on {MIN_METRICS} to {MAX_METRICS} so that one good number cannot hide a "
                  "bad one: add quality, speed, cost, error/rework or review-time metrics")
    elif count > MAX_METRICS:
        yield Hit(charter, ("scorecard", MAX_METRICS), f"the scorecard has {count} metrics; keep the "
                  f"{MAX_METRICS} that decide expand, fix or stop (a scorecard of ten numbers is one nobody "
                  "reads) and report the others in the weekly notes as context")


@rule("PL302")
def baseline(pilot: Pilot, ws: Workspace):
    charter, scorecard = _scorecard(pilot)
    if scorecard is None:
        return
    timeline = charter.get("timeline")
    start_text = timeline.get("start") if isinstance(timeline, dict) else None
    start = parse_date(start_text)
    for index, metric, name in _metric_items(scorecard):
        base = metric.get("baseline")
        where = ("scorecard", index, "baseline")
        if base is None:
            yield Hit(charter, ("scorecard", index), f"{name} has no baseline: measure the old manual process "
                      "before the pilot starts and write it down, e.g. `baseline: {value: 12, measured_on: "
                      "2026-09-20, method: timed 40 manual drafts}`; without it any number looks like progress")
            continue
        if not isinstance(base, dict):
            yield Hit(charter, where, f"the baseline of {name} must be a mapping with the value and the day it "
                      "was measured, e.g. `baseline: {value: 12, measured_on: 2026-09-20}`")
            continue
        value = base.get("value")
        if not is_number(value):
            yield Hit(charter, where + ("value",), f"the baseline of {name} has no numeric `value` "
                      f"({'missing' if value is None else f'`{fmt(value)}` is not a number'}); write the reading "
                      "of the old manual process as a number in the metric's unit")
        measured = base.get("measured_on")
        day = parse_date(measured)
        if measured is None:
            yield Hit(charter, where, f"the baseline of {name} does not say when it was measured; add "
                      "`measured_on: YYYY-MM-DD`, a day on or before the pilot's start")
        elif day is None:
            yield Hit(charter, where + ("measured_on",), f"the baseline of {name} has `measured_on: "
                      f"{measured}`, which is not a date; write the day it was measured as YYYY-MM-DD")
        elif start is not None and day > start:
            yield Hit(charter, where + ("measured_on",), f"the baseline of {name} was measured on {measured}, "
                      f"after the pilot started on {start_text}: by then the pilot had already changed the "
                      "work, so it is not a baseline; use a measurement of the old manual process taken on or "
                      "before the start")


@rule("PL303")
def thresholds(pilot: Pilot, ws: Workspace):
    charter, scorecard = _scorecard(pilot)
    if scorecard is None:
        return
    for index, metric, name in _metric_items(scorecard):
        here = ("scorecard", index)
        better = metric.get("better")
        success, stop = metric.get("success"), metric.get("stop")
        missing = [key for key, value in (("success", success), ("stop", stop)) if not is_number(value)]
        for key in missing:
            value = metric.get(key)
            problem = "has no" if value is None else f"has `{key}: {fmt(value)}`, not a number, as its"
            meaning = ("the reading at or better than which the pilot may expand" if key == "success"
                       else "the reading at or worse than which the pilot stops")
            yield Hit(charter, here + ((key,) if value is not None else ()), f"{name} {problem} `{key}` level; "
                      f"write {meaning} as a number, e.g. `success: 6, stop: 11` for minutes where lower is better")
        if better not in ("higher", "lower"):
            yield Hit(charter, here + (("better",) if better is not None else ()), f"{name} does not say "
                      "which direction is better; add `better: higher` (e.g. reply rate) or `better: lower` "
                      "(e.g. minutes, cost, errors) so that success and stop can be told apart")
            continue
        if missing:
            continue
        if success == stop:
            yield Hit(charter, here + ("stop",), f"{name} has success and stop both at {fmt(success)}, which "
                      "leaves no retry band: the pilot would jump from expand to stop with nothing in between; "
                      f"set stop {'below' if better == 'higher' else 'above'} success")
        elif (success < stop) if better == "higher" else (success > stop):
            right, wrong = ("above", "below") if better == "higher" else ("below", "above")
            yield Hit(charter, here + ("stop",), f"{name} has `better: {better}` but its success level "
                      f"{fmt(success)} is {wrong} its stop level {fmt(stop)}, so a reading could be success and "
                      f"stop at once; success must be {right} stop (swap them, or correct `better`)")


@rule("PL304")
def balanced_scorecard(pilot: Pilot, ws: Workspace):
    charter, scorecard = _scorecard(pilot)
    if scorecard is None:
        return
    categories = {m.get("category") for _, m, _ in _metric_items(scorecard)}
    categories = {c for c in categories if isinstance(c, str)}
    have = ", ".join(sorted(categories)) or "none"
    if "cost" not in categories:
        yield Hit(charter, ("scorecard",), f"no scorecard metric measures cost (categories on the scorecard: "
                  f"{have}); add one with `category: cost`, e.g. total weekly cost including staff time, so "
                  "faster output cannot hide a bigger bill")
    if not categories & {"quality", "error"}:
        yield Hit(charter, ("scorecard",), f"no scorecard metric measures quality or errors (categories on the "
                  f"scorecard: {have}); add one with `category: quality` (e.g. reply rate) or `category: error` "
                  "(e.g. rework rate), so speed and savings cannot hide worse work")


@rule("PL305")
def vanity_metric(pilot: Pilot, ws: Workspace):
    charter, scorecard = _scorecard(pilot)
    if scorecard is None:
        return
    for index, metric, name in _metric_items(scorecard):
        if metric.get("category") == "usage":
            yield Hit(charter, ("scorecard", index, "category"), f"{name} measures usage, and usage is not "
                      "success: many people trying a tool can hide weak output or extra review work. Replace it "
                      "with what the use is worth (time saved, quality, errors, cost), and report usage in the "
                      "weekly notes as context instead of on the scorecard")


@rule("PL306")
def unique_ids(pilot: Pilot, ws: Workspace):
    """Metrics and stop rules are matched by id (the gate compares them by it)."""
    charter = pilot.charter
    if charter is None:
        return
    for key, what in (("scorecard", "metric"), ("stop_rules", "stop rule")):
        items = charter.get(key)
        seen: dict[str, int] = {}
        for index, item in enumerate(items if isinstance(items, list) else ()):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in seen:
                yield Hit(charter, (key, index, "id"), f"the {what} id `{ident}` is used twice in `{key}` (first "
                          f"as item {seen[ident] + 1}); give every {what} an id of its own — changes are "
                          "matched by id, so two with one id cannot be told apart")
            else:
                seen[ident] = index
