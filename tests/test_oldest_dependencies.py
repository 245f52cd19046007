"""The oldest dependencies pyproject.toml allows still pass the tests where behaviour can differ.

A fresh install takes the newest release of PyYAML, jsonschema, click and Jinja2 (the
rest of the suite runs against those); install-tools.sh also builds a virtual
environment with the lowest version each `>=` allows. The loader's hostile tests (libyaml
differs between PyYAML releases: 6.0.4's bundled libyaml has its own nesting limit), the
schema tests and the catalogue examples run there too, so that neither end of the range
can turn red unseen.
"""

from __future__ import annotations

import re
import subprocess
import tomllib

from conftest import REPO
from integration.tools import TOOLS, missing

SUITES = ["tests/test_load.py", "tests/hostile/test_bad_files.py", "tests/hostile/test_properties.py",
          "tests/test_fastschema.py", "tests/test_schemas.py", "tests/test_catalogue_examples.py"]


def _oldest_python() -> str:
    python = TOOLS / "oldest" / "bin" / "python"
    if not python.is_file():
        missing("the oldest-dependencies environment")
    return str(python)


def test_the_oldest_environment_holds_the_lowest_versions_pyproject_allows():
    with open(REPO / "pyproject.toml", "rb") as handle:
        dependencies = tomllib.load(handle)["project"]["dependencies"]
    lowest = dict(re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9.]+)", dep).groups() for dep in dependencies)
    script = "import importlib.metadata as m, json, sys; print(json.dumps({n: m.version(n) for n in sys.argv[1:]}))"
    proc = subprocess.run([_oldest_python(), "-c", script, *lowest], capture_output=True, text=True, check=True)
    import json

    installed = json.loads(proc.stdout)
    for name, version in lowest.items():
        assert installed[name].split(".")[:len(version.split("."))] == version.split("."), (name, installed[name])


def test_the_loader_schema_and_catalogue_tests_pass_with_the_oldest_dependencies():
    proc = subprocess.run([_oldest_python(), "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUITES], cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    tail = "\n".join(proc.stdout.splitlines()[-30:])
    assert proc.returncode == 0, f"{tail}\n{proc.stderr[-2000:]}"
    assert re.search(r"\b\d{3,} passed\b", tail), tail
