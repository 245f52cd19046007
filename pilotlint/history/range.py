"""A pull request as the gate sees it: two complete workspaces and what changed between them.

`Range(repo, base, head)` reads the configuration from the **base** commit (at the
repository root, or the path `--config` names: never through the work tree), and builds
two workspaces from git objects: the tree where the pull request forked from the base
(their merge base) and the head's tree, each indexed whole (every document under the
configured paths, identified by parsing). It then matches the documents that differ:
charters and rollback plans by pilot id, notes by pilot and week, approvals by their
content (signed fields and signature); and for each pilot the range touches, a
`PilotDelta`: the pilot at base and at head, the semantic changes, who must approve
(from the *base*: the owner, for a change of owner the previous owner or the oversight
person, for a rename the old pilot's owner, for a new pilot on a team or region another
pilot covers that pilot's owner too), and every decision on it (approvals added in the
range can approve; those already in the base only block when newer).

The gate's rules (`pilotlint.rules.gate`, PL901/PL902 in `pilotlint.rules.approvals`)
read these; the head workspace is checked by the same engine as `check`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from pilotlint.documents.config import APPROVALS_DIR, CONFIG_NAME, Config, ConfigError, load_config
from pilotlint.documents.model import Document, Pilot
from pilotlint.documents.source import FILE, GitTree, display, normalise
from pilotlint.documents.values import text
from pilotlint.documents.workspace import BROKEN, OURS, Workspace
from pilotlint.history import approvals as appr
from pilotlint.history.git import Commit, Repo
from pilotlint.history.semdiff import CONTRACTION, EXPANSION, Change, diff_documents


@dataclass(frozen=True)
class Group:
    """People any one of whom must approve, and why they must."""

    allowed: frozenset
    why: str

    def words(self) -> str:
        return self.why


@dataclass
class PilotDelta:
    id: str
    base: Pilot | None
    head: Pilot | None
    changes: list[Change] = field(default_factory=list)
    origin: str | None = None                  # renamed from this base pilot id
    renamed_to: str | None = None              # this base pilot became that head pilot
    groups: list[Group] = field(default_factory=list)
    decisions: list[appr.Decision] = field(default_factory=list)
    removed_decisions: list[Document] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # notes or drills rewritten in the range
    expected: str = ""                         # the hash an approval of this range must cover

    @property
    def charter(self) -> Document | None:
        return self.head.charter if self.head else None

    @property
    def base_charter(self) -> Document | None:
        return self.base.charter if self.base else None

    @property
    def expansions(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "Charter" and c.class_ == EXPANSION]

    @property
    def gated(self) -> list[Change]:
        """Changes that need an approval: gated charter changes that do not only narrow."""
        return [c for c in self.changes if c.kind == "Charter" and c.gated and c.class_ != CONTRACTION]

    @property
    def needs_approval(self) -> bool:
        return bool(self.gated or self.removed_decisions or self.evidence) and self.renamed_to is None

    def allowed(self) -> set:
        return {p for g in self.groups for p in g.allowed}


@dataclass
class ConfigDelta:
    rel: str
    changed: bool
    problem: str | None
    base_data: object
    head_data: object
    expected: str
    decisions: list[appr.Decision] = field(default_factory=list)
    removed_decisions: list[Document] = field(default_factory=list)
    doc: Document | None = None


class Range:
    def __init__(self, repo: Repo, base: str, head: str, *, config_rel: str = CONFIG_NAME, today: date,
                 merge_base: bool = True, config_at: str | None = None):
        """`merge_base`: compare head with where it forked from base (a pull request), or
        with base itself (`diff`); `config_at`: the commit whose configuration decides
        (the base, unless said otherwise)."""
        self.repo, self.base_sha, self.head_sha, self.today = repo, base, head, today
        repo.require_full_history(base)
        self.fork = (repo.merge_base(base, head) or base) if merge_base else base
        # A branch that lacks base's latest commits is judged against base as it is now, not
        # where it forked: what base decided since (a newer decision, a freeze, a pilot on the
        # same ground) holds for the merge, so what the branch does not have counts as undone.
        self.stale = self.fork != base
        if self.stale:
            self.fork = base
        rel = normalise(config_rel)
        if rel is None or rel == ".":
            raise ConfigError("the configuration must be a file inside the repository", config_rel)
        self.config_rel = rel
        base_tree = GitTree(repo, config_at or base)
        self.problems: list = []
        self.config = self._base_config(base_tree)
        cache: dict = {}        # both sides share most blobs: each is identified and parsed once
        identities: dict = {}
        self.base = Workspace(GitTree(repo, self.fork), self.config, today, cache=cache, identities=identities)
        self.head = Workspace(GitTree(repo, head), self.config, today, cache=cache, identities=identities)
        for ws in (self.base, self.head):
            ws.keep = True
            ws.scan()
        self.head.problems.extend(self.problems)
        self.head.range = self
        self._introducers: dict[str, tuple[int, Commit]] | None = None
        self._past: set[str] | None = None
        self.changed_paths = self._changed_paths()
        self.deltas: dict[str, PilotDelta] = {}
        self._diff()
        self._unreadable_in_base()
        self.all_unowned = list(self.head.unowned)
        self.head.unowned = [p for p in self.head.unowned if p in self.changed_paths]
        self.config_delta = self._config_delta(base_tree)

    # -- reading ------------------------------------------------------------------------

    def _base_config(self, tree: GitTree) -> Config:
        entry = tree.entry(self.config_rel)
        if entry is None:
            return Config()  # defaults: no people, so no approval can count (fail closed)
        if entry.type != FILE:  # nothing is read through it, and with no people nothing can be approved
            from pilotlint.documents.source import not_a_file_message
            from pilotlint.findings import Finding

            self.problems.append(Finding("PL013", "error", display(self.config_rel), 1, 1, None,
                                         "the base configuration: " + not_a_file_message(entry.type)))
            return Config()
        try:
            return load_config(tree, self.config_rel)
        except ConfigError as exc:
            raise ConfigError(f"the base configuration cannot be used: {exc}") from None

    def _changed_paths(self) -> set[str]:
        base, head = self.base.slots, self.head.slots
        out = set()
        for path in set(base) | set(head):
            a, b = base.get(path), head.get(path)
            if a is None or b is None or a.entry.oid != b.entry.oid or a.entry.type != b.entry.type:
                out.add(path)
        return out

    def _unreadable_in_base(self) -> None:
        """A pull request that changes or deletes a document the base cannot read (malformed,
        not UTF-8, too large, a link, a submodule) cannot be judged: nobody can tell what the
        document said or whose pilot it was, so its replacement could hand any pilot to
        anyone. It blocks; the repair belongs on the base branch, by whoever may merge past
        the gate."""
        from pilotlint.findings import Finding

        for path in sorted(self.changed_paths):
            slot = self.base.slots.get(path)
            if slot is None or slot.state != BROKEN:
                continue
            shown = display(path)
            why = next((f"{f.rule}: {f.message}" for f in self.base.problems if f.path == shown), "it cannot be read")
            self.head.problems.append(Finding(
                "PL801", "error", shown, 1, 1, self._pilot_of(self.head, path),
                f"this pull request changes {shown}, whose copy in the base cannot be read ({why}), so the gate "
                "cannot tell what it said or whose pilot it belongs to; repair the file on the base branch first "
                "(by someone who may merge past the gate), then open this pull request again"))

    # -- the semantic diff, pilot by pilot ----------------------------------------------

    def _pilot_of(self, ws: Workspace, path: str) -> str | None:
        slot = ws.slots.get(path)
        return slot.pilot if slot is not None and slot.state == OURS else None

    def _diff(self) -> None:
        touched: set[str] = set()
        for path in self.changed_paths:
            for ws in (self.base, self.head):
                pilot = self._pilot_of(ws, path)
                if pilot:
                    touched.add(pilot)
        renames = self._renames(touched)
        touched |= set(renames) | set(renames.values())
        for pilot_id in sorted(touched):
            delta = PilotDelta(pilot_id, self.base.pilot(pilot_id), self.head.pilot(pilot_id))
            delta.origin = renames.get(pilot_id)
            self.deltas[pilot_id] = delta
        for new, old in renames.items():
            if old not in self.head.by_pilot:
                self.deltas[old].renamed_to = new
        for delta in self.deltas.values():
            self._fill(delta)

    def _folders(self, ws: Workspace) -> dict[str, str]:
        """The folder of each pilot's charter (its home) in a workspace."""
        out = {}
        for pilot_id in ws.pilot_ids():
            paths = ws.charter_paths(pilot_id)
            if paths:
                out[pilot_id] = paths[0].rsplit("/", 1)[0] if "/" in paths[0] else "."
        return out

    def _renames(self, touched: set[str]) -> dict[str, str]:
        """New pilot id at head -> the base pilot whose charter file or folder it took over
        (a rename, or a second pilot moved into another's home: that pilot's owner decides)."""
        base_homes = self._folders(self.base)
        base_charters = {p: pilot for pilot in self.base.pilot_ids() for p in self.base.charter_paths(pilot)}
        out = {}
        for pilot_id in sorted(touched):
            if pilot_id in self.base.by_pilot:
                continue
            for path in self.head.charter_paths(pilot_id):
                folder = path.rsplit("/", 1)[0] if "/" in path else "."
                old = base_charters.get(path) or next((p for p, home in sorted(base_homes.items())
                                                       if home == folder and home != "."), None)
                if old and old != pilot_id:
                    out[pilot_id] = old
                    break
        return out

    def _fill(self, delta: PilotDelta) -> None:
        base, head = delta.base, delta.head
        origin = self.base.pilot(delta.origin) if delta.origin else None
        base_charter = base.charter if base else origin.charter if origin else None
        head_charter = head.charter if head else None
        # charters by pilot id, rollback plans by pilot, notes by week, approvals by content
        new_class = None
        if head_charter is not None and base_charter is None:
            new_class = self._new_charter_class(delta.id, head_charter)
        if delta.origin and head_charter is not None:
            new_class = (EXPANSION, f"a rename: the pilot {delta.origin} is now {delta.id}")
        old_data = base.charter.data if base and base.charter else None
        if head_charter is not None or old_data is not None:
            if not (delta.renamed_to and head_charter is None):
                delta.changes += diff_documents(old_data, head_charter.data if head_charter else None,
                                                path=(head_charter or base.charter).shown, pilot=delta.id,
                                                new_charter_class=new_class)
        delta.changes += self._pair(base.rollback if base else None, head.rollback if head else None)
        notes_b = {n.get("week"): n for n in (base.notes if base else []) if isinstance(n.get("week"), str)}
        notes_h = {n.get("week"): n for n in (head.notes if head else []) if isinstance(n.get("week"), str)}
        for week in sorted(set(notes_b) | set(notes_h)):
            before, after = notes_b.get(week), notes_h.get(week)
            if before is not None and (before.oid != (after.oid if after else None)):
                changed = self._pair(before, after)
                delta.changes += changed
                if after is None:
                    delta.evidence.append(f"the note of {week} ({before.shown}) is deleted")
                elif any(c.top in ("metrics", "spend") for c in changed):
                    delta.evidence.append(f"readings or spend of the note of {week} ({after.shown}) are rewritten")
            elif after is not None and before is None:
                delta.changes += self._pair(None, after)
        self._drills(delta)
        self._decisions(delta, base_charter, head_charter)
        delta.groups = self._groups(delta, base_charter, head_charter)
        delta.expected = appr.charter_hash(head_charter.data if head_charter else None)

    def _pair(self, before: Document | None, after: Document | None) -> list[Change]:
        if before is None and after is None:
            return []
        if before is not None and after is not None and before.oid == after.oid:
            return []
        return diff_documents(before.data if before else None, after.data if after else None,
                              path=(after or before).shown)

    def _drills(self, delta: PilotDelta) -> None:
        """A drill removed or rewritten is a rewritten record of evidence (adding one is not)."""
        before = delta.base.rollback if delta.base else None
        after = delta.head.rollback if delta.head else None
        if before is None:
            return
        if after is None:
            delta.evidence.append(f"the rollback plan {before.shown} is deleted")
            return
        old, new = before.get("drills"), after.get("drills")
        old = [d for d in old if isinstance(d, dict)] if isinstance(old, list) else []
        new = new if isinstance(new, list) else []
        for drill in old:
            if not any(appr.canonical_json(drill) == appr.canonical_json(d) for d in new):
                delta.evidence.append(f"the drill of {drill.get('on')} in {after.shown} is removed or rewritten")

    def _new_charter_class(self, pilot_id: str, charter: Document) -> tuple[str, str] | None:
        """A new pilot for a team or region that an existing pilot covers widens that pilot's ground."""
        mine = _territory(charter.data)
        for other in self._overlaps(pilot_id, mine):
            return EXPANSION, f"a new pilot for a team or region that {other} already covers"
        return None

    def _overlaps(self, pilot_id: str, mine: dict) -> list[str]:
        out = []
        for other in self.base.pilot_ids():
            if other == pilot_id:
                continue
            for path in self.base.charter_paths(other):
                doc = self.base.document(path)
                if doc is not None and _overlap(mine, _territory(doc.data)):
                    out.append(other)
                    break
        return out

    # -- who decides ----------------------------------------------------------------------

    def _groups(self, delta: PilotDelta, base_charter: Document | None, head_charter: Document | None) -> list[Group]:
        groups = []
        if base_charter is not None:
            owner, oversight = _person(base_charter.get("owner")), _person(base_charter.get("oversight"))
            changed_hands = head_charter is None or delta.origin is not None or any(
                base_charter.get(k) != head_charter.get(k) for k in ("owner", "authority", "oversight"))
            name = delta.origin or delta.id
            if changed_hands:
                what = ("the pilot is deleted" if head_charter is None else f"the pilot {name} is renamed"
                        if delta.origin else "the owner, authority or oversight changes")
                groups.append(Group(frozenset(p for p in (owner, oversight) if p),
                                    f"{what}, so the previous owner ({owner or 'none'}) or the oversight person "
                                    f"({oversight or 'none'}) of {name} must approve"))
            else:
                groups.append(Group(frozenset({owner} if owner else ()),
                                    f"the owner ({owner or 'none'}) must approve"))
        elif head_charter is not None:
            owner = _person(head_charter.get("owner"))
            groups.append(Group(frozenset({owner} if owner else ()),
                                f"the new pilot's owner ({owner or 'none'}) must approve"))
            for other in self._overlaps(delta.id, _territory(head_charter.data)):
                theirs = self.base.pilot(other)
                other_owner = _person(theirs.charter.get("owner")) if theirs and theirs.charter else None
                groups.append(Group(frozenset({other_owner} if other_owner else ()),
                                    f"the new pilot covers a team or region of {other}, so {other}'s owner "
                                    f"({other_owner or 'none'}) must approve too"))
        return groups

    def _decisions(self, delta: PilotDelta, base_charter, head_charter) -> None:
        base_docs = [d for d in (delta.base.approvals if delta.base else []) if appr.approval_target(d.data) == "charter"]
        head_docs = [d for d in (delta.head.approvals if delta.head else []) if appr.approval_target(d.data) == "charter"]
        delta.decisions, delta.removed_decisions = self._judge_docs(base_docs, head_docs)

    def _judge_docs(self, base_docs, head_docs):
        base_keys = {appr.content_key(d.data) for d in base_docs}
        head_keys = {appr.content_key(d.data) for d in head_docs}
        decisions = [appr.make_decision(d, fresh=False, sequence=0, author_email=None) for d in base_docs]
        for doc in head_docs:
            key = appr.content_key(doc.data)
            if key in base_keys:
                continue  # the same decision as one already in the base: it approves nothing new
            if key in self._past_decisions():
                continue  # a decision the base once held and let go: replayed, it decides nothing new
            order, commit = self.introducer(doc)
            decisions.append(appr.make_decision(doc, fresh=True, sequence=1 + order,
                                                author_email=commit.author_email if commit else None))
        removed = [d for d in base_docs if appr.content_key(d.data) not in head_keys]
        return decisions, removed

    def _past_decisions(self) -> set[str]:
        """Every decision an approval file in base's history ever held (under a configured
        path's `**/approvals/` folders, and the configuration's approvals): a pull request
        that brings one back (deleted or superseded on base, then copied in again under any
        name) replays an old decision, which approves nothing. Read once, and only when the
        range adds an approval."""
        if self._past is not None:
            return self._past
        from pilotlint.history.decisionlog import parse_document
        from pilotlint.history.git import glob_escape

        folder = self.config.folder
        config_dir = APPROVALS_DIR if folder == "." else f"{folder}/{APPROVALS_DIR}"
        specs = [f"{'' if prefix == '.' else glob_escape(prefix) + '/'}**/approvals/*"
                 for prefix in self.config.prefixes() if prefix != config_dir]
        specs.append(glob_escape(config_dir) + "/*")
        oids = set()
        for commit in self.repo.iter_commits(None, self.base_sha, specs, globs=True):
            oids.update(change.new_oid for change in commit.changes
                        if change.new_oid and change.status != "D" and change.path.endswith((".yaml", ".yml")))
        past = set()
        raw = self.repo.blobs().read_many(sorted(oids), max_bytes=self.config.limits["max_file_bytes"])
        for oid in sorted(oids):
            data, _problem = parse_document(raw.get(oid), self.config.limits)
            if data is not None and data.get("kind") == "Approval":
                past.add(appr.content_key(data))
        self._past = past
        return past

    def introducer(self, doc: Document) -> tuple[int, Commit | None]:
        """The commit of the range that brought this version of the file (what a merge
        changed itself is the merge's), and its place (older commits come first)."""
        if self._introducers is None:
            self._introducers = self._find_introducers()
        return self._introducers.get(doc.path, (0, None))

    def _find_introducers(self) -> dict[str, tuple[int, Commit]]:
        wanted = {}
        for path in self.changed_paths:
            slot = self.head.slots.get(path)
            if slot is not None and slot.state == OURS and slot.kind == "Approval":
                wanted[path] = slot.entry.oid
        if not wanted:
            return {}
        commits = list(self.repo.iter_commits(self.base_sha, self.head_sha, sorted(wanted), topo=True))
        found: dict[str, tuple[int, Commit]] = {}
        total = len(commits)
        for index, commit in enumerate(commits):  # newest first
            for change in commit.changes:
                if change.path in wanted and change.path not in found and change.new_oid == wanted[change.path]:
                    found[change.path] = (total - index, commit)
        return found

    # -- the configuration ----------------------------------------------------------------

    def _config_delta(self, base_tree: GitTree) -> ConfigDelta:
        rel = self.config_rel
        head_tree = GitTree(self.repo, self.head_sha)
        base_entry, head_entry = base_tree.entry(rel), head_tree.entry(rel)
        problem, head_config = None, None
        if head_entry is not None:
            if head_entry.type != FILE:
                from pilotlint.documents.source import not_a_file_message
                from pilotlint.findings import Finding

                problem = ("it is not a regular file at head (a symbolic link, a submodule or a name its tree "
                           "lists twice)")
                self.head.problems.append(Finding("PL013", "error", display(rel), 1, 1, None,
                                                  not_a_file_message(head_entry.type)))
            else:
                try:
                    head_config = load_config(head_tree, rel)
                except ConfigError as exc:
                    problem = str(exc)
        base_data = self.config.data
        head_data = head_config.data if head_config else None
        base_policies = _policy_data(self.config)
        head_policies = _policy_data(head_config) if head_config else {}
        changed = problem is not None or (base_entry is None) != (head_entry is None) or \
            appr.canonical_json(base_data or {}) != appr.canonical_json(head_data or {}) or \
            appr.canonical_json(base_policies) != appr.canonical_json(head_policies)
        folder = self.config.folder
        approvals_dir = APPROVALS_DIR if folder == "." else f"{folder}/{APPROVALS_DIR}"
        base_docs = self._config_approvals(self.base, approvals_dir)
        head_docs = self._config_approvals(self.head, approvals_dir)
        decisions, removed = self._judge_docs(base_docs, head_docs)
        delta = ConfigDelta(rel, changed or bool(removed), problem, base_data, head_data,
                            appr.config_hash(head_data, head_policies), decisions, removed)
        delta.doc = Document(rel, "Config", head_data if isinstance(head_data, dict) else None)
        return delta

    def _config_approvals(self, ws: Workspace, folder: str) -> list[Document]:
        out = []
        for path, slot in ws.slots.items():
            if slot.state == OURS and slot.kind == "Approval" and (path.startswith(folder + "/") or not slot.pilot):
                doc = ws.document(path)
                if doc is not None and appr.approval_target(doc.data) == "config":
                    out.append(doc)
        return out

    # -- questions of the engine ------------------------------------------------------------

    def override_path(self, finding) -> str | None:
        """Where a finding's file lived at base, for the base config's path overrides."""
        delta = self.deltas.get(finding.pilot) if finding.pilot else None
        if delta is None:
            return finding.path
        source = self.base.pilot(delta.origin) if delta.origin else delta.base
        if source is None or source.charter is None or delta.head is None or delta.head.charter is None:
            return finding.path
        old, new = source.charter.folder, delta.head.charter.folder
        if old == new:
            return finding.path
        if finding.path.startswith(display(new) + "/"):
            return display(old) + finding.path[len(display(new)):]
        return display(source.charter.path)

    def expansion_json(self) -> list[dict]:
        out = []
        for delta in self.deltas.values():
            for change in delta.expansions:
                out.append({"pilot": change.pilot, "path": change.path, "field": change.field,
                            "change": change.change, "from": _plain(change.from_), "to": _plain(change.to)})
        return out

    def all_changes(self) -> list[Change]:
        return [c for delta in self.deltas.values() for c in delta.changes]


def _plain(value):
    from pilotlint.documents.values import plain

    return plain(value)


def _person(value) -> str | None:
    return text(value)


# Letters that look like Latin ones (Cyrillic, Greek; after casefolding), and digits that
# look like letters. Folding more names together only asks more owners: when unsure, fold.
_LOOKALIKES = str.maketrans({
    "а": "a", "в": "b", "ь": "b", "с": "c", "ԁ": "d", "е": "e", "һ": "h", "н": "h", "і": "i", "ј": "j",
    "к": "k", "ӏ": "l", "м": "m", "о": "o", "р": "p", "ԛ": "q", "ѕ": "s", "т": "t", "у": "y", "ԝ": "w",
    "х": "x", "ѡ": "w", "г": "r",
    "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k", "μ": "m", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "y", "χ": "x", "ς": "c", "σ": "o",
    "0": "o", "1": "l",
})


def _fold(name: str) -> str:
    """A team's or region's name as a reader sees it: `Sales-DACH`, `ｓales_dach`,
    `sаles-dach` (a Cyrillic а) and `sales dach` with a zero-width space are one team."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", name).casefold())
    # letters and digits only: combining accents, invisible format characters, spaces and
    # punctuation are none of them
    return "".join(ch for ch in text if ch.isalnum()).translate(_LOOKALIKES)


def _territory(charter) -> dict[str, set | None]:
    """The teams and regions a charter covers: for each, a set of folded names, or None when
    the charter does not restrict it (no list, an empty one, or one with nothing readable),
    which covers every team or region: no restriction is wider than any."""
    scope = charter.get("scope") if isinstance(charter, dict) else None
    out: dict[str, set | None] = {}
    for key in ("teams", "regions"):
        values = scope.get(key) if isinstance(scope, dict) else None
        names = {_fold(v) for v in values if isinstance(v, str)} if isinstance(values, list) else set()
        out[key] = (names - {""}) or None
    return out


def _overlap(mine: dict, theirs: dict) -> bool:
    """Two charters share ground when they share a team or a region (an unrestricted one shares all)."""
    return any(mine[key] is None or theirs[key] is None or bool(mine[key] & theirs[key]) for key in mine)


def _policy_data(config: Config | None) -> dict:
    return config.policy_data() if config is not None else {}
