"""``draw`` never changes state: a frame can be drawn any number of times.

Every scene is drawn right after something that changes its layout (a new window size, a
new text size), without the ``update`` that would normally follow, and then again; the
scene's state (its scroll positions and extents, selections, meters, timers) and the
settings must be exactly as before. Caches (attributes starting with ``_``) may fill.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pygame
import pytest

from sim.ui.testing import Driver

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "scenarios"

PLAIN = (int, float, str, bool, type(None), tuple, frozenset)


def snapshot(obj: Any, depth: int = 2) -> Any:
    """The public state of ``obj``: plain values as they are, small objects (a scroll, a
    meter) by their own public state, lists and dicts item by item."""
    if isinstance(obj, PLAIN):
        return obj
    if isinstance(obj, pygame.Rect):
        return tuple(obj)
    if isinstance(obj, list):
        return [snapshot(v, depth) for v in obj]
    if isinstance(obj, dict):
        return {k: snapshot(v, depth) for k, v in obj.items()}
    if depth > 0 and hasattr(obj, "__dict__") and not isinstance(obj, type):
        return {k: snapshot(v, depth - 1) for k, v in vars(obj).items()
                if not k.startswith("_") and k not in ("app", "session", "scenario",
                                                       "entry", "recorder", "store")}
    return ("object", id(obj))


def state(d: Driver) -> Any:
    """What a draw must leave alone."""
    return {"scene": snapshot(d.scene), "settings": snapshot(d.app.settings),
            "hover": d.app.hover, "scenes": [s.name for s in d.app.scenes]}


def changes(d: Driver) -> list[Callable[[], None]]:
    """Changes that move the layout, applied without a frame in between."""
    def resize(size: tuple[int, int]) -> Callable[[], None]:
        return lambda: d.app.set_surface(pygame.Surface(size))

    def scale(value: float) -> Callable[[], None]:
        def apply() -> None:
            d.app.settings.text_scale = d.app.ts.text_scale = value
        return apply

    return [resize((960, 540)), scale(1.6), resize((1920, 1080)), scale(0.8),
            resize((1280, 720)), scale(1.0)]


def check_pure(d: Driver, where: str) -> None:
    """Draw twice after each layout change; nothing may move."""
    for change in changes(d):
        change()
        before = state(d)
        d.scene.draw(d.app.surface)
        assert state(d) == before, f"{where}: the first draw changed state"
        d.scene.draw(d.app.surface)
        assert state(d) == before, f"{where}: the second draw changed state"
        d.step()  # update (and a normal frame) before the next change


def answer_all(d: Driver) -> None:
    """Play the current case to its end, always with the first reply shown."""
    for _ in range(60):
        if d.scene.session.is_over:
            return
        d.key(pygame.K_1)
        d.settle()
    raise AssertionError("the case did not end")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_draw_changes_no_state_in_any_scene(lang: str, tmp_path: Path) -> None:
    d = Driver(LIBRARY, lang=lang, settings_path=tmp_path / "w.json")
    d.settle()
    # the menu scrolled away from the top (its extent matters)
    for _ in range(5):
        d.key(pygame.K_DOWN)
    check_pure(d, "menu")
    d.key(pygame.K_F3)
    check_pure(d, "settings")
    d.key(pygame.K_ESCAPE)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "brief"
    d.key(pygame.K_a, unicode="a")
    check_pure(d, "brief")
    d.key(pygame.K_RETURN)
    assert d.scene.name == "play"
    check_pure(d, "play while the line types")
    d.key(pygame.K_SPACE)
    d.settle()
    check_pure(d, "play with the replies")
    d.key(pygame.K_a, unicode="a")
    check_pure(d, "play with the authority card")
    d.key(pygame.K_a, unicode="a")
    answer_all(d)
    check_pure(d, "play at the end")
    d.key(pygame.K_RETURN)
    assert d.scene.name == "debrief"
    check_pure(d, "debrief")
    d.key(pygame.K_v, unicode="v")
    assert d.scene.name == "review"
    check_pure(d, "review")
    d.key(pygame.K_ESCAPE)
    d.key(pygame.K_ESCAPE)
    d.settle()
    d.key(pygame.K_h, unicode="h")
    assert d.scene.name == "history"
    check_pure(d, "history")


def test_the_check_sees_a_draw_that_changes_state(tmp_path: Path) -> None:
    """The check itself can fail: a draw that sets a scroll extent is caught."""
    d = Driver(LIBRARY, settings_path=tmp_path / "w.json")
    d.settle()
    scene = d.scene
    real = scene.draw

    def impure(surface: pygame.Surface) -> None:
        lay = scene.layout()
        scene.scroll.set_extent(lay.content_h + 1, lay.list_view.height)
        real(surface)

    scene.draw = impure  # type: ignore[method-assign]
    with pytest.raises(AssertionError, match="changed state"):
        check_pure(d, "menu")
