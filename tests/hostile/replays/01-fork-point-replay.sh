#!/usr/bin/env bash
# Attack 01 (fork-point replay): a pull request forked from an OLD commit of main re-adds a signed
# approval that the owner has since withdrawn and replaced by a newer decision on main; the gate
# judged decisions against the merge base's tree, so the withdrawn approval counted again.
#
# Red-team finding of 2026-12-01, kept as a regression test by tests/hostile/test_red_team_replays.py.
# Environment: PILOTLINT (a command line, word-split), EXAMPLES (the sample repository), WORK (a fresh
# empty directory). Prints CONTROL_EXIT=<code> (the same PR rebased on main's tip) and, last,
# ATTACK_EXIT=<code>; both must be 1. The script itself exits non-zero if its setup fails.
. "$(dirname "$0")/lib.sh"
cd "$WORK"
ssh-keygen -q -t ed25519 -N '' -C oleg@acme.example -f "$WORK/oleg_key"
PUB=$(cat "$WORK/oleg_key.pub")
mkdir repo; cp -a "$EXAMPLES"/. repo/; cd repo
# the base config gives oleg the key (the owner's config, not the attacker's); only signatures count
"$PYTHON" - "$PUB" <<'PY'
import re, sys
p = '.pilotlint.yaml'; t = open(p).read()
t, n = re.subn(r'signing_key: "[^"]*"', 'signing_key: "%s"' % sys.argv[1], t, count=1)
assert n == 1, "no signing_key in the sample config"
assert 'require_signed: false' in t, "no require_signed: false in the sample config"
t = t.replace('require_signed: false', 'require_signed: true ')
open(p, 'w').write(t)
PY
C=pilots/outbound-drafts/charter.yaml
grep -q 'regions: \[DACH\]' $C || die "the sample charter has no 'regions: [DACH]'"
git init -q -b main; git add -A; as "Oleg Petrov" oleg@acme.example 2026-11-20T10:00:00+00:00 commit -qm base
C0=$(git rev-parse HEAD)
# main: oleg widens to the Nordics and signs an approval (2026-11-21) ...
sed -i 's/regions: \[DACH\]/regions: [DACH, Nordics]/' $C
$PILOTLINT approve outbound-drafts --as oleg --sign "$WORK/oleg_key" --today 2026-11-21 >/dev/null
A=$(one pilots/outbound-drafts/approvals/2026-11-21-*.yaml)
grep -q 'BEGIN SSH SIGNATURE' "$A" || die "the approval $A is not signed"
git add -A; as "Oleg Petrov" oleg@acme.example 2026-11-21T10:00:00+00:00 commit -qm "Nordics, approved"
C1=$(git rev-parse HEAD)
# ... then changes his mind: back to DACH, the Nordics approval removed, a new signed approval of DACH
sed -i 's/regions: \[DACH, Nordics\]/regions: [DACH]/' $C
git rm -q "$A"
$PILOTLINT approve outbound-drafts --as oleg --sign "$WORK/oleg_key" --today 2026-11-22 >/dev/null
one pilots/outbound-drafts/approvals/2026-11-22-*.yaml >/dev/null
git add -A; as "Oleg Petrov" oleg@acme.example 2026-11-22T10:00:00+00:00 commit -qm "Back to DACH only"
rc=0; $PILOTLINT check --today 2026-11-24 >/dev/null || rc=$?
echo "main tip $(git rev-parse --short HEAD): check exit=$rc"
# Mallory branches from the OLD commit C0 (she chooses which commits exist)
git checkout -q -b pr "$C0"
sed -i 's/regions: \[DACH\]/regions: [DACH, Nordics]/' $C
git show "$C1:$A" > "$A"
git add -A; as Mallory mallory@evil.example 2026-11-23T10:00:00+00:00 commit -qm "Nordics"
[ "$(git merge-base main pr)" = "$C0" ] || die "the PR does not fork from C0"
echo "--- what main would look like after merging the PR (a throwaway branch):"
git checkout -q -b merged-preview main
as "Oleg Petrov" oleg@acme.example 2026-11-24T10:00:00+00:00 merge -q --no-edit pr
grep -n "regions:" $C
{ $PILOTLINT check --today 2026-11-24 || true; } | { grep -E "PL901|PL801" || true; } | cut -c1-220
echo "--- control: the same PR rebased on main's tip"
git checkout -q -b pr-rebased main
sed -i 's/regions: \[DACH\]/regions: [DACH, Nordics]/' $C; git show "$C1:$A" > "$A"
git add -A; as Mallory mallory@evil.example 2026-11-23T10:00:00+00:00 commit -qm "Nordics"
gate CONTROL_EXIT --base main --head pr-rebased --today 2026-11-24
git checkout -q pr
echo "--- attack: the PR forked from C0"
gate ATTACK_EXIT --base main --head pr --today 2026-11-24
