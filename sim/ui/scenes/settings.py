"""Settings: language, text size, typing speed, sound and reduced motion, remembered.

Opened with F3 from any screen; every change applies at once and is
saved, Esc goes back to where the trainee was.
"""

from __future__ import annotations

from typing import Any

import pygame

from sim.ui import strings, theme
from sim.ui.intents import Intent, Kind
from sim.ui.scene import Scene
from sim.ui.settings import TYPING_SPEEDS
from sim.ui.widgets import panel

#: The rows in order; each is changed by Left/Right (or a click).
ROWS = ("language", "text_size", "typing_speed", "sound_setting", "reduce_motion")


class SettingsScene(Scene):
    """The settings panel."""

    name = "settings"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.row = 0

    # -- values ------------------------------------------------------------------------

    def value(self, row: str) -> str:
        """The row's current value as shown."""
        st = self.app.settings
        if row == "language":
            return strings.LANG_NAMES[st.lang]
        if row == "text_size":
            return f"{round(st.text_scale * 100)}%"
        if row == "typing_speed":
            return self.t(f"typing_{st.typing}")
        if row == "sound_setting":
            return self.t("on" if st.sound else "off")
        return self.t("on" if st.reduce_motion else "off")

    def change(self, row: str, step: int) -> None:
        """Move ``row``'s value ``step`` (+1 or -1) along its choices; saved at once."""
        app = self.app
        st = app.settings
        if row == "language":
            st.lang = "zh" if st.lang == "en" else "en"
            app.set_window_title()
        elif row == "text_size":
            scales = theme.TEXT_SCALES
            now = min(range(len(scales)), key=lambda i: abs(scales[i] - st.text_scale))
            st.text_scale = app.ts.text_scale = scales[max(0, min(len(scales) - 1, now + step))]
        elif row == "typing_speed":
            names = list(TYPING_SPEEDS)
            st.typing = names[(names.index(st.typing) + step) % len(names)]
        elif row == "sound_setting":
            st.sound = app.sounds.enabled = not st.sound
        else:
            st.reduce_motion = not st.reduce_motion
        app.save_settings()
        app.dirty = True

    # -- input -------------------------------------------------------------------------

    def handle(self, intent: Intent) -> None:
        super().handle(intent)
        k = intent.kind
        if k in (Kind.BACK, Kind.SETTINGS):
            self.app.pop()
        elif k in (Kind.UP, Kind.DOWN, Kind.TAB):
            self.row = (self.row + (-1 if k is Kind.UP else 1)) % len(ROWS)
        elif k in (Kind.LEFT, Kind.RIGHT):
            self.change(ROWS[self.row], -1 if k is Kind.LEFT else 1)
        elif k in (Kind.CONFIRM, Kind.SKIP):
            self.change(ROWS[self.row], 1)
        elif k is Kind.CHOOSE and 1 <= int(intent.value) <= len(ROWS):
            self.row = int(intent.value) - 1
            self.change(ROWS[self.row], 1)
        elif k is Kind.CLICK:
            for i, rect in enumerate(self.row_rects()):
                if rect.collidepoint(intent.pos):
                    self.row = i
                    self.change(ROWS[i], 1)

    # -- layout and drawing ------------------------------------------------------------

    def box(self) -> pygame.Rect:
        """The panel, centred, as tall as its rows."""
        ts = self.app.ts
        w, h = self.app.size
        bw = min(w - 40, max(520, int(w * 0.5)))
        bh = ts.line_height("h2") + 32 + len(ROWS) * (ts.line_height("body") + 22) + 24
        box = pygame.Rect(0, 0, bw, min(h - ts.line_height("tiny") - 40, bh))
        box.center = (w // 2, (h - ts.line_height("tiny")) // 2)
        return box

    def row_rects(self) -> list[pygame.Rect]:
        """One rect per row, top to bottom."""
        ts = self.app.ts
        box = self.box()
        rh = ts.line_height("body") + 14
        y = box.y + 24 + ts.line_height("h2") + 16
        out = []
        for _ in ROWS:
            out.append(pygame.Rect(box.x + 16, y, box.width - 32, rh))
            y += rh + 8
        return out

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        ts = app.ts
        surface.fill(theme.BG)
        box = self.box()
        panel(surface, box, radius=14)
        ts.draw(surface, self.t("settings_title"), (box.x + 24, box.y + 20), "h2", theme.INK,
                bold=True, max_width=box.width - 48)
        for i, (row, rect) in enumerate(zip(ROWS, self.row_rects(), strict=True)):
            chosen = i == self.row
            if chosen:  # a border and a marker, not colour alone
                pygame.draw.rect(surface, theme.HOVER, rect, border_radius=8)
                pygame.draw.rect(surface, theme.ACCENT, rect, 2, border_radius=8)
            value = f"<  {self.value(row)}  >"
            vw = ts.measure(value, "body", True)
            ts.draw(surface, f"{i + 1}", (rect.x + 10, rect.centery), "small", theme.INK_SOFT,
                    anchor="midleft")
            # the label starts after the widest row number at this text size
            label_x = rect.x + 10 + ts.measure(str(len(ROWS)), "small") + ts.px("small") // 2 + 6
            ts.draw(surface, self.t(row), (label_x, rect.centery), "body", theme.INK,
                    bold=chosen, anchor="midleft",
                    max_width=max(40, rect.right - 12 - vw - 24 - label_x))
            ts.draw(surface, value, (rect.right - 12, rect.centery), "body", theme.ACCENT_DARK,
                    bold=True, anchor="midright")
        app.draw_footer(surface, self.t("settings_keys"))
