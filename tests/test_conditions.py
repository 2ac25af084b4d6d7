"""The condition language: what it accepts, what it refuses, how it evaluates."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from sim.scenario.conditions import Condition, ConditionSyntaxError


@dataclass
class Ctx:
    emotion: int = 50
    trust: int = 20
    turn: int = 3
    flags: dict = field(default_factory=dict)
    learned: set = field(default_factory=set)
    visited: set = field(default_factory=set)


@pytest.mark.parametrize(
    ("source", "ctx", "expected"),
    [
        ("emotion >= 50", Ctx(), True),
        ("emotion > 50", Ctx(), False),
        ("trust < 20 or turn == 3", Ctx(), True),
        ("not (emotion == 50)", Ctx(), False),
        ("asked", Ctx(), False),
        ("asked", Ctx(flags={"asked": True}), True),
        ("count >= 2", Ctx(flags={"count": 2}), True),
        ("count >= 2", Ctx(), False),
        ("learned(late) and visited(opening)", Ctx(learned={"late"}, visited={"opening"}), True),
        ("learned(late) and not visited(opening)", Ctx(learned={"late"}), True),
        ("true and not false", Ctx(), True),
        ("emotion > -5", Ctx(emotion=0), True),
        ("emotion < 60 and trust >= 20 or asked", Ctx(emotion=70), False),
        ("asked == true", Ctx(flags={"asked": True}), True),
        ("not not asked", Ctx(), False),
    ],
)
def test_evaluates(source: str, ctx: Ctx, expected: bool) -> None:
    assert Condition(source).holds(ctx) is expected


def test_and_binds_tighter_than_or() -> None:
    c = Condition("asked or emotion > 90 and trust > 90")
    assert c.holds(Ctx(flags={"asked": True}))
    assert not c.holds(Ctx(emotion=95))


@pytest.mark.parametrize(
    ("source", "offset", "fragment"),
    [
        ("", 0, "empty"),
        ("emotion =", 8, "'=' is not a comparison"),
        ("emotion.real", 7, "attribute access"),
        ("flags[0]", 5, "subscripts"),
        ("open(x)", 0, "not a function"),
        ("__class__", 0, "reserved"),
        ("lambda", 0, "not allowed"),
        ("emotion > 'high'", 10, "text values"),
        ("1 < emotion < 5", 12, "chained"),
        ("(emotion > 1", 12, "missing ')'"),
        ("emotion >", 9, "ends too early"),
        ("emotion && trust", 8, "use 'and'"),
        ("learned(a, b)", 9, "comma"),
        ("learned(a b)", 10, "exactly one"),
        ("learned(3)", 8, "needs a fact"),
        ("emotion 5", 8, "unexpected"),
        ("and trust", 0, "needs something"),
    ],
)
def test_refuses_with_offset(source: str, offset: int, fragment: str) -> None:
    with pytest.raises(ConditionSyntaxError) as info:
        Condition(source)
    assert info.value.offset == offset
    assert fragment in info.value.message + info.value.hint


def test_references_name_what_the_loader_must_check() -> None:
    refs = Condition("asked and learned(late) or visited(opening) and trust > 3").references
    assert [(r.kind, r.name) for r in refs] == [
        ("flag", "asked"), ("fact", "late"), ("node", "opening"), ("meter", "trust")]
    assert refs[1].offset == len("asked and learned(")


def test_never_uses_eval() -> None:
    import ast
    import inspect

    import sim.scenario.conditions as module

    calls = {n.func.id for n in ast.walk(ast.parse(inspect.getsource(module)))
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert not calls & {"eval", "exec", "compile", "__import__"}
