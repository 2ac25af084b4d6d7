"""Shuffled replies: a per-session order from a recorded seed, the same on resume and in
review; plans keep naming replies as written; ``shuffle: false`` opts a node out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine import Session, new_seed, shown_order
from sim.records import open_store
from sim.scenario import check_bytes, load_scenario
from tests.conftest import EXAMPLES, ROOT

CAKE = EXAMPLES / "late-cake.yaml"


def orders(session: Session, plan: list[int]) -> list[list[int]]:
    """The order shown at each node along a plan of shown positions."""
    seen = []
    for position in plan:
        if session.is_over:
            break
        seen.append([o.index for o in session.shown()])
        session.choose_shown(position % len(session.shown()))
    return seen


def test_two_sessions_show_different_orders() -> None:
    scenario = load_scenario(CAKE)
    a = Session(scenario, seed=new_seed())
    b = Session(scenario, seed=new_seed())
    # compare the orders at the opening and along the same authored play
    sequences = []
    for s in (a, b):
        seq = []
        for token in ["let_vent", "sorry", "ask_wish", "make_right"]:
            seq.append([o.index for o in s.shown()])
            s.answer(token)
        sequences.append(seq)
    fixed = [[[o.index for o in Session(scenario, seed=seed).shown()]] for seed in range(12)]
    # fresh seeds almost surely differ; fixed ones certainly give more than one order
    assert a.seed != b.seed
    assert len({json.dumps(f) for f in fixed}) > 1
    assert sequences[0] != sequences[1] or a.seed == b.seed


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), plan=st.lists(st.integers(0, 5), max_size=8))
def test_same_seed_same_order_and_answers_name_the_authored_order(seed: int,
                                                                  plan: list[int]) -> None:
    scenario = load_scenario(CAKE)
    assert orders(Session(scenario, seed=seed), plan) == orders(Session(scenario, seed=seed),
                                                                plan)
    # a plan of authored numbers plays the same whatever the seed
    authored = Session(scenario)
    shuffled = Session(scenario, seed=seed)
    for s in (authored, shuffled):
        for token in ["1", "2", "1"]:
            if not s.is_over:
                s.answer(token)
    assert authored.history == shuffled.history


def test_choose_shown_gives_the_reply_shown_there() -> None:
    scenario = load_scenario(CAKE)
    for seed in range(6):
        s = Session(scenario, seed=seed)
        shown = s.shown()
        turn = s.choose_shown(len(shown) - 1)
        assert turn.index == shown[-1].index
        assert sorted(turn.offered) == sorted(o.index for o in shown)


def test_a_node_can_keep_the_written_order() -> None:
    text = CAKE.read_text(encoding="utf-8").replace(
        "\n  opening:\n", "\n  opening:\n    shuffle: false\n", 1)
    scenario, problems = check_bytes(text.encode(), "cake.yaml")
    assert scenario is not None, problems
    assert not scenario.nodes["opening"].shuffle
    written = [o.index for o in Session(scenario).choices()]
    for seed in range(20):
        assert [o.index for o in Session(scenario, seed=seed).shown()] == written
    assert shown_order(5, 0, "x", [0, 1, 2], shuffle=False) == [0, 1, 2]
    assert shown_order(None, 0, "x", [2, 0, 1]) == [2, 0, 1]
    bad = text.replace("shuffle: false", "shuffle: sometimes", 1)
    scenario, problems = check_bytes(bad.encode(), "cake.yaml")
    assert scenario is None
    assert any(p.code == "wrong-type" and p.line > 0 and "true or false" in str(p)
               for p in problems)


def test_resumed_session_shows_the_same_order(tmp_path: Path) -> None:
    scenario = load_scenario(CAKE)
    with open_store(tmp_path / "r.sqlite3") as store:
        seed = 12345
        recorder = store.start("Ana", scenario, seed=seed)
        session = Session(scenario, seed=seed)
        recorder.attach(session)
        session.answer("let_vent")
        before = [o.index for o in session.shown()]
        [info] = store.unfinished("Ana")
        assert info.seed == seed
        resumed, _ = store.resume(store.plan_resume(info, EXAMPLES))
        assert resumed.seed == seed and resumed.history == session.history
        assert [o.index for o in resumed.shown()] == before
        resumed.answer("sorry")
        resumed.answer("ask_wish")
        resumed.answer("make_right")
        resumed.answer("commit")
        [done] = store.sessions(trainee="Ana")
        assert done.status == "finished" and done.scoring_version == 2


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_choices_keep_the_written_order_unless_seeded(tmp_path: Path) -> None:
    plan = "1,1,2,1"
    plain = run("play", str(CAKE), "--choices", plan, "--json", "--db", str(tmp_path / "a"))
    seeded = run("play", str(CAKE), "--choices", plan, "--json", "--seed", "77",
                 "--db", str(tmp_path / "b"))
    assert plain.returncode == seeded.returncode == 0, (plain.stderr, seeded.stderr)
    a, b = json.loads(plain.stdout), json.loads(seeded.stdout)
    assert a["seed"] is None and b["seed"] == 77
    # the numbers name the replies as written either way
    assert [t["choice"] for t in a["turns"]] == [t["choice"] for t in b["turns"]]
    assert a["score"] == b["score"] and a["scoring_version"] == 2
    with open_store(tmp_path / "b") as store:
        [info] = store.sessions()
        assert info.seed == 77 and info.scoring_version == 2
    bad = run("play", str(CAKE), "--choices", plan, "--seed", "-3")
    assert bad.returncode == 2 and "--seed" in bad.stderr and "Traceback" not in bad.stderr


def test_window_exam_mode_always_shuffles(tmp_path: Path) -> None:
    from sim.ui.preview import Preset
    from sim.ui.scenes.brief import start_play
    from sim.ui.testing import Driver

    for coach, preview_seeded in ((True, False), (False, True)):
        d = Driver(EXAMPLES, coach=coach, settings_path=tmp_path / f"{coach}.json",
                   seeds=lambda: 4242)
        entry = d.app.library.entries[0]
        assert start_play(d.app, entry)
        assert d.scene.session.seed == 4242  # an ordinary session: shuffled
        assert start_play(d.app, entry, preset=Preset(emotion=50))
        # a trainer's preview keeps the written order in coach mode, never in exam mode
        assert (d.scene.session.seed is not None) == preview_seeded
