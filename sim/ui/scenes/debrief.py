"""The debrief: outcome, score and how it was made, the five steps, pitfalls, better
replies, facts, and the meters over the turns. Replay, review, or back to the menu."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import pygame

from sim.coach import STEP_ADVICE, assess, turning_point_of
from sim.coach.labels import CRITICAL_LABEL, KEPT_OPEN_LABEL, STEP_ROW_LABELS, TURNING_LABEL
from sim.scenario import STEPS
from sim.ui import strings, theme
from sim.ui.doc import Block, Bubble, Cell, Chart, Doc, Heading, Para, Spacer, Table
from sim.ui.intents import Intent, Kind
from sim.ui.library import Entry
from sim.ui.scenes.docscene import DocScene
from sim.ui.widgets import Button, button_width, chip, place_right_to_left


def signed(n: int) -> str:
    """+5 / -3 / 0."""
    return f"+{n}" if n > 0 else str(n)


class DebriefScene(DocScene):
    """What went well, what went wrong, what to say instead."""

    name = "debrief"
    page_inset = (-48, -32)

    def __init__(self, app: Any, entry: Entry, session: Any, recorder: Any = None, *,
                 past: Any = None) -> None:
        """``past``: a session reopened from the history (a ``sim.records.reopen.Reopened``):
        its debrief, its mode, and Esc goes back to the history."""
        super().__init__(app)
        self.entry = entry
        self.scenario = entry.scenario
        self.session = session
        self.recorder = recorder
        self.past = past
        self.debrief = (getattr(past, "debrief", None) or getattr(recorder, "debrief", None)
                        or assess(session, turning=False))
        self.coach_mode = past.info.mode != "exam" if past is not None else app.settings.coach
        # The turning point's search can take a few tenths of a second on a large
        # scenario: it runs beside the window, and the page gains it when it is ready.
        self._turning: list[Any] = []
        self.turning_thread: threading.Thread | None = None
        if self.debrief.turning_point is None and session.history:
            self.turning_thread = threading.Thread(
                target=lambda: self._turning.append(turning_point_of(session)),
                name="turning-point", daemon=True)
            self.turning_thread.start()

    def update(self, dt: float) -> None:
        super().update(dt)
        if self._turning:
            found = self._turning.pop()
            self.turning_thread = None
            if found is not None:
                self.debrief = dataclasses.replace(self.debrief, turning_point=found)
                self._docs.clear()
                self.app.dirty = True

    def next_wake(self) -> float | None:
        # look again soon while the turning point is being worked out
        return 0.05 if self.turning_thread is not None else None

    # -- content -----------------------------------------------------------------------------

    def quote(self, text: Any) -> str:
        """Scenario text in quotation marks of the current language."""
        t = self.tx(text)
        # The CJK font sets curly quotes full-width; straight ones suit Latin text.
        return f"“{t}”" if self.app.lang == "zh" else f'"{t}"'

    def said(self, review: Any) -> str:
        """What the trainee said at a turn: their own words, with the authored reply they
        were taken as, when typed; the reply, quoted, when picked."""
        if getattr(review, "typed", None):
            from sim.match.strings import tr as mtr

            return (f"{self.quote(review.typed)} ({mtr('taken_as', self.app.lang)}: "
                    f"{self.quote(review.reply)})")
        return self.quote(review.reply)

    def build_doc(self) -> Doc:
        """The debrief as blocks in the current language."""
        d = self.debrief
        s = self.scenario
        t = self.t
        blocks: list[Block] = []
        if self.past is not None and self.past.rescored:
            # the score of record stays what it was (docs/records.md): say how today's
            # formula sees the same play, and that the breakdown below is today's
            info = self.past.info
            values = {"old": strings.score_text(info.score), "now": d.scoring_version,
                      "new": strings.score_text(d.score), "version": info.scoring_version}
            key = "rescored_note" if info.scoring_version is not None else "rescored_note_unknown"
            blocks += [Para(t(key, **values), "body", theme.WARN, bold=True), Spacer(0.3)]
        ending = s.endings.get(d.ending_id) if d.ending_id else None
        if ending is not None:
            blocks.append(Para(self.tx(ending.title), "h2", theme.INK, bold=True))
            if ending.say:
                blocks.append(Bubble(self.tx(s.customer.name), self.tx(ending.say),
                                     theme.CUSTOMER_BUBBLE, theme.EMOTION))
            if ending.epilogue:
                blocks.append(Para(self.tx(ending.epilogue), "body", theme.INK_SOFT))
        blocks.append(Para(t("final_meters", emotion=d.emotion, trust=d.trust), "small",
                           theme.INK_SOFT))
        # Score parts.
        blocks += [Spacer(0.5), Heading(t("how_scored"), "h3")]
        # a part without a maximum only takes points away (mistakes, the ending's bound)
        # every number of points with one decimal, as the score itself
        rows = [[Cell(self.tx(p.label)),
                 Cell(t("points", points=strings.score_text(p.points), max=_num(p.maximum))
                      if p.maximum else strings.score_text(p.points), bold=True)]
                for p in d.parts]
        total = t("points", points=strings.score_text(d.score), max=100)
        rows.append([Cell(t("score"), bold=True), Cell(total,
                                                       theme.ACCENT_DARK, bold=True)])
        blocks.append(Table([], [3, 1], rows))
        blocks.append(Para(self.tx(d.scoring), "tiny", theme.INK_SOFT))
        if d.turning_point is not None:
            tp = d.turning_point
            blocks += [Spacer(0.5), Heading(self.tx(TURNING_LABEL), "h3"),
                       Para(self.tx(tp.message), "body", theme.WARN, bold=True),
                       Para(f"{t('you_said')}: {self.quote(tp.reply)}", "body",
                            theme.INK_SOFT, indent=14),
                       Para(f"{self.tx(KEPT_OPEN_LABEL)}: {self.quote(tp.better_reply)}",
                            "body", theme.GOOD, indent=14)]
        # The five steps.
        blocks += [Spacer(0.5), Heading(t("five_steps"), "h3")]
        turns = {tr.number: tr for tr in d.turns}
        rows = []
        for step in STEPS:
            res = d.steps[step]
            # Quote every reply of the step, and the better reply of that step that was on
            # offer (or, plainly marked, a better one of another step at that turn).
            mine = [turns[n] for n in res.turns if n in turns]
            yours = [f"{t('turn_ref', n=tr.number)}: {self.said(tr)}" for tr in mine]
            better = []
            if res.better is not None:
                note = STEP_ROW_LABELS["better_of_step" if res.better_same_step
                                       else "at_that_turn"]
                better = [f"{self.tx(note).format(n=res.better_turn)}: "
                          f"{self.quote(res.better.reply)}"]
            if res.status == "missed":
                better = [self.tx(STEP_ADVICE[step])]
            refs = ", ".join(t("turn_ref", n=n) for n in res.turns) or t("no_turns")
            rows.append([
                Cell(t(f"step_{step}"), bold=True),
                Cell(t(f"s_{res.status}"), theme.STATUS_COLORS[res.status], chip=True),
                Cell(refs, theme.INK_SOFT),
                Cell("\n".join(yours) or t("no_turns")),
                Cell("\n".join(better) or t("no_turns"), theme.GOOD if better else theme.INK_FAINT),
            ])
        blocks.append(Table([t("col_step"), t("col_status"), t("col_turns"), t("col_yours"),
                             t("col_better")], [1.3, 1.0, 0.8, 3.0, 3.0], rows))
        if d.order_problems:
            blocks += [Spacer(0.5), Heading(t("order_title"), "h3")]
            blocks += [Para(self.tx(p.message), "body", theme.WARN) for p in d.order_problems]
        # Pitfalls.
        critical = d.critical_errors
        if critical:  # the errors the method calls critical come first
            blocks += [Spacer(0.5), Heading(self.tx(CRITICAL_LABEL), "h3")]
            for p in critical:
                head = f"{t('at_turn', n=p.turn)} · {t('p_' + p.pitfall)}"
                blocks.append(Para(head, "small", theme.WARN, bold=True))
                blocks.append(Para(self.quote(p.reply), "body", theme.INK, indent=14))
                if p.why:
                    blocks.append(Para(self.tx(p.why), "small", theme.INK_SOFT, indent=14))
        others = [p for p in d.pitfalls if not p.critical]
        if others or not critical:
            blocks += [Spacer(0.5), Heading(t("pitfalls"), "h3")]
        if not d.pitfalls:
            blocks.append(Para(t("no_pitfalls"), "body", theme.GOOD))
        for p in others:
            head = f"{t('at_turn', n=p.turn)} · {t('p_' + p.pitfall)}"
            blocks.append(Para(head, "small", theme.WARN, bold=True))
            blocks.append(Para(self.quote(p.reply), "body", theme.INK, indent=14))
            if p.why:
                blocks.append(Para(self.tx(p.why), "small", theme.INK_SOFT, indent=14))
        # Better replies.
        if d.missed:
            blocks += [Spacer(0.5), Heading(t("missed_title"), "h3")]
            for tr in d.missed:
                b = tr.better
                blocks.append(Para(t("at_turn", n=tr.number), "small", theme.INK_SOFT, bold=True))
                blocks.append(Para(f"{t('you_said')}: {self.said(tr)}", "body",
                                   theme.INK_SOFT, indent=14))
                effect = t("effect", emotion=signed(b.emotion_delta), trust=signed(b.trust_delta))
                blocks.append(Para(f"{t('better')}: {self.quote(b.reply)}  ({effect})", "body",
                                   theme.GOOD, indent=14))
                if b.why:
                    blocks.append(Para(self.tx(b.why), "small", theme.INK_SOFT, indent=14))
        # Facts.
        blocks += [Spacer(0.5), Heading(t("facts_title"), "h3")]
        learned = [self.tx(s.facts.get(f, f)) for f in d.facts_learned]
        blocks.append(Para("\n".join(learned) or t("no_facts"), "body",
                           theme.INK if learned else theme.INK_FAINT))
        if d.facts_missed:
            blocks.append(Para(t("facts_missed_title"), "small", theme.INK_SOFT, bold=True))
            blocks.append(Para("\n".join(self.tx(s.facts.get(f, f)) for f in d.facts_missed),
                               "body", theme.INK_SOFT))
        # Chart.
        blocks += [Spacer(0.5), Heading(t("chart_title"), "h3"),
                   Chart(d.series, t("emotion"), t("trust"), t("chart_start"))]
        return Doc(blocks, gap=8)

    # -- layout and input --------------------------------------------------------------------

    def layout(self) -> tuple[pygame.Rect, pygame.Rect, list[Button]]:
        """Score header, scrolling view, buttons."""
        ts = self.app.ts
        w, h = self.app.size
        pad = 20
        footer = h - ts.line_height("tiny") - 16
        bh = ts.line_height("body") + 16
        header = pygame.Rect(pad, pad, w - 2 * pad,
                             max(ts.font("title", True).get_height(),
                                 ts.line_height("h2") + ts.line_height("small") + 8))
        buttons = [
            Button(pygame.Rect(0, 0, max(130, button_width(ts, label, key)), bh), label,
                   action, key, primary=primary)
            for label, action, key, primary in (
                (self.t("history"), "back", "Esc", False) if self.past is not None
                else (self.t("menu"), "menu", "Esc", False),
                (self.t("review"), "review", "V", False),
                (self.t("replay"), "replay", "R", True),
            )
        ]
        place_right_to_left(buttons, (w - pad, footer - 10))
        view = pygame.Rect(pad, header.bottom + 12, w - 2 * pad,
                           footer - 10 - bh - 12 - header.bottom - 12)
        return header, view, buttons

    def doc_view(self) -> pygame.Rect:
        return self.layout()[1]

    def handle(self, intent: Intent) -> None:
        super().handle(intent)
        k = intent.kind
        _, _, buttons = self.layout()
        if k is Kind.BACK:
            self.back()
        elif k is Kind.HOTKEY and intent.value == "r":
            self.replay()
        elif k is Kind.HOTKEY and intent.value == "v":
            self.review()
        elif k is Kind.CLICK:
            for b in buttons:
                if b.hit(intent.pos):
                    self.app.sounds.play("click")
                    {"menu": self.app.back_to_root, "back": self.back, "review": self.review,
                     "replay": self.replay}[b.action]()
                    return
        elif k is Kind.SKIP:
            self.scroll_page(1)
        elif k is Kind.HOME:
            self.scroll.to(0)
        elif k is Kind.END:
            self.scroll.to_end()
        else:
            self.handle_scroll(intent)

    def back(self) -> None:
        """Esc: to the history a past session was opened from, else to the menu."""
        if self.past is not None:
            self.app.pop()
        else:
            self.app.back_to_root()

    def replay(self) -> None:
        """Play the same case again from the start."""
        from sim.ui.scenes.brief import start_play

        start_play(self.app, self.entry)

    def review(self) -> None:
        """Go through the conversation turn by turn."""
        if not self.session.history:
            return
        from sim.ui.scenes.review import ReviewScene

        self.app.push(ReviewScene(self.app, self.entry, self.session, self.debrief))

    # -- drawing -----------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        ts = app.ts
        d = self.debrief
        surface.fill(theme.BG)
        header, view, buttons = self.layout()
        outcome_color = theme.OUTCOME_COLORS.get(d.outcome, theme.INK_SOFT)
        # Score on the right, case title and outcome on the left.
        # a past session scored by an earlier formula keeps its score of record
        rescored = self.past is not None and self.past.rescored
        score_text = strings.score_text(self.past.info.score if rescored else d.score)
        of_w = ts.measure("/100", "body")
        score_r = ts.draw(surface, score_text, (header.right - of_w - 6, header.centery),
                          "title", outcome_color, bold=True, anchor="midright")
        ts.draw(surface, "/100", (score_r.right + 6, score_r.centery + ts.px("title") // 5),
                "body", theme.INK_SOFT, anchor="bottomleft")
        label_r = ts.draw(surface, self.t("score"), (score_r.x - 12, header.centery), "small",
                          theme.INK_SOFT, anchor="midright")
        left_w = max(60, label_r.x - header.x - 20)
        title = self.t("debrief_title", title=self.tx(self.scenario.title))
        ts.draw(surface, title, (header.x, header.y), "h2", theme.INK, bold=True,
                max_width=left_w)
        y = header.y + ts.line_height("h2") + 2
        outcome = self.t(f"o_{d.outcome}")
        r = chip(surface, ts, outcome, (header.x, y), outcome_color, "small")
        mode = self.t("mode_coach" if self.coach_mode else "mode_exam")
        line = self.t("mode_was", mode=mode,
                      replies=strings.count("n_replies", self.app.lang, len(d.turns)))
        if self.past is not None:
            from sim.ui.scenes.history import when

            line += "  ·  " + self.t("played_on", when=when(self.past.info.started_at))
        ts.draw(surface, line, (r.right + 12, r.centery), "small", theme.INK_SOFT,
                anchor="midleft", max_width=max(10, left_w - r.width - 12))
        self.draw_doc(surface, view)
        self.draw_buttons(surface, buttons)
        app.draw_footer(surface, self.t("debrief_keys_past" if self.past is not None
                                        else "debrief_keys"))


def _num(x: float) -> str:
    """Points without a pointless ``.0``."""
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"
