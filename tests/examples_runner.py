"""Apply a catalogue example (catalogue/*.yaml) to a copy of the sample repository."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import yaml

PILOT = "outbound-drafts"


class _Loader(yaml.SafeLoader):
    """Like pilotlint reads YAML: dates stay text, `on:` stays the word "on"."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def _load(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def _parse(text):
    return yaml.load(text, Loader=_Loader) if isinstance(text, str) else text


def _dump(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def merge(base, patch):
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            out[key] = merge(base.get(key), value) if key in base else value
        return out
    return copy.deepcopy(patch)


def _remove(data, dotted: str) -> None:
    *parents, last = dotted.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        del node[int(last)]
    else:
        node.pop(last, None)


def apply_example(repo: Path, example: dict) -> None:
    pilot_dir = repo / "pilots" / PILOT
    notes = sorted((pilot_dir / "notes").glob("*.yaml"))
    targets = {"charter": pilot_dir / "charter.yaml", "rollback": pilot_dir / "rollback.yaml",
               "config": repo / ".pilotlint.yaml", "note": notes[-1]}
    for key, dotted_paths in (example.get("remove") or {}).items():
        data = _load(targets[key])
        for dotted in dotted_paths:
            _remove(data, dotted)
        _dump(targets[key], data)
    for key, target in targets.items():
        if key in example:
            _dump(target, merge(_load(target), _parse(example[key])))
    for week, text in (example.get("notes") or {}).items():
        target = pilot_dir / "notes" / f"{week}.yaml"
        base = _load(target) if target.exists() else dict(_load(notes[-1]), week=week)
        _dump(target, merge(base, _parse(text)))
    for relative in example.get("delete") or []:
        (repo / relative).unlink()
    for relative, text in (example.get("files") or {}).items():
        target = repo / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for relative, pointee in (example.get("links") or {}).items():
        target = repo / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(pointee)
