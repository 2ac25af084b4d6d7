"""Hostile scenario input: huge numbers, deep or long conditions, control characters.

Each is refused quickly with one located problem, never a Python error.
"""

from __future__ import annotations

import time

import pytest

from sim.scenario import check_bytes
from sim.scenario.conditions import MAX_NESTING, ConditionSyntaxError, parse_condition
from tests.test_scenario_errors import BASE, errors_of, line_of, mutate


def _one_error(text: str) -> object:
    errors = errors_of(text)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


@pytest.mark.parametrize(
    ("condition", "fragment"),
    [
        ("(" * 200 + "emotion > 1" + ")" * 200, "more than 400 parts"),
        ("not " * 1000 + "heard", "more than 400 parts"),
        ("(" * (MAX_NESTING + 1) + "heard" + ")" * (MAX_NESTING + 1), "nests deeper"),
        ("not " * (MAX_NESTING + 1) + "heard", "nests deeper"),
        ("emotion > " + "9" * 5000, "5000 digits"),
        ("emotion > -" + "9" * 4301, "4301 digits"),
        ("x" * 2500, "2500 characters"),
    ],
)
def test_hostile_condition_is_a_located_error(condition: str, fragment: str) -> None:
    text = mutate("        if: heard", f"        if: {condition}")
    started = time.perf_counter()
    err = _one_error(text)
    assert time.perf_counter() - started < 1
    assert err.code == "condition-syntax" and fragment in err.message
    assert err.line == line_of(text, "        if: ") and err.col > len("        if: ")
    assert len(str(err)) < 400  # the condition is quoted shortened


def test_twenty_thousand_terms_are_refused_quickly() -> None:
    condition = " and ".join(["emotion > 1"] * 20_000)
    started = time.perf_counter()
    err = _one_error(mutate("        if: heard", f"        if: {condition}"))
    assert time.perf_counter() - started < 0.5
    assert err.code == "condition-syntax"


def test_limits_leave_real_conditions_alone() -> None:
    deep = "(" * MAX_NESTING + "emotion > 1" + ")" * MAX_NESTING
    assert parse_condition(deep).references
    assert parse_condition("not " * MAX_NESTING + "emotion > 1").references


def test_non_ascii_digits_are_not_numbers() -> None:
    with pytest.raises(ConditionSyntaxError) as info:
        parse_condition("emotion > ٣")
    assert info.value.offset == len("emotion > ")


@pytest.mark.parametrize("value", ["9" * 5000, "-" + "1" * 4301, "1" * 19])
def test_huge_plain_number_is_located(value: str) -> None:
    text = mutate("  emotion: 70", f"  emotion: {value}")
    err = _one_error(text)
    assert err.code == "number-too-large"
    assert (err.line, err.col) == (line_of(text, "  emotion: "), len("  emotion: ") + 1)


def test_huge_number_in_a_test_plan_is_located() -> None:
    text = BASE + f"tests:\n  - name: t\n    choose: [{'1' * 4400}]\n"
    err = _one_error(text)
    assert err.code == "number-too-large" and err.line == line_of(text, "    choose:")


@pytest.mark.parametrize(
    ("char", "name"),
    [("\x00", "U+0000 NULL"), ("\x07", "U+0007 BELL"), ("\x1b", "U+001B ESCAPE"),
     ("\x7f", "U+007F DELETE"), ("\ufffe", "U+FFFE (a noncharacter)"),
     ("\x85", "U+0085 NEXT LINE"), ("\u2028", "U+2028 LINE SEPARATOR"),
     ("\x9b", "U+009B (a control character)")],
)
def test_control_character_is_located_by_line_column_and_name(char: str, name: str) -> None:
    text = mutate("    say: So?", f"    say: So{char}?")
    scenario, problems = check_bytes(text.encode("utf-8"), "case.yaml")
    assert scenario is None and len(problems) == 1
    (err,) = problems
    assert err.code == "bad-character" and name in err.message
    assert (err.line, err.col) == (line_of(text, "    say: So"), len("    say: So") + 1)
    assert "\n" not in str(err) and "unicode string" not in str(err)


def test_control_character_after_old_mac_line_ends() -> None:
    raw = "format: 1\rid: x\r  \x07\r"
    err = _one_error(raw)
    assert (err.line, err.col) == (3, 3)
