"""The customer's portrait, drawn procedurally so it scales to any size and reacts.

Emotion (0 calm .. 100 furious) drives the brows, eyelids, mouth, face flush, raised
shoulders and anger marks; trust (0 .. 100) drives eye contact, the smile and posture
(arms crossed when trust is low, open hands when it is high). A scenario may set the
look in ``customer.look``: ``skin``, ``hair``, ``hair_style`` (short|long|bun|bald|crew),
``glasses``, ``age`` (adult|elder), ``top``, ``gender`` (f|m). Unknown keys are ignored.

The face is drawn at twice the size and smooth-scaled down (pygame's primitives are not
antialiased); results are cached per integer mood so animating meters stay cheap.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import pygame

from sim.ui.theme import Color, mix, parse_color

SS = 2  # supersampling factor


@dataclass(frozen=True)
class Look:
    """How a customer looks (from ``customer.look``, with defaults)."""

    skin: Color = (232, 196, 160)
    hair: Color = (43, 33, 24)
    hair_style: str = "short"
    glasses: bool = False
    elder: bool = False
    top: Color = (74, 111, 165)
    female: bool = False

    @classmethod
    def from_mapping(cls, look: dict[str, Any] | None) -> Look:
        """Read a scenario's ``customer.look`` (free-form; bad values fall back)."""
        look = look or {}
        elder = str(look.get("age", "adult")).lower() == "elder"
        female = str(look.get("gender", "m")).lower().startswith("f")
        default_hair = (170, 170, 170) if elder else cls.hair
        style = str(look.get("hair_style", "long" if female else "short")).lower()
        if style not in {"short", "long", "bun", "bald", "crew"}:
            style = "short"
        return cls(
            skin=parse_color(look.get("skin"), cls.skin),
            hair=parse_color(look.get("hair"), default_hair),
            hair_style=style,
            glasses=bool(look.get("glasses", False)),
            elder=elder,
            top=parse_color(look.get("top"), cls.top),
            female=female,
        )


@dataclass(frozen=True)
class Mood:
    """What the portrait shows: meters (0..100), blink, and a transient jolt offset."""

    emotion: float
    trust: float
    blink: bool = False
    jolt: float = 0.0  # horizontal head offset in units of head width (a flinch)


class PortraitCache:
    """Renders portraits into surfaces, memoised by size, look and integer mood."""

    def __init__(self, max_items: int = 160) -> None:
        self._cache: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self.max_items = max_items

    def get(self, size: tuple[int, int], mood: Mood, look: Look) -> pygame.Surface:
        """A portrait surface of ``size`` (cached)."""
        key = (
            size,
            round(mood.emotion),
            round(mood.trust),
            mood.blink,
            round(mood.jolt * 40),
            look,
        )
        surf = self._cache.get(key)
        if surf is None:
            surf = render(size, mood, look)
            self._cache[key] = surf
            if len(self._cache) > self.max_items:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return surf


def render(size: tuple[int, int], mood: Mood, look: Look) -> pygame.Surface:
    """Draw a portrait of ``size`` pixels (supersampled, then smooth-scaled)."""
    w, h = max(8, size[0]), max(8, size[1])
    big = pygame.Surface((w * SS, h * SS), pygame.SRCALPHA)
    _draw(big, mood, look)
    return pygame.transform.smoothscale(big, (w, h))


def _draw(s: pygame.Surface, mood: Mood, look: Look) -> None:
    w, h = s.get_size()
    e = max(0.0, min(1.0, mood.emotion / 100))
    t = max(0.0, min(1.0, mood.trust / 100))
    unit = min(w, h * 0.85)

    # Backdrop: cool and calm when composed, warm when angry.
    bg = mix((206, 226, 222), (246, 206, 190), e)
    pygame.draw.rect(s, bg, s.get_rect(), border_radius=int(unit * 0.06))

    cx = w / 2 + mood.jolt * unit * 0.25
    head_w = unit * 0.46
    head_h = head_w * 1.22
    tension = max(0.0, e - 0.45) / 0.55  # 0 .. 1: shoulders rise, face flushes
    lean = (t - 0.5) * unit * 0.04  # trusting: leans in a little (head lower)
    head_cy = h * 0.41 + lean + tension * unit * 0.015

    skin = mix(look.skin, (226, 92, 78), 0.5 * tension)
    shade = mix(skin, (0, 0, 0), 0.12)

    # Body: shoulders raised with tension.
    shoulder_y = h * 0.735 - tension * unit * 0.05
    top = look.top
    top_dark = mix(top, (0, 0, 0), 0.25)
    body = pygame.Rect(0, 0, unit * 0.95, h)
    body.midtop = (round(w / 2 + mood.jolt * unit * 0.1), round(shoulder_y))
    neck = pygame.Rect(0, 0, head_w * 0.38, h * 0.2)
    neck.midbottom = (round(cx), round(shoulder_y + unit * 0.04))

    if look.hair_style == "long":  # hair that falls behind the shoulders
        back = pygame.Rect(0, 0, head_w * 1.18, head_h * 1.25)
        back.midtop = (round(cx), round(head_cy - head_h * 0.52))
        pygame.draw.ellipse(s, look.hair, back)

    pygame.draw.rect(s, shade, neck)
    pygame.draw.ellipse(s, top, body)
    collar = [
        (cx - head_w * 0.22, shoulder_y + unit * 0.01),
        (cx, shoulder_y + unit * 0.09),
        (cx + head_w * 0.22, shoulder_y + unit * 0.01),
    ]
    pygame.draw.polygon(s, shade, collar)

    # Arms: crossed over the chest when trust is low, open hands when it is high.
    if t < 0.35:
        arm_y = shoulder_y + unit * 0.16
        arm = pygame.Rect(0, 0, unit * 0.62, unit * 0.12)
        arm.center = (round(w / 2), round(arm_y))
        pygame.draw.rect(s, top_dark, arm, border_radius=int(unit * 0.06))
        for side in (-1, 1):
            hand = (round(w / 2 + side * unit * 0.27), round(arm_y - side * unit * 0.01))
            pygame.draw.circle(s, look.skin, hand, round(unit * 0.05))
    elif t > 0.65:
        for side in (-1, 1):
            hand = (round(w / 2 + side * unit * 0.3), round(h * 0.98))
            pygame.draw.circle(s, look.skin, hand, round(unit * 0.055))

    # Head.
    head = pygame.Rect(0, 0, head_w, head_h)
    head.center = (round(cx), round(head_cy))
    for side in (-1, 1):  # ears
        ear = pygame.Rect(0, 0, head_w * 0.16, head_h * 0.22)
        ear.center = (round(cx + side * head_w * 0.49), round(head_cy + head_h * 0.03))
        pygame.draw.ellipse(s, shade, ear)
    pygame.draw.ellipse(s, skin, head)

    _draw_hair(s, look, cx, head_cy, head_w, head_h)

    # Cheeks flush with anger.
    if tension > 0:
        blush = pygame.Surface((int(head_w * 0.26), int(head_h * 0.12)), pygame.SRCALPHA)
        pygame.draw.ellipse(blush, (220, 60, 60, int(110 * tension)), blush.get_rect())
        for side in (-1, 1):
            s.blit(
                blush,
                blush.get_rect(
                    center=(round(cx + side * head_w * 0.27), round(head_cy + head_h * 0.14))
                ),
            )

    eye_y = head_cy - head_h * 0.02
    eye_dx = head_w * 0.2
    eye_w = head_w * 0.17
    openness = 1.0 - 0.45 * max(0.0, e - 0.55) / 0.45  # anger narrows the eyes
    if e > 0.85:
        openness = 0.75  # shouting: eyes wide again, but glaring lids stay
    eye_h = eye_w * 0.72 * openness
    # Pupils: low trust looks away, high trust makes eye contact.
    look_dx = (1 - min(1.0, t / 0.45)) * eye_w * 0.28
    look_dy = (1 - min(1.0, t / 0.45)) * eye_w * 0.08
    happy = e < 0.25 and t > 0.7
    line_w = max(2, round(unit * 0.012))
    ink = (40, 32, 30)

    for side in (-1, 1):
        ex = cx + side * eye_dx
        if mood.blink:
            pygame.draw.line(s, ink, (ex - eye_w / 2, eye_y), (ex + eye_w / 2, eye_y), line_w)
        elif happy:  # smiling eyes: a gentle upward arc
            rect = pygame.Rect(0, 0, eye_w, eye_w * 0.7)
            rect.center = (round(ex), round(eye_y + eye_w * 0.2))
            pygame.draw.arc(s, ink, rect, math.radians(20), math.radians(160), line_w)
        else:
            white = pygame.Rect(0, 0, eye_w, max(2, eye_h))
            white.center = (round(ex), round(eye_y))
            pygame.draw.ellipse(s, (250, 250, 248), white)
            pr = max(2, round(min(eye_w * 0.24, eye_h * 0.45)))
            pygame.draw.circle(s, ink, (round(ex + look_dx), round(eye_y + look_dy)), pr)
            # Upper lid slanting down toward the nose when angry.
            if e > 0.5:
                slant = (e - 0.5) / 0.5 * eye_h * 0.9
                inner = ex - side * eye_w * 0.6
                outer = ex + side * eye_w * 0.6
                lid = [
                    (outer, eye_y - eye_h),
                    (inner, eye_y - eye_h),
                    (inner, eye_y - eye_h * 0.5 + slant),
                    (outer, eye_y - eye_h * 0.5),
                ]
                pygame.draw.polygon(s, skin, lid)
            pygame.draw.ellipse(s, shade, white, max(1, line_w // 2))

        # Brows: inner ends pulled down by anger, up by worry (calm-ish but distrustful).
        worry = max(0.0, 0.5 - t) * max(0.0, 0.7 - abs(e - 0.45)) * 1.6
        brow_y = eye_y - eye_w * (0.95 + 0.15 * (1 - e))
        inner_drop = eye_w * (0.55 * e - 0.1 - 0.45 * worry)
        inner = (ex - side * eye_w * 0.55, brow_y + inner_drop)
        outer = (ex + side * eye_w * 0.6, brow_y - eye_w * 0.08)
        pygame.draw.line(s, mix(look.hair, ink, 0.5), inner, outer, round(line_w * 2.2))

        if look.glasses:
            frame = pygame.Rect(0, 0, eye_w * 1.55, eye_w * 1.2)
            frame.center = (round(ex), round(eye_y))
            pygame.draw.rect(s, (50, 50, 60), frame, line_w, border_radius=int(eye_w * 0.35))

    if look.glasses:
        pygame.draw.line(
            s,
            (50, 50, 60),
            (cx - eye_dx + eye_w * 0.77, eye_y),
            (cx + eye_dx - eye_w * 0.77, eye_y),
            line_w,
        )

    if look.elder:  # forehead lines
        for i in range(2):
            y = head_cy - head_h * (0.26 - i * 0.05)
            rect = pygame.Rect(0, 0, head_w * 0.4, head_h * 0.08)
            rect.center = (round(cx), round(y))
            pygame.draw.arc(s, shade, rect, math.radians(20), math.radians(160), line_w // 2 + 1)

    # Nose.
    pygame.draw.line(
        s,
        shade,
        (cx, eye_y + eye_w * 0.3),
        (cx - eye_w * 0.12, eye_y + head_h * 0.17),
        line_w,
    )

    # Mouth: smile with trust and calm, frown with anger; open and shouting when furious.
    mouth_y = head_cy + head_h * 0.27
    mouth_w = head_w * (0.3 + 0.06 * e)
    curve = (t - 0.45) * 1.3 - (e - 0.4) * 1.5
    curve = max(-1.0, min(1.0, curve))
    if e > 0.82:
        open_h = head_h * (0.06 + 0.1 * (e - 0.82) / 0.18)
        m = pygame.Rect(0, 0, mouth_w * 0.8, open_h)
        m.center = (round(cx), round(mouth_y + open_h * 0.2))
        pygame.draw.ellipse(s, (110, 30, 36), m)
        teeth = pygame.Rect(m.x + m.w * 0.15, m.y, m.w * 0.7, max(2, m.h * 0.25))
        pygame.draw.rect(s, (245, 245, 240), teeth, border_radius=2)
    else:
        pts = []
        for i in range(13):
            x = -1 + i / 6
            pts.append((cx + x * mouth_w / 2, mouth_y - curve * (1 - x * x) * -head_h * 0.06))
        pygame.draw.lines(s, (150, 60, 60), False, pts, round(line_w * 1.6))

    # Anger mark at the temple and steam when furious.
    if e > 0.72:
        mx, my = cx + head_w * 0.33, head_cy - head_h * 0.33
        r = unit * 0.045 * (0.8 + (e - 0.72))
        red = (210, 40, 40)
        for ang in (45, 135, 225, 315):
            a = math.radians(ang)
            p1 = (mx + math.cos(a) * r * 0.35, my + math.sin(a) * r * 0.35)
            p2 = (mx + math.cos(a) * r, my + math.sin(a) * r)
            pygame.draw.line(s, red, p1, p2, round(line_w * 1.6))
    if e > 0.9:
        puff = (255, 255, 255)
        for side in (-1, 1):
            for k in range(3):
                px = cx + side * (head_w * 0.62 + k * unit * 0.035)
                py = head_cy - head_h * 0.45 - k * unit * 0.045
                radius = round(unit * (0.02 + k * 0.008))
                pygame.draw.circle(s, puff, (round(px), round(py)), radius)


def _draw_hair(
    s: pygame.Surface, look: Look, cx: float, cy: float, head_w: float, head_h: float
) -> None:
    """Hair over the top of the head, by style."""
    hair = look.hair
    style = look.hair_style
    if style == "bald":
        for side in (-1, 1):
            tuft = pygame.Rect(0, 0, head_w * 0.2, head_h * 0.25)
            tuft.center = (round(cx + side * head_w * 0.44), round(cy - head_h * 0.08))
            pygame.draw.ellipse(s, hair, tuft)
        return
    depth = {"crew": 0.22, "short": 0.32, "long": 0.36, "bun": 0.34}[style]
    cap = pygame.Rect(0, 0, head_w * 1.06, head_h * 0.9)
    cap.midtop = (round(cx), round(cy - head_h * 0.55))
    clip = pygame.Rect(cap.x - 2, cap.y - 2, cap.w + 4, head_h * (0.05 + depth))
    old = s.get_clip()
    s.set_clip(clip)
    pygame.draw.ellipse(s, hair, cap)
    s.set_clip(old)
    if style in {"short", "long"}:  # a side parting fringe
        fringe = [
            (cx - head_w * 0.5, cy - head_h * 0.1),
            (cx - head_w * 0.1, cy - head_h * 0.42),
            (cx + head_w * 0.45, cy - head_h * 0.22),
            (cx + head_w * 0.5, cy - head_h * 0.35),
            (cx, cy - head_h * 0.56),
            (cx - head_w * 0.5, cy - head_h * 0.3),
        ]
        pygame.draw.polygon(s, hair, fringe)
    if style == "short" and look.female:  # a bob: side hair down to the jaw
        for side in (-1, 1):
            lock = pygame.Rect(0, 0, head_w * 0.2, head_h * 0.62)
            lock.midtop = (round(cx + side * head_w * 0.46), round(cy - head_h * 0.36))
            pygame.draw.ellipse(s, hair, lock)
    if style == "long":
        for side in (-1, 1):
            lock = pygame.Rect(0, 0, head_w * 0.18, head_h * 0.75)
            lock.midtop = (round(cx + side * head_w * 0.47), round(cy - head_h * 0.3))
            pygame.draw.ellipse(s, hair, lock)
    if style == "bun":
        bun = (round(cx), round(cy - head_h * 0.55))
        pygame.draw.circle(s, hair, bun, round(head_w * 0.2))
