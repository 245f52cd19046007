"""Escaping document text for GitHub-flavoured Markdown (and Mermaid labels).

Text from pilot documents lands in Markdown that people render on GitHub: the handoff
summary, the `status` table, the gate's job summary. Whoever can edit a YAML file must not
be able to change the page's structure or reach its readers through it. `md(text)` makes
any text safe as *inline* content: in a table cell, a list item or a paragraph.

What it guarantees, and how (verified with cmark-gfm, GitHub's own engine, in
tests/test_markdown.py):

- **One line.** Line breaks of every kind (``\\r``, ``\\n``, ``\\v``, ``\\f``, U+0085,
  U+2028, U+2029) and tabs become spaces; the result has no leading or trailing spaces.
  So text cannot end a table row, start a heading, list, quote, code block or setext
  underline, or add a hard line break.
- **No structure or formatting.** Every ASCII character that Markdown gives a meaning
  inline is backslash-escaped: ``\\ ` * ~ [ ] ! | $ { } #`` and ``_`` (except between two
  letters or digits, where GFM never reads it as emphasis: ``reply_rate`` stays readable);
  ``+ - =`` and a number followed by ``.`` or ``)`` are escaped where they would open a
  block (at the start). Parentheses are left alone: with ``[`` and ``]`` escaped and
  autolinks broken they cannot form a link. ``|`` is escaped as ``\\|``, which GFM tables
  honour even inside code spans. ``$`` is escaped for GitHub's math.
- **No HTML.** ``<``, ``>`` and ``&`` become ``&lt;``, ``&gt;`` and ``&amp;``: no tag, no
  comment (``<!--`` cannot hide the rest of the page), no entity written by the document
  (``&#64;`` stays visible text).
- **No live links or images.** ``[`` ``]`` ``!`` are escaped, and the
  autolinks GitHub makes from plain text are broken with a ZERO WIDTH SPACE (U+200B):
  ``scheme://`` becomes ``scheme:<ZWSP>//`` and ``www.`` becomes ``www<ZWSP>.``.
  An entity (``&#58;``) would not do: entities are decoded before GitHub looks for links.
- **No mentions or references.** ``@`` and ``#`` are followed by a ZERO WIDTH SPACE, so
  ``@everyone``, ``@org/team``, ``#123`` and ``user@example.com`` neither ping, link an
  issue nor become a mailto link. A backslash does not stop a mention on GitHub and
  ``&#64;`` is decoded back to ``@`` before mentions are found; an invisible character
  that is not a word character does stop them, and the text still reads ``@everyone``.
- **Nothing hidden.** Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E,
  U+200F, U+061C), other control characters and Unicode tag characters (U+E0000–U+E007F,
  invisible "ASCII smuggling") are shown as visible ``[U+202E]`` markers.

`md_code(text)` is the same guarantee as an inline code span (for ids and paths).
`mermaid_label(text)` keeps a label to characters that have no meaning in Mermaid.
"""

from __future__ import annotations

import re

ZWSP = "\u200b"

# Characters that break a line in Markdown or in the Unicode sense; all become one space.
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
# Invisible characters that reorder or hide text: shown as visible markers instead.
_HIDING = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                     "\U000e0000-\U000e007f]")
# Autolinks that GFM (cmark-gfm's autolink extension) and GitHub make from plain text.
_SCHEME = re.compile(r"(?<=:)(?=//)")
_WWW = re.compile(r"(?i)(?<=www)(?=\.)")

_ESCAPES = {
    "\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "~": "\\~", "[": "\\[", "]": "\\]",
    "!": "\\!", "|": "\\|", "$": "\\$", "{": "\\{", "}": "\\}",
    "<": "&lt;", ">": "&gt;", "&": "&amp;",
    "@": "@" + ZWSP, "#": "\\#" + ZWSP,
}
_TABLE = str.maketrans(_ESCAPES)
_BLOCK_START = re.compile(r"[+\-=]|[0-9]{1,9}(?=[.)])")
# `_` between two letters or digits cannot open or close emphasis (GFM): keep `reply_rate`
# readable in the Markdown source.
_INTRAWORD_UNDERSCORE = re.compile(r"(?<=[A-Za-z0-9])\\_(?=[A-Za-z0-9])")


def _visible(match: re.Match) -> str:
    return f"[U+{ord(match.group()):04X}]"


def _plain(value) -> str:
    """Text of any value as one clean line: breaks become spaces, hidden characters visible."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = value if isinstance(value, str) else str(value)
    text = _LINE_BREAKS.sub(" ", text)
    text = _HIDING.sub(_visible, text)
    return text.strip(" ")


def md(value) -> str:
    """`value` as inline GitHub-flavoured Markdown that renders as exactly its text.

    Safe in a table cell, a list item or a paragraph; see the module docstring for what
    is guaranteed. None becomes the empty string; other values are turned into text.
    """
    text = _plain(value)
    if not text:
        return ""
    text = _SCHEME.sub(ZWSP, text)
    text = _WWW.sub(ZWSP, text)
    out = _INTRAWORD_UNDERSCORE.sub("_", text.translate(_TABLE))
    start = _BLOCK_START.match(out)
    if start:  # `- x`, `+ x`, `= `, `1. x`, `1) x` at the start of a line open a block
        end = start.end()
        if out[0] in "+-=":
            out = "\\" + out
        else:
            out = out[:end] + "\\" + out[end:]
    return out


def md_code(value) -> str:
    """`value` as an inline code span, safe in a table cell (for ids, paths, keys)."""
    text = _plain(value)
    if not text:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    # In a GFM table a pipe ends the cell even inside a code span unless escaped; in a
    # code span `<`, `&` and `@` are literal already, and GitHub does not autolink there.
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"


def md_message(value) -> str:
    """A message of pilotlint's own that marks names as code (`pause`, `owner: oleg`): the
    marked parts become code spans, the rest is escaped like any text. A stray backtick
    (an odd count) is text."""
    text = _plain(value)
    parts = text.split("`")
    if len(parts) % 2 == 0:
        return md(text)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(md_code(part))
        else:  # md() trims the ends; the spaces around a code span are the sentence's
            lead, trail = len(part) - len(part.lstrip(" ")), len(part) - len(part.rstrip(" "))
            out.append(" " * lead + md(part) + " " * trail if part.strip() else part)
    return "".join(out)


_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9 .,:/+\-]")


def mermaid_label(value, limit: int = 40) -> str:
    """Text for a quoted Mermaid label: characters with a meaning in Mermaid (quotes,
    `#` entity codes, `%%` directives, `<br>`, backticks, brackets) become spaces."""
    text = _MERMAID_UNSAFE.sub(" ", _plain(value))
    text = re.sub(r" {2,}", " ", text).strip()
    return text[:limit]
