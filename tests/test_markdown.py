"""`pilotlint.report.markdown.md`: any text, rendered by GitHub's engine, stays exactly that text."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gfm_html import Tree, live_text_problems, render
from pilotlint.report.markdown import ZWSP, md, md_code, mermaid_label

HOSTILE = [
    "a | b", "a \\| b", "<script>alert(1)</script>", "@everyone", "@org/team please look", "#123", "GH-1 #1",
    "[x](http://evil.example)", "![i](http://evil.example/i.png)", "<!-- hidden", "x <!-- y --> z",
    "safe \u202egnp.exe", "\u2066isolated\u2069 \u200ftext", "line one\nline two", "line\r\nbreak\rhere",
    "# heading", "## heading", "> quote", "- item", "+ item", "* item", "1. item", "1) item", "---", "===",
    "    indented code", "```fence", "~~~fence", "`code`", "**bold** _em_ ~~strike~~ *em*",
    "http://bare.example", "https://bare.example/path?q=1", "www.bare.example", "WWW.Bare.example",
    "ftp://files.example", "mailto:a@b.example", "xmpp:a@b.example", "user@example.com",
    "&#64;everyone", "&lt;b&gt;", "&amp;", "<b>bold</b>", "<img src=x onerror=alert(1)>",
    "[ref]: http://evil.example", "[^1]", "$x^2$", "$`x`$", "\\", "trailing backslash\\",
    "two trailing spaces  ", "tab\tseparated", "a\u2028b\u2029c\x85d", "ctrl\x1b[31mred", "\U000e0041\U000e0042 tags",
    "<http://evil.example>", "javascript:alert(1)", "| --- | --- |", "{{ jinja }} {% raw %}", ":smile: :+1:",
    "a_b_c", "_leading", "snake_case_id", "100% done", "<", ">", "&", "@", "#", "", "   ", "\n\n",
]


def plain(text: str) -> str:
    """What a reader should see: one line, hidden characters made visible, edges trimmed."""
    text = re.sub(r"[\r\n\t\v\f\x85\u2028\u2029]+", " ", text)
    text = re.sub("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                  "\U000e0000-\U000e007f]", lambda m: f"[U+{ord(m.group()):04X}]", text)
    return text.strip(" ")


def table_of(cells: list[str]) -> str:
    return "| A | B | C |\n|---|---|---|\n" + "".join(f"| x | {cell} | y |\n" for cell in cells)


def check_cell(value: str) -> None:
    escaped = md(value)
    assert "\n" not in escaped and "\r" not in escaped
    tree = Tree(render(table_of([escaped])))
    assert tree.tag_names() <= {"table", "thead", "tbody", "tr", "th", "td"}, (value, tree.tags)
    assert not tree.comments
    [table] = tree.tables
    assert table.header == ["A", "B", "C"]
    assert table.rows == [["x", table.rows[0][1], "y"]], (value, escaped, table.rows)
    shown = table.rows[0][1]
    assert shown.replace(ZWSP, "") == plain(value).replace(ZWSP, ""), (value, escaped, shown)
    assert not live_text_problems(shown), (value, live_text_problems(shown))


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_in_a_table_cell_stays_text(value):
    check_cell(value)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_in_a_paragraph_and_list_item_stays_text(value):
    for page in (f"{md(value)}\n", f"- {md(value)}\n", f"**Label:** {md(value)}\n", f"# {md(value)}\n"):
        tree = Tree(render(page))
        assert tree.tag_names() <= {"p", "ul", "li", "strong", "h1"}, (value, page, tree.tags)
        assert not tree.comments
        shown = tree.text.replace(ZWSP, "").strip("\n")
        shown = shown[len("Label:"):].strip(" ") if page.startswith("**Label:**") else shown
        assert shown == plain(value).replace(ZWSP, ""), (value, page)
        assert not live_text_problems(tree.text)


@given(st.text(max_size=80))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_any_text_in_a_table_cell_stays_text(value):
    check_cell(value)


@given(st.lists(st.sampled_from([*HOSTILE, "a", " ", "|", "\\", "`", "*", "_", "[", "]", "(", ")", "!", "<", ">",
                                 "&", "#", "@", ":", "/", "w", ".", "\n", "-", "1", "~", "$"]), max_size=12))
@settings(max_examples=400, deadline=None)
def test_any_mix_of_markdown_syntax_stays_text(parts):
    check_cell("".join(parts))


def test_mentions_and_references_do_not_ping():
    # A backslash does not stop a GitHub mention and `&#64;` is decoded back to `@`;
    # the zero-width space after `@` and `#` does.
    assert md("@everyone") == "@\u200beveryone"
    assert md("#12").startswith("\\#\u200b")
    assert Tree(render(md("&#64;everyone"))).text.strip().replace(ZWSP, "") == "&#64;everyone"


def test_bidirectional_overrides_become_visible():
    assert Tree(render(md("abc\u202edef"))).text.strip() == "abc[U+202E]def"
    assert Tree(render(md("\u2066x\u2069"))).text.strip() == "[U+2066]x[U+2069]"


def test_ids_keep_their_underscores_readable():
    assert md("reply_rate") == "reply_rate"
    assert md("_x_") == "\\_x\\_"


@pytest.mark.parametrize("value", ["a|b", "`x`", "``", "x`` y", "<b>", "@everyone", "line\nbreak", "\u202ex"])
def test_md_code_in_a_table_cell(value):
    tree = Tree(render(table_of([md_code(value)])))
    [table] = tree.tables
    assert len(table.rows[0]) == 3
    assert tree.tag_names() <= {"table", "thead", "tbody", "tr", "th", "td", "code"}
    assert table.rows[0][1].strip() == plain(value).strip()


@given(st.text(max_size=60))
def test_mermaid_labels_hold_nothing_mermaid_reads(value):
    label = mermaid_label(value)
    assert re.fullmatch(r"[A-Za-z0-9 .,:/+\-]*", label)
    assert '"' not in label and "%%" not in label and "#" not in label and "`" not in label
