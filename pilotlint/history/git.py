"""All access to git goes through this module.

What holds for every git command pilotlint runs:

- **No option injection.** Refs are resolved to commit ids before anything else uses them
  (a ref such as `--output=/tmp/x` is refused before git sees it), paths always follow
  `--`, and pathspecs are literal (`--literal-pathspecs`): a file named `:(glob)**` or
  `*` is that file, never a pattern.
- **No program the repository configures.** `.git/config` of a repository someone else
  set up may name programs (`core.fsmonitor`, `diff.external`, `gpg.program`,
  `gpg.ssh.program`, `filter.*.clean`, ...). pilotlint runs only plumbing that reads
  objects (`rev-parse`, `ls-tree`, `cat-file --batch`, `log --raw`, `merge-base`), never
  `status` or anything that touches the work tree or the index, and pins on the command
  line (where it wins over every config file) each setting that would make those run a
  program: the monitor, external diff drivers and text conversion off, and the signature
  verifiers of `log --format=%G?` set to the standard tools by name.
- **Identities read raw.** `%an`/`%ae` with `--no-mailmap`: a `.mailmap` file is something
  a pull request controls.
- **The objects as they are.** Replace refs and grafts are ignored.
- **Exact file names.** Names are read with `-z` and kept as the bytes git stored
  (decoded with `surrogateescape`, so a name that is not UTF-8 round-trips exactly).
- **One writer.** The only place that writes is `NewRepo` (`pilotlint demo` makes a
  repository of its own): it runs without the user's global or system configuration,
  hooks or commit signing.
- **Streams, not lists.** `git log` is read as it comes, and blobs go through one
  `git cat-file --batch` process; memory does not grow with the length of history.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

_GIT_OPTIONS = (
    "--no-pager",
    "--literal-pathspecs",
    "-c", "core.quotepath=off",
    "-c", "core.fsmonitor=false",
    "-c", "core.untrackedCache=false",
    "-c", "color.ui=never",
    "-c", "log.showSignature=false",
    "-c", "log.mailmap=false",
    "-c", "i18n.logOutputEncoding=UTF-8",
    "-c", "diff.external=",
    "-c", "gpg.program=gpg",
    "-c", "gpg.ssh.program=ssh-keygen",
    "-c", "gpg.x509.program=gpgsm",
)
_HEX = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
_ZERO = re.compile(r"0+\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][0-9:.+\-Z]*)?\Z")
# %G? letters: G good; B bad; U good, unknown validity; X/Y expired signature/key; R revoked
# key; E cannot be checked (missing key or allowed-signers file); N no signature.
_SIGNATURES = {"G": "good", "N": "none", "": "none"}
_LOG_FORMAT = "%H%x00%P%x00%an%x00%ae%x00%aI%x00%cI%x00%B"
_SIGNED_FORMAT = "%H%x00%P%x00%an%x00%ae%x00%aI%x00%cI%x00%G?%x00%GS%x00%B"
# ls-tree modes: a file, an executable file, a symbolic link, a submodule (gitlink)
_MODES = {b"100644": "file", b"100755": "file", b"120000": "symlink", b"160000": "submodule"}


class GitError(Exception):
    """Git cannot do what was asked: the message is for `pilotlint: error: ...`, exit 2."""


class FileChange(NamedTuple):
    """One path changed by a commit (from `git log --raw --no-renames`).

    For a merge commit (`-c`), only paths that differ from every parent are listed: what
    the merge itself changed. `old_oid` is then the first parent's version."""

    status: str        # A added, M modified, D deleted, T type changed
    path: str
    old_oid: str | None  # None when the file did not exist before (A)
    new_oid: str | None  # None when the file no longer exists (D)
    old_mode: str = ""
    new_mode: str = ""


class Commit(NamedTuple):
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_date: str          # ISO 8601 with offset (%aI)
    committer_date: str       # ISO 8601 with offset (%cI): when the commit says it was made
    subject: str
    body: str                 # the message after the subject (may be empty)
    signature: str = "none"   # good | bad | none (anything but %G? = G is not good); only with signatures
    signer: str | None = None  # %GS, None without a signature
    signature_code: str = "N"  # the raw %G? letter
    changes: tuple[FileChange, ...] = ()

    @property
    def message(self) -> str:
        return f"{self.subject}\n\n{self.body}".strip() if self.body else self.subject

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(change.path for change in self.changes)


class TreeEntry(NamedTuple):
    """One entry of a commit's tree: its repository path, what it is, its blob id and size."""

    path: str          # exact (surrogateescape for bytes that are not UTF-8)
    type: str          # file | symlink | submodule
    oid: str
    size: int          # -1 for a submodule


class OversizedBlob(bytes):
    """Stands in for a blob larger than a read's `max_bytes`: empty, with its `size`."""

    size: int

    def __new__(cls, size: int):
        blob = super().__new__(cls, b"")
        blob.size = size
        return blob


def find_toplevel(start: Path) -> Path | None:
    """The work tree that contains `start`, found without running git."""
    # the folder is resolved, not the file: a file may be a symbolic link (even a loop)
    try:
        directory = (start if start.is_dir() else start.parent).resolve()
    except (OSError, RuntimeError):
        return None
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def open_quietly(root: Path) -> "Repo | None":
    """A repository handle for the checks that read history, or None outside git.

    None as well when git is missing, the repository has no commits, or it is not
    trusted (`safe.directory`): the checks that need history are then skipped, and in
    the last case a warning on stderr says so (never a silent pass).
    """
    if find_toplevel(Path(root)) is None:
        return None
    try:
        return Repo.open(Path(root))
    except GitError as exc:
        if "safe.directory" in str(exc):
            import sys

            sys.stderr.write(f"pilotlint: warning: {exc}; checks that read history (PL202, PL901, PL902) "
                             "were skipped\n")
        return None


def _environment(literal: bool = True) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in _KEEP_ENV}
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["GIT_PAGER"] = "cat"
    env["GIT_LITERAL_PATHSPECS"] = "1" if literal else "0"
    # the objects as they are: `refs/replace/*` and a graft file would let whoever set up
    # the repository show pilotlint another commit's tree or parents in place of the real ones
    env["GIT_NO_REPLACE_OBJECTS"] = "1"
    env["GIT_GRAFT_FILE"] = os.devnull
    env.setdefault("LC_ALL", "C")       # messages we recognise are git's English ones
    return env


# The user's own git environment that reading needs (where the repository and its objects
# are); GIT_EXTERNAL_DIFF, GIT_CONFIG_PARAMETERS and the like are dropped.
_KEEP_ENV = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_EXEC_PATH",
             "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM",
             "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_SYSTEM", "GIT_COMMON_DIR"}


def _check_ref(ref) -> str:
    if not isinstance(ref, str) or not ref.strip():
        raise GitError("an empty ref was given; name a branch, tag or commit id")
    if ref.startswith("-"):
        raise GitError(f"{ref!r} is not a ref: a ref may not begin with '-' (it would be read as an option)")
    if any(c in ref for c in "\0\n\r"):
        raise GitError(f"{ref!r} is not a ref: it contains a control character")
    return ref


def _check_sha(sha: str) -> str:
    if not isinstance(sha, str) or not _HEX.match(sha):
        raise GitError(f"internal: {sha!r} is not a resolved commit id (call Repo.resolve first)")
    return sha


def _check_paths(paths: Iterable[str] | None) -> list[str]:
    out = []
    for path in paths or ():
        path = str(path)
        if "\0" in path:
            raise GitError(f"{path!r} is not a path: it contains a NUL byte")
        out.append(path)
    return out


def _check_date(value: str, option: str) -> str:
    if not isinstance(value, str) or not _DATE.match(value):
        raise GitError(f"{option} {value!r} is not a date; use YYYY-MM-DD")
    return value


_GLOB_SPECIAL = re.compile(r"([*?\[\]\\])")


def glob_escape(text: str) -> str:
    """`text` matched literally inside a glob pattern (`*`, `?`, `[`, `]` and `\\` escaped)."""
    return _GLOB_SPECIAL.sub(r"\\\1", text)


def _pathspecs(paths: Iterable[str] | None, globs: bool) -> list[str]:
    """Literal paths (the global --literal-pathspecs), or patterns each under `:(glob)`
    magic: whatever a name holds, the pattern is the one the caller escaped."""
    checked = _check_paths(paths)
    return [f":(glob){p}" for p in checked] if globs else checked


def _path(data: bytes) -> str:
    """A file name exactly as git stored it."""
    return data.decode("utf-8", "surrogateescape")


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


class Repo:
    """A git work tree with at least one commit. Create it with `Repo.open(path)`."""

    def __init__(self, root: Path, git_dir: Path | None = None):
        self.root = Path(root)       # the work tree (what repository paths are relative to)
        self.git_dir = git_dir
        self._resolved: dict[str, str] = {}
        self._shallow: bool | None = None
        self._batch: _Batch | None = None

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str) -> "Repo":
        path = Path(path)
        start = path if path.is_dir() else path.parent
        if not start.exists():
            raise GitError(f"{path}: no such file or directory")
        probe = cls(start)
        # one git call in the common case: the work tree, the git folder and the HEAD commit
        quick = probe._call(["rev-parse", "--show-toplevel", "--absolute-git-dir", "HEAD^{commit}"])
        lines = _text(quick.stdout).splitlines()
        if quick.returncode == 0 and len(lines) == 3 and lines[0] and _HEX.match(lines[2]):
            repo = cls(Path(lines[0]), Path(lines[1]))
            repo._resolved["HEAD"] = lines[2]
            return repo
        proc = probe._call(["rev-parse", "--show-toplevel", "--absolute-git-dir"])
        if proc.returncode != 0:
            raise GitError(_explain_open_failure(start, _text(proc.stderr)))
        lines = _text(proc.stdout).splitlines()
        if len(lines) < 2 or not lines[0]:
            raise GitError(f"{start} is not inside a git work tree (a bare repository has no files to check)")
        repo = cls(Path(lines[0]), Path(lines[1]))
        head = repo._call(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])
        if head.returncode != 0:
            raise GitError(f"the git repository at {repo.root} has no commits yet; commit the pilot "
                           "documents first (git add pilots .pilotlint.yaml && git commit)")
        return repo

    # -- running git -----------------------------------------------------------------

    def _call(self, args: list[str], input: bytes | None = None) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(["git", *_GIT_OPTIONS, *args], cwd=self.root, env=_environment(),
                                  input=input, capture_output=True, stdin=None if input is not None
                                  else subprocess.DEVNULL)
        except FileNotFoundError:
            raise GitError("git is not installed (or not on PATH); pilotlint needs it to read history") from None
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}") from None

    def run(self, *args: str, input: bytes | None = None) -> bytes:
        """Run one git command (arguments already checked by the caller); its stdout."""
        proc = self._call(list(args), input=input)
        if proc.returncode != 0:
            message = _text(proc.stderr).strip().splitlines()
            detail = message[-1] if message else f"exit status {proc.returncode}"
            raise GitError(f"git {args[0] if args else ''} failed: {detail.removeprefix('fatal: ')}")
        return proc.stdout

    # -- refs and history ------------------------------------------------------------

    def resolve(self, ref: str) -> str:
        """The commit id a ref names. Refuses refs that begin with `-`; exit 2 when unknown."""
        ref = _check_ref(ref)
        if ref in self._resolved:
            return self._resolved[ref]
        proc = self._call(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"])
        sha = _text(proc.stdout).strip()
        if proc.returncode != 0 or not _HEX.match(sha):
            hint = ""
            if self.is_shallow():
                hint = (" This is a shallow clone, so older commits are missing: fetch the full history "
                        "(actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`).")
            raise GitError(f"unknown ref {ref!r}: no commit by that name in {self.root}.{hint}")
        self._resolved[ref] = sha
        return sha

    def ref_exists(self, ref: str) -> bool:
        try:
            self.resolve(ref)
            return True
        except GitError:
            return False

    def head(self) -> str:
        return self.resolve("HEAD")

    def is_shallow(self) -> bool:
        if self._shallow is None:
            out = _text(self.run("rev-parse", "--is-shallow-repository")).strip()
            self._shallow = out == "true"
        return self._shallow

    def require_full_history(self, base_sha: str | None = None) -> None:
        """Fail closed on a shallow clone: a cut-off history must never look like "no changes"."""
        if self.is_shallow():
            what = f" back to {base_sha[:12]}" if base_sha else ""
            raise GitError(f"the repository at {self.root} is a shallow clone, so its history{what} is cut off "
                           "and changes could be missed. Fetch the full history: in GitHub Actions set "
                           "`fetch-depth: 0` on actions/checkout; locally run `git fetch --unshallow`.")

    def merge_base(self, a: str, b: str) -> str | None:
        proc = self._call(["merge-base", _check_sha(a), _check_sha(b)])
        sha = _text(proc.stdout).strip()
        return sha if proc.returncode == 0 and _HEX.match(sha) else None

    def is_ancestor(self, a: str, b: str) -> bool:
        return self._call(["merge-base", "--is-ancestor", _check_sha(a), _check_sha(b)]).returncode == 0

    def default_branch(self, remote: str) -> str | None:
        """The branch a remote's HEAD points at (`origin/main`), or None when unknown."""
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", remote or ""):
            return None
        proc = self._call(["rev-parse", "--abbrev-ref", "--verify", "--quiet", "--end-of-options",
                           f"refs/remotes/{remote}/HEAD"])
        name = _text(proc.stdout).strip()
        return name if proc.returncode == 0 and name else None

    def iter_commits(self, base: str | None, head: str, paths: Iterable[str] | None = None,
                     since: str | None = None, until: str | None = None, *, diff_filter: str | None = None,
                     max_count: int | None = None, reverse: bool = False, merges: bool = True,
                     signatures: bool = False, topo: bool = False,
                     allowed_signers: Path | None = None, globs: bool = False) -> Iterator[Commit]:
        """Commits in `base..head` (all of head's history when base is None), newest first.

        Streams `git log` so that memory does not grow with history. Each commit carries the
        files it changed (limited to `paths`). A merge commit carries what the merge itself
        changed: the paths that differ from every parent (`-c`), so that an "evil merge"
        that adds content of its own is attributed to the merge's author and cannot borrow
        an earlier commit's. `since`/`until` are dates (committer date). `signatures` adds
        `%G?`/`%GS` (which verifies signatures with the standard tools, never a program
        named by the repository's configuration), SSH signatures against `allowed_signers`
        (a file pilotlint wrote; without one git cannot verify them and says `none`).
        """
        head = _check_sha(head)
        options = ["-c", f"gpg.ssh.allowedSignersFile={allowed_signers}"] if allowed_signers else []
        args = [*options, "log", "-z", "--raw", "--no-abbrev", "--no-renames", "--no-mailmap", "--no-relative",
                "--no-ext-diff", "--no-textconv", "--full-history",
                f"--format={_SIGNED_FORMAT if signatures else _LOG_FORMAT}"]
        if merges:
            args.append("-c")
        if topo:
            args.append("--topo-order")
        if since:
            args.append(f"--since={_check_date(since, '--since')}")
        if until:
            args.append(f"--until={_check_date(until, '--until')}")
        if diff_filter:
            if not re.fullmatch(r"[ACDMRTUXB]+", diff_filter):
                raise GitError(f"internal: bad diff filter {diff_filter!r}")
            args.append(f"--diff-filter={diff_filter}")
        if max_count is not None:
            args.append(f"--max-count={int(max_count)}")
        if reverse:
            args.append("--reverse")
        args.append(f"{_check_sha(base)}..{head}" if base else head)
        args.append("--")
        args.extend(_pathspecs(paths, globs))
        yield from self._stream_log(args, signatures, literal=not globs)

    def _stream_log(self, args: list[str], signatures: bool = False, literal: bool = True) -> Iterator[Commit]:
        options = _GIT_OPTIONS if literal else tuple(o for o in _GIT_OPTIONS if o != "--literal-pathspecs")
        try:
            proc = subprocess.Popen(["git", *options, *args], cwd=self.root, env=_environment(literal),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}") from None
        fields = 9 if signatures else 7
        args = list(args)
        finished = False
        try:
            tokens = _tokens(proc.stdout)
            pending = next(tokens, None)
            while pending is not None:
                header = [pending]
                for _ in range(fields - 1):
                    token = next(tokens, None)
                    if token is None:
                        raise GitError("git log ended in the middle of a commit; the repository may be damaged")
                    header.append(token)
                changes = []
                pending = next(tokens, None)
                while pending is not None and not pending.strip(b"\n"):  # a merge's combined diff adds a NUL
                    pending = next(tokens, None)
                while pending is not None and pending.lstrip(b"\n").startswith(b":"):
                    meta = pending.lstrip(b"\n")
                    name = next(tokens, None)
                    if name is None:
                        raise GitError("git log ended in the middle of a file list")
                    changes.append(_file_change(meta, name))
                    pending = next(tokens, None)
                yield _commit(header, changes, signatures)
            finished = True
        finally:
            if not finished:
                proc.kill()
            proc.stdout.close()
            stderr = proc.stderr.read()
            proc.stderr.close()
            code = proc.wait()
        if code != 0 and finished:
            detail = _text(stderr).strip().splitlines()
            raise GitError(f"git log failed: {(detail[-1] if detail else f'exit status {code}').removeprefix('fatal: ')}")

    def commit(self, sha: str) -> Commit:
        """One commit's metadata (without its file changes)."""
        for item in self._stream_log(["log", "-z", "--no-mailmap", f"--format={_LOG_FORMAT}", "--max-count=1",
                                      _check_sha(sha), "--"]):
            return item
        raise GitError(f"commit {sha} not found")

    # -- trees and blobs -------------------------------------------------------------

    def tree(self, sha: str, paths: Iterable[str] | None = None, *, sizes: bool = True) -> list[TreeEntry]:
        """Every entry under `paths` in the commit's tree (recursively): files, symbolic links
        and submodules, with their exact names (and sizes, unless `sizes` is False: -1)."""
        out = self.run("ls-tree", "-r", *(["-l"] if sizes else []), "-z", "--full-tree", _check_sha(sha), "--",
                       *_check_paths(paths))
        entries = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, name = record.partition(b"\t")
            parts = meta.split()
            if not sizes and len(parts) == 3:
                parts.append(b"-")
            if len(parts) != 4:
                raise GitError(f"unexpected line in git ls-tree's output: {_text(record)[:80]!r}")
            kind = _MODES.get(parts[0])
            if kind is None:
                raise GitError(f"git ls-tree listed {_text(name)!r} with the mode {_text(parts[0])}, which "
                               "pilotlint does not know")
            size = -1 if parts[3] == b"-" else int(parts[3])
            entries.append(TreeEntry(_path(name), kind, parts[2].decode("ascii"), size))
        return entries

    def read(self, sha: str, path: str, *, max_bytes: int | None = None) -> bytes | None:
        """A regular file's content at a commit, or None when no such file exists there."""
        entries = [e for e in self.tree(sha, [path]) if e.path == path and e.type == "file"]
        if not entries:
            return None
        return self.blobs().read(entries[0].oid, max_bytes=max_bytes)

    def blobs(self) -> "_Batch":
        """A long-lived `git cat-file --batch` for reading blobs."""
        if self._batch is None:
            self._batch = _Batch(self)
        return self._batch

    def close(self) -> None:
        if self._batch is not None:
            self._batch.close()
            self._batch = None

    def __enter__(self) -> "Repo":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):  # pragma: no cover - best effort
        try:
            self.close()
        except Exception:
            pass


# -- writing: a new repository (`pilotlint demo`) ---------------------------------------

# The user's own configuration must not shape what pilotlint writes: no global or system
# config (so no signing, templates or aliases from there), no hooks, no line-ending
# conversion, and the first branch is always `main`.
_WRITE_OPTIONS = (
    "-c", "commit.gpgsign=false",
    "-c", "tag.gpgsign=false",
    "-c", f"core.hooksPath={os.devnull}",
    "-c", "core.autocrlf=false",
    "-c", "core.safecrlf=false",
)


class Identity(NamedTuple):
    """Who makes a commit, and when (`date`: ISO 8601 with offset)."""

    name: str
    email: str
    date: str


def _write_environment(identity: Identity | None = None) -> dict:
    # Every inherited GIT_* variable goes: GIT_DIR or GIT_WORK_TREE from a hook that
    # runs pilotlint would make git write somewhere else than the new repository.
    env = {key: value for key, value in _environment().items() if not key.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0",
               GIT_OPTIONAL_LOCKS="0", GIT_PAGER="cat")
    if identity is not None:
        date = _check_date(identity.date, "a commit date")
        for role in ("AUTHOR", "COMMITTER"):
            env[f"GIT_{role}_NAME"], env[f"GIT_{role}_EMAIL"] = identity.name, identity.email
            env[f"GIT_{role}_DATE"] = date
    return env


class NewRepo(Repo):
    """A repository that pilotlint creates and commits to itself (the demo).

    Nothing reaches git as an argument that could be read as an option: the repository
    is the working directory, messages go through stdin, identities and dates through
    the environment, and branch names are checked like refs.
    """

    def __init__(self, root: Path):
        super().__init__(Path(root), Path(root) / ".git")
        self._identity: Identity | None = None

    @classmethod
    def init(cls, root: Path) -> "NewRepo":
        """`git init` in the existing folder `root`, with branch `main` and no templates."""
        repo = cls(root)
        repo.run("init", "--quiet", "--template=", "--initial-branch=main")
        return repo

    def _call(self, args: list[str], input: bytes | None = None) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(["git", *_GIT_OPTIONS, *_WRITE_OPTIONS, *args], cwd=self.root,
                                  env=_write_environment(self._identity), input=input, capture_output=True,
                                  stdin=None if input is not None else subprocess.DEVNULL)
        except FileNotFoundError:
            raise GitError("git is not installed (or not on PATH); pilotlint needs it to make a repository") from None
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}") from None

    def commit_all(self, message: str, identity: Identity) -> str:
        """Commit every change in the work tree as `identity` (author and committer, on its
        date); returns the new commit id."""
        if not message.strip():
            raise GitError("internal: a commit needs a message")
        self.run("add", "--all", "--", ".")
        self._identity = identity
        try:
            self.run("commit", "--quiet", "--no-verify", "--allow-empty", "--cleanup=whitespace", "--file=-",
                     input=message.encode("utf-8"))
        finally:
            self._identity = None
        self._resolved.clear()
        return self.head()

    def switch(self, branch: str, *, create: bool = False) -> None:
        """Check out `branch`; with `create`, make it first at the current commit."""
        _check_ref(branch)
        if self._call(["check-ref-format", "--branch", branch]).returncode != 0:
            raise GitError(f"{branch!r} is not a valid branch name")
        self.run("switch", "--quiet", *(["--create"] if create else []), branch)
        self._resolved.clear()


class _Batch:
    """One `git cat-file --batch` process: no filters, no text conversion, just objects."""

    def __init__(self, repo: Repo):
        try:
            self.proc = subprocess.Popen(["git", *_GIT_OPTIONS, "cat-file", "--batch"], cwd=repo.root,
                                         env=_environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL)
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}") from None

    def read(self, oid: str, max_bytes: int | None = None) -> bytes | None:
        """The object's content; None when missing; `OversizedBlob` above `max_bytes`."""
        return self.read_many([oid], max_bytes).get(oid)

    def _answer(self, oid: str, max_bytes: int | None) -> bytes | None:
        stdout = self.proc.stdout
        try:
            header = stdout.readline().split()
        except OSError:
            raise GitError("git cat-file stopped unexpectedly") from None
        if len(header) == 2 and header[1] == b"missing":
            return None
        if len(header) != 3 or header[0].decode("ascii", "replace") != oid:
            raise GitError(f"git cat-file returned an unexpected answer for {oid}")
        size = int(header[2])
        if max_bytes is not None and size > max_bytes:
            left = size + 1
            while left:  # skip the content without holding it
                chunk = stdout.read(min(left, 1 << 20))
                if not chunk:
                    raise GitError("git cat-file stopped unexpectedly")
                left -= len(chunk)
            return OversizedBlob(size)
        data = stdout.read(size)
        stdout.read(1)
        return data

    def read_many(self, oids: Iterable[str], max_bytes: int | None = None) -> dict[str, bytes | None]:
        """Several objects in one round trip (requests go out in chunks that fit a pipe buffer,
        so that git's answers never wait for our questions)."""
        wanted = [o for o in dict.fromkeys(oids) if isinstance(o, str) and _HEX.match(o) and not _ZERO.match(o)]
        out: dict[str, bytes | None] = {}
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start:start + 1000]
            try:
                self.proc.stdin.write("".join(f"{o}\n" for o in chunk).encode("ascii"))
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError):
                raise GitError("git cat-file stopped unexpectedly") from None
            for oid in chunk:
                out[oid] = self._answer(oid, max_bytes)
        return out

    def close(self) -> None:
        proc = self.proc
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def _tokens(stream) -> Iterator[bytes]:
    """NUL-separated tokens of a stream, read in chunks."""
    rest = b""
    while True:
        chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
        if not chunk:
            break
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    rest = rest.strip(b"\n")
    if rest:
        yield rest


def _file_change(meta: bytes, name: bytes) -> FileChange:
    # ":100644 100644 OLD NEW M", or for a merge with -c "::100644 100644 100644 OLD1 OLD2 NEW MM"
    colons = len(meta) - len(meta.lstrip(b":"))
    parts = meta[colons:].split()
    parents = colons
    if len(parts) != 2 * (parents + 1) + 1:
        raise GitError(f"unexpected line in git's output: {_text(meta)!r}")
    modes, oids, status = parts[:parents + 1], parts[parents + 1:2 * parents + 2], _text(parts[-1])
    old, new = _text(oids[0]), _text(oids[-1])
    code = status[:1]
    if parents > 1:  # a merge: "A" when new to every parent, "D" when gone, else modified
        code = "A" if all(s == "A" for s in status) else "D" if _ZERO.match(new) else "M"
    return FileChange(code, _path(name), None if _ZERO.match(old) else old, None if _ZERO.match(new) else new,
                      _text(modes[0]), _text(modes[-1]))


def _commit(header: list[bytes], changes: list[FileChange], signatures: bool) -> Commit:
    values = [_text(h) for h in header]
    if signatures:
        sha, parents, name, email, adate, cdate, code, signer, message = values
    else:
        sha, parents, name, email, adate, cdate, message = values
        code, signer = "N", ""
    sha = sha.lstrip("\n")
    if not _HEX.match(sha):
        raise GitError(f"unexpected output from git log: {sha[:60]!r}")
    subject, _, body = message.strip("\n").partition("\n\n")
    subject = " ".join(subject.split("\n")).strip()
    return Commit(sha, tuple(parents.split()), name, email, adate, cdate, subject, body.strip("\n"),
                  _SIGNATURES.get(code, "bad"), signer or None, code or "N", tuple(changes))


def _explain_open_failure(start: Path, stderr: str) -> str:
    if "dubious ownership" in stderr or "safe.directory" in stderr:
        top = find_toplevel(start) or start
        return (f"git refuses to read {top}: the repository is owned by another user (\"dubious ownership\"). "
                f"If you trust it, run: git config --global --add safe.directory {top}")
    if "not a git repository" in stderr.lower():
        return f"{start} is not inside a git repository (this command reads git history; run it in a clone)"
    detail = stderr.strip().splitlines()
    return f"cannot open the git repository at {start}: {detail[-1] if detail else 'git failed'}"
