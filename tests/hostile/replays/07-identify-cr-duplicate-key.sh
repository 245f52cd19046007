#!/usr/bin/env bash
# Attack 07 (lone CR hides a key): the cheap identity pass and the full YAML parse disagree; a charter whose
# real `apiVersion: pilotlint/v1` / `kind: Charter` follow a lone '\r' (a line break to YAML, not to the
# identity pass) was classified "not ours" and ignored, so with a decoy copy of the base charter beside
# it the widened charter went through the gate unseen.
#
# Red-team finding of 2026-12-01, kept as a regression test by tests/hostile/test_red_team_replays.py.
# Environment: PILOTLINT (a command line, word-split), EXAMPLES (the sample repository), WORK (a fresh
# empty directory); PYTHON (default python3) must import yaml. Prints, last, ATTACK_EXIT=<code>, which
# must be 1. The script itself exits non-zero if its setup fails.
. "$(dirname "$0")/lib.sh"
mkdir "$WORK/repo"; cd "$WORK/repo"
cp -a "$EXAMPLES"/. .
git init -q -b main; git add -A; as "Oleg Petrov" oleg@acme.example 2026-11-20T10:00:00+00:00 commit -qm base
git checkout -q -b pr
C=pilots/outbound-drafts/charter.yaml
cp $C pilots/outbound-drafts/a.yaml                 # decoy: the base charter, byte for byte
"$PYTHON" - $C <<'PY'
import sys
p = sys.argv[1]; t = open(p, newline="").read()
for old, new in [("regions: [DACH]", "regions: [DACH, Nordics]"), ("monthly_cap: 2500", "monthly_cap: 25000"),
                 ("apiVersion: pilotlint/v1\nkind: Charter\n", "apiVersion: draft/v1\nkind: Draft\n")]:
    assert old in t, "the sample charter has no %r" % old
    t = t.replace(old, new, 1)
t = t.rstrip("\n") + "\rapiVersion: pilotlint/v1\rkind: Charter\n"
open(p, "w", newline="").write(t)
PY
git add -A; as Mallory mallory@evil.example 2026-11-21T10:00:00+00:00 commit -qm "charter: tidy"
# setup check: what YAML reads from the committed file is a widened Charter of outbound-drafts
git show "pr:$C" | "$PYTHON" -c '
import sys, yaml
t = sys.stdin.buffer.read().decode("utf-8")   # keep the lone \r
assert "\r" in t, "the lone CR did not survive the commit"
d = yaml.safe_load(t)
print("PyYAML reads:", d["apiVersion"], d["kind"], d["pilot"], "regions", d["scope"]["regions"], "cap", d["budget"]["monthly_cap"])
assert (d["apiVersion"], d["kind"], d["pilot"]) == ("pilotlint/v1", "Charter", "outbound-drafts"), d
assert d["scope"]["regions"] == ["DACH", "Nordics"] and d["budget"]["monthly_cap"] == 25000, d
'
# diagnostic only (pilotlint internals may change): how pilotlint classifies the file
"$PYTHON" - $C <<'PY'
import sys
try:
    from pilotlint.documents.load import identify, load_text
    t = open(sys.argv[1], "rb").read().decode("utf-8")
    print("pilotlint identify():", identify(t))
    print("pilotlint full parse:", {k: load_text(t).data[k] for k in ("apiVersion", "kind", "pilot")})
except Exception as exc:  # noqa: BLE001 - a diagnostic, never a failure
    print("pilotlint internals diagnostic unavailable: %s: %s" % (type(exc).__name__, exc))
PY
echo "--- attack: decoy a.yaml, widened charter.yaml whose kind follows a lone CR"
gate ATTACK_EXIT --base main --head pr --today 2026-11-24 --show-suppressed
