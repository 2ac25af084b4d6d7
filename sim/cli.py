"""The command line (a contract: see DESIGN.md); ``main.py`` and ``python -m sim`` call it.

Each sub-command lives in the module that owns its work and registers itself through a
``register(subparsers, common)`` function; ``_COMMANDS`` says which module registers
which command. Only the module of the command being run is imported (a trainer running
``validate`` waits for no window, database or graph code): the others appear in
``--help`` through the one-line summaries kept here, which a test keeps equal to the
modules' own. Exit codes: 0 success, 1 a finding, 2 bad usage or an unreadable file.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from sim.commands import UsageError

log = logging.getLogger(__name__)

# each command: the module that registers it and its one-line summary, in --help order
_COMMANDS: dict[str, tuple[str, str]] = {
    "play": ("sim.commands.play", "play one scenario"),
    "validate": ("sim.commands.check", "check scenario files or folders"),
    "test": ("sim.commands.check", "run the scenarios' play-through tests"),
    "graph": ("sim.commands.graph", "the scenario as a graph (Mermaid, DOT, SVG, PNG)"),
    "analyze": ("sim.commands.analyze", "what a scenario teaches: endings, scores, gaps"),
    "new": ("sim.commands.new", "start a new scenario from a template"),
    "schema": ("sim.commands.schema", "the JSON Schema of the scenario format"),
    "history": ("sim.records.cli", "past sessions, best scores and step mastery"),
    "report": ("sim.records.cli", "the trainer's report (HTML or CSV)"),
    "export": ("sim.records.cli", "write the records to a file to share"),
    "import": ("sim.records.cli", "merge exported records into this database"),
    "migrate": ("sim.records.cli", "bring a records database up to this version"),
    "sync": ("sim.records.cli", "send the sessions to a Learning Record Store"),
}
# options before the command that take a value (so the value is not taken for a command)
_VALUED = ("--library", "--db", "--lang")


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


def command_of(argv: Sequence[str]) -> str | None:
    """The sub-command named in ``argv`` (None when there is none or it is unknown)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _VALUED:
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in _COMMANDS else None
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser. With ``argv`` naming a command, only that command's module is
    imported (the rest are listed by their summaries); otherwise every module is."""
    chosen = command_of(argv) if argv is not None else None
    modules = list(dict.fromkeys(m for m, _ in _COMMANDS.values()))
    if chosen is not None:
        modules = [_COMMANDS[chosen][0]]
    elif argv is not None:
        modules = []  # no command, or an unknown one: summaries are enough
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
    loaded = set(modules)
    for name, (module, summary) in _COMMANDS.items():
        if module in loaded:
            loaded.discard(module)
            importlib.import_module(module).register(sub, common)
        elif module not in modules:
            sub.add_parser(name, help=summary, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    handler = args.handler
    if handler is None:
        from sim.commands.window import open_window_or_terminal

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
