"""The menu: trainee name, language, mode, sound, and the library of practice cases."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

import pygame

from sim.ui import strings, theme
from sim.ui.intents import Intent, Kind
from sim.ui.library import Entry
from sim.ui.scene import Scene
from sim.ui.widgets import Button, Scroll, draw_button, draw_scrollbar, panel, stars

log = logging.getLogger(__name__)

MAX_NAME = 32


@dataclass
class Card:
    """Where one scenario card sits in the (scrolled) list."""

    entry: Entry
    y: int
    h: int


@dataclass
class MenuLayout:
    """Everything hit-testable on the menu at one window size."""

    sidebar: pygame.Rect
    name_box: pygame.Rect
    buttons: list[Button]
    list_view: pygame.Rect
    cards: list[Card]
    content_h: int
    banner: pygame.Rect | None
    banner_buttons: list[Button]
    footer_y: int
    #: 0 full sidebar, 1 smaller title, 2 smaller still, 3 labels beside the controls,
    #: 4 only the name, mode and answer (language and sound stay on L, M and F3)
    compact: int
    labels: list[tuple[str, tuple[int, int]]]  # (string key, midleft)
    head_w: int  # room for the list's heading
    #: compact 4: where the sidebar says that language and sound are under F3
    note: pygame.Rect | None = None


class MenuScene(Scene):
    """Pick a case; set name, language, mode and sound."""

    name = "menu"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.selected = 0
        self.scroll = Scroll()
        self.editing = not app.settings.trainee
        self.best: dict[str, Any] = {}
        self.unfinished: list[Any] = []
        self.plan: Any = None
        self._layout_key: tuple | None = None
        self._layout: MenuLayout | None = None
        last = app.settings.last_scenario
        for i, e in enumerate(app.library.entries):
            if e.id == last:
                self.selected = i

    # -- state -----------------------------------------------------------------------------

    @property
    def wants_text(self) -> bool:  # type: ignore[override]
        return self.editing

    def enter(self) -> None:
        """Refresh best scores and the resume offer from the records."""
        last = self.app.settings.last_scenario
        for i, e in enumerate(self.app.library.entries):
            if e.id == last:
                self.selected = i
        self.refresh_records()
        if self.editing:
            pygame.key.start_text_input()

    def leave(self) -> None:
        """Stop IME input when leaving."""
        self.stop_editing()

    def refresh_records(self) -> None:
        """Best scores and unfinished sessions of the current trainee."""
        store = self.app.store
        name = self.app.settings.trainee
        self.best, self.unfinished, self.plan = {}, [], None
        if store is None or not name:
            return
        try:
            self.best = store.best_scores(name)
            # a session left before the first reply has nothing to resume
            self.unfinished = [u for u in store.unfinished(name) if u.turns > 0]
            if self.unfinished:
                self.plan = store.plan_resume(self.unfinished[0], self.app.library.folder)
        except Exception as exc:  # records must never stop the menu
            log.warning("records unavailable: %s", exc)
        self._layout_key = None

    def stop_editing(self) -> None:
        """Leave the name field, saving the name."""
        if self.editing:
            self.editing = False
            self.app.settings.trainee = self.app.settings.trainee.strip()
            self.app.save_settings()
            with contextlib.suppress(pygame.error):
                pygame.key.stop_text_input()
            self.refresh_records()

    def start_editing(self) -> None:
        """Focus the name field."""
        self.editing = True
        with contextlib.suppress(pygame.error):
            pygame.key.start_text_input()

    # -- layout ----------------------------------------------------------------------------

    def layout(self) -> MenuLayout:
        """Compute (memoised) rects for the current size, type size and language."""
        app = self.app
        ts = app.ts
        key = (app.size, ts.px("body"), app.lang, app.settings.coach, app.settings.own_words,
               app.sounds.enabled,
               bool(self.plan), len(app.library.entries), self.editing, app.ready)
        if key == self._layout_key and self._layout is not None:
            return self._layout
        w, h = app.size
        pad = 20
        lh_tiny = ts.line_height("tiny")
        footer_y = h - lh_tiny - 16
        # Larger text widens the sidebar (up to 38 % of the window) before anything in it
        # is shortened.
        grow = max(1.0, ts.text_scale)
        side_w = max(250, min(int(380 * grow), int(w * 0.28 * grow), int(w * 0.38)))
        sidebar = pygame.Rect(pad, pad, side_w, footer_y - 2 * pad)
        for compact in (0, 1, 2, 3, 4):  # shed ornaments until the sidebar fits, uncut
            name_box, buttons, labels, end, note = self.sidebar_layout(sidebar, compact)
            if end <= sidebar.bottom and self.sidebar_uncut(buttons, labels, sidebar, compact):
                break
        main_x = sidebar.right + pad
        main_w = w - main_x - pad
        bh = ts.line_height("body") + 14
        # History and Quit at the top right of the list.
        x = main_x + main_w
        for label, action, key in ((app.t("quit"), "quit", "Esc"),
                                   (app.t("history"), "history", "H")):
            bw = ts.measure(label, "small") + ts.measure(key, "tiny") + 50
            r = pygame.Rect(0, pad - 4, bw, ts.line_height("small") + 14)
            r.right = x
            x = r.x - 10
            buttons.append(Button(r, label, action, key))
        head_w = max(40, x - main_x - 10)
        top = pad + max(ts.line_height("h2"), ts.line_height("small") + 14) + 12
        banner = None
        banner_buttons: list[Button] = []
        if self.plan is not None:
            text = self.banner_text()
            bw_resume = max(ts.measure(app.t("resume"), "body"),
                            ts.measure(app.t("discard"), "body"))
            btn_w = bw_resume + 40
            text_w = main_w - 2 * btn_w - 3 * 14 - 10
            th = ts.text_height(text, "small", max(40, text_w))
            banner = pygame.Rect(main_x, top, main_w, max(bh, th) + 24)
            bx = banner.right - 14 - btn_w
            if self.plan.state in ("ready", "changed"):
                banner_buttons.append(Button(pygame.Rect(bx - btn_w - 10, 0, btn_w, bh),
                                             app.t("resume"), "resume", primary=True))
            banner_buttons.append(Button(pygame.Rect(bx, 0, btn_w, bh), app.t("discard"),
                                         "discard"))
            for b in banner_buttons:
                b.rect.centery = banner.centery
            top = banner.bottom + 12
        list_view = pygame.Rect(main_x, top, main_w, footer_y - pad // 2 - top)
        cards: list[Card] = []
        cy = 0
        cw = list_view.width - 14
        for entry in app.library.entries:
            ch = self.card_height(entry, cw)
            cards.append(Card(entry, cy, ch))
            cy += ch + 10
        self._layout = MenuLayout(sidebar, name_box, buttons, list_view, cards, cy,
                                  banner, banner_buttons, footer_y, compact, labels, head_w,
                                  note)
        self._layout_key = key
        return self._layout

    def label_width(self, sidebar: pygame.Rect, compact: int) -> int:
        """Room for a control's label (beside the control in compact 3)."""
        inner_w = sidebar.width - 36
        return inner_w * 2 // 5 - 8 if compact == 3 else inner_w

    def sidebar_uncut(
        self, buttons: list[Button], labels: list[tuple[str, tuple[int, int]]],
        sidebar: pygame.Rect, compact: int,
    ) -> bool:
        """True when every label and button text fits whole (nothing ellipsised)."""
        ts = self.app.ts
        label_w = self.label_width(sidebar, compact)
        if any(ts.measure(self.app.t(k), "small", True) > label_w for k, _ in labels
               if k != "trainee"):
            return False
        pad = max(6, ts.px("small") // 2)
        return all(ts.measure(b.label, "small") + 2 * pad <= b.rect.width for b in buttons)

    def sidebar_layout(
        self, sidebar: pygame.Rect, compact: int
    ) -> tuple[pygame.Rect, list[Button], list[tuple[str, tuple[int, int]]], int,
               pygame.Rect | None]:
        """Name box, controls and their labels, where the content ends, and (compact 4)
        the note that language and sound are in the settings."""
        app = self.app
        ts = app.ts
        inner_x = sidebar.x + 18
        inner_w = sidebar.width - 36
        y = sidebar.y + 18
        title_role = ("title", "h1", "h2", "h2", "h2")[compact]
        y += ts.text_height(app.t("app_title"), title_role, inner_w, True)
        if compact == 0:
            y += ts.text_height(app.t("app_subtitle"), "small", inner_w)
        y += 14
        bh = ts.line_height("body") + 14
        labels: list[tuple[str, tuple[int, int]]] = []
        label_h = ts.line_height("small") + 4
        labels.append(("trainee", (inner_x, y + label_h // 2)))
        y += label_h
        name_box = pygame.Rect(inner_x, y, inner_w, bh)
        y += bh + 12
        buttons: list[Button] = []
        inline_w = inner_w * 2 // 5 if compact == 3 else 0

        def segmented(label_key: str, options: list[tuple[str, str, bool]]) -> None:
            nonlocal y
            if compact == 3:
                labels.append((label_key, (inner_x, y + bh // 2)))
            else:
                labels.append((label_key, (inner_x, y + label_h // 2)))
                y += label_h
            gap = 8
            x0 = inner_x + inline_w
            bw = (inner_w - inline_w - gap * (len(options) - 1)) // len(options)
            for i, (label, action, on) in enumerate(options):
                r = pygame.Rect(x0 + i * (bw + gap), y, bw, bh)
                buttons.append(Button(r, label, action, primary=on))
            y += bh + 10

        if compact < 4:
            segmented("language", [("English", "lang:en", app.lang == "en"),
                                   ("中文", "lang:zh", app.lang == "zh")])
        segmented("mode", [(app.t("mode_coach"), "mode:coach", app.settings.coach),
                           (app.t("mode_exam"), "mode:exam", not app.settings.coach)])
        if compact == 0:
            y += ts.text_height(app.t("mode_coach_hint"), "tiny", inner_w) + 4
        # typed replies: offered as a mode; where the model is missing, choosing it says why
        segmented("answer", [(app.t("answer_pick"), "answer:pick", not app.settings.own_words),
                             (app.t("answer_words"), "answer:words", app.settings.own_words)])
        if compact < 4:
            segmented("sound", [(app.t("on"), "sound:on", app.sounds.enabled),
                                (app.t("off"), "sound:off", not app.sounds.enabled)])
        note = None
        if compact == 4:
            note_h = ts.text_height(app.t("menu_more_settings"), "small", inner_w)
            note = pygame.Rect(inner_x, y + 4, inner_w, note_h)
            y = note.bottom + 4
        return name_box, buttons, labels, y + 8, note

    def banner_text(self) -> str:
        """The resume offer's text."""
        info = self.plan.info
        entry = next((e for e in self.app.library.entries if e.id == info.scenario_id), None)
        title = self.tx(entry.scenario.title) if entry else info.scenario_id
        text = self.t("resume_prompt", title=title,
                      replies=strings.count("n_replies", self.app.lang, info.turns))
        if self.plan.state != "ready":
            text += " " + self.tx(self.plan.message)
        return text

    def card_height(self, entry: Entry, width: int) -> int:
        """Height of a scenario card at ``width`` (everything wrapped, nothing clipped)."""
        ts = self.app.ts
        inner = width - 36
        s = entry.scenario
        title_w = inner - 5 * (ts.px("small") + 4) - 10
        h = 16 + ts.text_height(self.tx(s.title), "h3", max(40, title_w), True)
        h += 4 + ts.text_height(self.tx(s.summary), "small", inner)
        teaches = self.teaches_line(entry)
        if teaches:
            h += 4 + ts.text_height(teaches, "small", inner)
        h += 6 + ts.line_height("tiny") + 16
        return h

    def teaches_line(self, entry: Entry) -> str:
        """The case's "what this case teaches" line ("" when it has none)."""
        teaches = getattr(entry.scenario, "teaches", None)
        return self.t("teaches", what=self.tx(teaches)) if teaches else ""

    def tags_line(self, entry: Entry) -> str:
        """The scenario's tags in the current language."""
        return "  ·  ".join(strings.tag_name(tag, self.app.lang) for tag in entry.scenario.tags)

    # -- time ------------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        """Keep the list's scroll inside its cards (the layout is memoised, so an idle
        frame costs a comparison) and ease it."""
        lay = self.layout()
        self.scroll.set_extent(lay.content_h, lay.list_view.height)
        self.scroll.update(dt)

    @property
    def animating(self) -> bool:
        return self.scroll.animating

    # -- input -----------------------------------------------------------------------------

    def handle(self, intent: Intent) -> None:
        super().handle(intent)
        k = intent.kind
        lay = self.layout()
        if self.editing:
            if k is Kind.TEXT:
                name = (self.app.settings.trainee + str(intent.value)).replace("\n", "")
                self.app.settings.trainee = name[:MAX_NAME]
                return
            if k is Kind.BACKSPACE:
                self.app.settings.trainee = self.app.settings.trainee[:-1]
                return
            if k in (Kind.CONFIRM, Kind.TAB, Kind.BACK):
                self.stop_editing()
                return
            if k is Kind.CLICK and not lay.name_box.collidepoint(intent.pos):
                self.stop_editing()  # and let the click act below
            elif k is not Kind.CLICK:
                return
        if k is Kind.CLICK:
            self.click(intent.pos, lay)
        elif k is Kind.SCROLL:
            self.scroll.by(intent.value * self.app.ts.line_height("body"))
        elif k in (Kind.UP, Kind.DOWN):
            self.select(self.selected + (1 if k is Kind.DOWN else -1))
        elif k in (Kind.PAGE_UP, Kind.PAGE_DOWN):
            self.scroll.by(lay.list_view.height * (1 if k is Kind.PAGE_DOWN else -1))
        elif k is Kind.CONFIRM:
            self.open_selected()
        elif k is Kind.TAB:
            self.start_editing()
        elif k is Kind.BACK:
            self.ask_quit()
        elif k is Kind.CHOOSE:
            self.select(int(intent.value) - 1)
        elif k is Kind.HOTKEY:
            if intent.value == "c":
                self.set_mode(not self.app.settings.coach)
            elif intent.value == "w":
                self.set_own_words(not self.app.settings.own_words)
            elif intent.value == "h":
                self.open_history()
            elif intent.value == "r" and self.plan is not None:
                self.resume()

    def click(self, pos: tuple[int, int], lay: MenuLayout) -> None:
        """A left click somewhere on the menu."""
        if lay.name_box.collidepoint(pos):
            self.start_editing()
            return
        for b in lay.buttons + lay.banner_buttons:
            if b.hit(pos):
                self.app.sounds.play("click")
                self.act(b.action)
                return
        if lay.list_view.collidepoint(pos):
            y = pos[1] - lay.list_view.y + self.scroll.offset
            for i, card in enumerate(lay.cards):
                if card.y <= y < card.y + card.h:
                    if i == self.selected:
                        self.open_selected()
                    else:
                        self.select(i)
                        self.open_selected()
                    return

    def act(self, action: str) -> None:
        """Run a button's action."""
        if action.startswith("lang:"):
            lang = action.split(":", 1)[1]
            if lang != self.app.lang:
                self.app.settings.lang = lang
                self.app.save_settings()
                self.app.set_window_title()
        elif action.startswith("mode:"):
            self.set_mode(action.endswith("coach"))
        elif action.startswith("answer:"):
            self.set_own_words(action.endswith("words"))
        elif action.startswith("sound:"):
            on = action.endswith("on")
            self.app.sounds.enabled = self.app.settings.sound = on
            self.app.save_settings()
        elif action == "history":
            self.open_history()
        elif action == "quit":
            self.app.quit()
        elif action == "resume":
            self.resume()
        elif action == "discard":
            self.discard()

    def set_own_words(self, on: bool) -> None:
        """Answer by picking a reply, or by typing it in your own words (where the
        language model is installed; otherwise a notice says what is missing)."""
        from sim.ui.words import model_note

        note = model_note(self.app.lang) if on else None
        if note is not None:
            self.app.notify(note)
            on = False
        self.app.settings.own_words = on
        self.app.save_settings()

    def set_mode(self, coach: bool) -> None:
        """Coach or exam mode."""
        self.app.settings.coach = coach
        self.app.save_settings()

    def select(self, index: int) -> None:
        """Highlight a card and keep it in view."""
        cards = self.layout().cards
        if not cards:
            return
        self.selected = max(0, min(len(cards) - 1, index))
        card = cards[self.selected]
        view_h = self.layout().list_view.height
        if card.y < self.scroll.target:
            self.scroll.to(card.y)
        elif card.y + card.h > self.scroll.target + view_h:
            self.scroll.to(card.y + card.h - view_h)

    def need_name(self) -> bool:
        """True (and the name field focused) when no trainee name is set."""
        if self.app.settings.trainee.strip():
            return False
        self.app.notify(self.t("name_needed"))
        self.start_editing()
        return True

    def open_selected(self) -> None:
        """Open the selected case's brief."""
        entries = self.app.library.entries
        if not entries or self.need_name():
            return
        from sim.ui.scenes.brief import BriefScene

        entry = entries[self.selected]
        self.app.settings.last_scenario = entry.id
        self.app.save_settings()
        self.app.sounds.play("click")
        self.app.push(BriefScene(self.app, entry))

    def open_history(self) -> None:
        """Show the trainee's past sessions."""
        if self.need_name():
            return
        from sim.ui.scenes.history import HistoryScene

        self.app.push(HistoryScene(self.app))

    def ask_quit(self) -> None:
        """Esc on the menu: quit, after asking."""
        self.app.ask(lambda: self.t("quit_title"), "", lambda: self.t("quit"),
                     lambda: self.t("stay"), self.app.quit)

    def resume(self) -> None:
        """Resume (or restart on the edited file) the unfinished session on offer."""
        if self.plan is not None and resume_plan(self.app, self.plan) is False:
            self.discard()

    def discard(self) -> None:
        """Abandon the unfinished session on offer."""
        if self.plan is not None and self.app.store is not None:
            try:
                self.app.store.abandon(self.plan.info.id)
            except Exception as exc:
                log.warning("cannot abandon: %s", exc)
        self.refresh_records()

    # -- drawing ---------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        ts = app.ts
        surface.fill(theme.BG)
        lay = self.layout()
        hover = app.hover
        panel(surface, lay.sidebar, radius=14)
        x = lay.sidebar.x + 18
        w = lay.sidebar.width - 36
        y = lay.sidebar.y + 18
        title_role = ("title", "h1", "h2", "h2", "h2")[lay.compact]
        y += ts.draw_wrapped(surface, app.t("app_title"), pygame.Rect(x, y, w, 200), title_role,
                             theme.ACCENT_DARK, True)
        if lay.compact == 0:
            ts.draw_wrapped(surface, app.t("app_subtitle"), pygame.Rect(x, y, w, 200), "small",
                            theme.INK_SOFT)
        label_w = self.label_width(lay.sidebar, lay.compact)
        for key, pos in lay.labels:
            ts.draw(surface, app.t(key), pos, "small", theme.INK_SOFT, bold=True,
                    max_width=label_w if key != "trainee" else w, anchor="midleft")
        if lay.note is not None:
            ts.draw_wrapped(surface, app.t("menu_more_settings"), lay.note, "small",
                            theme.INK_SOFT)
        # Name field.
        nb = lay.name_box
        pygame.draw.rect(surface, theme.PANEL_ALT, nb, border_radius=8)
        pygame.draw.rect(surface, theme.ACCENT if self.editing else theme.LINE, nb,
                         2 if self.editing else 1, border_radius=8)
        name = app.settings.trainee
        shown = name or app.t("name_placeholder")
        color = theme.INK if name else theme.INK_FAINT
        inner_w = nb.width - 24
        if ts.measure(shown, "body") > inner_w:  # show the end of a long name while typing
            while shown and ts.measure("…" + shown, "body") > inner_w:
                shown = shown[1:]
            shown = "…" + shown
        r = ts.draw(surface, shown, (nb.x + 12, nb.centery), "body", color, anchor="midleft")
        if self.editing:
            cx = r.right + 2 if name else nb.x + 12
            pygame.draw.line(surface, theme.ACCENT, (cx, nb.y + 8), (cx, nb.bottom - 8), 2)
        for b in lay.buttons:
            draw_button(surface, ts, b, b.hit(hover), "small")
            if b.action == "mode:exam" and lay.compact == 0:
                hint = app.t("mode_coach_hint" if app.settings.coach else "mode_exam_hint")
                ts.draw_wrapped(surface, hint, pygame.Rect(x, b.rect.bottom + 6, w, 200),
                                "tiny", theme.INK_SOFT)
        # The list of cases.
        main_x = lay.list_view.x
        ts.draw(surface, app.t("scenarios"), (main_x, 20), "h2", theme.INK, bold=True,
                max_width=lay.head_w)
        if lay.banner is not None:
            panel(surface, lay.banner, theme.COACH_BUBBLE, theme.GOLD, radius=10)
            text_right = min(b.rect.x for b in lay.banner_buttons) - 14
            tr = pygame.Rect(lay.banner.x + 14, lay.banner.y + 12,
                             text_right - lay.banner.x - 14, lay.banner.height - 24)
            ts.draw_wrapped(surface, self.banner_text(), tr, "small", theme.INK)
            for b in lay.banner_buttons:
                draw_button(surface, ts, b, b.hit(hover), "small")
        view = lay.list_view
        if not lay.cards:
            msg = (app.t("empty_library", path=str(app.library.folder)) if app.ready
                   else app.t("loading"))
            ts.draw_wrapped(surface, msg, view.inflate(-20, -20), "body", theme.INK_SOFT)
        old = surface.get_clip()
        surface.set_clip(view)
        hover_y = None
        if hover and view.collidepoint(hover):
            hover_y = hover[1] - view.y + self.scroll.offset
        for i, card in enumerate(lay.cards):
            top = view.y + card.y - round(self.scroll.offset)
            if top > view.bottom or top + card.h < view.y:
                continue
            rect = pygame.Rect(view.x, top, view.width - 14, card.h)
            hovered = hover_y is not None and card.y <= hover_y < card.y + card.h
            self.draw_card(surface, rect, card.entry, i == self.selected, hovered)
        surface.set_clip(old)
        draw_scrollbar(surface, view, self.scroll)
        if app.library.failed:
            ts.draw(surface, app.t("bad_scenarios", n=len(app.library.failed)),
                    (view.x, lay.footer_y - 22), "tiny", theme.WARN, max_width=view.width)
        if app.store_error is not None and app.store is None:
            # Not recording: say so where it is always visible, naming the file.
            path = app.store_error.split(": ", 1)[0]
            app.draw_footer(surface, app.t("records_off_banner", path=path))
        else:
            app.draw_footer(surface, app.t("menu_keys_name" if self.editing else "menu_keys"))

    def draw_card(
        self, surface: pygame.Surface, rect: pygame.Rect, entry: Entry, selected: bool,
        hovered: bool,
    ) -> None:
        """One scenario: title, difficulty, summary, best score."""
        ts = self.app.ts
        s = entry.scenario
        bg = theme.HOVER if hovered else theme.PANEL
        panel(surface, rect, bg, theme.ACCENT if selected else theme.LINE, radius=12)
        if selected:
            pygame.draw.rect(surface, theme.ACCENT, rect, 2, border_radius=12)
            pygame.draw.rect(surface, theme.ACCENT, (rect.x, rect.y + 10, 5, rect.h - 20),
                             border_radius=3)
        inner = pygame.Rect(rect.x + 18, rect.y + 16, rect.width - 36, rect.height - 32)
        dot = ts.px("small")
        dots_w = 5 * (dot + 4)
        stars(surface, (inner.right - dots_w, inner.y + ts.line_height("h3") // 2),
              s.difficulty, 5, dot)
        title_rect = pygame.Rect(inner.x, inner.y, max(40, inner.width - dots_w - 10), 400)
        y = inner.y + ts.draw_wrapped(surface, self.tx(s.title), title_rect, "h3", theme.INK,
                                      True)
        y += 4
        y += ts.draw_wrapped(surface, self.tx(s.summary), pygame.Rect(inner.x, y, inner.width,
                             400), "small", theme.INK_SOFT)
        teaches = self.teaches_line(entry)
        if teaches:
            y += 4
            y += ts.draw_wrapped(surface, teaches, pygame.Rect(inner.x, y, inner.width, 400),
                                 "small", theme.ACCENT_DARK)
        y += 6
        best = self.best.get(s.id)
        if best is not None:
            text = self.t("best_score", score=strings.score_text(best.score))
            color = theme.GOOD if best.score >= 80 else theme.INK
        else:
            text, color = self.t("not_played"), theme.INK_FAINT
        r = ts.draw(surface, text, (inner.x, y), "tiny", color, bold=best is not None)
        tags = self.tags_line(entry)
        if tags:
            ts.draw(surface, tags, (inner.right, y), "tiny", theme.INK_FAINT, anchor="topright",
                    max_width=max(10, inner.width - r.width - 20))


def resume_plan(app: Any, plan: Any) -> bool | None:
    """Play on from a resume plan (the menu's offer, or a row of the history): the
    session where it stopped, or a new one on the edited file. False when it failed
    (the trainee was told why), None when there was nothing to play (the file is gone).
    """
    store = app.store
    if store is None:
        return None
    from sim.engine import Session
    from sim.ui.scenes.play import PlayScene

    try:
        if plan.state == "ready":
            session, recorder = store.resume(plan)
        elif plan.state == "changed":
            seed = app.new_seed()
            recorder = store.restart(plan, seed=seed)
            session = Session(plan.scenario, seed=seed)
            recorder.attach(session)
        else:
            return None
    except Exception as exc:
        log.warning("cannot resume: %s", exc)
        app.notify(str(exc))
        return False
    app.settings.coach = plan.info.mode != "exam"
    path = plan.path or app.library.folder
    app.push(PlayScene(app, Entry(path, plan.scenario), session, recorder))
    return True
