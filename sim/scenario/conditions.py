"""The condition language of ``if:`` entries: parsed once at load time, never ``eval``-ed.

Grammar (lowest precedence first)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := operand (("==" | "!=" | "<" | "<=" | ">" | ">=") operand)?
    operand    := NUMBER | "-" NUMBER | "true" | "false" | NAME
                | ("learned" | "visited") "(" NAME ")" | "(" expr ")"

A NAME is ``emotion``, ``trust``, ``turn`` or a flag; the loader checks that every flag is
set by some choice and that ``learned``/``visited`` name a known fact or node.

Hostile or runaway conditions are refused before any work grows with them: a condition
longer than ``MAX_LENGTH`` characters or of more than ``MAX_TOKENS`` tokens, nesting
(parentheses and ``not``) deeper than ``MAX_NESTING``, or a number of more than
``MAX_DIGITS`` digits is a :class:`ConditionSyntaxError` with the offset of the culprit,
so parsing never recurses deeply and never converts a huge integer.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from typing import Protocol

from sim.scenario.problems import shorten

METERS = ("emotion", "trust", "turn")
FUNCTIONS = ("learned", "visited")
KEYWORDS = ("and", "or", "not", "true", "false")

#: Limits that keep parsing (and every later evaluation) small; real conditions use a
#: fraction of each.
MAX_LENGTH = 2000
MAX_TOKENS = 400
MAX_NESTING = 32
MAX_DIGITS = 18


class ConditionContext(Protocol):
    """What a condition reads: the meters, the turn count, flags, facts and visits."""

    emotion: int
    trust: int
    turn: int
    flags: Mapping[str, bool | int]
    learned: Container[str]
    visited: Container[str]


Value = bool | int
Evaluator = Callable[[ConditionContext], Value]


class ConditionSyntaxError(ValueError):
    """A condition that does not parse; ``offset`` is 0-based within the source."""

    def __init__(self, message: str, offset: int, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Reference:
    """A name a condition mentions: ``kind`` is meter, flag, fact or node."""

    kind: str
    name: str
    offset: int


_TOKEN = re.compile(
    r"\s*(?:(?P<num>[0-9]+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>==|!=|<=|>=|<|>|\(|\)|-)|(?P<bad>\S))"
)

_BAD_HINTS = {
    "=": ("'=' is not a comparison", "use '==' to compare"),
    ".": ("attribute access is not allowed", "conditions can only read meters, flags, "
          "learned(fact) and visited(node)"),
    "[": ("subscripts are not allowed", "name the flag directly"),
    "&": ("'&' is not an operator here", "use 'and'"),
    "|": ("'|' is not an operator here", "use 'or'"),
    "!": ("'!' is not an operator here", "use 'not', or '!=' to compare"),
    "'": ("text values are not allowed", "compare meters and flags with numbers or true/false"),
    '"': ("text values are not allowed", "compare meters and flags with numbers or true/false"),
    ",": ("a comma is not allowed here", "join conditions with 'and' or 'or'"),
}

_COMPARE: dict[str, Callable[[Value, Value], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


def _tokens(source: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if not m or m.end() == pos:
            break
        kind = m.lastgroup or "bad"
        text = m.group(kind)
        start = m.start(kind)
        if kind == "bad":
            msg, hint = _BAD_HINTS.get(text, (f"unexpected character '{text}'",
                                             "conditions use names, numbers, comparisons, "
                                             "and/or/not and parentheses"))
            raise ConditionSyntaxError(msg, start, hint)
        if kind == "num" and len(text) > MAX_DIGITS:
            raise ConditionSyntaxError(f"a number of {len(text)} digits is too large",
                                       start, f"numbers here have at most {MAX_DIGITS} "
                                       "digits; meters run from 0 to 100")
        if len(out) >= MAX_TOKENS:
            raise ConditionSyntaxError(f"the condition has more than {MAX_TOKENS} parts",
                                       start, "split the logic: set a flag on the replies "
                                       "that lead here and test it")
        out.append((kind, text, start))
        pos = m.end()
    if len(source) > MAX_LENGTH:
        raise ConditionSyntaxError(
            f"the condition is {len(source)} characters long; the limit is {MAX_LENGTH}",
            MAX_LENGTH, "split the logic: set a flag on the replies that lead here and test it")
    out.append(("end", "", len(source)))
    return out


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.toks = _tokens(source)
        self.i = 0
        self.depth = 0
        self.refs: list[Reference] = []

    def peek(self) -> tuple[str, str, int]:
        return self.toks[self.i]

    def take(self) -> tuple[str, str, int]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def fail(self, message: str, hint: str = "") -> ConditionSyntaxError:
        return ConditionSyntaxError(message, self.peek()[2], hint)

    def enter(self) -> None:
        """One level deeper (a '(' or a 'not'); refuse nesting past ``MAX_NESTING``."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(f"the condition nests deeper than {MAX_NESTING} levels",
                            "remove redundant parentheses and double 'not's")

    def parse(self) -> Evaluator:
        if self.peek()[0] == "end":
            raise self.fail("the condition is empty", "write e.g. 'emotion < 50'")
        fn = self.or_expr()
        kind, text, _ = self.peek()
        if kind != "end":
            raise self.fail(f"unexpected '{shorten(text)}'", "join conditions with 'and' or 'or'")
        return fn

    def or_expr(self) -> Evaluator:
        parts = [self.and_expr()]
        while self.peek()[1] == "or":
            self.take()
            parts.append(self.and_expr())
        if len(parts) == 1:
            return parts[0]
        return lambda ctx: any(p(ctx) for p in parts)

    def and_expr(self) -> Evaluator:
        parts = [self.not_expr()]
        while self.peek()[1] == "and":
            self.take()
            parts.append(self.not_expr())
        if len(parts) == 1:
            return parts[0]
        return lambda ctx: all(p(ctx) for p in parts)

    def not_expr(self) -> Evaluator:
        if self.peek()[1] == "not":
            self.enter()
            self.take()
            inner = self.not_expr()
            self.depth -= 1
            return lambda ctx: not inner(ctx)
        return self.comparison()

    def comparison(self) -> Evaluator:
        left = self.operand()
        op = self.peek()[1]
        if op not in _COMPARE:
            return left
        self.take()
        right = self.operand()
        if self.peek()[1] in _COMPARE:
            raise self.fail("comparisons can't be chained",
                            "write 'a < b and b < c' instead of 'a < b < c'")
        compare = _COMPARE[op]
        return lambda ctx: compare(left(ctx), right(ctx))

    def operand(self) -> Evaluator:
        kind, text, _ = self.peek()
        if kind == "num":
            self.take()
            number = int(text)
            return lambda ctx: number
        if text == "-":
            self.take()
            kind2, text2, _ = self.peek()
            if kind2 != "num":
                raise self.fail("'-' must be followed by a number")
            self.take()
            negative = -int(text2)
            return lambda ctx: negative
        if text == "(":
            self.enter()
            self.take()
            inner = self.or_expr()
            if self.peek()[1] != ")":
                raise self.fail("missing ')'", "close the parenthesis opened earlier")
            self.take()
            self.depth -= 1
            return inner
        if kind == "name":
            return self.name()
        if kind == "end":
            raise self.fail("the condition ends too early", "something is missing after the "
                            "last operator")
        raise self.fail(f"unexpected '{shorten(text)}'")

    def name(self) -> Evaluator:
        _, text, offset = self.take()
        if text.startswith("__"):
            raise ConditionSyntaxError(f"'{text}' is not allowed", offset,
                                       "names starting with '__' are reserved")
        if text == "true":
            return lambda ctx: True
        if text == "false":
            return lambda ctx: False
        if text in ("and", "or", "not"):
            raise ConditionSyntaxError(f"'{text}' needs something before it", offset)
        if text == "lambda":
            raise ConditionSyntaxError("'lambda' is not allowed", offset,
                                       "conditions only compare meters, flags and facts")
        if self.peek()[1] == "(":
            return self.call(text, offset)
        if text in METERS:
            self.refs.append(Reference("meter", text, offset))
            meter = text
            return lambda ctx: getattr(ctx, meter)
        self.refs.append(Reference("flag", text, offset))
        flag = text
        return lambda ctx: ctx.flags.get(flag, False)

    def call(self, func: str, offset: int) -> Evaluator:
        if func not in FUNCTIONS:
            raise ConditionSyntaxError(f"'{func}(...)' is not a function here", offset,
                                       "only learned(fact) and visited(node) can be called")
        self.take()  # "("
        kind, arg, arg_offset = self.take()
        if kind != "name":
            raise ConditionSyntaxError(f"{func}() needs a {'fact' if func == 'learned' else 'node'}"
                                       " id", arg_offset, f"write e.g. {func}(some_id)")
        if self.peek()[1] != ")":
            raise self.fail(f"{func}() takes exactly one id", f"write {func}({arg})")
        self.take()
        if func == "learned":
            self.refs.append(Reference("fact", arg, arg_offset))
            return lambda ctx: arg in ctx.learned
        self.refs.append(Reference("node", arg, arg_offset))
        return lambda ctx: arg in ctx.visited


class Condition:
    """A parsed condition: call :meth:`holds` with a context to evaluate it."""

    __slots__ = ("_fn", "references", "source")

    def __init__(self, source: str):
        parser = _Parser(source)
        self._fn = parser.parse()
        self.source = source
        self.references: tuple[Reference, ...] = tuple(parser.refs)

    def holds(self, ctx: ConditionContext) -> bool:
        """Evaluate against ``ctx``; a flag never set reads as false/0."""
        return bool(self._fn(ctx))

    def __repr__(self) -> str:
        return f"Condition({self.source!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Condition) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)


@functools.lru_cache(maxsize=4096)
def parse_condition(source: str) -> Condition:
    """The parsed condition for ``source``; the loader's checks and model share one parse.

    Raises :class:`ConditionSyntaxError` (not cached) for a condition that doesn't parse.
    """
    return Condition(source)
