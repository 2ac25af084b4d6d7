"""Read a YAML document into plain Python data plus the position of every value.

PyYAML's composer expands aliases (the door to "billion laughs" bombs) and forgets
duplicate keys, so this module builds the tree itself from the parser's event stream,
in one pass and in memory bounded by the file's size: aliases and anchors are refused,
nesting deeper than ``MAX_DEPTH`` stops the read, and every value's path is recorded
with its line and column so later checks can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from sim.scenario.problems import Problem

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64

Path = tuple[str | int, ...]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = yaml.resolver.Resolver()
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


@dataclass
class Tree:
    """A parsed document: the data, value positions and key positions by path."""

    data: Any
    values: dict[Path, Pos] = field(default_factory=dict)
    keys: dict[Path, Pos] = field(default_factory=dict)

    def pos(self, path: Path) -> Pos:
        """The position of the value at ``path``, or of its nearest located ancestor."""
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), Pos(1, 1))

    def key_pos(self, path: Path) -> Pos:
        """The position of the key naming ``path`` (falls back to the value's)."""
        return self.keys.get(path) or self.pos(path)


class _Frame:
    __slots__ = ("container", "key", "key_pos", "path")

    def __init__(self, container: dict | list, path: Path):
        self.container = container
        self.path = path
        self.key: str | None = None
        self.key_pos: Pos | None = None


def _mark(mark: Any, quoted: bool = False) -> Pos:
    return Pos(mark.line + 1, mark.column + 1, quoted)


def _scalar(event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    if tag in (None, "!"):
        tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
    node = yaml.ScalarNode(tag, event.value, style=event.style)
    return _constructor.yaml_constructors[tag](_constructor, node)


def decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Check size and encoding; return the text or the problems that refuse it."""
    if len(raw) > MAX_BYTES:
        return None, [
            Problem(path, 1, 1, "error", "too-large",
                    f"the file is {len(raw) / 1048576:.1f} MiB; scenarios are limited to 2 MiB",
                    "split it into several scenarios")
        ]
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
    if not text.strip():
        return None, [
            Problem(path, 1, 1, "error", "empty", "the file is empty",
                    "start from `python main.py new ID`")
        ]
    return text, []


def read_tree(text: str, path: str) -> tuple[Tree | None, list[Problem]]:
    """Parse ``text`` into a :class:`Tree`; refuse aliases, deep nesting and duplicate keys.

    Returns ``(None, problems)`` when the document can't be read at all.
    """
    problems: list[Problem] = []
    tree = Tree(None)
    stack: list[_Frame] = []
    documents = 0

    def place(value: Any, pos: Pos) -> Path | None:
        """Put a finished value where it belongs; return its path (None: dropped)."""
        if not stack:
            tree.data = value
            tree.values[()] = pos
            return ()
        top = stack[-1]
        if isinstance(top.container, list):
            p = (*top.path, len(top.container))
            top.container.append(value)
            tree.values[p] = pos
            return p
        key, key_pos = top.key, top.key_pos
        top.key = top.key_pos = None
        assert key is not None and key_pos is not None
        p = (*top.path, key)
        if key in top.container:
            first = tree.keys[p]
            problems.append(Problem(path, key_pos.line, key_pos.col, "error", "duplicate-key",
                                    f"key '{key}' appears twice in this mapping",
                                    f"the first is at line {first.line}; remove one"))
            return None
        top.container[key] = value
        tree.values[p] = pos
        tree.keys[p] = key_pos
        return p

    def expecting_key() -> bool:
        return bool(stack) and isinstance(stack[-1].container, dict) and stack[-1].key is None

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    pos = _mark(event.start_mark)
                    problems.append(Problem(path, pos.line, pos.col, "error", "many-documents",
                                            "the file holds more than one YAML document",
                                            "one scenario per file; remove the '---' line"))
                    return None, problems
                continue
            if isinstance(event, yaml.AliasEvent):
                pos = _mark(event.start_mark)
                problems.append(Problem(path, pos.line, pos.col, "error", "alias",
                                        f"YAML alias '*{event.anchor}' is not allowed",
                                        "write the value out in full"))
                if expecting_key():
                    stack[-1].key, stack[-1].key_pos = f"*{event.anchor}", pos
                else:
                    place(None, pos)
                continue
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                pos = _mark(event.start_mark)
                problems.append(Problem(path, pos.line, pos.col, "error", "anchor",
                                        f"YAML anchor '&{anchor}' is not allowed",
                                        "remove the anchor; write repeated values out in full"))
            if isinstance(event, yaml.ScalarEvent):
                quoted = event.style in ("'", '"')
                pos = _mark(event.start_mark, quoted)
                if event.tag not in (None, "!") and event.tag not in _STANDARD_TAGS:
                    problems.append(Problem(path, pos.line, pos.col, "error", "tag",
                                            f"YAML tag '{event.tag}' is not allowed",
                                            "remove the tag"))
                if expecting_key():
                    stack[-1].key, stack[-1].key_pos = event.value, pos
                    continue
                try:
                    value = _scalar(event)
                except (yaml.YAMLError, ValueError, KeyError):
                    value = event.value
                place(value, pos)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                pos = _mark(event.start_mark)
                if expecting_key():
                    problems.append(Problem(path, pos.line, pos.col, "error", "complex-key",
                                            "a mapping key must be a plain name",
                                            "use a simple word as the key"))
                    stack[-1].key, stack[-1].key_pos = f"?{pos.line}:{pos.col}", pos
                if len(stack) >= MAX_DEPTH:
                    problems.append(Problem(path, pos.line, pos.col, "error", "too-deep",
                                            f"nesting deeper than {MAX_DEPTH} levels",
                                            "flatten the structure"))
                    return None, problems
                container: dict | list = (
                    {} if isinstance(event, yaml.MappingStartEvent) else []
                )
                placed = place(container, pos)
                stack.append(_Frame(container, placed if placed is not None else ("?",)))
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
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
    return tree, problems
