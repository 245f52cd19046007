"""What `check` needs from git, from one streamed pass over the history.

`check` inside a repository reads two kinds of facts from history: which commit added
each approval (its author proves who approved, PL901/PL902), and which commits changed a
charter, with their dates (a change of a freeze field dated inside a freeze window is
PL202). Both come from **one** `git log --raw` over the configured paths, started in the
background as soon as the workspace is opened, so git walks the history on the second
core while the documents are parsed on the first; never one git walk per pilot or per
approval (a literal path per charter makes git slow down with the square of their
number). Commit dates are filtered here, not with `git log --since`, which stops at the
first older commit and so could miss a commit back-dated behind it.

Uncommitted work is told apart by blob ids: a document whose bytes are not the blob the
HEAD commit holds at its path has no commit behind it yet.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, replace

from pilotlint.history.git import Commit, GitError, Repo


@dataclass(frozen=True, slots=True)
class Touch:
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


class History:
    def __init__(self, repo: Repo, head: str, prefixes: list[str]):
        self.repo, self.head = repo, head
        self.prefixes = prefixes
        self._touches: dict[str, list[Touch]] = {}
        self._tree: dict[str, str] | None = None
        self.error: str | None = None
        self._thread = threading.Thread(target=self._read, name="pilotlint-history", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for sequence, commit in enumerate(self.repo.iter_commits(None, self.head, self.prefixes)):
                slim = replace(commit, changes=())
                for change in commit.changes:
                    if change.path.endswith((".yaml", ".yml")):
                        self._touches.setdefault(change.path, []).append(
                            Touch(slim, sequence, change.status, change.old_oid, change.new_oid))
        except GitError as exc:
            self.error = str(exc)
        except Exception as exc:  # a damaged repository: judged as unknown, said once
            self.error = f"{type(exc).__name__}: {exc}"

    def _wait(self) -> None:
        self._thread.join()

    # -- facts ------------------------------------------------------------------------

    def touches(self, path: str) -> list[Touch]:
        """Every commit that changed `path`, newest first."""
        self._wait()
        return self._touches.get(path, [])

    def committed_oid(self, path: str) -> str | None:
        """The blob HEAD holds at `path` (None: not committed)."""
        if self._tree is None:
            try:
                self._tree = {e.path: e.oid for e in self.repo.tree(self.head, self.prefixes) if e.type == "file"}
            except GitError:
                self._tree = {}
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
