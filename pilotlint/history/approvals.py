"""Approvals: what an approval covers, who may give it, how identity is proven, and which
decision counts.

Pure pieces, and one judgement shared by `check` and `gate`:

- `charter_hash` / `config_hash`: the canonical hash an approval's `covers` must equal.
  Only the charter's *gated* fields count, so fixing a typo in `title` keeps an approval
  valid while any gated change makes it stale. The config hash covers the whole
  configuration and the policy files it names.
- `signed_text`: the canonical text an approval's `signature` signs — the approval
  without its signature, as sorted-key JSON — so a signature cannot be moved to another
  pilot, person, decision or hash.
- `sign` / `verify_signature`: `ssh-keygen -Y sign|verify`, namespace `pilotlint`, with an
  allowed-signers file built from the *base* config's `signing_key`s (principal = person id).
- `Decision` / `judge` / `verdict`: every approval or rejection document becomes a
  Decision; `judge` says whether one approval counts for the state at hand, `verdict`
  whether a group of people (the owner, or the previous owner and the oversight person)
  has approved: among one person's decisions the newest wins (a later rejection blocks),
  and only a *fresh* decision can approve (in `gate`: one added in the range; an approval
  already in the base tree covers nothing new).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

from pilotlint.documents.values import parse_date
from pilotlint.documents.vocab import GATED_FIELDS

# Which fields of an approval its signature covers (everything but the signature itself
# and free `x-` keys). `target` is always written out so a charter approval and a config
# approval can never sign the same text.
SIGNED_FIELDS = ("target", "pilot", "approver", "decision", "covers", "on", "note")
NAMESPACE = "pilotlint"
_PERSON_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_SSH_KEY = re.compile(r"(?:ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+) [A-Za-z0-9+/]+={0,3}(?: [^\r\n]*)?\Z")
_TIMEOUT = 20


# --- canonical forms -------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """Plain JSON values; `3.0` and `3` are the same number (formatting, not content)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value
    if isinstance(value, int):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def canonical_json(value: Any) -> str:
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _digest(value: Any) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def gated_fields(charter: Any) -> dict:
    """The gated fields present in a charter, whole.

    `x-` keys *inside* a gated field are kept: an organisation's own key under `scope:` or
    in a vendor item can carry meaning, and dropping them would let a change hide behind a
    key the schema leaves free. Top-level `x-` keys and the ungated fields (title,
    reviewers, timeline, ...) do not count.
    """
    if not isinstance(charter, Mapping):
        return {}
    return {key: charter[key] for key in GATED_FIELDS if key in charter}


def charter_hash(charter: Any) -> str:
    """`sha256:<hex>` over the canonical JSON of the charter's gated fields (`{}` when the
    charter is gone: an approval with that hash approves deleting the pilot)."""
    return _digest(gated_fields(charter))


def config_hash(config_data: Any, policies: Mapping[str, Any] | None = None) -> str:
    """`sha256:<hex>` over the whole config document, and the policy files it names (a
    deleted config is `{}`): changing a policy file is a config change."""
    data = config_data if isinstance(config_data, Mapping) else {}
    if not policies:
        return _digest(data)
    return _digest({"config": data, "policies": {path: policies[path] for path in sorted(policies)}})


def signed_text(approval: Any) -> str:
    """The text a signature signs: the approval's own fields without `signature`."""
    data = approval if isinstance(approval, Mapping) else {}
    out = {key: data[key] for key in SIGNED_FIELDS if key in data}
    out["target"] = data.get("target") or "charter"
    return canonical_json(out) + "\n"


def content_key(approval: Any) -> str:
    """What makes two approval documents the same decision, whatever their file names,
    formatting and armour: the signed fields. Not the signature's text, which ssh-keygen
    reads the same however its base64 is wrapped, so a re-wrapped copy of an old decision
    is still that old decision."""
    data = approval if isinstance(approval, Mapping) else {}
    return signed_text(data)


def approval_target(approval: Any) -> str:
    target = approval.get("target") if isinstance(approval, Mapping) else None
    return target if target in ("charter", "config") else "charter"


# --- SSH signatures ---------------------------------------------------------------------

class SigningError(Exception):
    """Signing failed (no ssh-keygen, unreadable key): a usage error for `approve`."""


def sign(text: str, keyfile: str | Path) -> str:
    """Sign `text` with `ssh-keygen -Y sign -n pilotlint -f KEYFILE`; returns the armoured signature."""
    import shutil
    import subprocess
    import tempfile

    exe = shutil.which("ssh-keygen")
    if exe is None:
        raise SigningError("ssh-keygen is not installed; install OpenSSH 8.2 or later to sign approvals")
    keyfile = Path(keyfile)
    if not keyfile.is_file():
        raise SigningError(f"{keyfile}: no such key file")
    with tempfile.TemporaryDirectory(prefix="pilotlint-sign-") as tmp:
        message = Path(tmp) / "approval"
        message.write_text(text, encoding="utf-8")
        # stdin is left alone so that a passphrase prompt reaches the user's terminal
        proc = subprocess.run([exe, "-Y", "sign", "-n", NAMESPACE, "-f", str(keyfile.absolute()), "--",
                               str(message)], capture_output=True, text=True, timeout=300)
        signature = message.with_name("approval.sig")
        if proc.returncode != 0 or not signature.is_file():
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise SigningError(f"ssh-keygen could not sign with {keyfile}: {detail[-1] if detail else 'failed'}")
        return signature.read_text(encoding="utf-8")


def public_key_of(keyfile: str | Path) -> str | None:
    """The public key of a private key file (`ssh-keygen -y`), for checking it before signing."""
    import shutil
    import subprocess

    exe = shutil.which("ssh-keygen")
    if exe is None:
        return None
    try:
        proc = subprocess.run([exe, "-y", "-f", str(Path(keyfile).absolute())], capture_output=True, text=True,
                              timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


def same_key(a: str | None, b: str | None) -> bool:
    """Two public key lines name the same key (the comment after the key does not count)."""
    if not a or not b:
        return False
    return a.split()[:2] == b.split()[:2]


def usable_key(key: Any) -> str | None:
    """A one-line public key, or None: a newline would add a line to allowed signers."""
    if not isinstance(key, str):
        return None
    key = key.strip()
    return key if _SSH_KEY.match(key) else None


def allowed_signers(people: Mapping, only: str | None = None) -> str:
    """The allowed-signers file for the people of the (base) config: `ID namespaces="pilotlint" KEY`."""
    lines = []
    for person, entry in people.items():
        if only is not None and person != only:
            continue
        key = usable_key(entry.get("signing_key")) if isinstance(entry, Mapping) else None
        if key and isinstance(person, str) and _PERSON_ID.match(person):
            lines.append(f'{person} namespaces="{NAMESPACE}" {key}')
    return "".join(line + "\n" for line in lines)


def verify_signature(text: str, signature: Any, person: str, people: Mapping) -> tuple[bool, str | None]:
    """Does `signature` over `text` verify as `person`'s key? Returns (ok, why not)."""
    if not isinstance(signature, str) or "BEGIN SSH SIGNATURE" not in signature:
        return False, "it carries no SSH signature"
    if not _PERSON_ID.match(person or ""):
        return False, "the approver is not a valid person id"
    signers = allowed_signers(people, only=person)
    if not signers:
        return False, f"the base configuration has no usable `signing_key` for {person}"
    return _verify(text, signature, person, signers)


@lru_cache(maxsize=256)
def _verify(text: str, signature: str, person: str, signers: str) -> tuple[bool, str | None]:
    import shutil  # signing and verifying are rare: a check without signatures does not pay for these
    import subprocess
    import tempfile

    exe = shutil.which("ssh-keygen")
    if exe is None:
        return False, "ssh-keygen is not installed here, so the signature cannot be verified"
    with tempfile.TemporaryDirectory(prefix="pilotlint-verify-") as tmp:
        allowed = Path(tmp) / "allowed_signers"
        allowed.write_text(signers, encoding="utf-8")
        sigfile = Path(tmp) / "approval.sig"
        sigfile.write_text(signature if signature.endswith("\n") else signature + "\n", encoding="utf-8")
        try:
            proc = subprocess.run([exe, "-Y", "verify", "-n", NAMESPACE, "-f", str(allowed), "-I", person,
                                   "-s", str(sigfile)], input=text.encode("utf-8"), capture_output=True,
                                  timeout=_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, f"ssh-keygen could not run ({exc})"
    if proc.returncode == 0:
        return True, None
    return False, f"its signature does not verify against {person}'s signing_key in the base configuration"


def person_email(people: Mapping, person: Any) -> str | None:
    entry = people.get(person) if isinstance(person, str) else None
    email = entry.get("email") if isinstance(entry, Mapping) else None
    return email.strip() if isinstance(email, str) and email.strip() else None


# --- decisions and their judgement --------------------------------------------------------

class Decision:
    """One approval or rejection document, with what the history says about it (compared
    by identity: two copies of one file are two decisions)."""

    __slots__ = ("doc", "fresh", "order", "author_email", "history")

    def __init__(self, doc: Any, fresh: bool, order: tuple, author_email: str | None, history: bool = True):
        self.doc = doc                    # a Document (path, data, pilot)
        self.fresh = fresh                # may approve: in the range (gate), or any document in the tree (check)
        self.order = order                # sorts decisions oldest first: (on, sequence)
        self.author_email = author_email  # of the commit that added it (None: not committed, or no history)
        self.history = history            # the adding commit could have been known (False: no git)

    def __repr__(self) -> str:
        return f"Decision({getattr(self.doc, 'path', self.doc)!r}, fresh={self.fresh}, order={self.order!r})"

    @property
    def data(self) -> Mapping:
        return self.doc.data if isinstance(self.doc.data, Mapping) else {}

    @property
    def approver(self) -> Any:
        return self.data.get("approver")

    @property
    def on(self) -> date | None:
        return parse_date(self.data.get("on"))

    @property
    def rejects(self) -> bool:
        return self.data.get("decision") == "reject"


def make_decision(doc, *, fresh: bool, sequence: int, author_email: str | None, history: bool = True) -> Decision:
    on = parse_date(doc.get("on"))
    return Decision(doc, fresh, (on or date.min, sequence), author_email, history)


class Judgement(NamedTuple):
    decision: Decision
    valid: bool                  # counts as an approval of the state at hand
    current: bool                # `covers` matches the state at hand
    problems: tuple[str, ...]    # "person", "identity" (the PL902 conditions), and why else it does not count
    reason: str | None
    proof: str | None = None     # "signature" | "author"


def judge(decision: Decision, *, expected: str, allowed: set, who: str, people: Mapping,
          require_signed: bool, today: date) -> Judgement:
    """Does this decision count as an approval of the state whose hash is `expected`?

    `allowed` are the people who may decide it, `who` says who they are in words (for the
    message). Identity is proven by a signature that verifies against the approver's key
    in the (base) configuration, or (unless signatures are required) by the commit that
    added the document being authored by the approver's email.
    """
    data = decision.data
    approver = decision.approver
    current = data.get("covers") == expected
    problems, reasons = [], []
    if not current:
        return Judgement(decision, False, False, ("stale",), "stale: its `covers` hash does not match the state "
                         "as it stands")
    if not isinstance(approver, str) or approver not in people:
        problems.append("person")
        reasons.append(f"wrong person: `{approver}` is not a person of the base configuration; {who}")
    elif approver not in allowed:
        problems.append("person")
        reasons.append(f"wrong person: {approver} has no authority to approve this; {who}")
    proof, why_not = _identity(decision, approver, people, require_signed)
    if proof is None:
        problems.append("identity")
        reasons.append(f"unproven identity: {why_not}")
    if problems:
        return Judgement(decision, False, True, tuple(problems), "; ".join(reasons), proof)
    on = decision.on
    if on is not None and on > today:
        return Judgement(decision, False, True, ("future",), f"it is dated {on.isoformat()}, after today "
                         f"({today.isoformat()}), and counts from that day on", proof)
    if decision.rejects:
        return Judgement(decision, False, True, ("rejected",), f"{approver} rejected it", proof)
    if data.get("decision") != "approve":
        return Judgement(decision, False, True, ("decision",), f"`decision: {data.get('decision')}` is neither "
                         "approve nor reject", proof)
    if not decision.fresh:
        return Judgement(decision, False, True, ("old",), "it was already in the base before this pull request: "
                         "an approval from before the range covers nothing new; approve the change again", proof)
    return Judgement(decision, True, True, (), None, proof)


def _identity(decision: Decision, approver: Any, people: Mapping, require_signed: bool) -> tuple[str | None, str | None]:
    """How the approver's identity is proven ("signature" | "author"), or why it is not."""
    if not isinstance(approver, str):
        return None, "no approver is named"
    data = decision.data
    signature = data.get("signature")
    sig_reason = None
    if signature is not None:
        ok, sig_reason = verify_signature(signed_text(data), signature, approver, people)
        if ok:
            return "signature", None
    if require_signed:
        return None, (sig_reason or "it carries no SSH signature") + \
            " (gate.require_signed is on: only a verified signature proves who approved)"
    email = person_email(people, approver)
    author_email = decision.author_email
    if email and author_email and author_email.strip().lower() == email.lower():
        return "author", None
    if author_email is None:
        author = ("the commit that added it is not known (no git history here)" if not decision.history
                  else "it is not committed yet")
    elif not email:
        author = f"{approver} has no email in the base configuration"
    else:
        author = f"the commit that added it is authored by <{author_email}>, not {approver}'s <{email}>"
    if sig_reason:
        return None, f"{sig_reason}, and {author}"
    return None, f"it is not signed and {author}"


class Verdict(NamedTuple):
    approved: bool
    winner: Judgement | None      # the decision that approves, or the newest that blocks
    why: str                      # in words, when not approved


def verdict(allowed: set, decisions: Iterable[Decision], judge_one, today: date) -> Verdict:
    """Has one of `allowed` approved? For each of them only the newest decision counts
    (by `on`, then the order of commits); one person's newest rejection blocks.

    `judge_one(decision)` gives the Judgement of a decision; decisions dated after
    `today` count for nothing yet."""
    newest: dict[str, Decision] = {}
    for decision in decisions:
        person = decision.approver
        on = decision.on
        if not isinstance(person, str) or person not in allowed or on is None or on > today:
            continue
        if person not in newest or decision.order >= newest[person].order:
            newest[person] = decision
    judged = {person: judge_one(d) for person, d in newest.items()}
    for person, judgement in sorted(judged.items()):
        if judgement.decision.rejects:
            return Verdict(False, judgement, f"{judgement.decision.doc.shown} by {person} rejects it (the newest "
                           f"decision of {person} counts)")
    for person, judgement in sorted(judged.items()):
        if judgement.valid:
            return Verdict(True, judgement, "")
    if not judged:
        return Verdict(False, None, "there is no approval")
    person, judgement = sorted(judged.items())[0]
    return Verdict(False, judgement, f"{judgement.decision.doc.shown} (the newest decision of {person}) does not "
                   f"count: {judgement.reason}")


# --- writing one ------------------------------------------------------------------------

def approval_text(target: Mapping[str, str], person: str, decision: str, covers: str, on: str,
                  note: str | None = None, keyfile: str | Path | None = None) -> str:
    """The YAML of an Approval document (what `pilotlint approve` writes), signed with
    `keyfile` when one is given. `target` is `{"pilot": ID}` or `{"target": "config"}`;
    the values were checked by the caller (ids, the hash, an ISO date)."""
    from pilotlint.documents.load import load_text

    lines = ["apiVersion: pilotlint/v1", "kind: Approval"]
    lines += [f"{key}: {value}" for key, value in target.items()]
    lines += [f"approver: {person}", f"decision: {decision}", f"covers: {covers}", f"on: {on}"]
    if note:
        # a YAML double-quoted scalar (JSON's escapes are YAML's), ASCII-only so any byte is safe
        lines.append("note: " + json.dumps(" ".join(note.split()), ensure_ascii=True))
    text = "\n".join(lines) + "\n"
    if keyfile is not None:
        data = load_text(text).data  # sign exactly what a reader of this file will see
        signature = sign(signed_text(data), keyfile)
        text += "signature: |\n" + "".join(f"  {line}\n" for line in signature.strip().splitlines())
    return text


def config_covers(config) -> str:
    """The hash an approval of this configuration (and its policy files) covers."""
    return config_hash(config.data, config.policy_data())
