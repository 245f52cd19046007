"""PL7xx: a rollback plan people will follow — roles, saved state, failure response, a drill."""

from __future__ import annotations

import posixpath

from pilotlint.rules import Hit, rule
from pilotlint.documents.model import Pilot
from pilotlint.documents.workspace import Workspace
from pilotlint.documents.values import plural
from pilotlint.governance.controls import drill_max_age, drill_state
from pilotlint.rules.ownership import person_text

SAVED = {
    "data_export": "a fresh export of the affected data",
    "vendor_settings": "the current vendor settings and model choices",
    "prompt_versions": "the prompt versions and template files in use",
    "access_notes": "the account roles, API keys and access notes",
}


@rule("PL701")
def rollback_plan(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    status = pilot.status
    if charter is None or status is None or status == "proposed" or pilot.rollback is not None:
        return
    where = ("rollback",) if "rollback" in charter.data else ("status",)
    yield Hit(charter, where, f"the pilot is {status} but has no rollback plan: add rollback.yaml "
              "(`kind: RollbackPlan`) beside the charter and `rollback: rollback.yaml` to the charter — "
              "who makes the call, what is switched off first, and the old workflow people return to. "
              "A plan that lives in one person's head is not a plan")


@rule("PL702")
def rollback_roles(pilot: Pilot, ws: Workspace):
    plan = pilot.rollback
    if plan is None:
        return
    if person_text(plan.get("decision_maker")) is None:
        yield Hit(plan, ("decision_maker",), "the plan does not say who makes the rollback call: add "
                  "`decision_maker:` with one person id — in a bad moment nobody should wait for a meeting")
    switch_off = plan.get("switch_off")
    if not isinstance(switch_off, list) or not any(person_text(s) for s in switch_off):
        yield Hit(plan, ("switch_off",), "the plan does not say what is turned off first: add `switch_off:` "
                  "as a list of steps in order, e.g. `[Disable the AI button in the CRM, Revoke the vendor API "
                  "key]`")
    workflow = plan.get("old_workflow")
    if not isinstance(workflow, dict):
        yield Hit(plan, ("old_workflow",), "the plan names no old workflow to return to: add `old_workflow: "
                  "{description: ..., owner: ..., tools: [...]}` — the manual process people use on day one, "
                  "who owns it and the tools it needs")
        return
    missing = []
    if person_text(workflow.get("description")) is None:
        missing.append("how the work is done without AI (`description:`)")
    if person_text(workflow.get("owner")) is None:
        missing.append("who owns it (`owner:` a person id)")
    tools = workflow.get("tools")
    if not isinstance(tools, list) or not any(person_text(t) for t in tools):
        missing.append("the tools it needs (`tools: [...]`)")
    if missing:
        yield Hit(plan, ("old_workflow",), f"the old workflow does not say {'; '.join(missing)}; keep it ready so "
                  "the team can go back to it this week")


@rule("PL703")
def saved_state(pilot: Pilot, ws: Workspace):
    plan = pilot.rollback
    if plan is None:
        return
    saved = plan.get("saved")
    if not isinstance(saved, dict):
        yield Hit(plan, ("saved",), "the plan records no saved state: add `saved:` with `data_export`, "
                  "`vendor_settings`, `prompt_versions` and `access_notes`, each `{location: ..., saved_on: "
                  "YYYY-MM-DD}` — save what you might need to restore before anyone changes settings")
        return
    for key, words in SAVED.items():
        item = saved.get(key)
        if not isinstance(item, dict):
            yield Hit(plan, ("saved", key) if key in saved else ("saved",), f"the saved state lacks `{key}` "
                      f"({words}): add `{key}: {{location: ..., saved_on: YYYY-MM-DD}}` under `saved`")
        elif person_text(item.get("location")) is None:
            yield Hit(plan, ("saved", key), f"`saved.{key}` says nothing about where {words} are kept: add "
                      "`location:` (a folder, file or storage address)")




@rule("PL704")
def rollback_drill(pilot: Pilot, ws: Workspace):
    charter = pilot.charter
    if charter is None or pilot.status != "expanding":
        return
    max_age = drill_max_age(ws.config)
    plan = pilot.rollback
    if plan is None:
        yield Hit(charter, ("status",), "the pilot is expanding with no rollback plan and so no rollback drill: "
                  "write the plan and run a drill (switch the AI off for an hour on a normal workday) before "
                  "the pilot widens")
        return
    state = drill_state(plan.data, ws.today, max_age)
    if state.fresh:
        return
    if state.last is not None:
        day, index = state.last, state.index
        yield Hit(plan, ("drills", index, "on"), f"the pilot is expanding, but the last passed rollback drill "
                  f"({day.isoformat()}) is {plural(state.age, 'day')} old, more than the "
                  f"{max_age:g} days allowed (gate.drill_max_age_days): run a new drill and record it under "
                  "`drills:` with `passed: true`")
    else:
        yield Hit(plan, ("drills",), "the pilot is expanding, but no passed rollback drill is recorded: switch "
                  "the AI off for an hour on a normal workday, have the team use the old process, and record it "
                  "under `drills:` as `{on: YYYY-MM-DD, participants: [...], passed: true, gaps: [...]}`")


@rule("PL705")
def failure_response(pilot: Pilot, ws: Workspace):
    plan = pilot.rollback
    if plan is None:
        return
    response = plan.get("failure_response")
    if not isinstance(response, dict):
        yield Hit(plan, ("failure_response",), "the plan has no failure response: add `failure_response: "
                  "{alert: ..., decides: ..., manual_process: ...}` — if the tool goes down at 11 a.m. on a "
                  "workday, who hears first, who decides whether to switch it off, and what manual process "
                  "takes over")
        return
    missing = [words for key, words in (("alert", "who is alerted (`alert:`)"),
                                        ("decides", "who decides (`decides:`)"),
                                        ("manual_process", "what manual process takes over (`manual_process:`)"))
               if person_text(response.get(key)) is None]
    if missing:
        yield Hit(plan, ("failure_response",), f"the failure response does not say {', '.join(missing)}")


def normalise(location: str) -> str:
    """A location compared as a path: no `./`, no doubled or trailing slashes, case folded."""
    text = location.strip().replace("\\", "/")
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "", text
    path = posixpath.normpath(rest) if rest else ""
    path = "" if path == "." else path.lstrip("/") if not scheme else path
    return (f"{scheme.lower()}://" if scheme else "") + path.casefold()


def _inside(inner: str, outer: str) -> bool:
    return inner == outer or (outer == "" and "://" not in inner) or inner.startswith(outer.rstrip("/") + "/")


@rule("PL706")
def fallback_separate(pilot: Pilot, ws: Workspace):
    plan = pilot.rollback
    if plan is None:
        return
    fallback = plan.get("fallback")
    location = fallback.get("location") if isinstance(fallback, dict) else None
    if person_text(location) is None:
        yield Hit(plan, ("fallback",), "the plan does not say where the fallback material is kept: add "
                  "`fallback: {location: fallback/<pilot>/}` — older prompts, templates and access paths, kept "
                  "apart from the live AI setup")
        return
    prompts = pilot.charter.get("prompts") if pilot.charter else None
    live = prompts.get("path") if isinstance(prompts, dict) else None
    if person_text(live) is None:
        return
    live_n, fallback_n = normalise(live), normalise(location)
    if _inside(fallback_n, live_n) or _inside(live_n, fallback_n):
        how = "is the live prompts path" if fallback_n == live_n else \
            "lies inside the live prompts path" if _inside(fallback_n, live_n) else "contains the live prompts path"
        yield Hit(plan, ("fallback", "location"), f"the fallback location `{location}` {how} (`prompts.path: "
                  f"{live}` in the charter); keep the fallback apart, e.g. `fallback/{pilot.id}/` — in a messy "
                  "moment people make mistakes when they have to guess which version is live")
    saved = plan.get("saved")
    for key, item in saved.items() if isinstance(saved, dict) else ():
        where = item.get("location") if isinstance(item, dict) else None
        if person_text(where) and _inside(normalise(where), live_n):
            yield Hit(plan, ("saved", key, "location"), f"`saved.{key}` is kept inside the live prompts path "
                      f"(`{live}`), where the next prompt change overwrites it; keep saved state with the "
                      "fallback, apart from the live setup")
