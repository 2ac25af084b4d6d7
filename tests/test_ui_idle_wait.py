"""The idle loop's wait on the real event queue: it sleeps on the display connection,
so input wakes it at once and an idle window wakes only a few times a second; with a
text field focused it looks every 50 ms (an input method may answer on another channel).

The display connection is stood in for by a pipe: readable when "input" arrives."""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Iterator

import pygame
import pytest

from sim.ui import app as app_module
from sim.ui.app import IDLE_SLICE, WATCH_SLICE, PygameInput


@pytest.fixture()
def wire(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[PygameInput, int, list[float]]]:
    """An input whose display connection is a pipe; event.get reads the pipe (as SDL
    reads the socket) and logs when it was called."""
    read, write = os.pipe()
    os.set_blocking(read, False)
    looks: list[float] = []

    def get() -> list[pygame.event.Event]:
        looks.append(time.monotonic())
        try:
            data = os.read(read, 100)
        except BlockingIOError:
            return []
        return [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_1)] if data else []

    monkeypatch.setattr(app_module.pygame.event, "get", get)
    source = PygameInput()
    monkeypatch.setattr(source, "display_fd", lambda: read)
    yield source, write, looks
    os.close(read)
    os.close(write)


def test_input_wakes_the_idle_wait_at_once(wire: tuple[PygameInput, int, list[float]]
                                           ) -> None:
    source, write, looks = wire
    threading.Timer(0.3, os.write, (write, b"k")).start()
    start = time.monotonic()
    events = source.wait(1000)
    took = time.monotonic() - start
    assert len(events) == 1
    # woken by the key, not at the next watch slice (0.5 s); a loaded machine may be late
    assert 0.28 <= took < 0.3 + 0.12, took
    # only the look at the start, one per watch slice, and the one that found the key
    assert len(looks) <= 2 + int(0.3 / WATCH_SLICE)


def test_idle_wait_wakes_a_few_times_a_second(wire: tuple[PygameInput, int, list[float]]
                                              ) -> None:
    source, _, looks = wire
    start = time.monotonic()
    assert source.wait(1000) == []
    assert 0.99 <= time.monotonic() - start < 1.2
    assert len(looks) <= 2 + int(1 / WATCH_SLICE)  # not 1 / IDLE_SLICE = 20
    stopped = time.monotonic()
    assert source.wait(1000, stop=lambda: time.monotonic() - stopped > 0.1) == []
    assert time.monotonic() - stopped <= 0.1 + WATCH_SLICE + 0.05


def test_a_focused_text_field_is_looked_at_every_slice(
        wire: tuple[PygameInput, int, list[float]]) -> None:
    source, _, looks = wire
    assert source.wait(500, quick=True) == []
    assert len(looks) >= 0.5 / IDLE_SLICE - 1
    gaps = [b - a for a, b in itertools.pairwise(looks)]
    assert max(gaps) < IDLE_SLICE + 0.1  # (a loaded machine may be late; not a watch slice)
