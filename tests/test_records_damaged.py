"""Damaged, odd and hostile records files: refused in one clear line, never changed.

And outputs that would destroy something (the records file, the scenario being read)
are refused before anything is written.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from sim.cli import main
from sim.records import StoreError, open_store
from tests.test_records_store import add_session

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "scenarios" / "late-cake.yaml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def good_db(tmp_path: Path) -> Path:
    """A records file with three sessions, checkpointed into one rollback-journal file."""
    path = tmp_path / "good.sqlite3"
    with open_store(path) as store:
        for score in (60, 75, 90):
            add_session(store, score=score)
        add_session(store, trainee="bo", score=40)
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store._conn.execute("PRAGMA journal_mode = DELETE")
    return path


def damage(path: Path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def garbage_in_the_middle(path: Path) -> None:
    pages = path.stat().st_size // 4096
    with path.open("r+b") as fh:  # a block of garbage over a page in the middle
        fh.seek(pages // 2 * 4096)
        fh.write(b"\xde\xad\xbe\xef" * 256)


def test_a_damaged_database_is_never_written_to(good_db: Path) -> None:
    garbage_in_the_middle(good_db)
    before = digest(good_db)
    with pytest.raises(StoreError) as info:
        open_store(good_db)  # what play does before its first turn
    assert info.value.kind == "corrupt" and "left untouched" in str(info.value)
    assert digest(good_db) == before and not Path(f"{good_db}-wal").exists()


@pytest.mark.parametrize("command", ["history", "report", "export"])
def test_reading_commands_leave_a_damaged_file_as_it_was(capsys, tmp_path: Path,
                                                         good_db: Path, command: str) -> None:
    garbage_in_the_middle(good_db)
    before = digest(good_db)
    extra = {"history": [], "report": ["--out", str(tmp_path / "r.html")],
             "export": ["--out", str(tmp_path / "e.sqlite3")]}[command]
    code, _, err = run(capsys, command, "--db", str(good_db), *extra)
    assert code == 2 and digest(good_db) == before
    assert len(err.strip().splitlines()) == 1 and str(good_db) in err and "damaged" in err
    assert not Path(f"{good_db}-wal").exists()


def test_reading_commands_never_switch_the_file_to_wal(capsys, tmp_path: Path,
                                                       good_db: Path) -> None:
    before = digest(good_db)
    assert run(capsys, "history", "--db", str(good_db))[0] == 0
    assert run(capsys, "report", "--db", str(good_db), "--out", str(tmp_path / "r.csv"))[0] == 0
    assert run(capsys, "export", "--db", str(good_db), "--out", str(tmp_path / "e.db"))[0] == 0
    assert digest(good_db) == before


def test_an_older_read_only_database_is_read_in_memory(tmp_path: Path, good_db: Path) -> None:
    damage(good_db, "PRAGMA user_version = 1")  # pretend it needs the v2 migration...
    before = digest(good_db)
    with pytest.raises(StoreError):  # ...which a v2 file fails (its columns exist): refused
        open_store(good_db, readonly=True)
    assert digest(good_db) == before


def test_a_fifo_is_refused_at_once(capsys, tmp_path: Path) -> None:
    fifo = tmp_path / "records.fifo"
    os.mkfifo(fifo)
    result: list[tuple[int, str, str]] = []
    worker = threading.Thread(target=lambda: result.append(
        run(capsys, "history", "--db", str(fifo))), daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert result, "history blocked on a FIFO"
    code, _, err = result[0]
    assert code == 2 and "not an ordinary file" in err


BAD_ROWS = [
    ("UPDATE session SET score = 'abc'", "not a number from 0 to 100"),
    ("UPDATE session SET score = 999", "999"),
    ("UPDATE session SET score = -50", "-50"),
    ("UPDATE session SET score = 1e308", "not a number from 0 to 100"),
    ("UPDATE trainee SET name = x'3432'", "X'3432'"),  # bytes, as another program may
    ("UPDATE trainee SET name = '   '", "is not a name"),
    ("UPDATE turn SET quality = 'awful'", "'awful'"),
    ("UPDATE session SET scenario_path = x'00'", "not a path"),
    ("DROP TABLE session_step", "'session_step' table is missing"),
]


@pytest.mark.parametrize(("sql", "fragment"), BAD_ROWS)
def test_import_refuses_impossible_rows_and_changes_nothing(capsys, tmp_path: Path,
                                                            good_db: Path, sql: str,
                                                            fragment: str) -> None:
    incoming = tmp_path / "from-ana.sqlite3"
    with open_store(incoming) as store:
        add_session(store, trainee="ana2", score=55)
    damage(incoming, sql)
    before = rows(good_db)
    code, _, err = run(capsys, "import", "--db", str(good_db), str(incoming))
    assert code == 2 and rows(good_db) == before
    (line,) = err.strip().splitlines()
    assert line.startswith(f"defuse: {incoming}:") and fragment in line, line
    assert ".part" not in line and "defuse-import-" not in line and "import.sqlite3" not in line


def test_history_refuses_impossible_rows_in_one_line(capsys, good_db: Path) -> None:
    damage(good_db, "UPDATE session SET score = 'abc'")
    code, _, err = run(capsys, "history", "--db", str(good_db))
    assert code == 2 and len(err.strip().splitlines()) == 1 and str(good_db) in err


def test_import_never_keeps_a_path_from_another_machine(capsys, tmp_path: Path,
                                                        good_db: Path) -> None:
    incoming = tmp_path / "from-ana.sqlite3"
    with open_store(incoming) as store:
        add_session(store, trainee="ana2", score=55)
    damage(incoming, "UPDATE session SET scenario_path = '/etc/passwd'")
    assert run(capsys, "import", "--db", str(good_db), str(incoming))[0] == 0
    with open_store(good_db) as store:
        imported = store.sessions(trainee="ana2")
    assert imported and all(s.scenario_path is None for s in imported)


# --- outputs that would lose something --------------------------------------------------------


def test_report_onto_the_records_file_is_refused(capsys, good_db: Path) -> None:
    before = digest(good_db)
    code, _, err = run(capsys, "report", "--db", str(good_db), "--out", str(good_db))
    assert code == 2 and "records database in use" in err and digest(good_db) == before


def test_report_onto_the_records_file_with_force(capsys, tmp_path: Path, good_db: Path) -> None:
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(good_db, copy)
    code, _, _ = run(capsys, "report", "--db", str(copy), "--out", str(copy), "--force",
                     "--format", "html")
    assert code == 2  # a database file's suffix still says it is no HTML page
    code, _, _ = run(capsys, "report", "--db", str(good_db), "--out",
                     str(tmp_path / "ok.html"))
    assert code == 0


def test_graph_onto_its_scenario_is_refused(capsys, tmp_path: Path) -> None:
    scenario = tmp_path / "case.yaml"
    shutil.copyfile(EXAMPLE, scenario)
    before = digest(scenario)
    code, _, err = run(capsys, "graph", str(scenario), "--out", str(scenario))
    assert code == 2 and "file being read" in err and digest(scenario) == before
    other = tmp_path / "other.yaml"
    shutil.copyfile(EXAMPLE, other)
    code, _, err = run(capsys, "graph", str(scenario), "--out", str(other))
    assert code == 2 and "scenario file" in err and digest(other) == before
    assert run(capsys, "graph", str(scenario), "--out", str(other), "--force")[0] == 0


@pytest.mark.parametrize(
    ("out", "fragment"),
    [("", "the file name is empty"), ("{tmp}", "this is a folder"),
     ("{tmp}/x.pdf", "not '.pdf'"), ("{tmp}/no/such/r.html", "does not exist; create it"),
     ("{tmp}/r.csv --format html", "the name says csv")],
)
def test_report_out_usage_errors(capsys, tmp_path: Path, good_db: Path, out: str,
                                 fragment: str) -> None:
    words = out.format(tmp=tmp_path).split(" ") if out else [""]
    code, _, err = run(capsys, "report", "--db", str(good_db), "--out", *words)
    assert code == 2 and fragment in err, err
    assert "locked" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("command", [["new", "late-parcel"], ["export"]])
def test_missing_folders_are_an_error(capsys, tmp_path: Path, good_db: Path,
                                      command: list[str]) -> None:
    target = tmp_path / "no" / "such" / "file.out"
    code, _, err = run(capsys, *command, "--db", str(good_db), "--out", str(target))
    assert code == 2 and "does not exist; create it" in err
    assert not (tmp_path / "no").exists()


def _make_read_only(folder: Path) -> bool:
    """Make ``folder`` and its files unwritable (root: immutable); False if impossible."""
    import subprocess

    files = [str(p) for p in folder.iterdir()]
    if os.geteuid() != 0:
        for f in files:
            os.chmod(f, 0o444)
        os.chmod(folder, 0o555)
        return True
    done = subprocess.run(["chattr", "+i", *files, str(folder)], capture_output=True,
                          check=False)
    return done.returncode == 0


def _make_writable(folder: Path) -> None:
    import subprocess

    files = [str(p) for p in folder.iterdir()]
    if os.geteuid() != 0:
        os.chmod(folder, 0o755)
        for f in files:
            os.chmod(f, 0o644)
    else:
        subprocess.run(["chattr", "-i", *files, str(folder)], capture_output=True, check=False)


def test_a_read_only_wal_database_serves_the_reading_commands(capsys, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "records.sqlite3"
    with open_store(db) as store:  # left in WAL mode, as every played database is
        add_session(store, score=80)
    if not _make_read_only(folder):
        pytest.skip("this file system can't make a file read-only for root")
    try:
        assert run(capsys, "history", "--db", str(db))[0] == 0
        assert run(capsys, "report", "--db", str(db), "--out", str(tmp_path / "r.html"))[0] == 0
        code, out, _ = run(capsys, "export", "--db", str(db), "--out", str(tmp_path / "e.db"))
        assert code == 0 and "Exported 1 session" in out
    finally:
        _make_writable(folder)
