"""Optional sound effects from ``assets/sounds`` (toggled with M).

The mixer is opened lazily on the first sound; where there is no audio device the
game stays silent instead of failing.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pygame

from sim.ui.text import ROOT

log = logging.getLogger(__name__)

SOUND_DIR = ROOT / "assets" / "sounds"
NAMES = ("click", "better", "worse", "end_good", "end_bad")


class Sounds:
    """Plays short named sounds when enabled."""

    def __init__(self, enabled: bool = True, folder: Path = SOUND_DIR) -> None:
        self.enabled = enabled
        self.folder = folder
        self._sounds: dict[str, pygame.mixer.Sound] | None = None
        self.played: list[str] = []  # the names played (tests read it)

    def _load(self) -> dict[str, pygame.mixer.Sound]:
        if self._sounds is None:
            self._sounds = {}
            try:
                if not pygame.mixer.get_init():
                    pygame.mixer.init(frequency=22050, size=-16, channels=1, buffer=512)
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
