"""The history screen on a records store filled by real play: charts and tables in both
languages, scrolled with the wheel, nothing drawn outside its box at the smallest window
and the largest text."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from sim.engine import Session
from sim.records import open_store
from sim.scenario import find_scenarios, load_scenario
from sim.ui import strings
from sim.ui.testing import Driver

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "shots"
LIBRARY = ROOT / "scenarios"


@pytest.fixture(scope="module")
def filled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database where Tess played every case a few times with different plans."""
    db = tmp_path_factory.mktemp("history") / "records.db"
    store = open_store(db)
    for path in sorted(find_scenarios(LIBRARY)):
        scenario = load_scenario(path)
        plans = [t.choose for t in scenario.tests] or [[1]]
        for k in range(4):
            recorder = store.start("Tess", scenario, "en", "exam" if k % 2 else "coach")
            session = Session(scenario)
            recorder.attach(session)
            for token in plans[k % len(plans)]:
                if session.is_over:
                    break
                session.answer(token)
    store.start("Tess", scenario, "en", "coach")  # one left unfinished
    store.close()
    return db


def audit_shot(d: Driver, name: str) -> None:
    """Screenshot under shots/, failing on any text outside its box."""
    d.app.ts.audit = []
    d.shot(SHOTS / f"{name}.png")
    problems, d.app.ts.audit = d.app.ts.audit, None
    assert not problems, problems[:5]


def wheel(d: Driver, clicks: int) -> None:
    """Turn the mouse wheel (negative: towards the user, i.e. scroll down)."""
    d.input.push(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=clicks, flipped=False,
                                    precise_x=0.0, precise_y=float(clicks)))
    d.step()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_history_charts_fit_and_scroll(filled_db: Path, tmp_path: Path, lang: str) -> None:
    store = open_store(filled_db)
    d = Driver(LIBRARY, size=(960, 540), lang=lang, settings_path=tmp_path / "w.json",
               store=store)
    d.app.settings.text_scale = d.app.ts.text_scale = 1.6
    d.key(pygame.K_h)
    scene = d.scene
    assert scene.name == "history"
    assert len(scene.progress) >= 4 and scene.best and sum(
        m.total for m in scene.mastery.values()) > 0
    kinds = [type(b).__name__ for b in scene.doc().blocks]
    assert "ScoreLines" in kinds and "MasteryBars" in kinds
    assert kinds.count("Table") == 1 and kinds.count("SessionTable") == 1
    d.settle()
    audit_shot(d, f"history_top_{lang}_small_160")
    assert scene.scroll.max_offset > 0
    for _ in range(200):
        wheel(d, -1)
        if scene.scroll.target >= scene.scroll.max_offset:
            break
    d.settle()
    assert scene.scroll.offset == scene.scroll.max_offset
    audit_shot(d, f"history_end_{lang}_small_160")
    wheel(d, 3)
    d.settle()
    assert scene.scroll.offset < scene.scroll.max_offset
    # The normal size and text for people to look at.
    d.app.set_surface(pygame.Surface((1280, 720)))
    d.app.settings.text_scale = d.app.ts.text_scale = 1.0
    d.key(pygame.K_HOME)
    scene.scroll.to(0, instant=True)
    audit_shot(d, f"history_{lang}_1280")
    doc = scene.doc()
    bars = next(i for i, b in enumerate(doc.blocks) if type(b).__name__ == "MasteryBars")
    width = scene.layout()[1].inflate(-40, -32).width
    scene.scroll.to(doc.offset_of(d.app.ts, width, bars - 1), instant=True)
    audit_shot(d, f"history_{lang}_1280_mastery")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_history_with_nothing_finished_counts_no_sessions(tmp_path: Path, lang: str) -> None:
    """Only an unfinished session: the five-steps heading states no count ("last 0")."""
    store = open_store(tmp_path / "records.db")
    store.start("Tess", load_scenario(sorted(find_scenarios(LIBRARY))[0]), "en", "coach")
    d = Driver(LIBRARY, lang=lang, settings_path=tmp_path / "w.json", store=store)
    d.key(pygame.K_h)
    assert d.scene.name == "history"
    head, _note = d.scene.mastery_blocks()
    assert head.text == {"en": "The five steps", "zh": "五个步骤的表现"}[lang]
    assert "0" not in head.text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_history_dates_and_scores_stay_on_one_line(filled_db: Path, tmp_path: Path,
                                                   lang: str) -> None:
    """At every window size from the smallest and every text size, a table's dates,
    counts, outcomes and scores take one line, and scrolled to its end the last row ends
    above the band of the "more above" cue."""
    from sim.ui import theme
    from sim.ui.doc import Table

    d = Driver(LIBRARY, size=theme.MIN_SIZE, lang=lang, settings_path=tmp_path / "w.json",
               store=open_store(filled_db))
    d.key(pygame.K_h)
    scene = d.scene
    ts = d.app.ts
    for size in (theme.MIN_SIZE, (1280, 720), (1920, 1080)):
        d.resize(size)
        for scale in theme.TEXT_SCALES:
            d.app.settings.text_scale = ts.text_scale = scale
            page = scene.page(scene.doc_view())
            tables = [b for b in scene.doc().blocks if isinstance(b, Table)]
            assert len(tables) == 2
            for table in tables:
                widths = table._widths(page.width, ts)
                assert sum(widths) == page.width
                # the date and score columns, found by their headings
                cols = [i for i, head in enumerate(table.headers)
                        if head in (d.app.t("col_when"), d.app.t("col_best"),
                                    d.app.t("col_score"))]
                assert len(cols) == 2
                for row in table.rows:
                    for i in cols:
                        cell = row[i]
                        high = ts.text_height(cell.text, cell.role, widths[i] - 2 * table.pad,
                                              cell.bold)
                        assert high == ts.text_height("0", cell.role, 500, cell.bold), (
                            size, scale, cell.text)
            d.step()  # the scroll's extent at this size
            scene.scroll.to(scene.scroll.max_offset, instant=True)
            d.step()
            top, h = scene.row_spans()[-1]
            assert top + h - scene.scroll.offset <= page.height, (size, scale)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scores_over_time_never_mix_scoring_versions(tmp_path: Path, lang: str) -> None:
    """A session scored by an earlier formula is drawn as today's scoring gives its
    replies when the case file is the one it was played on (and a note says so); when
    the file changed it is a ring off the line, with a legend, not a comparable point."""
    import sqlite3

    from sim.coach import SCORING_VERSION
    from sim.ui.charts import ScoreLines

    db = tmp_path / "records.db"
    store = open_store(db)
    path = sorted(find_scenarios(LIBRARY))[0]
    scenario = load_scenario(path)
    plan = scenario.tests[0].choose
    for _ in range(3):
        recorder = store.start("Tess", scenario, "en", "coach")
        session = Session(scenario)
        recorder.attach(session)
        for token in plan:
            if not session.is_over:
                session.answer(token)
        assert session.is_over
    store.close()
    conn = sqlite3.connect(db)
    ids = [r[0] for r in conn.execute("SELECT id FROM session ORDER BY id")]
    finals = [r[0] for r in conn.execute("SELECT score FROM session ORDER BY id")]
    old = SCORING_VERSION - 1
    # the first: an earlier formula gave it 12; the second: 34, on a file since edited
    conn.execute("UPDATE session SET scoring_version = ?, score = 12 WHERE id = ?",
                 (old, ids[0]))
    conn.execute("UPDATE session SET scoring_version = ?, score = 34, scenario_hash = 'x' "
                 "WHERE id = ?", (old, ids[1]))
    conn.commit()
    conn.close()
    d = Driver(LIBRARY, lang=lang, settings_path=tmp_path / "w.json", store=open_store(db))
    d.key(pygame.K_h)
    scene = d.scene
    blocks = scene.score_blocks()
    chart = next(b for b in blocks if isinstance(b, ScoreLines))
    (_title, scores), = chart.series
    assert list(scores) == [float(finals[0]), 34.0, float(finals[2])]
    assert [list(flags) for flags in chart.apart] == [[False, True, False]]
    assert chart.apart_label == d.app.t("scores_earlier")
    notes = [b.text for b in blocks if type(b).__name__ == "Para"]
    assert notes == [strings.count("scores_rescored", lang, 1)]
    # drawn: nothing outside its box, at the smallest window and largest text too
    audit_shot(d, f"history_rescored_{lang}")
    d.resize((960, 540))
    d.app.settings.text_scale = d.app.ts.text_scale = 1.6
    audit_shot(d, f"history_rescored_{lang}_small_160")
