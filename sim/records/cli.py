"""``history``, ``report``, ``export``, ``import`` and ``migrate``: the records on the
command line.

Registered by ``sim.cli`` through ``register(subparsers, common)``. Exit codes: 0
success, 1 a finding (e.g. no sessions for the trainee asked about), 2 bad usage or a
file that cannot be read or written (the message names it). Output for people goes to
stdout; errors to stderr, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sim.records.errors import StoreError
from sim.records.models import SessionInfo, StepMastery, format_score
from sim.records.queries import session_state
from sim.records.schema import STEPS
from sim.records.store import Store, open_store

_STATUS_ORDER = ("excellent", "done", "weak", "missed")
_BLOCKS = "▁▂▃▄▅▆▇█"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``history``, ``report``, ``export``, ``import`` and ``migrate``."""
    h = sub.add_parser(
        "history", parents=[common], help="past sessions, best scores and step mastery",
        description="Past sessions, scores over time, best score per scenario and how often "
                    "each step of the method was excellent / done / weak / missed.")
    h.add_argument("--trainee", metavar="NAME", help="only this trainee (default: everyone)")
    h.add_argument("--scenario", metavar="ID", help="only this scenario")
    h.add_argument("--industry", metavar="NAME",
                   help="only the library's scenarios of this industry (their first tag)")
    h.add_argument("--last", type=int, default=10, metavar="N",
                   help="step mastery over the last N finished sessions (default 10)")
    h.add_argument("--limit", type=int, default=20, metavar="N",
                   help="list at most N past sessions per trainee (default 20)")
    h.add_argument("--json", action="store_true", help="print the history as JSON")
    h.set_defaults(handler=history)

    r = sub.add_parser(
        "report", parents=[common], help="the trainer's report (HTML or CSV)",
        description="Writes a self-contained HTML page (progress, step mastery, where "
                    "replies go wrong) or a CSV of every session.")
    r.add_argument("--trainee", metavar="NAME", help="only this trainee")
    r.add_argument("--scenario", metavar="ID", help="only this scenario")
    r.add_argument("--industry", metavar="NAME",
                   help="only the library's scenarios of this industry (their first tag)")
    r.add_argument("--format", choices=("html", "csv"), default=None,
                   help="default: from the --out suffix, else html")
    r.add_argument("--out", metavar="FILE", required=True, help="the file to write")
    r.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language of the report (default en)")
    r.add_argument("--last", type=int, default=10, metavar="N",
                   help="step mastery over each trainee's last N sessions (default 10)")
    r.add_argument("--force", action="store_true",
                   help="write even over a database, a scenario or another protected file")
    r.set_defaults(handler=report)

    e = sub.add_parser(
        "export", parents=[common], help="write the records to a file to share",
        description="Writes a snapshot of the records database (all trainees, or one) to "
                    "FILE, for a trainer to 'import'.")
    e.add_argument("--out", metavar="FILE", required=True)
    e.add_argument("--format", choices=("sqlite", "xapi"), default=None,
                   help="a records file to import (sqlite), or xAPI 1.0.3 statements, one "
                        "a line (xapi); default: xapi for a .jsonl name, else sqlite")
    e.add_argument("--trainee", metavar="NAME", help="only this trainee's sessions")
    e.add_argument("--force", action="store_true",
                   help="write even over a scenario or another protected file")
    _actor_options(e)
    e.set_defaults(handler=export)

    i = sub.add_parser(
        "import", parents=[common], help="merge exported records into this database",
        description="Merges other Defuse databases (from 'export', or a trainee's "
                    "records file) into this one; importing a file twice adds nothing.")
    i.add_argument("files", nargs="+", metavar="FILE")
    i.set_defaults(handler=import_)

    m = sub.add_parser(
        "migrate", parents=[common], help="bring a records database up to this version",
        description="Upgrades the records database (a file, or a PostgreSQL database given "
                    "as --db postgresql://…) to this version's schema; a file is backed up "
                    "first. A database written by a newer Defuse is refused.")
    m.set_defaults(handler=migrate)

    y = sub.add_parser(
        "sync", parents=[common], help="send the sessions to a Learning Record Store",
        description="Sends every recorded session as xAPI 1.0.3 statements to an LRS, "
                    "with retry and back-off; remembers what the LRS accepted and reports "
                    "what it refused and why. Settings may come from a TOML file "
                    "(--config) with a [lrs] table: url, user, password, home_page, "
                    "mbox_domain.")
    y.add_argument("--lrs", metavar="URL", help="the LRS's xAPI endpoint (ends in /xAPI "
                   "or similar; statements go to URL/statements)")
    y.add_argument("--user", metavar="U", help="HTTP Basic user")
    y.add_argument("--password", metavar="P", help="HTTP Basic password")
    y.add_argument("--config", metavar="FILE", help="a TOML file with an [lrs] table")
    y.add_argument("--trainee", metavar="NAME", help="only this trainee's sessions")
    _actor_options(y)
    y.set_defaults(handler=sync)


def _actor_options(parser: argparse.ArgumentParser) -> None:
    """How trainees are named in xAPI statements."""
    parser.add_argument("--actor-home", metavar="URL", default=None,
                        help="name trainees as accounts on this home page (default: "
                             "Defuse's own)")
    parser.add_argument("--actor-mbox-domain", metavar="DOMAIN", default=None,
                        help="name trainees by e-mail address NAME@DOMAIN instead")


def _actor(args: argparse.Namespace, settings: dict | None = None) -> object:
    from sim.records.xapi import Actor

    settings = settings or {}
    home = args.actor_home or settings.get("home_page")
    domain = args.actor_mbox_domain or settings.get("mbox_domain")
    return Actor(**({"home_page": home} if home else {}), mbox_domain=domain)


def _fail(message: str, code: int = 2) -> int:
    print(f"defuse: {message}", file=sys.stderr)
    return code


def _open(args: argparse.Namespace, *, create: bool, readonly: bool = False) -> Store:
    if getattr(args, "trainee", None) is not None:
        from sim.records.store import normalize_name

        args.trainee = normalize_name(args.trainee)  # as names are stored
    # commands act on the server now or say why not; only players queue in the outbox
    return open_store(getattr(args, "db", None), create=create, readonly=readonly,
                      outbox=False)


_SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".csv": "csv"}


def _output(args: argparse.Namespace, *, may_replace_records: bool = False) -> Path:
    """The checked ``--out`` (raises UsageError: see ``sim.commands.outputs``)."""
    from sim.commands.outputs import output_path
    from sim.records.paths import resolve_db_path

    return output_path(args.out, db=resolve_db_path(getattr(args, "db", None)),
                       force=args.force, may_replace_records=may_replace_records)


def _report_format(out: Path, asked: str | None) -> str:
    """html or csv: from ``--format``, else the file's suffix; UsageError on a mismatch."""
    from sim.commands import UsageError

    suffix = out.suffix.lower()
    implied = _SUFFIX_FORMATS.get(suffix)
    if suffix and implied is None:
        raise UsageError(f"{out}: a report is HTML or CSV, not '{suffix}'; name the file "
                         f".{asked or 'html'} or .csv")
    if asked is not None and implied is not None and implied != asked:
        raise UsageError(f"{out}: the name says {implied} but --format says {asked}")
    return asked or implied or "html"


def industries(library: str | None) -> dict[str, tuple[str, ...]]:
    """The library's industries (each scenario's first tag) and their scenario ids."""
    from sim.scenario import load_scenario
    from sim.scenario.library import default_library, find_scenarios

    found: dict[str, list[str]] = {}
    for path in find_scenarios(Path(library) if library else default_library()):
        try:
            scenario = load_scenario(path)
        except Exception as exc:  # a broken file has no industry; 'validate' says why
            import logging

            logging.getLogger(__name__).debug("skipping %s: %s", path, exc)
            continue
        if scenario.tags:
            found.setdefault(scenario.tags[0].lower(), []).append(scenario.id)
    return {name: tuple(sorted(ids)) for name, ids in sorted(found.items())}


def _industry_filter(args: argparse.Namespace) -> None:
    """Turn ``--industry`` into the scenario filter (UsageError for an unknown one)."""
    from sim.commands import UsageError

    args.industry_name = None
    wanted = getattr(args, "industry", None)
    if wanted is None:
        return
    if args.scenario is not None:
        raise UsageError("--industry and --scenario can't be combined; choose one")
    known = industries(getattr(args, "library", None))
    ids = known.get(wanted.strip().lower())
    if ids is None:
        listed = ", ".join(known) or "none: the library has no tagged scenarios"
        raise UsageError(f"--industry {wanted}: no scenario of that industry in the "
                         f"library (industries: {listed})")
    args.industry_name = wanted.strip().lower()
    args.scenario = ids


def _bad_counts(args: argparse.Namespace, *names: str) -> str | None:
    """A usage message when a count option is below 1."""
    for name in names:
        if getattr(args, name) < 1:
            return f"--{name} must be at least 1"
    return None


# -- history ------------------------------------------------------------------------------


def spark(scores: list[float]) -> str:
    """Scores 0..100 (one decimal) as a row of block characters."""
    return "".join(_BLOCKS[min(7, max(0, int(s * 8 // 101)))] for s in scores)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _when(iso: str | None) -> str:
    return (iso or "")[:16].replace("T", " ")


def _mastery_line(m: StepMastery) -> str:
    if not m.total:
        return f"  {m.step:<10} –"
    bar_cells = 10
    filled = round(m.rate * bar_cells)
    counts = " · ".join(f"{status} {getattr(m, status)}" for status in _STATUS_ORDER)
    return (f"  {m.step:<10} {'█' * filled}{'░' * (bar_cells - filled)} "
            f"{m.rate * 100:3.0f}%   {counts}")


#: How a session that has no ending is shown (the window's history says the same).
_STATE_LABELS = {"open": "(open)", "not_started": "(no reply)", "discarded": "(discarded)"}


def _replies(count: int) -> str:
    """"1 reply", "3 replies": the word the window uses for a turn."""
    return f"{count:>2} " + ("reply" if count == 1 else "replies")


def _session_line(s: SessionInfo) -> str:
    state = session_state(s)
    if state == "finished":
        result = f"{s.outcome or s.ending or '?':<11} {format_score(s.score):>5}"
    else:
        result = f"{_STATE_LABELS[state]:<11} {'':>5}"
    origin = f"  [from {s.origin}]" if s.origin else ""
    return (f"  {_when(s.started_at)}  {s.scenario_id:<24} {s.mode:<8} {result}  "
            f"{_replies(s.turns)}{origin}")


def _wanted(args: argparse.Namespace, scenario_id: str) -> bool:
    """True when ``scenario_id`` passes the --scenario / --industry filter."""
    if args.scenario is None:
        return True
    if isinstance(args.scenario, tuple):
        return scenario_id in args.scenario
    return scenario_id == args.scenario


def _history_json(store: Store, names: list[str], args: argparse.Namespace) -> dict:
    out: dict = {"db": str(store.path), "trainees": []}
    for name in names:
        sessions = store.sessions(trainee=name, scenario=args.scenario, limit=args.limit)
        out["trainees"].append({
            "name": name,
            "sessions": [{k: getattr(s, k) for k in (
                "uid", "scenario_id", "lang", "mode", "started_at", "ended_at", "status",
                "ending", "outcome", "score", "turns", "origin")}
                         | {"state": session_state(s)} for s in sessions],
            "scores": [s.score for s in store.progress(name, args.scenario)],
            "best": {sid: {"score": b.score, "outcome": b.outcome, "played_at": b.played_at,
                           "sessions": b.sessions}
                     for sid, b in store.best_scores(name).items() if _wanted(args, sid)},
            "mastery": {step: {st: getattr(m, st) for st in _STATUS_ORDER}
                        for step, m in store.mastery(name, args.last, args.scenario).items()},
        })
    return out


def history(args: argparse.Namespace) -> int:
    """Print each trainee's past sessions, progress, best scores and step mastery."""
    if bad := _bad_counts(args, "last", "limit"):
        return _fail(bad)
    from sim.commands import UsageError

    try:
        _industry_filter(args)
    except UsageError as exc:
        return _fail(str(exc))
    try:
        try:
            store = _open(args, create=False, readonly=True)
        except StoreError as exc:
            if exc.kind == "missing":
                print(f"No sessions recorded yet ({exc.path} does not exist).")
                return 0
            raise
        with store:
            known = store.trainees()
            if args.trainee is not None:
                from sim.records.store import normalize_name

                name = normalize_name(args.trainee)
                if name not in known:
                    hint = f" (recorded: {', '.join(known)})" if known else ""
                    return _fail(f"no sessions for trainee '{name}' in {store.path}{hint}", 1)
                names = [name]
            else:
                names = known
            if args.json:
                json.dump(_history_json(store, names, args), sys.stdout, ensure_ascii=False,
                          indent=2)
                sys.stdout.write("\n")
                return 0
            if not names:
                print(f"No sessions recorded yet in {store.path}.")
                return 0
            print(f"Records: {store.path}")
            for name in names:
                _print_trainee(store, name, args)
    except StoreError as exc:
        return _fail(str(exc))
    return 0


def _print_trainee(store: Store, name: str, args: argparse.Namespace) -> None:
    every = store.sessions(trainee=name, scenario=args.scenario)
    states = [session_state(s) for s in every]
    # only a session with replies can be continued (the window and 'play' offer no other)
    still_open = [s for s, state in zip(every, states, strict=True) if state == "open"]
    counts = [f"{states.count('finished')} finished"] + [
        f"{states.count(state)} {label}"
        for state, label in (("open", "open"), ("discarded", "discarded"),
                             ("not_started", "left before the first reply"))
        if state in states]
    print(f"\n== {name} ==  {_n(len(every), 'session')}: {', '.join(counts)}")
    scores = [s.score for s in store.progress(name, args.scenario) if s.score is not None]
    if scores:
        print(f"Scores over time: {spark(scores)}  (first {format_score(scores[0])}, "
              f"latest {format_score(scores[-1])}, best {format_score(max(scores))})")
    best = {sid: b for sid, b in store.best_scores(name).items() if _wanted(args, sid)}
    if best:
        print("Best per scenario:")
        for sid, b in sorted(best.items()):
            print(f"  {sid:<24} {format_score(b.score):>5}  {b.outcome or b.ending or '':<10} "
                  f"{_when(b.played_at)[:10]}  ({b.sessions} finished)")
    mastery = store.mastery(name, args.last, args.scenario)
    if any(m.total for m in mastery.values()):
        counted = max(m.total for m in mastery.values())
        print(f"Step mastery (last {counted} finished):")
        for step in STEPS:
            print(_mastery_line(mastery[step]))
    if still_open:
        print("Unfinished (offered to continue when you next play):")
        for s in still_open:
            print(f"  {_when(s.started_at)}  {s.scenario_id}  after {_replies(s.turns).strip()}")
    more = f", latest {args.limit}" if len(every) > args.limit else ""
    print(f"Past sessions (newest first{more}):")
    for s in every[: args.limit]:
        print(_session_line(s))


# -- report, export, import -------------------------------------------------------------------


def report(args: argparse.Namespace) -> int:
    """Write the trainer's report."""
    from sim.commands import UsageError
    from sim.records.report import write_report

    try:
        out = _output(args)
        fmt = _report_format(out, args.format)
    except UsageError as exc:
        return _fail(str(exc))
    library = Path(args.library) if getattr(args, "library", None) else None
    if bad := _bad_counts(args, "last"):
        return _fail(bad)
    try:
        _industry_filter(args)
    except UsageError as exc:
        return _fail(str(exc))
    try:
        with _open(args, create=False, readonly=True) as store:
            data = write_report(store, out, fmt, trainee=args.trainee,
                                scenario=args.scenario, library=library, lang=args.lang,
                                last=args.last, industry=args.industry_name)
    except StoreError as exc:
        if exc.kind == "missing":
            return _fail(f"{exc.path}: no records database here (use --db PATH)")
        return _fail(str(exc))
    print(f"Wrote {out} ({fmt}): {len(data.trainees)} trainee(s), "
          f"{data.session_count} finished session(s).")
    if args.trainee is not None and not data.trainees:
        return _fail(f"no sessions for trainee '{args.trainee}'", 1)
    return 0


def export(args: argparse.Namespace) -> int:
    """Write a snapshot of the records to share."""
    from sim.commands import UsageError
    from sim.records.exchange import export_db

    try:
        out = _output(args, may_replace_records=True)
    except UsageError as exc:
        return _fail(str(exc))
    fmt = args.format or ("xapi" if out.suffix.lower() in (".jsonl", ".json") else "sqlite")
    try:
        with _open(args, create=False, readonly=True) as store:
            if fmt == "xapi":
                from sim.records.xapi import write_jsonl

                library = getattr(args, "library", None)
                written = write_jsonl(store, out, trainee=args.trainee, library=library,
                                      actor=_actor(args))
                count = len(store.sessions(trainee=args.trainee))
            else:
                count = export_db(store, out, trainee=args.trainee)
    except StoreError as exc:
        if exc.kind == "missing":
            return _fail(f"{exc.path}: no records database here (use --db PATH)")
        return _fail(str(exc))
    if fmt == "xapi":
        print(f"Wrote {written} xAPI statement(s) of {count} session(s) to {args.out}.")
    else:
        print(f"Exported {count} session(s) to {args.out}.")
    if args.trainee is not None and count == 0:
        return _fail(f"no sessions for trainee '{args.trainee}'", 1)
    return 0


def import_(args: argparse.Namespace) -> int:
    """Merge other databases into this one."""
    from sim.records.exchange import import_db

    code = 0
    try:
        store = _open(args, create=True)
    except StoreError as exc:
        return _fail(str(exc))
    with store:
        for name in args.files:
            try:
                result = import_db(store, name)
            except StoreError as exc:
                code = 2
                _fail(str(exc))
                continue
            who = ", ".join(sorted(result.trainees)) or "—"
            print(f"{name}: {result.added} added, {result.updated} updated, "
                  f"{result.unchanged} already here (trainees: {who})")
    return code


def _version_before(target: object) -> int | None:
    """The schema version of an existing records file, read without writing it."""
    from sim.records.paths import is_db_url
    from sim.records.schema import user_version
    from sim.records.store import open_readonly

    if is_db_url(target) or not Path(str(target)).is_file():
        return None
    try:
        conn = open_readonly(Path(str(target)))
    except StoreError:
        return None
    try:
        return user_version(conn)
    except Exception:  # an unreadable file: opening it below says why
        return None
    finally:
        conn.close()


def migrate(args: argparse.Namespace) -> int:
    """Upgrade the records database to this version's schema."""
    from sim.records.paths import resolve_db_target
    from sim.records.schema import SCHEMA_VERSION

    target = resolve_db_target(getattr(args, "db", None))
    before = _version_before(target)
    try:
        with open_store(getattr(args, "db", None), create=True, outbox=False) as store:
            found = getattr(store, "found_version", before)
            where = store.path
            backup = store.backup_path
    except StoreError as exc:
        return _fail(str(exc))
    if found is None or found == 0:
        print(f"{where}: created at schema {SCHEMA_VERSION}.")
    elif found < SCHEMA_VERSION:
        saved = f" (the old file is kept as {backup})" if backup else ""
        print(f"{where}: upgraded from schema {found} to {SCHEMA_VERSION}{saved}.")
    else:
        print(f"{where}: already at schema {SCHEMA_VERSION}; nothing to do.")
    return 0


def _lrs_settings(args: argparse.Namespace) -> dict:
    """The [lrs] table of --config (empty without one); UsageError when unreadable."""
    import tomllib

    from sim.commands import UsageError

    if not args.config:
        return {}
    try:
        with open(args.config, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise UsageError(f"{args.config}: cannot be read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{args.config}: not valid TOML: {exc}") from None
    table = data.get("lrs")
    if not isinstance(table, dict):
        raise UsageError(f"{args.config}: has no [lrs] table (url, user, password)")
    return table


def sync(args: argparse.Namespace) -> int:
    """Send the recorded sessions to an LRS as xAPI statements."""
    from urllib.parse import urlsplit

    from sim.records.lrs import Client, LrsError, SentLog, data_dir
    from sim.records.lrs import sync as send
    from sim.records.xapi import statements

    settings = _lrs_settings(args)
    url = args.lrs or settings.get("url")
    if not url:
        return _fail("sync needs --lrs URL (or a --config file with [lrs] url)")
    if urlsplit(str(url)).scheme not in ("http", "https"):
        return _fail(f"--lrs {url}: an LRS address starts with http:// or https://")
    user = args.user or settings.get("user")
    password = args.password if args.password is not None else settings.get("password")
    try:
        with _open(args, create=False, readonly=True) as store:
            found = list(statements(store, trainee=args.trainee,
                                    library=getattr(args, "library", None),
                                    actor=_actor(args, settings)))
    except StoreError as exc:
        if exc.kind == "missing":
            return _fail(f"{exc.path}: no records database here (use --db PATH)")
        return _fail(str(exc))
    try:
        sent_log = SentLog(data_dir() / "lrs-sent.sqlite3")
    except StoreError as exc:
        return _fail(str(exc))
    try:
        result = send(found, Client(str(url), user, password), sent_log,
                      f"{url}|{user or ''}")
    except LrsError as exc:
        return _fail(str(exc))
    finally:
        sent_log.close()
    print(f"{url}: {result.sent} statement(s) sent, {result.already} sent before, "
          f"{len(result.refused)} refused.")
    for statement_id, why in result.refused:
        print(f"  refused {statement_id}: {why}")
    return 1 if result.refused else 0
