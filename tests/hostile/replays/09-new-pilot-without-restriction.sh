#!/usr/bin/env bash
# Attack 09 (new pilot without restriction): a new pilot with neither scope.teams nor scope.regions
# (schema-valid) covers every team and region, but the gate computed its territory as empty, so it
# overlapped nobody: outbound-drafts' owner oleg was not asked and maria approved her own pilot.
#
# Red-team finding of 2026-12-01, kept as a regression test by tests/hostile/test_red_team_replays.py.
# Environment: PILOTLINT (a command line, word-split), EXAMPLES (the sample repository), WORK (a fresh
# empty directory); PYTHON (default python3) must import yaml. Prints CONTROL_EXIT=<code> (the same
# pilot with outbound-drafts' teams and regions) and, last, ATTACK_EXIT=<code>; both must be 1. The
# script itself exits non-zero if its setup fails.
. "$(dirname "$0")/lib.sh"
mkdir "$WORK/repo"; cd "$WORK/repo"
cp -a "$EXAMPLES"/. .
git init -q -b main; git add -A; as "Oleg Petrov" oleg@acme.example 2026-11-20T10:00:00+00:00 commit -qm base
for variant in with-teams no-restriction; do
  git checkout -q main; git checkout -q -B pr-$variant; rm -rf pilots/everywhere; mkdir -p pilots/everywhere
  "$PYTHON" - $variant <<'PY'
import sys, yaml
t = open('pilots/outbound-drafts/charter.yaml').read()
edits = [('pilot: outbound-drafts', 'pilot: everywhere'), ('owner: oleg', 'owner: maria'),
         ('approved_by: oleg', 'approved_by: maria'), ('status: active ', 'status: proposed'),
         ('rollback: rollback.yaml', '')]
if sys.argv[1] == 'no-restriction':
    edits.append(('  teams: [sales-dach]\n  regions: [DACH]\n', ''))
for old, new in edits:
    assert old in t, "outbound-drafts' charter has no %r" % old
    t = t.replace(old, new)
open('pilots/everywhere/charter.yaml', 'w').write(t)
scope = yaml.safe_load(t)['scope']
print("--- %s: scope = %s" % (sys.argv[1], {k: v for k, v in scope.items() if k != 'capabilities'}))
assert ('teams' in scope, 'regions' in scope) == ((True, True) if sys.argv[1] == 'with-teams' else (False, False))
PY
  git add -A; as "Maria Chen" maria@acme.example 2026-11-21T10:00:00+00:00 commit -qm "New pilot"
  $PILOTLINT approve everywhere --as maria --today 2026-11-21 >/dev/null
  git add -A; as "Maria Chen" maria@acme.example 2026-11-21T11:00:00+00:00 commit -qm "maria approves"
  if [ $variant = with-teams ]; then gate CONTROL_EXIT --base main --head pr-$variant --today 2026-11-24
  else gate ATTACK_EXIT --base main --head pr-$variant --today 2026-11-24; fi
done
