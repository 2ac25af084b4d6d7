"""A cohort playing at once: many trainee processes writing to one records store.

    python bench/cohort.py [--trainees 50] [--sessions 4] [--backend postgresql|sqlite|both]

PostgreSQL: starts a throwaway local server (``sim.records.localpg``), then runs
``--trainees`` separate processes, each a trainee playing ``--sessions`` sessions of a
scenario with random replies, recorded as the game records them (a commit per turn,
through the same store and outbox a player uses). SQLite: two such processes on one
file (WAL, busy timeout). Prints turns committed per second over the whole run, the
p50 / p99 latency of one turn's commit, and a count check on what the store holds:
every session's turns numbered 1..n with no gap and no duplicate, and as many turns
stored as were played. Exit code 1 when the count check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_SCENARIO = ROOT / "scenarios" / "angry-parent.yaml"


def worker(db: str, trainee: str, sessions: int, scenario_path: str, seed: int) -> None:
    """One trainee: wait for 'go' on stdin, play, print what was played as JSON."""
    from sim.engine import Session
    from sim.records import open_store
    from sim.scenario import load_scenario

    scenario = load_scenario(scenario_path)
    rng = random.Random(seed)
    store = open_store(db)
    latencies: list[float] = []
    commit = store.add_turns

    def timed(session_id: int, rows: list) -> None:
        start = time.perf_counter()
        commit(session_id, rows)
        latencies.append(time.perf_counter() - start)

    store.add_turns = timed  # the recorder commits through this
    played: dict[str, int] = {}
    print("ready", flush=True)
    sys.stdin.readline()
    for n in range(sessions):
        recorder = store.start(trainee, scenario, mode="text", seed=seed * 100 + n)
        session = Session(scenario, seed=seed * 100 + n)
        recorder.attach(session)
        while not session.is_over:
            session.choose(rng.randrange(len(session.choices())))
        played[recorder.info.uid] = len(session.history)
    offline = bool(getattr(store, "offline", False))
    store.close()
    print(json.dumps({"played": played, "latencies": latencies, "offline": offline}),
          flush=True)


def run(db: str, trainees: int, sessions: int, scenario: Path, env: dict[str, str],
        ) -> dict:
    """Start the trainee processes, release them together, gather their reports."""
    procs = []
    for i in range(trainees):
        procs.append(subprocess.Popen(
            [sys.executable, __file__, "--worker", db, f"trainee-{i:02d}", str(sessions),
             str(scenario), str(i + 1)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env))
    for proc in procs:  # every process loaded and connected before the clock starts
        line = proc.stdout.readline()
        if line.strip() != "ready":
            raise SystemExit(f"a trainee process failed to start: {line!r}")
    start = time.perf_counter()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    reports = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"a trainee process failed (exit {proc.returncode})")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    elapsed = time.perf_counter() - start
    return {"elapsed": elapsed, "reports": reports}


def check(db: str, reports: list[dict]) -> list[str]:
    """What the store holds against what was played: a list of problems (empty: fine)."""
    from sim.records import open_store

    played = {uid: n for r in reports for uid, n in r["played"].items()}
    problems = []
    with open_store(db, readonly=True, outbox=False) as store:
        stored = {s.uid: s for s in store.sessions()}
        for uid, n in played.items():
            info = stored.get(uid)
            if info is None:
                problems.append(f"session {uid} is missing")
                continue
            numbers = [t.number for t in store.turns(info.id)]
            if numbers != list(range(1, n + 1)):
                problems.append(f"session {uid}: turns {numbers[:8]}…, played {n}")
            if info.status != "finished":
                problems.append(f"session {uid} is {info.status}")
        extra = set(stored) - set(played)
        if extra:
            problems.append(f"{len(extra)} session(s) stored that nobody played")
    return problems


def report(label: str, result: dict, problems: list[str]) -> None:
    """Print one backend's figures."""
    latencies = sorted(x for r in result["reports"] for x in r["latencies"])
    turns = sum(n for r in result["reports"] for n in r["played"].values())
    sessions = sum(len(r["played"]) for r in result["reports"])
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    print(f"{label}: {len(result['reports'])} trainees, {sessions} sessions, {turns} turns "
          f"in {result['elapsed']:.1f} s: {turns / result['elapsed']:.0f} turns/s; "
          f"commit p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    if any(r["offline"] for r in result["reports"]):
        print(f"{label}: note: some trainees ended offline (turns in their outbox)")
    if problems:
        print(f"{label}: COUNT CHECK FAILED ({len(problems)} problem(s)):")
        for line in problems[:10]:
            print(f"  {line}")
    else:
        print(f"{label}: count check passed: turns played = turns stored, numbered 1..n "
              "in every session, no duplicates, no gaps")


def main() -> int:
    """Run the bench; exit 1 when a count check fails."""
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        db, trainee, sessions, scenario, seed = sys.argv[2:7]
        worker(db, trainee, int(sessions), scenario, int(seed))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=4, help="sessions per trainee")
    parser.add_argument("--backend", choices=("postgresql", "sqlite", "both"),
                        default="both")
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="defuse-cohort-") as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT),
               "DEFUSE_OUTBOX": str(Path(tmp) / "outbox.sqlite3")}
        if args.backend in ("postgresql", "both"):
            from sim.records import open_store
            from sim.records.localpg import LocalPostgres

            with LocalPostgres() as pg:
                open_store(pg.url, outbox=False).close()  # the schema, once
                result = run(pg.url, args.trainees, args.sessions, args.scenario, env)
                problems = check(pg.url, result["reports"])
                report("postgresql", result, problems)
                failed |= bool(problems)
        if args.backend in ("sqlite", "both"):
            db = str(Path(tmp) / "records.sqlite3")
            result = run(db, 2, args.sessions * 10, args.scenario, env)
            problems = check(db, result["reports"])
            report("sqlite (2 writers)", result, problems)
            failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
