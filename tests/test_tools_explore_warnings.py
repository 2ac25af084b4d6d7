"""validate's checks that explore play states: ending meters, bands, budget reports."""

from __future__ import annotations

import textwrap
import time

from sim.engine.playgraph import build
from sim.scenario import check_bytes
from sim.tools.lint import ending_meter_warnings, exploration_warnings
from sim.tools.synth import generate

BASE = textwrap.dedent("""\
    format: 1
    id: meters
    title: T
    summary: S
    difficulty: 1
    briefing: B
    customer: {name: N, role: R, emotion: 50, trust: 50}
    start: a
    nodes:
      a:
        say: hi
        choices:
          - {id: soothe, reply: r, step: listen, quality: best,
             effects: {emotion: -30, trust: 30}, goto: b}
          - {id: shout, reply: r, step: listen, quality: harmful,
             effects: {emotion: 30, trust: -30}, goto: b}
      b:
        say: so?
        choices:
          - {id: bye, reply: r, step: commit, quality: good, goto: ENDING}
    endings:
      gone: {outcome: lost, title: L}
      happy: {outcome: resolved, title: H}
    """)


def _warnings(ending: str) -> list[str]:
    text = BASE.replace("ENDING", ending)
    sc, problems = check_bytes(text.encode(), "m.yaml")
    assert sc is not None, problems
    return [str(p) for p in exploration_warnings(sc, text.splitlines())
            if p.code == "ending-meters"]


def test_a_calm_trusting_customer_is_not_lost() -> None:
    (w,) = _warnings("gone")
    assert "lost ending 'gone'" in w and "emotion 20, trust 80" in w and "soothe" in w
    assert w.startswith("m.yaml:22:3:")  # the ending's line


def test_an_angry_customer_is_not_resolved() -> None:
    (w,) = _warnings("happy")
    assert "resolved ending 'happy'" in w and "emotion 80" in w and "shout" in w


def test_thresholds_are_inclusive_and_quiet_otherwise() -> None:
    calm = BASE.replace("emotion: -30, trust: 30", "emotion: -19, trust: 19").replace(
        "emotion: 30, trust: -30", "emotion: 0").replace("ENDING", "gone")
    sc, _ = check_bytes(calm.encode(), "m.yaml")
    found, complete, _ = ending_meter_warnings(sc, [], build(sc))
    assert complete and found == []  # emotion 31, trust 69: not calm enough to contradict


def test_an_exhausted_budget_reports_what_it_found() -> None:
    text = generate(600, width=10, seed=1)
    sc, _ = check_bytes(text.encode(), "big.yaml")
    found = exploration_warnings(sc, text.splitlines(), budget=1_000)
    codes = [p.code for p in found]
    assert codes.count("checks-incomplete") == 1
    (note,) = [p for p in found if p.code == "checks-incomplete"]
    assert "analyze" in note.hint and note.line > 1


def test_the_budget_counts_work_not_time(monkeypatch) -> None:
    """A clock that says every budget ran out long ago changes nothing: the warnings
    depend on the scenario alone, never on the machine's speed or load."""
    text = generate(600, width=10, seed=1)
    sc, _ = check_bytes(text.encode(), "big.yaml")
    lines = text.splitlines()
    full = [str(p) for p in exploration_warnings(sc, lines)]
    small = [str(p) for p in exploration_warnings(sc, lines, budget=1_000)]
    assert sum("checks-incomplete" in w for w in small) == 1
    monkeypatch.setattr(time, "process_time", lambda: 1e12)
    assert [str(p) for p in exploration_warnings(sc, lines)] == full
    assert [str(p) for p in exploration_warnings(sc, lines, budget=1_000)] == small


def test_reading_a_large_file_is_paid_from_validates_budget(tmp_path) -> None:
    """validate's work per file covers reading it too: a large file leaves less for the
    exploring checks (and says how much reading took when they run out); a shipped-size
    file leaves almost all of it."""
    from sim.scenario import check_file
    from sim.tools.lint import READ_WORK_PER_BYTE, VALIDATE_WORK, reading_work

    big = tmp_path / "big.yaml"
    big.write_text(generate(2000), encoding="utf-8")
    sc, _ = check_file(big)
    assert sc is not None
    lines = big.read_text(encoding="utf-8").splitlines()
    read = reading_work(sc, lines)
    assert read == int(big.stat().st_size * READ_WORK_PER_BYTE) > VALIDATE_WORK // 2
    (note,) = [p for p in exploration_warnings(sc, lines) if p.code == "checks-incomplete"]
    assert f"{VALIDATE_WORK - read:,} work units, what is left of {VALIDATE_WORK:,} after " \
           f"{read:,} for reading the file" in note.message
    small = BASE.replace("ENDING", "gone")
    sc, _ = check_bytes(small.encode(), "m.yaml")  # not on disk: its text is measured
    assert reading_work(sc, small.splitlines()) == int(len(small) * READ_WORK_PER_BYTE)
