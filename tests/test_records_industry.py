"""The trainer's report and the history filtered by industry (a scenario's first tag)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from sim.records import open_store
from sim.records.cli import industries
from sim.records.models import TurnRow

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "scenarios"


def record(db: Path, trainee: str, scenario: str, score: float) -> None:
    with open_store(db) as store:
        info = store.create_session(trainee, scenario, "h" * 64, mode="text")
        store.add_turns(info.id, [TurnRow(1, "opening", 0, "a", "r", "listen", "good", 50,
                                          50)])
        store.finish_session(info.id, ending="e", outcome="resolved", score=score,
                             steps={"listen": "done"}, scoring_version=2)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], input="",
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_the_library_names_its_industries():
    found = industries(str(LIBRARY))
    assert "angry-parent" in found["education"]
    assert {"deposit-rate", "overdue-records"} <= set(found["banking"])
    assert "angry-parent" not in found["banking"]


def test_report_and_history_keep_one_industry(tmp_path: Path):
    db = tmp_path / "r.sqlite3"
    record(db, "ana", "angry-parent", 61)
    record(db, "ana", "deposit-rate", 72.5)
    record(db, "ben", "overdue-records", 80)
    out = tmp_path / "banking.csv"
    done = run_cli("report", "--db", str(db), "--library", str(LIBRARY), "--industry",
                   "Banking", "--out", str(out))
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["scenario"] for r in rows) == ["deposit-rate", "overdue-records"]
    page = tmp_path / "banking.html"
    assert run_cli("report", "--db", str(db), "--library", str(LIBRARY), "--industry",
                   "banking", "--out", str(page)).returncode == 0
    html = page.read_text(encoding="utf-8")
    assert "Industry: banking" in html and "angry-parent" not in html
    shown = run_cli("history", "--db", str(db), "--library", str(LIBRARY), "--industry",
                    "banking", "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    listed = {s["scenario_id"] for t in data["trainees"] for s in t["sessions"]}
    assert listed == {"deposit-rate", "overdue-records"}
    assert set(data["trainees"][0]["best"]) == {"deposit-rate"}
    wrong = run_cli("history", "--db", str(db), "--library", str(LIBRARY), "--industry",
                    "farming")
    assert wrong.returncode == 2 and "industries: " in wrong.stderr
    assert "banking" in wrong.stderr and "Traceback" not in wrong.stderr
