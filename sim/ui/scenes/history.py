"""History: the trainee's scores over time, best per case, how each step of the method
has gone lately, and every past session — all from the records store's queries.

Each session's row can be chosen (Up/Down, or a click) and opened with Enter: a finished
session opens its debrief rebuilt from the stored turns (:mod:`sim.records.reopen`), a
discarded one its replies turn by turn, an open one is resumed the way the menu does it;
a session left before its first reply has nothing to open and says so. ``I`` narrows
everything to one industry (a scenario's first tag), as ``history --industry`` does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pygame

from sim.records.queries import session_state
from sim.ui import strings, theme
from sim.ui.charts import MasteryBars, ScoreLines
from sim.ui.doc import Block, Cell, Doc, Heading, Para, Spacer, Table
from sim.ui.intents import Intent, Kind
from sim.ui.library import Entry, industry
from sim.ui.scenes.docscene import DocScene
from sim.ui.text import Typesetter
from sim.ui.widgets import Button, button_width

log = logging.getLogger(__name__)

#: The status chip of a session without an ending: its string key and colour (white
#: text on each reads at 4.5:1 or more, and the word says it: colour is never the only sign).
STATE_CHIPS: dict[str, tuple[str, theme.Color]] = {
    "open": ("o_unfinished", theme.ACCENT),
    "discarded": ("st_discarded", theme.INK_SOFT),
    "not_started": ("st_not_started", theme.INK_SOFT),
}

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


@dataclass
class SessionTable(Table):
    """The table of sessions, one row of which can be chosen: it is outlined, with a
    thick bar at its left edge (a shape, not only a colour)."""

    selected: int | None = None
    hovered: int | None = None  # the row under the pointer (it opens on a click)

    def row_spans(self, ts: Typesetter, width: int) -> list[tuple[int, int]]:
        """(top, height) of every row, from the top of the table, at ``width``."""
        widths = self._widths(width, ts)
        y = self._header_h(ts, widths)
        out = []
        for row in self.rows:
            h = self._row_h(ts, row, widths)
            out.append((y, h))
            y += h
        return out

    def draw(self, surface: pygame.Surface, ts: Typesetter, rect: pygame.Rect) -> None:
        super().draw(surface, ts, rect)
        spans = self.row_spans(ts, rect.width)
        over = self.hovered
        if over is not None and over != self.selected and 0 <= over < len(spans):
            top, h = spans[over]
            pygame.draw.rect(surface, theme.ACCENT, (rect.x, rect.y + top, rect.width, h), 1,
                             border_radius=4)
        if self.selected is None or not 0 <= self.selected < len(self.rows):
            return
        top, h = spans[self.selected]
        box = pygame.Rect(rect.x, rect.y + top, rect.width, h)
        pygame.draw.rect(surface, theme.ACCENT, box, 2, border_radius=4)
        pygame.draw.rect(surface, theme.ACCENT, (box.x, box.y, 5, box.h),
                         border_top_left_radius=4, border_bottom_left_radius=4)


class HistoryScene(DocScene):
    """Charts and tables of the trainee's practice, scrolled as one page; every session's
    row opens it."""

    name = "history"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.every: list[Any] | None = None  # every session of the trainee, newest first
        self.sessions: list[Any] | None = None  # those of the chosen industry
        self.progress: list[Any] = []
        self.best: dict[str, Any] = {}
        self.mastery: dict[str, Any] = {}
        self.industry: str | None = None  # None: every industry
        self.selected_id: int | None = None  # the chosen session's id (kept across filters)
        self._table: SessionTable | None = None
        self._all: tuple[list[Any], dict[str, Any]] = ([], {})
        self._entered = False
        #: Today's score of each session scored by an earlier formula (None: can't be
        #: rescored), and each scenario file's content hash: worked out once.
        self._rescored: dict[int, float | None] = {}
        self._hashes: dict[Path, str] = {}
        self.load()

    # -- data ------------------------------------------------------------------------------

    def industries(self) -> dict[str, set[str]]:
        """The library's industries (each scenario's first tag, as the terminal's
        ``history --industry`` reads it) and their scenario ids."""
        found: dict[str, set[str]] = {}
        for e in self.app.library.entries:
            name = industry(e.scenario).lower()
            if name:
                found.setdefault(name, set()).add(e.id)
        return dict(sorted(found.items()))

    def load(self) -> None:
        """Read the trainee's records, then apply the industry filter."""
        store = self.app.store
        name = self.app.settings.trainee
        self.every = None
        if store is not None:
            try:
                self.every = store.sessions(trainee=name, limit=500)
                self._all = (store.progress(name), store.best_scores(name))
            except Exception as exc:  # the records must never stop the window
                log.warning("no history: %s", exc)
                self.every = None
        self.apply_filter()

    def apply_filter(self) -> None:
        """Narrow sessions, scores, best scores and mastery to the chosen industry."""
        self._docs.clear()
        self._table = None
        if self.every is None:
            self.sessions, self.progress, self.best, self.mastery = None, [], {}, {}
            return
        ids = self.industries().get(self.industry or "") if self.industry else None
        progress, best = self._all

        def wanted(sid: str) -> bool:
            return ids is None or sid in ids

        self.sessions = [s for s in self.every if wanted(s.scenario_id)]
        self.progress = [s for s in progress if wanted(s.scenario_id)]
        self.best = {sid: b for sid, b in best.items() if wanted(sid)}
        try:
            self.mastery = self.app.store.mastery(
                self.app.settings.trainee, last=MASTERY_LAST,
                scenario=tuple(sorted(ids)) if ids is not None else None)
        except Exception as exc:
            log.warning("no mastery: %s", exc)
            self.mastery = {}
        if self.selected_id is not None and self.selected_index() is None:
            self.selected_id = None

    def enter(self) -> None:
        """Back from a debrief, a review or a resumed session: read the records again
        (a session may have moved on), keeping the chosen row."""
        if self._entered:
            self.load()
        self._entered = True

    def industry_label(self) -> str:
        """The chosen industry in the current language."""
        if self.industry is None:
            return self.t("industry_all")
        return strings.tag_name(self.industry, self.app.lang)

    def next_industry(self) -> None:
        """All industries, then each industry of the library in turn, then all again."""
        names: list[str | None] = [None, *self.industries()]
        at = names.index(self.industry) if self.industry in names else 0
        self.industry = names[(at + 1) % len(names)]
        self.apply_filter()
        self.scroll.to(0, instant=True)
        self.app.notify(self.t("toast_industry", industry=self.industry_label()))

    def title_of(self, scenario_id: str) -> str:
        """A scenario's title in the current language (its id when no longer there)."""
        for e in self.app.library.entries:
            if e.id == scenario_id:
                return self.tx(e.scenario.title)
        return scenario_id

    # -- the page --------------------------------------------------------------------------

    def doc_key(self) -> tuple[str, str | None]:
        """The page depends on the language and the industry."""
        return (self.app.lang, self.industry)

    def build_doc(self) -> Doc:
        """The page in the current language."""
        t = self.t
        blocks: list[Block]
        self._table = None
        if self.sessions is None:
            error = self.app.store_error
            blocks = [Para(t("history_unavailable_file", error=error) if error
                           else t("history_unavailable"), "body", theme.INK_SOFT)]
        elif not self.sessions:
            empty = (t("history_empty_industry", industry=self.industry_label())
                     if self.industry else t("history_empty"))
            blocks = [Para(empty, "body", theme.INK_SOFT)]
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
        by_case: dict[str, list[tuple[float, bool]]] = {}
        rescored = 0
        for s in self.progress:
            if s.score is None:
                continue
            score, apart = float(s.score), False
            if s.scoring_version != self.scoring_version():
                again = self.rescore(s)
                if again is None:
                    apart = True  # drawn as a ring, off the line
                else:
                    score = again
                    rescored += 1
            by_case.setdefault(s.scenario_id, []).append((score, apart))
        series = [(self.title_of(sid), [score for score, _ in points])
                  for sid, points in by_case.items()]
        apart = [[flag for _, flag in points] for points in by_case.values()]
        blocks: list[Block] = [head]
        if rescored:
            blocks.append(Para(strings.count("scores_rescored", self.app.lang, rescored),
                               "small", theme.INK_SOFT))
        return [*blocks, ScoreLines(series, t("attempt_axis"), apart=apart,
                                    apart_label=t("scores_earlier"))]

    @staticmethod
    def scoring_version() -> int:
        """The version of today's scoring formula."""
        from sim.coach import SCORING_VERSION

        return SCORING_VERSION

    def rescore(self, info: Any) -> float | None:
        """What today's scoring gives a session scored by an earlier formula: its
        recorded replies played again on the same scenario file (same content hash) and
        assessed as a debrief would (:mod:`sim.records.reopen` does the same to rebuild
        its debrief). None when that can't be done: the file changed or is gone, or the
        replies no longer replay. Worked out once per session."""
        if info.id in self._rescored:
            return self._rescored[info.id]
        score: float | None = None
        entry = self.entry_with_hash(info.scenario_id, info.scenario_hash)
        if entry is not None:
            from sim.coach import assess
            from sim.records.reopen import replay_turns

            try:
                session = replay_turns(entry.scenario, self.app.store.turns(info.id),
                                       info.seed)
                if session.is_over:
                    score = float(assess(session, turning=False).score)
            except Exception as exc:  # a damaged record stays unrescored, never fatal
                log.warning("session %s not rescored: %s", info.id, exc)
        self._rescored[info.id] = score
        return score

    def entry_with_hash(self, scenario_id: str, digest: str | None) -> Entry | None:
        """The library's scenario ``scenario_id`` if its file's content hash is
        ``digest`` (each file hashed once)."""
        from sim.records.resume import file_hash

        for e in self.app.library.entries:
            if e.id != scenario_id:
                continue
            if e.path not in self._hashes:
                try:
                    self._hashes[e.path] = file_hash(e.path)
                except OSError:
                    self._hashes[e.path] = ""
            if digest and self._hashes[e.path] == digest:
                return e
        return None

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
                       t("col_when")], [3, 0.9, 1.5, 1, 1.6], rows, keep=(1, 2, 4))]

    def mastery_blocks(self) -> list[Block]:
        """Per step, how often it was excellent / done / weak / missed lately."""
        t = self.t
        counted = max((m.total for m in self.mastery.values()), default=0)
        if not counted:  # no "your last 0 sessions": the heading counts only when it can
            return [Heading(t("h_mastery_none"), "h3"),
                    Para(t("no_finished"), "small", theme.INK_SOFT)]
        head = Heading(strings.count("h_mastery", self.app.lang, counted), "h3")
        rows = []
        for step in STEPS:
            m = self.mastery.get(step)
            counts = ({k: getattr(m, k) for k in ("excellent", "done", "weak", "missed")}
                      if m is not None else {})
            rows.append((t(f"step_{step}"), counts))
        labels = {k: t(f"s_{k}") for k in ("excellent", "done", "weak", "missed")}
        return [head, MasteryBars(rows, labels)]

    def session_blocks(self) -> list[Block]:
        """Every session, newest first; the chosen one outlined."""
        t = self.t
        rows = []
        for s in self.sessions or []:
            state = session_state(s)
            if state == "finished":
                outcome = s.outcome or "unfinished"
                chip_text = t(f"o_{outcome}")
                color = theme.OUTCOME_COLORS.get(outcome, theme.INK_FAINT)
            else:
                key, color = STATE_CHIPS[state]
                chip_text = t(key)
            mode = t("mode_exam") if s.mode == "exam" else t("mode_coach")
            score = strings.score_text(s.score) if s.score is not None else "-"
            rows.append([Cell(when(s.started_at), theme.INK_SOFT),
                         Cell(self.title_of(s.scenario_id)),
                         Cell(mode, theme.INK_SOFT),
                         Cell(str(s.turns), theme.INK_SOFT),
                         Cell(chip_text, color, chip=True),
                         Cell(score, bold=True)])
        self._table = SessionTable([t("col_when"), t("col_case"), t("col_mode"),
                                    t("col_turns"), t("col_outcome"), t("col_score")],
                                   [1.6, 3, 1.1, 0.9, 1.6, 0.8], rows,
                                   keep=(0, 3, 4, 5), selected=self.selected_index())
        return [Heading(t("h_sessions", n=len(rows)), "h3"), self._table]

    # -- choosing a row --------------------------------------------------------------------

    def selected_index(self) -> int | None:
        """The chosen session's row (None: no row chosen)."""
        for i, s in enumerate(self.sessions or []):
            if s.id == self.selected_id:
                return i
        return None

    def selected_session(self) -> Any:
        """The chosen session (None: none)."""
        i = self.selected_index()
        return None if i is None else (self.sessions or [])[i]

    def table(self) -> tuple[SessionTable, int] | None:
        """The sessions' table and its block's index in the page (None: no table)."""
        doc = self.doc()
        for i, b in enumerate(doc.blocks):
            if isinstance(b, SessionTable):
                return b, i
        return None

    def row_spans(self) -> list[tuple[int, int]]:
        """(top, height) of every session row in page coordinates (unscrolled)."""
        found = self.table()
        if found is None:
            return []
        table, i = found
        width = self.page(self.doc_view()).width
        top = self.doc().offset_of(self.app.ts, width, i)
        return [(top + y, h) for y, h in table.row_spans(self.app.ts, width)]

    def select(self, index: int | None) -> None:
        """Choose row ``index`` (None: no row) and scroll it into view."""
        sessions = self.sessions or []
        if index is None or not sessions:
            self.selected_id = None
        else:
            index = max(0, min(len(sessions) - 1, index))
            self.selected_id = sessions[index].id
        found = self.table()
        if found is not None:
            found[0].selected = self.selected_index()
        if index is not None and self.selected_id is not None:
            top, h = self.row_spans()[index]
            bottom = top + h
            page = self.page(self.doc_view())
            self.scroll.set_extent(self.doc().height(self.app.ts, page.width), page.height)
            margin = self.app.ts.line_height("body")
            if index == 0 and found is not None:  # the first row shows with its heading
                top = min(top, self.doc().offset_of(self.app.ts, page.width, found[1] - 1))
            if top - margin < self.scroll.target:
                self.scroll.to(top - margin)
            elif bottom + margin > self.scroll.target + page.height:
                self.scroll.to(min(top - margin, bottom + margin - page.height))

    def move(self, step: int) -> bool:
        """Up/Down: the previous or next row; False when Up leaves the table (the
        arrows then scroll the page)."""
        i = self.selected_index()
        if i is None:
            if step < 0 or not self.sessions:
                return False
            self.select(0)
            return True
        if i + step < 0:
            self.select(None)
            return False
        self.select(i + step)
        return True

    def row_at(self, pos: tuple[int, int]) -> int | None:
        """The session row under a point of the window (None: none)."""
        view = self.doc_view()
        page = self.page(view)
        if not page.collidepoint(pos):
            return None
        y = pos[1] - page.y + self.scroll.offset
        for i, (top, h) in enumerate(self.row_spans()):
            if top <= y < top + h:
                return i
        return None

    def open_selected(self) -> None:
        """Open the chosen session: its debrief, its replies, or play on."""
        info = self.selected_session()
        store = self.app.store
        if info is None or store is None:
            return
        state = session_state(info)
        if state == "not_started":
            self.app.notify(self.t("no_reply_toast"))
            return
        self.app.sounds.play("click")
        if state == "open":
            self.resume(info)
            return
        from sim.records.reopen import reopen

        try:
            again = reopen(store, info, self.app.library.folder)
        except Exception as exc:  # the records must never stop the window
            log.warning("cannot reopen session %s: %s", info.id, exc)
            self.app.notify(str(exc))
            return
        if not again.ready:
            self.explain(again)
            return
        entry = Entry(again.path, again.scenario)
        if state == "finished":
            from sim.ui.scenes.debrief import DebriefScene

            self.app.push(DebriefScene(self.app, entry, again.session, past=again))
        else:  # discarded: no ending to debrief; the replies it had, turn by turn
            from sim.ui.scenes.review import ReviewScene

            self.app.push(ReviewScene(self.app, entry, again.session, again.debrief))

    def resume(self, info: Any) -> None:
        """Play on from where the session stopped, as the menu's offer does."""
        from sim.ui.scenes.menu import resume_plan

        try:
            plan = self.app.store.plan_resume(info, self.app.library.folder)
        except Exception as exc:
            log.warning("cannot resume session %s: %s", info.id, exc)
            self.app.notify(str(exc))
            return
        if resume_plan(self.app, plan) is None:
            self.app.notify(self.t("resume_gone"))

    def explain(self, again: Any) -> None:
        """Why a past session's debrief can't be rebuilt, with what the records keep."""
        info = again.info
        try:
            turns = self.app.store.turns(info.id)
        except Exception as exc:
            log.warning("no turns for session %s: %s", info.id, exc)
            turns = []
        if info.status == "finished":
            outcome = self.t(f"o_{info.outcome or 'unfinished'}")
            score = strings.score_text(info.score) if info.score is not None else "-"
            result = self.t("recorded_result", outcome=outcome, score=score)
        else:
            result = self.t(STATE_CHIPS[session_state(info)][0])
        lines = [f"{turn.number}. {turn.typed or turn.reply}" for turn in turns]
        self.app.show_notice("reopen_title", f"reopen_{again.state}", lines,
                             case=self.title_of(info.scenario_id), result=result)

    # -- layout, input, drawing -------------------------------------------------------------

    def layout(self) -> tuple[pygame.Rect, pygame.Rect, Button]:
        """Title, table view, back button."""
        ts = self.app.ts
        w, h = self.app.size
        pad = 20
        footer = h - ts.line_height("tiny") - 16
        bh = ts.line_height("body") + 16
        header = pygame.Rect(pad, pad, w - 2 * pad, ts.line_height("h2") + 6)
        back = Button(pygame.Rect(0, 0, max(140, button_width(ts, self.t("menu"), "Esc")), bh),
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
        elif k is Kind.POINTER and intent.pos is not None:
            found = self.table()
            if found is not None:
                found[0].hovered = self.row_at(intent.pos)
        elif k is Kind.CLICK and intent.pos is not None:
            row = self.row_at(intent.pos)
            if row is not None:
                self.select(row)
                self.open_selected()
        elif k in (Kind.UP, Kind.DOWN):
            if not self.move(1 if k is Kind.DOWN else -1):
                self.handle_scroll(intent)
        elif k is Kind.CONFIRM:
            self.open_selected()
        elif k is Kind.HOTKEY and intent.value == "i":
            self.next_industry()
        elif k is Kind.HOME:
            self.scroll.to(0)
        elif k is Kind.END:
            self.scroll.to_end()
        else:
            self.handle_scroll(intent)

    def keys_hint(self) -> str:
        """The footer: the keys that work now (Enter says what it does for this row)."""
        parts = []
        if self.sessions:
            parts.append(self.t("hk_choose"))
            info = self.selected_session()
            state = session_state(info) if info is not None else None
            enter = {"finished": "hk_debrief", "open": "hk_resume",
                     "discarded": "hk_replies"}.get(state or "")
            if enter:
                parts.append(self.t(enter))
        if self.every and len(self.industries()) > 0:
            parts.append(self.t("hk_industry"))
        parts += [self.t("hk_scroll"), self.t("hk_menu")]
        return "  ·  ".join(parts)

    def draw(self, surface: pygame.Surface) -> None:
        ts = self.app.ts
        surface.fill(theme.BG)
        header, view, back = self.layout()
        name = self.app.settings.trainee
        title = (self.t("history_title_industry", name=name, industry=self.industry_label())
                 if self.industry else self.t("history_title", name=name))
        ts.draw(surface, title, header.topleft, "h2", theme.INK, bold=True,
                max_width=header.width)
        self.draw_doc(surface, view)
        self.draw_buttons(surface, [back])
        self.app.draw_footer(surface, self.keys_hint())
