"""The sub-commands of the command line, one module per group, each with ``register``.

A module's ``register(subparsers, common)`` adds its parsers (with ``parents=[common]``)
and sets ``handler`` to a function ``(args) -> exit code``.
"""

from __future__ import annotations

import argparse
from pathlib import Path


class UsageError(Exception):
    """Bad usage or an unreadable file: reported on stderr, exit code 2."""


def library_of(args: argparse.Namespace) -> Path:
    """The scenario library folder the command line names (or the default one)."""
    from sim.scenario import default_library

    return Path(args.library) if getattr(args, "library", None) else default_library()
