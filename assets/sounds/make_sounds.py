"""Synthesise the game's short sound effects as 16-bit mono WAVs (stdlib only).

Run from anywhere: ``python assets/sounds/make_sounds.py``. The sounds are original,
generated here, and dedicated to the public domain (CC0) like the rest of this folder.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050
HERE = Path(__file__).resolve().parent


def tone(freqs: list[tuple[float, float]], volume: float = 0.35, decay: float = 6.0) -> list[float]:
    """Notes (frequency Hz, seconds) one after another, each with a soft attack and decay."""
    out: list[float] = []
    for freq, secs in freqs:
        n = int(RATE * secs)
        for i in range(n):
            t = i / RATE
            env = min(1.0, t / 0.008) * math.exp(-decay * t)
            # A sine with a little second harmonic sounds warmer than a bare sine.
            s = math.sin(2 * math.pi * freq * t) + 0.25 * math.sin(4 * math.pi * freq * t)
            out.append(volume * env * s / 1.25)
    return out


def write(name: str, samples: list[float]) -> None:
    """Save samples (-1..1) as ``name.wav``."""
    with wave.open(str(HERE / f"{name}.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", int(max(-1, min(1, s)) * 32767))
                               for s in samples))


def main() -> None:
    """Write every sound."""
    write("click", tone([(880, 0.05)], volume=0.25, decay=60))
    write("better", tone([(660, 0.09), (880, 0.16)], volume=0.3, decay=12))
    write("worse", tone([(392, 0.10), (294, 0.20)], volume=0.3, decay=10))
    write("end_good", tone([(523, 0.12), (659, 0.12), (784, 0.30)], volume=0.3, decay=7))
    write("end_bad", tone([(330, 0.16), (262, 0.16), (196, 0.36)], volume=0.3, decay=5))


if __name__ == "__main__":
    main()
