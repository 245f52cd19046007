"""PL2xx: one use case at a time, and no AI acting without a human (PL202 lives with git)."""

from __future__ import annotations

import re

from pilotlint.rules import Hit, rule
from pilotlint.documents.model import Pilot
from pilotlint.documents.workspace import Workspace

# Text that joins several use cases into one. The sample's "Draft first-contact emails
# for DACH sales reps; a rep reviews and sends each one." is one use case: a semicolon or
# an `and` alone says nothing, so only explicit joiners and list shapes count.
_JOINERS = re.compile(
    r"\b(?:as well as|and also|and then also|in addition(?: to)?|additionally|plus also|"
    r"second use case|another use case|use cases|several uses|multiple uses)\b", re.I)
_LIST_LINE = re.compile(r"^\s*(?:[-*\u2022]|\(?[0-9]+[.)]|\(?[a-z][)])\s+\S", re.M)
_INLINE_NUMBERS = re.compile(r"(?:^|\s)\(?1[.)]\s.+\s\(?2[.)]\s", re.S)
_REVIEW_LEVELS = ("required", "sampled", "none")


@rule("PL201")
def one_use_case(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None:
        return
    use_case = charter.get("use_case")
    one = ("one sentence (e.g. `use_case: Draft first-contact emails for DACH sales reps; a rep reviews and "
           "sends each one.`)")
    if use_case is None:
        yield Hit(charter, ("use_case",), f"the charter has no use case: add `use_case:` with the one use case "
                  f"this pilot proves, in {one}")
    elif isinstance(use_case, list):
        count = len(use_case)
        lead = f"lists {count} use cases" if count > 1 else "gives the use case as a list"
        yield Hit(charter, ("use_case",), f"`use_case` {lead}; a pilot proves one use case before another is "
                  f"added — keep one and write it as text, in {one}. Start the others as pilots of their own "
                  "after this one has proved itself")
    elif not isinstance(use_case, str) or not use_case.strip():
        yield Hit(charter, ("use_case",), f"`use_case` is empty or not text; write the one use case in {one}")
    else:
        why = _several(use_case)
        if why:
            yield Hit(charter, ("use_case",), f"`use_case` joins several use cases ({why}); a pilot proves one "
                      "use case before another is added — cut it down to the one that matters most, and move "
                      "the others to `out_of_scope` until this one has passed its review")


def _several(text: str) -> str | None:
    if len(_LIST_LINE.findall(text)) >= 2:
        return "it is written as a list"
    if _INLINE_NUMBERS.search(text):
        return "it is numbered 1, 2, ..."
    match = _JOINERS.search(text)
    if match:
        return f"\u201c{match.group(0)}\u201d"
    return None


@rule("PL203")
def unreviewed_automation(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None:
        return
    scope = charter.get("scope")
    if not isinstance(scope, dict):
        return
    capabilities = scope.get("capabilities")
    if isinstance(capabilities, dict):
        for name, value in capabilities.items():
            if value is True and not str(name).startswith("x-"):
                yield Hit(charter, ("scope", "capabilities", name), f"the capability `{name}` is switched on: "
                          "the AI acts without a person checking its output first. Switch it off "
                          f"(`{name}: false`) until the scorecard shows it is safe, or record why the risk is "
                          "accepted")
    review = scope.get("human_review")
    if review is None:
        yield Hit(charter, ("scope",), "the scope does not say whether a person checks the AI's output: add "
                  "`human_review: required` under `scope` (every item is checked before it takes effect)")
    elif review != "required":
        level = f"`{review}`" if review in _REVIEW_LEVELS else "not `required`"
        yield Hit(charter, ("scope", "human_review"), f"`human_review` is {level}: some AI output takes effect "
                  "without a person checking it first. Write `human_review: required` unless the scorecard has "
                  "shown that unchecked output is safe and the owner has approved it")


_SENSITIVE = ("customer", "personal")


@rule("PL206")
def vendor_training(pilot: Pilot, ws: Workspace):
    """A vendor that trains on our data while the pilot reads customer or personal data."""
    charter = pilot.charter
    vendors = charter.get("vendors") if charter else None
    sources = charter.get("data_access") if charter else None
    if not isinstance(vendors, list) or not isinstance(sources, list):
        return
    unreviewed = [s.get("source") if isinstance(s.get("source"), str) else f"#{i + 1}"
                  for i, s in enumerate(sources)
                  if isinstance(s, dict) and s.get("classification") in _SENSITIVE and not _reviewed(s)]
    if not unreviewed:
        return
    for index, vendor in enumerate(vendors):
        if isinstance(vendor, dict) and vendor.get("trains_on_our_data") is True:
            name = vendor.get("name") if isinstance(vendor.get("name"), str) else f"#{index + 1}"
            yield Hit(charter, ("vendors", index, "trains_on_our_data"), f"vendor {name} may train its models on "
                      f"our data, and the pilot reads customer or personal data ({', '.join(unreviewed)}) that "
                      "legal has not reviewed: add `legal_review: {by: <legal reviewer>, on: YYYY-MM-DD}` to "
                      "each such source, or switch training off with the vendor (`trains_on_our_data: false`)")


def _reviewed(source: dict) -> bool:
    review = source.get("legal_review")
    return isinstance(review, dict) and isinstance(review.get("by"), str) and bool(review.get("by").strip()) \
        and isinstance(review.get("on"), str)
