"""``graph``: the scenario as a Mermaid or DOT graph, or an SVG/PNG drawn by Graphviz."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.commands import UsageError
from sim.commands.outputs import output_path
from sim.commands.play import load_or_exit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``graph``."""
    from sim.tools.graph import FORMATS

    p = sub.add_parser(
        "graph", parents=[common], help="the scenario as a graph (Mermaid, DOT, SVG, PNG)",
        description="Nodes, endings (coloured by outcome) and replies (labelled with id, "
                    "step and quality; dashed when they need a condition). svg and png need "
                    "Graphviz's 'dot' program.")
    p.add_argument("scenario", metavar="SCENARIO", help="a library id or a path to a .yaml")
    p.add_argument("--format", choices=FORMATS, default="mermaid")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of the terminal")
    p.add_argument("--lang", choices=("en", "zh"), default="en")
    p.add_argument("--force", action="store_true",
                   help="write even over a scenario, a database or another protected file")
    p.set_defaults(handler=graph_command)


def graph_command(args: argparse.Namespace) -> int:
    """Print or write the graph."""
    from sim.tools.graph import RenderError, render, to_dot, to_mermaid

    if args.format == "png" and not args.out:
        raise UsageError("--format png needs --out FILE (a PNG can't be printed)")
    scenario = load_or_exit(args.scenario, args)
    out = None
    if args.out is not None:
        from sim.records.paths import resolve_db_path

        out = output_path(args.out, inputs=[Path(scenario.source_path or args.scenario)],
                          db=resolve_db_path(args.db), force=args.force)
    if args.format in ("svg", "png"):
        try:
            data = render(to_dot(scenario, args.lang), args.format, out)
        except RenderError as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"{args.out}: cannot write: {exc.strerror or exc}") from None
        if out is None:
            sys.stdout.write(data.decode())
        return 0
    text = to_mermaid(scenario, args.lang) if args.format == "mermaid" else to_dot(
        scenario, args.lang)
    if out is None:
        sys.stdout.write(text)
        return 0
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{args.out}: cannot write: {exc.strerror or exc}") from None
    return 0
