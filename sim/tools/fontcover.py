"""Which characters the bundled font can draw, read from its OpenType ``cmap`` table.

The game draws text with one bundled font; a character outside it renders as a blank
gap (not a box), so ``validate`` checks texts against the font's character map. This is
a small pure-Python reader of the ``cmap`` table (subtable formats 4 and 12), so the
check needs neither pygame nor fontTools.
"""

from __future__ import annotations

import bisect
import struct
from functools import lru_cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
#: The regular weight; the bold one (``BOLD_PATH``) is subset from the same code points.
FONT_PATH = FONT_DIR / "NotoSansSC-Regular-subset.otf"
BOLD_PATH = FONT_DIR / "NotoSansSC-Bold-subset.otf"


class FontError(ValueError):
    """The file is not an OpenType/TrueType font with a usable cmap."""


def _ranges_format4(data: bytes, off: int) -> list[tuple[int, int]]:
    segx2 = struct.unpack_from(">H", data, off + 6)[0]
    ends_at = off + 14
    starts_at = ends_at + segx2 + 2
    deltas_at = starts_at + segx2
    offsets_at = deltas_at + segx2
    out: list[tuple[int, int]] = []
    for i in range(segx2 // 2):
        end = struct.unpack_from(">H", data, ends_at + 2 * i)[0]
        start = struct.unpack_from(">H", data, starts_at + 2 * i)[0]
        delta = struct.unpack_from(">h", data, deltas_at + 2 * i)[0]
        range_offset = struct.unpack_from(">H", data, offsets_at + 2 * i)[0]
        if start == 0xFFFF:
            continue
        if range_offset == 0:
            # glyph = (code + delta) mod 65536; glyph 0 means "missing"
            out.extend((c, c) for c in range(start, end + 1) if (c + delta) & 0xFFFF)
            continue
        for c in range(start, end + 1):
            at = offsets_at + 2 * i + range_offset + 2 * (c - start)
            glyph = struct.unpack_from(">H", data, at)[0]
            if glyph and (glyph + delta) & 0xFFFF:
                out.append((c, c))
    return out


def _ranges_format12(data: bytes, off: int) -> list[tuple[int, int]]:
    groups = struct.unpack_from(">I", data, off + 12)[0]
    out = []
    for start, end, glyph in struct.iter_unpack(">III", data[off + 16: off + 16 + 12 * groups]):
        if glyph == 0:
            start += 1  # the group's first code maps to .notdef
        if start <= end:
            out.append((start, end))
    return out


def _merge(ranges: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for a, b in sorted(ranges):
        if ends and a <= ends[-1] + 1:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def read_cmap(data: bytes) -> tuple[list[int], list[int]]:
    """Code point ranges (sorted starts, ends) the font maps to a glyph."""
    try:
        num_tables = struct.unpack_from(">H", data, 4)[0]
        cmap = None
        for i in range(num_tables):
            tag, _, offset, _ = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            if tag == b"cmap":
                cmap = offset
        if cmap is None:
            raise FontError("the font has no 'cmap' table")
        count = struct.unpack_from(">H", data, cmap + 2)[0]
        best: tuple[int, int] | None = None  # (preference, offset)
        for i in range(count):
            platform, encoding, sub = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
            fmt = struct.unpack_from(">H", data, cmap + sub)[0]
            unicode_table = platform == 0 or (platform == 3 and encoding in (1, 10))
            if unicode_table and fmt in (4, 12):
                pref = 2 if fmt == 12 else 1
                if best is None or pref > best[0]:
                    best = (pref, cmap + sub)
        if best is None:
            raise FontError("the font has no Unicode cmap of format 4 or 12")
        off = best[1]
        fmt = struct.unpack_from(">H", data, off)[0]
        ranges = _ranges_format12(data, off) if fmt == 12 else _ranges_format4(data, off)
    except struct.error as exc:
        raise FontError(f"the font file is damaged: {exc}") from None
    return _merge(ranges)


class Coverage:
    """The set of characters a font can draw; ``in`` tests one character."""

    def __init__(self, starts: list[int], ends: list[int]):
        self.starts = starts
        self.ends = ends

    def __contains__(self, char: str) -> bool:
        code = ord(char)
        i = bisect.bisect_right(self.starts, code) - 1
        return i >= 0 and code <= self.ends[i]

    def missing(self, text: str) -> list[str]:
        """The characters of ``text`` the font can't draw (each once, in order; not
        line breaks or tabs, which are layout, not glyphs)."""
        seen: dict[str, None] = {}
        for ch in text:
            if ch not in "\n\r\t" and ch not in seen and ch not in self:
                seen[ch] = None
        return list(seen)


@lru_cache(maxsize=4)
def coverage(path: Path = FONT_PATH) -> Coverage:
    """The coverage of the font at ``path`` (the bundled font by default), read once."""
    return Coverage(*read_cmap(path.read_bytes()))
