"""Load a scenario file: read, check shape, check cross-references, return the model.

Every problem found is collected, located and given a hint, so a trainer sees all the
errors of a file at once. Nothing here evaluates scenario content.
"""

from __future__ import annotations

import gc
import hashlib
import re
import stat
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario import checks
from sim.scenario.model import FORMAT_VERSION, Scenario
from sim.scenario.problems import Problem, ScenarioError, did_you_mean, shorten
from sim.scenario.yamltree import (
    MAX_BYTES,
    Irregular,
    Marks,
    Pos,
    Tree,
    decode,
    read_data,
    read_tree,
    too_large,
)


def check_file(path: str | Path) -> tuple[Scenario | None, list[Problem]]:
    """Load and check a file; return the scenario (None on errors) and every problem."""
    shown = str(path)
    try:
        p = Path(path)
        info = p.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read forever
            return None, [Problem(shown, 1, 1, "error", "unreadable",
                                  "this is not an ordinary file (a folder, pipe or device)")]
        size = info.st_size
        if size > MAX_BYTES:  # refuse before reading a byte of it
            return None, [too_large(size, shown)]
        raw = p.read_bytes()
    except OSError as exc:
        return None, [Problem(shown, 1, 1, "error", "unreadable",
                              f"cannot read the file: {exc.strerror or exc}")]
    return check_bytes(raw, shown)


def check_bytes(raw: bytes, path: str) -> tuple[Scenario | None, list[Problem]]:
    """Like :func:`check_file` for bytes already read; ``path`` names them in messages.

    The garbage collector is paused while the file is read: loading allocates tens of
    thousands of containers and no cycles, and the collector's passes over them cost a
    third of the load of a large file. What the load keeps then goes straight to the
    collector's oldest generation, or its next pass would scan all of it anyway.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _check_bytes(raw, path)
    finally:
        if enabled:
            # What the load made is either freed already or kept for as long as the
            # scenario (it makes no reference cycles): move it straight to the oldest
            # generation (freeze, then unfreeze), or the collector's next pass would scan
            # all of it (a third of a large load again). Not left frozen: a process that
            # lives on (the window) must still collect what it drops later.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _check_bytes(raw: bytes, path: str) -> tuple[Scenario | None, list[Problem]]:
    text, problems = decode(raw, path)
    if text is None:
        return None, problems
    try:
        marks = Marks()
        tree: Tree | None = Tree.marked(read_data(text, marks), marks)
        problems = []
    except Irregular:
        tree, problems = read_tree(text, path)
    if tree is None:
        return None, problems
    data = tree.data
    if not isinstance(data, dict):
        pos = tree.pos(())
        problems.append(Problem(path, pos.line, pos.col, "error", "not-a-mapping",
                                "a scenario file must be a mapping of keys such as 'format', "
                                "'id' and 'nodes'", "start from `python main.py new ID`"))
        return None, problems
    fmt = data.get("format")
    if fmt is None:
        problems.append(Problem(path, 1, 1, "error", "missing-key",
                                "missing required key 'format'",
                                f"add 'format: {FORMAT_VERSION}' as the first line"))
        return None, problems
    if fmt != FORMAT_VERSION or isinstance(fmt, bool):
        pos = tree.pos(("format",))
        problems.append(Problem(path, pos.line, pos.col, "error", "unsupported-format",
                                f"format {fmt!r} is not supported; this version of Defuse "
                                f"reads format {FORMAT_VERSION}",
                                f"write 'format: {FORMAT_VERSION}' or update Defuse"))
        return None, problems

    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems.extend(_shape_problems(exc, tree, path))
    problems.extend(checks.check(data, tree, path))
    # a number too large to read was placed as None: its type error would only repeat it
    huge = {(p.line, p.col) for p in problems if p.code == "number-too-large"}
    if huge:
        problems = [p for p in problems
                    if p.code != "wrong-type" or (p.line, p.col) not in huge]
    problems.sort(key=lambda p: (p.line, p.col, p.severity))
    if any(p.is_error for p in problems):
        return None, problems
    assert scenario is not None
    scenario._source_path = path
    scenario._content_hash = hashlib.sha256(raw).hexdigest()
    scenario._tree = tree
    return scenario, problems


def load_scenario(path: str | Path) -> Scenario:
    """Load a valid scenario or raise :class:`ScenarioError` listing every problem."""
    scenario, problems = check_file(path)
    if scenario is None:
        raise ScenarioError(problems)
    return scenario


# --- pydantic errors → located problems -------------------------------------------------

_CODES = {
    "missing": "missing-key",
    "extra_forbidden": "unknown-key",
    "literal_error": "bad-value",
    "string_pattern_mismatch": "bad-id",
    "too_short": "count",
    "too_long": "count",
    "condition": "condition-syntax",
    "condition_type": "condition-syntax",
    "route": "no-route",
    "plan": "no-plan",
    "greater_than_equal": "out-of-range",
    "less_than_equal": "out-of-range",
}

_TYPE_WORDS = {
    "int_type": "a whole number", "int_parsing": "a whole number", "int_from_float":
    "a whole number", "bool_type": "true or false", "string_type": "text",
    "dict_type": "a mapping (key: value lines)", "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)", "list_type": "a list ('- ' lines)",
}


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional/Union/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for a in typing.get_args(annotation) for t in _unwrap(a)]
    return [annotation]


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that the mapping at ``loc`` is validated against."""
    current: list[Any] = [Scenario]
    for part in loc:
        nxt: list[Any] = []
        for t in current:
            if isinstance(t, type) and issubclass(t, BaseModel):
                for name, f in t.model_fields.items():
                    if part in (name, f.alias):
                        nxt.extend(_unwrap(f.annotation))
            elif typing.get_origin(t) is dict:
                nxt.extend(_unwrap(typing.get_args(t)[1]))
            elif typing.get_origin(t) is list and isinstance(part, int):
                nxt.extend(_unwrap(typing.get_args(t)[0]))
        current = nxt
    for t in current:
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
    return None


def _keys_of(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _located(loc: tuple[Any, ...], tree: Tree) -> tuple[tuple[Any, ...], Pos]:
    """Trim pydantic's loc (which names union members) to a path present in the tree."""
    kept: tuple[Any, ...] = ()
    for part in loc:
        if part == "[key]":
            return kept, tree.key_pos(kept)
        candidate = (*kept, part)
        if not tree.has(candidate):
            break
        kept = candidate
    return kept, tree.pos(kept)


def _node_of(loc: tuple[Any, ...]) -> str:
    return str(loc[1]) if len(loc) > 1 and loc[0] in ("nodes", "endings") else ""


def _shape_problems(exc: ValidationError, tree: Tree, path: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    # A union (e.g. Text: text or a language map) reports a failure per member; show one
    # message per located value, the most specific first.
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] in _TYPE_WORDS)
    for err in errors:
        loc = tuple(err["loc"])
        kind = err["type"]
        ctx = err.get("ctx") or {}
        code = _CODES.get(kind, "wrong-type")
        node = _node_of(loc)
        hint = str(ctx.get("hint", ""))
        if kind == "missing":
            parent = loc[:-1]
            pos = tree.pos(parent)
            problems.append(Problem(path, pos.line, pos.col, "error", code,
                                    f"missing required key '{loc[-1]}'", hint, node))
            continue
        if kind == "extra_forbidden":
            pos = tree.key_pos(loc)
            allowed = _keys_of(_model_at(loc[:-1]))
            hint = did_you_mean(str(loc[-1]), allowed) or (
                f"allowed keys here: {', '.join(allowed)}" if allowed else "")
            problems.append(Problem(path, pos.line, pos.col, "error", code,
                                    f"unknown key '{loc[-1]}'", hint, node))
            continue
        kept, pos = _located(loc, tree)
        if kept in seen:
            continue
        seen.add(kept)
        value = err.get("input")
        shown = repr(shorten(value) if isinstance(value, str) else value) if not isinstance(
            value, dict | list) else "this"
        if kind == "condition":
            offset = int(ctx.get("offset", 0))
            line, col = pos.line, pos.col + offset + (1 if pos.quoted else 0)
            problems.append(Problem(path, line, col, "error", code,
                                    f"in condition {shorten(str(value))!r}: {ctx.get('message')}",
                                    hint, node))
            continue
        if kind == "literal_error":
            options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            hint = did_you_mean(str(value), options) or f"one of: {', '.join(options)}"
            message = f"{shown} is not allowed here"
        elif kind == "string_pattern_mismatch":
            if "[a-z]{2}" in str(ctx.get("pattern", "")):
                message = f"{shown} is not a language code"
                code = "bad-language"
                hint = ("a comma or colon inside unquoted text in {en: ..., zh: ...} starts a "
                        "new key: put the text in quotes")
            elif len(kept) == 4 and kept[0] == "tests" and kept[-1] in ("emotion", "trust"):
                message = f"{shown} is not an expectation for {kept[-1]}"
                code = "bad-value"
                hint = ("write a number from 0 to 100 with the digits 0-9, optionally after "
                        "<=, >=, <, > or ==, e.g. '<= 30'")
            elif kept == ("id",):
                message = f"{shown} is not a valid scenario id"
                hint = "use lowercase letters, digits and '-', e.g. 'angry-parent'"
            else:
                message = f"{shown} is not a valid id"
                hint = "ids use letters, digits and '_' and start with a letter, e.g. 'let_vent'"
        elif kind in ("too_short", "too_long"):
            n = ctx.get("actual_length", len(value) if isinstance(value, list | dict) else "?")
            if kept and kept[-1] == "choices":
                message = f"a node needs 1 to 6 choices; this one has {n}"
                hint = "split the node in two" if kind == "too_long" else "add a choice"
            elif isinstance(value, str):
                message = "the text is empty"
                hint = "write the text or remove the key"
            else:
                message = f"needs at least {ctx.get('min_length', 1)} entries"
        elif kind in ("greater_than_equal", "less_than_equal"):
            message = f"{shown} is out of range"
            lo, hi = _range_of(kept)
            hint = f"use a whole number from {lo} to {hi}"
        elif kind in _TYPE_WORDS:
            message = f"expected {_TYPE_WORDS[kind]}, found {shown}"
            if kind in ("string_type",) and isinstance(value, bool):
                hint = "quote words like yes/no/on/off, which YAML reads as true/false"
        elif kind in ("route", "plan"):
            message = str(err["msg"])
        else:
            message = str(err["msg"])
        problems.append(Problem(path, pos.line, pos.col, "error", code, message, hint, node))
    return problems


def _range_of(loc: tuple[Any, ...]) -> tuple[int, int]:
    last = loc[-1] if loc else ""
    if last == "difficulty":
        return 1, 5
    if loc and loc[0] == "nodes" and "effects" in loc:
        return -100, 100
    return 0, 100
