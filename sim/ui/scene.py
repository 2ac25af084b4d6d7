"""The scene protocol: scenes handle intents, advance animations and draw.

``draw`` must not change state (a frame can be drawn any number of times); anything
that moves does so in ``update(dt)``. Scenes report whether they are animating so the
main loop can sleep when nothing moves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from sim.ui import theme
from sim.ui.intents import Intent, Kind

if TYPE_CHECKING:
    from sim.ui.app import App


class Scene:
    """Base class: a full-window screen of the game."""

    #: True while a text field has focus (letters type instead of acting as keys).
    wants_text = False
    #: True mid-session: Esc asks before leaving.
    name = "scene"

    def __init__(self, app: App) -> None:
        self.app = app
        self.hover: tuple[int, int] | None = None

    # -- life cycle --------------------------------------------------------------------

    def enter(self) -> None:
        """Called when the scene becomes the current one."""

    def leave(self) -> None:
        """Called when the scene stops being the current one."""

    # -- input, time, drawing ----------------------------------------------------------

    def handle(self, intent: Intent) -> None:
        """React to one intent (only the app's global keys are handled before this)."""
        if intent.kind is Kind.POINTER:
            self.hover = intent.pos

    def update(self, dt: float) -> None:
        """Advance animations by ``dt`` seconds."""

    @property
    def animating(self) -> bool:
        """True while something moves and frames must be drawn."""
        return False

    def next_wake(self) -> float | None:
        """Seconds until a timed change (e.g. a blink) when idle; None: none planned."""
        return None

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the whole scene into ``surface`` (changes no state)."""
        surface.fill(theme.BG)

    def draw_touched(self, surface: pygame.Surface) -> list[pygame.Rect] | None:
        """Redraw only what a timed change (asked for with ``app.touch()``) changed, and
        return those rects; None: draw the whole scene instead. The pixels must be what
        :meth:`draw` would give there (changes no state)."""
        return None

    # -- helpers -----------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        """A UI string in the current language."""
        return self.app.t(key, **values)

    def tx(self, text: object) -> str:
        """Scenario text in the current language."""
        return self.app.tx(text)
