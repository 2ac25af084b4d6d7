"""Defuse (化解): run the game or one of its commands. See ``python main.py --help``."""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
