"""YAML text to data plus the line of every key, with a problem for every way a file can be broken or hostile.

Pure: text in, a YamlDocument and problems out (reading files stays in content.py). Entries come
from strangers, so the text is checked for what YAML itself lets through (tabs in indentation,
very long lines, a byte-order mark, aliases that multiply, duplicate keys) before and while parsing.

Most entries use a small part of YAML: top-level `key: value` lines, lists of one-line items, quoted
or plain text folded over several lines, `|` blocks. `simple_document` reads exactly that part,
about twenty times faster than PyYAML, and gives up (returns None) on anything else, which
PyYAML then parses. Both give the same data and lines for the files the fast path accepts (a
property test compares them).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

import yaml

from generator.errors import Problem

# Limits for text from strangers; each is far above what a real entry, theme list or config needs.
MAX_FILE_BYTES = 1_000_000
MAX_LINE_CHARS = 20_000
# Aliases (*name) may repeat an anchored value, and nested ones multiply ("billion laughs").
MAX_EXPANDED_VALUES = 10_000


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its data and the line of every key (dotted paths, list items by index)."""

    data: Any
    lines: dict[str, int]


class _KeepImpossibleDates:
    """Keeps an impossible date such as 2024-13-01 as text, for the schema to report."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


class _Loader(_KeepImpossibleDates, yaml.SafeLoader):
    """The pure-Python loader: slow, but its syntax-error messages are the clearest."""


# libyaml parses several times faster; it reads what the fast path gives up on, and the pure-Python
# loader explains failures.
class _FastLoader(_KeepImpossibleDates, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same loader on libyaml when PyYAML was built with it."""


for _cls in (_Loader, _FastLoader):
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _cls.construct_yaml_timestamp)


# What PyYAML's reader refuses: control characters (NUL included), surrogates, U+FFFE and U+FFFF.
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
# Anything but \n and the printable characters other than U+0085, U+2028, U+2029 and U+FEFF: what PyYAML
# refuses, tabs, other line breaks and a byte-order mark. Rare; one character class keeps the scan fast.
_UNUSUAL = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def text_problems(text: str, rel: str) -> list[Problem]:
    """What is wrong with the text before YAML reads it: a byte-order mark, control characters, tabs, long lines."""
    problems = []
    if not _UNUSUAL.search(text) and len(text) <= MAX_LINE_CHARS:
        return problems
    if text.startswith("\ufeff"):
        problems.append(Problem(rel, 1, None, "starts with an invisible byte-order mark (U+FEFF); save the file "
                                              "as UTF-8 without BOM"))
    special = _NON_PRINTABLE.search(text)
    if special:
        line = text.count("\n", 0, special.start()) + 1
        column = special.start() - (text.rfind("\n", 0, special.start()) + 1) + 1
        problems.append(Problem(rel, line, None, f"contains the control character U+{ord(special.group()):04X} at "
                                                 f"column {column}, which YAML does not allow; remove it"))
    if "\t" in text or len(text) > MAX_LINE_CHARS:
        for number, line in enumerate(text.split("\n"), start=1):
            if line.startswith("\t"):
                problems.append(Problem(rel, number, None, "a tab indents this line; YAML indents with spaces "
                                                           "only"))
            if len(line) > MAX_LINE_CHARS:
                problems.append(Problem(rel, number, None, f"this line is {len(line):,} characters long; lines "
                                                           f"are limited to {MAX_LINE_CHARS:,} (break long text "
                                                           "over several lines)"))
    return problems


# What PyYAML was reading when a file ended too soon, and the mark the contributor opened and never closed.
UNCLOSED = {"while scanning a quoted scalar": "quote", "while parsing a flow sequence": "[",
            "while parsing a flow mapping": "{"}
CLOSING = {"quote": "the closing quote", "[": "the ']'", "{": "the '}'"}


def syntax_problem(error: yaml.YAMLError, text: str, rel: str) -> Problem:
    """What a contributor should fix in a file PyYAML cannot read, on the line to fix where PyYAML points elsewhere."""
    mark = getattr(error, "problem_mark", None)
    reason = getattr(error, "problem", None) or str(error).splitlines()[0]
    start = getattr(error, "context_mark", None)
    if getattr(error, "context", None) == "while scanning a simple key" and start is not None:
        # PyYAML points at the line after the one that lacks its ':' (or its '- ')
        return Problem(rel, start.line + 1, None, "this line is neither 'key: value' nor a list item '- value'; "
                                                  "add the missing ':' or '- '")
    unclosed = unclosed_opening(error)
    if unclosed:   # PyYAML points at the end of the file
        what = "the quoted value" if unclosed == "quote" else f"the '{unclosed}'"
        return Problem(rel, start.line + 1, None,
                       f"{what} opened at column {start.column + 1} is never closed; add {CLOSING[unclosed]}")
    if mark is None:
        return Problem(rel, None, None, f"this is not valid YAML: {reason}")
    colon = colon_in_plain_value(text, mark) if reason == "mapping values are not allowed here" else None
    if colon:
        key, value = colon
        return Problem(rel, mark.line + 1, key or None,
                       f"the value holds ': ', which YAML reads as the start of another key; put the whole value "
                       f"in quotes: {key + ': ' if key else '- '}{quoted(value)}")
    quote = closed_too_soon(text, mark)
    if quote:
        # the other quote mark always works: an unquoted title with ': ' in it is no valid YAML either
        fix = "write it twice ('Let''s') or quote the value with \"...\"" if quote == "'" else \
            "write it as \\\" or quote the value with '...'"
        return Problem(rel, mark.line + 1, None,
                       f"the quoted value ends at column {mark.column} but the line goes on: a {quote} inside a "
                       f"{quote}...{quote} value ends it; {fix}")
    return Problem(rel, mark.line + 1, None, f"this is not valid YAML at column {mark.column + 1}: {reason}")


# A line 'key: value' or '- value' whose unquoted value holds ': ' ('title: Attention: a survey').
PLAIN_VALUE_RE = re.compile(r"^\s*(?:([A-Za-z_][\w-]*):|-)\s+([^'\"\[{|>&*!#\s].*)$")


def colon_in_plain_value(text: str, mark) -> tuple[str, str] | None:
    """The key ('' for a list item) and unquoted value of the line PyYAML stopped on, when it stopped at a ': '
    inside that value; ' ...' ends the value when it goes on over the next lines."""
    lines = text.splitlines()
    found = PLAIN_VALUE_RE.match(lines[mark.line]) if mark.line < len(lines) else None
    if not found or mark.column <= found.start(2):
        return None
    indent = len(lines[mark.line]) - len(lines[mark.line].lstrip())
    after = lines[mark.line + 1] if mark.line + 1 < len(lines) else ""
    goes_on = after.strip() and len(after) - len(after.lstrip()) > indent
    return found.group(1) or "", found.group(2).rstrip() + (" ..." if goes_on else "")


def quoted(value: str) -> str:
    """A value in the quotes that need no escape inside: double, or single with any ' written twice."""
    return f'"{value}"' if '"' not in value else "'" + value.replace("'", "''") + "'"


def unclosed_opening(error: yaml.YAMLError) -> str | None:
    """The quote, '[' or '{' a file opened and never closed, when that is why it is no valid YAML: the file
    ends inside it, or a '[' or '{' runs into the next lines and meets something no list or mapping holds."""
    problem = getattr(error, "problem", None) or ""
    start, mark = getattr(error, "context_mark", None), getattr(error, "problem_mark", None)
    opening = UNCLOSED.get(getattr(error, "context", None) or "")
    if opening is None or start is None:
        return None
    ended = "end of stream" in problem or "<stream end>" in problem
    runs_on = opening != "quote" and mark is not None and mark.line > start.line
    return opening if ended or runs_on else None


def closed_too_soon(text: str, mark) -> str | None:
    """The quote mark just before where PyYAML stopped, when a quoted value ended and text went on after it
    ('title: 'Let's go'' ends at 'Let')."""
    lines = text.splitlines()
    if mark.line >= len(lines) or mark.column == 0:
        return None
    line = lines[mark.line]
    before = line[mark.column - 1] if mark.column <= len(line) else ""
    return before if before in ("'", '"') and before in line[:mark.column - 1] else None


def parse_yaml(text: str, rel: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse YAML text, keeping key lines and reporting syntax errors, repeated keys and hostile structure."""
    usual = not _UNUSUAL.search(text)  # scanned once: most entries need neither check below
    if not usual or len(text) > MAX_LINE_CHARS:
        problems = text_problems(text, rel)
        if problems:
            return None, problems
    simple = simple_mapping(text) if usual else None
    if simple is not None:
        return simple, []
    return pyyaml_document(text, rel)


def pyyaml_document(text: str, rel: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Any YAML, read by PyYAML: libyaml first, the pure-Python parser for its clearer syntax errors."""
    problems: list[Problem] = []
    try:
        try:
            node, data = _compose_and_construct(text, _FastLoader)
        except (yaml.YAMLError, RecursionError):
            node, data = _compose_and_construct(text, _Loader)
    except yaml.YAMLError as error:
        return None, [syntax_problem(error, text, rel)]
    except RecursionError:
        return None, [Problem(rel, None, None, "this is not valid YAML for an entry: lists or mappings are "
                                               "nested too deeply")]
    if node is None:
        return YamlDocument(data, {}), []
    expanded = _expanded_size(node, {})
    if expanded > MAX_EXPANDED_VALUES:
        return None, [Problem(rel, node.start_mark.line + 1, None,
                              f"aliases (*name) expand this file to more than {MAX_EXPANDED_VALUES:,} values; "
                              "write the values out instead of repeating anchors")]
    lines: dict[str, int] = {}
    _collect_lines(node, "", lines, problems, rel, set())
    return YamlDocument(data, lines), problems


def _compose_and_construct(text: str, loader_class) -> tuple[yaml.Node | None, object]:
    """One parse giving both the node tree (for lines) and the data."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many values the document holds once every alias is written out (each node counted once per use)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    size = 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            size += _expanded_size(key_node, sizes) + _expanded_size(value_node, sizes)
            if size > MAX_EXPANDED_VALUES:
                break
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            size += _expanded_size(item, sizes)
            if size > MAX_EXPANDED_VALUES:
                break
    sizes[id(node)] = size
    return size


def _collect_lines(node: yaml.Node, prefix: str, lines: dict, problems: list, rel: str, seen_nodes: set) -> None:
    # An alias (*name) reuses its anchor's node: walking it again at every use would let nested
    # aliases ("billion laughs") grow the walk exponentially, so each node is walked once.
    if id(node) in seen_nodes:
        return
    seen_nodes.add(id(node))
    lines.setdefault(prefix or ".", node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            path = f"{prefix}.{key}" if prefix else key
            if key in seen:
                problems.append(Problem(rel, key_node.start_mark.line + 1, path,
                                        "appears twice; keep one"))
            seen.add(key)
            lines[path] = key_node.start_mark.line + 1
            _collect_child_lines(value_node, path, lines, problems, rel, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[f"{prefix}.{index}"] = item.start_mark.line + 1
            _collect_child_lines(item, f"{prefix}.{index}", lines, problems, rel, seen_nodes)


def _collect_child_lines(node: yaml.Node, path: str, lines: dict, problems: list, rel: str,
                         seen_nodes: set) -> None:
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        lines.setdefault(path, node.start_mark.line + 1)
        _collect_lines(node, path, lines, problems, rel, seen_nodes)


# ---------------------------------------------------------------------------------------------
# The fast path: the part of YAML entries use, read line by line.

_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$")
# A plain scalar may not start with an indicator (the fast path also leaves '-', '?' and ':' to PyYAML).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# One item of a one-line flow list: double-quoted (no escapes), single-quoted or plain, then ',' or ']'.
_FLOW_ITEM = re.compile(r""" *(?:"([^"\\]*)"|'((?:[^']|'')*)'|([^ ,"'\[\]{}#:&*!|>%@`?-][^,"'\[\]{}#:]*?))"""
                        r""" *(,|\] *$)""")
_STR = "tag:yaml.org,2002:str"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RESOLVER = yaml.resolver.Resolver()
# First characters of every implicit type (ints, dates, booleans...). PyYAML files a type that could start
# with anything under None; none of its own types does, and this module adds none.
assert None not in _RESOLVER.yaml_implicit_resolvers
_RESOLVED_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers)
_CONSTRUCTOR = _Loader("")
_SCALAR_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "timestamp")}


class _GiveUp(Exception):
    """The text uses YAML beyond the fast path's part; PyYAML reads it instead."""


def simple_document(text: str) -> YamlDocument | None:
    """The document when the text is a flat mapping of the simple kind entries use, else None."""
    return None if _UNUSUAL.search(text) else simple_mapping(text)


def simple_mapping(text: str) -> YamlDocument | None:
    """simple_document of a text known to hold no unusual character."""
    try:
        return _SimpleReader(text.split("\n")).document()
    except _GiveUp:
        return None


def _plain(text: str) -> Any:
    """A one-line plain scalar's value, resolved and constructed as PyYAML does."""
    if not text or text[0] in _INDICATORS or ": " in text or " #" in text or text.endswith(":"):
        raise _GiveUp
    return _resolved(text)


def _resolved(text: str) -> Any:
    # The two plain values every entry has, a year and a date, without the resolver's regular expressions.
    if text.isdigit() and text[0] != "0" and text.isascii():
        return int(text)
    if _DATE.fullmatch(text):
        try:
            return dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
        except ValueError:
            return text  # an impossible date stays text for the schema to report, as _KeepImpossibleDates does
    if text and text[0] not in _RESOLVED_FIRST:
        return text  # no implicit type starts with this character: the resolver would say str
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR:
        return text
    if tag not in _SCALAR_TAGS:
        raise _GiveUp
    return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, text))


@functools.lru_cache(maxsize=1024)
def _is_text_key(key: str) -> bool:
    """Whether a plain key reads as itself (not `yes`, `null` or `2020`, which YAML turns into other values)."""
    try:
        return _resolved(key) == key
    except _GiveUp:
        return False


def _one_line_scalar(text: str) -> Any:
    """A list item: a quoted or plain scalar on one line."""
    if text[:1] == '"':
        if len(text) < 2 or text[-1] != '"' or '"' in text[1:-1] or "\\" in text:
            raise _GiveUp
        return text[1:-1]
    if text[:1] == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
            raise _GiveUp
        return inner.replace("''", "'")
    return _plain(text)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _SimpleReader:
    """Reads the lines of a flat mapping; raises _GiveUp at the first construct it does not handle."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.at = 0

    def document(self) -> YamlDocument | None:
        data: dict[str, Any] = {}
        lines: dict[str, int] = {}
        while self.at < len(self.lines):
            line = self.lines[self.at]
            if not line.strip(" ") or line[0] == "#":
                self.at += 1
                continue
            match = _KEY_LINE.match(line)
            if not match or match.group(1) in data or not _is_text_key(match.group(1)):
                raise _GiveUp
            key, number = match.group(1), self.at + 1
            lines.setdefault(".", number)
            lines[key] = number
            self.at += 1
            data[key] = self.value((match.group(2) or "").rstrip(" "), key, number, lines)
        return YamlDocument(data, lines) if data else None

    def value(self, rest: str, key: str, number: int, lines: dict) -> Any:
        if not rest:
            return self.block_sequence(key, lines)
        first = rest[0]
        if first == "[":
            items = self.flow_sequence(rest)
            lines.update({f"{key}.{index}": number for index in range(len(items))})
            return items
        if first in "'\"":
            return self.quoted(rest)
        if rest in ("|", "|-"):
            return self.literal(keep_last_break=rest == "|")
        value = _plain(rest)
        continuation = self.continuation()
        if not continuation:
            return value
        if not isinstance(value, str):
            raise _GiveUp
        return _resolved(rest + continuation)

    def continuation(self) -> str:
        """The folded further lines of a plain scalar: more indented text, blank lines become line breaks."""
        folded, blanks = [], 0
        while self.at < len(self.lines):
            line = self.lines[self.at]
            stripped = line.strip(" ")
            if not stripped:
                blanks += 1
            elif line[0] != " ":
                break
            else:
                if stripped[0] == "#" or ": " in stripped or " #" in stripped or stripped.endswith(":"):
                    raise _GiveUp
                folded.append("\n" * blanks if blanks else " ")
                folded.append(stripped)
                blanks = 0
            self.at += 1
        if blanks:
            self.at -= blanks  # trailing blank lines belong to no value
        return "".join(folded)

    def block_sequence(self, key: str, lines: dict) -> Any:
        """`key:` then `- item` lines (indented or not); `key:` alone is null."""
        items, indent = [], None
        while self.at < len(self.lines):
            line = self.lines[self.at]
            stripped = line.lstrip(" ")
            if not stripped.strip(" "):
                self.at += 1
                continue
            if not stripped.startswith("- "):
                if line[0] == " " or line.startswith("-"):
                    raise _GiveUp  # a value on the next line, or a list item without its space
                break
            if indent is None:
                indent = _indent(line)
            elif _indent(line) != indent:
                raise _GiveUp
            lines[f"{key}.{len(items)}"] = self.at + 1
            items.append(_one_line_scalar(stripped[2:].strip(" ")))  # YAML skips the spaces after "- "
            self.at += 1
        return items if indent is not None else None

    def flow_sequence(self, rest: str) -> list:
        """`[a, 'b', "c"]` on one line."""
        if re.fullmatch(r"\[ *\]", rest):
            return []
        items, position = [], 1
        while True:
            match = _FLOW_ITEM.match(rest, position)
            if not match:
                raise _GiveUp
            double, single, plain, end = match.groups()
            if double is not None:
                items.append(double)
            elif single is not None:
                items.append(single.replace("''", "'"))
            else:
                items.append(_plain(plain))
            position = match.end()
            if end != ",":
                return items

    def quoted(self, rest: str) -> str:
        """A quoted scalar: single-quoted or double-quoted without escapes, folded over several lines, or
        double-quoted with escapes on one line."""
        if rest[0] == '"' and "\\" in rest:
            match = _DOUBLE_QUOTED_LINE.fullmatch(rest)
            if not match:
                raise _GiveUp
            return _ESCAPE.sub(_unescape, match.group(1))
        quote, text = rest[0], rest[1:]
        segments, gaps = [], []
        while True:
            if quote == '"' and "\\" in text:
                raise _GiveUp
            end = _closing_quote(text, quote)
            if end is not None:
                if text[end + 1:].strip(" "):
                    raise _GiveUp
                segments.append(text[:end])
                break
            segments.append(text)
            blanks = 0
            while True:
                if self.at >= len(self.lines):
                    raise _GiveUp
                text = self.lines[self.at]
                self.at += 1
                if text.strip(" "):
                    break
                blanks += 1
            if text[0] != " ":
                raise _GiveUp
            gaps.append("\n" * blanks if blanks else " ")
        if len(segments) > 1:
            # Folding: spaces around a line break go, the break becomes a space, each blank line a break.
            parts = [segments[0].rstrip(" "), *(s.strip(" ") for s in segments[1:-1]), segments[-1].lstrip(" ")]
            segments = [parts[0], *(gap + part for gap, part in zip(gaps, parts[1:]))]
        value = "".join(segments)
        return value.replace("''", "'") if quote == "'" else value

    def literal(self, keep_last_break: bool) -> str:
        """A `|` (or `|-`) block: the more-indented lines as written."""
        content, indent = [], None
        while self.at < len(self.lines):
            line = self.lines[self.at]
            if not line.strip(" "):
                if indent is None or len(line) > indent:
                    raise _GiveUp
                content.append("")
            elif line[0] != " ":
                break
            else:
                if indent is None:
                    indent = _indent(line)
                elif _indent(line) < indent:
                    raise _GiveUp
                content.append(line[indent:])
            self.at += 1
        if indent is None:
            raise _GiveUp
        ended_with_break = self.at < len(self.lines) or (content and content[-1] == "")
        while content and content[-1] == "":
            content.pop()
            self.at -= 1
        text = "\n".join(content)
        if keep_last_break and ended_with_break:
            text += "\n"
        return text


_DOUBLE_QUOTED_LINE = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)" *')
# PyYAML's escapes in double-quoted scalars; a backslash before anything else is left to PyYAML.
_ESCAPE = re.compile(r'\\(?:([0abtnvfre "/\\N_LP])|x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))')
_ESCAPED = {"0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c", "r": "\r",
            "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
            "P": "\u2029"}


def _unescape(match: re.Match) -> str:
    simple, *codes, other = match.groups()
    if simple is not None:
        return _ESCAPED[simple]
    code = next((c for c in codes if c is not None), None)
    if code is None or int(code, 16) > 0x10FFFF:
        raise _GiveUp
    return chr(int(code, 16))


def _closing_quote(text: str, quote: str) -> int | None:
    """Index of the quote closing a scalar in this line's text (a doubled single quote is a quote character)."""
    index = 0
    while True:
        index = text.find(quote, index)
        if index < 0:
            return None
        if quote == "'" and text[index + 1:index + 2] == "'":
            index += 2
            continue
        return index
