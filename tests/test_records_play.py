"""Recording real play-throughs: every turn on disk, resume after a kill, two players."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from sim.coach import assess
from sim.engine import Session
from sim.records import NullRecorder, ResumeError, StoreError, open_store
from sim.scenario import load_scenario

HERE = Path(__file__).parent
EXAMPLE = HERE / "scenarios" / "late-cake.yaml"
ROOT = HERE.parent


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A private copy of the example scenario (tests may edit or delete it)."""
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "late-cake.yaml")
    return folder


def play(session: Session, plan: list[int]) -> None:
    for position in plan:
        session.choose(position)


def test_every_turn_is_committed_as_it_is_played(tmp_path: Path, library: Path):
    scenario = load_scenario(library / "late-cake.yaml")
    db = tmp_path / "r.sqlite3"
    store = open_store(db)
    recorder = store.start("ana", scenario, lang="zh", mode="text")
    session = Session(scenario)
    recorder.attach(session)
    with open_store(db) as reader:  # what another process would read
        for number in range(1, 4):
            session.choose(0)
            stored = reader.turns(recorder.session_id)
            assert len(stored) == number
            last, turn = stored[-1], session.history[-1]
            assert (last.node, last.choice_index, last.emotion, last.trust) == (
                turn.node, turn.index, turn.emotion, turn.trust)
            assert last.reply  # the reply in the session's language
        assert reader.session(recorder.session_id).status == "playing"
    store.close()


def test_finished_session_stores_the_debrief(tmp_path: Path, library: Path):
    scenario = load_scenario(library / "late-cake.yaml")
    with open_store(tmp_path / "r.sqlite3") as store:
        recorder = store.start("ana", scenario, mode="window")
        session = Session(scenario)
        recorder.attach(session)
        while not session.is_over:
            session.choose(0)
        debrief = assess(session)
        info = store.session(recorder.session_id)
        assert info.status == "finished" and recorder.finished
        assert (info.score, info.ending, info.outcome) == (
            debrief.score, debrief.ending_id, debrief.outcome)
        assert info.turns == len(session.history)
        mastery = store.mastery("ana")
        for step, result in debrief.steps.items():
            assert getattr(mastery[step], result.status) == 1
        assert store.best_scores("ana")["late-cake"].score == debrief.score
        assert store.unfinished("ana") == []


def test_resume_continues_exactly_where_it_stopped(tmp_path: Path, library: Path):
    scenario = load_scenario(library / "late-cake.yaml")
    db = tmp_path / "r.sqlite3"
    store = open_store(db)
    recorder = store.start("ana", scenario, mode="text")
    first = Session(scenario)
    recorder.attach(first)
    play(first, [0, 1])
    store.close()  # the window is closed mid-session

    with open_store(db) as store:
        [info] = store.unfinished("ana")
        assert info.turns == 2
        plan = store.plan_resume(info, library)
        assert plan.state == "ready", plan.message
        session, recorder = store.resume(plan)
        assert session.history == first.history
        assert (session.node_id, session.emotion, session.trust) == (
            first.node_id, first.emotion, first.trust)
        while not session.is_over:
            session.choose(0)
        info = store.session(info.id)
        assert info.status == "finished" and info.turns == len(session.history)
        assert [t.number for t in store.turns(info.id)] == list(
            range(1, len(session.history) + 1))
        assert store.unfinished("ana") == []
        with pytest.raises(ResumeError):
            store.resume(plan)


def test_changed_scenario_offers_a_restart(tmp_path: Path, library: Path):
    path = library / "late-cake.yaml"
    scenario = load_scenario(path)
    with open_store(tmp_path / "r.sqlite3") as store:
        recorder = store.start("ana", scenario)
        session = Session(scenario)
        recorder.attach(session)
        play(session, [0])
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        plan = store.plan_resume(store.unfinished("ana")[0], library)
        assert plan.state == "changed"
        assert "changed" in plan.message["en"]
        with pytest.raises(ResumeError):
            store.resume(plan)
        fresh = store.restart(plan)
        assert store.session(plan.info.id).status == "abandoned"
        assert [s.id for s in store.unfinished("ana")] == [fresh.session_id]
        assert store.session(fresh.session_id).scenario_hash == plan.scenario.content_hash


def test_missing_scenario_is_reported(tmp_path: Path, library: Path):
    path = library / "late-cake.yaml"
    scenario = load_scenario(path)
    with open_store(tmp_path / "r.sqlite3") as store:
        store.start("ana", scenario)
        path.unlink()
        plan = store.plan_resume(store.unfinished("ana")[0], library)
        assert plan.state == "missing" and plan.scenario is None


def test_a_failed_write_does_not_stop_play(tmp_path: Path, library: Path, monkeypatch):
    """The disk fills up for two turns: play goes on, the error is reported once, and
    the missing turns are written as soon as a write succeeds again."""
    scenario = load_scenario(library / "late-cake.yaml")
    store = open_store(tmp_path / "r.sqlite3")
    recorder = store.start("ana", scenario)
    errors = []
    recorder.on_error = errors.append
    session = Session(scenario)
    recorder.attach(session)
    real_add = store.add_turns
    full = StoreError(store.path, "full", "the disk is full")

    def add_turns(*args, **kwargs):
        raise full

    monkeypatch.setattr(store, "add_turns", add_turns)
    play(session, [0, 0])
    assert errors == [full] and recorder.error is full
    assert store.session(recorder.session_id).turns == 0
    monkeypatch.setattr(store, "add_turns", real_add)
    while not session.is_over:
        session.choose(0)
    assert recorder.finished and recorder.error is None
    assert store.session(recorder.session_id).turns == len(session.history)
    store.close()


def test_null_recorder_plays_without_recording(library: Path):
    scenario = load_scenario(library / "late-cake.yaml")
    recorder = NullRecorder()
    session = Session(scenario)
    recorder.attach(session)
    play(session, [0])
    assert not recorder.enabled and recorder.finish()


# -- other processes --------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import sys
    from sim.engine import Session
    from sim.records import open_store
    from sim.scenario import load_scenario

    db, path, trainee, turns, sessions = sys.argv[1:6]
    scenario = load_scenario(path)
    store = open_store(db)
    for _ in range(int(sessions)):
        recorder = store.start(trainee, scenario, mode="text")
        session = Session(scenario)
        recorder.attach(session)
        for n in range(int(turns)):
            if session.is_over:
                break
            session.choose(n % len(session.choices()))
            print("turn", n + 1, flush=True)
    print("waiting", flush=True)
    sys.stdin.read()  # stays alive until killed or stdin closes
""")


def spawn(db: Path, scenario: Path, trainee: str, turns: int, sessions: int = 1,
          ) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(scenario), trainee, str(turns),
         str(sessions)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env, cwd=ROOT)


def read_until(proc: subprocess.Popen[str], wanted: str, timeout: float = 60.0) -> list[str]:
    """Lines from the child up to ``wanted`` (waited for with a bounded timeout)."""
    assert proc.stdout is not None
    if not hasattr(proc, "lines"):
        lines_q: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            for line in proc.stdout:  # type: ignore[union-attr]
                lines_q.put(line.strip())
            lines_q.put(None)

        threading.Thread(target=pump, daemon=True).start()
        proc.lines = lines_q  # type: ignore[attr-defined]
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = proc.lines.get(timeout=left)  # type: ignore[attr-defined]
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if line == wanted:
            return seen
    proc.kill()
    raise AssertionError(f"child never printed {wanted!r}: {seen[-5:]} {proc.stderr.read()}")


def test_session_killed_mid_play_resumes_with_every_turn(tmp_path: Path, library: Path):
    db = tmp_path / "r.sqlite3"
    child = spawn(db, library / "late-cake.yaml", "ana", turns=2)
    try:
        read_until(child, "turn 2")
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
        for stream in (child.stdin, child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    with open_store(db) as store:
        [info] = store.unfinished("ana")
        assert info.turns == 2
        plan = store.plan_resume(info, library)
        session, _ = store.resume(plan)
        assert len(session.history) == 2
        stored = store.turns(info.id)
        assert [(t.node, t.choice_index) for t in stored] == [
            (t.node, t.index) for t in session.history]


def test_two_processes_playing_at_once_keep_all_turns(tmp_path: Path, library: Path):
    db = tmp_path / "r.sqlite3"
    open_store(db).close()  # created once, so both children start on the same schema
    path = library / "late-cake.yaml"
    children = [spawn(db, path, name, turns=50, sessions=15) for name in ("ana", "ben")]
    try:
        for child in children:
            read_until(child, "waiting", timeout=120)
    finally:
        for child in children:
            child.communicate(input="", timeout=60)
    scenario = load_scenario(path)
    with open_store(db) as store:
        for name in ("ana", "ben"):
            sessions = store.sessions(trainee=name)
            assert len(sessions) == 15
            for info in sessions:
                expected = Session(scenario)
                n = 0
                while not expected.is_over:
                    expected.choose(n % len(expected.choices()))
                    n += 1
                assert info.turns == len(expected.history)
                assert info.status == "finished"


# -- the terminal player --------------------------------------------------------------------


def run_cli(args: list[str], stdin: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], input=stdin,
                          capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)


def test_terminal_play_killed_then_resumed(tmp_path: Path, library: Path):
    """``play --text`` killed mid-session; the next ``play`` offers to continue it."""
    db = tmp_path / "r.sqlite3"
    # seed 8 shows 'let her vent' first, then 'apologise': reply 1 twice goes on
    args = ["play", str(library / "late-cake.yaml"), "--text", "--trainee", "Ana",
            "--db", str(db), "--seed", "8"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *args],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    assert child.stdin is not None
    child.stdin.write("1\n1\n")  # two replies, then the player waits for the third
    child.stdin.flush()
    deadline = time.monotonic() + 60
    turns = 0
    while time.monotonic() < deadline and turns < 2:  # poll the database, bounded
        if db.exists():
            with open_store(db) as store:
                found = store.unfinished("Ana")
                turns = found[0].turns if found else 0
        if turns < 2:
            time.sleep(0.05)
    child.kill()
    child.wait(timeout=30)
    child.stdin.close()
    assert turns == 2

    resumed = run_cli(args, stdin="y\nq\n")
    assert resumed.returncode == 0, resumed.stderr
    assert "unfinished session" in resumed.stdout and "Your replies so far" in resumed.stdout
    assert "Your session is saved" in resumed.stdout
    with open_store(db) as store:
        [info] = store.unfinished("Ana")
        assert info.turns == 2

    finished = run_cli(args, stdin="y\n" + "1\n" * 10)
    assert finished.returncode == 0, finished.stderr
    with open_store(db) as store:
        [info] = store.sessions(trainee="Ana")
        assert info.status == "finished" and info.turns > 2

    fresh = run_cli(args, stdin="q\n")  # nothing unfinished: no offer
    assert "unfinished session" not in fresh.stdout


def test_declining_resume_starts_afresh(tmp_path: Path, library: Path):
    db = tmp_path / "r.sqlite3"
    args = ["play", str(library / "late-cake.yaml"), "--text", "--trainee", "Ana",
            "--db", str(db), "--seed", "8"]
    assert run_cli(args, stdin="1\nq\n").returncode == 0
    out = run_cli(args, stdin="n\n1\n1\nq\n")
    assert "Your replies so far" not in out.stdout
    with open_store(db) as store:
        statuses = sorted(s.status for s in store.sessions(trainee="Ana"))
        assert statuses == ["abandoned", "playing"]
        assert store.unfinished("Ana")[0].turns == 2


def test_unusable_database_lets_the_trainee_choose(tmp_path: Path, library: Path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database")
    args = ["play", str(library / "late-cake.yaml"), "--text", "--db", str(junk)]
    refused = run_cli(args, stdin="\n")
    assert refused.returncode == 2
    assert "junk.sqlite3" in refused.stdout and "Traceback" not in refused.stderr
    anyway = run_cli(args, stdin="y\n" + "1\n" * 10)
    assert anyway.returncode == 0 and "DEBRIEF" in anyway.stdout
    scripted = run_cli(["play", str(library / "late-cake.yaml"), "--choices", "1,1,1,1,1",
                        "--db", str(junk)], stdin="")
    assert scripted.returncode == 0 and "== ENDING:" in scripted.stdout
    assert "Playing without recording" in scripted.stderr
    assert junk.read_text() == "not a database"
