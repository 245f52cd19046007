"""Benchmarks of the figures pilotlint promises, measured side by side in one run, reported as ratios.

    python bench/run.py                      # the full figures (1,000 pilots, 10,000 commits)
    python bench/run.py --write              # ... and write bench/RESULTS.md
    python bench/run.py --pilots 20 --commits 50 --runs 1   # a smoke run

Machines are noisy, so every figure is a median over several runs and is compared with a
baseline measured in the same run on the same files: PyYAML's C loader reading the
files (the floor: pilotlint cannot be faster than reading its input), `check-jsonschema`
and `yamllint` (the peers), `git log --raw` (the floor for `log`).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from generate import add_history, generate  # noqa: E402

TODAY = "2026-11-24"
FLOOR = """
import os, sys, yaml
for d, _, files in os.walk(sys.argv[1]):
    for f in files:
        if f.endswith(('.yaml', '.yml')):
            with open(os.path.join(d, f), 'rb') as h:
                yaml.load(h.read(), Loader=yaml.CSafeLoader)
"""


@dataclass
class Timing:
    seconds: float
    max_rss_mib: float


def measure(cmd: list[str], cwd: Path, runs: int, env: dict | None = None) -> Timing:
    """Median wall time and the largest peak RSS over `runs` runs of a command."""
    times, rss = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        rss.append(usage.ru_maxrss / 1024)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} exited {code}: {proc.stderr.read().decode()[-2000:]}")
        proc.stderr.close()
    return Timing(statistics.median(times), max(rss))


def tool(name: str) -> str | None:
    tools = Path(os.environ.get("PILOTLINT_TOOLS", Path.home() / ".cache" / "pilotlint-tools"))
    for candidate in (tools / "venv" / "bin" / name, Path(sys.executable).parent / name):
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def pilotlint(*args: str) -> list[str]:
    return [sys.executable, "-m", "pilotlint", *args]


def run(args) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []  # figure, measured, target, met
    work = Path(args.work or tempfile.mkdtemp(prefix="pilotlint-bench-"))
    repo = work / "repo"
    if not (repo / "pilots").is_dir():
        generate(repo, args.pilots, args.notes)
    files = sorted(str(p.relative_to(repo)) for p in (repo / "pilots").rglob("*.yaml"))
    env: dict = {}  # the installed pilotlint (compiled bytecode), as users run it

    floor = measure([sys.executable, "-c", FLOOR, "pilots"], repo, args.runs)
    check = measure(pilotlint("check", "--no-git", "--today", TODAY), repo, args.runs, env)
    ratio = check.seconds / floor.seconds
    rows.append((f"check, {args.pilots} pilots ({len(files)} files) vs PyYAML C loader",
                 f"{check.seconds:.2f} s vs {floor.seconds:.2f} s = {ratio:.2f}x", "<= 2x", _met(ratio <= 2)))
    rows.append(("check peak memory", f"{check.max_rss_mib:.0f} MiB", "< 200 MiB", _met(check.max_rss_mib < 200)))

    # The site reads what `status` reads and writes a page per pilot: the same repository, same run.
    status = measure(pilotlint("status", "--today", TODAY), repo, args.runs, env)
    site_out = work / "site-out"
    site = measure(pilotlint("site", str(site_out), "--today", TODAY), repo, args.runs, env)
    pages = sum(1 for _ in (site_out / "pilots").glob("*.html"))
    ratio = site.seconds / status.seconds
    rows.append((f"site, {args.pilots} pilots ({pages} pages) vs status", f"{site.seconds:.2f} s vs "
                 f"{status.seconds:.2f} s = {ratio:.2f}x", "<= 3x", _met(ratio <= 3 and pages == args.pilots)))

    cjs = tool("check-jsonschema")
    if cjs and not args.skip_peers:
        by_kind: dict[str, list[str]] = {"charter": [], "rollback-plan": [], "weekly-note": []}
        for f in files:
            kind = "weekly-note" if "/notes/" in f else "rollback-plan" if f.endswith("rollback.yaml") else "charter"
            by_kind[kind].append(f)
        start = time.perf_counter()
        for kind, group in by_kind.items():
            if group:
                measure([cjs, "--schemafile", str(REPO / "schemas" / f"{kind}.json"), *group], repo, 1)
        peer = time.perf_counter() - start
        rows.append(("check vs check-jsonschema (schemas only)", f"{check.seconds:.2f} s vs {peer:.2f} s = "
                     f"{peer / check.seconds:.1f}x faster", "several times faster", _met(peer / check.seconds >= 2)))
    yamllint = tool("yamllint")
    if yamllint and not args.skip_peers:
        peer = measure([yamllint, "-d", "relaxed", "pilots"], repo, 1)
        rows.append(("check vs yamllint", f"{check.seconds:.2f} s vs {peer.seconds:.2f} s = "
                     f"{peer.seconds / check.seconds:.1f}x faster", "several times faster",
                     _met(peer.seconds / check.seconds >= 2)))

    one = "pilots/" + sorted(p.name for p in (repo / "pilots").iterdir())[0] + "/charter.yaml"
    single = measure(pilotlint("check", "--no-git", "--today", TODAY, "--", one), repo, max(args.runs, 5), env)
    row = f"{single.seconds * 1000:.0f} ms"
    if yamllint and not args.skip_peers:
        peer = measure([yamllint, one], repo, max(args.runs, 5))
        row += f" (yamllint {peer.seconds * 1000:.0f} ms)"
    rows.append(("check of one file (pre-commit case)", row, "< 250 ms", _met(single.seconds < 0.25)))

    if args.commits:
        history = work / "history"
        if not (history / ".git").is_dir():
            generate(history, args.pilots, args.notes)
            add_history(history, args.commits)
        raw = measure(["git", "log", "--raw", "--no-renames", "HEAD", "--", "pilots"], history, args.runs)
        log = measure(pilotlint("log", "--format", "json"), history, args.runs, env)
        ratio = log.seconds / raw.seconds
        rows.append((f"log over {args.commits} commits vs git log --raw", f"{log.seconds:.2f} s vs "
                     f"{raw.seconds:.2f} s = {ratio:.1f}x", "<= 3x", _met(ratio <= 3)))
        half = args.commits // 2
        subprocess.run(["git", "checkout", "-q", "--detach", f"HEAD~{half}"], cwd=history, check=True)
        try:
            shorter = measure(pilotlint("log", "--format", "json"), history, 1, env)
        finally:
            subprocess.run(["git", "checkout", "-q", "main"], cwd=history, check=True)
        growth = log.max_rss_mib / shorter.max_rss_mib
        rows.append((f"log peak memory, {args.commits - half} vs {args.commits} commits",
                     f"{shorter.max_rss_mib:.0f} MiB vs {log.max_rss_mib:.0f} MiB ({growth:.2f}x)",
                     "flat as history grows", _met(growth < 1.25)))
        # With history the site also reads every pilot's decision log (one walk for all pilots).
        status_h = measure(pilotlint("status", "--today", TODAY), history, args.runs, env)
        site_h = measure(pilotlint("site", str(work / "site-history"), "--today", TODAY), history, args.runs, env)
        ratio = site_h.seconds / status_h.seconds
        rows.append((f"site with the {args.commits}-commit decision log vs status", f"{site_h.seconds:.2f} s vs "
                     f"{status_h.seconds:.2f} s = {ratio:.2f}x", "<= 3x", _met(ratio <= 3)))
        base = subprocess.run(["git", "rev-parse", "HEAD~20"], cwd=history, capture_output=True, text=True).stdout.strip()
        gate = measure(pilotlint("gate", "--base", base, "--today", TODAY), history, args.runs, env)
        rows.append((f"gate on {args.pilots} pilots, {args.commits}-commit history", f"{gate.seconds:.2f} s",
                     "< 2 s", _met(gate.seconds < 2)))
    if not args.skip_lsp:
        rows.append(lsp_change_row(work, max(args.runs * 10, 20)))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return rows


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
    return "\n".join(lines) + f"\n\nMachine: {machine}. Medians of {args.runs} runs. Reproduce: `{command.strip()}`\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pilots", type=int, default=1000)
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
