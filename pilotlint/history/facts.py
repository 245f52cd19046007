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
a run about the whole repository walks the configured paths once. Commit dates are
filtered here, not with `git log --since`, which stops at the first older commit and so
could miss a commit back-dated behind it.

Uncommitted work is told apart by blob ids: a document whose bytes are not the blob the
HEAD commit holds at its path has no commit behind it yet.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Iterable, NamedTuple

from pilotlint.documents.source import under
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


def _patterns(files: Iterable[str], prefixes: list[str], any_name: set[str]) -> list[tuple[str, ...]] | None:
    """Glob patterns, as their parts (`"*"` or a literal name), matching at least `files`:
    the pilot's folder (the first folder below a configured path) becomes `*`, and so does
    the name of a file in `any_name`. None when a file is outside the prefixes."""
    from pilotlint.documents.source import under

    out = set()
    for path in files:
        prefix = next((p for p in sorted(prefixes, key=len, reverse=True) if under(path, p)), None)
        if prefix is None:
            return None
        depth = 0 if prefix == "." else prefix.count("/") + 1
        parts = path.split("/")
        if len(parts) > depth + 1:
            parts[depth] = "*"
        if path in any_name:
            parts[-1] = "*"
        out.add(tuple(parts))
    return sorted(out)


def _matches(pattern: tuple[str, ...], path: str) -> bool:
    parts = path.split("/")
    return len(parts) == len(pattern) and all(want == "*" or want == part for want, part in zip(pattern, parts))


class _Walk:
    """One `git log --raw` over some paths or patterns, read in a background thread: git
    walks the history on the other core while the documents are parsed."""

    def __init__(self, repo: Repo, head: str, paths: list[str], patterns: list[tuple[str, ...]] | None):
        self.repo, self.head, self.paths, self.patterns = repo, head, paths, patterns
        self.touches: dict[str, list[Touch]] = {}
        self.error: str | None = None
        self.thread = threading.Thread(target=self._read, name="pilotlint-history", daemon=True)
        self.thread.start()

    def covers(self, path: str) -> bool:
        if self.patterns is not None:
            return any(_matches(pattern, path) for pattern in self.patterns)
        return any(under(path, p) for p in self.paths)

    def _read(self) -> None:
        from pilotlint.history.git import glob_escape

        try:
            if self.patterns is not None:
                specs = ["/".join(part if part == "*" else glob_escape(part) for part in pattern)
                         for pattern in self.patterns]
                commits = self.repo.iter_commits(None, self.head, specs, globs=True)
            else:
                commits = self.repo.iter_commits(None, self.head, self.paths)
            for sequence, commit in enumerate(commits):
                slim = commit._replace(changes=())
                for change in commit.changes:
                    if change.path.endswith((".yaml", ".yml")):
                        self.touches.setdefault(change.path, []).append(
                            Touch(slim, sequence, change.status, change.old_oid, change.new_oid))
        except GitError as exc:
            self.error = str(exc)
        except Exception as exc:  # a damaged repository: judged as unknown, said once
            self.error = f"{type(exc).__name__}: {exc}"


class History:
    """Git facts about the files a run will ask about.

    `start(files)` once the workspace knows them: their charters (freezes) and approvals
    (who added them). A few files are walked as literal paths; many become a few glob
    patterns, one per place a pilot keeps such a file (`pilots/*/charter.yaml`;
    `pilots/*/approvals/*` for approvals, whose names differ), which git walks as fast as
    one path. A whole-repository scan `speculate`s with the patterns of the first files it
    indexes, so that git is already walking while the rest is indexed; when the files
    asked about turn out to need other patterns, one walk of all of them replaces it (one
    walk, so that the order of commits, which decides between decisions, is one order)."""

    # Above this many files, glob patterns instead of literal paths.
    MAX_FILES = 200
    MAX_PATTERNS = 64  # an unusual layout with more places than this walks the prefixes

    def __init__(self, repo: Repo, head: str, prefixes: list[str]):
        self.repo, self.head = repo, head
        self.prefixes = prefixes
        self.paths: list[str] | None = None   # the files asked about (None: all under the prefixes)
        self._walk: _Walk | None = None
        self._guess: _Walk | None = None
        self._tree: dict[str, str] | None = None

    @property
    def started(self) -> bool:
        return self._walk is not None

    @property
    def _globs(self) -> list[str] | None:  # for tests: the patterns walked, as git sees them
        from pilotlint.history.git import glob_escape

        walk = self._walk
        if walk is None or walk.patterns is None:
            return None
        return ["/".join(p if p == "*" else glob_escape(p) for p in pattern) for pattern in walk.patterns]

    @property
    def error(self) -> str | None:
        return self._walk.error if self._walk is not None else None

    def speculate(self, files: list[str], *, any_name: Iterable[str] = ()) -> None:
        """Start walking the patterns of these first files (a whole-repository scan)."""
        if self._walk is not None or self._guess is not None:
            return
        patterns = _patterns(files, self.prefixes, set(any_name))
        if patterns and len(patterns) <= self.MAX_PATTERNS:
            self._guess = _Walk(self.repo, self.head, [], patterns)

    def start(self, files: list[str] | None = None, *, any_name: Iterable[str] = ()) -> None:
        """Walk the history of `files` (all files under the prefixes when None), once."""
        if self._walk is not None:
            return
        if files is None:
            self._walk = _Walk(self.repo, self.head, self.prefixes, None)
            return
        self.paths = sorted(set(files))
        guess = self._guess
        if guess is not None and all(guess.covers(path) for path in self.paths):
            self._walk = guess
            return
        if len(self.paths) <= self.MAX_FILES:
            self._walk = _Walk(self.repo, self.head, self.paths, None)
            return
        patterns = _patterns(self.paths, self.prefixes, set(any_name))
        if patterns is not None and len(patterns) <= self.MAX_PATTERNS:
            self._walk = _Walk(self.repo, self.head, [], patterns)
        else:
            self._walk = _Walk(self.repo, self.head, self.prefixes, None)

    def _covered(self, path: str) -> bool:
        return self.paths is None or path in self.paths

    def _wait(self) -> None:
        if self._walk is None:
            self.start()
        self._walk.thread.join()

    # -- facts ------------------------------------------------------------------------

    def touches(self, path: str) -> list[Touch]:
        """Every commit that changed `path`, newest first."""
        self._wait()
        if not self._covered(path):
            raise KeyError(f"internal: the history was walked for other files than {path!r}")
        return self._walk.touches.get(path, [])

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
