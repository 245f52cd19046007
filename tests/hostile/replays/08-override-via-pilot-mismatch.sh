#!/usr/bin/env bash
# Attack 08 (override via pilot-id mismatch): with a base config that relaxes `pilots/sandbox-*/**`
# (ignore PL8, PL9), moving outbound-drafts there and widening it stays gated, unless the charter adds
# a second `pilot:` after a lone '\r' (attack 07's trick): the findings then named a pilot the gate had
# no delta for, so the override of the head path applied and the widening passed.
#
# Red-team finding of 2026-12-01, kept as a regression test by tests/hostile/test_red_team_replays.py.
# Environment: PILOTLINT (a command line, word-split), EXAMPLES (the sample repository), WORK (a fresh
# empty directory); PYTHON (default python3) must import yaml. Prints CONTROL_EXIT=<code> (moved and
# widened, without the trick) and, last, ATTACK_EXIT=<code>; both must be 1. The script itself exits
# non-zero if its setup fails.
. "$(dirname "$0")/lib.sh"
mkdir "$WORK/repo"; cd "$WORK/repo"
cp -a "$EXAMPLES"/. .
# the base config (the admin's) relaxes the sandbox, as tests/hostile/test_gate_attacks.py's
# test_moving_a_pilot_under_a_relaxed_override_keeps_its_gate does
"$PYTHON" - <<'PY'
p = '.pilotlint.yaml'; t = open(p).read()
old = "  ignore: []                    # nothing is switched off in this repository"
assert old in t, "the sample config has no %r" % old
t = t.replace(old, "  ignore: []\n  overrides:\n    - {paths: [\"pilots/sandbox-*/**\"], ignore: [PL8, PL9]}")
open(p, 'w').write(t)
PY
git init -q -b main; git add -A; as "Oleg Petrov" oleg@acme.example 2026-11-20T10:00:00+00:00 commit -qm base
git checkout -q -b pr
widen() {
  sed -i 's/regions: \[DACH\]/regions: [DACH, Nordics]/; s/monthly_cap: 2500/monthly_cap: 25000/' "$1"
  grep -q 'regions: \[DACH, Nordics\]' "$1" && grep -q 'monthly_cap: 25000' "$1" || die "$1 was not widened"
}
echo "--- control: moved into the sandbox and widened (the existing test)"
git mv pilots/outbound-drafts pilots/sandbox-outbound; widen pilots/sandbox-outbound/charter.yaml
git add -A; as Mallory mallory@evil.example 2026-11-21T10:00:00+00:00 commit -qm "into the sandbox"
gate CONTROL_EXIT --base main --head pr --today 2026-11-24
echo "--- attack: the same, plus a second pilot: key after a lone CR"
"$PYTHON" - pilots/sandbox-outbound/charter.yaml <<'PY'
import sys, yaml
p = sys.argv[1]; t = open(p, newline="").read()
t = "# pilotlint: disable-file=PL004 reason=\"generated file\"\n" + t.rstrip("\n") + "\rpilot: sandbox-outbound\n"
open(p, "w", newline="").write(t)
# setup check: the first `pilot:` line is still outbound-drafts, what YAML reads is sandbox-outbound
first = next(l for l in t.split("\n") if l.startswith("pilot:"))
assert first == "pilot: outbound-drafts", first
assert yaml.safe_load(t)["pilot"] == "sandbox-outbound"
PY
git add -A; as Mallory mallory@evil.example 2026-11-21T11:00:00+00:00 commit -qm "into the sandbox"
git show pr:pilots/sandbox-outbound/charter.yaml | grep -q $'\rpilot: sandbox-outbound' || die "the lone CR did not survive the commit"
gate ATTACK_EXIT --base main --head pr --today 2026-11-24 --show-suppressed
