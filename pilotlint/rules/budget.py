"""PL4xx: one budget number that includes everything, and overages approved by the right person."""

from __future__ import annotations

from pilotlint.rules import Hit, rule
from pilotlint.documents.model import Pilot
from pilotlint.documents.workspace import Workspace
from pilotlint.documents.values import is_number
from pilotlint.rules.ownership import charter_owner, person_text

COMPONENTS = {
    "software": ("software fees", "subscription and seat fees are part of the pilot's cost"),
    "model_usage": ("model usage", "API and token bills grow with use and belong under the same cap"),
    "outside_help": ("outside help", "contractor and consultant hours are part of the pilot's cost "
                     "(write 0 if there are none)"),
    "staff_time": ("staff time", "the hours people spend reviewing output are part of the pilot's cost"),
}


def money(amount, currency: str | None) -> str:
    text = f"{amount:,.2f}".rstrip("0").rstrip(".") if isinstance(amount, float) else f"{amount:,}"
    return f"{text} {currency}" if currency else text


def budget_of(pilot: Pilot) -> dict | None:
    budget = pilot.charter.get("budget") if pilot.charter else None
    return budget if isinstance(budget, dict) else None


def currency_of(budget: dict | None) -> str | None:
    currency = budget.get("currency") if budget else None
    return currency if isinstance(currency, str) else None


def cap_of(budget: dict | None):
    cap = budget.get("monthly_cap") if budget else None
    return cap if is_number(cap) else None


@rule("PL401")
def budget_complete(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None:
        return
    budget = charter.get("budget")
    example = ("`budget: {currency: USD, monthly_cap: 2500, components: {software: 300, model_usage: 400, "
               "outside_help: 800, staff_time: 1000}}`")
    if not isinstance(budget, dict):
        yield Hit(charter, ("budget",), f"the charter has no budget: add one monthly number that includes "
                  f"everything, e.g. {example} — if nobody can state the cap in plain numbers, nobody controls "
                  "the spend")
        return
    if "monthly_cap" not in budget:
        yield Hit(charter, ("budget",), "the budget has no monthly cap: add `monthly_cap:` with the one number "
                  "the pilot may spend in a month, all costs included")
    components = budget.get("components")
    if not isinstance(components, dict):
        yield Hit(charter, ("budget", "components") if components is not None else ("budget",),
                  "the budget does not say what the cap includes: add `components: {software: ..., "
                  "model_usage: ..., outside_help: ..., staff_time: ...}` under `budget` — software fees, model "
                  "usage, outside help and staff time all belong in the one number")
        return
    for key, (words, why) in COMPONENTS.items():
        if key not in components:
            yield Hit(charter, ("budget", "components"), f"the budget has no {words}: add `{key}:` to "
                      f"`budget.components` — {why}")


@rule("PL402")
def budget_sums(pilot: Pilot, ws: Workspace):
    budget = budget_of(pilot)
    cap = cap_of(budget)
    components = budget.get("components") if budget else None
    if cap is None or not isinstance(components, dict):
        return
    amounts = {k: v for k, v in components.items() if is_number(v) and not str(k).startswith("x-")}
    total = sum(amounts.values())
    if total > cap + 1e-9:
        currency = currency_of(budget)
        parts = " + ".join(f"{k} {money(v, None)}" for k, v in amounts.items())
        yield Hit(pilot.charter, ("budget", "components"), f"the budget components add up to "
                  f"{money(total, currency)} ({parts}), {money(total - cap, currency)} above the monthly cap of "
                  f"{money(cap, currency)}; lower the components or raise the cap (a raise needs the owner's "
                  "approval) so that the cap is the real monthly cost")


def _spend(note) -> dict | None:
    spend = note.get("spend")
    return spend if isinstance(spend, dict) else None


def _overage(spend: dict | None) -> dict | None:
    overage = spend.get("overage") if spend else None
    return overage if isinstance(overage, dict) else None


@rule("PL403")
def over_cap(pilot: Pilot, ws: Workspace):
    budget = budget_of(pilot)
    cap = cap_of(budget)
    if cap is None:
        return
    currency = currency_of(budget)
    for note in pilot.sorted_notes():
        spend = _spend(note)
        if spend is None:
            continue
        readings = [(key, spend[key]) for key in ("month_to_date", "forecast_month") if is_number(spend.get(key))]
        if not readings:
            continue
        key, highest = max(readings, key=lambda item: item[1])
        excess = highest - cap
        if excess <= 1e-9:
            continue
        overage = _overage(spend)
        amount = overage.get("amount") if overage else None
        recorded = amount if is_number(amount) else 0
        if recorded + 1e-9 >= excess:
            continue
        words = "month-to-date spend" if key == "month_to_date" else "the forecast for the month"
        if recorded > 0:
            yield Hit(note, ("spend", "overage", "amount"), f"{words} ({money(highest, currency)}) is "
                      f"{money(excess, currency)} above the monthly cap of {money(cap, currency)}, but the "
                      f"recorded overage is only {money(recorded, currency)}: record the full overage "
                      f"(`amount: {_plain(excess)}`) with who approved it, or bring spend back under the cap")
        else:
            yield Hit(note, ("spend", key), f"{words} ({money(highest, currency)}) is {money(excess, currency)} "
                      f"above the monthly cap of {money(cap, currency)} and no overage is recorded: add "
                      f"`overage: {{amount: {_plain(excess)}, approved_by: <person>}}` under `spend` once it is "
                      "approved, or cut spend back under the cap")


def _plain(amount) -> str:
    return f"{amount:.2f}".rstrip("0").rstrip(".") if isinstance(amount, float) else str(amount)


@rule("PL404")
def overage_authority(pilot: Pilot, ws: Workspace):
    budget = budget_of(pilot)
    if budget is None:
        return
    currency = currency_of(budget)
    owner = charter_owner(pilot, ws)
    rule_ = budget.get("overage") if isinstance(budget.get("overage"), dict) else {}
    approver = person_text(rule_.get("approver"))
    limit = rule_.get("limit") if is_number(rule_.get("limit")) else None
    for note in pilot.sorted_notes():
        overage = _overage(_spend(note))
        amount = overage.get("amount") if overage else None
        if not is_number(amount) or amount <= 0:
            continue
        approved = overage.get("approved_by")
        approved_id = person_text(approved)
        written = person_text(overage.get("written_approval"))
        where = ("spend", "overage", "approved_by") if "approved_by" in overage else ("spend", "overage")
        within = limit is not None and amount <= limit + 1e-9
        allowed = {p for p in (approver, owner) if p} if within else {owner} if owner else set()
        who = " or ".join(f"`{p}`" for p in (approver, owner) if p) if within else f"the owner `{owner}`"
        if within:
            if approved_id is None:
                yield Hit(note, where, f"an overage of {money(amount, currency)} is recorded with nobody who "
                          f"approved it: add `approved_by:` ({who}) — an overage within the limit of "
                          f"{money(limit, currency)} needs the overage approver's yes")
            elif approved_id not in allowed:
                yield Hit(note, where, f"the overage of {money(amount, currency)} is approved by `{approved_id}`, "
                          f"who may not approve it; within the limit of {money(limit, currency)} only {who} "
                          "may say yes")
            continue
        limit_words = (f"above the overage approver's limit of {money(limit, currency)}" if limit is not None
                       else "with no written overage limit in the charter")
        problems = []
        if owner is None:
            problems.append("the charter names no single owner who could approve it")
        elif approved_id != owner:
            problems.append(f"it is approved by `{approved_id}`, not by the owner `{owner}`" if approved_id
                            else f"nobody is named as approver (`approved_by: {owner}`)")
        if written is None:
            problems.append("no written approval is referenced (`written_approval: docs/approvals/...`)")
        if problems:
            yield Hit(note, where if approved_id != owner else ("spend", "overage"),
                      f"the overage of {money(amount, currency)} is {limit_words}, so the owner must approve it "
                      f"in writing, but {' and '.join(problems)}")


@rule("PL405")
def spend_unreported(pilot: Pilot, ws: Workspace):
    for note in pilot.notes:
        spend = note.get("spend")
        if not isinstance(spend, dict):
            yield Hit(note, ("spend",), "the note does not report spend against the cap: add `spend: "
                      "{month_to_date: ..., forecast_month: ...}` — a weekly spend review catches drift before "
                      "the invoice does")
            continue
        missing = [key for key in ("month_to_date", "forecast_month") if not is_number(spend.get(key))]
        if missing:
            words = {"month_to_date": "what has been spent so far this month (`month_to_date:`)",
                     "forecast_month": "the expected total for the month (`forecast_month:`)"}
            yield Hit(note, ("spend",), f"the spend report lacks {' and '.join(words[k] for k in missing)}; "
                      "both are numbers in the budget's currency, all components included")
