"""Everything the language server needs from the engine, behind one small interface.

    root_for(path) -> Path                         the workspace root `check PATH` would use
    lint(root, path, text, today) -> [Finding]     every finding of the document at `path`,
                                                   its text taken from memory, the rest of
                                                   its pilot and the config from disk
    people(path) -> {id: name}                     the config's person ids
    metric_ids(root, path, text) -> [str]          the scorecard metrics of the document's pilot
    schema(kind) -> dict                           the kind's schema, self-contained (no $ref)
    kinds() -> (str, ...)                          the document kinds
    explain(rule_id) -> str | None                 what `pilotlint explain RULE` prints
    unsuppressible(path) -> (str, ...)             rule ids nobody may silence inline

The edited text reaches the engine through a document source (`Overlay`): the work tree
as it is on disk, except for the one document being edited, whose bytes are the editor's
buffer. The engine's own loading, pilot context, suppressions and severities then apply
unchanged, and nothing is written to disk. The history facts of a HEAD are read once and
kept while HEAD does not move.
"""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from pathlib import Path

from pilotlint.documents.source import FILE, Entry, ReadError, WorkTree
from pilotlint.findings import Finding


class Overlay(WorkTree):
    """A work tree in which one file's content is the editor's buffer (or hidden: None)."""

    def __init__(self, root: Path, rel: str, data: bytes | None):
        super().__init__(root)
        self.rel, self.data = rel, data

    def entry(self, path: str) -> Entry | None:
        if path == self.rel:
            return Entry(path, FILE, len(self.data)) if self.data is not None else None
        return super().entry(path)

    def walk(self, prefixes):
        from pilotlint.documents.source import under

        out = [e for e in super().walk(prefixes) if e.path != self.rel]
        if self.data is not None and any(under(self.rel, p) for p in prefixes) and self.rel.endswith((".yaml", ".yml")):
            out.append(Entry(self.rel, FILE, len(self.data)))
        return sorted(out, key=lambda e: e.path)

    def read(self, entry: Entry, limit: int) -> bytes:
        if entry.path == self.rel and self.data is not None:
            if len(self.data) > limit:
                raise ReadError("PL008", f"the file is {len(self.data):,} bytes, above the limit of {limit:,} "
                                "(limits.max_file_bytes)")
            return self.data
        return super().read(entry, limit)

    def read_many(self, entries, limit):
        out = {}
        for entry in entries:
            try:
                out[entry.path] = self.read(entry, limit)
            except ReadError as exc:
                out[entry.path] = exc
        return out


def _folder(path: Path) -> Path:
    """The nearest folder of `path` that exists (a new document may be in a new folder)."""
    for folder in path.absolute().parents:
        if folder.is_dir():
            return folder
    return Path.cwd()


def root_for(path: Path) -> Path:
    """As `check` finds it: the git work tree holding the config, else the config's folder."""
    from pilotlint.documents.config import find_config
    from pilotlint.history.git import find_toplevel

    folder = _folder(path)
    config = find_config(folder)
    anchor = config.parent if config else folder
    return (find_toplevel(anchor) or anchor).resolve()


def _relative(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root).as_posix()
    except ValueError:
        try:
            return path.absolute().parent.resolve().joinpath(path.name).relative_to(root).as_posix()
        except (ValueError, OSError, RuntimeError):
            return path.as_posix()


def _config_rel(root: Path, path: Path) -> str | None:
    from pilotlint.documents.config import find_config

    found = find_config(_folder(path))
    if found is None:
        return None
    try:
        return found.absolute().parent.resolve().joinpath(found.name).relative_to(root).as_posix()
    except ValueError:
        return None


def _workspace(root: Path, path: Path, data: bytes | None, today: date, use_git: bool):
    from pilotlint.documents.config import load_config
    from pilotlint.documents.workspace import Workspace

    rel = _relative(path, root)
    source = Overlay(root, rel, data)
    config = load_config(source, _config_rel(root, path))
    history = _history(root, tuple(config.prefixes())) if use_git else None
    ws = Workspace(source, config, today, history=history)
    return ws, rel


def _history(root: Path, prefixes: tuple):
    """The history facts of the current HEAD (kept while HEAD does not move)."""
    from pilotlint.history.git import GitError, open_quietly

    repo = open_quietly(root)
    if repo is None:
        return None
    try:
        return _history_at(root, repo.head(), prefixes)
    except GitError:
        return None


@lru_cache(maxsize=4)
def _history_at(root: Path, head: str, prefixes: tuple):
    from pilotlint.history.facts import History
    from pilotlint.history.git import Repo

    return History(Repo.open(root), head, list(prefixes))


def lint(root: Path, path: Path, text: str, today: date, *, use_git: bool = True) -> list[Finding]:
    """The findings `pilotlint check PATH` would report for the document, with `text` as its
    content, and those it causes elsewhere in its pilot (see `_caused_elsewhere`).

    A configuration that cannot be used is one finding (PL000) at the top of the document.
    """
    from pilotlint.documents.config import ConfigError
    from pilotlint.engine import run

    data = text.encode("utf-8", "surrogatepass")
    try:
        ws, rel = _workspace(root, path, data, today, use_git)
        ws.keep = True
        ws.scan_targets([rel])
        result = run(ws)
        shown = _shown(rel)
        own = [f for f in result.findings if f.path == shown]
        return own + _caused_elsewhere(ws, result, root, path, rel, today, use_git)
    except ConfigError as exc:
        return [Finding("PL000", "error", _shown(_relative(path, root)), *_config_position(exc, root, path), None,
                        f"pilotlint cannot use the configuration: {exc}")]


def _shown(rel: str) -> str:
    from pilotlint.documents.source import display

    return display(rel)


# Where a finding reported on another document of the pilot is shown on the edited one.
_MIRROR_AT = {"WeeklyNote": ("metrics",), "RollbackPlan": (), "Charter": (), "Approval": ()}
_WITHOUT: dict = {}  # (document, state of the rest of its pilot on disk) -> findings without it


def _caused_elsewhere(ws, result, root: Path, path: Path, rel: str, today: date, use_git: bool) -> list:
    """Findings on the pilot's other documents that this document causes.

    A note's readings trip a stop rule, but PL602 is reported on the charter's `status`:
    the person typing the reading should see it in the note. A finding is caused by the
    document when the same check without the document does not have it. The check
    without it depends only on files on disk, so it is remembered until one changes.
    """
    from pilotlint.engine import run

    edited = ws.document(rel)
    pilot = ws.pilot(edited.pilot) if edited is not None and edited.pilot else None
    if pilot is None:
        return []
    others = [d for d in pilot.documents if d.path != rel]
    shown = _shown(rel)
    elsewhere = [f for f in result.findings if f.path != shown and f.pilot == pilot.id]
    if not elsewhere or not others:
        return []
    key = (rel, root, today, use_git, _stamps(root, [d.path for d in others]),
           _stamps(root, [ws.config.rel] if ws.config.rel else []))
    if key not in _WITHOUT:
        if len(_WITHOUT) > 32:
            _WITHOUT.clear()
        without_ws, _ = _workspace(root, path, None, today, use_git)
        without_ws.scan_targets([others[0].path])
        _WITHOUT[key] = {(f.rule, f.path, f.line, f.message) for f in run(without_ws).findings}
    before = _WITHOUT[key]
    line, column = edited.at(_MIRROR_AT.get(edited.kind or "", ()), key=True)
    return [Finding(f.rule, f.severity, shown, line, column, f.pilot, f"{f.message} (reported at {f.path}:{f.line})")
            for f in elsewhere if (f.rule, f.path, f.line, f.message) not in before]


def _stamps(root: Path, rels) -> tuple:
    out = []
    for rel in rels:
        try:
            info = os.stat(root / rel)
            out.append((rel, info.st_mtime_ns, info.st_size))
        except OSError:
            out.append((rel, 0, 0))
    return tuple(sorted(out))


def _config_position(exc, root: Path, path: Path) -> tuple[int, int]:
    """The line a config error names, when the edited document is the config itself."""
    text = str(exc)
    prefix = f"{_relative(path, root)}:"
    if text.startswith(prefix):
        number = text[len(prefix):].split(":", 1)[0]
        if number.isdigit():
            return int(number), 1
    return 1, 1


def _config(path: Path):
    from pilotlint.documents.config import load_config

    root = root_for(path)
    return load_config(WorkTree(root), _config_rel(root, path))


def people(path: Path) -> dict[str, str]:
    try:
        config = _config(path.absolute())
    except Exception:  # an unusable config offers nothing to complete  # noqa: BLE001
        return {}
    out = {}
    for person, info in (config.people or {}).items():
        name = info.get("name") if isinstance(info, dict) else None
        out[str(person)] = name if isinstance(name, str) else ""
    return out


def metric_ids(root: Path, path: Path, text: str) -> list[str]:
    """The scorecard metric ids of the pilot the document belongs to (its charter from disk,
    or the document itself when it is the charter), and the readings stop rules name."""
    from pilotlint.documents.config import ConfigError
    from pilotlint.governance.scorecard import scorecard_metrics

    try:
        ws, rel = _workspace(root, path.absolute(), text.encode("utf-8", "surrogatepass"), date.today(), False)
        ws.scan_targets([rel])
    except (ConfigError, OSError, KeyError):
        return []
    edited = ws.document(rel)
    pilot = ws.pilot(edited.pilot) if edited is not None and edited.pilot else None
    charter = pilot.charter if pilot else None
    if charter is None:
        return []
    ids = [m["id"] for m in scorecard_metrics(charter.data) if isinstance(m.get("id"), str)]
    for stop_rule in charter.get("stop_rules") or [] if isinstance(charter.get("stop_rules"), list) else []:
        if isinstance(stop_rule, dict):
            for key in ("metric", "above_metric", "below_metric"):
                name = stop_rule.get(key)
                if isinstance(name, str) and name and name not in ids:
                    ids.append(name)
    return ids


@lru_cache(maxsize=None)
def schema(kind: str) -> dict:
    from pilotlint.documents.editorschema import editor_schema

    return editor_schema(kind)


def kinds() -> tuple[str, ...]:
    from pilotlint.documents.editorschema import DOCUMENT_KINDS

    return DOCUMENT_KINDS


def explain(rule_id: str) -> str | None:
    """What `pilotlint explain RULE` prints, or None for an id the catalogue does not know."""
    from pilotlint.catalogue import catalogue
    from pilotlint.cli.catalogue import explain_text

    info = catalogue().get(rule_id)
    return explain_text(info) if info else None


def unsuppressible(path: Path) -> tuple[str, ...]:
    """The rule ids and prefixes nobody may silence inline (`rules.unsuppressible`)."""
    try:
        return tuple(_config(path.absolute()).unsuppressible)
    except Exception:  # noqa: BLE001 - an unusable config: offer no suppression at all
        return ("PL",)


def warm_up() -> None:
    """Import the rule families and read the catalogue once, before the first keystroke."""
    from pilotlint.catalogue import catalogue
    from pilotlint.rules import load_rules

    load_rules()
    catalogue()
