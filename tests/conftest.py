"""Test set-up: headless SDL, and a records database that is never the user's own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Set before anything imports pygame: tests draw to memory, never to a screen or speaker.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "tests" / "scenarios"
LIBRARY = ROOT / "scenarios"


@pytest.fixture(autouse=True)
def _private_records(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own records database and config folder."""
    db = tmp_path_factory.mktemp("records") / "defuse.db"
    monkeypatch.setenv("DEFUSE_DB", str(db))
    monkeypatch.setenv("DEFUSE_CONFIG_DIR", str(db.parent / "config"))
    # the server outbox and what was sent to an LRS: never the user's data folder either
    monkeypatch.setenv("DEFUSE_OUTBOX", str(db.parent / "outbox.sqlite3"))
    monkeypatch.setenv("DEFUSE_DATA_DIR", str(db.parent / "data"))
    return db


@pytest.fixture
def example_path() -> Path:
    """The example scenario that uses every feature of the format."""
    return EXAMPLES / "late-cake.yaml"
