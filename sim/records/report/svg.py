"""Small inline SVG charts for the trainer's report (no scripts, no network)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

#: Colours of the four step statuses (colour-blind friendly order dark → light → warm).
STATUS_COLORS = {
    "excellent": "#1a7f37",
    "done": "#8cc084",
    "weak": "#f0a030",
    "missed": "#d1242f",
}
#: Line colours for trainees (Okabe–Ito palette).
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000",
           "#999999")


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class Point:
    """One plotted score with its tooltip."""

    score: float
    label: str


def score_chart(
    series: Sequence[tuple[str, str, Sequence[Point]]],
    *,
    width: int = 640,
    height: int = 220,
    x_label: str = "",
    title: str = "",
) -> str:
    """Scores (0..100) by attempt number, one line per ``(name, colour, points)``."""
    left, right, top, bottom = 34, 12, 10, 28
    pw, ph = width - left - right, height - top - bottom
    n = max((len(points) for _, _, points in series), default=1)
    span = max(n - 1, 1)

    def x(i: int) -> float:
        return left + (pw * i / span if n > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph * (1 - max(0.0, min(100.0, v)) / 100)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
    ]
    for v in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{_f(y(v))}" y2="{_f(y(v))}" '
            f'stroke="#e3e3e3"/><text x="{left - 4}" y="{_f(y(v) + 4)}" font-size="10" '
            f'text-anchor="end" fill="#666">{v}</text>'
        )
    step = max(1, n // 10)
    for i in range(0, n, step):
        parts.append(f'<text x="{_f(x(i))}" y="{height - 14}" font-size="10" '
                     f'text-anchor="middle" fill="#666">{i + 1}</text>')
    if x_label:
        parts.append(f'<text x="{left + pw / 2:.0f}" y="{height - 2}" font-size="10" '
                     f'text-anchor="middle" fill="#666">{escape(x_label)}</text>')
    for name, colour, points in series:
        if not points:
            continue
        coords = " ".join(f"{_f(x(i))},{_f(y(p.score))}" for i, p in enumerate(points))
        parts.append(f'<g><title>{escape(name)}</title><polyline points="{coords}" '
                     f'fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, p in enumerate(points):
            parts.append(f'<circle cx="{_f(x(i))}" cy="{_f(y(p.score))}" r="3.5" '
                         f'fill="{colour}"><title>{escape(p.label)}</title></circle>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def sparkline(scores: Sequence[float], *, width: int = 120, height: int = 28,
              colour: str = "#0072b2") -> str:
    """A tiny score line (0..100) for a table cell; the last point is marked."""
    if not scores:
        return ""
    n = len(scores)

    def x(i: int) -> float:
        return 3 + (width - 6) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return 3 + (height - 6) * (1 - max(0.0, min(100.0, v)) / 100)

    coords = " ".join(f"{_f(x(i))},{_f(y(v))}" for i, v in enumerate(scores))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-hidden="true">'
        f'<line x1="3" x2="{width - 3}" y1="{_f(y(50))}" y2="{_f(y(50))}" stroke="#eee"/>'
        f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.5"/>'
        f'<circle cx="{_f(x(n - 1))}" cy="{_f(y(scores[-1]))}" r="2.5" fill="{colour}"/>'
        "</svg>"
    )


def stacked_bar(counts: Sequence[tuple[str, int, str]], *, width: int = 150,
                height: int = 16) -> str:
    """A horizontal bar split by ``(status, count, tooltip)`` shares, coloured by status."""
    total = sum(c for _, c, _ in counts)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
        f'<rect width="{width}" height="{height}" fill="#f4f4f4"/>'
    ]
    x = 0.0
    for status, count, tip in counts:
        if not count or not total:
            continue
        w = width * count / total
        parts.append(f'<rect x="{_f(x)}" width="{_f(w)}" height="{height}" '
                     f'fill="{STATUS_COLORS.get(status, "#999")}">'
                     f'<title>{escape(tip)}</title></rect>')
        x += w
    parts.append("</svg>")
    return "".join(parts)
