"""Read a YAML document into plain Python data plus the position of every value.

PyYAML's composer expands aliases (the door to "billion laughs" bombs) and forgets
duplicate keys, so this module builds the tree itself from the parser's event stream,
in one pass and in memory bounded by the file's size: aliases and anchors are refused,
nesting deeper than ``MAX_DEPTH`` stops the read, and every value's path is recorded
with its line and column so later checks can point at it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml

from sim.scenario.problems import Problem

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
#: A plain integer with more digits than this is refused (meters run 0..100; Python
#: refuses to convert integers of more than 4,300 digits at all).
MAX_DIGITS = 18

Path = tuple[str | int, ...]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


@dataclass(frozen=True, slots=True)
class Pos:
    """Where a value starts: 1-based line and column; ``quoted`` for quoted scalars."""

    line: int
    col: int
    quoted: bool = False


class Marks:
    """Where :func:`read_data` met each value, recorded per container as it read them.

    ``by_container`` maps ``id(container)`` to, for a mapping, ``{key: (key mark, value
    mark, quoted)}`` and, for a list, ``[(value mark, quoted), ...]``; the containers
    live as long as the data does. Keeping marks by container costs the first read
    almost nothing (no path per value), and a path is looked up only when asked for.
    """

    __slots__ = ("by_container", "root")

    def __init__(self) -> None:
        self.by_container: dict[int, Any] = {}
        self.root: Any = None


class Tree:
    """A parsed document: the data, and where each value (and each key) starts, by path.

    Positions are kept as the parser's raw marks and turned into :class:`Pos` only when
    asked for, since almost all of them are never needed.
    """

    __slots__ = ("_marks", "_text", "data", "keys", "quoted", "values")

    def __init__(self, data: Any = None, text: str | None = None):
        self.data = data
        self.values: dict[Path, Any] = {}
        self.keys: dict[Path, Any] = {}
        self.quoted: set[Path] = set()
        self._text = text
        self._marks: Marks | None = None

    @classmethod
    def lazy(cls, data: Any, text: str) -> Tree:
        """A tree for data read without positions; they are worked out on first request."""
        return cls(data, text)

    @classmethod
    def marked(cls, data: Any, marks: Marks) -> Tree:
        """A tree for data whose marks :func:`read_data` recorded by container."""
        tree = cls(data)
        tree._marks = marks
        return tree

    def _from_marks(self, path: Path) -> None:
        """Copy the marks of ``path`` and its ancestors from the per-container record."""
        marks = self._marks
        assert marks is not None
        node = self.data
        if () not in self.values:
            self.values[()] = marks.root
        for depth, part in enumerate(path):
            entry = marks.by_container.get(id(node))
            if entry is None:
                return
            here = path[: depth + 1]
            if type(node) is dict:
                if part not in entry:
                    return
                key_mark, value_mark, quoted = entry[part]
                self.keys[here] = key_mark
            elif type(node) is list and type(part) is int and 0 <= part < len(node):
                value_mark, quoted = entry[part]
            else:
                return
            self.values[here] = value_mark
            if quoted:
                self.quoted.add(here)
            node = node[part]

    def _locate(self, path: Path = ()) -> None:
        if self._marks is not None:
            if path not in self.values:
                self._from_marks(path)
            return
        if self._text is not None:
            text, self._text = self._text, None
            located, _ = read_tree(text, "")
            if located is not None:
                self.values, self.keys, self.quoted = (located.values, located.keys,
                                                       located.quoted)

    def has(self, path: Path) -> bool:
        """True when the document has a value at ``path``."""
        self._locate(path)
        return path in self.values

    def _pos(self, path: Path, mark: Any) -> Pos:
        return Pos(mark.line + 1, mark.column + 1, path in self.quoted)

    def pos(self, path: Path) -> Pos:
        """The position of the value at ``path``, or of its nearest located ancestor."""
        self._locate(path)
        while path:
            mark = self.values.get(path)
            if mark is not None:
                return self._pos(path, mark)
            path = path[:-1]
        mark = self.values.get(())
        return self._pos((), mark) if mark is not None else Pos(1, 1)

    def key_pos(self, path: Path) -> Pos:
        """The position of the key naming ``path`` (falls back to the value's)."""
        self._locate(path)
        mark = self.keys.get(path)
        return Pos(mark.line + 1, mark.column + 1) if mark is not None else self.pos(path)


_BOOLS = {"yes": True, "Yes": True, "YES": True, "true": True, "True": True, "TRUE": True,
          "on": True, "On": True, "ON": True, "no": False, "No": False, "NO": False,
          "false": False, "False": False, "FALSE": False, "off": False, "Off": False,
          "OFF": False}
_NULLS = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?[0-9]+\Z")
# Characters YAML refuses (its printable set is tab, LF, CR and the rest minus controls,
# surrogates and U+FFFE/U+FFFF), plus NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR,
# which YAML counts as line breaks where editors don't, so no line number would match.
_UNPRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\xA0-\u2027\u202A-\uD7FF"
                          "\uE000-\uFFFD\U00010000-\U0010FFFF]")
_CONTROL_NAMES = dict(enumerate((
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION",
    "ENQUIRY", "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED",
    "LINE TABULATION", "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN",
    "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO", "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE", "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
    "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO", "INFORMATION SEPARATOR ONE")))
_CONTROL_NAMES.update({0x7F: "DELETE", 0x85: "NEXT LINE"})
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")


class HugeNumber(ValueError):
    """A plain integer with more than ``MAX_DIGITS`` digits (never converted)."""


def _plain(value: str) -> Any:
    """A plain (unquoted) scalar typed as YAML 1.1 would for the types scenarios use.

    Raises :class:`HugeNumber` for an integer too long to be a meter, flag or count.
    """
    if value in _BOOLS:
        return _BOOLS[value]
    if value in _NULLS:
        return None
    first = value[0]
    if first.isdigit() or first in "-+.":
        if _INT.match(value):
            if len(value) > MAX_DIGITS and len(value.lstrip("+-")) > MAX_DIGITS:
                raise HugeNumber(value)
            return int(value)
        if _FLOAT.match(value):
            return float(value)
    return value


def _tagged(tag: str, value: str) -> Any:
    """A scalar with an explicit standard tag (``!!str 10``)."""
    if tag.endswith(":str"):
        return value
    node = yaml.ScalarNode(tag, value)
    try:
        return _constructor.yaml_constructors[tag](_constructor, node)
    except (yaml.YAMLError, ValueError, KeyError):
        return value


def too_large(size: int, path: str) -> Problem:
    """The problem for a file of ``size`` bytes, over the limit."""
    return Problem(path, 1, 1, "error", "too-large",
                   f"the file is {size / 1048576:.1f} MiB; scenarios are limited to 2 MiB",
                   "split it into several scenarios")


def decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Check size and encoding; return the text or the problems that refuse it."""
    if len(raw) > MAX_BYTES:
        return None, [too_large(len(raw), path)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Problem(path, line, col, "error", "not-utf8",
                    f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                    "save the file as UTF-8 in your editor")
        ]
    bad = _UNPRINTABLE.search(text)
    if bad is not None:
        return None, [unprintable(text, bad.start(), path)]
    if not text.strip():
        return None, [
            Problem(path, 1, 1, "error", "empty", "the file is empty",
                    "start from `python main.py new ID`")
        ]
    return text, []


def char_name(char: str) -> str:
    """The Unicode name of ``char`` (control characters included), e.g. 'U+0007 BELL'."""
    code = ord(char)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(char, "")
    if not name:
        name = "(a noncharacter)" if code & 0xFFFE == 0xFFFE else "(a control character)"
    return f"U+{code:04X} {name}"


def unprintable(text: str, index: int, path: str) -> Problem:
    """The problem for the character YAML can't accept at ``index`` of ``text``."""
    line_start = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
    line = text.count("\n", 0, index) + 1
    if "\r" in text:  # old Mac line ends: a lone CR breaks lines too
        line += len(re.findall(r"\r(?!\n)", text[:index]))
    return Problem(path, line, index - line_start + 1, "error", "bad-character",
                   f"the character {char_name(text[index])} is not allowed in a scenario "
                   "file", "delete it; an editor may show it as a box, '^' or nothing "
                   "at all")


_QUOTES = ("'", '"')


class Irregular(Exception):
    """The fast reader met something only the positioned reader can report."""


def read_data(text: str, marks: Marks | None = None) -> Any:
    """The document's data, fast; raises :class:`Irregular` at the first thing that needs
    a located report (an alias, anchor, tag, duplicate key, complex key, deep nesting,
    several documents or a syntax error).

    Valid files — the common case — are read once, here. Given ``marks``, where each value
    starts is recorded in it as it is read (see :class:`Marks`), so a warning about a
    valid file needs no second read; :func:`read_tree` re-reads a file only when an error
    must be located.
    """
    loader = _Loader(text)
    get_event = loader.get_event
    scalar_event, mapping_start, sequence_start, stream_end = (
        yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.StreamEndEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    plain, nulls = _plain, _NULLS
    record = marks.by_container if marks is not None else None
    root: Any = None
    # Per open collection: [container, pending key, is_mapping, pending key's mark, marks]
    stack: list[list[Any]] = []
    documents = 0
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:
                if event.anchor is not None or event.tag is not None:
                    raise Irregular
                value = event.value
                top = stack[-1] if stack else None
                if top is not None and top[2] and top[1] is None:
                    top[1] = value
                    top[3] = event.start_mark
                    continue
                data = value if event.style else (None if value in nulls else plain(value))
            elif kind is mapping_start or kind is sequence_start:
                if event.anchor is not None or len(stack) >= MAX_DEPTH:
                    raise Irregular
                top = stack[-1] if stack else None
                if top is not None and top[2] and top[1] is None:
                    raise Irregular  # a collection used as a key
                data = {} if kind is mapping_start else []
            elif kind in ends:
                stack.pop()
                continue
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise Irregular
                continue
            elif event is None or kind is stream_end:
                break
            elif kind is yaml.AliasEvent:
                raise Irregular
            else:
                continue
            if not stack:
                root = data
                if marks is not None:
                    marks.root = event.start_mark
            else:
                top = stack[-1]
                if top[2]:
                    key = top[1]
                    top[1] = None
                    if key in top[0]:
                        raise Irregular
                    top[0][key] = data
                    if record is not None:
                        top[4][key] = (top[3], event.start_mark, kind is scalar_event
                                       and event.style in _QUOTES)
                else:
                    top[0].append(data)
                    if record is not None:
                        top[4].append((event.start_mark, kind is scalar_event
                                       and event.style in _QUOTES))
            if kind is not scalar_event:
                own: Any = None
                if record is not None:
                    own = record[id(data)] = {} if kind is mapping_start else []
                stack.append([data, None, kind is mapping_start, None, own])
    except (yaml.YAMLError, HugeNumber):
        raise Irregular from None
    finally:
        loader.dispose()
    return root


def read_tree(text: str, path: str) -> tuple[Tree | None, list[Problem]]:
    """Parse ``text`` into a :class:`Tree`; refuse aliases, deep nesting and duplicate keys.

    Returns ``(None, problems)`` when the document can't be read at all.
    """
    problems: list[Problem] = []
    tree = Tree()
    values, keys, quoted = tree.values, tree.keys, tree.quoted
    # The stack holds [container, path, pending key, pending key's mark] per open collection.
    stack: list[list[Any]] = []
    documents = 0

    def error(mark: Any, code: str, message: str, hint: str) -> None:
        problems.append(Problem(path, mark.line + 1, mark.column + 1, "error", code,
                                message, hint))

    def place(value: Any, mark: Any) -> Path | None:
        """Put a finished value where it belongs; return its path (None: dropped)."""
        if not stack:
            tree.data = value
            values[()] = mark
            return ()
        top = stack[-1]
        container = top[0]
        if type(container) is list:
            p = (*top[1], len(container))
            container.append(value)
            values[p] = mark
            return p
        key, key_mark = top[2], top[3]
        top[2] = top[3] = None
        p = (*top[1], key)
        if key in container:
            first = keys[p]
            error(key_mark, "duplicate-key", f"key '{key}' appears twice in this mapping",
                  f"the first is at line {first.line + 1}; remove one")
            return None
        container[key] = value
        values[p] = mark
        keys[p] = key_mark
        return p

    loader = _Loader(text)
    get_event = loader.get_event
    scalar_event, mapping_start, sequence_start = (yaml.ScalarEvent, yaml.MappingStartEvent,
                                                   yaml.SequenceStartEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    try:
        while True:
            event = get_event()
            kind = type(event)
            if event is None or kind is yaml.StreamEndEvent:
                break
            if kind is scalar_event:
                mark = event.start_mark
                if event.anchor is not None:
                    error(mark, "anchor", f"YAML anchor '&{event.anchor}' is not allowed",
                          "remove the anchor; write repeated values out in full")
                style, tag, value = event.style, event.tag, event.value
                if tag is not None and tag != "!" and tag not in _STANDARD_TAGS:
                    error(mark, "tag", f"YAML tag '{tag}' is not allowed", "remove the tag")
                    tag = None
                if stack and stack[-1][2] is None and type(stack[-1][0]) is dict:
                    stack[-1][2], stack[-1][3] = value, mark
                    continue
                if tag is not None and tag != "!":
                    data = _tagged(tag, value)
                elif style:  # quoted or block scalars are text
                    data = value
                else:
                    try:
                        data = _plain(value) if value else None
                    except HugeNumber:
                        error(mark, "number-too-large",
                              f"a number of {len(value.lstrip('+-'))} digits is too large",
                              f"numbers in a scenario have at most {MAX_DIGITS} digits; "
                              "meters run from 0 to 100")
                        data = None
                placed = place(data, mark)
                if style in ("'", '"') and placed is not None:
                    quoted.add(placed)
            elif kind is mapping_start or kind is sequence_start:
                mark = event.start_mark
                if event.anchor is not None:
                    error(mark, "anchor", f"YAML anchor '&{event.anchor}' is not allowed",
                          "remove the anchor; write repeated values out in full")
                if stack and stack[-1][2] is None and type(stack[-1][0]) is dict:
                    error(mark, "complex-key", "a mapping key must be a plain name",
                          "use a simple word as the key")
                    stack[-1][2], stack[-1][3] = f"?{mark.line + 1}:{mark.column + 1}", mark
                if len(stack) >= MAX_DEPTH:
                    error(mark, "too-deep", f"nesting deeper than {MAX_DEPTH} levels",
                          "flatten the structure")
                    return None, problems
                container: dict | list = {} if kind is mapping_start else []
                placed = place(container, mark)
                stack.append([container, placed if placed is not None else ("?",), None, None])
            elif kind in ends:
                stack.pop()
            elif kind is yaml.AliasEvent:
                mark = event.start_mark
                error(mark, "alias", f"YAML alias '*{event.anchor}' is not allowed",
                      "write the value out in full")
                if stack and stack[-1][2] is None and type(stack[-1][0]) is dict:
                    stack[-1][2], stack[-1][3] = f"*{event.anchor}", mark
                else:
                    place(None, mark)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    error(event.start_mark, "many-documents",
                          "the file holds more than one YAML document",
                          "one scenario per file; remove the '---' line")
                    return None, problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = str(exc.problem or "invalid YAML").strip()
        if exc.context:
            message = f"{exc.context.strip()}, {message}"
        problems.append(Problem(path, line, col, "error", "yaml-syntax", message,
                                "check the indentation and quoting around this line"))
        return None, problems
    except yaml.YAMLError as exc:  # unmarked reader errors (e.g. control characters)
        problems.append(Problem(path, 1, 1, "error", "yaml-syntax", str(exc).strip()))
        return None, problems
    finally:
        loader.dispose()
    return tree, problems
