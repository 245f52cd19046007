#!/usr/bin/env bash
# Attack 02 (same-day replay): on main the owner signs an approval and later the SAME day replaces it
# with a signed rejection; a pull request from main's tip re-adds the morning's approval under another
# file name, and the gate ranked decisions added in the range above those in the base, so it won.
#
# Red-team finding of 2026-12-01, kept as a regression test by tests/hostile/test_red_team_replays.py.
# Environment: PILOTLINT (a command line, word-split), EXAMPLES (the sample repository), WORK (a fresh
# empty directory). Prints CONTROL_EXIT=<code> (the same PR without the replayed approval) and, last,
# ATTACK_EXIT=<code>; both must be 1. The script itself exits non-zero if its setup fails.
. "$(dirname "$0")/lib.sh"
cd "$WORK"
ssh-keygen -q -t ed25519 -N '' -C oleg@acme.example -f "$WORK/oleg_key"
PUB=$(cat "$WORK/oleg_key.pub")
mkdir repo; cp -a "$EXAMPLES"/. repo/; cd repo
# the base config gives oleg the key; only signatures count
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
# main, 2026-11-21 morning: maria proposes the Nordics, oleg signs an approval
sed -i 's/regions: \[DACH\]/regions: [DACH, Nordics]/' $C
git add -A; as "Maria Chen" maria@acme.example 2026-11-21T09:00:00+00:00 commit -qm "Nordics proposed"
$PILOTLINT approve outbound-drafts --as oleg --sign "$WORK/oleg_key" --today 2026-11-21 >/dev/null
A=$(one pilots/outbound-drafts/approvals/2026-11-21-*.yaml)
grep -q 'BEGIN SSH SIGNATURE' "$A" || die "the approval $A is not signed"
git add -A; as "Oleg Petrov" oleg@acme.example 2026-11-21T10:00:00+00:00 commit -qm "oleg approves"
AC=$(git rev-parse HEAD)
# main, same day afternoon: oleg changes his mind: his approval is replaced by a signed rejection
git rm -q "$A"
$PILOTLINT approve outbound-drafts --as oleg --sign "$WORK/oleg_key" --decision reject --today 2026-11-21 >/dev/null
R=$(one pilots/outbound-drafts/approvals/2026-11-21-*.yaml)
grep -Eq '^decision: *reject' "$R" || die "the afternoon's decision $R is not a rejection"
git add -A; as "Oleg Petrov" oleg@acme.example 2026-11-21T15:00:00+00:00 commit -qm "oleg rejects the Nordics"
# and the region goes back to DACH
sed -i 's/regions: \[DACH, Nordics\]/regions: [DACH]/' $C
git add -A; as "Maria Chen" maria@acme.example 2026-11-21T16:00:00+00:00 commit -qm "Back to DACH"
echo "main: $(git log --oneline | head -4 | tr '\n' ';')"
# Mallory's PR, forked from main's tip: the Nordics again, and the morning's approval restored
git checkout -q -b pr
sed -i 's/regions: \[DACH\]/regions: [DACH, Nordics]/' $C
git show "$AC:$A" > "${A%.yaml}-morning.yaml"     # R stays in place, untouched
git add -A; as Mallory mallory@evil.example 2026-11-23T10:00:00+00:00 commit -qm "Nordics"
echo "PR approvals folder:"
for f in pilots/outbound-drafts/approvals/*; do echo "  $f: $({ grep -E "^decision|^on" "$f" || true; } | tr "\n" " ")"; done
echo "--- control: without the replayed approval the rejection blocks"
git checkout -q -b ctl main; sed -i 's/regions: \[DACH\]/regions: [DACH, Nordics]/' $C
git add -A; as Mallory mallory@evil.example 2026-11-23T10:00:00+00:00 commit -qm "Nordics"
gate CONTROL_EXIT --base main --head ctl --today 2026-11-24
git checkout -q pr
echo "--- attack: the morning's approval replayed"
gate ATTACK_EXIT --base main --head pr --today 2026-11-24
