"""The command line (a contract: see DESIGN.md); ``main.py`` and ``python -m sim`` call it.

Each sub-command lives in the module that owns its work and registers itself through a
``register(subparsers, common)`` function listed in ``_COMMANDS``; this module only
assembles them. Exit codes: 0 success, 1 a finding, 2 bad usage or an unreadable file.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from sim.commands import UsageError

log = logging.getLogger(__name__)

# module path of each group of sub-commands, in the order `--help` lists them
_COMMANDS = (
    "sim.commands.play",
    "sim.commands.check",
    "sim.commands.graph",
    "sim.commands.analyze",
    "sim.commands.new",
    "sim.commands.schema",
    "sim.records.cli",
)


def _common() -> argparse.ArgumentParser:
    """Options every sub-command accepts (before or after its name)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--library", metavar="DIR", default=argparse.SUPPRESS,
                        help="folder of scenarios (default: ./scenarios)")
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="the records database (default: DEFUSE_DB or the user data dir)")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log what happens")
    return common


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every registered sub-command."""
    common = _common()
    parser = argparse.ArgumentParser(
        prog="defuse",
        description="Defuse (化解): practise defusing customer complaints. Without a "
                    "command, opens the game window.",
        parents=[common],
    )
    parser.add_argument("--lang", choices=("en", "zh"), default=argparse.SUPPRESS,
                        help="language of the game window (default: the last one chosen)")
    parser.set_defaults(handler=None, library=None, db=None, verbose=False, lang=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _COMMANDS:
        importlib.import_module(module).register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    handler = args.handler
    if handler is None:
        from sim.commands.play import open_window_or_terminal

        handler = open_window_or_terminal
    try:
        return int(handler(args) or 0)
    except UsageError as exc:
        print(f"defuse: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
