"""A line breaker for Chinese, English and mixed text.

Pure functions, no pygame: the caller passes a ``measure`` function (text -> width in
pixels), so the breaker is unit-testable with a fake measure.

Rules (a small subset of UAX #14 plus Chinese kinsoku):

- a break may fall between two hanzi (or between a hanzi and a Latin word);
- English breaks at spaces; the spaces at a break are dropped;
- no line starts with closing punctuation (，。！？、；：」』） and friends);
- no line ends with opening punctuation (「『（ and friends);
- a word wider than the whole line is cut between characters as a last resort,
  still never putting a closing mark at the start of a line when that can be avoided.
"""

from __future__ import annotations

from collections.abc import Callable

Measure = Callable[[str], float]

#: Characters that must not begin a line.
NO_START = frozenset(
    "，。！？、；：」』）》〉】〕〗’”…—·・～ー々"
    ",.!?;:)]}%'\"»›"
    "！％），．：；？］｝～"
)
#: Characters that must not end a line.
NO_END = frozenset("「『（《〈【〔〖‘“([{«‹$￥¥（［｛")


def is_wide(ch: str) -> bool:
    """True for characters that allow a break on either side (CJK ideographs, kana,
    fullwidth forms and CJK punctuation)."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF  # CJK radicals, punctuation, kana, ideographs
        or 0xAC00 <= o <= 0xD7AF  # Hangul syllables
        or 0xF900 <= o <= 0xFAFF  # CJK compatibility ideographs
        or 0xFE30 <= o <= 0xFE4F  # CJK compatibility forms
        or 0xFF00 <= o <= 0xFFEF  # fullwidth forms
        or 0x20000 <= o <= 0x3FFFF  # supplementary ideographs
    )


def _break_allowed(prev: str, cur: str) -> bool:
    """May a line break fall between ``prev`` and ``cur``?"""
    if cur.isspace():
        return False  # spaces stay with the text before them and vanish at the break
    if cur in NO_START or prev in NO_END:
        return False
    if prev.isspace():
        return True
    if is_wide(prev) or is_wide(cur):
        return True
    # Inside an English word; allow a break after a hyphen or slash between letters.
    return prev in "-/" and cur.isalnum()


def segments(paragraph: str) -> list[str]:
    """Split a paragraph (no newlines) into unbreakable pieces.

    Each piece keeps its trailing spaces, so ``"".join(segments(p)) == p``.
    """
    out: list[str] = []
    start = 0
    for i in range(1, len(paragraph)):
        if _break_allowed(paragraph[i - 1], paragraph[i]):
            out.append(paragraph[start:i])
            start = i
    if paragraph:
        out.append(paragraph[start:])
    return out


def _cut(piece: str, width: float, measure: Measure) -> list[str]:
    """Cut a piece that is too wide between characters (last resort)."""
    lines: list[str] = []
    line = ""
    for ch in piece:
        if line and measure((line + ch).rstrip()) > width and not ch.isspace():
            # Keep closing punctuation off the start of the next line if we can:
            # carry the characters before it down with it (back to one that may
            # start a line), provided the carried part still fits.
            k = len(line) - 1
            while k > 0 and line[k] in NO_START:
                k -= 1
            if ch in NO_START and k > 0 and measure(line[k:] + ch) <= width:
                lines.append(line[:k])
                line = line[k:]
            else:
                lines.append(line)
                line = ""
        line += ch
    if line:
        lines.append(line)
    return lines


def wrap(text: str, width: float, measure: Measure) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (where at all possible).

    Hard newlines in ``text`` are kept; an empty paragraph gives an empty line.
    Trailing spaces at a break are removed; leading spaces of a paragraph are kept.
    A single character wider than ``width`` still gets a line of its own.
    """
    if width <= 0:
        width = 1
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            lines.append("")
            continue
        line = ""
        for piece in segments(paragraph):
            candidate = line + piece
            if measure(candidate.rstrip()) <= width:
                line = candidate
                continue
            if line:
                lines.append(line.rstrip())
                line = ""
            if measure(piece.rstrip()) <= width:
                line = piece
            else:
                parts = _cut(piece, width, measure)
                lines.extend(p.rstrip() for p in parts[:-1])
                line = parts[-1]
        lines.append(line.rstrip())
    return lines


def ellipsize(text: str, width: float, measure: Measure, mark: str = "…") -> str:
    """Shorten a single line to fit ``width``, ending it with ``mark`` if it was cut."""
    if measure(text) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits together with the mark
        mid = (lo + hi + 1) // 2
        if measure(text[:mid].rstrip() + mark) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + mark if lo else ""
