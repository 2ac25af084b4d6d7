"""Every text colour of the theme reads at WCAG AA (4.5:1) on every background text is
drawn on, white text reads on every colour used as a fill, and the scales a legend
explains (status, quality, outcome) differ by more than lightness."""

from __future__ import annotations

import pytest

from sim.ui import theme

AA = 4.5
WHITE = (255, 255, 255)


def test_contrast_formula_matches_known_values() -> None:
    assert theme.contrast(WHITE, (0, 0, 0)) == pytest.approx(21.0)
    assert theme.contrast((118, 118, 118), WHITE) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("fg", theme.TEXT_COLORS)
def test_text_colours_on_every_background(fg: theme.Color) -> None:
    for bg in theme.TEXT_BACKGROUNDS:
        assert theme.contrast(fg, bg) >= AA, (fg, bg, round(theme.contrast(fg, bg), 2))


@pytest.mark.parametrize("fill", theme.TEXT_COLORS)
def test_white_text_on_every_fill(fill: theme.Color) -> None:
    # chips and pills draw white text on these colours
    assert theme.contrast(WHITE, fill) >= AA, (fill, round(theme.contrast(WHITE, fill), 2))


def test_light_text_on_dark_and_primary() -> None:
    assert theme.contrast(theme.KEY_ON_PRIMARY, theme.ACCENT) >= AA
    for fg in (theme.GOLD_ON_DARK, theme.LABEL_ON_DARK, WHITE):
        assert theme.contrast(fg, theme.INK) >= AA


@pytest.mark.parametrize("scale", ["STATUS_COLORS", "QUALITY_COLORS", "OUTCOME_COLORS"])
def test_scale_colours_are_told_apart(scale: str) -> None:
    colors = list(getattr(theme, scale).values())
    for i, a in enumerate(colors):
        for b in colors[i + 1:]:
            # distinct hue: some channel differs by a third of its range
            assert max(abs(x - y) for x, y in zip(a, b, strict=True)) >= 40, (a, b)
