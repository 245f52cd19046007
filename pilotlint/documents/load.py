"""Loading YAML with positions.

PyYAML composes the node tree (in C when libyaml is present); we construct the values
ourselves in one pass so that every mapping and sequence remembers where its items were
written, keys stay strings, YAML 1.1 surprises are noticed, and limits (depth, expanded
nodes) are enforced while walking — an alias bomb is cheap to parse and only explodes
when something walks it.
"""

from __future__ import annotations

from typing import NamedTuple

import math
import re
from sys import intern

import yaml

try:  # the C parser is several times faster; fall back when libyaml is missing
    from yaml._yaml import CParser as _Parser
    _EventParser = _Parser
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    class _EventParser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)

DEFAULT_LIMITS = {"max_file_bytes": 1_048_576, "max_depth": 64, "max_nodes": 100_000}

# libyaml recurses once per nesting level and crashes the whole process at tens of
# thousands of flow brackets, so deep flow nesting is rejected before parsing.
_PRESCAN_DEPTH = 1000

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _TAG + "str", _TAG + "int", _TAG + "float", _TAG + "bool", _TAG + "null"
_TIMESTAMP, _MAP, _SEQ, _MERGE = _TAG + "timestamp", _TAG + "map", _TAG + "seq", _TAG + "merge"
_ScalarNode = yaml.ScalarNode
_PLAIN = "?"  # plain scalars are resolved by _Builder, in the same pass that builds values
# YAML 1.1's implicit types exactly as PyYAML defines them, by first character.
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers
_BOOL_VALUES = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}
# Plain scalars that YAML 1.1 (PyYAML) and YAML 1.2 read differently.
_YAML12_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_YAML12_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


class _Loader(_Parser):
    """The parser without PyYAML's per-node Python resolver calls (a third of its time)."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


def _resolve_plain(text: str) -> str:
    if not text:
        return _NULL
    for tag, regexp in _IMPLICIT.get(text[0], ()):
        if regexp.match(text):
            return tag
    return _STR


class LoadError(Exception):
    """The file could not be read as one YAML document."""

    def __init__(self, rule: str, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.rule, self.message, self.line, self.column = rule, message, line, column


_BITS = 21  # lines and columns up to 2 million: a file is at most a few MiB
_MASK = (1 << _BITS) - 1


def _short(text: str) -> str:
    """Short values repeat across documents (`oleg`, `required`, `USD`): share one copy."""
    return intern(text) if len(text) < 48 else text


class LDict(dict):
    """A mapping that remembers where each key and value was written (see `locate`), and
    whether it was written in flow style (`{a: 1, b: 2}`: a comma there ends a value).

    Positions are packed into one int per key (`_pack`): a 1,000-pilot repository holds
    over a million of them, and tuples of four ints cost three times the memory."""

    __slots__ = ("line", "column", "pos", "flow")


class LList(list):
    """A sequence that remembers the position of each item (packed, as in LDict)."""

    __slots__ = ("line", "column", "pos")


class Problem(NamedTuple):
    """A finding raised while constructing values (not fatal to the document)."""

    rule: str
    message: str
    line: int
    column: int


class Loaded(NamedTuple):
    data: object
    problems: list[Problem]


def read_text(raw: bytes, limits: dict) -> str:
    """Decode a file's bytes: UTF-8 with an optional BOM; anything else is reported."""
    if len(raw) > limits["max_file_bytes"]:
        raise LoadError("PL008", f"the file is {len(raw):,} bytes, above the limit of "
                        f"{limits['max_file_bytes']:,} (limits.max_file_bytes)")
    if b"\0" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\0")) + 1
        raise LoadError("PL001", "this is a binary file, not YAML text (it contains a NUL byte)", line)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError("PL001", f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be "
                        "decoded); save it as UTF-8", line, col) from None
    return text


def _prescan(text: str, limits: dict) -> None:
    """Reject nesting that would crash the parser before the parser composes it.

    A nesting level costs a flow bracket or, in block style, at least one column of a
    line, so a file with few brackets and short lines cannot be deep: that is the
    common case and costs two counts and one search. Otherwise the depth is measured
    exactly on libyaml's event stream (which does not recurse), stopping at the limit —
    a textual scan can be fooled by brackets inside quotes or comments.
    """
    bound = text.count("[") + text.count("{")
    if bound <= _PRESCAN_DEPTH and max(map(len, text.split("\n"))) < _PRESCAN_DEPTH - bound:
        return
    limit = min(limits["max_depth"], _PRESCAN_DEPTH)
    parser = _EventParser(text)
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            cls = event.__class__
            if cls is yaml.SequenceStartEvent or cls is yaml.MappingStartEvent:
                depth += 1
                if depth > limit:
                    mark = event.start_mark
                    raise LoadError("PL008", f"nesting deeper than {limit} levels (limits.max_depth); "
                                    "flatten the document", mark.line + 1, mark.column + 1)
            elif cls is yaml.SequenceEndEvent or cls is yaml.MappingEndEvent:
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        _depth_error(exc, limits)
        return  # reported by the real parse, which stops at the same place
    except yaml.YAMLError:
        return


def _explained(message: str, text: str, line: int, column: int) -> str:
    """libyaml's words, with what the person editing the file should do about them."""
    lines = text.split("\n")
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in here[:column] and not here[:here.find("\t")].strip(" ") or "tab character" in message:
        return (f"line {line} is indented with a tab, and YAML indents with spaces only: replace the tab with "
                f"spaces (invalid YAML: {message})")
    if "mapping values are not allowed" in message and here.count(": ") > 1:
        return (f"line {line} has a second `: ` in a value: a value that contains `: ` (or starts with `[`, `{{`, "
                f"`*`, `&`) needs quotes, e.g. `question: \"Add the Nordics: yes or no?\"` (invalid YAML: {message})")
    return f"invalid YAML: {message}"


# libyaml 0.2.6 (bundled with PyYAML 6.0.4) stops at 1,000 levels with its own error; the
# scanner reads ahead of the event stream, so that error can come before our count sees
# the levels. It is the same finding as ours: too deep, never a syntax error.
_LIBYAML_DEPTH = "maximum nesting depth"


def _depth_error(exc: yaml.MarkedYAMLError, limits: dict) -> None:
    """Raise PL008 when libyaml itself refused the nesting depth (any libyaml version)."""
    if _LIBYAML_DEPTH not in f"{exc.context} {exc.problem}":
        return
    mark = exc.problem_mark or exc.context_mark
    limit = min(limits["max_depth"], _PRESCAN_DEPTH)
    raise LoadError("PL008", f"nesting deeper than {limit} levels (limits.max_depth); flatten the document",
                    mark.line + 1 if mark else 1, mark.column + 1 if mark else 1) from None


def load_text(text: str, limits: dict = DEFAULT_LIMITS, *, positions: bool = True) -> Loaded:
    """Parse one YAML document into plain values (LDict/LList/str/int/float/bool/None).

    `positions=False` builds plain dicts and lists, for readers that report no line
    numbers (the decision log and the semantic diff read thousands of old versions)."""
    _prescan(text, limits)
    loader = _Loader(text)
    try:
        if not loader.check_node():
            raise LoadError("PL003", "the file is empty; a pilot document must not be truncated "
                            "to nothing (restore it or delete the file)")
        node = loader.get_node()
        if loader.check_node():
            extra = loader.get_node()
            raise LoadError("PL001", "the file holds more than one YAML document (`---`); put each "
                            "document in a file of its own", extra.start_mark.line + 1, 1)
    except yaml.MarkedYAMLError as exc:
        _depth_error(exc, limits)
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise LoadError("PL001", _explained(message, text, line, column), line, column) from None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry no mark
        raise LoadError("PL001", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise LoadError("PL008", f"nesting deeper than {limits['max_depth']} levels (limits.max_depth)") from None
    finally:
        loader.dispose()
    builder = _Builder(limits) if positions else _PlainBuilder(limits)
    try:
        data = builder.build(node, 0)
    except RecursionError:  # only with a limits.max_depth raised far above the default
        raise LoadError("PL008", f"nesting deeper than {limits['max_depth']} levels (limits.max_depth)") from None
    return Loaded(data, builder.problems)


# -- the identity pass ------------------------------------------------------------------

_IDENTITY_KEYS = ("apiVersion", "kind", "pilot")
# After the early stop, a later top-level key could only change the answer if it decoded to
# one of the three names: in a block mapping at column 0 such a key starts a line with the
# name itself, a quote (escapes), `?` (a complex key), `*` (an alias), `&` or `!` (an
# anchor or tag before the key). Any such line, or a second document, sends the file to
# the full parse, which is exact; the pass never decides on text alone.
_KEY_START = "(?:pilot|kind|apiVersion|[\"'?*&!%{\\[\ufeff\t]|---|\\.\\.\\.)"
_LATER_KEY = re.compile("^" + _KEY_START, re.M)
# libyaml also breaks lines at a lone `\r`, NEL, LS and PS, where `^` sees no line start (a
# separate pattern, searched only when the text has such a character at all)
_LATER_KEY_ODD = re.compile("[\r\x85\u2028\u2029]" + _KEY_START)


def identify(text: str) -> tuple[object, object, object] | None:
    """(apiVersion, kind, pilot) of a document as the full parse would read them, from
    libyaml's event stream, stopping once the three top-level keys are known; None when
    this cheap pass cannot be sure (anything unusual: the full parse then decides).

    A value that is missing is None; a value is the text written (a plain scalar that YAML
    would read as a number or boolean makes the pass give up).
    """
    parser = _EventParser(text)
    found: dict[str, object] = {}
    try:
        if parser.get_event().__class__ is not yaml.StreamStartEvent:
            return None
        event = parser.get_event()
        if event.__class__ is not yaml.DocumentStartEvent:
            return None
        event = parser.get_event()
        if event.__class__ is not yaml.MappingStartEvent or event.tag is not None or event.flow_style \
                or event.start_mark.column != 0:
            return None
        while True:
            key = parser.get_event()
            cls = key.__class__
            if cls is yaml.MappingEndEvent:
                break
            if cls is not yaml.ScalarEvent or key.tag is not None or key.value == "<<":
                return None
            name = key.value
            value = parser.get_event()
            if name in _IDENTITY_KEYS:
                if name in found or value.__class__ is not yaml.ScalarEvent or value.tag is not None:
                    return None
                if value.implicit[0] and _resolve_plain(value.value) != _STR:
                    return None
                found[name] = value.value
                if len(found) == 3:
                    at = value.end_mark.index
                    if _LATER_KEY.search(text, at) or (
                            ("\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text)
                            and _LATER_KEY_ODD.search(text, at)):
                        return None
                    return found["apiVersion"], found["kind"], found["pilot"]
            else:
                _skip(parser, value)
        end = parser.get_event()
        if end.__class__ is not yaml.DocumentEndEvent or parser.get_event().__class__ is not yaml.StreamEndEvent:
            return None
    except yaml.YAMLError:
        return None
    except RecursionError:
        return None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()
    return found.get("apiVersion"), found.get("kind"), found.get("pilot")


def _skip(parser, event) -> None:
    """Consume the rest of a value whose first event is `event`."""
    cls = event.__class__
    if cls is not yaml.MappingStartEvent and cls is not yaml.SequenceStartEvent:
        return
    depth = 1
    while depth:
        cls = parser.get_event().__class__
        if cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
            depth += 1
        elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
            depth -= 1


class _Builder:
    """Builds values from nodes. Hot path: 14,000 documents a second is the goal, so plain
    strings take a short road and positions are stored as tuples, not objects."""

    def __init__(self, limits: dict):
        self.max_depth = limits["max_depth"]
        self.max_nodes = limits["max_nodes"]
        self.nodes = 0
        self.problems: list[Problem] = []

    def problem(self, rule: str, message: str, node) -> None:
        mark = node.start_mark
        self.problems.append(Problem(rule, message, mark.line + 1, mark.column + 1))

    def count(self, node) -> None:
        if self.nodes > self.max_nodes:
            raise LoadError("PL008", f"the document expands to more than {self.max_nodes:,} nodes "
                            "(limits.max_nodes); an alias (`*name`) repeated inside aliases can "
                            "make a small file huge", node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node, depth: int, path: tuple = ()):
        cls = node.__class__
        if cls is _ScalarNode:
            self.nodes += 1
            return self.scalar(node)
        self.nodes += 1
        self.count(node)
        if depth >= self.max_depth:
            raise LoadError("PL008", f"nesting deeper than {self.max_depth} levels (limits.max_depth); "
                            "flatten the document", node.start_mark.line + 1, node.start_mark.column + 1)
        if cls is yaml.SequenceNode:
            return self.sequence(node, depth)
        return self.mapping(node, depth)

    def sequence(self, node, depth: int) -> LList:
        if node.tag != _SEQ:
            self.problem("PL002", f"the tag `{node.tag}` is not supported; write a plain list", node)
        out = LList()
        mark = node.start_mark
        out.line, out.column = mark.line + 1, mark.column + 1
        out.pos = pos = []
        append = pos.append
        build, scalar, depth = self.build, self.scalar, depth + 1
        for item in node.value:
            mark = item.start_mark
            append((mark.line + 1) << _BITS | (mark.column + 1))
            if item.__class__ is _ScalarNode:
                self.nodes += 1
                out.append(_short(item.value) if item.tag == _STR else scalar(item))
            else:
                out.append(build(item, depth))
        self.count(node)  # scalar items are counted too (a list of 200,000 `*a` is 200,000 nodes)
        return out

    def mapping(self, node, depth: int) -> LDict:
        if node.tag != _MAP:
            self.problem("PL002", f"the tag `{node.tag}` is not supported (sets and other "
                         "non-JSON types cannot be checked); write a plain mapping", node)
        out = LDict()
        mark = node.start_mark
        out.line, out.column = mark.line + 1, mark.column + 1
        out.flow = bool(node.flow_style)
        out.pos = pos = {}
        merged: list = []
        build, scalar, depth = self.build, self.scalar, depth + 1
        for key_node, value_node in node.value:
            if key_node.__class__ is not _ScalarNode:
                self.problem("PL002", "a mapping key must be a plain word, not a list or mapping", key_node)
                continue
            # Keys are always the text written: `on:` is the word "on", never YAML 1.1's true.
            key = intern(key_node.value)  # 14,000 documents share a few hundred keys
            if key == "<<" and key_node.tag != _STR:
                merged.append(value_node)
                continue
            kmark, vmark = key_node.start_mark, value_node.start_mark
            if key in pos:
                self.problem("PL004", f"the key `{key}` appears twice in this mapping (first on line "
                             f"{pos[key] >> (3 * _BITS)}); YAML keeps only the last one, so remove one of them",
                             key_node)
            pos[key] = ((((kmark.line + 1) << _BITS | (kmark.column + 1)) << _BITS | (vmark.line + 1)) << _BITS
                        | (vmark.column + 1))
            if value_node.__class__ is _ScalarNode:
                self.nodes += 1
                out[key] = _short(value_node.value) if value_node.tag == _STR else scalar(value_node)
            else:
                out[key] = build(value_node, depth)
        self.count(node)
        for value_node in merged:  # `<<: *base` fills only keys not written explicitly
            sources = value_node.value if value_node.__class__ is yaml.SequenceNode else [value_node]
            for source in sources:
                value = build(source, depth)
                if not isinstance(value, dict):
                    self.problem("PL002", "`<<` (merge) must name a mapping", source)
                    continue
                for key, item in value.items():
                    if key not in out:
                        out[key] = item
                        if isinstance(value, LDict):
                            pos[key] = value.pos[key]
        return out

    def scalar(self, node):
        tag, text = node.tag, node.value
        plain = tag == _PLAIN
        if plain:
            tag = _resolve_plain(text)
        if tag == _STR:
            if plain and _surprising_string(text):
                self.problem("PL007", f"`{text}` is a string for PyYAML (YAML 1.1) but a number for "
                             "YAML 1.2 tools; quote it if you mean text, or write it as a plain number", node)
            return _short(text)
        if tag == _INT:
            value = _to_int(text)
            if value is None:
                self.problem("PL002", f"`{_clip(text)}` is not a number pilotlint can read (at most "
                             f"{_MAX_DIGITS} digits); write the amount as a plain number", node)
                return None
            digits = text.lstrip("+-")
            if plain and (not _YAML12_INT.fullmatch(text) or (digits[:1] == "0" and digits[1:2].isdigit())):
                self.problem("PL007", f"`{text}` is read by YAML 1.1 as the number {value}; quote it "
                             f"(\"{text}\") if you mean text, or write {value}", node)
            return value
        if tag == _FLOAT:
            value = _to_float(text)
            if value is None:
                self.problem("PL002", f"`{_clip(text)}` is not a number pilotlint can read; write a plain "
                             "number or a quoted string", node)
                return None
            if not math.isfinite(value):
                self.problem("PL002", f"`{text}` is not a finite number; write a number or a quoted string", node)
                return None
            if plain and not _YAML12_FLOAT.fullmatch(text):
                self.problem("PL007", f"`{text}` is read by YAML 1.1 as the number {value}; quote it "
                             "if you mean text", node)
            return value
        if tag == _BOOL:
            value = _BOOL_VALUES[text.lower()]
            if plain and text not in ("true", "false", "True", "False", "TRUE", "FALSE"):
                self.problem("PL007", f"`{text}` is read as the boolean {str(value).lower()} by YAML 1.1 "
                             f"but as the text \"{text}\" by YAML 1.2; write {str(value).lower()} for a "
                             f"yes/no switch or quote it (\"{text}\") for text", node)
            return value
        if tag == _NULL:
            return None
        if tag == _TIMESTAMP or tag == _MERGE:
            return text  # dates stay the text written (the schema checks they are ISO dates); `<<` is text
        self.problem("PL002", f"the tag `{tag}` is not supported; pilot documents hold plain text, "
                     "numbers, lists and mappings", node)
        return None


class _PlainBuilder(_Builder):
    """The same values without positions: about a third faster and smaller."""

    def sequence(self, node, depth: int) -> list:
        if node.tag != _SEQ:
            self.problem("PL002", f"the tag `{node.tag}` is not supported; write a plain list", node)
        build, scalar, depth = self.build, self.scalar, depth + 1
        out = [(item.value if item.tag == _STR else scalar(item)) if item.__class__ is _ScalarNode
               else build(item, depth) for item in node.value]
        self.nodes += len(node.value)
        self.count(node)
        return out

    def mapping(self, node, depth: int) -> dict:
        if node.tag != _MAP or any(k.__class__ is not _ScalarNode or k.value == "<<" and k.tag != _STR
                                   for k, _ in node.value):
            return super().mapping(node, depth - 0)  # the rare cases keep the full treatment
        build, scalar, depth = self.build, self.scalar, depth + 1
        out = {}
        for key_node, value_node in node.value:
            if value_node.__class__ is _ScalarNode:
                out[key_node.value] = value_node.value if value_node.tag == _STR else scalar(value_node)
            else:
                out[key_node.value] = build(value_node, depth)
        self.nodes += len(node.value)
        self.count(node)
        return out


# Python refuses to turn text of more than 4,300 digits into a number (and back), and a
# float cannot hold more than about 308: an amount longer than this is not an amount.
_MAX_DIGITS = 100


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _to_int(text: str) -> int | None:
    """YAML 1.1's integer forms (`0x`, `0b`, octal, `1:30`), or None when the text cannot be
    one (`0x_`) or is too long to be an amount."""
    text = text.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if len(digits) > _MAX_DIGITS:
        return None
    try:
        if digits.startswith("0b"):
            return sign * int(digits[2:], 2)
        if digits.startswith("0x"):
            return sign * int(digits[2:], 16)
        if ":" in digits:
            return sign * _sexagesimal(digits, int)
        if len(digits) > 1 and digits.startswith("0"):
            return sign * int(digits, 8)
        return sign * int(digits)
    except ValueError:
        return None


def _to_float(text: str) -> float | None:
    lowered = text.replace("_", "").lower()
    if lowered.endswith(".inf"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    if len(lowered) > _MAX_DIGITS + 10:
        return None
    try:
        return _sexagesimal(lowered, float) if ":" in lowered else float(lowered)
    except (ValueError, OverflowError):
        return None


def _sexagesimal(text: str, kind):
    value = kind(0)
    for part in text.lstrip("+-").split(":"):
        value = value * 60 + kind(part)
    return -value if text.startswith("-") else value


def _surprising_string(text: str) -> bool:
    """A plain string that a YAML 1.2 reader would turn into a number (`0o12`, `1e3`)."""
    first = text[:1]
    if not (first.isdigit() or first in "+-."):
        return False
    return bool(_YAML12_INT.fullmatch(text) or _YAML12_FLOAT.fullmatch(text))


def locate(data, path, *, key: bool = False) -> tuple[int, int]:
    """Line and column of the node at `path`, or of the nearest enclosing node that exists.

    With `key=True` the position of the mapping key itself (for unknown or duplicate keys).
    """
    line, column = getattr(data, "line", 1), getattr(data, "column", 1)
    node = data
    last = len(path) - 1
    for depth, step in enumerate(path):
        if isinstance(node, LDict) and step in node.pos:
            packed = node.pos[step]
            key_line, key_col = packed >> (3 * _BITS), packed >> (2 * _BITS) & _MASK
            value_line, value_col = packed >> _BITS & _MASK, packed & _MASK
            line, column = (key_line, key_col) if key and depth == last else (value_line, value_col)
            node = node[step]
        elif isinstance(node, LList) and isinstance(step, int) and 0 <= step < len(node.pos):
            line, column = node.pos[step] >> _BITS, node.pos[step] & _MASK
            node = node[step]
        else:
            break
    return line, column
