"""Document blocks for the history screen: scores over attempts, and step mastery.

Both are :class:`sim.ui.doc.Block` s, so they scroll with the rest of the page and size
themselves to the width and text scale; labels wrap or are cut, never overflow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pygame

from sim.ui import theme
from sim.ui.doc import Block, draw_percent_grid, draw_series, percent_y
from sim.ui.text import Typesetter

#: Line colours for the scenarios of the score chart (distinct, and none is the red
#: that means "bad" elsewhere in the window).
SERIES_COLORS: tuple[theme.Color, ...] = (
    (36, 110, 140), (214, 160, 40), (120, 84, 170), (60, 140, 80), (200, 110, 150),
    (90, 100, 110), (40, 160, 170), (160, 120, 60),
)
STATUS_ORDER = ("excellent", "done", "weak", "missed")


def _legend_rows(ts: Typesetter, items: Sequence[str], width: int) -> list[list[int]]:
    """Indexes of legend items per row, flowing left to right within ``width``."""
    rows: list[list[int]] = [[]]
    x = 0
    for i, label in enumerate(items):
        w = min(width, 30 + ts.measure(label, "tiny"))
        if rows[-1] and x + w > width:
            rows.append([])
            x = 0
        rows[-1].append(i)
        x += w + 16
    return rows if rows[0] else []


def _draw_legend(surface: pygame.Surface, ts: Typesetter, rect: pygame.Rect,
                 items: Sequence[tuple[str, theme.Color]], line: bool,
                 ring: int | None = None) -> int:
    """Swatches and labels, wrapped into rows (item ``ring`` gets a hollow ring for its
    swatch); returns the height used."""
    lh = ts.line_height("tiny")
    y = rect.y
    for row in _legend_rows(ts, [label for label, _ in items], rect.width):
        x = rect.x
        for i in row:
            label, color = items[i]
            cy = y + lh // 2
            if i == ring:
                _ring(surface, color, (x + 11, cy))
            elif line:
                pygame.draw.line(surface, color, (x, cy), (x + 22, cy), 3)
            else:
                pygame.draw.rect(surface, color, (x + 4, cy - 6, 14, 12), border_radius=3)
            r = ts.draw(surface, label, (x + 28, y), "tiny", theme.INK_SOFT,
                        max_width=rect.right - x - 28)
            x = r.right + 16
        y += lh + 4
    return y - rect.y


@dataclass
class ScoreLines(Block):
    """Each scenario's finished scores by attempt (1, 2, 3 ...), 0..100.

    ``apart`` marks, per series and attempt, a score that is not comparable with the
    others (given by an earlier scoring formula that could not be applied again): it is
    drawn as a hollow ring, outside the line, and the legend says what the ring means
    (``apart_label``) -- a shape, not only a colour."""

    series: Sequence[tuple[str, Sequence[float]]]  # (scenario title, scores oldest first)
    x_label: str
    lines: float = 10.0
    apart: Sequence[Sequence[bool]] = ()
    apart_label: str = ""

    def _is_apart(self, series: int, attempt: int) -> bool:
        flags = self.apart[series] if series < len(self.apart) else ()
        return attempt < len(flags) and flags[attempt]

    def _any_apart(self) -> bool:
        return any(any(flags) for flags in self.apart)

    def _legend(self) -> list[tuple[str, theme.Color]]:
        return [(label, SERIES_COLORS[i % len(SERIES_COLORS)])
                for i, (label, _) in enumerate(self.series)]

    def _legend_labels(self) -> list[str]:
        labels = [label for label, _ in self.series]
        return [*labels, self.apart_label] if self._any_apart() else labels

    def _legend_h(self, ts: Typesetter, width: int) -> int:
        return len(_legend_rows(ts, self._legend_labels(), width)) * (
            ts.line_height("tiny") + 4)

    def height(self, ts: Typesetter, width: int) -> int:
        # Not taller than about half the width: a big text scale must not make the
        # chart fill the whole view on a small window.
        plot = min(round(ts.line_height("body") * self.lines), max(160, width * 2 // 5))
        return plot + self._legend_h(ts, width)

    def draw(self, surface: pygame.Surface, ts: Typesetter, rect: pygame.Rect) -> None:
        lh = ts.line_height("tiny")
        items = self._legend()
        if self._any_apart():
            items.append((self.apart_label, theme.INK_SOFT))
        used = _draw_legend(surface, ts, rect, items, line=True,
                            ring=len(items) - 1 if self._any_apart() else None)
        axis_w = ts.measure("100", "tiny") + 8
        plot = pygame.Rect(rect.x + axis_w, rect.y + used + 8, rect.width - axis_w - 12,
                           rect.height - used - 2 * lh - 20)
        if plot.width < 40 or plot.height < 30:
            return
        draw_percent_grid(surface, ts, plot, theme.PANEL_ALT)
        most = max((len(scores) for _, scores in self.series), default=0)
        span = max(1, most - 1)

        def at(i: int, score: float) -> tuple[int, int]:
            x = plot.x + (round(plot.width * i / span) if most > 1 else plot.width // 2)
            return x, percent_y(plot, score)

        step = max(1, most // 10)  # at most about ten attempt numbers under the axis
        for i in range(0, most, step):
            ts.draw(surface, str(i + 1), (at(i, 0)[0], plot.bottom + 4), "tiny",
                    theme.INK_FAINT, anchor="midtop")
        ts.draw(surface, self.x_label, (plot.right, plot.bottom + lh + 6), "tiny",
                theme.INK_SOFT, anchor="topright", max_width=plot.width)
        for i, (_, scores) in enumerate(self.series):
            color = SERIES_COLORS[i % len(SERIES_COLORS)]
            draw_series(surface, color, [at(k, s) for k, s in enumerate(scores)
                                         if not self._is_apart(i, k)])
            for k, s in enumerate(scores):
                if self._is_apart(i, k):
                    _ring(surface, color, at(k, s))


def _ring(surface: pygame.Surface, color: theme.Color, center: tuple[int, int]) -> None:
    """The mark of a score that is not comparable: a hollow ring, larger than a dot."""
    pygame.draw.circle(surface, theme.PANEL, center, 7)
    pygame.draw.circle(surface, color, center, 7, 2)


@dataclass
class MasteryBars(Block):
    """One stacked bar per step: excellent / done / weak / missed shares."""

    rows: Sequence[tuple[str, dict[str, int]]]  # (step label, {status: count})
    status_labels: dict[str, str]
    pad: int = 8

    def _label_w(self, ts: Typesetter, width: int) -> int:
        widest = max((ts.measure(label, "small", True) for label, _ in self.rows), default=0)
        return min(width * 2 // 5, widest + 16)

    def _legend(self) -> list[tuple[str, theme.Color]]:
        return [(self.status_labels[s], theme.STATUS_COLORS[s]) for s in STATUS_ORDER]

    def _row_h(self, ts: Typesetter, label: str, label_w: int) -> int:
        return max(ts.text_height(label, "small", label_w - 12, True),
                   ts.line_height("small") + 8) + self.pad

    def height(self, ts: Typesetter, width: int) -> int:
        label_w = self._label_w(ts, width)
        legend = len(_legend_rows(ts, [label for label, _ in self._legend()], width))
        return legend * (ts.line_height("tiny") + 4) + 6 + sum(
            self._row_h(ts, label, label_w) for label, _ in self.rows)

    def draw(self, surface: pygame.Surface, ts: Typesetter, rect: pygame.Rect) -> None:
        y = rect.y + _draw_legend(surface, ts, rect, self._legend(), line=False) + 6
        label_w = self._label_w(ts, rect.width)
        bar_x = rect.x + label_w
        bar_w = rect.width - label_w
        for label, counts in self.rows:
            rh = self._row_h(ts, label, label_w)
            ts.draw_wrapped(surface, label, pygame.Rect(rect.x, y + 2, label_w - 12, rh),
                            "small", theme.INK, True)
            bar = pygame.Rect(bar_x, y + 2, bar_w, ts.line_height("small") + 4)
            total = sum(counts.get(s, 0) for s in STATUS_ORDER)
            pygame.draw.rect(surface, theme.PANEL_ALT, bar, border_radius=4)
            if total:
                x = bar.x
                for k, status in enumerate(STATUS_ORDER):
                    n = counts.get(status, 0)
                    if not n:
                        continue
                    last = all(not counts.get(s, 0) for s in STATUS_ORDER[k + 1:])
                    w = bar.right - x if last else round(bar.width * n / total)
                    seg = pygame.Rect(x, bar.y, w, bar.height)
                    pygame.draw.rect(surface, theme.STATUS_COLORS[status], seg)
                    text = str(n)
                    if ts.measure(text, "tiny", True) + 8 <= w:
                        ts.draw(surface, text, seg.center, "tiny", (255, 255, 255), bold=True,
                                anchor="center")
                    x += w
            pygame.draw.rect(surface, theme.LINE, bar, 1, border_radius=4)
            y += rh
