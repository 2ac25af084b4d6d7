"""History: the trainee's scores over time, best per case, how each step of the method
has gone lately, and every past session — all from the records store's queries."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import pygame

from sim.ui import strings, theme
from sim.ui.charts import MasteryBars, ScoreLines
from sim.ui.doc import Block, Cell, Doc, Heading, Para, Spacer, Table
from sim.ui.intents import Intent, Kind
from sim.ui.scenes.docscene import DocScene
from sim.ui.widgets import Button

log = logging.getLogger(__name__)

#: How many of the latest finished sessions the step mastery counts.
MASTERY_LAST = 10
STEPS = ("listen", "apologize", "clarify", "solve", "commit")


def when(iso: str | None) -> str:
    """A stored UTC timestamp as local date and time."""
    if not iso:
        return "-"
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso[:16]


class HistoryScene(DocScene):
    """Charts and tables of the trainee's practice, scrolled as one page."""

    name = "history"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.sessions: list[Any] | None = None
        self.progress: list[Any] = []
        self.best: dict[str, Any] = {}
        self.mastery: dict[str, Any] = {}
        store = app.store
        name = app.settings.trainee
        if store is not None:
            try:
                self.sessions = store.sessions(trainee=name, limit=500)
                self.progress = store.progress(name)
                self.best = store.best_scores(name)
                self.mastery = store.mastery(name, last=MASTERY_LAST)
            except Exception as exc:  # the records must never stop the window
                log.warning("no history: %s", exc)
                self.sessions = None

    def title_of(self, scenario_id: str) -> str:
        """A scenario's title in the current language (its id when no longer there)."""
        for e in self.app.library.entries:
            if e.id == scenario_id:
                return self.tx(e.scenario.title)
        return scenario_id

    def build_doc(self) -> Doc:
        """The page in the current language."""
        t = self.t
        blocks: list[Block]
        if self.sessions is None:
            error = self.app.store_error
            blocks = [Para(t("history_unavailable_file", error=error) if error
                           else t("history_unavailable"), "body", theme.INK_SOFT)]
        elif not self.sessions:
            blocks = [Para(t("history_empty"), "body", theme.INK_SOFT)]
        else:
            blocks = [*self.score_blocks(), Spacer(0.6), *self.best_blocks(), Spacer(0.6),
                      *self.mastery_blocks(), Spacer(0.6), *self.session_blocks()]
        return Doc(blocks, gap=8)

    def score_blocks(self) -> list[Block]:
        """Scores over attempts, one line per case."""
        t = self.t
        head = Heading(t("h_scores"), "h3")
        if not self.progress:
            return [head, Para(t("no_finished"), "small", theme.INK_SOFT)]
        by_case: dict[str, list[float]] = {}
        for s in self.progress:
            if s.score is not None:
                by_case.setdefault(s.scenario_id, []).append(float(s.score))
        series = [(self.title_of(sid), scores) for sid, scores in by_case.items()]
        return [head, ScoreLines(series, t("attempt_axis"))]

    def best_blocks(self) -> list[Block]:
        """The best finished score of each case."""
        t = self.t
        rows = []
        for sid, b in sorted(self.best.items(), key=lambda kv: -kv[1].score):
            outcome = b.outcome or "unfinished"
            rows.append([Cell(self.title_of(sid)),
                         Cell(strings.score_text(b.score),
                              theme.GOOD if b.score >= 80 else theme.INK,
                              bold=True),
                         Cell(t(f"o_{outcome}"), theme.OUTCOME_COLORS.get(outcome,
                                                                          theme.INK_FAINT),
                              chip=True),
                         Cell(str(b.sessions), theme.INK_SOFT),
                         Cell(when(b.played_at), theme.INK_SOFT)])
        if not rows:
            return [Heading(t("h_best"), "h3"), Para(t("no_finished"), "small", theme.INK_SOFT)]
        return [Heading(t("h_best"), "h3"),
                Table([t("col_case"), t("col_best"), t("col_outcome"), t("col_finished"),
                       t("col_when")], [3, 0.9, 1.5, 1, 1.6], rows)]

    def mastery_blocks(self) -> list[Block]:
        """Per step, how often it was excellent / done / weak / missed lately."""
        t = self.t
        counted = max((m.total for m in self.mastery.values()), default=0)
        head = Heading(t("h_mastery", n=counted), "h3")
        if not counted:
            return [head, Para(t("no_finished"), "small", theme.INK_SOFT)]
        rows = []
        for step in STEPS:
            m = self.mastery.get(step)
            counts = ({k: getattr(m, k) for k in ("excellent", "done", "weak", "missed")}
                      if m is not None else {})
            rows.append((t(f"step_{step}"), counts))
        labels = {k: t(f"s_{k}") for k in ("excellent", "done", "weak", "missed")}
        return [head, MasteryBars(rows, labels)]

    def session_blocks(self) -> list[Block]:
        """Every session, newest first."""
        t = self.t
        rows = []
        for s in self.sessions or []:
            outcome = s.outcome or "unfinished"
            color = theme.OUTCOME_COLORS.get(outcome, theme.INK_FAINT)
            mode = t("mode_exam") if s.mode == "exam" else t("mode_coach")
            score = strings.score_text(s.score) if s.score is not None else "-"
            rows.append([Cell(when(s.started_at), theme.INK_SOFT),
                         Cell(self.title_of(s.scenario_id)),
                         Cell(mode, theme.INK_SOFT),
                         Cell(t(f"o_{outcome}"), color, chip=True),
                         Cell(score, bold=True)])
        return [Heading(t("h_sessions", n=len(rows)), "h3"),
                Table([t("col_when"), t("col_case"), t("col_mode"), t("col_outcome"),
                       t("col_score")], [1.6, 3, 1.1, 1.5, 0.8], rows)]

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

    def doc_view(self) -> pygame.Rect:
        return self.layout()[1]

    def handle(self, intent: Intent) -> None:
        super().handle(intent)
        k = intent.kind
        _, _, back = self.layout()
        if k is Kind.BACK or (k is Kind.CLICK and back.hit(intent.pos)):
            self.app.pop()
        else:
            self.handle_scroll(intent)

    def draw(self, surface: pygame.Surface) -> None:
        ts = self.app.ts
        surface.fill(theme.BG)
        header, view, back = self.layout()
        ts.draw(surface, self.t("history_title", name=self.app.settings.trainee), header.topleft,
                "h2", theme.INK, bold=True, max_width=header.width)
        self.draw_doc(surface, view)
        self.draw_buttons(surface, [back])
        self.app.draw_footer(surface, self.t("history_keys"))
