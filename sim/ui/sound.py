"""Optional sound effects from ``assets/sounds`` (toggled with M).

The mixer is opened lazily on the first sound; where there is no audio device the
game stays silent instead of failing.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pygame

from sim.ui.text import ROOT

log = logging.getLogger(__name__)

SOUND_DIR = ROOT / "assets" / "sounds"
NAMES = ("click", "better", "worse", "end_good", "end_bad")
#: Seconds after the last sound before an idle window closes the audio device: an open
#: device mixes silence all the time (a thread waking for every buffer).
REST_AFTER = 3.0


class Sounds:
    """Plays short named sounds when enabled."""

    def __init__(self, enabled: bool = True, folder: Path = SOUND_DIR) -> None:
        self.enabled = enabled
        self.folder = folder
        self._sounds: dict[str, pygame.mixer.Sound] | None = None
        self._opened = False  # this object opened the mixer (and may close it)
        self._last = 0.0  # time.monotonic() of the last sound
        self.played: list[str] = []  # the names played (tests read it)

    def _load(self) -> dict[str, pygame.mixer.Sound]:
        if self._sounds is None:
            self._sounds = {}
            try:
                if not pygame.mixer.get_init():
                    pygame.mixer.init(frequency=22050, size=-16, channels=1, buffer=512)
                    self._opened = True
                for name in NAMES:
                    path = self.folder / f"{name}.wav"
                    if path.exists():
                        self._sounds[name] = pygame.mixer.Sound(str(path))
                        self._sounds[name].set_volume(0.5)
            except pygame.error as exc:
                log.info("no sound: %s", exc)
        return self._sounds

    def play(self, name: str) -> None:
        """Play ``name`` if sound is on and the file exists."""
        if not self.enabled:
            return
        self.played.append(name)
        sound = self._load().get(name)
        if sound is not None:
            sound.play()
            self._last = time.monotonic()

    def rest(self) -> None:
        """Close the audio device once nothing has played for :data:`REST_AFTER` seconds
        (called by the idle loop); the next sound opens it again (under a millisecond)."""
        if not self._opened or time.monotonic() - self._last < REST_AFTER:
            return
        if pygame.mixer.get_init() and pygame.mixer.get_busy():
            return
        self._sounds = None
        self._opened = False
        pygame.mixer.quit()
