"""Approvals (SPEC §3): what an approval covers, who may give it, and how identity is proven.

Three pure pieces and one judgement:

- `charter_hash` / `config_hash`: the canonical hash an approval's `covers` must equal.
  Only the charter's *gated* fields count, so fixing a typo in `title` keeps an approval
  valid while any gated change makes it stale.
- `signed_text`: the canonical text an approval's `signature` signs — the approval
  without its signature, as sorted-key JSON — so a signature cannot be moved to another
  pilot, person, decision or hash.
- `sign` / `verify_signature`: `ssh-keygen -Y sign|verify`, namespace `pilotlint`, with an
  allowed-signers file built from the *base* config's `signing_key`s (principal = person id).
- `judge`: does one approval document count for the charter as it stands?
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

GATED_FIELDS = ("owner", "authority", "use_case", "scope", "vendors", "data_access", "budget",
                "scorecard", "stop_rules", "status")
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
    in a vendor item can carry meaning (an `x-regions-extra` list, an `x-dpa` link), and
    dropping them would let a change hide behind a key the schema leaves free. Top-level
    `x-` keys and the other ungated fields (title, reviewers, timeline, ...) do not count.
    """
    if not isinstance(charter, Mapping):
        return {}
    return {key: charter[key] for key in GATED_FIELDS if key in charter}


def charter_hash(charter: Any) -> str:
    """`sha256:<hex>` over the canonical JSON of the charter's gated fields."""
    return _digest(gated_fields(charter))


def config_hash(config_data: Any) -> str:
    """`sha256:<hex>` over the whole config document (every key; a deleted config is `{}`)."""
    return _digest(config_data if isinstance(config_data, Mapping) else {})


def signed_text(approval: Any) -> str:
    """The text a signature signs: the approval's own fields without `signature`."""
    data = approval if isinstance(approval, Mapping) else {}
    out = {key: data[key] for key in SIGNED_FIELDS if key in data}
    out["target"] = data.get("target") or "charter"
    return canonical_json(out) + "\n"


def approval_target(approval: Any) -> str:
    target = approval.get("target") if isinstance(approval, Mapping) else None
    return target if target in ("charter", "config") else "charter"


# --- SSH signatures ---------------------------------------------------------------------

class SigningError(Exception):
    """Signing failed (no ssh-keygen, unreadable key): a usage error for `approve`."""


def sign(text: str, keyfile: str | Path) -> str:
    """Sign `text` with `ssh-keygen -Y sign -n pilotlint -f KEYFILE`; returns the armoured signature."""
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
    exe = shutil.which("ssh-keygen")
    if exe is None:
        return False, "ssh-keygen is not installed here, so the signature cannot be verified"
    key = (exe, text, signature, person, signers)
    if key in _VERDICTS:
        return _VERDICTS[key]
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
            return False, f"ssh-keygen could not run ({exc})"  # not remembered: it may run next time
    verdict = (True, None) if proc.returncode == 0 else (
        False, f"its signature does not verify against {person}'s signing_key in the base configuration")
    if len(_VERDICTS) >= 256:
        _VERDICTS.clear()
    _VERDICTS[key] = verdict
    return verdict


# ssh-keygen's verdicts, by everything they depend on: `pilotlint lsp` checks a pilot at every
# keystroke, and re-running ssh-keygen for approvals that did not change was a third of the time.
_VERDICTS: dict[tuple, tuple[bool, str | None]] = {}


# --- the judgement ----------------------------------------------------------------------

@dataclass(frozen=True)
class Judgement:
    valid: bool                  # the approval counts (right person, current, proven, decision approve)
    reason: str | None           # why it does not count (None when valid)
    stale: bool = False          # `covers` does not match: history, not a finding
    problem: str | None = None   # "stale" | "person" | "identity" | "person+identity" | "rejected"
    proof: str | None = None     # "signature" | "author" when identity is proven

    @property
    def proven(self) -> bool:
        return self.proof is not None


def person_email(people: Mapping, person: Any) -> str | None:
    entry = people.get(person) if isinstance(person, str) else None
    email = entry.get("email") if isinstance(entry, Mapping) else None
    return email.strip() if isinstance(email, str) and email.strip() else None


def authorised(approval: Mapping, charter: Any, previous: Any = None, *, previous_known: bool = True) -> tuple[set, str]:
    """Who may approve this charter, and the words for it.

    The owner; a change of `owner` or `authority` needs the previous owner or the
    oversight person (taken from the previous charter: `oversight` is not gated, so the
    change itself must not be able to name it). When the previous charter is unknown
    (`check` without history), the owner and the oversight person count.
    """
    def person(data, key):
        value = data.get(key) if isinstance(data, Mapping) else None
        return value if isinstance(value, str) else None

    owner = person(charter, "owner")
    if isinstance(previous, Mapping) and (previous.get("owner") != (charter or {}).get("owner")
                                          or previous.get("authority") != (charter or {}).get("authority")):
        allowed = {p for p in (person(previous, "owner"), person(previous, "oversight")) if p}
        return allowed, ("the owner or authority changes, so the previous owner "
                         f"({person(previous, 'owner') or 'none'}) or the oversight person "
                         f"({person(previous, 'oversight') or 'none'}) must approve")
    if previous is None and not previous_known:
        allowed = {p for p in (owner, person(charter, "oversight")) if p}
        return allowed, f"the owner ({owner or 'none'}) must approve"
    return ({owner} if owner else set()), f"the owner ({owner or 'none'}) must approve"


def judge(approval: Any, charter_at_head: Any, base_config, *, previous_charter: Any = None,
          previous_known: bool = True, author_email: str | None = None,
          require_signed: bool | None = None, config_at_head: Any = None) -> Judgement:
    """Does this approval document count for the charter (or config) as it stands at head?

    `base_config` (a pilotlint.config.Config) supplies people, emails, signing keys,
    admins and `gate.require_signed`. `author_email` is the raw author email of the commit
    that added the approval (None when unknown). For a `target: config` approval pass the
    head config's data as `config_at_head`.
    """
    data = approval if isinstance(approval, Mapping) else {}
    people = base_config.people or {}
    if require_signed is None:
        require_signed = bool((base_config.gate or {}).get("require_signed"))
    target = approval_target(data)
    if target == "config":
        expected = config_hash(config_at_head)
    else:
        expected = charter_hash(charter_at_head)
    if data.get("covers") != expected:
        return Judgement(False, "stale: its `covers` hash does not match the "
                         f"{'configuration' if target == 'config' else 'charter'} as it stands",
                         stale=True, problem="stale")
    approver = data.get("approver")
    problems, reasons = [], []
    if target == "config":
        allowed = {a for a in base_config.admins or () if isinstance(a, str)}
        words = ("a person listed under `admins:` in the base configuration "
                 f"({', '.join(sorted(allowed)) or 'nobody is listed'}) must approve")
    else:
        allowed, words = authorised(data, charter_at_head, previous_charter, previous_known=previous_known)
    if not isinstance(approver, str) or approver not in people:
        problems.append("person")
        reasons.append(f"wrong person: `{approver}` is not a person of the base configuration; {words}")
    elif approver not in allowed:
        problems.append("person")
        reasons.append(f"wrong person: {approver} has no authority to approve this; {words}")
    proof, why_not = _identity(data, approver, people, author_email, require_signed)
    if proof is None:
        problems.append("identity")
        reasons.append(f"unproven identity: {why_not}")
    if problems:
        return Judgement(False, "; ".join(reasons), problem="+".join(problems), proof=proof)
    if data.get("decision") != "approve":
        return Judgement(False, f"{approver} rejected it (`decision: {data.get('decision')}`)",
                         problem="rejected", proof=proof)
    return Judgement(True, None, proof=proof)


def _identity(data: Mapping, approver: Any, people: Mapping, author_email: str | None,
              require_signed: bool) -> tuple[str | None, str | None]:
    """How the approver's identity is proven ("signature" | "author"), or why it is not."""
    if not isinstance(approver, str):
        return None, "no approver is named"
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
    if email and author_email and author_email.strip().lower() == email.lower():
        return "author", None
    if author_email is None:
        author = "the commit that added it is not known (no git history here)"
    elif not email:
        author = f"{approver} has no email in the base configuration"
    else:
        author = f"the commit that added it is authored by <{author_email}>, not {approver}'s <{email}>"
    if sig_reason:
        return None, f"{sig_reason}, and {author}"
    return None, f"it is not signed and {author}"
