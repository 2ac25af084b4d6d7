"""Run the ``tests:`` of scenarios: play each plan through the engine, check the debrief."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sim.coach import assess
from sim.engine import ChoiceError, Session
from sim.scenario import PlayTest, Scenario

_EXPECT = re.compile(r"^\s*(<=|>=|<|>|==)?\s*(\d+)\s*$")


@dataclass
class TestOutcome:
    """One play-through test: passed or the reasons it failed."""

    name: str
    line: int
    failures: list[str] = field(default_factory=list)
    score: float | None = None
    ending: str | None = None

    @property
    def passed(self) -> bool:
        """True when every expectation held."""
        return not self.failures


def meter_matches(value: int, expected: int | str) -> bool:
    """``expected`` is a number (exact) or a comparison such as ``"<= 30"``."""
    if isinstance(expected, int):
        return value == expected
    m = _EXPECT.match(expected)
    if not m:
        return False
    op, number = m.group(1) or "==", int(m.group(2))
    return {"<=": value <= number, ">=": value >= number, "<": value < number,
            ">": value > number, "==": value == number}[op]


def run_test(scenario: Scenario, index: int) -> TestOutcome:
    """Play test number ``index`` of ``scenario`` and check its expectations."""
    test: PlayTest = scenario.tests[index]
    out = TestOutcome(test.name, scenario.line_of("tests", index))
    session = Session(scenario)
    for n, token in enumerate(test.choose, start=1):
        if session.ending_id is not None:
            rest = len(test.choose) - n + 1
            out.failures.append(f"the conversation ended at '{session.ending_id}' after "
                                f"{n - 1} replies; {rest} more in the plan were never used")
            break
        try:
            session.answer(token)
        except ChoiceError as exc:
            out.failures.append(f"reply {n} of the plan ({token!r}): {exc}")
            break
    debrief = assess(session)
    out.score, out.ending = debrief.score, debrief.ending_id
    expect = test.expect
    if debrief.ending_id is None and not out.failures:
        offered = ", ".join(o.choice.id or str(o.number) for o in session.choices())
        out.failures.append(f"the plan ran out at node '{session.node_id}' before an ending "
                            f"(offered there: {offered or 'nothing'})")
        last = session.history[-1] if session.history else None
        if last is not None and last.rule is not None:
            rule = scenario.rules[last.rule]
            out.failures.append(f"the last reply was diverted by rule {last.rule + 1} "
                                f"('if: {rule.when.source}' → {rule.goto})")
    if expect.ending is not None and debrief.ending_id != expect.ending:
        out.failures.append(f"expected ending '{expect.ending}', reached "
                            f"'{debrief.ending_id or 'no ending'}'")
    if expect.outcome is not None and debrief.outcome != expect.outcome:
        out.failures.append(f"expected outcome '{expect.outcome}', got '{debrief.outcome}'")
    if expect.min_score is not None and debrief.score < expect.min_score:
        out.failures.append(f"expected a score of at least {expect.min_score}, got "
                            f"{debrief.score}")
    if expect.max_score is not None and debrief.score > expect.max_score:
        out.failures.append(f"expected a score of at most {expect.max_score}, got "
                            f"{debrief.score}")
    for meter in ("emotion", "trust"):
        wanted = getattr(expect, meter)
        value = getattr(debrief, meter)
        if wanted is not None and not meter_matches(value, wanted):
            out.failures.append(f"expected {meter} {wanted}, got {value}")
    for step, status in expect.steps.items():
        got = debrief.steps[step].status
        if got != status:
            out.failures.append(f"expected step '{step}' to be {status}, got {got}")
    return out


def run_tests(scenario: Scenario) -> list[TestOutcome]:
    """Every test of a scenario, in file order."""
    return [run_test(scenario, i) for i in range(len(scenario.tests))]
