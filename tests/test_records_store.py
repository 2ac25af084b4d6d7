"""The records store on real SQLite files: schema, migration, bad files, export/import."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from sim.records import SCHEMA_VERSION, StoreError, export_db, import_db, open_store
from sim.records.models import TurnRow
from sim.records.schema import APPLICATION_ID, MIGRATIONS, STEPS


def add_session(store, trainee="ana", scenario="angry-parent", score=70,
                qualities=("good", "best"), finish=True):
    """A session with one turn per quality, finished with ``score``."""
    info = store.create_session(trainee, scenario, "h" * 64, lang="en", mode="text")
    rows = [
        TurnRow(number=i + 1, node=f"n{i}", choice_index=i % 2, choice_id=f"c{i}",
                reply=f"reply {i}", step=STEPS[i % 5], quality=q, emotion=50, trust=40)
        for i, q in enumerate(qualities)
    ]
    store.add_turns(info.id, rows)
    if finish:
        steps = {s: "missed" for s in STEPS}
        for row in rows:
            steps[row.step] = {"best": "excellent", "good": "done"}.get(row.quality, "weak")
        store.finish_session(info.id, ending="resolved", outcome="resolved", score=score,
                             steps=steps)
    return store.session(info.id)


def test_new_database_is_marked_and_versioned(tmp_path: Path):
    path = tmp_path / "sub" / "records.sqlite3"
    with open_store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_env_var_chooses_the_database(tmp_path: Path, monkeypatch):
    target = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("DEFUSE_DB", str(target))
    with open_store() as store:
        assert store.path == target
    assert target.exists()


def test_turns_are_on_disk_when_add_turns_returns(tmp_path: Path):
    path = tmp_path / "r.sqlite3"
    store = open_store(path)
    info = add_session(store, finish=False)
    # A second connection (another process would see the same) reads them at once.
    with open_store(path) as other:
        assert [t.reply for t in other.turns(info.id)] == ["reply 0", "reply 1"]
        assert [s.id for s in other.unfinished("ana")] == [info.id]
    store.close()


def test_history_queries(tmp_path: Path):
    with open_store(tmp_path / "r.sqlite3") as store:
        add_session(store, score=40, qualities=("poor", "good"))
        add_session(store, score=80, qualities=("best", "best"))
        add_session(store, scenario="insurance", score=55)
        add_session(store, trainee="ben", score=90)
        best = store.best_scores("ana")
        assert best["angry-parent"].score == 80 and best["angry-parent"].sessions == 2
        assert best["insurance"].score == 55
        assert [s.score for s in store.progress("ana")] == [40, 80, 55]
        m = store.mastery("ana")
        assert m["listen"].total == 3
        assert (m["listen"].excellent, m["listen"].done, m["listen"].weak) == (1, 1, 1)
        assert m["commit"].missed == 3
        assert store.mastery("ana", last=1)["listen"].total == 1
        assert store.mastery()["listen"].total == 4  # the group
        assert store.choice_counts("angry-parent") == {
            "n0": {"c0": 3}, "n1": {"c1": 3}}
        assert store.trainees() == ["ana", "ben"]


def test_one_decimal_scores_are_kept_as_they_are(tmp_path: Path):
    """The debrief scores to one decimal; the INTEGER column keeps 99.5 as REAL (no
    migration), so half a point more is a better score everywhere."""
    path = tmp_path / "r.sqlite3"
    with open_store(path) as store:
        first = add_session(store, score=98.6)
        second = add_session(store, score=98.9)  # both 99 if rounded: the earlier would win
        add_session(store, score=88.0)
        add_session(store, scenario="insurance", score=0.5)
        scores = [s.score for s in store.progress("ana")]
        assert scores == [98.6, 98.9, 88, 0.5]
        assert all(isinstance(score, float) for score in scores)
        best = store.best_scores("ana")
        assert best["angry-parent"].score == 98.9 > first.score
        assert best["angry-parent"].played_at == second.started_at
        assert best["insurance"].score == 0.5
        out = tmp_path / "share.sqlite3"
        assert export_db(store, out) == 4
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT score, typeof(score) FROM session ORDER BY id").fetchall() == [
        (98.6, "real"), (98.9, "real"), (88, "integer"), (0.5, "real")]
    conn.close()
    with open_store(tmp_path / "trainer.sqlite3") as trainer:
        assert import_db(trainer, out).added == 4
        assert [s.score for s in trainer.progress("ana")] == scores
        assert trainer.best_scores("ana")["angry-parent"].score == 98.9


def test_old_whole_scores_and_new_one_decimal_scores_mix(tmp_path: Path):
    path = tmp_path / "r.sqlite3"
    make_v1_database(path)  # a finished session scored 77 (whole points)
    with open_store(path) as store:
        assert store.best_scores("ana")["angry-parent"].score == 77
        add_session(store, score=77.5)
        assert [s.score for s in store.progress("ana")] == [77, 77.5]
        assert store.best_scores("ana")["angry-parent"].score == 77.5


def test_names_are_trimmed(tmp_path: Path):
    with open_store(tmp_path / "r.sqlite3") as store:
        add_session(store, trainee="  Ana   Li ")
        assert store.trainees() == ["Ana Li"]


# -- bad files ------------------------------------------------------------------------


def test_non_sqlite_file_is_refused_and_kept(tmp_path: Path):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"these are my notes, not a database\n" * 10)
    before = path.read_bytes()
    with pytest.raises(StoreError) as err:
        open_store(path)
    assert err.value.kind == "corrupt" and str(path) in str(err.value)
    assert path.read_bytes() == before


def test_damaged_sqlite_file_is_refused_and_kept(tmp_path: Path):
    path = tmp_path / "r.sqlite3"
    with open_store(path) as store:
        add_session(store)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the first page after the header
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as err:
        open_store(path).sessions()
    assert err.value.kind in ("corrupt", "foreign")
    assert path.read_bytes() == bytes(data)


def test_foreign_sqlite_file_is_refused(tmp_path: Path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as err:
        open_store(path)
    assert err.value.kind == "foreign"
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("invoices",)]
    conn.close()


def test_newer_schema_is_refused(tmp_path: Path):
    path = tmp_path / "r.sqlite3"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as err:
        open_store(path)
    assert err.value.kind == "newer"


def test_locked_database_gives_a_clear_error(tmp_path: Path, monkeypatch):
    import sim.records.store as store_mod

    path = tmp_path / "r.sqlite3"
    store = open_store(path)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_S", 0.1)
    store._conn.execute("PRAGMA busy_timeout = 100")
    with pytest.raises(StoreError) as err:
        add_session(store)
    assert err.value.kind == "locked"
    blocker.execute("ROLLBACK")
    blocker.close()
    add_session(store)  # usable again once the lock is gone
    store.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_folder_gives_a_clear_error(tmp_path: Path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError) as err:
            open_store(folder / "r.sqlite3")
        assert err.value.kind == "readonly"
    finally:
        folder.chmod(0o700)


def test_path_under_a_file_gives_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreError) as err:
        open_store(blocker / "r.sqlite3")
    assert "a-file" in str(err.value) and err.value.kind == "io"


def test_errno_is_classified():
    import errno

    from sim.records.errors import classify

    assert classify("f", OSError(errno.ENOSPC, "No space left on device")).kind == "full"
    assert classify("f", OSError(errno.EROFS, "Read-only file system")).kind == "readonly"
    assert classify("f", PermissionError(errno.EACCES, "Permission denied")).kind == "readonly"


def test_missing_file_not_created_for_reading(tmp_path: Path):
    path = tmp_path / "none.sqlite3"
    with pytest.raises(StoreError) as err:
        open_store(path, create=False)
    assert err.value.kind == "missing"
    assert not path.exists()


def test_full_disk_is_reported_and_play_goes_on(tmp_path: Path):
    """A disk that fills up mid-session: the write fails with a clear error, nothing
    already committed is lost, and the missing turns are written once space is back."""
    path = tmp_path / "r.sqlite3"
    store = open_store(path)
    info = add_session(store, finish=False)
    page_size = store._conn.execute("PRAGMA page_size").fetchone()[0]
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full now
    big = TurnRow(number=3, node="n", choice_index=0, choice_id=None,
                  reply="x" * (page_size * 4), step=None, quality="good", emotion=1, trust=1)
    with pytest.raises(StoreError) as err:
        store.add_turns(info.id, [big])
    assert err.value.kind == "full"
    assert len(store.turns(info.id)) == 2
    store._conn.execute(f"PRAGMA max_page_count = {pages * 100}")
    store.add_turns(info.id, [big])
    assert len(store.turns(info.id)) == 3
    store.close()


# -- migration ------------------------------------------------------------------------


def make_v1_database(path: Path) -> None:
    """A database as version 1 of the schema wrote it, with one finished session."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("INSERT INTO trainee(id, name, created_at) VALUES (1, 'ana', '2024-01-01')")
    conn.execute(
        """INSERT INTO session(id, trainee_id, scenario_id, scenario_hash, lang, mode,
               started_at, ended_at, status, ending, score)
           VALUES (1, 1, 'angry-parent', 'abc', 'en', 'text', '2024-01-01T10:00:00',
                   '2024-01-01T10:05:00', 'finished', 'resolved', 77),
                  (2, 1, 'angry-parent', 'abc', 'en', 'text', '2024-01-02T10:00:00',
                   NULL, 'playing', NULL, NULL)""")
    conn.executemany(
        """INSERT INTO turn(session_id, number, node, choice_index, choice_id, reply, step,
               quality, emotion, trust, played_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
        [(1, 1, "opening", 0, "let_vent", "Go on", "listen", "best", 70, 30, "t"),
         (1, 2, "details", 1, None, "Sorry", "apologize", "poor", 65, 30, "t"),
         (2, 1, "opening", 0, "let_vent", "Go on", "listen", "best", 70, 30, "t")])
    conn.execute("COMMIT")
    conn.close()


def test_migration_from_v1_keeps_everything_and_backs_up(tmp_path: Path):
    path = tmp_path / "r.sqlite3"
    make_v1_database(path)
    with open_store(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 4
        assert store.backup_path is not None and store.backup_path.exists()
        sessions = store.sessions(newest_first=False)
        assert [s.score for s in sessions] == [77, None]
        # the old score is kept, and said to be the first formula's; no reply order seed
        assert [s.scoring_version for s in sessions] == [1, None]
        assert [s.seed for s in sessions] == [None, None]
        assert len({s.uid for s in sessions}) == 2 and all(sessions[0].uid for _ in "x")
        assert [t.reply for t in store.turns(1)] == ["Go on", "Sorry"]
        mastery = store.mastery("ana")
        assert mastery["listen"].excellent == 1
        assert mastery["apologize"].weak == 1
        assert mastery["solve"].missed == 1
        assert [s.id for s in store.unfinished("ana")] == [2]
    backup = sqlite3.connect(store.backup_path)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT count(*) FROM turn").fetchone()[0] == 3
    backup.close()
    with open_store(path) as again:  # opening again migrates nothing and backs up nothing
        assert again.backup_path is None


# -- export / import ------------------------------------------------------------------


def test_export_import_round_trip_without_duplicates(tmp_path: Path):
    trainee_db = tmp_path / "ana.sqlite3"
    trainer_db = tmp_path / "trainer.sqlite3"
    with open_store(trainee_db) as store:
        add_session(store, score=60)
        add_session(store, score=75, scenario="insurance")
        open_one = add_session(store, finish=False)
        out = tmp_path / "share" / "ana-results.sqlite3"
        out.parent.mkdir()  # folders are never created on the fly
        assert export_db(store, out) == 3
    with open_store(trainer_db) as trainer:
        add_session(trainer, trainee="ben", score=50)
        first = import_db(trainer, out)
        assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
        again = import_db(trainer, out)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
        assert len(trainer.sessions()) == 4
        assert trainer.best_scores("ana")["insurance"].score == 75
        imported = trainer.sessions(trainee="ana", scenario="insurance")[0]
        assert imported.origin == "ana-results.sqlite3"
        assert [t.reply for t in trainer.turns(imported.id)] == ["reply 0", "reply 1"]
        assert trainer.mastery("ana")["listen"].total == 2
    # The trainee finishes the open session and exports again: the copy is updated.
    with open_store(trainee_db) as store:
        store.add_turns(open_one.id, [TurnRow(3, "n2", 0, None, "r", "solve", "good", 1, 1)])
        store.finish_session(open_one.id, ending="resolved", outcome="resolved", score=88,
                             steps={"solve": "done"})
        export_db(store, out)
    with open_store(trainer_db) as trainer:
        third = import_db(trainer, out)
        assert (third.added, third.updated, third.unchanged) == (0, 1, 2)
        assert len(trainer.sessions()) == 4
        assert trainer.best_scores("ana")["angry-parent"].score == 88


def test_export_for_one_trainee(tmp_path: Path):
    with open_store(tmp_path / "r.sqlite3") as store:
        add_session(store, trainee="ana")
        add_session(store, trainee="ben")
        out = tmp_path / "ben.sqlite3"
        assert export_db(store, out, trainee="ben") == 1
    with open_store(out) as exported:
        assert exported.trainees() == ["ben"]


def test_import_of_v1_file_migrates_a_copy_only(tmp_path: Path):
    old = tmp_path / "old.sqlite3"
    make_v1_database(old)
    before = old.read_bytes()
    with open_store(tmp_path / "trainer.sqlite3") as trainer:
        result = import_db(trainer, old)
        assert result.added == 2
        assert import_db(trainer, old).added == 0  # the derived uids match
    assert old.read_bytes() == before


def test_import_of_bad_file_names_it(tmp_path: Path):
    bad = tmp_path / "junk.sqlite3"
    bad.write_text("hello")
    with open_store(tmp_path / "t.sqlite3") as trainer, pytest.raises(StoreError) as err:
        import_db(trainer, bad)
    assert "junk.sqlite3" in str(err.value)


def test_import_keeps_seed_and_scoring_version(tmp_path: Path):
    with open_store(tmp_path / "ana.sqlite3") as store:
        info = store.create_session("ana", "angry-parent", "h" * 64, seed=4242)
        store.add_turns(info.id, [TurnRow(1, "n0", 0, "c0", "r", "listen", "best", 50, 40)])
        store.finish_session(info.id, ending="resolved", outcome="resolved", score=91.5,
                             steps={"listen": "excellent"}, scoring_version=2)
        still_open = store.create_session("ana", "insurance", "h" * 64, seed=7)
        out = tmp_path / "ana-out.sqlite3"
        export_db(store, out)
    with open_store(tmp_path / "trainer.sqlite3") as trainer:
        assert import_db(trainer, out).added == 2
        got = {s.uid: s for s in trainer.sessions()}
        assert (got[info.uid].seed, got[info.uid].scoring_version) == (4242, 2)
        assert (got[still_open.uid].seed, got[still_open.uid].scoring_version) == (7, None)
