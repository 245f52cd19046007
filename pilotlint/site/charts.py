"""Charts as inline SVG: pure functions from plain values to markup.

Every chart is an `<svg role="img">` named by its `<title>` and described by a `<desc>`
that reads out the numbers, so a screen reader gets what the eye gets; the page puts the
same numbers in a table beside it. The numbers are also in `data-*` attributes (raw, as
the documents wrote them) so that tests can read them from the DOM.

Colours are the Okabe–Ito palette (distinguishable with every common colour-vision
deficiency), and nothing is told by colour alone: the cap and the levels are dashed
differently and labelled in words, the verdict cells carry a letter. The style sheet
keeps the colours when printed.

Every piece of document text is escaped here (`markupsafe.escape`) and hidden characters
are made visible first, so a metric named `</svg><script>` is text in a `<title>`.
"""

from __future__ import annotations

import math
import re
from typing import Iterable, Mapping, Sequence

from markupsafe import Markup, escape

from pilotlint.report.markdown import _plain  # one line, bidi and other hidden characters made visible
from pilotlint.report.templating import number

WIDTH = 640
LEFT, RIGHT, TOP, BOTTOM = 56, 132, 28, 34
_IDENT = re.compile(r"[a-z][a-z0-9-]*")
VERDICT_MARK = {"expand": "E", "fix": "F", "stop": "S", "unknown": "?"}


def text(value) -> Markup:
    """Document text for SVG (or HTML): one line, hidden characters visible, escaped."""
    return escape(_plain(value))


def raw(value) -> str:
    """A number as a `data-*` value that reads back to the same number (`1540`, `5.3`)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return ""
    return str(value) if isinstance(value, int) else repr(float(value))


def _c(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def nice_scale(low: float, high: float, ticks: int = 4) -> tuple[float, float, float]:
    """(bottom, top, step) of an axis that holds low..high with round tick values."""
    if not (math.isfinite(low) and math.isfinite(high)):
        low, high = 0.0, 1.0
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    rough = (high - low) / ticks
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    bottom = math.floor(low / step + 1e-9) * step
    top = math.ceil(high / step - 1e-9) * step
    return bottom, top, step


def _week_label(week) -> str:
    week = _plain(week)
    return week.split("-")[-1] if re.fullmatch(r"\d{4}-W\d{2}", week) else week[:8]


class _Frame:
    """The plot area of one chart: x slots for the weeks, a y scale, and the grid."""

    def __init__(self, count: int, low: float, high: float, height: int):
        self.count, self.height = max(count, 1), height
        self.bottom, self.top, self.step = nice_scale(low, high)
        self.x0, self.x1 = LEFT, WIDTH - RIGHT
        self.y0, self.y1 = height - BOTTOM, TOP  # y0 is the bottom of the plot

    def slot(self) -> float:
        return (self.x1 - self.x0) / self.count

    def x(self, index: int) -> float:
        return self.x0 + self.slot() * (index + 0.5)

    def y(self, value: float) -> float:
        span = self.top - self.bottom
        return self.y0 - (value - self.bottom) / span * (self.y0 - self.y1)

    def grid(self, unit: str) -> str:
        out = ['<g class="grid" aria-hidden="true">']
        tick = self.bottom
        while tick <= self.top + self.step / 1e6:
            y = _c(self.y(tick))
            label = number(round(tick, 9))
            out.append(f'<line x1="{self.x0}" x2="{self.x1}" y1="{y}" y2="{y}"/>'
                       f'<text class="tick" x="{self.x0 - 6}" y="{y}" dy="0.32em" text-anchor="end">{label}</text>')
            tick += self.step
        unit = _plain(unit)  # in full in the chart's title; on the axis, what fits beside it
        unit = unit if len(unit) <= 10 else unit[:9] + "…"
        out.append(f'<text class="unit" x="{self.x0 - 6}" y="{TOP - 12}" text-anchor="end">{text(unit)}</text>')
        out.append("</g>")
        return "".join(out)

    def week_labels(self, weeks: Sequence) -> str:
        every = max(1, math.ceil(len(weeks) / 13))
        out = ['<g class="weeks" aria-hidden="true">']
        for index, week in enumerate(weeks):
            if index % every == 0 or index == len(weeks) - 1:
                out.append(f'<text x="{_c(self.x(index))}" y="{self.y0 + 16}" text-anchor="middle">'
                           f'{text(_week_label(week))}</text>')
        out.append("</g>")
        return "".join(out)


def _svg(kind: str, ident: str, height: int, title: str, desc: str, body: Iterable[str], **data) -> Markup:
    if not _IDENT.fullmatch(ident):
        raise ValueError(f"not a usable element id: {ident!r}")
    attrs = "".join(f' data-{k.replace("_", "-")}="{escape(v)}"' for k, v in data.items() if v is not None)
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" viewBox="0 0 {WIDTH} {height}" '
                  f'role="img" aria-labelledby="{ident}-t {ident}-d" id="{ident}" data-chart="{kind}"{attrs}>'
                  f'<title id="{ident}-t">{text(title)}</title><desc id="{ident}-d">{text(desc)}</desc>'
                  + "".join(body) + "</svg>")


def _spread(labels: list[tuple[float, str]], gap: float = 13.0) -> list[tuple[float, str]]:
    """Right-hand labels moved apart vertically so that none overlaps the next."""
    placed: list[tuple[float, str]] = []
    for y, label in sorted(labels):
        if placed and y - placed[-1][0] < gap:
            y = placed[-1][0] + gap
        placed.append((y, label))
    return placed


# --- spend by week -------------------------------------------------------------------------

def spend_chart(weeks: Sequence[Mapping], cap, currency: str | None, ident: str = "spend") -> Markup | None:
    """Month-to-date spend (solid) inside the month's forecast (outlined) for every weekly
    note, against the monthly cap (dashed). None when no note reports spend."""
    rows = [w for w in weeks if w.get("month_to_date") is not None or w.get("forecast") is not None]
    if not rows:
        return None
    cap = cap if raw(cap) else None
    unit = currency or "amount"
    values = [v for w in rows for v in (w.get("month_to_date"), w.get("forecast")) if v is not None]
    frame = _Frame(len(rows), min(0, *values), max([*values, cap or 0]) * 1.05 or 1, 240)
    body = [frame.grid(unit)]
    width = min(frame.slot() * 0.6, 48)
    parts = []
    for index, week in enumerate(rows):
        mtd, forecast = week.get("month_to_date"), week.get("forecast")
        x = frame.x(index) - width / 2
        words = [f"month to date {number(mtd)}" if mtd is not None else "month to date not reported"]
        if forecast is not None:
            words.append(f"forecast {number(forecast)}")
        said = f"{_plain(week.get('week'))}: " + ", ".join(words)
        parts.append(said)
        out = [f'<g class="week" data-week="{text(week.get("week"))}" data-month-to-date="{raw(mtd)}" '
               f'data-forecast="{raw(forecast)}"><title>{text(said)} {text(unit)}</title>']
        for cls, value in (("forecast", forecast), ("mtd", mtd)):
            if value is not None:
                top, base = frame.y(max(value, 0)), frame.y(min(value, 0))
                out.append(f'<rect class="{cls}" x="{_c(x)}" y="{_c(top)}" width="{_c(width)}" '
                           f'height="{_c(max(base - top, 0.5))}"/>')
        out.append("</g>")
        body.append("".join(out))
    if cap is not None:
        y = _c(frame.y(cap))
        body.append(f'<g class="cap" data-value="{raw(cap)}"><line x1="{frame.x0}" x2="{frame.x1}" y1="{y}" '
                    f'y2="{y}"/><text x="{frame.x1 + 6}" y="{y}" dy="0.32em">cap {number(cap)}</text></g>')
    body.append(frame.week_labels([w.get("week") for w in rows]))
    body.append(_legend([("forecast", "forecast for the month"), ("mtd", "month to date"),
                         *([("cap", "monthly cap")] if cap is not None else [])]))
    cap_words = f"Monthly cap {number(cap)} {_plain(unit)}. " if cap is not None else "No monthly cap. "
    return _svg("spend", ident, 240, f"Spend by week against the monthly cap ({_plain(unit)})",
                cap_words + "; ".join(parts) + ".", body, cap=raw(cap) or None, currency=_plain(unit))


def _legend(items: Sequence[tuple[str, str]]) -> str:
    out, x = ['<g class="legend" aria-hidden="true">'], LEFT
    for cls, label in items:
        out.append(f'<g class="key key-{cls}"><rect x="{x}" y="4" width="14" height="10"/>'
                   f'<text x="{x + 18}" y="13">{escape(label)}</text></g>')
        x += 26 + 6.5 * len(label)
    out.append("</g>")
    return "".join(out)


# --- one metric over the weeks ---------------------------------------------------------------

LEVELS = (("baseline", "baseline"), ("success", "success"), ("stop", "stop"))


def metric_chart(metric: Mapping, weeks: Sequence[Mapping], ident: str) -> Markup | None:
    """One scorecard metric's reading in every weekly note (a line with points), with its
    baseline (dotted), success (long dashes) and stop (short dashes) levels. `metric` is a
    row of the summary's scorecard (id, name, unit, better, baseline, success, stop)."""
    values = [w.get("readings", {}).get(metric.get("id")) for w in weeks]
    levels = [(key, word, metric.get(key)) for key, word in LEVELS if raw(metric.get(key))]
    known = [v for v in values if v is not None] + [v for _, _, v in levels]
    if not known:
        return None
    frame = _Frame(len(weeks), min(known), max(known), 200)
    unit = metric.get("unit") or ""
    body = [frame.grid(unit)]
    labels = []
    for key, word, value in levels:
        y = frame.y(value)
        body.append(f'<g class="level level-{key}" data-level="{key}" data-value="{raw(value)}">'
                    f'<line x1="{frame.x0}" x2="{frame.x1}" y1="{_c(y)}" y2="{_c(y)}"/></g>')
        labels.append((y, f'class="level-label level-{key}">{word} {number(value)}'))
    body.extend(f'<text x="{frame.x1 + 6}" y="{_c(y)}" dy="0.32em" {label}</text>' for y, label in _spread(labels))
    segment: list[str] = []
    segments: list[list[str]] = []
    points, said = [], []
    for index, (week, value) in enumerate(zip(weeks, values)):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            said.append(f"{_plain(week.get('week'))}: not reported")
            continue
        x, y = _c(frame.x(index)), _c(frame.y(value))
        segment.append(f"{x},{y}")
        words = f"{_plain(week.get('week'))}: {number(value)}"
        said.append(words)
        points.append(f'<circle class="point" cx="{x}" cy="{y}" r="3.5" data-week="{text(week.get("week"))}" '
                      f'data-value="{raw(value)}"><title>{text(words)} {text(unit)}</title></circle>')
    if segment:
        segments.append(segment)
    body.extend(f'<polyline class="reading" points="{" ".join(s)}"/>' for s in segments if len(s) > 1)
    body.append('<g class="points">' + "".join(points) + "</g>")
    body.append(frame.week_labels([w.get("week") for w in weeks]))
    better = {"higher": "higher is better", "lower": "lower is better"}.get(metric.get("better") or "", "")
    name = _plain(metric.get("name") or metric.get("id"))
    level_words = ", ".join(f"{word} {number(value)}" for _, word, value in levels)
    title = f"{name}" + (f" ({_plain(unit)})" if unit else "") + " by week"
    desc = "; ".join(x for x in (better, level_words) if x) + ". " + "; ".join(said) + "."
    return _svg("metric", ident, 200, title, desc, body, metric=_plain(metric.get("id")), better=metric.get("better"),
                unit=_plain(unit) or None)


# --- the verdict week by week ----------------------------------------------------------------

VERDICT_WORDS = {"expand": "expand", "fix": "fix", "stop": "stop", "unknown": "unknown"}


def verdict_chart(weeks: Sequence[Mapping], ident: str = "verdict") -> Markup | None:
    """A strip of one cell per weekly note: the scorecard's verdict that week, with a letter
    (E expand, F fix, S stop, ? unknown) as well as a colour."""
    if not weeks:
        return None
    height = 96
    frame = _Frame(len(weeks), 0, 1, height)
    slot = frame.slot()
    body, said = [], []
    for index, week in enumerate(weeks):
        verdict = week.get("verdict") if week.get("verdict") in VERDICT_MARK else "unknown"
        x = frame.x0 + slot * index
        words = f"{_plain(week.get('week'))}: {VERDICT_WORDS[verdict]}"
        said.append(words)
        body.append(f'<g class="verdict verdict-{verdict}" data-week="{text(week.get("week"))}" '
                    f'data-verdict="{verdict}"><title>{text(words)}</title>'
                    f'<rect x="{_c(x + 1)}" y="{TOP}" width="{_c(max(slot - 2, 1))}" height="30"/>'
                    f'<text x="{_c(x + slot / 2)}" y="{TOP + 15}" dy="0.35em" text-anchor="middle">'
                    f'{VERDICT_MARK[verdict]}</text></g>')
    body.append(frame.week_labels([w.get("week") for w in weeks]).replace(f'y="{frame.y0 + 16}"',
                                                                           f'y="{TOP + 46}"'))
    body.append('<text class="legend-text" x="' + str(LEFT) + '" y="14" aria-hidden="true">'
                'E expand · F fix · S stop · ? unknown</text>')
    return _svg("verdict", ident, height, "Scorecard verdict by week", "; ".join(said) + ".", body)


# --- the portfolio's spend meter ---------------------------------------------------------------

def spend_meter(month_to_date, forecast, cap, currency: str | None = None) -> Markup:
    """A small bar for the portfolio: month to date (solid) and forecast (outlined) as a
    share of the cap (the tick at the end). Empty when there is no cap to compare with."""
    if not raw(cap) or cap <= 0:
        return Markup("")
    width, height = 120, 12
    top = max(cap, month_to_date or 0, forecast or 0)

    def length(value) -> str:
        return _c(max(value, 0) / top * width) if raw(value) else "0"

    words = [f"month to date {number(month_to_date)}" if raw(month_to_date) else "no spend reported"]
    if raw(forecast):
        words.append(f"forecast {number(forecast)}")
    label = ", ".join(words) + f" of a cap of {number(cap)} {_plain(currency or '')}".rstrip()
    cap_x = _c(cap / top * width)
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="meter" viewBox="0 0 {width} {height}" '
                  f'width="{width}" height="{height}" role="img" aria-label="{text(label)}" '
                  f'data-month-to-date="{raw(month_to_date)}" data-forecast="{raw(forecast)}" data-cap="{raw(cap)}">'
                  f'<rect class="track" x="0" y="2" width="{width}" height="8"/>'
                  f'<rect class="forecast" x="0" y="2" width="{length(forecast)}" height="8"/>'
                  f'<rect class="mtd" x="0" y="2" width="{length(month_to_date)}" height="8"/>'
                  f'<line class="cap" x1="{cap_x}" x2="{cap_x}" y1="0" y2="{height}"/></svg>')
