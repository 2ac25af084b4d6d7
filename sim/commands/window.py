"""The bare command: open the game window at the menu (the terminal player without a
display).

Kept apart from :mod:`sim.commands.play` so that opening the window imports only what
the menu's first frame needs; the scenario model (pydantic) loads while the menu shows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def open_window_or_terminal(args: argparse.Namespace) -> int:
    """The window at the menu; where no display exists, say so and use the terminal."""
    try:
        from sim.ui import app
    except ImportError as exc:  # the window's dependencies are missing
        print(f"defuse: the game window is unavailable ({exc}); using the terminal player.",
              file=sys.stderr)
        return _terminal(args)
    if not app.display_available():
        print("defuse: no display found, so the game window can't open; using the terminal "
              "player instead.", file=sys.stderr)
        return _terminal(args)
    library = getattr(args, "library", None)
    db = getattr(args, "db", None)
    return app.run(library=Path(library) if library else None, lang=args.lang,
                   trainee=getattr(args, "trainee", None), coach=getattr(args, "coach", True),
                   db=Path(db) if db else None)


def _terminal(args: argparse.Namespace) -> int:
    from sim.commands.play import terminal_menu

    return terminal_menu(args, None)
