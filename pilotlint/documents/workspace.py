"""The workspace: every document under the configured paths of one source, indexed by pilot.

A workspace is built in two passes, so that memory does not grow with the repository:

1. **The index.** Every entry under the paths is listed (files, and whatever is not a
   regular file, which is a finding: PL013). Each YAML file is identified by a cheap pass
   of the real YAML parser (`load.identify`: libyaml's event stream, stopped once the
   top-level `apiVersion`, `kind` and `pilot` are known), or by the full parse when that
   pass cannot be sure. Files that cannot be read or parsed are findings here, whatever
   their pilot; two charters for one pilot id are PL012.
2. **The pilots, one at a time.** `pilot(id)` parses that pilot's documents in full (with
   positions), and the engine runs the rules on it and lets it go.

Where the documents come from is the source's business (`source.WorkTree` for `check`,
`source.GitTree` for `gate`, `diff` and `check --new-since`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Iterable, Iterator, NamedTuple

from pilotlint.documents.config import Config
from pilotlint.documents.load import LoadError, identify, load_text, locate, read_text
from pilotlint.documents.model import Document, Pilot
from pilotlint.documents.source import (DAMAGED, FILE, Entry, ReadError, display, is_canonical, is_utf8,
                                        not_a_file_message, under)
from pilotlint.documents.suppress import parse_suppressions
from pilotlint.documents.vocab import API_VERSION, KINDS, PILOT_KINDS
from pilotlint.findings import Finding

_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # written the same way in every YAML spelling
_CHUNK = 512            # files read per round trip in the index pass (bounds the bytes held)
OURS, IGNORED, BROKEN = "ours", "ignored", "broken"


class Slot:
    """What the index knows of one file."""

    __slots__ = ("entry", "state", "api", "kind", "pilot", "doc")

    def __init__(self, entry: Entry, state: str, api: object = None, kind: str | None = None,
                 pilot: str | None = None, doc: Document | None = None) -> None:
        self.entry = entry
        self.state = state          # ours | ignored | broken
        self.api = api
        self.kind = kind
        self.pilot = pilot
        self.doc = doc              # kept when the index pass already had to parse in full


class Parsed(NamedTuple):
    """A full parse of one blob, shared between workspaces that hold the same blob (gate)."""

    data: object
    problems: list
    suppressions: tuple
    placeholders: bool


def _severity(rule_id: str) -> str:
    from pilotlint.catalogue import default_severity

    return default_severity(rule_id)


class Workspace:
    def __init__(self, source, config: Config, today: date, *, history=None, cache: dict | None = None,
                 identities: dict | None = None):
        self.source = source
        self.root = getattr(source, "root", None)  # the folder of a work tree (None for a git tree)
        self.config = config
        self.today = today
        self.history = history        # git facts for `check` (pilotlint.history.facts), or None
        self.range = None             # the pull request being gated (pilotlint.history.range), or None
        self.problems: list[Finding] = []
        self.slots: dict[str, Slot] = {}
        self.by_pilot: dict[str, list[str]] = {}
        self.unowned: list[str] = []  # our documents that name no pilot
        self.unknown_kind: set[str] = set()  # pilots with a document of a kind nobody knows (PL003 says so)
        self.files = 0
        self.partial = False           # indexed for one pilot only (scan(pilot=...))
        self._cache = cache             # parses by blob id, shared by the two sides of a gate
        self._identities = identities   # what the index pass found, by blob id (shared likewise)
        self._pilots: dict[str, Pilot] = {}
        self.keep = False              # keep parsed pilots (small workspaces, the gate)

    # -- the index ------------------------------------------------------------------

    @property
    def prefixes(self) -> list[str]:
        return self.config.prefixes()

    def scan(self, prefixes: Iterable[str] | None = None, *, pilot: str | None = None) -> None:
        """Index every entry under the configured paths (or the given prefixes).

        With `pilot`, a command about that one pilot: every file is still read, but only a
        file whose bytes could name the pilot is identified and indexed. The test is sound:
        a YAML document whose `pilot:` is `support-bot` holds those bytes, unless it spells
        them with an escape (a backslash), so a file with neither cannot be the pilot's."""
        entries = self.source.walk(list(prefixes) if prefixes is not None else self.prefixes)
        self.partial = pilot is not None and bool(_PLAIN_ID.fullmatch(pilot))
        if self.partial:
            self._add_naming(entries, pilot.encode())
        else:
            self.add_entries(entries, ours_by_path=True, speculate=True)
        self._start_history()

    def scan_targets(self, targets: Iterable[str]) -> None:
        """Index the named files and folders (repository paths), then what their pilots need:
        each pilot's folder (the first level under a configured path), and everything when
        a pilot's charter is not found there. Raises KeyError for a path that does not exist."""
        from pilotlint.documents.source import DIRECTORY

        prefixes = self.prefixes
        for rel in targets:
            entry = self.source.entry(rel)
            if entry is None:
                raise KeyError(rel)
            entries = self.source.walk([rel]) if entry.type == DIRECTORY else [entry]
            self.add_entries([e for e in entries if self.under_paths(e.path)], ours_by_path=True)
            self.add_entries([e for e in entries if not self.under_paths(e.path)], ours_by_path=False)
        wanted = {slot.pilot for slot in self.slots.values() if slot.pilot}
        folders = set()
        for path in list(self.slots):
            for prefix in prefixes:
                if prefix != "." and under(path, prefix) and path != prefix:
                    first = path[len(prefix) + 1:].split("/", 1)
                    if len(first) == 2:
                        folders.add(f"{prefix}/{first[0]}")
        if folders:
            self.add_entries(self.source.walk(sorted(folders)), ours_by_path=True)
        if any(not self.charter_paths(pilot) for pilot in wanted):
            self.scan()
        self._start_history()

    def _add_naming(self, entries: list[Entry], needle: bytes) -> None:
        files = [e for e in entries if e.type == FILE]
        self.add_entries([e for e in entries if e.type != FILE], ours_by_path=True)
        limit = self.config.limits["max_file_bytes"]
        for start in range(0, len(files), _CHUNK):
            chunk = files[start:start + _CHUNK]
            raws = self.source.read_many(chunk, limit)
            wanted = [e for e in chunk if not isinstance(raws[e.path], bytes)
                      or needle in raws[e.path] or b"\\" in raws[e.path]]
            self.files += len(chunk) - len(wanted)
            for entry in wanted:
                self.files += 1
                self._index(entry, raws[entry.path], True)
        self._group()

    def _start_history(self) -> None:
        """The history of what this workspace's pilots will be asked about: their charters
        (freezes) and approvals (who added them)."""
        history = self.history
        if history is None or history.started:
            return
        files = [path for paths in self.by_pilot.values() for path in paths
                 if self.slots[path].kind in ("Charter", "Approval")]
        history.start(files, any_name=[path for path in files if self.slots[path].kind == "Approval"])

    def _history_files(self) -> list[str]:
        """The charters and approvals indexed so far (what the history will be asked about)."""
        return [path for path, slot in self.slots.items()
                if slot.state == OURS and slot.kind in ("Charter", "Approval") and slot.pilot]

    def add_entries(self, entries: Iterable[Entry], *, ours_by_path: bool, speculate: bool = False) -> None:
        wanted = [e for e in entries if e.path not in self.slots]
        files = []
        for entry in wanted:
            if not is_utf8(entry.path) and (ours_by_path or entry.type == FILE):
                self._problem("PL001", entry.path, "the file name is not valid UTF-8, so no tool can show it "
                              "faithfully; rename it with letters, digits, dashes and dots")
            if entry.type == DAMAGED:
                self.slots[entry.path] = Slot(entry, BROKEN)
                self._problem("PL001", entry.path, "the commit's tree lists this name twice or out of order, which "
                              "only a crafted tree does (git fsck: duplicateEntries); nothing is read from it")
                continue
            if not is_canonical(entry.path):
                self.slots[entry.path] = Slot(entry, BROKEN)
                self._problem("PL001", entry.path, "the path has an empty, `.` or `..` folder, which git refuses "
                              "to check out; nothing is read from it; move the file to a plain path")
                continue
            if entry.type != FILE:
                if ours_by_path:  # outside the configured paths a link is somebody else's business
                    self.slots[entry.path] = Slot(entry, BROKEN)
                    self._problem("PL013", entry.path, not_a_file_message(entry.type))
            else:
                files.append(entry)
        known = self._identities
        if known is not None:  # a blob identified by the other side of a gate is not read again
            for entry in [e for e in files if (e.oid, ours_by_path) in known]:
                self.files += 1
                state, api, kind, pilot, problems = known[entry.oid, ours_by_path]
                self.slots[entry.path] = Slot(entry, state, api, kind, pilot)
                for rule, line, column, owner, message in problems:
                    self._problem(rule, entry.path, message, line, column, owner)
            files = [e for e in files if (e.oid, ours_by_path) not in known]
        limit = self.config.limits["max_file_bytes"]
        for start in range(0, len(files), _CHUNK):
            chunk = files[start:start + _CHUNK]
            raws = self.source.read_many(chunk, limit)
            for entry in chunk:
                self.files += 1
                before = len(self.problems)
                self._index(entry, raws[entry.path], ours_by_path)
                if known is not None and entry.oid is not None:
                    slot = self.slots[entry.path]
                    known[entry.oid, ours_by_path] = (slot.state, slot.api, slot.kind, slot.pilot, [
                        (f.rule, f.line, f.column, f.pilot, f.message) for f in self.problems[before:]])
            if speculate and start == 0 and self.history is not None and not self.history.started:
                seen = self._history_files()
                self.history.speculate(seen, any_name=[p for p in seen if self.slots[p].kind == "Approval"])
        self._group()

    def _index(self, entry: Entry, raw, ours_by_path: bool) -> None:
        if isinstance(raw, ReadError):
            self.slots[entry.path] = Slot(entry, BROKEN)
            self._problem(raw.rule, entry.path, raw.message)
            return
        try:
            text = read_text(raw, self.config.limits)
        except LoadError as exc:
            if not ours_by_path and b"pilotlint/" not in raw:
                self.slots[entry.path] = Slot(entry, IGNORED)  # someone else's file that is not text
                return
            self.slots[entry.path] = Slot(entry, BROKEN)
            self._problem(exc.rule, entry.path, exc.message, exc.line, exc.column)
            return
        found = identify(text)
        doc = None
        if found is None:  # the cheap pass cannot be sure: parse in full (and keep it)
            try:
                parsed = self._parse(entry, text)
            except LoadError as exc:
                if not ours_by_path and "pilotlint/" not in text:
                    self.slots[entry.path] = Slot(entry, IGNORED)
                    return
                self.slots[entry.path] = Slot(entry, BROKEN)
                self._problem(exc.rule, entry.path, exc.message, exc.line, exc.column)
                return
            data = parsed.data
            if data is None and ours_by_path:  # `---`, `~` or `null` alone: as truncated as an empty file
                self.slots[entry.path] = Slot(entry, BROKEN)
                self._problem("PL003", entry.path, "the file holds an empty document; a pilot document must not "
                              "be truncated to nothing (restore it or delete the file)")
                return
            get = data.get if isinstance(data, dict) else (lambda key: None)
            found = (get("apiVersion"), get("kind"), get("pilot"))
            doc = self._document(entry, parsed, raw)
        api, kind, pilot = found
        if not (isinstance(api, str) and api.startswith("pilotlint/")):
            if kind in KINDS:
                doc = doc or self._document(entry, self._parse(entry, text), raw)
                line, column = doc.at(("kind",))
                self.slots[entry.path] = Slot(entry, BROKEN)
                self._problem("PL003", entry.path, f"this file says `kind: {kind}` but has no `apiVersion: "
                              f"{API_VERSION}`; add it as the first line so that the document is checked",
                              line, column)
            else:
                self.slots[entry.path] = Slot(entry, IGNORED)
            return
        slot = Slot(entry, OURS, api, kind if kind in KINDS else None, pilot if isinstance(pilot, str) else None,
                    doc)
        self.slots[entry.path] = slot
        if api != API_VERSION or kind not in KINDS:
            doc = doc or self._document(entry, self._parse(entry, text), raw)
            slot.doc = doc
            if api != API_VERSION:
                line, column = doc.at(("apiVersion",))
                self._problem("PL003", entry.path, f"`apiVersion: {api}` is not known to this pilotlint; use "
                              f"`{API_VERSION}`", line, column, slot.pilot)
            if kind not in KINDS:
                import difflib

                line, column = doc.at(("kind",))
                wanted = ", ".join(PILOT_KINDS)
                guess = difflib.get_close_matches(str(kind), PILOT_KINDS, n=1) if kind is not None else []
                hint = f"did you mean `{guess[0]}`?" if guess else f"use one of: {wanted}"
                if slot.pilot:
                    self.unknown_kind.add(slot.pilot)
                self._problem("PL003", entry.path, f"`kind: {kind}` is not a pilot document kind; {hint} (the "
                              "document is not checked until its kind is known)" if kind is not None else
                              f"the document has no `kind`; add one of: {wanted}", line, column, slot.pilot)

    def _group(self) -> None:
        self.by_pilot, self.unowned = {}, []
        for path in sorted(self.slots):
            slot = self.slots[path]
            if slot.state != OURS:
                continue
            if slot.pilot and slot.kind in PILOT_KINDS:
                self.by_pilot.setdefault(slot.pilot, []).append(path)
            elif slot.kind not in ("Config", "Policy"):
                self.unowned.append(path)
        self._pilots = {}

    def _problem(self, rule: str, path: str, message: str, line: int = 1, column: int = 1,
                 pilot: str | None = None) -> None:
        self.problems.append(Finding(rule, _severity(rule), display(path), line, column, pilot, message))

    # -- documents and pilots -----------------------------------------------------------

    def _parse(self, entry: Entry, text: str) -> Parsed:
        key = entry.oid
        if key is not None and self._cache is not None and key in self._cache:
            return self._cache[key]
        loaded = load_text(text, self.config.limits)
        parsed = Parsed(loaded.data, loaded.problems, parse_suppressions(text), "<fill" in text)
        if key is not None and self._cache is not None:
            self._cache[key] = parsed
        return parsed

    def _document(self, entry: Entry, parsed: Parsed, raw: bytes | None = None) -> Document:
        data = parsed.data
        kind = data.get("kind") if isinstance(data, dict) else None
        oid = entry.oid
        if oid is None and raw is not None and self.history is not None:  # to tell committed from not
            from pilotlint.history.facts import blob_id

            oid = blob_id(raw, len(self.history.head))
        return Document(entry.path, kind if kind in KINDS else None, data, parsed.suppressions,
                        list(parsed.problems), parsed.placeholders, oid)

    def document(self, path: str) -> Document | None:
        """The full parse of an indexed document (None when it is not one of ours)."""
        slot = self.slots.get(path)
        if slot is None or slot.state != OURS:
            return None
        if slot.doc is not None:
            return slot.doc
        entry = slot.entry
        raw = None
        if entry.oid is not None and self._cache is not None and entry.oid in self._cache:
            parsed = self._cache[entry.oid]
        else:
            try:
                raw = self.source.read(entry, self.config.limits["max_file_bytes"])
                parsed = self._parse(entry, read_text(raw, self.config.limits))
            except (ReadError, LoadError) as exc:  # changed since the index pass: a finding, never a pass
                slot.state = BROKEN
                line, column = (exc.line, exc.column) if isinstance(exc, LoadError) else (1, 1)
                self._problem(exc.rule, path, exc.message, line, column)
                return None
        if _identity(parsed.data) != (slot.api, slot.kind, slot.pilot):
            # the cheap pass and the full parse must agree on what a document is: a file that
            # reads as two different documents is judged as neither (fail closed)
            slot.state = BROKEN
            self._problem("PL001", path, "the file reads as a different document on a full parse than on a "
                          "quick one (unusual line breaks or keys); write `apiVersion`, `kind` and `pilot` once "
                          "each, at the top, with plain line breaks")
            return None
        doc = self._document(entry, parsed, raw)
        if self.keep:
            slot.doc = doc
        return doc

    def pilot_ids(self) -> list[str]:
        return sorted(self.by_pilot)

    def pilot(self, pilot_id: str) -> Pilot | None:
        if pilot_id in self._pilots:
            return self._pilots[pilot_id]
        paths = self.by_pilot.get(pilot_id)
        if not paths:
            return None
        pilot = Pilot(pilot_id)
        for path in paths:
            doc = self.document(path)
            if doc is not None:
                pilot.add(doc)
        if self.keep:
            self._pilots[pilot_id] = pilot
        return pilot

    def pilots(self, ids: Iterable[str] | None = None) -> Iterator[Pilot]:
        for pilot_id in (self.pilot_ids() if ids is None else ids):
            pilot = self.pilot(pilot_id)
            if pilot is not None:
                yield pilot

    def unowned_documents(self) -> Iterator[Document]:
        for path in self.unowned:
            doc = self.document(path)
            if doc is not None:
                yield doc

    def charter_paths(self, pilot_id: str) -> list[str]:
        return [p for p in self.by_pilot.get(pilot_id, ()) if self.slots[p].kind == "Charter"]

    def kind_of(self, path: str) -> str | None:
        slot = self.slots.get(path)
        return slot.kind if slot and slot.state == OURS else None

    # -- questions rules ask ------------------------------------------------------------

    def person_known(self, person) -> bool:
        return isinstance(person, str) and person in self.config.people

    def entry(self, path: str) -> Entry | None:
        return self.source.entry(path)

    def under_paths(self, path: str) -> bool:
        return any(under(path, prefix) for prefix in self.prefixes)

    def locate(self, doc: Document, path: tuple, key: bool = False) -> tuple[int, int]:
        return locate(doc.data, path, key=key) if doc.data is not None else (1, 1)


def _identity(data) -> tuple:
    """(apiVersion, kind, pilot) of parsed data as the index's Slot records them."""
    get = data.get if isinstance(data, dict) else (lambda key: None)
    kind, pilot = get("kind"), get("pilot")
    return get("apiVersion"), kind if kind in KINDS else None, pilot if isinstance(pilot, str) else None
