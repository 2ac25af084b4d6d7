"""Input at the edge: pygame events become intents the scenes understand.

Scenes never look at raw key codes. This module is the only place that knows that
``1``..``6`` choose a reply, ``L`` switches language and ``Ctrl +`` enlarges text, so
tests can drive scenes either with real pygame events or with intents directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

import pygame


class Kind(Enum):
    """What the player means."""

    QUIT = auto()  # the window's close button
    BACK = auto()  # Esc
    CONFIRM = auto()  # Enter
    SKIP = auto()  # Space: finish the typing animation
    LANG = auto()  # L
    FULLSCREEN = auto()  # F11
    RELOAD = auto()  # F5: a trainer reloads the scenario being played from disk
    TRAINER = auto()  # F2: a trainer's overlay of the session's inner state
    BIGGER = auto()  # Ctrl +
    SMALLER = auto()  # Ctrl -
    RESET_TEXT = auto()  # Ctrl 0: text size back to 100 %
    SETTINGS = auto()  # F3: the settings panel
    MUTE = auto()  # M
    CHOOSE = auto()  # 1..9 (value: 1-based number)
    HOTKEY = auto()  # a letter a scene may bind (value: lower-case letter)
    CLICK = auto()  # left button down (pos)
    POINTER = auto()  # mouse moved (pos)
    SCROLL = auto()  # wheel or keys (value: lines, negative = up)
    UP = auto()
    DOWN = auto()
    LEFT = auto()
    RIGHT = auto()
    PAGE_UP = auto()
    PAGE_DOWN = auto()
    HOME = auto()
    END = auto()
    TAB = auto()
    TEXT = auto()  # typed text (value: str), only while a text field has focus
    EDITING = auto()  # IME composition in progress (value: (text, cursor)), ditto
    BACKSPACE = auto()
    RESIZE = auto()  # value: (w, h)
    EXPOSE = auto()  # the window needs a redraw


@dataclass(frozen=True)
class Intent:
    """One thing the player means, with a position or value where relevant."""

    kind: Kind
    value: object = None
    pos: tuple[int, int] | None = None


_KEYS = {
    pygame.K_ESCAPE: Kind.BACK,
    pygame.K_RETURN: Kind.CONFIRM,
    pygame.K_KP_ENTER: Kind.CONFIRM,
    pygame.K_SPACE: Kind.SKIP,
    pygame.K_F11: Kind.FULLSCREEN,
    pygame.K_F5: Kind.RELOAD,
    pygame.K_F2: Kind.TRAINER,
    pygame.K_F3: Kind.SETTINGS,
    pygame.K_UP: Kind.UP,
    pygame.K_DOWN: Kind.DOWN,
    pygame.K_LEFT: Kind.LEFT,
    pygame.K_RIGHT: Kind.RIGHT,
    pygame.K_PAGEUP: Kind.PAGE_UP,
    pygame.K_PAGEDOWN: Kind.PAGE_DOWN,
    pygame.K_HOME: Kind.HOME,
    pygame.K_END: Kind.END,
    pygame.K_TAB: Kind.TAB,
    pygame.K_BACKSPACE: Kind.BACKSPACE,
}
_NUMBERS = {getattr(pygame, f"K_{n}"): n for n in range(1, 10)}
_NUMBERS.update({getattr(pygame, f"K_KP{n}"): n for n in range(1, 10)})
_BIGGER = {pygame.K_EQUALS, pygame.K_PLUS, pygame.K_KP_PLUS}
_SMALLER = {pygame.K_MINUS, pygame.K_KP_MINUS}


def translate(event: pygame.event.Event, text_mode: bool = False) -> list[Intent]:
    """The intents of one pygame event.

    ``text_mode`` is true while a text field has focus: letters and digits then type
    (through ``TEXTINPUT``, which also carries IME input such as pinyin) instead of
    acting as shortcuts; Esc, Enter, Tab, Backspace, F2, F3, F5, F11 and Ctrl +/-/0 still
    work.
    """
    et = event.type
    if et == pygame.QUIT:
        return [Intent(Kind.QUIT)]
    if et in (pygame.VIDEORESIZE,):
        return [Intent(Kind.RESIZE, value=(event.w, event.h))]
    if et in (pygame.WINDOWEXPOSED, pygame.WINDOWSIZECHANGED, pygame.WINDOWRESTORED):
        return [Intent(Kind.EXPOSE)]
    if et == pygame.MOUSEMOTION:
        return [Intent(Kind.POINTER, pos=tuple(event.pos))]
    if et == pygame.MOUSEBUTTONDOWN and event.button == 1:
        return [Intent(Kind.CLICK, pos=tuple(event.pos))]
    if et == pygame.MOUSEWHEEL:
        pos = tuple(pygame.mouse.get_pos()) if pygame.display.get_init() else None
        return [Intent(Kind.SCROLL, value=-3 * event.y, pos=pos)]
    if et == pygame.TEXTINPUT:
        return [Intent(Kind.TEXT, value=event.text)] if text_mode else []
    if et == pygame.TEXTEDITING:  # e.g. pinyin being composed into characters
        return ([Intent(Kind.EDITING, value=(event.text, getattr(event, "start", 0)))]
                if text_mode else [])
    if et != pygame.KEYDOWN:
        return []

    key = event.key
    ctrl = bool(getattr(event, "mod", 0) & pygame.KMOD_CTRL)
    if ctrl and key in _BIGGER:
        return [Intent(Kind.BIGGER)]
    if ctrl and key in _SMALLER:
        return [Intent(Kind.SMALLER)]
    if ctrl and key in (pygame.K_0, pygame.K_KP0):
        return [Intent(Kind.RESET_TEXT)]
    if key in _KEYS:
        kind = _KEYS[key]
        if text_mode and kind is Kind.SKIP:
            return []  # a space typed into the name field
        return [Intent(kind)]
    if text_mode or ctrl:
        return []
    if key in _NUMBERS:
        return [Intent(Kind.CHOOSE, value=_NUMBERS[key])]
    if key == pygame.K_l:
        return [Intent(Kind.LANG)]
    if key == pygame.K_m:
        return [Intent(Kind.MUTE)]
    if pygame.K_a <= key <= pygame.K_z:
        return [Intent(Kind.HOTKEY, value=chr(key))]
    return []
