"""Play every scenario through the window, from the menu to the debrief, with injected
key presses and mouse clicks; the first ``tests:`` plan of each scenario drives both the
engine alone and the window, and both must end in the same state and debrief."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from sim.coach import assess
from sim.engine import replay
from sim.scenario import find_scenarios, load_scenario
from sim.ui.testing import Driver

ROOT = Path(__file__).resolve().parents[1]
PATHS = sorted(find_scenarios(ROOT / "scenarios")) + sorted(
    find_scenarios(ROOT / "tests" / "scenarios"))


def open_case(d: Driver, scenario_id: str) -> None:
    """From the menu, select the case with the keyboard and open it with Enter."""
    ids = [e.id for e in d.app.library.entries]
    d.key(pygame.K_HOME)
    for _ in range(len(ids)):
        d.key(pygame.K_UP)
    for _ in range(ids.index(scenario_id)):
        d.key(pygame.K_DOWN)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "brief"


def play_plan(d: Driver, plan: list, use_mouse: bool) -> None:
    """Answer each token of the plan: by number key, or by clicking the reply button."""
    session = d.scene.session
    for i, token in enumerate(plan):
        assert d.scene.name == "play"
        d.key(pygame.K_SPACE)  # show the customer's whole line
        d.step()
        # plans name replies in the authored order; the window numbers them as shown
        offered = session.choices()
        if isinstance(token, int) or str(token).isdigit():
            wanted = offered[int(token) - 1].index
        else:
            wanted = next(o.index for o in offered if o.choice.id == token)
        number = 1 + [o.index for o in session.shown()].index(wanted)
        layout = d.scene.layout()
        button = next(b for b in layout["buttons"] if b.action == f"choose:{number}")
        # click it when it is in view (the replies scroll; a shuffled order can put the
        # one wanted below the fold), else press its key
        if use_mouse and i % 2 == 0 and layout["replies"].contains(button.rect):
            d.click(button.rect.center)
        else:
            d.key(getattr(pygame, f"K_{number}"))
        d.step(3)


def settle_turning_point(d: Driver) -> None:
    """Let the debrief's background search for the turning point finish and show."""
    thread = d.scene.turning_thread
    if thread is not None:
        thread.join(timeout=30)
        d.step()
    assert d.scene.turning_thread is None


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_window_plays_the_first_plan_to_the_debrief(path: Path, tmp_path: Path) -> None:
    scenario = load_scenario(path)
    if not scenario.tests:
        pytest.skip("no tests: plan")
    plan = scenario.tests[0].choose
    alone = replay(scenario, plan)
    expected = assess(alone)

    d = Driver(path.parent, settings_path=tmp_path / "window.json")
    open_case(d, scenario.id)
    # Start with a click on the Start button.
    _, _, _, buttons, _ = d.scene.layout()
    d.click(next(b for b in buttons if b.action == "start").rect.center)
    assert d.scene.name == "play"
    play_plan(d, plan, use_mouse=True)
    session = d.scene.session
    assert session.is_over
    assert session.history == alone.history
    assert (session.emotion, session.trust, session.ending_id) == (
        alone.emotion, alone.trust, alone.ending_id)
    d.settle()
    d.key(pygame.K_RETURN)
    assert d.scene.name == "debrief"
    settle_turning_point(d)
    assert d.scene.debrief.to_json() == expected.to_json()
    exp = scenario.tests[0].expect
    if exp.ending:
        assert d.scene.debrief.ending_id == exp.ending
    # The session was recorded: the menu shows the best score.
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "menu"
    assert d.scene.best[scenario.id].score == expected.score


def test_chinese_exam_mode_keys_only(tmp_path: Path, example_path: Path) -> None:
    scenario = load_scenario(example_path)
    plan = scenario.tests[0].choose
    d = Driver(example_path.parent, lang="zh", coach=False, settings_path=tmp_path / "w.json")
    open_case(d, scenario.id)
    d.key(pygame.K_RETURN)
    play_plan(d, plan, use_mouse=False)
    # Exam mode: no coach entries in the conversation.
    assert not [e for e in d.scene.log if e.kind == "coach"]
    d.settle()
    d.key(pygame.K_RETURN)
    assert d.scene.name == "debrief"
    settle_turning_point(d)
    assert d.scene.debrief.to_json() == assess(replay(scenario, plan)).to_json()
    d.key(pygame.K_v)
    assert d.scene.name == "review"
    d.key(pygame.K_RIGHT)
    assert d.scene.index == 1
    d.key(pygame.K_ESCAPE)
    d.key(pygame.K_r)  # replay: a fresh session of the same case
    assert d.scene.name == "play" and d.scene.session.turn == 0


def test_leaving_mid_session_asks_and_offers_resume(tmp_path: Path, example_path: Path) -> None:
    scenario = load_scenario(example_path)
    d = Driver(example_path.parent, settings_path=tmp_path / "w.json")
    open_case(d, scenario.id)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_SPACE)
    d.key(pygame.K_1)
    shown = [o.index for o in d.scene.session.shown()]
    d.key(pygame.K_ESCAPE)
    assert d.app.confirm is not None and d.scene.name == "play"
    d.key(pygame.K_ESCAPE)  # "stay"
    assert d.app.confirm is None and d.scene.name == "play"
    d.key(pygame.K_ESCAPE)
    d.key(pygame.K_RETURN)  # "leave"
    assert d.scene.name == "menu"
    assert d.scene.plan is not None and d.scene.plan.info.turns == 1
    resume = next(b for b in d.scene.layout().banner_buttons if b.action == "resume")
    d.click(resume.rect.center)
    assert d.scene.name == "play"
    assert d.scene.session.turn == 1
    # the resumed session shows the replies in the same order as before
    assert [o.index for o in d.scene.session.shown()] == shown


def test_name_is_typed_and_remembered(tmp_path: Path, example_path: Path) -> None:
    settings = tmp_path / "w.json"
    d = Driver(example_path.parent, trainee=None, settings_path=settings)
    assert d.scene.editing
    d.type("李")
    d.type("明")
    d.key(pygame.K_BACKSPACE)
    d.type("华")
    d.key(pygame.K_l)  # typing mode: L does not switch language
    d.key(pygame.K_RETURN)
    assert d.app.settings.trainee == "李华"
    assert d.app.lang == "en"
    d.key(pygame.K_l)
    assert d.app.lang == "zh"
    again = Driver(example_path.parent, lang=None, trainee=None, settings_path=settings)
    assert again.app.settings.trainee == "李华" and again.app.lang == "zh"
