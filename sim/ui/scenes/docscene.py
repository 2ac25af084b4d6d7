"""Scenes built around one scrolling page: the brief, the debrief, the review and the
history each show a :class:`Doc` in a panel and scroll it with the wheel and the keys.

The shared part lives here: the memoised page, the scroll intents, the per-frame scroll
extent and easing, and drawing the page with its scrollbar. A subclass builds its page
(:meth:`DocScene.build_doc`), says which rect of its layout holds it
(:meth:`DocScene.doc_view`) and keeps everything else that is its own.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import pygame

from sim.ui.doc import Doc
from sim.ui.intents import Intent, Kind
from sim.ui.scene import Scene
from sim.ui.widgets import (
    Button,
    Scroll,
    cue_height,
    draw_button,
    draw_more_cue,
    draw_scrollbar,
    panel,
)


class DocScene(Scene):
    """A scene whose main content is one :class:`Doc` scrolled inside a panel."""

    #: How much the page is inset from its panel, as for :meth:`pygame.Rect.inflate`.
    page_inset: tuple[int, int] = (-40, -32)

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.scroll = Scroll()
        self._docs: dict[Hashable, Doc] = {}

    # -- the page ------------------------------------------------------------------------

    def doc_key(self) -> Hashable:
        """What the page depends on besides the scene's fixed data (the language)."""
        return self.app.lang

    def build_doc(self) -> Doc:
        """The page for the current :meth:`doc_key` (subclasses build it)."""
        raise NotImplementedError

    def doc(self) -> Doc:
        """The page, built once per :meth:`doc_key`."""
        key = self.doc_key()
        if key not in self._docs:
            self._docs[key] = self.build_doc()
        return self._docs[key]

    def doc_view(self) -> pygame.Rect:
        """The panel the page is shown in, from the scene's layout."""
        raise NotImplementedError

    def page(self, view: pygame.Rect) -> pygame.Rect:
        """The rect inside the panel ``view`` where the page's blocks are drawn; when the
        page is longer than that, a band at its foot is kept for the "more below" cue."""
        page = view.inflate(*self.page_inset)
        if self.doc().height(self.app.ts, page.width) > page.height:
            page.height -= cue_height(self.app.ts)
        return page

    # -- input and time ------------------------------------------------------------------

    def scroll_page(self, direction: int) -> None:
        """Scroll by nine tenths of the panel's height (``direction``: 1 down, -1 up)."""
        self.scroll.by(direction * self.doc_view().height * 0.9)

    def handle_scroll(self, intent: Intent) -> bool:
        """Scroll for the wheel, the arrow keys and Page Up / Down; False for any other
        intent."""
        k = intent.kind
        if k is Kind.SCROLL:
            self.scroll.by(intent.value * self.app.ts.line_height("body"))
        elif k in (Kind.UP, Kind.DOWN):
            self.scroll.by((1 if k is Kind.DOWN else -1) * 3 * self.app.ts.line_height("body"))
        elif k in (Kind.PAGE_UP, Kind.PAGE_DOWN):
            self.scroll_page(1 if k is Kind.PAGE_DOWN else -1)
        else:
            return False
        return True

    def update(self, dt: float) -> None:
        page = self.page(self.doc_view())
        self.scroll.set_extent(self.doc().height(self.app.ts, page.width), page.height)
        self.scroll.update(dt)

    @property
    def animating(self) -> bool:
        return self.scroll.animating

    # -- drawing -------------------------------------------------------------------------

    def draw_doc(self, surface: pygame.Surface, view: pygame.Rect) -> None:
        """The panel ``view`` with the page in it, scrolled, and its scrollbar."""
        panel(surface, view, radius=14)
        page = self.page(view)
        self.doc().draw(surface, self.app.ts, page, self.scroll.offset)
        draw_scrollbar(surface, view.inflate(-6, -16), self.scroll)
        band = pygame.Rect(page.x, page.bottom, page.width,
                           view.inflate(*self.page_inset).bottom - page.bottom)
        draw_more_cue(surface, self.app.ts, band, self.scroll, self.t("more_text_below"),
                      self.t("more_text_above"))

    def draw_buttons(self, surface: pygame.Surface, buttons: Iterable[Button]) -> None:
        """The buttons, the one under the pointer highlighted."""
        for b in buttons:
            draw_button(surface, self.app.ts, b, b.hit(self.app.hover))
