"""A modal notice with a list of located lines (e.g. a scenario's errors after F5).

Unlike a toast it stays until dismissed (Enter, Esc or its button), because a trainer
has to read ``path:line:col`` lines and go to their editor; the lines scroll when there
are more than fit. The scene behind it keeps its state and carries on afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from sim.ui import theme
from sim.ui.intents import Intent, Kind
from sim.ui.widgets import Button, Scroll, draw_button, draw_scrollbar, panel

if TYPE_CHECKING:
    from sim.ui.app import App


class Notice:
    """Title, a sentence, and lines to read; one button to close."""

    def __init__(self, app: App, title: str, body: str, lines: list[str],
                 **values: object) -> None:
        """``title`` and ``body`` are string keys (formatted with ``values``), so the
        notice follows a language switch; ``lines`` are shown as they are."""
        self.app = app
        self.title_key, self.body_key, self.values = title, body, values
        self.lines = lines
        self.scroll = Scroll()
        self.closed = False

    @property
    def title(self) -> str:
        """The heading in the current language."""
        return self.app.t(self.title_key, **self.values)

    @property
    def body(self) -> str:
        """The explanation in the current language (characters the font lacks replaced)."""
        from sim.ui.app import GLYPH_FALLBACKS

        return self.app.t(self.body_key, **self.values).translate(GLYPH_FALLBACKS)

    @property
    def ok(self) -> str:
        """The button's label."""
        return self.app.t("ok")

    def layout(self, app: App) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect, Button]:
        """The box, the heading area, the scrolling lines' view and the button."""
        ts = app.ts
        w, h = app.size
        bw = min(w - 40, max(560, int(w * 0.72)))
        inner = bw - 48
        head_h = (ts.text_height(self.title, "h2", inner, True) + 8
                  + (ts.text_height(self.body, "body", inner) if self.body else 0))
        lines_h = self.lines_height(app, inner - 12)
        btn_h = ts.line_height("body") + 16
        want = 24 + head_h + 12 + lines_h + 16 + btn_h + 24
        box = pygame.Rect(0, 0, bw, min(h - 40, want))
        box.center = (w // 2, h // 2)
        head = pygame.Rect(box.x + 24, box.y + 24, inner, head_h)
        btn = Button(pygame.Rect(0, 0, max(120, ts.measure(self.ok, "body") + 80), btn_h),
                     self.ok, "ok", "Enter", primary=True)
        btn.rect.bottomright = (box.right - 24, box.bottom - 24)
        view = pygame.Rect(head.x, head.bottom + 12, inner,
                           max(0, btn.rect.y - 16 - head.bottom - 12))
        return box, head, view, btn

    def lines_height(self, app: App, width: int) -> int:
        """Height of all the lines wrapped at ``width``."""
        ts = app.ts
        return sum(ts.text_height(line, "small", width) + 6 for line in self.lines)

    def handle(self, intent: Intent, app: App) -> None:
        """Close on Enter, Esc or the button; scroll with the wheel and keys."""
        k = intent.kind
        _, _, view, btn = self.layout(app)
        lh = app.ts.line_height("small")
        if k in (Kind.CONFIRM, Kind.BACK) or (k is Kind.CLICK and btn.hit(intent.pos)):
            self.closed = True
        elif k is Kind.SCROLL:
            self.scroll.by(float(intent.value) * lh)  # type: ignore[arg-type]
        elif k in (Kind.UP, Kind.DOWN):
            self.scroll.by((1 if k is Kind.DOWN else -1) * 3 * lh)
        elif k in (Kind.PAGE_UP, Kind.PAGE_DOWN):
            self.scroll.by((1 if k is Kind.PAGE_DOWN else -1) * view.height * 0.9)

    def update(self, dt: float, app: App) -> None:
        """Keep the scroll inside the lines and ease it."""
        _, _, view, _ = self.layout(app)
        self.scroll.set_extent(self.lines_height(app, view.width - 12), view.height)
        self.scroll.update(dt)

    @property
    def animating(self) -> bool:
        """True while scrolling eases."""
        return self.scroll.animating

    def draw(self, surface: pygame.Surface, app: App, hover: tuple[int, int] | None) -> None:
        """Dim the scene and draw the notice."""
        ts = app.ts
        shade = pygame.Surface(app.size, pygame.SRCALPHA)
        shade.fill(theme.OVERLAY)
        surface.blit(shade, (0, 0))
        box, head, view, btn = self.layout(app)
        panel(surface, box, theme.PANEL, theme.WARN, radius=14)
        pygame.draw.rect(surface, theme.WARN, (box.x, box.y + 12, 6, box.height - 24),
                         border_radius=3)
        th = ts.draw_wrapped(surface, self.title, head, "h2", theme.WARN, True)
        if self.body:
            ts.draw_wrapped(surface, self.body,
                            pygame.Rect(head.x, head.y + th + 8, head.width,
                                        head.height - th - 8), "body", theme.INK)
        if view.height > 0:
            pygame.draw.rect(surface, theme.PANEL_ALT, view, border_radius=6)
            old = surface.get_clip()
            surface.set_clip(view)
            y = view.y + 4 - round(self.scroll.offset)
            for line in self.lines:
                lh = ts.text_height(line, "small", view.width - 12)
                if y + lh >= view.y and y <= view.bottom:
                    ts.draw_wrapped(surface, line, pygame.Rect(view.x + 6, y, view.width - 12,
                                                               lh), "small", theme.INK)
                y += lh + 6
            surface.set_clip(old)
            draw_scrollbar(surface, view, self.scroll)
        draw_button(surface, ts, btn, btn.hit(hover))
