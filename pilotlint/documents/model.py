"""Documents, pilots and the workspace they are checked in."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pilotlint.documents.config import Config
from pilotlint.findings import Finding, Suppression
from pilotlint.documents.load import LDict, LoadError, Problem, load_text, locate, read_text
from pilotlint.documents.suppress import parse_suppressions

API_VERSION = "pilotlint/v1"
KINDS = ("Charter", "WeeklyNote", "RollbackPlan", "Approval", "Config", "Policy")
YAML_SUFFIXES = (".yaml", ".yml")
_SKIP_DIRS = {".git", "node_modules", "__pycache__", ".venv", "venv"}
_OURS = re.compile(rb"pilotlint/|^kind:[ \t]*['\"]?(?:Charter|WeeklyNote|RollbackPlan|Approval)\b", re.M)


@dataclass(eq=False)
class Document:
    """One YAML file recognised as a pilot document (by `apiVersion` and `kind`, not by path)."""

    path: str                      # relative to the workspace root, with `/`
    file: Path
    kind: str | None = None
    data: LDict | None = None
    suppressions: tuple[Suppression, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    placeholders: bool = True      # may hold `<fill: ...>` markers (False when the text has none)

    @property
    def pilot(self) -> str | None:
        pilot = self.data.get("pilot") if isinstance(self.data, dict) else None
        return pilot if isinstance(pilot, str) else None

    def get(self, key, default=None):
        return self.data.get(key, default) if isinstance(self.data, dict) else default

    def at(self, path: tuple = (), *, key: bool = False) -> tuple[int, int]:
        return locate(self.data, path, key=key) if self.data is not None else (1, 1)


@dataclass(eq=False)
class Pilot:
    id: str
    charters: list[Document] = field(default_factory=list)
    rollbacks: list[Document] = field(default_factory=list)
    notes: list[Document] = field(default_factory=list)
    approvals: list[Document] = field(default_factory=list)

    @property
    def charter(self) -> Document | None:
        return self.charters[0] if self.charters else None

    @property
    def rollback(self) -> Document | None:
        return self.rollbacks[0] if self.rollbacks else None

    @property
    def status(self) -> str | None:
        status = self.charter.get("status") if self.charter else None
        return status if isinstance(status, str) else None

    @property
    def documents(self) -> list[Document]:
        return [*self.charters, *self.rollbacks, *self.notes, *self.approvals]

    def sorted_notes(self) -> list[Document]:
        """Notes in ISO-week order (weeks sort as text: `2026-W09` < `2026-W10`)."""
        return sorted((n for n in self.notes if isinstance(n.get("week"), str)), key=lambda n: n.get("week"))


@dataclass(eq=False)
class Workspace:
    root: Path
    config: Config
    today: date
    documents: list[Document] = field(default_factory=list)
    pilots: dict[str, Pilot] = field(default_factory=dict)
    files: int = 0
    git: object = None             # pilotlint.git.Repo when checking inside a repository

    def relpath(self, file: Path) -> str:
        text, root = str(file), str(self.root)
        if text.startswith(root + os.sep) and file.is_absolute() and ".." not in file.parts \
                and not file.is_symlink():  # found below a resolved folder: no resolving per file
            return text[len(root) + 1:].replace(os.sep, "/").encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        try:
            shown = file.resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError, RuntimeError):  # outside the root, or a symbolic-link loop
            try:
                shown = file.absolute().relative_to(self.root).as_posix()
            except ValueError:
                shown = file.as_posix()
        # a file name that is not UTF-8 decodes to lone surrogates, which no output format can carry
        return shown.encode("utf-8", "surrogateescape").decode("utf-8", "replace")

    def person_known(self, person) -> bool:
        return isinstance(person, str) and person in self.config.people

    def group(self) -> None:
        """Index documents by pilot id."""
        self.pilots = {}
        slots = {"Charter": "charters", "RollbackPlan": "rollbacks", "WeeklyNote": "notes", "Approval": "approvals"}
        for doc in self.documents:
            slot = slots.get(doc.kind or "")
            if slot and doc.pilot:
                pilot = self.pilots.setdefault(doc.pilot, Pilot(doc.pilot))
                getattr(pilot, slot).append(doc)


def iter_yaml_files(path: Path):
    """Every YAML file under `path`, in a stable order; symlinked directories are not followed."""
    if path.is_file() or path.is_symlink() and not path.is_dir():
        yield path
        return
    for directory, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in sorted(files):
            if name.endswith(YAML_SUFFIXES):
                yield Path(directory, name)


def read_document(file: Path, display: str, config: Config, *, ours_by_path: bool,
                  root: Path | None = None) -> tuple[Document | None, list[Finding]]:
    """Load one file. Returns (document or None when the file is not ours, load findings).

    `ours_by_path`: the file lies under the configured paths, so an unreadable or empty
    file is reported rather than assumed to belong to someone else.
    """
    limits = config.limits

    def fail(rule: str, message: str, line: int = 1, column: int = 1):
        return None, [Finding(rule, _severity(rule), display, line, column, None, message)]

    try:
        inside = config.directory or root
        if file.is_symlink():
            target = file.resolve()
            if inside and not target.is_relative_to(inside.resolve()):
                return fail("PL003", "this is a symbolic link to a file outside the repository; "
                            "pilotlint does not follow it (copy the file in instead)")
        size = file.stat().st_size
        if size > limits["max_file_bytes"]:
            return fail("PL008", f"the file is {size:,} bytes, above the limit of "
                        f"{limits['max_file_bytes']:,} (limits.max_file_bytes)")
        raw = file.read_bytes()
    except RuntimeError:  # Python < 3.13 says so for a symbolic-link loop
        return fail("PL001", "cannot read the file: it is a symbolic link that leads back to itself (a loop)")
    except OSError as exc:
        return fail("PL001", f"cannot read the file: {exc.strerror or exc}")
    if not ours_by_path and not _OURS.search(raw):
        return None, []
    try:
        text = read_text(raw, limits)
        loaded = load_text(text, limits)
    except LoadError as exc:
        if exc.rule == "PL001" and not ours_by_path and b"pilotlint/" not in raw:
            return None, []
        return fail(exc.rule, exc.message, exc.line, exc.column)
    data = loaded.data
    if data is None and ours_by_path:  # `---`, `~` or `null` alone: as truncated as an empty file
        return fail("PL003", "the file holds an empty document; a pilot document must not be truncated "
                    "to nothing (restore it or delete the file)")
    api = data.get("apiVersion") if isinstance(data, dict) else None
    kind = data.get("kind") if isinstance(data, dict) else None
    if not (isinstance(api, str) and api.startswith("pilotlint/")):
        if kind in KINDS:
            line, column = locate(data, ("kind",))
            return fail("PL003", f"this file says `kind: {kind}` but has no `apiVersion: {API_VERSION}`; "
                        f"add it as the first line so that the document is checked", line, column)
        return None, []
    doc = Document(display, file, data=data, suppressions=parse_suppressions(text), problems=loaded.problems,
                   placeholders="<fill" in text)
    findings = []
    if api != API_VERSION:
        line, column = locate(data, ("apiVersion",))
        findings.append(Finding("PL003", _severity("PL003"), display, line, column, doc.pilot,
                                f"`apiVersion: {api}` is not known to this pilotlint; use `{API_VERSION}`"))
    if kind in KINDS:
        doc.kind = kind
    else:
        line, column = locate(data, ("kind",))
        wanted = ", ".join(k for k in KINDS if k != "Config")
        findings.append(Finding("PL003", _severity("PL003"), display, line, column, doc.pilot,
                                f"`kind: {kind}` is not a pilot document kind; use one of: {wanted}"
                                if kind is not None else f"the document has no `kind`; add one of: {wanted}"))
    return doc, findings


def _severity(rule_id: str) -> str:
    from pilotlint.engine import default_severity

    return default_severity(rule_id)
