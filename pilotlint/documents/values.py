"""One reader for each kind of small value: numbers, dates, weeks, text, and how a value
is written back in a message.

Documents may violate the schema, so every reader takes any value and answers None (or
False) for one of the wrong type; none of them raises. Booleans are never numbers, NaN
and infinity are never amounts, and dates are `YYYY-MM-DD` only, exactly as the schemas
say, so every rule, the gate, the summary and the site agree on what a value means.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from typing import Any

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")


def is_number(value: Any) -> bool:
    """A finite number as YAML gives it (`true` is not 1; NaN and infinity are not amounts)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def number(value: Any) -> int | float | None:
    return value if is_number(value) else None


def parse_date(value: Any) -> date | None:
    """`YYYY-MM-DD` text (or a `date`) as a date; anything else, a datetime included, is None."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def is_iso_date(value: Any) -> bool:
    return isinstance(value, str) and parse_date(value) is not None


def week_start(week: Any) -> date | None:
    """The Monday of an ISO week written `YYYY-Www`; None when it is not one."""
    match = _WEEK.fullmatch(week) if isinstance(week, str) else None
    if not match:
        return None
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def add_days(day: date, days: int) -> date | None:
    """`day + days`, or None when it leaves the calendar (a malformed huge number)."""
    try:
        return day + timedelta(days=days)
    except (OverflowError, TypeError):
        return None


def text(value: Any) -> str | None:
    """Non-empty text, stripped; None for anything else."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def yaml_text(value: Any) -> str:
    """A value as YAML spells it: `true`/`false`, `null`, numbers as written, lists and
    mappings in flow style. For messages that show both sides of a change."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_text(v) for v in value) + "]"
    return str(value)


def plain(value: Any) -> Any:
    """A JSON-ready copy of loaded values (the loader's LDict/LList become dict/list)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 day`, `2 days`, `1 warning`, `0 warnings`."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"
