"""Everything the language server needs from the engine, behind one small interface.

The engine is being reorganised; the server never imports it directly, only this
module, so that re-pointing it is one file's work. The interface:

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

Today the edited text is handed to the engine by a path whose reads return it: the
engine reads one file through `read_bytes`, so nothing is written to disk and the
engine's own loading, pilot context, suppressions and severities all apply unchanged.
"""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from pathlib import Path, PosixPath

from pilotlint.findings import Finding


class _Stat:
    def __init__(self, size: int):
        self.st_size = size
        self.st_mode = 0o100644


class _Edited(PosixPath):
    """A path whose content is the editor's buffer, not the file on disk (which may not exist)."""

    _text: bytes = b""

    def read_bytes(self) -> bytes:
        return self._text

    def exists(self, **_) -> bool:
        return True

    def is_file(self, **_) -> bool:
        return True

    def is_dir(self, **_) -> bool:
        return False

    def is_symlink(self) -> bool:
        return False

    def stat(self, **_):
        return _Stat(len(self._text))


def _edited(path: Path, text: str) -> Path:
    edited = _Edited(path)
    edited._text = text.encode("utf-8", "surrogatepass")
    return edited


def _folder(path: Path) -> Path:
    """The nearest folder of `path` that exists (a new document may be in a new folder)."""
    for folder in path.absolute().parents:
        if folder.is_dir():
            return folder
    return Path.cwd()


def root_for(path: Path) -> Path:
    """As `check` finds it: the git work tree holding the config, else the config's folder."""
    from pilotlint.config import find_config
    from pilotlint.gitrepo import find_toplevel

    folder = _folder(path)
    config = find_config(folder)
    anchor = config.parent if config else folder
    return (find_toplevel(anchor) or anchor).resolve()


def _config(path: Path):
    """The config for `path`, parsed again only when its file changed."""
    from pilotlint.config import find_config

    found = find_config(_folder(path))
    if found is None:
        return _load_config(None, 0)
    try:
        stamp = os.stat(found).st_mtime_ns
    except OSError:
        stamp = 0
    return _load_config(found, stamp)


@lru_cache(maxsize=8)
def _load_config(path: Path | None, _stamp: int):
    from pilotlint.config import load_config

    return load_config(path)


def lint(root: Path, path: Path, text: str, today: date, *, use_git: bool = True) -> list[Finding]:
    """The findings `pilotlint check PATH` would report for the document, with `text` as its content,
    and those it causes elsewhere in its pilot (see `_caused_elsewhere`).

    A configuration that cannot be used is one finding (PL000) at the top of the document.
    """
    from pilotlint.config import ConfigError
    from pilotlint.engine import Request, run

    path = path.absolute()
    shown = _relative(path, root)
    try:
        config = _config(path)
        result = run(Request(paths=[_edited(path, text)], config=config, root=root, today=today, use_git=use_git))
        own = [f for f in result.findings if f.path == shown]
        return own + _caused_elsewhere(result, path, shown, config, root, today, use_git)
    except ConfigError as exc:
        return [Finding("PL000", "error", shown, *_config_position(exc, path), None,
                        f"pilotlint cannot use the configuration: {exc}")]


# Where a finding reported on another document of the pilot is shown on the edited one.
_MIRROR_AT = {"WeeklyNote": ("metrics",), "RollbackPlan": (), "Charter": (), "Approval": ()}
_WITHOUT: dict = {}  # (document, state of the rest of its pilot on disk) -> findings without it


def _caused_elsewhere(result, path: Path, shown: str, config, root: Path, today: date, use_git: bool) -> list:
    """Findings on the pilot's other documents that this document causes.

    A note's readings trip a stop rule, but PL602 is reported on the charter's `status`:
    the person typing the reading should see it in the note. A finding is caused by the
    document when the same check without the document does not have it. The check
    without it depends only on files on disk, so it is remembered until one changes.
    """
    from pilotlint.engine import Request, run

    edited = next((d for d in result.workspace.documents if d.path == shown), None)
    pilot = result.workspace.pilots.get(edited.pilot) if edited is not None and edited.pilot else None
    if pilot is None:
        return []
    others = [d for d in pilot.documents if d is not edited]
    elsewhere = [f for f in result.findings if f.path != shown and f.pilot == pilot.id]
    if not elsewhere or not others:
        return []
    key = (path, root, today, use_git, _stamps([d.file for d in others]), _stamps([config.path] if config.path else []))
    if key not in _WITHOUT:
        if len(_WITHOUT) > 32:
            _WITHOUT.clear()
        anchor = others[0].file
        without = run(Request(paths=[_edited(path, ""), anchor], config=config, root=root, today=today,
                              use_git=use_git))
        _WITHOUT[key] = {(f.rule, f.path, f.line, f.message) for f in without.findings}
    before = _WITHOUT[key]
    line, column = edited.at(_MIRROR_AT.get(edited.kind or "", ()), key=True)
    return [Finding(f.rule, f.severity, shown, line, column, f.pilot, f"{f.message} (reported at {f.path}:{f.line})")
            for f in elsewhere if (f.rule, f.path, f.line, f.message) not in before]


def _stamps(files) -> tuple:
    out = []
    for file in files:
        try:
            info = os.stat(file)
            out.append((str(file), info.st_mtime_ns, info.st_size))
        except OSError:
            out.append((str(file), 0, 0))
    return tuple(sorted(out))


def _config_position(exc, path: Path) -> tuple[int, int]:
    """The line a config error names, when the edited document is the config itself."""
    text = str(exc)
    prefix = f"{path}:"
    if text.startswith(prefix):
        number = text[len(prefix):].split(":", 1)[0]
        if number.isdigit():
            return int(number), 1
    return 1, 1


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root).as_posix()
        except (ValueError, OSError, RuntimeError):
            return path.as_posix()


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
    from pilotlint.config import ConfigError
    from pilotlint.engine import Request, build_workspace
    from pilotlint.scorecard import scorecard_metrics

    path = path.absolute()
    try:
        request = Request(paths=[_edited(path, text)], config=_config(path), root=root, today=date.today(),
                          use_git=False)
        ws, _ = build_workspace(request)
    except (ConfigError, OSError):
        return []
    edited = next((d for d in ws.documents if Path(d.file).absolute() == path), None)
    pilot = ws.pilots.get(edited.pilot) if edited is not None and edited.pilot else None
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
    from pilotlint.editorschema import editor_schema

    return editor_schema(kind)


def kinds() -> tuple[str, ...]:
    from pilotlint.editorschema import DOCUMENT_KINDS

    return DOCUMENT_KINDS


def explain(rule_id: str) -> str | None:
    """What `pilotlint explain RULE` prints, or None for an id the catalogue does not know."""
    from pilotlint.catalogue import catalogue
    from pilotlint.commands.catalogue import explain_text

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
    from pilotlint.engine import load_rules

    load_rules()
    catalogue()
