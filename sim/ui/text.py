"""Fonts, cached text rendering and wrapped text boxes.

One :class:`Typesetter` serves the whole window. Sizes are named roles (``"body"``,
``"h1"`` …, see :data:`sim.ui.theme.SIZES`) scaled by the trainee's text scale and by the
window size, so the same layout code works from 960x540 to fullscreen. Rendering and
wrapping are memoised: a frame re-blits cached surfaces instead of rasterising text.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import pygame

from sim.ui import theme
from sim.ui.linebreak import ellipsize, wrap

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
FONT_DIR = ROOT / "assets" / "fonts"
#: Two real weights subset from the same code points (see assets/fonts/README.md); bold
#: is never faked, since synthetic emboldening smears dense hanzi such as 骤 and 哪.
FONT_PATH = FONT_DIR / "NotoSansSC-Regular-subset.otf"
BOLD_PATH = FONT_DIR / "NotoSansSC-Bold-subset.otf"

Color = tuple[int, int, int]


class Typesetter:
    """Loads the bundled font at the sizes needed and renders text through caches."""

    def __init__(self, font_path: Path = FONT_PATH, text_scale: float = 1.0,
                 bold_path: Path = BOLD_PATH) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.font_path = font_path
        self.bold_path = bold_path
        self.text_scale = text_scale
        self.window_factor = 1.0
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._surfaces: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._widths: dict[tuple[int, bool, str], int] = {}
        self._wraps: OrderedDict[tuple, tuple[str, ...]] = OrderedDict()
        self.max_surfaces = 1500
        #: The rendered-line cache is also bounded in bytes: long lines at large sizes
        #: are big, and a count alone let the cache grow past 100 MB.
        self.max_bytes = 16 * 2**20
        self._bytes = 0
        #: When a list, every text drawn outside its box is reported here (tests).
        self.audit: list[str] | None = None

    # -- sizes -------------------------------------------------------------------------

    def set_window(self, size: tuple[int, int]) -> None:
        """Scale type with the window: 1.0 at 1280x720, gently up to 1.6 on big screens."""
        w, h = size
        self.window_factor = max(0.85, min(1.6, min(w / 1280, h / 720)))

    def px(self, role: str) -> int:
        """Pixel size of a role at the current text scale and window size."""
        return max(9, round(theme.SIZES[role] * self.text_scale * self.window_factor))

    def font(self, role: str, bold: bool = False) -> pygame.font.Font:
        """The font object for a role (loaded once per pixel size)."""
        key = (self.px(role), bold)
        font = self._fonts.get(key)
        if font is None:
            font = pygame.font.Font(str(self.bold_path if bold else self.font_path), key[0])
            self._fonts[key] = font
        return font

    def line_height(self, role: str) -> int:
        """Distance between baselines of wrapped lines."""
        return self.font(role).get_linesize()

    # -- measuring ---------------------------------------------------------------------

    def measure(self, text: str, role: str = "body", bold: bool = False) -> int:
        """Width in pixels of one line of text."""
        key = (self.px(role), bold, text)
        width = self._widths.get(key)
        if width is None:
            width = self.font(role, bold).size(text)[0] if text else 0
            if len(self._widths) > 20000:
                self._widths.clear()
            self._widths[key] = width
        return width

    def wrap(self, text: str, role: str, width: int, bold: bool = False) -> tuple[str, ...]:
        """The lines of ``text`` wrapped to ``width`` pixels (cached)."""
        key = (text, self.px(role), bold, width)
        lines = self._wraps.get(key)
        if lines is None:
            lines = tuple(wrap(text, width, lambda s: self.measure(s, role, bold)))
            self._wraps[key] = lines
            if len(self._wraps) > 3000:
                self._wraps.popitem(last=False)
        else:
            self._wraps.move_to_end(key)
        return lines

    def text_height(self, text: str, role: str, width: int, bold: bool = False) -> int:
        """Height of ``text`` wrapped to ``width``."""
        return len(self.wrap(text, role, width, bold)) * self.line_height(role)

    def fit(self, text: str, role: str, width: int, bold: bool = False) -> str:
        """One line of text cut with an ellipsis to fit ``width``."""
        return ellipsize(text, width, lambda s: self.measure(s, role, bold))

    # -- rendering ---------------------------------------------------------------------

    def render(
        self, text: str, role: str = "body", color: Color = theme.INK, bold: bool = False
    ) -> pygame.Surface:
        """A rendered line of text (cached; the caller must not modify it)."""
        key = (text, self.px(role), color, bold)
        surf = self._surfaces.get(key)
        if surf is None:
            surf = self.font(role, bold).render(text, True, color)
            self._surfaces[key] = surf
            self._bytes += _size_of(surf)
            while len(self._surfaces) > 1 and (len(self._surfaces) > self.max_surfaces
                                               or self._bytes > self.max_bytes):
                _, old = self._surfaces.popitem(last=False)
                self._bytes -= _size_of(old)
        else:
            self._surfaces.move_to_end(key)
        return surf

    def draw(
        self,
        surface: pygame.Surface,
        text: str,
        pos: tuple[int, int],
        role: str = "body",
        color: Color = theme.INK,
        bold: bool = False,
        max_width: int | None = None,
        anchor: str = "topleft",
    ) -> pygame.Rect:
        """Draw one line (ellipsised to ``max_width`` if given); returns the drawn rect."""
        if max_width is not None:
            text = self.fit(text, role, max_width, bold)
        surf = self.render(text, role, color, bold)
        rect = surf.get_rect(**{anchor: pos})
        surface.blit(surf, rect)
        if self.audit is not None:
            self._check_line(surface, text, rect, max_width, role, bold)
        return rect

    def _check_line(
        self, surface: pygame.Surface, text: str, rect: pygame.Rect, max_width: int | None,
        role: str, bold: bool,
    ) -> None:
        assert self.audit is not None
        width = self.measure(text, role, bold)
        if max_width is not None and width > max_width and len(text) > 1:
            self.audit.append(f"line wider than {max_width}: {text!r}")
        clipped = surface.get_clip() != surface.get_rect()  # a scrolling view
        if text.strip() and not clipped and not surface.get_rect().contains(rect):
            self.audit.append(f"line outside the window at {tuple(rect)}: {text!r}")

    def draw_wrapped(
        self,
        surface: pygame.Surface,
        text: str,
        rect: pygame.Rect,
        role: str = "body",
        color: Color = theme.INK,
        bold: bool = False,
        align: str = "left",
        max_chars: int | None = None,
    ) -> int:
        """Draw ``text`` wrapped inside ``rect``, clipped to it; returns the height used.

        ``max_chars`` draws only the first characters (the typewriter effect) while the
        line breaks stay those of the whole text, so words never jump between lines.
        """
        lines = self.wrap(text, role, rect.width, bold)
        lh = self.line_height(role)
        if self.audit is not None and text.strip():
            if len(lines) * lh > rect.height + 2:
                self.audit.append(f"{len(lines)} lines do not fit {tuple(rect)}: {text[:40]!r}")
            if rect.right > surface.get_width() or rect.x < 0:
                self.audit.append(f"box wider than the window {tuple(rect)}: {text[:40]!r}")
        old_clip = surface.get_clip()
        surface.set_clip(rect.clip(old_clip) if old_clip else rect)
        y = rect.y
        left = max_chars if max_chars is not None else None
        for line in lines:
            if y >= rect.bottom:
                break
            shown = line
            if left is not None:
                if left <= 0:
                    break
                shown = line[:left]
                left -= len(line) + 1  # the dropped break counts as one character
            if shown and y + lh > rect.y:
                surf = self.render(shown, role, color, bold)
                if align == "center":
                    x = rect.x + (rect.width - self.measure(line, role, bold)) // 2
                else:
                    x = rect.x
                surface.blit(surf, (x, y))
            y += lh
        surface.set_clip(old_clip)
        return len(lines) * lh


def _size_of(surf: pygame.Surface) -> int:
    """Bytes of a surface's pixels."""
    return surf.get_pitch() * surf.get_height()


def covers(text: str, font_path: Path = FONT_PATH) -> str:
    """Characters of ``text`` the bundled font cannot draw (empty string when all can).

    The subset renders a missing character as a blank gap, so a missing glyph is one with
    an advance but no ink; spaces are fine.
    """
    font = _probe_font(str(font_path))
    missing = []
    for ch in set(text):
        if ch.isspace():
            continue
        metrics = font.metrics(ch)
        m = metrics[0] if metrics else None
        if m is None or (m[0] == m[1] == 0 and m[2] == m[3] == 0):
            missing.append(ch)
    return "".join(sorted(missing))


@lru_cache(maxsize=2)
def _probe_font(path: str) -> pygame.font.Font:
    if not pygame.font.get_init():
        pygame.font.init()
    return pygame.font.Font(path, 20)
