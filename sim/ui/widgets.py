"""Small drawing pieces shared by the scenes: buttons, meters, scrolling, panels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pygame

from sim.ui import theme
from sim.ui.text import Typesetter

DELTA_SHOW = 2.2  # seconds a meter shows its last change


@dataclass
class Button:
    """A clickable, keyboard-reachable button (layout decides the rect)."""

    rect: pygame.Rect
    label: str
    action: str
    key: str | None = None  # shown as a hint, e.g. "R" or "Enter"
    primary: bool = False
    enabled: bool = True

    def hit(self, pos: tuple[int, int] | None) -> bool:
        """Is ``pos`` on the button?"""
        return bool(pos) and self.enabled and self.rect.collidepoint(pos)


def button_width(ts: Typesetter, label: str, key: str | None, role: str = "body") -> int:
    """The natural width of a button with ``label`` (and its key hint)."""
    pad = ts.px(role)
    width = ts.measure(label, role) + pad * 2
    if key:
        width += ts.measure(key, "tiny") + pad // 2 + 8
    return width


def place_right_to_left(
    buttons: Iterable[Button], bottomright: tuple[int, int], gap: int = 12
) -> None:
    """Line buttons up leftwards from ``bottomright``, ``gap`` pixels apart (the first
    one rightmost)."""
    x, bottom = bottomright
    for b in buttons:
        b.rect.bottomright = (x, bottom)
        x = b.rect.x - gap


def draw_button(
    surface: pygame.Surface,
    ts: Typesetter,
    button: Button,
    hovered: bool = False,
    role: str = "body",
) -> None:
    """Draw a button; the label is ellipsised if the rect is too narrow."""
    r = button.rect
    radius = max(4, r.height // 4)
    if not button.enabled:
        bg, fg, border = theme.PANEL_ALT, theme.INK_FAINT, theme.LINE
    elif button.primary:
        bg = theme.ACCENT_DARK if hovered else theme.ACCENT
        fg, border = (255, 255, 255), bg
    else:
        bg = theme.HOVER if hovered else theme.PANEL
        fg, border = theme.INK, theme.ACCENT if hovered else theme.LINE
    pygame.draw.rect(surface, bg, r, border_radius=radius)
    pygame.draw.rect(surface, border, r, 1 if not hovered else 2, border_radius=radius)
    pad = max(6, ts.px(role) // 2)
    key_w = 0
    if button.key:
        key_w = ts.measure(button.key, "tiny") + 8
        kc = theme.KEY_ON_PRIMARY if button.primary and button.enabled else theme.INK_FAINT
        ts.draw(surface, button.key, (r.right - pad, r.centery), "tiny", kc, anchor="midright")
    avail = r.width - 2 * pad - key_w
    label = ts.fit(button.label, role, max(10, avail))
    lw = ts.measure(label, role)
    x = r.x + pad + max(0, (avail - lw) // 2)
    ts.draw(surface, label, (x, r.centery), role, fg, anchor="midleft")


def panel(
    surface: pygame.Surface,
    rect: pygame.Rect,
    color: theme.Color = theme.PANEL,
    border: theme.Color | None = theme.LINE,
    radius: int = 10,
) -> None:
    """A rounded panel."""
    pygame.draw.rect(surface, color, rect, border_radius=radius)
    if border is not None:
        pygame.draw.rect(surface, border, rect, 1, border_radius=radius)


def chip(
    surface: pygame.Surface,
    ts: Typesetter,
    text: str,
    pos: tuple[int, int],
    color: theme.Color,
    role: str = "tiny",
    anchor: str = "topleft",
    filled: bool = True,
) -> pygame.Rect:
    """A small rounded tag (step, quality, status); returns its rect."""
    pad = max(4, ts.px(role) // 2)
    h = ts.line_height(role) + 2
    w = ts.measure(text, role) + 2 * pad
    rect = pygame.Rect(0, 0, w, h)
    setattr(rect, anchor, pos)
    if filled:
        pygame.draw.rect(surface, color, rect, border_radius=h // 2)
        fg = (255, 255, 255)
    else:
        pygame.draw.rect(surface, color, rect, 1, border_radius=h // 2)
        fg = color
    ts.draw(surface, text, rect.center, role, fg, anchor="center")
    return rect


def chip_width(ts: Typesetter, text: str, role: str = "tiny") -> int:
    """Width :func:`chip` will take for ``text``."""
    return ts.measure(text, role) + 2 * max(4, ts.px(role) // 2)


def stars(
    surface: pygame.Surface, center_left: tuple[int, int], n: int, of: int, size: int
) -> int:
    """Difficulty dots drawn as shapes (the bundled font has no star glyphs); returns width."""
    x, y = center_left
    r = max(3, size // 2)
    for i in range(of):
        c = (x + r + i * (2 * r + 4), y)
        if i < n:
            pygame.draw.circle(surface, theme.GOLD, c, r)
        else:
            pygame.draw.circle(surface, theme.LINE, c, r, 2)
    return of * (2 * r + 4)


class Meter:
    """A meter that animates toward its value and shows the last change for a while."""

    def __init__(self, value: float) -> None:
        self.value = float(value)  # shown
        self.target = float(value)
        self.delta = 0
        self.delta_age = DELTA_SHOW

    def set(self, target: float) -> None:
        """Move to a new value, remembering the change to show it."""
        target = float(target)
        if round(target) != round(self.target):
            self.delta = round(target - self.target)
            self.delta_age = 0.0
        self.target = target

    def snap(self, value: float) -> None:
        """Jump to a value without animation (e.g. a resumed session)."""
        self.value = self.target = float(value)
        self.delta_age = DELTA_SHOW

    def update(self, dt: float) -> None:
        """Advance the animation by ``dt`` seconds."""
        gap = self.target - self.value
        if abs(gap) < 0.3:
            self.value = self.target
        else:
            self.value += gap * min(1.0, dt * 5.0)
        if self.delta_age < DELTA_SHOW:
            self.delta_age = min(DELTA_SHOW, self.delta_age + dt)

    @property
    def animating(self) -> bool:
        """True while the bar moves or the delta is still shown."""
        return self.value != self.target or self.delta_age < DELTA_SHOW


def draw_meter(
    surface: pygame.Surface,
    ts: Typesetter,
    rect: pygame.Rect,
    meter: Meter,
    label: str,
    color: theme.Color,
    low: str,
    high: str,
    bad_when_high: bool,
    show_delta: bool = True,
    ends: bool = True,
) -> None:
    """Label and value on one line, the bar below, the ends named under it (``ends``
    False: not named, where room is short).

    ``show_delta`` False hides the ± change of the last reply (exam mode gives no hints).
    """
    lh = ts.line_height("small")
    ts.draw(surface, label, (rect.x, rect.y), "small", theme.INK, bold=True)
    value_text = str(round(meter.value))
    vr = ts.draw(surface, value_text, (rect.right, rect.y), "small", theme.INK, anchor="topright")
    if show_delta and meter.delta and meter.delta_age < DELTA_SHOW:
        fade = 1.0 - max(0.0, meter.delta_age - 1.2) / (DELTA_SHOW - 1.2)
        worse = (meter.delta > 0) == bad_when_high
        c = theme.WARN if worse else theme.GOOD
        c = theme.mix(theme.PANEL, c, fade)
        sign = "+" if meter.delta > 0 else "-"
        ts.draw(
            surface, f"{sign}{abs(meter.delta)}", (vr.x - 8, rect.y), "small", c, bold=True,
            anchor="topright",
        )
    bar_h = max(8, lh // 2)
    bar = pygame.Rect(rect.x, rect.y + lh + 2, rect.width, bar_h)
    pygame.draw.rect(surface, theme.PANEL_ALT, bar, border_radius=bar_h // 2)
    pygame.draw.rect(surface, theme.LINE, bar, 1, border_radius=bar_h // 2)
    fill = bar.copy()
    fill.width = round(bar.width * max(0.0, min(100.0, meter.value)) / 100)
    if fill.width > 0:
        pygame.draw.rect(surface, color, fill, border_radius=bar_h // 2)
    if ends:
        ts.draw(surface, low, (bar.x, bar.bottom + 2), "tiny", theme.INK_FAINT)
        ts.draw(surface, high, (bar.right, bar.bottom + 2), "tiny", theme.INK_FAINT,
                anchor="topright")


def meter_height(ts: Typesetter, ends: bool = True) -> int:
    """Height :func:`draw_meter` uses (``ends``: with the ends named)."""
    lh = ts.line_height("small")
    return lh + 2 + max(8, lh // 2) + (2 + ts.line_height("tiny") if ends else 0)


class Scroll:
    """Vertical scroll state: an offset kept inside the content, eased toward a target."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.target = 0.0
        self.content = 0
        self.view = 0

    @property
    def max_offset(self) -> int:
        """How far the content can scroll."""
        return max(0, self.content - self.view)

    def set_extent(self, content: int, view: int) -> None:
        """Tell the scroller the content and view heights (from layout)."""
        self.content, self.view = content, view
        self.target = max(0.0, min(self.target, self.max_offset))
        self.offset = max(0.0, min(self.offset, self.max_offset))

    def by(self, pixels: float) -> None:
        """Scroll by ``pixels`` (positive = down)."""
        self.target = max(0.0, min(self.max_offset, self.target + pixels))

    def to(self, y: float, instant: bool = False) -> None:
        """Scroll to ``y`` (clamped)."""
        self.target = max(0.0, min(self.max_offset, y))
        if instant:
            self.offset = self.target

    def to_end(self, instant: bool = False) -> None:
        """Scroll to the bottom."""
        self.to(self.max_offset, instant)

    def update(self, dt: float) -> None:
        """Ease toward the target."""
        gap = self.target - self.offset
        self.offset = self.target if abs(gap) < 0.5 else self.offset + gap * min(1.0, dt * 12)

    @property
    def animating(self) -> bool:
        """True while easing."""
        return self.offset != self.target


def draw_scrollbar(surface: pygame.Surface, rect: pygame.Rect, scroll: Scroll) -> None:
    """A thin scrollbar at the right edge of ``rect`` when the content overflows."""
    if scroll.max_offset <= 0 or rect.height <= 0:
        return
    track = pygame.Rect(rect.right - 5, rect.y + 2, 4, rect.height - 4)
    frac = scroll.view / max(1, scroll.content)
    h = max(24, round(track.height * frac))
    y = track.y + round((track.height - h) * scroll.offset / max(1, scroll.max_offset))
    pygame.draw.rect(surface, theme.LINE, track, border_radius=2)
    pygame.draw.rect(surface, theme.INK_FAINT, (track.x, y, 4, h), border_radius=2)


def cue_height(ts: Typesetter) -> int:
    """Height of the band :func:`draw_more_cue` draws in."""
    return ts.line_height("tiny") + 14


def draw_more_cue(
    surface: pygame.Surface, ts: Typesetter, band: pygame.Rect, scroll: Scroll, below: str,
    above: str,
) -> None:
    """In ``band`` -- space of its own beside a scrolled list, so the cue never hides
    content -- say in words, with an arrow shape pointing the way, that more is hidden
    below (``below``) and/or above (``above``). Nothing when all is in view."""
    if band.height <= 0:
        return
    pills = [(down, text) for down, text in ((True, below), (False, above))
             if (scroll.max_offset - scroll.offset > 1 if down else scroll.offset > 1)]
    h = ts.line_height("tiny") + 6
    r = max(3, h // 4)
    x = band.x + 8
    for down, text in pills:
        avail = band.right - 8 - x
        if avail < 3 * h:
            break
        width = min(avail, ts.measure(text, "tiny", True) + 2 * r + 30)
        box = pygame.Rect(x, 0, width, h)
        box.centery = band.centery
        pygame.draw.rect(surface, theme.ACCENT_DARK, box, border_radius=h // 2)
        cx, cy = box.x + 10 + r, box.centery
        tip = (cx, cy + r) if down else (cx, cy - r)
        base = cy - r if down else cy + r
        pygame.draw.polygon(surface, (255, 255, 255), [(cx - r, base), (cx + r, base), tip])
        ts.draw(surface, text, (cx + r + 8, cy), "tiny", (255, 255, 255), bold=True,
                anchor="midleft", max_width=box.right - cx - r - 16)
        x = box.right + 10
