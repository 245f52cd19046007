# The prologue every replay shares: sourced first (`. "$(dirname "$0")/lib.sh"`).
# Checks the environment (PILOTLINT, EXAMPLES, WORK), isolates git from the user's config,
# and defines die (a setup failure: exit 3), as (git as a person on a date), gate (run the gate,
# show its output, print LABEL=<exit code> without aborting) and one (exactly one file).
set -euo pipefail
: "${PILOTLINT:?}" "${EXAMPLES:?}" "${WORK:?}"
PYTHON=${PYTHON:-python3}
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
die() { echo "SETUP FAILED: $*" >&2; exit 3; }
[ -d "$WORK" ] && [ -z "$(ls -A "$WORK")" ] || die "WORK=$WORK is not an empty directory"
[ -f "$EXAMPLES/.pilotlint.yaml" ] || die "EXAMPLES=$EXAMPLES has no .pilotlint.yaml"
VERSION=$($PILOTLINT --version) || die "PILOTLINT=$PILOTLINT does not run"
echo "under test: $VERSION"
as() { local n="$1" e="$2" d="$3"; shift 3
  GIT_AUTHOR_NAME="$n" GIT_AUTHOR_EMAIL="$e" GIT_COMMITTER_NAME="$n" GIT_COMMITTER_EMAIL="$e" \
  GIT_AUTHOR_DATE="$d" GIT_COMMITTER_DATE="$d" git "$@"; }
gate() { # gate LABEL ARGS...: run `pilotlint gate ARGS`, show its output, print LABEL=<exit code>
  local label=$1 out rc=0; shift
  out=$($PILOTLINT gate "$@") || rc=$?
  printf '%s\n' "$out" | sed 's/^/  | /'
  echo "$label=$rc"
}
one() { [ "$#" -eq 1 ] && [ -f "$1" ] || die "expected exactly one file, got: $*"; echo "$1"; }
