"""What `check` needs from git, from one streamed pass over the history.

`check` inside a repository reads two kinds of facts from history: which commit added
each approval (its author proves who approved, PL901/PL902), and which commits changed a
charter, with their dates (a change of a freeze field dated inside a freeze window is
PL202). Both come from **one** `git log --raw` over the configured paths, started in the
background as soon as the workspace is opened, so git walks the history on the second
core while the documents are parsed on the first; never one git walk per pilot or per
approval (a literal path per charter makes git slow down with the square of their
number). A run about a few pilots (a pre-commit hook's files, one pilot's summary) walks
only those pilots' charters and approvals, which git prunes to in a fraction of the time;
a run about the whole repository walks the configured paths once. Commit dates are filtered here, not with `git log --since`, which stops at the
first older commit and so could miss a commit back-dated behind it.

Uncommitted work is told apart by blob ids: a document whose bytes are not the blob the
HEAD commit holds at its path has no commit behind it yet.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Iterable, NamedTuple

from pilotlint.history.git import Commit, GitError, Repo


class Touch(NamedTuple):
    """One commit's change of one file."""

    commit: Commit
    sequence: int          # 0 for the newest commit, growing into the past
    status: str            # A M D T
    old_oid: str | None
    new_oid: str | None


def blob_id(data: bytes, width: int = 40) -> str:
    """The id git gives these bytes as a blob (SHA-1, or SHA-256 in a repository of width 64)."""
    digest = hashlib.sha1 if width == 40 else hashlib.sha256
    return digest(b"blob %d\0" % len(data) + data).hexdigest()


def _patterns(files: list[str], prefixes: list[str], any_name: set[str]) -> list[str] | None:
    """Glob patterns matching at least `files`: the pilot's folder (the first folder below a
    configured path) becomes `*`, and so does the name of a file in `any_name`."""
    from pilotlint.documents.source import under
    from pilotlint.history.git import glob_escape

    out = set()
    for path in files:
        prefix = next((p for p in sorted(prefixes, key=len, reverse=True) if under(path, p)), None)
        if prefix is None:
            return None
        depth = 0 if prefix == "." else prefix.count("/") + 1
        parts = [glob_escape(part) for part in path.split("/")]
        if len(parts) > depth + 1:
            parts[depth] = "*"
        if path in any_name:
            parts[-1] = "*"
        out.add("/".join(parts))
    return sorted(out)


class History:
    """Started by the workspace once it knows what it will be asked about: `start()` for
    the configured paths (as soon as a whole-repository scan begins, so that git walks the
    history while the documents are parsed), or `start(files)` for a few documents' paths."""

    # Above this many files a walk of the configured paths is cheaper than literal paths.
    MAX_FILES = 200
    MAX_PATTERNS = 64  # an unusual layout with more places than this walks the prefixes

    def __init__(self, repo: Repo, head: str, prefixes: list[str]):
        self.repo, self.head = repo, head
        self.prefixes = prefixes
        self.paths: list[str] | None = None   # the files asked about (None: all under the prefixes)
        self._touches: dict[str, list[Touch]] = {}
        self._tree: dict[str, str] | None = None
        self.error: str | None = None
        self._thread: threading.Thread | None = None
        self._globs: list[str] | None = None

    def start(self, files: list[str] | None = None, *, any_name: Iterable[str] = ()) -> None:
        """Begin the walk in the background (once): of `files` only, or of the prefixes.

        Many files become a few glob patterns, one per place a pilot keeps such a file
        (`pilots/*/charter.yaml`; `pilots/*/approvals/*` for the files in `any_name`,
        whose names differ): git walks them as fast as one path, and the patterns match
        a superset of the files, so nothing asked about is missed."""
        if self._thread is not None:
            return
        if files is not None:
            self.paths = sorted(set(files))
            if len(self.paths) > self.MAX_FILES:
                patterns = _patterns(self.paths, self.prefixes, set(any_name))
                self._globs = patterns if patterns is not None and len(patterns) <= self.MAX_PATTERNS else None
        self._thread = threading.Thread(target=self._read, name="pilotlint-history", daemon=True)
        self._thread.start()

    @property
    def started(self) -> bool:
        return self._thread is not None

    def _read(self) -> None:
        try:
            if self._globs is not None:
                commits = self.repo.iter_commits(None, self.head, self._globs, globs=True)
            else:
                commits = self.repo.iter_commits(None, self.head, self.paths if self.paths is not None
                                                 else self.prefixes)
            for sequence, commit in enumerate(commits):
                slim = commit._replace(changes=())
                for change in commit.changes:
                    if change.path.endswith((".yaml", ".yml")):
                        self._touches.setdefault(change.path, []).append(
                            Touch(slim, sequence, change.status, change.old_oid, change.new_oid))
        except GitError as exc:
            self.error = str(exc)
        except Exception as exc:  # a damaged repository: judged as unknown, said once
            self.error = f"{type(exc).__name__}: {exc}"

    def _covered(self, path: str) -> bool:
        return self.paths is None or path in self.paths

    def _wait(self) -> None:
        if self._thread is None:
            self.start()
        self._thread.join()

    # -- facts ------------------------------------------------------------------------

    def touches(self, path: str) -> list[Touch]:
        """Every commit that changed `path`, newest first."""
        self._wait()
        if not self._covered(path):
            raise KeyError(f"internal: the history was walked for other files than {path!r}")
        return self._touches.get(path, [])

    def committed_oid(self, path: str) -> str | None:
        """The blob HEAD holds at `path` (None: not committed)."""
        if self._tree is None:
            few = self.paths is not None and len(self.paths) <= self.MAX_FILES
            where = self.paths if few else self.prefixes
            try:
                self._tree = {e.path: e.oid for e in self.repo.tree(self.head, where, sizes=False)
                              if e.type == "file"} if where else {}
            except GitError:
                self._tree = {}
        if not self._covered(path):
            raise KeyError(f"internal: the history was read for other files than {path!r}")
        return self._tree.get(path)

    def is_committed(self, path: str, oid: str | None) -> bool:
        committed = self.committed_oid(path)
        return committed is not None and oid is not None and committed == oid

    def adding_commit(self, path: str) -> Touch | None:
        """The newest commit that added the file at `path` (the version that is there now)."""
        for touch in self.touches(path):
            if touch.status == "A":
                return touch
        return None

    def version(self, sha: str, path: str, limit: int) -> bytes | None:
        try:
            return self.repo.read(sha, path, max_bytes=limit)
        except GitError:
            return None
