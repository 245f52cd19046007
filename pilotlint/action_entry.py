"""The GitHub Action's gate step (action.yml), as a program that also runs outside GitHub.

`python -m pilotlint.action_entry` reads the action's inputs from `INPUT_*` variables
(action.yml passes them through `env:`, never through `${{ }}` in a script), runs
`pilotlint gate` once with JSON output, and then:

- prints GitHub annotations (workflow commands, with document text escaped);
- appends the Markdown verdict to `$GITHUB_STEP_SUMMARY` (unless `summary: false`),
  also when pilotlint cannot run, so a required check always reports;
- writes SARIF when `sarif-file` is set;
- writes the outputs `verdict`, `expansions`, `errors` and `sarif-file` to
  `$GITHUB_OUTPUT`, each between random delimiters;
- exits with the gate's status: 0 pass, 1 blocked, 2 when pilotlint could not run.

Until the `gate` command is available it runs `check` instead (no base needed).

Variables: INPUT_BASE (default: EVENT_BASE_SHA, else the base commit read from the
event payload at GITHUB_EVENT_PATH), INPUT_HEAD, INPUT_PATHS, INPUT_WORKING_DIRECTORY,
INPUT_SARIF_FILE, INPUT_SUMMARY, INPUT_TODAY; GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

MAX_SUMMARY = 1024 * 1024 - 4096  # GitHub's job summary limit is 1 MiB per step
MAX_ERROR_LINES = 20


class ActionError(Exception):
    """pilotlint could not run: reported in the log and the summary, exit status 2."""


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def escape_data(text: str) -> str:
    from pilotlint.report.github_format import escape_data as escape

    return escape(text)


def event_base() -> str:
    """The pull request's (or merge queue's) base commit, from the event."""
    if _env("EVENT_BASE_SHA"):
        return _env("EVENT_BASE_SHA")
    path = _env("GITHUB_EVENT_PATH")
    if not path:
        return ""
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    if not isinstance(event, dict):
        return ""
    for container, key in (("pull_request", "base"), ("merge_group", None)):
        value = event.get(container)
        if not isinstance(value, dict):
            continue
        if key is None:
            sha = value.get("base_sha")
        else:
            sha = value.get(key, {}).get("sha") if isinstance(value.get(key), dict) else None
        if isinstance(sha, str) and sha:
            return sha
    return ""


def gate_available() -> bool:
    return importlib.util.find_spec("pilotlint.cli.gate") is not None


def build_command(json_out: Path, summary_out: Path | None) -> tuple[str, list[str]]:
    """The pilotlint command line for this run: ("gate" or "check", argv)."""
    paths = shlex.split(os.environ.get("INPUT_PATHS", ""))
    today = _env("INPUT_TODAY")
    common = ["--format", "json", "--output", str(json_out)]
    if today:
        common.append(f"--today={today}")
    if gate_available():
        base = _env("INPUT_BASE") or event_base()
        if not base:
            raise ActionError("no base to compare with: this run has no pull request in its event; "
                              "set the action's `base:` input (for example the default branch)")
        argv = ["gate", f"--base={base}", *common]
        head = _env("INPUT_HEAD")
        if head:
            argv.append(f"--head={head}")
        if summary_out is not None:
            argv.append(f"--summary={summary_out}")
        command = "gate"
    else:
        argv = ["check", *common]
        command = "check"
    if paths:
        argv += ["--", *paths]
    return command, argv


def report_from_json(command: str, data: dict):
    """The Report behind a JSON output, for the github and SARIF reporters."""
    from pilotlint.findings import Finding, Report, Suppression

    def finding(entry: dict, suppressed: bool = False) -> Finding:
        line = int(entry.get("line") or 1)
        by = None
        if suppressed:
            by = Suppression(rules=(entry["rule"],), reason=entry.get("reason"), until=entry.get("until"),
                             line=line, target_line=line)
        return Finding(entry["rule"], entry["severity"], entry["path"], line, int(entry.get("column") or 1),
                       entry.get("pilot"), entry["message"], by)

    findings = [finding(f) for f in data.get("findings", [])]
    suppressed = [finding(f, True) for f in data.get("suppressed", [])]
    failing = data.get("verdict") in ("fail", "blocked")
    has_errors = any(f.severity == "error" for f in findings)
    report = Report(command, findings, suppressed, int(data.get("summary", {}).get("files", 0)),
                    fail_on="warning" if failing and not has_errors else "error",
                    expansions=data.get("expansions"))
    return report


def markdown_escape(text: str) -> str:
    """Document text in Markdown: no tables broken, no HTML, links, mentions or hidden text."""
    from pilotlint.report.markdown import md

    return md(text)


def check_summary(report) -> str:
    """The Markdown verdict for a `check` run (the gate writes its own)."""
    from pilotlint.findings import counts
    from pilotlint.report.markdown import md_code

    total = counts(report.findings)
    icon = "❌" if report.failed else "✅"
    lines = [f"## {icon} pilotlint check: {report.verdict}", "",
             f"{total['errors']} errors, {total['warnings']} warnings in {report.files} files"
             f"{f', {len(report.suppressed)} suppressed' if report.suppressed else ''}.", ""]
    if report.findings:
        lines += ["| rule | severity | where | message |", "|---|---|---|---|"]
        size = sum(len(line) + 1 for line in lines)
        for index, f in enumerate(report.findings):
            row = f"| {f.rule} | {f.severity} | {md_code(f'{f.path}:{f.line}')} | {markdown_escape(f.message)} |"
            if size + len(row) > MAX_SUMMARY - 200:
                lines.append("")
                lines.append(f"*{len(report.findings) - index} more findings are not shown here; "
                             "see the annotations or the SARIF report.*")
                break
            lines.append(row)
            size += len(row) + 1
    return "\n".join(lines) + "\n"


def error_summary(message: str) -> str:
    return ("## ❌ pilotlint gate: could not run\n\n"
            f"{markdown_escape(message)}\n\n"
            "Nothing was cleared: the pull request is blocked until the gate can run.\n")


def append_summary(text: str) -> None:
    if _env("INPUT_SUMMARY").lower() == "false":
        return
    target = _env("GITHUB_STEP_SUMMARY")
    if not target:
        return
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_SUMMARY:
        text = encoded[:MAX_SUMMARY].decode("utf-8", "ignore") + "\n\n*(summary truncated at GitHub's limit)*\n"
    from pilotlint.documents.write import WriteError, report as write_report

    try:
        write_report(target, text if text.endswith("\n") else text + "\n", append=True)
    except WriteError as exc:
        print(f"::error title=pilotlint::{escape_data(f'cannot write the job summary: {exc}')}")


def write_outputs(values: dict[str, str]) -> None:
    """`name<<DELIM` ... `DELIM`, with a delimiter that the value cannot contain."""
    target = _env("GITHUB_OUTPUT")
    if not target:
        return
    from pilotlint.documents.write import WriteError, report as write_report

    lines = []
    for name, value in values.items():
        delimiter = f"EOF_{secrets.token_hex(16)}"
        while delimiter in value:
            delimiter = f"EOF_{secrets.token_hex(16)}"
        lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    try:
        write_report(target, "".join(lines), append=True)
    except WriteError as exc:
        print(f"::error title=pilotlint::{escape_data(f'cannot write the outputs: {exc}')}")


def run() -> int:
    workdir = _env("INPUT_WORKING_DIRECTORY") or "."
    sarif_file = _env("INPUT_SARIF_FILE")
    try:
        os.chdir(workdir)
    except OSError as exc:
        return fail(f"working-directory {workdir!r}: {exc.strerror}")
    with tempfile.TemporaryDirectory(prefix="pilotlint-action-") as tmp:
        json_out = Path(tmp) / "report.json"
        summary_out = Path(tmp) / "summary.md"
        try:
            command, argv = build_command(json_out, summary_out)
        except ActionError as exc:
            return fail(str(exc))
        env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
        proc = subprocess.run([sys.executable, "-m", "pilotlint", *argv], capture_output=True, text=True,
                              env=env, stdin=subprocess.DEVNULL)
        if proc.returncode not in (0, 1) or not json_out.is_file():
            detail = (proc.stderr or proc.stdout).strip() or f"exit status {proc.returncode}"
            return fail(f"pilotlint {command} failed: {detail}", status=proc.returncode or 2)
        try:
            data = json.loads(json_out.read_text(encoding="utf-8"))
        except ValueError as exc:
            return fail(f"pilotlint {command} wrote unreadable JSON: {exc}")
        report = report_from_json(command, data)

        from pilotlint.report import render

        sys.stdout.write(render("github", report))
        sys.stdout.flush()
        if summary_out.is_file():
            append_summary(summary_out.read_text(encoding="utf-8"))
        else:
            append_summary(check_summary(report))
        if sarif_file:
            from pilotlint.documents.write import WriteError, report as write_report

            try:  # never through a link the pull request commits under that name
                write_report(sarif_file, render("sarif", report))
            except WriteError as exc:
                return fail(f"cannot write the SARIF file: {exc}")
        errors = sum(1 for f in report.findings if f.severity == "error")
        write_outputs({"verdict": str(data.get("verdict", "")),
                       "expansions": json.dumps(data.get("expansions") or [], ensure_ascii=False,
                                                separators=(",", ":")),
                       "errors": str(errors), "sarif-file": str(Path(sarif_file).resolve()) if sarif_file else ""})
        return proc.returncode


def fail(message: str, status: int = 2) -> int:
    """pilotlint could not run: say so in the log, the summary and the outputs."""
    lines = message.splitlines() or [message]
    for line in lines[:MAX_ERROR_LINES]:
        print(f"::error title=pilotlint::{escape_data(line)}")
    append_summary(error_summary(message))
    write_outputs({"verdict": "error", "expansions": "[]", "errors": "0", "sarif-file": ""})
    return status if status not in (0, 1) else 2


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
