"""Where documents come from: a work tree on disk, or a git tree at a commit.

The engine reads through one small interface, `Source`: the entries below some
repository paths (each with what it is: a file, a symbolic link, a submodule or something
special such as a FIFO), one entry by path, and the bytes of a file. `check` reads a work
tree; `gate`, `diff`, `log` and `check --new-since` read git trees; nothing is ever copied
into a temporary folder to be "checked like files", so both are read the same way and a
pull request cannot make the gate see something other than what `check` sees.

Entries that are not regular files are listed, never followed: a symbolic link or
submodule under the configured paths is a finding (PL013), and nothing is read through
it. A file is read only when it is a regular file within the size limit, opened without
following a link and without blocking (a FIFO where a note should be cannot hang a run).
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from pathlib import Path
from typing import Iterable, NamedTuple, Protocol

from pilotlint.documents.vocab import YAML_SUFFIXES

FILE, SYMLINK, SUBMODULE, SPECIAL, DIRECTORY = "file", "symlink", "submodule", "special", "directory"
# a name a git tree lists twice or out of order: only a crafted tree does (git fsck rejects
# it), and git and a reader of the listing may see different files there, so none is read
DAMAGED = "damaged"


class Entry(NamedTuple):
    """One entry of a source: its repository path (with `/`), what it is, its size, and
    (in a git tree) its blob id, which says when two versions are the same."""

    path: str
    type: str
    size: int = 0
    oid: str | None = None

    @property
    def yaml(self) -> bool:
        return self.path.endswith(YAML_SUFFIXES)

    @property
    def shown(self) -> str:
        return display(self.path)


def display(path: str) -> str:
    """A path for output: bytes that are not UTF-8 become U+FFFD (no format can carry them)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def is_utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def is_canonical(path: str) -> bool:
    """No empty, `.` or `..` component: git's own checks refuse such trees (a crafted one can
    still be made with `git mktree`), and no two spellings of one path may name two files."""
    return all(part not in ("", ".", "..") for part in path.split("/"))


class ReadError(Exception):
    """A file that cannot be read as a document: the message says why (for PL001/PL008/PL013)."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule, self.message = rule, message


class Source(Protocol):
    label: str

    def walk(self, prefixes: Iterable[str]) -> list[Entry]: ...

    def entry(self, path: str) -> Entry | None: ...

    def read(self, entry: Entry, limit: int) -> bytes: ...

    def read_many(self, entries: list[Entry], limit: int) -> dict[str, bytes | ReadError]: ...


def normalise(path: str) -> str | None:
    """A repository-relative path in canonical form, or None when it leaves the repository
    (absolute, `..` above the root) or is empty."""
    if not isinstance(path, str) or not path or "\0" in path or path.startswith("/") or "\\" in path:
        return None
    norm = posixpath.normpath(path)
    if norm == ".":
        return "."
    if norm.startswith("../") or norm == ".." or norm.startswith("/"):
        return None
    return norm


def under(path: str, prefix: str) -> bool:
    return prefix == "." or path == prefix or path.startswith(prefix + "/")


def _too_big(size: int, limit: int) -> ReadError:
    return ReadError("PL008", f"the file is {size:,} bytes, above the limit of {limit:,} (limits.max_file_bytes)")


class WorkTree:
    """The files of a folder on disk (the repository's work tree, or any folder)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.label = str(root)

    def _absolute(self, path: str) -> str:
        return os.path.join(self.root, path) if path != "." else str(self.root)

    def entry(self, path: str) -> Entry | None:
        """The entry at a repository path; a symbolic link in any folder on the way is that
        link's entry (nothing is read through a link)."""
        parts = [] if path == "." else path.split("/")
        for depth in range(1, len(parts) + 1):
            here = "/".join(parts[:depth])
            try:
                info = os.lstat(self._absolute(here))
            except FileNotFoundError:
                return None
            except OSError:
                return Entry(here, SPECIAL)
            kind = _kind(info, self._absolute(here))
            if depth < len(parts) and kind != DIRECTORY:
                return Entry(here, kind, info.st_size) if kind != FILE else None
            if depth == len(parts):
                return Entry(here, kind, info.st_size)
        return Entry(".", DIRECTORY)

    def walk(self, prefixes: Iterable[str]) -> list[Entry]:
        """Every YAML file and every entry that is not a regular file or folder below the
        prefixes, in a stable order; links and submodules are listed, not followed."""
        out: list[Entry] = []
        seen: set[str] = set()
        for prefix in prefixes:
            top = self.entry(prefix)
            if top is None:
                continue
            if top.type != DIRECTORY:
                if top.path not in seen and (top.type != FILE or top.yaml):
                    seen.add(top.path)
                    out.append(top)
                continue
            self._walk(prefix, out, seen)
        return out

    def _walk(self, folder: str, out: list[Entry], seen: set[str]) -> None:
        try:
            with os.scandir(self._absolute(folder)) as items:
                children = sorted(items, key=lambda item: item.name)
        except OSError:
            out.append(Entry(folder, SPECIAL))
            return
        for item in children:
            name = item.name
            if name == ".git" and folder != ".":
                out.append(Entry(folder, SUBMODULE))  # a repository inside the paths
                continue
            if name == ".git":
                continue
            path = name if folder == "." else f"{folder}/{name}"
            if path in seen:
                continue
            try:
                info = item.stat(follow_symlinks=False)
            except OSError:
                seen.add(path)
                out.append(Entry(path, SPECIAL))
                continue
            kind = _kind(info, item.path)
            if kind == DIRECTORY:
                self._walk(path, out, seen)
            elif kind != FILE or name.endswith(YAML_SUFFIXES):
                seen.add(path)
                out.append(Entry(path, kind, info.st_size))

    def read(self, entry: Entry, limit: int) -> bytes:
        """The bytes of a regular file, opened without following a link or blocking on a FIFO."""
        if entry.type != FILE:
            raise ReadError("PL013", _not_a_file(entry.type))
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self._absolute(entry.path), flags)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise ReadError("PL013", _not_a_file(SYMLINK)) from None
            raise ReadError("PL001", f"cannot read the file: {exc.strerror or exc}") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise ReadError("PL013", _not_a_file(SPECIAL))
            if info.st_size > limit:
                raise _too_big(info.st_size, limit)
            data = os.read(fd, info.st_size + 1)   # one call for a file that did not change size
            if len(data) != info.st_size:           # it changed while being read: read on, to the limit
                chunks, left = [data], limit + 1 - len(data)
                while left > 0:
                    chunk = os.read(fd, min(left, 1 << 20))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    left -= len(chunk)
                data = b"".join(chunks)
            if len(data) > limit:
                raise _too_big(len(data), limit)
            return data
        except OSError as exc:
            raise ReadError("PL001", f"cannot read the file: {exc.strerror or exc}") from None
        finally:
            os.close(fd)

    def read_many(self, entries: list[Entry], limit: int) -> dict[str, bytes | ReadError]:
        out: dict[str, bytes | ReadError] = {}
        for entry in entries:
            try:
                out[entry.path] = self.read(entry, limit)
            except ReadError as exc:
                out[entry.path] = exc
        return out


def _kind(info: os.stat_result, absolute: str) -> str:
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        return SYMLINK
    if stat.S_ISDIR(mode):
        return SUBMODULE if os.path.lexists(os.path.join(absolute, ".git")) else DIRECTORY
    if stat.S_ISREG(mode):
        return FILE
    return SPECIAL


def _not_a_file(kind: str) -> str:
    what = {SYMLINK: "a symbolic link", SUBMODULE: "a submodule (a git repository inside the paths)",
            SPECIAL: "not a regular file (a FIFO, device or socket)",
            DAMAGED: "a name that its commit's tree lists twice or out of order, which only a crafted tree does "
                     "(git fsck: duplicateEntries)"}.get(kind, kind)
    return (f"this is {what}; pilotlint reads only regular files and never follows links, so its content "
            "is not checked: replace it with the file itself")


def not_a_file_message(kind: str) -> str:
    return _not_a_file(kind)


class GitTree:
    """The files of a commit's tree, read from git objects (never from the work tree).

    Each top-level folder is listed once (`git ls-tree -r`), so looking up many paths
    (the rollback plan of every charter, policy files) costs no git call per path."""

    def __init__(self, repo, commit: str):
        self.repo, self.commit = repo, commit
        self.label = commit[:12]
        self._entries: dict[str, Entry] = {}
        self._listed: set[str] = set()

    def _list(self, top: str) -> None:
        if top in self._listed:
            return
        self._listed.add(top)
        previous, damaged = b"", set()
        for item in self.repo.tree(self.commit, None if top == "." else [top]):
            # git lists a well-formed tree's paths in strictly increasing byte order; a name
            # twice, or out of order, is a crafted tree (fsck: duplicateEntries, treeNotSorted)
            name = item.path.encode("utf-8", "surrogateescape")
            if name <= previous:
                damaged.update((item.path, previous.decode("utf-8", "surrogateescape")))
            previous = name
            self._entries[item.path] = Entry(item.path, item.type, max(item.size, 0), item.oid)
        for path in damaged:  # whoever looks it up (a document, the config, a policy) reads nothing
            self._entries[path] = Entry(path, DAMAGED)
        if top == ".":
            self._listed.update(p.split("/", 1)[0] for p in self._entries)

    def walk(self, prefixes: Iterable[str]) -> list[Entry]:
        wanted = list(prefixes)
        for prefix in wanted:
            self._list("." if prefix == "." else prefix.split("/", 1)[0])
        out = []
        for path in sorted(self._entries):
            entry = self._entries[path]
            if entry.type == FILE and not entry.yaml:
                continue
            if any(under(path, p) for p in wanted) or any(under(p, path) for p in wanted):
                out.append(entry)  # a link or submodule standing where a prefix folder should be, too
        return out

    def entry(self, path: str) -> Entry | None:
        """The entry at a repository path; a link or submodule on the way is that entry."""
        self._list(path.split("/", 1)[0])
        if path in self._entries:
            return self._entries[path]
        parts = path.split("/")
        for depth in range(len(parts) - 1, 0, -1):
            found = self._entries.get("/".join(parts[:depth]))
            if found is not None:
                return found if found.type != FILE else None
        if any(p.startswith(path + "/") for p in self._entries):
            return Entry(path, DIRECTORY)
        return None

    def read(self, entry: Entry, limit: int) -> bytes:
        found = self.read_many([entry], limit)[entry.path]
        if isinstance(found, ReadError):
            raise found
        return found

    def read_many(self, entries: list[Entry], limit: int) -> dict[str, bytes | ReadError]:
        from pilotlint.history.git import OversizedBlob

        out: dict[str, bytes | ReadError] = {}
        files = []
        for entry in entries:
            if entry.type != FILE:
                out[entry.path] = ReadError("PL013", _not_a_file(entry.type))
            elif entry.size > limit:
                out[entry.path] = _too_big(entry.size, limit)
            else:
                files.append(entry)
        blobs = self.repo.blobs().read_many([e.oid for e in files], max_bytes=limit)
        for entry in files:
            data = blobs.get(entry.oid)
            if data is None:
                out[entry.path] = ReadError("PL001", "git cannot read this file's content (a missing object)")
            elif isinstance(data, OversizedBlob):
                out[entry.path] = _too_big(data.size, limit)
            else:
                out[entry.path] = data
        return out
