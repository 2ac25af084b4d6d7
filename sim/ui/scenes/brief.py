"""The case brief: the briefing, who the customer is, the trainee's authority; start."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygame

from sim.ui import theme
from sim.ui.doc import Doc, Heading, Para, Spacer
from sim.ui.intents import Intent, Kind
from sim.ui.library import Entry
from sim.ui.linebreak import segments
from sim.ui.portrait import Look, Mood
from sim.ui.preview import Preset
from sim.ui.scenes.docscene import DocScene
from sim.ui.widgets import Button, button_width, panel, place_right_to_left

log = logging.getLogger(__name__)

#: The smallest portrait the customer's card shows above the text; below it, the text
#: flows around the face instead (see :meth:`BriefScene.card_layout`).
PORTRAIT_MIN = 120


@dataclass
class CustomerCard:
    """The customer card's parts: the portrait, the label and name, the rest."""

    portrait: pygame.Rect
    name: pygame.Rect
    rest: pygame.Rect


def open_scenario_file(app: Any, path: Path, preset: Preset | None = None) -> bool:
    """Load a scenario file and show its brief (or, with a preset, play from it at once)."""
    from sim.scenario import ScenarioError, load_scenario

    try:
        scenario = load_scenario(path)
    except (ScenarioError, OSError) as exc:
        log.error("cannot open %s: %s", path, exc)
        return False
    entry = app.library.add(path, scenario)
    if preset:
        return start_play(app, entry, preset=preset, replace=False)
    app.push(BriefScene(app, entry))
    return True


def start_play(
    app: Any, entry: Entry, preset: Preset | None = None, replace: bool = True
) -> bool:
    """Start a new session of ``entry``: recorded, unless it is a trainer's preview
    (``preset``) or the trainee agreed to play without working records."""
    from sim.engine import ChoiceError, Session
    from sim.ui.scenes.play import PlayScene

    preset = preset or Preset()
    # Replies are shown in a per-session shuffled order (recorded, so a resumed session
    # shows the same); a trainer's preview in coach mode keeps the authored order, exam
    # mode always shuffles.
    seed = None if preset and app.settings.coach else app.new_seed()
    try:
        session = Session(entry.scenario, seed=seed, **preset.session_kwargs())
    except ChoiceError as exc:
        app.notify(str(exc))
        return False
    recorder: Any = None
    if preset:
        pass  # a preview's history does not begin at the start: nothing to record
    elif app.store is None and app.store_error is not None:
        from sim.records import NullRecorder

        recorder = NullRecorder()
        recorder.attach(session)
    elif app.store is not None and app.settings.trainee:
        try:
            mode = "coach" if app.settings.coach else "exam"
            recorder = app.store.start(app.settings.trainee, entry.scenario, app.lang, mode,
                                       seed=seed)
            recorder.attach(session)
        except Exception as exc:  # play on without recording
            log.warning("not recording this session: %s", exc)
            recorder = None
    scene = PlayScene(app, entry, session, recorder, preview=bool(preset))
    if replace:
        app.replace(scene)
    else:
        app.push(scene)
    return True


class BriefScene(DocScene):
    """Read the case, then start."""

    name = "brief"

    def __init__(self, app: Any, entry: Entry) -> None:
        super().__init__(app)
        self.entry = entry

    def build_doc(self) -> Doc:
        """The brief's text blocks in the current language."""
        s = self.entry.scenario
        briefing = self.tx(s.briefing)
        blocks = [Heading(self.t("case_brief"), "h3"), Para(briefing)]
        if s.authority is not None:
            blocks += [Spacer(0.6), Heading(self.t("your_authority"), "h3"),
                       Para(self.tx(s.authority), color=theme.ACCENT_DARK)]
        return Doc(blocks, gap=8)

    def layout(self) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect, list[Button], int]:
        """Portrait column, text view, header, buttons, footer y."""
        ts = self.app.ts
        w, h = self.app.size
        pad = 24
        footer = h - ts.line_height("tiny") - 16
        bh = ts.line_height("body") + 16
        header_h = ts.text_height(self.tx(self.entry.scenario.title), "h1", w - 2 * pad, True)
        header = pygame.Rect(pad, pad, w - 2 * pad, header_h + 8)
        col_w = max(220, min(360, int(w * 0.28)))
        body_top = header.bottom + 12
        left = pygame.Rect(pad, body_top, col_w, footer - pad - bh - 12 - body_top)
        view = pygame.Rect(left.right + pad, body_top, w - left.right - 2 * pad,
                           left.height)
        # as wide as label and key hint need at every text size (a fixed margin cut
        # the labels to "B…" at large text on a large window)
        start_w = max(160, button_width(ts, self.t("start"), "Enter"))
        back_w = max(140, button_width(ts, self.t("back"), "Esc"))
        start = Button(pygame.Rect(0, 0, start_w, bh), self.t("start"), "start", "Enter",
                       primary=True)
        back = Button(pygame.Rect(0, 0, back_w, bh), self.t("back"), "back", "Esc")
        place_right_to_left([start, back], (w - pad, footer - 12))
        mode_label = self.t("mode_coach" if self.app.settings.coach else "mode_exam")
        mode = Button(pygame.Rect(pad, 0, max(140, button_width(ts, mode_label, "C")), bh),
                      mode_label, "mode", "C")
        mode.rect.bottom = footer - 12
        return left, view, header, [start, back, mode], footer

    def doc_view(self) -> pygame.Rect:
        return self.layout()[1]

    def handle(self, intent: Intent) -> None:
        super().handle(intent)
        k = intent.kind
        _, _, _, buttons, _ = self.layout()
        if k is Kind.CONFIRM:
            self.start()
        elif k is Kind.BACK:
            self.app.pop()
        elif k is Kind.HOTKEY and intent.value == "a":
            self.show_authority()
        elif k is Kind.HOTKEY and intent.value == "c":
            self.app.settings.coach = not self.app.settings.coach
            self.app.save_settings()
        elif k is Kind.CLICK:
            for b in buttons:
                if b.hit(intent.pos):
                    self.app.sounds.play("click")
                    if b.action == "start":
                        self.start()
                    elif b.action == "back":
                        self.app.pop()
                    else:
                        self.app.settings.coach = not self.app.settings.coach
                        self.app.save_settings()
                    return
        else:
            self.handle_scroll(intent)

    def authority_index(self) -> int | None:
        """The index of the "Your authority" heading in the page (None: the case names
        no authority)."""
        heading = self.t("your_authority")
        for i, block in enumerate(self.doc().blocks):
            if isinstance(block, Heading) and block.text == heading:
                return i
        return None

    def show_authority(self) -> None:
        """A: scroll the page to the trainee's authority (it is often below the fold)."""
        index = self.authority_index()
        if index is None:
            self.app.notify(self.t("no_authority"))
            return
        page = self.page(self.doc_view())
        self.scroll.to(self.doc().offset_of(self.app.ts, page.width, index))

    def start(self) -> None:
        """Begin play (first asking, if the records cannot be used, whether to play
        without them)."""
        self.app.sounds.play("click")
        self.app.check_records(lambda: start_play(self.app, self.entry))

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        ts = app.ts
        s = self.entry.scenario
        surface.fill(theme.BG)
        left, view, header, buttons, _ = self.layout()
        ts.draw_wrapped(surface, self.tx(s.title), header, "h1", theme.INK, True)
        # The customer: portrait at their starting mood, name, role, starting meters.
        panel(surface, left, radius=14)
        card = self.card_layout(left)
        look = Look.from_mapping(s.customer.look)
        mood = Mood(s.customer.emotion, s.customer.trust)
        surface.blit(app.portraits.get(card.portrait.size, mood, look), card.portrait)
        ts.draw(surface, self.t("customer"), card.name.topleft, "tiny", theme.INK_FAINT,
                max_width=card.name.width)
        name = card.name.copy()
        name.top += ts.line_height("tiny")
        name.height -= ts.line_height("tiny")
        ts.draw_wrapped(surface, self.tx(s.customer.name), name, "h3", theme.INK, True)
        y = card.rest.y
        y += ts.draw_wrapped(surface, self.tx(s.customer.role),
                             pygame.Rect(card.rest.x, y, card.rest.width, card.rest.bottom - y),
                             "small", theme.INK_SOFT)
        ts.draw_wrapped(surface, self.start_text(),
                        pygame.Rect(card.rest.x, y + 6, card.rest.width,
                                    card.rest.bottom - y - 6), "tiny", theme.INK_SOFT)
        # The briefing.
        self.draw_doc(surface, view)
        self.draw_buttons(surface, buttons)
        app.draw_footer(surface, self.t("brief_keys"))

    def card_layout(self, left: pygame.Rect) -> CustomerCard:
        """Where the customer's card puts the portrait, the label and name, and the rest
        (role, starting meters). The portrait sits above the text while the card is tall
        enough for a face of :data:`PORTRAIT_MIN` or more; when it isn't (a small window,
        large text), the text flows around it instead: the name beside the portrait, the
        role and meters below both, so the face keeps a readable size."""
        ts = self.app.ts
        c = self.entry.scenario.customer
        inner = left.inflate(-24, -24)
        gap = 12

        def name_h(width: int) -> int:
            return (ts.line_height("tiny")
                    + ts.text_height(self.tx(c.name), "h3", width, True))

        def rest_h(width: int) -> int:
            return (ts.text_height(self.tx(c.role), "small", width)
                    + 6 + ts.text_height(self.start_text(), "tiny", width))

        above = inner.height - gap - name_h(inner.width) - rest_h(inner.width)
        side = min(inner.width, above - ts.line_height("small"))
        if side >= min(PORTRAIT_MIN, inner.width):
            pr = pygame.Rect(inner.x + (inner.width - side) // 2, inner.y, side, side)
            name = pygame.Rect(inner.x, pr.bottom + gap, inner.width, name_h(inner.width))
            rest = pygame.Rect(inner.x, name.bottom, inner.width, inner.bottom - name.bottom)
            return CustomerCard(pr, name, rest)
        below = rest_h(inner.width)
        # the name's longest word must fit beside the face, or it would break inside it
        word = max((ts.measure(part.rstrip(), "h3", True)
                    for part in segments(self.tx(c.name))), default=0)
        side = max(40, min(int(inner.width * 0.45), inner.width - gap - word,
                           inner.height - gap - below))
        pr = pygame.Rect(inner.x, inner.y, side, side)
        name_w = inner.right - pr.right - gap
        name = pygame.Rect(pr.right + gap, inner.y, name_w, name_h(name_w))
        top = max(pr.bottom, name.y + name_h(name.width)) + gap
        rest = pygame.Rect(inner.x, top, inner.width, inner.bottom - top)
        return CustomerCard(pr, name, rest)

    def start_text(self) -> str:
        """The starting meters, in words."""
        c = self.entry.scenario.customer
        return self.t("start_values", emotion=c.emotion, trust=c.trust)
