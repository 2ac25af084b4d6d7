"""Hostile scenario input: huge numbers, deep or long conditions, control characters.

Each is refused quickly with one located problem, never a Python error.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sim.scenario import check_bytes, check_file
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


# --- one reply-key parser for tests:, --choices and the prompts ---------------------------

@pytest.mark.parametrize(
    ("token", "expected"),
    [("2", 2), (" 3 ", 3), (1, 1), ("let_vent", "let_vent"), ("03", 3)],
)
def test_reply_keys(token: object, expected: object) -> None:
    from sim.scenario.replykeys import parse_reply_key

    assert parse_reply_key(token) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("token", "fragment"),
    [("²", "digits 0-9"), ("1" * 4301, "too large"), (10**5000, "huge number"), ("", "empty"),
     ("0", "no reply 0"), ("7", "no reply 7"), (-1, "no reply -1"), (True, "not a reply"),
     ("a b", "neither"), ("٣", "digits 0-9")],
    ids=["superscript", "4301-digits", "huge-int", "empty", "zero", "seven", "negative",
         "bool", "space", "arabic-indic"],
)
def test_reply_keys_refused_with_a_reason(token: object, fragment: str) -> None:
    from sim.scenario.replykeys import ReplyKeyError, parse_reply_key

    with pytest.raises(ReplyKeyError) as info:
        parse_reply_key(token)  # type: ignore[arg-type]
    assert fragment in str(info.value) and len(str(info.value)) < 200


def _with_test(choose: str, expect: str = "{ending: done}") -> str:
    return BASE + f"tests:\n  - name: t\n    choose: {choose}\n    expect: {expect}\n"


@pytest.mark.parametrize(
    ("choose", "code", "fragment"),
    [("[listen, zzz]", "unknown-reply", "no choice has the id 'zzz'"),
     ("[listen, lisen]", "unknown-reply", "did you mean 'listen'?"),
     ("[listen, '²']", "bad-reply", "digits 0-9"),
     ("[listen, 3]", "bad-reply", "no node here offers more than 2"),
     ("[listen, 0]", "bad-reply", "no reply 0")],
)
def test_validate_checks_test_plans_statically(choose: str, code: str, fragment: str) -> None:
    text = _with_test(choose)
    err = _one_error(text)
    assert err.code == code and fragment in str(err)
    assert err.line == line_of(text, "    choose:") and err.col > len("    choose: [listen")


@pytest.mark.parametrize(
    ("expect", "code"),
    [("{ending: done, min_score: 80, max_score: 20}", "impossible-expect"),
     ("{ending: done, emotion: '<= 500'}", "out-of-range"),
     ("{ending: done, trust: 101}", "out-of-range"),
     ("{ending: done, emotion: '<= ٣'}", "bad-value"),
     ("{ending: done, emotion: '" + "9" * 4400 + "'}", "bad-value")],
    ids=["min-over-max", "meter-500", "trust-101", "arabic-indic", "4400-digits"],
)
def test_validate_checks_expectations_statically(expect: str, code: str) -> None:
    text = _with_test("[listen, 1]", expect)
    errors = errors_of(text)
    assert errors and all(e.line == line_of(text, "    expect:") for e in errors), errors
    assert code in {e.code for e in errors}, [str(e) for e in errors]
    assert all(len(str(e)) < 400 for e in errors)


def test_a_plan_with_a_superscript_fails_as_a_test_not_a_traceback() -> None:
    from sim.engine import ChoiceError, Session

    scenario, _ = check_bytes(BASE.encode(), "case.yaml")
    assert scenario is not None
    session = Session(scenario)
    with pytest.raises(ChoiceError, match="digits 0-9"):
        session.answer("²")
    with pytest.raises(ChoiceError, match="too large"):
        session.answer("9" * 5000)


# --- the analyzer's dead route ---------------------------------------------------------------

DEAD_ROUTE = Path(__file__).resolve().parent / "tools_data" / "dead-route.yaml"


def test_analyze_reports_a_dead_route_instead_of_failing() -> None:
    import logging

    from sim.scenario import load_scenario
    from sim.tools.analyze import analyze

    scenario, problems = check_file(DEAD_ROUTE)
    assert scenario is not None, [str(p) for p in problems]  # the file validates clean
    logging.disable(logging.WARNING)
    try:
        result = analyze(load_scenario(DEAD_ROUTE)).to_json()
    finally:
        logging.disable(logging.NOTSET)
    assert "trap" in [*result["dead_ends"], *result["traps"]] or not result["complete"]


def test_a_fifo_is_unreadable_not_a_hang(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    scenario, problems = check_file(fifo)  # reading it would block forever
    assert scenario is None and [p.code for p in problems] == ["unreadable"]
