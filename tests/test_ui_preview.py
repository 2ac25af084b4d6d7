"""Trainer preview in the window: start at a node with a preset state, F5 reloads the
edited file in place (errors shown, old version kept), F2 shows the session's state."""

from __future__ import annotations

import shutil
from pathlib import Path

import pygame
import pytest

from sim.ui.preview import Preset
from sim.ui.scenes.brief import open_scenario_file
from sim.ui.testing import Driver

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "shots"
EXAMPLE = ROOT / "tests" / "scenarios" / "late-cake.yaml"
OLD_LINE = "My daughter cried in front of all her friends."
NEW_LINE = "My girl cried in front of every friend she has."


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """An editable copy of the example scenario, alone in its folder."""
    folder = tmp_path / "lib"
    folder.mkdir()
    path = folder / "late-cake.yaml"
    shutil.copy(EXAMPLE, path)
    return path


def preview(tmp_path: Path, path: Path, lang: str = "en", coach: bool = True,
            **preset: object) -> Driver:
    """A window previewing ``path`` with a preset state, as ``play --at`` opens it."""
    d = Driver(path.parent, lang=lang, coach=coach, settings_path=tmp_path / "w.json")
    assert open_scenario_file(d.app, path, preset=Preset(**preset))  # type: ignore[arg-type]
    d.step()
    return d


def audit_shot(d: Driver, name: str) -> None:
    """Save a screenshot under shots/ and fail on any text drawn outside its box."""
    d.app.ts.audit = []
    d.shot(SHOTS / f"{name}.png")
    problems, d.app.ts.audit = d.app.ts.audit, None
    assert not problems, problems[:5]


def test_preset_state_opens_play_unrecorded(tmp_path: Path, copy: Path) -> None:
    d = preview(tmp_path, copy, start="vented", emotion=55, trust=61,
                flags={"rushed": True})
    scene = d.scene
    assert scene.name == "play" and scene.preview and scene.recorder is None
    s = scene.session
    assert (s.node_id, s.emotion, s.trust, s.flags) == ("vented", 55, 61, {"rushed": True})
    assert OLD_LINE in scene.typing_text()
    assert round(scene.emotion.value) == 55  # the meters start at the preset, not the file


@pytest.mark.parametrize("coach", [True, False], ids=["coach", "exam"])
def test_f5_continues_in_the_edited_file(tmp_path: Path, copy: Path, coach: bool) -> None:
    d = preview(tmp_path, copy, coach=coach, start="opening")
    d.key(pygame.K_SPACE)
    d.key(pygame.K_1)  # let her vent: emotion 65, trust 40, two facts learned, at 'vented'
    d.key(pygame.K_SPACE)
    before = d.scene.session
    state = (before.node_id, before.emotion, before.trust, before.turn, set(before.learned))
    copy.write_text(copy.read_text("utf-8").replace(OLD_LINE, NEW_LINE), "utf-8")
    d.key(pygame.K_F5)
    scene = d.scene
    after = scene.session
    assert after is not before
    assert (after.node_id, after.emotion, after.trust, after.turn, set(after.learned)) == state
    assert NEW_LINE in scene.typing_text() and d.app.notice is None
    assert "late-cake.yaml" in d.app.toast.text
    # The conversation so far stays; the reply buttons are the edited file's.
    assert any(e.kind == "trainee" for e in scene.log)
    d.key(pygame.K_1)
    assert after.turn == state[3] + 1 and after.node_id != "vented"


def test_f5_with_errors_shows_them_and_keeps_playing(tmp_path: Path, copy: Path) -> None:
    d = preview(tmp_path, copy, start="vented")
    d.key(pygame.K_SPACE)
    good = d.scene.session
    text = copy.read_text("utf-8").replace("goto: still_angry", "goto: nowhere_yet", 1)
    copy.write_text(text.replace("quality: best", "quality: superb", 1), "utf-8")
    d.key(pygame.K_F5)
    notice = d.app.notice
    assert notice is not None and len(notice.lines) >= 2
    assert all(line.startswith(f"{copy}:") for line in notice.lines)
    assert any("nowhere_yet" in line for line in notice.lines)
    audit_shot(d, "preview_errors_en")
    d.key(pygame.K_l)  # readable in Chinese too
    audit_shot(d, "preview_errors_zh")
    d.key(pygame.K_ESCAPE)  # dismissed; the old version plays on
    assert d.app.notice is None and d.scene.session is good
    d.key(pygame.K_1)
    assert good.turn == 1 and good.node_id != "vented"


def test_f5_when_the_node_was_removed(tmp_path: Path, copy: Path) -> None:
    d = preview(tmp_path, copy, start="still_angry")
    d.key(pygame.K_SPACE)
    session = d.scene.session
    text = copy.read_text("utf-8")
    copy.write_text(text.replace("still_angry", "still_cross"), "utf-8")
    d.key(pygame.K_F5)
    assert d.app.notice is not None and "still_angry" in d.app.notice.body
    d.key(pygame.K_RETURN)
    assert d.app.notice is None and d.scene.session is session
    # Fixed again: F5 continues (no need to dismiss a notice first).
    copy.write_text(text, "utf-8")
    d.key(pygame.K_F5)
    d.key(pygame.K_F5)
    assert d.app.notice is None and d.scene.session is not session
    assert d.scene.session.node_id == "still_angry"


def test_f5_of_a_recorded_session_stops_recording_but_keeps_it(
    tmp_path: Path, copy: Path
) -> None:
    from sim.records import open_store

    store = open_store(tmp_path / "r.db")
    d = Driver(copy.parent, settings_path=tmp_path / "w.json", store=store)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_SPACE)
    d.key(pygame.K_1)
    assert d.scene.recorder is not None and d.scene.recorder.enabled
    d.key(pygame.K_F5)
    assert d.scene.recorder is None and d.scene.preview
    assert "not recorded" in d.app.toast.text
    open_ones = store.unfinished("Tess")
    assert len(open_ones) == 1 and open_ones[0].turns == 1  # offered for resuming


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_f2_overlay_shows_the_state(tmp_path: Path, copy: Path, lang: str) -> None:
    d = preview(tmp_path, copy, lang=lang, start="vented", emotion=62, trust=35,
                flags={"rushed": True, "apologies": 2})
    d.key(pygame.K_SPACE)
    assert not d.app.trainer_overlay
    d.key(pygame.K_F2)
    assert d.app.trainer_overlay
    rows = dict(d.scene.overlay_rows())
    values = " ".join(rows.values())
    assert "vented" in values and "62" in values and "35" in values
    assert "rushed=true" in values and "apologies=2" in values
    d.app.set_surface(pygame.Surface((960, 540)))
    d.app.settings.text_scale = d.app.ts.text_scale = 1.6
    audit_shot(d, f"preview_overlay_{lang}")
    d.key(pygame.K_F2)
    assert not d.app.trainer_overlay
