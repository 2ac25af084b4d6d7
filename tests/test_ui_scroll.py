"""Mouse-wheel scrolling of the conversation and of replies that do not fit, and the
meters showing the change a reply made (screenshot taken mid-animation)."""

from __future__ import annotations

from pathlib import Path

import pygame

from sim.scenario import find_scenarios, load_scenario, text_of
from sim.ui.testing import Driver
from sim.ui.widgets import DELTA_SHOW

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "shots"
LIBRARY = ROOT / "scenarios"


def wheel(d: Driver, clicks: int) -> None:
    """Turn the wheel where the pointer is (negative: scroll down)."""
    d.input.push(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=clicks, flipped=False,
                                    precise_x=0.0, precise_y=float(clicks)))
    d.step()


def wordiest_case() -> str:
    """The library case whose opening replies are longest in Chinese."""
    def size(path: Path) -> int:
        s = load_scenario(path)
        return sum(len(text_of(c.reply, "zh")) for c in s.nodes[s.start].choices)
    return load_scenario(max(find_scenarios(LIBRARY), key=size)).id


def open_play(d: Driver, case: str) -> None:
    """From the menu to the case's first line, fully shown."""
    for _ in range([e.id for e in d.app.library.entries].index(case)):
        d.key(pygame.K_DOWN)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_SPACE)
    d.settle()
    assert d.scene.name == "play"


def test_wheel_scrolls_replies_that_do_not_fit(tmp_path: Path) -> None:
    d = Driver(LIBRARY, size=(960, 540), lang="zh", settings_path=tmp_path / "w.json")
    d.app.settings.text_scale = d.app.ts.text_scale = 1.6
    open_play(d, wordiest_case())
    scene = d.scene
    lay = scene.layout()
    assert scene.choice_scroll.max_offset > 0, "replies fit: the case is not wordy enough"
    d.move(lay["replies"].center)
    log_before = scene.scroll.target
    wheel(d, -2)
    d.settle()
    assert scene.choice_scroll.offset > 0 and scene.scroll.target == log_before
    wheel(d, -50)
    d.settle()
    assert scene.choice_scroll.offset == scene.choice_scroll.max_offset
    d.shot(SHOTS / "scroll_replies_zh.png")
    # The last reply is now reachable by click.
    last = scene.layout()["buttons"][-1]
    assert lay["replies"].collidepoint(last.rect.midbottom[0], last.rect.bottom - 2)
    wheel(d, 50)
    d.settle()
    assert scene.choice_scroll.offset == 0


def test_wheel_scrolls_the_conversation(tmp_path: Path) -> None:
    d = Driver(LIBRARY, size=(960, 540), settings_path=tmp_path / "w.json")
    d.app.settings.text_scale = d.app.ts.text_scale = 1.6
    open_play(d, d.app.library.entries[0].id)
    scene = d.scene
    for _ in range(3):  # a few turns, so the conversation is longer than its view
        d.key(pygame.K_1)
        d.key(pygame.K_SPACE)
        d.settle()
        if scene.session.is_over:
            break
    assert scene.scroll.max_offset > 0 and scene.follow
    d.move(scene.layout()["log"].center)
    wheel(d, 2)
    d.settle()
    assert scene.scroll.offset < scene.scroll.max_offset and not scene.follow
    wheel(d, -100)
    d.settle()
    assert scene.scroll.offset == scene.scroll.max_offset and scene.follow


def test_meters_show_the_change_after_a_reply(tmp_path: Path) -> None:
    for lang in ("en", "zh"):
        d = Driver(LIBRARY, lang=lang, settings_path=tmp_path / f"{lang}.json")
        open_play(d, d.app.library.entries[0].id)
        scene = d.scene
        before = scene.session.emotion
        d.key(pygame.K_1)
        d.step(6)  # mid-animation: the bar is moving and the change is shown
        em = scene.emotion
        assert scene.session.emotion != before
        assert em.delta == scene.session.emotion - before and em.delta_age < DELTA_SHOW
        assert em.value != em.target
        d.shot(SHOTS / f"meters_delta_{lang}.png")
