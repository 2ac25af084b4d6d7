"""``new``: write a commented starter scenario that validates and plays."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from sim.commands import UsageError, library_of
from sim.commands.outputs import output_path
from sim.records.paths import resolve_db_path


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``new``."""
    p = sub.add_parser("new", parents=[common], help="start a new scenario from a template",
                       description="Writes ID.yaml (in the library folder, or --out FILE): a "
                                   "small, commented scenario that validates and plays.")
    p.add_argument("id", metavar="ID", help="the scenario id: lowercase letters, digits, '-'")
    p.add_argument("--out", metavar="FILE", help="where to write (default: LIBRARY/ID.yaml)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=new_command)


def new_command(args: argparse.Namespace) -> int:
    """Write the starter file and say what to do next."""
    from sim.tools.starter import starter_text

    if not re.fullmatch(r"[a-z0-9-]+", args.id) or len(args.id) > 64:
        raise UsageError(f"'{args.id}' is not a valid scenario id: use lowercase letters, "
                         "digits and '-', e.g. 'late-parcel'")
    out = Path(args.out) if args.out is not None else library_of(args) / f"{args.id}.yaml"
    if out.exists() and not args.force:
        raise UsageError(f"{out}: already exists (use --force to overwrite)")
    # the starter replaces only a scenario (with --force); never records or a folder
    output_path(str(out), option="--out" if args.out is not None else "the library",
                db=resolve_db_path(args.db), force=False, allow_scenario=True)
    try:
        out.write_text(starter_text(args.id, out), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{out}: cannot write: {exc.strerror or exc}") from None
    print(f"wrote {out}\nnext: python main.py validate {out}\n      python main.py play {out} "
          "--text\n      see docs/authoring.md")
    return 0
