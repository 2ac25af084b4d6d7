"""History: the trainee's past sessions from the records store."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import pygame

from sim.ui import theme
from sim.ui.doc import Block, Cell, Doc, Para, Table
from sim.ui.intents import Intent, Kind
from sim.ui.scene import Scene
from sim.ui.widgets import Button, Scroll, draw_button, draw_scrollbar, panel

log = logging.getLogger(__name__)


def when(iso: str | None) -> str:
    """A stored UTC timestamp as local date and time."""
    if not iso:
        return "-"
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso[:16]


class HistoryScene(Scene):
    """A table of sessions, newest first."""

    name = "history"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.scroll = Scroll()
        self.sessions: list[Any] | None = None
        self._docs: dict[str, Doc] = {}
        store = app.store
        if store is not None:
            try:
                self.sessions = store.sessions(trainee=app.settings.trainee, limit=500)
            except Exception as exc:
                log.warning("no history: %s", exc)

    def doc(self) -> Doc:
        """The table in the current language (memoised)."""
        lang = self.app.lang
        if lang in self._docs:
            return self._docs[lang]
        t = self.t
        blocks: list[Block]
        if self.sessions is None:
            blocks = [Para(t("history_unavailable"), "body", theme.INK_SOFT)]
        elif not self.sessions:
            blocks = [Para(t("history_empty"), "body", theme.INK_SOFT)]
        else:
            titles = {e.id: self.tx(e.scenario.title) for e in self.app.library.entries}
            rows = []
            for s in self.sessions:
                outcome = s.outcome or "unfinished"
                color = theme.OUTCOME_COLORS.get(outcome, theme.INK_FAINT)
                mode = t("mode_exam") if s.mode == "exam" else t("mode_coach")
                score = str(s.score) if s.score is not None else "-"
                rows.append([Cell(when(s.started_at), theme.INK_SOFT),
                             Cell(titles.get(s.scenario_id, s.scenario_id)),
                             Cell(mode, theme.INK_SOFT),
                             Cell(t(f"o_{outcome}"), color, chip=True),
                             Cell(score, bold=True)])
            blocks = [Table([t("col_when"), t("col_case"), t("col_mode"), t("col_outcome"),
                             t("col_score")], [1.6, 3, 1.1, 1.4, 0.8], rows)]
        doc = Doc(blocks)
        self._docs[lang] = doc
        return doc

    def layout(self) -> tuple[pygame.Rect, pygame.Rect, Button]:
        """Title, table view, back button."""
        ts = self.app.ts
        w, h = self.app.size
        pad = 20
        footer = h - ts.line_height("tiny") - 16
        bh = ts.line_height("body") + 16
        header = pygame.Rect(pad, pad, w - 2 * pad, ts.line_height("h2") + 6)
        back = Button(pygame.Rect(0, 0, max(140, ts.measure(self.t("menu"), "body") + 80), bh),
                      self.t("menu"), "back", "Esc")
        back.rect.bottomright = (w - pad, footer - 10)
        view = pygame.Rect(pad, header.bottom + 10, w - 2 * pad,
                           back.rect.y - 12 - header.bottom - 10)
        return header, view, back

    def handle(self, intent: Intent) -> None:
        super().handle(intent)
        k = intent.kind
        _, view, back = self.layout()
        if k is Kind.BACK or (k is Kind.CLICK and back.hit(intent.pos)):
            self.app.pop()
        elif k is Kind.SCROLL:
            self.scroll.by(intent.value * self.app.ts.line_height("body"))
        elif k in (Kind.UP, Kind.DOWN):
            self.scroll.by((1 if k is Kind.DOWN else -1) * 3 * self.app.ts.line_height("body"))
        elif k in (Kind.PAGE_UP, Kind.PAGE_DOWN):
            self.scroll.by((1 if k is Kind.PAGE_DOWN else -1) * view.height * 0.9)

    def update(self, dt: float) -> None:
        _, view, _ = self.layout()
        inner = view.inflate(-40, -32)
        self.scroll.set_extent(self.doc().height(self.app.ts, inner.width), inner.height)
        self.scroll.update(dt)

    @property
    def animating(self) -> bool:
        return self.scroll.animating

    def draw(self, surface: pygame.Surface) -> None:
        ts = self.app.ts
        surface.fill(theme.BG)
        header, view, back = self.layout()
        ts.draw(surface, self.t("history_title", name=self.app.settings.trainee), header.topleft,
                "h2", theme.INK, bold=True, max_width=header.width)
        panel(surface, view, radius=14)
        inner = view.inflate(-40, -32)
        self.doc().draw(surface, ts, inner, self.scroll.offset)
        draw_scrollbar(surface, view.inflate(-6, -16), self.scroll)
        draw_button(surface, ts, back, back.hit(self.app.hover))
        self.app.draw_footer(surface, self.t("history_keys"))
