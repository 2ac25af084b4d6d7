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
    if test.player is not None:
        _play_blind(session, test)
        return _check(scenario, test, session, out)
    assert test.choose is not None  # the model requires one of choose and player
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
    return _check(scenario, test, session, out)


def _play_blind(session: Session, test: PlayTest) -> None:
    """Let the test's content-blind player answer until the play ends (or stops looping)."""
    import random

    from sim.tools.audit import MAX_BLIND_TURNS, choose_blind

    rng = random.Random(test.seed or 0)
    lang = test.lang or "en"
    while not session.is_over and len(session.history) < MAX_BLIND_TURNS:
        offered = session.choices()
        if not offered:
            break
        pick = choose_blind(test.player or "first", [(o.index, o.choice) for o in offered],
                            lang, rng)
        session.choose(pick)


def _check(scenario: Scenario, test: PlayTest, session: Session, out: TestOutcome) -> TestOutcome:
    """Compare the finished (or stopped) session with the test's expectations."""
    expect = test.expect
    debrief = assess(session)
    out.score, out.ending = debrief.score, debrief.ending_id
    if debrief.ending_id is None and test.player and not session.is_stuck:
        out.failures.append(f"the {test.player} player gave {len(session.history)} replies "
                            "without reaching an ending (a loop it never leaves)")
    elif debrief.ending_id is None and not out.failures:
        offered = ", ".join(o.choice.id or str(o.number) for o in session.choices())
        who = f"the {test.player} player" if test.player else "the plan"
        out.failures.append(f"{who} ran out at node '{session.node_id}' before an ending "
                            f"(offered there: {offered or 'nothing'})")
        last = session.history[-1] if session.history else None
        if last is not None and last.rule is not None:
            rule = scenario.rules[last.rule]
            out.failures.append(f"the last reply was diverted by rule {last.rule + 1} "
                                f"('if: {rule.when.source}' → {rule.goto})")
    if expect.ending is not None and debrief.ending_id != expect.ending:
        out.failures.append(f"expected ending '{expect.ending}', reached "
                            f"'{debrief.ending_id or 'no ending'}'")
    if expect.outcome is not None:
        outcomes = [expect.outcome] if isinstance(expect.outcome, str) else expect.outcome
        if debrief.outcome not in outcomes:
            shown = " or ".join(f"'{o}'" for o in outcomes)
            out.failures.append(f"expected outcome {shown}, got '{debrief.outcome}'")
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
