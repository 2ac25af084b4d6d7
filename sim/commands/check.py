"""``validate`` and ``test``: check scenario files, run their play-through tests."""

from __future__ import annotations

import argparse
import os
import sys

from sim.commands import UsageError
from sim.scenario import check_file
from sim.tools.files import expand
from sim.tools.playtests import run_tests


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``validate`` and ``test``."""
    p = sub.add_parser("validate", parents=[common], help="check scenario files or folders",
                       description="One line per problem: path:line:col: error|warning "
                                   "CODE: message. Exit 0 when there are no errors, 1 when "
                                   "there are, 2 when a path can't be read.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--quiet-warnings", action="store_true", help="print errors only")
    p.add_argument("--typed", action="store_true",
                   help="also warn where two replies of a node are too close for the "
                        "own-words matcher to tell apart (replies-too-close); loads the "
                        "language model, which takes a few seconds")
    p.set_defaults(handler=validate)
    t = sub.add_parser("test", parents=[common], help="run the scenarios' play-through tests",
                       description="Plays each test's replies through the engine and checks "
                                   "its expectations. Exit 0 when all pass, 1 otherwise, 2 "
                                   "when a path can't be read.")
    t.add_argument("paths", nargs="+", metavar="PATH")
    t.set_defaults(handler=test)


def _files(paths: list[str]) -> list:
    if any(not p.strip() for p in paths):  # '' would otherwise mean the current folder
        raise UsageError("an empty path was given; name a .yaml file or a folder")
    files, missing = expand(paths)
    if missing:
        raise UsageError("; ".join(
            f"{m}: not an ordinary file or folder" if os.path.exists(m)
            else f"{m}: no such file or folder" for m in missing))
    if not files:
        raise UsageError(f"no .yaml files in {', '.join(paths)}")
    return files


def validate(args: argparse.Namespace) -> int:
    """Print every problem of every file; 1 if any error, 2 if a file can't be read."""
    from sim.tools.lint import extra_warnings

    errors = unreadable = 0
    encoder = _typed_encoder() if getattr(args, "typed", False) else None
    for path in _files(args.paths):
        scenario, problems = check_file(path)
        if scenario is not None:
            more = extra_warnings(scenario)
            if encoder is not None and not any(p.is_error for p in problems):
                from sim.match import ReplyIndex
                from sim.match.lint import too_close_warnings

                more = [*more, *too_close_warnings(scenario, ReplyIndex(scenario, encoder))]
            problems = sorted([*problems, *more], key=lambda p: (p.line, p.col))
        for problem in problems:
            if problem.is_error or not args.quiet_warnings:
                print(problem)
        errors += sum(p.is_error for p in problems)
        unreadable += any(p.code == "unreadable" for p in problems)
    if unreadable:
        return 2
    return 1 if errors else 0


def _typed_encoder():  # type: ignore[no-untyped-def]
    """The own-words model for ``validate --typed``; without it, say so and check the rest."""
    from sim.match import ModelUnavailable, shared_encoder

    try:
        return shared_encoder()
    except ModelUnavailable as exc:
        print(f"defuse: --typed: {exc}; replies-too-close was not checked", file=sys.stderr)
        return None


def test(args: argparse.Namespace) -> int:
    """Run every test of every file; print PASS/FAIL lines and a summary."""
    passed = failed = 0
    bad_file = unreadable = False
    for path in _files(args.paths):
        scenario, problems = check_file(path)
        if scenario is None:
            for problem in problems:
                if problem.is_error:
                    print(problem)
            bad_file = True
            unreadable = unreadable or any(p.code == "unreadable" for p in problems)
            failed += 1
            continue
        for outcome in run_tests(scenario):
            where = f"{path}:{outcome.line}"
            if outcome.passed:
                passed += 1
                print(f"{where}: PASS {outcome.name} (score {outcome.score}, "
                      f"ending {outcome.ending})")
            else:
                failed += 1
                print(f"{where}: FAIL {outcome.name}")
                for failure in outcome.failures:
                    print(f"    {failure}")
    print(f"{passed} passed, {failed} failed")
    if unreadable:  # as validate: a file that can't be read is a usage problem
        return 2
    return 1 if failed or bad_file else 0
