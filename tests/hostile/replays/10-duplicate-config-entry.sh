#!/usr/bin/env bash
# Attack 10 (duplicate config entry): a crafted root tree holds two entries named .pilotlint.yaml, the
# first making mallory an admin (what git checks out and merges), the second the base's own (what the
# gate's listing kept), so the gate saw no configuration change and PL807 asked nobody. Found while
# reviewing the fix of attack 06, which marked such names only under the pilot paths.
#
# Kept as a regression test by tests/hostile/test_red_team_replays.py. Environment: PILOTLINT (a
# command line, word-split), EXAMPLES (the sample repository), WORK (a fresh empty directory).
# Prints, last, ATTACK_EXIT=<code>, which must be 1. The script itself exits non-zero if its setup fails.
. "$(dirname "$0")/lib.sh"
mkdir "$WORK/repo"; cd "$WORK/repo"
cp -a "$EXAMPLES"/. .
git init -q -b main; git add -A; as "Oleg Petrov" oleg@acme.example 2026-11-20T10:00:00+00:00 commit -qm base
grep -q '^admins: \[anna\]' .pilotlint.yaml || die "the sample config has no 'admins: [anna]'"
EVIL=$(sed 's/^admins: \[anna\]/admins: [anna, maria]/' .pilotlint.yaml | git hash-object -w --stdin)
ROOT=$("$PYTHON" - "$EVIL" <<'PY'
import subprocess, sys
evil = sys.argv[1]
def git(*a, inp=None):
    return subprocess.run(["git", *a], input=inp, capture_output=True, check=True).stdout
ents = []
for rec in git("ls-tree", "-z", "HEAD^{tree}").split(b"\0"):
    if rec:
        meta, name = rec.split(b"\t", 1); mode, typ, oid = meta.split()
        if name == b".pilotlint.yaml":
            ents.append((mode, name, evil))   # first: the widened configuration
        ents.append((mode, name, oid.decode()))
assert sum(e[1] == b".pilotlint.yaml" for e in ents) == 2, "no .pilotlint.yaml at the root"
data = b"".join(m + b" " + n + b"\0" + bytes.fromhex(o) for m, n, o in ents)
root = git("hash-object", "-t", "tree", "--literally", "-w", "--stdin", inp=data).decode().strip()
print(root)
PY
)
H=$(as Mallory mallory@evil.example 2026-11-21T10:00:00+00:00 commit-tree "$ROOT" -p HEAD -m dup)
git branch pr "$H"
git show "pr:.pilotlint.yaml" | grep -q '^admins: \[anna, maria\]' \
  || die "git does not resolve pr:.pilotlint.yaml to the changed configuration"
echo "--- attack: two .pilotlint.yaml entries, the changed one first"
gate ATTACK_EXIT --base main --head pr --today 2026-11-24
