"""Fuzz every command with mutated scenarios and damaged records files.

    python bench/fuzz.py [-n 100000] [--seed 1] [--jobs 2] [--time-limit 10]
                         [--memory-mb 1024] [--analyze-every 25] [--save DIR]

A *mutant* is a seed file plus 1–4 edits: lines deleted, duplicated, swapped or
re-indented, a value's type flipped, a control character inserted, a huge value, a
broken reference, a hostile condition (deep, long, huge numbers), a hostile reply key in a
test, a YAML token spliced in — or, for one mutant in eight, a records database damaged
in its bytes or its rows. Each mutant goes through the real command line, in-process:
``validate``; when that passes, ``graph`` and ``play --choices``, and for one mutant in
``--full-every`` also ``test``, ``graph --format dot``, a second ``play`` and ``validate``
with the trainer tools' warnings, for one in ``--analyze-every`` ``analyze``; for
records, ``history``, ``report``, ``export`` and ``import``. The run prints counts of:

- **tracebacks**: a command ended in a Python exception;
- **hangs**: a mutant took more than ``--time-limit`` seconds of CPU time (or
  ``--wall-limit`` seconds waiting), or ran out of memory;
- **unlocated**: a scenario problem whose line and column are not a real place in the
  file (outside it, or ``1:1`` for a problem elsewhere, or a message over several
  lines), or a records error that is not one clear line naming the user's file, or a
  failed command that changed the records it was given;
- **valid-then-crash**: a file ``validate`` accepts, on which a later command fails.

Mutants come from a Hypothesis strategy, so each worker's run is reproducible from the
seed, and the first failure of each run is shrunk to a minimal reproducer (the seed
file and the fewest, simplest edits), printed at the end; ``--save DIR`` also writes
every failing mutant's bytes there. Workers are processes, each under an address-space
limit of ``--memory-mb``; the time limits are timer signals inside the worker.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import multiprocessing
import os
import random
import re
import resource
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SEED_FILES = sorted([*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("tests/scenarios/*.yaml"),
                     *ROOT.glob("tests/tools_data/*.yaml")])
RECORDS_SCENARIO = ROOT / "tests" / "scenarios" / "late-cake.yaml"

FAILURES = ("traceback", "hang", "unlocated", "valid-then-crash")

# --- mutations -------------------------------------------------------------------------------

SCENARIO_EDITS = ("delete", "duplicate", "swap", "indent", "flip", "control", "huge",
                  "reference", "condition", "reply-key", "token")
RECORDS_EDITS = ("bytes", "truncate", "zero-page", "score", "name", "quality", "path",
                 "version", "drop", "step", "turn-number", "null")

FLIPS = ("[]", "{}", "true", "null", "42", "-1", "'text'", "[a, b]", "3.5", "~", "yes",
         "{en: x}", "!!int 12", "!!float x", "2026-01-01", "0x1F", "1_000", ".inf", "|")
CONTROLS = ("\x00", "\x07", "\x08", "\x1b", "\x7f", "\x85", "\u2028", "\ufffe", "\x9b",
            "\t", "\r", "\ufeff", "\u200b", "\U0001F600")
HUGE = ("9" * 5000, "-" + "9" * 4301, "1" * 19, "1e400", "-1e400", "x" * 70_000,
        "'" + "字" * 30_000 + "'", "[" + "1, " * 20_000 + "1]", "0." + "0" * 5000 + "1",
        "9" * 4300)
CONDITIONS = ("(" * 200 + "emotion > 1" + ")" * 200, "not " * 1000 + "emotion > 1",
              " and ".join(["emotion > 1"] * 20_000), "emotion > " + "9" * 5000,
              "emotion > ²", "emotion > ٣", "emotion = 5", "__import__('os')", "learned(x",
              "visited()", "emotion >", "(" * 33 + "trust" + ")" * 33, "1 < 2 < 3",
              "emotion.real", "x" * 3000, "emotion >= -" + "9" * 30, "true or", "()",
              "lambda: 1", "emotion > 1 and (trust < 5 or not asked)", "turn >= 99999")
REPLY_KEYS = ("'²'", "'" + "1" * 4301 + "'", "1" * 4400, "zzz", "0", "-1", "7", "''", "'٣'",
              "true", "null", "[1]", "{a: 1}", "1.5", "' 2 '")
TOKENS = ("\n", " ", ":", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!int ", "'", '"', "#",
          "goto: ", "if: ", "emotion >= ", "learned(", ")", "\t", "---\n", "? ", "|", ">",
          "<<: ", "%YAML 1.1\n", "@", "`")

Edit = tuple[str, int, int, int]


@dataclass(frozen=True)
class Mutant:
    """A seed (a scenario file, or the records database when ``records``) and its edits."""

    seed: int
    edits: tuple[Edit, ...]
    records: bool = False

    def describe(self) -> str:
        """A one-line reproducer."""
        base = "records" if self.records else SEED_FILES[self.seed].relative_to(ROOT)
        return f"{base} + {list(self.edits)}"


_VALUE = re.compile(r"^(\s*(?:- )?[^:#'\"]+:\s)(.*)$")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" "))]


def mutate_text(text: str, edits: Sequence[Edit]) -> str:
    """Apply line edits to a scenario's text (positions wrap around the file)."""
    lines = text.split("\n")
    for kind, a, b, p in edits:
        n = len(lines)
        i, j = a % n, b % n
        line = lines[i]
        value = _VALUE.match(line)
        if kind == "delete" and n > 1:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, line)
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            shift = (p % 5 - 2) * 2
            stripped = line.lstrip(" ")
            lines[i] = ("\t" + stripped if p % 11 == 0
                        else " " * max(0, len(line) - len(stripped) + shift) + stripped)
        elif kind == "flip" and value:
            lines[i] = value.group(1) + FLIPS[p % len(FLIPS)]
        elif kind == "control":
            col = p % (len(line) + 1)
            lines[i] = line[:col] + CONTROLS[b % len(CONTROLS)] + line[col:]
        elif kind == "huge" and value:
            lines[i] = value.group(1) + HUGE[p % len(HUGE)]
        elif kind == "reference":
            targets = [k for k, ln in enumerate(lines)
                       if re.search(r"\b(goto|start):\s|learn:|visited\(|learned\(", ln)]
            if targets:
                k = targets[a % len(targets)]
                broken = ("nowhere", "opening_", "Opening", "", "1", "a-b", "__x")[p % 7]
                if "goto" in lines[k] or "start" in lines[k]:
                    lines[k] = re.sub(r"((?:goto|start):\s*)(\S+)", r"\g<1>" + broken,
                                      lines[k], count=1)
                else:
                    lines[k] = re.sub(r"\(([^)]*)\)", f"({broken})", lines[k], count=1)
        elif kind == "condition":
            condition = CONDITIONS[p % len(CONDITIONS)]
            conds = [k for k, ln in enumerate(lines) if re.search(r"\bif:\s", ln)]
            if conds and b % 2:
                k = conds[a % len(conds)]
                head = re.match(r".*?\bif:\s*", lines[k])
                lines[k] = (head.group(0) if head else lines[k]) + condition
            else:
                lines.insert(i + 1, _indent(line) + "if: " + condition)
        elif kind == "reply-key":
            plans = [k for k, ln in enumerate(lines) if "choose:" in ln]
            if plans:
                k = plans[a % len(plans)]
                key = REPLY_KEYS[p % len(REPLY_KEYS)]
                lines[k] = re.sub(r"choose:\s*\[", f"choose: [{key}, ", lines[k], count=1)
        elif kind == "token":
            col = p % (len(line) + 1)
            lines[i] = line[:col] + TOKENS[b % len(TOKENS)] + line[col:]
    return "\n".join(lines)


def mutate_records(path: Path, edits: Sequence[Edit]) -> None:
    """Damage a records database in place: its bytes, or its rows behind Defuse's back."""
    for kind, a, b, p in edits:
        size = path.stat().st_size
        if kind in ("bytes", "truncate", "zero-page"):
            with path.open("r+b") as fh:
                if kind == "bytes" and size:
                    fh.seek(a % size)
                    fh.write(random.Random(p).randbytes(1 + b % 64))
                elif kind == "truncate":
                    fh.truncate(a % (size + 1))
                elif size:
                    page = 4096
                    fh.seek((a % max(1, size // page)) * page)
                    fh.write(b"\0" * page)
            continue
        sql = {
            "score": ("UPDATE session SET score = ?",
                      ("abc", 999, -50, 1e308, float("nan"), "1e999", b"\x00")[p % 7]),
            "name": ("UPDATE trainee SET name = ?", (42, "", " ", "\x00", "x" * 10_000,
                                                   b"bytes")[p % 6]),
            "quality": ("UPDATE turn SET quality = ?", ("awful", "", 3, None)[p % 4]),
            "path": ("UPDATE session SET scenario_path = ?",
                     ("/etc/passwd", "../../outside.yaml", str(ROOT / "bench" / "fuzz.py"),
                      "\x00", 7)[p % 5]),
            "version": ("PRAGMA user_version = {}", (0, 1, 99, -1)[p % 4]),
            "drop": ("DROP TABLE {}", ("turn", "session_step", "trainee")[p % 3]),
            "step": ("UPDATE session_step SET step = ?", ("listening", 1, "")[p % 3]),
            "turn-number": ("UPDATE turn SET number = ?", (-1, "x", 10**12)[p % 3]),
            "null": ("UPDATE session SET {} = NULL", ("uid", "started_at", "status", "lang")[
                p % 4]),
        }.get(kind)
        if sql is None:
            continue
        statement, arg = sql
        try:
            conn = sqlite3.connect(path)
            try:
                conn.execute("PRAGMA ignore_check_constraints = ON")
                if "{}" in statement:
                    conn.execute(statement.format(arg))
                else:
                    conn.execute(statement + (" WHERE rowid % 2 = ?" if b % 2 else ""),
                                 (arg, 1) if b % 2 else (arg,))
                conn.commit()
            finally:
                conn.close()
        except (sqlite3.Error, UnicodeDecodeError):
            pass  # an earlier edit broke the file: this edit simply doesn't apply


edit_strategy = st.tuples(st.sampled_from(SCENARIO_EDITS), st.integers(0, 10**6),
                          st.integers(0, 10**6), st.integers(0, 10**6))
records_edit_strategy = st.tuples(st.sampled_from(RECORDS_EDITS), st.integers(0, 10**6),
                                  st.integers(0, 10**6), st.integers(0, 10**6))
scenario_mutants = st.builds(Mutant, st.integers(0, len(SEED_FILES) - 1),
                             st.lists(edit_strategy, min_size=1, max_size=4).map(tuple))
records_mutants = st.builds(Mutant, st.just(0), st.lists(records_edit_strategy, min_size=1,
                                                         max_size=3).map(tuple), st.just(True))
#: one mutant in eight damages a records database
mutants = st.integers(0, 7).flatmap(lambda k: records_mutants if k == 7 else scenario_mutants)


# --- running one mutant ----------------------------------------------------------------------


class TimeLimit(Exception):
    """The mutant ran past the time limit."""


@dataclass
class Outcome:
    """What one mutant did: ``kind`` is ``ok`` or one of ``FAILURES``."""

    kind: str
    detail: str = ""
    valid: bool = False


@dataclass
class Workspace:
    """A worker's folder: the mutant file, a good records database and scratch files."""

    root: Path
    good_db: Path = field(init=False)

    def __post_init__(self) -> None:
        self.good_db = self.root / "good.sqlite3"
        _make_records(self.good_db)


def _make_records(path: Path) -> None:
    from sim.engine import Session
    from sim.records import open_store
    from sim.scenario import load_scenario

    scenario = load_scenario(RECORDS_SCENARIO)
    with open_store(path) as store:
        for trainee, plan in (("Ann", ["let_vent", "sorry", "ask_wish", "make_right", "commit"]),
                              ("Bo", ["courier"]), ("李雷", ["let_vent", "sorry"])):
            recorder = store.start(trainee, scenario, mode="scripted")
            session = Session(scenario)
            recorder.attach(session)
            for token in plan:
                session.answer(token)
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store._conn.execute("PRAGMA journal_mode = DELETE")


def cli(argv: list[str]) -> tuple[int, str, str]:
    """Run the command line in-process: (exit code, stdout, stderr); exceptions propagate."""
    from sim.cli import main

    out, err = io.StringIO(), io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.StringIO("")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdin = stdin
    return code, out.getvalue(), err.getvalue()


_PROBLEM = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning) "
                      r"(?P<code>[a-z0-9-]+): (?P<msg>.+)$")
_UNPRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\xA0-\u2027\u202A-\uD7FF"
                          "\uE000-\uFFFD\U00010000-\U0010FFFF]")
# codes that are about the whole file, so 1:1 is their honest place
_WHOLE_FILE = {"empty", "too-large", "unreadable", "missing-key", "not-a-mapping"}


def unlocated(output: str, path: str, text: str) -> str:
    """The first output line of ``validate`` that isn't a real location in ``text``."""
    lines = re.split(r"\r\n|\r|\n", text)  # a lone CR ends a line, in YAML as in editors
    for out_line in output.splitlines():
        if not out_line.strip():
            continue
        m = _PROBLEM.match(out_line)
        if m is None:
            return f"not a 'path:line:col: severity code: message' line: {out_line[:200]!r}"
        if m["path"] != path:
            return f"names {m['path']!r}, not the file: {out_line[:200]!r}"
        line, col = int(m["line"]), int(m["col"])
        if not 1 <= line <= len(lines) + 1:
            return f"line {line} is outside the file ({len(lines)} lines): {out_line[:200]!r}"
        if line <= len(lines) and not 1 <= col <= len(lines[line - 1]) + 2:
            return f"column {col} is outside line {line}: {out_line[:200]!r}"
        if m["code"] == "bad-character":  # must point at exactly the refused character
            at = lines[line - 1][col - 1: col] if line <= len(lines) else ""
            if not at or _UNPRINTABLE.match(at) is None:
                return f"no refused character at {line}:{col}: {out_line[:200]!r}"
            continue
        if (line, col) == (1, 1) and m["code"] not in _WHOLE_FILE and m["sev"] == "error":
            first = lines[0].lstrip("\ufeff")
            if first[:1] not in ("", " ", "\t", "#"):
                continue  # the document's first item starts at 1:1 and may well be at fault
            if m["code"] == "yaml-syntax" and first[:1] in ("\t", "#"):
                continue  # a tab (or a comment swallowing the line) at the very start
            return f"1:1 for a problem elsewhere: {out_line[:200]!r}"
    return ""


def _one_line_error(err: str, path: str, temp_names: Sequence[str]) -> str:
    """Why ``err`` (a failed records command's stderr) is not one clear line, or ''."""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if not lines:
        return "failed without a message"
    for name in temp_names:
        if name in err:
            return f"names a temporary file: {err.strip()[:200]!r}"
    if len(lines) > 1 and not all(ln.startswith("defuse:") for ln in lines):
        return f"more than one line: {err.strip()[:300]!r}"
    return ""


def run_scenario(mutant: Mutant, ws: Workspace, full: bool, analyze: bool) -> Outcome:
    """validate, then the commands that use a valid file (``full``: the slow ones too)."""
    text = mutate_text(SEED_FILES[mutant.seed].read_text(encoding="utf-8"), mutant.edits)
    path = ws.root / "mutant.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    shown = str(path)
    try:
        if full:  # the whole command, with the trainer tools' (slower) warnings
            code, out, err = cli(["validate", shown])
        else:  # the loader, printed as validate prints it
            from sim.scenario import check_file

            scenario, problems = check_file(path)
            code, out, err = (0 if scenario is not None else 1,
                              "".join(f"{p}\n" for p in problems), "")
    except TimeLimit:
        raise
    except Exception:  # the fuzzer's job is to catch anything
        return Outcome("traceback", "validate: " + traceback.format_exc(limit=-4))
    if code not in (0, 1):
        return Outcome("traceback", f"validate exited {code}: {err[:300]}")
    if why := unlocated(out, shown, text):
        return Outcome("unlocated", why)
    if code != 0:
        return Outcome("ok")
    db = ws.root / "play.sqlite3"
    commands = [["graph", shown],
                ["play", shown, "--choices", "1,2,1,3,1,1,2,1", "--json", "--db", str(db)]]
    if full:
        commands += [["test", shown], ["graph", shown, "--format", "dot"],
                     ["play", shown, "--choices", "2,1,1,1", "--db", str(db), "--coach"]]
    if analyze:
        commands.append(["analyze", shown, "--json", "--max-turns", "12"])
    for argv in commands:
        try:
            code, out, err = cli(argv)
        except TimeLimit:
            raise
        except Exception:
            return Outcome("valid-then-crash", f"{argv[0]}: " + traceback.format_exc(limit=-4),
                           True)
        if code not in (0, 1, 2) or (code == 2 and argv[0] != "play"):
            return Outcome("valid-then-crash", f"{' '.join(argv[:1])} exited {code}: "
                           f"{err[:300]}", True)
    return Outcome("ok", valid=True)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "-"


def _content(path: Path) -> str:
    """A digest of a good database's rows (its bytes may change with checkpoints)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def run_records(mutant: Mutant, ws: Workspace) -> Outcome:
    """history, report, export and import on a damaged database."""
    damaged = ws.root / "damaged.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(str(damaged) + suffix)
    shutil.copyfile(ws.good_db, damaged)
    mutate_records(damaged, mutant.edits)
    target = ws.root / "target.sqlite3"
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.unlink(str(target) + suffix)
    shutil.copyfile(ws.good_db, target)
    before_target = _content(target)
    out_html, out_db = ws.root / "out" / "report.html", ws.root / "out" / "export.sqlite3"
    out_html.parent.mkdir(exist_ok=True)
    commands = [["history", "--db", str(damaged)], ["history", "--db", str(damaged), "--json"],
                ["report", "--db", str(damaged), "--out", str(out_html)],
                ["report", "--db", str(damaged), "--out", str(out_html.with_suffix(".csv"))],
                ["export", "--db", str(damaged), "--out", str(out_db)],
                ["import", "--db", str(target), str(damaged)]]
    for argv in commands:
        before = _digest(damaged)
        try:
            code, _, err = cli(argv)
        except TimeLimit:
            raise
        except Exception:
            return Outcome("traceback", f"{argv[0]}: " + traceback.format_exc(limit=-4))
        if code not in (0, 1, 2):
            return Outcome("traceback", f"{argv[0]} exited {code}: {err[:300]}")
        if code != 0:
            if why := _one_line_error(err, str(damaged), (".part", "defuse-import-",
                                                           "import.sqlite3")):
                return Outcome("unlocated", f"{argv[0]}: {why}")
            if argv[0] != "import" and _digest(damaged) != before:
                return Outcome("unlocated", f"{argv[0]} failed and changed the records file")
        if argv[0] == "import" and code != 0 and _content(target) != before_target:
            return Outcome("unlocated", "a failed import changed the target database")
    return Outcome("ok")


def run_mutant(mutant: Mutant, ws: Workspace, *, time_limit: float, full: bool = False,
               analyze: bool = False, wall_limit: float = 60.0) -> Outcome:
    """Run one mutant under the time limits; never raises.

    ``time_limit`` is CPU time (user + system) of this process, so a machine busy with
    other work doesn't turn a slow command into a "hang"; ``wall_limit`` catches what
    waits without computing (a FIFO, a lock).
    """
    which: list[str] = []

    def expired(signum: int, frame: object) -> None:
        which.append("CPU" if signum == signal.SIGPROF else "wall-clock")
        raise TimeLimit

    previous = (signal.signal(signal.SIGPROF, expired), signal.signal(signal.SIGALRM, expired))
    signal.setitimer(signal.ITIMER_PROF, time_limit)
    signal.setitimer(signal.ITIMER_REAL, wall_limit)
    try:
        if mutant.records:
            return run_records(mutant, ws)
        return run_scenario(mutant, ws, full, analyze)
    except TimeLimit:
        limit = time_limit if which and which[0] == "CPU" else wall_limit
        return Outcome("hang", f"over {limit:g} s of {which[0] if which else 'CPU'} time"
                       + (" (analyze)" if analyze else ""))
    except MemoryError:
        return Outcome("hang", "out of memory")
    except Exception:  # a failure of the harness itself still counts
        return Outcome("traceback", "harness: " + traceback.format_exc(limit=-4))
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, previous[0])
        signal.signal(signal.SIGALRM, previous[1])


# --- a worker: Hypothesis generates, counts, and shrinks the first failure of each run ----------


class Found(Exception):
    """Raised inside a Hypothesis run to make it shrink a failure."""


@dataclass
class Report:
    """Counts and reproducers from one worker (or the whole run)."""

    counts: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    shrunk: dict[str, str] = field(default_factory=dict)

    def add(self, other: Report) -> None:
        """Merge another report into this one."""
        self.counts.update(other.counts)
        for kind, items in other.examples.items():
            self.examples.setdefault(kind, []).extend(items)
        for kind, text in other.shrunk.items():
            self.shrunk.setdefault(kind, text)


def fuzz_worker(job: tuple[int, int, float, int, int, int, str | None, float]) -> Report:
    """Run ``count`` mutants from seed ``seed``; shrink the first failure of each kind."""
    count, seed, time_limit, memory_mb, full_every, analyze_every, save, wall_limit = job
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    report = Report()
    # per Hypothesis run: the kind being shrunk (None while generating) and the last failure
    state: dict[str, object] = {}
    done = 0

    def check(mutant: Mutant) -> None:
        nonlocal done
        kind = state["shrinking"]
        outcome = run_mutant(
            mutant, ws, time_limit=time_limit, wall_limit=wall_limit,
            full=kind is None and bool(full_every) and done % full_every == 0,
            analyze=kind is None and bool(analyze_every) and done % analyze_every == 0)
        if kind is not None:  # shrinking: only the same kind of failure counts
            if outcome.kind == kind:
                state["last"] = (mutant, outcome)
                raise Found(str(kind))
            return
        done += 1
        report.counts[outcome.kind] += 1
        if outcome.valid:
            report.counts["valid"] += 1
        if outcome.kind == "ok":
            return
        report.examples.setdefault(outcome.kind, []).append(
            f"{mutant.describe()}\n    {outcome.detail.strip()[-600:]}")
        if save:
            _save(Path(save), mutant, ws, outcome)
        # shrink the first failure of each kind (a hang would take the limit per try)
        if outcome.kind != "hang" and outcome.kind not in report.shrunk:
            state["shrinking"] = outcome.kind
            state["last"] = (mutant, outcome)
            raise Found(outcome.kind)

    # memory-backed when there is one: the commands' fsyncs would otherwise set the pace
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="defuse-fuzz-", dir=shm) as tmp:
        ws = Workspace(Path(tmp))
        run = 0
        while done < count and run < 1000:
            state.clear()
            state["shrinking"] = None
            prop = settings(max_examples=count - done, database=None, deadline=None,
                            phases=(Phase.generate, Phase.shrink), report_multiple_bugs=False,
                            suppress_health_check=list(HealthCheck))(
                hypothesis_seed(seed * 1_000_003 + run)(given(mutants)(check)))
            run += 1
            try:
                prop()
            except Found:
                mutant, outcome = state["last"]  # type: ignore[misc]
                report.shrunk[str(state["shrinking"])] = (
                    f"{mutant.describe()}\n    {outcome.detail.strip()[-600:]}")
            except Exception:  # e.g. Hypothesis finding the failure flaky: a new run
                continue
    return report


def _save(folder: Path, mutant: Mutant, ws: Workspace, outcome: Outcome) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha1(mutant.describe().encode()).hexdigest()[:12]
    source = ws.root / ("damaged.sqlite3" if mutant.records else "mutant.yaml")
    with contextlib.suppress(OSError):
        shutil.copyfile(source, folder / f"{outcome.kind}-{name}{source.suffix}")
        (folder / f"{outcome.kind}-{name}.txt").write_text(
            f"{mutant.describe()}\n{outcome.detail}\n", encoding="utf-8")


def fuzz(n: int, *, seed: int = 1, jobs: int = 2, time_limit: float = 10.0,
         memory_mb: int = 1024, full_every: int = 10, analyze_every: int = 25,
         save: str | None = None, chunk: int = 500, wall_limit: float = 60.0) -> Report:
    """Run ``n`` mutants over ``jobs`` processes; returns the merged report."""
    chunks = [(min(chunk, n - start), seed * 100_003 + k, time_limit, memory_mb,
               full_every, analyze_every, save, wall_limit)
              for k, start in enumerate(range(0, n, chunk))]
    total = Report()
    if jobs <= 1:  # in this process (a test run): no address-space limit on the caller
        for job in chunks:
            total.add(fuzz_worker((*job[:3], 0, *job[4:])))
        return total
    from sim.cli import build_parser

    build_parser()  # import every command once, before the workers fork
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs, maxtasksperchild=4) as pool:
        for done, part in enumerate(pool.imap_unordered(fuzz_worker, chunks), start=1):
            total.add(part)
            if done % 10 == 0 or done == len(chunks):
                count = sum(v for k, v in total.counts.items() if k != "valid")
                print(f"[{time.strftime('%H:%M:%S')}] {count} mutants: {summary(total)}",
                      file=sys.stderr, flush=True)
    return total


def summary(report: Report) -> str:
    """The counts on one line."""
    c = report.counts
    return (f"tracebacks {c['traceback']}, hangs {c['hang']}, unlocated {c['unlocated']}, "
            f"valid-then-crash {c['valid-then-crash']} (ok {c['ok']}, of which "
            f"{c['valid']} valid)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the fuzzer; exit 1 when any mutant failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="number of mutants")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--time-limit", type=float, default=10.0, metavar="SECONDS",
                        help="CPU time per mutant (default 10)")
    parser.add_argument("--wall-limit", type=float, default=60.0, metavar="SECONDS",
                        help="wall-clock time per mutant (default 60)")
    parser.add_argument("--memory-mb", type=int, default=1024)
    parser.add_argument("--full-every", type=int, default=10, metavar="K",
                        help="one mutant in K runs the slower commands too: test, validate "
                             "with the trainer tools' warnings, graph --format dot, a second "
                             "play (0: never)")
    parser.add_argument("--analyze-every", type=int, default=25, metavar="K",
                        help="one mutant in K also runs analyze (0: never)")
    parser.add_argument("--chunk", type=int, default=500, help="mutants per worker task")
    parser.add_argument("--save", metavar="DIR", help="write failing mutants here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    report = fuzz(args.n, seed=args.seed, jobs=args.jobs, time_limit=args.time_limit,
                  memory_mb=args.memory_mb, full_every=max(0, args.full_every),
                  analyze_every=max(0, args.analyze_every), save=args.save, chunk=args.chunk,
                  wall_limit=args.wall_limit)
    took = time.perf_counter() - started
    total = sum(v for k, v in report.counts.items() if k != "valid")
    print(f"{total} mutants in {took:.0f} s: {summary(report)}")
    for kind in FAILURES:
        if report.shrunk.get(kind):
            print(f"\n{kind}, shrunk to a minimal reproducer:\n  {report.shrunk[kind]}")
        for example in report.examples.get(kind, [])[:3]:
            print(f"\n{kind}:\n  {example}")
    return 1 if any(report.counts[k] for k in FAILURES) else 0


if __name__ == "__main__":
    sys.exit(main())
