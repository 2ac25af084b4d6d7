"""Scrollable documents made of blocks (brief, debrief, review, history).

A block knows its height for a width and draws itself into a rect; a :class:`Doc`
stacks blocks and draws the visible ones, clipped to its view, so long texts scroll
instead of overflowing at any window size or text scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pygame

from sim.ui import theme
from sim.ui.text import Typesetter
from sim.ui.widgets import chip, chip_width


class Block:
    """Something a document stacks vertically."""

    def height(self, ts: Typesetter, width: int) -> int:  # pragma: no cover - interface
        """Height in pixels at ``width``."""
        raise NotImplementedError

    def draw(self, surface: pygame.Surface, ts: Typesetter, rect: pygame.Rect) -> None:
        """Draw into ``rect`` (its height is :meth:`height`)."""
        raise NotImplementedError  # pragma: no cover - interface


@dataclass
class Spacer(Block):
    """Vertical space in units of the body line height."""

    lines: float = 0.5

    def height(self, ts: Typesetter, width: int) -> int:
        return round(ts.line_height("body") * self.lines)

    def draw(self, surface: pygame.Surface, ts: Typesetter, rect: pygame.Rect) -> None:
        return None


@dataclass
class Para(Block):
    """Wrapped text."""

    text: str
    role: str = "body"
    color: theme.Color = theme.INK
    bold: bool = False
    indent: int = 0

    def height(self, ts: Typesetter, width: int) -> int:
        return ts.text_height(self.text, self.role, max(20, width - self.indent), self.bold)

    def draw(self, surface: pygame.Surface, ts: Typesetter, rect: pygame.Rect) -> None:
        r = pygame.Rect(rect.x + self.indent, rect.y, max(20, rect.width - self.indent), rect.h)
        ts.draw_wrapped(surface, self.text, r, self.role, self.color, self.bold)


@dataclass
class Heading(Block):
    """A section title with a rule under it."""

    text: str
    role: str = "h2"
    color: theme.Color = theme.INK

    def height(self, ts: Typesetter, width: int) -> int:
        return ts.text_height(self.text, self.role, width, True) + 8

    def draw(self, surface: pygame.Surface, ts: Typesetter, rect: pygame.Rect) -> None:
        ts.draw_wrapped(surface, self.text, rect, self.role, self.color, True)
        y = rect.bottom - 3
        pygame.draw.line(surface, theme.LINE, (rect.x, y), (rect.right, y))


@dataclass
class Cell:
    """A table cell: wrapped text, or a coloured chip."""

    text: str
    color: theme.Color = theme.INK
    chip: bool = False
    bold: bool = False
    role: str = "small"


@dataclass
class Table(Block):
    """Columns with relative widths; each row as tall as its tallest cell."""

    headers: Sequence[str]
    weights: Sequence[float]
    rows: Sequence[Sequence[Cell]]
    pad: int = 8
    stripes: bool = True
    #: Columns whose cells must stay on one line (a date, a score): each is widened to
    #: its widest cell, the other columns giving up the room in proportion to their
    #: weights -- unless that would leave them less than half of their share.
    keep: Sequence[int] = ()

    def _widths(self, width: int, ts: Typesetter | None = None) -> list[int]:
        total = sum(self.weights)
        ws = [int(width * w / total) for w in self.weights]
        ws[-1] += width - sum(ws)
        if ts is None or not self.keep:
            return ws
        need = {i: max((self._one_line(ts, row[i]) for row in self.rows if i < len(row)),
                       default=0) + 2 * self.pad for i in self.keep}
        extra = sum(max(0, need[i] - ws[i]) for i in need)
        others = [i for i in range(len(ws)) if i not in need]
        spare = sum(ws[i] for i in others)
        if extra <= 0 or not others or extra > spare / 2:
            return ws
        for i in need:
            ws[i] = max(ws[i], need[i])
        taken = 0
        for i in others:
            cut = extra * ws[i] // spare
            ws[i] -= cut
            taken += cut
        ws[others[0]] -= extra - taken
        return ws

    @staticmethod
    def _one_line(ts: Typesetter, cell: Cell) -> int:
        """The width ``cell`` takes on one line."""
        if cell.chip:
            return chip_width(ts, cell.text)
        return ts.measure(cell.text, cell.role, cell.bold)

    def _cell_h(self, ts: Typesetter, cell: Cell, width: int) -> int:
        if cell.chip:
            return ts.line_height("tiny") + 2
        return ts.text_height(cell.text, cell.role, max(10, width), cell.bold)

    def _row_h(self, ts: Typesetter, row: Sequence[Cell], widths: list[int]) -> int:
        return 2 * self.pad + max(
            (self._cell_h(ts, c, w - 2 * self.pad) for c, w in zip(row, widths, strict=False)),
            default=0,
        )

    def _header_h(self, ts: Typesetter, widths: list[int]) -> int:
        if not self.headers:
            return 0
        return 2 * self.pad + max(
            ts.text_height(h, "small", max(10, w - 2 * self.pad), True)
            for h, w in zip(self.headers, widths, strict=False)
        )

    def height(self, ts: Typesetter, width: int) -> int:
        widths = self._widths(width, ts)
        return self._header_h(ts, widths) + sum(self._row_h(ts, r, widths) for r in self.rows)

    def draw(self, surface: pygame.Surface, ts: Typesetter, rect: pygame.Rect) -> None:
        widths = self._widths(rect.width, ts)
        y = rect.y
        hh = self._header_h(ts, widths)
        if hh:
            pygame.draw.rect(surface, theme.ACCENT_SOFT, (rect.x, y, rect.width, hh))
            x = rect.x
            for h, w in zip(self.headers, widths, strict=False):
                box = pygame.Rect(x + self.pad, y + self.pad, w - 2 * self.pad, hh)
                ts.draw_wrapped(surface, h, box, "small", theme.ACCENT_DARK, True)
                x += w
            y += hh
        clip = surface.get_clip()
        for i, row in enumerate(self.rows):
            rh = self._row_h(ts, row, widths)
            if y > clip.bottom:
                break
            if y + rh >= clip.top:
                if self.stripes and i % 2:
                    pygame.draw.rect(surface, theme.PANEL_ALT, (rect.x, y, rect.width, rh))
                x = rect.x
                for cell, w in zip(row, widths, strict=False):
                    box = pygame.Rect(x + self.pad, y + self.pad, w - 2 * self.pad, rh)
                    if cell.chip:
                        cw = chip_width(ts, cell.text)
                        if cw <= box.width:
                            chip(surface, ts, cell.text, box.topleft, cell.color)
                        else:
                            ts.draw_wrapped(surface, cell.text, box, "tiny", cell.color, True)
                    else:
                        ts.draw_wrapped(surface, cell.text, box, cell.role, cell.color, cell.bold)
                    x += w
            pygame.draw.line(surface, theme.LINE, (rect.x, y + rh - 1), (rect.right, y + rh - 1))
            y += rh


@dataclass
class Bubble(Block):
    """A speech bubble: who is speaking, and the words, on a tinted background."""

    who: str
    text: str
    bg: theme.Color
    accent: theme.Color = theme.INK_SOFT
    right: bool = False  # the trainee's lines sit to the right
    tags: Sequence[tuple[str, theme.Color]] = field(default_factory=tuple)

    def _inner(self, width: int) -> int:
        return max(40, int(width * 0.86) - 24)

    def height(self, ts: Typesetter, width: int) -> int:
        inner = self._inner(width)
        h = ts.line_height("tiny") + 4 + ts.text_height(self.text, "body", inner)
        return h + 20

    def draw(self, surface: pygame.Surface, ts: Typesetter, rect: pygame.Rect) -> None:
        inner = self._inner(rect.width)
        box = pygame.Rect(0, rect.y, inner + 24, rect.height - 6)
        if self.right:
            box.right = rect.right
        else:
            box.x = rect.x
        pygame.draw.rect(surface, self.bg, box, border_radius=10)
        pygame.draw.rect(surface, theme.LINE, box, 1, border_radius=10)
        x = box.x + 12
        who = ts.draw(surface, self.who, (x, box.y + 6), "tiny", self.accent, bold=True,
                      max_width=inner)
        tx = who.right + 8
        for text, color in self.tags:
            w = chip_width(ts, text)
            if tx + w > box.right - 12:
                break
            chip(surface, ts, text, (tx, box.y + 5), color)
            tx += w + 6
        body = pygame.Rect(x, who.bottom + 4, inner, box.bottom - who.bottom)
        ts.draw_wrapped(surface, self.text, body, "body", theme.INK)


def percent_y(plot: pygame.Rect, value: float) -> int:
    """The y of ``value`` on a 0..100 scale (clamped) filling ``plot`` from the bottom."""
    return plot.bottom - round(plot.height * max(0.0, min(100.0, value)) / 100)


def draw_percent_grid(
    surface: pygame.Surface, ts: Typesetter, plot: pygame.Rect, fill: theme.Color
) -> None:
    """A plot area on a 0..100 scale: its background, and a labelled line every 25."""
    pygame.draw.rect(surface, fill, plot)
    for v in (0, 25, 50, 75, 100):
        y = percent_y(plot, v)
        pygame.draw.line(surface, theme.LINE, (plot.x, y), (plot.right, y))
        ts.draw(surface, str(v), (plot.x - 6, y), "tiny", theme.INK_FAINT, anchor="midright")


def draw_series(
    surface: pygame.Surface, color: theme.Color, points: Sequence[tuple[int, int]]
) -> None:
    """One series of a plot: a line through its points, and a dot on each."""
    if len(points) > 1:
        pygame.draw.lines(surface, color, False, points, 3)
    for p in points:
        pygame.draw.circle(surface, color, p, 4)


@dataclass
class Chart(Block):
    """Emotion and trust over the turns (0 = the start)."""

    series: Sequence[tuple[int, float, float]]
    emotion_label: str
    trust_label: str
    start_label: str
    lines: float = 11.0

    def height(self, ts: Typesetter, width: int) -> int:
        return round(ts.line_height("body") * self.lines)

    def draw(self, surface: pygame.Surface, ts: Typesetter, rect: pygame.Rect) -> None:
        lh = ts.line_height("tiny")
        legend_y = rect.y
        x = rect.x
        for label, color in ((self.emotion_label, theme.EMOTION), (self.trust_label, theme.TRUST)):
            ly = legend_y + lh // 2
            pygame.draw.line(surface, color, (x, ly), (x + 22, ly), 3)
            r = ts.draw(surface, label, (x + 28, legend_y), "tiny", theme.INK_SOFT)
            x = r.right + 18
        axis_w = ts.measure("100", "tiny") + 8
        plot = pygame.Rect(
            rect.x + axis_w, rect.y + lh + 8, rect.width - axis_w - 10, rect.height - 2 * lh - 16
        )
        if plot.width < 20 or plot.height < 20:
            return
        draw_percent_grid(surface, ts, plot, theme.PANEL)
        pts = list(self.series)
        if not pts:
            return
        last = max(1, pts[-1][0])

        def px(turn: int, v: float) -> tuple[int, int]:
            return plot.x + round(plot.width * turn / last), percent_y(plot, v)

        step = max(1, len(pts) // 12)
        for turn, _, _ in pts[::step]:
            x = px(turn, 0)[0]
            label = self.start_label if turn == 0 else str(turn)
            ts.draw(surface, label, (x, plot.bottom + 4), "tiny", theme.INK_FAINT, anchor="midtop")
        for idx, color in ((1, theme.EMOTION), (2, theme.TRUST)):
            draw_series(surface, color, [px(p[0], p[idx]) for p in pts])


class Doc:
    """Blocks stacked with a gap; draws only what is visible."""

    def __init__(self, blocks: Sequence[Block], gap: int = 6) -> None:
        self.blocks = list(blocks)
        self.gap = gap
        self._layout_key: tuple | None = None
        self._layout: list[tuple[int, int]] = []

    def layout(self, ts: Typesetter, width: int) -> list[tuple[int, int]]:
        """(y, height) of every block at ``width`` (memoised per type size and width)."""
        key = (ts.px("body"), ts.px("h1"), width)
        if key != self._layout_key:
            y = 0
            out = []
            for b in self.blocks:
                h = b.height(ts, width)
                out.append((y, h))
                y += h + self.gap
            self._layout, self._layout_key = out, key
        return self._layout

    def height(self, ts: Typesetter, width: int) -> int:
        """Total height at ``width``."""
        lay = self.layout(ts, width)
        return (lay[-1][0] + lay[-1][1]) if lay else 0

    def offset_of(self, ts: Typesetter, width: int, index: int) -> int:
        """The y of block ``index`` (to scroll to it)."""
        lay = self.layout(ts, width)
        return lay[index][0] if 0 <= index < len(lay) else 0

    def draw(
        self, surface: pygame.Surface, ts: Typesetter, view: pygame.Rect, offset: float
    ) -> None:
        """Draw the blocks that intersect ``view``, scrolled by ``offset`` pixels."""
        old = surface.get_clip()
        surface.set_clip(view.clip(old) if old else view)
        top = view.y - round(offset)
        for block, (y, h) in zip(self.blocks, self.layout(ts, view.width), strict=False):
            if top + y > view.bottom:
                break
            if top + y + h < view.y:
                continue
            block.draw(surface, ts, pygame.Rect(view.x, top + y, view.width, h))
        surface.set_clip(old)
