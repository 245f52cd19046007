"""The one way pilotlint writes a file.

Two kinds of writes, both refusing to be pointed elsewhere:

- `create(root, rel, text)`: a new document inside the repository (`init`, `note`,
  `approve`). Every folder from the root down is opened as a real folder (created when
  missing) without following a link, and the file is created exclusively without
  following one: a committed `approvals -> /somewhere` or `notes -> ../../..` is refused,
  never written through, and nothing is ever overwritten.
- `report(path, text)`: a report the user asked for (`--output`, `--summary`, SARIF).
  Inside the current repository it is never written through a symbolic link, neither
  the file nor a folder on the way (a committed link named like the report must not
  redirect it, nor create a dangling link's target), and only into a regular file.
  Outside the repository the path is the user's own and is taken as named
  (`--output /dev/stdout` works), but a FIFO without a reader is refused, never waited on.

Both open files with the directory-relative calls (`openat`), so a folder swapped for a
link between a check and the write does not matter.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class WriteError(Exception):
    """A file cannot be written where it was asked for; the message says why (exit 2)."""


def _open_dir(name: str, parent: int | None, shown: str, create: bool) -> int:
    if create:
        try:
            os.mkdir(name, 0o755, dir_fd=parent)
        except FileExistsError:
            pass
        except OSError as exc:
            raise WriteError(f"cannot create the folder {shown}: {exc.strerror}") from None
    try:
        return os.open(name, _DIR | _NOFOLLOW, dir_fd=parent)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise WriteError(f"{shown} is a symbolic link or not a folder; pilotlint does not write through it "
                             "(replace it with a real folder)") from None
        raise WriteError(f"cannot open the folder {shown}: {exc.strerror}") from None


def _walk(root: Path, parts: list[str], create: bool) -> int:
    """A descriptor of the folder `root/parts...`, every step opened without following a link."""
    fd = os.open(root, _DIR)
    shown = str(root)
    try:
        for part in parts:
            if part in ("", ".", ".."):
                raise WriteError(f"{part!r} in a path: pilotlint writes only inside the folder it was given")
            shown = f"{shown}/{part}"
            child = _open_dir(part, fd, shown, create)
            os.close(fd)
            fd = child
        return fd
    except BaseException:
        os.close(fd)
        raise


def create(root: Path, rel: str, text: str) -> Path:
    """Create the new file `root/rel` (exclusive; folders made as needed, none a link)."""
    parts = rel.split("/")
    fd = _walk(Path(root), parts[:-1], create=True)
    try:
        try:
            out = os.open(parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0),
                          0o644, dir_fd=fd)
        except FileExistsError:
            raise WriteError(f"{rel} already exists; pilotlint never overwrites a pilot document") from None
        except OSError as exc:
            raise WriteError(f"cannot write {rel}: {exc.strerror}") from None
        try:
            _write_all(out, text.encode("utf-8"))
        finally:
            os.close(out)
    finally:
        os.close(fd)
    return Path(root, rel)


def replace(root: Path, rel: str, text: str) -> Path:
    """Write `root/rel` whole, replacing what is there (only for files pilotlint made itself,
    such as the demo's story); folders are made as needed, none and the file not a link."""
    parts = rel.split("/")
    fd = _walk(Path(root), parts[:-1], create=True)
    try:
        try:
            out = os.open(parts[-1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0),
                          0o644, dir_fd=fd)
        except OSError as exc:
            raise WriteError(f"cannot write {rel}: {exc.strerror}") from None
        try:
            _write_all(out, text.encode("utf-8"))
        finally:
            os.close(out)
    finally:
        os.close(fd)
    return Path(root, rel)


def remove(root: Path, rel: str) -> None:
    """Remove a file `create` made (to undo a half-finished set), without following links."""
    parts = rel.split("/")
    try:
        fd = _walk(Path(root), parts[:-1], create=False)
    except WriteError:
        return
    try:
        os.unlink(parts[-1], dir_fd=fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def report(path: str | Path, text: str, *, append: bool = False) -> None:
    """Write (or append to) a report file the user named, never through a link."""
    fd = open_report(path, append=append)
    try:
        _write_all(fd, text.encode("utf-8", "replace"))
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        os.close(fd)


def open_report(path: str | Path, *, append: bool = False) -> int:
    """A descriptor to write a report file the user named (truncated unless `append`)."""
    from pilotlint.history.git import find_toplevel

    absolute = Path(os.path.abspath(path))
    if absolute.name in ("", ".", ".."):
        raise WriteError(f"{path} is not a file name")
    top = find_toplevel(Path.cwd())
    parent_fd = None
    strict = top is not None and _inside(absolute, top)
    try:
        if strict:
            base = top if absolute.is_relative_to(top) else top.resolve()
            parent_fd = _walk(top, list(absolute.relative_to(base).parts[:-1]), create=True)
        else:
            absolute.parent.mkdir(parents=True, exist_ok=True)
            parent_fd = os.open(absolute.parent, _DIR)
        flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        if strict:
            flags |= _NOFOLLOW
        if append:
            flags |= os.O_APPEND
        try:
            fd = os.open(absolute.name, flags, 0o644, dir_fd=parent_fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EMLINK):
                raise WriteError(f"{path} is a symbolic link; pilotlint does not write a report through a link "
                                 "(remove it, or name another file)") from None
            if exc.errno == errno.ENXIO:
                raise WriteError(f"{path} is a FIFO or a device, not a file") from None
            raise WriteError(f"cannot write {path}: {exc.strerror}") from None
        try:
            info = os.fstat(fd)
            regular = stat.S_ISREG(info.st_mode)
            if strict and not regular:
                raise WriteError(f"{path} is not a regular file (a FIFO, device or folder); name a file")
            os.set_blocking(fd, True)
            if regular and not append:
                os.ftruncate(fd, 0)
        except BaseException:
            os.close(fd)
            raise
        return fd
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        if parent_fd is not None:
            os.close(parent_fd)


def _inside(path: Path, top: Path) -> bool:
    return path.is_relative_to(top) or path.is_relative_to(top.resolve())


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
