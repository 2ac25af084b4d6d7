"""Trainer preview: start play at any node with a preset state, reload an edited file in
place (F5) and show the session's inner state (F2).

Kept free of drawing except :func:`draw_overlay`, so the reload logic is easy to test.
A preview is never recorded: its history does not start at the scenario's start, and a
reloaded session plays a scenario the records never saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pygame

from sim.ui import theme
from sim.ui.widgets import panel


@dataclass(frozen=True)
class Preset:
    """Where and in what state a preview starts (all None: an ordinary session)."""

    start: str | None = None
    emotion: int | None = None
    trust: int | None = None
    flags: Mapping[str, bool | int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return (self.start is not None or self.emotion is not None
                or self.trust is not None or bool(self.flags))

    def session_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :class:`sim.engine.Session`."""
        return {"start": self.start, "emotion": self.emotion, "trust": self.trust,
                "flags": dict(self.flags)}


@dataclass
class Reloaded:
    """What F5 found on disk.

    Exactly one of: ``session`` (the edited scenario, continued at the same node and
    state), ``errors`` (located ``path:line:col`` lines of an invalid file), or
    ``gone`` (the current node's id, missing from the edited file; ``at_ending`` when
    the session had already ended).
    """

    session: Any = None
    scenario: Any = None
    errors: list[str] = field(default_factory=list)
    gone: str | None = None
    at_ending: bool = False


def reload_session(path: Path, session: Any) -> Reloaded:
    """Re-read ``path`` and continue ``session`` in its new version (or say why not)."""
    from sim.engine import ChoiceError, continue_with
    from sim.scenario import check_file

    scenario, problems = check_file(path)
    if scenario is None:
        errors = [str(p) for p in problems if p.is_error] or [str(p) for p in problems]
        return Reloaded(errors=errors or [f"{path}: cannot be loaded"])
    node = session.node_id
    if session.is_over:
        return Reloaded(scenario=scenario, gone=node, at_ending=True)
    if node not in scenario.nodes:
        return Reloaded(scenario=scenario, gone=node)
    try:
        fresh = continue_with(session, scenario)
    except ChoiceError:  # e.g. the node became an ending
        return Reloaded(scenario=scenario, gone=node)
    return Reloaded(session=fresh, scenario=scenario)


def state_lines(session: Any, t: Any) -> list[tuple[str, str]]:
    """The trainer overlay's rows as (label, value): node, meters, turn, flags, facts.

    ``t`` is the scene's string lookup, so the labels follow the window's language.
    """
    flags = ", ".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}"
                      for k, v in sorted(session.flags.items()))
    facts = ", ".join(sorted(session.learned))
    return [
        (t("ov_node"), session.node_id),
        (t("emotion"), str(session.emotion)),
        (t("trust"), str(session.trust)),
        (t("ov_turn"), str(session.turn)),
        (t("ov_flags"), flags or t("ov_none")),
        (t("ov_facts"), facts or t("ov_none")),
    ]


def overlay_height(ts: Any, rows: list[tuple[str, str]], width: int) -> int:
    """Height :func:`draw_overlay` needs at ``width``."""
    _, value_w = _columns(ts, rows, width)
    h = ts.line_height("tiny") + 8
    for _, value in rows:
        h += ts.text_height(value, "small", value_w) + 4
    return h + 16


def _columns(ts: Any, rows: list[tuple[str, str]], width: int) -> tuple[int, int]:
    inner = width - 24
    label_w = min(inner // 3, max(ts.measure(label, "tiny", True) for label, _ in rows) + 10)
    return label_w, max(40, inner - label_w)


def draw_overlay(
    surface: pygame.Surface, ts: Any, rect: pygame.Rect, title: str,
    rows: list[tuple[str, str]],
) -> None:
    """A dark panel with the session's state; long flag or fact lists wrap, and what
    does not fit ``rect`` is clipped (it never draws outside it)."""
    layer = pygame.Surface(rect.size, pygame.SRCALPHA)
    layer.fill((0, 0, 0, 0))
    panel(layer, layer.get_rect(), (*theme.INK, 245), None, radius=10)  # type: ignore[arg-type]
    surface.blit(layer, rect)
    old = surface.get_clip()
    surface.set_clip(rect.clip(old) if old else rect)
    label_w, value_w = _columns(ts, rows, rect.width)
    x = rect.x + 12
    y = rect.y + 8
    ts.draw(surface, title, (x, y), "tiny", theme.GOLD_ON_DARK, bold=True,
            max_width=rect.width - 24)
    y += ts.line_height("tiny") + 8
    for label, value in rows:
        need = ts.text_height(value, "small", value_w)
        if y + need > rect.bottom - 4:  # a tiny window: show what fits, mark the rest
            ts.draw(surface, "...", (x, y), "small", (255, 255, 255))
            break
        ts.draw(surface, label, (x, y + 2), "tiny", theme.LABEL_ON_DARK, bold=True,
                max_width=label_w - 6)
        ts.draw_wrapped(surface, value, pygame.Rect(x + label_w, y, value_w, need), "small",
                        (255, 255, 255))
        y += need + 4
    surface.set_clip(old)
