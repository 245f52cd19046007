#!/usr/bin/env bash
# Attack 05 (signature malleability): an approval already in the base counts as fresh again once its
# armoured SSH signature is re-wrapped (same bytes, other line breaks), because the gate identified a
# decision by its signature text; so an old signed approval of a wider state re-approves re-widening.
#
# Red-team finding of 2026-12-01, kept as a regression test by tests/hostile/test_red_team_replays.py.
# Environment: PILOTLINT (a command line, word-split), EXAMPLES (the sample repository), WORK (a fresh
# empty directory). Prints CONTROL_EXIT=<code> (a byte-identical copy of the old approval) and, last,
# ATTACK_EXIT=<code>; both must be 1. The script itself exits non-zero if its setup fails.
. "$(dirname "$0")/lib.sh"
cd "$WORK"
ssh-keygen -q -t ed25519 -N '' -C oleg@acme.example -f "$WORK/oleg_key"
PUB=$(cat "$WORK/oleg_key.pub")
mkdir repo; cp -a "$EXAMPLES"/. repo/; cd repo
# the base config gives oleg the key; only signatures count (no author-email forgery involved)
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
# main: the Nordics, approved by oleg (signed) ...
sed -i 's/regions: \[DACH\]/regions: [DACH, Nordics]/' $C
$PILOTLINT approve outbound-drafts --as oleg --sign "$WORK/oleg_key" --today 2026-11-21 >/dev/null
A=$(one pilots/outbound-drafts/approvals/2026-11-21-*.yaml)
git add -A; as "Oleg Petrov" oleg@acme.example 2026-11-21T10:00:00+00:00 commit -qm "Nordics, approved"
# ... then narrowed back to DACH (a contraction needs no approval); the old approval stays as history
sed -i 's/regions: \[DACH, Nordics\]/regions: [DACH]/' $C
git add -A; as "Maria Chen" maria@acme.example 2026-11-22T10:00:00+00:00 commit -qm "Nordics paused: back to DACH"
# Mallory: re-widen, and copy the old approval with its signature re-wrapped
git checkout -q -b pr
sed -i 's/regions: \[DACH\]/regions: [DACH, Nordics]/' $C
"$PYTHON" - "$A" <<'PY'
import sys
src = open(sys.argv[1]).read()
head, sig = src.split("signature: |\n")
lines = [l.strip() for l in sig.strip().splitlines()]
assert lines[0] == "-----BEGIN SSH SIGNATURE-----" and lines[-1] == "-----END SSH SIGNATURE-----", lines
b64 = "".join(lines[1:-1])
rewrapped = [b64[i:i+40] for i in range(0, len(b64), 40)]
assert rewrapped != lines[1:-1], "re-wrapping at 40 columns changes nothing"
out = head + "signature: |\n" + "".join("  %s\n" % l for l in [lines[0], *rewrapped, lines[-1]])
assert out != src
open(sys.argv[1].replace(".yaml", "-copy.yaml"), "w").write(out)
PY
git add -A; as Mallory mallory@evil.example 2026-11-23T10:00:00+00:00 commit -qm "Nordics again"
echo "--- control: a byte-identical copy (the existing defence)"
git checkout -q -b ctl main; sed -i 's/regions: \[DACH\]/regions: [DACH, Nordics]/' $C; cp "$A" "${A%.yaml}-copy.yaml"
git add -A; as Mallory mallory@evil.example 2026-11-23T10:00:00+00:00 commit -qm "Nordics again"
gate CONTROL_EXIT --base main --head ctl --today 2026-11-24
git checkout -q pr
echo "--- attack: the copy with the signature re-wrapped"
if diff <(git show main:"$A") "${A%.yaml}-copy.yaml"; then die "the copy is byte-identical"; fi
gate ATTACK_EXIT --base main --head pr --today 2026-11-24
