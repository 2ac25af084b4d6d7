"""The records on a real PostgreSQL server, started from the machine's binaries."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.engine import Session
from sim.records import SCHEMA_VERSION, StoreError, export_db, import_db, open_store
from sim.records.localpg import LocalPostgres, LocalPostgresError, find_binaries
from sim.records.models import TurnRow
from sim.records.schema import STEPS
from sim.scenario import load_scenario

psycopg = pytest.importorskip("psycopg")

HERE = Path(__file__).parent
ROOT = HERE.parent
EXAMPLE = HERE / "scenarios" / "late-cake.yaml"
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def server():
    """One server for the module; each test gets its own database on it."""
    if find_binaries() is None:
        pytest.skip("no PostgreSQL server binaries on this machine (.ci/run installs them)")
    try:
        with LocalPostgres() as pg:
            yield pg
    except LocalPostgresError as exc:  # pragma: no cover - a broken installation
        pytest.fail(str(exc))


@pytest.fixture
def url(server: LocalPostgres) -> str:
    """A new, empty database on the server."""
    name = f"t{next(_numbers)}"
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server.url.rsplit("/", 1)[0] + "/" + name


def add_session(store, trainee="ana", scenario="angry-parent", score=70.0, seed=None,
                qualities=("good", "best"), finish=True):
    """A session with one turn per quality, finished with ``score``."""
    info = store.create_session(trainee, scenario, "h" * 64, lang="en", mode="text",
                                seed=seed)
    rows = [TurnRow(number=i + 1, node=f"n{i}", choice_index=i % 2, choice_id=f"c{i}",
                    reply=f"reply {i}", step=STEPS[i % 5], quality=q, emotion=50, trust=40)
            for i, q in enumerate(qualities)]
    store.add_turns(info.id, rows)
    store.add_turns(info.id, rows[-1:])  # a turn sent twice is stored once
    if finish:
        steps = {s: "missed" for s in STEPS}
        for row in rows:
            steps[row.step] = {"best": "excellent", "good": "done"}.get(row.quality, "weak")
        store.finish_session(info.id, ending="resolved", outcome="resolved", score=score,
                             steps=steps, scoring_version=2)
    return store.session(info.id)


def test_a_new_database_gets_the_schema_and_keeps_everything(url: str):
    with open_store(url) as store:
        assert store.schema_version == SCHEMA_VERSION
        done = add_session(store, score=99.5, seed=1234)
        add_session(store, trainee="ben", scenario="insurance", score=88)
        open_one = add_session(store, finish=False)
        assert (done.score, done.seed, done.scoring_version, done.turns) == (99.5, 1234, 2, 2)
        assert store.trainees() == ["ana", "ben"]
        assert [s.id for s in store.unfinished("ana")] == [open_one.id]
        assert store.best_scores("ana")["angry-parent"].score == 99.5
        assert store.mastery("ana")["apologize"].excellent == 1
        assert store.choice_counts("angry-parent") == {"n0": {"c0": 2}, "n1": {"c1": 2}}
        assert [t.reply for t in store.turns(done.id)] == ["reply 0", "reply 1"]
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == \
            SCHEMA_VERSION


def test_env_var_names_the_server(url: str, monkeypatch):
    monkeypatch.setenv("DEFUSE_DB", url)
    with open_store() as store:
        assert str(store.path) == url
        add_session(store)
    with open_store(url) as again:
        assert len(again.sessions()) == 1


def test_a_newer_or_foreign_database_is_refused(url: str, server: LocalPostgres):
    open_store(url).close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO schema_version(version) VALUES (%s)", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError) as err:
        open_store(url)
    assert err.value.kind == "newer" and "newer Defuse" in str(err.value)
    other = server.url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(other, autocommit=True) as conn:
        conn.execute("CREATE DATABASE foreign_one")
    foreign = server.url.rsplit("/", 1)[0] + "/foreign_one"
    with psycopg.connect(foreign, autocommit=True) as conn:
        conn.execute("CREATE TABLE session (x int)")
    with pytest.raises(StoreError) as err:
        open_store(foreign)
    assert err.value.kind == "foreign"


def test_an_unreachable_server_is_a_clear_error(server: LocalPostgres, tmp_path: Path,
                                                monkeypatch):
    url = f"postgresql://nobody:secret@127.0.0.1:{server.port + 1}/none"
    for readonly in (True, False):  # history and report; import and migrate
        with pytest.raises(StoreError) as err:
            open_store(url, readonly=readonly, outbox=False)
        assert err.value.kind == "offline"
        assert "secret" not in str(err.value) and "127.0.0.1" in str(err.value)
    shown = run_cli("history", "--db", url)
    assert shown.returncode == 2 and "cannot be reached" in shown.stderr
    assert "Traceback" not in shown.stderr
    # a player plays on, saving on this computer
    monkeypatch.setenv("DEFUSE_OUTBOX", str(tmp_path / "outbox.sqlite3"))
    with open_store(url) as store:
        assert store.offline


def test_import_moves_a_file_into_the_server_without_duplicates(url: str, tmp_path: Path):
    with open_store(tmp_path / "ana.sqlite3") as local:
        first = add_session(local, score=60, seed=5)
        add_session(local, scenario="insurance", score=75)
        out = tmp_path / "ana-out.sqlite3"
        export_db(local, out)
    with open_store(url) as server_store:
        assert import_db(server_store, out).added == 2
        again = import_db(server_store, out)
        assert (again.added, again.unchanged) == (0, 2)
        moved = {s.uid: s for s in server_store.sessions()}
        assert moved[first.uid].seed == 5 and moved[first.uid].origin == "ana-out.sqlite3"
        # and back out to a file a trainer can carry
        back = tmp_path / "from-server.sqlite3"
        assert export_db(server_store, back, trainee="ana") == 2
    with open_store(back) as copy:
        assert sorted(s.score for s in copy.sessions()) == [60, 75]


def test_a_session_plays_and_resumes_on_the_server(url: str):
    scenario = load_scenario(EXAMPLE)
    store = open_store(url)
    recorder = store.start("ana", scenario, lang="zh", mode="text", seed=77)
    session = Session(scenario, seed=77)
    recorder.attach(session)
    session.choose(0)
    session.choose(0)
    store.close()
    with open_store(url) as again:
        [info] = again.unfinished("ana")
        plan = again.plan_resume(info, EXAMPLE.parent)
        assert plan.state == "ready"
        resumed, _ = again.resume(plan)
        assert [t.node for t in resumed.history] == [t.node for t in session.history]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], input="",
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


def test_terminal_play_history_and_report_on_the_server(url: str, tmp_path: Path):
    for trainee in ("ana", "ben"):
        done = run_cli("play", str(EXAMPLE), "--text", "--choices", "1,1,1,1,1",
                       "--trainee", trainee, "--db", url)
        assert done.returncode in (0, 1), done.stderr
    shown = run_cli("history", "--db", url)
    assert shown.returncode == 0, shown.stderr
    assert "== ana ==" in shown.stdout and "== ben ==" in shown.stdout
    out = tmp_path / "cohort.csv"
    written = run_cli("report", "--db", url, "--out", str(out))
    assert written.returncode == 0, written.stderr
    text = out.read_text(encoding="utf-8")
    assert "ana" in text and "ben" in text
    page = tmp_path / "cohort.html"
    assert run_cli("report", "--db", url, "--out", str(page)).returncode == 0
    assert "ana" in page.read_text(encoding="utf-8")
    statements = tmp_path / "cohort.jsonl"
    sent = run_cli("export", "--format", "xapi", "--db", url, "--out", str(statements))
    assert sent.returncode == 0, sent.stderr
    names = {json.loads(line)["actor"]["name"]
             for line in statements.read_text(encoding="utf-8").splitlines()}
    assert names == {"ana", "ben"}
    copy = tmp_path / "cohort.sqlite3"
    assert run_cli("export", "--db", url, "--out", str(copy)).returncode == 0
    moved = run_cli("import", str(copy), "--db", url)
    assert moved.returncode == 0 and "0 added, 0 updated, 2 already here" in moved.stdout


def test_migrate_upgrades_an_old_server_database_once(url: str, tmp_path: Path):
    from sim.records.postgres import DbUrl, PgConnection
    from sim.records.schema import migrate

    raw = psycopg.connect(url, autocommit=True)
    conn = PgConnection(raw)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, "
                 "migrated_at TIMESTAMPTZ NOT NULL DEFAULT now())")
    migrate(conn, 0, 1)  # schema 1, as the first release wrote it
    conn.execute("INSERT INTO trainee(name, created_at) VALUES ('ana', 't')")
    conn.execute("""INSERT INTO session(trainee_id, scenario_id, scenario_hash, lang, mode,
                        started_at, ended_at, status, ending, score)
                    VALUES (1, 'angry-parent', 'abc', 'en', 'text', '2024-01-01T10:00:00',
                            '2024-01-01T10:05:00', 'finished', 'resolved', 77)""")
    conn.execute("""INSERT INTO turn(session_id, number, node, choice_index, reply, step,
                        quality, emotion, trust, played_at)
                    VALUES (1, 1, 'opening', 0, 'Go on', 'listen', 'best', 70, 30, 't')""")
    raw.close()
    with pytest.raises(StoreError) as err:  # reading commands never change the schema
        open_store(url, readonly=True)
    assert "migrate" in str(err.value)
    done = run_cli("migrate", "--db", url)
    assert done.returncode == 0, done.stderr
    assert f"upgraded from schema 1 to {SCHEMA_VERSION}" in done.stdout
    assert "already at schema" in run_cli("migrate", "--db", url).stdout
    with open_store(url, readonly=True) as store:
        [info] = store.sessions()
        assert (info.score, info.scoring_version, info.seed) == (77, 1, None)
        assert len(info.uid) == 32 and store.mastery("ana")["listen"].excellent == 1
    assert str(DbUrl("postgresql://a:pw@h:5/db")) == "postgresql://a:***@h:5/db"


def test_migrate_on_a_file(tmp_path: Path):
    from test_records_store import make_v1_database

    path = tmp_path / "old.sqlite3"
    make_v1_database(path)
    done = run_cli("migrate", "--db", str(path))
    assert done.returncode == 0, done.stderr
    assert f"upgraded from schema 1 to {SCHEMA_VERSION}" in done.stdout
    assert "old.sqlite3.v1.bak" in done.stdout


def _play_to_the_end(session: Session) -> None:
    while not session.is_over:
        session.choose(0)


def _stored_as_played(url: str, trainee: str, session: Session) -> None:
    """The server holds the session, finished, with every turn once and in order."""
    with open_store(url, readonly=True) as check:
        [info] = check.sessions(trainee=trainee)
        assert info.status == "finished" and info.score is not None
        turns = check.turns(info.id)
        assert [t.number for t in turns] == list(range(1, len(session.history) + 1))
        assert [(t.node, t.choice_index) for t in turns] == \
            [(t.node, t.index) for t in session.history]


def test_a_server_stopped_mid_session_loses_nothing(url: str, server: LocalPostgres,
                                                    tmp_path: Path, monkeypatch):
    import time

    from sim.records.outbox import CohortStore

    monkeypatch.setenv("DEFUSE_OUTBOX", str(tmp_path / "outbox.sqlite3"))
    scenario = load_scenario(EXAMPLE)
    store = open_store(url)
    assert isinstance(store, CohortStore) and not store.offline
    store.retry_s = 0.2
    notices: list[str] = []
    store.on_offline = lambda: notices.append("offline")
    store.on_online = lambda: notices.append("online")
    recorder = store.start("ana", scenario, mode="text", seed=3)
    session = Session(scenario, seed=3)
    recorder.attach(session)
    session.choose(0)
    server.stop()
    try:
        session.choose(0)
        session.choose(0)
        assert store.offline and notices == ["offline"]
        assert store.outbox.count() == 2 and recorder.error is None
    finally:
        server.start()
    _play_to_the_end(session)
    deadline = time.monotonic() + 30
    while notices != ["offline", "online"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not store.offline and notices == ["offline", "online"]
    assert store.outbox.count() == 0
    store.close()
    _stored_as_played(url, "ana", session)


def test_a_server_away_at_start_gets_the_session_at_the_next_start(
        url: str, server: LocalPostgres, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DEFUSE_OUTBOX", str(tmp_path / "outbox.sqlite3"))
    scenario = load_scenario(EXAMPLE)
    open_store(url).close()  # the database exists; then the server goes away
    server.stop()
    try:
        store = open_store(url)
        assert store.offline and store.unfinished("ben") == []
        recorder = store.start("ben", scenario, mode="text")
        session = Session(scenario)
        recorder.attach(session)
        _play_to_the_end(session)
        assert recorder.finished and store.outbox.count() > 2
        store.close()
    finally:
        server.start()
    with open_store(url) as again:  # pushed, in order, before anything else
        assert not again.offline and again.outbox.count() == 0
    _stored_as_played(url, "ben", session)
    with open_store(url) as third:  # and never twice
        assert len(third.sessions(trainee="ben")) == 1


def test_terminal_play_says_offline_and_the_next_play_sends_it(url: str, server: LocalPostgres,
                                                               tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DEFUSE_OUTBOX", str(tmp_path / "outbox.sqlite3"))
    open_store(url).close()
    server.stop()
    try:
        away = run_cli("play", str(EXAMPLE), "--text", "--choices", "1,1,1,1,1",
                       "--trainee", "cai", "--db", url)
    finally:
        server.start()
    assert away.returncode in (0, 1), away.stderr
    assert "Offline — saved on this computer" in away.stdout + away.stderr
    with open_store(url, readonly=True) as check:
        assert "cai" not in check.trainees()
    again = run_cli("play", str(EXAMPLE), "--text", "--choices", "1,1,1,1,1",
                    "--trainee", "cai", "--db", url)
    assert again.returncode in (0, 1), again.stderr
    assert "Offline" not in again.stdout + again.stderr
    with open_store(url, readonly=True) as check:
        done = check.sessions(trainee="cai", status="finished")
        assert len(done) == 2 and all(s.turns == 5 for s in done)


def test_the_window_says_offline_and_loses_nothing(url: str, server: LocalPostgres,
                                                  tmp_path: Path, monkeypatch):
    import time

    import pygame

    from sim.ui.testing import Driver

    monkeypatch.setenv("DEFUSE_OUTBOX", str(tmp_path / "outbox.sqlite3"))
    monkeypatch.setenv("DEFUSE_DB", url)
    d = Driver(ROOT / "scenarios", size=(960, 540), settings_path=tmp_path / "w.json")
    d.step()
    store = d.app.store
    assert store is not None and not store.offline
    store.retry_s = 0.2
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "play"
    d.key(pygame.K_SPACE)
    d.key(pygame.K_1)
    server.stop()
    try:
        d.key(pygame.K_SPACE)
        d.key(pygame.K_1)
        assert store.offline
        assert d.app.toast is not None and d.app.toast.text == \
            "Offline — saved on this computer"
    finally:
        server.start()
    deadline = time.monotonic() + 30
    while store.offline and time.monotonic() < deadline:
        time.sleep(0.1)
    history = d.scene.session.history
    assert len(history) == 2
    uid = d.scene.recorder.info.uid
    with open_store(url, readonly=True) as check:
        [info] = [s for s in check.sessions() if s.uid == uid]
        assert [(t.node, t.choice_index) for t in check.turns(info.id)] == \
            [(t.node, t.index) for t in history]


def test_a_read_on_a_lost_connection_reconnects(url: str, server: LocalPostgres,
                                                tmp_path: Path, monkeypatch):
    import time

    monkeypatch.setenv("DEFUSE_OUTBOX", str(tmp_path / "outbox.sqlite3"))
    store = open_store(url)
    store.retry_s = 0.2
    add_session(store, trainee="dan")
    server.stop()
    server.start()  # back, but this store's connection died with the old server
    with pytest.raises(StoreError) as err:
        store.best_scores("dan")
    assert err.value.kind == "offline" and store.offline
    deadline = time.monotonic() + 30
    while store.offline and time.monotonic() < deadline:
        time.sleep(0.1)
    assert store.best_scores("dan")["angry-parent"].score == 70
    store.close()


def test_many_desktops_opening_a_new_database_at_once_migrate_it_once(url: str):
    from concurrent.futures import ThreadPoolExecutor

    def first_start(n: int) -> int:
        with open_store(url, outbox=False) as store:
            add_session(store, trainee="same new trainee", score=50 + n)
            return store.schema_version

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(first_start, range(8))) == [SCHEMA_VERSION] * 8
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM trainee").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM session").fetchone()[0] == 8
