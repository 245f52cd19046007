"""Where the cursor is in a YAML document being typed, from its text alone.

A document in the middle of an edit is rarely valid YAML, so completion, hover and code
actions cannot wait for a parser: the path of the cursor (`("scope", "teams", 0)`) is
read from indentation, as a person reads it. Block style is followed; a flow collection
(`[a, b]`, `{a: 1}`) is a value on its line. Nothing here evaluates the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_KEY = re.compile(r"""(?P<key>"[^"]*"|'[^']*'|[^\s#'"\-?:,\[\]{}][^:#]*?|-[^\s:#][^:#]*?)[ \t]*:(?=[ \t]|$)""")
_BLOCK_SCALAR = re.compile(r"[|>][0-9+-]*[ \t]*(#.*)?$")


@dataclass
class _Entry:
    indent: int
    step: object                      # a key or a list index
    items: int = 0                    # sequence items seen below this entry
    keys: set = field(default_factory=set)


@dataclass(frozen=True)
class Place:
    """The cursor's place: the path of the mapping or list it is in, and what it is typing."""

    path: tuple                       # of the node whose key or value is being written
    role: str                         # "key" (a key of the mapping at `path`) or "value" (of `path`)
    siblings: frozenset = frozenset() # keys already written in that mapping
    prefix: str = ""                  # the word typed so far


def _unquote(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"" else key.strip()


def _split_dashes(content: str, indent: int) -> tuple[int, int, str]:
    """`- - key: v` -> (number of dashes, indent of what follows, what follows)."""
    dashes = 0
    while content.startswith("-") and (len(content) == 1 or content[1] in " \t"):
        dashes += 1
        stripped = content[1:].lstrip(" \t")
        indent += len(content) - len(stripped)
        content = stripped
    return dashes, indent, content


def _structure(lines: list[str], stop: int) -> list[_Entry]:
    """The open entries (keys and list items) before line `stop`."""
    stack: list[_Entry] = [_Entry(-1, None)]
    block_indent = None  # inside a block scalar (`|`, `>`): lines indented deeper are its text
    for number in range(stop):
        line = lines[number]
        content = line.lstrip(" ")
        indent = len(line) - len(content)
        if not content.strip() or content.startswith("#") or content.startswith(("---", "...")) and indent == 0:
            continue
        if block_indent is not None:
            if indent > block_indent:
                continue
            block_indent = None
        _place_line(stack, indent, content)
        top = stack[-1]
        if isinstance(top.step, str):
            after = content.split(":", 1)[1] if ":" in content else ""
            if _BLOCK_SCALAR.match(after.strip()):
                block_indent = top.indent
    return stack


def _place_line(stack: list[_Entry], indent: int, content: str) -> None:
    dashes, inner, rest = _split_dashes(content, indent)
    if dashes:
        while len(stack) > 1 and (stack[-1].indent > indent or stack[-1].indent == indent
                                  and isinstance(stack[-1].step, int)):
            stack.pop()
        for level in range(dashes):
            parent = stack[-1]
            stack.append(_Entry(indent + 2 * level, parent.items))
            parent.items += 1
        indent = inner
        content = rest
    match = _KEY.match(content)
    if match:
        while len(stack) > 1 and stack[-1].indent >= indent:
            stack.pop()
        key = _unquote(match.group("key"))
        stack[-1].keys.add(key)
        stack.append(_Entry(indent, key))


def path_of_line(text: str, line: int) -> tuple:
    """The path of the node written on `line` (0-based): its key, or its list item."""
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        return ()
    stack = _structure(lines, line)
    content = lines[line].lstrip(" ")
    if content.strip() and not content.startswith("#"):
        _place_line(stack, len(lines[line]) - len(content), content)
    return tuple(e.step for e in stack[1:])


def place_at(text: str, line: int, character: int) -> Place:
    """What the cursor at (line, character), 0-based, is writing."""
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        return Place((), "key")
    current = lines[line]
    before = current[:character]
    stack = _structure(lines, line)
    content = before.lstrip(" ")
    indent = len(before) - len(content)
    dashes, inner, rest = _split_dashes(content, indent) if content.startswith("-") else (0, indent, content)
    if dashes:
        while len(stack) > 1 and (stack[-1].indent > indent or stack[-1].indent == indent
                                  and isinstance(stack[-1].step, int)):
            stack.pop()
        for level in range(dashes):
            parent = stack[-1]
            stack.append(_Entry(indent + 2 * level, parent.items))
            parent.items += 1
        indent, content = inner, rest
    match = _KEY.match(content)
    if match:  # `key: <cursor>`: a value, perhaps inside a flow list
        while len(stack) > 1 and stack[-1].indent >= indent:
            stack.pop()
        path = tuple(e.step for e in stack[1:]) + (_unquote(match.group("key")),)
        value = content[match.end():].lstrip()
        if value.startswith("["):
            inside = value[1:]
            return Place(path + (inside.count(","),), "value", prefix=_word(inside))
        if value.startswith("{"):
            return Place(path, "key", prefix=_word(value[1:]))
        return Place(path, "value", prefix=value)
    # a key being typed, or a list item's value (`- <cursor>`)
    while len(stack) > 1 and stack[-1].indent >= indent:
        stack.pop()
    path = tuple(e.step for e in stack[1:])
    siblings = _siblings(lines, line, indent, stack)
    if dashes and path and isinstance(path[-1], int) and not content:
        return Place(path, "value", siblings=siblings, prefix="")
    return Place(path, "key", siblings=siblings, prefix=content.strip())


def _siblings(lines: list[str], line: int, indent: int, stack: list[_Entry]) -> frozenset:
    """The keys written at this indentation in the same mapping, above and below the cursor."""
    keys = set(stack[-1].keys)
    for number in range(line + 1, len(lines)):
        text = lines[number]
        content = text.lstrip(" ")
        if not content.strip() or content.startswith("#"):
            continue
        here = len(text) - len(content)
        if here < indent or here == indent and content.startswith("- "):
            break
        if here == indent:
            match = _KEY.match(content)
            if match:
                keys.add(_unquote(match.group("key")))
    return frozenset(keys)


def _word(text: str) -> str:
    return re.split(r"[,\s\[\]{}]", text)[-1]


def node_end(line_text: str, column: int) -> int:
    """Where the YAML node starting at `column` (0-based) on this line ends (exclusive).

    A quoted scalar ends at its closing quote, a flow collection at its closing bracket,
    a key at its colon, a plain scalar before a comment; otherwise the end of the line.
    """
    text = line_text.rstrip("\r")
    if column >= len(text.rstrip()):
        return len(text.rstrip()) if text.strip() else column
    first = text[column]
    if first in "\"'":
        index = column + 1
        while index < len(text):
            if text[index] == "\\" and first == '"':
                index += 2
                continue
            if text[index] == first:
                if first == "'" and text[index + 1:index + 2] == "'":
                    index += 2
                    continue
                return index + 1
            index += 1
        return len(text.rstrip())
    if first in "[{":
        depth, quote, index = 0, None, column
        while index < len(text):
            char = text[index]
            if quote:
                quote = None if char == quote else quote
            elif char in "\"'":
                quote = char
            elif char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
        return len(_without_comment(text).rstrip())
    in_flow = _open_flow(text[:column])
    end = len(text)
    for index in range(column, len(text)):
        char = text[index]
        if char == ":" and (index + 1 == len(text) or text[index + 1] in " \t"):
            end = index
            break
        if char == "#" and index > column and text[index - 1] in " \t":
            end = index
            break
        if in_flow and char in ",]}":
            end = index
            break
    end = len(text[:end].rstrip())
    return max(end, column + 1)


def _open_flow(text: str) -> bool:
    depth, quote = 0, None
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth > 0


def _without_comment(text: str) -> str:
    match = re.search(r"[ \t]#", text)
    return text[:match.start()] if match else text
