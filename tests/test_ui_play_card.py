"""The customer's card in play at every window and text size: the portrait keeps a
readable size (the name goes beside it when the card is short), the parts don't overlap
or leave the card, and the method progress shows in coach mode at every size."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from sim.ui import theme
from sim.ui.scenes.play import PORTRAIT_BESIDE
from sim.ui.testing import Driver

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "scenarios"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_play_card_keeps_the_face_and_the_progress(tmp_path: Path, lang: str) -> None:
    d = Driver(LIBRARY, size=theme.MIN_SIZE, lang=lang, settings_path=tmp_path / "w.json",
               use_records=False)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    scene = d.scene
    assert scene.name == "play"
    ts = d.app.ts
    shown = []
    for size in (theme.MIN_SIZE, (1280, 720), (1920, 1080)):
        d.resize(size)
        for scale in theme.TEXT_SCALES:
            d.app.settings.text_scale = ts.text_scale = scale
            left = scene.layout()["left"]
            card = scene.customer_card(left)
            where = (size, scale)
            inner = left.inflate(-24, -24)
            assert card.portrait.width == card.portrait.height >= PORTRAIT_BESIDE, where
            assert inner.contains(card.portrait) and inner.contains(card.name), where
            assert not card.portrait.colliderect(card.name), where
            assert card.role_y >= max(card.portrait.bottom, card.name.bottom), where
            shown.append(card.steps_h > 0)
            assert card.meter_ends or size == theme.MIN_SIZE, where
            ts.audit = []
            d.app.dirty = True
            d.step()
            problems, ts.audit = ts.audit, None
            assert not problems, (where, problems[:3])
    # the progress shows at every window and text size (on the smallest window at the
    # largest text the meters' ends go unnamed to make room for it)
    assert all(shown), shown
