"""The window's first frame waits for nothing it doesn't draw: the bare command imports
neither the scenario model (pydantic) nor the sub-command modules before it, and the
library loads in the background after it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import sys
import sim.ui.app as A

heavy = []
draw = A.App.draw

def first_draw(self):
    # what is imported when the first frame is drawn (the loader starts right after)
    if self.frames_drawn == 0:
        heavy.extend(sorted(
            m for m in sys.modules if m == "pydantic" or m.startswith("sim.scenario")
            or m.startswith("sim.engine") or m.startswith("sim.coach")
            or (m.startswith("sim.commands.") and m != "sim.commands.window")))
    draw(self)

def run(self):
    self.wait_ready()
    print(self.frames_drawn, len(self.library.entries), ",".join(heavy) or "-")
    return 0

A.App.run = run
A.App.draw = first_draw
from sim.cli import main
main([])
"""


def test_first_frame_imports_only_what_the_menu_needs(tmp_path: Path) -> None:
    env = {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "DISPLAY": ":0",
           "DEFUSE_DB": str(tmp_path / "r.db"), "DEFUSE_CONFIG_DIR": str(tmp_path / "cfg"),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, text=True,
                         capture_output=True, timeout=300)
    assert out.returncode == 0, out.stderr
    frames, cases, heavy = out.stdout.split()
    assert frames == "1"
    assert int(cases) >= 8  # loaded after the first frame
    assert heavy == "-", heavy
