"""What yaml-language-server makes of our schemas: each probe, each release, each form.

    python bench/yamlls.py                                # the release install-tools.sh installs
    python bench/yamlls.py --server DIR [--server DIR]    # other releases (npm install --prefix DIR
                                                          #   yaml-language-server@X)

Forms measured, on a copy of examples/:
  2020-12      the source schemas/*.json, named by a modeline in each document
  draft-07     `pilotlint schema KIND --draft 7`, named by a modeline
  document     `pilotlint editor`: document.json (picks the kind by `kind:`), mapped in
               .vscode/settings.json (`yaml.schemas`), no modeline — what docs/editors.md says

Prints a Markdown table for docs/decisions/0005-editor-schemas.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))
from integration.lsp_stdio import StdioClient  # noqa: E402
from integration.yamlls_probes import PROBES, example_probes, run_probe  # noqa: E402

KIND_FILES = {"Charter": "charter.json", "WeeklyNote": "weekly-note.json", "RollbackPlan": "rollback-plan.json",
              "Approval": "approval.json", "Config": "config.json", "Policy": "policy.json"}


def default_server() -> Path:
    tools = Path(os.environ.get("PILOTLINT_TOOLS") or Path.home() / ".cache" / "pilotlint-tools")
    return tools / "npm"


def server_command(prefix: Path) -> tuple[list[str], str]:
    package = prefix / "node_modules" / "yaml-language-server"
    version = json.loads((package / "package.json").read_text())["version"]
    return ["node", str(package / "bin" / "yaml-language-server"), "--stdio"], version


def settings(schemas: dict | None = None) -> dict:
    """What VS Code's YAML extension sends by default (older releases need every key)."""
    return {"yaml": {"validate": True, "hover": True, "completion": True, "format": {"enable": True},
                     "customTags": [], "maxItemsComputed": 5000, "schemaStore": {"enable": False},
                     "schemas": schemas or {}}, "editor": {"tabSize": 2, "insertSpaces": True},
            "files": {"associations": {}}, "http": {"proxy": "", "proxyStrictSSL": False}}


def kind_of(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith("kind:"):
            return line.split(":", 1)[1].strip()
    return None


def measure(prefix: Path, form: str, work: Path) -> list[tuple[str, bool, str]]:
    repo = work / form
    shutil.rmtree(repo, ignore_errors=True)
    shutil.copytree(REPO / "examples", repo)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "pilotlint", "editor"], cwd=repo, env=env, check=True,
                   capture_output=True)
    source = repo / ".pilotlint" / "source"
    shutil.copytree(REPO / "schemas", source)
    mapped = json.loads((repo / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    command, _version = server_command(prefix)
    client = StdioClient(command, cwd=repo, settings=settings(mapped if form == "document" else None))
    client.initialize(repo)
    rows = []
    try:
        for probe in [*PROBES, *example_probes(REPO / "examples")]:
            first = ""
            if form != "document":
                folder = source if form == "2020-12" else repo / ".pilotlint" / "schemas"
                kind = kind_of(probe.text)
                target = folder / KIND_FILES.get(kind, "charter.json")
                first = "# yaml-language-server: $schema=" + os.path.relpath(target, (repo / probe.file).parent)
            try:
                ok, seen = run_probe(client, repo, probe, first)
            except Exception as exc:  # a probe that breaks the server is a failed probe
                ok, seen = False, f"{type(exc).__name__}: {exc}"[:200]
            rows.append((probe.name, ok, seen))
    finally:
        client.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", action="append", type=Path, help="an npm prefix holding yaml-language-server")
    parser.add_argument("--verbose", action="store_true", help="show what the server answered for failed probes")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pilotlint-yamlls-"))
    results = {}
    try:
        for prefix in args.server or [default_server()]:
            _, version = server_command(prefix)
            for form in ("2020-12", "draft-07", "document"):
                results[(version, form)] = measure(prefix, form, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    columns = list(results)
    print("| probe | " + " | ".join(f"{v} {f}" for v, f in columns) + " |")
    print("|---|" + "---|" * len(columns))
    names = [name for name, _, _ in results[columns[0]]]
    for i, name in enumerate(names):
        print(f"| {name} | " + " | ".join("yes" if results[c][i][1] else "**no**" for c in columns) + " |")
    totals = [sum(ok for _, ok, _ in results[c]) for c in columns]
    print("| **probes passed** | " + " | ".join(f"{t}/{len(names)}" for t in totals) + " |")
    if args.verbose:
        for column in columns:
            for name, ok, seen in results[column]:
                if not ok:
                    print(f"\n{column} {name}:\n  {seen}")


if __name__ == "__main__":
    main()
