"""Play: the customer's portrait and meters, the conversation, and the replies.

The scene drives the engine only through ``Session.choose`` and learns what happened
from the session's events (``ChoiceMade``, ``MetersChanged``, ``FactLearned``,
``NodeEntered``, ``SessionEnded``), which it turns into conversation entries and
animations. The customer's new line types out progressively (Space or a click shows it
at once); replies appear when it has been said.

For trainers, F5 re-reads the scenario file and continues in the edited version at the
same node and state (errors are shown, and the old version plays on), and F2 shows the
session's node, meters, turn, flags and facts.
"""

from __future__ import annotations

import contextlib
import logging
import math
from dataclasses import dataclass, field
from typing import Any

import pygame

from sim.engine import ChoiceMade, FactLearned, MetersChanged, NodeEntered, SessionEnded
from sim.scenario import STEPS, text_of
from sim.ui import theme
from sim.ui.doc import Block, Bubble, Doc, Para
from sim.ui.intents import Intent, Kind
from sim.ui.library import Entry
from sim.ui.linebreak import segments
from sim.ui.portrait import Look, Mood
from sim.ui.preview import draw_overlay, overlay_height, reload_session, state_lines
from sim.ui.scene import Scene
from sim.ui.settings import TYPING_SPEEDS
from sim.ui.widgets import (
    Button,
    Meter,
    Scroll,
    button_width,
    chip,
    chip_width,
    cue_height,
    draw_button,
    draw_meter,
    draw_more_cue,
    draw_scrollbar,
    meter_height,
    panel,
)

TYPE_CPS = {"en": 60.0, "zh": 26.0}  # characters per second of the typewriter
JOLT_TIME = 0.45
BLINK_EVERY = (3.2, 4.6, 5.4, 3.9)
BLINK_TIME = 0.14

log = logging.getLogger(__name__)
#: The smallest portrait the customer's card shows above the name; below it the name
#: goes beside the face (see :meth:`PlayScene.customer_card`).
PORTRAIT_MIN = 110
#: The smallest portrait beside the name.
PORTRAIT_BESIDE = 72


@dataclass
class CustomerCard:
    """The customer card's parts in play: the portrait, the name, where the role starts,
    and the method progress (compact: numbered chips; its height, 0: not shown)."""

    portrait: pygame.Rect
    name: pygame.Rect
    role_y: int
    compact: bool
    steps_h: int
    #: False where the meters' ends go unnamed to make room for the progress
    meter_ends: bool = True


@dataclass
class Entry_:
    """One line of the conversation log (kept as language-neutral data)."""

    kind: str  # customer | note | trainee | coach | fact | ending
    text: Any  # scenario Text (or a UI string key for 'fact')
    tags: list[tuple[str, str]] = field(default_factory=list)  # (string key, colour key)
    extra: Any = None


class TypingBubble(Bubble):
    """The customer's current line: draws only the characters typed so far."""

    def __init__(self, scene: PlayScene, who: str, text: str) -> None:
        super().__init__(who, text, theme.CUSTOMER_BUBBLE, theme.EMOTION)
        self.scene = scene

    def draw(self, surface: pygame.Surface, ts: Any, rect: pygame.Rect) -> None:
        inner = self._inner(rect.width)
        box = pygame.Rect(rect.x, rect.y, inner + 24, rect.height - 6)
        pygame.draw.rect(surface, self.bg, box, border_radius=10)
        pygame.draw.rect(surface, theme.EMOTION, box, 2, border_radius=10)
        who = ts.draw(surface, self.who, (box.x + 12, box.y + 6), "tiny", self.accent, bold=True,
                      max_width=inner)
        body = pygame.Rect(box.x + 12, who.bottom + 4, inner, box.bottom - who.bottom)
        ts.draw_wrapped(surface, self.text, body, "body", theme.INK,
                        max_chars=self.scene.shown_chars())


class PlayScene(Scene):
    """One play-through in the window."""

    name = "play"

    def __init__(
        self, app: Any, entry: Entry, session: Any, recorder: Any = None,
        preview: bool = False,
    ) -> None:
        super().__init__(app)
        self.entry = entry
        self.scenario = entry.scenario
        self.session = session
        self.recorder = recorder
        #: A trainer's preview (preset start or a reloaded file): never recorded.
        self.preview = preview
        self.reloads = 0
        self.look = Look.from_mapping(self.scenario.customer.look)
        self.emotion = Meter(session.emotion)
        self.trust = Meter(session.trust)
        self.log: list[Entry_] = []
        self.typing: Any = None  # Text being typed (the customer's latest line)
        self.typed = 0.0
        self.jolt_t = JOLT_TIME
        self.blink_in = BLINK_EVERY[0]
        self.blink_left = 0.0
        self.blinks = 0
        self.scroll = Scroll()
        self.choice_scroll = Scroll()
        self.authority_scroll = Scroll()
        self.follow = True  # keep the log scrolled to the end while new lines arrive
        self.ended = False
        #: A: the case's authority pinned over the portrait column.
        self.show_authority = False
        #: the own-words mode: a text box instead of the reply buttons (None: off). The
        #: model loads on a worker thread: the first frame does not wait for it.
        self.words: Any = None  # a sim.ui.words.WordsInput
        self._words_state = ""
        if app.settings.own_words:
            # imported only here: the matcher brings numpy, which plain play never needs
            from sim.ui.words import WordsInput, model_note

            if model_note(app.lang) is None:
                self.words = WordsInput(self.scenario)
                pygame.key.start_text_input()
        self._docs: dict[tuple, Doc] = {}
        self._extent_key: tuple | None = None
        self._rebuild_log()
        self._unsubscribe = session.subscribe(self.on_event)

    # -- engine events -----------------------------------------------------------------------

    def _rebuild_log(self) -> None:
        """The log of a session that already has turns (resumed or previewed)."""
        s = self.session
        for turn in s.history:
            node = self.scenario.nodes[turn.node]
            self.log.append(Entry_("customer", node.say))
            if node.note:
                self.log.append(Entry_("note", node.note))
            self._add_reply(turn)
        if s.ending is not None:
            self._show_ending(animate=False)
        elif s.node is not None:
            self._say_node(animate=not s.history)

    def _say_node(self, animate: bool = True) -> None:
        node = self.session.node
        if node is None:
            return
        if node.note:
            self.log.append(Entry_("note", node.note))
        self.typing = node.say
        self.typed = 0.0 if animate and self.type_factor() else 1e9
        self.follow = True
        self.choice_scroll.to(0, instant=True)

    def _add_reply(self, turn: Any) -> None:
        node = self.scenario.nodes[turn.node]
        choice = node.choices[turn.index]
        if getattr(turn, "typed", None):
            # the trainee's own words, and the authored reply they were taken as
            from sim.match.strings import tr as mtr

            self.log.append(Entry_("trainee", turn.typed, extra=turn.number))
            self.log.append(Entry_("note", {
                lang: f"{mtr('taken_as', lang)}: “{text_of(choice.reply, lang)}”"
                for lang in ("en", "zh")}))
        else:
            self.log.append(Entry_("trainee", choice.reply, extra=turn.number))
        if self.app.settings.coach:
            tags = [(f"step_{choice.step}" if choice.step else "step_none", "step"),
                    (f"q_{choice.quality}", f"q:{choice.quality}")]
            if choice.pitfall:
                tags.append((f"p_{choice.pitfall}", "q:harmful"))
            self.log.append(Entry_("coach", choice.why, tags))
            for fact in turn.learned:
                self.log.append(Entry_("fact", self.scenario.facts.get(fact, fact)))

    def _show_ending(self, animate: bool = True) -> None:
        ending = self.session.ending
        self.ended = True
        if ending is not None and ending.say:
            self.typing = ending.say
            self.typed = 0.0 if animate and self.type_factor() else 1e9
        else:
            self.typing = None
        self.follow = True

    def on_event(self, event: Any) -> None:
        """Turn an engine event into log entries and animations."""
        if isinstance(event, ChoiceMade):
            if self.typing is not None:
                self.log.append(Entry_("customer", self.typing))
                self.typing = None
            self._add_reply(event.turn)
            better = event.turn.quality in ("best", "good")
            self.app.sounds.play("better" if better else "worse")
        elif isinstance(event, MetersChanged):
            self.emotion.set(event.emotion)
            self.trust.set(event.trust)
            if self.app.settings.reduce_motion:  # no sliding bars, no shaking face
                self.emotion.value, self.trust.value = self.emotion.target, self.trust.target
            elif event.emotion_delta >= 8:
                self.jolt_t = 0.0
        elif isinstance(event, FactLearned):
            pass  # shown with the coach's note (coach mode) and in the debrief
        elif isinstance(event, NodeEntered):
            self._say_node()
        elif isinstance(event, SessionEnded):
            self._show_ending()
            good = (event.outcome or "") in ("resolved", "partial")
            self.app.sounds.play("end_good" if good else "end_bad")
        self.app.dirty = True

    def leave(self) -> None:
        """Stop listening when the scene goes away for good."""

    def close(self) -> None:
        """Unsubscribe from the session."""
        if self._unsubscribe is not None:
            with contextlib.suppress(ValueError):
                self._unsubscribe()
            self._unsubscribe = None

    # -- own words ---------------------------------------------------------------------------

    @property
    def wants_text(self) -> bool:  # type: ignore[override]
        """Keys type into the own-words box while it can take a reply."""
        return (self.words is not None and self.words.state == "ready"
                and not self.session.is_over)

    def submit_words(self) -> None:
        """Enter in the own-words box: a confident match is given; an unsure one makes
        the customer ask what was meant and offers the two closest replies."""
        from sim.match import Match
        from sim.match.strings import STRINGS

        words = self.words
        if words is None or words.state != "ready" or self.session.is_over:
            return
        result = words.submit(self.session)
        if isinstance(result, Match):
            if self.typing is not None:  # the customer's line goes into the log first
                self.log.append(Entry_("customer", self.typing))
                self.typing = None
            self.log.append(Entry_("trainee", result.text, extra=self.session.turn + 1))
            self.log.append(Entry_("customer", dict(STRINGS["unsure"])))
            self.follow = True
            self.choice_scroll.to(0, instant=True)
        self.app.dirty = True

    # -- typing ------------------------------------------------------------------------------

    def type_factor(self) -> float:
        """The trainee's typing speed as a factor (0: off, also when motion is reduced)."""
        st = self.app.settings
        if st.reduce_motion:
            return 0.0
        return TYPING_SPEEDS.get(st.typing, 1.0)

    def typing_text(self) -> str:
        """The customer's current line in the current language."""
        return self.tx(self.typing) if self.typing is not None else ""

    def shown_chars(self) -> int | None:
        """How many characters of the current line are visible (None: all)."""
        total = len(self.typing_text())
        n = int(self.typed)
        return None if n >= total else n

    @property
    def is_typing(self) -> bool:
        """True while the customer's line is still appearing."""
        return self.typing is not None and self.shown_chars() is not None

    def skip(self) -> None:
        """Show the whole line at once."""
        self.typed = 1e9

    # -- layout ------------------------------------------------------------------------------

    def layout(self) -> dict[str, Any]:
        """Rects of the portrait column, log, replies and buttons at the current size."""
        app = self.app
        ts = app.ts
        w, h = app.size
        pad = 20
        footer = h - ts.line_height("tiny") - 16
        header_h = ts.line_height("h3") + 10
        header = pygame.Rect(pad, pad - 6, w - 2 * pad, header_h)
        top = header.bottom + 8
        col_w = max(230, min(400, int(w * 0.27)))
        left = pygame.Rect(pad, top, col_w, footer - 10 - top)
        right = pygame.Rect(left.right + pad, top, w - left.right - 2 * pad, left.height)
        # Replies (or the ending panel) at the bottom of the right column.
        buttons: list[Button] = []
        choices_h = 0
        replies_w = right.width
        text_w = replies_w - self.badge_w() - 40
        words_h = 0
        if not self.session.is_over and not self.is_typing and self.words is not None:
            # own words: the box, and above it the two closest replies after an unsure match
            node = self.session.node
            for number, index in enumerate(self.words.pending, start=1):
                text = self.tx(node.choices[index].reply)
                bh = ts.text_height(text, "body", text_w) + 18
                buttons.append(Button(pygame.Rect(right.x, 0, replies_w, bh), text,
                                      f"choose:{number}", str(number)))
            words_h = 3 * ts.line_height("body") + 16
            choices_h = sum(b.rect.height + 8 for b in buttons) + words_h
        elif not self.session.is_over and not self.is_typing:
            # numbered in the order shown: shuffled per session (see Session.shown)
            for number, o in enumerate(self.session.shown(), start=1):
                bh = ts.text_height(self.tx(o.choice.reply), "body", text_w) + 18
                buttons.append(Button(pygame.Rect(right.x, 0, replies_w, bh),
                                      self.tx(o.choice.reply), f"choose:{number}",
                                      str(number)))
            choices_h = sum(b.rect.height + 8 for b in buttons)
        elif self.session.is_over and not self.is_typing:
            bh = ts.line_height("body") + 16
            label = self.t("see_debrief")
            bw = max(200, button_width(ts, label, "Enter"))
            buttons.append(Button(pygame.Rect(0, 0, bw, bh), label, "debrief", "Enter",
                                  primary=True))
            choices_h = self.ending_height(self.ending_text_width(right.width, bw)) + 24
            choices_h = max(choices_h, bh + 24)
        # The replies take what they need, leaving the conversation at least a few lines
        # (its own scrollbar reaches the rest); what still doesn't fit scrolls, with a cue
        # in a band of its own under the list, so it never hides part of a reply.
        min_log = max(int(right.height * 0.3), 3 * ts.line_height("body") + 40)
        room = max(0, right.height - min_log)
        area_h = max(0, min(choices_h, room))
        replies = pygame.Rect(right.x, right.bottom - area_h, right.width, area_h)
        log_view = pygame.Rect(right.x, right.y, right.width, right.height - area_h -
                               (12 if area_h else 0))
        list_h = choices_h - words_h  # the reply buttons alone
        cue_h = 0
        if choices_h > room and not self.session.is_over:
            cue_h = self.cue_height()
        reply_list = pygame.Rect(replies.x, replies.y, replies.width,
                                 max(0, area_h - words_h - cue_h))
        if self.session.is_over and buttons:
            b = buttons[0]
            b.rect.bottomright = (replies.right - 16, replies.bottom - 12)
        else:
            y = reply_list.y - round(self.choice_scroll.offset)
            for b in buttons:
                b.rect.y = y
                y += b.rect.height + 8
        words_box = None
        if words_h:
            words_box = pygame.Rect(replies.x, replies.bottom - words_h, replies.width,
                                    words_h)
        cue = pygame.Rect(replies.x, reply_list.bottom, replies.width, cue_h)
        lay = {"header": header, "left": left, "log": log_view, "replies": replies,
               "list": reply_list, "cue": cue, "buttons": buttons, "footer": footer,
               "choices_h": list_h, "words_box": words_box}
        lay["authority"] = self.authority_layout(left, log_view) if self.show_authority \
            else None
        return lay

    def cue_height(self) -> int:
        """Height of the band under the reply list that says more replies are hidden."""
        return cue_height(self.app.ts)

    def authority_text(self) -> str:
        """The case's authority in the current language (or a line saying it has none)."""
        s = self.scenario
        return self.tx(s.authority) if s.authority else self.t("no_authority")

    def authority_layout(self, column: pygame.Rect, log_view: pygame.Rect) -> dict[str, Any]:
        """Where the authority card sits: over the portrait column when it fits there,
        else over the column and the conversation (the replies stay in view); when even
        that is too small the text scrolls inside the card, with a cue in a band of its
        own. Returns the card, its title and body rects, the body's height and the cue."""
        ts = self.app.ts
        text = self.authority_text()
        title = self.t("your_authority")

        def fit(rect: pygame.Rect) -> tuple[int, int, int]:
            inner_w = rect.width - 28
            title_h = ts.text_height(title, "h3", inner_w, True)
            body_h = ts.text_height(text, "small", inner_w)
            return title_h, body_h, 12 + title_h + 8 + body_h + 16

        narrow = column.inflate(-12, -12)
        wide = pygame.Rect(narrow.x, narrow.y, log_view.right - 6 - narrow.x,
                           log_view.bottom - 6 - narrow.y)
        rect = narrow
        title_h, body_h, need = fit(narrow)
        if need > narrow.height and wide.height >= narrow.height * 0.6:
            w_title_h, w_body_h, w_need = fit(wide)
            if w_need <= wide.height:
                rect, title_h, body_h, need = wide, w_title_h, w_body_h, w_need
        cue_h = self.cue_height() if need > rect.height else 0
        if not cue_h:
            rect = pygame.Rect(rect.x, rect.y, rect.width, need)
        title_rect = pygame.Rect(rect.x + 14, rect.y + 12, rect.width - 28, title_h)
        body = pygame.Rect(rect.x + 14, title_rect.bottom + 8, rect.width - 28,
                           max(0, rect.bottom - 8 - cue_h - title_rect.bottom - 8))
        cue = pygame.Rect(rect.x + 2, body.bottom, rect.width - 4, cue_h)
        return {"card": rect, "title": title_rect, "body": body, "body_h": body_h, "cue": cue}

    @staticmethod
    def ending_text_width(area_w: int, button_w: int) -> int:
        """Width of the ending panel's text beside its button (as draw_ending places it:
        18 px margin, the button 16 px from the right, 14 px between them)."""
        return area_w - 18 - 14 - button_w - 16

    def badge_w(self) -> int:
        """Width of the number badge on a reply button."""
        return self.app.ts.line_height("body") + 8

    def ending_height(self, width: int) -> int:
        """Height of the ending panel's text."""
        ts = self.app.ts
        ending = self.session.ending
        width = max(60, width)
        h = ts.text_height(self.t("conversation_over"), "tiny", width)
        if ending is not None:
            h += ts.text_height(self.tx(ending.title), "h3", width, True)
        return h

    def doc(self, width: int) -> Doc:
        """The conversation as document blocks (memoised per language and log length)."""
        epilogue = self.ended and not self.is_typing
        key = (self.app.lang, len(self.log), id(self.typing), self.ended, epilogue)
        doc = self._docs.get(key)
        if doc is None:
            self._docs.clear()
            blocks: list[Block] = [self.block(e) for e in self.log]
            if self.typing is not None:
                who = self.tx(self.scenario.customer.name)
                blocks.append(TypingBubble(self, who, self.typing_text()))
            ending = self.session.ending
            if epilogue and ending is not None and ending.epilogue:
                blocks.append(Para(self.tx(ending.epilogue), "body", theme.INK_SOFT, indent=14))
            doc = Doc(blocks, gap=8)
            self._docs[key] = doc
        return doc

    def block(self, e: Entry_) -> Block:
        """A log entry drawn in the current language."""
        if e.kind == "customer":
            return Bubble(self.tx(self.scenario.customer.name), self.tx(e.text),
                          theme.CUSTOMER_BUBBLE, theme.EMOTION)
        if e.kind == "note":
            return Para(self.tx(e.text), "small", theme.INK_SOFT, indent=14)
        if e.kind == "trainee":
            return Bubble(self.t("you") + "  " + self.t("turn_n", n=e.extra), self.tx(e.text),
                          theme.TRAINEE_BUBBLE, theme.ACCENT_DARK, right=True)
        if e.kind == "coach":
            tags = [(self.t(k), self.tag_color(c)) for k, c in e.tags]
            return Bubble(self.t("coach"), self.tx(e.text) if e.text else "",
                          theme.COACH_BUBBLE, theme.GOLD, right=True, tags=tags)
        return Para(self.t("learned_fact", fact=self.tx(e.text)), "small", theme.GOOD,
                    indent=14)

    @staticmethod
    def tag_color(key: str) -> theme.Color:
        """Colour of a coach tag."""
        if key.startswith("q:"):
            return theme.QUALITY_COLORS.get(key[2:], theme.INK_SOFT)
        return theme.ACCENT

    # -- input -------------------------------------------------------------------------------

    def handle(self, intent: Intent) -> None:
        super().handle(intent)
        k = intent.kind
        if k is Kind.BACK:
            self.ask_leave()
            return
        if k is Kind.RELOAD:
            self.reload()
            return
        if k is Kind.HOTKEY and intent.value == "a":
            self.show_authority = not self.show_authority
            self.authority_scroll.to(0, instant=True)
            return
        if self.wants_text:
            if k is Kind.TEXT:
                self.words.insert(str(intent.value))  # type: ignore[union-attr]
                return
            if k is Kind.EDITING:
                text, cursor = intent.value  # type: ignore[misc]
                self.words.compose(str(text), int(cursor))  # type: ignore[union-attr]
                return
            if k is Kind.BACKSPACE:
                self.words.backspace()  # type: ignore[union-attr]
                return
            if k is Kind.CONFIRM and not self.is_typing:
                self.submit_words()
                return
        if self.is_typing and k is Kind.CHOOSE and not self.session.is_over:
            # A number answers at once: the line completes and the reply is given.
            self.skip()
            self.choose(int(intent.value))
            return
        if self.is_typing and k in (Kind.SKIP, Kind.CONFIRM, Kind.CLICK):
            self.skip()
            return
        lay = self.layout()
        card = lay["authority"]
        if card is not None and self.authority_scroll.max_offset > 0 and self.scroll_authority(
                intent, card):
            return
        if k is Kind.CHOOSE and not self.session.is_over:
            self.choose(int(intent.value))
        elif k is Kind.CONFIRM and self.session.is_over:
            self.open_debrief()
        elif k is Kind.CLICK:
            area = lay["replies"] if self.session.is_over else lay["list"]
            if area.collidepoint(intent.pos):
                for b in lay["buttons"]:
                    if b.hit(intent.pos):
                        if b.action == "debrief":
                            self.open_debrief()
                        else:
                            self.choose(int(b.action.split(":")[1]))
                        return
        elif k is Kind.SCROLL:
            pos = intent.pos
            if pos is not None and lay["replies"].collidepoint(pos):
                self.choice_scroll.by(intent.value * self.app.ts.line_height("body"))
            else:
                self.scroll_log(intent.value * self.app.ts.line_height("body"))
        elif k in (Kind.UP, Kind.DOWN):
            self.scroll_log((1 if k is Kind.DOWN else -1) * 3 * self.app.ts.line_height("body"))
        elif k in (Kind.PAGE_UP, Kind.PAGE_DOWN):
            self.scroll_log((1 if k is Kind.PAGE_DOWN else -1) * lay["log"].height * 0.9)
        elif k is Kind.END:
            self.follow = True

    def scroll_authority(self, intent: Intent, card: dict[str, Any]) -> bool:
        """While the authority card is open and its text overflows, the wheel over the
        card and the arrow and page keys scroll it; True when ``intent`` was used."""
        k = intent.kind
        step = self.app.ts.line_height("small")
        if k is Kind.SCROLL:
            if intent.pos is None or not card["card"].collidepoint(intent.pos):
                return False
            self.authority_scroll.by(float(intent.value) * step)  # type: ignore[arg-type]
        elif k in (Kind.UP, Kind.DOWN):
            self.authority_scroll.by((1 if k is Kind.DOWN else -1) * 3 * step)
        elif k in (Kind.PAGE_UP, Kind.PAGE_DOWN):
            self.authority_scroll.by((1 if k is Kind.PAGE_DOWN else -1)
                                     * card["body"].height * 0.9)
        else:
            return False
        return True

    def reload(self) -> None:
        """F5: re-read the scenario file and continue in the edited version.

        On errors, or when the current node is gone, a notice says so and the version
        already loaded plays on. A recorded session is left open in the records (the
        trainee can resume it later) and the rest of this play is not recorded.
        """
        path = self.entry.path
        result = reload_session(path, self.session)
        if result.errors:
            log.info("reload of %s refused: %d error(s)", path, len(result.errors))
            self.app.show_notice("reload_errors_title", "reload_errors_body", result.errors,
                                 n=len(result.errors))
            return
        if result.session is None:
            key = "reload_ended_body" if result.at_ending else "reload_gone_body"
            self.app.show_notice("reload_gone_title", key, [], node=result.gone or "",
                                 path=str(path))
            return
        recorded = self.recorder is not None and getattr(self.recorder, "enabled", False)
        self.switch_to(result.session, result.scenario)
        self.app.notify(self.t("reloaded_unrecorded" if recorded else "reloaded",
                               name=path.name))

    def switch_to(self, session: Any, scenario: Any) -> None:
        """Carry on with ``session`` of the edited ``scenario``: the conversation so far
        stays, the customer's current line is the edited one, the meters do not move."""
        from sim.ui.library import Entry as LibraryEntry

        self.close()
        self.recorder = None
        self.preview = True
        self.reloads += 1
        self.session = session
        self.scenario = scenario
        self.entry = LibraryEntry(self.entry.path, scenario)
        self.app.library.replace(self.entry)
        self.look = Look.from_mapping(scenario.customer.look)
        self.emotion.snap(session.emotion)
        self.trust.snap(session.trust)
        if self.log and self.log[-1].kind == "note":
            self.log.pop()  # the old version's stage direction for this node
        self._docs.clear()
        self._say_node(animate=False)
        self._unsubscribe = session.subscribe(self.on_event)

    def scroll_log(self, pixels: float) -> None:
        """Scroll the conversation; scrolling up stops following new lines."""
        self.scroll.by(pixels)
        self.follow = self.scroll.target >= self.scroll.max_offset

    def choose(self, number: int) -> None:
        """Give the reply numbered ``number`` (1-based in the order shown)."""
        if self.words is not None and self.words.state == "ready":
            self.words.pick(self.session, number - 1)  # one of the two closest offered
            return
        offered = self.session.shown()
        if not 1 <= number <= len(offered):
            return
        self.session.choose_shown(number - 1)

    def ask_leave(self) -> None:
        """Esc mid-session asks first; at the end it goes straight to the debrief."""
        if self.session.is_over:
            self.open_debrief()
            return
        recorded = self.recorder is not None and getattr(self.recorder, "enabled", False)
        body = "leave_body" if recorded else "leave_body_unsaved"
        self.app.ask(lambda: self.t("leave_title"), lambda: self.t(body), lambda: self.t("leave"),
                     lambda: self.t("stay"), self.leave_now)

    def leave_now(self) -> None:
        """Back to the menu; a recorded session stays open for resuming."""
        self.close()
        self.app.back_to_root()

    def open_debrief(self) -> None:
        """Show the debrief of the finished session."""
        from sim.ui.scenes.debrief import DebriefScene

        self.close()
        self.app.replace(DebriefScene(self.app, self.entry, self.session, self.recorder))

    # -- time --------------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        if self.typing is not None and self.is_typing:
            factor = self.type_factor()
            self.typed = self.typed + dt * TYPE_CPS.get(self.app.lang, 40.0) * factor \
                if factor else 1e9
        self.emotion.update(dt)
        self.trust.update(dt)
        if self.jolt_t < JOLT_TIME:
            self.jolt_t = min(JOLT_TIME, self.jolt_t + dt)
        # A blink is two frames (eyes shut, eyes open), not an animation: the idle loop
        # sleeps until it is due (next_wake) and redraws only the portrait
        # (draw_touched) when the eyes change.
        if self.blink_left > 0:
            self.blink_left = max(0.0, self.blink_left - dt)
            if self.blink_left == 0:
                self.app.touch()
        else:
            self.blink_in -= dt
            if self.blink_in <= 0:
                self.blinks += 1
                self.blink_left = BLINK_TIME
                self.blink_in = BLINK_EVERY[self.blinks % len(BLINK_EVERY)]
                self.app.touch()
        if self.words is not None and self.words.state != self._words_state:
            self._words_state = self.words.state
            self.app.dirty = True
            if self._words_state == "failed":  # say why, and offer the replies as usual
                from sim.match.strings import tr as mtr

                self.app.notify(mtr("unavailable", self.app.lang,
                                    reason=self.words.loader.error or ""))
                self.words = None
        self.update_extents()
        if self.follow:
            self.scroll.to_end(instant=self.is_typing)
        self.scroll.update(dt)
        self.choice_scroll.update(dt)
        self.authority_scroll.update(dt)

    def update_extents(self) -> None:
        """Scroll extents of the conversation and the replies; they change only with what
        is shown, so an idle frame (a blink) skips the layout."""
        ts = self.app.ts
        key = (self.app.size, ts.px("body"), self.app.lang, len(self.log), int(self.typed),
               self.typing is not None, self.ended, self.session.is_over, id(self.session),
               self.session.turn, self.show_authority,
               getattr(self, "_words_state", None),
               len(self.words.pending) if getattr(self, "words", None) is not None else -1,)
        if key == self._extent_key:
            return
        self._extent_key = key
        lay = self.layout()
        self.choice_scroll.set_extent(lay["choices_h"], lay["list"].height)
        card = lay["authority"]
        if card is not None:
            self.authority_scroll.set_extent(card["body_h"], card["body"].height)
        doc = self.doc(lay["log"].width - 16)
        self.scroll.set_extent(doc.height(ts, lay["log"].width - 16), lay["log"].height - 16)

    @property
    def animating(self) -> bool:
        return (
            self.is_typing
            or self.emotion.animating
            or self.trust.animating
            or self.jolt_t < JOLT_TIME
            or self.scroll.animating
            or self.choice_scroll.animating
            or self.authority_scroll.animating
        )

    def next_wake(self) -> float | None:
        if self.words is not None and self.words.state == "loading":
            return 0.1  # look again soon: the box changes when the model is ready
        return max(0.01, self.blink_left if self.blink_left > 0 else self.blink_in)

    # -- drawing -----------------------------------------------------------------------------

    def mood(self) -> Mood:
        """What the portrait shows now."""
        jolt = 0.0
        if self.jolt_t < JOLT_TIME:
            p = self.jolt_t / JOLT_TIME
            jolt = math.sin(p * math.pi * 5) * (1 - p) * 0.25
        return Mood(self.emotion.value, self.trust.value, self.blink_left > 0, jolt)

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        ts = app.ts
        surface.fill(theme.BG)
        lay = self.layout()
        s = self.scenario
        # Header: case title, mode and the number of replies so far.
        header = lay["header"]
        mode = self.t("mode_coach" if app.settings.coach else "mode_exam")
        right_text = f"{self.t('turn_n', n=self.session.turn + 1)}" if not self.ended else ""
        cw = chip_width(ts, mode)
        rw = ts.measure(right_text, "small") if right_text else 0
        chip(surface, ts, mode, (header.right, header.centery), theme.ACCENT, anchor="midright")
        if right_text:
            ts.draw(surface, right_text, (header.right - cw - 12, header.centery), "small",
                    theme.INK_SOFT, anchor="midright")
        ts.draw(surface, self.tx(s.title), (header.x, header.centery), "h3", theme.INK,
                bold=True, anchor="midleft", max_width=max(40, header.width - cw - rw - 40))
        self.draw_customer(surface, lay["left"])
        # Conversation.
        view = lay["log"]
        panel(surface, view, theme.PANEL_ALT, radius=12)
        inner = view.inflate(-16, -16)
        self.doc(inner.width).draw(surface, ts, inner, self.scroll.offset)
        draw_scrollbar(surface, view.inflate(-4, -12), self.scroll)
        # Replies or the ending.
        if self.session.is_over and not self.is_typing:
            self.draw_ending(surface, lay["replies"], lay["buttons"])
        else:
            self.draw_replies(surface, lay["list"], lay["buttons"])
            self.draw_more_cue(surface, lay["cue"], self.choice_scroll, "more_replies")
            if lay["words_box"] is not None and self.words is not None:
                caret = self.words.draw(surface, ts, lay["words_box"], app.lang, True)
                if pygame.display.get_init():  # the IME's candidates appear by the caret
                    pygame.key.set_text_input_rect(caret)
        if lay["authority"] is not None:
            self.draw_authority(surface, lay["authority"])
        if self.words is not None and not self.session.is_over and not self.is_typing:
            hint = self.t("play_keys_words")
        elif self.is_typing:
            hint = self.t("play_keys_typing", n=len(self.session.shown()))
        elif self.session.is_over:
            hint = self.t("play_keys_end")
        else:
            hint = self.t("play_keys", n=len(lay["buttons"]))
        app.draw_footer(surface, hint)
        if app.trainer_overlay:
            self.draw_trainer(surface, lay["left"])

    def overlay_rows(self) -> list[tuple[str, str]]:
        """What the F2 overlay shows (also read by tests)."""
        return state_lines(self.session, self.t)

    def draw_trainer(self, surface: pygame.Surface, column: pygame.Rect) -> None:
        """The trainer overlay over the portrait (the conversation and replies stay
        readable, and the meters below it show the same numbers)."""
        ts = self.app.ts
        rows = self.overlay_rows()
        rect = column.inflate(-12, -12)
        rect.height = min(rect.height, overlay_height(ts, rows, rect.width))
        title = self.t("ov_title") + (f"  ·  {self.t('ov_reloaded', n=self.reloads)}"
                                      if self.reloads else "")
        draw_overlay(surface, ts, rect, title, rows)

    def customer_layout(self, rect: pygame.Rect) -> tuple[pygame.Rect, bool, int]:
        """In the customer's card ``rect``: the portrait's rect, whether the method
        progress is compact, and its height (0: not shown)."""
        card = self.customer_card(rect)
        return card.portrait, card.compact, card.steps_h

    def customer_card(self, rect: pygame.Rect) -> CustomerCard:
        """Where the customer's card puts its parts. The first of these that fits wins:
        the portrait above the name at :data:`PORTRAIT_MIN` px or more with the method
        progress named, then numbered (1-5); on a shorter card (a small window, large
        text) the name beside a face of :data:`PORTRAIT_BESIDE` px or more, progress
        named, then numbered; the same again with the meters' ends unnamed (coach mode's
        progress matters more than "calm" and "furious" under the bars); then the
        portrait and meters without the progress."""
        ts = self.app.ts
        s = self.scenario
        inner = rect.inflate(-24, -24)
        name, role = self.tx(s.customer.name), self.tx(s.customer.role)
        role_h = ts.text_height(role, "small", inner.width)
        named, numbered = (self.steps_height(inner.width, compact)
                           for compact in (False, True))
        progress = [(False, named), (True, numbered)] if named else [(False, 0)]
        name_h = ts.text_height(name, "h3", inner.width, True)
        # beside: the name's longest unbreakable piece must fit next to the face
        gap = 12
        word = max((ts.measure(piece.rstrip(), "h3", True) for piece in segments(name)),
                   default=0)
        widest = max(40, min(int(inner.width * 0.45), inner.width - gap - word))
        beside_h = ts.text_height(name, "h3", inner.width - gap - widest, True)
        for ends in (True, False) if named else (True,):
            meters = 10 + 2 * meter_height(ts, ends) + 16
            # above: the name under the portrait, the full width of the card
            for compact, steps_h in progress:
                side = min(inner.width, inner.height - (8 + name_h + role_h + meters + steps_h))
                if side >= min(PORTRAIT_MIN, inner.width):
                    return self._card_above(inner, side, name_h, compact, steps_h, ends)
            for compact, steps_h in progress:
                rest = inner.height - (role_h + meters + steps_h + 8)
                side = min(widest, rest)
                if side >= PORTRAIT_BESIDE and beside_h <= rest:
                    return self._card_beside(inner, side, gap, compact, steps_h, ends)
        meters = 10 + 2 * meter_height(ts) + 16
        side = min(inner.width, inner.height - (8 + name_h + role_h + meters))
        if side >= min(PORTRAIT_MIN, inner.width):
            return self._card_above(inner, side, name_h, False, 0, True)
        side = max(40, min(widest, inner.height - (role_h + meters + 8)))
        return self._card_beside(inner, side, gap, False, 0, True)

    def _card_above(self, inner: pygame.Rect, side: int, name_h: int, compact: bool,
                    steps_h: int, ends: bool) -> CustomerCard:
        pr = pygame.Rect(inner.x + (inner.width - side) // 2, inner.y, side, side)
        name_rect = pygame.Rect(inner.x, pr.bottom + 8, inner.width, name_h)
        return CustomerCard(pr, name_rect, name_rect.bottom, compact, steps_h, ends)

    def _card_beside(self, inner: pygame.Rect, side: int, gap: int, compact: bool,
                     steps_h: int, ends: bool) -> CustomerCard:
        ts = self.app.ts
        pr = pygame.Rect(inner.x, inner.y, side, side)
        width = inner.right - pr.right - gap
        name_rect = pygame.Rect(pr.right + gap, inner.y, width,
                                ts.text_height(self.tx(self.scenario.customer.name), "h3",
                                               width, True))
        return CustomerCard(pr, name_rect, max(pr.bottom, name_rect.bottom) + 8, compact,
                            steps_h, ends)

    def draw_touched(self, surface: pygame.Surface) -> list[pygame.Rect] | None:
        """A blink: only the portrait is redrawn (on its card's plain background), unless
        something lies over it (the authority card, the trainer overlay)."""
        if self.show_authority or self.app.trainer_overlay or self.jolt_t < JOLT_TIME:
            return None
        pr, _, _ = self.customer_layout(self.layout()["left"])
        surface.fill(theme.PANEL, pr)
        surface.blit(self.app.portraits.get(pr.size, self.mood(), self.look), pr)
        return [pr]

    def draw_customer(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """Portrait, name, role and the two meters."""
        ts = self.app.ts
        s = self.scenario
        panel(surface, rect, radius=14)
        inner = rect.inflate(-24, -24)
        name = self.tx(s.customer.name)
        role = self.tx(s.customer.role)
        card = self.customer_card(rect)
        pr, compact, steps_h = card.portrait, card.compact, card.steps_h
        mh = meter_height(ts, card.meter_ends)
        surface.blit(self.app.portraits.get(pr.size, self.mood(), self.look), pr)
        ts.draw_wrapped(surface, name, card.name, "h3", theme.INK, True)
        y = card.role_y
        y += ts.draw_wrapped(surface, role, pygame.Rect(inner.x, y, inner.width, inner.bottom - y),
                             "small", theme.INK_SOFT)
        if steps_h:
            self.draw_steps(surface, pygame.Rect(inner.x, y + 6, inner.width, steps_h), compact)
        y = max(y + 8 + steps_h, inner.bottom - 2 * mh - 12)
        coach = self.app.settings.coach
        draw_meter(surface, ts, pygame.Rect(inner.x, y, inner.width, mh), self.emotion,
                   self.t("emotion"), theme.EMOTION, self.t("calm"), self.t("furious"), True,
                   show_delta=coach, ends=card.meter_ends)
        draw_meter(surface, ts, pygame.Rect(inner.x, y + mh + 12, inner.width, mh), self.trust,
                   self.t("trust"), theme.TRUST, self.t("none_trust"), self.t("full_trust"),
                   False, show_delta=coach, ends=card.meter_ends)

    # -- method progress and authority ------------------------------------------------------

    def steps_taken(self) -> set[str]:
        """The method steps the trainee's replies have taken so far."""
        return {t.step for t in self.session.history if getattr(t, "step", None)}

    def step_chips(self) -> list[tuple[str, bool]]:
        """(label, taken) for each method step; empty in exam mode, which gives no hints."""
        if not self.app.settings.coach:
            return []
        taken = self.steps_taken()
        return [(self.t(f"step_{step}"), step in taken) for step in STEPS]

    def _chip_rows(self, width: int, compact: bool = False) -> list[list[tuple[str, bool, int]]]:
        """The step chips flowed into rows no wider than ``width`` (``compact``: the
        steps' numbers instead of their names)."""
        ts = self.app.ts
        rows: list[list[tuple[str, bool, int]]] = [[]]
        x = 0
        for n, (name, taken) in enumerate(self.step_chips(), start=1):
            label = str(n) if compact else name
            cw = min(width, chip_width(ts, ("+ " if taken else "") + label))
            if rows[-1] and x + cw > width:
                rows.append([])
                x = 0
            rows[-1].append((label, taken, cw))
            x += cw + 6
        return rows if rows[0] else []

    def steps_height(self, width: int, compact: bool = False) -> int:
        """Height of the method progress (0 in exam mode)."""
        rows = self._chip_rows(width, compact)
        if not rows:
            return 0
        ts = self.app.ts
        return ts.line_height("tiny") + 4 + len(rows) * (ts.line_height("tiny") + 8)

    def draw_steps(self, surface: pygame.Surface, rect: pygame.Rect,
                   compact: bool = False) -> None:
        """The five steps: a taken one filled and marked "+", the others outlined."""
        ts = self.app.ts
        ts.draw(surface, self.t("method_progress"), rect.topleft, "tiny", theme.INK_SOFT,
                max_width=rect.width)
        y = rect.y + ts.line_height("tiny") + 4
        h = ts.line_height("tiny") + 4
        for row in self._chip_rows(rect.width, compact):
            x = rect.x
            for label, taken, cw in row:
                box = pygame.Rect(x, y, cw, h)
                if taken:
                    pygame.draw.rect(surface, theme.ACCENT_DARK, box, border_radius=h // 2)
                    text, color = "+ " + label, (255, 255, 255)
                else:
                    pygame.draw.rect(surface, theme.LINE, box, 1, border_radius=h // 2)
                    text, color = label, theme.INK_SOFT
                ts.draw(surface, text, box.center, "tiny", color, anchor="center",
                        max_width=cw - 8)
                x += cw + 6
            y += h + 4

    def draw_authority(self, surface: pygame.Surface, card: dict[str, Any]) -> None:
        """The case's authority pinned over the portrait column (A shows and hides it);
        see :meth:`authority_layout` for where it goes when it is long."""
        ts = self.app.ts
        rect = card["card"]
        pygame.draw.rect(surface, theme.PANEL, rect, border_radius=12)
        pygame.draw.rect(surface, theme.ACCENT, rect, 2, border_radius=12)
        ts.draw_wrapped(surface, self.t("your_authority"), card["title"], "h3",
                        theme.ACCENT_DARK, True)
        body = card["body"]
        old = surface.get_clip()
        surface.set_clip(body.clip(old) if old else body)
        ts.draw_wrapped(surface, self.authority_text(),
                        pygame.Rect(body.x, body.y - round(self.authority_scroll.offset),
                                    body.width, card["body_h"]), "small", theme.INK)
        surface.set_clip(old)
        draw_scrollbar(surface, pygame.Rect(body.x, body.y, body.width + 10, body.height),
                       self.authority_scroll)
        self.draw_more_cue(surface, card["cue"], self.authority_scroll, "more_text")

    def draw_replies(
        self, surface: pygame.Surface, area: pygame.Rect, buttons: list[Button]
    ) -> None:
        """The reply buttons in the (scrolled) list ``area``: number badge and the wrapped
        reply."""
        ts = self.app.ts
        hover = self.app.hover
        old = surface.get_clip()
        surface.set_clip(area)
        badge = self.badge_w()
        for b in buttons:
            r = b.rect
            if r.bottom < area.y or r.y > area.bottom:
                continue
            hovered = b.hit(hover) and area.collidepoint(hover)
            bg = theme.HOVER if hovered else theme.PANEL
            pygame.draw.rect(surface, bg, r, border_radius=10)
            pygame.draw.rect(surface, theme.ACCENT if hovered else theme.LINE, r,
                             2 if hovered else 1, border_radius=10)
            circle = (r.x + 12 + badge // 2, r.y + 9 + ts.line_height("body") // 2)
            pygame.draw.circle(surface, theme.ACCENT if hovered else theme.ACCENT_SOFT, circle,
                               badge // 2 - 2)
            ts.draw(surface, b.key or "", circle, "small",
                    (255, 255, 255) if hovered else theme.ACCENT_DARK, bold=True,
                    anchor="center")
            text = pygame.Rect(r.x + badge + 24, r.y + 9, r.width - badge - 40, r.height - 18)
            ts.draw_wrapped(surface, b.label, text, "body", theme.INK)
        surface.set_clip(old)
        draw_scrollbar(surface, area, self.choice_scroll)

    def draw_more_cue(
        self, surface: pygame.Surface, band: pygame.Rect, scroll: Scroll, key: str
    ) -> None:
        """The cue under a scrolled list (``key``: ``more_replies`` or ``more_text``)."""
        draw_more_cue(surface, self.app.ts, band, scroll, self.t(key + "_below"),
                      self.t(key + "_above"))

    def draw_ending(
        self, surface: pygame.Surface, area: pygame.Rect, buttons: list[Button]
    ) -> None:
        """The ending's title and epilogue, and the button to the debrief."""
        ts = self.app.ts
        ending = self.session.ending
        outcome = ending.outcome if ending is not None else "unfinished"
        color = theme.OUTCOME_COLORS.get(outcome, theme.INK_SOFT)
        panel(surface, area, theme.PANEL, color, radius=12)
        pygame.draw.rect(surface, color, (area.x, area.y + 8, 5, area.height - 16),
                         border_radius=3)
        b = buttons[0]
        text = pygame.Rect(area.x + 18, area.y + 12,
                           self.ending_text_width(area.width, b.rect.width), area.height - 24)
        y = text.y
        y += ts.draw_wrapped(surface, self.t("conversation_over"), text, "tiny", theme.INK_FAINT)
        if ending is not None:
            ts.draw_wrapped(surface, self.tx(ending.title),
                            pygame.Rect(text.x, y, text.width, text.bottom - y), "h3", color, True)
        draw_button(surface, ts, b, b.hit(self.app.hover))
