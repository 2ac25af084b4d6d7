"""Conditions compiled once into closures over a play-state tuple.

:class:`sim.scenario.Condition` evaluates against a context object (what the engine
has). Exploring millions of play states, building such an object per transition costs
more than the rest of the step; here each condition is translated once into a closure
that reads the state tuple directly. The translation parses the condition's source,
which the loader has already validated (and bounded in length and nesting), so only
its grammar is handled here, never an error.

The state tuple's layout is fixed by :class:`Layout`: ``(node, emotion, trust, turn,
flags, learned mask, visited mask)`` with ``flags`` a tuple of flag values.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sim.scenario import Condition

StateFn = Callable[[tuple], Any]

NODE, EMOTION, TRUST, TURN, FLAGS, LEARNED, VISITED = range(7)

_TOKEN = re.compile(r"\s*(?:(?P<num>[0-9]+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
                    r"|(?P<op>==|!=|<=|>=|<|>|\(|\)|-))")
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


@dataclass(frozen=True)
class Layout:
    """Where a state tuple keeps each thing a condition can read."""

    flag_pos: Mapping[str, int]
    fact_bit: Mapping[str, int]
    visit_bit: Mapping[str, int]


def _tokens(source: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while True:
        m = _TOKEN.match(source, pos)
        if not m or m.end() == pos:
            break
        out.append(m.group(m.lastgroup or "op"))
        pos = m.end()
    out.append("")
    return out


class _Compiler:
    """Recursive descent over the grammar of :mod:`sim.scenario.conditions`."""

    def __init__(self, source: str, layout: Layout):
        self.toks = _tokens(source)
        self.i = 0
        self.layout = layout

    def peek(self) -> str:
        return self.toks[self.i]

    def take(self) -> str:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def or_expr(self) -> StateFn:
        parts = [self.and_expr()]
        while self.peek() == "or":
            self.take()
            parts.append(self.and_expr())
        if len(parts) == 1:
            return parts[0]
        if len(parts) == 2:
            a, b = parts
            return lambda s: a(s) or b(s)
        return lambda s: any(p(s) for p in parts)

    def and_expr(self) -> StateFn:
        parts = [self.not_expr()]
        while self.peek() == "and":
            self.take()
            parts.append(self.not_expr())
        if len(parts) == 1:
            return parts[0]
        if len(parts) == 2:
            a, b = parts
            return lambda s: a(s) and b(s)
        return lambda s: all(p(s) for p in parts)

    def not_expr(self) -> StateFn:
        if self.peek() == "not":
            self.take()
            inner = self.not_expr()
            return lambda s: not inner(s)
        return self.comparison()

    def comparison(self) -> StateFn:
        left = self.operand()
        op = self.peek()
        if op not in _COMPARE:
            return left
        self.take()
        right = self.operand()
        compare = _COMPARE[op]
        if getattr(right, "constant", None) is not None:
            value = right.constant  # type: ignore[attr-defined]
            return lambda s: compare(left(s), value)
        return lambda s: compare(left(s), right(s))

    def operand(self) -> StateFn:
        tok = self.take()
        if tok.isdigit():
            return _constant(int(tok))
        if tok == "-":
            return _constant(-int(self.take()))
        if tok == "(":
            inner = self.or_expr()
            self.take()  # ")"
            return inner
        if tok == "true":
            return _constant(True)
        if tok == "false":
            return _constant(False)
        if self.peek() == "(":
            self.take()
            arg = self.take()
            self.take()  # ")"
            if tok == "learned":
                bit = self.layout.fact_bit.get(arg, 0)
                return lambda s: bool(s[LEARNED] & bit)
            bit = self.layout.visit_bit.get(arg, 0)
            return lambda s: bool(s[VISITED] & bit)
        if tok == "emotion":
            return lambda s: s[EMOTION]
        if tok == "trust":
            return lambda s: s[TRUST]
        if tok == "turn":
            return lambda s: s[TURN]
        pos = self.layout.flag_pos.get(tok)
        if pos is None:  # a flag the layout does not keep reads as never set
            return _constant(False)
        return lambda s: s[FLAGS][pos]


def _constant(value: Any) -> StateFn:
    def fn(s: tuple) -> Any:
        return value

    fn.constant = value  # type: ignore[attr-defined]
    return fn


def compile_condition(condition: Condition, layout: Layout) -> StateFn:
    """A closure ``state tuple → value`` equivalent to ``condition.holds`` on that state."""
    return _Compiler(condition.source, layout).or_expr()
