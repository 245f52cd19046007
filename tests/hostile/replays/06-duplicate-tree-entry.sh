#!/usr/bin/env bash
# Attack 06 (duplicate tree entry): a crafted git tree holds two entries named charter.yaml, the widened
# one first; git resolves the path to the first (widened) entry, but the gate kept the last (original)
# one of `git ls-tree`, saw no change and passed. (A host running fsck on push would reject the tree.)
#
# Red-team finding of 2026-12-01, kept as a regression test by tests/hostile/test_red_team_replays.py.
# Environment: PILOTLINT (a command line, word-split), EXAMPLES (the sample repository), WORK (a fresh
# empty directory). Prints, last, ATTACK_EXIT=<code>, which must be 1. The script itself exits
# non-zero if its setup fails.
. "$(dirname "$0")/lib.sh"
mkdir "$WORK/repo"; cd "$WORK/repo"
cp -a "$EXAMPLES"/. .
git init -q -b main; git add -A; as "Oleg Petrov" oleg@acme.example 2026-11-20T10:00:00+00:00 commit -qm base
C=pilots/outbound-drafts/charter.yaml
grep -q 'regions: \[DACH\]' $C || die "the sample charter has no 'regions: [DACH]'"
WIDE=$(sed 's/regions: \[DACH\]/regions: [DACH, Nordics]/' $C | git hash-object -w --stdin)
ROOT=$("$PYTHON" - "$WIDE" <<'PY'
import subprocess, sys
wide = sys.argv[1]
def git(*a, inp=None):
    return subprocess.run(["git", *a], input=inp, capture_output=True, check=True).stdout
def entries(tree):
    out = []
    for rec in git("ls-tree", "-z", tree).split(b"\0"):
        if rec:
            meta, name = rec.split(b"\t", 1); mode, typ, oid = meta.split()
            out.append([mode, name, oid.decode()])
    return out
def mktree(ents):
    data = b"".join(m + b" " + n + b"\0" + bytes.fromhex(o) for m, n, o in ents)
    return git("hash-object", "-t", "tree", "--literally", "-w", "--stdin", inp=data).decode().strip()
def replace(tree, name, oid):
    ents = entries(tree)
    assert sum(e[1] == name for e in ents) == 1, (tree, name)
    for e in ents:
        if e[1] == name: e[2] = oid
    return mktree(ents)
od = entries("HEAD:pilots/outbound-drafts")
new = []
for e in od:
    if e[1] == b"charter.yaml":
        new.append([e[0], e[1], wide])      # first: the widened charter
    new.append(e)                            # then the original
assert len(new) == len(od) + 1, "no charter.yaml in pilots/outbound-drafts"
sub = mktree(new)
pilots = replace("HEAD:pilots", b"outbound-drafts", sub)
root = replace("HEAD^{tree}", b"pilots", pilots)
print(root)
PY
)
H=$(as Mallory mallory@evil.example 2026-11-21T10:00:00+00:00 commit-tree "$ROOT" -p HEAD -m dup)
git branch pr "$H"
echo "git ls-tree:"; git ls-tree pr pilots/outbound-drafts/ | grep charter
[ "$(git ls-tree pr pilots/outbound-drafts/ | grep -c $'\tpilots/outbound-drafts/charter.yaml$')" -eq 2 ] \
  || die "the crafted tree does not hold two charter.yaml entries"
git show "pr:$C" | grep -q 'regions: \[DACH, Nordics\]' || die "git does not resolve pr:$C to the widened charter"
echo "git show pr:$C -> $(git show "pr:$C" | grep 'regions:')"
echo "git diff main pr (regions lines) -> $({ git diff main pr -- $C | grep "^[-+] *regions" || true; } | tr "\n" " ")"
echo "git fsck: $({ git fsck --no-dangling 2>&1 || true; } | { grep -i duplicate || true; })"
echo "--- attack: two charter.yaml entries, the widened one first"
gate ATTACK_EXIT --base main --head pr --today 2026-11-24
