"""Render Markdown with GitHub's engine (cmark-gfm, through `cmarkgfm`) and read the HTML back.

Raw HTML is let through (`CMARK_OPT_UNSAFE`) so that any tag that escaped our Markdown
escaping shows up in the tree instead of being dropped by the renderer's safe mode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

cmarkgfm = pytest.importorskip("cmarkgfm")
from cmarkgfm.cmark import Options  # noqa: E402

EXTENSIONS = ["table", "autolink", "strikethrough", "tagfilter", "tasklist"]


def render(markdown: str) -> str:
    return cmarkgfm.markdown_to_html_with_extensions(
        markdown, options=Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_GITHUB_PRE_LANG, extensions=EXTENSIONS)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    body_cells: list[int] = field(default_factory=list)


class Tree(HTMLParser):
    """Tags, attributes, comments, tables and code blocks of a rendered page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.comments: list[str] = []
        self.tables: list[Table] = []
        self.code_blocks: list[tuple[str | None, str]] = []
        self.text_parts: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head = False
        self._pre_lang: str | None = None
        self._code: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table":
            self.tables.append(Table([]))
        elif tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "pre":
            self._pre_lang = attrs.get("lang")
        elif tag == "code" and self._pre_lang is not None:
            self._code = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if self._in_head:
                table.header = self._row
            else:
                table.rows.append(self._row)
            self._row = None
        elif tag == "code" and self._code is not None:
            self.code_blocks.append((self._pre_lang, "".join(self._code)))
            self._code = None
        elif tag == "pre":
            self._pre_lang = None

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._code is not None:
            self._code.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def tag_names(self) -> set[str]:
        return {tag for tag, _ in self.tags}


# What GitHub would turn into a live link or a notification if it reached the rendered text.
MENTION = re.compile(r"(?:^|[^\w`])@[A-Za-z0-9]")
ISSUE_REF = re.compile(r"(?:^|[^\w&])#[0-9]")
AUTOLINK = re.compile(r"(?i)[a-z][a-z0-9+.-]*://|www\.")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]")
HIDDEN = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\U000e0000-\U000e007f]")


def live_text_problems(text: str) -> list[str]:
    """What would ping, link or hide in GitHub's rendering of this text."""
    problems = []
    for name, pattern in (("mention", MENTION), ("issue reference", ISSUE_REF), ("autolink", AUTOLINK),
                          ("email autolink", EMAIL), ("hidden character", HIDDEN)):
        match = pattern.search(text)
        if match:
            problems.append(f"{name}: {text[max(0, match.start() - 20):match.end() + 20]!r}")
    return problems
