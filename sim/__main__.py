"""``python -m sim``: the same as ``main.py``."""

import sys

from sim.cli import main

sys.exit(main())
