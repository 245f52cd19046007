"""What an editor must get from our schemas through yaml-language-server, as probes.

Each probe opens one document in a running yaml-language-server and says whether the
editor got what a person editing a pilot needs. tests/test_editor_schemas.py runs them
against the schemas wired up as docs/editors.md says; bench/yamlls.py runs them against
several releases and schema forms for docs/decisions/0005-editor-schemas.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HEADER = "apiVersion: pilotlint/v1\nkind: Charter\npilot: outbound-drafts\n"


@dataclass(frozen=True)
class Probe:
    name: str
    file: str                         # relative to the repository
    text: str
    check: Callable                   # (client, uri, text) -> (ok: bool, seen: str)


def _labels(items) -> list[str]:
    return [item.get("label") for item in items]


def _line_of(text: str, needle: str) -> int:
    return text.splitlines().index(next(line for line in text.splitlines() if line.startswith(needle)))


def _completion_offers(*wanted, line=None):
    """Completion at the end of the text, or at the end of the line starting with `line`."""
    def check(client, uri, text):
        if line is None:
            where, column = text.count("\n"), len(text) - text.rfind("\n") - 1
        else:
            where, column = _line_of(text, line), len(line)
        labels = _labels(client.completion(uri, where, column))
        return all(w in labels for w in wanted), ", ".join(sorted(map(str, labels)))[:300]
    return check


def _hover_shows(key: str, words: str):
    def check(client, uri, text):
        shown = client.hover(uri, _line_of(text, key), 1)
        return words in shown, shown[:200].replace("\n", " ")
    return check


def _diagnostic_at(key: str, words: str = ""):
    def check(client, uri, text):
        line = _line_of(text, key)
        found = [d for d in client.wait_diagnostics(uri) if d["range"]["start"]["line"] == line]
        return bool(found) and all(words in d["message"] for d in found[:1]), "; ".join(d["message"] for d in found)
    return check


def _no_diagnostics(client, uri, text):
    found = client.wait_diagnostics(uri)
    return not found, "; ".join(f"{d['range']['start']['line'] + 1}: {d['message']}" for d in found)[:300]


CHARTER = "pilots/outbound-drafts/charter-probe.yaml"
PROBES = (
    Probe("completion of top-level keys in an empty charter (owner, scope)", CHARTER, HEADER,
          _completion_offers("owner", "scope", "budget", "scorecard")),
    Probe("completion of nested keys (scope:)", CHARTER, HEADER + "scope:\n  ",
          _completion_offers("teams", "regions", "human_review")),
    Probe("completion of enum values (status:)", CHARTER, HEADER + "status: \n",
          _completion_offers("active", "paused", line="status: ")),
    Probe("hover shows a field's description (owner)", CHARTER, HEADER + "owner: oleg\n",
          _hover_shows("owner:", "accountable owner")),
    Probe("hover shows the description beside a $ref (pilot)", CHARTER, HEADER + "owner: oleg\n",
          _hover_shows("pilot:", "It must match the")),
    Probe("a misspelt key is a diagnostic (ownr)", CHARTER, HEADER + "ownr: oleg\n",
          _diagnostic_at("ownr:", "ownr")),
    Probe("keys starting with x- are free", CHARTER, HEADER + "owner: oleg\nx-notes: anything\n", _no_diagnostics),
    Probe("a wrong enum value is a diagnostic (status)", CHARTER, HEADER + "status: bogus\n",
          _diagnostic_at("status:")),
    Probe("a pattern from $defs applies (owner)", CHARTER, HEADER + "owner: Not a person!\n",
          _diagnostic_at("owner:")),
    Probe("a kind's if/then applies (config approval names no pilot)", ".pilotlint/approvals/probe.yaml",
          "apiVersion: pilotlint/v1\nkind: Approval\ntarget: config\npilot: outbound-drafts\n"
          "approved_by: anna\napproved_on: 2026-11-20\ncovers: sha256:" + "0" * 64 + "\n",
          _diagnostic_at("pilot:")),
    Probe("a weekly note gets its own keys", "pilots/outbound-drafts/notes/probe.yaml",
          "apiVersion: pilotlint/v1\nkind: WeeklyNote\npilot: outbound-drafts\n",
          _completion_offers("week", "spend", "metrics", "risks")),
)


def example_probes(examples: Path) -> list[Probe]:
    """Every document of the sample repository is clean: no diagnostic an editor would show."""
    probes = []
    for path in sorted(examples.rglob("*.yaml")):  # .pilotlint.yaml too
        relative = path.relative_to(examples).as_posix()
        probes.append(Probe(f"the sample's {relative} has no diagnostic", relative, path.read_text(), _no_diagnostics))
    return probes


def run_probe(client, root: Path, probe: Probe, first_line: str = "") -> tuple[bool, str]:
    """Open the probe's document (with `first_line`, a modeline, when given) and check it."""
    text = (first_line + "\n" if first_line else "") + probe.text
    path = root / probe.file
    uri = client.open(path, text)
    try:
        client.wait_diagnostics(uri)  # the schema is loaded once the first diagnostics are out
        return probe.check(client, uri, text)
    finally:
        client.close_document(uri)
