"""The expansion gate (SPEC §3, §5 `gate`): may this pull request (base..head) be merged?

What the gate trusts and what it does not:

- The **base** decides the rules: `.pilotlint.yaml` (people, emails, signing keys, admins,
  rule settings, gate settings) and the organisation's policy files are read from the
  base commit, never from the pull request.
- Identity comes from nothing the pull request controls: the raw author email of the
  newest commit that touched an approval file (in the range for a file the pull request
  added or changed, in the base's history otherwise), or the approval's SSH signature
  verified against the base config's keys. With `gate.require_signed` only the signature.
- Time is `--today`, never commit dates (they are self-asserted): a freeze is judged by it.

Only what the range touched is read: the files that differ between the merge base and
head, the head version of every touched pilot's folder (one `git cat-file --batch`), and
the base version of the changed files. The head check (`check` of the touched pilots with
the base config) runs on those files materialised in a temporary directory, so that its
findings, the gate's own findings and inline suppressions go through one pipeline:
suppressing PL8xx/PL9xx inline is PL010 and silences nothing (rules.unsuppressible).
"""

from __future__ import annotations

import posixpath
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Mapping

from pilotlint.history import approvals as appr
from pilotlint.history import semdiff
from pilotlint.documents.config import CONFIG_NAME, Config, ConfigError, config_from_text, rule_matches
from pilotlint.findings import Finding
from pilotlint.history.git import OversizedBlob, Repo
from pilotlint.documents.load import DEFAULT_LIMITS, LoadError, load_text, locate, read_text

CONTROLS = ("approve_vendors", "pause", "define_metrics", "reject_scope", "own_budget")
BUDGET_COMPONENTS = ("software", "model_usage", "outside_help", "staff_time")


@dataclass
class GateResult:
    findings: list[Finding]
    suppressed: list[Finding]
    expansions: list[dict]
    files: int
    base: str
    head: str
    changes: list = field(default_factory=list)


@dataclass
class _Doc:
    """A document read from git: its repository path, parsed data and raw text."""

    path: str
    data: Mapping | None
    text: str = ""
    problem: str | None = None
    raw: bytes = b""

    def get(self, key, default=None):
        return self.data.get(key, default) if isinstance(self.data, Mapping) else default

    @property
    def kind(self):
        return self.get("kind")

    @property
    def pilot(self):
        pilot = self.get("pilot")
        return pilot if isinstance(pilot, str) else None


class Gate:
    def __init__(self, repo: Repo, base: str, head: str, *, config_rel: str = CONFIG_NAME, today: date,
                 select=(), ignore=(), paths=()):
        self.repo, self.base, self.head, self.today = repo, base, head, today
        self.paths = list(paths)     # also checked at head, touched or not (repository-relative)
        self.config_rel = config_rel
        self.select, self.ignore = list(select), list(ignore)
        self.findings: list[Finding] = []

    # -- reading -------------------------------------------------------------------------

    def changed_paths(self, since: str, prefixes: list[str]) -> list[str]:
        out = self.repo.run("diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv",
                            "--no-relative", since, self.head, "--", *prefixes)
        return sorted({name.decode("utf-8", "replace") for name in out.split(b"\0") if name})

    def read_docs(self, sha: str, paths: list[str], limits: Mapping) -> dict[str, _Doc]:
        if not paths:
            return {}
        blobs = self.repo.read_many(sha, paths, max_bytes=limits["max_file_bytes"])
        return {path: _parse(path, raw, limits) for path, raw in blobs.items()}

    def touching_commits(self, since: str | None, upto: str, paths: list[str]) -> dict[str, object]:
        """The newest commit in since..upto that touched each path (one streamed `git log`)."""
        found: dict[str, object] = {}
        wanted = set(paths)
        if not wanted:
            return found
        for commit in self.repo.iter_commits(since, upto, sorted(wanted)):
            for change in commit.changes:
                if change.path in wanted and change.path not in found:
                    found[change.path] = commit
            if len(found) == len(wanted):
                break
        return found

    # -- the run -------------------------------------------------------------------------

    def run(self) -> GateResult:
        from pilotlint.engine import Request, run

        self.repo.require_full_history(self.base)
        raw = self.repo.read(self.base, self.config_rel)
        config_text = None
        if raw is not None:
            try:
                config_text = read_text(raw, DEFAULT_LIMITS)
            except LoadError as exc:
                raise ConfigError(f"the base configuration cannot be read: {exc.message}", self.config_rel,
                                  exc.line) from None
        config_dir = posixpath.dirname(self.config_rel)
        base_config = config_from_text(config_text, Path(self.config_rel)) if config_text is not None else Config()
        limits = base_config.limits
        prefixes = [posixpath.normpath(posixpath.join(config_dir, p)) for p in base_config.paths
                    if isinstance(p, str)]
        prefixes = [p for p in prefixes if not p.startswith("..")]
        config_approvals = posixpath.join(config_dir, ".pilotlint", "approvals")
        since = self.repo.merge_base(self.base, self.head) or self.base
        changed = self.changed_paths(since, [*prefixes, config_approvals, self.config_rel])
        changed_yaml = [p for p in changed if p.endswith((".yaml", ".yml"))]

        # the touched pilots' folders, read whole at head; the changed files at the base
        folders = sorted({_folder(p, prefixes) for p in changed_yaml} - {None})
        config_changed = self.config_rel in changed
        head_paths = list(folders) + ([config_approvals] if config_changed or any(
            p.startswith(config_approvals + "/") for p in changed) else [])
        wanted = [p for p in self.paths if p != "."] + (prefixes if "." in self.paths else [])
        head_docs = self.read_docs(self.head, sorted(set(head_paths) | set(wanted)), limits)
        base_docs = self.read_docs(since, [p for p in changed_yaml if p != self.config_rel], limits)
        head_docs = {p: d for p, d in head_docs.items() if p.endswith((".yaml", ".yml"))}

        self.changed = set(changed)
        diff_base = {p: d.data for p, d in base_docs.items() if d.data is not None and p in self.changed}
        diff_head = {p: d.data for p, d in head_docs.items() if d.data is not None and p in self.changed}
        context: dict = {}
        if any(d.kind == "Charter" and p not in base_docs for p, d in head_docs.items() if p in self.changed):
            # a new charter: does its team already have a pilot? (unchanged charters, for context)
            context = {p: data for p, data in self._base_charters(since, prefixes, limits).items()
                       if p not in self.changed}
        changes = semdiff.diff_workspaces({**context, **diff_base}, {**context, **diff_head})
        self.base_config = base_config
        self.head_docs = head_docs
        self.base_docs = base_docs
        self.since = since
        self._judge_pilots(changes, head_docs, base_docs, base_config)
        if config_changed:
            self._config_change(head_docs, base_config, config_text, config_approvals)

        expansions = [_expansion_json(c) for c in semdiff.expansions(changes)]
        with tempfile.TemporaryDirectory(prefix="pilotlint-gate-") as tmp:
            root = Path(tmp).resolve()
            for path, doc in head_docs.items():
                target = root / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(doc.raw)
            config = Config()
            if config_text is not None:
                (root / self.config_rel).parent.mkdir(parents=True, exist_ok=True)
                (root / self.config_rel).write_text(config_text, encoding="utf-8")
                self._materialise_policies(base_config, root)
                config = config_from_text(config_text, root / self.config_rel)
            request = Request(paths=[], config=config, root=root, today=self.today, select=self.select,
                              ignore=self.ignore, use_git=False)
            result = run(request, extra_findings=self.findings)
            files = result.workspace.files
        # PL901/PL902 are the gate's own (judged on the range, with history); the head check's
        # versions of them (no history in the temporary copy) are dropped.
        ours = {(f.rule, f.path, f.line, f.column, f.message) for f in self.findings}

        def keep(finding: Finding) -> bool:
            return finding.rule not in ("PL901", "PL902") or \
                (finding.rule, finding.path, finding.line, finding.column, finding.message) in ours

        return GateResult([f for f in result.findings if keep(f)], [f for f in result.suppressed if keep(f)],
                          expansions, files, self.base, self.head, changes)

    # -- helpers -------------------------------------------------------------------------

    def _base_charters(self, since: str, prefixes: list[str], limits) -> dict[str, Mapping]:
        """Every charter at the base (to see whether a new charter's team already has a pilot).

        Only files named `charter.yaml`/`charter.yml` are read: reading every document of a
        large repository would cost more than the whole gate may take.
        """
        entries = self.repo.list_entries(since, prefixes)
        wanted = [p for p, _, _ in entries if PurePosixPath(p).name in ("charter.yaml", "charter.yml")]
        docs = self.read_docs(since, wanted, limits)
        return {p: d.data for p, d in docs.items() if d.kind == "Charter" and d.data is not None}

    def _materialise_policies(self, config: Config, root: Path) -> None:
        config_dir = posixpath.dirname(self.config_rel)
        for extra in config.data.get("rules", {}).get("extra") or [] if config.data else []:
            rel = posixpath.normpath(posixpath.join(config_dir, str(extra)))
            if rel.startswith(".."):
                continue
            raw = self.repo.read(self.base, rel)
            if raw is not None:
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_bytes(raw)

    def add(self, rule: str, doc: _Doc, path: tuple, message: str, severity: str = "error", key=False) -> None:
        line, column = locate(doc.data, path, key=key) if doc.data is not None else (1, 1)
        self.findings.append(Finding(rule, severity, doc.path, line, column, doc.pilot, message))

    def enabled(self, rule_id: str) -> bool:
        config = self.base_config
        if self.select and not rule_matches(rule_id, self.select):
            return False
        if config.select and not rule_matches(rule_id, config.select):
            return False
        return not rule_matches(rule_id, self.ignore) and not rule_matches(rule_id, config.ignore)

    # -- approvals -----------------------------------------------------------------------

    def _identity_commits(self, docs: list[_Doc], changed: set[str]) -> dict[str, str | None]:
        """The author email that vouches for each approval file (None when none does)."""
        in_range = [d.path for d in docs if d.path in changed]
        before = [d.path for d in docs if d.path not in changed]
        emails: dict[str, str | None] = {}
        for path, commit in self.touching_commits(self.base, self.head, in_range).items():
            emails[path] = commit.author_email
        for path, commit in self.touching_commits(None, self.since, before).items():
            emails[path] = commit.author_email
        return emails

    def _judge_pilots(self, changes, head_docs, base_docs, base_config) -> None:
        changed_paths = {c.path for c in changes}
        by_pilot: dict[str, list] = {}
        for change in changes:
            if change.kind == "Charter" and change.gated and change.pilot:
                by_pilot.setdefault(change.pilot, []).append(change)
        # approvals in the range are judged (PL902) even when the charter did not change
        pilots = set(by_pilot) | {d.pilot for p, d in head_docs.items()
                                  if d.kind == "Approval" and p in changed_paths and d.pilot}
        for pilot in sorted(p for p in pilots if p):
            self._judge_pilot(pilot, by_pilot.get(pilot, []), head_docs, base_docs, changed_paths)

    def _judge_pilot(self, pilot: str, changes, head_docs, base_docs, changed_paths) -> None:
        charters = [d for d in head_docs.values() if d.kind == "Charter" and d.pilot == pilot]
        charter = charters[0] if charters else None
        base_charter = next((d for d in base_docs.values() if d.kind == "Charter" and d.pilot == pilot), None)
        if base_charter is None and charter is not None and charter.path not in self.changed:
            base_charter = charter  # unchanged in the range
        approvals = [d for d in head_docs.values() if d.kind == "Approval" and d.pilot == pilot
                     and appr.approval_target(d.data) == "charter"]
        head_hash = appr.charter_hash(charter.data) if charter else None
        current = [d for d in approvals if d.get("covers") == head_hash]
        emails = self._identity_commits(current, self.changed)
        judged = []
        for doc in current:
            judgement = appr.judge(doc.data, charter.data if charter else None, self.base_config,
                                   previous_charter=base_charter.data if base_charter else None,
                                   author_email=emails.get(doc.path))
            judged.append((doc, judgement))
            if doc.path in self.changed and not judgement.valid and judgement.problem in (
                    "person", "identity", "person+identity"):
                self.add("PL902", doc, ("approver",), "this approval matches the charter as it stands but does "
                         f"not count: {judgement.reason}")
        decided = [(d, j) for d, j in judged if j.valid or j.problem == "rejected"]
        latest = max(decided, key=lambda item: (str(item[0].get("on")), item[0].path)) if decided else None
        approved = latest is not None and latest[1].valid
        if charter is None or not changes:
            return
        owner = charter.get("owner") if isinstance(charter.get("owner"), str) else "OWNER"
        expansions = [c for c in changes if c.class_ == semdiff.EXPANSION]
        needing = [c for c in changes if c.class_ != semdiff.CONTRACTION]
        why = _why_not(judged, latest, approvals, owner, pilot, self.base_config)
        if expansions and not approved and self.enabled("PL801"):
            listed = "; ".join(_describe(c) for c in expansions[:8]) + (" ..." if len(expansions) > 8 else "")
            self.add("PL801", charter, _node(expansions[0].field, charter.data),
                     f"this pull request widens {pilot} ({listed}) without a valid approval by the owner of the "
                     f"charter as it stands: {why}")
        elif needing and not approved and (not expansions or not self.enabled("PL801")):
            listed = ", ".join(sorted({c.field or "the whole charter" for c in needing})[:8])
            self.add("PL901", charter, _node(needing[0].field, charter.data),
                     f"gated fields of {pilot} change ({listed}) without a valid approval of the charter as it "
                     f"stands: {why}")
        self._freeze(pilot, changes, charter, base_charter)
        if expansions:
            self._expansion_checks(pilot, expansions, charter, base_charter, head_docs)

    # -- PL802-PL806 ---------------------------------------------------------------------

    def _expansion_checks(self, pilot, expansions, charter: _Doc, base_charter, head_docs) -> None:
        from pilotlint.governance.scorecard import parse_date, verdict

        notes = sorted((d for d in head_docs.values() if d.kind == "WeeklyNote" and d.pilot == pilot
                        and isinstance(d.get("week"), str)), key=lambda d: d.get("week"))
        latest = notes[-1] if notes else None
        call = verdict(charter.data, latest.data if latest else None)
        if call != "expand":
            where = f"the latest note ({latest.get('week')})" if latest else "no weekly note yet"
            self.add("PL802", charter, ("scorecard",),
                     f"{pilot} widens but the scorecard says `{call}` for {where}: every metric must be at its "
                     "success level in the latest note before the pilot widens")
        rollbacks = [d for d in head_docs.values() if d.kind == "RollbackPlan" and d.pilot == pilot]
        rollback = rollbacks[0] if rollbacks else None
        max_age = self.base_config.gate.get("drill_max_age_days", 90)
        max_age = max_age if isinstance(max_age, int) and not isinstance(max_age, bool) else 90
        drills = rollback.get("drills") if rollback else None
        fresh = []
        for drill in drills if isinstance(drills, list) else ():
            on = parse_date(drill.get("on")) if isinstance(drill, Mapping) else None
            if on and drill.get("passed") is True and on <= self.today and (self.today - on).days <= max_age:
                fresh.append(on)
        if not fresh:
            target = rollback or charter
            self.add("PL803", target, ("drills",) if rollback else ("rollback",),
                     f"{pilot} widens but no rollback drill passed within {max_age} days of "
                     f"{self.today.isoformat()} (gate.drill_max_age_days); run a drill and record it under "
                     "`drills:` with `passed: true`")
        self._controls(pilot, charter, rollback)
        self._data(pilot, expansions, charter, base_charter)

    def _controls(self, pilot, charter: _Doc, rollback: _Doc | None) -> None:
        owner, authority = charter.get("owner"), charter.get("authority")
        maker = rollback.get("decision_maker") if rollback else None
        if not (isinstance(owner, str) and owner.strip()) or not (isinstance(authority, list) and "pause" in authority) \
                or not (isinstance(maker, str) and maker.strip()):
            missing = []
            if not (isinstance(owner, str) and owner.strip()):
                missing.append("a single owner")
            elif not (isinstance(authority, list) and "pause" in authority):
                missing.append("`pause` in the owner's authority")
            if not (isinstance(maker, str) and maker.strip()):
                missing.append("a rollback `decision_maker`")
            self.add("PL804", charter, ("owner",), f"{pilot} widens but one person cannot stop it today: it needs "
                     f"{' and '.join(missing)}")
        budget = charter.get("budget")
        budget = budget if isinstance(budget, Mapping) else {}
        components = budget.get("components") if isinstance(budget.get("components"), Mapping) else {}
        cap = budget.get("monthly_cap")
        absent = [c for c in BUDGET_COMPONENTS if not _number(components.get(c))]
        total = sum(components[c] for c in BUDGET_COMPONENTS if _number(components.get(c)))
        if absent or not _number(cap) or total > cap:
            if absent:
                problem = f"the monthly cost lacks {', '.join(absent)} in `budget.components`"
            elif not _number(cap):
                problem = "there is no `budget.monthly_cap`"
            else:
                problem = f"the components add up to {total:g}, above the cap of {cap:g}"
            self.add("PL804", charter, ("budget",), f"{pilot} widens but finance cannot see the full monthly cost in "
                     f"one place: {problem}")
        old = rollback.get("old_workflow") if rollback else None
        old = old if isinstance(old, Mapping) else {}
        tools = old.get("tools")
        if old.get("ready") is not True or not (isinstance(old.get("owner"), str) and old.get("owner").strip()) \
                or not (isinstance(tools, list) and tools):
            lacks = [w for w, bad in (("`ready: true`", old.get("ready") is not True),
                                      ("an `owner`", not (isinstance(old.get("owner"), str) and old["owner"].strip())),
                                      ("its `tools`", not (isinstance(tools, list) and tools))) if bad]
            target = rollback or charter
            self.add("PL804", target, ("old_workflow",) if rollback else ("rollback",),
                     f"{pilot} widens but the team cannot return to the old process this week: "
                     f"{'there is no rollback plan' if rollback is None else 'the old workflow needs ' + ', '.join(lacks)}")

    def _data(self, pilot, expansions, charter: _Doc, base_charter) -> None:
        from pilotlint.governance.scorecard import parse_date

        def items(doc):
            value = doc.get("data_access") if doc is not None else None
            return {str(i.get("source")): (n, i) for n, i in enumerate(value) if isinstance(i, Mapping)} \
                if isinstance(value, list) else {}

        head_items, base_items = items(charter), items(base_charter)
        sources = []
        for change in expansions:
            if change.field.startswith("data_access["):
                source = change.field[len("data_access["):].split("]", 1)[0]
                if source not in sources:
                    sources.append(source)
            elif change.field == "data_access" or (change.field == "" and head_items):
                sources.extend(s for s in head_items if s not in sources and s not in base_items)
        for source in sources:
            if source not in head_items:
                continue
            index, item = head_items[source]
            review = item.get("legal_review")
            ok = isinstance(review, Mapping) and isinstance(review.get("by"), str) and parse_date(review.get("on"))
            if not ok:
                self.add("PL805", charter, ("data_access", index),
                         f"{pilot} widens its use of the data source {source} but it has no legal review: add "
                         "`legal_review: {by: LEGAL_REVIEWER, on: YYYY-MM-DD}`")
            elif source in base_items and semdiff.same(base_items[source][1].get("legal_review"), review):
                self.add("PL805", charter, ("data_access", index, "legal_review"),
                         f"the access to {source} widens but its legal review is the one given for the narrower "
                         "use; record a new review of the wider access (`legal_review.on`)")

    def _freeze(self, pilot, changes, charter: _Doc, base_charter) -> None:
        from pilotlint.governance.scorecard import parse_date

        frozen = [c for c in changes if c.field and _top(c.field) in semdiff.FREEZE_FIELDS]
        if not frozen:
            return
        windows = []
        for doc in (base_charter, charter):
            value = doc.get("freeze") if doc is not None else None
            for window in value if isinstance(value, list) else ():
                if isinstance(window, Mapping):
                    start, end = parse_date(window.get("from")), parse_date(window.get("to"))
                    if start and end and start <= self.today <= end:
                        windows.append(window)
        if windows:
            window = windows[0]
            fields = ", ".join(sorted({_top(c.field) for c in frozen}))
            reason = f" ({window.get('reason')})" if isinstance(window.get("reason"), str) else ""
            self.add("PL806", charter, _node(frozen[0].field, charter.data),
                     f"{pilot} is in a scope freeze from {window.get('from')} to {window.get('to')}{reason} on "
                     f"{self.today.isoformat()}, and this pull request changes {fields}; wait until the window "
                     "ends (commit dates do not count: the gate judges by the day it runs)")

    # -- PL807 ---------------------------------------------------------------------------

    def _config_change(self, head_docs, base_config: Config, base_text, approvals_dir) -> None:
        raw = self.repo.read(self.head, self.config_rel)
        head_data, problem = None, None
        if raw is not None:
            try:
                head_data = load_text(read_text(raw, DEFAULT_LIMITS)).data
            except LoadError as exc:
                problem = exc.message
        base_data = base_config.data
        if problem is None and semdiff.same(semdiff.plain(base_data or {}), semdiff.plain(head_data or {})) \
                and (raw is None) == (base_text is None):
            return  # formatting or comments only
        expected = appr.config_hash(head_data)
        docs = [d for p, d in head_docs.items() if p.startswith(approvals_dir + "/") and d.kind == "Approval"
                and appr.approval_target(d.data) == "config"]
        current = [d for d in docs if d.get("covers") == expected]
        emails = self._identity_commits(current, self.changed)
        valid = False
        reasons = []
        for doc in current:
            judgement = appr.judge(doc.data, None, base_config, config_at_head=head_data,
                                   author_email=emails.get(doc.path))
            valid = valid or judgement.valid
            if not judgement.valid and judgement.problem in ("person", "identity", "person+identity"):
                self.add("PL902", doc, ("approver",), f"this approval matches the configuration as it stands but "
                         f"does not count: {judgement.reason}")
            elif not judgement.valid:
                reasons.append(judgement.reason)
        if valid:
            return
        admins = ", ".join(a for a in base_config.admins if isinstance(a, str)) or "nobody (the base has no `admins:`)"
        why = "unreadable: " + problem if problem else (
            "no admin's approval covers it as it stands" if not current else "; ".join(reasons) or
            "no approval that covers it counts")
        target = _Doc(self.config_rel, head_data if isinstance(head_data, Mapping) else None)
        self.add("PL807", target, (), f"this pull request changes {self.config_rel} ({why}); an admin of the base "
                 f"configuration ({admins}) must run `pilotlint approve --config --as ADMIN` on this branch and "
                 "commit the file as themselves (or sign it)")


# -- small helpers ---------------------------------------------------------------------------

def _parse(path: str, raw: bytes, limits) -> _Doc:
    from pilotlint.history.revdocs import parse_document

    if isinstance(raw, OversizedBlob):
        doc = _Doc(path, None, "", f"{raw.size:,} bytes")
        doc.raw = b""
        return doc
    data, problem = parse_document(raw, limits)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    doc = _Doc(path, data, text or "", problem if text is not None else "not UTF-8")
    doc.raw = bytes(raw)
    return doc


def _folder(path: str, prefixes: list[str]) -> str | None:
    """The pilot folder (first level under a configured path) that holds `path`."""
    for prefix in prefixes:
        if path.startswith(prefix.rstrip("/") + "/"):
            rest = path[len(prefix.rstrip("/")) + 1:]
            first, _, tail = rest.partition("/")
            return f"{prefix.rstrip('/')}/{first}" if tail else path
    return None


def _top(field_name: str) -> str:
    return field_name.split(".", 1)[0].split("[", 1)[0]


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _node(field_name: str, data) -> tuple:
    """A semdiff field name (`scope.regions`, `vendors[ExampleAI].model`) as a path into `data`."""
    path: list = []
    node = data
    token = ""
    parts: list = []
    i = 0
    while i < len(field_name):
        ch = field_name[i]
        if ch == ".":
            if token:
                parts.append(token)
            token = ""
        elif ch == "[":
            if token:
                parts.append(token)
            end = field_name.find("]", i)
            parts.append(("item", field_name[i + 1:end if end > 0 else len(field_name)]))
            token = ""
            i = end if end > 0 else len(field_name)
        else:
            token += ch
        i += 1
    if token:
        parts.append(token)
    for part in parts:
        if isinstance(part, tuple):
            if not isinstance(node, list):
                break
            ident = part[1]
            index = next((n for n, item in enumerate(node) if isinstance(item, Mapping) and any(
                str(item.get(k)) == ident for k in ("id", "name", "source"))), None)
            if index is None and ident.isdigit() and int(ident) < len(node):
                index = int(ident)
            if index is None:
                break
            path.append(index)
            node = node[index]
        else:
            if not isinstance(node, Mapping) or part not in node:
                break
            path.append(part)
            node = node[part]
    return tuple(path)


def _describe(change) -> str:
    value = change.to if change.change != "removed" else change.from_
    text = semdiff.plain(value)
    shown = text if isinstance(text, (str, int, float)) else None
    what = f" {shown}" if shown is not None and len(str(shown)) <= 40 else ""
    return f"{change.field or 'new charter'} {change.change}{what}"


def _expansion_json(change) -> dict:
    return {"pilot": change.pilot, "path": change.path, "field": change.field, "change": change.change,
            "from": semdiff.plain(change.from_), "to": semdiff.plain(change.to)}


def _why_not(judged, latest, approvals, owner, pilot, config) -> str:
    how = (f"run `pilotlint approve {pilot} --as {owner}` after the last gated change and commit the file as "
           f"{owner}" + (" with --sign KEYFILE (gate.require_signed is on)" if config.gate.get("require_signed")
                         else " (or sign it with --sign KEYFILE)"))
    if latest is not None and latest[1].problem == "rejected":
        return f"{latest[0].path} rejects it; {how}"
    failing = [(d, j) for d, j in judged if not j.valid]
    if failing:
        doc, judgement = failing[0]
        return f"{doc.path} does not count ({judgement.reason}); {how}"
    if approvals:
        return f"the existing approvals are stale (they cover an earlier charter); {how}"
    return f"there is no approval; {how}"
