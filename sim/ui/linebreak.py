"""A line breaker for Chinese, English and mixed text.

Pure functions, no pygame: the caller passes a ``measure`` function (text -> width in
pixels), so the breaker is unit-testable with a fake measure.

Rules (a small subset of UAX #14 plus Chinese kinsoku):

- a break may fall between two hanzi (or between a hanzi and a Latin word);
- never after a minus, plus or currency sign before a digit, nor after a hyphen before a
  digit (phone numbers, ranges and codes such as "400-820-8820", "3-5", "#A-1234");
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
#: Prefix signs (UAX #14 class PR) that stay with the number or hanzi after them: the
#: minus sign, plus, plus-minus and currency signs.
PREFIXES = frozenset("\u2212+±$￥¥€£")
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


def _break_allowed(prev: str, cur: str, before: str = "") -> bool:
    """May a line break fall between ``prev`` and ``cur``? (``before`` is the character
    before ``prev``; empty at the start of the paragraph.)"""
    if cur.isspace():
        return False  # spaces stay with the text before them and vanish at the break
    if cur in NO_START or prev in NO_END:
        return False
    if prev.isspace():
        return True
    if cur == "-" and not prev.isspace():
        return False  # a hyphen stays with what precedes it
    if prev in PREFIXES and (cur.isdigit() or is_wide(cur)):
        return False  # a minus or currency sign stays with its number ("−8", "¥200")
    if prev == "-" and cur.isdigit():
        return False  # "-8", "400-820-8820", "3-5"
    if is_wide(prev) or is_wide(cur):
        return True
    # Inside an English word: a break may follow a hyphen or slash before a letter
    # ("well-/known"), never before a digit (UAX #14 HY x NU: "400-820-8820", "3-5",
    # "#A-1234", "-8" stay whole).
    # A word-initial hyphen ("-a" after a space) stays on (UAX #14 LB20a).
    return prev in "-/" and cur.isalpha() and bool(before) and not before.isspace()


def _closes_number(paragraph: str, i: int) -> bool:
    """Do the characters before ``i`` end in a number followed by closing marks?"""
    k = i - 1
    while k >= 0 and paragraph[k] in NO_START and not paragraph[k].isdigit():
        k -= 1
    return k >= 0 and paragraph[k].isdigit()


def segments(paragraph: str) -> list[str]:
    """Split a paragraph (no newlines) into unbreakable pieces.

    Each piece keeps its trailing spaces, so ``"".join(segments(p)) == p``.
    """
    out: list[str] = []
    start = 0
    last_mark = ""  # the last character before the current run of spaces
    for i in range(1, len(paragraph)):
        prev = paragraph[i - 1]
        if not prev.isspace():
            last_mark = prev
        elif last_mark in NO_END:
            continue  # an opening mark keeps what follows, spaces or not (LB14)
        if paragraph[i] in PREFIXES and prev in NO_START and _closes_number(paragraph, i):
            continue  # "(1)−", "1.）¥": a number's closing mark keeps the sign (LB25)
        if _break_allowed(prev, paragraph[i], paragraph[i - 2] if i > 1 else ""):
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
