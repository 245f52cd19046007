"""The one-page handoff summary: the facts, gathered; the template presents them.

`summary_context(...)` returns plain values (text, numbers, dates, lists, dicts) straight
from the documents — *unescaped*. The Markdown template escapes every value on output
(`pilotlint.report.templating`), so a value gathered here can never change the page's structure.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Mapping

from pilotlint.governance.controls import control_checks, last_drill
from pilotlint.findings import Finding
from pilotlint.documents.model import Pilot
from pilotlint.documents.workspace import Workspace
from pilotlint.documents.values import is_number as _num
from pilotlint.documents.values import parse_date as _date
from pilotlint.documents.values import yaml_text as fmt
from pilotlint.governance.scorecard import (current_notes, metric_level, scorecard_metrics, stop_rule_condition,
                                            triggered_stop_rules, verdict)

AUTHORITY_WORDS = {"approve_vendors": "approve vendors", "pause": "pause", "define_metrics": "define metrics",
                   "reject_scope": "reject scope", "own_budget": "own budget"}
MAX_LOG_ENTRIES = 5
MAX_FINDINGS = 5
MAX_CHART_WEEKS = 12


def _text(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _map(value) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []




def person_name(ws: Workspace, person) -> str | None:
    """A person's name from the config (`Oleg Petrov`), else the id as written."""
    if not isinstance(person, str):
        return None
    entry = ws.config.people.get(person) if isinstance(ws.config.people, dict) else None
    name = entry.get("name") if isinstance(entry, dict) else None
    return name if isinstance(name, str) and name.strip() else person


def latest_note(pilot: Pilot, today: date):
    notes = current_notes(pilot, today)
    return notes[-1] if notes else None


def pilot_verdict(pilot: Pilot, today: date) -> str:
    note = latest_note(pilot, today)
    return verdict(pilot.charter.data if pilot.charter else None, note.data if note else None)


def spend_of(pilot: Pilot, today: date) -> dict:
    """{month_to_date, forecast, cap, currency, week} from the latest note and the charter."""
    charter = pilot.charter
    budget = _map(charter.get("budget")) if charter else {}
    note = latest_note(pilot, today)
    spend = _map(note.get("spend")) if note else {}
    mtd, forecast, cap = spend.get("month_to_date"), spend.get("forecast_month"), budget.get("monthly_cap")
    return {"month_to_date": mtd if _num(mtd) else None, "forecast": forecast if _num(forecast) else None,
            "cap": cap if _num(cap) else None, "currency": _text(budget.get("currency")),
            "week": note.get("week") if note else None}


def review_on(pilot: Pilot) -> str | None:
    timeline = _map(pilot.charter.get("timeline")) if pilot.charter else {}
    day = _date(timeline.get("review_on"))
    return day.isoformat() if day else None


def summary_context(pilot: Pilot, ws: Workspace, findings: list[Finding], suppressed: list[Finding],
                    log_entries: list[dict] | None = None) -> dict:
    """Everything the summary shows, for one pilot, as plain (unescaped) values."""
    charter = pilot.charter
    data = charter.data if charter else {}
    get = data.get if isinstance(data, Mapping) else (lambda *_: None)
    plan = pilot.rollback.data if pilot.rollback else None
    notes = current_notes(pilot, ws.today)
    note = notes[-1] if notes else None
    today = ws.today
    name = lambda person: person_name(ws, person)  # noqa: E731

    reviewers = [{"role": role, "name": name(person)} for role, person in _map(get("reviewers")).items()
                 if isinstance(person, str)]
    if isinstance(get("oversight"), str):
        reviewers.append({"role": "oversight", "name": name(get("oversight"))})
    authority = [AUTHORITY_WORDS.get(a, a) for a in _list(get("authority")) if isinstance(a, str)]

    spend = spend_of(pilot, today)
    budget = _map(get("budget"))
    overage = _map(budget.get("overage"))
    cap = spend["cap"]

    return {
        "pilot": pilot.id,
        "today": today.isoformat(),
        "title": _text(get("title")),
        "status": _text(get("status")) or "unknown",
        "verdict": verdict(data, note.data if note else None),
        "latest_week": note.get("week") if note else None,
        "use_case": _text(get("use_case")),
        "owner": name(get("owner")) if isinstance(get("owner"), str) else None,
        "scope": _scope(get("scope")),
        "approval": _approval(pilot, ws, name),
        "authority": authority,
        "reviewers": reviewers,
        "budget": {
            "currency": spend["currency"] or "",
            "cap": cap,
            "month_to_date": spend["month_to_date"],
            "forecast": spend["forecast"],
            "mtd_pct": _pct(spend["month_to_date"], cap),
            "forecast_pct": _pct(spend["forecast"], cap),
            "overage_approver": name(overage.get("approver")),
            "overage_limit": overage.get("limit") if _num(overage.get("limit")) else None,
        },
        "chart": _chart(notes, cap, spend["currency"]),
        "scorecard": _scorecard(data, note),
        "stop_rules": _stop_rules(data, notes),
        "controls": control_checks(pilot, ws),
        "rollback": _rollback(plan, today, name),
        "data_access": _data_access(get("data_access"), name),
        "vendors": _vendors(get("vendors")),
        "timeline": _timeline(data, today, name),
        "out_of_scope": [t for t in _list(get("out_of_scope")) if _text(t)],
        "incident": _incident(get("incident"), name),
        "disclosure": _text(get("disclosure")),
        "risks": _risks(note, name),
        "next_decision": _next_decision(note, today, name),
        "log": (log_entries or [])[:MAX_LOG_ENTRIES] if log_entries is not None else None,
        "findings": _findings(findings, suppressed),
    }


def _scope(scope) -> dict:
    """Teams, regions, channels, human review and the capabilities switched on or off."""
    scope = _map(scope)
    lists = {key: [str(v) for v in _list(scope.get(key)) if isinstance(v, str)] for key in ("teams", "regions", "channels")}
    capabilities = _map(scope.get("capabilities"))
    return {**lists, "unrestricted": [k for k in ("teams", "regions", "channels") if k not in scope],
            "human_review": _text(scope.get("human_review")),
            "on": [str(k) for k, v in capabilities.items() if v is True],
            "off": [str(k) for k, v in capabilities.items() if v is False]}


def _approval(pilot: Pilot, ws: Workspace, name) -> dict:
    from pilotlint.rules.approvals import approval_status

    status = approval_status(pilot, ws)
    return {**status, "by": name(status["by"]) if status["by"] else None}


def _pct(part, whole) -> int | None:
    if _num(part) and _num(whole) and whole > 0:
        return round(100 * part / whole)
    return None


def _chart(notes, cap, currency) -> dict | None:
    weeks, values = [], []
    for note in notes[-MAX_CHART_WEEKS:]:
        spend = _map(note.get("spend"))
        value = spend.get("forecast_month") if _num(spend.get("forecast_month")) else spend.get("month_to_date")
        if _num(value) and isinstance(note.get("week"), str):
            weeks.append(note.get("week").split("-")[-1] if note.get("week")[:4].isdigit() else note.get("week"))
            values.append(value)
    if not weeks:
        return None
    top = max([*values, cap if _num(cap) else 0])
    top = _nice_top(top * 1.1)
    return {"weeks": weeks, "amounts": values, "cap": [cap] * len(weeks) if _num(cap) else None,
            "top": top, "currency": currency or "amount"}


def _nice_top(value) -> int:
    if value <= 0:
        return 1
    magnitude = 10 ** max(0, int(math.log10(value)) - 1)
    return int(math.ceil(value / magnitude) * magnitude)


def _scorecard(charter, note) -> list[dict]:
    values = _map(note.get("metrics")) if note else {}
    rows = []
    for metric in scorecard_metrics(charter):
        baseline = metric.get("baseline")
        base = baseline.get("value") if isinstance(baseline, Mapping) else baseline
        value = values.get(metric["id"])
        rows.append({
            "id": metric["id"],
            "name": _text(metric.get("name")) or metric["id"],
            "unit": _text(metric.get("unit")),
            "better": metric.get("better") if metric.get("better") in ("higher", "lower") else None,
            "baseline": base if _num(base) else None,
            "latest": value if _num(value) else None,
            "success": metric.get("success") if _num(metric.get("success")) else None,
            "stop": metric.get("stop") if _num(metric.get("stop")) else None,
            "level": metric_level(metric, value) if note else None,
        })
    return rows


def _stop_rules(charter, notes) -> list[dict]:
    fired = {t.index: t for t in triggered_stop_rules(charter, [n.data for n in notes])}
    rows = []
    for index, stop_rule in enumerate(_list(_map(charter).get("stop_rules"))):
        if not isinstance(stop_rule, Mapping):
            continue
        condition = stop_rule_condition(stop_rule)
        metric = stop_rule.get("metric") if isinstance(stop_rule.get("metric"), str) else "?"
        if condition is None:
            when = f"{metric}: no readable condition"
        else:
            key, target = condition
            words = {"level": {"not_success": "not at success", "stop": "at stop"}.get(target, str(target)),
                     "above": f"above {fmt(target)}", "below": f"below {fmt(target)}",
                     "above_metric": f"above {target}", "below_metric": f"below {target}"}[key]
            when = f"{metric} {words}"
        cycles = stop_rule.get("for_cycles", 1)
        trigger = fired.get(index)
        rows.append({
            "id": stop_rule.get("id") if isinstance(stop_rule.get("id"), str) else f"stop_rules[{index}]",
            "when": when,
            "cycles": cycles if isinstance(cycles, int) and not isinstance(cycles, bool) else None,
            "then": stop_rule.get("then") if isinstance(stop_rule.get("then"), str) else None,
            "triggered": trigger is not None,
            "detail": trigger.describe() if trigger else None,
        })
    return rows


def _rollback(plan, today: date, name) -> dict | None:
    if not isinstance(plan, Mapping):
        return None
    workflow = _map(plan.get("old_workflow"))
    drill = last_drill(plan)
    drill_day = _date(drill.get("on")) if drill else None
    return {
        "decision_maker": name(plan.get("decision_maker")),
        "old_workflow": _text(workflow.get("description")),
        "old_workflow_owner": name(workflow.get("owner")),
        "ready": workflow.get("ready") is True,
        "first_switch_off": next((s for s in _list(plan.get("switch_off")) if _text(s)), None),
        "drill": None if drill is None else {
            "on": drill_day.isoformat() if drill_day else None,
            "passed": drill.get("passed") is True,
            "age_days": (today - drill_day).days if drill_day else None,
            "open_gaps": 0 if drill.get("fixed") is True else len([g for g in _list(drill.get("gaps")) if _text(g)]),
        },
    }


def _data_access(items, name) -> list[dict]:
    rows = []
    for item in _list(items):
        if not isinstance(item, Mapping):
            continue
        review = _map(item.get("legal_review"))
        retention = item.get("retention_days")
        rows.append({
            "source": _text(item.get("source")) or "?",
            "classification": _text(item.get("classification")),
            "access": _text(item.get("access")),
            "review_by": name(review.get("by")),
            "review_on": review.get("on") if isinstance(review.get("on"), str) else None,
            "retention_days": retention if _num(retention) else None,
        })
    return rows


def _vendors(items) -> list[dict]:
    rows = []
    for item in _list(items):
        if not isinstance(item, Mapping):
            continue
        trains = item.get("trains_on_our_data")
        retention = item.get("retention_days")
        rows.append({
            "name": _text(item.get("name")) or "?",
            "model": _text(item.get("model_version")) or _text(item.get("model")),
            "monthly_cost": item.get("monthly_cost") if _num(item.get("monthly_cost")) else None,
            "retention_days": retention if _num(retention) else None,
            "trains_on_our_data": trains if isinstance(trains, bool) else None,
        })
    return rows


def _timeline(charter, today: date, name) -> dict:
    timeline = _map(_map(charter).get("timeline"))
    review = _date(timeline.get("review_on"))
    start = _date(timeline.get("start"))
    decisions = [d for d in _list(_map(charter).get("decisions")) if isinstance(d, Mapping) and _date(d.get("on"))]
    last = max(decisions, key=lambda d: _date(d.get("on"))) if decisions else None
    freeze = None
    for window in _list(_map(charter).get("freeze")):
        if isinstance(window, Mapping):
            begin, end = _date(window.get("from")), _date(window.get("to"))
            if begin and end and begin <= today <= end:
                freeze = {"to": end.isoformat(), "reason": _text(window.get("reason"))}
    return {
        "start": start.isoformat() if start else None,
        "review_on": review.isoformat() if review else None,
        "days_to_review": (review - today).days if review else None,
        "last_call": None if last is None else {"on": _date(last.get("on")).isoformat(), "call": last.get("call"),
                                                "by": name(last.get("by"))},
        "freeze": freeze,
    }


def _incident(incident, name) -> dict | None:
    if not isinstance(incident, Mapping):
        return None
    hours = incident.get("within_hours")
    return {"definition": _text(incident.get("definition")),
            "notify": [name(p) for p in _list(incident.get("notify")) if isinstance(p, str)],
            "within_hours": hours if _num(hours) else None}


def _risks(note, name) -> list[dict]:
    if note is None:
        return []
    rows = []
    for risk in _list(note.get("risks")):
        if not isinstance(risk, Mapping) or risk.get("status", "open") != "open":
            continue
        rows.append({"text": _text(risk.get("text")) or "?", "severity": _text(risk.get("severity")),
                     "owner": name(risk.get("owner"))})
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    return sorted(rows, key=lambda r: order.get(r["severity"] or "", 4))


def _next_decision(note, today: date, name) -> dict | None:
    decision = _map(note.get("next_decision")) if note else {}
    if not decision:
        return None
    due = _date(decision.get("due"))
    return {"question": _text(decision.get("question")), "approver": name(decision.get("approver")),
            "due": due.isoformat() if due else None, "days": (due - today).days if due else None}


def _findings(findings: list[Finding], suppressed: list[Finding]) -> dict:
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    order = {"error": 0, "warning": 1, "info": 2}
    shown = sorted(findings, key=lambda f: (order.get(f.severity, 3), f.path, f.line))[:MAX_FINDINGS]
    return {
        "errors": len(errors), "warnings": len(warnings), "infos": len(findings) - len(errors) - len(warnings),
        "suppressed": len(suppressed),
        "shown": [{"rule": f.rule, "severity": f.severity, "where": f"{f.path}:{f.line}",
                   "message": _short(f.message, 110)} for f in shown],
        "more": max(0, len(findings) - MAX_FINDINGS),
    }


def _short(text: str, width: int) -> str:
    """At most `width` characters, cut at a word (never in the middle of one)."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    cut = text[:width - 1]
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    if cut.count("`") % 2:  # never leave a code span open
        cut = cut[:cut.rfind("`")].rstrip()
    return cut.rstrip(" ,;:") + " …"
