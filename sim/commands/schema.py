"""``schema``: print or write the JSON Schema editors use to check scenario files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.commands import UsageError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``schema``."""
    p = sub.add_parser("schema", parents=[common], help="the JSON Schema of the scenario format",
                       description="Prints the JSON Schema of scenario format 1 (generated "
                                   "from the model), or writes it with --out. --check exits 1 "
                                   "when the shipped sim/scenario.schema.json is out of date.")
    p.add_argument("--out", metavar="FILE", help="write the schema to FILE")
    p.add_argument("--check", action="store_true",
                   help="compare with the shipped file instead of printing")
    p.set_defaults(handler=schema_command)


def schema_command(args: argparse.Namespace) -> int:
    """Print, write or check the schema."""
    from sim.tools.schema import SCHEMA_PATH, schema_text

    text = schema_text()
    if args.check:
        try:
            shipped = SCHEMA_PATH.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{SCHEMA_PATH}: cannot read: {exc.strerror or exc}") from None
        if shipped != text:
            print(f"{SCHEMA_PATH}: out of date; run 'python main.py schema --out {SCHEMA_PATH}'")
            return 1
        print(f"{SCHEMA_PATH}: up to date")
        return 0
    if not args.out:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{args.out}: cannot write: {exc.strerror or exc}") from None
    print(f"wrote {args.out}")
    return 0
