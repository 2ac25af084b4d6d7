"""An unusable records database: the window names the file, asks whether to play
without recording, and never changes the file."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from sim.records import NullRecorder
from sim.ui.testing import Driver

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "shots"
LIBRARY = ROOT / "scenarios"
GARBAGE = b"this is not a database, just bytes a trainee must not lose\n" * 200


@pytest.fixture
def corrupt_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The records file the window will try to open, filled with garbage."""
    db = tmp_path / "records.sqlite3"
    db.write_bytes(GARBAGE)
    monkeypatch.setenv("DEFUSE_DB", str(db))
    return db


def audit_shot(d: Driver, name: str) -> None:
    """Screenshot under shots/, failing on any text outside its box."""
    d.app.ts.audit = []
    d.shot(SHOTS / f"{name}.png")
    problems, d.app.ts.audit = d.app.ts.audit, None
    assert not problems, problems[:5]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_corrupt_records_asks_and_plays_unrecorded(
    corrupt_db: Path, tmp_path: Path, lang: str
) -> None:
    d = Driver(LIBRARY, size=(960, 540), lang=lang, settings_path=tmp_path / "w.json")
    d.step()
    confirm = d.app.confirm
    assert d.app.store is None and confirm is not None
    assert str(corrupt_db) in confirm.body
    audit_shot(d, f"records_corrupt_ask_{lang}")
    d.key(pygame.K_RETURN)  # yes: play without recording
    assert d.app.confirm is None and d.app.unrecorded_ok and d.app.running
    audit_shot(d, f"records_corrupt_menu_{lang}")
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "play" and isinstance(d.scene.recorder, NullRecorder)
    d.key(pygame.K_SPACE)
    d.key(pygame.K_1)
    assert d.scene.session.turn == 1
    d.key(pygame.K_h)  # not a play key; history from the menu says why it is empty
    assert corrupt_db.read_bytes() == GARBAGE


def test_corrupt_records_no_quits_and_leaves_the_file(corrupt_db: Path, tmp_path: Path) -> None:
    d = Driver(LIBRARY, settings_path=tmp_path / "w.json")
    d.step()
    assert d.app.confirm is not None
    d.key(pygame.K_ESCAPE)
    assert not d.app.running
    assert corrupt_db.read_bytes() == GARBAGE
    assert list(corrupt_db.parent.glob("records.sqlite3*")) == [corrupt_db]


def test_history_names_the_unusable_file(corrupt_db: Path, tmp_path: Path) -> None:
    d = Driver(LIBRARY, settings_path=tmp_path / "w.json")
    d.step()
    d.key(pygame.K_RETURN)
    d.key(pygame.K_h)
    assert d.scene.name == "history"
    text = d.scene.doc().blocks[0].text
    assert str(corrupt_db) in text
