"""`pilotlint demo DIR`: the sample governance repository as a git repository of its own.

The sample (examples/ in a checkout, `pilotlint/sample/` in the wheel) is the state of
Acme's repository on the story's day; `story.yaml` says how it got there, one commit per
decision, each made by the person who made it on the day it happened. `build` replays the
story into DIR: main, an open pull-request branch that widens the pilot, and a second
branch where the owner approved it.

The story is data, read with a safe YAML loader; nothing in it is evaluated. Every file
is written under DIR; the signing key made for the demo lives in a temporary folder that
is deleted when the demo is made, and only its public half is committed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, Mapping

import yaml

_STORY = Path(__file__).resolve().parent / "story.yaml"
_KEY_TOKEN = "@OLEG_PUBLIC_KEY@"
_SAMPLE_KEY_TOKEN = "@SAMPLE_KEY@"
_SIGNER = "oleg"      # the one person who signs in the story (the config gets this key)


class DemoError(Exception):
    """The demo cannot be made here (the folder, git, ssh-keygen): exit 2 with this message."""


@dataclass(frozen=True)
class Made:
    """What `build` made: for the command's report."""

    root: Path
    day: str
    commits: int
    first: str          # date of the first commit on main
    last: str           # date of the last commit on main
    branches: tuple[tuple[str, str], ...]   # (name, what it is)


# -- the folder --------------------------------------------------------------------------

def prepare(target: Path) -> bool:
    """Check that DIR can hold a new repository; True when it must be created.

    A folder that exists must be empty: the demo never mixes its files with anyone
    else's. The parent must exist (nothing is created outside DIR).
    """
    if target.is_symlink():
        raise DemoError(f"{target} is a symbolic link; name a new folder for the demo repository")
    if target.exists() and not target.is_dir():
        raise DemoError(f"{target} exists and is not a folder; name a new folder for the demo repository")
    if target.is_dir():
        if any(target.iterdir()):
            raise DemoError(f"{target} already exists and is not empty; pilotlint demo makes a new "
                            "repository: name a new (or empty) folder")
        return False
    if not target.parent.is_dir():
        raise DemoError(f"{target.parent} does not exist; create it first, or name a folder in an existing one")
    return True


# -- the story ---------------------------------------------------------------------------

def load_story(path: Path = _STORY) -> dict:
    with open(path, encoding="utf-8") as handle:
        story = yaml.safe_load(handle)
    if not isinstance(story, Mapping) or not isinstance(story.get("steps"), list):
        raise DemoError(f"internal: {path} is not a story (no `steps:` list)")
    return story


def _sample_dir() -> Path:
    from pilotlint.resources import data_dir

    try:
        return data_dir("examples")
    except FileNotFoundError:
        raise DemoError("the sample repository is missing from this installation of pilotlint") from None


def _people(sample: Path) -> dict[str, tuple[str, str]]:
    with open(sample / ".pilotlint.yaml", encoding="utf-8") as handle:
        config = yaml.safe_load(handle) or {}
    return {str(pid): (str(entry["name"]), str(entry["email"])) for pid, entry in (config.get("people") or {}).items()}


def apply_edits(text: str, edits: list, tokens: Mapping[str, str], where: str) -> str:
    """The sample's text of a file as it was on an earlier day (see story.yaml)."""
    for edit in edits:
        if "drop" in edit:
            text = _drop_block(text, str(edit["drop"]), where)
            continue
        old, new = _fill(str(edit["replace"]), tokens), _fill(str(edit["with"]), tokens)
        if old not in text:
            raise DemoError(f"internal: the story's edit of {where} does not apply: {old[:60]!r} is not in the sample")
        text = text.replace(old, new)
    return text


def _fill(text: str, tokens: Mapping[str, str]) -> str:
    for token, value in tokens.items():
        text = text.replace(token, value)
    return text


def _drop_block(text: str, key: str, where: str) -> str:
    """Remove the top-level `key:` line, the indented lines under it and one blank line after."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith(f"{key}:")]
    if len(starts) != 1:
        raise DemoError(f"internal: the story drops `{key}:` from {where}, which has {len(starts)} such blocks")
    start = end = starts[0]
    end += 1
    while end < len(lines) and (lines[end].startswith((" ", "\t"))):
        end += 1
    if end < len(lines) and not lines[end].strip():
        end += 1
    return "".join(lines[:start] + lines[end:])


def _sample_key(sample: Path) -> str:
    """The signer's key as the sample's config gives it (the demo puts a key of its own there)."""
    data = yaml.safe_load((sample / ".pilotlint.yaml").read_text(encoding="utf-8"))
    entry = (data.get("people") or {}).get(_SIGNER) or {}
    key = entry.get("signing_key") if isinstance(entry, dict) else None
    if not isinstance(key, str):
        raise DemoError(f"internal: the sample config gives {_SIGNER} no signing_key")
    return key


def _inside(root: Path, relative: str) -> Path:
    """`root / relative`, refusing anything that would land outside root."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise DemoError(f"internal: the story names a path outside the repository: {relative!r}")
    path = root.joinpath(*pure.parts)
    if not path.parent.resolve().is_relative_to(root.resolve()):
        raise DemoError(f"internal: {relative!r} would be written outside {root}")
    return path


def _write(root: Path, relative: str, text: str) -> None:
    from pilotlint.documents.write import WriteError, replace

    _inside(root, relative)
    try:
        replace(root, relative, text)
    except WriteError as exc:
        raise DemoError(str(exc)) from None


# -- the key -----------------------------------------------------------------------------

def _keypair(folder: Path, comment: str) -> tuple[Path, str]:
    exe = shutil.which("ssh-keygen")
    if exe is None:
        raise DemoError("ssh-keygen is not installed; the demo signs one approval, so it needs OpenSSH 8.2 "
                        "or later")
    key = folder / "demo-key"
    proc = subprocess.run([exe, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(key)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0 or not key.with_suffix(".pub").is_file():
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise DemoError(f"ssh-keygen could not make the demo's signing key: {detail[-1] if detail else 'failed'}")
    return key, key.with_suffix(".pub").read_text(encoding="utf-8").strip()


# -- replaying ---------------------------------------------------------------------------

def build(target: Path, story: dict | None = None) -> Made:
    """Make the demo repository in `target` (a new or empty folder)."""
    from pilotlint.history.git import GitError

    story = story if story is not None else load_story()
    target = Path(target).absolute()
    create = prepare(target)
    sample = _sample_dir()
    if create:
        target.mkdir()
    try:
        with tempfile.TemporaryDirectory(prefix="pilotlint-demo-") as keys:
            people = _people(sample)
            keyfile, public = _keypair(Path(keys), people.get(_SIGNER, ("", "oleg@acme.example"))[1])
            tokens = {_KEY_TOKEN: public, _SAMPLE_KEY_TOKEN: _sample_key(sample)}
            return _replay(target, story, sample, people, keyfile, tokens)
    except GitError as exc:
        _clear(target, create)
        raise DemoError(str(exc)) from None
    except BaseException:
        _clear(target, create)
        raise


def _clear(target: Path, created: bool) -> None:
    """Leave no half-made repository: `target` was new or empty when the demo began."""
    if created:
        shutil.rmtree(target, ignore_errors=True)
        return
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _replay(root: Path, story: dict, sample: Path, people: dict, keyfile: Path, tokens: dict) -> Made:
    from pilotlint.history.git import Identity, NewRepo

    edits = story.get("edits") or {}
    repo = NewRepo.init(root)
    branches: list[tuple[str, str]] = []
    on_main: list[str] = []
    branch = "main"
    for step in story["steps"]:
        if "branch" in step:
            branch = str(step["branch"])
            repo.switch(branch, create=True)
            branches.append((branch, str(step.get("about", ""))))
            continue
        if "switch" in step:
            branch = str(step["switch"])
            repo.switch(branch)
            continue
        person = str(step["by"])
        if person not in people:
            raise DemoError(f"internal: the story names {person!r}, who is not a person of the sample config")
        when = str(step["at"])
        for item in step.get("write") or ():
            relative = str(item["path"])
            text = _inside(sample, relative).read_text(encoding="utf-8")
            name = item.get("edit")
            if name is not None:
                if name not in edits:
                    raise DemoError(f"internal: the story names an unknown edit {name!r}")
                text = apply_edits(text, edits[name], tokens, relative)
            _write(root, relative, text)
        if "approve" in step:
            _approve(root, step["approve"], person, when[:10], keyfile)
        name, email = people[person]
        repo.commit_all(str(step["message"]), Identity(name, email, when))
        if branch == "main":
            on_main.append(when[:10])
    repo.close()
    return Made(root, str(story.get("day", "")), len(on_main), on_main[0] if on_main else "",
                on_main[-1] if on_main else "", tuple(branches))


def _approve(root: Path, spec: Mapping[str, Any], person: str, on: str, keyfile: Path) -> None:
    """What `pilotlint approve PILOT --as PERSON [--sign KEYFILE]` (or `approve --config`)
    writes, on the story's date."""
    from pilotlint.documents.config import load_config
    from pilotlint.documents.load import load_text
    from pilotlint.documents.source import WorkTree
    from pilotlint.history import approvals

    date.fromisoformat(on)
    if spec.get("config"):
        target = {"target": "config"}
        folder = ".pilotlint/approvals"
        covers = approvals.config_covers(load_config(WorkTree(root), ".pilotlint.yaml"))
    else:
        pilot = str(spec["pilot"])
        target = {"pilot": pilot}
        folder = f"pilots/{pilot}/approvals"
        document = f"pilots/{pilot}/charter.yaml"
        covers = approvals.charter_hash(load_text(_inside(root, document).read_text(encoding="utf-8")).data)
    signing = keyfile if spec.get("sign") else None
    if signing is not None and person != _SIGNER:
        raise DemoError(f"internal: only {_SIGNER} has a signing key in the story")
    try:
        text = approvals.approval_text(target, person, "approve", covers, on, spec.get("note"), signing)
    except approvals.SigningError as exc:
        raise DemoError(str(exc)) from None
    from pilotlint.documents.write import WriteError, create

    _inside(root, f"{folder}/{on}-{person}.yaml")
    try:
        create(root, f"{folder}/{on}-{person}.yaml", text)
    except WriteError as exc:
        raise DemoError(str(exc)) from None
