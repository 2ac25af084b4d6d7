"""Colours and type sizes of the game window (one place, so scenes stay consistent)."""

from __future__ import annotations

Color = tuple[int, int, int]

BG: Color = (244, 241, 234)  # warm paper
PANEL: Color = (255, 255, 255)
PANEL_ALT: Color = (250, 248, 243)
INK: Color = (38, 40, 46)
INK_SOFT: Color = (96, 100, 110)
INK_FAINT: Color = (150, 153, 160)
LINE: Color = (221, 216, 205)
ACCENT: Color = (36, 110, 140)  # teal: buttons, focus
ACCENT_DARK: Color = (24, 80, 104)
ACCENT_SOFT: Color = (214, 234, 240)
HOVER: Color = (228, 240, 244)
WARN: Color = (196, 80, 50)
WARN_SOFT: Color = (250, 226, 216)
GOOD: Color = (60, 140, 80)
GOOD_SOFT: Color = (222, 240, 224)
GOLD: Color = (214, 160, 40)
CUSTOMER_BUBBLE: Color = (255, 255, 255)
TRAINEE_BUBBLE: Color = (219, 236, 242)
COACH_BUBBLE: Color = (252, 244, 218)
OVERLAY: tuple[int, int, int, int] = (30, 32, 38, 150)

EMOTION: Color = (214, 84, 60)  # red: the customer's anger
TRUST: Color = (52, 120, 190)  # blue: the customer's trust

STATUS_COLORS: dict[str, Color] = {
    "excellent": (46, 140, 78),
    "done": (90, 150, 110),
    "weak": (214, 150, 40),
    "missed": (196, 80, 50),
}
QUALITY_COLORS: dict[str, Color] = {
    "best": (46, 140, 78),
    "good": (90, 150, 110),
    "poor": (214, 150, 40),
    "harmful": (196, 80, 50),
}
OUTCOME_COLORS: dict[str, Color] = {
    "resolved": (46, 140, 78),
    "partial": (214, 150, 40),
    "escalated": (196, 100, 50),
    "lost": (170, 60, 50),
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
