"""``analyze``: what a scenario teaches, found by exploring its states (see sim.tools.analyze)."""

from __future__ import annotations

import argparse
import json
import sys

from sim.commands.play import load_or_exit
from sim.scenario import Scenario, text_of


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``analyze``."""
    p = sub.add_parser(
        "analyze", parents=[common], help="what a scenario teaches: endings, scores, gaps",
        description="Explores every distinct state of a scenario (never every path): which "
                    "endings are reachable and how, the best and worst score with the replies "
                    "that reach them, method steps a resolved ending can be reached without, "
                    "dead ends, replies never offered or never worth choosing. Exit 1 when it "
                    "finds a defect (an unreachable ending, a dead end, a reply never offered).")
    p.add_argument("scenario", metavar="SCENARIO", help="a library id or a path to a .yaml")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("--lang", choices=("en", "zh"), default="en")
    p.add_argument("--max-turns", type=int, default=200, metavar="N",
                   help="for scenarios whose conditions read 'turn': explore plays of up to "
                        "N replies (default 200)")
    p.add_argument("--typed", action="store_true",
                   help="also list the replies too close for the own-words matcher to tell "
                        "apart; loads the language model, which takes a few seconds")
    p.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                   help="CPU seconds the analysis may take (default 4); past it, the "
                        "report says which parts are proved and claims nothing else")
    p.set_defaults(handler=analyze_command)


def analyze_command(args: argparse.Namespace) -> int:
    """Analyse one scenario; print a report for a trainer, or JSON."""
    from sim.commands import UsageError
    from sim.tools.analyze import DEFAULT_BUDGET, analyze
    from sim.tools.audit import audit
    from sim.tools.examples import examples_summary, print_examples

    if args.max_turns < 1:
        raise UsageError("--max-turns must be at least 1")
    budget = DEFAULT_BUDGET if args.budget is None else args.budget
    if not 0 < budget <= 3600:
        raise UsageError("--budget must be a number of seconds above 0 (at most 3600)")
    scenario = load_or_exit(args.scenario, args)
    result = analyze(scenario, max_turns=args.max_turns, budget=budget)
    data = result.to_json()
    data["audit"] = audit(scenario, analysis=result).to_json()
    # examples, and with --typed the replies too close for the matcher
    data["own_words"] = examples_summary(scenario, typed=args.typed)
    # an incomplete exploration can't prove that something is unreachable
    defects = data["complete"] and bool(
        data["dead_ends"] or data["choices_never_offered"] or any(
            not e["reachable"] for e in data["endings"].values()))
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_report(scenario, data, args.lang)
        print_audit(data["audit"])
        print_examples(scenario, data["own_words"], sys.stdout, args.lang)
    return 1 if defects else 0


def _plan(play: dict | None) -> str:
    if not play:
        return "—"
    return ",".join(play["plan"]) or "(no reply)"


def print_report(scenario: Scenario, data: dict, lang: str) -> None:
    """The analysis as plain text for a trainer."""
    out = sys.stdout.write
    where = scenario.source_path or scenario.id
    out(f"{where}: {text_of(scenario.title, lang)}\n")
    if data["exact"]:
        exact = "exact: every claim below covers every possible play"
    else:
        parts = [k for k, v in data["proved"].items() if v]
        exact = ("NOT exact (see notes); proved: " + (", ".join(parts) or "nothing"))
    out(f"  explored {data['play_states']} play states and {data['score_states']} scoring "
        f"situations in {data['cpu_seconds']} s; {exact}\n")
    for note in data["notes"]:
        out(f"  note: {note}\n")
    out("\nEndings (shortest play; score range over every play that ends there):\n")
    for eid, e in data["endings"].items():
        if not e["reachable"]:
            if e["reachable"] is False:
                out(f"  ✗ {eid} ({e['outcome']}): NOT REACHABLE by any play\n")
            else:
                out(f"  ? {eid} ({e['outcome']}): not reached by the plays explored\n")
            continue
        lo, hi = e["score_range"] or (None, None)
        rng = f"scores {lo}–{hi}" if lo is not None else "score range not proved"
        if e["shortest"] is None:  # reached, but the time ran out before its replay
            out(f"  ✓ {eid} ({e['outcome']}): reachable, {rng}\n")
            continue
        n = e["shortest"]["replies"]
        out(f"  ✓ {eid} ({e['outcome']}): {n} {'reply' if n == 1 else 'replies'}, "
            f"{rng}\n      --choices {_plan(e['shortest'])}\n")
    for label, key in (("Best", "best"), ("Worst", "worst")):
        play = data[key]
        if play:
            n = play["replies"]
            what = (f"{label} score" if data["proved"][key] else
                    f"{label} score found (not proved to be the {key})")
            out(f"\n{what}: {play['score']} (ending {play['ending'] or 'none'}, "
                f"{n} {'reply' if n == 1 else 'replies'})\n      --choices {_plan(play)}\n")
    skipped = data["resolved_without_step"]
    out("\nMethod steps a resolved ending can be reached without:\n")
    if not skipped:
        out("  none: every resolved play goes through all five steps\n")
    for step, play in skipped.items():
        if play is None:  # found, but the time ran out before its replay
            out(f"  {step}: yes (no play shown: the time budget ran out)\n")
        else:
            out(f"  {step}: --choices {_plan(play)} (score {play['score']})\n")
    if data["steps_never_offered"]:
        out(f"\nSteps no reply ever offers: {', '.join(data['steps_never_offered'])}\n")
    if not data["complete"]:
        out("\nThe exploration stopped early: the lists below cover the plays explored.\n")
    problems = [
        ("Nodes no play reaches", [f"  {n}" for n in data["nodes_never_reached"]]),
        ("Dead ends (no ending can be reached from these nodes)",
         [f"  {n}" for n in data["dead_ends"]]),
        ("Traps (some plays reach these nodes in a state with no way to an ending)",
         [f"  {n}: --choices {_plan(p)}" if p else f"  {n}"
          for n, p in data["traps"].items()]),
        ("Replies never offered (their 'if' never holds when the node is reached)",
         [f"  {where}:{c['line']}: {c['node']} / {c['choice']}"
          for c in data["choices_never_offered"]]),
    ]
    for title, lines in problems:
        if lines:
            out(f"\n{title}:\n" + "\n".join(lines) + "\n")
    worth = data["choices_never_worth_choosing"]
    if worth:
        out("\nReplies never worth choosing (in no situation do they lead to the best score "
            "still possible):\n")
        for c in worth:
            flag = "   ← marked " + c["quality"] if c["quality"] in ("best", "good") else ""
            out(f"  {where}:{c['line']}: {c['node']} / {c['choice']} ({c['quality']}){flag}\n")


def print_audit(data: dict) -> None:
    """The assessment audit as plain text: can the scenario be passed without skill?"""
    out = sys.stdout.write
    th = data["thresholds"]
    out("\nAssessment audit (can it be passed without reading the replies?):\n")
    for t in data["length"]:
        mark = "✗ TELL" if t["tell"] else "ok"
        pos = ", ".join(f"#{k}: {v}" for k, v in t["positions"].items())
        out(f"  [{t['lang']}] best reply is the longest at {t['best_longest']} of "
            f"{t['decision_points']} decision points ({t['share']:.0%}; a tell above "
            f"{th['length_tell_share']:.0%}): {mark}\n"
            f"       where the best reply sits in the authored order: {pos or '—'}\n")
    out(f"  Content-blind players (authored order; passing = resolved or score ≥ "
        f"{th['blind_pass_score']:g}):\n")
    for b in data["blind_players"]:
        name = b["player"] + (f" ({b['lang']})" if b["player"] in
                              ("longest", "shortest", "apology") else "")
        if b["player"] == "random":
            counts = ", ".join(f"{o} {n}" for o, n in sorted(b["outcomes"].items()))
            name = f"random (median of {b['plays']}; {counts})"
        mark = "✗ PASSES" if b["passes"] else "ok"
        loop = " (stopped: no ending reached)" if b["looped"] else ""
        out(f"    {name}: {b['ending'] or 'no ending'} ({b['outcome']}), score "
            f"{b['score']}{loop}  {mark}\n")
    high = data["outcome_high"]
    if high:
        proved = "" if data["exact"] else " (among the plays found; not proved)"
        out(f"  Highest score in each outcome{proved}:\n")
        for outcome, h in sorted(high.items()):
            band = f" (band ≤ {h['band']:g})" if h["band"] is not None else ""
            mark = "  ✗ ABOVE ITS BAND" if h["breach"] else ""
            out(f"    {outcome}: {h['score']} at {h['ending']}{band}{mark}\n")
    harmful = data["harmful_pays"]
    if harmful is None:
        out("  Harmful replies that pay: not worked out (the analysis is not exact)\n")
    elif not harmful:
        out("  Harmful replies that pay: none (no harmful reply beats a good one)\n")
    else:
        out("  Harmful replies that pay (the rest played the best way):\n")
        for h in harmful:
            out(f"    line {h['line']}: {h['node']} / {h['harmful']} can reach "
                f"{h['harmful_best_score']}, {h['quality']} '{h['good']}' only "
                f"{h['good_best_score']}\n")
