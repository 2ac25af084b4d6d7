"""Colours and type sizes of the game window (one place, so scenes stay consistent)."""

from __future__ import annotations

Color = tuple[int, int, int]

BG: Color = (244, 241, 234)  # warm paper
PANEL: Color = (255, 255, 255)
PANEL_ALT: Color = (250, 248, 243)
INK: Color = (38, 40, 46)
INK_SOFT: Color = (96, 100, 110)
INK_FAINT: Color = (97, 99, 104)  # hints and tags: still 4.5:1 on every background
LINE: Color = (221, 216, 205)
ACCENT: Color = (35, 108, 137)  # teal: buttons, focus
ACCENT_DARK: Color = (24, 80, 104)
ACCENT_SOFT: Color = (214, 234, 240)
HOVER: Color = (228, 240, 244)
WARN: Color = (169, 69, 43)
WARN_SOFT: Color = (250, 226, 216)
GOOD: Color = (49, 113, 65)
GOOD_SOFT: Color = (222, 240, 224)
GOLD: Color = (126, 94, 24)
CUSTOMER_BUBBLE: Color = (255, 255, 255)
TRAINEE_BUBBLE: Color = (219, 236, 242)
COACH_BUBBLE: Color = (252, 244, 218)
OVERLAY: tuple[int, int, int, int] = (30, 32, 38, 150)

EMOTION: Color = (171, 67, 48)  # red: the customer's anger
TRUST: Color = (45, 103, 163)  # blue: the customer's trust

# Text in these colours (and white text on them) reads at 4.5:1 or more (WCAG AA; see
# tests/test_ui_contrast.py); neighbours on a scale differ in hue, not only in lightness,
# and every use carries a word too (colour is never the only sign).
STATUS_COLORS: dict[str, Color] = {
    "excellent": (37, 113, 63),  # green
    "done": (35, 106, 150),  # blue
    "weak": (133, 93, 25),  # amber-brown
    "missed": (178, 34, 52),  # crimson
}
QUALITY_COLORS: dict[str, Color] = {
    "best": (37, 113, 63),
    "good": (35, 106, 150),
    "poor": (133, 93, 25),
    "harmful": (178, 34, 52),
}
OUTCOME_COLORS: dict[str, Color] = {
    "resolved": (37, 113, 63),
    "partial": (133, 93, 25),
    "escalated": (178, 34, 52),  # crimson
    "lost": (100, 60, 130),  # purple
}

#: Base type sizes in pixels at 1280x720 and text scale 1.0.
SIZES: dict[str, int] = {
    "tiny": 13,
    "small": 15,
    "body": 18,
    "h3": 20,
    "h2": 24,
    "h1": 32,
    "title": 48,
}

MIN_SIZE = (960, 540)
DEFAULT_SIZE = (1280, 720)
TEXT_SCALES = (0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6)


#: Backgrounds text is drawn on, and colours text is drawn in (on those backgrounds, and
#: as fills under white text); the contrast test checks every pair.
TEXT_BACKGROUNDS: tuple[Color, ...] = (BG, PANEL, PANEL_ALT, HOVER, ACCENT_SOFT,
                                       CUSTOMER_BUBBLE, TRAINEE_BUBBLE, COACH_BUBBLE,
                                       WARN_SOFT, GOOD_SOFT)
TEXT_COLORS: tuple[Color, ...] = (INK, INK_SOFT, INK_FAINT, ACCENT, ACCENT_DARK, WARN, GOOD,
                                  GOLD, EMOTION, TRUST, *STATUS_COLORS.values(),
                                  *QUALITY_COLORS.values(), *OUTCOME_COLORS.values())
#: The key hint on a primary button (light on ACCENT).
KEY_ON_PRIMARY: Color = (232, 242, 246)
#: Text on the dark trainer overlay (INK): its title and row labels.
GOLD_ON_DARK: Color = (236, 190, 90)
LABEL_ON_DARK: Color = (200, 204, 212)


def luminance(c: Color) -> float:
    """Relative luminance (WCAG 2)."""
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: Color, b: Color, t: float) -> Color:
    """Blend two colours; ``t`` = 0 gives ``a``, 1 gives ``b``."""
    t = max(0.0, min(1.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def parse_color(value: object, default: Color) -> Color:
    """Read ``"#rrggbb"`` (as in a scenario's ``customer.look``); anything else -> default."""
    if isinstance(value, str) and len(value) == 7 and value.startswith("#"):
        try:
            return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))
        except ValueError:
            return default
    return default
