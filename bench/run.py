"""Benchmarks of the figures pilotlint promises, measured side by side in one run, reported as ratios.

    python bench/run.py                      # the full figures (1,000 pilots, 10,000 commits)
    python bench/run.py --write              # ... and write bench/RESULTS.md
    python bench/run.py --pilots 4 --sizes 4,8 --commits 30 --runs 1   # a smoke run

Machines are noisy, so every figure is a median over several runs, interleaved with a
baseline measured in the same run on the same files: PyYAML's C loader reading the files
(the floor: pilotlint cannot be faster than reading its input), the same command without
git, `yamllint` and `check-jsonschema` (the peers), `git log --raw` (the floor for `log`).

Memory is pilotlint's own peak (VmHWM, read in the process at exit, so that the `git`
children that `wait4` would fold in do not hide it); the largest child is shown too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from generate import add_history, add_hook_history, add_independent_history, generate, widen  # noqa: E402

TODAY = "2026-11-24"
FLOOR = """
import os, sys, yaml
for d, _, files in os.walk(sys.argv[1]):
    for f in files:
        if f.endswith(('.yaml', '.yml')):
            with open(os.path.join(d, f), 'rb') as h:
                yaml.load(h.read(), Loader=yaml.CSafeLoader)
"""
# pilotlint as its console script runs it, reporting its own peak memory (and its largest child's) at exit
# (VmHWM: the peak since exec; getrusage(RUSAGE_SELF) would count the forking parent's too)
OWN = """
import atexit, os, resource, sys
def report():
    try:
        with open("/proc/self/status") as status:
            mine = int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
    except (OSError, StopIteration):
        mine = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open(os.environ["PILOTLINT_BENCH_RSS"], "w") as out:
        out.write("%d %d" % (mine, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
atexit.register(report)
sys.argv = ["pilotlint", *sys.argv[1:]]
from pilotlint.cli import main
main()
"""


class Timing(NamedTuple):
    seconds: float       # median wall time
    own_mib: float       # pilotlint's own peak RSS (0 for other programs)
    child_mib: float     # the largest child's peak RSS (for other programs: the process's own)


def pilotlint(*args: str) -> list[str]:
    return [sys.executable, "-c", OWN, *args]


def console_script() -> list[str]:
    """The `pilotlint` command itself, as pre-commit runs it (falls back to the wrapper)."""
    script = Path(sys.executable).parent / "pilotlint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pilotlint"]


def compare(runs: int, cwd: Path, *commands: list[str], env: dict | None = None) -> list[Timing]:
    """Run the commands interleaved `runs` times each (so that a noisy moment hits all of them)."""
    times: list[list[float]] = [[] for _ in commands]
    own = [0.0] * len(commands)
    child = [0.0] * len(commands)
    with tempfile.TemporaryDirectory() as scratch:
        rss_file = Path(scratch) / "rss"
        for _ in range(runs):
            for i, cmd in enumerate(commands):
                rss_file.unlink(missing_ok=True)
                start = time.perf_counter()
                proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        env={**os.environ, **(env or {}), "PILOTLINT_BENCH_RSS": str(rss_file)})
                stderr = proc.stderr.read()
                _, status, usage = os.wait4(proc.pid, 0)
                times[i].append(time.perf_counter() - start)
                proc.stderr.close()
                code = os.waitstatus_to_exitcode(status)
                if code not in (0, 1):
                    raise SystemExit(f"{' '.join(cmd[-6:])} exited {code}: {stderr.decode()[-2000:]}")
                if rss_file.exists():
                    mine, children = (int(x) / 1024 for x in rss_file.read_text().split())
                    own[i], child[i] = max(own[i], mine), max(child[i], children)
                else:
                    child[i] = max(child[i], usage.ru_maxrss / 1024)
    return [Timing(statistics.median(t), o, c) for t, o, c in zip(times, own, child)]


def tool(name: str) -> str | None:
    tools = Path(os.environ.get("PILOTLINT_TOOLS", Path.home() / ".cache" / "pilotlint-tools"))
    for candidate in (tools / "venv" / "bin" / name, Path(sys.executable).parent / name):
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _ratio(a: Timing, b: Timing, unit: str = "s") -> str:
    if unit == "ms":
        return f"{a.seconds * 1000:.0f} ms vs {b.seconds * 1000:.0f} ms = {a.seconds / b.seconds:.2f}x"
    return f"{a.seconds:.2f} s vs {b.seconds:.2f} s = {a.seconds / b.seconds:.2f}x"


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = Path(args.work or tempfile.mkdtemp(prefix="pilotlint-bench-"))
        self.rows: list[tuple[str, str, str, str]] = []  # figure, measured, target, met

    def row(self, figure: str, measured: str, target: str, ok: bool) -> None:
        self.rows.append((figure, measured, target, _met(ok)))
        print(f"  {figure}: {measured} ({_met(ok)})", file=sys.stderr, flush=True)

    def repository(self, name: str, pilots: int, notes: int, history=None, commits: int = 0) -> Path:
        """A generated repository, reused from --work when it is already there."""
        repo = self.work / name
        done = repo / ".bench-complete"
        if not done.exists():
            shutil.rmtree(repo, ignore_errors=True)
            generate(repo, pilots, notes)
            if history:
                history(repo, commits)
            done.write_text("")  # not a pilot document, and git ignores nothing: keep it out of the tree
            if (repo / ".git").is_dir():
                (repo / ".git" / "info" / "exclude").write_text(".bench-complete\n")
        return repo

    # -- documents: the floor, the peers, memory ---------------------------------------------------

    def documents(self) -> None:
        runs = self.args.runs
        for size in self.args.sizes:
            repo = self.repository(f"pilots-{size}", size, self.args.notes)
            files = sum(1 for _ in (repo / "pilots").rglob("*.yaml"))
            check, floor = compare(runs, repo, pilotlint("check", "--no-git", "--today", TODAY),
                                   [sys.executable, "-c", FLOOR, "pilots"])
            ratio = check.seconds / floor.seconds
            self.row(f"check, {size} pilots ({files} files) vs PyYAML C loader in one process", _ratio(check, floor),
                     "<= 1.5x", ratio <= 1.5)
            self.row(f"check peak memory, {size} pilots", f"{check.own_mib:.0f} MiB", "<= 200 MiB",
                     check.own_mib <= 200)
            if size != self.args.pilots or self.args.skip_peers:
                continue
            self.peers(repo, check)
            status = compare(runs, repo, pilotlint("status", "--no-git", "--today", TODAY))[0]
            site_out = self.work / "site-out"
            site = compare(runs, repo, pilotlint("site", str(site_out), "--no-git", "--today", TODAY))[0]
            pages = sum(1 for _ in (site_out / "pilots").glob("*.html"))
            self.row(f"site, {size} pilots ({pages} pages) vs status", _ratio(site, status), "<= 3x",
                     site.seconds <= 3 * status.seconds and pages == size)

    def peers(self, repo: Path, check: Timing) -> None:
        files = sorted(str(p.relative_to(repo)) for p in (repo / "pilots").rglob("*.yaml"))
        cjs = tool("check-jsonschema")
        if cjs:
            by_kind: dict[str, list[str]] = {"charter": [], "rollback-plan": [], "weekly-note": []}
            for f in files:
                kind = "weekly-note" if "/notes/" in f else "rollback-plan" if f.endswith("rollback.yaml") else "charter"
                by_kind[kind].append(f)
            peer = sum(compare(1, repo, [cjs, "--schemafile", str(REPO / "schemas" / f"{kind}.json"), *group])[0].seconds
                       for kind, group in by_kind.items() if group)
            self.row("check vs check-jsonschema (schemas only)",
                     f"{check.seconds:.2f} s vs {peer:.2f} s = {peer / check.seconds:.1f}x faster",
                     "several times faster", peer / check.seconds >= 2)
        yamllint = tool("yamllint")
        if yamllint:
            peer = compare(1, repo, [yamllint, "-d", "relaxed", "pilots"])[0]
            self.row("check vs yamllint", f"{check.seconds:.2f} s vs {peer.seconds:.2f} s = "
                     f"{peer.seconds / check.seconds:.1f}x faster", "several times faster",
                     peer.seconds / check.seconds >= 2)

    # -- a repository with history: check, status, summary, log, site, gate --------------------------

    def history(self) -> None:
        args, runs = self.args, self.args.runs
        repo = self.repository("history", args.pilots, args.notes, add_history, args.commits)
        label = f"{args.pilots} pilots, {args.commits} commits"
        git, nogit = compare(runs, repo, pilotlint("check", "--today", TODAY),
                             pilotlint("check", "--no-git", "--today", TODAY))
        self.row(f"check with git vs --no-git ({label})", _ratio(git, nogit), "<= 1.2x",
                 git.seconds <= 1.2 * nogit.seconds)
        sgit, snogit = compare(runs, repo, pilotlint("status", "--today", TODAY),
                               pilotlint("status", "--no-git", "--today", TODAY))
        self.row(f"status with git vs --no-git ({label})", _ratio(sgit, snogit), "<= 1.2x",
                 sgit.seconds <= 1.2 * snogit.seconds)
        names = sorted(p.name for p in (repo / "pilots").iterdir())
        one = names[len(names) // 2]  # the middle pilot: git's walk of one pilot grows with its place
        summary = compare(runs, repo, pilotlint("summary", one, "--today", TODAY))[0]
        self.row(f"summary of one pilot vs check of the repository, with git ({label})", _ratio(summary, git),
                 "<= 0.1x", summary.seconds <= 0.1 * git.seconds)
        self.log(repo, f"bench history, {args.commits} commits")
        half = args.commits // 2
        shorter = self.work / "history-half"
        if not shorter.is_dir():
            subprocess.run(["git", "clone", "-q", "--no-local", str(repo), str(shorter)], check=True)
            subprocess.run(["git", "-C", str(shorter), "reset", "-q", "--hard", f"HEAD~{half}"], check=True)
            subprocess.run(["git", "-C", str(shorter), "gc", "-q", "--prune=now"], check=True)
        short = compare(1, shorter, pilotlint("log", "--format", "json"))[0]
        full = compare(1, repo, pilotlint("log", "--format", "json"))[0]
        growth = full.own_mib / short.own_mib
        self.row(f"log peak memory, {args.commits - half} vs {args.commits} commits",
                 f"{short.own_mib:.0f} MiB vs {full.own_mib:.0f} MiB ({growth:.2f}x; largest child "
                 f"{full.child_mib:.0f} MiB)", "flat as history grows", growth < 1.25)
        if not args.skip_peers:  # the site with every pilot's decision log
            site = compare(runs, repo, pilotlint("site", str(self.work / "site-history"), "--today", TODAY))[0]
            self.row(f"site with the {args.commits}-commit decision log vs status", _ratio(site, sgit), "<= 3x",
                     site.seconds <= 3 * sgit.seconds)
        self.gate(repo)

    def log(self, repo: Path, label: str) -> None:
        raw, log = compare(self.args.runs, repo, ["git", "log", "--raw", "--no-renames", "HEAD", "--", "pilots"],
                           pilotlint("log", "--format", "json"))
        self.row(f"log vs git log --raw ({label})", _ratio(log, raw), "<= 3x", log.seconds <= 3 * raw.seconds)

    def independent(self) -> None:
        args = self.args
        repo = self.repository("independent", args.pilots, 2, add_independent_history, args.commits)
        self.log(repo, f"independent history of added notes and charter edits, {args.commits} commits")

    def gate(self, history: Path) -> None:
        small = compare(self.args.runs, history, pilotlint("gate", "--base", "HEAD~3", "--today", TODAY))[0]
        self.row(f"gate, a pull request of 3 commits ({self.args.pilots} pilots, {self.args.commits} commits)",
                 f"{small.seconds:.2f} s", "< 2 s", small.seconds < 2)
        touched = min(100, self.args.pilots)
        repo = self.work / "gate"
        if not repo.is_dir():
            subprocess.run(["git", "clone", "-q", str(history), str(repo)], check=True)
            widen(repo, touched)
        gate = compare(self.args.runs, repo, pilotlint("gate", "--base", "main", "--head", "pr", "--today", TODAY))[0]
        blocked = subprocess.run(pilotlint("gate", "--base", "main", "--head", "pr", "--format", "json", "--today",
                                           TODAY), cwd=repo, capture_output=True, text=True)
        pilots = {f["pilot"] for f in json.loads(blocked.stdout)["findings"] if f["rule"] == "PL801"}
        self.row(f"gate, a pull request touching {touched} pilots ({self.args.pilots}-pilot repository)",
                 f"{gate.seconds:.2f} s ({len(pilots)} pilots blocked)", "< 2 s",
                 gate.seconds < 2 and len(pilots) == touched)

    # -- the pre-commit hook: one file in a real governance repository -------------------------------

    def hook(self) -> None:
        args = self.args
        repo = self.repository("hook", args.hook_pilots, args.notes, add_hook_history, args.hook_commits)
        plain = self.work / "hook-no-policies"
        if not plain.is_dir():
            shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
            config = plain / ".pilotlint.yaml"
            config.write_text(config.read_text().replace("extra: [policies/acme.yaml]", "extra: []"))
        one = "pilots/" + sorted(p.name for p in (repo / "pilots").iterdir())[0] + "/charter.yaml"
        runs = max(args.runs * 5, 10)
        yamllint = None if args.skip_peers else tool("yamllint")
        hook = [*console_script(), "check", "--today", TODAY, "--"]
        cases = [(repo, [*hook, one], f"git history of {args.hook_commits} commits, a freeze window, a policy"),
                 (repo, [*hook[:-1], "--no-git", "--", one], "without git"),
                 (plain, [*hook[:-1], "--no-git", "--", one], "without git or policies")]
        for cwd, cmd, what in cases:
            if yamllint:
                mine, peer = compare(runs, cwd, cmd, [yamllint, one])
                self.row(f"check of one file, {what} (pre-commit case) vs yamllint", _ratio(mine, peer, "ms"),
                         "<= yamllint", mine.seconds <= peer.seconds)
            else:
                mine = compare(runs, cwd, cmd)[0]
                self.row(f"check of one file, {what} (pre-commit case)", f"{mine.seconds * 1000:.0f} ms",
                         "< 250 ms", mine.seconds < 0.25)


def run(args) -> list[tuple[str, str, str, str]]:
    bench = Bench(args)
    try:
        bench.hook()
        bench.documents()
        if args.commits:
            bench.history()
            bench.independent()
        if not args.skip_lsp:
            bench.rows.append(lsp_change_row(bench.work, max(args.runs * 10, 20)))
    finally:
        if not args.work:
            shutil.rmtree(bench.work, ignore_errors=True)
    return bench.rows


def lsp_change_row(work: Path, changes: int) -> tuple[str, str, str, str]:
    """`pilotlint lsp` on the sample repository: from a change of the charter to its diagnostics.

    The server is started and the charter opened first (start-up is not what a person
    waits for while typing); then each change alternately removes and restores a power in
    `authority` (PL102 appears and goes), timed from sending the change to receiving the
    diagnostics of that version.
    """
    sys.path.insert(0, str(REPO / "tests"))
    from integration.lsp_stdio import StdioClient

    sample = work / "lsp-sample"
    if not sample.is_dir():
        shutil.copytree(REPO / "examples", sample)
        # a repository with history, as a governance repository is (the history checks run too)
        git = ["git", "-c", "user.name=Oleg Petrov", "-c", "user.email=oleg@acme.example"]
        subprocess.run(["git", "init", "-q"], cwd=sample, check=True)
        subprocess.run(["git", "add", "-A"], cwd=sample, check=True)
        subprocess.run([*git, "commit", "-q", "-m", "sample"], cwd=sample, check=True)
    charter = sample / "pilots" / "outbound-drafts" / "charter.yaml"
    original = charter.read_text()
    edited = original.replace("authority: [approve_vendors, pause, ", "authority: [approve_vendors, ")
    client = StdioClient(pilotlint("lsp", "--today", TODAY), cwd=sample)
    times = []
    try:
        client.initialize(sample)
        uri = client.open(charter, original)
        client.wait_diagnostics(uri)
        for number in range(changes):
            text = edited if number % 2 == 0 else original
            start = time.perf_counter()
            version = client.change(uri, text)
            published = client.wait_diagnostics(uri, version=version)
            times.append(time.perf_counter() - start)
            if (number % 2 == 0) != any(d.get("code") == "PL102" for d in published):
                raise SystemExit(f"lsp: change {number} published the wrong diagnostics: {published}")
    finally:
        client.close()
    times.sort()
    median, slowest = statistics.median(times) * 1000, times[-1] * 1000
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))] * 1000
    # judged on the 95th percentile: what a person typing almost always waits (the slowest
    # change is shown too; on a busy machine it is another process's time slice)
    return (f"lsp: change to diagnostics, sample repository ({changes} changes)",
            f"{median:.0f} ms median, {p95:.0f} ms p95, {slowest:.0f} ms slowest", "< 100 ms (p95)",
            _met(p95 < 100))


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def render(rows, args) -> str:
    lines = ["| figure | measured | target | |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    machine = (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python "
               f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    runs = f"Medians of {args.runs} runs (one-file rows: of {max(args.runs * 5, 10)})"
    return "\n".join(lines) + f"\n\nMachine: {machine}. {runs}. Reproduce: `{command.strip()}`\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pilots", type=int, default=1000, help="pilots of the repository with history")
    parser.add_argument("--sizes", type=lambda v: [int(x) for x in v.split(",")], default=[200, 1000, 5000],
                        help="repository sizes (pilots) for check against the floor and memory")
    parser.add_argument("--hook-pilots", type=int, default=50, help="pilots of the pre-commit case's repository")
    parser.add_argument("--hook-commits", type=int, default=2000, help="its history")
    parser.add_argument("--notes", type=int, default=12)
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", help="keep generated repositories here (reused between runs)")
    parser.add_argument("--skip-peers", action="store_true", help="do not run check-jsonschema and yamllint")
    parser.add_argument("--skip-lsp", action="store_true", help="do not measure `pilotlint lsp` (needs pygls)")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    args = parser.parse_args()
    table = render(run(args), args)
    print(table)
    if args.write:
        results = HERE / "RESULTS.md"
        head = results.read_text().split("<!-- table -->")[0] if results.exists() else "# Benchmark results\n\n"
        results.write_text(head + "<!-- table -->\n" + table)


if __name__ == "__main__":
    main()
