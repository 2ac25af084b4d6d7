"""The game window (pygame front end): menu, case brief, play, debrief, review, history.

Only this package imports pygame; the engine, coach and scenario model stay headless.
Entry points live in :mod:`sim.ui.app` (``run`` and ``display_available``).
"""

import os

# Keep pygame's import banner out of the terminal and of test output.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
