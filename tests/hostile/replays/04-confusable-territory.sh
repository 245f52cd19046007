#!/usr/bin/env bash
# Attack 04 (confusable territory): a new pilot on outbound-drafts' team and region, spelled with
# look-alike Cyrillic letters (`sаles-dach`, `DАCH`), was not seen as overlapping that pilot, so its
# owner oleg was not asked and maria approved her own new pilot.
#
# Red-team finding of 2026-12-01, kept as a regression test by tests/hostile/test_red_team_replays.py.
# Environment: PILOTLINT (a command line, word-split), EXAMPLES (the sample repository), WORK (a fresh
# empty directory). Prints CONTROL_EXIT=<code> (the same pilot spelled plainly) and, last,
# ATTACK_EXIT=<code>; both must be 1. The script itself exits non-zero if its setup fails.
. "$(dirname "$0")/lib.sh"
mkdir "$WORK/repo"; cd "$WORK/repo"
cp -a "$EXAMPLES"/. .
git init -q -b main; git add -A; as "Oleg Petrov" oleg@acme.example 2026-11-20T10:00:00+00:00 commit -qm base
newpilot() { # $1 = plain | confusable: support-triage's charter, moved to outbound-drafts' ground, owned by maria
  rm -rf pilots/dach-outreach; mkdir -p pilots/dach-outreach
  "$PYTHON" - "$1" <<'PY'
import sys
# the look-alikes are written as escapes here, so that no shell locale can alter them
team, region = ("sales-dach", "DACH") if sys.argv[1] == "plain" else ("s\u0430les-dach", "D\u0410CH")
t = open('pilots/support-triage/charter.yaml', encoding='utf-8').read()
for old, new in [('pilot: support-triage', 'pilot: dach-outreach'), ('owner: oleg', 'owner: maria'),
                 ('teams: [support]', 'teams: [%s]' % team), ('regions: [DACH]', 'regions: [%s]' % region),
                 ('approved_by: oleg', 'approved_by: maria')]:
    assert old in t, "support-triage's charter has no %r" % old
    t = t.replace(old, new)
open('pilots/dach-outreach/charter.yaml', 'w', encoding='utf-8').write(t)
PY
}
for variant in plain confusable; do
  git checkout -q main; git checkout -q -B pr-$variant
  newpilot $variant
  git add -A; as "Maria Chen" maria@acme.example 2026-11-21T10:00:00+00:00 commit -qm "New pilot"
  $PILOTLINT approve dach-outreach --as maria --today 2026-11-21 >/dev/null
  git add -A; as "Maria Chen" maria@acme.example 2026-11-21T11:00:00+00:00 commit -qm "maria approves"
  "$PYTHON" - $variant <<'PY'
import sys, yaml
scope = yaml.safe_load(open('pilots/dach-outreach/charter.yaml', encoding='utf-8'))['scope']
teams, regions = scope['teams'], scope['regions']
print("--- %s: teams %s regions %s" % (sys.argv[1], ascii(teams), ascii(regions)))
expect = (["sales-dach"], ["DACH"]) if sys.argv[1] == "plain" else (["s\u0430les-dach"], ["D\u0410CH"])
assert (teams, regions) == expect, "the new pilot's territory is not what the attack needs"
PY
  if [ $variant = plain ]; then gate CONTROL_EXIT --base main --head pr-$variant --today 2026-11-24
  else gate ATTACK_EXIT --base main --head pr-$variant --today 2026-11-24; fi
done
