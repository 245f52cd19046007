"""SPEC §9, bad input: every hostile file through `pilotlint check`, in a child process
with 1 GiB of address space, its peak memory and time measured. Each must end quickly
with the right rule at the right file and line, exit 1 (never a pass), no traceback."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import pytest

from conftest import TODAY
from hostile_helpers import NOTE_HEAD, NOTES, check_json, run_bounded, write_note

FORMATS = ("text", "json", "sarif", "github", "junit")


def only(result, path: str, rule: str | None = None) -> list[dict]:
    found = result.findings(path)
    return [f for f in found if rule is None or f["rule"] == rule]


def assert_rule(result, path: str, rule: str, line: int | None = None, words: str = "") -> dict:
    assert result.code == 1, result
    hits = only(result, path, rule)
    assert hits, f"no {rule} for {path}: {only(result, path)}"
    hit = hits[0]
    if line is not None:
        assert hit["line"] == line, hit
    assert words.lower() in hit["message"].lower(), hit
    return hit


# -- size, depth and expansion (PL008) ------------------------------------------------------

def alias_bomb() -> str:
    """Nine levels of nine aliases: 72 aliases, 9**9 (387 million) nodes when walked."""
    lines = [NOTE_HEAD + "week: 2026-W48", 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 8)]
    lines.append(f"changes: [{', '.join(['*l7'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_with_a_few_dozen_aliases_is_PL008_fast_and_small(sample):
    text = alias_bomb()
    assert text.count("*") <= 72
    path = write_note(sample, "2026-W48.yaml", text)
    result = check_json(sample)
    hit = assert_rule(result, path, "PL008", words="limits.max_nodes")
    assert hit["line"] > 4
    assert result.seconds < 10 and result.maxrss_mib < 200, result
    assert only(result, path) == [hit]  # nothing else is built from a document that failed to load


def test_a_flat_list_of_aliases_beyond_max_nodes_is_PL008(sample):
    path = write_note(sample, "2026-W48.yaml", NOTE_HEAD + "x: &x a\nchanges: [" + ", ".join(["*x"] * 150_000) + "]\n")
    assert_rule(check_json(sample), path, "PL008", words="100,000 nodes")


@pytest.mark.parametrize("name, body, line", [
    ("brackets", "week: " + "[" * 100_000 + "]" * 100_000, 4),
    # the closing brackets hidden in a comment or a quoted string must not cancel the count
    ("comment", "# " + "]" * 100_000 + "\nweek: " + "[" * 100_000 + "]" * 100_000, 5),
    ("quoted", 'x-a: "' + "]" * 100_000 + '"\nweek: ' + "[" * 100_000 + "]" * 100_000, 5),
    ("interleaved", "week: " + ("[" * 900 + '"' + "]" * 900 + '", ') * 100 + "]" * 90_000, 4),
    # block collections nest one per indicator on one line
    ("dashes", "week:\n" + "- " * 100_000 + "x", 5),
    ("question marks", "? " * 100_000 + "x", 4),
    ("dash and question", "? x\n: " + "- ? " * 50_000 + "x", 5),
], ids=lambda value: value if isinstance(value, str) and len(value) < 40 else "")
def test_deep_nesting_is_rejected_before_the_parser_can_crash(sample, name, body, line):
    path = write_note(sample, "2026-W48.yaml", NOTE_HEAD + body + "\n")
    result = check_json(sample)
    assert_rule(result, path, "PL008", line=line, words="nesting deeper than")
    assert result.seconds < 10, result


def test_500_deep_block_mappings_stop_at_the_limit_of_64(sample):
    body = "".join(" " * i + f"k{i}:\n" for i in range(500)) + " " * 500 + "leaf\n"
    path = write_note(sample, "2026-W48.yaml", NOTE_HEAD + "week: 2026-W48\n" + body)
    result = check_json(sample)
    hit = assert_rule(result, path, "PL008", words="64 levels")
    assert hit["line"] == 5 + 64  # `k0` (line 5) holds level 1; level 64 is the first one too deep


def test_a_50_mb_file_is_refused_by_its_size_without_being_read(sample):
    path = sample / NOTES / "2026-W48.yaml"
    with open(path, "wb") as handle:
        handle.write(NOTE_HEAD.encode())
        chunk = b"x-filler: " + b"a" * 1013 + b"\n"
        for _ in range(50 * 1024):
            handle.write(chunk)
    assert path.stat().st_size > 50_000_000
    result = check_json(sample)
    assert_rule(result, f"{NOTES}/2026-W48.yaml", "PL008", line=1, words="limits.max_file_bytes")
    assert result.maxrss_mib < 100, result  # reading it would cost 50 MiB more than this
    assert result.seconds < 10, result


# -- encodings ----------------------------------------------------------------------------

def test_a_binary_file_is_PL001_at_the_line_of_its_first_nul(sample):
    path = write_note(sample, "2026-W48.yaml", NOTE_HEAD.encode() + b"week: 2026-W48\nx: \x00\x01\x02\xff\n")
    assert_rule(check_json(sample), path, "PL001", line=5, words="binary")


def test_a_latin_1_file_is_PL001_at_the_line_and_column_of_the_first_bad_byte(sample):
    path = write_note(sample, "2026-W48.yaml", NOTE_HEAD.encode() + "week: 2026-W48\nx-why: Café\n".encode("latin-1"))
    hit = assert_rule(check_json(sample), path, "PL001", line=5, words="UTF-8")
    assert hit["column"] == 11


def test_a_utf8_bom_is_accepted(sample):
    clean = (sample / NOTES / "2026-W47.yaml").read_bytes()
    path = write_note(sample, "2026-W47.yaml", b"\xef\xbb\xbf" + clean)
    result = check_json(sample)
    assert result.code == 0, result
    assert only(result, path) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_lone_surrogate_escape_is_reported_in_every_format(sample, fmt):
    path = write_note(sample, "2026-W48.yaml", NOTE_HEAD + 'week: 2026-W48\nx-a: "\\ud800"\nx-b: "\\udfff\\ud800"\n')
    result = run_bounded("check", sample, "--today", TODAY, "--format", fmt)
    assert result.code == 1, result
    assert_well_formed(fmt, result.out)
    assert path in result.out
    if fmt == "json":
        assert_rule(result, path, "PL001", line=5)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_name_that_is_not_utf8_reaches_every_format_as_valid_text(sample, fmt, tmp_path):
    name = os.fsdecode(b"\xff\xfe-2026-W48.yaml")
    (sample / NOTES / name).write_text(NOTE_HEAD + "week: nope\n")
    result = run_bounded("check", sample, "--today", TODAY, "--format", fmt)
    assert result.code == 1, result
    assert_well_formed(fmt, result.out)
    assert "-2026-W48.yaml" in result.out
    output = tmp_path / f"out.{fmt}"  # --output too: the file is written whole
    written = run_bounded("check", sample, "--today", TODAY, "--format", fmt, "--output", output)
    assert written.code == 1, written
    assert_well_formed(fmt, output.read_bytes().decode("utf-8"))


def assert_well_formed(fmt: str, text: str) -> None:
    text.encode("utf-8")  # no lone surrogates: every byte we print is valid UTF-8
    if fmt in ("json", "sarif"):
        data = json.loads(text)
        if fmt == "sarif":
            assert data["version"] == "2.1.0" and data["runs"][0]["results"]
    elif fmt == "junit":
        ET.fromstring(text.encode("utf-8"))
    elif fmt == "github":
        assert all(line.startswith("::") or line.startswith("pilotlint ") for line in text.splitlines()), text


# -- tags and types -----------------------------------------------------------------------

def test_python_tags_are_reported_and_never_executed(sample, tmp_path):
    pwned = tmp_path / "pwned"
    path = write_note(sample, "2026-W48.yaml", NOTE_HEAD + f"""week: !!python/object/apply:os.system ["touch {pwned}"]
x-a: !!python/name:os.system
x-b: !!python/object/new:subprocess.call [[touch, {pwned}]]
x-c: !!python/module:os
x-d: !!python/object:__main__.X {{a: 1}}
x-e: !<tag:yaml.org,2002:python/object/apply:os.system> ["touch {pwned}"]
""")
    result = check_json(sample)
    assert not pwned.exists()
    tags = only(result, path, "PL002")
    lines = {f["line"] for f in tags if "tag" in f["message"]}
    assert lines == {4, 5, 6, 7, 8, 9}, tags
    assert result.code == 1


def test_set_and_binary_tags_are_PL002(sample):
    path = write_note(sample, "2026-W48.yaml", NOTE_HEAD + "week: !!binary MjAyNi1XNDg=\nrisks: !!set {a, b}\n")
    result = check_json(sample)
    hits = only(result, path, "PL002")
    assert {f["line"] for f in hits if "tag" in f["message"]} == {4, 5}, hits


def test_dates_and_nan_where_text_is_meant_are_schema_findings(sample):
    path = write_note(sample, "2026-W48.yaml", NOTE_HEAD + """week: 2026-11-30
changes:
  - {what: .nan, why: 2026-11-30, approved_by: 2026-11-30T10:00:00Z, effect: {cost: .inf, risk: -.Inf}}
""")
    result = check_json(sample)
    hits = only(result, path, "PL002")
    assert any(f["line"] == 4 and "week" in f["message"] for f in hits), hits
    assert any(f["line"] == 6 and "finite" in f["message"] for f in hits), hits
    json.dumps(result.json, allow_nan=False)  # no NaN leaks into the output


def test_keys_are_text_one_and_true_do_not_crash_and_on_twice_is_a_duplicate(sample):
    path = write_note(sample, "2026-W48.yaml", NOTE_HEAD + 'week: 2026-W48\n1: a\ntrue: b\n~: c\non: d\n"on": e\n')
    result = check_json(sample)
    unknown = {f["message"].split("`")[1] for f in only(result, path, "PL002") if "unknown key" in f["message"]}
    assert {"1", "true", "~", "on"} <= unknown
    assert_rule(result, path, "PL004", line=9, words="`on`")


def test_several_documents_in_one_file_are_PL001_at_the_second(sample):
    path = write_note(sample, "2026-W48.yaml", NOTE_HEAD + "week: 2026-W48\n---\n" + NOTE_HEAD)
    assert_rule(check_json(sample), path, "PL001", line=6, words="more than one YAML document")


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n", "---\n", "...\n"])
def test_an_empty_file_is_an_error_never_a_pass(sample, content):
    path = write_note(sample, "2026-W48.yaml", content)
    result = check_json(sample)
    hits = only(result, path)
    assert result.code == 1 and hits and hits[0]["severity"] == "error", result
    assert hits[0]["rule"] in ("PL001", "PL003"), hits


# -- the file system ----------------------------------------------------------------------

def test_a_symlink_loop_is_PL013_on_each_link(sample):
    notes = sample / NOTES
    (notes / "a.yaml").symlink_to("b.yaml")
    (notes / "b.yaml").symlink_to("a.yaml")
    result = check_json(sample)
    for name in ("a.yaml", "b.yaml"):
        assert_rule(result, f"{NOTES}/{name}", "PL013", line=1, words="symbolic link")
    explicit = run_bounded("check", notes / "a.yaml", "--today", TODAY, "--format", "json")
    assert explicit.code == 1, explicit
    assert any(f["rule"] == "PL013" for f in explicit.json["findings"]), explicit


def test_a_symlink_out_of_the_repository_is_not_followed(sample, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text(NOTE_HEAD + "week: 2026-W48\nx-secret: hunter2-do-not-print\n")
    (sample / NOTES / "leak.yaml").symlink_to(secret)
    (sample / NOTES / "passwd.yaml").symlink_to("/etc/passwd")
    result = check_json(sample)
    assert_rule(result, f"{NOTES}/leak.yaml", "PL013", line=1, words="never follows links")
    assert_rule(result, f"{NOTES}/passwd.yaml", "PL013", line=1, words="never follows links")
    assert "hunter2" not in result.out and "root:" not in result.out


@pytest.mark.parametrize("kind", ["fifo", "folder link", "link inside"])
def test_a_fifo_or_a_link_where_a_note_should_be_is_PL013_and_nothing_blocks(sample, tmp_path, kind):
    notes = sample / NOTES
    if kind == "fifo":
        os.mkfifo(notes / "2026-W48.yaml")
        shown = f"{NOTES}/2026-W48.yaml"
    elif kind == "folder link":
        outside = tmp_path / "elsewhere"
        outside.mkdir()
        (outside / "2026-W49.yaml").write_text(NOTE_HEAD + "week: 2026-W49\nx-secret: hunter2\n")
        (notes / "more").symlink_to(outside)
        shown = f"{NOTES}/more"
    else:
        (notes / "copy.yaml").symlink_to(sorted(notes.glob("2026-W4*.yaml"))[0].name)
        shown = f"{NOTES}/copy.yaml"
    result = check_json(sample)
    assert_rule(result, shown, "PL013", line=1)
    assert result.seconds < 10 and "hunter2" not in result.out, result


@pytest.mark.parametrize("target", ["../../../../../../etc/passwd", "/etc/passwd", "outside-link.yaml",
                                    "loop.yaml", "bad\\0name.yaml"])
def test_a_rollback_path_out_of_the_repository_is_reported_not_followed(sample, target):
    folder = sample / "pilots/outbound-drafts"
    (folder / "outside-link.yaml").symlink_to("/etc/passwd")
    (folder / "loop.yaml").symlink_to("loop.yaml")
    charter = folder / "charter.yaml"
    lines = charter.read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("rollback:"))
    lines[line - 1] = f'rollback: "{target}"'
    charter.write_text("\n".join(lines) + "\n")
    result = check_json(sample)
    hit = assert_rule(result, "pilots/outbound-drafts/charter.yaml", "PL006", line=line)
    assert "root:" not in result.out, hit


def test_an_unreadable_file_is_PL001(sample):
    path = write_note(sample, "2026-W48.yaml", NOTE_HEAD + "week: 2026-W48\n")
    (sample / path).chmod(0)
    try:
        result = check_json(sample)
        if os.geteuid() != 0:  # root reads it anyway: the run must still end cleanly
            assert_rule(result, path, "PL001", line=1, words="cannot read")
    finally:
        (sample / path).chmod(0o644)


def test_a_file_named_like_an_option_is_read_as_a_file(sample):
    notes = sample / NOTES
    (notes / "--x.yaml").write_text(NOTE_HEAD + "week: 2026-W48\n")
    (notes / "--format=sarif.yaml").write_text(NOTE_HEAD + "week: 2026-W48\n")
    result = run_bounded("check", "--today", TODAY, "--format", "json", "--", "--x.yaml", "--format=sarif.yaml",
                         cwd=notes)
    assert result.code == 1, result
    paths = {f["path"] for f in result.json["findings"]}
    assert {f"{NOTES}/--x.yaml", f"{NOTES}/--format=sarif.yaml"} <= paths
