"""The engine layers stay headless: importing them never loads pygame."""

from __future__ import annotations

import subprocess
import sys


def test_engine_layers_never_import_pygame() -> None:
    code = ("import sys, sim.scenario, sim.engine, sim.coach, sim.console, sim.tools.playtests, "
            "sim.cli; sim.cli.build_parser(); "
            "assert 'pygame' not in sys.modules, 'pygame was imported'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
