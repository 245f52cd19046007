#!/usr/bin/env bash
# Attack 03 (second charter, PL012 suppressed): the pull request adds a decoy copy of the base charter
# that sorts first (a.yaml) and widens the real charter.yaml, which silences PL012 inline with
# `# pilotlint: disable-file=PL012`; the gate diffed only the unchanged decoy and let it through.
#
# Red-team finding of 2026-12-01, kept as a regression test by tests/hostile/test_red_team_replays.py.
# Environment: PILOTLINT (a command line, word-split), EXAMPLES (the sample repository), WORK (a fresh
# empty directory). Prints, last, ATTACK_EXIT=<code>, which must be 1. The script itself exits
# non-zero if its setup fails.
. "$(dirname "$0")/lib.sh"
mkdir "$WORK/repo"; cd "$WORK/repo"
cp -a "$EXAMPLES"/. .
git init -q -b main; git add -A; as "Oleg Petrov" oleg@acme.example 2026-11-20T10:00:00+00:00 commit -qm base
git checkout -q -b pr
C=pilots/outbound-drafts/charter.yaml
cp $C pilots/outbound-drafts/a.yaml                        # decoy: the base charter, byte for byte
sed -i '1i # pilotlint: disable-file=PL012 reason="canonical file; a.yaml kept for the audit"' $C
sed -i 's/regions: \[DACH\]/regions: [DACH, Nordics]/; s/auto_send: false/auto_send: true /; s/monthly_cap: 2500/monthly_cap: 25000/' $C
head -1 $C | grep -q 'disable-file=PL012' || die "the suppression comment is not the charter's first line"
for want in 'regions: \[DACH, Nordics\]' 'auto_send: true ' 'monthly_cap: 25000$'; do
  grep -q "$want" $C || die "the charter was not widened ($want)"
done
cmp -s pilots/outbound-drafts/a.yaml <(git show main:$C) || die "the decoy is not the base charter"
git add -A; as Mallory mallory@evil.example 2026-11-21T10:00:00+00:00 commit -qm "Tidy the charter"
git diff main --stat | cat
echo "--- attack: decoy a.yaml, widened charter.yaml with PL012 disabled"
gate ATTACK_EXIT --base main --head pr --today 2026-11-24 --show-suppressed
