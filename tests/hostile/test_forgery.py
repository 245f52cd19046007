"""A pull-request author who wants to widen a pilot without its owner (SPEC §3, §4.3).

Real repositories with controlled authors and dates, real `ssh-keygen` keys. Eve
(eve@evil.example) controls her branch: every file in it, her commits' author, committer
and dates, `.mailmap`, `.pilotlint.yaml`. She does not control the base branch, oleg's
private key, or the day the gate runs. Each attempt must be blocked by the rule that
names it. The last tests feed hostile document text to every output format.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from conftest import EMAILS, TODAY, git, keypair, run_cli
from examples_runner import apply_example
from gate_helpers import APPROVALS, CHARTER, NORDICS, PILOT, approve, commit, errors, gate, make_repo, message

EVE = "eve: {name: Eve, email: eve@evil.example, roles: [cto]}"


@pytest.fixture
def repo(sample):
    return make_repo(sample)


@pytest.fixture
def keys(tmp_path):
    return {name: keypair(tmp_path, name) for name in ("oleg", "eve")}


@pytest.fixture
def signed(sample, keys):
    """Base: oleg has a signing key and signatures are required."""
    return make_repo(sample, {"config": json.dumps({"people": {"oleg": {"signing_key": keys["oleg"][1]}},
                                                    "gate": {"require_signed": True}})})


def test_the_honest_path_passes(repo):
    """The control: the same widening, approved by oleg in a commit of his own."""
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    approve(repo, "oleg", PILOT)
    assert gate(repo).code == 0


# -- people, owner, keys: the base decides --------------------------------------------------

def test_adding_herself_to_people_and_approving_as_herself(repo):
    apply_example(repo, {"config": f"people: {{{EVE}}}", **NORDICS})
    commit(repo, "Add Eve and the Nordics")
    approve(repo, "eve", PILOT)
    result = gate(repo)
    assert {"PL801", "PL807", "PL902"} <= errors(result)
    assert "not a person of the base configuration" in message(result, "PL902")


def test_making_herself_owner_with_her_own_approval(sample):
    repo = make_repo(sample, {"config": f"people: {{{EVE}}}"})  # Eve is a known person at the base
    apply_example(repo, {"charter": "owner: eve", "rollback": "decision_maker: eve"})
    commit(repo, "Eve owns the pilot now")
    approve(repo, "eve", PILOT)
    result = gate(repo)
    assert result.code == 1
    assert "PL902" in errors(result) and "previous owner (oleg)" in message(result, "PL902")
    assert errors(result) & {"PL801", "PL901"}


def test_replacing_the_owners_signing_key_with_her_own(signed, keys):
    eve_key, eve_pub = keys["eve"]
    apply_example(signed, {"config": json.dumps({"people": {"oleg": {"signing_key": eve_pub}}}), **NORDICS})
    commit(signed, "Rotate oleg's key; add the Nordics")
    approve(signed, "oleg", PILOT, "--sign", eve_key)
    result = gate(signed)
    assert {"PL801", "PL807", "PL902"} <= errors(result)
    assert "does not verify against oleg's signing_key in the base configuration" in message(result, "PL902")


@pytest.mark.parametrize("change", [
    "rules: {ignore: [PL8, PL9]}", "rules: {unsuppressible: []}", "gate: {require_signed: false}",
    "admins: [eve]", "limits: {max_file_bytes: 1000000000}", "paths: [elsewhere]",
])
def test_any_change_to_the_config_needs_a_base_admin(signed, change):
    apply_example(signed, {"config": change})
    commit(signed, "Adjust the config")
    approve(signed, "oleg", "--config", who="oleg")  # not an admin, and not signed
    result = gate(signed)
    assert "PL807" in errors(result), result
    assert "PL902" in errors(result)  # the approval claims what it cannot


def test_a_config_change_does_not_switch_the_gate_off_for_the_same_pull_request(repo):
    apply_example(repo, {"config": "rules: {ignore: [PL801, PL807]}", **NORDICS})
    commit(repo, "Ignore the gate and add the Nordics")
    assert {"PL801", "PL807"} <= errors(gate(repo))


# -- approvals: replayed, edited, forged -------------------------------------------------------

def _approved_base(keys=None):
    """A base commit with oleg's approval of the charter as it stands at the base."""
    def step(repo):
        args = ("--sign", keys["oleg"][0]) if keys else ()
        result = run_cli("approve", PILOT, "--as", "oleg", "--today", "2026-11-01", *args, cwd=repo)
        assert result.code == 0, result
        commit(repo, "oleg approves the charter", who="oleg", date="2026-11-01T09:00:00+00:00")
    return step


def test_an_old_approval_copied_into_the_pull_request_is_stale(sample):
    repo = make_repo(sample, base_commits=[_approved_base()])
    old = repo / APPROVALS / "2026-11-01-oleg.yaml"
    apply_example(repo, NORDICS)
    shutil.copy(old, repo / APPROVALS / "2026-11-24-oleg.yaml")
    commit(repo, "Add the Nordics (approved earlier)")
    result = gate(repo)
    assert errors(result) == {"PL801"}
    assert "stale" in message(result, "PL801")


def test_editing_covers_of_an_authored_approval_makes_it_hers(sample):
    repo = make_repo(sample, base_commits=[_approved_base()])
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    from pilotlint.history.approvals import charter_hash
    from pilotlint.documents.load import load_text

    current = charter_hash(load_text((repo / CHARTER).read_text()).data)
    path = repo / APPROVALS / "2026-11-01-oleg.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"covers: \S+", f"covers: {current}", text))
    commit(repo, "Refresh the approval hash")
    result = gate(repo)
    assert {"PL801", "PL902"} <= errors(result)
    assert "eve@evil.example" in message(result, "PL902")


def test_editing_covers_of_a_signed_approval_breaks_its_signature(sample, keys):
    repo = make_repo(sample, {"config": json.dumps({"people": {"oleg": {"signing_key": keys["oleg"][1]}},
                                                    "gate": {"require_signed": True}})},
                     base_commits=[_approved_base(keys)])
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics")
    from pilotlint.history.approvals import charter_hash
    from pilotlint.documents.load import load_text

    current = charter_hash(load_text((repo / CHARTER).read_text()).data)
    path = repo / APPROVALS / "2026-11-01-oleg.yaml"
    path.write_text(re.sub(r"covers: \S+", f"covers: {current}", path.read_text()))
    commit(repo, "Refresh the approval hash", who="oleg")
    result = gate(repo)
    assert {"PL801", "PL902"} <= errors(result)
    assert "does not verify" in message(result, "PL902")


def test_a_signed_approval_of_another_pilot_does_not_move(sample, keys):
    """Replay across pilots: oleg's signed approval of support-triage, relabelled."""
    repo = make_repo(sample, {"config": json.dumps({"people": {"oleg": {"signing_key": keys["oleg"][1]}},
                                                    "gate": {"require_signed": True}})})
    result = run_cli("approve", "support-triage", "--as", "oleg", "--sign", keys["oleg"][0], "--today", TODAY,
                     cwd=repo)
    assert result.code == 0, result
    other = next((repo / "pilots/support-triage/approvals").glob("*.yaml"))
    apply_example(repo, NORDICS)
    from pilotlint.history.approvals import charter_hash
    from pilotlint.documents.load import load_text

    current = charter_hash(load_text((repo / CHARTER).read_text()).data)
    (repo / APPROVALS).mkdir(exist_ok=True)
    forged = other.read_text().replace("pilot: support-triage", f"pilot: {PILOT}")
    forged = re.sub(r"covers: \S+", f"covers: {current}", forged)
    (repo / APPROVALS / other.name).write_text(forged)
    other.unlink()
    commit(repo, "Add the Nordics, approved")
    result = gate(repo)
    assert {"PL801", "PL902"} <= errors(result)
    assert "does not verify" in message(result, "PL902")


def test_a_forged_author_email_does_not_count_when_signatures_are_required(signed):
    apply_example(signed, NORDICS)
    commit(signed, "Add the Nordics")
    approve(signed, "oleg", PILOT, who="oleg")  # anyone can type oleg@acme.example
    result = gate(signed)
    assert {"PL801", "PL902"} <= errors(result)
    assert "require_signed" in message(result, "PL902")


def test_a_mailmap_that_maps_her_to_the_owner_is_ignored(repo):
    apply_example(repo, NORDICS)
    (repo / ".mailmap").write_text("oleg <oleg@acme.example> eve <eve@evil.example>\n"
                                   "oleg <oleg@acme.example> <eve@evil.example>\n")
    commit(repo, "Add the Nordics and a mailmap")
    approve(repo, "oleg", PILOT, who="eve")
    git(repo, "config", "log.mailmap", "true")  # even a repository that asks for it
    git(repo, "config", "mailmap.file", str(repo / ".mailmap"))
    assert git(repo, "log", "-1", "--format=%aE", "--use-mailmap") == EMAILS["oleg"]  # git itself would map it
    result = gate(repo)
    assert {"PL801", "PL902"} <= errors(result)
    assert "eve@evil.example" in message(result, "PL902")


# -- time -----------------------------------------------------------------------------------

def test_back_dated_commits_do_not_escape_a_freeze(sample):
    repo = make_repo(sample, {"charter": "freeze: [{from: 2026-11-20, to: 2026-12-05, reason: new owner audit}]"})
    apply_example(repo, NORDICS)
    commit(repo, "Add the Nordics", date="2026-10-01T09:00:00+00:00", committer_date="2026-10-01T09:00:00+00:00")
    approve(repo, "oleg", PILOT, today="2026-10-02")
    git(repo, "commit", "-q", "--amend", "--no-edit", "--date=2026-10-02T09:00:00+00:00",
        env={"GIT_COMMITTER_DATE": "2026-10-02T09:00:00+00:00", "GIT_AUTHOR_NAME": "oleg",
             "GIT_AUTHOR_EMAIL": EMAILS["oleg"]})
    result = gate(repo, today="2026-11-24")
    assert errors(result) == {"PL806"}, result
    assert gate(repo, today="2026-12-06").code == 0


# -- suppressions ----------------------------------------------------------------------------

@pytest.mark.parametrize("comment", [
    '# pilotlint: disable=PL801 reason="the board agreed"',
    '# pilotlint: disable=PL8,PL9 reason="the board agreed"',
    '# pilotlint: disable-file=PL801,PL901,PL902 reason="the board agreed"',
    '# pilotlint: disable=pl801 reason="lower case"',
])
def test_an_inline_suppression_of_the_gate_is_PL010_and_silences_nothing(repo, comment):
    charter = repo / CHARTER
    text = charter.read_text().replace("  regions: [DACH]", f"  regions: [DACH, Nordics]  {comment}", 1)
    assert "Nordics" in text
    charter.write_text(text)
    commit(repo, "Add the Nordics quietly")
    result = gate(repo)
    assert {"PL010", "PL801"} <= errors(result)
    assert not result.json["suppressed"]


def test_a_suppression_in_a_config_the_pull_request_relaxes_still_does_not_hold(repo):
    apply_example(repo, {"config": "rules: {unsuppressible: []}"})
    charter = repo / CHARTER
    charter.write_text(charter.read_text().replace(
        "  regions: [DACH]", '  regions: [DACH, Nordics]  # pilotlint: disable=PL801 reason="ok"', 1))
    commit(repo, "Make the gate suppressible and suppress it")
    assert {"PL010", "PL801", "PL807"} <= errors(gate(repo))


# -- x- keys -----------------------------------------------------------------------------------

def test_a_top_level_x_key_does_not_change_the_gates_view(repo):
    """`x-scope` next to `scope` is the organisation's own note: it widens nothing."""
    apply_example(repo, {"charter": "x-scope: {regions: [DACH, Nordics, Everywhere]}"})
    commit(repo, "A note of our own")
    result = gate(repo)
    assert result.code == 0 and result.json["expansions"] == [], result


def test_moving_scope_behind_an_x_key_is_seen(repo):
    charter = repo / CHARTER
    text = charter.read_text()
    assert "\nscope:\n" in text
    charter.write_text(text.replace("\nscope:\n", "\nx-scope:\n", 1))
    commit(repo, "Hide the scope")
    result = gate(repo)
    assert result.code == 1, result
    assert errors(result) & {"PL002", "PL801", "PL901"}  # scope is required, and its removal is gated


def test_an_x_key_inside_a_gated_field_is_part_of_the_hash(repo):
    from pilotlint.history.approvals import charter_hash
    from pilotlint.documents.load import load_text

    before = charter_hash(load_text((repo / CHARTER).read_text()).data)
    apply_example(repo, {"charter": "scope: {x-regions-extra: [Nordics]}"})
    after = charter_hash(load_text((repo / CHARTER).read_text()).data)
    assert before != after
    commit(repo, "Nordics, in our own words")
    result = gate(repo)
    assert errors(result) & {"PL801", "PL901"}, result


# -- hostile text reaches every output inert ---------------------------------------------------

EVIL = ("Evil %0A::error file=x::pwned\r\n::warning::again # Heading | a | b | [link](https://evil.example/x) "
        "![img](https://evil.example/x.png) <img src=x onerror=alert(1)> <script>alert(1)</script> "
        "<!-- hide --> @everyone #123 mail@evil.example www.evil.example \u202eoverride\x1b[31m")
GITHUB_COMMAND = re.compile(r"::(error|warning|notice)( file=[^,:\r\n]+,line=\d+,col=\d+,title=[^:\r\n]+)?::[^\r\n]*")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Eve's branch: a hostile use case (an expansion), risk text, unknown key and person."""
    from conftest import EXAMPLES

    repo = tmp_path_factory.mktemp("hostile") / "repo"
    shutil.copytree(EXAMPLES, repo)
    make_repo(repo)
    apply_example(repo, {"charter": {"use_case": EVIL, "title": EVIL},
                         "note": {"risks": [{"text": EVIL, "severity": "high", "owner": "oleg", "status": "open"}],
                                  "changes": [{"what": EVIL, "why": EVIL, "approved_by": EVIL,
                                               "effect": {"cost": "none", "risk": "none"}}]}})
    charter = repo / CHARTER
    charter.write_text(charter.read_text() + json.dumps({"key " + EVIL: 1})[1:-1] + "\n")
    commit(repo, EVIL)
    return repo


def assert_inert_lines(text: str) -> None:
    assert "\r" not in text and "\x1b" not in text and "\u202e" not in text
    for line in text.splitlines():
        assert not line.startswith("::") or GITHUB_COMMAND.fullmatch(line), line


@pytest.mark.parametrize("command", ["check", "gate"])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_hostile_text_reaches_every_format_inert(hostile, command, fmt):
    args = ["gate", "--base", "main"] if command == "gate" else ["check"]
    result = run_cli(*args, "--format", fmt, "--today", TODAY, cwd=hostile)
    assert result.code == 1, result
    out = result.out
    if fmt == "json" or fmt == "sarif":
        data = json.loads(out)
        messages = [f["message"] for f in data["findings"]] if fmt == "json" else \
            [r["message"]["text"] for r in data["runs"][0]["results"]]
        assert any(EVIL in m for m in messages), messages  # the text itself, whole, as data
        if fmt == "json" and command == "gate":
            assert any(e["to"] == EVIL for e in data["expansions"])
    elif fmt == "junit":
        root = ET.fromstring(out.encode())
        assert any("pwned" in (case.get("message") or "") for case in root.iter("failure"))
        assert "<script>" not in out and "<img" not in out
    elif fmt == "github":
        assert_inert_lines(out)
        commands = [line for line in out.splitlines() if line.startswith("::")]
        assert commands and not any(line.startswith(("::warning::again", "::error file=x")) for line in commands)
        assert "%250A::error file=x::pwned%0D%0A::warning::again" in out
    else:
        assert_inert_lines(out)
        assert "pwned" in out  # shown, as text


def _markdown_is_inert(markdown: str) -> None:
    from gfm_html import Tree, live_text_problems, render

    html = render(markdown)
    tree = Tree(html)
    names = [tag for tag, _ in tree.tags]
    assert "img" not in names and "script" not in names, names
    assert not [attrs for tag, attrs in tree.tags if tag == "a" and "evil" in attrs.get("href", "")]
    assert not tree.comments
    for heading in re.findall(r"(?s)<h[1-6][^>]*>(.*?)</h[1-6]>", html):
        # the document's `# Heading` never opens a heading of its own: it stays inside its text
        assert "Heading" not in heading or ("Evil" in heading and "override" in heading), heading
    for table in tree.tables:
        assert all(len(row) == len(table.header) for row in table.rows), table
    assert "pwned" in tree.text  # shown, as text
    evil_lines = [line for line in tree.text.splitlines() if "pwned" in line]
    assert evil_lines and not any(live_text_problems(line) for line in evil_lines), \
        [live_text_problems(line) for line in evil_lines]


def test_hostile_text_in_the_gate_summary_is_inert(hostile, tmp_path):
    pytest.importorskip("cmarkgfm")
    summary = tmp_path / "summary.md"
    result = run_cli("gate", "--base", "main", "--today", TODAY, "--summary", summary, cwd=hostile)
    assert result.code == 1, result
    _markdown_is_inert(summary.read_text(encoding="utf-8"))


def test_hostile_text_in_the_handoff_summary_is_inert(hostile):
    pytest.importorskip("cmarkgfm")
    result = run_cli("summary", PILOT, "--today", TODAY, cwd=hostile)
    assert result.code in (0, 1), result
    _markdown_is_inert(result.out)
