"""The case brief's customer card at every window and text size: the portrait keeps a
readable size (the text flows around it when the card is short) and nothing in the card
overlaps or leaves it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.ui import theme
from sim.ui.scenes.brief import BriefScene
from sim.ui.testing import Driver
from sim.ui.widgets import button_width

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "scenarios"
#: The smallest face a trainee can still read a mood from.
SMALLEST_FACE = 80


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_brief_portrait_keeps_its_size(tmp_path: Path, lang: str) -> None:
    d = Driver(LIBRARY, size=theme.MIN_SIZE, lang=lang, settings_path=tmp_path / "w.json",
               use_records=False)
    ts = d.app.ts
    entries = d.app.library.entries
    assert len(entries) >= 3
    for entry in entries:
        scene = BriefScene(d.app, entry)
        d.app.push(scene)
        c = entry.scenario.customer
        for size in (theme.MIN_SIZE, (1280, 720), (1920, 1080)):
            d.resize(size)
            for scale in theme.TEXT_SCALES:
                d.app.settings.text_scale = ts.text_scale = scale
                left = scene.layout()[0]
                card = scene.card_layout(left)
                where = (entry.id, size, scale)
                assert card.portrait.width == card.portrait.height >= SMALLEST_FACE, where
                inner = left.inflate(-24, -24)
                for part in (card.portrait, card.name, card.rest):
                    assert inner.contains(part), where
                assert not card.portrait.colliderect(card.name), where
                assert not card.portrait.colliderect(card.rest), where
                assert not card.name.colliderect(card.rest), where
                name_h = ts.line_height("tiny") + ts.text_height(d.app.tx(c.name), "h3",
                                                                 card.name.width, True)
                assert name_h <= card.name.height, where
                rest_h = (ts.text_height(d.app.tx(c.role), "small", card.rest.width) + 6
                          + ts.text_height(scene.start_text(), "tiny", card.rest.width))
                assert rest_h <= card.rest.height, where
                for button in scene.layout()[3]:  # room for the label and its key
                    assert button.rect.width >= button_width(ts, button.label, button.key), (
                        where, button.label)
                # and drawn: no line leaves its box
                ts.audit = []
                d.app.dirty = True
                d.step()
                problems, ts.audit = ts.audit, None
                assert not problems, (where, problems[:3])
        d.app.pop()
