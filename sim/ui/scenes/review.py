"""Review: the conversation turn by turn, with the replies that were not chosen."""

from __future__ import annotations

from typing import Any

import pygame

from sim.engine import shown_order
from sim.ui import theme
from sim.ui.doc import Block, Bubble, Doc, Heading, Para, Spacer
from sim.ui.intents import Intent, Kind
from sim.ui.library import Entry
from sim.ui.scenes.debrief import signed
from sim.ui.scenes.docscene import DocScene
from sim.ui.widgets import Button, button_width, place_right_to_left


class ReviewScene(DocScene):
    """One turn per page: what the customer said, the reply, the road not taken."""

    name = "review"
    page_inset = (-48, -32)

    def __init__(self, app: Any, entry: Entry, session: Any, debrief: Any) -> None:
        super().__init__(app)
        self.entry = entry
        self.scenario = entry.scenario
        self.history = session.history
        self.seed = getattr(session, "seed", None)  # to show the replies as they were shown
        self.debrief = debrief
        self.index = 0

    def tags(self, choice: Any) -> list[tuple[str, theme.Color]]:
        """Step, quality and pitfall chips of a reply."""
        out = [(self.t(f"step_{choice.step}" if choice.step else "step_none"), theme.ACCENT),
               (self.t(f"q_{choice.quality}"), theme.QUALITY_COLORS[choice.quality])]
        if choice.pitfall:
            out.append((self.t(f"p_{choice.pitfall}"), theme.WARN))
        return out

    def doc_key(self) -> tuple[str, int]:
        """The page depends on the language and the turn."""
        return (self.app.lang, self.index)

    def build_doc(self) -> Doc:
        """The current turn's page."""
        turn = self.history[self.index]
        node = self.scenario.nodes[turn.node]
        chosen = node.choices[turn.index]
        t = self.t
        blocks: list[Block] = [
            Heading(t("customer_said"), "h3"),
            Bubble(self.tx(self.scenario.customer.name), self.tx(node.say),
                   theme.CUSTOMER_BUBBLE, theme.EMOTION),
            Para(t("effect", emotion=turn.emotion_before, trust=turn.trust_before), "tiny",
                 theme.INK_FAINT),
            Spacer(0.4),
            Heading(t("you_chose"), "h3"),
        ]
        typed = getattr(turn, "typed", None)
        if typed:
            # own words: what the trainee typed, then the authored reply it was taken as
            from sim.match.strings import tr as mtr

            blocks += [Bubble(t("you"), typed, theme.TRAINEE_BUBBLE, theme.ACCENT_DARK),
                       Bubble(mtr("taken_as", self.app.lang).capitalize(), self.tx(chosen.reply),
                              theme.PANEL_ALT, theme.INK_SOFT, tags=self.tags(chosen))]
        else:
            blocks.append(Bubble(t("you"), self.tx(chosen.reply), theme.TRAINEE_BUBBLE,
                                 theme.ACCENT_DARK, tags=self.tags(chosen)))
        blocks += [
            Para(t("effect", emotion=signed(turn.emotion - turn.emotion_before),
                   trust=signed(turn.trust - turn.trust_before)), "small", theme.INK_SOFT),
        ]
        if chosen.why:
            blocks.append(Para(self.tx(chosen.why), "body", theme.INK_SOFT))
        blocks += [Spacer(0.4), Heading(t("road_not_taken"), "h3")]
        # in the order the session showed them (the same shuffle as during play)
        others = [i for i in shown_order(self.seed, turn.number - 1, turn.node, turn.offered,
                                         node.shuffle) if i != turn.index]
        if not others:
            blocks.append(Para(t("no_other"), "body", theme.INK_FAINT))
        for i in others:
            c = node.choices[i]
            # not "You": the trainee didn't say it
            blocks.append(Bubble(t("not_chosen"), self.tx(c.reply), theme.PANEL_ALT,
                                 theme.INK_SOFT, tags=self.tags(c)))
            effect = t("effect", emotion=signed(c.effects.emotion), trust=signed(c.effects.trust))
            line = t("would_do", effect=effect)
            if c.why:
                line += "  " + self.tx(c.why)
            blocks.append(Para(line, "small", theme.INK_SOFT, indent=14))
        return Doc(blocks, gap=8)

    def layout(self) -> tuple[pygame.Rect, pygame.Rect, list[Button]]:
        """Title, page view, buttons."""
        ts = self.app.ts
        w, h = self.app.size
        pad = 20
        footer = h - ts.line_height("tiny") - 16
        bh = ts.line_height("body") + 16
        header = pygame.Rect(pad, pad, w - 2 * pad, ts.line_height("h2") + 6)
        n = len(self.history)
        buttons = [
            Button(pygame.Rect(0, 0, max(120, button_width(ts, label, key)), bh), label,
                   action, key, primary=action == "next", enabled=enabled)
            for label, action, key, enabled in (
                (self.t("next"), "next", None, self.index < n - 1),
                (self.t("prev"), "prev", None, self.index > 0),
                (self.t("back"), "back", "Esc", True),
            )
        ]
        place_right_to_left(buttons, (w - pad, footer - 10))
        view = pygame.Rect(pad, header.bottom + 10, w - 2 * pad,
                           footer - 10 - bh - 12 - header.bottom - 10)
        return header, view, buttons

    def doc_view(self) -> pygame.Rect:
        return self.layout()[1]

    def go(self, step: int) -> None:
        """Previous or next turn."""
        new = max(0, min(len(self.history) - 1, self.index + step))
        if new != self.index:
            self.index = new
            self.scroll.to(0, instant=True)

    def handle(self, intent: Intent) -> None:
        super().handle(intent)
        k = intent.kind
        _, _, buttons = self.layout()
        if k is Kind.BACK:
            self.app.pop()
        elif k is Kind.LEFT:
            self.go(-1)
        elif k in (Kind.RIGHT, Kind.CONFIRM):
            self.go(1)
        elif k is Kind.CHOOSE:
            self.go(int(intent.value) - 1 - self.index)
        elif k is Kind.CLICK:
            for b in buttons:
                if b.hit(intent.pos):
                    self.app.sounds.play("click")
                    if b.action == "back":
                        self.app.pop()
                    else:
                        self.go(1 if b.action == "next" else -1)
                    return
        else:
            self.handle_scroll(intent)

    def draw(self, surface: pygame.Surface) -> None:
        ts = self.app.ts
        surface.fill(theme.BG)
        header, view, buttons = self.layout()
        title = self.t("review_title", n=self.index + 1, total=len(self.history))
        ts.draw(surface, title, header.topleft, "h2", theme.INK, bold=True,
                max_width=header.width)
        self.draw_doc(surface, view)
        self.draw_buttons(surface, buttons)
        self.app.draw_footer(surface, self.t("review_keys"))
