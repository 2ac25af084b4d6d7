"""The play screen as the trainee meets it: a number key answers at once, typing speed
(including off), the frame after the typing ends, the idle blink, the authority card,
method progress in coach mode only, and every reply reachable at every size."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from sim.ui.testing import Driver

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "scenarios"


def to_play(d: Driver) -> None:
    """From the menu, open the first case and start playing."""
    d.key(pygame.K_RETURN)
    assert d.scene.name == "brief"
    d.key(pygame.K_RETURN)
    assert d.scene.name == "play"


def test_a_number_key_answers_while_the_line_types(tmp_path: Path) -> None:
    d = Driver(LIBRARY, settings_path=tmp_path / "w.json")
    to_play(d)
    assert d.scene.is_typing
    d.key(pygame.K_1)
    assert len(d.scene.session.history) == 1  # answered, not merely skipped
    # the interrupted line is kept whole in the log
    assert next(e.kind for e in d.scene.log if e.kind != "note") == "customer"


@pytest.mark.parametrize("speed", ["slow", "normal", "fast", "off"])
def test_typing_speed_setting(speed: str, tmp_path: Path) -> None:
    d = Driver(LIBRARY, settings_path=tmp_path / "w.json")
    d.app.settings.typing = speed
    to_play(d)
    if speed == "off":
        assert not d.scene.is_typing
        return
    frames = d.until(lambda: not d.scene.is_typing)
    total = len(d.scene.typing_text())
    factor = {"slow": 0.6, "normal": 1.0, "fast": 2.0}[speed]
    expected = total / (60.0 * factor) / 0.016
    assert abs(frames - expected) <= expected * 0.1 + 3


def test_the_frame_after_the_typing_ends_is_drawn(tmp_path: Path) -> None:
    d = Driver(LIBRARY, settings_path=tmp_path / "w.json")
    to_play(d)
    states: list[bool] = []
    real = d.app.draw

    def draw() -> None:
        states.append(d.scene.is_typing)
        real()

    d.app.draw = draw  # type: ignore[method-assign]
    d.until(lambda: not d.scene.is_typing)
    d.step(5)  # no input arrives
    # The last frame drawn shows the whole line and the replies, not the line minus one.
    assert states and states[-1] is False


def test_the_blink_fires_while_idle(tmp_path: Path) -> None:
    d = Driver(LIBRARY, settings_path=tmp_path / "w.json")
    to_play(d)
    d.key(pygame.K_SPACE)
    d.settle()
    blinks = d.scene.blinks
    d.step(int(6 / 0.016))  # six seconds of idle frames
    assert d.scene.blinks > blinks


def test_authority_card_is_one_key_away(tmp_path: Path) -> None:
    d = Driver(LIBRARY, settings_path=tmp_path / "w.json")
    to_play(d)
    d.key(pygame.K_a)
    assert d.scene.show_authority
    d.app.ts.audit = []
    d.shot(tmp_path / "auth.png")
    assert not d.app.ts.audit
    d.app.ts.audit = None
    d.key(pygame.K_a)
    assert not d.scene.show_authority


@pytest.mark.parametrize("coach", [True, False])
def test_method_progress_in_coach_mode_only(coach: bool, tmp_path: Path) -> None:
    d = Driver(LIBRARY, settings_path=tmp_path / "w.json", coach=coach)
    to_play(d)
    d.key(pygame.K_SPACE)
    d.key(pygame.K_1)
    chips = d.scene.step_chips()
    if not coach:
        assert chips == []
        return
    assert len(chips) == 5
    step = d.scene.session.history[0].step
    taken = [label for label, done in chips if done]
    assert len(taken) == (1 if step else 0)


def test_exam_mode_shows_no_meter_change(tmp_path: Path) -> None:
    shots = {}
    for coach in (True, False):
        d = Driver(LIBRARY, settings_path=tmp_path / f"w{coach}.json", coach=coach)
        to_play(d)
        d.key(pygame.K_SPACE)
        d.key(pygame.K_1)
        d.step(3)
        assert d.scene.emotion.delta or d.scene.trust.delta
        drawn: list[str] = []
        real = d.app.ts.draw

        def spy(surface, text, *a, _real=real, _drawn=drawn, **k):  # type: ignore[no-untyped-def]
            _drawn.append(text)
            return _real(surface, text, *a, **k)

        d.app.ts.draw = spy  # type: ignore[method-assign]
        d.shot(tmp_path / f"m{coach}.png")
        shots[coach] = [t for t in drawn if t[:1] in "+-" and t[1:].isdigit()]
    assert shots[True] and not shots[False]


@pytest.mark.parametrize("size", [(960, 540), (1280, 720)])
@pytest.mark.parametrize("scale", [1.0, 1.6])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_reply_is_reachable_with_a_cue(size: tuple[int, int], scale: float, lang: str,
                                             tmp_path: Path) -> None:
    d = Driver(LIBRARY, size=size, lang=lang, settings_path=tmp_path / "w.json")
    d.app.settings.text_scale = d.app.ts.text_scale = scale
    to_play(d)
    d.key(pygame.K_SPACE)
    d.settle()
    scene = d.scene
    lay = scene.layout()
    area = lay["list"]
    hidden = [b for b in lay["buttons"] if b.rect.bottom > area.bottom + 1]
    # the cue has a band of its own: it never covers a reply
    assert not lay["cue"].colliderect(area)
    assert lay["cue"].height > 0 if hidden else lay["cue"].height == 0
    assert lay["list"].union(lay["cue"]).height <= lay["replies"].height
    drawn: list[str] = []
    real = d.app.ts.draw

    def spy(surface, text, *a, **k):  # type: ignore[no-untyped-def]
        drawn.append(text)
        return real(surface, text, *a, **k)

    d.app.ts.draw = spy  # type: ignore[method-assign]
    d.shot(tmp_path / "r.png")
    cue = d.app.t("more_replies_below")
    assert (cue in drawn) == bool(hidden)
    # The conversation keeps room for a few lines.
    assert lay["log"].height >= 3 * d.app.ts.line_height("body")
    # Scrolling the replies brings the last one fully into view.
    for _ in range(30):
        d.input.push(pygame.event.Event(pygame.MOUSEMOTION, pos=area.center, rel=(0, 0),
                                        buttons=(0, 0, 0)))
        d.input.push(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1, flipped=False))
        d.step()
    d.settle()
    lay = scene.layout()
    assert lay["buttons"][-1].rect.bottom <= lay["list"].bottom + 1


def test_settings_panel_is_remembered(tmp_path: Path) -> None:
    d = Driver(LIBRARY, settings_path=tmp_path / "w.json")
    d.key(pygame.K_F3)
    assert d.scene.name == "settings"
    d.key(pygame.K_DOWN)  # text size
    d.key(pygame.K_RIGHT)
    d.key(pygame.K_DOWN)  # typing speed: normal -> fast
    d.key(pygame.K_RIGHT)
    d.key(pygame.K_DOWN)
    d.key(pygame.K_DOWN)  # reduce motion
    d.key(pygame.K_RETURN)
    d.app.ts.audit = []
    d.shot(tmp_path / "settings.png")
    assert not d.app.ts.audit
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "menu"
    again = Driver(LIBRARY, settings_path=tmp_path / "w.json")
    st = again.app.settings
    assert (st.text_scale, st.typing, st.reduce_motion) == (1.1, "fast", True)
    again.key(pygame.K_0, mod=pygame.KMOD_LCTRL)
    assert again.app.settings.text_scale == 1.0


def test_a_session_without_replies_is_not_offered_for_resume(tmp_path: Path) -> None:
    from types import SimpleNamespace

    class Store:
        """Records holding one unfinished session of 0 replies and one of 2."""

        def __init__(self, turns: list[int]) -> None:
            self.turns = turns
            self.planned: list[int] = []

        def best_scores(self, name: str) -> dict:
            return {}

        def unfinished(self, name: str) -> list:
            return [SimpleNamespace(turns=n, scenario_id="x") for n in self.turns]

        def plan_resume(self, info, folder):  # type: ignore[no-untyped-def]
            self.planned.append(info.turns)
            return None

    for turns, planned in (([0], []), ([0, 2], [2])):
        store = Store(turns)
        d = Driver(LIBRARY, settings_path=tmp_path / "w.json", store=store)
        store.planned.clear()
        d.scene.refresh_records()
        assert store.planned == planned
        assert [u.turns for u in d.scene.unfinished] == [t for t in turns if t]


@pytest.mark.parametrize("size", [(960, 540), (1280, 720), (1920, 1080)])
@pytest.mark.parametrize("scale", [0.8, 1.0, 1.6])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_authority_card_fits_or_scrolls_with_a_cue(size: tuple[int, int], scale: float,
                                                   lang: str, tmp_path: Path) -> None:
    d = Driver(LIBRARY, size=size, lang=lang, settings_path=tmp_path / "w.json")
    d.app.settings.text_scale = d.app.ts.text_scale = scale
    to_play(d)
    d.key(pygame.K_SPACE)
    d.key(pygame.K_a, unicode="a")
    d.settle()
    scene = d.scene
    card = scene.layout()["authority"]
    assert d.app.surface.get_rect().contains(card["card"])
    assert card["card"].contains(card["body"]) and card["card"].contains(card["cue"])
    overflow = card["body_h"] > card["body"].height
    assert (card["cue"].height > 0) == overflow
    drawn: list[str] = []
    real = d.app.ts.draw

    def spy(surface, text, *a, **k):  # type: ignore[no-untyped-def]
        drawn.append(text)
        return real(surface, text, *a, **k)

    d.app.ts.draw = spy  # type: ignore[method-assign]
    d.app.ts.audit = []
    d.shot(tmp_path / "a.png")
    assert not d.app.ts.audit
    d.app.ts.audit = None
    assert (d.app.t("more_text_below") in drawn) == overflow
    if overflow:  # the keys scroll the card to its last line, and the cue turns
        for _ in range(40):
            d.key(pygame.K_DOWN)
        d.settle()
        assert scene.authority_scroll.offset == scene.authority_scroll.max_offset > 0
        drawn.clear()
        d.shot(tmp_path / "b.png")
        assert d.app.t("more_text_above") in drawn
        assert d.app.t("more_text_below") not in drawn


def test_brief_a_shows_the_authority(tmp_path: Path) -> None:
    d = Driver(LIBRARY, size=(960, 540), settings_path=tmp_path / "w.json")
    d.app.settings.text_scale = d.app.ts.text_scale = 1.6
    d.key(pygame.K_RETURN)
    d.settle()
    scene = d.scene
    assert scene.scroll.max_offset > 0, "the brief fits: nothing to scroll to"
    d.key(pygame.K_a, unicode="a")
    d.settle()
    index = scene.authority_index()
    assert index is not None
    page = scene.page(scene.doc_view())
    top = scene.doc().offset_of(d.app.ts, page.width, index)
    assert scene.scroll.offset == min(top, scene.scroll.max_offset) > 0


def test_menu_list_scrolls_to_the_selected_case(tmp_path: Path) -> None:
    d = Driver(LIBRARY, size=(960, 540), settings_path=tmp_path / "w.json")
    d.app.settings.text_scale = d.app.ts.text_scale = 1.6
    d.settle()
    scene = d.scene
    for _ in range(len(d.app.library.entries)):
        d.key(pygame.K_DOWN)
    d.settle()
    lay = scene.layout()
    card = lay.cards[scene.selected]
    assert scene.selected == len(lay.cards) - 1
    top = lay.list_view.y + card.y - round(scene.scroll.offset)
    assert lay.list_view.y <= top and top + card.h <= lay.list_view.bottom + 1


def test_a_blink_redraws_only_the_portrait(tmp_path: Path) -> None:
    d = Driver(LIBRARY, settings_path=tmp_path / "w.json")
    to_play(d)
    d.key(pygame.K_SPACE)
    d.settle()
    scene = d.scene
    full = d.app.frames_drawn - d.app.partial_frames
    blinks = scene.blinks
    d.until(lambda: scene.blinks > blinks and scene.blink_left == 0 and not d.app.touched)
    assert d.app.partial_frames >= 2  # eyes shut, eyes open
    assert d.app.frames_drawn - d.app.partial_frames == full  # no whole frame for it
    # what the partial redraw left on screen is what a whole frame draws
    scene.blink_left = BLINK = 0.1
    d.app.touch()
    d.step()
    assert scene.blink_left < BLINK and d.app.partial_frames >= 3
    partial = pygame.image.tobytes(d.app.surface, "RGB")
    scene.draw(d.app.surface)
    assert pygame.image.tobytes(d.app.surface, "RGB") == partial


def test_idle_timers_get_the_whole_sleep(tmp_path: Path) -> None:
    """An idle loop sleeps until the next blink is due (not in 50 ms steps), and the
    blink still comes on time: the sleep counts in full."""
    d = Driver(LIBRARY, settings_path=tmp_path / "w.json")
    to_play(d)
    d.key(pygame.K_SPACE)
    d.settle()
    scene = d.scene
    blinks = scene.blinks
    d.clock.ms = 1000  # every idle frame now sleeps a second
    d.step(6)
    assert scene.blinks > blinks


def test_an_idle_window_closes_the_audio_device() -> None:
    from sim.ui.sound import REST_AFTER, Sounds

    pygame.mixer.quit()  # opened by an earlier test's window: this one opens its own
    sounds = Sounds()
    sounds.play("click")
    if not pygame.mixer.get_init():
        pytest.skip("no audio device here, not even SDL's dummy one")
    sounds.rest()
    assert pygame.mixer.get_init()  # just played: kept open
    sounds._last -= REST_AFTER + 1
    pygame.mixer.stop()
    sounds.rest()
    assert not pygame.mixer.get_init()
    sounds.play("click")  # the next sound opens it again
    assert pygame.mixer.get_init()
    sounds._last -= REST_AFTER + 1
    pygame.mixer.stop()
    sounds.rest()
