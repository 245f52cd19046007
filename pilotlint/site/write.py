"""Writing the site: files under OUTDIR only, never through a symbolic link.

OUTDIR is opened once as a directory file descriptor with O_NOFOLLOW, and every folder
and file below it is opened relative to that descriptor with O_NOFOLLOW too: a symbolic
link planted anywhere in OUTDIR (`pilots -> /etc`, `index.html -> ~/.bashrc`) makes the
build stop with a message instead of writing where it points, and so does one that
appears while the site is being written. Names are checked to be plain file names, so
nothing a document says can reach `..`.

OUTDIR must be empty, new, or a site pilotlint built before (it holds `.pilotlint-site`):
a rebuild removes the pages of pilots that are gone, and that must never touch a folder
of someone else's files.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

MARKER = ".pilotlint-site"
_NAME = re.compile(r"\.?[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")


class OutdirError(Exception):
    """OUTDIR cannot be used or written: the message says why, for the user."""


def _name(part: str) -> str:
    if not _NAME.fullmatch(part) or ".." in part:
        raise OutdirError(f"refusing to write {part!r}: not a plain file name")
    return part


class Outdir:
    def __init__(self, path: Path):
        self.path = path
        if path.is_symlink():
            raise OutdirError(f"{path} is a symbolic link; give the real folder")
        if path.exists() and not path.is_dir():
            raise OutdirError(f"{path} exists and is not a folder")
        try:
            path.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError as exc:
            raise OutdirError(f"cannot use {path} as the site folder: {exc.strerror}") from None
        entries = os.listdir(self.fd)
        if entries and MARKER not in entries:
            os.close(self.fd)
            raise OutdirError(f"{path} is not empty and holds no site built by pilotlint ({MARKER}); "
                              "give an empty or new folder")
        self._dirs: dict[str, int] = {}
        self.written: list[str] = []
        self.write(MARKER, "A site built by `pilotlint site`; a rebuild replaces its pages.\n")

    def _folder(self, name: str) -> int:
        if name not in self._dirs:
            try:
                os.mkdir(_name(name), 0o755, dir_fd=self.fd)
            except FileExistsError:
                pass
            except OSError as exc:
                raise OutdirError(f"cannot create {self.path / name}: {exc.strerror}") from None
            try:
                self._dirs[name] = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=self.fd)
            except OSError as exc:
                raise self._failure(self.path / name, exc) from None
        return self._dirs[name]

    def write(self, relative: str, text: str) -> None:
        """Write `relative` (`index.html` or `folder/page.html`) below OUTDIR."""
        *folders, name = relative.split("/")
        if len(folders) > 1:
            raise OutdirError(f"refusing to write {relative!r}: one folder level only")
        where = self._folder(folders[0]) if folders else self.fd
        data = text.encode("utf-8", "replace")
        try:
            fd = os.open(_name(name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644, dir_fd=where)
        except OSError as exc:
            raise self._failure(self.path / relative, exc) from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OutdirError(f"{self.path / relative} is not a regular file; refusing to write to it")
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        except OSError as exc:
            raise OutdirError(f"cannot write {self.path / relative}: {exc.strerror}") from None
        finally:
            os.close(fd)
        self.written.append(relative)

    def prune(self, folder: str, keep: set[str], suffix: str = ".html") -> list[str]:
        """Remove the `*.html` files of `folder` that this build did not write (pilots that are gone)."""
        if folder not in self._dirs:
            try:
                self._dirs[folder] = os.open(_name(folder), os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW,
                                             dir_fd=self.fd)
            except FileNotFoundError:
                return []
            except OSError as exc:
                raise self._failure(self.path / folder, exc) from None
        where, removed = self._dirs[folder], []
        for name in os.listdir(where):
            if name.endswith(suffix) and name not in keep:
                mode = os.lstat(name, dir_fd=where).st_mode
                if stat.S_ISREG(mode) or stat.S_ISLNK(mode):  # a link is removed, never followed
                    os.unlink(name, dir_fd=where)
                    removed.append(f"{folder}/{name}")
        return removed

    def _failure(self, where: Path, exc: OSError) -> OutdirError:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            return OutdirError(f"{where} is a symbolic link (or not a folder); refusing to write through it")
        return OutdirError(f"cannot write {where}: {exc.strerror}")

    def close(self) -> None:
        for fd in self._dirs.values():
            os.close(fd)
        self._dirs = {}
        os.close(self.fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
